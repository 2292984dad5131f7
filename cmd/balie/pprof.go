package main

import (
	"log/slog"
	"net/http"
	"net/http/pprof"
	"os"
)

// startProfiler serves Go's profiles on the loopback address in
// BALIE_PPROF (for example 127.0.0.1:6060), for an engineer chasing the
// memory or the speed of a desk. Off when the variable is unset.
func startProfiler(log *slog.Logger) {
	addr := os.Getenv("BALIE_PPROF")
	if addr == "" {
		return
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	go func() {
		log.Info("profiles served", "addr", addr)
		if err := http.ListenAndServe(addr, mux); err != nil {
			log.Warn("profiles not served", "err", err)
		}
	}()
}

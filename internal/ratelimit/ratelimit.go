// Package ratelimit counts failures per key in fixed windows, for the
// ledger's sign-ins (the terminals' per address, the back office's per
// account and per address) and its national register number look-ups
// per terminal: a key that reached the limit in a window is refused
// until the window ends.
package ratelimit

import (
	"net"
	"net/http"
	"sync"
	"time"
)

// maxTracked bounds the keys one window remembers, so that a flood of
// keys cannot grow a Window past it; a key not yet counted when the
// bound is reached is not counted in that window.
const maxTracked = 100_000

// Window counts per key; every key is forgotten when a window starts.
type Window struct {
	mu     sync.Mutex // guards start and counts
	max    int
	window time.Duration
	now    func() time.Time
	start  time.Time
	counts map[string]int
}

// New allows max counts per key in each window of the given length, on
// the clock now.
func New(max int, window time.Duration, now func() time.Time) *Window {
	return &Window{max: max, window: window, now: now, counts: map[string]int{}}
}

func (w *Window) roll() {
	// A clock set back starts a window too.
	if t := w.now(); t.Sub(w.start) >= w.window || t.Before(w.start) {
		w.start = t
		clear(w.counts)
	}
}

// Allowed reports whether key is still under the limit in this window.
func (w *Window) Allowed(key string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.roll()
	return w.counts[key] < w.max
}

// Count counts one more for key.
func (w *Window) Count(key string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.roll()
	if _, ok := w.counts[key]; !ok && len(w.counts) >= maxTracked {
		return
	}
	w.counts[key]++
}

// Remote is the address a request came from, without its port: the key
// of the per-address limits.
func Remote(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

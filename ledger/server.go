package ledger

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	balisync "github.com/balie/balie/sync"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// ServerOptions tune a Server. The zero value serves plain HTTP and
// discards logs.
type ServerOptions struct {
	Logger *slog.Logger
	// TLSCert and TLSKey are PEM files; TLS is served when both are set.
	TLSCert, TLSKey string
}

// Server serves a ledger over HTTP: the protocol's endpoints, /healthz
// and /metrics. Start it with Start, stop it with Shutdown; the Ledger
// stays open and is the caller's to close.
type Server struct {
	l       *Ledger
	log     *slog.Logger
	opts    ServerOptions
	metrics *metrics
	handler http.Handler

	mu   sync.Mutex // guards srv, ln and done
	srv  *http.Server
	ln   net.Listener
	done chan error

	bufs sync.Pool // *bytes.Buffer for request and page bodies
}

// NewServer makes a server for l.
func NewServer(l *Ledger, opts ServerOptions) *Server {
	s := &Server{l: l, log: opts.Logger, opts: opts, metrics: newMetrics()}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.bufs.New = func() any { return new(bytes.Buffer) }
	mux := http.NewServeMux()
	mux.Handle(balisync.PathEnrol, s.route("enrol", http.MethodPost, s.enrol))
	mux.Handle(balisync.PathEvents, s.route("events", http.MethodPost, s.events))
	mux.Handle(balisync.PathChanges, s.route("changes", http.MethodGet, s.changes))
	mux.Handle(balisync.PathHealth, s.route("healthz", http.MethodGet, s.health))
	mux.Handle("/metrics", s.route("metrics", http.MethodGet,
		promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{Registry: s.metrics.reg}).ServeHTTP))
	mux.Handle("/", s.route("other", "", func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, problemNotFound())
	}))
	s.handler = mux
	return s
}

// Handler is the server's HTTP handler, for httptest or another server.
func (s *Server) Handler() http.Handler { return s.handler }

// Start listens on addr ("127.0.0.1:0" picks a free port) and serves in
// the background, with TLS when the options name a certificate and key.
func (s *Server) Start(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	return s.Serve(ln)
}

// Serve serves on ln in the background.
func (s *Server) Serve(ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	done := make(chan error, 1)
	s.mu.Lock()
	s.srv, s.ln, s.done = srv, ln, done
	s.mu.Unlock()
	tls := s.opts.TLSCert != "" && s.opts.TLSKey != ""
	go func() {
		var err error
		if tls {
			err = srv.ServeTLS(ln, s.opts.TLSCert, s.opts.TLSKey)
		} else {
			err = srv.Serve(ln)
		}
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		done <- err
	}()
	s.log.Info("ledger serving", "addr", ln.Addr().String(), "tls", tls)
	return nil
}

// Addr is the address the server listens on, "" before Start.
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return ""
	}
	return s.ln.Addr().String()
}

// URL is the base URL terminals use, "" before Start.
func (s *Server) URL() string {
	a := s.Addr()
	if a == "" {
		return ""
	}
	if s.opts.TLSCert != "" && s.opts.TLSKey != "" {
		return "https://" + a
	}
	return "http://" + a
}

// Shutdown stops accepting connections, lets every request in hand
// finish (a batch being written commits) and returns when they have, or
// when ctx ends.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	srv, done := s.srv, s.done
	s.mu.Unlock()
	if srv == nil {
		return nil
	}
	err := srv.Shutdown(ctx)
	if err == nil {
		err = <-done
	}
	s.log.Info("ledger stopped")
	return err
}

// Wait returns when the server stops serving, with the error that
// stopped it (nil after Shutdown).
func (s *Server) Wait() error {
	s.mu.Lock()
	done := s.done
	s.mu.Unlock()
	err := <-done
	done <- err // for the next waiter
	return err
}

// statusWriter remembers the status a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// route wraps a handler with the method check, the duration metric and a
// log line.
func (s *Server) route(name, method string, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		if method != "" && r.Method != method {
			sw.Header().Set("Allow", method)
			writeProblem(sw, problemMethod(method))
		} else {
			h(sw, r)
		}
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		d := time.Since(start)
		s.metrics.duration.WithLabelValues(name, strconv.Itoa(sw.status)).Observe(d.Seconds())
		level := slog.LevelDebug
		if sw.status >= 500 {
			level = slog.LevelWarn
		}
		s.log.Log(r.Context(), level, "request", "route", name, "method", r.Method, "status", sw.status, "duration", d, "remote", r.RemoteAddr)
	})
}

func writeProblem(w http.ResponseWriter, p *balisync.Problem) {
	w.Header().Set("Content-Type", balisync.ContentProblem)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	json.NewEncoder(w).Encode(p)
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(v)
}

// readBody reads a request body of at most limit bytes.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request, limit int64) (*bytes.Buffer, *balisync.Problem) {
	if r.ContentLength > limit {
		return nil, problemTooLarge()
	}
	buf := s.bufs.Get().(*bytes.Buffer)
	buf.Reset()
	_, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, limit))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		s.bufs.Put(buf)
		return nil, problemTooLarge()
	case err != nil:
		s.bufs.Put(buf)
		return nil, problemBadRequest("de inhoud kon niet gelezen worden.", "the body could not be read.")
	}
	return buf, nil
}

func (s *Server) enrol(w http.ResponseWriter, r *http.Request) {
	body, p := s.readBody(w, r, 64<<10)
	if p != nil {
		writeProblem(w, p)
		return
	}
	defer s.bufs.Put(body)
	var req balisync.EnrolRequest
	if err := json.Unmarshal(body.Bytes(), &req); err != nil {
		writeProblem(w, problemBadRequest("verwacht {\"token\": \"...\"}.", `expected {"token": "..."}.`))
		return
	}
	resp, p := s.l.Enrol(r.Context(), req.Token)
	if p != nil {
		s.log.Info("enrolment refused", "code", p.Code, "remote", r.RemoteAddr)
		writeProblem(w, p)
		return
	}
	writeJSON(w, resp)
}

func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	terminal, p := s.l.Authenticate(r.Context(), r.Header.Get("Authorization"))
	if p != nil {
		writeProblem(w, p)
		return
	}
	body, p := s.readBody(w, r, balisync.MaxBody)
	if p != nil {
		s.metrics.batches.WithLabelValues(p.Code).Inc()
		writeProblem(w, p)
		return
	}
	var req balisync.UploadRequest
	err := json.Unmarshal(body.Bytes(), &req)
	s.bufs.Put(body)
	if err != nil {
		p := problemBadRequest("de inhoud is geen lijst van journaalgebeurtenissen.", "the body is not a list of journal events.")
		s.metrics.batches.WithLabelValues(p.Code).Inc()
		writeProblem(w, p)
		return
	}
	resp, stats, p := s.l.IngestStats(r.Context(), terminal, req.Events)
	if p != nil {
		s.metrics.batches.WithLabelValues(p.Code).Inc()
		switch p.Code {
		case balisync.CodeEventConflict:
			s.metrics.conflicts.Inc()
		case balisync.CodeSequenceGap:
			s.metrics.gaps.Inc()
		}
		s.log.Info("batch refused", "terminal", terminal, "code", p.Code, "seq", p.Seq, "resume", p.Resume, "events", len(req.Events))
		writeProblem(w, p)
		return
	}
	s.metrics.batches.WithLabelValues("ok").Inc()
	for v, n := range stats.New {
		s.metrics.events.WithLabelValues(v).Add(float64(n))
	}
	s.metrics.repeats.Add(float64(stats.Repeats))
	s.log.Debug("batch stored", "terminal", terminal, "new", stats.New, "repeats", stats.Repeats, "acked", resp.Acked)
	writeJSON(w, resp)
}

func (s *Server) changes(w http.ResponseWriter, r *http.Request) {
	if _, p := s.l.Authenticate(r.Context(), r.Header.Get("Authorization")); p != nil {
		writeProblem(w, p)
		return
	}
	q := r.URL.Query()
	limit := 0
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			writeProblem(w, problemBadRequest("limit moet een positief geheel getal zijn.", "limit must be a positive integer."))
			return
		}
		limit = n
	}
	buf := s.bufs.Get().(*bytes.Buffer)
	buf.Reset()
	defer s.bufs.Put(buf)
	n, p := s.l.writeChanges(r.Context(), q.Get("cursor"), limit, buf)
	if p != nil {
		writeProblem(w, p)
		return
	}
	s.metrics.pages.Inc()
	s.metrics.changes.Add(float64(n))
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	io.Copy(w, buf)
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err := s.l.Ping(r.Context()); err != nil {
		s.log.Warn("health check failed", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		io.WriteString(w, "unavailable\n")
		return
	}
	io.WriteString(w, "ok\n")
}

// Package httpapi serves a ledger over HTTP: the sync protocol of
// docs/sync-protocol.md, /healthz and /metrics. It carries requests to
// the ledger's service layer and its answers back, and it guards the
// process: every error is problem+json, bodies and concurrency are
// bounded so that memory stays bounded whatever the clients do, slow
// clients time out, and failed sign-ins are limited per address.
package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/balie/balie/internal/ratelimit"
	"github.com/balie/balie/ledger"
	"github.com/balie/balie/ledger/beheer"
	"github.com/balie/balie/ledger/snapshot"
	balisync "github.com/balie/balie/sync"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Options tune a Server. The zero value serves plain HTTP with the
// limits below and discards logs.
type Options struct {
	Logger *slog.Logger
	// TLSCert and TLSKey are PEM files; TLS is served when both are set.
	TLSCert, TLSKey string
	// MemoryBudget bounds the bytes of request bodies held at once
	// (uploads wait for their share); 48 MiB when zero.
	MemoryBudget int64
	// DownloadBudget bounds the bytes of download pages held at once,
	// apart, so that clients who never read their pages cannot starve
	// the uploads; 32 MiB when zero.
	DownloadBudget int64
	// BudgetWait is how long a request waits for its share before it is
	// answered 503; 10 s when zero.
	BudgetWait time.Duration
	// AuthFailures is how many failed sign-ins one address may make per
	// minute before it is refused with 429; 20 when zero.
	AuthFailures int
	// INSZLookups is how many national register numbers one terminal
	// may look up per minute (a desk types one per customer); 30 when
	// zero.
	INSZLookups int
	// WriteTimeout bounds the time to send an answer; 60 s when zero.
	WriteTimeout time.Duration
	// SnapshotDir is where the directory snapshots for first downloads
	// are kept; a folder in the system's temporary folder when empty.
	SnapshotDir string
	// SnapshotMaxAge is how old a snapshot may be before a new one is
	// made; one hour when zero.
	SnapshotMaxAge time.Duration
	// SecureCookies marks the back office's session cookie Secure also
	// without TLS here: behind a proxy that ends TLS.
	SecureCookies bool
}

// Server serves a ledger over HTTP. Start it with Start, stop it with
// Shutdown; the Ledger stays open and is the caller's to close.
type Server struct {
	l         *ledger.Ledger
	log       *slog.Logger
	opts      Options
	metrics   *metrics
	handler   http.Handler
	budget    *budget // request bodies
	downloads *budget // download pages
	limiter   *ratelimit.Window
	inflight  *inflight
	lookups   *ratelimit.Window // national register number look-ups per terminal
	snapshots *snapshot.Cache
	office    *beheer.Server

	mu       sync.Mutex // guards srv, ln, done and stopWarm
	srv      *http.Server
	ln       net.Listener
	done     chan error
	stopWarm context.CancelFunc
	warmDone chan struct{}

	bufs sync.Pool // *bytes.Buffer for request and page bodies
}

// New makes a server for l.
func New(l *ledger.Ledger, opts Options) *Server {
	if opts.MemoryBudget <= 0 {
		opts.MemoryBudget = 48 << 20
	}
	if opts.DownloadBudget <= 0 {
		opts.DownloadBudget = 32 << 20
	}
	if opts.BudgetWait <= 0 {
		opts.BudgetWait = 10 * time.Second
	}
	if opts.AuthFailures <= 0 {
		opts.AuthFailures = 20
	}
	if opts.INSZLookups <= 0 {
		opts.INSZLookups = 30
	}
	if opts.WriteTimeout <= 0 {
		opts.WriteTimeout = 60 * time.Second
	}
	b, d := newBudget(opts.MemoryBudget), newBudget(opts.DownloadBudget)
	s := &Server{l: l, log: opts.Logger, opts: opts, metrics: newMetrics(l.Store().Engine(), func() float64 { return float64(b.used() + d.used()) }),
		budget: b, downloads: d, limiter: ratelimit.New(opts.AuthFailures, time.Minute, l.Now), inflight: newInflight(),
		lookups: ratelimit.New(opts.INSZLookups, time.Minute, l.Now)}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	dir := opts.SnapshotDir
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "balie-ledger-snapshots-"+strconv.Itoa(os.Getpid()))
	}
	s.snapshots = &snapshot.Cache{Dir: dir, Store: l.Store(), MaxAge: opts.SnapshotMaxAge, Log: s.log,
		Relog: func(ctx context.Context, upTo int64) error { _, err := l.RelogRestricted(ctx, upTo); return err }}
	s.bufs.New = func() any { return new(bytes.Buffer) }
	mux := http.NewServeMux()
	mux.Handle(balisync.PathEnrol, s.route("enrol", http.MethodPost, true, s.enrol))
	mux.Handle(balisync.PathKey, s.route("key", http.MethodPost, true, s.key))
	mux.Handle(balisync.PathEvents, s.route("events", http.MethodPost, true, s.events))
	mux.Handle(balisync.PathChanges, s.route("changes", http.MethodGet, true, s.changes))
	mux.Handle(balisync.PathSnapshot, s.route("snapshot", http.MethodGet, true, s.snapshot))
	mux.Handle(balisync.PathINSZ, s.route("insz", http.MethodPost, true, s.insz))
	mux.Handle(balisync.PathHealth, s.route("healthz", http.MethodGet, false, s.health))
	mux.Handle("/metrics", s.route("metrics", http.MethodGet, false,
		promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{Registry: s.metrics.reg}).ServeHTTP))
	office, err := beheer.New(l, beheer.Options{Logger: s.log, Registerer: s.metrics.reg, SecureCookies: opts.SecureCookies})
	if err != nil {
		// The templates are embedded and the registry is the server's
		// own: a failure here is a bug of this build, found by its tests.
		panic("httpapi: back office: " + err.Error())
	}
	s.office = office
	mux.Handle(beheer.Prefix, s.route("beheer", "", false, office.ServeHTTP))
	mux.Handle("/", s.route("other", "", false, func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, ledger.ProblemNotFound())
	}))
	s.handler = mux
	return s
}

// Office is the back office the server serves at /beheer/.
func (s *Server) Office() *beheer.Server { return s.office }

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
		// A full batch of 16 MiB at 1 Mbit/s takes two minutes.
		ReadTimeout:    2 * time.Minute,
		WriteTimeout:   s.opts.WriteTimeout,
		IdleTimeout:    2 * time.Minute,
		MaxHeaderBytes: 64 << 10,
		ErrorLog:       slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	done := make(chan error, 1)
	s.mu.Lock()
	s.srv, s.ln, s.done = srv, ln, done
	s.mu.Unlock()
	tls := s.tls()
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
	s.log.Info("ledger serving", "addr", ln.Addr().String(), "tls", tls, "engine", s.l.Store().Engine())
	s.warm()
	return nil
}

// warm makes the first snapshot in the background, and a new one before
// the last grows old, so that no terminal's first download waits for
// one.
func (s *Server) warm() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	s.mu.Lock()
	s.stopWarm, s.warmDone = cancel, done
	s.mu.Unlock()
	every := s.opts.SnapshotMaxAge
	if every <= 0 {
		every = time.Hour
	}
	go func() {
		// What terminals told this process goes to the store every half
		// minute, and once more at the end.
		t := time.NewTicker(30 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				if err := s.l.FlushContacts(context.Background()); err != nil {
					s.log.Warn("store terminal contact", "err", err)
				}
				return
			case <-t.C:
				if err := s.l.FlushContacts(ctx); err != nil && ctx.Err() == nil {
					s.log.Warn("store terminal contact", "err", err)
				}
			}
		}
	}()
	go func() {
		defer close(done)
		for {
			if _, err := s.snapshots.Get(ctx); err != nil && ctx.Err() == nil {
				s.log.Warn("snapshot for first downloads", "err", err)
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(every * 9 / 10):
			}
		}
	}()
}

// WarmSnapshot makes a snapshot now, when the current one is missing or
// old: for a benchmark that times a terminal's first download alone.
func (s *Server) WarmSnapshot(ctx context.Context) error {
	_, err := s.snapshots.Get(ctx)
	return err
}

func (s *Server) tls() bool { return s.opts.TLSCert != "" && s.opts.TLSKey != "" }

// CheckTLS says whether the certificate and key can be read, so that a
// typo is said before the server starts.
func CheckTLS(cert, key string) error {
	for _, f := range []string{cert, key} {
		if _, err := os.Stat(f); err != nil {
			return err
		}
	}
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
	if s.tls() {
		return "https://" + a
	}
	return "http://" + a
}

// Shutdown stops accepting connections, lets every request in hand
// finish (a batch being written commits) and returns when they have, or
// when ctx ends.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	srv, done, stopWarm, warmDone := s.srv, s.done, s.stopWarm, s.warmDone
	s.mu.Unlock()
	if srv == nil {
		return nil
	}
	if stopWarm != nil {
		stopWarm()
		<-warmDone
	}
	err := srv.Shutdown(ctx)
	if err == nil {
		err = <-done
		done <- err
	}
	s.snapshots.Close()
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

// Unwrap lets http.ResponseController reach the connection's writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// route wraps a handler with the method check, the protocol check, a
// problem for a panic, the duration metric and a log line.
func (s *Server) route(name, method string, protocol bool, h http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		sw.Header().Set(balisync.HeaderProtocol, strconv.Itoa(balisync.Protocol))
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("handler panicked", "route", name, "panic", v)
				if sw.status == 0 {
					writeProblem(sw, ledger.ProblemInternal())
				}
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
		}()
		switch {
		case method != "" && r.Method != method:
			sw.Header().Set("Allow", method)
			writeProblem(sw, ledger.ProblemMethod(method))
		case protocol && !protocolOK(r.Header.Get(balisync.HeaderProtocol)):
			writeProblem(sw, ledger.ProblemProtocolOld(r.Header.Get(balisync.HeaderProtocol)))
		default:
			h(sw, r)
		}
	})
}

// protocolOK reports whether a desk's protocol revision is one this
// ledger serves.
func protocolOK(v string) bool {
	n, err := strconv.Atoi(v)
	return err == nil && n >= balisync.MinProtocol
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

// authenticate checks the terminal's credentials, refusing an address
// that failed too often first.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) (string, bool) {
	addr := ratelimit.Remote(r)
	if !s.limiter.Allowed(addr) {
		s.metrics.authRefused.Inc()
		writeProblem(w, ledger.ProblemTooManyAttempts())
		return "", false
	}
	id, p := s.l.Authenticate(r.Context(), r.Header.Get("Authorization"))
	if p != nil {
		if p.Code == balisync.CodeUnauthorized {
			s.limiter.Count(addr)
			s.metrics.authFailures.Inc()
		}
		writeProblem(w, p)
		return "", false
	}
	queue := -1
	if n, err := strconv.Atoi(r.Header.Get(balisync.HeaderQueue)); err == nil && n >= 0 {
		queue = n
	}
	version := r.Header.Get(balisync.HeaderVersion)
	if len(version) > 64 || !utf8.ValidString(version) {
		version = ""
	}
	s.l.Seen(id, queue, version)
	return id, true
}

// readBody reads a JSON request body of at most limit bytes, within the
// memory budget; release gives the budget back.
func (s *Server) readBody(w http.ResponseWriter, r *http.Request, limit int64) (body *bytes.Buffer, release func(), p *balisync.Problem) {
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return nil, nil, ledger.ProblemMediaType()
	}
	if r.ContentLength > limit {
		return nil, nil, ledger.ProblemTooLarge()
	}
	want := limit
	if r.ContentLength >= 0 {
		want = r.ContentLength
	}
	// Decoding holds about twice the body; reserve that.
	cost := 2*want + 4096
	if !s.budget.acquire(r.Context(), cost, s.opts.BudgetWait) {
		s.metrics.budgetRefused.Inc()
		return nil, nil, ledger.ProblemUnavailable()
	}
	giveBack := func() { s.budget.release(cost) }
	buf := s.bufs.Get().(*bytes.Buffer)
	buf.Reset()
	if r.ContentLength > 0 {
		// Room for the whole body at once: ReadFrom would otherwise
		// double the buffer as it fills, leaving up to twice the body
		// (and the smaller copies) to the garbage collector.
		buf.Grow(int(r.ContentLength) + bytes.MinRead)
	}
	_, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, limit))
	var tooBig *http.MaxBytesError
	var ne net.Error
	switch {
	case errors.As(err, &tooBig):
		p = ledger.ProblemTooLarge()
	case errors.As(err, &ne) && ne.Timeout():
		p = ledger.ProblemTimeout()
	case err != nil:
		p = ledger.ProblemBadRequest("de inhoud kon niet gelezen worden.", "the body could not be read.")
	case !utf8.Valid(buf.Bytes()):
		p = ledger.ProblemBadRequest("de inhoud is geen geldige UTF-8.", "the body is not valid UTF-8.")
	}
	if p != nil {
		s.putBuf(buf)
		giveBack()
		return nil, nil, p
	}
	return buf, func() { s.putBuf(buf); giveBack() }, nil
}

// putBuf keeps a buffer for reuse unless it grew large: a pool of 16 MiB
// buffers would hold their memory after a burst.
func (s *Server) putBuf(b *bytes.Buffer) {
	if b.Cap() <= 1<<20 {
		s.bufs.Put(b)
	}
}

// decode reads a JSON object; "null", an array or trailing data is not.
func decode(body []byte, v any) bool {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] != '{' {
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		return false
	}
	_, err := dec.Token()
	return err == io.EOF
}

func (s *Server) enrol(w http.ResponseWriter, r *http.Request) {
	addr := ratelimit.Remote(r)
	if !s.limiter.Allowed(addr) {
		s.metrics.authRefused.Inc()
		writeProblem(w, ledger.ProblemTooManyAttempts())
		return
	}
	body, release, p := s.readBody(w, r, 64<<10)
	if p != nil {
		writeProblem(w, p)
		return
	}
	var req balisync.EnrolRequest
	ok := decode(body.Bytes(), &req)
	release()
	if !ok {
		writeProblem(w, ledger.ProblemBadRequest(`verwacht {"token": "...", "public_key": "..."}.`, `expected {"token": "...", "public_key": "..."}.`))
		return
	}
	resp, p := s.l.Enrol(r.Context(), req)
	if p != nil {
		if p.Code == balisync.CodeTokenInvalid {
			s.limiter.Count(addr)
			s.metrics.authFailures.Inc()
		}
		s.log.Info("enrolment refused", "code", p.Code, "remote", r.RemoteAddr)
		writeProblem(w, p)
		return
	}
	writeJSON(w, resp)
}

func (s *Server) key(w http.ResponseWriter, r *http.Request) {
	terminal, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	body, release, p := s.readBody(w, r, 64<<10)
	if p != nil {
		writeProblem(w, p)
		return
	}
	var req balisync.KeyRequest
	ok = decode(body.Bytes(), &req)
	release()
	if !ok {
		writeProblem(w, ledger.ProblemBadRequest(`verwacht {"public_key": "..."}.`, `expected {"public_key": "..."}.`))
		return
	}
	if p := s.l.RegisterKey(r.Context(), terminal, req.PublicKey); p != nil {
		writeProblem(w, p)
		return
	}
	writeJSON(w, struct{}{})
}

func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	terminal, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	if !s.inflight.enter(terminal, "events") {
		s.metrics.batches.WithLabelValues(balisync.CodeTerminalBusy).Inc()
		writeProblem(w, ledger.ProblemTerminalBusy())
		return
	}
	defer s.inflight.leave(terminal, "events")
	body, release, p := s.readBody(w, r, balisync.MaxBody)
	if p != nil {
		s.metrics.batches.WithLabelValues(p.Code).Inc()
		writeProblem(w, p)
		return
	}
	defer release()
	var req balisync.UploadRequest
	if !decode(body.Bytes(), &req) {
		p := ledger.ProblemBadRequest("de inhoud is geen lijst van journaalgebeurtenissen.", "the body is not a list of journal events.")
		s.metrics.batches.WithLabelValues(p.Code).Inc()
		writeProblem(w, p)
		return
	}
	resp, stats, p := s.l.Ingest(r.Context(), terminal, req)
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

// pageCost is the budget a download page reserves: a full page of the
// change log is about ten megabytes of JSON.
const pageCost = 16 << 20

func (s *Server) changes(w http.ResponseWriter, r *http.Request) {
	terminal, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	if !s.inflight.enter(terminal, "changes") {
		writeProblem(w, ledger.ProblemTerminalBusy())
		return
	}
	defer s.inflight.leave(terminal, "changes")
	q := r.URL.Query()
	limit := 0
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			writeProblem(w, ledger.ProblemBadRequest("limit moet een positief geheel getal zijn.", "limit must be a positive integer."))
			return
		}
		limit = n
	}
	cost := int64(pageCost)
	if limit > 0 && limit < balisync.MaxPage {
		cost = max(int64(limit)*pageCost/balisync.MaxPage, 64<<10)
	}
	if !s.downloads.acquire(r.Context(), cost, s.opts.BudgetWait) {
		s.metrics.budgetRefused.Inc()
		writeProblem(w, ledger.ProblemUnavailable())
		return
	}
	defer s.downloads.release(cost)
	buf := s.bufs.Get().(*bytes.Buffer)
	buf.Reset()
	defer s.putBuf(buf)
	n, p := s.l.WriteChangesFor(r.Context(), terminal, q.Get("cursor"), limit, buf)
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

// snapshot serves the directory as one file, gzipped for a client that
// takes it: a terminal's first download.
func (s *Server) snapshot(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.authenticate(w, r); !ok {
		return
	}
	f, err := s.snapshots.Get(r.Context())
	if err != nil {
		s.log.Error("snapshot", "err", err)
		writeProblem(w, ledger.ProblemInternal())
		return
	}
	path := f.Path
	if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		path = f.Gzip
		w.Header().Set("Content-Encoding", "gzip")
	}
	file, err := os.Open(path)
	if err != nil {
		s.log.Error("snapshot", "err", err)
		writeProblem(w, ledger.ProblemInternal())
		return
	}
	defer file.Close()
	// A city's directory over a desk's line takes longer than an answer
	// may: this one has half an hour.
	http.NewResponseController(w).SetWriteDeadline(time.Now().Add(30 * time.Minute))
	w.Header().Set("Content-Type", "application/vnd.sqlite3")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set(balisync.HeaderSnapshotCursor, strconv.FormatInt(f.Cursor, 10))
	s.metrics.snapshots.Inc()
	http.ServeContent(w, r, "", f.Created, file)
}

// insz finds a holder's card by their national register number, for an
// enrolled terminal, within a rate per terminal: a stolen secret must
// not turn the ledger into a directory of the city's numbers.
func (s *Server) insz(w http.ResponseWriter, r *http.Request) {
	terminal, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	if !s.lookups.Allowed(terminal) {
		s.metrics.inszRefused.Inc()
		writeProblem(w, ledger.ProblemTooManyLookups())
		return
	}
	s.lookups.Count(terminal) // every look-up counts, found or not
	body, release, p := s.readBody(w, r, 4<<10)
	if p != nil {
		writeProblem(w, p)
		return
	}
	var req balisync.INSZRequest
	ok = decode(body.Bytes(), &req)
	release()
	if !ok {
		writeProblem(w, ledger.ProblemBadRequest(`verwacht {"insz": "..."}.`, `expected {"insz": "..."}.`))
		return
	}
	s.metrics.inszLookups.Inc()
	resp, p := s.l.LookupINSZ(r.Context(), terminal, req.INSZ)
	if p != nil {
		writeProblem(w, p)
		return
	}
	writeJSON(w, resp)
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	if err := s.l.Ping(r.Context()); err != nil {
		s.log.Warn("health check failed", "err", err)
		writeProblem(w, ledger.ProblemUnavailable())
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	io.WriteString(w, "ok\n")
}

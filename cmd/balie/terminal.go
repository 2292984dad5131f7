package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	gosync "sync"
	"time"

	"github.com/balie/balie"
	"github.com/balie/balie/demo"
	"github.com/balie/balie/demo/history"
	"github.com/balie/balie/internal/version"
	"github.com/balie/balie/ledger"
	"github.com/balie/balie/ledger/httpapi"
	"github.com/balie/balie/ledger/sqlite"
	"github.com/balie/balie/pos"
	"github.com/balie/balie/store"
	balisync "github.com/balie/balie/sync"
)

// terminal is a desk's store with its link to the ledger.
type terminal struct {
	db     *store.DB
	desk   balie.Desk
	worker *balisync.Worker // nil when the terminal has no ledger
	insz   pos.INSZFinder   // nil when the terminal has no ledger
	office string           // with --demo: where the back office is and how to sign in
	close  func()           // stops the worker and, with --demo, the embedded ledger
}

// waker hands the store's commits to the sync worker, which is made after
// the store.
type waker struct {
	mu   gosync.Mutex // guards wake
	wake func()
}

func (w *waker) set(f func()) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.wake = f
}

func (w *waker) Wake() {
	w.mu.Lock()
	f := w.wake
	w.mu.Unlock()
	if f != nil {
		f()
	}
}

// openTerminal opens the store, enrols it when asked (or, with --demo,
// with a ledger of its own on 127.0.0.1), downloads the directory the
// first time and starts the sync worker.
func openTerminal(ctx context.Context, cfg appConfig, log *slog.Logger) (*terminal, error) {
	path := cfg.db
	now := cfg.clock()
	today := now()
	if cfg.demo && path == "" {
		path = defaultDemoDB(today, cfg.holders, cfg.history)
	}
	if path == "" {
		path = defaultDB("balie.db")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("make store folder: %w", err)
	}
	tm := &terminal{close: func() {}}
	ledgerURL := cfg.ledger
	if cfg.demo {
		l, srv, seeded, err := startDemoLedger(ctx, path+".ledger", now, cfg.holders, cfg.history, log)
		if err != nil {
			return nil, err
		}
		if seeded {
			// A new ledger knows no terminal: the demo store starts over
			// and enrols with it.
			for _, suffix := range []string{"", "-wal", "-shm"} {
				os.Remove(path + suffix)
			}
		}
		tm.close = func() {
			sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			srv.Shutdown(sctx)
			l.Close()
		}
		ledgerURL = srv.URL()
		if _, err := history.Coordinator(ctx, l); err != nil {
			tm.close()
			return nil, err
		}
		tm.office = fmt.Sprintf("Back office / beheer: %s/beheer/ — gebruiker / user %s, wachtwoord / password %s",
			ledgerURL, demo.CoordinatorName, demo.CoordinatorPassword)
		if cfg.desk == "" {
			cfg.desk = demo.BoxOfficeDesk
		}
		if err := enrolDemo(ctx, l, path, cfg.desk, ledgerURL, log); err != nil {
			tm.close()
			return nil, err
		}
	}
	w := &waker{}
	d, err := store.Open(ctx, path, store.Options{Logger: log, OnCommit: w.Wake, Now: now})
	if err != nil {
		tm.close()
		return nil, err
	}
	tm.db = d
	closeLedger := tm.close
	tm.close = func() {
		if tm.worker != nil {
			tm.worker.Stop()
		}
		d.Close()
		closeLedger()
	}
	if err := tm.link(ctx, cfg, ledgerURL, w, log); err != nil {
		tm.close()
		return nil, err
	}
	if cfg.desk != "" {
		if err := d.SetDesk(ctx, cfg.desk); err != nil {
			tm.close()
			return nil, err
		}
	}
	if id, err := d.DeskID(ctx); err == nil && id != "" {
		tm.desk, _ = d.Desk(ctx, id)
	}
	return tm, nil
}

// link enrols the store when a token is given, and starts the worker when
// the store is enrolled. The first download happens before the screen
// opens: a desk without its directory cannot serve anyone.
func (tm *terminal) link(ctx context.Context, cfg appConfig, url string, w *waker, log *slog.Logger) error {
	if cfg.enrol != "" {
		if url == "" {
			return errors.New("enrol: --enrol needs --ledger URL")
		}
		pub, err := tm.db.PublicKey(ctx)
		if err != nil {
			return err
		}
		resp, err := balisync.Enrol(ctx, nil, url, cfg.enrol, pub)
		if err != nil {
			return fmt.Errorf("enrol at %s: %w", url, err)
		}
		if err := tm.db.Enrol(ctx, store.Enrolment{LedgerURL: url, TerminalID: resp.TerminalID, Secret: resp.Secret}, resp.Location); err != nil {
			return err
		}
		log.Info("terminal enrolled", "terminal", resp.TerminalID, "desk", resp.Location, "ledger", url)
	}
	e, err := tm.db.Enrolment(ctx)
	if err != nil {
		return err
	}
	if e.LedgerURL == "" {
		log.Info("terminal has no ledger: acts are kept in its journal only")
		return nil
	}
	if url == "" {
		url = e.LedgerURL
	}
	client, err := balisync.NewClient(url, e.TerminalID, e.Secret, nil)
	if err != nil {
		return err
	}
	client.Version = version.String()
	tm.insz = inszFinder{c: client}
	tm.worker = balisync.NewWorker(tm.db, client, workerOptions(log, cfg.clock()))
	if cursor, _ := tm.db.DownloadCursor(ctx); cursor == "" {
		start := time.Now()
		if err := tm.worker.Sync(ctx); err != nil {
			// Offline on the first day: the desk can only say so.
			return fmt.Errorf("first download from %s: %w", url, err)
		}
		log.Info("directory downloaded", "took", time.Since(start).Round(time.Millisecond))
	}
	w.set(tm.worker.Wake)
	tm.worker.Start(ctx)
	return nil
}

// Idle polls and retries are at most syncEvery apart, so the header says
// "offline" within 5 s of a failed sync and "online" within 5 s of the
// ledger's return (the worker's defaults, 15 s and up to a minute, were
// seen as 10 s and 36 s at the desk). The cost is one small request per
// terminal every 3 s while nothing happens.
const syncEvery = 3 * time.Second

// workerOptions are the sync worker's options at a desk.
func workerOptions(log *slog.Logger, now func() time.Time) balisync.Options {
	return balisync.Options{Logger: log, Now: now, Poll: syncEvery, MaxBackoff: syncEvery, Progress: func(n int) {
		log.Info("downloading from the ledger", "changes", n)
	}}
}

// syncState shows the worker's status to the screen. The queue is read
// from the store itself, so an act counts in the header the moment it is
// recorded, not after the worker's next round (20 s later while offline).
func (tm *terminal) syncState() func() pos.SyncState {
	if tm.worker == nil {
		return nil
	}
	return func() pos.SyncState {
		st := tm.worker.Status()
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if n, oldest, err := tm.db.UploadQueue(ctx); err == nil {
			st.Queued, st.Oldest = n, oldest
		}
		return pos.SyncState{Enabled: true, Online: st.Online, Queued: st.Queued, Oldest: st.Oldest,
			LastSync: st.LastSync, LastError: st.LastError, Blocked: st.Blocked}
	}
}

// defaultDemoDB names the demo store by day and size: the demo city's
// events are placed around the day it was made for.
func defaultDemoDB(today time.Time, holders int, withHistory bool) string {
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	day := today.In(balie.Brussels()).Format("2006-01-02")
	bare := ""
	if !withHistory {
		bare = "-bare"
	}
	return filepath.Join(dir, appFolder, fmt.Sprintf("demo-%s-%d%s.db", day, holders, bare))
}

// startDemoLedger opens (the first time seeds) the demo's own ledger and
// serves it on a free port of 127.0.0.1.
func startDemoLedger(ctx context.Context, path string, now func() time.Time, holders int, withHistory bool, log *slog.Logger) (*ledger.Ledger, *httpapi.Server, bool, error) {
	// A marker beside the file says the seed finished: a seed cut off
	// half-way is thrown away and made again, never taken for a city.
	ready, seeded := path+".ready", false
	if _, err := os.Stat(ready); errors.Is(err, fs.ErrNotExist) {
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(path + suffix)
		}
		if err := seedDemoLedger(ctx, path, now, holders, withHistory, log); err != nil {
			return nil, nil, false, err
		}
		if err := os.WriteFile(ready, nil, 0o600); err != nil {
			return nil, nil, false, fmt.Errorf("demo ledger: %w", err)
		}
		seeded = true
	}
	st, err := sqlite.Open(ctx, path, sqlite.Options{Logger: log})
	if err != nil {
		return nil, nil, false, err
	}
	l := ledger.New(st, ledger.Options{Logger: log, Now: now})
	srv := httpapi.New(l, httpapi.Options{Logger: log})
	if err := srv.Start("127.0.0.1:0"); err != nil {
		l.Close()
		return nil, nil, false, fmt.Errorf("demo ledger: %w", err)
	}
	log.Info("demo ledger serving", "url", srv.URL(), "path", path)
	return l, srv, seeded, nil
}

// seedDemoLedger writes the demo city into a new ledger.
func seedDemoLedger(ctx context.Context, path string, now func() time.Time, holders int, withHistory bool, log *slog.Logger) error {
	start, today := time.Now(), now()
	st, err := sqlite.Open(ctx, path, sqlite.Options{Logger: log})
	if err != nil {
		return err
	}
	l := ledger.New(st, ledger.Options{Logger: log, Now: now})
	ld, err := l.NewLoader(ctx)
	if err != nil {
		l.Close()
		return err
	}
	ld.Bulk = true
	every := max(holders/10, 1000)
	ld.OnHolder = func(n int) {
		if n%every == 0 {
			log.Info("generating demo city", "holders", n, "of", holders)
		}
	}
	err = demo.Generate(demo.Config{Holders: holders, Today: today}, ld)
	if err == nil {
		err = ld.Limits(balisync.OfflineLimits{RedeemPointsPerDay: 50})
	}
	if err == nil {
		err = ld.Close()
	} else {
		ld.Abort()
	}
	if err == nil && withHistory {
		err = demoHistory(ctx, l, today, holders, log)
	}
	if cerr := l.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("generate demo city: %w", err)
	}
	log.Info("demo city ready", "holders", holders, "path", path, "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// demoHistory gives the new demo city a year of history through the
// ledger's own ingest, as ledger seed --demo does, so that the back
// office's settlement and figures are full: about half a minute for the
// 8,200 holders of make demo, once, with its progress in the log.
func demoHistory(ctx context.Context, l *ledger.Ledger, today time.Time, holders int, log *slog.Logger) error {
	start := time.Now()
	coordinator, err := history.Coordinator(ctx, l)
	if err != nil {
		return err
	}
	rep, err := history.Make(ctx, l.Store(), history.Config{Today: today, Scale: float64(holders) / float64(demo.DefaultHolders), Coordinator: coordinator,
		Progress: func(day, days, events int) {
			if day%30 == 0 {
				log.Info("making the demo city's year of history", "day", day, "of", days, "events", events)
			}
		}})
	if err != nil {
		return fmt.Errorf("demo history: %w", err)
	}
	log.Info("demo history ready", "events", rep.Events, "months closed", len(rep.Closed), "took", time.Since(start).Round(time.Second))
	return nil
}

// enrolDemo enrols a new demo store with the demo ledger, as an operator
// and an installer would: a terminal made for the desk, its token traded.
func enrolDemo(ctx context.Context, l *ledger.Ledger, path, desk, url string, log *slog.Logger) error {
	if _, err := os.Stat(path); err == nil {
		return nil // enrolled when it was made
	}
	k, err := l.Desk(ctx, desk)
	if err != nil {
		return fmt.Errorf("demo desk %s: %w", desk, err)
	}
	t, token, err := l.AddTerminal(ctx, "Demokassa "+k.Name, k.OrganiserID, desk)
	if err != nil {
		return err
	}
	d, err := store.Open(ctx, path, store.Options{Logger: log})
	if err != nil {
		return err
	}
	pub, err := d.PublicKey(ctx)
	var resp balisync.EnrolResponse
	if err == nil {
		resp, err = balisync.Enrol(ctx, &http.Client{Timeout: 10 * time.Second}, url, token, pub)
	}
	if err != nil {
		// A store that did not enrol must not pass for one next time.
		d.Close()
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(path + suffix)
		}
		return fmt.Errorf("demo enrolment: %w", err)
	}
	defer d.Close()
	log.Info("demo terminal enrolled", "terminal", t.ID, "desk", desk)
	return d.Enrol(ctx, store.Enrolment{LedgerURL: url, TerminalID: resp.TerminalID, Secret: resp.Secret}, resp.Location)
}

// inszFinder asks the ledger for the card of a national register number:
// a refusal in the ledger's words, and the desk's own sentence when the
// ledger cannot be reached. The number is not logged.
type inszFinder struct{ c *balisync.Client }

func (f inszFinder) FindINSZ(ctx context.Context, n balie.INSZ) (balie.CardNumber, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	resp, err := f.c.LookupINSZ(ctx, string(n))
	if err != nil {
		if p, ok := balisync.AsProblem(err); ok && !p.Retryable() {
			return "", &balie.Error{Code: balie.Code(p.Code), NL: p.NL, EN: p.EN}
		}
		return "", balie.INSZNeedsNetwork()
	}
	return balie.CardNumber(resp.Card), nil
}

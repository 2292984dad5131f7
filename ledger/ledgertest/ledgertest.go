// Package ledgertest starts a real ledger on 127.0.0.1 for the tests of
// other packages: a temporary database, a demo city, an HTTP server, and
// the operator's commands as methods. The engine is SQLite, or the
// PostgreSQL database Options.DB names; EachEngine runs a test on both.
//
//	lt := ledgertest.Start(t, ledgertest.Options{Holders: 500})
//	id, token := lt.AddTerminal(t, demo.BoxOfficeDesk)
//	// enrol with token at lt.URL ...
//	lt.Restart(t) // a ledger restart, on the same address
package ledgertest

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/balie/balie/demo"
	"github.com/balie/balie/ledger"
	"github.com/balie/balie/ledger/engine"
	"github.com/balie/balie/ledger/httpapi"
	balisync "github.com/balie/balie/sync"
)

// Options shape the ledger. The zero value is a demo city of 200 holders
// around today on SQLite.
type Options struct {
	Holders int       // demo holders; 200 when zero
	Seed    int64     // demo seed; demo.DefaultSeed when zero
	Today   time.Time // the demo's today; time.Now() when zero
	// RedeemPointsPerDay is the offline limit served to terminals; 0
	// means none.
	RedeemPointsPerDay int
	// FlushInterval is SQLite's fold interval (a download always folds
	// first).
	FlushInterval time.Duration
	Logger        *slog.Logger
	// DB is the database: a file path or a postgres:// URL; a file in a
	// temporary folder when empty.
	DB string
	// Now is the ledger's clock; time.Now when nil.
	Now func() time.Time
	// Passwords are the back office's argon2id costs; tests make them
	// cheap.
	Passwords ledger.PasswordParams
	// Server tunes the HTTP server.
	Server httpapi.Options
}

// Ledger is a running ledger. Ledger and Server change on Restart.
type Ledger struct {
	*ledger.Ledger
	Server *httpapi.Server
	URL    string // http://127.0.0.1:PORT
	DB     string // the SQLite file or the postgres:// URL
	Today  time.Time

	addr string
	opts Options
}

// Start seeds a ledger and serves it on a free port of 127.0.0.1 until
// the test ends.
func Start(t testing.TB, opts Options) *Ledger {
	t.Helper()
	if opts.Holders == 0 {
		opts.Holders = 200
	}
	if opts.Today.IsZero() {
		opts.Today = time.Now()
	}
	if opts.DB == "" {
		opts.DB = filepath.Join(t.TempDir(), "ledger.db")
	}
	lt := &Ledger{DB: opts.DB, Today: opts.Today, opts: opts, addr: "127.0.0.1:0"}
	lt.open(t)
	ld, err := lt.NewLoader(context.Background())
	if err != nil {
		t.Fatalf("ledgertest: %v", err)
	}
	if err := demo.Generate(demo.Config{Holders: opts.Holders, Seed: opts.Seed, Today: opts.Today}, ld); err != nil {
		ld.Abort()
		t.Fatalf("ledgertest: seed: %v", err)
	}
	if err := ld.Limits(balisync.OfflineLimits{RedeemPointsPerDay: opts.RedeemPointsPerDay}); err != nil {
		ld.Abort()
		t.Fatalf("ledgertest: limits: %v", err)
	}
	if err := ld.Close(); err != nil {
		t.Fatalf("ledgertest: seed: %v", err)
	}
	lt.serve(t)
	t.Cleanup(func() { lt.Stop(t) })
	return lt
}

func (lt *Ledger) open(t testing.TB) {
	t.Helper()
	s, err := engine.Open(context.Background(), lt.DB, engine.Options{Logger: lt.opts.Logger, FlushInterval: lt.opts.FlushInterval, QuickOpen: true})
	if err != nil {
		t.Fatalf("ledgertest: open: %v", err)
	}
	lt.Ledger = ledger.New(s, ledger.Options{Logger: lt.opts.Logger, Now: lt.opts.Now, Passwords: lt.opts.Passwords})
}

func (lt *Ledger) serve(t testing.TB) {
	t.Helper()
	o := lt.opts.Server
	o.Logger = lt.opts.Logger
	s := httpapi.New(lt.Ledger, o)
	if err := s.Start(lt.addr); err != nil {
		t.Fatalf("ledgertest: listen: %v", err)
	}
	lt.Server, lt.addr, lt.URL = s, s.Addr(), s.URL()
}

// AddTerminal creates a terminal for a desk of the demo city (its
// organiser is the desk's) and returns its id and one-time token.
func (lt *Ledger) AddTerminal(t testing.TB, desk string) (id, token string) {
	t.Helper()
	d, err := lt.Desk(context.Background(), desk)
	if err != nil {
		t.Fatalf("ledgertest: %v", err)
	}
	tm, token, err := lt.Ledger.AddTerminal(context.Background(), "Kassa "+desk, d.OrganiserID, desk)
	if err != nil {
		t.Fatalf("ledgertest: add terminal: %v", err)
	}
	return tm.ID, token
}

// Stop shuts the server down gracefully and closes the ledger; safe to
// call twice.
func (lt *Ledger) Stop(t testing.TB) {
	t.Helper()
	if lt.Server == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := lt.Server.Shutdown(ctx); err != nil {
		t.Errorf("ledgertest: shutdown: %v", err)
	}
	if err := lt.Ledger.Close(); err != nil {
		t.Errorf("ledgertest: close: %v", err)
	}
	lt.Server = nil
}

// Restart stops the ledger and starts it again from its database, on the
// same address.
func (lt *Ledger) Restart(t testing.TB) {
	t.Helper()
	lt.Stop(t)
	lt.open(t)
	lt.serve(t)
}

package sync_test

import (
	"context"
	"errors"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/balie/balie"
	"github.com/balie/balie/demo"
	"github.com/balie/balie/ledger"
	"github.com/balie/balie/ledger/httpapi"
	"github.com/balie/balie/ledger/ledgertest"
	"github.com/balie/balie/ledger/sqlite"
	"github.com/balie/balie/store"
	balisync "github.com/balie/balie/sync"
)

// BenchmarkOfflineDay10k: a terminal offline for a day records 10,000
// acts; the time is from its reconnection until everything is uploaded,
// answered and the changes are downloaded (one Sync on 127.0.0.1).
func BenchmarkOfflineDay10k(b *testing.B) {
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		lt := ledgertest.Start(b, ledgertest.Options{Holders: 500, Logger: quiet()})
		tm := enrolB(b, lt, demo.SportsDesk)
		swim := "ev-" + lt.Today.Format("20060102") + "-zwemmen"
		ctx := context.Background()
		for n := 0; n < 10_000; n++ {
			if _, err := tm.db.SellTickets(ctx, sportsClerk, balie.TicketRequest{EventID: swim,
				Lines: []balie.TicketOrder{{TariffID: swim + "-normaal", Quantity: 1}}, Payment: balie.PayCash}); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		start := time.Now()
		if err := tm.w.Sync(ctx); err != nil {
			b.Fatal(err)
		}
		took := time.Since(start)
		b.StopTimer()
		if pending, _, _ := tm.db.FirstPending(ctx); pending != 0 {
			b.Fatalf("events left after the sync, from seq %d", pending)
		}
		b.ReportMetric(took.Seconds(), "s-to-synced")
		b.ReportMetric(10_000/took.Seconds(), "events/s")
		b.StartTimer()
	}
}

// BenchmarkFirstDownload1M: a new terminal enrols with a ledger of a
// million holders and downloads its whole directory into its store. The
// ledger is seeded once and kept in the temp folder.
func BenchmarkFirstDownload1M(b *testing.B) {
	ctx := context.Background()
	path := filepath.Join(os.TempDir(), "balie-bench", "ledger-1000000-v2.db")
	today := time.Date(2026, 11, 25, 10, 0, 0, 0, balie.Brussels())
	if _, err := os.Stat(path + ".ready"); errors.Is(err, fs.ErrNotExist) {
		os.MkdirAll(filepath.Dir(path), 0o700)
		for _, s := range []string{"", "-wal", "-shm"} { // a cut-off build's WAL too
			os.Remove(path + s)
		}
		st, err := sqlite.Open(ctx, path, sqlite.Options{Logger: quiet()})
		if err != nil {
			b.Fatal(err)
		}
		l := ledger.New(st, ledger.Options{Logger: quiet()})
		ld, err := l.NewLoader(ctx)
		if err != nil {
			b.Fatal(err)
		}
		ld.Bulk = true
		start := time.Now()
		if err := demo.Generate(demo.Config{Holders: 1_000_000, Today: today}, ld); err != nil {
			b.Fatal(err)
		}
		if err := ld.Close(); err != nil {
			b.Fatal(err)
		}
		l.Close()
		os.WriteFile(path+".ready", nil, 0o600)
		b.Logf("seeded a ledger of a million holders in %v", time.Since(start).Round(time.Second))
	}
	st, err := sqlite.Open(ctx, path, sqlite.Options{Logger: quiet(), QuickOpen: true})
	if err != nil {
		b.Fatal(err)
	}
	l := ledger.New(st, ledger.Options{Logger: quiet()})
	defer l.Close()
	srv := httpapi.New(l, httpapi.Options{Logger: quiet()})
	if err := srv.Start("127.0.0.1:0"); err != nil {
		b.Fatal(err)
	}
	defer srv.Shutdown(ctx)
	// The ledger makes its snapshot when it starts; a terminal's first
	// download is timed from there.
	warmStart := time.Now()
	if err := srv.WarmSnapshot(ctx); err != nil {
		b.Fatal(err)
	}
	b.Logf("the ledger's snapshot took %v", time.Since(warmStart).Round(time.Millisecond))
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		k, _ := l.Desk(ctx, demo.SportsDesk)
		_, token, err := l.AddTerminal(ctx, "bench", k.OrganiserID, demo.SportsDesk)
		if err != nil {
			b.Fatal(err)
		}
		d, err := store.Open(ctx, filepath.Join(b.TempDir(), "balie.db"), store.Options{Logger: quiet()})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		pub, _ := d.PublicKey(ctx)
		resp, err := balisync.Enrol(ctx, nil, srv.URL(), token, pub)
		if err != nil {
			b.Fatal(err)
		}
		if err := d.Enrol(ctx, store.Enrolment{LedgerURL: srv.URL(), TerminalID: resp.TerminalID, Secret: resp.Secret}, resp.Location); err != nil {
			b.Fatal(err)
		}
		c, _ := balisync.NewClient(srv.URL(), resp.TerminalID, resp.Secret, &http.Client{Timeout: time.Minute})
		applied := 0
		w := balisync.NewWorker(d, c, balisync.Options{Logger: quiet(), Progress: func(n int) { applied = n }})
		if err := w.Sync(ctx); err != nil {
			b.Fatal(err)
		}
		took := time.Since(start)
		b.StopTimer()
		if _, err := d.LookupInput(ctx, "0900000095902"); err != nil {
			b.Fatalf("after the download: %v", err)
		}
		b.ReportMetric(took.Seconds(), "s-first-download")
		b.ReportMetric(float64(applied), "changes")
		d.Close()
		b.StartTimer()
	}
}

// enrolB is enrol for benchmarks, with no faults.
func enrolB(b *testing.B, lt *ledgertest.Ledger, desk string) *terminal {
	b.Helper()
	ctx := context.Background()
	_, token := lt.AddTerminal(b, desk)
	clk := &clock{t: time.Date(lt.Today.Year(), lt.Today.Month(), lt.Today.Day(), 10, 0, 0, 0, balie.Brussels())}
	path := filepath.Join(b.TempDir(), "balie.db")
	d, err := store.Open(ctx, path, store.Options{Now: clk.Now, Logger: quiet()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { d.Close() })
	pub, _ := d.PublicKey(ctx)
	resp, err := balisync.Enrol(ctx, nil, lt.URL, token, pub)
	if err != nil {
		b.Fatal(err)
	}
	if err := d.Enrol(ctx, store.Enrolment{LedgerURL: lt.URL, TerminalID: resp.TerminalID, Secret: resp.Secret}, resp.Location); err != nil {
		b.Fatal(err)
	}
	c, _ := balisync.NewClient(lt.URL, resp.TerminalID, resp.Secret, nil)
	tm := &terminal{db: d, path: path, id: resp.TerminalID, clock: clk, w: balisync.NewWorker(d, c, balisync.Options{Logger: quiet()})}
	if err := tm.w.Sync(ctx); err != nil {
		b.Fatal(err)
	}
	return tm
}

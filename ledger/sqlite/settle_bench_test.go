package sqlite_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/balie/balie"
	"github.com/balie/balie/ledger"
	"github.com/balie/balie/ledger/report"
	"github.com/balie/balie/ledger/sqlite"
	"github.com/balie/balie/ledger/storetest"
)

// The settlement's and the figures' benchmarks (issue 10). Not part of
// go test: run
//
//	go test ./ledger/sqlite -run '^$' -bench 'Settle|Figures' -benchtime 3x
//
// The databases are built once and kept in the temporary folder
// (balie-bench/), as the million-holder benchmarks' are.

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// cached returns the path of a benchmark database, building it when it
// is not there yet.
func cached(b *testing.B, name string, build func(path string)) string {
	b.Helper()
	path := filepath.Join(storetest.BenchDir(), name)
	if _, err := os.Stat(path + ".ready"); errors.Is(err, fs.ErrNotExist) {
		os.MkdirAll(filepath.Dir(path), 0o700)
		// A build cut off leaves its WAL beside it, which SQLite would
		// replay into the new file: all three go.
		for _, s := range []string{"", "-wal", "-shm"} {
			os.Remove(path + s)
		}
		start := time.Now()
		build(path)
		if err := os.WriteFile(path+".ready", nil, 0o600); err != nil {
			b.Fatal(err)
		}
		b.Logf("built %s in %v", name, time.Since(start).Round(time.Second))
	}
	return path
}

func openLedger(b *testing.B, path string, readOnly bool) *ledger.Ledger {
	b.Helper()
	st, err := sqlite.Open(context.Background(), path, sqlite.Options{QuickOpen: true, ReadOnly: readOnly, Logger: quietLog()})
	if err != nil {
		b.Fatal(err)
	}
	l := ledger.New(st, ledger.Options{Now: func() time.Time { return storetest.BenchToday }, Logger: quietLog()})
	b.Cleanup(func() { l.Close() })
	return l
}

// city8200 is Lier's size with a year of history.
func city8200(b *testing.B) string {
	return cached(b, "ledger-8200-history-v1.db", func(path string) {
		l := openLedger(b, path, false)
		storetest.CityWithHistory(b, l, 8200)
		l.Close()
	})
}

// BenchmarkSettleMonth8200: November of a city of 8,200 holders with a
// year of history (about 7,000 events a month), with its CSV and its
// expense notes gathered, as `ledger report settlement` does.
func BenchmarkSettleMonth8200(b *testing.B) {
	l := openLedger(b, city8200(b), true)
	storetest.BenchSettle(b, l, "2026-11")
}

// BenchmarkFiguresDuringIngest8200: the whole dashboard of a year, read
// while ten terminals upload, on a copy of the 8,200-holder city.
func BenchmarkFiguresDuringIngest8200(b *testing.B) {
	src := city8200(b)
	dst := filepath.Join(b.TempDir(), "ledger.db")
	data, err := os.ReadFile(src)
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(dst, data, 0o600); err != nil {
		b.Fatal(err)
	}
	l := openLedger(b, dst, false)
	storetest.BenchFiguresDuringIngest(b, l)
}

// year1M is a year of a region of a million holders: twenty million
// events with the money lines ingest writes for them, loaded in bulk
// (statements of 100 rows, commits of 200,000 rows without waiting for
// the disk), not through ingest, which would take hours; the directory's
// holders are not loaded, as settlement never reads them. A change of
// BulkYear needs a new name here.
func year1M(b *testing.B) string {
	return cached(b, "ledger-1m-year-v1.db", func(path string) {
		l := openLedger(b, path, false) // makes the schema
		l.Close()
		db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(OFF)&_pragma=cache_size(-524288)")
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		db.SetMaxOpenConns(1)
		const per = 100
		evCols := `ingest, id, terminal, seq, time, staff, kind, payload, prev_hash, hash, status, received, holder_id`
		mCols := `ingest, line, kind, event_id, tariff_id, organiser_id, payment, day, quantity, regular, holder_share, organiser_share, city_share, amount,
			card, holder_id, postal_code, card_system, desk, tariff_kind, tariff_name, event_name, booked, month, agreement, payer, owed_to, departments,
			s_regular, s_holder, s_organiser, s_payer`
		marks := func(n, cols int) string {
			one := "(" + strings.TrimSuffix(strings.Repeat("?,", cols), ",") + ")"
			return strings.TrimSuffix(strings.Repeat(one+",", n), ",")
		}
		tx, _ := db.Begin()
		var evArgs, mArgs []any
		nEv, nM, rows := 0, 0, 0
		flush := func(force bool) {
			if nEv > 0 && (nEv == per || force) {
				if _, err := tx.Exec(`INSERT INTO events(`+evCols+`) VALUES `+marks(nEv, 13), evArgs...); err != nil {
					b.Fatal(err)
				}
				evArgs, nEv = evArgs[:0], 0
			}
			if nM > 0 && (nM == per || force) {
				if _, err := tx.Exec(`INSERT INTO money_lines(`+mCols+`) VALUES `+marks(nM, 32), mArgs...); err != nil {
					b.Fatal(err)
				}
				mArgs, nM = mArgs[:0], 0
			}
			if rows >= 200_000 || force {
				if err := tx.Commit(); err != nil {
					b.Fatal(err)
				}
				tx, _ = db.Begin()
				rows = 0
			}
		}
		start := time.Now()
		err = storetest.BulkYear(1_000_000, 20_000_000, func(e storetest.BulkEvent) error {
			evArgs = append(evArgs, e.Ingest, e.ID, e.Terminal, e.Seq, e.Time.UTC().Format(balie.TimeFormat), "staff", string(e.Kind), []byte("{}"),
				"", e.Hash, "ACCEPTED", e.Time.UnixNano(), e.Holder)
			nEv++
			rows++
			for _, m := range e.Money {
				s, f := m.Settlement, m.Facts
				deps := ""
				if len(s.Departments) > 0 {
					d, _ := json.Marshal(s.Departments)
					deps = string(d)
				}
				mArgs = append(mArgs, m.Ingest, m.Line, m.Kind, m.Activity, m.TariffID, m.OrganiserID, string(m.Payment), m.Day, m.Quantity,
					int64(m.Regular), int64(m.Shares.Holder), int64(m.Shares.Organiser), int64(m.Shares.City), int64(m.Amount),
					string(f.Card), f.HolderID, f.PostalCode, f.CardSystem, f.Desk, string(f.TariffKind), f.TariffName, f.EventName, f.Booked, m.Month,
					s.Agreement, s.PayerID, s.OwedTo, deps, int64(s.Regular), int64(s.Holder), int64(s.Organiser), int64(s.Payer))
				nM++
				rows++
			}
			flush(false)
			if e.Ingest%2_000_000 == 0 {
				b.Logf("bulk: %d events, %v", e.Ingest, time.Since(start).Round(time.Second))
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		flush(true)
		tx.Commit()
		if _, err := db.Exec(`ANALYZE`); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkSettleYear1M: the four quarters of a year of a region of a
// million holders (twenty million events, seven million money lines),
// each with its CSV written (to nowhere); the notes are a month's work,
// not a year's, and are not gathered here.
func BenchmarkSettleYear1M(b *testing.B) {
	l := openLedger(b, year1M(b), true)
	storetest.Load(b)
	ctx := context.Background()
	var lines int
	b.ResetTimer()
	for range b.N {
		lines = 0
		for q := 1; q <= 4; q++ {
			cw, _ := report.NewCSV(io.Discard, report.Directory{})
			s, err := l.Settle(ctx, fmt.Sprintf("2026-Q%d", q), "", cw.Line)
			if err != nil {
				b.Fatal(err)
			}
			if err := cw.Flush(); err != nil {
				b.Fatal(err)
			}
			lines += s.All.Lines
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(lines), "lines")
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/year")
	b.ReportMetric(0, "ns/op")
	storetest.Load(b)
}

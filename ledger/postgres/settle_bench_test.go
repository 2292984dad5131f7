package postgres_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/balie/balie"
	"github.com/balie/balie/internal/pgtest"
	"github.com/balie/balie/ledger"
	"github.com/balie/balie/ledger/postgres"
	"github.com/balie/balie/ledger/report"
	"github.com/balie/balie/ledger/storetest"
	"github.com/jackc/pgx/v5"
)

// The settlement's and the figures' benchmarks (issue 10) on
// PostgreSQL, with fsync on. Not part of go test: run
//
//	go test ./ledger/postgres -run '^$' -bench 'Settle|Figures' -benchtime 3x

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func openPG(b *testing.B, url string) *ledger.Ledger {
	b.Helper()
	st, err := postgres.Open(context.Background(), url, postgres.Options{Logger: quietLog()})
	if err != nil {
		b.Fatal(err)
	}
	l := ledger.New(st, ledger.Options{Now: func() time.Time { return storetest.BenchToday }, Logger: quietLog()})
	b.Cleanup(func() { l.Close() })
	return l
}

// BenchmarkSettleMonth8200: November of a city of 8,200 holders with a
// year of history made through ingest, with its CSV and notes gathered.
func BenchmarkSettleMonth8200(b *testing.B) {
	c := benchCluster(b)
	l := openPG(b, c.NewDatabase(b))
	storetest.CityWithHistory(b, l, 8200)
	storetest.BenchSettle(b, l, "2026-11")
}

// BenchmarkFiguresDuringIngest8200: the whole dashboard of a year, read
// while ten terminals upload.
func BenchmarkFiguresDuringIngest8200(b *testing.B) {
	c := benchCluster(b)
	l := openPG(b, c.NewDatabase(b))
	storetest.CityWithHistory(b, l, 8200)
	storetest.BenchFiguresDuringIngest(b, l)
}

// BenchmarkSettleYear1M: the four quarters of a year of a region of a
// million holders (twenty million events, seven million money lines),
// each with its CSV written (to nowhere). The cluster and its database
// are kept in the temporary folder (balie-bench/pg-1m-year-v1) and built
// once, in bulk: COPY of the events and money lines BulkYear makes, not
// ingest, which would take hours; the directory's holders are not
// loaded, as settlement never reads them.
func BenchmarkSettleYear1M(b *testing.B) {
	if os.Getenv(pgtest.SkipEnv) == "1" {
		b.Skipf("PostgreSQL benchmarks skipped: %s=1 is set", pgtest.SkipEnv)
	}
	dir := filepath.Join(storetest.BenchDir(), "pg-1m-year-v1")
	c := pgtest.New(pgtest.Options{Fsync: true, Keep: dir, Settings: map[string]string{"max_wal_size": "8GB", "checkpoint_timeout": "30min",
		"shared_buffers": "1GB", "work_mem": "64MB"}})
	if err := c.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { c.Stop() })
	url := c.URL("year")
	ctx := context.Background()
	if _, err := os.Stat(filepath.Join(dir, "ready")); errors.Is(err, fs.ErrNotExist) {
		admin, err := pgx.Connect(ctx, c.URL("postgres"))
		if err != nil {
			b.Fatal(err)
		}
		admin.Exec(ctx, `DROP DATABASE IF EXISTS year WITH (FORCE)`)
		if _, err := admin.Exec(ctx, `CREATE DATABASE year TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C'`); err != nil {
			b.Fatal(err)
		}
		admin.Close(ctx)
		l := openPG(b, url) // makes the schema
		l.Close()
		start := time.Now()
		buildYear(b, url)
		os.WriteFile(filepath.Join(dir, "ready"), nil, 0o600)
		b.Logf("built the year in %v", time.Since(start).Round(time.Second))
	}
	l := openPG(b, url)
	storetest.Load(b)
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

// buildYear copies BulkYear's events and money lines in, a million rows
// a COPY.
func buildYear(b *testing.B, url string) {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	evCols := []string{"ingest", "id", "terminal", "seq", "time", "staff", "kind", "payload", "prev_hash", "hash", "status", "received", "holder_id"}
	mCols := []string{"ingest", "line", "kind", "event_id", "tariff_id", "organiser_id", "payment", "day", "quantity", "regular", "holder_share",
		"organiser_share", "city_share", "amount", "card", "holder_id", "postal_code", "card_system", "desk", "tariff_kind", "tariff_name", "event_name",
		"booked", "month", "agreement", "payer", "owed_to", "departments", "s_regular", "s_holder", "s_organiser", "s_payer"}
	var evs, ms [][]any
	copyIn := func() {
		if len(evs) > 0 {
			if _, err := conn.CopyFrom(ctx, pgx.Identifier{"events"}, evCols, pgx.CopyFromRows(evs)); err != nil {
				b.Fatal(err)
			}
		}
		if len(ms) > 0 {
			if _, err := conn.CopyFrom(ctx, pgx.Identifier{"money_lines"}, mCols, pgx.CopyFromRows(ms)); err != nil {
				b.Fatal(err)
			}
		}
		evs, ms = evs[:0], ms[:0]
	}
	start := time.Now()
	err = storetest.BulkYear(1_000_000, 20_000_000, func(e storetest.BulkEvent) error {
		evs = append(evs, []any{e.Ingest, e.ID, e.Terminal, e.Seq, e.Time.UTC().Format(balie.TimeFormat), "staff", string(e.Kind), []byte("{}"),
			"", e.Hash, "ACCEPTED", e.Time.UnixNano(), e.Holder})
		for _, m := range e.Money {
			s, f := m.Settlement, m.Facts
			deps := ""
			if len(s.Departments) > 0 {
				d, _ := json.Marshal(s.Departments)
				deps = string(d)
			}
			ms = append(ms, []any{m.Ingest, int32(m.Line), m.Kind, m.Activity, m.TariffID, m.OrganiserID, string(m.Payment), m.Day, int32(m.Quantity),
				int64(m.Regular), int64(m.Shares.Holder), int64(m.Shares.Organiser), int64(m.Shares.City), int64(m.Amount),
				string(f.Card), f.HolderID, f.PostalCode, f.CardSystem, f.Desk, string(f.TariffKind), f.TariffName, f.EventName, f.Booked, m.Month,
				s.Agreement, s.PayerID, s.OwedTo, deps, int64(s.Regular), int64(s.Holder), int64(s.Organiser), int64(s.Payer)})
		}
		if len(evs) >= 1_000_000 {
			copyIn()
			b.Logf("bulk: %d events, %v", e.Ingest, time.Since(start).Round(time.Second))
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	copyIn()
	if _, err := conn.Exec(ctx, `ANALYZE`); err != nil {
		b.Fatal(err)
	}
}

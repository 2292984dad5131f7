package beheer_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/balie/balie"
	"github.com/balie/balie/demo"
	"github.com/balie/balie/ledger"
	"github.com/balie/balie/ledger/beheer"
	"github.com/balie/balie/ledger/httpapi"
	"github.com/balie/balie/ledger/ledgertest"
	"github.com/balie/balie/ledger/sqlite"
	"github.com/balie/balie/ledger/storetest"
)

func quiet() *slog.Logger { return slog.New(slog.DiscardHandler) }

// benchDay is the day of the benchmark's city and its clock.
var benchDay = time.Date(2026, 11, 25, 0, 0, 0, 0, balie.Brussels())

// million opens a ledger of a million holders, seeded once through the
// demo's path (the back office's write path for everything but the
// holders) and kept in the temp folder. It is this package's own file:
// other benchmarks' cities are made by other versions of the schema.
func million(b *testing.B, now func() time.Time) *ledger.Ledger {
	b.Helper()
	ctx := context.Background()
	path := filepath.Join(os.TempDir(), "balie-bench", "ledger-1000000-beheer-v1.db")
	if _, err := os.Stat(path + ".ready"); errors.Is(err, fs.ErrNotExist) {
		os.MkdirAll(filepath.Dir(path), 0o700)
		for _, s := range []string{"", "-wal", "-shm"} {
			os.Remove(path + s)
		}
		st, err := sqlite.Open(ctx, path, sqlite.Options{Logger: quiet()})
		if err != nil {
			b.Fatal(err)
		}
		l := ledger.New(st, ledger.Options{Logger: quiet(), Now: now})
		ld, err := l.NewLoader(ctx)
		if err != nil {
			b.Fatal(err)
		}
		ld.Bulk = true
		start := time.Now()
		if err := demo.Generate(demo.Config{Holders: 1_000_000, Today: benchDay}, ld); err != nil {
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
	return ledger.New(st, ledger.Options{Logger: quiet(), Now: now, Passwords: cheap})
}

// ingestFlat uploads check-ins from terminals as fast as the ledger
// takes them, until stop; it returns the number of events stored.
func ingestFlat(b *testing.B, l *ledger.Ledger, terminals int, stop <-chan struct{}) (func() int64, *sync.WaitGroup) {
	return ingestAt(b, l, terminals, stop, benchDay, 1_000_000)
}

// ingestAt uploads check-ins at the swimming pool of day, by holders of
// a city of n.
func ingestAt(b *testing.B, l *ledger.Ledger, terminals int, stop <-chan struct{}, day time.Time, holders int) (func() int64, *sync.WaitGroup) {
	b.Helper()
	ctx := context.Background()
	var cards []balie.Card
	sample := min(4000, holders)
	for i := range sample {
		cs, err := l.HolderCards(ctx, fmt.Sprintf("h-%07d", i*(holders/sample)))
		if err != nil {
			b.Fatal(err)
		}
		for _, c := range cs {
			if c.Status == balie.CardActive {
				cards = append(cards, c)
			}
		}
	}
	ev := "ev-" + day.Format("20060102") + "-zwemmen"
	var n atomic.Int64
	var wg sync.WaitGroup
	for k := range terminals {
		tm := ledgertest.Enrol(b, l, demo.SportsDesk)
		at := day.Add(8 * time.Hour)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				var evs []balie.JournalEvent
				for j := range 100 {
					c := cards[(k*7919+i*100+j)%len(cards)]
					at = at.Add(10 * time.Millisecond)
					evs = append(evs, tm.Event(balie.KindCheckin, "staff-sport-1", at,
						balie.CheckinPayload{HolderID: c.HolderID, Card: c.Number, EventID: ev, OrganiserID: demo.OrgSports, Points: 1}))
				}
				if _, _, p := l.Ingest(ctx, tm.ID, tm.Request(evs...)); p != nil {
					b.Errorf("ingest: %s %s", p.Code, p.EN)
					return
				}
				n.Add(int64(len(evs)))
			}
		}()
	}
	return n.Load, &wg
}

// BenchmarkPages1M times every back-office page at a million holders,
// in the server (the handler, without the network), while terminals
// upload check-ins at full speed: the figure is each page's 95th
// percentile over the iterations. The holder searches are the pages a
// welfare officer uses most.
func BenchmarkPages1M(b *testing.B) {
	clock := func() time.Time { return benchDay.Add(20 * time.Hour) }
	l := million(b, clock)
	defer l.Close()
	ctx := context.Background()
	srv := httpapi.New(l, httpapi.Options{Logger: quiet()})
	h := srv.Handler()
	us, _ := l.Users(ctx)
	if !slices.ContainsFunc(us, func(u ledger.UserRow) bool { return u.Name == "bench" }) {
		if _, err := l.SaveUser(ctx, ledger.Operator("bench"), ledger.UserInput{Name: "bench", Role: balie.OfficeCoordinator, Password: password}); err != nil {
			b.Fatal(err)
		}
	}
	token, _, err := l.SignIn(ctx, "bench", password)
	if err != nil {
		b.Fatal(err)
	}
	if err := l.SetINSZ(ctx, ledger.Operator("bench"), "h-0500000", "85.07.30-033.28"); err != nil && balie.ErrorCode(err) != balie.CodeIDTaken {
		b.Fatal(err)
	}
	events, _ := ledger.List[balie.Event](ctx, l, balie.ChangeEvent, demo.OrgCulture)
	tariffs, _ := ledger.List[balie.Tariff](ctx, l, balie.ChangeTariff, events[0].ID)
	pages := []string{"/beheer/", "/beheer/organisers", "/beheer/organisers/org-cc", "/beheer/cardsystems", "/beheer/cardsystems/cs-regio",
		"/beheer/desks", "/beheer/desks/desk-box", "/beheer/terminals", "/beheer/events", "/beheer/events/" + events[0].ID, "/beheer/tariffs/" + tariffs[0].ID,
		"/beheer/tariffs/preview?kind=SOCIAL&regular=12%2C00&holder=20&organiser=40&city=40",
		"/beheer/rewards", "/beheer/rewards/rw-koffie", "/beheer/programs", "/beheer/programs/prog-sportpas", "/beheer/staff", "/beheer/staff/staff-box-1",
		"/beheer/children", "/beheer/children/h-0000004", "/beheer/holders/h-0500000", "/beheer/holders/new", "/beheer/review", "/beheer/audit", "/beheer/users",
		"/beheer/organisers/new", "/beheer/events/new", "/beheer/staff/new"}
	searches := []string{"peeters", "janssens t", "van den", "m", "tom peeters", "0900000095902", "85073003328"}
	for _, q := range searches {
		pages = append(pages, "/beheer/holders?q="+url.QueryEscape(q))
	}
	stop := make(chan struct{})
	stored, wg := ingestFlat(b, l, 4, stop)
	times := map[string][]time.Duration{}
	get := func(p string) {
		req := httptest.NewRequest("GET", p, nil)
		req.AddCookie(&http.Cookie{Name: "balie_beheer", Value: token})
		rec := httptest.NewRecorder()
		start := time.Now()
		h.ServeHTTP(rec, req)
		d := time.Since(start)
		if rec.Code != http.StatusOK {
			b.Fatalf("GET %s: %d", p, rec.Code)
		}
		times[p] = append(times[p], d)
	}
	for _, p := range pages {
		get(p) // warm the caches once, untimed
	}
	for k := range times {
		delete(times, k)
	}
	n0, t0 := stored(), time.Now()
	b.ResetTimer()
	for range b.N {
		for _, p := range pages {
			get(p)
		}
	}
	b.StopTimer()
	rate := float64(stored()-n0) / time.Since(t0).Seconds()
	close(stop)
	wg.Wait()
	worst, worstSearch := time.Duration(0), time.Duration(0)
	for _, p := range pages {
		ds := times[p]
		slices.Sort(ds)
		p95 := ds[(len(ds)*95+99)/100-1]
		b.Logf("%-90s p95 %7.1f ms  median %7.1f ms", p, ms(p95), ms(ds[len(ds)/2]))
		if strings.Contains(p, "/holders?q=") {
			worstSearch = max(worstSearch, p95)
		} else {
			worst = max(worst, p95)
		}
	}
	b.ReportMetric(ms(worst), "ms-p95-slowest-page")
	b.ReportMetric(ms(worstSearch), "ms-p95-slowest-search")
	b.ReportMetric(rate, "events/s-ingested-meanwhile")
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// city8200 is a city of 8,200 holders with a year of history made
// through the ledger's ingest (storetest.CityWithHistory), kept in the
// temp folder under a name of this package's: a minute or two to make.
func city8200(b *testing.B) string {
	b.Helper()
	path := filepath.Join(storetest.BenchDir(), "ledger-8200-beheer-history-v1.db")
	if _, err := os.Stat(path + ".ready"); errors.Is(err, fs.ErrNotExist) {
		os.MkdirAll(filepath.Dir(path), 0o700)
		for _, s := range []string{"", "-wal", "-shm"} {
			os.Remove(path + s)
		}
		st, err := sqlite.Open(context.Background(), path, sqlite.Options{Logger: quiet()})
		if err != nil {
			b.Fatal(err)
		}
		l := ledger.New(st, ledger.Options{Logger: quiet(), Now: func() time.Time { return storetest.BenchToday }})
		storetest.CityWithHistory(b, l, 8200)
		l.Close()
		os.WriteFile(path+".ready", nil, 0o600)
	}
	return path
}

// BenchmarkSettlementPages8200 times the steering group's dashboard and
// the settlement of a month in the server (the handler, without the
// network) on a copy of a city of 8,200 holders with a year of history,
// while four terminals upload check-ins at full speed: each page's
// median and 95th percentile over the iterations. The dashboard is made
// anew every time (no reuse of a period's figures), so the figure is
// the figures' own cost; its charts and a download are timed beside it.
func BenchmarkSettlementPages8200(b *testing.B) {
	src := city8200(b)
	dst := filepath.Join(b.TempDir(), "ledger.db")
	data, err := os.ReadFile(src)
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(dst, data, 0o600); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	day := storetest.BenchToday
	clock := func() time.Time { return day.Add(20 * time.Hour) }
	st, err := sqlite.Open(ctx, dst, sqlite.Options{Logger: quiet(), QuickOpen: true})
	if err != nil {
		b.Fatal(err)
	}
	l := ledger.New(st, ledger.Options{Logger: quiet(), Now: clock, Passwords: cheap})
	defer l.Close()
	office, err := beheer.New(l, beheer.Options{FiguresMaxAge: -1})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := l.SaveUser(ctx, ledger.Operator("bench"), ledger.UserInput{Name: "bench", Role: balie.OfficeCoordinator, Password: password}); err != nil {
		b.Fatal(err)
	}
	token, _, err := l.SignIn(ctx, "bench", password)
	if err != nil {
		b.Fatal(err)
	}
	pages := []string{"/beheer/figures?period=2026", "/beheer/settlement?period=2026-11", "/beheer/", "/beheer/figures/2026/social-cost.svg",
		"/beheer/settlement/2026-11.csv", "/beheer/agreements", "/beheer/budgets"}
	stop := make(chan struct{})
	stored, wg := ingestAt(b, l, 4, stop, day, 8200)
	times := map[string][]time.Duration{}
	get := func(p string) {
		req := httptest.NewRequest("GET", p, nil)
		req.AddCookie(&http.Cookie{Name: "balie_beheer", Value: token})
		rec := httptest.NewRecorder()
		start := time.Now()
		office.ServeHTTP(rec, req)
		d := time.Since(start)
		if rec.Code != http.StatusOK {
			b.Fatalf("GET %s: %d", p, rec.Code)
		}
		times[p] = append(times[p], d)
	}
	for _, p := range pages {
		get(p) // the holder counts and the caches, once, untimed
	}
	for k := range times {
		delete(times, k)
	}
	storetest.Load(b)
	n0, t0 := stored(), time.Now()
	b.ResetTimer()
	for range b.N {
		for _, p := range pages {
			get(p)
		}
	}
	b.StopTimer()
	rate := float64(stored()-n0) / time.Since(t0).Seconds()
	close(stop)
	wg.Wait()
	p95 := func(p string) time.Duration {
		ds := times[p]
		slices.Sort(ds)
		return ds[(len(ds)*95+99)/100-1]
	}
	for _, p := range pages {
		b.Logf("%-40s p95 %7.1f ms  median %7.1f ms", p, ms(p95(p)), ms(times[p][len(times[p])/2]))
	}
	b.ReportMetric(ms(p95(pages[0])), "ms-p95-dashboard")
	b.ReportMetric(ms(times[pages[0]][len(times[pages[0]])/2]), "ms-p50-dashboard")
	b.ReportMetric(ms(p95(pages[1])), "ms-p95-settlement-month")
	b.ReportMetric(ms(times[pages[1]][len(times[pages[1]])/2]), "ms-p50-settlement-month")
	b.ReportMetric(ms(p95(pages[4])), "ms-p95-settlement-csv")
	b.ReportMetric(rate, "events/s-ingested-meanwhile")
	storetest.Load(b)
}

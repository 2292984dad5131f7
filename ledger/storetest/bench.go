package storetest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/balie/balie"
	"github.com/balie/balie/demo"
	"github.com/balie/balie/demo/history"
	"github.com/balie/balie/ledger"
	"github.com/balie/balie/ledger/ledgertest"
	"github.com/balie/balie/ledger/report"
	balisync "github.com/balie/balie/sync"
)

// The benchmarks of settlement and figures, shared by the engines: each
// engine's bench_test builds (or reuses) its database and calls these.

// BenchToday is the benchmarks' today: December, so that November is a
// whole month behind it.
var BenchToday = time.Date(2026, 12, 1, 0, 0, 0, 0, balie.Brussels())

// BenchDir is where the benchmarks keep the databases they take long to
// build, as the million-holder benchmarks do.
func BenchDir() string { return filepath.Join(os.TempDir(), "balie-bench") }

// Load reports the machine's load average, for the figures' context.
func Load(b *testing.B) {
	b.Helper()
	if s, err := os.ReadFile("/proc/loadavg"); err == nil {
		b.Logf("load average: %s", s[:len(s)-1])
	}
}

// CityWithHistory seeds a demo city of n holders into l and gives it a
// year of history through the real ingest path.
func CityWithHistory(b *testing.B, l *ledger.Ledger, n int) {
	b.Helper()
	ctx := context.Background()
	ld, err := l.NewLoader(ctx)
	if err != nil {
		b.Fatal(err)
	}
	ld.Bulk = true
	if err := demo.Generate(demo.Config{Holders: n, Today: BenchToday}, ld); err != nil {
		b.Fatal(err)
	}
	if err := ld.Limits(balisync.OfflineLimits{RedeemPointsPerDay: 50}); err != nil {
		b.Fatal(err)
	}
	if err := ld.Close(); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	rep, err := history.Make(ctx, l.Store(), history.Config{Today: BenchToday, Scale: float64(n) / demo.DefaultHolders, Coordinator: ledger.Operator("bench")})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("a year of history for %d holders: %d events in %v", n, rep.Events, time.Since(start).Round(time.Second))
}

// BenchSettle settles period b.N times, writing the CSV (to nowhere) and
// gathering the expense notes as the report command does, and reports
// the lines and the time of one.
func BenchSettle(b *testing.B, l *ledger.Ledger, period string) {
	ctx := context.Background()
	Load(b)
	var lines int
	b.ResetTimer()
	for range b.N {
		cw, err := report.NewCSV(io.Discard, report.Directory{})
		if err != nil {
			b.Fatal(err)
		}
		notes := report.NewNotes(period, report.Directory{}, BenchToday, false)
		s, err := l.Settle(ctx, period, "", func(x ledger.SettlementLine) error {
			notes.Collect(x)
			return cw.Line(x)
		})
		if err != nil {
			b.Fatal(err)
		}
		if err := cw.Flush(); err != nil {
			b.Fatal(err)
		}
		lines = s.All.Lines
		if s.All.Holder+s.All.Organiser+s.All.Payer != s.All.Regular {
			b.Fatalf("%s does not add up: %+v", period, s.All)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(lines), "lines")
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/settlement")
	b.ReportMetric(0, "ns/op")
	Load(b)
}

// BenchFiguresDuringIngest reads a dashboard's worth of figures (every
// table of a year, as the back office's page will) while ten terminals
// upload check-ins and ticket sales at once, and reports the reads'
// median, 95th percentile and slowest, and the uploads' rate meanwhile.
func BenchFiguresDuringIngest(b *testing.B, l *ledger.Ledger) {
	ctx := context.Background()
	var holders []cityHolder
	var today []balie.Event
	var tariffs []balie.Tariff
	err := l.Store().Read(ctx, func(tx ledger.ReadTx) error {
		for i := range 5000 {
			id := fmt.Sprintf("h-%07d", i)
			cs, err := tx.HolderCards(id)
			if err != nil {
				return err
			}
			for _, c := range cs {
				if c.Status == balie.CardActive {
					h, _, err := tx.Holder(id)
					if err != nil {
						return err
					}
					holders = append(holders, cityHolder{ID: id, Card: c.Number, Social: h.SocialTariff.Applies()})
					break
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	err = l.Store().Read(ctx, func(tx ledger.ReadTx) error {
		if err := tx.Entities(balie.ChangeEvent, demo.OrgSports, func(id string, data []byte) error {
			var e balie.Event
			if err := json.Unmarshal(data, &e); err != nil {
				return err
			}
			if balie.BusinessDay(e.Start) == balie.BusinessDay(BenchToday) && e.PointsPerCheckin > 0 {
				today = append(today, e)
			}
			return nil
		}); err != nil {
			return err
		}
		// After the list: PostgreSQL cannot read while it lists.
		for _, e := range today {
			if err := tx.Entities(balie.ChangeTariff, e.ID, func(_ string, d []byte) error {
				var t balie.Tariff
				if err := json.Unmarshal(d, &t); err != nil {
					return err
				}
				if t.Kind == balie.TariffRegular {
					tariffs = append(tariffs, t)
				}
				return nil
			}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil || len(today) == 0 || len(tariffs) == 0 {
		b.Fatalf("the sports events of today: %v (%d, %d)", err, len(today), len(tariffs))
	}
	sort.Slice(today, func(i, j int) bool { return today[i].ID < today[j].ID })
	const terms, batches, perBatch = 10, 30, 200
	reqs := make([][]balisync.UploadRequest, terms)
	ids := make([]string, terms)
	k := 0
	for ti := range terms {
		tm := ledgertest.Enrol(b, l, demo.SportsDesk)
		ids[ti] = tm.ID
		at := today[0].Start.Add(time.Hour)
		for range batches {
			var batch []balie.JournalEvent
			for j := range perBatch {
				h := holders[k%len(holders)]
				ev := today[(k/len(holders))%len(today)]
				k++
				at = at.Add(time.Second)
				if j%4 == 3 {
					tr := tariffs[k%len(tariffs)]
					batch = append(batch, tm.Event(balie.KindTicketSale, "staff-sport-1", at, balie.TicketSalePayload{HolderID: h.ID, Card: h.Card,
						EventID: tr.EventID, OrganiserID: demo.OrgSports, Lines: []balie.TicketLine{{TariffID: tr.ID, Kind: tr.Kind, Quantity: 1,
							Regular: tr.Regular, Shares: balie.Shares{Holder: tr.Regular}, Total: tr.Regular}}, Total: tr.Regular, Payment: balie.PayCash}))
					continue
				}
				batch = append(batch, tm.Event(balie.KindCheckin, "staff-sport-1", at,
					balie.CheckinPayload{HolderID: h.ID, Card: h.Card, EventID: ev.ID, OrganiserID: ev.OrganiserID, Points: ev.PointsPerCheckin}))
			}
			reqs[ti] = append(reqs[ti], tm.Request(batch...))
		}
	}
	Load(b)
	var wg sync.WaitGroup
	done := make(chan struct{})
	var ingested int64
	var mu sync.Mutex
	start := time.Now()
	for ti := range terms {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, req := range reqs[ti] {
				if _, _, p := l.Ingest(ctx, ids[ti], req); p != nil {
					b.Errorf("%s: %s", p.Code, p.EN)
					return
				}
				mu.Lock()
				ingested += int64(len(req.Events))
				mu.Unlock()
			}
		}()
	}
	go func() { wg.Wait(); close(done) }()
	var lat []time.Duration
	b.ResetTimer()
	running := true
	for i := 0; i < b.N || running; i++ {
		t0 := time.Now()
		d, err := l.Figures(ctx, "2026")
		if err != nil {
			b.Fatal(err)
		}
		if len(d.Tables) < 10 {
			b.Fatalf("%d tables", len(d.Tables))
		}
		if running {
			lat = append(lat, time.Since(t0))
		}
		select {
		case <-done:
			running = false
		default:
		}
		if i > 100000 {
			break
		}
	}
	b.StopTimer()
	took := time.Since(start)
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	if len(lat) == 0 {
		b.Fatal("no read while the uploads ran")
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(lat[len(lat)/2]), "ms-p50")
	b.ReportMetric(ms(lat[len(lat)*95/100]), "ms-p95")
	b.ReportMetric(ms(lat[len(lat)-1]), "ms-max")
	b.ReportMetric(float64(len(lat)), "reads")
	b.ReportMetric(float64(ingested)/took.Seconds(), "ingest-events/s")
	b.ReportMetric(0, "ns/op")
	Load(b)
}

// BulkEvent is one event of a synthetic year, with its money lines, for
// the engines' bulk loaders (the year of a million-holder region is built
// so, not through ingest: twenty million uploads would take hours).
type BulkEvent struct {
	Ingest   int64
	ID       string
	Terminal string
	Seq      int64
	Time     time.Time
	Kind     balie.Kind
	Hash     string
	Holder   string
	Money    []ledger.MoneyRow
}

// BulkYear makes the events of a year (2026) of a region of holders
// holders, events of them, in ingest order, with the money lines ingest
// would write: 60% check-ins, 30% ticket sales (60% at the regular
// tariff, 35% at the social tariff, 5% with a coupon), 5% membership
// payments, 2% card sales, 3% childcare; 40 organisers, 20 municipalities
// in 4 card systems with the demo's kinds of agreement (each city's
// internal key, the region's key). Deterministic.
func BulkYear(holders, events int, fn func(BulkEvent) error) error {
	r := rand.New(rand.NewPCG(2026, 1))
	from := time.Date(2026, 1, 1, 8, 0, 0, 0, balie.Brussels())
	span := time.Date(2027, 1, 1, 0, 0, 0, 0, balie.Brussels()).Sub(from) - 16*time.Hour
	agreements := []balie.CostAgreement{}
	for cs := range 4 {
		agreements = append(agreements, balie.CostAgreement{ID: fmt.Sprintf("cs%d-solidair", cs), From: from.AddDate(-1, 0, 0), Kind: balie.SettleTicket,
			TariffKind: balie.TariffSocial, CardSystem: fmt.Sprintf("cs-%d", cs), Payer: fmt.Sprintf("stad-%d", cs),
			Departments: []balie.DepartmentPart{{Department: "welzijn", BP: 5000}, {Department: balie.OrganisingDepartment, BP: 5000}}})
	}
	for m := range 20 {
		if m%4 == 0 {
			continue // the city itself
		}
		agreements = append(agreements, balie.CostAgreement{ID: fmt.Sprintf("regio-%d", m), From: from.AddDate(-1, 0, 0), Kind: balie.SettleTicket,
			TariffKind: balie.TariffSocial, CardSystem: fmt.Sprintf("cs-%d", m%4), PostalCodes: []string{fmt.Sprint(2500 + m)},
			Payer: fmt.Sprintf("gem-%d", m), OrganiserSet: true, Departments: []balie.DepartmentPart{{Department: "regio", BP: 5000}, {Department: fmt.Sprintf("gem-%d", m), BP: 5000}}})
	}
	key := balie.CommonKey()
	const terminals = 200
	seqs := make([]int64, terminals)
	prices := []balie.Cents{450, 600, 950, 1200, 1500, 1800, 2200}
	for i := range events {
		at := from.Add(time.Duration(int64(span) / int64(events) * int64(i)))
		h := r.IntN(holders)
		t := r.IntN(terminals)
		seqs[t]++
		ing := int64(i + 1)
		sum := sha256.Sum256([]byte(fmt.Sprint(ing)))
		e := BulkEvent{Ingest: ing, ID: fmt.Sprintf("01900000-0000-7000-8000-%012d", ing), Terminal: fmt.Sprintf("term-%03d", t), Seq: seqs[t],
			Time: at, Hash: hex.EncodeToString(sum[:]), Holder: fmt.Sprintf("h-%07d", h)}
		day := balie.BusinessDay(at)
		m := h % 20
		facts := ledger.ActFacts{Card: balie.CardNumber(fmt.Sprintf("09%011d", h)), HolderID: e.Holder, PostalCode: fmt.Sprint(2500 + m),
			CardSystem: fmt.Sprintf("cs-%d", m%4), Desk: fmt.Sprintf("desk-%03d", t), Booked: day}
		org := fmt.Sprintf("org-%02d", t%40)
		money := func(kind string, tk balie.TariffKind, regular, holder, keyOrg balie.Cents, q int, item string) {
			x := balie.SettlementAct{Kind: map[string]string{ledger.MoneyTicket: balie.SettleTicket, ledger.MoneyCard: balie.SettleCard,
				ledger.MoneyMembership: balie.SettleMembership}[kind], TariffKind: tk, Day: at, Organiser: org, CardSystem: facts.CardSystem,
				PostalCode: facts.PostalCode, Regular: regular, Holder: holder, KeyOrganiser: keyOrg}
			s, err := balie.SettleAct(x, agreements)
			if err != nil {
				panic(err)
			}
			f := facts
			f.TariffKind = tk
			f.TariffName = string(tk)
			f.EventName = "Activiteit " + item
			e.Money = append(e.Money, ledger.MoneyRow{Ingest: ing, Kind: kind, Activity: item, TariffID: item + "-" + string(tk), OrganiserID: org,
				Payment: balie.PayCash, Day: day, Quantity: q, Regular: regular, Shares: balie.Shares{Holder: holder, Organiser: keyOrg, City: regular - holder - keyOrg},
				Amount: holder * balie.Cents(q), Facts: f, Settlement: s, Month: balie.SettlementMonth(day)})
		}
		switch u := r.IntN(100); {
		case u < 60:
			e.Kind = balie.KindCheckin
		case u < 90:
			e.Kind = balie.KindTicketSale
			price := prices[r.IntN(len(prices))]
			item := fmt.Sprintf("ev-%s-%02d", day, t%40)
			switch v := r.IntN(100); {
			case v < 60:
				money(ledger.MoneyTicket, balie.TariffRegular, price, price, 0, 1+r.IntN(3), item)
			case v < 95:
				sh, _ := key.Split(price, 0)
				money(ledger.MoneyTicket, balie.TariffSocial, price, sh.Holder, sh.Organiser, 1, item)
			default:
				money(ledger.MoneyTicket, balie.TariffCoupon, price, price*2/3/50*50, price-price*2/3/50*50, 1, item)
			}
		case u < 95:
			e.Kind = balie.KindMembershipPayment
			money(ledger.MoneyMembership, "", 1000, 500, 0, 1, "prog-vriendenkring")
		case u < 97:
			e.Kind = balie.KindCardSale
			money(ledger.MoneyCard, "", 500, 500, 0, 1, "")
		default:
			e.Kind = balie.KindChildSignIn
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return nil
}

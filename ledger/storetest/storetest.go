// Package storetest is the conformance suite of the ledger's storage
// engines, in the manner of River's driver tests: the same tests, through
// the ledger's service layer, run against every engine (ledger/sqlite
// always, ledger/postgres in make test), so that what the core decides is
// kept the same way by each. A difference between engines is named and
// skipped with Engine.Lacks, never silently.
package storetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/balie/balie"
	"github.com/balie/balie/demo"
	"github.com/balie/balie/ledger"
	"github.com/balie/balie/ledger/ledgertest"
	balisync "github.com/balie/balie/sync"
)

// Engine is one storage engine under test.
type Engine struct {
	Name string
	// New makes an empty database and returns its address (a file path
	// or a URL); it is removed when the test ends.
	New func(t testing.TB) string
	// Open opens the database at addr; the suite closes it.
	Open func(t testing.TB, addr string, readOnly bool) ledger.Store
	// Lacks names what this engine does not do, with the reason, so that
	// a test of it is skipped out loud.
	Lacks map[string]string
}

// Exercise runs every test of the suite against the engine.
func Exercise(t *testing.T, e Engine) {
	tests := []struct {
		name string
		fn   func(*testing.T, Engine)
	}{
		{"Enrol", testEnrol},
		{"RepeatGetsOriginalVerdicts", testRepeats},
		{"Refusals", testRefusals},
		{"Signatures", testSignatures},
		{"Verdicts", testVerdicts},
		{"LedgerDecides", testLedgerDecides},
		{"TwoTerminalsSpendTheSamePoints", testSamePoints},
		{"Void", testVoid},
		{"CardSales", testCardSales},
		{"MoneySharesAddUp", testMoneyShares},
		{"ReplayInvariant", testReplay},
		{"ChangesByCursor", testChanges},
		{"ReadOnly", testReadOnly},
		{"ConcurrentUploads", testConcurrentUploads},
		{"SameBatchThroughTwoStores", testSameBatchTwice},
		{"OperatorCommandsDuringIngest", testOperatorDuringIngest},
		{"Reopen", testReopen},
	}
	tests = append(tests, settlementTests...)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if why, ok := e.Lacks[tt.name]; ok {
				t.Skipf("%s: %s", e.Name, why)
			}
			tt.fn(t, e)
		})
	}
}

// today is the demo's today in every test: a Tuesday.
var today = time.Date(2026, 3, 10, 0, 0, 0, 0, balie.Brussels())

// Well-known holders of the demo city.
const (
	tom   = "h-0000000" // 23 points, card 0900000095902
	kevin = "h-0000001" // social tariff
)

// clock is a settable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// env is a ledger on a fresh database with a demo city.
type env struct {
	e    Engine
	addr string
	l    *ledger.Ledger
	clk  *clock
	c    *city
}

// newEnv makes a database, seeds a demo city of n holders and opens the
// ledger on it; the clock stands at 23:30 on today, when the day's
// events are over.
func newEnv(t testing.TB, e Engine, n int) *env {
	t.Helper()
	v := &env{e: e, addr: e.New(t), clk: &clock{t: today.Add(23*time.Hour + 30*time.Minute)}}
	v.l = v.open(t, false)
	v.c = seed(t, v.l, n)
	return v
}

// open opens another ledger on the env's database, closed when the test
// ends.
func (v *env) open(t testing.TB, readOnly bool) *ledger.Ledger {
	t.Helper()
	l := ledger.New(v.e.Open(t, v.addr, readOnly), ledger.Options{Now: v.clk.Now})
	t.Cleanup(func() { l.Close() })
	return l
}

// cityHolder is a seeded holder with an active card.
type cityHolder struct {
	ID     string
	Card   balie.CardNumber
	Points int
	Social bool
}

// city is what a seed put in the ledger, for tests to act on.
type city struct {
	holders  []cityHolder
	events   map[string]balie.Event
	tariffs  []balie.Tariff
	rewards  map[string]balie.Reward
	programs map[string]balie.MembershipProgram
	stock    []balie.Card
	blocked  []balie.Card // lost or stolen cards, with their holder
}

// recorder is a demo.Sink that loads the ledger and remembers the city.
type recorder struct {
	*ledger.Loader
	c *city
}

func (r recorder) Holder(h balie.Holder, cards []balie.Card, ms []balie.Membership) error {
	for _, c := range cards {
		if c.Status == balie.CardBlocked {
			r.c.blocked = append(r.c.blocked, c)
		}
	}
	for _, c := range cards {
		if c.Status == balie.CardActive {
			r.c.holders = append(r.c.holders, cityHolder{ID: h.ID, Card: c.Number, Points: h.Points, Social: h.SocialTariff.Applies()})
			break
		}
	}
	return r.Loader.Holder(h, cards, ms)
}

func (r recorder) Event(e balie.Event) error {
	r.c.events[e.ID] = e
	return r.Loader.Event(e)
}

func (r recorder) Tariff(t balie.Tariff) error {
	r.c.tariffs = append(r.c.tariffs, t)
	return r.Loader.Tariff(t)
}

func (r recorder) Reward(w balie.Reward) error {
	r.c.rewards[w.ID] = w
	return r.Loader.Reward(w)
}

func (r recorder) Program(p balie.MembershipProgram) error {
	r.c.programs[p.ID] = p
	return r.Loader.Program(p)
}

func (r recorder) StockCard(c balie.Card) error {
	r.c.stock = append(r.c.stock, c)
	return r.Loader.StockCard(c)
}

// seed loads a demo city of n holders.
func seed(t testing.TB, l *ledger.Ledger, n int) *city {
	t.Helper()
	ld, err := l.NewLoader(context.Background())
	if err != nil {
		t.Fatalf("new loader: %v", err)
	}
	c := &city{events: map[string]balie.Event{}, rewards: map[string]balie.Reward{}, programs: map[string]balie.MembershipProgram{}}
	if err := demo.Generate(demo.Config{Holders: n, Today: today}, recorder{ld, c}); err != nil {
		ld.Abort()
		t.Fatalf("generate: %v", err)
	}
	if err := ld.Limits(balisync.OfflineLimits{RedeemPointsPerDay: 50}); err != nil {
		ld.Abort()
		t.Fatalf("limits: %v", err)
	}
	if err := ld.Close(); err != nil {
		t.Fatalf("close loader: %v", err)
	}
	return c
}

// holder returns the seeded holder with id.
func (c *city) holder(t testing.TB, id string) cityHolder {
	t.Helper()
	for _, h := range c.holders {
		if h.ID == id {
			return h
		}
	}
	t.Fatalf("no holder %s in the city", id)
	return cityHolder{}
}

// eventToday returns the first of the city's events today that pred
// takes.
func (c *city) eventToday(t testing.TB, pred func(balie.Event) bool) balie.Event {
	t.Helper()
	var best balie.Event
	for _, e := range c.events {
		if e.Start.In(balie.Brussels()).Format("2006-01-02") == today.Format("2006-01-02") && pred(e) && (best.ID == "" || e.ID < best.ID) {
			best = e
		}
	}
	if best.ID == "" {
		t.Fatal("no such event today in the demo city")
	}
	return best
}

// term plays a terminal's journal: chained, signed events with a
// gap-free seq, at a clock of its own that moves a second an act.
type term struct {
	*ledgertest.Terminal
	staff string
	at    time.Time
}

// enrol adds a terminal for desk and enrols it in process.
func (v *env) enrol(t testing.TB, desk string) *term {
	t.Helper()
	staff := "staff-box-1"
	switch desk {
	case demo.SportsDesk:
		staff = "staff-sport-1"
	case demo.ChildcareDesk:
		staff = "staff-bko-1"
	}
	return &term{Terminal: ledgertest.Enrol(t, v.l, desk), staff: staff, at: today.Add(18 * time.Hour)}
}

// next makes the terminal's next event.
func (tm *term) next(kind balie.Kind, payload any) balie.JournalEvent {
	tm.at = tm.at.Add(time.Second)
	return tm.Event(kind, tm.staff, tm.at, payload)
}

// checkin is a check-in payload of holder h at ev.
func checkin(h cityHolder, ev balie.Event) balie.CheckinPayload {
	return balie.CheckinPayload{HolderID: h.ID, Card: h.Card, EventID: ev.ID, OrganiserID: ev.OrganiserID, Points: ev.PointsPerCheckin}
}

// ingest uploads events and fails the test on a problem.
func ingest(t testing.TB, l *ledger.Ledger, tm *term, events ...balie.JournalEvent) balisync.UploadResponse {
	t.Helper()
	resp, _, p := l.Ingest(context.Background(), tm.ID, tm.Request(events...))
	if p != nil {
		t.Fatalf("ingest: %s: %s", p.Code, p.EN)
	}
	return resp
}

// verdictOf uploads events and returns the verdict of the last one.
func verdictOf(t testing.TB, l *ledger.Ledger, tm *term, events ...balie.JournalEvent) balisync.Verdict {
	t.Helper()
	resp := ingest(t, l, tm, events...)
	return resp.Verdicts[len(resp.Verdicts)-1]
}

// balance reads a holder's points.
func balance(t testing.TB, l *ledger.Ledger, id string) int {
	t.Helper()
	h, err := l.Holder(context.Background(), id)
	if err != nil {
		t.Fatalf("read holder %s: %v", id, err)
	}
	return h.Points
}

// checkBalances fails the test when a balance differs from a replay.
func checkBalances(t testing.TB, l *ledger.Ledger) {
	t.Helper()
	if err := l.CheckBalances(context.Background()); err != nil {
		t.Error(err)
	}
}

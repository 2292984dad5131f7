package ledger

import (
	"context"
	"encoding/json"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/balie/balie"
	"github.com/balie/balie/demo"
	balisync "github.com/balie/balie/sync"
	"github.com/google/uuid"
)

// today is the demo's today in every test: a Tuesday.
var today = time.Date(2026, 3, 10, 0, 0, 0, 0, balie.Brussels())

// clock is a settable clock for token expiry.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// newLedger opens a fresh ledger in a temporary folder.
func newLedger(t testing.TB) (*Ledger, *clock) {
	t.Helper()
	c := &clock{t: today.Add(9 * time.Hour)}
	l, err := Open(context.Background(), filepath.Join(t.TempDir(), "ledger.db"), Options{Now: c.Now})
	if err != nil {
		t.Fatalf("open ledger: %v", err)
	}
	t.Cleanup(func() { l.Close() })
	return l, c
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
	programs []balie.MembershipProgram
	stock    []balie.Card
}

// cityRecorder is a demo.Sink that loads the ledger and remembers the city.
type cityRecorder struct {
	*Loader
	c *city
}

func (r cityRecorder) Holder(h balie.Holder, cards []balie.Card, ms []balie.Membership) error {
	for _, c := range cards {
		if c.Status == balie.CardActive {
			r.c.holders = append(r.c.holders, cityHolder{ID: h.ID, Card: c.Number, Points: h.Points, Social: h.SocialTariff.Applies()})
			break
		}
	}
	return r.Loader.Holder(h, cards, ms)
}

func (r cityRecorder) Event(e balie.Event) error {
	r.c.events[e.ID] = e
	return r.Loader.Event(e)
}

func (r cityRecorder) Tariff(t balie.Tariff) error {
	r.c.tariffs = append(r.c.tariffs, t)
	return r.Loader.Tariff(t)
}

func (r cityRecorder) Reward(w balie.Reward) error {
	r.c.rewards[w.ID] = w
	return r.Loader.Reward(w)
}

func (r cityRecorder) Program(p balie.MembershipProgram) error {
	r.c.programs = append(r.c.programs, p)
	return r.Loader.Program(p)
}

func (r cityRecorder) StockCard(c balie.Card) error {
	r.c.stock = append(r.c.stock, c)
	return r.Loader.StockCard(c)
}

// seed loads a demo city of n holders.
func seed(t testing.TB, l *Ledger, n int) *city {
	t.Helper()
	ld, err := l.NewLoader(context.Background())
	if err != nil {
		t.Fatalf("new loader: %v", err)
	}
	c := &city{events: map[string]balie.Event{}, rewards: map[string]balie.Reward{}}
	if err := demo.Generate(demo.Config{Holders: n, Today: today}, cityRecorder{ld, c}); err != nil {
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

// holderNamed returns the seeded holder with id.
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

// term plays a terminal's journal: chained events with a gap-free seq.
type term struct {
	id, secret string
	desk       string
	seq        int64
	prev       string
	at         time.Time
}

// enrolTerminal adds a terminal for desk and enrols it in-process.
func enrolTerminal(t testing.TB, l *Ledger, desk string) *term {
	t.Helper()
	org := demo.OrgCulture
	if desk == demo.SportsDesk {
		org = demo.OrgSports
	}
	tm, token, err := l.AddTerminal(context.Background(), "Kassa "+desk, org, desk)
	if err != nil {
		t.Fatalf("add terminal: %v", err)
	}
	resp, p := l.Enrol(context.Background(), token)
	if p != nil {
		t.Fatalf("enrol: %+v", p)
	}
	return &term{id: tm.ID, secret: resp.Secret, desk: desk, prev: balie.GenesisHash, at: today.Add(19 * time.Hour)}
}

// bearer is the terminal's Authorization header.
func (tm *term) bearer() string { return "Bearer " + tm.id + "." + tm.secret }

// next makes the terminal's next event, chained to the one before.
func (tm *term) next(kind balie.Kind, payload any) balie.JournalEvent {
	body, err := json.Marshal(payload)
	if err != nil {
		panic(err)
	}
	tm.seq++
	tm.at = tm.at.Add(time.Second)
	e := balie.JournalEvent{ID: uuid.Must(uuid.NewV7()).String(), Terminal: tm.id, Seq: tm.seq, Time: tm.at.UTC(),
		Staff: "staff-box-1", Kind: kind, Payload: body, PrevHash: tm.prev}
	e.Hash = e.ComputeHash()
	tm.prev = e.Hash
	return e
}

// checkin is a check-in payload of holder h at ev.
func checkin(h cityHolder, ev balie.Event) balie.CheckinPayload {
	return balie.CheckinPayload{HolderID: h.ID, Card: h.Card, EventID: ev.ID, OrganiserID: ev.OrganiserID, Points: ev.PointsPerCheckin}
}

// ingest uploads events and fails the test on a problem.
func ingest(t testing.TB, l *Ledger, tm *term, events ...balie.JournalEvent) balisync.UploadResponse {
	t.Helper()
	resp, p := l.Ingest(context.Background(), tm.id, events)
	if p != nil {
		t.Fatalf("ingest: %s: %s", p.Code, p.EN)
	}
	return resp
}

// balance reads a holder's points.
func balance(t testing.TB, l *Ledger, id string) int {
	t.Helper()
	h, err := l.Holder(context.Background(), id)
	if err != nil {
		t.Fatalf("read holder %s: %v", id, err)
	}
	return h.Points
}

// eventsOn returns the city's events on the Brussels day of at that give
// points and have a check-in limit, first by start.
func (c *city) eventToday(t testing.TB, pred func(balie.Event) bool) balie.Event {
	t.Helper()
	var best balie.Event
	for _, e := range c.events {
		y1, m1, d1 := e.Start.In(balie.Brussels()).Date()
		y2, m2, d2 := today.Date()
		if y1 == y2 && m1 == m2 && d1 == d2 && pred(e) && (best.ID == "" || e.ID < best.ID) {
			best = e
		}
	}
	if best.ID == "" {
		t.Fatal("no such event today in the demo city")
	}
	return best
}

// crash closes the ledger's connections without the last flush, as a
// killed process would leave the file.
func (l *Ledger) crash() {
	if l.stopFlusher != nil {
		close(l.stopFlusher)
		<-l.flusherDone
		l.stopFlusher = nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = true
	l.ins.close()
	l.r.Close()
	l.ckpt.Close()
	l.w.Close()
}

// Package history gives a seeded demo city a year of history, made the
// way a real year is: simulated terminals at the city's desks record
// acts (tickets at every tariff, check-ins, rewards, card sales,
// memberships, childcare days, a few voids) and upload them through the
// ledger's own ingest, day after day, with a clock that follows the
// simulation; one terminal goes offline over some month ends and uploads
// after the coordinator closed the month, so the settlement has late
// acts. It reads the directory through the ledger's store only and adds
// to the catalogue only through the ledger's loader: the past programme
// (the seeded week repeated back to the first day) and the box office
// selling for the cinema and the association.
//
// The same city, Config and seed give the same history, act for act.
// The volumes are those of a city like Lier (8,200 holders): tens of
// thousands of check-ins and tickets a year, about a third of the points
// saved exchanged for rewards; Scale makes a smaller one for tests.
package history

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/balie/balie"
	"github.com/balie/balie/demo"
	"github.com/balie/balie/ledger"
	balisync "github.com/balie/balie/sync"
	"github.com/google/uuid"
)

// Config says how much history to make.
type Config struct {
	// Today is the day after the last day of history: the demo's today.
	Today time.Time
	// Days of history before Today; 365 when zero.
	Days int
	// Scale multiplies every day's activity; 1 when zero (a city of
	// 8,200 holders).
	Scale float64
	// Seed selects the history; 1 when zero.
	Seed uint64
	// Coordinator closes each month on the 3rd of the next, when set
	// (an ID): a coordinator's account, through the back office's write
	// path, so the audit log says who closed it.
	Coordinator ledger.Actor
	// Progress, when set, is called after every simulated day.
	Progress func(day, days int, events int)
}

// Report counts what was made.
type Report struct {
	Events    int
	Late      int // acts uploaded after the close of their month
	Voids     int
	Closed    []string
	Rejected  int
	Adjusted  int
	Terminals int
}

// Desks of the demo city the history runs at.
const (
	boxDesk       = "desk-box"
	sportsDesk    = "desk-sport"
	childcareDesk = "desk-bko"
)

type holder struct {
	h     balie.Holder
	card  balie.CardNumber
	ptsOK int // points the simulation knows the holder has
}

// sim is one run.
type sim struct {
	l     *ledger.Ledger
	clock time.Time
	r     *rand.Rand
	cfg   Config
	rep   Report
	ctx   context.Context

	holders  []*holder
	byID     map[string]*holder
	events   map[string][]balie.Event // by day, YYYY-MM-DD
	tariffs  map[string][]balie.Tariff
	rewards  []balie.Reward
	programs map[string]balie.MembershipProgram
	members  map[ledger.Pair][]balie.Membership
	children []balie.Child
	prices   map[string]balie.CardPriceTable
	systems  map[string]balie.CardSystem
	stock    map[string][]balie.Card // by desk
	staff    string
	used     map[string]int // holder|tariff|month -> tickets at a limited tariff
	redeemed map[string]int // holder|reward|window
	saved    int
	spent    int
	newID    int
}

// terminal is a simulated desk terminal: its key, its journal's head
// and the acts it has not uploaded.
type terminal struct {
	id      string
	desk    string
	key     ed25519.PrivateKey
	seq     int64
	prev    string
	pending []balie.JournalEvent
	sales   []balie.JournalEvent // voidable acts of the last days
	offline bool
}

// Make makes the history in the ledger on st. It opens a ledger of its
// own on st whose clock follows the simulation (the ledger refuses acts
// dated far from its clock); st is left open.
func Make(ctx context.Context, st ledger.Store, cfg Config) (Report, error) {
	if cfg.Today.IsZero() {
		return Report{}, errors.New("history: Config.Today is not set")
	}
	if cfg.Days <= 0 {
		cfg.Days = 365
	}
	if cfg.Scale <= 0 {
		cfg.Scale = 1
	}
	if cfg.Seed == 0 {
		cfg.Seed = 1
	}
	loc := balie.Brussels()
	y, m, d := cfg.Today.In(loc).Date()
	first := time.Date(y, m, d-cfg.Days, 0, 0, 0, 0, loc)
	s := &sim{cfg: cfg, ctx: ctx, r: rand.New(rand.NewPCG(cfg.Seed, 0x686973746f7279)), clock: first.Add(8 * time.Hour),
		byID: map[string]*holder{}, events: map[string][]balie.Event{}, tariffs: map[string][]balie.Tariff{},
		programs: map[string]balie.MembershipProgram{}, members: map[ledger.Pair][]balie.Membership{},
		prices: map[string]balie.CardPriceTable{}, systems: map[string]balie.CardSystem{}, stock: map[string][]balie.Card{},
		used: map[string]int{}, redeemed: map[string]int{}}
	s.l = ledger.New(st, ledger.Options{Now: func() time.Time { return s.clock }})
	if err := s.read(); err != nil {
		return s.rep, err
	}
	if err := s.extendCatalogue(first); err != nil {
		return s.rep, err
	}
	if err := Setup(ctx, s.l, ledger.Seed(), first); err != nil {
		return s.rep, err
	}
	terms := map[string][]*terminal{}
	for _, desk := range []string{boxDesk, boxDesk, sportsDesk, childcareDesk} {
		t, err := s.enrol(desk)
		if err != nil {
			return s.rep, err
		}
		terms[desk] = append(terms[desk], t)
	}
	s.rep.Terminals = 4
	for i := range cfg.Days {
		day := time.Date(y, m, d-cfg.Days+i, 0, 0, 0, 0, loc)
		if err := s.day(day, terms); err != nil {
			return s.rep, fmt.Errorf("history: %s: %w", day.Format("2006-01-02"), err)
		}
		if cfg.Progress != nil {
			cfg.Progress(i+1, cfg.Days, s.rep.Events)
		}
	}
	// Whatever is still offline comes back at the end.
	s.clock = time.Date(y, m, d, 0, 0, 0, 0, loc).Add(-time.Minute)
	for _, ts := range terms {
		for _, t := range ts {
			t.offline = false
			if err := s.upload(t); err != nil {
				return s.rep, err
			}
		}
	}
	return s.rep, nil
}

// read loads what the simulation acts on, through the store.
func (s *sim) read() error {
	return s.l.Store().Read(s.ctx, func(tx ledger.ReadTx) error {
		st, err := tx.Stats()
		if err != nil {
			return err
		}
		// The well-known holders stay as the README and the desks' walk
		// through describe them (Kevin's points, Marleen's grace, Lotte's
		// pick-up): the history is everybody else's.
		known := map[string]bool{}
		for _, w := range demo.WellKnown() {
			known[w.HolderID] = w.HolderID != ""
		}
		for i := range st.Holders {
			id := fmt.Sprintf("h-%07d", i)
			if known[id] {
				continue
			}
			h, ok, err := tx.Holder(id)
			if err != nil || !ok {
				continue
			}
			cards, err := tx.HolderCards(id)
			if err != nil {
				return err
			}
			for _, c := range cards {
				if c.Status == balie.CardActive {
					x := &holder{h: h, card: c.Number, ptsOK: h.Points}
					s.holders = append(s.holders, x)
					s.byID[id] = x
					ms, err := tx.Memberships(id)
					if err != nil {
						return err
					}
					for _, m := range ms {
						k := ledger.Pair{Holder: id, Item: m.ProgramID}
						s.members[k] = append(s.members[k], m)
					}
					break
				}
			}
		}
		if len(s.holders) == 0 {
			return errors.New("history: the ledger has no demo holders (h-0000000 ...): seed it first")
		}
		decode := func(kind string, fn func([]byte) error) error {
			return tx.Entities(kind, "", func(_ string, data []byte) error { return fn(data) })
		}
		if err := decode(balie.ChangeEvent, func(b []byte) error {
			var e balie.Event
			err := json.Unmarshal(b, &e)
			s.events[balie.BusinessDay(e.Start)] = append(s.events[balie.BusinessDay(e.Start)], e)
			return err
		}); err != nil {
			return err
		}
		if err := decode(balie.ChangeTariff, func(b []byte) error {
			var t balie.Tariff
			err := json.Unmarshal(b, &t)
			s.tariffs[t.EventID] = append(s.tariffs[t.EventID], t)
			return err
		}); err != nil {
			return err
		}
		if err := decode(balie.ChangeReward, func(b []byte) error {
			var r balie.Reward
			err := json.Unmarshal(b, &r)
			s.rewards = append(s.rewards, r)
			return err
		}); err != nil {
			return err
		}
		if err := decode(balie.ChangeProgram, func(b []byte) error {
			var p balie.MembershipProgram
			err := json.Unmarshal(b, &p)
			s.programs[p.ID] = p
			return err
		}); err != nil {
			return err
		}
		if err := decode(balie.ChangeChild, func(b []byte) error {
			var c balie.Child
			err := json.Unmarshal(b, &c)
			s.children = append(s.children, c)
			return err
		}); err != nil {
			return err
		}
		if err := decode(balie.ChangeCardSystem, func(b []byte) error {
			var c balie.CardSystem
			err := json.Unmarshal(b, &c)
			s.systems[c.ID] = c
			return err
		}); err != nil {
			return err
		}
		if err := decode(balie.ChangeCardPrices, func(b []byte) error {
			var c balisync.CardPrices
			err := json.Unmarshal(b, &c)
			s.prices[c.CardSystem] = c.Rules
			return err
		}); err != nil {
			return err
		}
		if err := decode(balie.ChangeStaff, func(b []byte) error {
			var st balie.Staff
			err := json.Unmarshal(b, &st)
			if s.staff == "" || st.ID < s.staff {
				s.staff = st.ID
			}
			return err
		}); err != nil {
			return err
		}
		// The desks' stock: the demo numbers its stock cards 0940, two
		// digits of the desk and six of the card.
		for code, desk := range map[string]string{"01": boxDesk, "02": sportsDesk} {
			for k := 1; ; k++ {
				n, err := balie.NewCardNumber(fmt.Sprintf("0940%s%06d", code, k))
				if err != nil {
					return err
				}
				c, ok, err := tx.Card(n)
				if err != nil {
					return err
				}
				if !ok {
					break
				}
				if c.Status == balie.CardLocalStock && c.StockDesk == desk {
					s.stock[desk] = append(s.stock[desk], c)
				}
			}
		}
		sort.Slice(s.rewards, func(i, j int) bool { return s.rewards[i].ID < s.rewards[j].ID })
		sort.Slice(s.children, func(i, j int) bool { return s.children[i].HolderID < s.children[j].HolderID })
		return nil
	})
}

// extendCatalogue repeats the seeded week before today back to first, so
// that every past day has its programme, and lets the box office sell
// for the cinema and the association.
func (s *sim) extendCatalogue(first time.Time) error {
	ld, err := s.l.NewLoader(s.ctx)
	if err != nil {
		return err
	}
	loc := balie.Brussels()
	y, m, d := s.cfg.Today.In(loc).Date()
	var week [7][]balie.Event // the seeded days before today, by weekday
	for k := 1; k <= 7; k++ {
		day := time.Date(y, m, d-k, 0, 0, 0, 0, loc)
		week[day.Weekday()] = s.events[day.Format("2006-01-02")]
	}
	for day := first; day.Before(time.Date(y, m, d-7, 0, 0, 0, 0, loc)); day = day.AddDate(0, 0, 1) {
		key := day.Format("2006-01-02")
		if len(s.events[key]) > 0 {
			continue
		}
		for _, proto := range week[day.Weekday()] {
			pd := balie.BusinessDay(proto.Start)
			shift := daysBetween(pd, key)
			e := proto
			e.ID = "ev-" + day.Format("20060102") + proto.ID[len("ev-20060102"):]
			// In Brussels time, so that a show at 20:15 is at 20:15 in summer too.
			e.Start, e.End = proto.Start.In(loc).AddDate(0, 0, shift), proto.End.In(loc).AddDate(0, 0, shift)
			if err := ld.Event(e); err != nil {
				return err
			}
			s.events[key] = append(s.events[key], e)
			for _, t := range s.tariffs[proto.ID] {
				t.ID = e.ID + t.ID[len(proto.ID):]
				t.EventID = e.ID
				if err := ld.Tariff(t); err != nil {
					return err
				}
				s.tariffs[e.ID] = append(s.tariffs[e.ID], t)
			}
		}
	}
	var box balie.Desk
	err = s.l.Store().Read(s.ctx, func(tx ledger.ReadTx) error {
		data, ok, err := tx.Entity(balie.ChangeDesk, boxDesk)
		if err != nil || !ok {
			return fmt.Errorf("history: desk %s: %v", boxDesk, err)
		}
		return json.Unmarshal(data, &box)
	})
	if err != nil {
		ld.Abort()
		return err
	}
	for _, org := range []string{"org-cinema", "org-toneel"} {
		if !box.Serves(org) {
			box.SellsFor = append(box.SellsFor, org)
		}
	}
	if err := ld.Desk(box); err != nil {
		ld.Abort()
		return err
	}
	return ld.Close()
}

func daysBetween(from, to string) int {
	a, _ := time.Parse("2006-01-02", from)
	b, _ := time.Parse("2006-01-02", to)
	return int(math.Round(b.Sub(a).Hours() / 24))
}

func (s *sim) enrol(desk string) (*terminal, error) {
	d, err := s.l.Desk(s.ctx, desk)
	if err != nil {
		return nil, err
	}
	_, token, err := s.l.AddTerminal(s.ctx, "Historiek "+desk, d.OrganiserID, desk)
	if err != nil {
		return nil, err
	}
	seed := make([]byte, ed25519.SeedSize)
	for i := range seed {
		seed[i] = byte(s.r.IntN(256))
	}
	t := &terminal{desk: desk, key: ed25519.NewKeyFromSeed(seed), prev: balie.GenesisHash}
	resp, p := s.l.Enrol(s.ctx, balisync.EnrolRequest{Token: token, PublicKey: balie.EncodePublicKey(t.key.Public().(ed25519.PublicKey))})
	if p != nil {
		return nil, fmt.Errorf("history: enrol %s: %s", desk, p.EN)
	}
	t.id = resp.TerminalID
	return t, nil
}

// act appends an act to the terminal's journal.
func (s *sim) act(t *terminal, at time.Time, kind balie.Kind, payload any) balie.JournalEvent {
	body, err := json.Marshal(payload)
	if err != nil {
		panic(err)
	}
	t.seq++
	var id uuid.UUID
	for i := range id {
		id[i] = byte(s.r.IntN(256))
	}
	id[6], id[8] = id[6]&0x0f|0x70, id[8]&0x3f|0x80 // version 7, RFC 4122 variant
	e := balie.JournalEvent{ID: id.String(), Terminal: t.id, Seq: t.seq, Time: at.UTC(), Staff: s.staff, Kind: kind, Payload: body, PrevHash: t.prev}
	e.Hash = e.ComputeHash()
	t.prev = e.Hash
	t.pending = append(t.pending, e)
	if kind.Voidable() {
		t.sales = append(t.sales, e)
	}
	return e
}

// upload sends what the terminal holds, in batches.
func (s *sim) upload(t *terminal) error {
	if t.offline {
		return nil
	}
	closed, err := s.closedMarks()
	if err != nil {
		return err
	}
	for len(t.pending) > 0 {
		n := min(len(t.pending), balisync.MaxBatch)
		batch := t.pending[:n]
		req := balisync.UploadRequest{Events: batch, Signature: balie.SignJournal(t.key, batch[n-1])}
		resp, _, p := s.l.Ingest(s.ctx, t.id, req)
		if p != nil {
			return fmt.Errorf("history: upload of %s: %s: %s", t.desk, p.Code, p.EN)
		}
		for i, v := range resp.Verdicts {
			switch v.Status {
			case balisync.Rejected:
				s.rep.Rejected++
			case balisync.Adjusted:
				s.rep.Adjusted++
			}
			if _, ok := closed[balie.SettlementMonth(balie.BusinessDay(batch[i].Time))]; ok {
				s.rep.Late++
			}
		}
		s.rep.Events += n
		t.pending = t.pending[n:]
	}
	t.pending = nil
	return nil
}

func (s *sim) closedMarks() (map[string]bool, error) {
	ps, err := s.l.Periods(s.ctx)
	out := map[string]bool{}
	for _, p := range ps {
		out[p.Month] = true
	}
	return out, err
}

// scaled is n times the scale, rounded by chance so small scales still
// see some of everything.
func (s *sim) scaled(n float64) int {
	x := n * s.cfg.Scale
	k := int(x)
	if s.r.Float64() < x-float64(k) {
		k++
	}
	return k
}

func (s *sim) pick() *holder { return s.holders[s.r.IntN(len(s.holders))] }

// day simulates one day at every desk, then the uploads at its end.
func (s *sim) day(day time.Time, terms map[string][]*terminal) error {
	key := day.Format("2006-01-02")
	at := func(h, m int) time.Time { return day.Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute) }
	// The second box office terminal goes offline for the last two days
	// of every other month and comes back on the 5th.
	box2 := terms[boxDesk][1]
	_, mo, dd := day.Date()
	last := time.Date(day.Year(), mo+1, 0, 0, 0, 0, 0, day.Location()).Day()
	if mo%2 == 0 && dd == last-1 {
		box2.offline = true
	}
	if dd == 5 && box2.offline {
		s.clock = at(9, 0)
		box2.offline = false
		if err := s.upload(box2); err != nil {
			return err
		}
	}
	if dd == 3 && s.cfg.Coordinator.ID != "" {
		s.clock = at(10, 0)
		prev := day.AddDate(0, 0, -3).Format("2006-01")
		if _, err := s.l.ClosePeriod(s.ctx, s.cfg.Coordinator, prev); err == nil {
			s.rep.Closed = append(s.rep.Closed, prev)
		} else if !strings.Contains(err.Error(), "closed already") {
			return err
		}
	}
	for _, ev := range s.events[key] {
		switch {
		case strings.HasSuffix(ev.ID, "-zwemmen"), strings.HasSuffix(ev.ID, "-fitness"), strings.HasSuffix(ev.ID, "-aquagym"):
			s.sports(terms[sportsDesk][0], ev)
		case strings.HasSuffix(ev.ID, "-bko"):
			if wd := day.Weekday(); wd != time.Saturday && wd != time.Sunday {
				s.childcare(terms[childcareDesk][0], ev)
			}
		case ev.PointsPerCheckin > 0 || len(s.tariffs[ev.ID]) > 0:
			s.show(terms[boxDesk], ev)
		}
	}
	s.memberships(terms, at(11, 0))
	s.cardSales(terms, at(10, 30))
	s.rewardsDay(terms, day)
	s.voids(terms, at(21, 0))
	s.clock = at(23, 0)
	for _, desk := range []string{boxDesk, sportsDesk, childcareDesk} {
		for _, t := range terms[desk] {
			if err := s.upload(t); err != nil {
				return err
			}
			if len(t.sales) > 40 {
				t.sales = t.sales[len(t.sales)-40:]
			}
		}
	}
	return nil
}

func (s *sim) sports(t *terminal, ev balie.Event) {
	n := 40.0
	switch {
	case strings.HasSuffix(ev.ID, "-fitness"):
		n = 25
	case strings.HasSuffix(ev.ID, "-aquagym"):
		n = 12
	}
	seen := map[string]bool{}
	span := ev.End.Sub(ev.Start)
	for range s.scaled(n) {
		h := s.pick()
		if seen[h.h.ID] {
			continue
		}
		seen[h.h.ID] = true
		at := ev.Start.Add(time.Duration(s.r.Int64N(int64(span))))
		s.act(t, at, balie.KindCheckin, balie.CheckinPayload{HolderID: h.h.ID, Card: h.card, EventID: ev.ID, OrganiserID: ev.OrganiserID, Points: ev.PointsPerCheckin})
		s.saved += ev.PointsPerCheckin
		h.ptsOK += ev.PointsPerCheckin
		// A swim at the social tariff is paid at the gate too.
		if h.h.SocialTariff.Applies() && s.r.IntN(3) == 0 {
			for _, tr := range s.tariffs[ev.ID] {
				if tr.Kind == balie.TariffSocial {
					s.ticket(t, at.Add(-time.Minute), ev, h, tr, 1)
				}
			}
		}
	}
}

func (s *sim) show(ts []*terminal, ev balie.Event) {
	sales := 60.0
	if ev.OrganiserID == "org-cinema" {
		sales = 30
	}
	seen := map[string]bool{}
	for range s.scaled(sales) {
		h := s.pick()
		if seen[h.h.ID] {
			continue
		}
		seen[h.h.ID] = true
		t := ts[s.r.IntN(len(ts))]
		at := ev.Start.Add(-time.Duration(30+s.r.IntN(600)) * time.Minute)
		var pickT *balie.Tariff
		tars := s.tariffs[ev.ID]
		for i := range tars {
			tr := &tars[i]
			switch {
			case tr.Kind == balie.TariffSocial && h.h.SocialTariff.Applies() && s.r.IntN(10) < 9:
				pickT = tr
			case tr.Kind == balie.TariffCoupon && pickT == nil && s.r.IntN(6) == 0:
				pickT = tr
			}
		}
		if pickT == nil {
			for i := range tars {
				if tars[i].Kind == balie.TariffRegular {
					pickT = &tars[i]
				}
			}
		}
		if pickT == nil {
			continue
		}
		q := 1
		if pickT.Kind == balie.TariffRegular {
			q = 1 + s.r.IntN(3)
		}
		if !s.ticket(t, at, ev, h, *pickT, q) {
			continue
		}
		if ev.PointsPerCheckin > 0 && s.r.IntN(10) < 8 {
			cin := ev.Start.Add(-time.Duration(s.r.IntN(max(int(ev.MarginBefore/time.Minute), 1))) * time.Minute)
			s.act(t, cin, balie.KindCheckin, balie.CheckinPayload{HolderID: h.h.ID, Card: h.card, EventID: ev.ID, OrganiserID: ev.OrganiserID, Points: ev.PointsPerCheckin})
			s.saved += ev.PointsPerCheckin
			h.ptsOK += ev.PointsPerCheckin
		}
	}
}

// ticket sells q tickets at tr, within the tariff's limit.
func (s *sim) ticket(t *terminal, at time.Time, ev balie.Event, h *holder, tr balie.Tariff, q int) bool {
	k := ""
	if tr.Limit.Volume > 0 {
		from, _ := tr.Limit.Window(at)
		k = h.h.ID + "|" + tr.ID + "|" + from.Format(time.RFC3339)
	}
	quote, err := balie.QuoteTicket(tr, h.h, q, s.used[k])
	if err != nil {
		return false
	}
	if k != "" {
		s.used[k] += q
	}
	pay := balie.PayCard
	if s.r.IntN(2) == 0 {
		pay = balie.PayCash
	}
	line := balie.TicketLine{TariffID: tr.ID, Kind: tr.Kind, Quantity: q, Regular: quote.Regular, Shares: quote.Shares, Total: quote.Total}
	s.act(t, at, balie.KindTicketSale, balie.TicketSalePayload{HolderID: h.h.ID, Card: h.card, EventID: ev.ID, OrganiserID: ev.OrganiserID,
		Lines: []balie.TicketLine{line}, Total: quote.Total, Payment: balie.SettledPayment(quote.Total, pay)})
	return true
}

func (s *sim) childcare(t *terminal, ev balie.Event) {
	for _, c := range s.children {
		if s.r.IntN(100) >= 55 {
			continue
		}
		in := ev.Start.Add(time.Duration(s.r.IntN(90)) * time.Minute)
		if s.r.IntN(2) == 0 {
			in = ev.Start.Add(time.Duration(8*60+s.r.IntN(60)) * time.Minute) // after school
		}
		out := in.Add(time.Duration(60+s.r.IntN(150)) * time.Minute)
		if out.After(ev.End) {
			out = ev.End.Add(-time.Duration(s.r.IntN(20)) * time.Minute)
		}
		if !out.After(in) {
			continue
		}
		by := ""
		if len(c.Authorised) > 0 {
			by = c.Authorised[s.r.IntN(len(c.Authorised))].Name
		}
		s.act(t, in, balie.KindChildSignIn, balie.ChildcarePayload{ChildID: c.HolderID, ProviderID: c.ProviderID})
		s.act(t, out, balie.KindChildSignOut, balie.ChildcarePayload{ChildID: c.HolderID, ProviderID: c.ProviderID, PickedUpBy: by})
	}
}

func (s *sim) memberships(terms map[string][]*terminal, at time.Time) {
	for range s.scaled(3) {
		h := s.pick()
		ids := []string{"prog-sportpas", "prog-vriendenkring", "prog-jongerenkaart"}
		p, ok := s.programs[ids[s.r.IntN(len(ids))]]
		if !ok {
			continue
		}
		t := terms[boxDesk][0]
		if p.OrganiserID == "org-sport" {
			t = terms[sportsDesk][0]
		}
		if p.OrganiserID == "org-jeugd" {
			continue // no desk sells for the youth service
		}
		k := ledger.Pair{Holder: h.h.ID, Item: p.ID}
		var current *balie.Membership
		for _, m := range s.members[k] {
			if m.Valid(at) && (current == nil || m.End.After(current.End)) {
				mm := m
				current = &mm
			}
		}
		start, end, err := p.Term(at, h.h.BirthDate, current)
		if err != nil || (current != nil && current.End.Sub(at) > 60*24*time.Hour) {
			continue
		}
		price := p.PriceFor(true, h.h.SocialTariff.Applies())
		s.act(t, at, balie.KindMembershipPayment, balie.MembershipPaymentPayload{HolderID: h.h.ID, Card: h.card, ProgramID: p.ID,
			OrganiserID: p.OrganiserID, Price: price, Start: start, End: end, Payment: balie.SettledPayment(price, balie.PayCard)})
		s.members[k] = append(s.members[k], balie.Membership{HolderID: h.h.ID, ProgramID: p.ID, Start: start, End: end})
	}
}

func (s *sim) cardSales(terms map[string][]*terminal, at time.Time) {
	for range s.scaled(0.6) {
		desk := boxDesk
		if s.r.IntN(3) == 0 {
			desk = sportsDesk
		}
		if len(s.stock[desk]) == 0 {
			continue
		}
		c := s.stock[desk][0]
		s.stock[desk] = s.stock[desk][1:]
		s.newID++
		social := s.r.IntN(100) < 45
		nh := balie.Holder{ID: fmt.Sprintf("h-hist-%06d", s.newID), FirstName: "Nieuwe", LastName: fmt.Sprintf("Pashouder %d", s.newID),
			BirthDate: at.AddDate(-20-s.r.IntN(50), 0, -s.r.IntN(365)), PostalCode: "2500", CardSystems: []string{c.CardSystem}}
		if social {
			nh.SocialTariff = balie.SocialTariff{State: balie.SocialActive, EndDate: at.AddDate(1, 0, 0), GraceEnd: at.AddDate(1, 3, 0)}
		}
		sys := s.systems[c.CardSystem]
		price, err := s.prices[c.CardSystem].Price(balie.CardSaleQuery{CardSystem: sys, PostalCode: nh.PostalCode, BirthDate: nh.BirthDate,
			SocialTariff: social, Reason: balie.ReasonFirstCard, At: at})
		if err != nil {
			continue
		}
		t := terms[desk][0]
		payload := nh
		s.act(t, at, balie.KindCardSale, balie.CardSalePayload{Card: c.Number, HolderID: nh.ID, NewHolder: &payload, CardSystem: c.CardSystem,
			Reason: balie.ReasonFirstCard, OrganiserID: "", Price: price, Payment: balie.SettledPayment(price, balie.PayCash)})
		x := &holder{h: nh, card: c.Number}
		s.holders = append(s.holders, x)
		s.byID[nh.ID] = x
	}
}

// rewardsDay exchanges points for rewards, as many as keep the points
// exchanged near a third of those saved.
func (s *sim) rewardsDay(terms map[string][]*terminal, day time.Time) {
	at := day.Add(15 * time.Hour)
	// A day's exchanges are bounded, so that the season's first days
	// are not a rush.
	done, most := 0, s.scaled(15)
	for tries := 0; tries < 400 && done < most && float64(s.spent) < float64(s.saved)/3; tries++ {
		r := s.rewards[s.r.IntN(len(s.rewards))]
		if r.Kind != balie.RewardPoints || at.Before(r.RedeemFrom) || (!r.RedeemUntil.IsZero() && !at.Before(r.RedeemUntil)) {
			continue
		}
		var t *terminal
		switch r.OrganiserID {
		case "org-cc", "org-cinema":
			t = terms[boxDesk][0]
		case "org-sport":
			t = terms[sportsDesk][0]
		default:
			continue
		}
		h := s.pick()
		if h.ptsOK < r.Points {
			continue
		}
		from, _ := r.PerHolder.Window(at)
		k := h.h.ID + "|" + r.ID + "|" + from.Format(time.RFC3339)
		if r.PerHolder.Volume > 0 && s.redeemed[k] >= r.PerHolder.Volume || r.TotalUnits > 0 && s.redeemed[r.ID] >= r.TotalUnits {
			continue
		}
		s.redeemed[k]++
		s.redeemed[r.ID]++
		s.act(t, at, balie.KindRewardRedemption, balie.RewardRedemptionPayload{HolderID: h.h.ID, Card: h.card, RewardID: r.ID, OrganiserID: r.OrganiserID, Points: r.Points})
		h.ptsOK -= r.Points
		s.spent += r.Points
		done++
	}
	// Welcome gifts for a few holders a day.
	for range s.scaled(1) {
		for _, r := range s.rewards {
			if r.Kind == balie.RewardWelcome && !at.Before(r.RedeemFrom) {
				h := s.pick()
				if s.redeemed[h.h.ID+"|"+r.ID] > 0 {
					continue
				}
				s.redeemed[h.h.ID+"|"+r.ID]++
				s.act(terms[boxDesk][0], at, balie.KindRewardRedemption, balie.RewardRedemptionPayload{HolderID: h.h.ID, Card: h.card, RewardID: r.ID, OrganiserID: r.OrganiserID})
			}
		}
	}
}

// voids cancels about one act in a hundred, at the desk that made it.
func (s *sim) voids(terms map[string][]*terminal, at time.Time) {
	for _, desk := range []string{boxDesk, sportsDesk} {
		for _, t := range terms[desk] {
			if len(t.sales) == 0 || s.r.IntN(100) >= 30 {
				continue
			}
			i := s.r.IntN(len(t.sales))
			target := t.sales[i]
			t.sales = append(t.sales[:i], t.sales[i+1:]...)
			when := at
			if target.Time.After(when) {
				when = target.Time.Add(time.Minute)
			}
			s.act(t, when, balie.KindVoid, balie.VoidPayload{Target: target.ID, Reason: "verkeerd aangeslagen", Approver: s.staff})
			s.rep.Voids++
			if target.Kind == balie.KindCheckin {
				var p balie.CheckinPayload
				if json.Unmarshal(target.Payload, &p) == nil {
					if h := s.byID[p.HolderID]; h != nil {
						h.ptsOK -= p.Points
						s.saved -= p.Points
					}
				}
			}
		}
	}
}

// Payers and departments of the demo city.
const (
	PayerLier        = "stad-lier"
	DeptWelfare      = "dienst-welzijn"
	RegionNetevallei = demo.CardSystemRegio // the region bears its share as its card system
)

// Setup gives the demo city, on behalf of a (a coordinator, or the
// seed), its cost-sharing agreements (in force from from) and the
// budgets of the social tariff: the city's solidary cost distribution
// (welfare half, the organising department half), the region's key for
// the residents of each of its municipalities but Lier (holder 20%,
// region and municipality together the rest, half each: the
// municipality pays), the association's minimum of 1 euro a ticket, and
// the sports pass whose social discount the city's welfare carries. The
// municipalities and their residents are the ones the demo seed made in
// the back office; Setup makes none.
func Setup(ctx context.Context, l *ledger.Ledger, a ledger.Actor, from time.Time) error {
	region, err := ledger.List[balie.Municipality](ctx, l, ledger.KindMunicipality, demo.CardSystemRegio)
	if err != nil {
		return err
	}
	city, err := ledger.List[balie.Municipality](ctx, l, ledger.KindMunicipality, demo.CardSystemLier)
	if err != nil {
		return err
	}
	var ms []balie.Municipality
	for _, m := range region {
		if !slices.ContainsFunc(city, func(c balie.Municipality) bool {
			return slices.ContainsFunc(m.PostalCodes, func(p string) bool { return slices.Contains(c.PostalCodes, p) })
		}) {
			ms = append(ms, m)
		}
	}
	for _, ag := range Agreements(from, ms) {
		if err := l.SaveAgreement(ctx, a, ag); err != nil {
			return fmt.Errorf("agreement %s: %w", ag.ID, err)
		}
	}
	for _, y := range []int{from.Year(), from.Year() + 1} {
		for _, b := range []ledger.Budget{
			{Payer: PayerLier, Year: y, Cents: 6_000_000},
			{Payer: PayerLier, Department: DeptWelfare, Year: y, Cents: 3_500_000},
			{Payer: PayerLier, Department: "org-cc", Year: y, Cents: 1_500_000},
			{Payer: PayerLier, Department: "org-sport", Year: y, Cents: 1_000_000},
		} {
			if err := l.SaveBudget(ctx, a, b); err != nil {
				return fmt.Errorf("budget %s: %w", b.Key(), err)
			}
		}
	}
	return nil
}

// Agreements are the demo city's cost-sharing agreements, in force from
// from, with a region key for each of the region's municipalities ms
// (those of the region but not of the city, whose residents the city's
// key covers; see Setup).
func Agreements(from time.Time, ms []balie.Municipality) []balie.CostAgreement {
	as := []balie.CostAgreement{
		{ID: "lier-solidair", Name: "Solidaire kostenverdeling Stad Lier", From: from, Kind: balie.SettleTicket, TariffKind: balie.TariffSocial,
			CardSystem: "cs-lier", Payer: PayerLier, PayerName: "Stad Lier",
			Departments: []balie.DepartmentPart{{Department: DeptWelfare, BP: 5000}, {Department: balie.OrganisingDepartment, BP: 5000}}},
		{ID: "toneel-minimum", Name: "Toneelkring Pallieter: minimum 1 euro", From: from, Kind: balie.SettleTicket, TariffKind: balie.TariffSocial,
			Organiser: "org-toneel", CardSystem: "cs-lier", Payer: PayerLier, PayerName: "Stad Lier", OrganiserMin: 100,
			Departments: []balie.DepartmentPart{{Department: DeptWelfare, BP: 10000}}},
		{ID: "sportpas-kansentarief", Name: "Sportpas: korting gedragen door Welzijn", From: from, Kind: balie.SettleMembership,
			Program: "prog-sportpas", Payer: PayerLier, PayerName: "Stad Lier", OrganiserSet: true, OrganiserPart: 0,
			Departments: []balie.DepartmentPart{{Department: DeptWelfare, BP: 10000}}},
	}
	for _, m := range ms {
		if len(m.PostalCodes) == 0 {
			continue
		}
		as = append(as, balie.CostAgreement{ID: "regio-" + m.PostalCodes[0], Name: "Regiosleutel " + m.Name, From: from, Kind: balie.SettleTicket,
			TariffKind: balie.TariffSocial, CardSystem: "cs-lier", PostalCodes: m.PostalCodes, Payer: m.ID, PayerName: "Gemeente " + m.Name,
			OrganiserSet: true, OrganiserPart: 0,
			Departments: []balie.DepartmentPart{{Department: RegionNetevallei, BP: 5000}, {Department: m.ID, BP: 5000}}})
	}
	return as
}

package ledger

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/balie/balie"
	balisync "github.com/balie/balie/sync"
)

// Money line kinds.
const (
	MoneyTicket     = "TICKET"
	MoneyCard       = "CARD"
	MoneyMembership = "MEMBERSHIP"
)

// batch is one upload's rules at work: what it read, in memory, and what
// it decided, in its Effects. Each act is decided against the state the
// acts before it left, so the same events in the same order always give
// the same verdicts.
type batch struct {
	l    *Ledger
	tx   BatchTx
	term TerminalRow
	desk balie.Desk
	eff  *Effects
	now  time.Time
	next int64 // the next ingest number

	holders  map[string]*holderState
	order    []string // holders whose points changed, in order
	cards    map[balie.CardNumber]*balie.Card
	events   map[string]*balie.Event
	tariffs  map[string]*balie.Tariff
	programs map[string]*balie.MembershipProgram
	rewards  map[string]*rewardState
	staff    map[string]bool
	children map[string]*balie.Child
	systems  map[string]*balie.CardSystem
	prices   map[string]balie.CardPriceTable
	usage    map[UsageKind]map[Pair][]Use
	members  map[Pair][]MembershipRow
	targets  map[string]Target // void targets: stored, and this batch's own
	voided   map[int64]bool    // ingest numbers this batch voided

	settle      *SettlementState          // nil until an act needs it
	targetMoney map[int64][]MoneyRow      // the stored money lines of the sales voided
	figures     map[figureKey]FigureDelta // the counters the batch moves
}

type holderState struct {
	h       balie.Holder
	points  int
	exists  bool
	changed bool
}

type rewardState struct {
	r       balie.Reward
	units   int
	changed bool
}

func newBatch(l *Ledger, tx BatchTx, term TerminalRow, eff *Effects) *batch {
	return &batch{l: l, tx: tx, term: term, eff: eff, now: l.now(),
		holders: map[string]*holderState{}, cards: map[balie.CardNumber]*balie.Card{},
		events: map[string]*balie.Event{}, tariffs: map[string]*balie.Tariff{}, programs: map[string]*balie.MembershipProgram{},
		rewards: map[string]*rewardState{}, staff: map[string]bool{}, children: map[string]*balie.Child{},
		systems: map[string]*balie.CardSystem{}, prices: map[string]balie.CardPriceTable{},
		usage: map[UsageKind]map[Pair][]Use{}, members: map[Pair][]MembershipRow{},
		targets: map[string]Target{}, voided: map[int64]bool{}}
}

// load reads everything the batch's acts name, in bulk: holders first,
// then cards, then rewards (the order engines lock them in), then the
// catalogue and the usage the limits count.
func (b *batch) load(fresh []incoming, touched []string) error {
	holders, cards, rewards := map[string]bool{}, map[balie.CardNumber]bool{}, map[string]bool{}
	kinds := map[string]map[string]bool{}
	want := func(kind, id string) {
		if id == "" {
			return
		}
		if kinds[kind] == nil {
			kinds[kind] = map[string]bool{}
		}
		kinds[kind][id] = true
	}
	for _, h := range touched {
		holders[h] = true
	}
	details := map[string]bool{}
	var voids []string
	members := map[Pair]bool{}
	for _, f := range fresh {
		want(balie.ChangeStaff, f.e.Staff)
		switch p := f.payload.(type) {
		case *balie.CheckinPayload:
			holders[p.HolderID], cards[p.Card] = true, true
			want(balie.ChangeEvent, p.EventID)
		case *balie.TicketSalePayload:
			holders[p.HolderID], cards[p.Card], details[p.HolderID] = true, true, true
			want(balie.ChangeEvent, p.EventID)
			for _, line := range p.Lines {
				want(balie.ChangeTariff, line.TariffID)
			}
		case *balie.CardSalePayload:
			holders[p.HolderID], cards[p.Card], cards[p.Replaces], details[p.HolderID] = true, true, true, true
		case *balie.MembershipPaymentPayload:
			holders[p.HolderID], cards[p.Card], details[p.HolderID] = true, true, true
			want(balie.ChangeProgram, p.ProgramID)
		case *balie.RewardRedemptionPayload:
			holders[p.HolderID], cards[p.Card], rewards[p.RewardID] = true, true, true
		case *balie.ChildcarePayload:
			want(balie.ChangeChild, p.ChildID)
		case *balie.PickupRefusedPayload:
			want(balie.ChangeChild, p.ChildID)
		case *balie.ChildCorrectionPayload:
			want(balie.ChangeChild, p.ChildID)
		case *balie.VoidPayload:
			voids = append(voids, p.Target)
		}
	}
	want(balie.ChangeDesk, b.term.Location)
	if len(voids) > 0 {
		t, err := b.tx.Targets(b.term.ID, voids)
		if err != nil {
			return fmt.Errorf("read void targets: %w", err)
		}
		b.targets = t
		for _, t := range t {
			if t.Holder != "" {
				holders[t.Holder] = true
			}
			if pc, ok := payloadOf(t).(*balie.RewardRedemptionPayload); ok {
				rewards[pc.RewardID] = true
			}
			if pc, ok := payloadOf(t).(*balie.CardSalePayload); ok {
				cards[pc.Card] = true
			}
			if pc, ok := payloadOf(t).(*balie.MembershipPaymentPayload); ok {
				members[Pair{pc.HolderID, pc.ProgramID}] = true
			}
			if pc, ok := payloadOf(t).(*balie.CheckinPayload); ok {
				// Its organiser and name, for the figures the void takes
				// back.
				want(balie.ChangeEvent, pc.EventID)
			}
		}
	}
	delete(holders, "")
	delete(cards, "")
	delete(rewards, "")
	delete(details, "")
	if err := b.loadHolders(sortedKeys(holders)); err != nil {
		return err
	}
	if len(details) > 0 {
		hs, err := b.tx.HolderDetails(sortedKeys(details))
		if err != nil {
			return fmt.Errorf("read holders: %w", err)
		}
		for id, h := range hs {
			if st := b.holders[id]; st != nil {
				st.h = h
			}
		}
	}
	if len(cards) > 0 {
		cs, err := b.tx.Cards(sortedKeys(cards))
		if err != nil {
			return fmt.Errorf("read cards: %w", err)
		}
		for n, c := range cs {
			b.cards[n] = &c
		}
	}
	if len(rewards) > 0 {
		ids := sortedKeys(rewards)
		units, err := b.tx.RewardUnits(ids)
		if err != nil {
			return fmt.Errorf("read reward units: %w", err)
		}
		data, err := b.tx.Entities(balie.ChangeReward, ids)
		if err != nil {
			return fmt.Errorf("read rewards: %w", err)
		}
		for id, d := range data {
			var r balie.Reward
			if err := json.Unmarshal(d, &r); err != nil {
				return fmt.Errorf("read reward %s: %w", id, err)
			}
			b.rewards[id] = &rewardState{r: r, units: units[id]}
		}
	}
	for kind, ids := range kinds {
		data, err := b.tx.Entities(kind, sortedKeys(ids))
		if err != nil {
			return fmt.Errorf("read %s: %w", kind, err)
		}
		for id, d := range data {
			if err := b.keep(kind, id, d); err != nil {
				return err
			}
		}
	}
	// What the reads above name in turn: tariffs' events, card systems
	// and their prices, and the usage the limits count.
	systems := map[string]bool{}
	for _, c := range b.cards {
		systems[c.CardSystem] = true
	}
	delete(systems, "")
	if len(systems) > 0 {
		ids := sortedKeys(systems)
		for _, kind := range []string{balie.ChangeCardSystem, balie.ChangeCardPrices} {
			data, err := b.tx.Entities(kind, ids)
			if err != nil {
				return fmt.Errorf("read %s: %w", kind, err)
			}
			for id, d := range data {
				if err := b.keep(kind, id, d); err != nil {
					return err
				}
			}
		}
	}
	if err := b.loadSettlement(fresh); err != nil {
		return err
	}
	return b.loadUsage(fresh, members)
}

// keep decodes an entity the batch read.
func (b *batch) keep(kind, id string, data []byte) error {
	var err error
	switch kind {
	case balie.ChangeStaff:
		b.staff[id] = true
	case balie.ChangeDesk:
		err = json.Unmarshal(data, &b.desk)
	case balie.ChangeEvent:
		var v balie.Event
		err = json.Unmarshal(data, &v)
		b.events[id] = &v
	case balie.ChangeTariff:
		var v balie.Tariff
		err = json.Unmarshal(data, &v)
		b.tariffs[id] = &v
	case balie.ChangeProgram:
		var v balie.MembershipProgram
		err = json.Unmarshal(data, &v)
		b.programs[id] = &v
	case balie.ChangeChild:
		var v balie.Child
		err = json.Unmarshal(data, &v)
		b.children[id] = &v
	case balie.ChangeCardSystem:
		var v balie.CardSystem
		err = json.Unmarshal(data, &v)
		b.systems[id] = &v
	case balie.ChangeCardPrices:
		var v balie.CardPrices
		err = json.Unmarshal(data, &v)
		b.prices[id] = v.Rules
	}
	if err != nil {
		return fmt.Errorf("read %s %s: %w", kind, id, err)
	}
	return nil
}

// loadUsage reads what the limits of the batch's acts count.
func (b *batch) loadUsage(fresh []incoming, members map[Pair]bool) error {
	pairs := map[UsageKind]map[Pair]bool{}
	add := func(k UsageKind, p Pair) {
		if pairs[k] == nil {
			pairs[k] = map[Pair]bool{}
		}
		pairs[k][p] = true
	}
	for _, f := range fresh {
		switch p := f.payload.(type) {
		case *balie.CheckinPayload:
			if ev := b.events[p.EventID]; ev != nil && ev.CheckinLimit.Volume > 0 {
				add(UsageCheckin, Pair{p.HolderID, p.EventID})
			}
		case *balie.TicketSalePayload:
			if p.HolderID != "" {
				for _, line := range p.Lines {
					if t := b.tariffs[line.TariffID]; t != nil && t.Limit.Volume > 0 {
						add(UsageTicket, Pair{p.HolderID, line.TariffID})
					}
				}
			}
		case *balie.RewardRedemptionPayload:
			add(UsageReward, Pair{p.HolderID, p.RewardID})
		case *balie.MembershipPaymentPayload:
			members[Pair{p.HolderID, p.ProgramID}] = true
		}
	}
	for k, set := range pairs {
		ps := make([]Pair, 0, len(set))
		for p := range set {
			ps = append(ps, p)
		}
		u, err := b.tx.Usage(k, ps)
		if err != nil {
			return fmt.Errorf("read %s usage: %w", k, err)
		}
		b.usage[k] = u
	}
	if len(members) > 0 {
		ps := make([]Pair, 0, len(members))
		for p := range members {
			ps = append(ps, p)
		}
		m, err := b.tx.Memberships(ps)
		if err != nil {
			return fmt.Errorf("read memberships: %w", err)
		}
		b.members = m
	}
	return nil
}

func (b *batch) loadHolders(ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	points, err := b.tx.Holders(ids)
	if err != nil {
		return fmt.Errorf("read holders: %w", err)
	}
	for _, id := range ids {
		p, ok := points[id]
		b.holders[id] = &holderState{h: balie.Holder{ID: id}, points: p, exists: ok}
	}
	return nil
}

// payloadOf decodes a stored event's payload; nil when it does not.
func payloadOf(t Target) balie.Payload {
	p, err := balie.DecodePayload(t.Kind, t.Payload)
	if err != nil {
		return nil
	}
	return p
}

// apply decides one new event and adds what it changes to the effects.
func (b *batch) apply(f incoming) (balisync.Verdict, error) {
	e := f.e
	row := EventRow{JournalEvent: e, Ingest: b.next}
	b.next++
	v := b.decide(&row, f)
	row.Verdict = v
	b.eff.Events = append(b.eff.Events, row)
	if v.Status != balisync.Accepted {
		b.eff.Flags = append(b.eff.Flags, FlagRow{Ingest: row.Ingest, Code: v.Code, Holder: row.Holder, Detail: v.EN})
	}
	if e.Kind.Voidable() || e.Kind == balie.KindVoid {
		b.targets[e.ID] = Target{Ingest: row.Ingest, Seq: e.Seq, Kind: e.Kind, Payload: e.Payload, Time: e.Time,
			Status: v.Status, Holder: row.Holder, Points: row.Points, Item: row.Item, Undo: row.Undo}
	}
	return v, nil
}

// decide applies the rules of one act; row receives what the act
// applied (its holder, points, usage item and undo).
func (b *batch) decide(row *EventRow, f incoming) balisync.Verdict {
	e := f.e
	if f.invalid != nil {
		return payloadInvalid(e, f.invalid)
	}
	if err := balie.CheckEnvelope(e, b.now); err != nil {
		if balie.ErrorCode(err) == balie.CodeTimeOutOfRange {
			return timeOutOfRange(e, err)
		}
		return payloadInvalid(e, err)
	}
	if !b.staff[e.Staff] {
		return staffUnknown(e)
	}
	switch p := f.payload.(type) {
	case *balie.CheckinPayload:
		return b.checkin(row, e, p)
	case *balie.TicketSalePayload:
		return b.ticketSale(row, e, p)
	case *balie.CardSalePayload:
		return b.cardSale(row, e, p)
	case *balie.MembershipPaymentPayload:
		return b.membership(row, e, p)
	case *balie.RewardRedemptionPayload:
		return b.redeem(row, e, p)
	case *balie.ChildcarePayload:
		return b.childcare(e, p.ChildID)
	case *balie.PickupRefusedPayload:
		// The register's own records: kept for the provider, nothing to
		// apply.
		return b.childcare(e, p.ChildID)
	case *balie.ChildCorrectionPayload:
		return b.childcare(e, p.ChildID)
	case *balie.VoidPayload:
		return b.void(row, e, p)
	}
	// A shift's cash count is the desk's own record: the ledger keeps it
	// for the reports and has nothing to apply.
	return accepted(e)
}

// holder is a holder the ledger knows, or nil.
func (b *batch) holder(id string) *holderState {
	if h := b.holders[id]; h != nil && h.exists {
		return h
	}
	return nil
}

// addPoints changes a holder's balance.
func (b *batch) addPoints(h *holderState, delta int) {
	if delta == 0 {
		return
	}
	h.points += delta
	if !h.changed {
		h.changed = true
		b.order = append(b.order, h.h.ID)
	}
}

// checkCard checks the card an act names: the ledger must know it and it
// must be the holder's. An unusable card (blocked, replaced) comes back
// as cardErr for the act to judge; a bad one as a verdict.
func (b *batch) checkCard(e balie.JournalEvent, n balie.CardNumber, holder string) (cardErr error, bad *balisync.Verdict) {
	if n == "" {
		return nil, nil
	}
	c := b.cards[n]
	if c == nil {
		v := unknownCard(e, n)
		return nil, &v
	}
	if c.Status == balie.CardLocalStock {
		v := unusableCard(e, balie.UsableCard(*c), "rejected")
		return nil, &v
	}
	if c.HolderID != holder {
		v := cardHolderMismatch(e, n)
		return nil, &v
	}
	return balie.UsableCard(*c), nil
}

// checkin saves the points the ledger's catalogue gives, inside the
// event's hours and its limit counted over every desk; what the desk
// claimed is checked, never taken.
func (b *batch) checkin(row *EventRow, e balie.JournalEvent, p *balie.CheckinPayload) balisync.Verdict {
	ev := b.events[p.EventID]
	if ev == nil {
		return unknownEvent(e, p.EventID)
	}
	if !b.desk.Serves(ev.OrganiserID) {
		return organiserMismatch(e, ev.OrganiserID)
	}
	h := b.holder(p.HolderID)
	if h == nil {
		return unknownHolder(e, p.HolderID)
	}
	row.Holder = h.h.ID
	cardErr, bad := b.checkCard(e, p.Card, h.h.ID)
	if bad != nil {
		return *bad
	}
	if cardErr != nil {
		return unusableCard(e, cardErr, "points")
	}
	pair := Pair{h.h.ID, ev.ID}
	used := 0
	if ev.CheckinLimit.Volume > 0 {
		from, to := ev.CheckinLimit.Window(e.Time)
		used = count(b.usage[UsageCheckin][pair], nanos(from), nanos(to))
	}
	points, derr := balie.DecideCheckin(*ev, e.Time, used)
	de, _ := balie.AsError(derr)
	v := accepted(e)
	switch {
	case de != nil && de.Code == balie.CodeOutsideWindow:
		return outsideWindow(e, de)
	case de != nil && de.Code == balie.CodeCheckinLimit:
		v, points = adjustedBy(e, de), 0
	case de != nil:
		return adjustedBy(e, de)
	case points != p.Points:
		v = pointsCorrected(e, p.Points, points)
	}
	// Item marks a check-in the limits count, so that a replay of the
	// events rebuilds the usage without the rules.
	row.Item = ev.ID
	b.use(Use{Kind: UsageCheckin, Holder: h.h.ID, Item: ev.ID, At: nanos(e.Time), Ingest: row.Ingest})
	row.Points = points
	b.addPoints(h, points)
	b.checkinFigures(ev, balie.SettlementMonth(balie.BusinessDay(e.Time)), points, 1)
	return v
}

// use counts an act for the limits.
func (b *batch) use(u Use) {
	m := b.usage[u.Kind]
	if m == nil {
		m = map[Pair][]Use{}
		b.usage[u.Kind] = m
	}
	k := Pair{u.Holder, u.Item}
	m[k] = append(m[k], u)
	b.eff.UsageAdd = append(b.eff.UsageAdd, u)
}

// unuse removes a voided act from the limits.
func (b *batch) unuse(kind UsageKind, holder, item string, ingest int64) {
	k := Pair{holder, item}
	us := b.usage[kind][k]
	for i := range us {
		if us[i].Ingest == ingest {
			us[i].Ingest = -1 // counted no more
		}
	}
	b.eff.UsageDel = append(b.eff.UsageDel, Use{Kind: kind, Holder: holder, Item: item, Ingest: ingest})
}

// count is how many uses fall in [from, to); quantity counts for tickets.
func count(us []Use, from, to int64) int {
	n := 0
	for _, u := range us {
		if u.Ingest >= 0 && u.At >= from && u.At < to {
			n += max(u.Quantity, 1)
		}
	}
	return n
}

// ticketSale keeps the sale as it was paid (the money is in the till)
// and checks it against the catalogue: a tariff of another event or a
// desk that does not sell for the event's organiser is refused; a price
// that is not the catalogue's, a reduced tariff the holder is not
// entitled to and a limit passed by desks offline at once stand, flagged.
func (b *batch) ticketSale(row *EventRow, e balie.JournalEvent, p *balie.TicketSalePayload) balisync.Verdict {
	ev := b.events[p.EventID]
	if ev == nil {
		return unknownEvent(e, p.EventID)
	}
	if !b.desk.Serves(ev.OrganiserID) {
		return organiserMismatch(e, ev.OrganiserID)
	}
	var holder balie.Holder
	var cardErr error
	if p.HolderID != "" {
		h := b.holder(p.HolderID)
		if h == nil {
			return unknownHolder(e, p.HolderID)
		}
		var bad *balisync.Verdict
		if cardErr, bad = b.checkCard(e, p.Card, h.h.ID); bad != nil {
			return *bad
		}
		holder, row.Holder = h.h, h.h.ID
	}
	v := accepted(e)
	if cardErr != nil {
		v = unusableCard(e, cardErr, "")
	}
	inBasket := map[string]int{}
	for _, line := range p.Lines {
		t := b.tariffs[line.TariffID]
		if t == nil || t.EventID != ev.ID {
			return unknownTariff(e, line.TariffID, ev.ID)
		}
		used := 0
		if holder.ID != "" && t.Limit.Volume > 0 {
			from, to := t.Limit.Window(e.Time)
			used = count(b.usage[UsageTicket][Pair{holder.ID, t.ID}], nanos(from), nanos(to)) + inBasket[t.ID]
		}
		inBasket[t.ID] += line.Quantity
		if v.Status != balisync.Accepted {
			continue
		}
		q, qerr := balie.QuoteTicket(*t, holder, line.Quantity, used)
		switch de, _ := balie.AsError(qerr); {
		case de != nil && de.Code == balie.CodeSocialTariffNeeded:
			v = socialNotEntitled(e, t.Name)
		case de != nil && de.Code == balie.CodeTicketLimit:
			v = ticketLimitPassed(e, t.Name)
		case de != nil:
			v = priceUnknown(e, t.Name, de)
		case q.Regular != line.Regular || q.Shares != line.Shares || q.Total != line.Total:
			v = priceNotCatalogue(e, t.Name, line.Total, q.Total)
		}
	}
	day := balie.BusinessDay(e.Time)
	facts := ActFacts{Card: p.Card, HolderID: holder.ID, PostalCode: holder.PostalCode, Desk: b.term.Location,
		EventName: ev.Name, EventStart: ev.Start, EventEnd: ev.End, Booked: day}
	if c := b.cards[p.Card]; c != nil {
		facts.CardSystem = c.CardSystem
	}
	for i, line := range p.Lines {
		if holder.ID != "" && line.Kind != balie.TariffRegular {
			b.use(Use{Kind: UsageTicket, Holder: holder.ID, Item: line.TariffID, At: nanos(e.Time), Ingest: row.Ingest, Line: i, Quantity: line.Quantity})
		}
		f := facts
		f.TariffKind = line.Kind
		if t := b.tariffs[line.TariffID]; t != nil {
			f.TariffName = t.Name
		}
		b.money(MoneyRow{Ingest: row.Ingest, Line: i, Kind: MoneyTicket, Activity: ev.ID, TariffID: line.TariffID, OrganiserID: ev.OrganiserID,
			Payment: p.Payment, Day: day, Quantity: line.Quantity, Regular: line.Regular, Shares: line.Shares, Amount: line.Total, Facts: f}, line.Regular)
		b.figure(FigureDelta{Figure: FigureActivity, Period: balie.SettlementMonth(day), K1: ev.OrganiserID, K2: ev.Name, N: int64(line.Quantity)})
	}
	return v
}

// money adds a money line, settled by the agreements in force on its
// day; regular is the full price of one unit (a membership program's
// list price, before the pass discount).
func (b *batch) money(m MoneyRow, regular balie.Cents) {
	m.Payment = balie.SettledPayment(m.Amount, m.Payment)
	b.settleLine(&m, regular)
	b.eff.Money = append(b.eff.Money, m)
	b.moneyFigures(m, 1, m.Month)
}

// cardUndo is what a void of a card sale restores.
type cardUndo struct {
	Card      balie.CardNumber `json:"card"`
	Assigned  bool             `json:"assigned"` // the sale took the card out of stock
	StockDesk string           `json:"stock_desk"`
}

// cardSale hands a stock card to a holder (creating a first-time holder
// with the id the desk made) and replaces the holder's old card. A card
// no longer in stock was sold at another desk first: the sale is kept
// and flagged, the card stays with the first buyer. The price is checked
// against the card system's price table.
func (b *batch) cardSale(row *EventRow, e balie.JournalEvent, p *balie.CardSalePayload) balisync.Verdict {
	c := b.cards[p.Card]
	if c == nil {
		return unknownCard(e, p.Card)
	}
	hs := b.holders[p.HolderID]
	var newHolder *balie.Holder
	switch {
	case hs != nil && hs.exists:
	case p.Reason == balie.ReasonFirstCard:
		h := *p.NewHolder
		if err := balie.ValidateNewHolder(h, e.Time); err != nil {
			return newHolderInvalid(e, err)
		}
		h.ID, h.Points = p.HolderID, 0
		if len(h.CardSystems) == 0 {
			h.CardSystems = []string{c.CardSystem}
		}
		newHolder = &h
	default:
		return unknownHolder(e, p.HolderID)
	}
	var old *balie.Card
	if p.Replaces != "" {
		if old = b.cards[p.Replaces]; old == nil {
			return unknownCard(e, p.Replaces)
		}
		if old.HolderID != p.HolderID {
			return cardHolderMismatch(e, p.Replaces)
		}
	}
	row.Holder = p.HolderID
	v := accepted(e)
	twice := c.Status != balie.CardLocalStock
	if twice {
		v = cardSoldTwice(e, p.Card)
	}
	holder := balie.Holder{}
	if newHolder != nil {
		holder = *newHolder
	} else {
		holder = hs.h
	}
	if v.Status == balisync.Accepted {
		if sys := b.systems[c.CardSystem]; sys == nil {
			v = priceUnknown(e, "Kaart "+string(p.Card), balie.Errorf(balie.CodeCardPriceUnknown,
				"kaartsysteem %s is onbekend.", "card system %s is unknown.", c.CardSystem))
		} else {
			price, err := b.prices[c.CardSystem].Price(balie.CardSaleQuery{CardSystem: *sys, PostalCode: holder.PostalCode,
				BirthDate: holder.BirthDate, SocialTariff: holder.SocialTariff.Applies(), Reason: p.Reason, At: e.Time})
			if de, ok := balie.AsError(err); ok {
				v = priceUnknown(e, "Kaart "+string(p.Card), de)
			} else if price != p.Price {
				v = priceNotCatalogue(e, "Kaart "+string(p.Card), p.Price, price)
			}
		}
	}
	row.Undo = string(mustJSON(cardUndo{Card: p.Card, Assigned: !twice, StockDesk: c.StockDesk}))
	if newHolder != nil {
		b.eff.NewHolders = append(b.eff.NewHolders, *newHolder)
		b.eff.Changes = append(b.eff.Changes, Change{Kind: balie.ChangeHolder, Key: newHolder.ID, Data: mustJSON(*newHolder)})
		b.holders[newHolder.ID] = &holderState{h: *newHolder, exists: true}
	}
	if !twice {
		c.Status, c.HolderID, c.StockDesk = balie.CardActive, p.HolderID, ""
		b.setCard(c)
	}
	if old != nil && old.Status == balie.CardActive {
		old.Status = balie.ReplacedCardStatus(p.Reason)
		b.setCard(old)
	}
	day := balie.BusinessDay(e.Time)
	b.money(MoneyRow{Ingest: row.Ingest, Kind: MoneyCard, OrganiserID: b.term.Organiser, Payment: p.Payment,
		Day: day, Quantity: 1, Regular: p.Price, Shares: balie.Shares{Holder: p.Price}, Amount: p.Price,
		Facts: ActFacts{Card: p.Card, HolderID: p.HolderID, PostalCode: holder.PostalCode, CardSystem: c.CardSystem, Desk: b.term.Location,
			TariffName: string(p.Reason), Booked: day}}, p.Price)
	return v
}

func (b *batch) setCard(c *balie.Card) {
	b.eff.Cards = append(b.eff.Cards, *c)
	b.eff.Changes = append(b.eff.Changes, Change{Kind: balie.ChangeCard, Key: string(c.Number), Data: mustJSON(*c)})
}

// membership adds the membership the desk sold, with the term and at the
// price the programme's rules give: a term that differs is corrected, a
// price that differs stands as paid, both flagged.
func (b *batch) membership(row *EventRow, e balie.JournalEvent, p *balie.MembershipPaymentPayload) balisync.Verdict {
	prog := b.programs[p.ProgramID]
	if prog == nil {
		return unknownProgram(e, p.ProgramID)
	}
	if !b.desk.Serves(prog.OrganiserID) {
		return organiserMismatch(e, prog.OrganiserID)
	}
	h := b.holder(p.HolderID)
	if h == nil {
		return unknownHolder(e, p.HolderID)
	}
	row.Holder = h.h.ID
	cardErr, bad := b.checkCard(e, p.Card, h.h.ID)
	if bad != nil {
		return *bad
	}
	v := accepted(e)
	if cardErr != nil {
		v = unusableCard(e, cardErr, "")
	}
	pair := Pair{h.h.ID, prog.ID}
	var current *balie.Membership
	for _, m := range b.members[pair] {
		if m.Valid(e.Time) && (current == nil || m.End.After(current.End)) {
			m := m.Membership
			current = &m
		}
	}
	start, end := p.Start, p.End
	if s, en, err := prog.Term(e.Time, h.h.BirthDate, current); err != nil {
		if de, ok := balie.AsError(err); ok && v.Status == balisync.Accepted {
			v = termUnknown(e, de)
		}
	} else if !s.Equal(p.Start) || !en.Equal(p.End) {
		start, end = s, en
		if v.Status == balisync.Accepted {
			v = termCorrected(e, s, en)
		}
	}
	if price := prog.PriceFor(true, h.h.SocialTariff.Applies()); price != p.Price && v.Status == balisync.Accepted {
		v = priceNotCatalogue(e, prog.Name, p.Price, price)
	}
	// Kept in Brussels time, so that its day reads the same everywhere.
	m := MembershipRow{Membership: balie.Membership{HolderID: h.h.ID, ProgramID: prog.ID, Start: start.In(balie.Brussels()), End: end.In(balie.Brussels())}, Ingest: row.Ingest}
	b.members[pair] = append(b.members[pair], m)
	b.eff.Members = append(b.eff.Members, m)
	b.eff.Changes = append(b.eff.Changes, Change{Kind: balie.ChangeMembership, Key: balie.MembershipKey(m.Membership), Data: mustJSON(m.Membership)})
	day := balie.BusinessDay(e.Time)
	facts := ActFacts{Card: p.Card, HolderID: h.h.ID, PostalCode: h.h.PostalCode, Desk: b.term.Location, TariffName: prog.Name,
		Booked: day, Renewal: current != nil}
	if c := b.cards[p.Card]; c != nil {
		facts.CardSystem = c.CardSystem
	}
	b.money(MoneyRow{Ingest: row.Ingest, Kind: MoneyMembership, TariffID: prog.ID, OrganiserID: prog.OrganiserID, Payment: p.Payment,
		Day: day, Quantity: 1, Regular: p.Price, Shares: balie.Shares{Holder: p.Price}, Amount: p.Price, Facts: facts}, prog.Price)
	return v
}

// redeem spends what the reward costs in the ledger's catalogue. What
// desks offline at the same time could not see stands, flagged: a reward
// sold out, a holder's limit passed, a balance below zero. A blocked or
// replaced card spends nothing: a finder must not spend a holder's
// points.
func (b *batch) redeem(row *EventRow, e balie.JournalEvent, p *balie.RewardRedemptionPayload) balisync.Verdict {
	rs := b.rewards[p.RewardID]
	if rs == nil {
		return unknownReward(e, p.RewardID)
	}
	if !b.desk.Serves(rs.r.OrganiserID) {
		return organiserMismatch(e, rs.r.OrganiserID)
	}
	h := b.holder(p.HolderID)
	if h == nil {
		return unknownHolder(e, p.HolderID)
	}
	row.Holder, row.Item = h.h.ID, rs.r.ID
	cardErr, bad := b.checkCard(e, p.Card, h.h.ID)
	if bad != nil {
		return *bad
	}
	if cardErr != nil {
		return unusableCard(e, cardErr, "rejected")
	}
	us := b.usage[UsageReward][Pair{h.h.ID, rs.r.ID}]
	from, to := rs.r.PerHolder.Window(e.Time)
	u := balie.RewardUsage{UnitsRedeemed: rs.units, HolderInWindow: count(us, nanos(from), nanos(to)), HolderEver: count(us, nanos(time.Time{}), nanos(farFuture()))}
	cost := 0
	if rs.r.Kind == balie.RewardPoints {
		cost = max(rs.r.Points, 0)
	}
	v := accepted(e)
	_, derr := balie.DecideRedeem(rs.r, h.points, e.Time, u)
	switch de, _ := balie.AsError(derr); {
	case de == nil:
	case de.Code == balie.CodeRewardSoldOut:
		v = soldOutAfterAll(e, rs.r.TotalUnits)
	case de.Code == balie.CodeWelcomeUsed:
		v = adjusted(e, string(balie.CodeRewardLimit), de.NL, de.EN)
	case de.Code == balie.CodePointsShort:
		// A balance below zero: points spent offline at two desks.
	default:
		v = redeemAdjusted(e, de)
	}
	after := h.points - cost
	if v.Status == balisync.Accepted && cost != p.Points {
		v = pointsCorrected(e, p.Points, cost)
	}
	if v.Status == balisync.Accepted && after < 0 {
		v = pointsNegative(e, after)
	} else if after < 0 {
		b.eff.Flags = append(b.eff.Flags, FlagRow{Ingest: row.Ingest, Code: CodePointsNegative, Holder: h.h.ID, Detail: fmt.Sprintf("balance %d", after)})
	}
	b.use(Use{Kind: UsageReward, Holder: h.h.ID, Item: rs.r.ID, At: nanos(e.Time), Ingest: row.Ingest})
	b.rewardUnits(rs, 1)
	row.Points = -cost
	b.addPoints(h, -cost)
	b.rewardFigures(rs.r, balie.SettlementMonth(balie.BusinessDay(e.Time)), cost, 1)
	return v
}

func (b *batch) rewardUnits(rs *rewardState, delta int) {
	rs.units += delta
	if b.eff.Units == nil {
		b.eff.Units = map[string]int{}
	}
	b.eff.Units[rs.r.ID] = rs.units
	rs.changed = true
}

// childcare keeps a sign-in or sign-out of a child enrolled with the
// terminal's organiser.
func (b *batch) childcare(e balie.JournalEvent, childID string) balisync.Verdict {
	c := b.children[childID]
	if c == nil {
		return childUnknown(e, childID)
	}
	if !b.desk.Serves(c.ProviderID) {
		return organiserMismatch(e, c.ProviderID)
	}
	if e.Kind == balie.KindChildSignIn {
		b.figure(FigureDelta{Figure: FigureChildcare, Period: balie.BusinessDay(e.Time), K1: c.Group, K2: c.ProviderID, N: 1})
	}
	return accepted(e)
}

// void undoes an earlier act of the same terminal: its points, its
// usage, its membership, its card, and its money with counter-lines.
func (b *batch) void(row *EventRow, e balie.JournalEvent, p *balie.VoidPayload) balisync.Verdict {
	t, ok := b.targets[p.Target]
	if !ok || !t.Kind.Voidable() {
		return voidUnknown(e, p.Target)
	}
	if t.Voided || b.voided[t.Ingest] {
		return voidTwice(e, p.Target)
	}
	b.voided[t.Ingest] = true
	vr := VoidRow{Target: t.Ingest, Void: row.Ingest, Booked: balie.BusinessDay(e.Time)}
	if b.settle != nil {
		vr.Month, vr.Late = balie.AssignMonth(vr.Booked, row.Ingest, b.settle.Closed)
	}
	b.eff.Voids = append(b.eff.Voids, vr)
	if t.Status == balisync.Rejected {
		return accepted(e) // a rejected act left nothing to undo
	}
	if err := b.voidFigures(t, vr); err != nil {
		b.l.log.Error("figures of a void", "event", e.ID, "err", err)
	}
	v := accepted(e)
	if h := b.holder(t.Holder); h != nil && t.Points != 0 {
		row.Holder, row.Points = h.h.ID, -t.Points
		if after := h.points - t.Points; after < 0 {
			v = pointsNegative(e, after)
		}
		b.addPoints(h, -t.Points)
	}
	switch pl := payloadOf(t).(type) {
	case *balie.CheckinPayload:
		if t.Item != "" {
			b.unuse(UsageCheckin, t.Holder, t.Item, t.Ingest)
		}
	case *balie.RewardRedemptionPayload:
		b.unuse(UsageReward, t.Holder, t.Item, t.Ingest)
		if rs := b.rewards[pl.RewardID]; rs != nil {
			b.rewardUnits(rs, -1)
		}
	case *balie.TicketSalePayload:
		for _, line := range pl.Lines {
			if t.Holder != "" && line.Kind != balie.TariffRegular {
				b.unuse(UsageTicket, t.Holder, line.TariffID, t.Ingest)
			}
		}
	case *balie.MembershipPaymentPayload:
		b.undoMembership(t, Pair{pl.HolderID, pl.ProgramID})
	case *balie.CardSalePayload:
		var u cardUndo
		if json.Unmarshal([]byte(t.Undo), &u) == nil && u.Assigned {
			// The card goes back to the stock it came from. A card it
			// replaced stays as the sale left it: a lost card must not
			// come back to life.
			if c := b.cards[u.Card]; c != nil {
				c.Status, c.HolderID, c.StockDesk = balie.CardLocalStock, "", u.StockDesk
				b.setCard(c)
			}
		}
	}
	return v
}

// undoMembership removes the membership a payment added. Another
// membership with the same key (two desks sold the same renewal) takes
// its place in the change log.
func (b *batch) undoMembership(t Target, pair Pair) {
	b.eff.MembersDel = append(b.eff.MembersDel, t.Ingest)
	var gone *balie.Membership
	rest := b.members[pair][:0:0]
	for _, m := range b.members[pair] {
		if m.Ingest == t.Ingest {
			mm := m.Membership
			gone = &mm
			continue
		}
		rest = append(rest, m)
	}
	b.members[pair] = rest
	if gone == nil {
		return
	}
	key := balie.MembershipKey(*gone)
	for _, m := range rest {
		if balie.MembershipKey(m.Membership) == key {
			b.eff.Changes = append(b.eff.Changes, Change{Kind: balie.ChangeMembership, Key: key, Data: mustJSON(m.Membership)})
			return
		}
	}
	b.eff.Changes = append(b.eff.Changes, Change{Kind: balie.ChangeMembership, Key: key, Deleted: true})
}

// finish writes the new balances and the figures into the effects.
func (b *batch) finish() {
	b.finishFigures()
	for _, id := range b.order {
		if b.eff.Points == nil {
			b.eff.Points = map[string]int{}
		}
		b.eff.Points[id] = b.holders[id].points
	}
}

// farFuture bounds an ABSOLUTE window from above.
func farFuture() time.Time { return time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC) }

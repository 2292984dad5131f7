package ledger

import (
	"database/sql"
	"encoding/json"
	"errors"
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

// apply decides one new event by the ledger's rules, stores it with its
// verdict and applies its effects. The rules are deterministic: the same
// events in the same ingest order give the same verdicts and state.
func (b *batch) apply(e balie.JournalEvent, checkin *balie.CheckinPayload) (balisync.Verdict, error) {
	b.ingest++
	switch e.Kind {
	case balie.KindCheckin:
		return b.checkin(e, checkin)
	case balie.KindTicketSale:
		return b.ticketSale(e)
	case balie.KindCardSale:
		return b.cardSale(e)
	case balie.KindMembershipPayment:
		return b.membership(e)
	case balie.KindRewardRedemption:
		return b.redeem(e)
	case balie.KindChildSignIn, balie.KindChildSignOut:
		return b.childcare(e)
	case balie.KindVoid:
		return b.void(e)
	case balie.KindPickupRefused, balie.KindChildCorrection:
		// A refused pick-up and a register correction are the childcare
		// desk's records: kept, with nothing to apply.
		return b.store(e, accepted(e), "", 0, "")
	case "SHIFT_OPEN", "SHIFT_CLOSE":
		// A shift's cash count is the desk's own record: the ledger keeps
		// it for the reports and has nothing to apply.
		return b.store(e, accepted(e), "", 0, "")
	}
	return b.store(e, invalid(e, "onbekende soort "+string(e.Kind), "unknown kind "+string(e.Kind)), "", 0, "")
}

// store inserts the event with its verdict, and flags it for review when
// it is not simply accepted. holder and points are the points it applies,
// undo what a void of it must restore.
func (b *batch) store(e balie.JournalEvent, v balisync.Verdict, holder string, points int, undo string) (balisync.Verdict, error) {
	var err error
	if v.Status == balisync.Accepted && v.Code == "" && undo == "" {
		// The common case, with fewer values to bind.
		_, err = b.stmt(b.l.ins.acceptedEvent).ExecContext(b.ctx, b.ingest, e.ID, e.Terminal, e.Seq, e.Time.UTC().Format(balie.TimeFormat),
			e.Staff, string(e.Kind), []byte(e.Payload), e.PrevHash, e.Hash, b.received, holder, points)
	} else {
		_, err = b.stmt(b.l.ins.event).ExecContext(b.ctx, b.ingest, e.ID, e.Terminal, e.Seq, e.Time.UTC().Format(balie.TimeFormat),
			e.Staff, string(e.Kind), []byte(e.Payload), e.PrevHash, e.Hash, v.Status, v.Code, v.NL, v.EN, b.received, holder, points, undo)
	}
	if isUnique(err) {
		return v, errIDTaken
	}
	if err != nil {
		return v, fmt.Errorf("store event: %w", err)
	}
	if v.Status != balisync.Accepted {
		if err := b.flag(b.ingest, v.Code, holder, v.EN); err != nil {
			return v, err
		}
	}
	return v, nil
}

// decode reads a payload; a payload that does not decode is stored and
// rejected, never dropped.
func decode(e balie.JournalEvent, v any) bool { return json.Unmarshal(e.Payload, v) == nil }

func validPayment(total balie.Cents, m balie.PaymentMethod) bool {
	if total == 0 {
		return m == "" || m.Valid()
	}
	return total > 0 && m.Valid()
}

// cardKnown reports whether the ledger has card n, and returns it.
func (b *batch) card(n balie.CardNumber) (balie.Card, bool, error) {
	c, err := scanCard(b.stmt(b.l.ins.card).QueryRowContext(b.ctx, string(n)))
	if errors.Is(err, sql.ErrNoRows) {
		return c, false, nil
	}
	if err != nil {
		return c, false, fmt.Errorf("read card: %w", err)
	}
	return c, true, nil
}

// catalogue reads an entity of the catalogue once per batch; nil when the
// ledger does not have it.
func catalogue[T any](b *batch, cache map[string]*T, table, id string) (*T, error) {
	if v, ok := cache[id]; ok {
		return v, nil
	}
	var data []byte
	var err error
	if table == "catalogue_events" {
		err = b.stmt(b.l.ins.eventData).QueryRowContext(b.ctx, id).Scan(&data)
	} else {
		err = b.tx.QueryRowContext(b.ctx, `SELECT data FROM `+table+` WHERE id = ?`, id).Scan(&data)
	}
	if errors.Is(err, sql.ErrNoRows) {
		cache[id] = nil
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", table, err)
	}
	v := new(T)
	if err := json.Unmarshal(data, v); err != nil {
		return nil, fmt.Errorf("read %s %s: %w", table, id, err)
	}
	cache[id] = v
	return v, nil
}

func (b *batch) reward(id string) (*rewardState, error) {
	if r, ok := b.rewards[id]; ok {
		return r, nil
	}
	var data []byte
	r := &rewardState{}
	err := b.tx.QueryRowContext(b.ctx, `SELECT data, units_redeemed FROM rewards WHERE id = ?`, id).Scan(&data, &r.units)
	if errors.Is(err, sql.ErrNoRows) {
		b.rewards[id] = nil
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read reward: %w", err)
	}
	if err := json.Unmarshal(data, &r.reward); err != nil {
		return nil, fmt.Errorf("read reward %s: %w", id, err)
	}
	b.rewards[id] = r
	return r, nil
}

func (b *batch) rewardUnits(r *rewardState, delta int) {
	r.units += delta
	if !r.changed {
		r.changed = true
		b.rewardOrder = append(b.rewardOrder, r.reward.ID)
	}
}

func (b *batch) count(s *sql.Stmt, args ...any) (int, error) {
	var n int
	if err := b.stmt(s).QueryRowContext(b.ctx, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count usage: %w", err)
	}
	return n, nil
}

// knownCardHolder checks the card (when the act names one) and the
// holder; the verdict is set when one of them is unknown.
func (b *batch) knownCardHolder(e balie.JournalEvent, card balie.CardNumber, holder string) (*holderState, *balisync.Verdict, error) {
	if card != "" {
		_, ok, err := b.card(card)
		if err != nil {
			return nil, nil, err
		}
		if !ok {
			v := unknownCard(e, card)
			return nil, &v, nil
		}
	}
	h, ok, err := b.holder(holder)
	if err != nil {
		return nil, nil, err
	}
	if !ok {
		v := unknownHolder(e, holder)
		return nil, &v, nil
	}
	return h, nil, nil
}

// checkin credits the points the desk gave, unless the holder had
// already reached the event's check-in limit at the ledger: then the
// check-in is kept without points and flagged. p is the decoded payload,
// nil when it did not decode.
func (b *batch) checkin(e balie.JournalEvent, p *balie.CheckinPayload) (balisync.Verdict, error) {
	if p == nil || p.HolderID == "" || p.EventID == "" || p.Points < 0 {
		return b.store(e, invalid(e, "een check-in zonder pashouder of evenement, of met negatieve punten",
			"a check-in without holder or event, or with negative points"), "", 0, "")
	}
	if p.Card != "" && !b.cards[p.Card] {
		_, ok, err := b.card(p.Card)
		if err != nil {
			return balisync.Verdict{}, err
		}
		if !ok {
			return b.store(e, unknownCard(e, p.Card), "", 0, "")
		}
		b.cards[p.Card] = true
	}
	if _, ok, err := b.holder(p.HolderID); err != nil {
		return balisync.Verdict{}, err
	} else if !ok {
		return b.store(e, unknownHolder(e, p.HolderID), "", 0, "")
	}
	ev, err := catalogue(b, b.events, "catalogue_events", p.EventID)
	if err != nil {
		return balisync.Verdict{}, err
	}
	if ev == nil {
		return b.store(e, unknownEvent(e, p.EventID), "", 0, "")
	}
	var u *pairUsage
	used := 0
	if ev.CheckinLimit.Volume > 0 {
		if u, err = b.usage(p.HolderID, ev.ID); err != nil {
			return balisync.Verdict{}, err
		}
		from, to := ev.CheckinLimit.Window(e.Time)
		used = u.count(nanos(from), nanos(to))
	}
	v, points := accepted(e), p.Points
	_, derr := balie.DecideCheckin(*ev, e.Time, used)
	// The opening hours were the desk's to judge with its clock; the limit
	// is the ledger's, counted over every desk.
	if de, ok := balie.AsError(derr); ok && de.Code == balie.CodeCheckinLimit {
		v, points = adjustedBy(e, de), 0
	} else if !ev.CheckinLimit.Allows(used, 1) {
		v, points = adjusted(e, string(balie.CodeCheckinLimit),
			"Deze pashouder had de limiet van check-ins voor dit evenement al bereikt. Er komt geen punt bij.",
			"This pass holder had already reached the check-in limit for this event. No points are added."), 0
	}
	if v, err = b.store(e, v, p.HolderID, points, ""); err != nil {
		return v, err
	}
	c := pendingCheckin{holder: p.HolderID, event: ev.ID, at: nanos(e.Time), ingest: b.ingest}
	b.newIdx[c.ingest] = len(b.newCheckins)
	b.newCheckins = append(b.newCheckins, c)
	if u != nil {
		u.ats = append(u.ats, usageAt{at: c.at, ingest: c.ingest})
	}
	b.addPoints(p.HolderID, points)
	return v, nil
}

// undoCheckin removes a check-in's usage wherever it is: this batch's,
// the hot state's or the table's.
func (b *batch) undoCheckin(holder, event string, target int64) error {
	if u, ok := b.pairs[pairKey{holder, event}]; ok {
		u.remove(target)
	}
	if i, ok := b.newIdx[target]; ok {
		b.newCheckins[i].gone = true
		return nil
	}
	if _, ok := b.l.hot.find(target); ok {
		b.voidHot = append(b.voidHot, target)
		return nil
	}
	if _, err := b.stmt(b.l.ins.delCheckin).ExecContext(b.ctx, holder, event, target); err != nil {
		return fmt.Errorf("undo check-in: %w", err)
	}
	return nil
}

// ticketSale keeps the sale as the desk made it (its prices and shares
// are what was paid) and flags a per-holder limit passed by desks that
// were offline at the same time.
func (b *batch) ticketSale(e balie.JournalEvent) (balisync.Verdict, error) {
	var p balie.TicketSalePayload
	if !decode(e, &p) || p.EventID == "" || len(p.Lines) == 0 || !validPayment(p.Total, p.Payment) {
		return b.store(e, invalid(e, "een ticketverkoop zonder evenement, tickets of betaalwijze",
			"a ticket sale without event, tickets or payment method"), "", 0, "")
	}
	ev, err := catalogue(b, b.events, "catalogue_events", p.EventID)
	if err != nil {
		return balisync.Verdict{}, err
	}
	if ev == nil {
		return b.store(e, unknownEvent(e, p.EventID), "", 0, "")
	}
	var holder balie.Holder
	if p.HolderID != "" || p.Card != "" {
		if p.HolderID == "" {
			return b.store(e, invalid(e, "een kaart zonder pashouder", "a card without holder"), "", 0, "")
		}
		_, bad, err := b.knownCardHolder(e, p.Card, p.HolderID)
		if err != nil {
			return balisync.Verdict{}, err
		}
		if bad != nil {
			return b.store(e, *bad, "", 0, "")
		}
		holder.ID = p.HolderID
	}
	tariffs := make([]*balie.Tariff, len(p.Lines))
	var sum balie.Cents
	for i, line := range p.Lines {
		t, err := catalogue(b, b.tariffs, "tariffs", line.TariffID)
		if err != nil {
			return balisync.Verdict{}, err
		}
		if t == nil || t.EventID != ev.ID {
			return b.store(e, invalid(e, "tarief "+line.TariffID+" hoort niet bij evenement "+ev.ID,
				"tariff "+line.TariffID+" does not belong to event "+ev.ID), "", 0, "")
		}
		total, merr := line.Shares.Holder.Mul(line.Quantity)
		if line.Quantity < 1 || line.Quantity > balie.MaxTicketsPerSale || line.Regular < 0 ||
			line.Shares.Holder < 0 || line.Shares.Organiser < 0 || line.Shares.City < 0 ||
			line.Shares.Total() != line.Regular || merr != nil || total != line.Total {
			return b.store(e, invalid(e, "de aantallen, prijzen of verdeling van tarief "+line.TariffID+" kloppen niet",
				"the quantity, prices or shares of tariff "+line.TariffID+" do not add up"), "", 0, "")
		}
		tariffs[i] = t
		sum += line.Total
	}
	if sum != p.Total {
		return b.store(e, invalid(e, "het totaal is niet de som van de lijnen", "the total is not the sum of the lines"), "", 0, "")
	}
	v := accepted(e)
	inBasket := map[string]int{}
	for i, line := range p.Lines {
		t := tariffs[i]
		if holder.ID == "" || t.Kind == balie.TariffRegular || t.Limit.Volume == 0 {
			continue
		}
		from, to := t.Limit.Window(e.Time)
		used, err := b.count(b.l.ins.countTickets, holder.ID, t.ID, nanos(from), nanos(to))
		if err != nil {
			return v, err
		}
		used += inBasket[t.ID]
		inBasket[t.ID] += line.Quantity
		if v.Status == balisync.Accepted && !t.Limit.Allows(used, line.Quantity) {
			v = ticketLimitPassed(e, t.Name)
		}
	}
	if v, err = b.store(e, v, holder.ID, 0, ""); err != nil {
		return v, err
	}
	day := businessDay(e.Time)
	for i, line := range p.Lines {
		if holder.ID != "" {
			if _, err := b.stmt(b.l.ins.addTicket).ExecContext(b.ctx, holder.ID, line.TariffID, nanos(e.Time), b.ingest, i, line.Quantity); err != nil {
				return v, fmt.Errorf("count tickets: %w", err)
			}
		}
		if err := b.money(i, MoneyTicket, ev.ID, line.TariffID, ev.OrganiserID, p.Payment, day, line.Quantity,
			line.Regular, line.Shares, line.Total); err != nil {
			return v, err
		}
	}
	return v, nil
}

// money appends one money line of the event being applied.
func (b *batch) money(line int, kind, eventID, tariffID, organiser string, pay balie.PaymentMethod, day string,
	qty int, regular balie.Cents, s balie.Shares, amount balie.Cents) error {
	if pay == "" {
		pay = balie.PayNone
	}
	_, err := b.stmt(b.l.ins.money).ExecContext(b.ctx, b.ingest, line, kind, eventID, tariffID, organiser, string(pay), day,
		qty, int64(regular), int64(s.Holder), int64(s.Organiser), int64(s.City), int64(amount))
	if err != nil {
		return fmt.Errorf("write money line: %w", err)
	}
	return nil
}

// businessDay is the Brussels day a sale counts in.
func businessDay(t time.Time) string { return t.In(balie.Brussels()).Format(dbDate) }

// cardUndo is what a void of a card sale restores.
type cardUndo struct {
	Card      balie.CardNumber `json:"card"`
	Assigned  bool             `json:"assigned"` // the sale took the card out of stock
	StockDesk string           `json:"stock_desk"`
}

// cardSale hands a stock card to a holder (creating a first-time holder
// with the id the desk made) and replaces the holder's old card. A card
// that is no longer in stock was sold at another desk first: the sale is
// kept and flagged, the card stays with the first buyer.
func (b *batch) cardSale(e balie.JournalEvent) (balisync.Verdict, error) {
	var p balie.CardSalePayload
	if !decode(e, &p) || p.Card == "" || p.HolderID == "" || !p.Reason.Valid() || p.Price < 0 || !validPayment(p.Price, p.Payment) {
		return b.store(e, invalid(e, "een kaartverkoop zonder kaart, pashouder, reden of betaalwijze",
			"a card sale without card, holder, reason or payment method"), "", 0, "")
	}
	c, ok, err := b.card(p.Card)
	if err != nil {
		return balisync.Verdict{}, err
	}
	if !ok {
		return b.store(e, unknownCard(e, p.Card), "", 0, "")
	}
	_, exists, err := b.holder(p.HolderID)
	if err != nil {
		return balisync.Verdict{}, err
	}
	var newHolder *balie.Holder
	if p.Reason == balie.ReasonFirstCard && !exists {
		if p.NewHolder == nil || (p.NewHolder.ID != "" && p.NewHolder.ID != p.HolderID) {
			return b.store(e, invalid(e, "een eerste kaart zonder de gegevens van de nieuwe pashouder",
				"a first card without the new holder's details"), "", 0, "")
		}
		h := *p.NewHolder
		h.ID, h.Points = p.HolderID, 0
		if len(h.CardSystems) == 0 {
			h.CardSystems = []string{c.CardSystem}
		}
		newHolder = &h
	} else if !exists {
		return b.store(e, unknownHolder(e, p.HolderID), "", 0, "")
	}
	var old balie.Card
	if p.Replaces != "" {
		if old, ok, err = b.card(p.Replaces); err != nil {
			return balisync.Verdict{}, err
		}
		if !ok {
			return b.store(e, unknownCard(e, p.Replaces), "", 0, "")
		}
	}
	v := accepted(e)
	twice := c.Status != balie.CardLocalStock
	if twice {
		v = cardSoldTwice(e, p.Card)
	}
	undo := mustJSON(cardUndo{Card: p.Card, Assigned: !twice, StockDesk: c.StockDesk})
	if v, err = b.store(e, v, p.HolderID, 0, string(undo)); err != nil {
		return v, err
	}
	if newHolder != nil {
		if err := b.insertHolder(*newHolder); err != nil {
			return v, err
		}
	}
	if !twice {
		c.Status, c.HolderID, c.StockDesk = balie.CardActive, p.HolderID, ""
		if err := b.setCard(c); err != nil {
			return v, err
		}
	}
	if old.Number != "" && old.Status == balie.CardActive {
		// A lost or stolen card is blocked so a finder cannot use it; a
		// card replaced for another reason is simply no longer valid.
		old.Status = balie.CardDeleted
		if p.Reason == balie.ReasonReplaceLost || p.Reason == balie.ReasonReplaceStolen {
			old.Status = balie.CardBlocked
		}
		if err := b.setCard(old); err != nil {
			return v, err
		}
	}
	return v, b.money(0, MoneyCard, "", "", p.OrganiserID, p.Payment, businessDay(e.Time), 1,
		p.Price, balie.Shares{Holder: p.Price}, p.Price)
}

func (b *batch) insertHolder(h balie.Holder) error {
	if _, err := b.tx.ExecContext(b.ctx, `INSERT INTO holders(`+holderColumns+`, initial_points) VALUES (?,?,?,?,?,?,?,?,?,0,0)`, holderArgs(h)...); err != nil {
		return fmt.Errorf("create holder: %w", err)
	}
	b.holders[h.ID] = &holderState{exists: true}
	b.touch(h.ID)
	return b.change(balisync.ChangeHolder, h.ID, h)
}

func (b *batch) setCard(c balie.Card) error {
	if _, err := b.tx.ExecContext(b.ctx, `UPDATE cards SET status = ?, holder_id = ?, stock_desk = ? WHERE number = ?`,
		string(c.Status), c.HolderID, c.StockDesk, string(c.Number)); err != nil {
		return fmt.Errorf("write card: %w", err)
	}
	return b.change(balisync.ChangeCard, string(c.Number), c)
}

// membership adds the membership the desk sold, with the term it gave.
func (b *batch) membership(e balie.JournalEvent) (balisync.Verdict, error) {
	var p balie.MembershipPaymentPayload
	if !decode(e, &p) || p.HolderID == "" || p.ProgramID == "" || p.Price < 0 || !p.End.After(p.Start) || !validPayment(p.Price, p.Payment) {
		return b.store(e, invalid(e, "een lidmaatschap zonder pashouder, programma, geldige termijn of betaalwijze",
			"a membership without holder, program, valid term or payment method"), "", 0, "")
	}
	_, bad, err := b.knownCardHolder(e, p.Card, p.HolderID)
	if err != nil {
		return balisync.Verdict{}, err
	}
	if bad != nil {
		return b.store(e, *bad, "", 0, "")
	}
	prog, err := catalogue(b, b.programs, "programs", p.ProgramID)
	if err != nil {
		return balisync.Verdict{}, err
	}
	if prog == nil {
		return b.store(e, unknownProgram(e, p.ProgramID), "", 0, "")
	}
	v, err := b.store(e, accepted(e), p.HolderID, 0, "")
	if err != nil {
		return v, err
	}
	m := balie.Membership{HolderID: p.HolderID, ProgramID: p.ProgramID, Start: p.Start, End: p.End}
	if _, err := b.tx.ExecContext(b.ctx, `INSERT INTO memberships(holder_id, program_id, start, end, ingest) VALUES (?,?,?,?,?)`,
		m.HolderID, m.ProgramID, fmtInstant(m.Start), fmtInstant(m.End), b.ingest); err != nil {
		return v, fmt.Errorf("add membership: %w", err)
	}
	if err := b.change(balisync.ChangeMembership, membershipKey(m), m); err != nil {
		return v, err
	}
	organiser := prog.OrganiserID
	if organiser == "" {
		organiser = p.OrganiserID
	}
	return v, b.money(0, MoneyMembership, "", p.ProgramID, organiser, p.Payment, businessDay(e.Time), 1,
		p.Price, balie.Shares{Holder: p.Price}, p.Price)
}

// redeem spends the points the desk spent. What desks that were offline
// at the same time could not see is kept and flagged: a reward sold out,
// a holder's limit passed, a balance below zero.
func (b *batch) redeem(e balie.JournalEvent) (balisync.Verdict, error) {
	var p balie.RewardRedemptionPayload
	if !decode(e, &p) || p.HolderID == "" || p.RewardID == "" || p.Points < 0 {
		return b.store(e, invalid(e, "een omruiling zonder pashouder of voordeel, of met negatieve punten",
			"a redemption without holder or reward, or with negative points"), "", 0, "")
	}
	h, bad, err := b.knownCardHolder(e, p.Card, p.HolderID)
	if err != nil {
		return balisync.Verdict{}, err
	}
	if bad != nil {
		return b.store(e, *bad, "", 0, "")
	}
	r, err := b.reward(p.RewardID)
	if err != nil {
		return balisync.Verdict{}, err
	}
	if r == nil {
		return b.store(e, unknownReward(e, p.RewardID), "", 0, "")
	}
	u := balie.RewardUsage{UnitsRedeemed: r.units}
	from, to := r.reward.PerHolder.Window(e.Time)
	if u.HolderInWindow, err = b.count(b.l.ins.countRewards, p.HolderID, r.reward.ID, nanos(from), nanos(to)); err != nil {
		return balisync.Verdict{}, err
	}
	if u.HolderEver, err = b.count(b.l.ins.everRewards, p.HolderID, r.reward.ID); err != nil {
		return balisync.Verdict{}, err
	}
	after := h.points - p.Points
	v := accepted(e)
	_, derr := balie.DecideRedeem(r.reward, h.points, e.Time, u)
	if de, ok := balie.AsError(derr); ok {
		switch de.Code {
		case balie.CodeRewardSoldOut:
			v = soldOutAfterAll(e, r.reward.TotalUnits)
		case balie.CodeRewardLimit:
			v = adjustedBy(e, de)
		case balie.CodeWelcomeUsed:
			v = adjusted(e, string(balie.CodeRewardLimit), de.NL, de.EN)
		}
	}
	if v.Status == balisync.Accepted && after < 0 {
		v = pointsNegative(e, after)
	}
	if v, err = b.store(e, v, p.HolderID, -p.Points, ""); err != nil {
		return v, err
	}
	if after < 0 && v.Code != CodePointsNegative {
		if err := b.flag(b.ingest, CodePointsNegative, p.HolderID, fmt.Sprintf("balance %d", after)); err != nil {
			return v, err
		}
	}
	if _, err := b.stmt(b.l.ins.addReward).ExecContext(b.ctx, p.HolderID, r.reward.ID, nanos(e.Time), b.ingest); err != nil {
		return v, fmt.Errorf("count redemption: %w", err)
	}
	b.rewardUnits(r, 1)
	b.addPoints(p.HolderID, -p.Points)
	return v, nil
}

// childcare keeps a sign-in or sign-out of a child the ledger knows.
func (b *batch) childcare(e balie.JournalEvent) (balisync.Verdict, error) {
	var p balie.ChildcarePayload
	if !decode(e, &p) || p.ChildID == "" {
		return b.store(e, invalid(e, "een aanwezigheid zonder kind", "an attendance without child"), "", 0, "")
	}
	var n int
	if err := b.tx.QueryRowContext(b.ctx, `SELECT count(*) FROM children WHERE holder_id = ?`, p.ChildID).Scan(&n); err != nil {
		return balisync.Verdict{}, fmt.Errorf("read child: %w", err)
	}
	if n == 0 {
		return b.store(e, unknownHolder(e, p.ChildID), "", 0, "")
	}
	return b.store(e, accepted(e), "", 0, "")
}

// void undoes an earlier act of the same terminal: its points, its usage,
// its membership, its card, and its money with counter-lines.
func (b *batch) void(e balie.JournalEvent) (balisync.Verdict, error) {
	var p balie.VoidPayload
	if !decode(e, &p) || p.Target == "" {
		return b.store(e, invalid(e, "een annulering zonder doel", "a void without target"), "", 0, "")
	}
	var t struct {
		ingest, seq    int64
		kind, time     string
		payload        []byte
		status, holder string
		points         int
		undo           string
		voided         bool
	}
	err := b.stmt(b.l.ins.voided).QueryRowContext(b.ctx, p.Target, b.terminal).Scan(&t.ingest, &t.seq, &t.kind, &t.payload, &t.time,
		&t.status, &t.holder, &t.points, &t.undo, &t.voided)
	if errors.Is(err, sql.ErrNoRows) {
		return b.store(e, voidUnknown(e, p.Target), "", 0, "")
	}
	if err != nil {
		return balisync.Verdict{}, fmt.Errorf("read void target: %w", err)
	}
	switch balie.Kind(t.kind) {
	case balie.KindCheckin, balie.KindTicketSale, balie.KindCardSale, balie.KindMembershipPayment, balie.KindRewardRedemption:
	default:
		return b.store(e, voidUnknown(e, p.Target), "", 0, "")
	}
	if t.voided {
		return b.store(e, voidTwice(e, p.Target), "", 0, "")
	}
	applied := t.status != balisync.Rejected
	v := accepted(e)
	delta := 0
	if applied && t.points != 0 {
		h, ok, err := b.holder(t.holder)
		if err != nil {
			return v, err
		}
		if ok {
			delta = -t.points
			if after := h.points + delta; after < 0 {
				v = pointsNegative(e, after)
			}
		}
	}
	holder := ""
	if delta != 0 {
		holder = t.holder
	}
	if v, err = b.store(e, v, holder, delta, ""); err != nil {
		return v, err
	}
	if _, err := b.stmt(b.l.ins.setVoid).ExecContext(b.ctx, t.ingest, b.ingest); err != nil {
		return v, fmt.Errorf("record void: %w", err)
	}
	if !applied {
		return v, nil // a rejected act left nothing to undo
	}
	if delta != 0 {
		b.addPoints(t.holder, delta)
	}
	if err := b.undo(balie.Kind(t.kind), t.ingest, t.payload, t.undo); err != nil {
		return v, err
	}
	return v, nil
}

// undo reverses what the act with ingest number target left besides its
// points.
func (b *batch) undo(kind balie.Kind, target int64, payload []byte, undo string) error {
	switch kind {
	case balie.KindCheckin:
		var p balie.CheckinPayload
		if err := json.Unmarshal(payload, &p); err != nil {
			return fmt.Errorf("undo check-in: %w", err)
		}
		return b.undoCheckin(p.HolderID, p.EventID, target)
	case balie.KindRewardRedemption:
		var p balie.RewardRedemptionPayload
		if err := json.Unmarshal(payload, &p); err != nil {
			return fmt.Errorf("undo redemption: %w", err)
		}
		if _, err := b.stmt(b.l.ins.delReward).ExecContext(b.ctx, p.HolderID, p.RewardID, target); err != nil {
			return err
		}
		r, err := b.reward(p.RewardID)
		if err != nil || r == nil {
			return err
		}
		b.rewardUnits(r, -1)
		return nil
	case balie.KindTicketSale:
		var p balie.TicketSalePayload
		if err := json.Unmarshal(payload, &p); err != nil {
			return fmt.Errorf("undo ticket sale: %w", err)
		}
		if p.HolderID != "" {
			for _, line := range p.Lines {
				if _, err := b.stmt(b.l.ins.delTickets).ExecContext(b.ctx, p.HolderID, line.TariffID, target); err != nil {
					return err
				}
			}
		}
	case balie.KindMembershipPayment:
		if err := b.undoMembership(target); err != nil {
			return err
		}
	case balie.KindCardSale:
		var u cardUndo
		if err := json.Unmarshal([]byte(undo), &u); err != nil {
			return fmt.Errorf("undo card sale: %w", err)
		}
		if u.Assigned {
			// The card goes back to the stock it came from. A card it
			// replaced stays as the sale left it: a lost card must not
			// come back to life.
			c, ok, err := b.card(u.Card)
			if err != nil {
				return err
			}
			if ok {
				c.Status, c.HolderID, c.StockDesk = balie.CardLocalStock, "", u.StockDesk
				if err := b.setCard(c); err != nil {
					return err
				}
			}
		}
	}
	if _, err := b.stmt(b.l.ins.voidMoney).ExecContext(b.ctx, b.ingest, target); err != nil {
		return fmt.Errorf("void money lines: %w", err)
	}
	return nil
}

// undoMembership removes the membership a payment added. Another
// membership with the same start (two desks sold the same renewal) takes
// its place in the change log.
func (b *batch) undoMembership(target int64) error {
	var m balie.Membership
	var start, end string
	err := b.tx.QueryRowContext(b.ctx, `SELECT holder_id, program_id, start, end FROM memberships WHERE ingest = ?`, target).Scan(&m.HolderID, &m.ProgramID, &start, &end)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("undo membership: %w", err)
	}
	if m.Start, err = parseInstant(start); err != nil {
		return err
	}
	key := membershipKey(m)
	if _, err := b.tx.ExecContext(b.ctx, `DELETE FROM memberships WHERE ingest = ?`, target); err != nil {
		return fmt.Errorf("undo membership: %w", err)
	}
	rows, err := b.tx.QueryContext(b.ctx, `SELECT start, end FROM memberships WHERE holder_id = ? AND program_id = ? ORDER BY end DESC`, m.HolderID, m.ProgramID)
	if err != nil {
		return fmt.Errorf("undo membership: %w", err)
	}
	var other *balie.Membership
	for rows.Next() {
		if err := rows.Scan(&start, &end); err != nil {
			rows.Close()
			return fmt.Errorf("undo membership: %w", err)
		}
		o := balie.Membership{HolderID: m.HolderID, ProgramID: m.ProgramID}
		if o.Start, err = parseInstant(start); err == nil {
			o.End, err = parseInstant(end)
		}
		if err != nil {
			rows.Close()
			return err
		}
		if membershipKey(o) == key {
			other = &o
			break
		}
	}
	rows.Close()
	if other != nil {
		return b.change(balisync.ChangeMembership, key, *other)
	}
	return b.deleted(balisync.ChangeMembership, key)
}

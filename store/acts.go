package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/balie/balie"
	"github.com/google/uuid"
)

func recorded(e balie.JournalEvent) balie.Recorded {
	return balie.Recorded{ID: e.ID, Seq: e.Seq, At: e.Time}
}

func (d *DB) requireStaff(ctx context.Context, q querier, id string) (balie.Staff, error) {
	return d.staff(ctx, q, "id", id)
}

func (d *DB) currentDesk(ctx context.Context, q querier) (balie.Desk, error) {
	id, err := d.meta(ctx, q, metaDesk)
	if err != nil {
		return balie.Desk{}, err
	}
	if id == "" {
		return balie.Desk{}, balie.Errorf(balie.CodeNotAllowed,
			"Deze kassa is nog aan geen balie gekoppeld.", "This terminal is not assigned to a desk yet.")
	}
	return d.desk(ctx, q, id)
}

// activeCard reads a card and refuses it unless it can be used.
func (d *DB) activeCard(ctx context.Context, q querier, n balie.CardNumber) (balie.Card, balie.Holder, error) {
	c, err := d.cardByNumber(ctx, q, n)
	if err != nil {
		return c, balie.Holder{}, err
	}
	if err := balie.UsableCard(c); err != nil {
		return c, balie.Holder{}, err
	}
	h, err := d.holder(ctx, q, c.HolderID)
	return c, h, err
}

func addTotal(ctx context.Context, tx *sql.Tx, at time.Time, kind balie.Kind, pay balie.PaymentMethod, org string, count int, amount balie.Cents) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO totals(day, kind, payment, organiser_id, count, amount) VALUES (?,?,?,?,?,?)
		ON CONFLICT(day, kind, payment, organiser_id) DO UPDATE SET count = count + excluded.count, amount = amount + excluded.amount`,
		balie.BusinessDay(at), string(kind), string(pay), org, count, int64(amount))
	if err != nil {
		return fmt.Errorf("update totals: %w", err)
	}
	return nil
}

func (d *DB) decideCheckin(ctx context.Context, q querier, n balie.CardNumber, eventID string, at time.Time) (balie.Holder, balie.Event, int, error) {
	_, h, err := d.activeCard(ctx, q, n)
	if err != nil {
		return h, balie.Event{}, 0, err
	}
	ev, err := d.servedEvent(ctx, q, eventID)
	if err != nil {
		return h, ev, 0, err
	}
	from, to := ev.CheckinLimit.Window(at)
	used, err := countRows(ctx, q, `SELECT count(*) FROM checkins WHERE holder_id = ? AND event_id = ? AND at >= ? AND at < ?`,
		h.ID, ev.ID, fmtTime(from), fmtTime(to))
	if err != nil {
		return h, ev, 0, fmt.Errorf("count check-ins: %w", err)
	}
	points, err := balie.DecideCheckin(ev, at, used)
	return h, ev, points, err
}

// PreviewCheckin says, without recording anything, whether the card may
// check in at the event now and for how many points.
func (d *DB) PreviewCheckin(ctx context.Context, n balie.CardNumber, eventID string) (int, error) {
	_, _, points, err := d.decideCheckin(ctx, d.db, n, eventID, d.now())
	return points, d.classify("preview check-in", err)
}

// CheckIn saves points for the holder of card n at an event.
func (d *DB) CheckIn(ctx context.Context, staffID string, n balie.CardNumber, eventID string) (balie.CheckinResult, error) {
	var res balie.CheckinResult
	err := d.act(ctx, "check in", staffID, func(tx *sql.Tx, rec *recorder) error {
		h, ev, points, err := d.decideCheckin(ctx, tx, n, eventID, rec.now)
		if err != nil {
			return err
		}
		e, err := rec.append(staffID, balie.KindCheckin, balie.CheckinPayload{
			HolderID: h.ID, Card: n, EventID: ev.ID, OrganiserID: ev.OrganiserID, Points: points})
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO checkins(seq, holder_id, event_id, at) VALUES (?,?,?,?)`, e.Seq, h.ID, ev.ID, fmtTime(rec.now)); err != nil {
			return fmt.Errorf("project check-in: %w", err)
		}
		if err := addPoints(ctx, tx, e.Seq, h.ID, points); err != nil {
			return err
		}
		res = balie.CheckinResult{Recorded: recorded(e), Event: ev, Points: points, Balance: h.Points + points, Holder: h}
		return nil
	})
	return res, err
}

func addPoints(ctx context.Context, tx *sql.Tx, seq int64, holderID string, delta int) error {
	if delta == 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO pending_points(seq, holder_id, delta) VALUES (?,?,?)`, seq, holderID, delta); err != nil {
		return fmt.Errorf("project points: %w", err)
	}
	return nil
}

func (d *DB) quoteTickets(ctx context.Context, q querier, req balie.TicketRequest, at time.Time) (balie.Holder, balie.Event, []balie.TicketQuote, balie.Cents, error) {
	var h balie.Holder
	if len(req.Lines) == 0 {
		return h, balie.Event{}, nil, 0, balie.Errorf(balie.CodeQuantityInvalid, "Kies minstens één ticket.", "Choose at least one ticket.")
	}
	ev, err := d.servedEvent(ctx, q, req.EventID)
	if err != nil {
		return h, ev, nil, 0, err
	}
	if req.Card != "" {
		if _, h, err = d.activeCard(ctx, q, req.Card); err != nil {
			return h, ev, nil, 0, err
		}
	}
	var quotes []balie.TicketQuote
	var totals []balie.Cents
	inBasket := map[string]int{} // the same tariff twice in one basket counts against one limit
	for _, line := range req.Lines {
		t, err := d.tariff(ctx, q, line.TariffID)
		if err != nil {
			return h, ev, nil, 0, err
		}
		if t.EventID != ev.ID {
			return h, ev, nil, 0, balie.Errorf(balie.CodeTariffUnknown,
				"Tarief %s hoort niet bij %s.", "Tariff %s does not belong to %s.", t.Name, ev.Name)
		}
		if t.Kind == balie.TariffSocial && h.ID != "" && !h.SocialTariff.Applies() {
			// The UiTPAS-tarief is every holder's: at the regular price
			// for one without the social tariff, never a refusal.
			all, err := d.eventTariffs(ctx, q, ev.ID)
			if err != nil {
				return h, ev, nil, 0, err
			}
			t = balie.PassTariff(t, all, h)
		}
		used := inBasket[t.ID]
		if t.Kind != balie.TariffRegular {
			if h.ID == "" {
				return h, ev, nil, 0, balie.Errorf(balie.CodeTariffNotAllowed,
					"Scan eerst de UiTPAS om aan het UiTPAS-tarief te verkopen.", "Scan the UiTPAS first to sell at the UiTPAS tariff.")
			}
			from, to := t.Limit.Window(at)
			n, err := countRows(ctx, q, `SELECT coalesce(sum(quantity), 0) FROM ticket_usage WHERE holder_id = ? AND tariff_id = ? AND at >= ? AND at < ?`,
				h.ID, t.ID, fmtTime(from), fmtTime(to))
			if err != nil {
				return h, ev, nil, 0, fmt.Errorf("count tickets: %w", err)
			}
			used += n
		}
		qt, err := balie.QuoteTicket(t, h, line.Quantity, used)
		if err != nil {
			return h, ev, nil, 0, err
		}
		inBasket[t.ID] += line.Quantity
		quotes = append(quotes, qt)
		totals = append(totals, qt.Total)
	}
	total, err := balie.Sum(totals...)
	return h, ev, quotes, total, err
}

// QuoteTickets prices a basket without recording it.
func (d *DB) QuoteTickets(ctx context.Context, req balie.TicketRequest) ([]balie.TicketQuote, balie.Cents, error) {
	_, _, quotes, total, err := d.quoteTickets(ctx, d.db, req, d.now())
	return quotes, total, d.classify("quote tickets", err)
}

// SellTickets sells tickets for one event.
func (d *DB) SellTickets(ctx context.Context, staffID string, req balie.TicketRequest) (balie.TicketResult, error) {
	var res balie.TicketResult
	err := d.act(ctx, "sell tickets", staffID, func(tx *sql.Tx, rec *recorder) error {
		h, ev, quotes, total, err := d.quoteTickets(ctx, tx, req, rec.now)
		if err != nil {
			return err
		}
		if err := balie.CheckPayment(total, req.Payment); err != nil {
			return err
		}
		pay := balie.SettledPayment(total, req.Payment)
		p := balie.TicketSalePayload{HolderID: h.ID, Card: req.Card, EventID: ev.ID, OrganiserID: ev.OrganiserID, Total: total, Payment: pay}
		for _, qt := range quotes {
			p.Lines = append(p.Lines, balie.TicketLine{TariffID: qt.TariffID, Kind: qt.Kind, Quantity: qt.Quantity, Regular: qt.Regular, Shares: qt.Shares, Total: qt.Total})
		}
		e, err := rec.append(staffID, balie.KindTicketSale, p)
		if err != nil {
			return err
		}
		if h.ID != "" {
			for _, l := range p.Lines {
				if _, err := tx.ExecContext(ctx, `INSERT INTO ticket_usage(seq, holder_id, tariff_id, at, quantity) VALUES (?,?,?,?,?)
					ON CONFLICT(seq, tariff_id) DO UPDATE SET quantity = quantity + excluded.quantity`, e.Seq, h.ID, l.TariffID, fmtTime(rec.now), l.Quantity); err != nil {
					return fmt.Errorf("project tickets: %w", err)
				}
			}
		}
		if err := addTotal(ctx, tx, rec.now, balie.KindTicketSale, pay, ev.OrganiserID, 1, total); err != nil {
			return err
		}
		res = balie.TicketResult{Recorded: recorded(e), Event: ev, Quotes: quotes, Total: total}
		return nil
	})
	return res, err
}

// QuoteCard prices a card sale as SellCard would, recording nothing: the
// desk shows the price as soon as the form knows the holder's residence,
// age and status. The stock card may not be typed yet: the desk's card
// system prices it then. A first card's holder has no social tariff yet.
func (d *DB) QuoteCard(ctx context.Context, req balie.CardSaleRequest) (balie.Cents, error) {
	price, err := d.quoteCard(ctx, d.db, req, d.now())
	return price, d.classify("quote card", err)
}

func (d *DB) quoteCard(ctx context.Context, q querier, req balie.CardSaleRequest, at time.Time) (balie.Cents, error) {
	desk, err := d.currentDesk(ctx, q)
	if err != nil {
		return 0, err
	}
	systemID := desk.CardSystem
	if req.Card != "" {
		if stock, err := d.cardByNumber(ctx, q, req.Card); err == nil && stock.CardSystem != "" {
			systemID = stock.CardSystem
		}
	}
	var h balie.Holder
	switch {
	case req.Reason == balie.ReasonFirstCard && req.NewHolder != nil:
		h = *req.NewHolder
		h.SocialTariff = balie.SocialTariff{}
	case req.Reason != balie.ReasonFirstCard:
		old, err := d.cardByNumber(ctx, q, req.HolderCard)
		if err != nil {
			return 0, err
		}
		if h, err = d.holder(ctx, q, old.HolderID); err != nil {
			return 0, err
		}
	}
	system, err := d.cardSystem(ctx, q, systemID)
	if err != nil {
		return 0, err
	}
	prices, err := d.cardPrices(ctx, q, systemID)
	if err != nil {
		return 0, err
	}
	return prices.Price(balie.CardSaleQuery{CardSystem: system, PostalCode: h.PostalCode, BirthDate: h.BirthDate,
		SocialTariff: h.SocialTariff.Applies(), Reason: req.Reason, At: at})
}

// SellCard sells a card from this desk's stock.
func (d *DB) SellCard(ctx context.Context, staffID string, req balie.CardSaleRequest) (balie.CardSaleResult, error) {
	var res balie.CardSaleResult
	err := d.act(ctx, "sell card", staffID, func(tx *sql.Tx, rec *recorder) error {
		desk, err := d.currentDesk(ctx, tx)
		if err != nil {
			return err
		}
		if !req.Reason.Valid() {
			return balie.Errorf(balie.CodeReasonInvalid, "Kies de reden van de aankoop.", "Choose the reason for the purchase.")
		}
		stock, err := d.cardByNumber(ctx, tx, req.Card)
		if err != nil {
			return err
		}
		if stock.Status != balie.CardLocalStock || stock.StockDesk != desk.ID {
			return balie.Errorf(balie.CodeCardNotInStock,
				"Kaart %s zit niet in de voorraad van deze balie.", "Card %s is not in this desk's stock.", req.Card)
		}
		var h balie.Holder
		var old balie.Card
		if req.Reason == balie.ReasonFirstCard {
			if req.NewHolder == nil {
				return balie.ValidateNewHolder(balie.Holder{}, rec.now)
			}
			if err := balie.ValidateNewHolder(*req.NewHolder, rec.now); err != nil {
				return err
			}
			h = *req.NewHolder
			id, err := uuid.NewV7()
			if err != nil {
				return fmt.Errorf("make holder id: %w", err)
			}
			h.ID, h.Points, h.CardSystems = id.String(), 0, []string{stock.CardSystem}
		} else {
			if old, err = d.cardByNumber(ctx, tx, req.HolderCard); err != nil {
				return err
			}
			if old.Status != balie.CardActive && old.Status != balie.CardBlocked {
				return balie.UsableCard(old)
			}
			if h, err = d.holder(ctx, tx, old.HolderID); err != nil {
				return err
			}
		}
		system, err := d.cardSystem(ctx, tx, stock.CardSystem)
		if err != nil {
			return err
		}
		prices, err := d.cardPrices(ctx, tx, stock.CardSystem)
		if err != nil {
			return err
		}
		price, err := prices.Price(balie.CardSaleQuery{CardSystem: system, PostalCode: h.PostalCode, BirthDate: h.BirthDate,
			SocialTariff: h.SocialTariff.Applies(), Reason: req.Reason, At: rec.now})
		if err != nil {
			return err
		}
		if err := balie.CheckPayment(price, req.Payment); err != nil {
			return err
		}
		pay := balie.SettledPayment(price, req.Payment)
		p := balie.CardSalePayload{Card: req.Card, HolderID: h.ID, CardSystem: stock.CardSystem, Reason: req.Reason,
			OrganiserID: desk.OrganiserID, Price: price, Payment: pay, Replaces: old.Number}
		if req.Reason == balie.ReasonFirstCard {
			p.NewHolder = &h
		}
		e, err := rec.append(staffID, balie.KindCardSale, p)
		if err != nil {
			return err
		}
		if p.NewHolder != nil {
			if _, err := tx.ExecContext(ctx, `INSERT INTO holders(id, first_name, last_name, birth_date, postal_code, card_systems, social_state, social_end, social_grace_end, points) VALUES (?,?,?,?,?,?,?,?,?,0)`,
				h.ID, h.FirstName, h.LastName, fmtDate(h.BirthDate), h.PostalCode, joinIDs(h.CardSystems),
				string(h.SocialTariff.State), fmtDate(h.SocialTariff.EndDate), fmtDate(h.SocialTariff.GraceEnd)); err != nil {
				return fmt.Errorf("project holder: %w", err)
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cards SET status = 'ACTIVE', holder_id = ?, stock_desk = '' WHERE number = ?`, h.ID, string(req.Card)); err != nil {
			return fmt.Errorf("project card: %w", err)
		}
		if old.Number != "" && old.Status == balie.CardActive {
			status := balie.ReplacedCardStatus(req.Reason)
			if _, err := tx.ExecContext(ctx, `UPDATE cards SET status = ? WHERE number = ?`, string(status), string(old.Number)); err != nil {
				return fmt.Errorf("project old card: %w", err)
			}
		}
		if err := addTotal(ctx, tx, rec.now, balie.KindCardSale, pay, desk.OrganiserID, 1, price); err != nil {
			return err
		}
		res = balie.CardSaleResult{Recorded: recorded(e), Card: req.Card, Holder: h, Price: price}
		return nil
	})
	return res, err
}

// decideMembership is what paying req now would do: the price for the
// holder, the term, whether it renews, and whether this desk already
// took the same membership's payment for this holder today.
func (d *DB) decideMembership(ctx context.Context, q querier, req balie.MembershipRequest, at time.Time) (balie.Holder, balie.MembershipQuote, error) {
	_, h, err := d.activeCard(ctx, q, req.Card)
	if err != nil {
		return h, balie.MembershipQuote{}, err
	}
	p, err := d.program(ctx, q, req.ProgramID)
	if err != nil {
		return h, balie.MembershipQuote{}, err
	}
	ms, err := d.memberships(ctx, q, h.ID)
	if err != nil {
		return h, balie.MembershipQuote{}, err
	}
	var current *balie.Membership
	for i := range ms {
		if ms[i].ProgramID == p.ID && ms[i].Valid(at) && (current == nil || ms[i].End.After(current.End)) {
			current = &ms[i]
		}
	}
	// A renewal paid early starts where the current one ends; renewed
	// again, it follows the renewal, not today's membership.
	if current != nil {
		for {
			next := -1
			for i := range ms {
				if ms[i].ProgramID == p.ID && ms[i].Start.Equal(current.End) {
					next = i
				}
			}
			if next < 0 {
				break
			}
			current = &ms[next]
		}
	}
	start, end, err := p.Term(at, h.BirthDate, current)
	if current != nil && !current.Valid(at) && err == nil {
		start, end, err = p.Term(current.Start, h.BirthDate, current)
	}
	if err != nil {
		return h, balie.MembershipQuote{}, err
	}
	paid, err := d.paidAt(ctx, q, h.ID, p.ID)
	if err != nil {
		return h, balie.MembershipQuote{}, err
	}
	return h, balie.MembershipQuote{Program: p, Price: p.PriceFor(true, h.SocialTariff.Applies()), Start: start, End: end,
		Renewal: current != nil, PaidToday: balie.MembershipPaidToday(paid, at)}, nil
}

// paidAt lists when this terminal took the payments of a holder's
// memberships of a program, leaving out voided ones. It reads the
// journal: once the ledger serves a payment back, the membership's row
// no longer points at the payment. (Times are compared as times, not as
// the journal's text: RFC 3339 with its trailing zeros cut does not sort.)
func (d *DB) paidAt(ctx context.Context, q querier, holderID, programID string) ([]time.Time, error) {
	rows, err := q.QueryContext(ctx, `SELECT j.time FROM journal j LEFT JOIN voided v ON v.target_seq = j.seq
		WHERE j.kind = 'MEMBERSHIP_PAYMENT' AND v.void_seq IS NULL
		AND json_extract(j.payload, '$.holder') = ? AND json_extract(j.payload, '$.program') = ?`, holderID, programID)
	if err != nil {
		return nil, fmt.Errorf("read membership payments: %w", err)
	}
	defer rows.Close()
	var out []time.Time
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, fmt.Errorf("read membership payments: %w", err)
		}
		t, err := time.Parse(balie.TimeFormat, s)
		if err != nil {
			return nil, fmt.Errorf("read membership payments: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// QuoteMembership says what paying req would cost and give, recording
// nothing: the desk shows it before the clerk confirms.
func (d *DB) QuoteMembership(ctx context.Context, req balie.MembershipRequest) (balie.MembershipQuote, error) {
	_, q, err := d.decideMembership(ctx, d.db, req, d.now())
	return q, d.classify("quote membership", err)
}

// PayMembership records a membership payment: a new membership, or a
// renewal that extends a still-valid one from its end date. A second
// payment of the same membership for the same holder on one day is
// refused unless req.RenewAgain says the clerk meant it.
func (d *DB) PayMembership(ctx context.Context, staffID string, req balie.MembershipRequest) (balie.MembershipResult, error) {
	var res balie.MembershipResult
	err := d.act(ctx, "pay membership", staffID, func(tx *sql.Tx, rec *recorder) error {
		h, q, err := d.decideMembership(ctx, tx, req, rec.now)
		if err != nil {
			return err
		}
		if q.PaidToday && !req.RenewAgain {
			return balie.Errorf(balie.CodeMembershipToday,
				"%s is vandaag al betaald voor %s. Bevestig uitdrukkelijk als het lidmaatschap nog eens verlengd moet worden.",
				"%s was already paid for %s today. Confirm explicitly if the membership is to be renewed again.", q.Program.Name, h.FirstName)
		}
		p, price, start, end := q.Program, q.Price, q.Start, q.End
		if err := balie.CheckPayment(price, req.Payment); err != nil {
			return err
		}
		pay := balie.SettledPayment(price, req.Payment)
		e, err := rec.append(staffID, balie.KindMembershipPayment, balie.MembershipPaymentPayload{
			HolderID: h.ID, Card: req.Card, ProgramID: p.ID, OrganiserID: p.OrganiserID, Price: price, Start: start, End: end, Payment: pay})
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO memberships(holder_id, program_id, start, end, seq) VALUES (?,?,?,?,?)`,
			h.ID, p.ID, fmtDate(start), fmtDate(end), e.Seq); err != nil {
			return fmt.Errorf("project membership: %w", err)
		}
		if err := addTotal(ctx, tx, rec.now, balie.KindMembershipPayment, pay, p.OrganiserID, 1, price); err != nil {
			return err
		}
		res = balie.MembershipResult{Recorded: recorded(e), Program: p, Price: price, Start: start, End: end, Renewal: q.Renewal}
		return nil
	})
	return res, err
}

// RedeemReward exchanges a holder's points for a reward.
func (d *DB) RedeemReward(ctx context.Context, staffID string, n balie.CardNumber, rewardID string) (balie.RewardResult, error) {
	return d.redeem(ctx, staffID, "", n, rewardID)
}

// RedeemRewardOverride redeems past the ledger's offline limit, with the
// approval of supervisor approverID: the act says who approved, and the
// ledger flags what it finds wrong.
func (d *DB) RedeemRewardOverride(ctx context.Context, staffID, approverID string, n balie.CardNumber, rewardID string) (balie.RewardResult, error) {
	return d.redeem(ctx, staffID, approverID, n, rewardID)
}

func (d *DB) redeem(ctx context.Context, staffID, approverID string, n balie.CardNumber, rewardID string) (balie.RewardResult, error) {
	var res balie.RewardResult
	err := d.act(ctx, "redeem reward", staffID, func(tx *sql.Tx, rec *recorder) error {
		if approverID != "" {
			sup, err := d.requireStaff(ctx, tx, approverID)
			if err != nil {
				return err
			}
			if sup.Role != balie.RoleSupervisor {
				return balie.Errorf(balie.CodeNotAllowed,
					"Alleen een verantwoordelijke mag de limiet zonder verbinding overschrijden.", "Only a supervisor may pass the offline limit.")
			}
		}
		_, h, err := d.activeCard(ctx, tx, n)
		if err != nil {
			return err
		}
		r, served, err := d.reward(ctx, tx, rewardID)
		if err != nil {
			return err
		}
		var u balie.RewardUsage
		// The ledger's count already holds the redemptions it acknowledged;
		// add only those it has not seen yet.
		local, err := countRows(ctx, tx, `SELECT count(*) FROM reward_usage r JOIN upload u ON u.seq = r.seq WHERE r.reward_id = ? AND u.status = 'PENDING'`, r.ID)
		if err != nil {
			return fmt.Errorf("count rewards: %w", err)
		}
		u.UnitsRedeemed = served + local
		from, to := r.PerHolder.Window(rec.now)
		if u.HolderInWindow, err = countRows(ctx, tx, `SELECT count(*) FROM reward_usage WHERE holder_id = ? AND reward_id = ? AND at >= ? AND at < ?`,
			h.ID, r.ID, fmtTime(from), fmtTime(to)); err != nil {
			return fmt.Errorf("count rewards: %w", err)
		}
		if u.HolderEver, err = countRows(ctx, tx, `SELECT count(*) FROM reward_usage WHERE holder_id = ? AND reward_id = ?`, h.ID, r.ID); err != nil {
			return fmt.Errorf("count rewards: %w", err)
		}
		points, err := balie.DecideRedeem(r, h.Points, rec.now, u)
		if err != nil {
			return err
		}
		if approverID == "" {
			if err := d.checkOfflineRedeem(ctx, tx, h, points, rec.now); err != nil {
				return err
			}
		}
		e, err := rec.append(staffID, balie.KindRewardRedemption, balie.RewardRedemptionPayload{
			HolderID: h.ID, Card: n, RewardID: r.ID, OrganiserID: r.OrganiserID, Points: points, OverrideBy: approverID})
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO reward_usage(seq, holder_id, reward_id, at) VALUES (?,?,?,?)`, e.Seq, h.ID, r.ID, fmtTime(rec.now)); err != nil {
			return fmt.Errorf("project reward: %w", err)
		}
		if err := addPoints(ctx, tx, e.Seq, h.ID, -points); err != nil {
			return err
		}
		res = balie.RewardResult{Recorded: recorded(e), Reward: r, Points: points, Before: h.Points, After: h.Points - points}
		return nil
	})
	return res, err
}

// checkOfflineRedeem enforces the ledger's offline limit: points a holder
// spends here today in redemptions the ledger has not acknowledged yet.
// Two desks offline at once could otherwise spend the same points twice
// without bound.
func (d *DB) checkOfflineRedeem(ctx context.Context, tx *sql.Tx, h balie.Holder, points int, at time.Time) error {
	lim, err := d.offlineLimits(ctx, tx)
	if err != nil || lim.RedeemPointsPerDay == 0 || points == 0 {
		return err
	}
	from, to := balie.PeriodDay.Window(at)
	spent, err := countRows(ctx, tx, `SELECT coalesce(-sum(p.delta), 0) FROM pending_points p
		JOIN reward_usage r ON r.seq = p.seq JOIN upload u ON u.seq = p.seq
		WHERE p.holder_id = ? AND u.status = 'PENDING' AND r.at >= ? AND r.at < ?`, h.ID, fmtTime(from), fmtTime(to))
	if err != nil {
		return fmt.Errorf("count offline redemptions: %w", err)
	}
	if spent+points > lim.RedeemPointsPerDay {
		return balie.Errorf(balie.CodeOfflineLimit,
			"Zonder verbinding met de centrale kan deze pashouder vandaag nog %d punten inruilen aan deze kassa (%d gevraagd). Probeer opnieuw als de kassa weer verbonden is.",
			"Without a connection to the ledger this holder can exchange %d more points at this terminal today (%d asked). Try again once the terminal is connected.",
			max(lim.RedeemPointsPerDay-spent, 0), points)
	}
	return nil
}

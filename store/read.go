package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/balie/balie"
)

// The read helpers below take a querier so an act reads inside its own
// transaction; each returns a domain error when the row is missing.

func (d *DB) cardByNumber(ctx context.Context, q querier, n balie.CardNumber) (balie.Card, error) {
	return d.scanCard(q.QueryRowContext(ctx,
		`SELECT number, chip_uid, status, card_system, holder_id, stock_desk FROM cards WHERE number = ?`, string(n)), string(n))
}

func (d *DB) cardByChip(ctx context.Context, q querier, u balie.ChipUID) (balie.Card, error) {
	// A reader may send the UID bytes in either order; the forward order
	// wins when both happen to exist.
	c, err := d.scanCard(q.QueryRowContext(ctx,
		`SELECT number, chip_uid, status, card_system, holder_id, stock_desk FROM cards WHERE chip_uid = ? AND chip_uid <> ''`, string(u)), string(u))
	if balie.ErrorCode(err) == balie.CodeCardUnknown {
		if r := u.Reverse(); r != u {
			if c2, err2 := d.scanCard(q.QueryRowContext(ctx,
				`SELECT number, chip_uid, status, card_system, holder_id, stock_desk FROM cards WHERE chip_uid = ? AND chip_uid <> ''`, string(r)), string(u)); err2 == nil {
				return c2, nil
			}
		}
	}
	return c, err
}

func (d *DB) scanCard(row *sql.Row, what string) (balie.Card, error) {
	var c balie.Card
	var number, chip, status string
	err := row.Scan(&number, &chip, &status, &c.CardSystem, &c.HolderID, &c.StockDesk)
	if errors.Is(err, sql.ErrNoRows) {
		return c, balie.Errorf(balie.CodeCardUnknown,
			"Kaart %s is niet gekend. Controleer het nummer of vraag de pashouder een andere kaart.",
			"Card %s is not known. Check the number or ask for another card.", what)
	}
	if err != nil {
		return c, d.classify("read card", err)
	}
	c.Number, c.ChipUID, c.Status = balie.CardNumber(number), balie.ChipUID(chip), balie.CardStatus(status)
	return c, nil
}

func (d *DB) holder(ctx context.Context, q querier, id string) (balie.Holder, error) {
	var h balie.Holder
	var birth, systems, state, end, grace string
	err := q.QueryRowContext(ctx, `SELECT id, first_name, last_name, birth_date, postal_code, card_systems, social_state, social_end, social_grace_end, points FROM holders WHERE id = ?`, id).
		Scan(&h.ID, &h.FirstName, &h.LastName, &birth, &h.PostalCode, &systems, &state, &end, &grace, &h.Points)
	if errors.Is(err, sql.ErrNoRows) {
		return h, balie.Errorf(balie.CodeHolderUnknown,
			"De pashouder van deze kaart is niet gekend op deze kassa.", "The holder of this card is not known on this terminal.")
	}
	if err != nil {
		return h, d.classify("read holder", err)
	}
	h.CardSystems = splitIDs(systems)
	h.SocialTariff.State = balie.SocialTariffState(state)
	var perr error
	h.BirthDate, perr = parseDate(birth)
	if perr == nil {
		h.SocialTariff.EndDate, perr = parseDate(end)
	}
	if perr == nil {
		h.SocialTariff.GraceEnd, perr = parseDate(grace)
	}
	if perr != nil {
		return h, fmt.Errorf("read holder %s: %w", id, perr)
	}
	// The balance the desk decides from: the ledger's, plus what this
	// terminal saved and spent that the ledger has not served back yet.
	var pending int
	if err := q.QueryRowContext(ctx, `SELECT coalesce(sum(delta), 0) FROM pending_points WHERE holder_id = ?`, id).Scan(&pending); err != nil {
		return h, d.classify("read pending points", err)
	}
	h.Points += pending
	return h, nil
}

func (d *DB) event(ctx context.Context, q querier, id string) (balie.Event, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, organiser_id, name, start, end, points, limit_volume, limit_period, margin_before_s, margin_after_s FROM events WHERE id = ?`, id)
	if err != nil {
		return balie.Event{}, d.classify("read event", err)
	}
	evs, err := scanEvents(rows)
	if err != nil {
		return balie.Event{}, d.classify("read event", err)
	}
	if len(evs) == 0 {
		return balie.Event{}, balie.Errorf(balie.CodeEventUnknown,
			"Deze activiteit is niet gekend op deze kassa.", "This activity is not known on this terminal.")
	}
	return evs[0], nil
}

func scanEvents(rows *sql.Rows) ([]balie.Event, error) {
	defer rows.Close()
	var evs []balie.Event
	for rows.Next() {
		var e balie.Event
		var start, end, period string
		var before, after int64
		if err := rows.Scan(&e.ID, &e.OrganiserID, &e.Name, &start, &end, &e.PointsPerCheckin, &e.CheckinLimit.Volume, &period, &before, &after); err != nil {
			return nil, err
		}
		var err error
		if e.Start, err = parseTime(start); err != nil {
			return nil, err
		}
		if e.End, err = parseTime(end); err != nil {
			return nil, err
		}
		e.CheckinLimit.Period = balie.Period(period)
		e.MarginBefore, e.MarginAfter = time.Duration(before)*time.Second, time.Duration(after)*time.Second
		evs = append(evs, e)
	}
	return evs, rows.Err()
}

// EventsBetween lists the events that start in [from, to), by start time:
// the desk's list of today's events.
func (d *DB) EventsBetween(ctx context.Context, from, to time.Time) ([]balie.Event, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT id, organiser_id, name, start, end, points, limit_volume, limit_period, margin_before_s, margin_after_s FROM events WHERE start >= ? AND start < ? ORDER BY start, id`, fmtTime(from), fmtTime(to))
	if err != nil {
		return nil, d.classify("list events", err)
	}
	evs, err := scanEvents(rows)
	if err != nil {
		return nil, d.classify("list events", err)
	}
	return evs, nil
}

func (d *DB) tariff(ctx context.Context, q querier, id string) (balie.Tariff, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, event_id, name, kind, regular, key_holder, key_org, key_city, step, coupon_price, limit_volume, limit_period FROM tariffs WHERE id = ?`, id)
	if err != nil {
		return balie.Tariff{}, d.classify("read tariff", err)
	}
	ts, err := scanTariffs(rows)
	if err != nil {
		return balie.Tariff{}, d.classify("read tariff", err)
	}
	if len(ts) == 0 {
		return balie.Tariff{}, balie.Errorf(balie.CodeTariffUnknown,
			"Dit tarief is niet gekend op deze kassa.", "This tariff is not known on this terminal.")
	}
	return ts[0], nil
}

// Tariffs lists an event's tariffs.
func (d *DB) Tariffs(ctx context.Context, eventID string) ([]balie.Tariff, error) {
	return d.eventTariffs(ctx, d.db, eventID)
}

func (d *DB) eventTariffs(ctx context.Context, q querier, eventID string) ([]balie.Tariff, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, event_id, name, kind, regular, key_holder, key_org, key_city, step, coupon_price, limit_volume, limit_period FROM tariffs WHERE event_id = ? ORDER BY id`, eventID)
	if err != nil {
		return nil, d.classify("list tariffs", err)
	}
	ts, err := scanTariffs(rows)
	if err != nil {
		return nil, d.classify("list tariffs", err)
	}
	return ts, nil
}

func scanTariffs(rows *sql.Rows) ([]balie.Tariff, error) {
	defer rows.Close()
	var ts []balie.Tariff
	for rows.Next() {
		var t balie.Tariff
		var kind, period string
		if err := rows.Scan(&t.ID, &t.EventID, &t.Name, &kind, &t.Regular, &t.Key.Holder, &t.Key.Organiser, &t.Key.City, &t.Step, &t.CouponPrice, &t.Limit.Volume, &period); err != nil {
			return nil, err
		}
		t.Kind, t.Limit.Period = balie.TariffKind(kind), balie.Period(period)
		ts = append(ts, t)
	}
	return ts, rows.Err()
}

func (d *DB) reward(ctx context.Context, q querier, id string) (balie.Reward, int, error) {
	var r balie.Reward
	var kind, from, until, period string
	var served int
	err := q.QueryRowContext(ctx, `SELECT id, organiser_id, name, kind, points, redeem_from, redeem_until, total_units, units_redeemed, limit_volume, limit_period FROM rewards WHERE id = ?`, id).
		Scan(&r.ID, &r.OrganiserID, &r.Name, &kind, &r.Points, &from, &until, &r.TotalUnits, &served, &r.PerHolder.Volume, &period)
	if errors.Is(err, sql.ErrNoRows) {
		return r, 0, balie.Errorf(balie.CodeRewardUnknown, "Dit voordeel is niet gekend op deze kassa.", "This reward is not known on this terminal.")
	}
	if err != nil {
		return r, 0, d.classify("read reward", err)
	}
	r.Kind, r.PerHolder.Period = balie.RewardKind(kind), balie.Period(period)
	if r.RedeemFrom, err = parseTime(from); err == nil {
		r.RedeemUntil, err = parseTime(until)
	}
	if err != nil {
		return r, 0, fmt.Errorf("read reward %s: %w", id, err)
	}
	return r, served, nil
}

func (d *DB) program(ctx context.Context, q querier, id string) (balie.MembershipProgram, error) {
	var p balie.MembershipProgram
	var kind, fixed string
	err := q.QueryRowContext(ctx, `SELECT id, organiser_id, name, price, pass_discount, social_price, has_social_price, end_kind, fixed_end, period_months, age_limit FROM programs WHERE id = ?`, id).
		Scan(&p.ID, &p.OrganiserID, &p.Name, &p.Price, &p.PassDiscount, &p.SocialPrice, &p.HasSocialPrice, &kind, &fixed, &p.PeriodMonths, &p.AgeLimit)
	if errors.Is(err, sql.ErrNoRows) {
		return p, balie.Errorf(balie.CodeProgramUnknown, "Dit lidmaatschap is niet gekend op deze kassa.", "This membership is not known on this terminal.")
	}
	if err != nil {
		return p, d.classify("read program", err)
	}
	p.EndKind = balie.EndKind(kind)
	if p.FixedEnd, err = parseDate(fixed); err != nil {
		return p, fmt.Errorf("read program %s: %w", id, err)
	}
	return p, nil
}

// memberships lists a holder's memberships, served and sold here, by end.
func (d *DB) memberships(ctx context.Context, q querier, holderID string) ([]balie.Membership, error) {
	rows, err := q.QueryContext(ctx, `SELECT program_id, start, end FROM memberships WHERE holder_id = ? ORDER BY end, program_id`, holderID)
	if err != nil {
		return nil, d.classify("read memberships", err)
	}
	defer rows.Close()
	var ms []balie.Membership
	for rows.Next() {
		m := balie.Membership{HolderID: holderID}
		var start, end string
		if err := rows.Scan(&m.ProgramID, &start, &end); err != nil {
			return nil, d.classify("read memberships", err)
		}
		if m.Start, err = parseDate(start); err == nil {
			m.End, err = parseDate(end)
		}
		if err != nil {
			return nil, fmt.Errorf("read memberships: %w", err)
		}
		ms = append(ms, m)
	}
	return ms, d.classify("read memberships", rows.Err())
}

func (d *DB) cardSystem(ctx context.Context, q querier, id string) (balie.CardSystem, error) {
	c := balie.CardSystem{ID: id}
	var pcs string
	err := q.QueryRowContext(ctx, `SELECT name, postal_codes FROM card_systems WHERE id = ?`, id).Scan(&c.Name, &pcs)
	if errors.Is(err, sql.ErrNoRows) {
		return c, balie.Errorf(balie.CodeCardPriceUnknown, "Kaartsysteem %s is niet gekend op deze kassa.", "Card system %s is not known on this terminal.", id)
	}
	if err != nil {
		return c, d.classify("read card system", err)
	}
	if err := json.Unmarshal([]byte(pcs), &c.PostalCodes); err != nil {
		return c, fmt.Errorf("read card system %s: %w", id, err)
	}
	return c, nil
}

func (d *DB) cardPrices(ctx context.Context, q querier, system string) (balie.CardPriceTable, error) {
	rows, err := q.QueryContext(ctx, `SELECT card_system, resident, under18, social, reasons, price FROM card_prices WHERE card_system = ? ORDER BY pos`, system)
	if err != nil {
		return nil, d.classify("read card prices", err)
	}
	defer rows.Close()
	var t balie.CardPriceTable
	for rows.Next() {
		var r balie.CardPriceRule
		var reasons string
		if err := rows.Scan(&r.CardSystem, &r.Resident, &r.Under18, &r.SocialTariff, &reasons, &r.Price); err != nil {
			return nil, d.classify("read card prices", err)
		}
		r.Reasons = splitReasons(reasons)
		t = append(t, r)
	}
	return t, d.classify("read card prices", rows.Err())
}

// Desk returns a desk of the replica.
func (d *DB) Desk(ctx context.Context, id string) (balie.Desk, error) {
	return d.desk(ctx, d.db, id)
}

func (d *DB) desk(ctx context.Context, q querier, id string) (balie.Desk, error) {
	k, found, err := readDesk(ctx, q, id)
	if err != nil {
		return k, d.classify("read desk", err)
	}
	if !found {
		return k, balie.Errorf(balie.CodeNotAllowed, "Balie %s is niet gekend op deze kassa.", "Desk %s is not known on this terminal.", id)
	}
	return k, nil
}

// servedEvent reads an event this desk acts for: one of another
// organiser's is refused, as the ledger would refuse it.
func (d *DB) servedEvent(ctx context.Context, q querier, id string) (balie.Event, error) {
	ev, err := d.event(ctx, q, id)
	if err != nil {
		return ev, err
	}
	desk, err := d.currentDesk(ctx, q)
	if err != nil {
		return ev, err
	}
	if !desk.Serves(ev.OrganiserID) {
		return ev, balie.Errorf(balie.CodeNotAllowed,
			"Deze balie werkt niet voor de organisator van %s.", "This desk does not act for the organiser of %s.", ev.Name)
	}
	return ev, nil
}

func (d *DB) staff(ctx context.Context, q querier, where string, arg string) (balie.Staff, error) {
	var s balie.Staff
	var card, role string
	err := q.QueryRowContext(ctx, `SELECT id, name, card_number, pin_hash, pin_salt, role FROM staff WHERE `+where+` = ?`, arg).
		Scan(&s.ID, &s.Name, &card, &s.PINHash, &s.PINSalt, &role)
	if errors.Is(err, sql.ErrNoRows) {
		return s, balie.Errorf(balie.CodeStaffUnknown, "Deze medewerker is niet gekend op deze kassa.", "This staff member is not known on this terminal.")
	}
	if err != nil {
		return s, d.classify("read staff", err)
	}
	s.CardNumber, s.Role = balie.CardNumber(card), balie.Role(role)
	return s, nil
}

// Authenticate signs a staff member in by their card number (or staff
// id) and PIN.
func (d *DB) Authenticate(ctx context.Context, cardOrID, pin string) (balie.Staff, error) {
	s, err := d.staff(ctx, d.db, "card_number", cardOrID)
	if balie.ErrorCode(err) == balie.CodeStaffUnknown {
		s, err = d.staff(ctx, d.db, "id", cardOrID)
	}
	if err != nil {
		return s, err
	}
	if !s.CheckPIN(pin) {
		return balie.Staff{}, balie.Errorf(balie.CodeStaffPIN, "Verkeerde pincode. Probeer opnieuw.", "Wrong PIN. Try again.")
	}
	return s, nil
}

func (d *DB) child(ctx context.Context, q querier, holderID string) (balie.Child, error) {
	c := balie.Child{HolderID: holderID}
	var auth string
	err := q.QueryRowContext(ctx, `SELECT provider_id, grp, authorised, sibling_key, notes FROM children WHERE holder_id = ?`, holderID).
		Scan(&c.ProviderID, &c.Group, &auth, &c.SiblingKey, &c.Notes)
	if errors.Is(err, sql.ErrNoRows) {
		return c, balie.Errorf(balie.CodeChildUnknown, "Dit kind is niet ingeschreven in de kinderopvang.", "This child is not enrolled in childcare.")
	}
	if err != nil {
		return c, d.classify("read child", err)
	}
	if err := json.Unmarshal([]byte(auth), &c.Authorised); err != nil {
		return c, fmt.Errorf("read child %s: %w", holderID, err)
	}
	return c, nil
}

func (d *DB) rates(ctx context.Context, q querier, providerID string) (balie.ChildcareRates, error) {
	var r balie.ChildcareRates
	var s string
	err := q.QueryRowContext(ctx, `SELECT rates FROM childcare_rates WHERE provider_id = ?`, providerID).Scan(&s)
	if errors.Is(err, sql.ErrNoRows) {
		return r, balie.Errorf(balie.CodeChildcareInvalid, "Er zijn geen tarieven voor deze kinderopvang.", "There are no rates for this childcare.")
	}
	if err != nil {
		return r, d.classify("read rates", err)
	}
	if err := json.Unmarshal([]byte(s), &r); err != nil {
		return r, fmt.Errorf("read rates %s: %w", providerID, err)
	}
	return r, nil
}

func countRows(ctx context.Context, q querier, query string, args ...any) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, query, args...).Scan(&n)
	return n, err
}

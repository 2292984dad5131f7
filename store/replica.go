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

// querier is what the read helpers need: the database itself or a
// transaction, so that an act decides inside the transaction it records in.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Loader writes a replica in bulk: the demo city, or a first download.
// It commits every batch rows so that a million holders never make one
// huge transaction, and it is not safe for concurrent use. ApplyChanges
// uses one with batch 0 inside its own transaction.
type Loader struct {
	d     *DB
	ctx   context.Context
	tx    *sql.Tx
	rows  int
	batch int
	stmts map[string]*sql.Stmt
}

// NewLoader starts a bulk load. Call Close to commit the last batch.
func (d *DB) NewLoader(ctx context.Context) (*Loader, error) {
	l := &Loader{d: d, ctx: ctx, batch: 20000, stmts: map[string]*sql.Stmt{}}
	if err := l.begin(); err != nil {
		return nil, err
	}
	return l, nil
}

func (l *Loader) begin() error {
	l.d.mu.Lock()
	tx, err := l.d.db.BeginTx(l.ctx, nil)
	if err != nil {
		l.d.mu.Unlock()
		return l.d.classify("load replica", err)
	}
	l.tx = tx
	l.stmts = map[string]*sql.Stmt{}
	return nil
}

func (l *Loader) commit() error {
	defer l.d.mu.Unlock()
	l.closeStatements()
	if err := l.tx.Commit(); err != nil {
		return l.d.classify("load replica", err)
	}
	l.tx = nil
	return nil
}

// exec runs one insert with a statement prepared once per batch.
func (l *Loader) exec(query string, args ...any) error {
	if l.tx == nil {
		return errors.New("load replica: loader closed")
	}
	s, ok := l.stmts[query]
	if !ok {
		var err error
		s, err = l.tx.PrepareContext(l.ctx, query)
		if err != nil {
			return l.d.classify("load replica", err)
		}
		l.stmts[query] = s
	}
	if _, err := s.ExecContext(l.ctx, args...); err != nil {
		return l.d.classify("load replica", err)
	}
	l.rows++
	if l.batch > 0 && l.rows%l.batch == 0 {
		if err := l.commit(); err != nil {
			return err
		}
		return l.begin()
	}
	return nil
}

func (l *Loader) closeStatements() {
	for _, s := range l.stmts {
		s.Close()
	}
	l.stmts = map[string]*sql.Stmt{}
}

// Close commits what is left.
func (l *Loader) Close() error {
	if l.tx == nil {
		return nil
	}
	return l.commit()
}

// Abort drops the batch in hand.
func (l *Loader) Abort() {
	if l.tx == nil {
		return
	}
	l.tx.Rollback()
	l.tx = nil
	l.d.mu.Unlock()
}

// Rows is how many rows were written so far.
func (l *Loader) Rows() int { return l.rows }

// CardSystem stores a card system.
func (l *Loader) CardSystem(c balie.CardSystem) error {
	pc, _ := json.Marshal(c.PostalCodes)
	return l.exec(`INSERT OR REPLACE INTO card_systems(id, name, postal_codes) VALUES (?,?,?)`, c.ID, c.Name, string(pc))
}

// Organiser stores an organiser.
func (l *Loader) Organiser(o balie.Organiser) error {
	return l.exec(`INSERT OR REPLACE INTO organisers(id, name, kind) VALUES (?,?,?)`, o.ID, o.Name, o.Kind)
}

// Desk stores a desk.
func (l *Loader) Desk(k balie.Desk) error {
	return l.exec(`INSERT OR REPLACE INTO desks(id, name, organiser_id, mode, card_system, sells_for) VALUES (?,?,?,?,?,?)`,
		k.ID, k.Name, k.OrganiserID, string(k.Mode), k.CardSystem, joinIDs(k.SellsFor))
}

// Staff stores a staff member.
func (l *Loader) Staff(s balie.Staff) error {
	return l.exec(`INSERT OR REPLACE INTO staff(id, name, card_number, pin_hash, pin_salt, role) VALUES (?,?,?,?,?,?)`,
		s.ID, s.Name, string(s.CardNumber), s.PINHash, s.PINSalt, string(s.Role))
}

// Event stores an event.
func (l *Loader) Event(e balie.Event) error {
	return l.exec(`INSERT OR REPLACE INTO events(id, organiser_id, name, start, end, points, limit_volume, limit_period, margin_before_s, margin_after_s) VALUES (?,?,?,?,?,?,?,?,?,?)`,
		e.ID, e.OrganiserID, e.Name, fmtTime(e.Start), fmtTime(e.End), e.PointsPerCheckin,
		e.CheckinLimit.Volume, string(e.CheckinLimit.Period), int64(e.MarginBefore/time.Second), int64(e.MarginAfter/time.Second))
}

// Tariff stores a tariff.
func (l *Loader) Tariff(t balie.Tariff) error {
	return l.exec(`INSERT OR REPLACE INTO tariffs(id, event_id, name, kind, regular, key_holder, key_org, key_city, step, coupon_price, limit_volume, limit_period) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`,
		t.ID, t.EventID, t.Name, string(t.Kind), int64(t.Regular), t.Key.Holder, t.Key.Organiser, t.Key.City,
		int64(t.Step), int64(t.CouponPrice), t.Limit.Volume, string(t.Limit.Period))
}

// Reward stores a reward.
func (l *Loader) Reward(r balie.Reward) error {
	return l.exec(`INSERT OR REPLACE INTO rewards(id, organiser_id, name, kind, points, redeem_from, redeem_until, total_units, limit_volume, limit_period) VALUES (?,?,?,?,?,?,?,?,?,?)`,
		r.ID, r.OrganiserID, r.Name, string(r.Kind), r.Points, fmtTime(r.RedeemFrom), fmtTime(r.RedeemUntil),
		r.TotalUnits, r.PerHolder.Volume, string(r.PerHolder.Period))
}

// Product stores a product.
func (l *Loader) Product(p balie.Product) error {
	return l.exec(`INSERT OR REPLACE INTO products(id, organiser_id, name, price) VALUES (?,?,?,?)`, p.ID, p.OrganiserID, p.Name, int64(p.Price))
}

// Program stores a membership program.
func (l *Loader) Program(p balie.MembershipProgram) error {
	return l.exec(`INSERT OR REPLACE INTO programs(id, organiser_id, name, price, pass_discount, social_price, has_social_price, end_kind, fixed_end, period_months, age_limit) VALUES (?,?,?,?,?,?,?,?,?,?,?)`,
		p.ID, p.OrganiserID, p.Name, int64(p.Price), int64(p.PassDiscount), int64(p.SocialPrice), p.HasSocialPrice,
		string(p.EndKind), fmtDate(p.FixedEnd), p.PeriodMonths, p.AgeLimit)
}

// CardPrice appends a rule to the card price table; order matters.
func (l *Loader) CardPrice(r balie.CardPriceRule) error {
	return l.exec(`INSERT INTO card_prices(card_system, resident, under18, social, reasons, price) VALUES (?,?,?,?,?,?)`,
		r.CardSystem, int(r.Resident), int(r.Under18), int(r.SocialTariff), joinReasons(r.Reasons), int64(r.Price))
}

// Rates stores a childcare provider's rates.
func (l *Loader) Rates(providerID string, r balie.ChildcareRates) error {
	b, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("load rates: %w", err)
	}
	return l.exec(`INSERT OR REPLACE INTO childcare_rates(provider_id, rates) VALUES (?,?)`, providerID, string(b))
}

// Holder stores a holder with their cards and memberships.
func (l *Loader) Holder(h balie.Holder, cards []balie.Card, ms []balie.Membership) error {
	if err := l.exec(`INSERT OR REPLACE INTO holders(id, first_name, last_name, birth_date, postal_code, card_systems, social_state, social_end, social_grace_end, points) VALUES (?,?,?,?,?,?,?,?,?,?)`,
		h.ID, h.FirstName, h.LastName, fmtDate(h.BirthDate), h.PostalCode, joinIDs(h.CardSystems),
		string(h.SocialTariff.State), fmtDate(h.SocialTariff.EndDate), fmtDate(h.SocialTariff.GraceEnd), h.Points); err != nil {
		return err
	}
	for _, c := range cards {
		if err := l.card(c); err != nil {
			return err
		}
	}
	for _, m := range ms {
		if err := l.exec(`INSERT INTO memberships(holder_id, program_id, start, end) VALUES (?,?,?,?)`,
			m.HolderID, m.ProgramID, fmtDate(m.Start), fmtDate(m.End)); err != nil {
			return err
		}
	}
	return nil
}

// StockCard stores an unsold card held at a desk.
func (l *Loader) StockCard(c balie.Card) error { return l.card(c) }

func (l *Loader) card(c balie.Card) error {
	return l.exec(`INSERT OR REPLACE INTO cards(number, chip_uid, status, card_system, holder_id, stock_desk) VALUES (?,?,?,?,?,?)`,
		string(c.Number), string(c.ChipUID), string(c.Status), c.CardSystem, c.HolderID, c.StockDesk)
}

// Child stores a child's enrolment in childcare.
func (l *Loader) Child(c balie.Child) error {
	b, err := json.Marshal(c.Authorised)
	if err != nil {
		return fmt.Errorf("load child: %w", err)
	}
	return l.exec(`INSERT OR REPLACE INTO children(holder_id, provider_id, grp, authorised, sibling_key, notes) VALUES (?,?,?,?,?,?)`,
		c.HolderID, c.ProviderID, c.Group, string(b), c.SiblingKey, c.Notes)
}

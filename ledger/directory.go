package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/balie/balie"
	balisync "github.com/balie/balie/sync"
)

// Loader writes the directory and the catalogue in bulk (a demo city, a
// first load), each entity with its change-log row, committing every
// few tens of thousands of rows so that a million holders never make one
// huge transaction. It has the methods of demo.Sink, so demo.Generate can
// stream a city into it. It is meant for a ledger without holders yet,
// and it is not safe for concurrent use.
type Loader struct {
	l     *Ledger
	ctx   context.Context
	tx    *sql.Tx
	rows  int
	batch int
	stmts map[string]*sql.Stmt

	prices  map[string][]balie.CardPriceRule
	holders int

	// OnHolder, when set, is called after every holder with the number
	// loaded so far: for a progress line.
	OnHolder func(n int)
}

// NewLoader starts a bulk load. Call Close to commit the last batch, or
// Abort to drop it.
func (l *Ledger) NewLoader(ctx context.Context) (*Loader, error) {
	ld := &Loader{l: l, ctx: ctx, batch: 50000, prices: map[string][]balie.CardPriceRule{}}
	if err := ld.begin(); err != nil {
		return nil, err
	}
	return ld, nil
}

func (ld *Loader) begin() error {
	ld.l.mu.Lock()
	if ld.l.closed {
		ld.l.mu.Unlock()
		return errors.New("load directory: ledger closed")
	}
	// A bulk load is repeatable from its source: its intermediate
	// commits need not wait for the disk; the last one (Close) does.
	if _, err := ld.l.w.ExecContext(ld.ctx, `PRAGMA synchronous = NORMAL`); err != nil {
		ld.l.mu.Unlock()
		return ld.l.classify("load directory", err)
	}
	tx, err := ld.l.w.BeginTx(ld.ctx, nil)
	if err != nil {
		ld.restore()
		ld.l.mu.Unlock()
		return ld.l.classify("load directory", err)
	}
	ld.tx, ld.stmts = tx, map[string]*sql.Stmt{}
	return nil
}

// restore puts the write connection back to durable commits.
func (ld *Loader) restore() error {
	_, err := ld.l.w.ExecContext(context.WithoutCancel(ld.ctx), `PRAGMA synchronous = FULL`)
	return ld.l.classify("load directory", err)
}

// commit ends a batch. The last is made durable: SQLite refuses to change
// the safety level inside a transaction, so a checkpoint syncs what the
// batches before wrote.
func (ld *Loader) commit(last bool) error {
	defer ld.l.mu.Unlock()
	for _, s := range ld.stmts {
		s.Close()
	}
	err := ld.l.classify("load directory", ld.tx.Commit())
	ld.tx = nil
	if rerr := ld.restore(); err == nil {
		err = rerr
	}
	if last && err == nil {
		_, err = ld.l.w.ExecContext(ld.ctx, `PRAGMA wal_checkpoint(PASSIVE)`)
		err = ld.l.classify("load directory", err)
	}
	return err
}

// exec runs one statement, prepared once per batch.
func (ld *Loader) exec(query string, args ...any) error {
	if ld.tx == nil {
		return errors.New("load directory: loader closed")
	}
	s, ok := ld.stmts[query]
	if !ok {
		var err error
		if s, err = ld.tx.PrepareContext(ld.ctx, query); err != nil {
			return ld.l.classify("load directory", err)
		}
		ld.stmts[query] = s
	}
	if _, err := s.ExecContext(ld.ctx, args...); err != nil {
		return ld.l.classify("load directory", err)
	}
	ld.rows++
	if ld.rows%ld.batch == 0 {
		if err := ld.commit(false); err != nil {
			return err
		}
		return ld.begin()
	}
	return nil
}

const sqlChange = `INSERT OR REPLACE INTO changes(kind, key, deleted, data) VALUES (?, ?, 0, ?)`

func (ld *Loader) change(kind, key string, v any) error {
	return ld.exec(sqlChange, kind, key, mustJSON(v))
}

// Close commits what is left, durably.
func (ld *Loader) Close() error {
	if ld.tx == nil {
		return nil
	}
	return ld.commit(true)
}

// Abort drops the batch in hand.
func (ld *Loader) Abort() {
	if ld.tx == nil {
		return
	}
	ld.tx.Rollback()
	ld.tx = nil
	ld.restore()
	ld.l.mu.Unlock()
}

// Rows is how many rows were written so far.
func (ld *Loader) Rows() int { return ld.rows }

// Holders is how many holders were loaded so far.
func (ld *Loader) Holders() int { return ld.holders }

// catalogueRow upserts an entity kept as JSON and logs the change.
func (ld *Loader) catalogueRow(table, kind, id string, v any) error {
	if id == "" {
		return fmt.Errorf("load %s: empty id", kind)
	}
	data := mustJSON(v)
	if err := ld.exec(`INSERT INTO `+table+`(id, data) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET data = excluded.data`, id, data); err != nil {
		return err
	}
	return ld.exec(sqlChange, kind, id, data)
}

// CardSystem stores a card system.
func (ld *Loader) CardSystem(c balie.CardSystem) error {
	return ld.catalogueRow("card_systems", balisync.ChangeCardSystem, c.ID, c)
}

// Organiser stores an organiser.
func (ld *Loader) Organiser(o balie.Organiser) error {
	return ld.catalogueRow("organisers", balisync.ChangeOrganiser, o.ID, o)
}

// Desk stores a desk.
func (ld *Loader) Desk(d balie.Desk) error {
	data := mustJSON(d)
	if err := ld.exec(`INSERT INTO desks(id, organiser_id, data) VALUES (?,?,?) ON CONFLICT(id) DO UPDATE SET organiser_id = excluded.organiser_id, data = excluded.data`,
		d.ID, d.OrganiserID, data); err != nil {
		return err
	}
	return ld.exec(sqlChange, balisync.ChangeDesk, d.ID, data)
}

// Staff stores a staff member (PIN hash and salt, never a PIN).
func (ld *Loader) Staff(s balie.Staff) error {
	return ld.catalogueRow("staff", balisync.ChangeStaff, s.ID, s)
}

// Event stores an event of the catalogue.
func (ld *Loader) Event(e balie.Event) error {
	return ld.catalogueRow("catalogue_events", balisync.ChangeEvent, e.ID, e)
}

// Tariff stores a tariff.
func (ld *Loader) Tariff(t balie.Tariff) error {
	data := mustJSON(t)
	if err := ld.exec(`INSERT INTO tariffs(id, event_id, data) VALUES (?,?,?) ON CONFLICT(id) DO UPDATE SET event_id = excluded.event_id, data = excluded.data`,
		t.ID, t.EventID, data); err != nil {
		return err
	}
	return ld.exec(sqlChange, balisync.ChangeTariff, t.ID, data)
}

// Reward stores a reward; the units already redeemed are kept.
func (ld *Loader) Reward(r balie.Reward) error {
	if err := ld.exec(`INSERT INTO rewards(id, data) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET data = excluded.data`, r.ID, mustJSON(r)); err != nil {
		return err
	}
	var units int
	if err := ld.tx.QueryRowContext(ld.ctx, `SELECT units_redeemed FROM rewards WHERE id = ?`, r.ID).Scan(&units); err != nil {
		return ld.l.classify("load directory", err)
	}
	return ld.change(balisync.ChangeReward, r.ID, balisync.RewardState{Reward: r, UnitsRedeemed: units})
}

// Product stores a product.
func (ld *Loader) Product(p balie.Product) error {
	return ld.catalogueRow("products", balisync.ChangeProduct, p.ID, p)
}

// Program stores a membership program.
func (ld *Loader) Program(p balie.MembershipProgram) error {
	return ld.catalogueRow("programs", balisync.ChangeProgram, p.ID, p)
}

// CardPrice appends a rule to its card system's price table; order
// matters. The first rule a load gives for a card system replaces the
// table the ledger had.
func (ld *Loader) CardPrice(r balie.CardPriceRule) error {
	rules, seen := ld.prices[r.CardSystem]
	if !seen {
		if err := ld.exec(`DELETE FROM card_prices WHERE card_system = ?`, r.CardSystem); err != nil {
			return err
		}
	}
	if err := ld.exec(`INSERT INTO card_prices(card_system, pos, data) VALUES (?,?,?)`, r.CardSystem, len(rules), mustJSON(r)); err != nil {
		return err
	}
	rules = append(rules, r)
	ld.prices[r.CardSystem] = rules
	return ld.change(balisync.ChangeCardPrices, r.CardSystem, balisync.CardPrices{CardSystem: r.CardSystem, Rules: rules})
}

// Rates stores a childcare provider's rates.
func (ld *Loader) Rates(providerID string, r balie.ChildcareRates) error {
	state := balisync.RatesState{ProviderID: providerID, Rates: r}
	data := mustJSON(state)
	if err := ld.exec(`INSERT INTO childcare_rates(provider_id, data) VALUES (?,?) ON CONFLICT(provider_id) DO UPDATE SET data = excluded.data`, providerID, data); err != nil {
		return err
	}
	return ld.exec(sqlChange, balisync.ChangeRates, providerID, data)
}

// Holder stores a holder with their points as the starting balance, with
// their cards and memberships.
func (ld *Loader) Holder(h balie.Holder, cards []balie.Card, ms []balie.Membership) error {
	if h.ID == "" {
		return errors.New("load holder: empty id")
	}
	args := append(holderArgs(h), h.Points, h.Points)
	delete(ld.l.cache.points, h.ID)
	if err := ld.exec(`INSERT OR REPLACE INTO holders(`+holderColumns+`, initial_points) VALUES (?,?,?,?,?,?,?,?,?,?,?)`, args...); err != nil {
		return err
	}
	if err := ld.change(balisync.ChangeHolder, h.ID, h); err != nil {
		return err
	}
	for _, c := range cards {
		if err := ld.card(c); err != nil {
			return err
		}
	}
	for _, m := range ms {
		if err := ld.exec(`INSERT INTO memberships(holder_id, program_id, start, end) VALUES (?,?,?,?)`,
			m.HolderID, m.ProgramID, fmtInstant(m.Start), fmtInstant(m.End)); err != nil {
			return err
		}
		if err := ld.change(balisync.ChangeMembership, membershipKey(m), m); err != nil {
			return err
		}
	}
	ld.holders++
	if ld.OnHolder != nil {
		ld.OnHolder(ld.holders)
	}
	return nil
}

// StockCard stores an unsold card held at a desk.
func (ld *Loader) StockCard(c balie.Card) error { return ld.card(c) }

func (ld *Loader) card(c balie.Card) error {
	if err := ld.exec(`INSERT OR REPLACE INTO cards(`+cardColumns+`) VALUES (?,?,?,?,?,?)`,
		string(c.Number), string(c.ChipUID), string(c.Status), c.CardSystem, c.HolderID, c.StockDesk); err != nil {
		return err
	}
	return ld.change(balisync.ChangeCard, string(c.Number), c)
}

// Child stores a child's enrolment in childcare.
func (ld *Loader) Child(c balie.Child) error {
	data := mustJSON(c)
	if err := ld.exec(`INSERT INTO children(holder_id, provider_id, data) VALUES (?,?,?) ON CONFLICT(holder_id) DO UPDATE SET provider_id = excluded.provider_id, data = excluded.data`,
		c.HolderID, c.ProviderID, data); err != nil {
		return err
	}
	return ld.exec(sqlChange, balisync.ChangeChild, c.HolderID, data)
}

// Limits sets the offline limits every terminal enforces.
func (ld *Loader) Limits(lim balisync.OfflineLimits) error {
	data := mustJSON(lim)
	if err := ld.exec(`INSERT INTO meta(key, value) VALUES ('offline_limits', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, string(data)); err != nil {
		return err
	}
	return ld.exec(sqlChange, balisync.ChangeLimits, "offline", data)
}

// SetOfflineLimits sets the offline limits every terminal enforces and
// logs the change.
func (l *Ledger) SetOfflineLimits(ctx context.Context, lim balisync.OfflineLimits) error {
	ld, err := l.NewLoader(ctx)
	if err != nil {
		return err
	}
	if err := ld.Limits(lim); err != nil {
		ld.Abort()
		return err
	}
	return ld.Close()
}

// DirectoryStats counts the directory, for operators.
type DirectoryStats struct {
	Holders, Cards, Events, Changes int
}

// Stats counts the directory and the change log.
func (l *Ledger) Stats(ctx context.Context) (DirectoryStats, error) {
	var s DirectoryStats
	err := l.r.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM holders), (SELECT count(*) FROM cards), (SELECT count(*) FROM events), (SELECT count(*) FROM changes)`).
		Scan(&s.Holders, &s.Cards, &s.Events, &s.Changes)
	return s, l.classify("count directory", err)
}

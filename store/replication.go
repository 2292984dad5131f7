package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/balie/balie"
)

// Meta keys of the terminal's enrolment with a ledger.
const (
	metaLedger = "ledger_url"
	metaSecret = "terminal_secret"
	metaLimits = "offline_limits"
)

// Enrolment is what a terminal needs to talk to its ledger.
type Enrolment struct {
	LedgerURL  string
	TerminalID string
	Secret     string
}

// Enrol records the identity the ledger gave this terminal. The journal
// takes the ledger's terminal id, so a store that already recorded acts
// under another id refuses: its events could never be uploaded as theirs.
func (d *DB) Enrol(ctx context.Context, e Enrolment, deskID string) error {
	if err := d.SetTerminalID(ctx, e.TerminalID); err != nil {
		return err
	}
	// The key travelled with the enrolment request: the ledger holds it.
	for _, kv := range [][2]string{{metaLedger, e.LedgerURL}, {metaSecret, e.Secret}, {metaDesk, deskID}, {metaKeyRegistered, "1"}} {
		if err := d.setMeta(ctx, kv[0], kv[1]); err != nil {
			return err
		}
	}
	return nil
}

// Enrolment returns the terminal's enrolment; LedgerURL is empty when the
// terminal was never enrolled.
func (d *DB) Enrolment(ctx context.Context) (Enrolment, error) {
	var e Enrolment
	var err error
	if e.LedgerURL, err = d.meta(ctx, d.db, metaLedger); err != nil {
		return e, err
	}
	if e.TerminalID, err = d.meta(ctx, d.db, metaTerminal); err != nil {
		return e, err
	}
	e.Secret, err = d.meta(ctx, d.db, metaSecret)
	return e, err
}

// UploadBatch returns up to limit events from seq from on, in order: what
// the sync worker sends. from is FirstPending's answer, or the seq the
// ledger asked to resume from.
func (d *DB) UploadBatch(ctx context.Context, from int64, limit int) ([]balie.JournalEvent, error) {
	return d.journalPage(ctx, from, limit)
}

// FirstPending returns the seq of the first event the ledger has not
// answered (0 when none) and of the first parked event (0 when none). A
// parked event stops the upload at itself until a person resolves it:
// the ledger takes a terminal's events in sequence only.
func (d *DB) FirstPending(ctx context.Context) (pending, parked int64, err error) {
	err = d.db.QueryRowContext(ctx, `SELECT
		coalesce((SELECT min(seq) FROM upload WHERE status = 'PENDING'), 0),
		coalesce((SELECT min(seq) FROM upload WHERE status = 'PARKED'), 0)`).Scan(&pending, &parked)
	if err != nil {
		return 0, 0, d.classify("read upload state", err)
	}
	return pending, parked, nil
}

// Acknowledge records the ledger's verdicts on a batch and the balances it
// returned, in one transaction: the points this terminal added up itself
// for those events give way to the ledger's balance, which includes them.
func (d *DB) Acknowledge(ctx context.Context, verdicts []balie.Verdict, balances []balie.Balance) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return d.classify("acknowledge", err)
	}
	defer tx.Rollback()
	now := fmtTime(d.now())
	for _, v := range verdicts {
		res, err := tx.ExecContext(ctx, `UPDATE upload SET status = ?, code = ?, message_nl = ?, message_en = ?, updated = ? WHERE seq = ? AND seq IN (SELECT seq FROM journal WHERE id = ?)`,
			v.Status, v.Code, v.NL, v.EN, now, v.Seq, v.ID)
		if err != nil {
			return d.classify("acknowledge", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("acknowledge: the ledger answered for seq %d id %s, which this journal does not hold", v.Seq, v.ID)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM pending_points WHERE seq = ?`, v.Seq); err != nil {
			return d.classify("acknowledge", err)
		}
	}
	for _, b := range balances {
		if _, err := tx.ExecContext(ctx, `UPDATE holders SET points = ? WHERE id = ?`, b.Points, b.HolderID); err != nil {
			return d.classify("acknowledge", err)
		}
	}
	return d.classify("acknowledge", tx.Commit())
}

// Park stops the upload at seq with the ledger's reason: a conflict or a
// broken chain that no retry can mend.
func (d *DB) Park(ctx context.Context, seq int64, code, nl, en string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	_, err := d.db.ExecContext(ctx, `UPDATE upload SET status = 'PARKED', code = ?, message_nl = ?, message_en = ?, updated = ? WHERE seq = ?`,
		code, nl, en, fmtTime(d.now()), seq)
	return d.classify("park", err)
}

// Review lists the events that need a person's review, oldest first,
// with how the back office resolved them, once it has.
func (d *DB) Review(ctx context.Context) ([]balie.ReviewItem, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT j.seq, j.id, j.kind, j.time, u.status, u.code, u.message_nl, u.message_en,
		coalesce(o.outcome, ''), coalesce(o.note, ''), coalesce(o.by_name, '')
		FROM upload u JOIN journal j ON j.seq = u.seq LEFT JOIN review_outcomes o ON o.event_id = j.id
		WHERE u.status IN ('ADJUSTED', 'REJECTED', 'PARKED') ORDER BY j.seq`)
	if err != nil {
		return nil, d.classify("read review", err)
	}
	defer rows.Close()
	var out []balie.ReviewItem
	for rows.Next() {
		var r balie.ReviewItem
		var kind, at string
		if err := rows.Scan(&r.Seq, &r.ID, &kind, &at, &r.Status, &r.Code, &r.NL, &r.EN, &r.Outcome, &r.Note, &r.By); err != nil {
			return nil, d.classify("read review", err)
		}
		r.Kind = balie.Kind(kind)
		if r.Time, err = time.Parse(balie.TimeFormat, at); err != nil {
			return nil, fmt.Errorf("read review: %w", err)
		}
		out = append(out, r)
	}
	return out, d.classify("read review", rows.Err())
}

// ApplyChanges applies one page of the ledger's changes and the cursor to
// ask from next, in one transaction: a page is applied whole or not at all.
func (d *DB) ApplyChanges(ctx context.Context, changes []balie.Change, next string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	var tx *sql.Tx
	var err error
	if d.bulk != nil {
		tx, err = d.bulk.BeginTx(ctx, nil)
	} else {
		tx, err = d.db.BeginTx(ctx, nil)
	}
	if err != nil {
		return d.classify("apply changes", err)
	}
	defer tx.Rollback()
	l := &Loader{d: d, ctx: ctx, tx: tx, stmts: map[string]*sql.Stmt{}}
	defer l.closeStatements()
	for _, c := range changes {
		if err := l.apply(c); err != nil {
			return fmt.Errorf("apply change %d (%s %s): %w", c.Seq, c.Kind, c.Key, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, metaCursor, next); err != nil {
		return d.classify("apply changes", err)
	}
	return d.classify("apply changes", tx.Commit())
}

// deleteTarget names the table and key column a change of kind deletes
// from.
func deleteTarget(kind string) (table, key string, ok bool) {
	switch kind {
	case balie.ChangeCardSystem:
		return "card_systems", "id", true
	case balie.ChangeOrganiser:
		return "organisers", "id", true
	case balie.ChangeDesk:
		return "desks", "id", true
	case balie.ChangeStaff:
		return "staff", "id", true
	case balie.ChangeHolder:
		return "holders", "id", true
	case balie.ChangeCard:
		return "cards", "number", true
	case balie.ChangeEvent:
		return "events", "id", true
	case balie.ChangeTariff:
		return "tariffs", "id", true
	case balie.ChangeReward:
		return "rewards", "id", true
	case balie.ChangeProduct:
		return "products", "id", true
	case balie.ChangeProgram:
		return "programs", "id", true
	case balie.ChangeCardPrices:
		return "card_prices", "card_system", true
	case balie.ChangeRates:
		return "childcare_rates", "provider_id", true
	case balie.ChangeChild:
		return "children", "holder_id", true
	case balie.ChangeReview:
		return "review_outcomes", "event_id", true
	}
	return "", "", false
}

// apply writes one change into the replica.
func (l *Loader) apply(c balie.Change) error {
	if c.Deleted {
		if c.Kind == balie.ChangeMembership {
			parts := strings.SplitN(c.Key, "/", 3)
			if len(parts) != 3 {
				return fmt.Errorf("membership key %q is not holder/program/start", c.Key)
			}
			return l.exec(`DELETE FROM memberships WHERE holder_id = ? AND program_id = ? AND start = ?`, parts[0], parts[1], parts[2])
		}
		table, key, ok := deleteTarget(c.Kind)
		if !ok {
			return fmt.Errorf("a %s cannot be deleted", c.Kind)
		}
		return l.exec(`DELETE FROM `+table+` WHERE `+key+` = ?`, c.Key)
	}
	decode := func(v any) error { return json.Unmarshal(c.Data, v) }
	switch c.Kind {
	case balie.ChangeCardSystem:
		return applyAs(decode, l.CardSystem)
	case balie.ChangeOrganiser:
		return applyAs(decode, l.Organiser)
	case balie.ChangeDesk:
		return applyAs(decode, l.Desk)
	case balie.ChangeStaff:
		return applyAs(decode, l.Staff)
	case balie.ChangeHolder:
		return applyAs(decode, func(h balie.Holder) error { return l.Holder(h, nil, nil) })
	case balie.ChangeCard:
		return applyAs(decode, l.card)
	case balie.ChangeMembership:
		return applyAs(decode, l.membership)
	case balie.ChangeEvent:
		return applyAs(decode, l.Event)
	case balie.ChangeTariff:
		return applyAs(decode, l.Tariff)
	case balie.ChangeReward:
		return applyAs(decode, l.rewardState)
	case balie.ChangeProduct:
		return applyAs(decode, l.Product)
	case balie.ChangeProgram:
		return applyAs(decode, l.Program)
	case balie.ChangeCardPrices:
		return applyAs(decode, l.cardPrices)
	case balie.ChangeRates:
		return applyAs(decode, func(r balie.RatesState) error { return l.Rates(r.ProviderID, r.Rates) })
	case balie.ChangeChild:
		return applyAs(decode, l.Child)
	case balie.ChangeBalance:
		return applyAs(decode, func(b balie.Balance) error {
			return l.exec(`UPDATE holders SET points = ? WHERE id = ?`, b.Points, b.HolderID)
		})
	case balie.ChangeReview:
		return applyAs(decode, func(o balie.ReviewOutcome) error {
			return l.exec(`INSERT OR REPLACE INTO review_outcomes(event_id, outcome, note, by_name, at) VALUES (?,?,?,?,?)`,
				o.EventID, o.Outcome, o.Note, o.By, o.At.UTC().Format(time.RFC3339))
		})
	case balie.ChangeLimits:
		return l.exec(`INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, metaLimits, string(c.Data))
	default:
		// A kind from a newer ledger: skipped, and said, so an old
		// terminal keeps working and the operator knows to update it.
		l.d.log.Warn("unknown change kind skipped", "kind", c.Kind, "key", c.Key, "seq", c.Seq)
		return nil
	}
}

// applyAs decodes a change's data into T and passes it on.
func applyAs[T any](decode func(any) error, f func(T) error) error {
	var v T
	if err := decode(&v); err != nil {
		return fmt.Errorf("decode: %w", err)
	}
	return f(v)
}

// membership stores a membership the ledger serves; a copy this terminal
// sold itself and recorded locally gives way to it.
func (l *Loader) membership(m balie.Membership) error {
	// A first download finds no copy to replace (and has no index to
	// find one quickly).
	if l.d.bulk != nil {
		return l.exec(`INSERT INTO memberships(holder_id, program_id, start, end) VALUES (?,?,?,?)`, m.HolderID, m.ProgramID, fmtDate(m.Start), fmtDate(m.End))
	}
	if err := l.exec(`DELETE FROM memberships WHERE holder_id = ? AND program_id = ? AND start = ?`, m.HolderID, m.ProgramID, fmtDate(m.Start)); err != nil {
		return err
	}
	return l.exec(`INSERT INTO memberships(holder_id, program_id, start, end) VALUES (?,?,?,?)`, m.HolderID, m.ProgramID, fmtDate(m.Start), fmtDate(m.End))
}

func (l *Loader) rewardState(r balie.RewardState) error {
	if err := l.Reward(r.Reward); err != nil {
		return err
	}
	return l.exec(`UPDATE rewards SET units_redeemed = ? WHERE id = ?`, r.UnitsRedeemed, r.ID)
}

// cardPrices replaces a card system's whole price table.
func (l *Loader) cardPrices(p balie.CardPrices) error {
	if err := l.exec(`DELETE FROM card_prices WHERE card_system = ?`, p.CardSystem); err != nil {
		return err
	}
	for _, r := range p.Rules {
		r.CardSystem = p.CardSystem
		if err := l.CardPrice(r); err != nil {
			return err
		}
	}
	return nil
}

// offlineLimits returns the limits the ledger set, zero when none.
func (d *DB) offlineLimits(ctx context.Context, q querier) (balie.OfflineLimits, error) {
	var lim balie.OfflineLimits
	s, err := d.meta(ctx, q, metaLimits)
	if err != nil || s == "" {
		return lim, err
	}
	if err := json.Unmarshal([]byte(s), &lim); err != nil {
		return lim, fmt.Errorf("read offline limits: %w", err)
	}
	return lim, nil
}

package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/balie/balie"
	"github.com/balie/balie/ledger"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// reader reads the ledger through a transaction: a read's, or a write's,
// whose rows not sent yet it sends first when a read could see them.
type reader struct {
	ctx context.Context
	q   pgx.Tx
	// pending, in a write, sends the rows a read of what (one of the
	// pending* kinds) with key could see; key "" is every row of it.
	pending func(what, key string) error
}

var _ ledger.ReadTx = (*reader)(nil)

// What a read may need of a write's rows not sent yet.
const (
	pendingMeta    = "meta"
	pendingEntity  = "entity" // key: kind + "/" + id
	pendingHolder  = "holder"
	pendingCard    = "card"
	pendingMembers = "memberships"
	pendingAll     = "all"
)

func (r *reader) sync(what, key string) error {
	if r.pending == nil {
		return nil
	}
	return r.pending(what, key)
}

// wrapErr names the operation of a failed read.
func wrapErr(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", op, err)
}

func (r *reader) Meta(key string) (string, bool, error) {
	if err := r.sync(pendingMeta, key); err != nil {
		return "", false, err
	}
	var v string
	err := r.q.QueryRow(r.ctx, `SELECT value FROM meta WHERE key = $1`, key).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", false, nil
	}
	return v, err == nil, wrapErr("read meta", err)
}

func (r *reader) Terminal(id string) (ledger.TerminalRow, bool, error) {
	return r.terminalWhere(`id = $1`, id)
}

func (r *reader) TerminalByToken(hash string) (ledger.TerminalRow, bool, error) {
	return r.terminalWhere(`token_hash = $1`, hash)
}

func (r *reader) terminalWhere(where string, arg any) (ledger.TerminalRow, bool, error) {
	t, err := scanTerminal(r.q.QueryRow(r.ctx, `SELECT `+terminalColumns+` FROM terminals WHERE `+where, arg))
	if errors.Is(err, pgx.ErrNoRows) {
		return t, false, nil
	}
	return t, err == nil, wrapErr("read terminal", err)
}

func (r *reader) Terminals() ([]ledger.TerminalRow, error) {
	rows, err := r.q.Query(r.ctx, `SELECT `+terminalColumns+` FROM terminals ORDER BY created, id`)
	if err != nil {
		return nil, wrapErr("list terminals", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (ledger.TerminalRow, error) { return scanTerminal(row) })
	return out, wrapErr("list terminals", err)
}

func (r *reader) Entity(kind, id string) ([]byte, bool, error) {
	if err := r.sync(pendingEntity, kind+"/"+id); err != nil {
		return nil, false, err
	}
	var data []byte
	err := r.q.QueryRow(r.ctx, `SELECT data FROM entities WHERE kind = $1 AND id = $2`, kind, id).Scan(&data)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, false, nil
	}
	return data, err == nil, wrapErr("read "+kind, err)
}

func (r *reader) Entities(kind, owner string, fn func(id string, data []byte) error) error {
	if err := r.sync(pendingEntity, ""); err != nil {
		return err
	}
	q, args := `SELECT id, data FROM entities WHERE kind = $1 ORDER BY id`, []any{kind}
	if owner != "" {
		q, args = `SELECT id, data FROM entities WHERE kind = $1 AND owner = $2 ORDER BY id`, []any{kind, owner}
	}
	rows, err := r.q.Query(r.ctx, q, args...)
	if err != nil {
		return wrapErr("list "+kind, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var data []byte
		if err := rows.Scan(&id, &data); err != nil {
			return wrapErr("list "+kind, err)
		}
		if err := fn(id, data); err != nil {
			return err
		}
	}
	return wrapErr("list "+kind, rows.Err())
}

func (r *reader) Holder(id string) (balie.Holder, bool, error) {
	if err := r.sync(pendingHolder, id); err != nil {
		return balie.Holder{}, false, err
	}
	h, err := scanHolder(r.q.QueryRow(r.ctx, `SELECT `+holderColumns+` FROM holders WHERE id = $1`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return h, false, nil
	}
	return h, err == nil, wrapErr("read holder", err)
}

func (r *reader) Card(n balie.CardNumber) (balie.Card, bool, error) {
	if err := r.sync(pendingCard, string(n)); err != nil {
		return balie.Card{}, false, err
	}
	c, err := scanCard(r.q.QueryRow(r.ctx, `SELECT `+cardColumns+` FROM cards WHERE number = $1`, string(n)))
	if errors.Is(err, pgx.ErrNoRows) {
		return c, false, nil
	}
	return c, err == nil, wrapErr("read card", err)
}

func (r *reader) HolderCards(holder string) ([]balie.Card, error) {
	if err := r.sync(pendingCard, ""); err != nil {
		return nil, err
	}
	rows, err := r.q.Query(r.ctx, `SELECT `+cardColumns+` FROM cards WHERE holder_id = $1 ORDER BY number`, holder)
	if err != nil {
		return nil, wrapErr("read cards", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (balie.Card, error) { return scanCard(row) })
	return out, wrapErr("read cards", err)
}

func (r *reader) Memberships(holder string) ([]balie.Membership, error) {
	if err := r.sync(pendingMembers, ""); err != nil {
		return nil, err
	}
	rows, err := r.q.Query(r.ctx, `SELECT program_id, starts, ends FROM memberships WHERE holder_id = $1 ORDER BY starts, program_id, id`, holder)
	if err != nil {
		return nil, wrapErr("read memberships", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (balie.Membership, error) {
		m := balie.Membership{HolderID: holder}
		var start, end string
		if err := row.Scan(&m.ProgramID, &start, &end); err != nil {
			return m, err
		}
		var err error
		if m.Start, err = parseInstant(start); err == nil {
			m.End, err = parseInstant(end)
		}
		return m, err
	})
	return out, wrapErr("read memberships", err)
}

func (r *reader) RewardUnits(id string) (int, error) {
	var n int
	err := r.q.QueryRow(r.ctx, `SELECT units FROM reward_units WHERE id = $1`, id).Scan(&n)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	return n, wrapErr("read reward units", err)
}

func (r *reader) Balances(fn func(holder string, initial, current int) error) error {
	if err := r.sync(pendingHolder, ""); err != nil {
		return err
	}
	rows, err := r.q.Query(r.ctx, `SELECT id, initial_points, points FROM holders`)
	if err != nil {
		return wrapErr("read balances", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var initial, current int
		if err := rows.Scan(&id, &initial, &current); err != nil {
			return wrapErr("read balances", err)
		}
		if err := fn(id, initial, current); err != nil {
			return err
		}
	}
	return wrapErr("read balances", rows.Err())
}

func (r *reader) Events(after int64, limit int, fn func(ledger.StoredEvent) error) error {
	q, args := `SELECT `+storedColumns+` FROM events e WHERE e.ingest > $1 ORDER BY e.ingest`, []any{after}
	if limit > 0 {
		q, args = q+` LIMIT $2`, append(args, limit)
	}
	return r.events(q, args, fn)
}

func (r *reader) events(q string, args []any, fn func(ledger.StoredEvent) error) error {
	rows, err := r.q.Query(r.ctx, q, args...)
	if err != nil {
		return wrapErr("read events", err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanStored(rows)
		if err != nil {
			return wrapErr("read events", err)
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return wrapErr("read events", rows.Err())
}

func (r *reader) Event(id string) (ledger.StoredEvent, bool, error) {
	var out ledger.StoredEvent
	found := false
	err := r.events(`SELECT `+storedColumns+` FROM events e WHERE e.id = $1`, []any{id}, func(e ledger.StoredEvent) error {
		out, found = e, true
		return nil
	})
	return out, found, err
}

func (r *reader) TerminalEvents(terminal string, from int64, fn func(ledger.StoredEvent) error) error {
	return r.events(`SELECT `+storedColumns+` FROM events e WHERE e.terminal = $1 AND e.seq >= $2 ORDER BY e.seq`, []any{terminal, from}, fn)
}

func (r *reader) Signatures(terminal string) ([]ledger.Signature, error) {
	rows, err := r.q.Query(r.ctx, `SELECT seq, signature FROM signatures WHERE terminal = $1 ORDER BY seq, signature`, terminal)
	if err != nil {
		return nil, wrapErr("read signatures", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (ledger.Signature, error) {
		s := ledger.Signature{Terminal: terminal}
		err := row.Scan(&s.Seq, &s.Signature)
		return s, err
	})
	return out, wrapErr("read signatures", err)
}

func (r *reader) Changes(after int64, limit int, fn func(seq int64, kind, key []byte, deleted bool, data []byte)) error {
	if err := r.sync(pendingAll, ""); err != nil {
		return err
	}
	// The commits after the cursor in order, and the rows of each by
	// their place: a walk that stops at the page's end, whatever the size
	// of the log (a join the planner may answer by sorting the whole log
	// for every page; OFFSET 0 keeps the subquery a subquery).
	rows, err := r.q.Query(r.ctx, `SELECT o.first + c.pos - 1, c.kind, c.key, c.deleted, c.data
		FROM change_commits o
		CROSS JOIN LATERAL (SELECT pos, kind, key, deleted, data FROM changes WHERE tx = o.tx AND pos > $1 - o.first + 1 ORDER BY pos OFFSET 0) AS c
		WHERE o.last > $1 ORDER BY o.last, c.pos LIMIT $2`, after, limit)
	return scanChanges(rows, err, fn)
}

// scanChanges hands each row of a change-log query (seq, kind, key,
// deleted, data) to fn. The bytes are the driver's own, valid until the
// next row: a first download of a million holders copies nothing it
// does not keep.
func scanChanges(rows pgx.Rows, err error, fn func(seq int64, kind, key []byte, deleted bool, data []byte)) error {
	if err != nil {
		return wrapErr("read changes", err)
	}
	defer rows.Close()
	var kind, key, data pgtype.DriverBytes
	for rows.Next() {
		var seq int64
		var deleted bool
		if err := rows.Scan(&seq, &kind, &key, &deleted, &data); err != nil {
			return wrapErr("read changes", err)
		}
		fn(seq, kind, key, deleted, data)
	}
	return wrapErr("read changes", rows.Err())
}

func (r *reader) LastChange() (int64, error) {
	if err := r.sync(pendingAll, ""); err != nil {
		return 0, err
	}
	var n int64
	err := r.q.QueryRow(r.ctx, `SELECT coalesce(max(last), 0) FROM change_commits`).Scan(&n)
	return n, wrapErr("read changes", err)
}

func (r *reader) MoneyLines(fn func(ledger.MoneyLine) error) error {
	rows, err := r.q.Query(r.ctx, `SELECT e.id, m.line, m.kind, m.event_id, m.tariff_id, m.organiser_id, m.payment, m.day, m.quantity,
		m.regular, m.holder_share, m.organiser_share, m.city_share, m.amount, coalesce(v.id, '')
		FROM money_lines m JOIN events e ON e.ingest = m.ingest LEFT JOIN events v ON v.ingest = m.void_of ORDER BY m.ingest, m.line`)
	if err != nil {
		return wrapErr("read money", err)
	}
	defer rows.Close()
	for rows.Next() {
		var m ledger.MoneyLine
		var pay string
		if err := rows.Scan(&m.EventID, &m.Line, &m.Kind, &m.Activity, &m.TariffID, &m.OrganiserID, &pay, &m.Day, &m.Quantity,
			&m.Regular, &m.Shares.Holder, &m.Shares.Organiser, &m.Shares.City, &m.Amount, &m.VoidOf); err != nil {
			return wrapErr("read money", err)
		}
		m.Payment = balie.PaymentMethod(pay)
		if err := fn(m); err != nil {
			return err
		}
	}
	return wrapErr("read money", rows.Err())
}

func (r *reader) Flags() ([]ledger.Flag, error) {
	rows, err := r.q.Query(r.ctx, `SELECT e.id, f.code, f.holder_id, f.detail FROM review_flags f JOIN events e ON e.ingest = f.ingest
		WHERE NOT f.resolved ORDER BY f.ingest, f.pos`)
	if err != nil {
		return nil, wrapErr("read review flags", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (ledger.Flag, error) {
		var f ledger.Flag
		err := row.Scan(&f.EventID, &f.Code, &f.HolderID, &f.Detail)
		return f, err
	})
	return out, wrapErr("read review flags", err)
}

func (r *reader) Stats() (ledger.DirectoryStats, error) {
	if err := r.sync(pendingAll, ""); err != nil {
		return ledger.DirectoryStats{}, err
	}
	var s ledger.DirectoryStats
	err := r.q.QueryRow(r.ctx, `SELECT (SELECT count(*) FROM holders), (SELECT count(*) FROM cards), (SELECT count(*) FROM events), (SELECT count(*) FROM changes)`).
		Scan(&s.Holders, &s.Cards, &s.Events, &s.Changes)
	return s, wrapErr("count directory", err)
}

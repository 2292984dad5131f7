package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/balie/balie"
	"github.com/balie/balie/ledger"
)

// reader reads the ledger through a read or a write transaction. Balances
// are the tables' plus what the events after the last fold applied:
// taken from the hot state when it is known to cover them, and otherwise
// summed from the events themselves.
type reader struct {
	s   *Store
	q   querier
	ctx context.Context

	// overlay returns the balance memory holds for a holder; nil until
	// the first balance is read.
	overlay func(id string) (int, bool)
	// hotOK says the hot state may be used without a check: a write
	// transaction's, after begin made it this file's.
	hotOK bool
}

var _ ledger.ReadTx = (*reader)(nil)

// Read runs fn in a read transaction on a read connection.
func (s *Store) Read(ctx context.Context, fn func(ledger.ReadTx) error) error {
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return s.classify("begin read", err)
	}
	defer tx.Rollback()
	return fn(&reader{s: s, q: tx, ctx: ctx})
}

func (s *Store) writeReader(ctx context.Context, tx *sql.Tx) reader {
	return reader{s: s, q: tx, ctx: ctx, hotOK: true}
}

// balances prepares the overlay of the unfolded balances.
func (r *reader) balances() error {
	if r.overlay != nil {
		return nil
	}
	if r.hotOK {
		r.overlay = func(id string) (int, bool) {
			p, ok := r.s.hot.points[id]
			return p, ok
		}
		return nil
	}
	flushed, err := readFlushed(r.ctx, r.q)
	if err != nil {
		return err
	}
	var last int64
	if err := r.q.QueryRowContext(r.ctx, `SELECT coalesce(max(ingest), 0) FROM events`).Scan(&last); err != nil {
		return err
	}
	r.s.mu.RLock()
	covered := r.s.w != nil && r.s.hot.flushed == flushed && last <= r.s.hot.last
	r.s.mu.RUnlock()
	if covered {
		r.overlay = func(id string) (int, bool) {
			r.s.mu.RLock()
			defer r.s.mu.RUnlock()
			p, ok := r.s.hot.points[id]
			return p, ok
		}
		return nil
	}
	// Another process's events, or a read-only process: the events after
	// the last fold say what the tables do not hold yet.
	delta := map[string]int{}
	rows, err := r.q.QueryContext(r.ctx, `SELECT holder_id, sum(points) FROM events WHERE ingest > ? AND points <> 0 GROUP BY holder_id`, flushed)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var p int
		if err := rows.Scan(&id, &p); err != nil {
			return err
		}
		delta[id] = p
	}
	if err := rows.Err(); err != nil {
		return err
	}
	base := map[string]int{}
	for id := range delta {
		var p int
		if err := r.q.QueryRowContext(r.ctx, `SELECT points FROM holders WHERE id = ?`, id).Scan(&p); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		base[id] = p + delta[id]
	}
	r.overlay = func(id string) (int, bool) {
		p, ok := base[id]
		return p, ok
	}
	return nil
}

func (r *reader) Meta(key string) (string, bool, error) {
	var v string
	err := r.q.QueryRowContext(r.ctx, `SELECT value FROM meta WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return v, err == nil, r.s.classify("read meta", err)
}

func (r *reader) Terminal(id string) (ledger.TerminalRow, bool, error) {
	return r.terminalWhere(`id = ?`, id)
}

func (r *reader) TerminalByToken(hash string) (ledger.TerminalRow, bool, error) {
	return r.terminalWhere(`token_hash = ?`, hash)
}

func (r *reader) terminalWhere(where string, arg any) (ledger.TerminalRow, bool, error) {
	t, err := scanTerminal(r.q.QueryRowContext(r.ctx, `SELECT `+terminalColumns+` FROM terminals WHERE `+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return t, false, nil
	}
	return t, err == nil, r.s.classify("read terminal", err)
}

func (r *reader) Terminals() ([]ledger.TerminalRow, error) {
	rows, err := r.q.QueryContext(r.ctx, `SELECT `+terminalColumns+` FROM terminals ORDER BY created, id`)
	if err != nil {
		return nil, r.s.classify("list terminals", err)
	}
	defer rows.Close()
	var out []ledger.TerminalRow
	for rows.Next() {
		t, err := scanTerminal(rows)
		if err != nil {
			return nil, r.s.classify("list terminals", err)
		}
		out = append(out, t)
	}
	return out, r.s.classify("list terminals", rows.Err())
}

func (r *reader) Entity(kind, id string) ([]byte, bool, error) {
	var data []byte
	err := r.q.QueryRowContext(r.ctx, `SELECT data FROM entities WHERE kind = ? AND id = ?`, kind, id).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	return data, err == nil, r.s.classify("read "+kind, err)
}

func (r *reader) Entities(kind, owner string, fn func(id string, data []byte) error) error {
	q, args := `SELECT id, data FROM entities WHERE kind = ? ORDER BY id`, []any{kind}
	if owner != "" {
		q, args = `SELECT id, data FROM entities WHERE kind = ? AND owner = ? ORDER BY id`, []any{kind, owner}
	}
	rows, err := r.q.QueryContext(r.ctx, q, args...)
	if err != nil {
		return r.s.classify("list "+kind, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var data []byte
		if err := rows.Scan(&id, &data); err != nil {
			return r.s.classify("list "+kind, err)
		}
		if err := fn(id, data); err != nil {
			return err
		}
	}
	return r.s.classify("list "+kind, rows.Err())
}

func (r *reader) Holder(id string) (balie.Holder, bool, error) {
	h, err := scanHolder(r.q.QueryRowContext(r.ctx, `SELECT `+holderColumns+` FROM holders WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return h, false, nil
	}
	if err != nil {
		return h, false, r.s.classify("read holder", err)
	}
	if err := r.balances(); err != nil {
		return h, false, r.s.classify("read balance", err)
	}
	if p, ok := r.overlay(id); ok {
		h.Points = p
	}
	return h, true, nil
}

func (r *reader) Card(n balie.CardNumber) (balie.Card, bool, error) {
	c, err := scanCard(r.q.QueryRowContext(r.ctx, `SELECT `+cardColumns+` FROM cards WHERE number = ?`, string(n)))
	if errors.Is(err, sql.ErrNoRows) {
		return c, false, nil
	}
	return c, err == nil, r.s.classify("read card", err)
}

func (r *reader) HolderCards(holder string) ([]balie.Card, error) {
	rows, err := r.q.QueryContext(r.ctx, `SELECT `+cardColumns+` FROM cards WHERE holder_id = ? AND holder_id <> '' ORDER BY number`, holder)
	if err != nil {
		return nil, r.s.classify("read cards", err)
	}
	defer rows.Close()
	var out []balie.Card
	for rows.Next() {
		c, err := scanCard(rows)
		if err != nil {
			return nil, r.s.classify("read cards", err)
		}
		out = append(out, c)
	}
	return out, r.s.classify("read cards", rows.Err())
}

func (r *reader) Memberships(holder string) ([]balie.Membership, error) {
	rows, err := r.q.QueryContext(r.ctx, `SELECT program_id, start, end FROM memberships WHERE holder_id = ? ORDER BY start, program_id`, holder)
	if err != nil {
		return nil, r.s.classify("read memberships", err)
	}
	defer rows.Close()
	var out []balie.Membership
	for rows.Next() {
		m := balie.Membership{HolderID: holder}
		var start, end string
		if err := rows.Scan(&m.ProgramID, &start, &end); err != nil {
			return nil, r.s.classify("read memberships", err)
		}
		if m.Start, err = parseInstant(start); err == nil {
			m.End, err = parseInstant(end)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, r.s.classify("read memberships", rows.Err())
}

func (r *reader) RewardUnits(id string) (int, error) {
	var n int
	err := r.q.QueryRowContext(r.ctx, `SELECT units FROM reward_units WHERE id = ?`, id).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return n, r.s.classify("read reward units", err)
}

func (r *reader) Balances(fn func(holder string, initial, current int) error) error {
	if err := r.balances(); err != nil {
		return r.s.classify("read balances", err)
	}
	rows, err := r.q.QueryContext(r.ctx, `SELECT id, initial_points, points FROM holders`)
	if err != nil {
		return r.s.classify("read balances", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var initial, current int
		if err := rows.Scan(&id, &initial, &current); err != nil {
			return r.s.classify("read balances", err)
		}
		if p, ok := r.overlay(id); ok {
			current = p
		}
		if err := fn(id, initial, current); err != nil {
			return err
		}
	}
	return r.s.classify("read balances", rows.Err())
}

func (r *reader) Events(after int64, limit int, fn func(ledger.StoredEvent) error) error {
	q, args := `SELECT `+storedColumns+` FROM events e WHERE e.ingest > ? ORDER BY e.ingest`, []any{after}
	if limit > 0 {
		q, args = q+` LIMIT ?`, append(args, limit)
	}
	return r.events(q, args, fn)
}

func (r *reader) events(q string, args []any, fn func(ledger.StoredEvent) error) error {
	rows, err := r.q.QueryContext(r.ctx, q, args...)
	if err != nil {
		return r.s.classify("read events", err)
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanStored(rows)
		if err != nil {
			return r.s.classify("read events", err)
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return r.s.classify("read events", rows.Err())
}

func (r *reader) Event(id string) (ledger.StoredEvent, bool, error) {
	var out ledger.StoredEvent
	found := false
	err := r.events(`SELECT `+storedColumns+` FROM events e WHERE e.id = ?`, []any{id}, func(e ledger.StoredEvent) error {
		out, found = e, true
		return nil
	})
	return out, found, err
}

func (r *reader) TerminalEvents(terminal string, from int64, fn func(ledger.StoredEvent) error) error {
	return r.events(`SELECT `+storedColumns+` FROM events e WHERE e.terminal = ? AND e.seq >= ? ORDER BY e.seq`, []any{terminal, from}, fn)
}

func (r *reader) Signatures(terminal string) ([]ledger.Signature, error) {
	rows, err := r.q.QueryContext(r.ctx, `SELECT seq, signature FROM signatures WHERE terminal = ? ORDER BY seq`, terminal)
	if err != nil {
		return nil, r.s.classify("read signatures", err)
	}
	defer rows.Close()
	var out []ledger.Signature
	for rows.Next() {
		s := ledger.Signature{Terminal: terminal}
		if err := rows.Scan(&s.Seq, &s.Signature); err != nil {
			return nil, r.s.classify("read signatures", err)
		}
		out = append(out, s)
	}
	return out, r.s.classify("read signatures", rows.Err())
}

func (r *reader) Changes(after int64, limit int, fn func(seq int64, kind, key []byte, deleted bool, data []byte)) error {
	return r.changes(`SELECT seq, kind, key, deleted, data FROM changes WHERE seq > ? ORDER BY seq LIMIT ?`, []any{after, limit}, fn)
}

// changes runs a query of the change log's rows (seq, kind, key,
// deleted, data) and hands each to fn, its bytes valid during the call.
func (r *reader) changes(q string, args []any, fn func(seq int64, kind, key []byte, deleted bool, data []byte)) error {
	rows, err := r.q.QueryContext(r.ctx, q, args...)
	if err != nil {
		return r.s.classify("read changes", err)
	}
	defer rows.Close()
	for rows.Next() {
		var seq int64
		var kind, key, data sql.RawBytes
		var deleted bool
		if err := rows.Scan(&seq, &kind, &key, &deleted, &data); err != nil {
			return r.s.classify("read changes", err)
		}
		fn(seq, kind, key, deleted, data)
	}
	return r.s.classify("read changes", rows.Err())
}

func (r *reader) LastChange() (int64, error) {
	var n int64
	err := r.q.QueryRowContext(r.ctx, `SELECT coalesce(max(seq), 0) FROM changes`).Scan(&n)
	return n, r.s.classify("read changes", err)
}

func (r *reader) MoneyLines(fn func(ledger.MoneyLine) error) error {
	rows, err := r.q.QueryContext(r.ctx, `SELECT e.id, m.line, m.kind, m.event_id, m.tariff_id, m.organiser_id, m.payment, m.day, m.quantity,
		m.regular, m.holder_share, m.organiser_share, m.city_share, m.amount, coalesce(v.id, '')
		FROM money_lines m JOIN events e ON e.ingest = m.ingest LEFT JOIN events v ON v.ingest = m.void_of ORDER BY m.id`)
	if err != nil {
		return r.s.classify("read money", err)
	}
	defer rows.Close()
	for rows.Next() {
		var m ledger.MoneyLine
		var pay string
		if err := rows.Scan(&m.EventID, &m.Line, &m.Kind, &m.Activity, &m.TariffID, &m.OrganiserID, &pay, &m.Day, &m.Quantity,
			&m.Regular, &m.Shares.Holder, &m.Shares.Organiser, &m.Shares.City, &m.Amount, &m.VoidOf); err != nil {
			return r.s.classify("read money", err)
		}
		m.Payment = balie.PaymentMethod(pay)
		if err := fn(m); err != nil {
			return err
		}
	}
	return r.s.classify("read money", rows.Err())
}

func (r *reader) Flags() ([]ledger.Flag, error) {
	rows, err := r.q.QueryContext(r.ctx, `SELECT e.id, f.code, f.holder_id, f.detail FROM review_flags f JOIN events e ON e.ingest = f.ingest
		WHERE f.resolved = 0 ORDER BY f.id`)
	if err != nil {
		return nil, r.s.classify("read review flags", err)
	}
	defer rows.Close()
	var out []ledger.Flag
	for rows.Next() {
		var f ledger.Flag
		if err := rows.Scan(&f.EventID, &f.Code, &f.HolderID, &f.Detail); err != nil {
			return nil, r.s.classify("read review flags", err)
		}
		out = append(out, f)
	}
	return out, r.s.classify("read review flags", rows.Err())
}

func (r *reader) Stats() (ledger.DirectoryStats, error) {
	var s ledger.DirectoryStats
	err := r.q.QueryRowContext(r.ctx, `SELECT (SELECT count(*) FROM holders), (SELECT count(*) FROM cards), (SELECT count(*) FROM events), (SELECT count(*) FROM changes)`).
		Scan(&s.Holders, &s.Cards, &s.Events, &s.Changes)
	return s, r.s.classify("count directory", err)
}

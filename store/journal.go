package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/balie/balie"
	"github.com/google/uuid"
)

// Meta keys.
const (
	metaTerminal = "terminal_id"
	metaDesk     = "desk_id"
	metaCursor   = "download_cursor"
)

func (d *DB) meta(ctx context.Context, q querier, key string) (string, error) {
	var v string
	err := q.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", d.classify("read "+key, err)
	}
	return v, nil
}

func (d *DB) setMeta(ctx context.Context, key, value string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	_, err := d.db.ExecContext(ctx, `INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, value)
	return d.classify("write "+key, err)
}

// TerminalID returns this terminal's id, making one (a UUIDv7) the first
// time: it names the terminal's journal for good.
func (d *DB) TerminalID(ctx context.Context) (string, error) {
	id, err := d.meta(ctx, d.db, metaTerminal)
	if err != nil || id != "" {
		return id, err
	}
	u, err := uuid.NewV7()
	if err != nil {
		return "", fmt.Errorf("make terminal id: %w", err)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	// INSERT OR IGNORE: if another opener won the race, its id stays.
	if _, err := d.db.ExecContext(ctx, `INSERT OR IGNORE INTO meta(key, value) VALUES (?, ?)`, metaTerminal, u.String()); err != nil {
		return "", d.classify("write terminal id", err)
	}
	return d.meta(ctx, d.db, metaTerminal)
}

// SetTerminalID names the terminal, as enrolment with a ledger does. It
// refuses to rename a terminal that already has a journal.
func (d *DB) SetTerminalID(ctx context.Context, id string) error {
	cur, err := d.meta(ctx, d.db, metaTerminal)
	if err != nil {
		return err
	}
	if cur == id {
		return nil
	}
	var n int
	if n, err = countRows(ctx, d.db, `SELECT count(*) FROM journal`); err != nil {
		return d.classify("set terminal id", err)
	}
	if n > 0 {
		return fmt.Errorf("set terminal id: the journal of %s already has %d events", cur, n)
	}
	return d.setMeta(ctx, metaTerminal, id)
}

// DeskID returns the desk this terminal serves, "" when none is set.
func (d *DB) DeskID(ctx context.Context) (string, error) { return d.meta(ctx, d.db, metaDesk) }

// SetDesk sets the desk this terminal serves.
func (d *DB) SetDesk(ctx context.Context, deskID string) error {
	if _, err := d.Desk(ctx, deskID); err != nil {
		return err
	}
	return d.setMeta(ctx, metaDesk, deskID)
}

// act runs fn in one write transaction for the staff member staffID and
// commits it durably. fn decides and calls rec.append for the events it
// records; nothing is written when fn returns an error.
func (d *DB) act(ctx context.Context, op, staffID string, fn func(tx *sql.Tx, rec *recorder) error) error {
	if err := d.actLocked(ctx, op, staffID, fn); err != nil {
		return err
	}
	if d.onCommit != nil {
		d.onCommit()
	}
	return nil
}

func (d *DB) actLocked(ctx context.Context, op, staffID string, fn func(tx *sql.Tx, rec *recorder) error) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return d.classify(op, err)
	}
	defer tx.Rollback()
	terminal, err := d.meta(ctx, tx, metaTerminal)
	if err != nil {
		return err
	}
	if terminal == "" {
		return fmt.Errorf("%s: the terminal has no id yet", op)
	}
	if _, err := d.requireStaff(ctx, tx, staffID); err != nil {
		return err
	}
	rec := &recorder{d: d, ctx: ctx, tx: tx, terminal: terminal, now: d.now()}
	if err := fn(tx, rec); err != nil {
		return d.classify(op, err)
	}
	if err := tx.Commit(); err != nil {
		return d.classify(op, err)
	}
	return nil
}

// recorder appends events to the journal inside one act's transaction.
type recorder struct {
	d        *DB
	ctx      context.Context
	tx       *sql.Tx
	terminal string
	now      time.Time
}

// append writes one event after the last one, chained to its hash, and
// queues it for upload.
func (r *recorder) append(staff string, kind balie.Kind, payload any) (balie.JournalEvent, error) {
	body, err := json.Marshal(payload)
	if err != nil {
		return balie.JournalEvent{}, fmt.Errorf("encode %s: %w", kind, err)
	}
	// The same bounds the ledger holds an act to: a desk never records
	// what the ledger would refuse as impossible.
	if _, err := balie.DecodePayload(kind, body); err != nil {
		return balie.JournalEvent{}, err
	}
	id, err := uuid.NewV7()
	if err != nil {
		return balie.JournalEvent{}, fmt.Errorf("make event id: %w", err)
	}
	e := balie.JournalEvent{
		ID: id.String(), Terminal: r.terminal, Time: r.now.UTC(), Staff: staff,
		Kind: kind, Payload: json.RawMessage(body), PrevHash: balie.GenesisHash, Seq: 1,
	}
	var last sql.NullInt64
	var prev sql.NullString
	err = r.tx.QueryRowContext(r.ctx, `SELECT seq, hash FROM journal ORDER BY seq DESC LIMIT 1`).Scan(&last, &prev)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return e, fmt.Errorf("read journal head: %w", err)
	default:
		e.Seq, e.PrevHash = last.Int64+1, prev.String
	}
	e.Hash = e.ComputeHash()
	if _, err := r.tx.ExecContext(r.ctx, `INSERT INTO journal(seq, id, terminal, time, staff, kind, payload, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?)`,
		e.Seq, e.ID, e.Terminal, e.Time.Format(balie.TimeFormat), e.Staff, string(e.Kind), []byte(e.Payload), e.PrevHash, e.Hash); err != nil {
		return e, fmt.Errorf("append %s: %w", kind, err)
	}
	if _, err := r.tx.ExecContext(r.ctx, `INSERT INTO upload(seq) VALUES (?)`, e.Seq); err != nil {
		return e, fmt.Errorf("queue %s: %w", kind, err)
	}
	return e, nil
}

// Journal calls fn for every event from seq from on, in order. It reads
// in pages so a long journal never sits in memory.
func (d *DB) Journal(ctx context.Context, from int64, fn func(balie.JournalEvent) error) error {
	const page = 1000
	for {
		batch, err := d.journalPage(ctx, from, page)
		if err != nil {
			return err
		}
		for _, e := range batch {
			if err := fn(e); err != nil {
				return err
			}
		}
		if len(batch) < page {
			return nil
		}
		from = batch[len(batch)-1].Seq + 1
	}
}

// journalPage reads up to limit events from seq from on.
func (d *DB) journalPage(ctx context.Context, from int64, limit int) ([]balie.JournalEvent, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT seq, id, terminal, time, staff, kind, payload, prev_hash, hash FROM journal WHERE seq >= ? ORDER BY seq LIMIT ?`, from, limit)
	if err != nil {
		return nil, d.classify("read journal", err)
	}
	defer rows.Close()
	var batch []balie.JournalEvent
	for rows.Next() {
		var e balie.JournalEvent
		var at, kind string
		var payload []byte
		if err := rows.Scan(&e.Seq, &e.ID, &e.Terminal, &at, &e.Staff, &kind, &payload, &e.PrevHash, &e.Hash); err != nil {
			return nil, d.classify("read journal", err)
		}
		if e.Time, err = time.Parse(balie.TimeFormat, at); err != nil {
			return nil, fmt.Errorf("read journal seq %d: %w", e.Seq, err)
		}
		e.Kind, e.Payload = balie.Kind(kind), payload
		batch = append(batch, e)
	}
	return batch, d.classify("read journal", rows.Err())
}

// VerifyJournal checks the hash chain and the sequence from the first
// event to the last and returns how many events verified.
func (d *DB) VerifyJournal(ctx context.Context) (int64, error) {
	v := balie.NewChainVerifier()
	err := d.Journal(ctx, 1, v.Next)
	return v.Count(), err
}

// Totals lists the money taken on the Brussels day of at.
func (d *DB) Totals(ctx context.Context, at time.Time) ([]balie.TotalLine, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT kind, payment, organiser_id, count, amount FROM totals WHERE day = ? ORDER BY kind, payment, organiser_id`, balie.BusinessDay(at))
	if err != nil {
		return nil, d.classify("read totals", err)
	}
	defer rows.Close()
	var out []balie.TotalLine
	for rows.Next() {
		var l balie.TotalLine
		var kind, pay string
		if err := rows.Scan(&kind, &pay, &l.OrganiserID, &l.Count, &l.Amount); err != nil {
			return nil, d.classify("read totals", err)
		}
		l.Kind, l.Payment = balie.Kind(kind), balie.PaymentMethod(pay)
		out = append(out, l)
	}
	return out, d.classify("read totals", rows.Err())
}

package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/balie/balie"
	"github.com/balie/balie/ledger"
)

// writeTx is a directory write: the core's operations on the tables, in
// the writer's transaction.
type writeTx struct {
	reader
	s   *Store
	tx  *sql.Tx
	ctx context.Context

	cards    []balie.CardNumber // changed, to drop from the cache once committed
	prepared map[string]*sql.Stmt
}

var _ ledger.WriteTx = (*writeTx)(nil)

// exec runs a statement of the directory's, prepared once per
// transaction: a seed writes thousands of rows a transaction with a
// handful of them. (The write connection is the transaction's, so a
// statement cannot be prepared on it for good in the middle of one.)
func (w *writeTx) exec(op, q string, args ...any) error {
	st, ok := w.prepared[q]
	if !ok {
		var err error
		if st, err = w.tx.PrepareContext(w.ctx, q); err != nil {
			return w.s.classify(op, err)
		}
		if w.prepared == nil {
			w.prepared = map[string]*sql.Stmt{}
		}
		w.prepared[q] = st
	}
	if _, err := st.ExecContext(w.ctx, args...); err != nil {
		return w.s.classify(op, err)
	}
	return nil
}

// committed drops from the cache what the transaction changed.
func (w *writeTx) committed() {
	for _, n := range w.cards {
		delete(w.s.cache.cards, n)
	}
}

func (w *writeTx) SetMeta(key, value string) error {
	return w.exec("write meta", `INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, value)
}

func (w *writeTx) PutEntity(kind, id, owner string, data []byte) error {
	return w.exec("store "+kind, `INSERT INTO entities(kind, id, owner, data) VALUES (?,?,?,?)
		ON CONFLICT(kind, id) DO UPDATE SET owner = excluded.owner, data = excluded.data`, kind, id, owner, data)
}

func (w *writeTx) DeleteEntity(kind, id string) error {
	return w.exec("delete "+kind, `DELETE FROM entities WHERE kind = ? AND id = ?`, kind, id)
}

func (w *writeTx) PutHolder(h balie.Holder, points int) error {
	args := holderArgs(h)
	// A holder the ledger has keeps their points: balances change through
	// acts only, and the hot state may hold a newer one than the table.
	return w.exec("store holder", `INSERT INTO holders(`+holderColumns+`, initial_points, key_last, key_first) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)
		ON CONFLICT(id) DO UPDATE SET first_name = excluded.first_name, last_name = excluded.last_name, birth_date = excluded.birth_date,
		postal_code = excluded.postal_code, card_systems = excluded.card_systems, social_state = excluded.social_state,
		social_end = excluded.social_end, social_grace_end = excluded.social_grace_end, key_last = excluded.key_last, key_first = excluded.key_first`,
		append(args, points, points, ledger.KeyLast(h), ledger.KeyFirst(h))...)
}

func (w *writeTx) PutCard(c balie.Card) error {
	w.cards = append(w.cards, c.Number)
	_, err := w.tx.StmtContext(w.ctx, w.s.ins.setCard).ExecContext(w.ctx, cardArgs(c)...)
	return w.s.classify("store card", err)
}

func (w *writeTx) AddMembership(m balie.Membership) error {
	return w.exec("store membership", `INSERT INTO memberships(holder_id, program_id, start, end) VALUES (?,?,?,?)`,
		m.HolderID, m.ProgramID, fmtInstant(m.Start), fmtInstant(m.End))
}

func (w *writeTx) Change(c ledger.Change) error {
	var data any
	if !c.Deleted {
		data = c.Data
	}
	_, err := w.tx.StmtContext(w.ctx, w.s.ins.change).ExecContext(w.ctx, c.Kind, c.Key, c.Deleted, data, c.Audience)
	return w.s.classify("append change", err)
}

func (w *writeTx) AddTerminal(t ledger.TerminalRow) error {
	err := w.exec("add terminal", `INSERT INTO terminals(`+terminalColumns+`) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`, terminalArgs(t)...)
	if isUnique(errors.Unwrap(err)) {
		return errors.New("add terminal: a terminal with this id or token exists")
	}
	return err
}

func (w *writeTx) UpdateTerminal(t ledger.TerminalRow) error {
	// The head (last seq and hash) is the uploads' to move, never this.
	args := append(terminalArgs(t)[1:13], t.ID)
	return w.exec("update terminal", `UPDATE terminals SET name = ?, organiser_id = ?, location = ?, status = ?, created = ?, token_hash = ?,
		token_expires = ?, token_used = ?, secret_hash = ?, public_key = ?, enrolled = ?, revoked = ? WHERE id = ?`, args...)
}

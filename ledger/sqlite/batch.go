package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/balie/balie"
	"github.com/balie/balie/ledger"
)

// batchTx is one upload inside a group's transaction: it reads through
// the batches before it in the group, the hot state, the caches and the
// tables, in that order, and writes its effects.
type batchTx struct {
	s     *Store
	tx    *sql.Tx
	ctx   context.Context
	g     *groupState
	ov    *overlay
	stmts map[*sql.Stmt]*sql.Stmt
}

// stmt binds a prepared statement to the transaction.
func (b *batchTx) stmt(s *sql.Stmt) *sql.Stmt {
	if t, ok := b.stmts[s]; ok {
		return t
	}
	t := b.tx.StmtContext(b.ctx, s)
	b.stmts[s] = t
	return t
}

func (b *batchTx) Terminal(id string) (ledger.TerminalRow, bool, error) {
	t, err := scanTerminal(b.stmt(b.s.ins.head).QueryRowContext(b.ctx, id))
	if errors.Is(err, sql.ErrNoRows) {
		return t, false, nil
	}
	return t, err == nil, err
}

func (b *batchTx) Stored(terminal string, from, to int64) ([]ledger.StoredEvent, error) {
	rows, err := b.stmt(b.s.ins.stored).QueryContext(b.ctx, terminal, from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ledger.StoredEvent
	for rows.Next() {
		e, err := scanStored(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

func (b *batchTx) Targets(terminal string, ids []string) (map[string]ledger.Target, error) {
	out := map[string]ledger.Target{}
	err := bulk(b.ctx, b.stmt(b.s.ins.someTargets), []any{terminal}, ids, 1, func(rows *sql.Rows) error {
		id, t, err := scanTarget(rows)
		if err == nil {
			out[id] = t
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	// A check-in folded before the void has its usage in the table; one
	// still pending is voided in memory.
	return out, nil
}

// points is a holder's balance as this group sees it, when memory has it.
func (b *batchTx) points(id string) (int, bool) {
	if p, ok := b.ov.points[id]; ok {
		return p, true
	}
	for i := len(b.g.overlays) - 1; i >= 0; i-- {
		if p, ok := b.g.overlays[i].points[id]; ok {
			return p, true
		}
	}
	if p, ok := b.s.hot.points[id]; ok {
		return p, true
	}
	p, ok := b.s.cache.points[id]
	return p, ok
}

func (b *batchTx) Holders(ids []string) (map[string]int, error) {
	out := make(map[string]int, len(ids))
	var missing []string
	for _, id := range ids {
		if p, ok := b.points(id); ok {
			out[id] = p
		} else {
			missing = append(missing, id)
		}
	}
	err := bulk(b.ctx, b.stmt(b.s.ins.somePoints), nil, missing, 1, func(rows *sql.Rows) error {
		var id string
		var p int
		if err := rows.Scan(&id, &p); err != nil {
			return err
		}
		out[id] = p
		b.ov.cached = append(b.ov.cached, cachedPoint{id, p})
		return nil
	})
	return out, err
}

func (b *batchTx) HolderDetails(ids []string) (map[string]balie.Holder, error) {
	out := make(map[string]balie.Holder, len(ids))
	err := bulk(b.ctx, b.stmt(b.s.ins.someHolders), nil, ids, 1, func(rows *sql.Rows) error {
		h, err := scanHolder(rows)
		if err != nil {
			return err
		}
		if p, ok := b.points(h.ID); ok {
			h.Points = p
		}
		out[h.ID] = h
		return nil
	})
	return out, err
}

func (b *batchTx) card(n balie.CardNumber) (balie.Card, bool) {
	if c, ok := b.ov.cards[n]; ok {
		return c, true
	}
	for i := len(b.g.overlays) - 1; i >= 0; i-- {
		if c, ok := b.g.overlays[i].cards[n]; ok {
			return c, true
		}
	}
	c, ok := b.s.cache.cards[n]
	return c, ok
}

func (b *batchTx) Cards(numbers []balie.CardNumber) (map[balie.CardNumber]balie.Card, error) {
	out := make(map[balie.CardNumber]balie.Card, len(numbers))
	var missing []string
	for _, n := range numbers {
		if c, ok := b.card(n); ok {
			out[n] = c
		} else {
			missing = append(missing, string(n))
		}
	}
	err := bulk(b.ctx, b.stmt(b.s.ins.someCards), nil, missing, 1, func(rows *sql.Rows) error {
		c, err := scanCard(rows)
		if err != nil {
			return err
		}
		out[c.Number] = c
		b.ov.cachedCards = append(b.ov.cachedCards, c)
		return nil
	})
	return out, err
}

func (b *batchTx) Entities(kind string, ids []string) (map[string][]byte, error) {
	out := make(map[string][]byte, len(ids))
	err := bulk(b.ctx, b.stmt(b.s.ins.someEntities), []any{kind}, ids, 1, func(rows *sql.Rows) error {
		var id string
		var data []byte
		if err := rows.Scan(&id, &data); err != nil {
			return err
		}
		out[id] = data
		return nil
	})
	return out, err
}

func (b *batchTx) RewardUnits(ids []string) (map[string]int, error) {
	out := make(map[string]int, len(ids))
	err := bulk(b.ctx, b.stmt(b.s.ins.someUnits), nil, ids, 1, func(rows *sql.Rows) error {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return err
		}
		out[id] = n
		return nil
	})
	return out, err
}

func (b *batchTx) Usage(kind ledger.UsageKind, pairs []ledger.Pair) (map[ledger.Pair][]ledger.Use, error) {
	out := make(map[ledger.Pair][]ledger.Use, len(pairs))
	keys := make([]string, 0, 2*len(pairs))
	for _, p := range pairs {
		keys = append(keys, p.Holder, p.Item)
	}
	scan := func(rows *sql.Rows) (ledger.Use, error) {
		u := ledger.Use{Kind: kind}
		err := rows.Scan(&u.Holder, &u.Item, &u.At, &u.Ingest, &u.Line, &u.Quantity)
		return u, err
	}
	var st *sql.Stmt
	switch kind {
	case ledger.UsageCheckin:
		// The check-ins are the events: those of earlier batches of the
		// group are in the transaction already.
		st = b.s.ins.someCheckins
		scan = func(rows *sql.Rows) (ledger.Use, error) {
			u := ledger.Use{Kind: kind}
			var at string
			if err := rows.Scan(&u.Holder, &u.Item, &at, &u.Ingest); err != nil {
				return u, err
			}
			t, err := time.Parse(balie.TimeFormat, at)
			u.At = ledger.Nanos(t)
			return u, err
		}
	case ledger.UsageTicket:
		st = b.s.ins.someTickets
	case ledger.UsageReward:
		st = b.s.ins.someRewards
	default:
		return nil, fmt.Errorf("read usage: unknown kind %q", kind)
	}
	err := bulk(b.ctx, b.stmt(st), nil, keys, 2, func(rows *sql.Rows) error {
		u, err := scan(rows)
		if err != nil {
			return err
		}
		k := ledger.Pair{Holder: u.Holder, Item: u.Item}
		out[k] = append(out[k], u)
		return nil
	})
	return out, err
}

func (b *batchTx) Memberships(pairs []ledger.Pair) (map[ledger.Pair][]ledger.MembershipRow, error) {
	out := make(map[ledger.Pair][]ledger.MembershipRow, len(pairs))
	keys := make([]string, 0, 2*len(pairs))
	for _, p := range pairs {
		keys = append(keys, p.Holder, p.Item)
	}
	err := bulk(b.ctx, b.stmt(b.s.ins.someMembers), nil, keys, 2, func(rows *sql.Rows) error {
		var m ledger.MembershipRow
		var start, end string
		if err := rows.Scan(&m.HolderID, &m.ProgramID, &start, &end, &m.Ingest); err != nil {
			return err
		}
		var err error
		if m.Start, err = parseInstant(start); err != nil {
			return err
		}
		if m.End, err = parseInstant(end); err != nil {
			return err
		}
		k := ledger.Pair{Holder: m.HolderID, Item: m.ProgramID}
		out[k] = append(out[k], m)
		return nil
	})
	return out, err
}

func (b *batchTx) Reserve(n int) (int64, error) {
	first := b.g.last + 1
	b.g.last += int64(n)
	b.ov.last = b.g.last
	return first, nil
}

// apply writes an upload's effects: what is appended in order goes to the
// tables, balances and check-in usage to the overlay (the hot state once
// the group commits).
func (b *batchTx) apply(eff *ledger.Effects) error {
	if eff == nil {
		return nil
	}
	if err := b.insertEvents(eff); err != nil {
		return err
	}
	exec := func(op string, s *sql.Stmt, args ...any) error {
		if _, err := b.stmt(s).ExecContext(b.ctx, args...); err != nil {
			return b.s.classify(op, err)
		}
		return nil
	}
	ins := b.s.ins
	if eff.Signature != nil {
		if err := exec("store signature", ins.signature, eff.Signature.Terminal, eff.Signature.Seq, eff.Signature.Signature); err != nil {
			return err
		}
	}
	if len(eff.Events) > 0 {
		if err := exec("write terminal head", ins.setHead, eff.LastSeq, eff.LastHash, eff.Terminal); err != nil {
			return err
		}
	}
	for _, h := range eff.NewHolders {
		if err := exec("create holder", ins.insertHolder, append(holderArgs(h), 0, 0, ledger.KeyLast(h), ledger.KeyFirst(h))...); err != nil {
			return err
		}
		b.ov.points[h.ID] = 0
	}
	for id, p := range eff.Points {
		b.ov.points[id] = p
	}
	for _, c := range eff.Cards {
		if err := exec("write card", ins.setCard, cardArgs(c)...); err != nil {
			return err
		}
		b.ov.cards[c.Number] = c
	}
	for _, u := range eff.UsageAdd {
		var err error
		switch u.Kind {
		case ledger.UsageCheckin:
			// The event row, with its item, is the usage.
		case ledger.UsageTicket:
			err = exec("count tickets", ins.addTicket, u.Holder, u.Item, u.At, u.Ingest, u.Line, u.Quantity)
		case ledger.UsageReward:
			err = exec("count redemption", ins.addReward, u.Holder, u.Item, u.At, u.Ingest)
		}
		if err != nil {
			return err
		}
	}
	for _, u := range eff.UsageDel {
		if err := b.unuse(u, exec); err != nil {
			return err
		}
	}
	for id, n := range eff.Units {
		if err := exec("write reward units", ins.units, id, n); err != nil {
			return err
		}
	}
	for _, m := range eff.Members {
		if err := exec("add membership", ins.addMember, m.HolderID, m.ProgramID, fmtInstant(m.Start), fmtInstant(m.End), m.Ingest); err != nil {
			return err
		}
	}
	for _, ing := range eff.MembersDel {
		if err := exec("undo membership", ins.delMember, ing); err != nil {
			return err
		}
	}
	if err := b.applySettlement(eff, exec); err != nil {
		return err
	}
	for _, f := range eff.Flags {
		if err := exec("flag for review", ins.flag, f.Ingest, f.Code, f.Holder, f.Detail); err != nil {
			return err
		}
	}
	for _, c := range eff.Changes {
		var data any
		if !c.Deleted {
			data = c.Data
		}
		if err := exec("append change", ins.change, c.Kind, c.Key, c.Deleted, data, c.Audience); err != nil {
			return err
		}
	}
	return nil
}

// unuse removes a voided act from the usage: a check-in is taken out by
// its void in the voids table.
func (b *batchTx) unuse(u ledger.Use, exec func(string, *sql.Stmt, ...any) error) error {
	ins := b.s.ins
	switch u.Kind {
	case ledger.UsageTicket:
		return exec("undo tickets", ins.delTickets, u.Holder, u.Item, u.Ingest)
	case ledger.UsageReward:
		return exec("undo redemption", ins.delReward, u.Holder, u.Item, u.Ingest)
	}
	return nil
}

// insertEvents writes the new events in multi-row statements.
func (b *batchTx) insertEvents(eff *ledger.Effects) error {
	rows := eff.Events
	args := make([]any, 0, 19*eventRows[0])
	for len(rows) > 0 {
		n := eventRows[len(eventRows)-1]
		for _, size := range eventRows {
			if len(rows) >= size {
				n = size
				break
			}
		}
		args = args[:0]
		for _, r := range rows[:n] {
			v := r.Verdict
			args = append(args, r.Ingest, r.ID, r.Terminal, r.Seq, r.Time.UTC().Format(balie.TimeFormat), r.Staff, string(r.Kind),
				[]byte(r.Payload), r.PrevHash, r.Hash, v.Status, v.Code, v.NL, v.EN, eff.Received, r.Holder, r.Points, r.Undo, r.Item)
		}
		if _, err := b.stmt(b.s.ins.events[n]).ExecContext(b.ctx, args...); err != nil {
			if isUnique(err) {
				return ledger.ErrIDTaken
			}
			return b.s.classify("store events", err)
		}
		rows = rows[n:]
	}
	return nil
}

// bulk runs a lookup of many keys, chunk at a time, with per keys a row
// place (1 for a key, 2 for a pair) after the fixed arguments, and calls
// fn for every row.
func bulk(ctx context.Context, st *sql.Stmt, fixed []any, keys []string, per int, fn func(*sql.Rows) error) error {
	args := make([]any, len(fixed)+chunk*per)
	copy(args, fixed)
	for len(keys) > 0 {
		n := min(len(keys), chunk*per)
		for i := range chunk * per {
			args[len(fixed)+i] = ""
			if i < n {
				args[len(fixed)+i] = keys[i]
			}
		}
		keys = keys[n:]
		rows, err := st.QueryContext(ctx, args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			if err := fn(rows); err != nil {
				rows.Close()
				return err
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

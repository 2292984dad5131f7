package postgres

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/balie/balie"
	"github.com/balie/balie/ledger"
	"github.com/jackc/pgx/v5"
)

// writeTx is a directory write. The rows the core puts are kept until a
// read could see them or the transaction commits, then sent in bulk, one
// statement a table in one pipelined round trip: a seed of a million
// holders in transactions of 5000 rows is a few round trips a
// transaction, not one a row. The changes are sent at commit, with their
// seqs taken from the counter as the last step.
type writeTx struct {
	reader
	tx pgx.Tx

	meta     map[string]string
	entities map[string]pendingEntityRow // by kind + "/" + id
	holders  map[string]pendingHolderRow
	cards    map[balie.CardNumber]balie.Card
	members  []balie.Membership
	changes  changeSet
}

type pendingEntityRow struct {
	kind, id, owner string
	data            []byte
	deleted         bool
}

type pendingHolderRow struct {
	h      balie.Holder
	points int // the first put's: a holder put twice keeps the points it came with
}

var _ ledger.WriteTx = (*writeTx)(nil)

func newWriteTx(ctx context.Context, tx pgx.Tx) *writeTx {
	w := &writeTx{tx: tx}
	w.reader = reader{ctx: ctx, q: tx, pending: w.pendingFor}
	w.reset()
	return w
}

func (w *writeTx) reset() {
	w.meta = map[string]string{}
	w.entities = map[string]pendingEntityRow{}
	w.holders = map[string]pendingHolderRow{}
	w.cards = map[balie.CardNumber]balie.Card{}
	w.members = nil
}

// pendingFor sends the rows a read of what with key could see.
func (w *writeTx) pendingFor(what, key string) error {
	dirty := false
	switch what {
	case pendingMeta:
		_, dirty = w.meta[key]
	case pendingEntity:
		if key == "" {
			dirty = len(w.entities) > 0
		} else {
			_, dirty = w.entities[key]
		}
	case pendingHolder:
		if key == "" {
			dirty = len(w.holders) > 0
		} else {
			_, dirty = w.holders[key]
		}
	case pendingCard:
		if key == "" {
			dirty = len(w.cards) > 0
		} else {
			_, dirty = w.cards[balie.CardNumber(key)]
		}
	case pendingMembers:
		dirty = len(w.members) > 0
	default:
		dirty = true
	}
	if !dirty {
		return nil
	}
	return w.send()
}

func (w *writeTx) SetMeta(key, value string) error {
	w.meta[key] = value
	return nil
}

func (w *writeTx) PutEntity(kind, id, owner string, data []byte) error {
	w.entities[kind+"/"+id] = pendingEntityRow{kind: kind, id: id, owner: owner, data: slices.Clone(data)}
	return nil
}

func (w *writeTx) DeleteEntity(kind, id string) error {
	w.entities[kind+"/"+id] = pendingEntityRow{kind: kind, id: id, deleted: true}
	return nil
}

func (w *writeTx) PutHolder(h balie.Holder, points int) error {
	if p, ok := w.holders[h.ID]; ok {
		points = p.points
	}
	h.CardSystems = slices.Clone(h.CardSystems)
	w.holders[h.ID] = pendingHolderRow{h: h, points: points}
	return nil
}

func (w *writeTx) PutCard(c balie.Card) error {
	// A chip UID, once known, is kept when a later write has none, as
	// the upsert does with the stored row.
	if old, ok := w.cards[c.Number]; ok && c.ChipUID == "" {
		c.ChipUID = old.ChipUID
	}
	w.cards[c.Number] = c
	return nil
}

func (w *writeTx) AddMembership(m balie.Membership) error {
	w.members = append(w.members, m)
	return nil
}

func (w *writeTx) Change(c ledger.Change) error {
	w.changes.add(c.Kind, c.Key, c.Deleted, c.Data, c.Audience)
	return nil
}

func (w *writeTx) AddTerminal(t ledger.TerminalRow) error {
	_, err := w.tx.Exec(w.ctx, `INSERT INTO terminals (`+terminalColumns+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)`, terminalArgs(t)...)
	if pgCode(err) == codeUnique {
		return errors.New("add terminal: a terminal with this id or token exists")
	}
	return wrapErr("add terminal", err)
}

func (w *writeTx) UpdateTerminal(t ledger.TerminalRow) error {
	// The head (last seq and hash) is the uploads' to move, never this.
	args := append(terminalArgs(t)[1:13], t.ID)
	_, err := w.tx.Exec(w.ctx, `UPDATE terminals SET name = $1, organiser_id = $2, location = $3, status = $4, created = $5, token_hash = $6,
		token_expires = $7, token_used = $8, secret_hash = $9, public_key = $10, enrolled = $11, revoked = $12 WHERE id = $13`, args...)
	return wrapErr("update terminal", err)
}

// send writes the rows kept so far, in one pipelined round trip. Holders
// and cards go in key order, the order uploads lock them in, so that a
// large write and an upload never wait for each other in a circle.
func (w *writeTx) send() error {
	b := &pgx.Batch{}
	w.queueRows(b)
	if b.Len() == 0 {
		return nil
	}
	if err := w.tx.SendBatch(w.ctx, b).Close(); err != nil {
		return wrapErr("write directory", err)
	}
	w.reset()
	return nil
}

func (w *writeTx) queueRows(b *pgx.Batch) {
	if len(w.meta) > 0 {
		var keys, values []string
		for _, k := range sortedKeys(w.meta) {
			keys, values = append(keys, k), append(values, w.meta[k])
		}
		b.Queue(`INSERT INTO meta (key, value) SELECT * FROM unnest($1::text[], $2::text[])
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, keys, values)
	}
	if len(w.entities) > 0 {
		var dk, di, pk, pi, po []string
		var pd [][]byte
		for _, key := range sortedKeys(w.entities) {
			e := w.entities[key]
			if e.deleted {
				dk, di = append(dk, e.kind), append(di, e.id)
				continue
			}
			pk, pi, po, pd = append(pk, e.kind), append(pi, e.id), append(po, e.owner), append(pd, e.data)
		}
		if len(dk) > 0 {
			b.Queue(`DELETE FROM entities x USING unnest($1::text[], $2::text[]) AS d(kind, id) WHERE x.kind = d.kind AND x.id = d.id`, dk, di)
		}
		if len(pk) > 0 {
			b.Queue(`INSERT INTO entities (kind, id, owner, data) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bytea[])
				ON CONFLICT (kind, id) DO UPDATE SET owner = excluded.owner, data = excluded.data`, pk, pi, po, pd)
		}
	}
	if len(w.holders) > 0 {
		ids := sortedKeys(w.holders)
		cols := make([][]string, 9)
		points := make([]int64, 0, len(ids))
		var keyLast, keyFirst [][]byte
		for _, id := range ids {
			p := w.holders[id]
			h := p.h
			for i, v := range []string{h.ID, h.FirstName, h.LastName, fmtDate(h.BirthDate), h.PostalCode, strings.Join(h.CardSystems, ","),
				string(h.SocialTariff.State), fmtDate(h.SocialTariff.EndDate), fmtDate(h.SocialTariff.GraceEnd)} {
				cols[i] = append(cols[i], v)
			}
			points = append(points, int64(p.points))
			keyLast, keyFirst = append(keyLast, ledger.KeyLast(h)), append(keyFirst, ledger.KeyFirst(h))
		}
		// A holder the ledger has keeps their points: balances change
		// through acts only.
		b.Queue(`INSERT INTO holders (`+holderColumns+`, initial_points, key_last, key_first)
			SELECT u.id, u.first_name, u.last_name, u.birth_date, u.postal_code, u.card_systems, u.social_state, u.social_end, u.social_grace_end,
				u.points, u.points, u.key_last, u.key_first
			FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::bigint[], $11::bytea[], $12::bytea[])
				AS u(id, first_name, last_name, birth_date, postal_code, card_systems, social_state, social_end, social_grace_end, points, key_last, key_first)
			ON CONFLICT (id) DO UPDATE SET first_name = excluded.first_name, last_name = excluded.last_name, birth_date = excluded.birth_date,
				postal_code = excluded.postal_code, card_systems = excluded.card_systems, social_state = excluded.social_state,
				social_end = excluded.social_end, social_grace_end = excluded.social_grace_end, key_last = excluded.key_last, key_first = excluded.key_first`,
			cols[0], cols[1], cols[2], cols[3], cols[4], cols[5], cols[6], cols[7], cols[8], points, keyLast, keyFirst)
	}
	if len(w.cards) > 0 {
		cs := make([]balie.Card, 0, len(w.cards))
		for _, n := range sortedKeys(w.cards) {
			cs = append(cs, w.cards[n])
		}
		queueCards(b, cs)
	}
	if len(w.members) > 0 {
		var hs, ps, ss, es []string
		for _, m := range w.members {
			hs, ps, ss, es = append(hs, m.HolderID), append(ps, m.ProgramID), append(ss, fmtInstant(m.Start)), append(es, fmtInstant(m.End))
		}
		b.Queue(`INSERT INTO memberships (holder_id, program_id, starts, ends) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])`,
			hs, ps, ss, es)
	}
}

// commit sends what is kept and the changes, under the counter as the
// last step; the transaction commits after.
func (w *writeTx) commit() error {
	b := &pgx.Batch{}
	w.queueRows(b)
	w.changes.queue(b)
	if b.Len() == 0 {
		return nil
	}
	if err := w.tx.SendBatch(w.ctx, b).Close(); err != nil {
		return wrapErr("write directory", err)
	}
	w.reset()
	w.changes = changeSet{}
	return nil
}

// queueCards upserts cards, whose order the caller chose.
func queueCards(b *pgx.Batch, cs []balie.Card) {
	cols := make([][]string, 6)
	for _, c := range cs {
		for i, v := range []string{string(c.Number), string(c.ChipUID), string(c.Status), c.CardSystem, c.HolderID, c.StockDesk} {
			cols[i] = append(cols[i], v)
		}
	}
	b.Queue(`INSERT INTO cards (`+cardColumns+`) SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
		ON CONFLICT (number) DO UPDATE SET chip_uid = CASE WHEN excluded.chip_uid <> '' THEN excluded.chip_uid ELSE cards.chip_uid END,
			status = excluded.status, card_system = excluded.card_system, holder_id = excluded.holder_id, stock_desk = excluded.stock_desk`,
		cols[0], cols[1], cols[2], cols[3], cols[4], cols[5])
}

// changeSet is a transaction's changes, one per kind and key (the last
// one given wins, in the place it was given), as the log keeps them.
type changeSet struct {
	at      map[[2]string]int
	kinds   []string
	keys    []string
	deleted []bool
	data    [][]byte
	aud     []string
	live    []bool
	n       int
}

func (c *changeSet) add(kind, key string, deleted bool, data []byte, audience string) {
	if c.at == nil {
		c.at = map[[2]string]int{}
	}
	k := [2]string{kind, key}
	if i, ok := c.at[k]; ok {
		c.live[i] = false
		c.n--
	}
	if deleted {
		data = nil
	} else {
		data = slices.Clone(data)
	}
	c.at[k] = len(c.kinds)
	c.kinds, c.keys, c.deleted, c.data, c.live = append(c.kinds, kind), append(c.keys, key), append(c.deleted, deleted), append(c.data, data), append(c.live, true)
	c.aud = append(c.aud, audience)
	c.n++
}

// queue adds the statements that write the changes and give them their
// seqs: the rows first, with this transaction's id and their place in
// it, then, as the last statements of the transaction, the counter, whose
// row lock orders every commit that writes changes, and the one row that
// gives this commit its range of seqs. The lock is held for those two
// rows and the commit.
func (c *changeSet) queue(b *pgx.Batch) {
	if c.n == 0 {
		return
	}
	kinds, keys, deleted, data, aud := c.kinds, c.keys, c.deleted, c.data, c.aud
	if c.n != len(c.kinds) {
		kinds, keys, deleted, data, aud = nil, nil, nil, nil, nil
		for i := range c.kinds {
			if c.live[i] {
				kinds, keys, deleted, data = append(kinds, c.kinds[i]), append(keys, c.keys[i]), append(deleted, c.deleted[i]), append(data, c.data[i])
				aud = append(aud, c.aud[i])
			}
		}
	}
	b.Queue(`WITH t AS (SELECT nextval('change_txs') AS tx)
		INSERT INTO changes (kind, key, deleted, data, audience, tx, pos)
		SELECT u.kind, u.key, u.deleted, u.data, u.audience, t.tx, u.o FROM t, unnest($1::text[], $2::text[], $3::boolean[], $4::bytea[], $5::text[]) WITH ORDINALITY AS u(kind, key, deleted, data, audience, o)
		ON CONFLICT (kind, key) DO UPDATE SET deleted = excluded.deleted, data = excluded.data, audience = excluded.audience, tx = excluded.tx, pos = excluded.pos`,
		kinds, keys, deleted, data, aud)
	b.Queue(`UPDATE change_counter SET n = n + $1 WHERE id = 1`, int64(c.n))
	b.Queue(`INSERT INTO change_commits (tx, first, last) SELECT currval('change_txs'), n - $1 + 1, n FROM change_counter WHERE id = 1`, int64(c.n))
}

func sortedKeys[K ~string, V any](m map[K]V) []K {
	out := make([]K, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

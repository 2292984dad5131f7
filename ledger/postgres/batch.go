package postgres

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/balie/balie"
	"github.com/balie/balie/ledger"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// batchTx is one upload's transaction. The rows the rules decide on are
// locked as the core reads them (SELECT ... FOR UPDATE, in the order it
// asks: its terminal, then holders, cards and rewards, each sorted), so
// that another upload that meets them, through this process or another,
// waits and then reads what this one wrote.
type batchTx struct {
	ctx context.Context
	tx  pgx.Tx
}

var _ ledger.BatchTx = (*batchTx)(nil)

func (b *batchTx) Terminal(id string) (ledger.TerminalRow, bool, error) {
	// The same batch sent to two processes at once: the second waits
	// here, then finds the head moved and answers the repeats.
	t, err := scanTerminal(b.tx.QueryRow(b.ctx, `SELECT `+terminalColumns+` FROM terminals WHERE id = $1 FOR UPDATE`, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return t, false, nil
	}
	return t, err == nil, wrapErr("lock terminal", err)
}

func (b *batchTx) Stored(terminal string, from, to int64) ([]ledger.StoredEvent, error) {
	rows, err := b.tx.Query(b.ctx, `SELECT `+storedColumns+` FROM events e WHERE e.terminal = $1 AND e.seq >= $2 AND e.seq <= $3 ORDER BY e.seq`, terminal, from, to)
	if err != nil {
		return nil, wrapErr("read stored events", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (ledger.StoredEvent, error) { return scanStored(row) })
	return out, wrapErr("read stored events", err)
}

func (b *batchTx) Targets(terminal string, ids []string) (map[string]ledger.Target, error) {
	out := make(map[string]ledger.Target, len(ids))
	rows, err := b.tx.Query(b.ctx, `SELECT `+targetColumns+` FROM events e WHERE e.terminal = $1 AND e.id = ANY($2)`, terminal, ids)
	if err != nil {
		return nil, wrapErr("read void targets", err)
	}
	defer rows.Close()
	for rows.Next() {
		id, t, err := scanTarget(rows)
		if err != nil {
			return nil, wrapErr("read void targets", err)
		}
		out[id] = t
	}
	return out, wrapErr("read void targets", rows.Err())
}

// lockOrder is keys sorted and without repeats: the order every
// transaction locks rows of one table in. The array's order, not the
// database's collation, decides it, so it is the same on every engine
// and locale.
//
// The lookups of many keys are written as a LATERAL subquery a key: a
// nested loop over the array with an index lookup each, which locks the
// rows in the array's order, and whose cost grows with the batch, never
// with the table (a join the planner may answer with a scan of a million
// holders, or of all the usage ever counted; OFFSET 0 keeps PostgreSQL
// from folding the subquery back into one).
func lockOrder[K ~string](keys []K) []string {
	out := make([]string, 0, len(keys))
	for _, k := range keys {
		if k != "" {
			out = append(out, string(k))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func (b *batchTx) Holders(ids []string) (map[string]int, error) {
	out := make(map[string]int, len(ids))
	rows, err := b.tx.Query(b.ctx, `SELECT h.id, h.points FROM unnest($1::text[]) AS u(id)
		CROSS JOIN LATERAL (SELECT id, points FROM holders WHERE id = u.id FOR UPDATE) AS h`, lockOrder(ids))
	if err != nil {
		return nil, wrapErr("lock holders", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var p int
		if err := rows.Scan(&id, &p); err != nil {
			return nil, wrapErr("lock holders", err)
		}
		out[id] = p
	}
	return out, wrapErr("lock holders", rows.Err())
}

func (b *batchTx) HolderDetails(ids []string) (map[string]balie.Holder, error) {
	out := make(map[string]balie.Holder, len(ids))
	rows, err := b.tx.Query(b.ctx, `SELECT `+holderColumns+` FROM holders WHERE id = ANY($1)`, ids)
	if err != nil {
		return nil, wrapErr("read holders", err)
	}
	defer rows.Close()
	for rows.Next() {
		h, err := scanHolder(rows)
		if err != nil {
			return nil, wrapErr("read holders", err)
		}
		out[h.ID] = h
	}
	return out, wrapErr("read holders", rows.Err())
}

func (b *batchTx) Cards(numbers []balie.CardNumber) (map[balie.CardNumber]balie.Card, error) {
	out := make(map[balie.CardNumber]balie.Card, len(numbers))
	rows, err := b.tx.Query(b.ctx, `SELECT `+prefixed("c.", cardColumns)+` FROM unnest($1::text[]) AS u(number)
		CROSS JOIN LATERAL (SELECT `+cardColumns+` FROM cards WHERE number = u.number FOR UPDATE) AS c`, lockOrder(numbers))
	if err != nil {
		return nil, wrapErr("lock cards", err)
	}
	defer rows.Close()
	for rows.Next() {
		c, err := scanCard(rows)
		if err != nil {
			return nil, wrapErr("lock cards", err)
		}
		out[c.Number] = c
	}
	return out, wrapErr("lock cards", rows.Err())
}

func (b *batchTx) Entities(kind string, ids []string) (map[string][]byte, error) {
	out := make(map[string][]byte, len(ids))
	rows, err := b.tx.Query(b.ctx, `SELECT id, data FROM entities WHERE kind = $1 AND id = ANY($2)`, kind, ids)
	if err != nil {
		return nil, wrapErr("read "+kind, err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var data []byte
		if err := rows.Scan(&id, &data); err != nil {
			return nil, wrapErr("read "+kind, err)
		}
		out[id] = data
	}
	return out, wrapErr("read "+kind, rows.Err())
}

func (b *batchTx) RewardUnits(ids []string) (map[string]int, error) {
	ids = lockOrder(ids)
	out := make(map[string]int, len(ids))
	// A reward nobody redeemed yet has no row to lock: it gets one first
	// (a reward of the catalogue only, so that a forged id makes none).
	batch := &pgx.Batch{}
	batch.Queue(`INSERT INTO reward_units (id, units)
		SELECT e.id, 0 FROM unnest($1::text[]) WITH ORDINALITY AS u(id, o) JOIN entities e ON e.kind = 'reward' AND e.id = u.id ORDER BY u.o
		ON CONFLICT (id) DO NOTHING`, ids)
	batch.Queue(`SELECT r.id, r.units FROM unnest($1::text[]) AS u(id)
		CROSS JOIN LATERAL (SELECT id, units FROM reward_units WHERE id = u.id FOR UPDATE) AS r`, ids).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var id string
			var n int
			if err := rows.Scan(&id, &n); err != nil {
				return err
			}
			out[id] = n
		}
		return rows.Err()
	})
	if err := b.tx.SendBatch(b.ctx, batch).Close(); err != nil {
		return nil, wrapErr("lock reward units", err)
	}
	return out, nil
}

func (b *batchTx) Usage(kind ledger.UsageKind, pairs []ledger.Pair) (map[ledger.Pair][]ledger.Use, error) {
	out := make(map[ledger.Pair][]ledger.Use, len(pairs))
	var q string
	switch kind {
	case ledger.UsageCheckin:
		q = `SELECT u.holder_id, u.event_id, u.at, u.ingest, 0, 0 FROM unnest($1::text[], $2::text[]) AS q(h, i)
			CROSS JOIN LATERAL (SELECT * FROM checkin_usage WHERE holder_id = q.h AND event_id = q.i OFFSET 0) AS u`
	case ledger.UsageTicket:
		q = `SELECT u.holder_id, u.tariff_id, u.at, u.ingest, u.line, u.quantity FROM unnest($1::text[], $2::text[]) AS q(h, i)
			CROSS JOIN LATERAL (SELECT * FROM ticket_usage WHERE holder_id = q.h AND tariff_id = q.i OFFSET 0) AS u`
	case ledger.UsageReward:
		q = `SELECT u.holder_id, u.reward_id, u.at, u.ingest, 0, 0 FROM unnest($1::text[], $2::text[]) AS q(h, i)
			CROSS JOIN LATERAL (SELECT * FROM reward_usage WHERE holder_id = q.h AND reward_id = q.i OFFSET 0) AS u`
	default:
		return nil, fmt.Errorf("read usage: unknown kind %q", kind)
	}
	hs, is := splitPairs(pairs)
	rows, err := b.tx.Query(b.ctx, q, hs, is)
	if err != nil {
		return nil, wrapErr("read usage", err)
	}
	defer rows.Close()
	for rows.Next() {
		u := ledger.Use{Kind: kind}
		if err := rows.Scan(&u.Holder, &u.Item, &u.At, &u.Ingest, &u.Line, &u.Quantity); err != nil {
			return nil, wrapErr("read usage", err)
		}
		k := ledger.Pair{Holder: u.Holder, Item: u.Item}
		out[k] = append(out[k], u)
	}
	return out, wrapErr("read usage", rows.Err())
}

func splitPairs(pairs []ledger.Pair) (holders, items []string) {
	holders, items = make([]string, len(pairs)), make([]string, len(pairs))
	for i, p := range pairs {
		holders[i], items[i] = p.Holder, p.Item
	}
	return holders, items
}

func (b *batchTx) Memberships(pairs []ledger.Pair) (map[ledger.Pair][]ledger.MembershipRow, error) {
	out := make(map[ledger.Pair][]ledger.MembershipRow, len(pairs))
	hs, ps := splitPairs(pairs)
	rows, err := b.tx.Query(b.ctx, `SELECT m.holder_id, m.program_id, m.starts, m.ends, coalesce(m.ingest, 0)
		FROM unnest($1::text[], $2::text[]) AS q(h, p)
		CROSS JOIN LATERAL (SELECT * FROM memberships WHERE holder_id = q.h AND program_id = q.p OFFSET 0) AS m ORDER BY m.id`, hs, ps)
	if err != nil {
		return nil, wrapErr("read memberships", err)
	}
	defer rows.Close()
	for rows.Next() {
		var m ledger.MembershipRow
		var start, end string
		if err := rows.Scan(&m.HolderID, &m.ProgramID, &start, &end, &m.Ingest); err != nil {
			return nil, wrapErr("read memberships", err)
		}
		var err error
		if m.Start, err = parseInstant(start); err != nil {
			return nil, err
		}
		if m.End, err = parseInstant(end); err != nil {
			return nil, err
		}
		k := ledger.Pair{Holder: m.HolderID, Item: m.ProgramID}
		out[k] = append(out[k], m)
	}
	return out, wrapErr("read memberships", rows.Err())
}

// Reserve takes one block of the ingest sequence. The core calls it after
// its reads, so after the locks: of two uploads that meet on a row, the
// one decided second has the higher numbers.
func (b *batchTx) Reserve(n int) (int64, error) {
	if n > ingestBlock {
		return 0, fmt.Errorf("reserve ingest numbers: %d in one batch, at most %d", n, ingestBlock)
	}
	var first int64
	err := b.tx.QueryRow(b.ctx, `SELECT nextval('ingest_blocks')`).Scan(&first)
	return first, wrapErr("reserve ingest numbers", err)
}

// apply writes an upload's effects in one pipelined round trip: a
// statement per table over arrays, the events first, the change log with
// its counter last.
func (b *batchTx) apply(eff *ledger.Effects) error {
	if eff == nil {
		return nil
	}
	batch := &pgx.Batch{}
	if len(eff.Events) > 0 {
		queueEvents(batch, eff)
		batch.Queue(`UPDATE terminals SET last_seq = $1, last_hash = $2 WHERE id = $3`, eff.LastSeq, eff.LastHash, eff.Terminal)
	}
	if s := eff.Signature; s != nil {
		batch.Queue(`INSERT INTO signatures (terminal, seq, signature) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, s.Terminal, s.Seq, s.Signature)
	}
	if len(eff.NewHolders) > 0 {
		cols := make([][]string, 9)
		var keyLast, keyFirst [][]byte
		for _, h := range eff.NewHolders {
			for i, v := range []string{h.ID, h.FirstName, h.LastName, fmtDate(h.BirthDate), h.PostalCode, joinSystems(h.CardSystems),
				string(h.SocialTariff.State), fmtDate(h.SocialTariff.EndDate), fmtDate(h.SocialTariff.GraceEnd)} {
				cols[i] = append(cols[i], v)
			}
			keyLast, keyFirst = append(keyLast, ledger.KeyLast(h)), append(keyFirst, ledger.KeyFirst(h))
		}
		batch.Queue(`INSERT INTO holders (`+holderColumns+`, initial_points, key_last, key_first)
			SELECT u.id, u.first_name, u.last_name, u.birth_date, u.postal_code, u.card_systems, u.social_state, u.social_end, u.social_grace_end, 0, 0, u.key_last, u.key_first
			FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::bytea[], $11::bytea[])
				AS u(id, first_name, last_name, birth_date, postal_code, card_systems, social_state, social_end, social_grace_end, key_last, key_first)`,
			cols[0], cols[1], cols[2], cols[3], cols[4], cols[5], cols[6], cols[7], cols[8], keyLast, keyFirst)
	}
	var changes changeSet
	for _, c := range eff.Changes {
		changes.add(c.Kind, c.Key, c.Deleted, c.Data, c.Audience)
	}
	if len(eff.Points) > 0 {
		ids := sortedKeys(eff.Points)
		points := make([]int64, len(ids))
		for i, id := range ids {
			points[i] = int64(eff.Points[id])
			changes.add(balie.ChangeBalance, id, false, balanceJSON(id, eff.Points[id]), "")
		}
		// The redundant = ANY lets the planner reach the holders by their
		// key whatever it makes of the join: never a scan of them all.
		batch.Queue(`UPDATE holders h SET points = u.points FROM unnest($1::text[], $2::bigint[]) AS u(id, points)
			WHERE h.id = u.id AND h.id = ANY($1)`, ids, points)
	}
	if len(eff.Cards) > 0 {
		// One row per card, the last state the batch gave it, a chip UID
		// kept as PutCard keeps it.
		last := map[balie.CardNumber]balie.Card{}
		for _, c := range eff.Cards {
			if old, ok := last[c.Number]; ok && c.ChipUID == "" {
				c.ChipUID = old.ChipUID
			}
			last[c.Number] = c
		}
		cs := make([]balie.Card, 0, len(last))
		for _, n := range sortedKeys(last) {
			cs = append(cs, last[n])
		}
		queueCards(batch, cs)
	}
	queueUsage(batch, eff)
	if len(eff.Units) > 0 {
		ids := sortedKeys(eff.Units)
		units := make([]int64, len(ids))
		for i, id := range ids {
			units[i] = int64(eff.Units[id])
		}
		batch.Queue(`INSERT INTO reward_units (id, units) SELECT * FROM unnest($1::text[], $2::bigint[])
			ON CONFLICT (id) DO UPDATE SET units = excluded.units`, ids, units)
	}
	if len(eff.Members) > 0 {
		var hs, ps, ss, es []string
		var ing []int64
		for _, m := range eff.Members {
			hs, ps, ss, es, ing = append(hs, m.HolderID), append(ps, m.ProgramID), append(ss, fmtInstant(m.Start)), append(es, fmtInstant(m.End)), append(ing, m.Ingest)
		}
		batch.Queue(`INSERT INTO memberships (holder_id, program_id, starts, ends, ingest)
			SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[])`, hs, ps, ss, es, ing)
	}
	if len(eff.MembersDel) > 0 {
		batch.Queue(`DELETE FROM memberships WHERE ingest = ANY($1)`, eff.MembersDel)
	}
	if len(eff.Money) > 0 {
		queueSettleMoney(batch, eff.Money)
	}
	if len(eff.Voids) > 0 {
		queueSettleVoids(batch, eff.Voids)
	}
	if len(eff.Figures) > 0 {
		queueFigures(batch, eff.Figures)
	}
	if len(eff.Flags) > 0 {
		queueFlags(batch, eff.Flags)
	}
	changes.queue(batch)
	if batch.Len() == 0 {
		return nil
	}
	if err := b.tx.SendBatch(b.ctx, batch).Close(); err != nil {
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == codeUnique && pe.TableName == "events" {
			// An id another terminal's event has: nothing of the batch
			// stays. (The terminal's own seqs cannot clash: its row is
			// locked and its head read under the lock.)
			return ledger.ErrIDTaken
		}
		return wrapErr("write batch", err)
	}
	return nil
}

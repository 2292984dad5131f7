package postgres

import (
	"strings"

	"github.com/balie/balie"
	"github.com/balie/balie/ledger"
	"github.com/jackc/pgx/v5"
)

// The bulk statements of an upload: each takes one array a column and
// unnests them, so a thousand rows are one statement with 19 parameters,
// bound in pgx's binary format.

// eventColumns are the columns a new event is inserted with.
const eventColumns = `ingest, id, terminal, seq, time, staff, kind, payload, prev_hash, hash, status, code, message_nl, message_en, received, holder_id, points, undo, item`

// queueEvents inserts the batch's events. A repeat never comes here (the
// core answers repeats from the stored events), so a conflict is an id
// another terminal's event has: a plain INSERT, whose unique violation
// the caller turns into ErrIDTaken, is cheaper than ON CONFLICT's
// speculative insertion of every row.
func queueEvents(b *pgx.Batch, eff *ledger.Effects) {
	n := len(eff.Events)
	ingest, seq, received, points := make([]int64, n), make([]int64, n), make([]int64, n), make([]int64, n)
	payload := make([][]byte, n)
	text := make([][]string, 14)
	for i := range text {
		text[i] = make([]string, n)
	}
	for i, r := range eff.Events {
		v := r.Verdict
		ingest[i], seq[i], received[i], points[i], payload[i] = r.Ingest, r.Seq, eff.Received, int64(r.Points), []byte(r.Payload)
		for j, s := range []string{r.ID, r.Terminal, r.Time.UTC().Format(balie.TimeFormat), r.Staff, string(r.Kind), r.PrevHash, r.Hash,
			v.Status, v.Code, v.NL, v.EN, r.Holder, r.Undo, r.Item} {
			text[j][i] = s
		}
	}
	b.Queue(`INSERT INTO events (`+eventColumns+`)
		SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::bytea[], $9::text[],
			$10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::bigint[], $16::text[], $17::bigint[], $18::text[], $19::text[])`,
		ingest, text[0], text[1], seq, text[2], text[3], text[4], payload, text[5], text[6], text[7], text[8], text[9], text[10],
		received, text[11], points, text[12], text[13])
}

// queueUsage adds the usage the limits count and removes the voided:
// adds first, since a void may undo an act of the same batch.
func queueUsage(b *pgx.Batch, eff *ledger.Effects) {
	type cols struct {
		holders, items []string
		at, ingest     []int64
		line, quantity []int32
	}
	add := map[ledger.UsageKind]*cols{}
	for _, u := range eff.UsageAdd {
		c := add[u.Kind]
		if c == nil {
			c = &cols{}
			add[u.Kind] = c
		}
		c.holders, c.items, c.at, c.ingest = append(c.holders, u.Holder), append(c.items, u.Item), append(c.at, u.At), append(c.ingest, u.Ingest)
		c.line, c.quantity = append(c.line, int32(u.Line)), append(c.quantity, int32(u.Quantity))
	}
	if c := add[ledger.UsageCheckin]; c != nil {
		b.Queue(`INSERT INTO checkin_usage (holder_id, event_id, at, ingest) SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[])`,
			c.holders, c.items, c.at, c.ingest)
	}
	if c := add[ledger.UsageTicket]; c != nil {
		b.Queue(`INSERT INTO ticket_usage (holder_id, tariff_id, at, ingest, line, quantity)
			SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::integer[], $6::integer[])`,
			c.holders, c.items, c.at, c.ingest, c.line, c.quantity)
	}
	if c := add[ledger.UsageReward]; c != nil {
		b.Queue(`INSERT INTO reward_usage (holder_id, reward_id, at, ingest) SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[])`,
			c.holders, c.items, c.at, c.ingest)
	}
	del := map[ledger.UsageKind]*cols{}
	for _, u := range eff.UsageDel {
		c := del[u.Kind]
		if c == nil {
			c = &cols{}
			del[u.Kind] = c
		}
		c.holders, c.items, c.ingest = append(c.holders, u.Holder), append(c.items, u.Item), append(c.ingest, u.Ingest)
	}
	for kind, table := range map[ledger.UsageKind]string{ledger.UsageCheckin: "checkin_usage", ledger.UsageTicket: "ticket_usage", ledger.UsageReward: "reward_usage"} {
		c := del[kind]
		if c == nil {
			continue
		}
		item := map[ledger.UsageKind]string{ledger.UsageCheckin: "event_id", ledger.UsageTicket: "tariff_id", ledger.UsageReward: "reward_id"}[kind]
		b.Queue(`DELETE FROM `+table+` u USING unnest($1::text[], $2::text[], $3::bigint[]) AS d(h, i, g)
			WHERE u.holder_id = d.h AND u.`+item+` = d.i AND u.ingest = d.g AND u.holder_id = ANY($1)`, c.holders, c.items, c.ingest)
	}
}

// queueFlags raises the flags, numbered within each event in the order
// raised.
func queueFlags(b *pgx.Batch, fs []ledger.FlagRow) {
	n := len(fs)
	ingest, pos := make([]int64, n), make([]int32, n)
	codes, holders, details := make([]string, n), make([]string, n), make([]string, n)
	seen := map[int64]int32{}
	for i, f := range fs {
		ingest[i], pos[i] = f.Ingest, seen[f.Ingest]
		seen[f.Ingest]++
		codes[i], holders[i], details[i] = f.Code, f.Holder, f.Detail
	}
	b.Queue(`INSERT INTO review_flags (ingest, pos, code, holder_id, detail) SELECT * FROM unnest($1::bigint[], $2::integer[], $3::text[], $4::text[], $5::text[])`,
		ingest, pos, codes, holders, details)
}

// prefixed puts p before every column of a column list.
func prefixed(p, columns string) string {
	cols := strings.Split(columns, ", ")
	for i := range cols {
		cols[i] = p + cols[i]
	}
	return strings.Join(cols, ", ")
}

func joinSystems(s []string) string { return strings.Join(s, ",") }

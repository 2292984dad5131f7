package postgres

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/balie/balie"
	"github.com/balie/balie/ledger"
	"github.com/jackc/pgx/v5"
)

// Settlement and figures (issue 10): the money lines with what
// settlement needs, the closed months and the steering group's counters.

const moneyColumns = `ingest, line, kind, event_id, tariff_id, organiser_id, payment, day, quantity, regular, holder_share, organiser_share, city_share, amount,
	card, holder_id, postal_code, card_system, desk, tariff_kind, tariff_name, event_name, event_start, event_end, booked, month, late, renewal,
	agreement, payer, owed_to, departments, s_regular, s_holder, s_organiser, s_payer`

func encodeDepartments(ds []balie.DepartmentCents) string {
	if len(ds) == 0 {
		return ""
	}
	b, err := json.Marshal(ds)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// queueSettleMoney inserts the batch's money lines, one array a column.
func queueSettleMoney(b *pgx.Batch, ms []ledger.MoneyRow) {
	n := len(ms)
	ingest := make([]int64, n)
	line, quantity := make([]int32, n), make([]int32, n)
	cents := make([][]int64, 9)
	for i := range cents {
		cents[i] = make([]int64, n)
	}
	text := make([][]string, 20)
	for i := range text {
		text[i] = make([]string, n)
	}
	late, renewal := make([]bool, n), make([]bool, n)
	for i, m := range ms {
		f, s := m.Facts, m.Settlement
		ingest[i], line[i], quantity[i], late[i], renewal[i] = m.Ingest, int32(m.Line), int32(m.Quantity), m.Late, f.Renewal
		for j, c := range []balie.Cents{m.Regular, m.Shares.Holder, m.Shares.Organiser, m.Shares.City, m.Amount, s.Regular, s.Holder, s.Organiser, s.Payer} {
			cents[j][i] = int64(c)
		}
		for j, v := range []string{m.Kind, m.Activity, m.TariffID, m.OrganiserID, string(m.Payment), m.Day,
			string(f.Card), f.HolderID, f.PostalCode, f.CardSystem, f.Desk, string(f.TariffKind), f.TariffName, f.EventName,
			fmtInstant(f.EventStart), fmtInstant(f.EventEnd), f.Booked, m.Month, s.Agreement, s.PayerID} {
			text[j][i] = v
		}
		text[19][i] = s.PayerID
	}
	owed, deps := make([]string, n), make([]string, n)
	for i, m := range ms {
		owed[i], deps[i] = m.Settlement.OwedTo, encodeDepartments(m.Settlement.Departments)
	}
	b.Queue(`INSERT INTO money_lines (`+moneyColumns+`)
		SELECT * FROM unnest($1::bigint[], $2::integer[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::integer[],
			$10::bigint[], $11::bigint[], $12::bigint[], $13::bigint[], $14::bigint[],
			$15::text[], $16::text[], $17::text[], $18::text[], $19::text[], $20::text[], $21::text[], $22::text[], $23::text[], $24::text[],
			$25::text[], $26::text[], $27::boolean[], $28::boolean[], $29::text[], $30::text[], $31::text[], $32::text[],
			$33::bigint[], $34::bigint[], $35::bigint[], $36::bigint[])`,
		ingest, line, text[0], text[1], text[2], text[3], text[4], text[5], quantity,
		cents[0], cents[1], cents[2], cents[3], cents[4],
		text[6], text[7], text[8], text[9], text[10], text[11], text[12], text[13], text[14], text[15],
		text[16], text[17], late, renewal, text[18], text[19], owed, deps,
		cents[5], cents[6], cents[7], cents[8])
}

// queueSettleVoids records the voids and writes their counter-lines: the
// sale's lines with the quantity and amount negated, in the void's own
// day and month.
func queueSettleVoids(b *pgx.Batch, vs []ledger.VoidRow) {
	n := len(vs)
	targets, voids := make([]int64, n), make([]int64, n)
	booked, months := make([]string, n), make([]string, n)
	late := make([]bool, n)
	for i, v := range vs {
		targets[i], voids[i], booked[i], months[i], late[i] = v.Target, v.Void, v.Booked, v.Month, v.Late
	}
	b.Queue(`INSERT INTO voids (target, void) SELECT * FROM unnest($1::bigint[], $2::bigint[])`, targets, voids)
	b.Queue(`INSERT INTO money_lines (`+moneyColumns+`, void_of)
		SELECT v.void, m.line, m.kind, m.event_id, m.tariff_id, m.organiser_id, m.payment, m.day, -m.quantity, m.regular,
			m.holder_share, m.organiser_share, m.city_share, -m.amount, m.card, m.holder_id, m.postal_code, m.card_system, m.desk,
			m.tariff_kind, m.tariff_name, m.event_name, m.event_start, m.event_end, v.booked, v.month, v.late, m.renewal,
			m.agreement, m.payer, m.owed_to, m.departments, m.s_regular, m.s_holder, m.s_organiser, m.s_payer, m.ingest
		FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::boolean[]) AS v(target, void, booked, month, late)
		JOIN money_lines m ON m.ingest = v.target AND m.void_of IS NULL
		WHERE m.ingest = ANY($1) ORDER BY v.void, m.line`, targets, voids, booked, months, late)
}

// queueFigures adds the batch's counters. The core gives each key once,
// sorted, so two uploads lock the rows they share in the same order.
func queueFigures(b *pgx.Batch, fs []ledger.FigureDelta) {
	n := len(fs)
	cols := make([][]string, 4)
	for i := range cols {
		cols[i] = make([]string, n)
	}
	ns, cs := make([]int64, n), make([]int64, n)
	for i, f := range fs {
		cols[0][i], cols[1][i], cols[2][i], cols[3][i], ns[i], cs[i] = f.Figure, f.Period, f.K1, f.K2, f.N, f.Cents
	}
	b.Queue(`INSERT INTO figures (figure, period, k1, k2, n, cents)
		SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::bigint[])
		ON CONFLICT (figure, period, k1, k2) DO UPDATE SET n = figures.n + excluded.n, cents = figures.cents + excluded.cents`,
		cols[0], cols[1], cols[2], cols[3], ns, cs)
}

const moneyRead = `m.ingest, m.line, m.kind, m.event_id, m.tariff_id, m.organiser_id, m.payment, m.day, m.quantity, m.regular, m.holder_share,
	m.organiser_share, m.city_share, m.amount, m.card, m.holder_id, m.postal_code, m.card_system, m.desk, m.tariff_kind, m.tariff_name,
	m.event_name, m.event_start, m.event_end, m.booked, m.month, m.late, m.renewal, m.agreement, m.payer, m.owed_to, m.departments,
	m.s_regular, m.s_holder, m.s_organiser, m.s_payer`

func scanMoney(row scanner, extra ...any) (ledger.MoneyRow, error) {
	var m ledger.MoneyRow
	var pay, card, kind, start, end, deps string
	f, s := &m.Facts, &m.Settlement
	var reg, hs, os, cs, amt, sr, sh, so, sp int64
	var line, qty int32
	dst := []any{&m.Ingest, &line, &m.Kind, &m.Activity, &m.TariffID, &m.OrganiserID, &pay, &m.Day, &qty, &reg,
		&hs, &os, &cs, &amt, &card, &f.HolderID, &f.PostalCode, &f.CardSystem, &f.Desk,
		&kind, &f.TariffName, &f.EventName, &start, &end, &f.Booked, &m.Month, &m.Late, &f.Renewal, &s.Agreement, &s.PayerID, &s.OwedTo, &deps,
		&sr, &sh, &so, &sp}
	if err := row.Scan(append(dst, extra...)...); err != nil {
		return m, err
	}
	m.Line, m.Quantity = int(line), int(qty)
	m.Regular, m.Shares, m.Amount = balie.Cents(reg), balie.Shares{Holder: balie.Cents(hs), Organiser: balie.Cents(os), City: balie.Cents(cs)}, balie.Cents(amt)
	s.Regular, s.Holder, s.Organiser, s.Payer = balie.Cents(sr), balie.Cents(sh), balie.Cents(so), balie.Cents(sp)
	m.Payment, f.Card, f.TariffKind = balie.PaymentMethod(pay), balie.CardNumber(card), balie.TariffKind(kind)
	var err error
	if f.EventStart, err = parseInstant(start); err != nil {
		return m, err
	}
	if f.EventEnd, err = parseInstant(end); err != nil {
		return m, err
	}
	if deps != "" {
		if err := json.Unmarshal([]byte(deps), &s.Departments); err != nil {
			return m, fmt.Errorf("departments of money line %d/%d: %w", m.Ingest, m.Line, err)
		}
	}
	return m, nil
}

func (b *batchTx) SettlementState() (ledger.SettlementState, error) {
	st := ledger.SettlementState{Closed: map[string]int64{}}
	rows, err := b.tx.Query(b.ctx, `SELECT month, mark FROM settlement_periods`)
	if err != nil {
		return st, wrapErr("read closed periods", err)
	}
	for rows.Next() {
		var m string
		var mark int64
		if err := rows.Scan(&m, &mark); err != nil {
			rows.Close()
			return st, wrapErr("read closed periods", err)
		}
		st.Closed[m] = mark
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return st, wrapErr("read closed periods", err)
	}
	rows, err = b.tx.Query(b.ctx, `SELECT id, data FROM entities WHERE kind = $1 ORDER BY id`, ledger.KindAgreement)
	if err != nil {
		return st, wrapErr("read agreements", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var data []byte
		if err := rows.Scan(&id, &data); err != nil {
			return st, wrapErr("read agreements", err)
		}
		var a balie.CostAgreement
		if err := json.Unmarshal(data, &a); err != nil {
			return st, fmt.Errorf("read agreement %s: %w", id, err)
		}
		st.Agreements = append(st.Agreements, a)
	}
	return st, wrapErr("read agreements", rows.Err())
}

func (b *batchTx) TargetMoney(ingests []int64) (map[int64][]ledger.MoneyRow, error) {
	out := map[int64][]ledger.MoneyRow{}
	rows, err := b.tx.Query(b.ctx, `SELECT `+moneyRead+` FROM money_lines m WHERE m.ingest = ANY($1) AND m.void_of IS NULL ORDER BY m.ingest, m.line`, ingests)
	if err != nil {
		return nil, wrapErr("read voided money", err)
	}
	defer rows.Close()
	for rows.Next() {
		m, err := scanMoney(rows)
		if err != nil {
			return nil, wrapErr("read voided money", err)
		}
		out[m.Ingest] = append(out[m.Ingest], m)
	}
	return out, wrapErr("read voided money", rows.Err())
}

func (r *reader) Periods() ([]ledger.PeriodRow, error) {
	if err := r.sync(pendingAll, ""); err != nil {
		return nil, err
	}
	rows, err := r.q.Query(r.ctx, `SELECT month, period, mark, closed_at, closed_by, hash, lines, totals FROM settlement_periods ORDER BY month`)
	if err != nil {
		return nil, wrapErr("read periods", err)
	}
	defer rows.Close()
	var out []ledger.PeriodRow
	for rows.Next() {
		var p ledger.PeriodRow
		var at string
		var lines int32
		if err := rows.Scan(&p.Month, &p.Period, &p.Mark, &at, &p.ClosedBy, &p.Hash, &lines, &p.Totals); err != nil {
			return nil, wrapErr("read periods", err)
		}
		p.Lines = int(lines)
		if p.ClosedAt, err = time.Parse(time.RFC3339Nano, at); err != nil {
			return nil, fmt.Errorf("read periods: %w", err)
		}
		out = append(out, p)
	}
	return out, wrapErr("read periods", rows.Err())
}

func (r *reader) SettlementLines(months []string, fn func(ledger.SettlementLine) error) error {
	if len(months) == 0 {
		return nil
	}
	if err := r.sync(pendingAll, ""); err != nil {
		return err
	}
	rows, err := r.q.Query(r.ctx, `SELECT `+moneyRead+`, e.id, e.hash, coalesce(m.void_of, 0), coalesce(v.id, '')
		FROM money_lines m JOIN events e ON e.ingest = m.ingest LEFT JOIN events v ON v.ingest = m.void_of
		WHERE m.month = ANY($1) ORDER BY m.month, m.ingest, m.line`, months)
	if err != nil {
		return wrapErr("read settlement", err)
	}
	defer rows.Close()
	for rows.Next() {
		var l ledger.SettlementLine
		var err error
		if l.MoneyRow, err = scanMoney(rows, &l.ActID, &l.EventHash, &l.VoidOf, &l.VoidOfID); err != nil {
			return wrapErr("read settlement", err)
		}
		if err := fn(l); err != nil {
			return err
		}
	}
	return wrapErr("read settlement", rows.Err())
}

func (r *reader) Figures(figures []string, from, to string, fn func(ledger.FigureRow) error) error {
	q, args := `SELECT figure, period, k1, k2, n, cents FROM figures WHERE period >= $1 AND period < $2`, []any{from, to}
	if len(figures) > 0 {
		q, args = q+` AND figure = ANY($3)`, append(args, figures)
	}
	rows, err := r.q.Query(r.ctx, q+` ORDER BY figure, period, k1, k2`, args...)
	if err != nil {
		return wrapErr("read figures", err)
	}
	defer rows.Close()
	for rows.Next() {
		var f ledger.FigureRow
		if err := rows.Scan(&f.Figure, &f.Period, &f.K1, &f.K2, &f.N, &f.Cents); err != nil {
			return wrapErr("read figures", err)
		}
		if err := fn(f); err != nil {
			return err
		}
	}
	return wrapErr("read figures", rows.Err())
}

func (r *reader) HolderCounts(at time.Time) (ledger.HolderCounts, error) {
	c := ledger.HolderCounts{BySystem: map[string]int{}, ByPostalCode: map[string]int{}}
	if err := r.sync(pendingAll, ""); err != nil {
		return c, err
	}
	now := fmtInstant(at.In(balie.Brussels()))
	var holders, social, members int64
	if err := r.q.QueryRow(r.ctx, `SELECT count(*), count(*) FILTER (WHERE social_state = 'ACTIVE') FROM holders`).Scan(&holders, &social); err != nil {
		return c, wrapErr("count holders", err)
	}
	if err := r.q.QueryRow(r.ctx, `SELECT count(DISTINCT m.holder_id) FROM memberships m JOIN holders h ON h.id = m.holder_id
		WHERE h.social_state <> 'ACTIVE' AND m.starts <= $1 AND m.ends > $1`, now).Scan(&members); err != nil {
		return c, wrapErr("count members", err)
	}
	c.Holders, c.Social, c.Members = int(holders), int(social), int(members)
	for q, dst := range map[string]map[string]int{
		`SELECT card_system, count(DISTINCT holder_id) FROM cards WHERE status = 'ACTIVE' AND holder_id <> '' GROUP BY card_system`: c.BySystem,
		`SELECT postal_code, count(*) FROM holders GROUP BY postal_code`:                                                            c.ByPostalCode,
	} {
		rows, err := r.q.Query(r.ctx, q)
		if err != nil {
			return c, wrapErr("count holders", err)
		}
		for rows.Next() {
			var k string
			var n int64
			if err := rows.Scan(&k, &n); err != nil {
				rows.Close()
				return c, wrapErr("count holders", err)
			}
			dst[k] = int(n)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return c, wrapErr("count holders", err)
		}
	}
	return c, nil
}

// IngestMark locks every terminal, in id order as uploads lock theirs:
// an upload holds its terminal's row from before it takes its numbers
// until it commits, so once the locks are had every number given so far
// is committed, and the uploads after the close take higher ones.
func (w *writeTx) IngestMark() (int64, error) {
	if _, err := w.tx.Exec(w.ctx, `SELECT id FROM terminals ORDER BY id FOR UPDATE`); err != nil {
		return 0, wrapErr("lock terminals", err)
	}
	var n int64
	err := w.tx.QueryRow(w.ctx, `SELECT coalesce(max(ingest), 0) FROM events`).Scan(&n)
	return n, wrapErr("read ingest mark", err)
}

func (w *writeTx) ClosePeriod(p ledger.PeriodRow) error {
	_, err := w.tx.Exec(w.ctx, `INSERT INTO settlement_periods (month, period, mark, closed_at, closed_by, hash, lines, totals) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`,
		p.Month, p.Period, p.Mark, p.ClosedAt.UTC().Format(time.RFC3339Nano), p.ClosedBy, p.Hash, int32(p.Lines), p.Totals)
	if pgCode(err) == codeUnique {
		return fmt.Errorf("close period: %s is closed already", p.Month)
	}
	return wrapErr("close period", err)
}

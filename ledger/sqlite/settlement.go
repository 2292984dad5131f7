package sqlite

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/balie/balie"
	"github.com/balie/balie/ledger"
)

// Settlement and figures (issue 10): the money lines with what
// settlement needs, the closed months and the steering group's counters.

// moneyColumns are the columns a money line is written with.
const moneyColumns = `ingest, line, kind, event_id, tariff_id, organiser_id, payment, day, quantity, regular, holder_share, organiser_share, city_share, amount,
	card, holder_id, postal_code, card_system, desk, tariff_kind, tariff_name, event_name, event_start, event_end, booked, month, late, renewal,
	agreement, payer, owed_to, departments, s_regular, s_holder, s_organiser, s_payer`

// settleStmts are the statements of the write path settlement adds.
type settleStmts struct {
	money, voidMoney, figure *sql.Stmt
}

func prepareSettlement(prep func(**sql.Stmt, string)) *settleStmts {
	s := &settleStmts{}
	prep(&s.money, `INSERT INTO money_lines(`+moneyColumns+`) VALUES `+marks(1, 36))
	// A void's counter-line: the sale's line with the quantity and the
	// amount negated, in the void's own day and month.
	prep(&s.voidMoney, `INSERT INTO money_lines(`+moneyColumns+`, void_of)
		SELECT ?, line, kind, event_id, tariff_id, organiser_id, payment, day, -quantity, regular, holder_share, organiser_share, city_share, -amount,
			card, holder_id, postal_code, card_system, desk, tariff_kind, tariff_name, event_name, event_start, event_end, ?, ?, ?, renewal,
			agreement, payer, owed_to, departments, s_regular, s_holder, s_organiser, s_payer, ingest
		FROM money_lines WHERE ingest = ? AND void_of IS NULL ORDER BY line`)
	prep(&s.figure, `INSERT INTO figures(figure, period, k1, k2, n, cents) VALUES (?,?,?,?,?,?)
		ON CONFLICT(figure, period, k1, k2) DO UPDATE SET n = n + excluded.n, cents = cents + excluded.cents`)
	return s
}

func moneyArgs(m ledger.MoneyRow) []any {
	f, s := m.Facts, m.Settlement
	return []any{m.Ingest, m.Line, m.Kind, m.Activity, m.TariffID, m.OrganiserID, string(m.Payment), m.Day,
		m.Quantity, int64(m.Regular), int64(m.Shares.Holder), int64(m.Shares.Organiser), int64(m.Shares.City), int64(m.Amount),
		string(f.Card), f.HolderID, f.PostalCode, f.CardSystem, f.Desk, string(f.TariffKind), f.TariffName, f.EventName,
		fmtOptInstant(f.EventStart), fmtOptInstant(f.EventEnd), f.Booked, m.Month, m.Late, f.Renewal,
		s.Agreement, s.PayerID, s.OwedTo, encodeDepartments(s.Departments), int64(s.Regular), int64(s.Holder), int64(s.Organiser), int64(s.Payer)}
}

func fmtOptInstant(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return fmtInstant(t)
}

func encodeDepartments(ds []balie.DepartmentCents) string {
	if len(ds) == 0 {
		return ""
	}
	return string(mustJSON(ds))
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// applySettlement writes a batch's money lines, the counter-lines of its
// voids and its counters.
func (b *batchTx) applySettlement(eff *ledger.Effects, exec func(string, *sql.Stmt, ...any) error) error {
	ss := b.s.ins.settle
	for _, m := range eff.Money {
		if err := exec("write money line", ss.money, moneyArgs(m)...); err != nil {
			return err
		}
	}
	for _, v := range eff.Voids {
		if err := exec("record void", b.s.ins.setVoid, v.Target, v.Void); err != nil {
			return err
		}
		if err := exec("void money lines", ss.voidMoney, v.Void, v.Booked, v.Month, v.Late, v.Target); err != nil {
			return err
		}
	}
	for _, f := range eff.Figures {
		if err := exec("count figures", ss.figure, f.Figure, f.Period, f.K1, f.K2, f.N, f.Cents); err != nil {
			return err
		}
	}
	return nil
}

// moneyRead are the columns a settlement line is read with.
const moneyRead = `m.ingest, m.line, m.kind, m.event_id, m.tariff_id, m.organiser_id, m.payment, m.day, m.quantity, m.regular, m.holder_share,
	m.organiser_share, m.city_share, m.amount, m.card, m.holder_id, m.postal_code, m.card_system, m.desk, m.tariff_kind, m.tariff_name,
	m.event_name, m.event_start, m.event_end, m.booked, m.month, m.late, m.renewal, m.agreement, m.payer, m.owed_to, m.departments,
	m.s_regular, m.s_holder, m.s_organiser, m.s_payer`

func scanMoney(row scanner, extra ...any) (ledger.MoneyRow, error) {
	var m ledger.MoneyRow
	var pay, card, kind, start, end, deps string
	f, s := &m.Facts, &m.Settlement
	dst := []any{&m.Ingest, &m.Line, &m.Kind, &m.Activity, &m.TariffID, &m.OrganiserID, &pay, &m.Day, &m.Quantity, &m.Regular,
		&m.Shares.Holder, &m.Shares.Organiser, &m.Shares.City, &m.Amount, &card, &f.HolderID, &f.PostalCode, &f.CardSystem, &f.Desk,
		&kind, &f.TariffName, &f.EventName, &start, &end, &f.Booked, &m.Month, &m.Late, &f.Renewal, &s.Agreement, &s.PayerID, &s.OwedTo, &deps,
		&s.Regular, &s.Holder, &s.Organiser, &s.Payer}
	if err := row.Scan(append(dst, extra...)...); err != nil {
		return m, err
	}
	m.Payment, f.Card, f.TariffKind = balie.PaymentMethod(pay), balie.CardNumber(card), balie.TariffKind(kind)
	var err error
	if start != "" {
		if f.EventStart, err = parseInstant(start); err != nil {
			return m, err
		}
	}
	if end != "" {
		if f.EventEnd, err = parseInstant(end); err != nil {
			return m, err
		}
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
	rows, err := b.tx.QueryContext(b.ctx, `SELECT month, mark FROM settlement_periods`)
	if err != nil {
		return st, b.s.classify("read closed periods", err)
	}
	for rows.Next() {
		var m string
		var mark int64
		if err := rows.Scan(&m, &mark); err != nil {
			rows.Close()
			return st, b.s.classify("read closed periods", err)
		}
		st.Closed[m] = mark
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return st, b.s.classify("read closed periods", err)
	}
	st.Agreements, err = b.agreements()
	return st, err
}

func (b *batchTx) agreements() ([]balie.CostAgreement, error) {
	rows, err := b.tx.QueryContext(b.ctx, `SELECT id, data FROM entities WHERE kind = ? ORDER BY id`, ledger.KindAgreement)
	if err != nil {
		return nil, b.s.classify("read agreements", err)
	}
	defer rows.Close()
	var out []balie.CostAgreement
	for rows.Next() {
		var id string
		var data []byte
		if err := rows.Scan(&id, &data); err != nil {
			return nil, b.s.classify("read agreements", err)
		}
		var a balie.CostAgreement
		if err := json.Unmarshal(data, &a); err != nil {
			return nil, fmt.Errorf("read agreement %s: %w", id, err)
		}
		out = append(out, a)
	}
	return out, b.s.classify("read agreements", rows.Err())
}

func (b *batchTx) TargetMoney(ingests []int64) (map[int64][]ledger.MoneyRow, error) {
	out := map[int64][]ledger.MoneyRow{}
	for _, ing := range ingests {
		rows, err := b.tx.QueryContext(b.ctx, `SELECT `+moneyRead+` FROM money_lines m WHERE m.ingest = ? AND m.void_of IS NULL ORDER BY m.line`, ing)
		if err != nil {
			return nil, b.s.classify("read voided money", err)
		}
		for rows.Next() {
			m, err := scanMoney(rows)
			if err != nil {
				rows.Close()
				return nil, b.s.classify("read voided money", err)
			}
			out[ing] = append(out[ing], m)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, b.s.classify("read voided money", err)
		}
	}
	return out, nil
}

func (r *reader) Periods() ([]ledger.PeriodRow, error) {
	rows, err := r.q.QueryContext(r.ctx, `SELECT month, period, mark, closed_at, closed_by, hash, lines, totals FROM settlement_periods ORDER BY month`)
	if err != nil {
		return nil, r.s.classify("read periods", err)
	}
	defer rows.Close()
	var out []ledger.PeriodRow
	for rows.Next() {
		var p ledger.PeriodRow
		var at string
		if err := rows.Scan(&p.Month, &p.Period, &p.Mark, &at, &p.ClosedBy, &p.Hash, &p.Lines, &p.Totals); err != nil {
			return nil, r.s.classify("read periods", err)
		}
		if p.ClosedAt, err = time.Parse(time.RFC3339Nano, at); err != nil {
			return nil, fmt.Errorf("read periods: %w", err)
		}
		out = append(out, p)
	}
	return out, r.s.classify("read periods", rows.Err())
}

func (r *reader) SettlementLines(months []string, fn func(ledger.SettlementLine) error) error {
	if len(months) == 0 {
		return nil
	}
	in := strings.TrimSuffix(strings.Repeat("?,", len(months)), ",")
	args := make([]any, len(months))
	for i, m := range months {
		args[i] = m
	}
	rows, err := r.q.QueryContext(r.ctx, `SELECT `+moneyRead+`, e.id, e.hash, coalesce(m.void_of, 0), coalesce(v.id, '')
		FROM money_lines m JOIN events e ON e.ingest = m.ingest LEFT JOIN events v ON v.ingest = m.void_of
		WHERE m.month IN (`+in+`) ORDER BY m.month, m.ingest, m.line`, args...)
	if err != nil {
		return r.s.classify("read settlement", err)
	}
	defer rows.Close()
	for rows.Next() {
		var l ledger.SettlementLine
		var err error
		if l.MoneyRow, err = scanMoney(rows, &l.ActID, &l.EventHash, &l.VoidOf, &l.VoidOfID); err != nil {
			return r.s.classify("read settlement", err)
		}
		if err := fn(l); err != nil {
			return err
		}
	}
	return r.s.classify("read settlement", rows.Err())
}

func (r *reader) Figures(figures []string, from, to string, fn func(ledger.FigureRow) error) error {
	q, args := `SELECT figure, period, k1, k2, n, cents FROM figures WHERE period >= ? AND period < ?`, []any{from, to}
	if len(figures) > 0 {
		q += ` AND figure IN (` + strings.TrimSuffix(strings.Repeat("?,", len(figures)), ",") + `)`
		for _, f := range figures {
			args = append(args, f)
		}
	}
	rows, err := r.q.QueryContext(r.ctx, q+` ORDER BY figure, period, k1, k2`, args...)
	if err != nil {
		return r.s.classify("read figures", err)
	}
	defer rows.Close()
	for rows.Next() {
		var f ledger.FigureRow
		if err := rows.Scan(&f.Figure, &f.Period, &f.K1, &f.K2, &f.N, &f.Cents); err != nil {
			return r.s.classify("read figures", err)
		}
		if err := fn(f); err != nil {
			return err
		}
	}
	return r.s.classify("read figures", rows.Err())
}

func (r *reader) HolderCounts(at time.Time) (ledger.HolderCounts, error) {
	c := ledger.HolderCounts{BySystem: map[string]int{}, ByPostalCode: map[string]int{}}
	now := fmtInstant(at.In(balie.Brussels()))
	err := r.q.QueryRowContext(r.ctx, `SELECT count(*), coalesce(sum(social_state = 'ACTIVE'), 0) FROM holders`).Scan(&c.Holders, &c.Social)
	if err != nil {
		return c, r.s.classify("count holders", err)
	}
	err = r.q.QueryRowContext(r.ctx, `SELECT count(DISTINCT m.holder_id) FROM memberships m JOIN holders h ON h.id = m.holder_id
		WHERE h.social_state <> 'ACTIVE' AND m.start <= ? AND m.end > ?`, now, now).Scan(&c.Members)
	if err != nil {
		return c, r.s.classify("count members", err)
	}
	for q, dst := range map[string]map[string]int{
		`SELECT card_system, count(DISTINCT holder_id) FROM cards WHERE status = 'ACTIVE' AND holder_id <> '' GROUP BY card_system`: c.BySystem,
		`SELECT postal_code, count(*) FROM holders GROUP BY postal_code`:                                                            c.ByPostalCode,
	} {
		rows, err := r.q.QueryContext(r.ctx, q)
		if err != nil {
			return c, r.s.classify("count holders", err)
		}
		for rows.Next() {
			var k string
			var n int
			if err := rows.Scan(&k, &n); err != nil {
				rows.Close()
				return c, r.s.classify("count holders", err)
			}
			dst[k] = n
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return c, r.s.classify("count holders", err)
		}
	}
	return c, nil
}

func (w *writeTx) IngestMark() (int64, error) {
	// One writer: every number given is in the table or in a batch not
	// begun, which will take a higher one.
	var n int64
	err := w.tx.QueryRowContext(w.ctx, `SELECT coalesce(max(ingest), 0) FROM events`).Scan(&n)
	return n, w.s.classify("read ingest mark", err)
}

func (w *writeTx) ClosePeriod(p ledger.PeriodRow) error {
	err := w.exec("close period", `INSERT INTO settlement_periods(month, period, mark, closed_at, closed_by, hash, lines, totals) VALUES (?,?,?,?,?,?,?,?)`,
		p.Month, p.Period, p.Mark, p.ClosedAt.UTC().Format(time.RFC3339Nano), p.ClosedBy, p.Hash, p.Lines, p.Totals)
	if isUnique(errors.Unwrap(err)) {
		return fmt.Errorf("close period: %s is closed already", p.Month)
	}
	return err
}

package ledger

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"sort"
	"strconv"
	"strings"

	"github.com/balie/balie"
)

// Entity kinds of settlement, kept in the ledger alone (terminals need
// none of them, so they are not in the change log). The residents the
// figures share holders out of are the back office's municipalities
// (KindMunicipality).
const (
	KindAgreement = "agreement"
	KindBudget    = "budget"
)

// saveAgreement stores a cost-sharing agreement: the coordinator's to
// do, audited with what it was before.
func (o *officeTx) saveAgreement(a balie.CostAgreement) error {
	if !o.a.Access.Agreements() {
		return forbidden()
	}
	a.Name, a.Payer, a.PayerName = strings.TrimSpace(a.Name), strings.TrimSpace(a.Payer), strings.TrimSpace(a.PayerName)
	if err := a.Validate(); err != nil {
		return err
	}
	old, exists, err := lookup[balie.CostAgreement](o, KindAgreement, a.ID)
	if err != nil {
		return err
	}
	var before any
	if exists {
		before = old
	}
	if err := o.put(KindAgreement, a.ID, a.CardSystem, a, nil, ""); err != nil {
		return err
	}
	return o.audit("agreement.save", KindAgreement, a.ID, a.Organiser, before, a)
}

// SaveAgreement makes or changes a cost-sharing agreement (a new
// version is a new agreement, under a new id, from a later day). An
// agreement applies to the acts on the days it is in force from its
// next upload on; acts already stored keep the split they were given,
// and a closed period never changes.
func (l *Ledger) SaveAgreement(ctx context.Context, a Actor, ag balie.CostAgreement) error {
	return l.office(ctx, a, "save agreement", func(o *officeTx) error { return o.saveAgreement(ag) })
}

// Agreements lists the cost-sharing agreements by id.
func (l *Ledger) Agreements(ctx context.Context) ([]balie.CostAgreement, error) {
	var out []balie.CostAgreement
	err := l.store.Read(ctx, func(tx ReadTx) error {
		return tx.Entities(KindAgreement, "", func(id string, data []byte) error {
			var a balie.CostAgreement
			if err := json.Unmarshal(data, &a); err != nil {
				return fmt.Errorf("agreement %s: %w", id, err)
			}
			out = append(out, a)
			return nil
		})
	})
	return out, wrap("read agreements", err)
}

// Budget is what a payer (and a department of it) set aside for the
// social tariff in a year.
type Budget struct {
	Payer      string
	Department string // "" for the payer as a whole
	Year       int
	Cents      balie.Cents
}

// Key is the budget's id: one budget per payer, department and year.
func (b Budget) Key() string { return fmt.Sprintf("%s/%s/%d", b.Payer, b.Department, b.Year) }

func (o *officeTx) saveBudget(b Budget) error {
	if !o.a.Access.Agreements() {
		return forbidden()
	}
	b.Payer, b.Department = strings.TrimSpace(b.Payer), strings.TrimSpace(b.Department)
	if err := balie.ValidateBudget(b.Payer, b.Year, b.Cents); err != nil {
		return err
	}
	old, exists, err := lookup[Budget](o, KindBudget, b.Key())
	if err != nil {
		return err
	}
	var before any
	if exists {
		before = old
	}
	if err := o.put(KindBudget, b.Key(), b.Payer, b, nil, ""); err != nil {
		return err
	}
	return o.audit("budget.save", KindBudget, b.Key(), "", before, b)
}

// SaveBudget stores a budget; a second one for the same payer,
// department and year replaces it.
func (l *Ledger) SaveBudget(ctx context.Context, a Actor, b Budget) error {
	return l.office(ctx, a, "save budget", func(o *officeTx) error { return o.saveBudget(b) })
}

// Budgets lists the budgets of a year (all years when 0).
func (l *Ledger) Budgets(ctx context.Context, year int) ([]Budget, error) {
	var out []Budget
	err := l.store.Read(ctx, func(tx ReadTx) error {
		return tx.Entities(KindBudget, "", func(id string, data []byte) error {
			var b Budget
			if err := json.Unmarshal(data, &b); err != nil {
				return fmt.Errorf("budget %s: %w", id, err)
			}
			if year == 0 || b.Year == year {
				out = append(out, b)
			}
			return nil
		})
	})
	return out, wrap("read budgets", err)
}

// Totals are the sums of settlement lines: the acts (lines) and their
// cents, line totals (per unit times quantity; a void's are negative).
type Totals struct {
	Lines     int   `json:"lines"`
	Units     int64 `json:"units"`
	Regular   int64 `json:"regular_cents"`
	Holder    int64 `json:"holder_cents"`
	Organiser int64 `json:"organiser_cents"`
	Payer     int64 `json:"payer_cents"`
}

func (t *Totals) add(m MoneyRow) {
	q := int64(m.Quantity)
	t.Lines++
	t.Units += q
	t.Regular += q * int64(m.Settlement.Regular)
	t.Holder += q * int64(m.Settlement.Holder)
	t.Organiser += q * int64(m.Settlement.Organiser)
	t.Payer += q * int64(m.Settlement.Payer)
}

// Plus adds the totals u.
func (t *Totals) Plus(u Totals) {
	t.Lines += u.Lines
	t.Units += u.Units
	t.Regular += u.Regular
	t.Holder += u.Holder
	t.Organiser += u.Organiser
	t.Payer += u.Payer
}

// Pair is an organiser and the payer of its acts' third-party part: one
// expense note each.
type NotePair struct{ Organiser, Payer string }

// Summary is a period's settlement: the totals over all lines, per
// organiser and payer, per organiser and per payer, and the hash of its
// lines with the events they came from.
type Summary struct {
	Period      balie.SettlementPeriod
	All         Totals
	ByPair      map[NotePair]Totals
	ByOrganiser map[string]Totals
	ByPayer     map[string]Totals
	Hash        string
	Closed      []PeriodRow // the months of the period that are closed
}

// MonthTotals is what a close freezes of one month.
type MonthTotals struct {
	All    Totals            `json:"all"`
	ByPair map[string]Totals `json:"by_pair"` // "organiser|payer"
}

// lineHash adds a line to a period's hash: every fact the reports show
// and the hash of the event it came from, so a recompute that differs by
// a cent, a line or an event shows.
func lineHash(h interface{ Write([]byte) (int, error) }, l SettlementLine) {
	// The bytes are those the closes were frozen with (fields joined by
	// "|", integers in decimal, the departments as "id=cents;" each),
	// appended by hand: fmt took a tenth of a year's settlement.
	s := l.Settlement
	b := make([]byte, 0, 320)
	str := func(v string) { b = append(append(b, v...), '|') }
	num := func(v int64) { b = append(strconv.AppendInt(b, v, 10), '|') }
	str(l.ActID)
	str(l.EventHash)
	num(int64(l.Line))
	str(l.Kind)
	num(int64(l.Quantity))
	str(l.OrganiserID)
	str(string(l.Facts.Card))
	str(l.Facts.PostalCode)
	num(int64(s.Regular))
	num(int64(s.Holder))
	num(int64(s.Organiser))
	num(int64(s.Payer))
	str(s.PayerID)
	for _, d := range s.Departments {
		b = append(append(b, d.Department...), '=')
		b = append(strconv.AppendInt(b, int64(d.Cents), 10), ';')
	}
	b = append(b, '|')
	str(s.OwedTo)
	str(l.Month)
	str(l.VoidOfID)
	b = append(strconv.AppendBool(b, l.Late), '\n')
	h.Write(b)
}

// monthCheck is what one month recomputes to, whatever the organiser
// filter: the hash of its lines and its totals, as a close freezes them.
type monthCheck struct {
	h      hash.Hash
	all    Totals
	byPair map[NotePair]Totals
}

func (c *monthCheck) hash() string {
	if c == nil {
		return hex.EncodeToString(sha256.New().Sum(nil))
	}
	return hex.EncodeToString(c.h.Sum(nil))
}

func (c *monthCheck) totals() MonthTotals {
	t := MonthTotals{ByPair: map[string]Totals{}}
	if c == nil {
		return t
	}
	t.All = c.all
	for k, v := range c.byPair {
		t.ByPair[k.Organiser+"|"+k.Payer] = v
	}
	return t
}

// settleMonths streams the lines of months through fn (those of
// organiser only, when set) and sums them. Each month's hash and totals
// cover every line of it, whatever the organiser filter, so that a
// closed month is checked by any read of it; the period's hash is its
// month's, or for a quarter the hash of its months' hashes.
func settleMonths(tx ReadTx, months []string, organiser string, fn func(SettlementLine) error) (Summary, map[string]*monthCheck, error) {
	s := Summary{ByPair: map[NotePair]Totals{}, ByOrganiser: map[string]Totals{}, ByPayer: map[string]Totals{}}
	checks := map[string]*monthCheck{}
	var cur *monthCheck
	curMonth := ""
	err := tx.SettlementLines(months, func(l SettlementLine) error {
		if cur == nil || l.Month != curMonth {
			if cur = checks[l.Month]; cur == nil {
				cur = &monthCheck{h: sha256.New(), byPair: map[NotePair]Totals{}}
				checks[l.Month] = cur
			}
			curMonth = l.Month
		}
		lineHash(cur.h, l)
		k := NotePair{l.OrganiserID, l.Settlement.PayerID}
		cur.all.add(l.MoneyRow)
		t := cur.byPair[k]
		t.add(l.MoneyRow)
		cur.byPair[k] = t
		if organiser != "" && l.OrganiserID != organiser {
			return nil
		}
		s.All.add(l.MoneyRow)
		t = s.ByPair[k]
		t.add(l.MoneyRow)
		s.ByPair[k] = t
		t = s.ByOrganiser[l.OrganiserID]
		t.add(l.MoneyRow)
		s.ByOrganiser[l.OrganiserID] = t
		t = s.ByPayer[l.Settlement.PayerID]
		t.add(l.MoneyRow)
		s.ByPayer[l.Settlement.PayerID] = t
		if fn != nil {
			return fn(l)
		}
		return nil
	})
	if len(months) == 1 {
		s.Hash = checks[months[0]].hash()
	} else {
		h := sha256.New()
		for _, m := range months {
			fmt.Fprintf(h, "%s:%s\n", m, checks[m].hash())
		}
		s.Hash = hex.EncodeToString(h.Sum(nil))
	}
	return s, checks, err
}

// checkClosed compares each closed month among months with what it
// recomputes to (invariant 6): a difference is an error, never a silent
// new answer.
func checkClosed(closed []PeriodRow, months []string, checks map[string]*monthCheck) error {
	for _, c := range closed {
		if !contains(months, c.Month) {
			continue
		}
		mc := checks[c.Month]
		if got := mc.hash(); got != c.Hash {
			return fmt.Errorf("month %s recomputes to hash %s, closed with %s", c.Month, got, c.Hash)
		}
		if got := string(mustJSON(mc.totals())); got != c.Totals {
			return fmt.Errorf("month %s recomputes to totals %s, closed with %s", c.Month, got, c.Totals)
		}
	}
	return nil
}

// Settle computes a period (a month, 2026-11, or a quarter, 2026-Q4)
// from the ledger's records, in one consistent read: every line of it
// goes through fn (nil for none; organiser, when set, keeps one
// organiser's), and the sums come back with the hash and the months
// closed. A closed month is checked against what its close froze: a
// recompute that differs is an error, never a silent new answer.
func (l *Ledger) Settle(ctx context.Context, period, organiser string, fn func(SettlementLine) error) (Summary, error) {
	p, err := balie.ParseSettlementPeriod(period)
	if err != nil {
		return Summary{}, err
	}
	var s Summary
	err = l.store.Read(ctx, func(tx ReadTx) error {
		var checks map[string]*monthCheck
		var err error
		if s, checks, err = settleMonths(tx, p.Months, organiser, fn); err != nil {
			return err
		}
		closed, err := tx.Periods()
		if err != nil {
			return err
		}
		for _, c := range closed {
			if contains(p.Months, c.Month) {
				s.Closed = append(s.Closed, c)
			}
		}
		return checkClosed(s.Closed, p.Months, checks)
	})
	s.Period = p
	return s, wrap("settle "+period, err)
}

// VerifyPeriod recomputes every closed month of a period from the
// ledger's lines and the events they came from, and compares the hash
// and the totals with what the close froze (invariant 6).
func (l *Ledger) VerifyPeriod(ctx context.Context, period string) error {
	_, err := l.Settle(ctx, period, "", nil)
	return err
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// ErrPeriodClosed is a close of a period whose months are all closed.
var ErrPeriodClosed = errors.New("the period is closed already")

// ClosePeriod closes a period for good, on behalf of a coordinator:
// each of its months still open is frozen with the highest ingest
// number stored (its mark), the hash of its lines and the events they
// came from, and its totals, and the audit log says who closed it. From
// then on an act of such a month that arrives (an offline terminal's, a
// void) counts in the first month still open, marked late; the closed
// month never changes. A period that has not ended yet cannot be
// closed, nor one closed already.
func (l *Ledger) ClosePeriod(ctx context.Context, a Actor, period string) ([]PeriodRow, error) {
	if !a.Access.Agreements() {
		return nil, forbidden()
	}
	p, err := balie.ParseSettlementPeriod(period)
	if err != nil {
		return nil, err
	}
	by := strings.TrimSpace(a.Name)
	if by == "" {
		by = a.ID
	}
	now := l.now()
	if now.Before(p.End()) {
		return nil, balie.Errorf(balie.CodePeriodInvalid, "De periode %[1]s loopt nog tot en met %[2]s; ze kan pas daarna afgesloten worden.",
			"The period %[1]s runs until %[3]s; it can be closed only after that.", p.Name,
			p.End().AddDate(0, 0, -1).Format("02/01/2006"), p.End().AddDate(0, 0, -1).Format("2006-01-02"))
	}
	var out []PeriodRow
	err = l.office(ctx, a, "close "+p.Name, func(o *officeTx) error {
		out = nil
		tx := o.tx
		mark, err := tx.IngestMark()
		if err != nil {
			return err
		}
		closed, err := tx.Periods()
		if err != nil {
			return err
		}
		done := map[string]bool{}
		for _, c := range closed {
			done[c.Month] = true
		}
		for _, m := range p.Months {
			if done[m] {
				continue
			}
			_, checks, err := settleMonths(tx, []string{m}, "", nil)
			if err != nil {
				return err
			}
			mc := checks[m]
			row := PeriodRow{Month: m, Period: p.Name, Mark: mark, ClosedAt: now.UTC(), ClosedBy: by, Hash: mc.hash(), Lines: mc.totals().All.Lines,
				Totals: string(mustJSON(mc.totals()))}
			if err := tx.ClosePeriod(row); err != nil {
				return err
			}
			out = append(out, row)
		}
		if len(out) == 0 {
			return ErrPeriodClosed
		}
		return o.audit("period.close", "period", p.Name, "", nil, out)
	})
	if errors.Is(err, ErrPeriodClosed) {
		return nil, balie.Errorf(balie.CodePeriodInvalid, "De periode %[1]s is al afgesloten.", "The period %[1]s is closed already.", p.Name)
	}
	if err == nil {
		l.log.Info("period closed", "period", p.Name, "by", by, "months", len(out))
	}
	return out, err
}

// Periods lists the closed months.
func (l *Ledger) Periods(ctx context.Context) ([]PeriodRow, error) {
	var out []PeriodRow
	err := l.store.Read(ctx, func(tx ReadTx) error {
		var err error
		out, err = tx.Periods()
		return err
	})
	return out, wrap("read periods", err)
}

// IsClosed reports whether every month of the period is closed: its
// notes are final.
func (s Summary) IsClosed() bool {
	return len(s.Period.Months) > 0 && len(s.Closed) == len(s.Period.Months)
}

// SortedPairs are a summary's organiser and payer pairs in order.
func (s Summary) SortedPairs() []NotePair {
	out := make([]NotePair, 0, len(s.ByPair))
	for k := range s.ByPair {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Organiser != out[j].Organiser {
			return out[i].Organiser < out[j].Organiser
		}
		return out[i].Payer < out[j].Payer
	})
	return out
}

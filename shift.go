package balie

import (
	"encoding/json"
	"fmt"
	"sort"
)

// A shift (kassa-afsluiting) is one cash drawer's working period at one
// terminal: it opens with a float and closes with a count per
// denomination, giving a Z report. A shift is a range of the terminal's
// journal, from its SHIFT_OPEN event to its SHIFT_CLOSE event: an act
// belongs to the shift whose range holds its sequence number, so a shift
// that runs past midnight is one shift, and acts recorded while no shift
// was open belong to none (the desk never stops for a missing shift).

// ShiftOpenPayload records a shift opened with a cash float.
type ShiftOpenPayload struct {
	ShiftID string `json:"shift"`
	DeskID  string `json:"desk,omitempty"` // the desk served, which a terminal may change between shifts
	Float   Cents  `json:"float"`
}

// DenominationCount is how many notes or coins of one value were counted.
type DenominationCount struct {
	Value Cents `json:"value"`
	Count int   `json:"count"`
}

// ShiftClosePayload records a shift closed with the cash counted. The
// expected cash and the difference are what the clerk saw at the close;
// Unsynced is how many of the terminal's events the ledger had not
// acknowledged, and OverrideBy the supervisor who let the shift close
// anyway.
type ShiftClosePayload struct {
	ShiftID      string              `json:"shift"`
	Counted      []DenominationCount `json:"counted"`
	CountedTotal Cents               `json:"counted_total"`
	ExpectedCash Cents               `json:"expected_cash"`
	Difference   Cents               `json:"difference"`
	Unsynced     int                 `json:"unsynced"`
	OverrideBy   string              `json:"override_by,omitempty"`
	// Reason says why the count differs from what the drawer should
	// hold; a till with a difference is closed only with one.
	Reason string `json:"reason,omitempty"`
}

// denominations are the euro notes and coins a drawer holds, largest
// first: the order of a count sheet.
var denominations = [...]Cents{50000, 20000, 10000, 5000, 2000, 1000, 500, 200, 100, 50, 20, 10, 5, 2, 1}

// Denominations returns the euro notes (500 to 5 euro) and coins (2 euro
// to 1 cent), largest first. The slice is the caller's to keep.
func Denominations() []Cents {
	out := make([]Cents, len(denominations))
	copy(out, denominations[:])
	return out
}

func isDenomination(v Cents) bool {
	for _, d := range denominations {
		if d == v {
			return true
		}
	}
	return false
}

// CountTotal adds up a cash count. It refuses a value that is not a euro
// note or coin and a negative count, so a typing slip never becomes a
// difference in the drawer. The same value may appear more than once (two
// bags of coins counted apart); the counts add up.
func CountTotal(counted []DenominationCount) (Cents, error) {
	var total Cents
	for _, c := range counted {
		if !isDenomination(c.Value) {
			return 0, Errorf(CodeDenominationUnknown,
				"%[1]s is geen euromunt of -biljet. Tel per biljet (€ 500 tot € 5) en per munt (€ 2 tot € 0,01).",
				"%[2]s is not a euro coin or note. Count per note (€500 to €5) and per coin (€2 to €0.01).",
				c.Value.String(), c.Value.Format("en"))
		}
		if c.Count < 0 {
			return 0, Errorf(CodeCountInvalid,
				"Het aantal voor %[1]s kan niet negatief zijn (%[3]d ingegeven).",
				"The count for %[2]s cannot be negative (%[3]d entered).", c.Value.String(), c.Value.Format("en"), c.Count)
		}
		amount, err := c.Value.Mul(c.Count)
		if err != nil {
			return 0, err
		}
		if total, err = total.Add(amount); err != nil {
			return 0, err
		}
	}
	return total, nil
}

// NormalizeCount returns a valid count as a count sheet shows it: one
// entry per value, largest first, without the values counted zero times.
func NormalizeCount(counted []DenominationCount) ([]DenominationCount, error) {
	if _, err := CountTotal(counted); err != nil {
		return nil, err
	}
	by := map[Cents]int{}
	for _, c := range counted {
		by[c.Value] += c.Count
	}
	var out []DenominationCount
	for _, d := range denominations {
		if by[d] > 0 {
			out = append(out, DenominationCount{Value: d, Count: by[d]})
		}
	}
	return out, nil
}

// StaffRef names a staff member on a report: never their PIN.
type StaffRef struct {
	ID   string
	Name string
}

// Shift is an open or closed shift as it started.
type Shift struct {
	ID       string
	Terminal string
	Desk     Desk
	OpenedBy StaffRef
	Opened   Recorded // the SHIFT_OPEN event
	Float    Cents
}

// ZLine is one line of a report's breakdown: a payment method, a kind of
// sale or an organiser (Key), with its name where the key is an id, and
// the number of acts and their amount, net of voids.
type ZLine struct {
	Key    string
	Name   string
	Count  int
	Amount Cents
}

// ShiftTotals is the money of a range of the journal. A void counts in
// the range it was recorded in, against the lines of the act it voids.
type ShiftTotals struct {
	Lines       []TotalLine // by kind, payment method and organiser
	ByPayment   []ZLine     // CASH, CARD, INVOICE always; NONE when there were free acts
	ByKind      []ZLine     // TICKET_SALE, CARD_SALE, MEMBERSHIP_PAYMENT always
	ByOrganiser []ZLine     // by organiser id; Name is for the store to fill in
	Sales       Cents       // every payment method, net of voids
	Acts        int         // acts with money (a free card sale counts), before voids
	Voids       int         // VOID events, of any act
	VoidAmount  Cents       // the money of the voided acts
	CashSales   Cents       // cash taken, before voids
	CashRefunds Cents       // cash paid back by voids
}

// ZReport is a shift's report: the X report while the shift is open (the
// totals so far, no count) and the Z report once it is closed.
type ZReport struct {
	Shift
	ShiftTotals
	ClosedBy     StaffRef
	Closed       Recorded // the SHIFT_CLOSE event; zero while open
	IsClosed     bool
	ExpectedCash Cents               // Float + CashSales - CashRefunds
	Counted      []DenominationCount // normalized; nil while open
	CountedTotal Cents
	Difference   Cents // CountedTotal - ExpectedCash: positive is a surplus, negative a shortage
	Unsynced     int   // the terminal's events the ledger had not acknowledged at the close
	OverrideBy   StaffRef
	Reason       string // why the count differs; "" when it does not
}

// CloseNeedsReason reports whether a till counted with difference d may
// be closed only with a reason: any difference, a surplus too, is money
// someone must account for.
func CloseNeedsReason(d Cents) bool { return d != 0 }

// Unshifted is the money of acts recorded while no shift was open. The
// desk never stops for a missing shift, so such acts are recorded as
// usual, but no Z report counts them: their cash stays in the drawer and
// is part of the float counted when the next shift opens.
type Unshifted struct {
	ShiftTotals
	After  int64 // the range looked at: after this seq (a shift's close, or 0) ...
	Before int64 // ... and before this one (the next shift's open, or the journal's head + 1)
}

// NewZReport is the report of shift s with totals t, before any count.
func NewZReport(s Shift, t ShiftTotals) (ZReport, error) {
	z := ZReport{Shift: s, ShiftTotals: t}
	exp, err := Sum(s.Float, t.CashSales, -t.CashRefunds)
	if err != nil {
		return z, err
	}
	z.ExpectedCash = exp
	return z, nil
}

// Count sets the cash counted at the close and the difference with what
// the drawer should hold.
func (z *ZReport) Count(counted []DenominationCount) error {
	total, err := CountTotal(counted)
	if err != nil {
		return err
	}
	norm, err := NormalizeCount(counted)
	if err != nil {
		return err
	}
	diff, err := total.Add(-z.ExpectedCash)
	if err != nil {
		return err
	}
	z.Counted, z.CountedTotal, z.Difference = norm, total, diff
	return nil
}

// Sale is the money one act moved.
type Sale struct {
	Kind        Kind
	Payment     PaymentMethod
	OrganiserID string
	Amount      Cents
}

// SaleOf returns the money event e moved; ok is false for the acts that
// move none (check-ins, rewards, childcare, voids, shifts).
func SaleOf(e JournalEvent) (s Sale, ok bool, err error) {
	decode := func(v any) error {
		if err := json.Unmarshal(e.Payload, v); err != nil {
			return fmt.Errorf("decode %s seq %d: %w", e.Kind, e.Seq, err)
		}
		return nil
	}
	switch e.Kind {
	case KindTicketSale:
		var p TicketSalePayload
		if err := decode(&p); err != nil {
			return s, false, err
		}
		return Sale{Kind: e.Kind, Payment: p.Payment, OrganiserID: p.OrganiserID, Amount: p.Total}, true, nil
	case KindCardSale:
		var p CardSalePayload
		if err := decode(&p); err != nil {
			return s, false, err
		}
		return Sale{Kind: e.Kind, Payment: p.Payment, OrganiserID: p.OrganiserID, Amount: p.Price}, true, nil
	case KindMembershipPayment:
		var p MembershipPaymentPayload
		if err := decode(&p); err != nil {
			return s, false, err
		}
		return Sale{Kind: e.Kind, Payment: p.Payment, OrganiserID: p.OrganiserID, Amount: p.Price}, true, nil
	}
	return s, false, nil
}

type lineKey struct {
	kind Kind
	pay  PaymentMethod
	org  string
}

// ShiftTally adds up the money of a range of the journal, event by event
// in sequence order, without holding the events in memory. The zero value
// is ready to use.
//
// A void subtracts the voided act's money in the range the void was
// recorded in, even when the act itself was sold earlier (in an earlier
// shift, or outside any): the money leaves this drawer now, and a closed
// shift's report never changes afterwards.
type ShiftTally struct {
	lines map[lineKey]*TotalLine
	sales map[string]Sale // this range's money acts by event id, for their voids
	t     ShiftTotals
}

// Add counts one event. lookup finds the act a void cancels when Add has
// not seen it as a money act of this range: an act sold before the range,
// or one that moved no money.
func (t *ShiftTally) Add(e JournalEvent, lookup func(id string) (JournalEvent, error)) error {
	if t.lines == nil {
		t.lines, t.sales = map[lineKey]*TotalLine{}, map[string]Sale{}
	}
	if e.Kind == KindVoid {
		var p VoidPayload
		if err := json.Unmarshal(e.Payload, &p); err != nil {
			return fmt.Errorf("decode VOID seq %d: %w", e.Seq, err)
		}
		t.t.Voids++
		s, ok := t.sales[p.Target]
		if !ok {
			target, err := lookup(p.Target)
			if err != nil {
				return fmt.Errorf("void seq %d: %w", e.Seq, err)
			}
			if s, ok, err = SaleOf(target); err != nil || !ok {
				return err
			}
		}
		if err := t.book(s, -1); err != nil {
			return err
		}
		var err error
		if t.t.VoidAmount, err = t.t.VoidAmount.Add(s.Amount); err != nil {
			return err
		}
		if s.Payment == PayCash {
			t.t.CashRefunds, err = t.t.CashRefunds.Add(s.Amount)
		}
		return err
	}
	s, ok, err := SaleOf(e)
	if err != nil || !ok {
		return err
	}
	t.sales[e.ID] = s
	t.t.Acts++
	if err := t.book(s, 1); err != nil {
		return err
	}
	if s.Payment == PayCash {
		t.t.CashSales, err = t.t.CashSales.Add(s.Amount)
	}
	return err
}

// book adds (sign 1) or takes back (sign -1) one act's money.
func (t *ShiftTally) book(s Sale, sign int) error {
	k := lineKey{s.Kind, s.Payment, s.OrganiserID}
	l := t.lines[k]
	if l == nil {
		l = &TotalLine{Kind: s.Kind, Payment: s.Payment, OrganiserID: s.OrganiserID}
		t.lines[k] = l
	}
	amount, err := s.Amount.Mul(sign)
	if err != nil {
		return err
	}
	if l.Amount, err = l.Amount.Add(amount); err != nil {
		return err
	}
	l.Count += sign
	return nil
}

// Totals returns what was added so far, with the breakdowns.
func (t *ShiftTally) Totals() (ShiftTotals, error) {
	out := t.t
	out.Lines = nil
	for _, l := range t.lines {
		if l.Count != 0 || l.Amount != 0 {
			out.Lines = append(out.Lines, *l)
		}
	}
	sort.Slice(out.Lines, func(i, j int) bool {
		a, b := out.Lines[i], out.Lines[j]
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		if a.Payment != b.Payment {
			return a.Payment < b.Payment
		}
		return a.OrganiserID < b.OrganiserID
	})
	pay := []ZLine{{Key: string(PayCash)}, {Key: string(PayCard)}, {Key: string(PayInvoice)}}
	kinds := []ZLine{{Key: string(KindTicketSale)}, {Key: string(KindCardSale)}, {Key: string(KindMembershipPayment)}}
	var orgs []ZLine
	add := func(lines *[]ZLine, key string, l TotalLine) error {
		for i := range *lines {
			if (*lines)[i].Key == key {
				(*lines)[i].Count += l.Count
				var err error
				(*lines)[i].Amount, err = (*lines)[i].Amount.Add(l.Amount)
				return err
			}
		}
		*lines = append(*lines, ZLine{Key: key, Count: l.Count, Amount: l.Amount})
		return nil
	}
	var err error
	out.Sales = 0
	for _, l := range out.Lines {
		if err := add(&pay, string(l.Payment), l); err != nil {
			return out, err
		}
		if err := add(&kinds, string(l.Kind), l); err != nil {
			return out, err
		}
		if err := add(&orgs, l.OrganiserID, l); err != nil {
			return out, err
		}
		if out.Sales, err = out.Sales.Add(l.Amount); err != nil {
			return out, err
		}
	}
	sort.Slice(orgs, func(i, j int) bool { return orgs[i].Key < orgs[j].Key })
	out.ByPayment, out.ByKind, out.ByOrganiser = pay, kinds, orgs
	return out, nil
}

package store

import (
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/balie/balie"
)

// acknowledgeAll has the ledger accept every event uploaded so far, as a
// sync would.
func acknowledgeAll(t *testing.T, d *DB) {
	t.Helper()
	ctx := context.Background()
	from, _, err := d.FirstPending(ctx)
	if err != nil {
		t.Fatalf("FirstPending: %v", err)
	}
	if from == 0 {
		return
	}
	batch, err := d.UploadBatch(ctx, from, 10000)
	if err != nil {
		t.Fatalf("UploadBatch: %v", err)
	}
	var vs []balie.Verdict
	for _, e := range batch {
		vs = append(vs, balie.Verdict{ID: e.ID, Seq: e.Seq, Status: balie.VerdictAccepted})
	}
	if err := d.Acknowledge(ctx, vs, nil); err != nil {
		t.Fatalf("Acknowledge: %v", err)
	}
}

// sell is a ticket sale that must succeed.
func sell(t *testing.T, f *fixture, card balie.CardNumber, tariff string, n int, pay balie.PaymentMethod) balie.TicketResult {
	t.Helper()
	res, err := f.db.SellTickets(context.Background(), staffClerk, balie.TicketRequest{Card: card, EventID: "ev-show",
		Lines: []balie.TicketOrder{{TariffID: tariff, Quantity: n}}, Payment: pay})
	if err != nil {
		t.Fatalf("SellTickets %s x%d: %v", tariff, n, err)
	}
	return res
}

// drawer is a cash count: pairs of a value in cents and how many.
func drawer(pairs ...int) []balie.DenominationCount {
	var out []balie.DenominationCount
	for i := 0; i+1 < len(pairs); i += 2 {
		out = append(out, balie.DenominationCount{Value: balie.Cents(pairs[i]), Count: pairs[i+1]})
	}
	return out
}

// line finds a report line by key.
func line(lines []balie.ZLine, key string) balie.ZLine {
	for _, l := range lines {
		if l.Key == key {
			return l
		}
	}
	return balie.ZLine{Key: key}
}

func TestDB_Shift_openAndClose(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "desk-box")

	// A sale before any shift is open: the desk does not stop, and the
	// sale belongs to no shift.
	f.clock.Set(at(2026, 11, 25, 18, 45))
	sell(t, f, "", "t-reg", 1, balie.PayCash)

	f.clock.Set(at(2026, 11, 25, 19, 0))
	opened, err := f.db.OpenShift(ctx, staffClerk, 15000)
	if err != nil {
		t.Fatalf("OpenShift: %v", err)
	}
	if opened.ID == "" || opened.Float != 15000 || opened.OpenedBy.Name != "An Clerk" || opened.Desk.Name != "Onthaal CC" || opened.IsClosed {
		t.Errorf("OpenShift = %+v, want an open shift by An Clerk at Onthaal CC with € 150,00", opened.Shift)
	}
	if opened.ExpectedCash != 15000 || opened.Sales != 0 {
		t.Errorf("a new shift expects %v cash and has %v sales, want the float and nothing", opened.ExpectedCash, opened.Sales)
	}
	cur, open, err := f.db.CurrentShift(ctx)
	if err != nil || !open || cur.ID != opened.ID {
		t.Fatalf("CurrentShift = %+v, %v, %v; want %s", cur, open, err, opened.ID)
	}

	f.clock.Set(at(2026, 11, 25, 19, 30))
	cash := sell(t, f, "", "t-reg", 2, balie.PayCash)                                // € 36,00 cash, voided below
	sell(t, f, cardSocial, "t-soc", 1, balie.PayCard)                                // € 3,60 card
	sell(t, f, "", "t-reg", 1, balie.PayCard)                                        // € 18,00 card
	sell(t, f, cardRegular, "t-cpn", 1, balie.PayCash)                               // € 12,00 cash
	if _, err := f.db.CheckIn(ctx, staffClerk, cardRegular, "ev-show"); err != nil { // no money
		t.Fatal(err)
	}
	if _, err := f.db.PayMembership(ctx, staffClerk, balie.MembershipRequest{Card: cardRegular, ProgramID: "p-friends", Payment: balie.PayCash}); err != nil {
		t.Fatal(err) // € 5,00 cash
	}
	if _, err := f.db.Void(ctx, staffClerk, staffSuper, cash.ID, "verkeerd aantal"); err != nil {
		t.Fatal(err)
	}

	x, err := f.db.ShiftReport(ctx, opened.ID)
	if err != nil {
		t.Fatalf("ShiftReport of the open shift: %v", err)
	}
	if x.IsClosed || x.ExpectedCash != 15000+1200+500 {
		t.Errorf("X report: closed %v, expected cash %v; want open, € 167,00", x.IsClosed, x.ExpectedCash)
	}

	acknowledgeAll(t, f.db)
	f.clock.Set(at(2026, 11, 25, 22, 15))
	counted := drawer(10000, 1, 5000, 1, 1000, 1, 200, 2, 50, 2) // € 165,00: € 2,00 short
	z, err := f.db.CloseShift(ctx, staffClerk, counted, "", "")
	if err != nil {
		t.Fatalf("CloseShift: %v", err)
	}

	checks := []struct {
		name      string
		got, want any
	}{
		{"closed", z.IsClosed, true},
		{"closed by", z.ClosedBy.Name, "An Clerk"},
		{"opened at", z.Opened.At.Equal(at(2026, 11, 25, 19, 0)), true},
		{"closed at", z.Closed.At.Equal(at(2026, 11, 25, 22, 15)), true},
		{"float", z.Float, balie.Cents(15000)},
		{"sales net of the void", z.Sales, balie.Cents(360 + 1800 + 1200 + 500)},
		{"money acts", z.Acts, 5},
		{"cash line", line(z.ByPayment, "CASH"), balie.ZLine{Key: "CASH", Count: 2, Amount: 1700}},
		{"card line", line(z.ByPayment, "CARD"), balie.ZLine{Key: "CARD", Count: 2, Amount: 2160}},
		{"invoice line", line(z.ByPayment, "INVOICE"), balie.ZLine{Key: "INVOICE"}},
		{"tickets", line(z.ByKind, "TICKET_SALE"), balie.ZLine{Key: "TICKET_SALE", Count: 3, Amount: 3360}},
		{"memberships", line(z.ByKind, "MEMBERSHIP_PAYMENT"), balie.ZLine{Key: "MEMBERSHIP_PAYMENT", Count: 1, Amount: 500}},
		{"cards", line(z.ByKind, "CARD_SALE"), balie.ZLine{Key: "CARD_SALE"}},
		{"organisers", z.ByOrganiser, []balie.ZLine{{Key: "org-cc", Name: "CC Lier", Count: 4, Amount: 3860}}},
		{"voids", z.Voids, 1},
		{"void amount", z.VoidAmount, balie.Cents(3600)},
		{"cash taken", z.CashSales, balie.Cents(3600 + 1200 + 500)},
		{"cash refunded", z.CashRefunds, balie.Cents(3600)},
		{"expected cash", z.ExpectedCash, balie.Cents(16700)},
		{"counted", z.CountedTotal, balie.Cents(16500)},
		{"difference", z.Difference, balie.Cents(-200)},
		{"count sheet", z.Counted, drawer(10000, 1, 5000, 1, 1000, 1, 200, 2, 50, 2)},
		{"unsynced", z.Unsynced, 0},
		{"override", z.OverrideBy, balie.StaffRef{}},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s = %+v, want %+v", c.name, c.got, c.want)
		}
	}

	// The report of the closed shift, asked for later, is the one printed.
	again, err := f.db.ShiftReport(ctx, opened.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(again, z) {
		t.Errorf("ShiftReport after the close differs from CloseShift's report:\n got %+v\nwant %+v", again, z)
	}
	// The journal holds the close with what the clerk saw.
	var p balie.ShiftClosePayload
	f.db.Journal(ctx, z.Closed.Seq, func(e balie.JournalEvent) error {
		if e.Kind != balie.KindShiftClose {
			t.Errorf("event %d is %s, want SHIFT_CLOSE", e.Seq, e.Kind)
		}
		return json.Unmarshal(e.Payload, &p)
	})
	if p.ShiftID != z.ID || p.ExpectedCash != 16700 || p.CountedTotal != 16500 || p.Difference != -200 || len(p.Counted) != 5 {
		t.Errorf("SHIFT_CLOSE payload = %+v", p)
	}
	if _, open, _ := f.db.CurrentShift(ctx); open {
		t.Errorf("a shift is still open after the close")
	}
	verify(t, f.db, int64(journalLen(t, f.db)))

	// The sale before the shift is in no report, and the stretch without a
	// shift shows it.
	u, err := f.db.UnshiftedTotals(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Since the close nothing was sold without a shift.
	if u.Sales != 0 || u.After != z.Closed.Seq {
		t.Errorf("UnshiftedTotals after the close = %v after seq %d, want nothing after %d", u.Sales, u.After, z.Closed.Seq)
	}
	f.clock.Set(at(2026, 11, 25, 22, 30))
	sell(t, f, "", "t-reg", 1, balie.PayCash)
	next, err := f.db.OpenShift(ctx, staffSuper, 16500)
	if err != nil {
		t.Fatalf("OpenShift again: %v", err)
	}
	if next.Sales != 0 || next.ExpectedCash != 16500 {
		t.Errorf("the next shift starts with %v sales and %v expected, want none and its float", next.Sales, next.ExpectedCash)
	}
	u, err = f.db.UnshiftedTotals(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if u.Sales != 1800 || u.CashSales != 1800 || u.After != z.Closed.Seq || u.Before != next.Opened.Seq {
		t.Errorf("UnshiftedTotals = %v cash %v in (%d, %d), want € 18,00 cash in (%d, %d)", u.Sales, u.CashSales, u.After, u.Before, z.Closed.Seq, next.Opened.Seq)
	}
}

func TestDB_Shift_refusals(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "desk-box")
	_, err := f.db.CloseShift(ctx, staffClerk, nil, "", "")
	wantCode(t, err, balie.CodeShiftNotOpen)
	_, err = f.db.OpenShift(ctx, staffClerk, -1)
	wantCode(t, err, balie.CodeAmountNegative)
	_, err = f.db.OpenShift(ctx, "st-nobody", 0)
	wantCode(t, err, balie.CodeStaffUnknown)
	_, err = f.db.ShiftReport(ctx, "no-such-shift")
	wantCode(t, err, balie.CodeShiftUnknown)

	f.clock.Set(at(2026, 11, 25, 9, 5))
	if _, err := f.db.OpenShift(ctx, staffClerk, 10000); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		at     time.Time
		staff  string
		float  balie.Cents
		code   balie.Code
		phrase string
	}{
		{"open twice the same day", at(2026, 11, 25, 13, 0), staffSuper, 0, balie.CodeShiftOpen, "De kassa is al geopend door An Clerk om 09:05."},
		{"open twice the next day", at(2026, 11, 26, 8, 0), staffSuper, 0, balie.CodeShiftOpen, "door An Clerk op 25/11/2026 om 09:05"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f.clock.Set(c.at)
			_, err := f.db.OpenShift(ctx, c.staff, c.float)
			wantCode(t, err, c.code)
			if e, _ := balie.AsError(err); !strings.Contains(e.NL, c.phrase) {
				t.Errorf("message %q does not say %q", e.NL, c.phrase)
			}
		})
	}
	before := journalLen(t, f.db)
	_, err = f.db.CloseShift(ctx, staffClerk, drawer(300, 1), "", "")
	wantCode(t, err, balie.CodeDenominationUnknown)
	_, err = f.db.CloseShift(ctx, staffClerk, drawer(1000, -1), "", "")
	wantCode(t, err, balie.CodeCountInvalid)
	if n := journalLen(t, f.db); n != before {
		t.Errorf("refusals recorded %d events", n-before)
	}
}

func TestDB_CloseShift_unsynced(t *testing.T) {
	ctx := context.Background()
	count := drawer(5000, 1, 1000, 1, 500, 1, 200, 1, 100, 1)
	cases := []struct {
		name      string
		park      bool // the ledger parked one event
		sync      bool // everything acknowledged before the close
		override  string
		code      balie.Code
		phrase    string
		unsynced  int
		overrider string
	}{
		{"refused without an override", false, false, "", balie.CodeShiftUnsynced, "3 handelingen staan nog niet bij de centrale. Een verantwoordelijke moet het afsluiten van de kassa goedkeuren.", 0, ""},
		{"a clerk is no override", false, false, staffClerk, balie.CodeNotAllowed, "An Clerk is geen verantwoordelijke", 0, ""},
		{"an unknown override", false, false, "st-nobody", balie.CodeStaffUnknown, "", 0, ""},
		{"a supervisor's override", false, false, staffSuper, "", "", 3, "Bart Super"},
		{"a parked event is not synced either", true, true, "", balie.CodeShiftUnsynced, "1 handeling staat nog niet bij de centrale", 0, ""},
		{"a parked event with an override", true, true, staffSuper, "", "", 1, "Bart Super"},
		{"synced needs no override", false, true, staffClerk, "", "", 0, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, "desk-box")
			if _, err := f.db.OpenShift(ctx, staffClerk, 5000); err != nil {
				t.Fatal(err)
			}
			sell(t, f, "", "t-reg", 1, balie.PayCash)
			sale := sell(t, f, "", "t-reg", 1, balie.PayCard)
			if c.sync {
				acknowledgeAll(t, f.db)
			}
			if c.park {
				if err := f.db.Park(ctx, sale.Seq, "conflict", "Conflict", "Conflict"); err != nil {
					t.Fatal(err)
				}
			}
			before := journalLen(t, f.db)
			z, err := f.db.CloseShift(ctx, staffClerk, count, c.override, "")
			if c.code != "" {
				wantCode(t, err, c.code)
				if e, _ := balie.AsError(err); !strings.Contains(e.NL, c.phrase) {
					t.Errorf("message %q does not say %q", e.NL, c.phrase)
				}
				if n := journalLen(t, f.db); n != before {
					t.Errorf("a refused close recorded %d events", n-before)
				}
				if _, open, _ := f.db.CurrentShift(ctx); !open {
					t.Errorf("the shift closed although the close was refused")
				}
				return
			}
			if err != nil {
				t.Fatalf("CloseShift: %v", err)
			}
			if z.Unsynced != c.unsynced || z.OverrideBy.Name != c.overrider {
				t.Errorf("report: %d unsynced, override by %q; want %d, %q", z.Unsynced, z.OverrideBy.Name, c.unsynced, c.overrider)
			}
			if z.ExpectedCash != 5000+1800 || z.Difference != 0 {
				t.Errorf("expected %v, difference %v; want € 68,00 and none", z.ExpectedCash, z.Difference)
			}
		})
	}
}

// A shift that runs past midnight is one shift: its report counts both
// days, where the day totals split them.
func TestDB_ShiftReport_pastMidnight(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "desk-box")
	f.clock.Set(at(2026, 11, 25, 22, 0))
	s, err := f.db.OpenShift(ctx, staffClerk, 10000)
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		at   time.Time
		tick func()
	}{
		{at(2026, 11, 25, 23, 30), func() { sell(t, f, "", "t-reg", 1, balie.PayCash) }},
		{at(2026, 11, 26, 0, 30), func() { sell(t, f, "", "t-reg", 2, balie.PayCash) }},
		{at(2026, 11, 26, 1, 0), func() { sell(t, f, cardSocial, "t-soc", 1, balie.PayCard) }},
	}
	for _, st := range steps {
		f.clock.Set(st.at)
		st.tick()
	}
	f.clock.Set(at(2026, 11, 26, 1, 30))
	acknowledgeAll(t, f.db)
	z, err := f.db.CloseShift(ctx, staffClerk, drawer(10000, 1, 5000, 1, 200, 2), "", "")
	if err != nil {
		t.Fatal(err)
	}
	if z.Sales != 1800+3600+360 || z.ExpectedCash != 10000+5400 || z.Difference != 0 {
		t.Errorf("report = sales %v, expected %v, difference %v; want € 57,60, € 154,00, € 0,00", z.Sales, z.ExpectedCash, z.Difference)
	}
	if line(z.ByPayment, "CASH").Count != 2 || line(z.ByKind, "TICKET_SALE").Count != 3 {
		t.Errorf("lines = %+v / %+v", z.ByPayment, z.ByKind)
	}
	// The day totals split the same shift over two days.
	day1, _ := f.db.Totals(ctx, at(2026, 11, 25, 12, 0))
	day2, _ := f.db.Totals(ctx, at(2026, 11, 26, 12, 0))
	if len(day1) == 0 || len(day2) == 0 {
		t.Errorf("day totals = %v and %v, want both days", day1, day2)
	}
	if !z.Opened.At.Equal(at(2026, 11, 25, 22, 0)) || z.ID != s.ID {
		t.Errorf("shift %s opened at %v", z.ID, z.Opened.At)
	}
}

// A void counts in the shift it was recorded in: a closed shift's report
// never changes, and the cash paid back leaves the drawer of the shift
// that pays it.
func TestDB_ShiftReport_voidInLaterShift(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "desk-box")
	if _, err := f.db.OpenShift(ctx, staffClerk, 0); err != nil {
		t.Fatal(err)
	}
	sale := sell(t, f, "", "t-reg", 1, balie.PayCash)
	acknowledgeAll(t, f.db)
	first, err := f.db.CloseShift(ctx, staffClerk, drawer(1000, 1, 500, 1, 200, 1, 100, 1), "", "")
	if err != nil {
		t.Fatal(err)
	}
	second, err := f.db.OpenShift(ctx, staffClerk, 1800)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Void(ctx, staffClerk, staffSuper, sale.ID, "dubbel aangerekend"); err != nil {
		t.Fatal(err)
	}
	again, err := f.db.ShiftReport(ctx, first.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(again, first) {
		t.Errorf("the closed shift's report changed after a later void")
	}
	z, err := f.db.ShiftReport(ctx, second.ID)
	if err != nil {
		t.Fatal(err)
	}
	if z.Voids != 1 || z.CashRefunds != 1800 || z.ExpectedCash != 0 || line(z.ByPayment, "CASH").Amount != -1800 {
		t.Errorf("second shift: %d voids, %v refunded, %v expected, cash line %v; want 1, € 18,00, € 0,00, € -18,00",
			z.Voids, z.CashRefunds, z.ExpectedCash, line(z.ByPayment, "CASH").Amount)
	}
}

func TestDB_StaffList(t *testing.T) {
	f := newFixture(t, "desk-box")
	staff, err := f.db.StaffList(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(staff) != 2 || staff[0].Name != "An Clerk" || staff[1].Name != "Bart Super" {
		t.Fatalf("StaffList = %+v, want An Clerk and Bart Super by name", staff)
	}
	for _, s := range staff {
		if s.PINHash != "" || s.PINSalt != "" {
			t.Errorf("StaffList gives %s's PIN hash or salt", s.Name)
		}
		if s.ID == "" || s.Role == "" || s.CardNumber == "" {
			t.Errorf("StaffList entry incomplete: %+v", s)
		}
	}
	if staff[1].Role != balie.RoleSupervisor {
		t.Errorf("Bart's role = %s, want SUPERVISOR", staff[1].Role)
	}
}

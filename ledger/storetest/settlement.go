package storetest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/balie/balie"
	"github.com/balie/balie/demo"
	"github.com/balie/balie/demo/history"
	"github.com/balie/balie/ledger"
	balisync "github.com/balie/balie/sync"
)

// settlementTests are the suite's tests of settlement and figures.
var settlementTests = []struct {
	name string
	fn   func(*testing.T, Engine)
}{
	{"SettlementYear", testSettlementYear},
	{"VoidsAndLateActsAcrossAClose", testAcrossAClose},
}

// testSettlementYear simulates a year of a small city through the real
// ingest path (history's terminals, the coordinator closing every month)
// and checks the invariants of settlement on it: every line's shares add
// up to its regular price and its departments to its payer's part; a
// period's totals are the sum of its lines; the payers' sum is the
// organisers'; every closed month recomputes to its hash, also after a
// reopen; every line is in the month the assignment rule gives (late acts
// and voids included); and the counters kept at ingest equal the lines.
func testSettlementYear(t *testing.T, e Engine) {
	v := newEnv(t, e, 300)
	ctx := context.Background()
	rep, err := history.Make(ctx, v.l.Store(), history.Config{Today: today, Days: 365, Scale: 0.05, Seed: 3, Coordinator: ledger.Operator("coördinator")})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("history: %+v", rep)
	if rep.Late == 0 || rep.Voids == 0 || len(rep.Closed) < 10 {
		t.Fatalf("a year without late acts, voids or closes proves little: %+v", rep)
	}
	periods, err := v.l.Periods(ctx)
	if err != nil {
		t.Fatal(err)
	}
	marks := map[string]int64{}
	for _, p := range periods {
		marks[p.Month] = p.Mark
	}
	months := map[string]bool{}
	for m := balie.SettlementMonth(balie.BusinessDay(today.AddDate(-1, 0, -1))); m <= balie.SettlementMonth(balie.BusinessDay(today)); m = balie.NextMonth(m) {
		months[m] = true
	}
	cost := map[[3]string]int64{} // month, payer, department
	tickets := map[[2]string]int64{}
	var late, voids int
	for m := range months {
		var sum ledger.Totals
		byPayer, byOrg := map[string]int64{}, map[string]int64{}
		s, err := v.l.Settle(ctx, m, "", func(l ledger.SettlementLine) error {
			st := l.Settlement
			if st.Holder+st.Organiser+st.Payer != st.Regular {
				t.Errorf("%s line %s/%d: %d + %d + %d is not %d", m, l.ActID, l.Line, st.Holder, st.Organiser, st.Payer, st.Regular)
			}
			var deps balie.Cents
			for _, d := range st.Departments {
				deps += d.Cents
				cost[[3]string{l.Month, st.PayerID, d.Department}] += int64(d.Cents) * int64(l.Quantity)
			}
			if len(st.Departments) > 0 && deps != st.Payer {
				t.Errorf("%s line %s: departments %d, payer %d", m, l.ActID, deps, st.Payer)
			}
			if len(st.Departments) == 0 && st.Payer != 0 {
				cost[[3]string{l.Month, st.PayerID, ""}] += int64(st.Payer) * int64(l.Quantity)
			}
			if l.Kind == ledger.MoneyTicket {
				tickets[[2]string{balie.SettlementMonth(l.Facts.Booked), l.OrganiserID + "|" + string(l.Facts.TariffKind)}] += int64(l.Quantity)
			}
			want, wantLate := balie.AssignMonth(l.Facts.Booked, l.Ingest, marks)
			if l.Month != want || l.Late != wantLate {
				t.Errorf("line %s/%d (day %s, ingest %d) is in %s late=%v; the rule says %s late=%v", l.ActID, l.Line, l.Facts.Booked, l.Ingest, l.Month, l.Late, want, wantLate)
			}
			if l.Late {
				late++
			}
			if l.VoidOf != 0 {
				voids++
			}
			q := int64(l.Quantity)
			sum.Lines++
			sum.Units += q
			sum.Regular += q * int64(st.Regular)
			sum.Holder += q * int64(st.Holder)
			sum.Organiser += q * int64(st.Organiser)
			sum.Payer += q * int64(st.Payer)
			byPayer[st.PayerID] += q * int64(st.Regular)
			byOrg[l.OrganiserID] += q * int64(st.Regular)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if s.All != sum {
			t.Errorf("%s: totals %+v, the sum of its lines %+v", m, s.All, sum)
		}
		var payers, orgs ledger.Totals
		for _, x := range s.ByPayer {
			payers.Plus(x)
		}
		for _, x := range s.ByOrganiser {
			orgs.Plus(x)
		}
		if payers != s.All || orgs != s.All {
			t.Errorf("%s: over payers %+v, over organisers %+v, all %+v", m, payers, orgs, s.All)
		}
		if s.All.Holder+s.All.Organiser+s.All.Payer != s.All.Regular {
			t.Errorf("%s: totals do not add up: %+v", m, s.All)
		}
		if err := v.l.VerifyPeriod(ctx, m); err != nil {
			t.Error(err)
		}
	}
	if late == 0 || voids == 0 {
		t.Errorf("%d late lines and %d counter-lines: the history made some", late, voids)
	}
	// The counters kept at ingest say what the lines say.
	var fcost map[[3]string]int64
	var ftickets map[[2]string]int64
	read := func(l *ledger.Ledger) {
		fcost, ftickets = map[[3]string]int64{}, map[[2]string]int64{}
		err := l.Store().Read(ctx, func(tx ledger.ReadTx) error {
			return tx.Figures([]string{ledger.FigureCost, ledger.FigureTickets}, "0000", "9999", func(f ledger.FigureRow) error {
				switch f.Figure {
				case ledger.FigureCost:
					fcost[[3]string{f.Period, f.K1, f.K2}] += f.Cents
				case ledger.FigureTickets:
					ftickets[[2]string{f.Period, f.K1 + "|" + f.K2}] += f.N
				}
				return nil
			})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	read(v.l)
	compare(t, "cost per payer and department", cost, fcost)
	compare(t, "tickets per organiser and tariff", tickets, ftickets)
	// The dashboard: the holders as the directory counts them, and the
	// cost of the social tariff as the lines sum it.
	st, err := v.l.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	year := balie.SettlementMonth(balie.BusinessDay(today))[:4]
	d, err := v.l.Figures(ctx, year)
	if err != nil {
		t.Fatal(err)
	}
	if h, ok := d.Table("holders"); !ok || h.Rows[0].Values[0] != int64(st.Holders) || h.Rows[1].Values[0] > h.Rows[0].Values[0] {
		t.Errorf("holders figure %+v, the directory has %d", h, st.Holders)
	}
	// The residents are the back office's municipalities': each card
	// system's row shares its holders out of its municipalities'.
	ms, err := ledger.List[balie.Municipality](ctx, v.l, ledger.KindMunicipality, demo.CardSystemLier)
	if err != nil || len(ms) == 0 {
		t.Fatalf("the demo's municipalities of %s: %v %v", demo.CardSystemLier, ms, err)
	}
	residents := 0
	for _, m := range ms {
		residents += m.Population
	}
	h, _ := d.Table("holders")
	found := false
	for _, r := range h.Rows {
		if r.Label == "UiTPAS Lier" {
			found = true
			if r.Values[1] != int64(residents) || r.Values[0] == 0 || r.Values[2] != (r.Values[0]*20000+int64(residents))/(2*int64(residents)) {
				t.Errorf("UiTPAS Lier's holders %v, its municipalities have %d residents", r.Values, residents)
			}
		}
	}
	if !found {
		t.Errorf("no row of UiTPAS Lier in %+v", h.Rows)
	}
	var linesCost, tableCost int64
	for k, c := range cost {
		if strings.HasPrefix(k[0], year) {
			linesCost += c // a department's part, or a payer's without departments
		}
	}
	sc, _ := d.Table("social-cost")
	for _, r := range sc.Rows {
		if strings.HasSuffix(r.Label, "(totaal / total)") {
			tableCost += r.Values[0]
		}
	}
	if linesCost == 0 || tableCost != linesCost {
		t.Errorf("the dashboard's cost of the social tariff in %s is %d, the lines say %d", year, tableCost, linesCost)
	}
	// Reopened, every closed month still recomputes to its hash.
	if err := v.l.Close(); err != nil {
		t.Fatal(err)
	}
	l2 := v.open(t, true)
	for _, p := range periods {
		if err := l2.VerifyPeriod(ctx, p.Month); err != nil {
			t.Errorf("after a reopen: %v", err)
		}
	}
}

func compare[K comparable](t *testing.T, what string, want, got map[K]int64) {
	t.Helper()
	for k, w := range want {
		if w != 0 && got[k] != w {
			t.Errorf("%s %v: counters %d, lines %d", what, k, got[k], w)
		}
	}
	for k, g := range got {
		if g != want[k] {
			t.Errorf("%s %v: counters %d, lines %d", what, k, g, want[k])
		}
	}
}

// testAcrossAClose: a sale of 28 November, November closed on 3
// December, then a void of that sale and an offline terminal's act of
// 29 November: both count in December, the late one marked; November
// recomputes to what its close froze; a second close of November is
// refused and a close of a month that has not ended too.
func testAcrossAClose(t *testing.T, e Engine) {
	v := newEnv(t, e, 50)
	ctx := context.Background()
	l, c := v.l, v.c
	if err := history.Setup(ctx, l, ledger.Seed(), time.Date(2025, 1, 1, 0, 0, 0, 0, balie.Brussels())); err != nil {
		t.Fatal(err)
	}
	tr := c.socialTariff(t, demo.OrgCulture)
	k := c.holder(t, kevin)
	a, b := v.enrol(t, demo.BoxOfficeDesk), v.enrol(t, demo.BoxOfficeDesk)
	nov28 := time.Date(2026, 11, 28, 19, 0, 0, 0, balie.Brussels())
	v.clk.Set(nov28.Add(time.Hour))
	a.at, b.at = nov28, nov28.Add(24*time.Hour) // b is offline from the 29th
	sale := a.next(balie.KindTicketSale, c.socialTickets(t, tr, k, 1))
	if vd := verdictOf(t, l, a, sale); vd.Status == balisync.Rejected {
		t.Fatalf("sale: %+v", vd)
	}
	offline := b.next(balie.KindTicketSale, c.socialTickets(t, tr, k, 1))

	els := ledger.Operator("els")
	if _, err := l.ClosePeriod(ctx, els, "2026-12"); err == nil {
		t.Error("a month that has not ended closed")
	}
	v.clk.Set(time.Date(2026, 12, 3, 10, 0, 0, 0, balie.Brussels()))
	steering := ledger.Actor{ID: "u-steering", Name: "Stuurgroep", Access: balie.Access{Role: balie.OfficeSteering}}
	if _, err := l.ClosePeriod(ctx, steering, "2026-11"); balie.ErrorCode(err) != balie.CodeForbidden {
		t.Errorf("the steering group closed November: %v", err)
	}
	closed, err := l.ClosePeriod(ctx, els, "2026-11")
	if err != nil || len(closed) != 1 {
		t.Fatalf("close November: %v %+v", err, closed)
	}
	if _, err := l.ClosePeriod(ctx, els, "2026-11"); err == nil {
		t.Error("November closed twice")
	}
	// The close is in the audit log, once, with what it froze.
	var audits []ledger.AuditEntry
	if err := l.AuditLog(ctx, els, 0, 100, func(e ledger.AuditEntry) error {
		if e.Action == "period.close" {
			audits = append(audits, e)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(audits) != 1 || audits[0].Entity != "2026-11" || audits[0].Actor != els.ID || !strings.Contains(string(audits[0].After), closed[0].Hash) {
		t.Errorf("the close's audit entries: %+v", audits)
	}
	before, err := l.Settle(ctx, "2026-11", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	a.at = time.Date(2026, 12, 4, 9, 0, 0, 0, balie.Brussels())
	v.clk.Set(a.at.Add(time.Hour))
	ingest(t, l, a, a.next(balie.KindVoid, balie.VoidPayload{Target: sale.ID, Reason: "fout", Approver: "staff-sup"}))
	ingest(t, l, b, offline)

	after, err := l.Settle(ctx, "2026-11", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if after.Hash != before.Hash || after.All != before.All || after.Hash != closed[0].Hash {
		t.Errorf("November changed after its close: %+v, was %+v", after.All, before.All)
	}
	if err := l.VerifyPeriod(ctx, "2026-11"); err != nil {
		t.Error(err)
	}
	var dec []ledger.SettlementLine
	if _, err := l.Settle(ctx, "2026-12", "", func(x ledger.SettlementLine) error { dec = append(dec, x); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(dec) != 2 {
		t.Fatalf("December has %d lines, want the void's and the late sale's: %+v", len(dec), dec)
	}
	for _, x := range dec {
		switch {
		case x.VoidOfID == sale.ID:
			if x.Quantity != -1 || x.Facts.Booked != "2026-12-04" || x.Late {
				t.Errorf("the void's line: %+v", x)
			}
		case x.ActID == offline.ID:
			if !x.Late || x.Facts.Booked != "2026-11-29" || x.Quantity != 1 {
				t.Errorf("the late sale's line: %+v", x)
			}
		default:
			t.Errorf("a line of December that is neither: %+v", x)
		}
		if x.Settlement.PayerID != history.PayerLier || len(x.Settlement.Departments) != 2 {
			t.Errorf("the city's key did not settle %+v", x.Settlement)
		}
	}
	// Across November and December the void nets the sale out: one
	// sale's worth is left, the late one's.
	q4, err := l.Settle(ctx, "2026-Q4", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	one := int64(tr.Regular)
	if q4.All.Regular != one || q4.All.Units != 1 {
		t.Errorf("the quarter: %+v, want one ticket of %d", q4.All, one)
	}
}

package balie

import (
	"encoding/json"
	"errors"
	"testing"
	"time"
)

func TestDenominations(t *testing.T) {
	d := Denominations()
	if len(d) != 15 || d[0] != 50000 || d[len(d)-1] != 1 {
		t.Fatalf("Denominations() = %v, want 15 values from € 500,00 to € 0,01", d)
	}
	for i := 1; i < len(d); i++ {
		if d[i] >= d[i-1] {
			t.Errorf("Denominations() not largest first at %d: %v", i, d)
		}
	}
	d[0] = 7 // the caller's copy: changing it changes nothing
	if Denominations()[0] != 50000 {
		t.Errorf("Denominations() shares its backing array")
	}
}

func TestCountTotal(t *testing.T) {
	cases := []struct {
		name    string
		counted []DenominationCount
		want    Cents
		code    Code
	}{
		{"nothing counted", nil, 0, ""},
		{"notes and coins", []DenominationCount{{5000, 2}, {2000, 1}, {200, 3}, {1, 4}}, 10000 + 2000 + 600 + 4, ""},
		{"zero counts", []DenominationCount{{1000, 0}, {50, 0}}, 0, ""},
		{"same value twice adds up", []DenominationCount{{100, 3}, {100, 2}}, 500, ""},
		{"every denomination once", []DenominationCount{{50000, 1}, {20000, 1}, {10000, 1}, {5000, 1}, {2000, 1}, {1000, 1}, {500, 1}, {200, 1}, {100, 1}, {50, 1}, {20, 1}, {10, 1}, {5, 1}, {2, 1}, {1, 1}}, 88888, ""},
		{"no euro note of 3 euro", []DenominationCount{{300, 1}}, 0, CodeDenominationUnknown},
		{"no 1000 euro note", []DenominationCount{{100000, 1}}, 0, CodeDenominationUnknown},
		{"zero value", []DenominationCount{{0, 5}}, 0, CodeDenominationUnknown},
		{"negative value", []DenominationCount{{-500, 1}}, 0, CodeDenominationUnknown},
		{"negative count", []DenominationCount{{1000, -1}}, 0, CodeCountInvalid},
		{"absurd count", []DenominationCount{{50000, 1 << 40}}, 0, CodeAmountOverflow},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := CountTotal(c.counted)
			if c.code != "" {
				if ErrorCode(err) != c.code {
					t.Fatalf("CountTotal error = %v, want code %s", err, c.code)
				}
				if e, _ := AsError(err); e.NL == "" || e.EN == "" {
					t.Errorf("error %s has no sentence for the clerk", c.code)
				}
				return
			}
			if err != nil || got != c.want {
				t.Errorf("CountTotal = %v, %v; want %v", got, err, c.want)
			}
		})
	}
}

func TestCountTotal_message(t *testing.T) {
	_, err := CountTotal([]DenominationCount{{300, 2}})
	e, _ := AsError(err)
	if want := "€ 3,00 is geen euromunt of -biljet. Tel per biljet (€ 500 tot € 5) en per munt (€ 2 tot € 0,01)."; e == nil || e.NL != want {
		t.Errorf("message = %+v, want %q", e, want)
	}
	_, err = CountTotal([]DenominationCount{{1000, -2}})
	if e, _ := AsError(err); e == nil || e.Message("nl") != "Het aantal voor € 10,00 kan niet negatief zijn (-2 ingegeven)." {
		t.Errorf("message = %+v", e)
	}
}

func TestNormalizeCount(t *testing.T) {
	got, err := NormalizeCount([]DenominationCount{{1, 2}, {100, 3}, {5000, 0}, {100, 1}, {2000, 1}})
	if err != nil {
		t.Fatal(err)
	}
	want := []DenominationCount{{2000, 1}, {100, 4}, {1, 2}}
	if len(got) != len(want) {
		t.Fatalf("NormalizeCount = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("NormalizeCount[%d] = %v, want %v", i, got[i], want[i])
		}
	}
	if _, err := NormalizeCount([]DenominationCount{{7, 1}}); ErrorCode(err) != CodeDenominationUnknown {
		t.Errorf("NormalizeCount of a 7-cent coin: %v", err)
	}
}

// event makes a journal event with the payload's JSON.
func event(t *testing.T, seq int64, kind Kind, payload any) JournalEvent {
	t.Helper()
	b, err := json.Marshal(payload)
	if err != nil {
		t.Fatal(err)
	}
	return JournalEvent{ID: "e" + string(rune('a'+seq)), Seq: seq, Kind: kind, Payload: b,
		Time: inBrussels(2026, time.November, 25, 19, int(seq))}
}

func TestShiftTally(t *testing.T) {
	earlier := JournalEvent{ID: "before", Kind: KindTicketSale,
		Payload: json.RawMessage(`{"event":"ev","organiser":"org-cc","lines":[],"total":1800,"payment":"CASH"}`)}
	lookup := func(id string) (JournalEvent, error) {
		if id == earlier.ID {
			return earlier, nil
		}
		if id == "checkin-before" {
			return JournalEvent{ID: id, Kind: KindCheckin, Payload: json.RawMessage(`{}`)}, nil
		}
		return JournalEvent{}, errors.New("not in this journal")
	}
	cashTicket := TicketSalePayload{EventID: "ev", OrganiserID: "org-cc", Total: 3600, Payment: PayCash}
	cardTicket := TicketSalePayload{EventID: "ev", OrganiserID: "org-cc", Total: 2160, Payment: PayCard}
	membership := MembershipPaymentPayload{ProgramID: "p", OrganiserID: "org-sport", Price: 500, Payment: PayCash}
	freeCard := CardSalePayload{OrganiserID: "org-cc", Price: 0, Payment: PayNone}
	invoiceCard := CardSalePayload{OrganiserID: "org-cc", Price: 500, Payment: PayInvoice}

	cases := []struct {
		name      string
		events    func() []JournalEvent
		want      ShiftTotals // Lines and the breakdowns are checked apart
		wantCash  Cents       // net CASH line
		wantOrgs  map[string]Cents
		wantError bool
	}{
		{"empty shift", func() []JournalEvent { return nil }, ShiftTotals{}, 0, map[string]Cents{}, false},
		{"sales of every kind", func() []JournalEvent {
			return []JournalEvent{
				event(t, 1, KindTicketSale, cashTicket),
				event(t, 2, KindCheckin, CheckinPayload{Points: 1}),
				event(t, 3, KindTicketSale, cardTicket),
				event(t, 4, KindMembershipPayment, membership),
				event(t, 5, KindCardSale, freeCard),
				event(t, 6, KindCardSale, invoiceCard),
			}
		}, ShiftTotals{Sales: 3600 + 2160 + 500 + 500, Acts: 5, CashSales: 4100}, 4100,
			map[string]Cents{"org-cc": 3600 + 2160 + 500, "org-sport": 500}, false},
		{"a void in the shift subtracts", func() []JournalEvent {
			s := event(t, 1, KindTicketSale, cashTicket)
			return []JournalEvent{s, event(t, 2, KindTicketSale, cardTicket),
				event(t, 3, KindVoid, VoidPayload{Target: s.ID, Reason: "vergissing", Approver: "st-super"})}
		}, ShiftTotals{Sales: 2160, Acts: 2, Voids: 1, VoidAmount: 3600, CashSales: 3600, CashRefunds: 3600}, 0,
			map[string]Cents{"org-cc": 2160}, false},
		{"a void of an earlier shift's sale pays back from this drawer", func() []JournalEvent {
			return []JournalEvent{event(t, 1, KindVoid, VoidPayload{Target: "before"})}
		}, ShiftTotals{Sales: -1800, Voids: 1, VoidAmount: 1800, CashRefunds: 1800}, -1800,
			map[string]Cents{"org-cc": -1800}, false},
		{"a void of a check-in moves no money", func() []JournalEvent {
			return []JournalEvent{event(t, 1, KindVoid, VoidPayload{Target: "checkin-before"})}
		}, ShiftTotals{Voids: 1}, 0, map[string]Cents{}, false},
		{"a void of an unknown act", func() []JournalEvent {
			return []JournalEvent{event(t, 1, KindVoid, VoidPayload{Target: "nowhere"})}
		}, ShiftTotals{}, 0, nil, true},
		{"a damaged payload", func() []JournalEvent {
			return []JournalEvent{{ID: "x", Seq: 1, Kind: KindTicketSale, Payload: json.RawMessage(`{`)}}
		}, ShiftTotals{}, 0, nil, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var tally ShiftTally
			var err error
			for _, e := range c.events() {
				if err = tally.Add(e, lookup); err != nil {
					break
				}
			}
			if c.wantError {
				if err == nil {
					t.Fatal("Add succeeded, want an error")
				}
				return
			}
			if err != nil {
				t.Fatalf("Add: %v", err)
			}
			got, err := tally.Totals()
			if err != nil {
				t.Fatalf("Totals: %v", err)
			}
			if got.Sales != c.want.Sales || got.Acts != c.want.Acts || got.Voids != c.want.Voids || got.VoidAmount != c.want.VoidAmount ||
				got.CashSales != c.want.CashSales || got.CashRefunds != c.want.CashRefunds {
				t.Errorf("Totals = sales %v acts %d voids %d (%v) cash %v refunds %v; want %v %d %d (%v) %v %v",
					got.Sales, got.Acts, got.Voids, got.VoidAmount, got.CashSales, got.CashRefunds,
					c.want.Sales, c.want.Acts, c.want.Voids, c.want.VoidAmount, c.want.CashSales, c.want.CashRefunds)
			}
			if len(got.ByPayment) < 3 || got.ByPayment[0].Key != "CASH" || got.ByPayment[1].Key != "CARD" || got.ByPayment[2].Key != "INVOICE" {
				t.Fatalf("ByPayment = %+v, want CASH, CARD, INVOICE first", got.ByPayment)
			}
			if got.ByPayment[0].Amount != c.wantCash {
				t.Errorf("CASH line = %v, want %v", got.ByPayment[0].Amount, c.wantCash)
			}
			if len(got.ByKind) != 3 {
				t.Errorf("ByKind = %+v, want the three kinds of sale", got.ByKind)
			}
			orgs := map[string]Cents{}
			for _, o := range got.ByOrganiser {
				orgs[o.Key] = o.Amount
			}
			if len(orgs) != len(c.wantOrgs) {
				t.Errorf("ByOrganiser = %+v, want %v", got.ByOrganiser, c.wantOrgs)
			}
			for k, v := range c.wantOrgs {
				if orgs[k] != v {
					t.Errorf("organiser %s = %v, want %v", k, orgs[k], v)
				}
			}
			// Every breakdown adds up to the same total.
			for name, lines := range map[string][]ZLine{"payment": got.ByPayment, "kind": got.ByKind, "organiser": got.ByOrganiser} {
				var sum Cents
				for _, l := range lines {
					sum += l.Amount
				}
				if sum != got.Sales {
					t.Errorf("by %s adds up to %v, want %v", name, sum, got.Sales)
				}
			}
		})
	}
}

func TestZReport_Count(t *testing.T) {
	totals := ShiftTotals{CashSales: 5400, CashRefunds: 1800}
	cases := []struct {
		name     string
		float    Cents
		counted  []DenominationCount
		wantExp  Cents
		wantDiff Cents
		code     Code
	}{
		{"exact", 15000, []DenominationCount{{10000, 1}, {5000, 1}, {2000, 1}, {1000, 1}, {500, 1}, {100, 1}}, 18600, 0, ""},
		{"short by 2,50", 15000, []DenominationCount{{10000, 1}, {5000, 1}, {2000, 1}, {1000, 1}, {200, 1}, {100, 1}, {50, 1}}, 18600, -250, ""},
		{"a surplus", 0, []DenominationCount{{5000, 1}}, 3600, 1400, ""},
		{"a bad count", 0, []DenominationCount{{1000, -1}}, 3600, 0, CodeCountInvalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			z, err := NewZReport(Shift{ID: "s1", Float: c.float}, totals)
			if err != nil {
				t.Fatal(err)
			}
			if z.ExpectedCash != c.wantExp {
				t.Errorf("ExpectedCash = %v, want %v", z.ExpectedCash, c.wantExp)
			}
			err = z.Count(c.counted)
			if c.code != "" {
				if ErrorCode(err) != c.code {
					t.Fatalf("Count error = %v, want %s", err, c.code)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if z.Difference != c.wantDiff || z.CountedTotal != z.ExpectedCash+c.wantDiff {
				t.Errorf("counted %v difference %v, want difference %v", z.CountedTotal, z.Difference, c.wantDiff)
			}
		})
	}
}

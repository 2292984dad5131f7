package receipt

import (
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/balie/balie"
)

func brussels(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, balie.Brussels())
}

// socialSale is a box-office sale to a holder with the social tariff: one
// ticket at the social tariff, one at the regular price, paid cash.
func socialSale() Receipt {
	return Receipt{
		Desk: "Onthaal CC", Organiser: "CC Lier", Time: brussels(2026, 11, 25, 19, 42), Staff: "An",
		Lines: []Line{
			// The catalogue's name for the tariff must not reach the paper.
			{Description: "Theater: De Storm", Tariff: balie.TariffSocial, TariffName: "Kansentarief", Quantity: 1, UnitPrice: 360, Amount: 360},
			{Description: "Theater: De Storm", Tariff: balie.TariffRegular, TariffName: "Normaal", Quantity: 1, UnitPrice: 1800, Amount: 1800},
		},
		Total: 2160, Payment: balie.PayCash, Tendered: 5000, Change: 2840,
		Reference: "019abf4e-7c21-7d3e-9a1b-5c6d7e8f9a0b", Footer: "Bedankt en tot ziens!",
	}
}

// stigmaWords are what a receipt must never say of a holder.
var stigmaWords = regexp.MustCompile(`(?i)kansen|sociaal|sociale|social`)

func TestReceiptText(t *testing.T) {
	cases := []struct {
		name  string
		r     Receipt
		lang  string
		width int
		want  []string
	}{
		{"dutch, 42 wide", socialSale(), "nl", 42, []string{"Onthaal CC", "CC Lier", "25/11/2026 19:42", "Kassa: An",
			"Theater: De Storm", "  UiTPAS-tarief", "1 x € 3,60", "€ 3,60", "  Normaal", "1 x € 18,00",
			"TOTAAL", "€ 21,60", "Betaling", "Cash", "Ontvangen", "€ 50,00", "Terug", "€ 28,40", "Ref. 7E8F-9A0B", "Bedankt en tot ziens!"}},
		{"english, 32 wide", socialSale(), "en", 32, []string{"Served by An", "UiTPAS-tarief", "1 x €3.60", "TOTAL", "€21.60",
			"Payment", "Tendered", "€50.00", "Change", "€28.40"}},
		{"narrow paper still fits", socialSale(), "nl", 10, []string{"UiTPAS-tarief", "€ 21,60"}},
		{"card payment shows no change", Receipt{Desk: "Sporthal", Lines: []Line{{Description: "Sportpas", Quantity: 1, UnitPrice: 4000, Amount: 4000}},
			Total: 4000, Payment: balie.PayCard}, "nl", 32, []string{"Sportpas", "1 x € 40,00", "Met de kaart"}},
		{"an invoice is not said to be paid", Receipt{Desk: "Balie", Lines: []Line{{Description: "Tickets", Quantity: 1, UnitPrice: 1800, Amount: 1800}},
			Total: 1800, Payment: balie.PayInvoice}, "nl", 42, []string{"Betaling", "Op factuur"}},
		{"a free card", Receipt{Lines: []Line{{Description: "UiTPAS-kaart", Quantity: 1}}, Payment: balie.PayNone}, "nl", 32,
			[]string{"UiTPAS-kaart", "€ 0,00", "Niets te betalen"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := ReceiptText(c.r, c.lang, c.width)
			for _, w := range c.want {
				if !strings.Contains(got, w) {
					t.Errorf("receipt does not say %q:\n%s", w, got)
				}
			}
			width := max(c.width, 24)
			for _, l := range strings.Split(strings.TrimRight(got, "\n"), "\n") {
				if n := utf8.RuneCountInString(l); n > width {
					t.Errorf("line %q is %d wide, want at most %d", l, n, width)
				}
			}
			if stigmaWords.MatchString(got) {
				t.Errorf("receipt singles out a social-tariff holder:\n%s", got)
			}
			if c.r.Payment != balie.PayCash && (strings.Contains(got, "Terug") || strings.Contains(got, "Change")) {
				t.Errorf("a %s receipt shows change:\n%s", c.r.Payment, got)
			}
		})
	}
}

// The social tariff reads "UiTPAS-tarief" whatever the catalogue calls
// it, and no catalogue text says it any other way.
func TestLine_Label(t *testing.T) {
	cases := []struct {
		name string
		l    Line
		lang string
		want string
	}{
		{"social", Line{Tariff: balie.TariffSocial, TariffName: "Kansentarief"}, "nl", "UiTPAS-tarief"},
		{"social in english", Line{Tariff: balie.TariffSocial, TariffName: "Social tariff"}, "en", "UiTPAS-tarief"},
		{"social without a name", Line{Tariff: balie.TariffSocial}, "nl", "UiTPAS-tarief"},
		{"regular", Line{Tariff: balie.TariffRegular, TariffName: "Normaal"}, "nl", "Normaal"},
		{"regular without a name", Line{Tariff: balie.TariffRegular}, "en", "Regular"},
		{"coupon", Line{Tariff: balie.TariffCoupon}, "nl", "Bon"},
		{"a regular tariff named after the social one", Line{Tariff: balie.TariffRegular, TariffName: "Sociaal tarief"}, "nl", "UiTPAS-tarief"},
		{"a coupon named after the status", Line{Tariff: balie.TariffCoupon, TariffName: "Bon kansenstatuut"}, "nl", "Bon UiTPAS-tarief"},
		{"not a ticket", Line{}, "nl", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.l.Label(c.lang); got != c.want {
				t.Errorf("Label = %q, want %q", got, c.want)
			}
		})
	}
}

func TestTicketLines(t *testing.T) {
	ev := balie.Event{ID: "ev-show", Name: "Theater: De Storm"}
	quotes := []balie.TicketQuote{
		{TariffID: "t-soc", Kind: balie.TariffSocial, Quantity: 1, Regular: 1800, Shares: balie.Shares{Holder: 360, Organiser: 720, City: 720}, Total: 360},
		{TariffID: "t-reg", Kind: balie.TariffRegular, Quantity: 2, Regular: 1800, Shares: balie.Shares{Holder: 1800}, Total: 3600},
	}
	asked := map[string]bool{}
	lines := TicketLines(ev, quotes, func(id string) string {
		asked[id] = true
		return map[string]string{"t-soc": "Kansentarief", "t-reg": "Normaal"}[id]
	})
	if len(lines) != 2 {
		t.Fatalf("TicketLines = %+v, want 2 lines", lines)
	}
	if asked["t-soc"] || lines[0].TariffName != "" || lines[0].UnitPrice != 360 || lines[0].Amount != 360 {
		t.Errorf("social line = %+v (names asked %v), want € 3,60 without the catalogue's name", lines[0], asked)
	}
	if lines[1].TariffName != "Normaal" || lines[1].UnitPrice != 1800 || lines[1].Amount != 3600 || lines[1].Quantity != 2 {
		t.Errorf("regular line = %+v", lines[1])
	}
}

func TestShortRef(t *testing.T) {
	for _, c := range []struct{ id, want string }{
		{"019abf4e-7c21-7d3e-9a1b-5c6d7e8f9a0b", "7E8F-9A0B"},
		{"abc", "ABC"},
		{"", ""},
	} {
		if got := ShortRef(c.id); got != c.want {
			t.Errorf("ShortRef(%q) = %q, want %q", c.id, got, c.want)
		}
	}
}

// closedShift is a Z report as the store gives it: cash and card sales, a
// void, a count € 2,00 short, closed with a supervisor's override.
func closedShift() balie.ZReport {
	return balie.ZReport{
		Shift: balie.Shift{ID: "019abf4e-0000-7000-8000-00000000beef", Terminal: "019abf00-0000-7000-8000-0000000a11ce",
			Desk:     balie.Desk{ID: "desk-box", Name: "Onthaal CC"},
			OpenedBy: balie.StaffRef{ID: "st-clerk", Name: "An Clerk"}, Opened: balie.Recorded{Seq: 2, At: brussels(2026, 11, 25, 19, 0)}, Float: 15000},
		ShiftTotals: balie.ShiftTotals{
			ByPayment: []balie.ZLine{{Key: "CASH", Count: 2, Amount: 1700}, {Key: "CARD", Count: 2, Amount: 2160}, {Key: "INVOICE"}},
			ByKind:    []balie.ZLine{{Key: "TICKET_SALE", Count: 3, Amount: 3360}, {Key: "CARD_SALE"}, {Key: "MEMBERSHIP_PAYMENT", Count: 1, Amount: 500}},
			ByOrganiser: []balie.ZLine{{Key: "org-cc", Name: "CC Lier", Count: 3, Amount: 3360},
				{Key: "org-sport", Name: "Sportdienst", Count: 1, Amount: 500}},
			Sales: 3860, Acts: 5, Voids: 1, VoidAmount: 3600, CashSales: 5300, CashRefunds: 3600,
		},
		ClosedBy: balie.StaffRef{ID: "st-clerk", Name: "An Clerk"}, Closed: balie.Recorded{Seq: 12, At: brussels(2026, 11, 25, 22, 15)}, IsClosed: true,
		ExpectedCash: 16700, Counted: []balie.DenominationCount{{Value: 10000, Count: 1}, {Value: 5000, Count: 1}, {Value: 1000, Count: 1}, {Value: 200, Count: 2}, {Value: 50, Count: 2}},
		CountedTotal: 16500, Difference: -200, Unsynced: 3, OverrideBy: balie.StaffRef{ID: "st-super", Name: "Bart Super"},
	}
}

func TestZReportText(t *testing.T) {
	open := closedShift()
	open.IsClosed, open.Closed, open.ClosedBy, open.Counted, open.CountedTotal, open.Difference, open.Unsynced, open.OverrideBy =
		false, balie.Recorded{}, balie.StaffRef{}, nil, 0, 0, 0, balie.StaffRef{}
	exact := closedShift()
	exact.CountedTotal, exact.Difference, exact.Unsynced, exact.OverrideBy = 16700, 0, 0, balie.StaffRef{}
	cases := []struct {
		name   string
		z      balie.ZReport
		lang   string
		want   []string
		absent []string
	}{
		{"closed, short, with an override", closedShift(), "nl", []string{
			"KASSA-AFSLUITING (Z-RAPPORT)", "Onthaal CC", "25/11/2026 19:00 door An Clerk", "25/11/2026 22:15 door An Clerk",
			"PER BETAALWIJZE", "Cash", "€ 17,00", "Kaart", "€ 21,60", "Factuur", "PER SOORT VERKOOP", "Tickets", "€ 33,60", "Lidmaatschappen",
			"PER ORGANISATOR", "CC Lier", "Sportdienst", "Totaal", "€ 38,60", "ANNULERINGEN", "€ 36,00",
			"Wisselgeld bij opening", "€ 150,00", "+ Cash ontvangen", "€ 53,00", "Verwacht in kassa", "€ 167,00",
			"TELLING", "€ 100,00", "x 1", "€ 0,50", "x 2", "Geteld", "€ 165,00", "VERSCHIL", "€ -2,00 (tekort)",
			"3 handelingen waren bij het afsluiten nog niet bij de centrale.", "Afsluiten goedgekeurd door Bart Super.", "Shift: 0000-BEEF"},
			nil},
		{"english", closedShift(), "en", []string{"SHIFT CLOSE (Z REPORT)", "By payment", "Cash count", "Float at opening", "€150.00",
			"Expected in drawer", "€167.00", "DIFFERENCE", "-€2.00 (short)", "3 acts had not reached the ledger", "Close approved by Bart Super."},
			[]string{"Kassa"}},
		{"exact, synced", exact, "nl", []string{"€ 0,00 (klopt)"}, []string{"centrale", "goedgekeurd"}},
		{"open shift", open, "nl", []string{"TUSSENSTAND (X-RAPPORT)", "Verwacht in kassa", "de shift is nog open"},
			[]string{"TELLING", "VERSCHIL", "Afgesloten"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := ZReportText(c.z, c.lang)
			// Sentences may wrap and columns are padded: compare the words.
			flat := strings.ToUpper(strings.Join(strings.Fields(got), " "))
			for _, w := range c.want {
				if !strings.Contains(flat, strings.ToUpper(w)) {
					t.Errorf("report does not say %q:\n%s", w, got)
				}
			}
			for _, w := range c.absent {
				if strings.Contains(got, w) {
					t.Errorf("report says %q:\n%s", w, got)
				}
			}
			for _, l := range strings.Split(strings.TrimRight(got, "\n"), "\n") {
				if n := utf8.RuneCountInString(l); n > zWidth {
					t.Errorf("line %q is %d wide, want at most %d", l, n, zWidth)
				}
			}
		})
	}
}

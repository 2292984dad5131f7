package report

import (
	"bytes"
	"encoding/csv"
	"encoding/xml"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/balie/balie"
	"github.com/balie/balie/ledger"
)

func TestSVG(t *testing.T) {
	cases := []struct {
		name  string
		table ledger.Table
	}{
		{"bars", ledger.Table{ID: "x", NL: "Kost <&> \"test\"", EN: "Cost", Chart: "bar", Series: []int{0, 1},
			Columns: []ledger.Column{{NL: "Kost", EN: "Cost", Unit: ledger.UnitCents}, {NL: "Budget", EN: "Budget", Unit: ledger.UnitCents}},
			Rows:    []ledger.Row{{Label: "Stad <Lier>", Values: []int64{123450, 200000}}, {Label: "Nijlen & co", Values: []int64{0, 5000}}}}},
		{"stacked", ledger.Table{ID: "y", NL: "Deelname", Chart: "stacked", Series: []int{0, 1},
			Columns: []ledger.Column{{NL: "a", Unit: ledger.UnitCount}, {NL: "b", Unit: ledger.UnitCount}},
			Rows:    []ledger.Row{{Label: "2026-01", Values: []int64{3, 4}}, {Label: "2026-02", Values: []int64{5, -1}}}}},
		{"lines", ledger.Table{ID: "z", NL: "Punten", Chart: "line", Series: []int{0},
			Columns: []ledger.Column{{NL: "a", Unit: ledger.UnitBP}}, Rows: []ledger.Row{{Label: "a", Values: []int64{2200}}, {Label: "b", Values: []int64{4500}}}}},
		{"empty", ledger.Table{ID: "e", NL: "Leeg", Chart: "bar", Series: []int{0}, Columns: []ledger.Column{{NL: "a"}}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			svg := SVG(c.table, "nl")
			dec := xml.NewDecoder(bytes.NewReader(svg))
			for {
				_, err := dec.Token()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("not well-formed: %v\n%s", err, svg)
				}
			}
			s := string(svg)
			if strings.Contains(s, "<script") || strings.Contains(s, "http://") && !strings.Contains(s, `xmlns="http://www.w3.org/2000/svg"`) {
				t.Errorf("the chart loads or runs something: %s", s)
			}
			if c.name == "bars" && (!strings.Contains(s, "Stad &lt;Lier&gt;") || !strings.Contains(s, "€ 1.234,50")) {
				t.Errorf("labels or amounts missing: %s", s)
			}
		})
	}
}

func TestFigureCSV(t *testing.T) {
	tb := ledger.Table{Columns: []ledger.Column{{NL: "Kost", Unit: ledger.UnitCents}, {NL: "Aandeel", Unit: ledger.UnitBP}},
		Rows: []ledger.Row{{Label: "a", Values: []int64{100, 2200}}, {Label: "b, c", Values: []int64{250, 4500}}}}
	var b bytes.Buffer
	if err := FigureCSV(&b, tb, "nl"); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"rij", "Kost (cent)", "Aandeel (basispunten)"}, {"a", "100", "2200"}, {"b, c", "250", "4500"}}
	if len(rows) != 3 || strings.Join(rows[0], "|") != strings.Join(want[0], "|") || rows[2][0] != "b, c" || rows[2][1] != "250" {
		t.Errorf("got %v, want %v", rows, want)
	}
}

func TestFormatValue(t *testing.T) {
	cases := []struct {
		v          int64
		unit, lang string
		want       string
	}{
		{123450, ledger.UnitCents, "nl", "€ 1.234,50"},
		{123450, ledger.UnitCents, "en", "€1,234.50"},
		{2219, ledger.UnitBP, "nl", "22,1%"},
		{-10000, ledger.UnitBP, "nl", "-100,0%"},
		{-50, ledger.UnitBP, "en", "-0.5%"},
		{42, ledger.UnitCount, "nl", "42"},
	}
	for _, c := range cases {
		if got := FormatValue(c.v, c.unit, c.lang); got != c.want {
			t.Errorf("%d %s %s: got %q, want %q", c.v, c.unit, c.lang, got, c.want)
		}
	}
}

// TestNotePDF lays a note out in both languages, over more than a page.
func TestNotePDF(t *testing.T) {
	var lines []ledger.SettlementLine
	for i := range 60 {
		lines = append(lines, ledger.SettlementLine{MoneyRow: ledger.MoneyRow{Kind: ledger.MoneyTicket, Quantity: 1, OrganiserID: "org-cc",
			Facts:      ledger.ActFacts{Card: "0900000095902", PostalCode: "2500", CardSystem: "cs-lier", TariffKind: balie.TariffSocial, TariffName: "UiTPAS-tarief", EventName: "Théâtre: één € test", Booked: "2026-11-12"},
			Settlement: balie.Settlement{Regular: 1500, Holder: 300, Organiser: 600, Payer: 600, PayerID: "stad-lier", Departments: []balie.DepartmentCents{{Department: "w", Cents: 300}, {Department: "org-cc", Cents: 300}}}},
			ActID: "a"})
		lines[len(lines)-1].Late = i == 3
	}
	n := Note{Period: "2026-11", Organiser: Organiser{ID: "org-cc", Name: "CC Lier", IBAN: "BE68 5390 0754 7034"}, Payer: "stad-lier", PayerName: "Stad Lier",
		Lines: lines, Created: time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC), Closed: true}
	if n.Total() != 36000 {
		t.Errorf("total %d", n.Total())
	}
	for _, lang := range []string{"nl", "en"} {
		var b bytes.Buffer
		if err := NotePDF(&b, n, Directory{}, lang); err != nil {
			t.Fatal(err)
		}
		var again bytes.Buffer
		NotePDF(&again, n, Directory{}, lang)
		if !bytes.HasPrefix(b.Bytes(), []byte("%PDF")) || !bytes.Equal(b.Bytes(), again.Bytes()) {
			t.Errorf("%s: not a PDF, or not the same file twice", lang)
		}
	}
}

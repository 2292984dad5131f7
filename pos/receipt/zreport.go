package receipt

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/balie/balie"
)

// zWidth is the Z report's width in characters: a 80 mm receipt printer's
// small font, and readable on screen.
const zWidth = 48

// ZTitle is the report's title: the Z report of a closed shift, the X
// report (an interim statement) of an open one.
func ZTitle(z balie.ZReport, lang string) string {
	if z.IsClosed {
		return tr(lang, "Kassa-afsluiting (Z-rapport)", "Shift close (Z report)")
	}
	return tr(lang, "Tussenstand (X-rapport) - shift nog open", "Interim (X report) - shift still open")
}

// zRow is one labelled amount of a report table.
type zRow struct {
	label  string
	count  string // "" when the row has no count
	amount string
}

// zSection is a titled table of a report.
type zSection struct {
	title string
	rows  []zRow
	total *zRow // printed under a rule
}

// zLines turns breakdown lines into rows; name names a key.
func zLines(lines []balie.ZLine, name func(balie.ZLine) string, lang string) []zRow {
	rows := make([]zRow, 0, len(lines))
	for _, l := range lines {
		rows = append(rows, zRow{name(l), strconv.Itoa(l.Count), money(l.Amount, lang)})
	}
	return rows
}

// zSections are the report's tables, in order: what the text and the PDF
// both print.
func zSections(z balie.ZReport, lang string) []zSection {
	total := &zRow{tr(lang, "Totaal", "Total"), "", money(z.Sales, lang)}
	orgs := zLines(z.ByOrganiser, func(l balie.ZLine) string {
		if l.Name != "" {
			return l.Name
		}
		return l.Key
	}, lang)
	if len(orgs) == 0 {
		orgs = []zRow{{tr(lang, "Geen verkopen", "No sales"), "", ""}}
	}
	cash := []zRow{
		{tr(lang, "Wisselgeld bij opening", "Float at opening"), "", money(z.Float, lang)},
		{tr(lang, "+ Cash ontvangen", "+ Cash taken"), "", money(z.CashSales, lang)},
		{tr(lang, "- Cash terugbetaald", "- Cash refunded"), "", money(z.CashRefunds, lang)},
	}
	cashTotal := &zRow{tr(lang, "Verwacht in kassa", "Expected in drawer"), "", money(z.ExpectedCash, lang)}
	return []zSection{
		{tr(lang, "Per betaalwijze", "By payment"),
			zLines(z.ByPayment, func(l balie.ZLine) string { return PaymentName(balie.PaymentMethod(l.Key), lang) }, lang), total},
		{tr(lang, "Per soort verkoop", "By kind of sale"),
			zLines(z.ByKind, func(l balie.ZLine) string { return KindName(balie.Kind(l.Key), lang) }, lang), total},
		{tr(lang, "Per organisator", "By organiser"), orgs, total},
		{tr(lang, "Annuleringen", "Voids"), []zRow{{tr(lang, "Geannuleerd", "Voided"), strconv.Itoa(z.Voids), money(z.VoidAmount, lang)}}, nil},
		{tr(lang, "Kassa", "Cash drawer"), cash, cashTotal},
	}
}

// zCount is the count section: the count sheet and the difference.
func zCount(z balie.ZReport, lang string) zSection {
	s := zSection{title: tr(lang, "Telling", "Cash count")}
	for _, c := range z.Counted {
		amount, _ := c.Value.Mul(c.Count)
		s.rows = append(s.rows, zRow{money(c.Value, lang), "x " + strconv.Itoa(c.Count), money(amount, lang)})
	}
	if len(z.Counted) == 0 {
		s.rows = append(s.rows, zRow{tr(lang, "Niets geteld", "Nothing counted"), "", ""})
	}
	s.total = &zRow{tr(lang, "Geteld", "Counted"), "", money(z.CountedTotal, lang)}
	return s
}

// DifferenceText is the difference between count and expectation, said
// plainly: "€ -2,00 (tekort)".
func DifferenceText(z balie.ZReport, lang string) string {
	s := money(z.Difference, lang)
	switch {
	case z.Difference < 0:
		return s + tr(lang, " (tekort)", " (short)")
	case z.Difference > 0:
		return s + tr(lang, " (overschot)", " (over)")
	}
	return s + tr(lang, " (klopt)", " (exact)")
}

// zWarnings are what a supervisor must notice on the report.
func zWarnings(z balie.ZReport, lang string) []string {
	var out []string
	if z.IsClosed && z.Unsynced > 0 {
		nl := fmt.Sprintf("%d handelingen waren bij het afsluiten nog niet bij de centrale.", z.Unsynced)
		en := fmt.Sprintf("%d acts had not reached the ledger when the shift closed.", z.Unsynced)
		if z.Unsynced == 1 {
			nl, en = "1 handeling was bij het afsluiten nog niet bij de centrale.", "1 act had not reached the ledger when the shift closed."
		}
		out = append(out, tr(lang, nl, en))
		if z.OverrideBy.Name != "" {
			out = append(out, tr(lang, "Afsluiten goedgekeurd door ", "Close approved by ")+z.OverrideBy.Name+".")
		}
	}
	if z.IsClosed && z.Reason != "" {
		out = append(out, tr(lang, "Reden van het verschil: ", "Reason for the difference: ")+z.Reason)
	}
	if !z.IsClosed {
		out = append(out, tr(lang, "Dit is geen afsluiting: de shift is nog open en er is niet geteld.",
			"This is not a close: the shift is still open and nothing was counted."))
	}
	return out
}

// zHeader is the report's facts: who, where, when.
func zHeader(z balie.ZReport, lang string) [][2]string {
	desk := z.Desk.Name
	if desk == "" {
		desk = z.Desk.ID
	}
	rows := [][2]string{
		{tr(lang, "Balie", "Desk"), desk},
		{tr(lang, "Kassa", "Terminal"), ShortRef(z.Terminal)},
		{tr(lang, "Shift", "Shift"), ShortRef(z.ID)},
		{tr(lang, "Geopend", "Opened"), when(z.Opened.At) + tr(lang, " door ", " by ") + z.OpenedBy.Name},
	}
	if z.IsClosed {
		rows = append(rows, [2]string{tr(lang, "Afgesloten", "Closed"), when(z.Closed.At) + tr(lang, " door ", " by ") + z.ClosedBy.Name})
	}
	return rows
}

// ZReportText renders a shift's report as text, 48 characters wide.
func ZReportText(z balie.ZReport, lang string) string {
	b := textBuilder{width: zWidth}
	b.rule('=')
	b.centre(strings.ToUpper(ZTitle(z, lang)))
	b.rule('=')
	for _, h := range zHeader(z, lang) {
		b.wrap(fmt.Sprintf("%-11s %s", h[0]+":", h[1]), 0)
	}
	sections := append(zSections(z, lang), zSection{})
	if z.IsClosed {
		sections[len(sections)-1] = zCount(z, lang)
	} else {
		sections = sections[:len(sections)-1]
	}
	for _, s := range sections {
		b.blank()
		b.line(strings.ToUpper(s.title))
		b.rule('-')
		for _, r := range s.rows {
			b.row(r)
		}
		if s.total != nil {
			b.line(strings.Repeat(" ", zWidth-18) + strings.Repeat("-", 18))
			b.row(*s.total)
		}
	}
	if z.IsClosed {
		b.blank()
		b.pair(tr(lang, "VERSCHIL", "DIFFERENCE"), DifferenceText(z, lang))
	}
	if w := zWarnings(z, lang); len(w) > 0 {
		b.blank()
		b.rule('!')
		for _, s := range w {
			b.wrap(s, 0)
		}
		b.rule('!')
	}
	return b.String()
}

// row prints a label, a count in its own column and the amount at the
// right.
func (b *textBuilder) row(r zRow) {
	const countCol, amountCol = 6, 16
	label := r.label
	room := b.width - countCol - amountCol - 1
	parts := wrapWords(label, room)
	if len(parts) == 0 {
		parts = []string{""}
	}
	for _, p := range parts[:len(parts)-1] {
		b.line(p)
	}
	last := parts[len(parts)-1]
	b.line(fmt.Sprintf("%s%s %s%s", last, strings.Repeat(" ", room-runes(last)),
		leftPad(r.count, countCol), leftPad(r.amount, amountCol)))
}

func leftPad(s string, n int) string {
	return strings.Repeat(" ", max(n-runes(s), 0)) + s
}

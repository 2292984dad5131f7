package receipt

import (
	"fmt"
	"io"
	"time"

	"github.com/balie/balie"
	"github.com/go-pdf/fpdf"
)

// The PDFs use the core Helvetica font in the Windows-1252 encoding,
// which holds the euro sign and every letter of Dutch and English, so no
// font file is needed.

// doc wraps an fpdf document with the text encoding done once.
type doc struct {
	*fpdf.Fpdf
	enc func(string) string
}

func newDoc(init *fpdf.InitType, created time.Time, title string) *doc {
	f := fpdf.NewCustom(init)
	d := &doc{Fpdf: f, enc: f.UnicodeTranslatorFromDescriptor("")}
	// A fixed date: the same report gives the same file.
	if created.IsZero() {
		created = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	f.SetCatalogSort(true) // fonts in a fixed order, not a map's
	f.SetCreationDate(created)
	f.SetModificationDate(created)
	f.SetTitle(title, true)
	f.SetCreator("Balie", true)
	return d
}

func (d *doc) font(style string, size float64) { d.SetFont("Helvetica", style, size) }

// cell writes one cell of text; ln 1 moves to the next line.
func (d *doc) cell(w, h float64, s, align string, ln int) {
	d.CellFormat(w, h, d.enc(s), "", ln, align, false, 0, "")
}

// receiptWidth is a receipt printer's paper, in mm.
const receiptWidth = 80

// ReceiptPDF writes a receipt as a PDF on receipt paper: 80 mm wide and
// as long as the receipt.
func ReceiptPDF(w io.Writer, r Receipt, lang string) error {
	// Laid out twice: once on a long page to measure, once for real.
	probe := newDoc(&fpdf.InitType{UnitStr: "mm", Size: fpdf.SizeType{Wd: receiptWidth, Ht: 2000}}, r.Time, "")
	height := layoutReceipt(probe, r, lang) + 6
	if err := probe.Error(); err != nil {
		return fmt.Errorf("receipt pdf: %w", err)
	}
	d := newDoc(&fpdf.InitType{UnitStr: "mm", Size: fpdf.SizeType{Wd: receiptWidth, Ht: max(height, 80)}}, r.Time,
		tr(lang, "Kassaticket ", "Receipt ")+ShortRef(r.Reference))
	layoutReceipt(d, r, lang)
	if err := d.Output(w); err != nil {
		return fmt.Errorf("receipt pdf: %w", err)
	}
	return nil
}

// layoutReceipt draws the receipt and returns where it ends.
func layoutReceipt(d *doc, r Receipt, lang string) float64 {
	const margin, lh = 5.0, 4.6
	inner := receiptWidth - 2*margin
	d.SetMargins(margin, margin, margin)
	d.SetAutoPageBreak(false, 0)
	d.AddPage()
	d.font("B", 12)
	if r.Desk != "" {
		d.MultiCell(inner, 6, d.enc(r.Desk), "", "C", false)
	}
	d.font("", 9)
	if r.Organiser != "" {
		d.MultiCell(inner, lh, d.enc(r.Organiser), "", "C", false)
	}
	d.Ln(1)
	d.font("", 8)
	d.cell(inner/2, lh, when(r.Time), "L", 0)
	d.cell(inner/2, lh, staffWord(r.Staff, lang), "R", 1)
	rule := func() {
		y := d.GetY() + 1
		d.SetDrawColor(120, 120, 120)
		d.SetDashPattern([]float64{0.8, 0.6}, 0)
		d.Line(margin, y, receiptWidth-margin, y)
		d.SetDashPattern(nil, 0)
		d.SetY(y + 1.5)
	}
	rule()
	for _, l := range r.Lines {
		d.font("B", 9)
		d.MultiCell(inner, lh, d.enc(neutral(l.Description)), "", "L", false)
		d.font("", 9)
		if label := l.Label(lang); label != "" {
			d.SetX(margin + 3)
			d.MultiCell(inner-3, lh, d.enc(label), "", "L", false)
		}
		d.SetX(margin + 3)
		d.cell(inner-3-28, lh, quantityText(l, lang), "L", 0)
		d.cell(28, lh, money(l.Amount, lang), "R", 1)
		d.Ln(0.8)
	}
	rule()
	d.font("B", 12)
	d.cell(inner/2, 7, tr(lang, "TOTAAL", "TOTAL"), "L", 0)
	d.cell(inner/2, 7, money(r.Total, lang), "R", 1)
	d.font("", 9)
	pair := func(a, b string) {
		d.cell(inner/2, lh, a, "L", 0)
		d.cell(inner/2, lh, b, "R", 1)
	}
	pair(tr(lang, "Betaling", "Payment"), paymentWords(r.Payment, lang))
	if r.Payment == balie.PayCash && r.Tendered > 0 {
		pair(tr(lang, "Ontvangen", "Tendered"), money(r.Tendered, lang))
		pair(tr(lang, "Terug", "Change"), money(r.Change, lang))
	}
	rule()
	d.font("", 8)
	if r.Reference != "" {
		d.cell(inner, lh, "Ref. "+ShortRef(r.Reference), "C", 1)
	}
	if r.Footer != "" {
		d.font("I", 9)
		d.MultiCell(inner, lh, d.enc(neutral(r.Footer)), "", "C", false)
	}
	return d.GetY()
}

// ZReportPDF writes a shift's report as an A4 PDF: the facts, the totals
// by payment method, kind of sale and organiser, the voids, the drawer,
// the count and the difference, and room for signatures.
func ZReportPDF(w io.Writer, z balie.ZReport, lang string) error {
	created := z.Closed.At
	if created.IsZero() {
		created = z.Opened.At
	}
	d := newDoc(&fpdf.InitType{OrientationStr: "P", UnitStr: "mm", SizeStr: "A4"}, created, ZTitle(z, lang))
	const margin = 20.0
	width := 210 - 2*margin
	d.SetMargins(margin, 18, margin)
	d.SetAutoPageBreak(true, 20)
	d.AliasNbPages("{nb}")
	d.SetFooterFunc(func() {
		d.SetY(-14)
		d.font("", 8)
		d.SetTextColor(110, 110, 110)
		d.cell(width/2, 5, "Balie - "+ZTitle(z, lang)+" - "+tr(lang, "shift ", "shift ")+ShortRef(z.ID), "L", 0)
		d.cell(width/2, 5, fmt.Sprintf(tr(lang, "pagina %d/{nb}", "page %d/{nb}"), d.PageNo()), "R", 0)
		d.SetTextColor(0, 0, 0)
	})
	d.AddPage()

	// Title band.
	d.SetFillColor(33, 64, 110)
	if !z.IsClosed {
		d.SetFillColor(176, 96, 0)
	}
	d.SetTextColor(255, 255, 255)
	d.font("B", 16)
	d.CellFormat(width, 12, d.enc(" "+ZTitle(z, lang)), "", 1, "LM", true, 0, "")
	d.SetTextColor(0, 0, 0)
	d.Ln(4)

	// The facts.
	for _, h := range zHeader(z, lang) {
		d.font("B", 10)
		d.cell(32, 6, h[0], "L", 0)
		d.font("", 10)
		d.cell(width-32, 6, h[1], "L", 1)
	}
	d.Ln(2)

	// Two columns where the tables are short, the organisers at full
	// width because their names are long: one A4 page for a usual shift.
	sec := zSections(z, lang)
	pay, kind, org, voids, cash := sec[0], sec[1], sec[2], sec[3], sec[4]
	col := (width - 8) / 2
	zRowOf(d, []zColumn{{margin, col, []zSection{pay}}, {margin + col + 8, col, []zSection{kind}}}, lang)
	zRowOf(d, []zColumn{{margin, width, []zSection{org}}}, lang)
	right := []zSection{voids}
	if z.IsClosed {
		right = []zSection{zCount(z, lang)}
	}
	left := []zSection{cash}
	if z.IsClosed {
		left = append(left, voids)
	}
	zRowOf(d, []zColumn{{margin, col, left}, {margin + col + 8, col, right}}, lang)

	if z.IsClosed {
		// The difference, boxed: the figure a supervisor looks for first.
		d.Ln(1)
		switch {
		case z.Difference == 0:
			d.SetFillColor(226, 242, 230)
		default:
			d.SetFillColor(252, 228, 214)
		}
		d.font("B", 12)
		d.CellFormat(width-50, 10, d.enc(" "+tr(lang, "Verschil (geteld - verwacht)", "Difference (counted - expected)")), "1", 0, "LM", true, 0, "")
		d.CellFormat(50, 10, d.enc(DifferenceText(z, lang)+" "), "1", 1, "RM", true, 0, "")
		d.Ln(4)
	}

	if warnings := zWarnings(z, lang); len(warnings) > 0 {
		d.SetFillColor(255, 243, 205)
		d.SetDrawColor(200, 150, 0)
		d.font("B", 10)
		for i, s := range warnings {
			border := "LR"
			if i == 0 {
				border += "T"
			}
			if i == len(warnings)-1 {
				border += "B"
			}
			d.MultiCell(width, 6, d.enc(" "+s), border, "L", true)
		}
		d.SetDrawColor(0, 0, 0)
		d.Ln(4)
	}

	if z.IsClosed {
		// Signatures: the clerk who counted and the supervisor who checked.
		if d.GetY() > 297-20-30 {
			d.AddPage()
		}
		d.Ln(8)
		y := d.GetY() + 12
		half := (width - 10) / 2
		d.SetDrawColor(0, 0, 0)
		d.Line(margin, y, margin+half, y)
		d.Line(margin+half+10, y, margin+width, y)
		d.SetY(y + 1)
		d.font("", 9)
		d.cell(half+10, 5, tr(lang, "Handtekening ", "Signature ")+z.ClosedBy.Name, "L", 0)
		d.cell(half, 5, tr(lang, "Handtekening verantwoordelijke", "Supervisor's signature"), "L", 1)
	}
	if err := d.Output(w); err != nil {
		return fmt.Errorf("z report pdf: %w", err)
	}
	return nil
}

// zColumn is a column of sections at x, w wide.
type zColumn struct {
	x, w     float64
	sections []zSection
}

const zRowH, zTitleH, zGap = 5.4, 6.6, 3.0

// zHeight is how much room sections take.
func zHeight(sections []zSection) float64 {
	h := 0.0
	for _, s := range sections {
		h += zTitleH + zRowH*float64(len(s.rows)) + zGap
		if s.total != nil {
			h += zRowH + 0.6
		}
	}
	return h
}

// zRowOf draws columns side by side from the current line, on a new
// page when they do not fit, and moves below the longest.
func zRowOf(d *doc, cols []zColumn, lang string) {
	need := 0.0
	for _, c := range cols {
		need = max(need, zHeight(c.sections))
	}
	_, pageH := d.GetPageSize()
	_, _, _, bottom := d.GetMargins()
	if d.GetY()+need > pageH-bottom-4 {
		d.AddPage()
	}
	top, end := d.GetY(), d.GetY()
	for _, c := range cols {
		y := top
		for _, s := range c.sections {
			y = zTable(d, s, c.x, y, c.w, lang)
		}
		end = max(end, y)
	}
	left, _, _, _ := d.GetMargins()
	d.SetXY(left, end)
}

// zTable draws one section at (x, y), w wide: a shaded title row, the
// rows, and the total under a rule. It returns where the section ends.
func zTable(d *doc, s zSection, x, y, w float64, lang string) float64 {
	countW, amountW := 18.0, 30.0
	counts := false
	for _, r := range s.rows {
		counts = counts || r.count != ""
	}
	if !counts { // the label takes the count's room
		countW = 0
	}
	labelW := w - countW - amountW
	cells := func(label, count, amount, style string, h float64, fill bool) {
		d.SetXY(x, y)
		d.font(style, 9.5)
		d.CellFormat(labelW, h, d.enc(" "+fit(d, label, labelW-2)), "", 0, "LM", fill, 0, "")
		if countW > 0 { // a width of 0 would run to the margin
			d.CellFormat(countW, h, d.enc(count), "", 0, "RM", fill, 0, "")
		}
		d.CellFormat(amountW, h, d.enc(amount+" "), "", 0, "RM", fill, 0, "")
		y += h
	}
	head := ""
	if counts {
		head = tr(lang, "Aantal", "Count")
	}
	d.SetFillColor(232, 237, 245)
	cells(s.title, head, tr(lang, "Bedrag", "Amount"), "B", zTitleH, true)
	for _, r := range s.rows {
		cells(r.label, r.count, r.amount, "", zRowH, false)
	}
	if s.total != nil {
		d.SetDrawColor(90, 90, 90)
		d.Line(x+labelW*0.5, y+0.3, x+w, y+0.3)
		y += 0.6
		cells(s.total.label, s.total.count, s.total.amount, "B", zRowH, false)
	}
	return y + zGap
}

// fit shortens s with an ellipsis until it fits w mm in the current font:
// a long organiser name must not run into the amounts.
func fit(d *doc, s string, w float64) string {
	if d.GetStringWidth(d.enc(s)) <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 1 && d.GetStringWidth(d.enc(string(r)+"...")) > w {
		r = r[:len(r)-1]
	}
	return string(r) + "..."
}

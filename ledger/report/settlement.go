package report

import (
	"archive/zip"
	"encoding/csv"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/balie/balie"
	"github.com/balie/balie/ledger"
	"github.com/go-pdf/fpdf"
)

// SettlementColumns are the settlement CSV's columns: the fourteen the
// city asked for, in its order, then the others.
var SettlementColumns = []string{"organiser", "payer", "date", "card", "municipality", "card_system", "kind", "tariff", "event",
	"regular_cents", "holder_cents", "organiser_cents", "payer_cents", "act_id",
	"line", "quantity", "month", "late", "void_of", "owed_to", "department", "agreement", "event_start", "event_end", "paid_cents"}

// CSV writes settlement lines as CSV, one row per line of an act (a
// ticket sale of two tariffs is two rows with the same act_id). The
// amounts are the line's, in cents: the unit's share times the quantity,
// negative for a void's counter-line, so the columns sum to the period's
// totals. department is the payer's department key, "id=cents" joined
// with ";".
type CSV struct {
	w   *csv.Writer
	dir Directory
	n   int
}

// NewCSV starts a settlement CSV with its header.
func NewCSV(w io.Writer, dir Directory) (*CSV, error) {
	c := &CSV{w: csv.NewWriter(w), dir: dir}
	return c, c.w.Write(SettlementColumns)
}

// Line writes one line.
func (c *CSV) Line(l ledger.SettlementLine) error {
	s, q := l.Settlement, int64(l.Quantity)
	cents := func(x balie.Cents) string { return strconv.FormatInt(int64(x)*q, 10) }
	var deps []string
	for _, d := range s.Departments {
		deps = append(deps, d.Department+"="+strconv.FormatInt(int64(d.Cents)*q, 10))
	}
	tariff := l.Facts.TariffName
	if tariff == "" {
		tariff = string(l.Facts.TariffKind)
	}
	c.n++
	return c.w.Write([]string{l.OrganiserID, s.PayerID, l.Facts.Booked, string(l.Facts.Card), c.dir.Municipality(l.Facts.PostalCode), l.Facts.CardSystem,
		l.Kind + kindSuffix(l), tariff, l.Facts.EventName, cents(s.Regular), cents(s.Holder), cents(s.Organiser), cents(s.Payer), l.ActID,
		strconv.Itoa(l.Line), strconv.Itoa(l.Quantity), l.Month, strconv.FormatBool(l.Late), l.VoidOfID, s.OwedTo, strings.Join(deps, ";"),
		s.Agreement, instant(l.Facts.EventStart), instant(l.Facts.EventEnd), strconv.FormatInt(int64(l.Amount), 10)})
}

func kindSuffix(l ledger.SettlementLine) string {
	if l.Kind == ledger.MoneyTicket && l.Facts.TariffKind != "" {
		return "/" + string(l.Facts.TariffKind)
	}
	return ""
}

func instant(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(balie.Brussels()).Format("2006-01-02T15:04")
}

// Flush ends the CSV; Rows is how many lines it wrote.
func (c *CSV) Flush() error {
	c.w.Flush()
	return c.w.Error()
}

// Rows is the number of lines written.
func (c *CSV) Rows() int { return c.n }

// Note is one expense note: what an organiser claims of a payer for a
// period, with every line at the social tariff (or another that the
// payer shares).
type Note struct {
	Period    string
	Organiser Organiser
	Payer     string
	PayerName string
	Lines     []ledger.SettlementLine
	Created   time.Time // printed, and the PDF's date
	Closed    bool      // the period is closed: the note is final
}

// Total is what the payer transfers: the sum of the lines' payer parts.
func (n Note) Total() balie.Cents {
	var t balie.Cents
	for _, l := range n.Lines {
		t += l.Settlement.Payer * balie.Cents(l.Quantity)
	}
	return t
}

// Notes gathers, from a period's lines, the expense notes: one per
// organiser and payer, of the lines with a payer's part. Collect feeds
// it the lines; Notes returns them in organiser and payer order.
type Notes struct {
	period  string
	dir     Directory
	byPair  map[ledger.NotePair][]ledger.SettlementLine
	created time.Time
	closed  bool
}

// NewNotes starts gathering the notes of period.
func NewNotes(period string, dir Directory, created time.Time, closed bool) *Notes {
	return &Notes{period: period, dir: dir, byPair: map[ledger.NotePair][]ledger.SettlementLine{}, created: created, closed: closed}
}

// Collect keeps a line that a payer shares.
func (ns *Notes) Collect(l ledger.SettlementLine) {
	if l.Settlement.Payer == 0 || l.Settlement.PayerID == "" {
		return
	}
	k := ledger.NotePair{Organiser: l.OrganiserID, Payer: l.Settlement.PayerID}
	ns.byPair[k] = append(ns.byPair[k], l)
}

// Notes are the notes gathered.
func (ns *Notes) Notes() []Note {
	keys := make([]ledger.NotePair, 0, len(ns.byPair))
	for k := range ns.byPair {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].Organiser != keys[j].Organiser {
			return keys[i].Organiser < keys[j].Organiser
		}
		return keys[i].Payer < keys[j].Payer
	})
	out := make([]Note, 0, len(keys))
	for _, k := range keys {
		out = append(out, Note{Period: ns.period, Organiser: ns.dir.Organiser(k.Organiser), Payer: k.Payer, PayerName: ns.dir.PayerName(k.Payer),
			Lines: ns.byPair[k], Created: ns.created, Closed: ns.closed})
	}
	return out
}

// NoteTime is when a period's notes are dated: the last close of its
// months, so a closed period's notes are the same file every time; now
// for an open one.
func NoteTime(s ledger.Summary, now time.Time) time.Time {
	var t time.Time
	for _, c := range s.Closed {
		if c.ClosedAt.After(t) {
			t = c.ClosedAt
		}
	}
	if t.IsZero() {
		return now
	}
	return t
}

// FileName is a note's name in a zip.
func (n Note) FileName(lang string) string {
	clean := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' {
				return r
			}
			return '_'
		}, s)
	}
	return fmt.Sprintf("%s-%s-%s-%s.pdf", tr(lang, "onkostennota", "expense-note"), n.Period, clean(n.Organiser.ID), clean(n.Payer))
}

// doc is an fpdf document with its text encoding: the core Helvetica in
// Windows-1252, which has the euro sign and every Dutch letter, as the
// desk's receipts and Z reports have, so no font file is needed.
type doc struct {
	*fpdf.Fpdf
	enc func(string) string
}

func newDoc(created time.Time, title string) *doc {
	f := fpdf.New("L", "mm", "A4", "")
	d := &doc{Fpdf: f, enc: f.UnicodeTranslatorFromDescriptor("")}
	if created.IsZero() {
		created = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	f.SetCatalogSort(true)
	f.SetCreationDate(created)
	f.SetModificationDate(created)
	f.SetTitle(title, true)
	f.SetCreator("Balie", true)
	return d
}

func (d *doc) cell(w, h float64, s, align string, ln int) {
	d.CellFormat(w, h, d.enc(s), "", ln, align, false, 0, "")
}

// fit shortens s until it fits w mm in the current font.
func (d *doc) fit(s string, w float64) string {
	if d.GetStringWidth(d.enc(s)) <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 1 && d.GetStringWidth(d.enc(string(r)+"…")) > w {
		r = r[:len(r)-1]
	}
	return string(r) + "…"
}

// NotePDF writes an expense note, A4 landscape: the payer and the
// organiser with its contact, the amount to transfer, the account holder
// and IBAN, then every line (organiser, government, date, card,
// municipality, card system, tariff or coupon, event and its dates, total
// price, contribution) and the total per government.
func NotePDF(w io.Writer, n Note, dir Directory, lang string) error {
	title := tr(lang, "Onkostennota ", "Expense note ") + n.Period
	d := newDoc(n.Created, title+" - "+n.Organiser.Name)
	const margin = 12.0
	width := 297 - 2*margin
	d.SetMargins(margin, 12, margin)
	d.SetAutoPageBreak(true, 14)
	d.AliasNbPages("{nb}")
	d.SetFooterFunc(func() {
		d.SetY(-10)
		d.SetFont("Helvetica", "", 7)
		d.SetTextColor(110, 110, 110)
		d.cell(width/2, 4, "Balie - "+title+" - "+n.Organiser.Name+" / "+n.PayerName, "L", 0)
		d.cell(width/2, 4, fmt.Sprintf(tr(lang, "pagina %d/{nb}", "page %d/{nb}"), d.PageNo()), "R", 0)
		d.SetTextColor(0, 0, 0)
	})
	d.AddPage()
	d.SetFillColor(33, 64, 110)
	if !n.Closed {
		d.SetFillColor(176, 96, 0)
	}
	d.SetTextColor(255, 255, 255)
	d.SetFont("Helvetica", "B", 15)
	band := title
	if !n.Closed {
		band += tr(lang, " (voorlopig: periode niet afgesloten)", " (provisional: period not closed)")
	}
	d.CellFormat(width, 11, d.enc(" "+band), "", 1, "LM", true, 0, "")
	d.SetTextColor(0, 0, 0)
	d.Ln(3)

	o := n.Organiser
	half := width / 2
	x0, y0 := d.GetX(), d.GetY()
	facts := [][2]string{
		{tr(lang, "Organisator", "Organiser"), o.Name},
		{tr(lang, "Contact", "Contact"), strings.Join(nonEmpty(o.Contact, o.Email, o.Phone), " - ")},
		{tr(lang, "Rekeninghouder", "Account holder"), firstNonEmpty(o.AccountHolder, o.Name)},
		{"IBAN", firstNonEmpty(o.IBAN, tr(lang, "(niet ingevuld)", "(not filled in)"))},
	}
	for _, f := range facts {
		d.SetFont("Helvetica", "B", 9.5)
		d.cell(34, 5.5, f[0], "L", 0)
		d.SetFont("Helvetica", "", 9.5)
		d.cell(half-34, 5.5, d.fit(f[1], half-36), "L", 1)
	}
	d.SetXY(x0+half, y0)
	right := [][2]string{
		{tr(lang, "Aan (bestuur)", "To (government)"), n.PayerName},
		{tr(lang, "Periode", "Period"), n.Period},
		{tr(lang, "Opgemaakt op", "Made on"), n.Created.In(balie.Brussels()).Format("02/01/2006 15:04")},
	}
	for _, f := range right {
		d.SetX(x0 + half)
		d.SetFont("Helvetica", "B", 9.5)
		d.cell(34, 5.5, f[0], "L", 0)
		d.SetFont("Helvetica", "", 9.5)
		d.cell(half-34, 5.5, d.fit(f[1], half-36), "L", 1)
	}
	d.SetX(x0 + half)
	d.SetFont("Helvetica", "B", 12)
	d.cell(34, 8, tr(lang, "Te storten", "To transfer"), "L", 0)
	d.cell(half-34, 8, money(n.Total(), lang), "L", 1)
	d.SetY(y0 + 4*5.5 + 4)

	cols := []struct {
		name  string
		w     float64
		align string
	}{
		{tr(lang, "Datum", "Date"), 17, "L"},
		{tr(lang, "Kaart", "Card"), 25, "L"},
		{tr(lang, "Gemeente", "Municipality"), 30, "L"},
		{tr(lang, "Kaartsysteem", "Card system"), 30, "L"},
		{tr(lang, "Tarief of bon", "Tariff or coupon"), 30, "L"},
		{tr(lang, "Activiteit", "Event"), 56, "L"},
		{tr(lang, "Activiteitsdata", "Event dates"), 31, "L"},
		{tr(lang, "Aantal", "Qty"), 11, "R"},
		{tr(lang, "Totaalprijs", "Total price"), 21, "R"},
		{tr(lang, "Bijdrage", "Contribution"), 22, "R"},
	}
	header := func() {
		d.SetFont("Helvetica", "B", 8)
		d.SetFillColor(225, 231, 240)
		for _, c := range cols {
			d.CellFormat(c.w, 6, d.enc(c.name), "B", 0, c.align, true, 0, "")
		}
		d.Ln(-1)
	}
	header()
	d.SetFont("Helvetica", "", 8)
	var deps = map[string]balie.Cents{}
	var depOrder []string
	for i, l := range n.Lines {
		if d.GetY() > 210-14-6 {
			d.AddPage()
			header()
			d.SetFont("Helvetica", "", 8)
		}
		q := balie.Cents(l.Quantity)
		tariff := firstNonEmpty(l.Facts.TariffName, string(l.Facts.TariffKind))
		if l.Facts.TariffKind == balie.TariffCoupon {
			tariff = tr(lang, "Bon: ", "Coupon: ") + tariff
		}
		if l.VoidOf != 0 {
			tariff = tr(lang, "Annulering: ", "Void: ") + tariff
		}
		if l.Late {
			tariff += tr(lang, " (laattijdig)", " (late)")
		}
		vals := []string{dayNL(l.Facts.Booked), string(l.Facts.Card), dir.Municipality(l.Facts.PostalCode), firstNonEmpty(dir.CardSystems[l.Facts.CardSystem], l.Facts.CardSystem),
			tariff, l.Facts.EventName, eventDates(l.Facts.EventStart, l.Facts.EventEnd), strconv.Itoa(l.Quantity),
			money(l.Settlement.Regular*q, lang), money(l.Settlement.Payer*q, lang)}
		fill := i%2 == 1
		d.SetFillColor(245, 247, 250)
		for j, c := range cols {
			d.CellFormat(c.w, 5, d.enc(d.fit(vals[j], c.w-1)), "", 0, c.align, fill, 0, "")
		}
		d.Ln(-1)
		for _, dp := range l.Settlement.Departments {
			if _, ok := deps[dp.Department]; !ok {
				depOrder = append(depOrder, dp.Department)
			}
			deps[dp.Department] += dp.Cents * q
		}
	}
	d.Ln(1)
	d.SetFont("Helvetica", "B", 9.5)
	sumW := cols[len(cols)-1].w
	d.CellFormat(width-sumW, 7, d.enc(tr(lang, "Totaal ", "Total ")+n.PayerName+lineCount(len(n.Lines), lang)), "T", 0, "R", false, 0, "")
	d.CellFormat(sumW, 7, d.enc(money(n.Total(), lang)), "T", 1, "R", false, 0, "")
	if len(depOrder) > 0 {
		d.SetFont("Helvetica", "", 8.5)
		d.cell(width, 5, tr(lang, "Waarvan intern gedragen door:", "Of which borne internally by:"), "L", 1)
		for _, dp := range depOrder {
			d.CellFormat(width-sumW, 5, d.enc(dir.DepartmentName(dp)), "", 0, "R", false, 0, "")
			d.CellFormat(sumW, 5, d.enc(money(deps[dp], lang)), "", 1, "R", false, 0, "")
		}
	}
	if err := d.Error(); err != nil {
		return fmt.Errorf("expense note pdf: %w", err)
	}
	if err := d.Output(w); err != nil {
		return fmt.Errorf("expense note pdf: %w", err)
	}
	return nil
}

func dayNL(day string) string {
	t, err := time.Parse("2006-01-02", day)
	if err != nil {
		return day
	}
	return t.Format("02/01/2006")
}

func eventDates(a, b time.Time) string {
	if a.IsZero() {
		return ""
	}
	a, b = a.In(balie.Brussels()), b.In(balie.Brussels())
	if b.IsZero() || balie.BusinessDay(a) == balie.BusinessDay(b) {
		s := a.Format("02/01/2006 15:04")
		if !b.IsZero() {
			s += "-" + b.Format("15:04")
		}
		return s
	}
	return a.Format("02/01/2006") + " - " + b.Format("02/01/2006")
}

func nonEmpty(ss ...string) []string {
	var out []string
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}

// Zip writes a period's notes as one zip: a PDF per note and, when csv
// is not nil, the period's settlement CSV beside them. The files carry
// the notes' date, so the same period gives the same zip.
func Zip(w io.Writer, notes []Note, dir Directory, lang string, csvName string, csvBody []byte, progress func(done, total int)) error {
	z := zip.NewWriter(w)
	var modified time.Time
	if len(notes) > 0 {
		modified = notes[0].Created
	}
	for i, n := range notes {
		f, err := z.CreateHeader(&zip.FileHeader{Name: n.FileName(lang), Method: zip.Deflate, Modified: modified})
		if err != nil {
			return fmt.Errorf("zip: %w", err)
		}
		if err := NotePDF(f, n, dir, lang); err != nil {
			return err
		}
		if progress != nil {
			progress(i+1, len(notes))
		}
	}
	if csvBody != nil {
		f, err := z.CreateHeader(&zip.FileHeader{Name: csvName, Method: zip.Deflate, Modified: modified})
		if err != nil {
			return fmt.Errorf("zip: %w", err)
		}
		if _, err := f.Write(csvBody); err != nil {
			return fmt.Errorf("zip: %w", err)
		}
	}
	return z.Close()
}

// lineCount says how many lines a note has, "1 lijn" or "3 lijnen".
func lineCount(n int, lang string) string {
	if n == 1 {
		return tr(lang, " (1 lijn)", " (1 line)")
	}
	return fmt.Sprintf(tr(lang, " (%d lijnen)", " (%d lines)"), n)
}

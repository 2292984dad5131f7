package beheer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/balie/balie"
	"github.com/balie/balie/ledger"
	"github.com/balie/balie/ledger/report"
)

// The settlement (Afrekening) and the steering group's figures
// (Cijfers): thin pages over the ledger's Settle and Figures and the
// report package's files, so that a page, its download and `ledger
// report` show the same numbers. Who sees what is decided by
// balie.Access: the settlement of every organiser for the coordinator
// and the steering group (the steering group without card numbers), an
// organiser administrator their own organiser's, the welfare officer
// none; the figures for the coordinator and the steering group.

// monthNames are the months as a Dutch and an English reader name them.
var monthNames = [2][12]string{
	{"januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober", "november", "december"},
	{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
}

// periodName names a month (2026-11), a quarter (2026-Q4) or a year.
func periodName(lang, p string) string {
	i := 0
	if lang == "en" {
		i = 1
	}
	if y, q, ok := strings.Cut(p, "-Q"); ok {
		return tr(lang, "period.quarter.name", q, y)
	}
	if len(p) == 7 {
		m, err := strconv.Atoi(p[5:])
		if err == nil && m >= 1 && m <= 12 {
			return monthNames[i][m-1] + " " + p[:4]
		}
	}
	return p
}

// settlePeriods are the periods the picker offers: the months of the
// last two years and their quarters, newest first, and the chosen one
// when it is older.
func settlePeriods(lang string, now time.Time, chosen string) []option {
	var out []option
	m := balie.SettlementMonth(balie.BusinessDay(now))
	seen := map[string]bool{}
	for range 24 {
		out = append(out, option{Value: m, Label: periodName(lang, m), Selected: m == chosen})
		seen[m] = true
		if n, _ := strconv.Atoi(m[5:]); n%3 == 0 {
			// A quarter is offered from its last month on.
			q := fmt.Sprintf("%s-Q%d", m[:4], n/3)
			out = append(out, option{Value: q, Label: periodName(lang, q), Selected: q == chosen})
			seen[q] = true
		}
		m = prevMonth(m)
	}
	if chosen != "" && !seen[chosen] {
		out = append(out, option{Value: chosen, Label: periodName(lang, chosen), Selected: true})
	}
	return out
}

func prevMonth(m string) string {
	t, err := time.Parse("2006-01", m)
	if err != nil {
		return m
	}
	return t.AddDate(0, -1, 0).Format("2006-01")
}

// lastMonth is the month before now's: the one a coordinator closes.
func lastMonth(now time.Time) string {
	return prevMonth(balie.SettlementMonth(balie.BusinessDay(now)))
}

// settlementOrganiser is whose lines the user reads: an organiser
// administrator's own organiser's, everyone else the whole city's (or
// one organiser's, when they ask).
func (q *req) settlementOrganiser() (string, error) {
	a := q.access()
	if !a.Settlement() {
		return "", errForbidden
	}
	org := q.r.URL.Query().Get("organiser")
	if a.Role == balie.OfficeOrganiser {
		if org != "" && org != a.Organiser {
			return "", errForbidden
		}
		return a.Organiser, nil
	}
	return org, nil
}

// visible is a line as the user may see it: without its card number
// for a role that may not see it (balie.Access.SettlementCards).
func (q *req) visible(l ledger.SettlementLine) ledger.SettlementLine {
	if !q.access().SettlementCards(l.OrganiserID) {
		l.Facts.Card = ""
	}
	return l
}

type pairRow struct {
	Organiser, Payer string
	OrgName          string
	PayerName        string
	T                ledger.Totals
	Note             string // the expense note's URL; "" when no payer shares
}

type totalRow struct {
	Name string
	T    ledger.Totals
}

type monthState struct {
	Month  string
	Name   string
	Closed bool
	At     time.Time
	By     string
	Hash   string
	Lines  int
}

func (s *Server) settlement(q *req) error {
	period := q.r.URL.Query().Get("period")
	if period == "" {
		period = lastMonth(q.now())
	}
	return s.settlementPage(q, period, "", false)
}

// settlementPage shows a period's settlement, with closeErr at the
// close form (and the confirmation box ticked again when it was).
func (s *Server) settlementPage(q *req, period, closeErr string, confirmed bool) error {
	org, err := q.settlementOrganiser()
	if err != nil {
		return err
	}
	l := q.lang
	data := map[string]any{"Title": tr(l, "settlement.title"), "Periods": settlePeriods(l, q.now(), period), "Period": period}
	p, err := balie.ParseSettlementPeriod(period)
	if err != nil {
		q.w.WriteHeader(http.StatusUnprocessableEntity)
		data["PeriodError"] = message(l, err)
		q.render("settlement", data)
		return nil
	}
	sum, err := s.l.Settle(q.ctx, p.Name, org, nil)
	if err != nil {
		return err
	}
	dir, err := report.ReadDirectory(q.ctx, s.l)
	if err != nil {
		return err
	}
	var pairs []pairRow
	for _, k := range sum.SortedPairs() {
		r := pairRow{Organiser: k.Organiser, Payer: k.Payer, OrgName: dir.Organiser(k.Organiser).Name, PayerName: dir.PayerName(k.Payer), T: sum.ByPair[k]}
		if k.Payer == "" {
			r.PayerName = tr(l, "settlement.nopayer")
		} else {
			r.Note = noteURL(p.Name, k.Organiser, k.Payer)
		}
		pairs = append(pairs, r)
	}
	byName := func(m map[string]ledger.Totals, name func(string) string) []totalRow {
		var out []totalRow
		for id, t := range m {
			out = append(out, totalRow{Name: name(id), T: t})
		}
		sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
		return out
	}
	payerName := func(id string) string {
		if id == "" {
			return tr(l, "settlement.nopayer")
		}
		return dir.PayerName(id)
	}
	var months []monthState
	for _, m := range p.Months {
		st := monthState{Month: m, Name: periodName(l, m)}
		for _, c := range sum.Closed {
			if c.Month == m {
				st.Closed, st.At, st.By, st.Hash, st.Lines = true, c.ClosedAt, c.ClosedBy, c.Hash, c.Lines
			}
		}
		months = append(months, st)
	}
	suffix := ""
	if org != "" {
		suffix = "?organiser=" + url.QueryEscape(org)
	}
	data["Title"] = tr(l, "settlement.title") + " " + periodName(l, p.Name)
	data["Name"] = periodName(l, p.Name)
	data["Period"] = p.Name
	data["Organiser"] = org
	if org != "" {
		data["OrganiserName"] = dir.Organiser(org).Name
	}
	data["Summary"] = sum
	data["Pairs"] = pairs
	data["ByOrganiser"] = byName(sum.ByOrganiser, func(id string) string { return dir.Organiser(id).Name })
	data["ByPayer"] = byName(sum.ByPayer, payerName)
	data["Months"] = months
	data["Closed"] = sum.IsClosed()
	data["Hash"] = sum.Hash
	data["CSV"] = "/beheer/settlement/" + p.Name + ".csv" + suffix
	data["Zip"] = "/beheer/settlement/" + p.Name + ".zip" + suffix
	data["CanClose"] = q.access().Agreements() && !sum.IsClosed()
	data["CloseError"] = closeErr
	data["Confirmed"] = confirmed
	q.render("settlement", data)
	return nil
}

func noteURL(period, org, payer string) string {
	return "/beheer/settlement/" + period + "/" + url.PathEscape(org) + "/" + url.PathEscape(payer) + ".pdf"
}

// settlementClose closes a period: a coordinator's, after ticking that
// they understand it is for good. A period that runs on or is closed
// already is refused with its sentence at the form.
func (s *Server) settlementClose(q *req) error {
	if !q.access().Agreements() {
		return errForbidden
	}
	f := q.form()
	period := f.str("period")
	if !f.on("confirm") {
		q.w.WriteHeader(http.StatusUnprocessableEntity)
		return s.settlementPage(q, period, tr(q.lang, "settlement.confirm.missing"), false)
	}
	if _, err := s.l.ClosePeriod(q.ctx, q.actor, period); err != nil {
		if _, ok := balie.AsError(err); !ok || balie.ErrorCode(err) == balie.CodeForbidden {
			return refused(&form{}, q.lang, err)
		}
		q.w.WriteHeader(http.StatusUnprocessableEntity)
		return s.settlementPage(q, period, message(q.lang, err), true)
	}
	return q.saved("/beheer/settlement?period=" + url.QueryEscape(period))
}

// attachment sets a download's type and name.
func attachment(w http.ResponseWriter, contentType, name string) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=%q", name))
}

// settlementFile serves a period's CSV (2026-11.csv) or its zip of
// notes and CSV (2026-11.zip), of the lines the user may read.
func (s *Server) settlementFile(q *req) error {
	org, err := q.settlementOrganiser()
	if err != nil {
		return err
	}
	name := q.r.PathValue("file")
	period, ext, ok := strings.Cut(name, ".")
	if !ok || ext != "csv" && ext != "zip" {
		return errNotFound
	}
	p, err := balie.ParseSettlementPeriod(period)
	if err != nil {
		return errNotFound
	}
	dir, err := report.ReadDirectory(q.ctx, s.l)
	if err != nil {
		return err
	}
	base := "afrekening-" + p.Name
	if org != "" {
		base += "-" + org
	}
	if ext == "csv" {
		return s.streamCSV(q, p.Name, org, dir, base+".csv")
	}
	var csvBuf bytes.Buffer
	cw, err := report.NewCSV(&csvBuf, dir)
	if err != nil {
		return err
	}
	notes := report.NewNotes(p.Name, dir, s.l.Now(), false)
	sum, err := s.l.Settle(q.ctx, p.Name, org, func(line ledger.SettlementLine) error {
		line = q.visible(line)
		notes.Collect(line)
		return cw.Line(line)
	})
	if err == nil {
		err = cw.Flush()
	}
	if err != nil {
		return err
	}
	dated := report.NewNotes(p.Name, dir, report.NoteTime(sum, s.l.Now()), sum.IsClosed())
	for _, n := range notes.Notes() {
		for _, line := range n.Lines {
			dated.Collect(line)
		}
	}
	var zipBuf bytes.Buffer
	if err := report.Zip(&zipBuf, dated.Notes(), dir, q.lang, base+".csv", csvBuf.Bytes(), nil); err != nil {
		return err
	}
	attachment(q.w, "application/zip", base+".zip")
	q.w.Header().Set("Content-Length", strconv.Itoa(zipBuf.Len()))
	_, err = q.w.Write(zipBuf.Bytes())
	return ignoreClientGone(err)
}

// streamCSV writes the lines as they are read: a region's month is
// more than a page should hold. An error half-way cuts the connection,
// so that a browser shows a failed download, never a short file that
// looks whole.
func (s *Server) streamCSV(q *req, period, org string, dir report.Directory, name string) error {
	attachment(q.w, "text/csv; charset=utf-8", name)
	cw, err := report.NewCSV(q.w, dir)
	if err != nil {
		return ignoreClientGone(err)
	}
	_, err = s.l.Settle(q.ctx, period, org, func(line ledger.SettlementLine) error { return cw.Line(q.visible(line)) })
	if err == nil {
		err = cw.Flush()
	}
	if err != nil {
		if q.ctx.Err() == nil {
			s.log.Error("settlement csv", "period", period, "err", err)
		}
		panic(http.ErrAbortHandler)
	}
	return nil
}

func ignoreClientGone(err error) error {
	if err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

// settlementNote serves one expense note as PDF: of an organiser the
// user may read, 403 for another's.
func (s *Server) settlementNote(q *req) error {
	period, org := q.r.PathValue("period"), q.r.PathValue("org")
	payer, ok := strings.CutSuffix(q.r.PathValue("payer"), ".pdf")
	if !ok || payer == "" {
		return errNotFound
	}
	if !q.access().Settlement() || !q.access().SettlementOf(org) {
		return errForbidden
	}
	p, err := balie.ParseSettlementPeriod(period)
	if err != nil {
		return errNotFound
	}
	dir, err := report.ReadDirectory(q.ctx, s.l)
	if err != nil {
		return err
	}
	var lines []ledger.SettlementLine
	sum, err := s.l.Settle(q.ctx, p.Name, org, func(line ledger.SettlementLine) error {
		if line.Settlement.PayerID == payer && line.Settlement.Payer != 0 {
			lines = append(lines, q.visible(line))
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(lines) == 0 {
		return errNotFound
	}
	notes := report.NewNotes(p.Name, dir, report.NoteTime(sum, s.l.Now()), sum.IsClosed())
	for _, line := range lines {
		notes.Collect(line)
	}
	n := notes.Notes()[0]
	var buf bytes.Buffer
	if err := report.NotePDF(&buf, n, dir, q.lang); err != nil {
		return err
	}
	attachment(q.w, "application/pdf", n.FileName(q.lang))
	q.w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	_, err = q.w.Write(buf.Bytes())
	return ignoreClientGone(err)
}

// The steering group's figures.

type dashEntry struct {
	d  ledger.Dashboard
	at time.Time // wall clock: the age of a cache entry is a cost, not a date of the domain
}

// dashboard is a period's figures, at most Options.FiguresMaxAge old:
// a page and the charts it loads right after show the same numbers, and
// a dashboard a whole steering group opens at once is made once.
func (s *Server) dashboard(ctx context.Context, period string) (ledger.Dashboard, error) {
	s.dashMu.Lock()
	e, ok := s.dash[period]
	s.dashMu.Unlock()
	if ok && time.Since(e.at) < s.opts.FiguresMaxAge {
		return e.d, nil
	}
	d, err := s.l.Figures(ctx, period)
	if err != nil {
		return d, err
	}
	s.dashMu.Lock()
	defer s.dashMu.Unlock()
	if s.dash == nil || len(s.dash) >= 16 {
		s.dash = map[string]dashEntry{}
	}
	s.dash[period] = dashEntry{d: d, at: time.Now()}
	return d, nil
}

type figureView struct {
	ID, Title, SVG, CSV string
	Cols                []string
	Rows                []figureRow
}

type figureRow struct {
	Label  string
	Values []string
}

// figureOf is a figure's table as the page shows it: every value in
// the page's language, by its column's unit.
func figureOf(t ledger.Table, period, lang string) figureView {
	v := figureView{ID: t.ID, Title: t.Title(lang), SVG: "/beheer/figures/" + period + "/" + t.ID + ".svg", CSV: "/beheer/figures/" + period + "/" + t.ID + ".csv"}
	for _, c := range t.Columns {
		v.Cols = append(v.Cols, c.Name(lang))
	}
	for _, r := range t.Rows {
		fr := figureRow{Label: r.Label}
		for j, x := range r.Values {
			fr.Values = append(fr.Values, report.FormatValue(x, t.Columns[j].Unit, lang))
		}
		v.Rows = append(v.Rows, fr)
	}
	return v
}

// figurePeriods are the years, quarters and months the dashboard
// offers: this year and the last two, and the last year's months.
func figurePeriods(lang string, now time.Time, chosen string) []option {
	y := now.In(balie.Brussels()).Year()
	var out []option
	seen := map[string]bool{}
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			out = append(out, option{Value: p, Label: periodName(lang, p), Selected: p == chosen})
		}
	}
	for k := range 3 {
		add(strconv.Itoa(y - k))
	}
	for _, o := range settlePeriods(lang, now, "") {
		add(o.Value)
	}
	if chosen != "" {
		add(chosen)
	}
	return out
}

func (s *Server) figures(q *req) error {
	if !q.access().Reports() {
		return errForbidden
	}
	l := q.lang
	period := q.r.URL.Query().Get("period")
	if period == "" {
		period = strconv.Itoa(q.now().In(balie.Brussels()).Year())
	}
	data := map[string]any{"Title": tr(l, "figures.title"), "Periods": figurePeriods(l, q.now(), period), "Period": period}
	d, err := s.dashboard(q.ctx, period)
	if err != nil {
		if _, ok := balie.AsError(err); !ok {
			return err
		}
		q.w.WriteHeader(http.StatusUnprocessableEntity)
		data["PeriodError"] = message(l, err)
		q.render("figures", data)
		return nil
	}
	var fs []figureView
	for _, t := range d.Tables {
		fs = append(fs, figureOf(t, period, l))
	}
	data["Title"] = tr(l, "figures.title") + " " + periodName(l, period)
	data["Figures"] = fs
	q.render("figures", data)
	return nil
}

// figureFile serves one figure as its chart (holders.svg) or its table
// (holders.csv).
func (s *Server) figureFile(q *req) error {
	if !q.access().Reports() {
		return errForbidden
	}
	period := q.r.PathValue("period")
	id, ext, ok := strings.Cut(q.r.PathValue("file"), ".")
	if !ok {
		return errNotFound
	}
	d, err := s.dashboard(q.ctx, period)
	if err != nil {
		if _, ok := balie.AsError(err); ok {
			return errNotFound
		}
		return err
	}
	t, ok := d.Table(id)
	if !ok {
		return errNotFound
	}
	switch ext {
	case "svg":
		q.w.Header().Set("Content-Type", "image/svg+xml")
		_, err = q.w.Write(report.SVG(t, q.lang))
	case "csv":
		attachment(q.w, "text/csv; charset=utf-8", "cijfers-"+period+"-"+t.ID+".csv")
		err = report.FigureCSV(q.w, t, q.lang)
	default:
		return errNotFound
	}
	return ignoreClientGone(err)
}

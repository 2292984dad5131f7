package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/balie/balie"
	"github.com/balie/balie/demo"
	"github.com/balie/balie/demo/history"
	"github.com/balie/balie/ledger"
	"github.com/balie/balie/ledger/report"
)

// periodCommand runs 'ledger period close|list'.
func (c *command) periodCommand(args []string) int {
	if len(args) > 0 {
		switch args[0] {
		case "close":
			return c.periodClose(args[1:])
		case "list":
			return c.periodList(args[1:])
		}
	}
	fmt.Fprintln(c.stderr, "ledger period: say close or list")
	return exitUsage
}

func (c *command) periodClose(args []string) int {
	var db, period, by string
	set := c.flags("period close", &db)
	set.StringVar(&period, "period", "", "the month (2026-11) or quarter (2026-Q4) to close (required)")
	set.StringVar(&by, "by", "", "who closes it, for the audit log: the coordinator's name (default: the user running the command)")
	if code, ok := c.parse(set, args, &db, 0, ""); !ok {
		return code
	}
	if period == "" {
		fmt.Fprintln(c.stderr, "ledger period close: --period is required")
		return exitUsage
	}
	actor := c.operator()
	if by = strings.TrimSpace(by); by != "" {
		actor = ledger.Operator(by)
	}
	l, ok := c.open(db, readWrite)
	if !ok {
		return exitFail
	}
	defer l.Close()
	rows, err := l.ClosePeriod(c.ctx, actor, period)
	if err != nil {
		c.say(err)
		return exitFail
	}
	for _, r := range rows {
		fmt.Fprintf(c.stdout, "%s closed by %s: %d lines up to ingest %d, hash %s\n", r.Month, r.ClosedBy, r.Lines, r.Mark, r.Hash)
	}
	return exitOK
}

func (c *command) periodList(args []string) int {
	return c.table("period list", args, "MONTH\tCLOSED WITH\tCLOSED AT\tBY\tLINES\tMARK\tHASH", func(l *ledger.Ledger, row func(...any)) error {
		ps, err := l.Periods(c.ctx)
		for _, p := range ps {
			row(p.Month, p.Period, p.ClosedAt.In(balie.Brussels()).Format("2006-01-02 15:04"), p.ClosedBy, p.Lines, p.Mark, p.Hash)
		}
		return err
	})
}

// reportCommand runs 'ledger report settlement|figures'.
func (c *command) reportCommand(args []string) int {
	if len(args) > 0 {
		switch args[0] {
		case "settlement":
			return c.reportSettlement(args[1:])
		case "figures":
			return c.reportFigures(args[1:])
		}
	}
	fmt.Fprintln(c.stderr, "ledger report: say settlement or figures")
	return exitUsage
}

// output opens --out, or standard output.
func (c *command) output(path string) (io.Writer, func() error, error) {
	if path == "" || path == "-" {
		return c.stdout, func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, nil, err
	}
	return f, f.Close, nil
}

func (c *command) reportSettlement(args []string) int {
	var db, period, format, org, payer, out string
	set := c.flags("report settlement", &db)
	set.StringVar(&period, "period", "", "the month (2026-11) or quarter (2026-Q4) (required)")
	set.StringVar(&format, "format", "csv", "csv (one row per act), pdf (the expense notes, one after the other: with --organiser and one payer, one note) or zip (every note as a PDF, and the CSV)")
	set.StringVar(&org, "organiser", "", "only this organiser's acts")
	set.StringVar(&payer, "payer", "", "with pdf or zip: only the notes to this payer")
	set.StringVar(&out, "out", "", "the file to write (default: standard output)")
	if code, ok := c.parse(set, args, &db, 0, ""); !ok {
		return code
	}
	if period == "" {
		fmt.Fprintln(c.stderr, "ledger report settlement: --period is required")
		return exitUsage
	}
	if format != "csv" && format != "pdf" && format != "zip" {
		fmt.Fprintf(c.stderr, "ledger report settlement: --format is csv, pdf or zip, not %q\n", format)
		return exitUsage
	}
	if format != "csv" && (out == "" || out == "-") {
		if f, ok := c.stdout.(*os.File); ok && isTerminal(f) {
			fmt.Fprintln(c.stderr, "ledger report settlement: a PDF or a zip goes to a file: give --out FILE")
			return exitUsage
		}
	}
	l, ok := c.open(db, readOnly)
	if !ok {
		return exitFail
	}
	defer l.Close()
	dir, err := report.ReadDirectory(c.ctx, l)
	if err != nil {
		c.say(err)
		return exitFail
	}
	start := time.Now()
	var csvBuf bytes.Buffer
	var csvOut io.Writer = &csvBuf
	w, closeOut, err := c.output(out)
	if err != nil {
		c.say(err)
		return exitFail
	}
	if format == "csv" {
		csvOut = w
	}
	cw, err := report.NewCSV(csvOut, dir)
	if err != nil {
		c.say(err)
		return exitFail
	}
	notes := report.NewNotes(period, dir, l.Now(), false)
	n := 0
	sum, err := l.Settle(c.ctx, period, org, func(line ledger.SettlementLine) error {
		n++
		if n%200_000 == 0 {
			fmt.Fprintf(c.stderr, "settlement %s: %d lines, %s\n", period, n, time.Since(start).Round(time.Second))
		}
		if format != "pdf" {
			if err := cw.Line(line); err != nil {
				return err
			}
		}
		if format != "csv" {
			notes.Collect(line)
		}
		return nil
	})
	if err == nil {
		err = cw.Flush()
	}
	if err != nil {
		c.say(err)
		return exitFail
	}
	closed := sum.IsClosed()
	ns := report.NewNotes(period, dir, report.NoteTime(sum, l.Now()), closed)
	for _, nt := range notes.Notes() {
		if payer != "" && nt.Payer != payer {
			continue
		}
		for _, line := range nt.Lines {
			ns.Collect(line)
		}
	}
	switch format {
	case "pdf":
		all := ns.Notes()
		if len(all) == 0 {
			c.say(balie.Errorf(balie.CodePeriodInvalid, "Er zijn geen verkopen aan kansentarief in %[1]s.", "There are no sales at the social tariff in %[1]s.", period))
			return exitFail
		}
		if len(all) > 1 {
			fmt.Fprintf(c.stderr, "ledger report settlement: %d expense notes; the PDF has the first (%s to %s): say --organiser and --payer, or --format zip for them all\n",
				len(all), all[0].Organiser.ID, all[0].Payer)
		}
		err = report.NotePDF(w, all[0], dir, c.lang)
	case "zip":
		all := ns.Notes()
		err = report.Zip(w, all, dir, c.lang, "settlement-"+period+".csv", csvBuf.Bytes(), func(done, total int) {
			if done%50 == 0 || done == total {
				fmt.Fprintf(c.stderr, "expense notes: %d of %d\n", done, total)
			}
		})
	}
	if cerr := closeOut(); err == nil {
		err = cerr
	}
	if err != nil {
		c.say(err)
		return exitFail
	}
	state := "open"
	if closed {
		state = "closed"
	}
	fmt.Fprintf(c.stderr, "settlement %s (%s): %d lines, regular %s, holders %s, organisers %s, payers %s; hash %s; %s\n", period, state,
		sum.All.Lines, balie.Cents(sum.All.Regular), balie.Cents(sum.All.Holder), balie.Cents(sum.All.Organiser), balie.Cents(sum.All.Payer),
		sum.Hash, time.Since(start).Round(time.Millisecond))
	return exitOK
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

func (c *command) reportFigures(args []string) int {
	var db, period, format, out, only string
	set := c.flags("report figures", &db)
	set.StringVar(&period, "period", "", "a year (2026), a quarter (2026-Q4) or a month (2026-11) (required)")
	set.StringVar(&format, "format", "text", "text (the tables), csv (every table, one after the other) or svg (one chart: say which with --figure)")
	set.StringVar(&only, "figure", "", "only this figure: holders, new-cards, participation, top-activities, points, rewards, social-cost, memberships, card-sales, childcare")
	set.StringVar(&out, "out", "", "the file to write (default: standard output)")
	if code, ok := c.parse(set, args, &db, 0, ""); !ok {
		return code
	}
	if period == "" || (format != "text" && format != "csv" && format != "svg") || (format == "svg" && only == "") {
		fmt.Fprintln(c.stderr, "ledger report figures: --period is required; --format is text, csv or svg (svg with --figure)")
		return exitUsage
	}
	l, ok := c.open(db, readOnly)
	if !ok {
		return exitFail
	}
	defer l.Close()
	start := time.Now()
	d, err := l.Figures(c.ctx, period)
	if err != nil {
		c.say(err)
		return exitFail
	}
	took := time.Since(start)
	w, closeOut, err := c.output(out)
	if err != nil {
		c.say(err)
		return exitFail
	}
	tables := d.Tables
	if only != "" {
		t, ok := d.Table(only)
		if !ok {
			fmt.Fprintf(c.stderr, "ledger report figures: no figure %q\n", only)
			return exitUsage
		}
		tables = []ledger.Table{t}
	}
	for i, t := range tables {
		switch format {
		case "svg":
			_, err = w.Write(report.SVG(t, c.lang))
		case "csv":
			if i > 0 {
				fmt.Fprintln(w)
			}
			fmt.Fprintf(w, "# %s\n", t.ID)
			err = report.FigureCSV(w, t, c.lang)
		default:
			fmt.Fprintf(w, "%s\n", t.Title(c.lang))
			tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
			head := []string{""}
			for _, col := range t.Columns {
				head = append(head, col.Name(c.lang))
			}
			fmt.Fprintln(tw, strings.Join(head, "\t")+"\t")
			for _, r := range t.Rows {
				cells := []string{r.Label}
				for j, v := range r.Values {
					cells = append(cells, report.FormatValue(v, t.Columns[j].Unit, c.lang))
				}
				fmt.Fprintln(tw, strings.Join(cells, "\t")+"\t")
			}
			tw.Flush()
			fmt.Fprintln(w)
		}
		if err != nil {
			break
		}
	}
	if cerr := closeOut(); err == nil {
		err = cerr
	}
	if err != nil {
		c.say(err)
		return exitFail
	}
	fmt.Fprintf(c.stderr, "figures %s: %d tables from the counters in %s\n", period, len(d.Tables), took.Round(time.Microsecond))
	return exitOK
}

// history gives the demo city its year of history, scaled to its size.
// The coordinator closes each month of it.
func (c *command) history(l *ledger.Ledger, coordinator ledger.Actor, today time.Time, days, holders int) int {
	start := time.Now()
	scale := float64(holders) / float64(demo.DefaultHolders)
	rep, err := history.Make(c.ctx, l.Store(), history.Config{Today: today, Days: days, Scale: scale, Coordinator: coordinator,
		Progress: func(day, of, events int) {
			if day%30 == 0 || day == of {
				fmt.Fprintf(c.stdout, "history: day %d of %d, %d events, %s\n", day, of, events, time.Since(start).Round(time.Second))
			}
		}})
	if err != nil {
		c.say(fmt.Errorf("history: %w", err))
		return exitFail
	}
	fmt.Fprintf(c.stdout, "history: %d events from %d terminals (%d late, %d voids, %d refused), months closed: %s\n",
		rep.Events, rep.Terminals, rep.Late, rep.Voids, rep.Rejected, strings.Join(rep.Closed, " "))
	return exitOK
}

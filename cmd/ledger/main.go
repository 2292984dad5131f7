// Command ledger is the central ledger of the city's leisure pass: it
// serves the sync protocol to the terminals and has the operator's
// commands.
//
// --db is a SQLite file or a postgres:// URL, for every command:
//
//	ledger serve --db DB [--addr 127.0.0.1:8080] [--tls-cert F --tls-key F]
//	ledger init --db DB
//	ledger seed --db DB --demo [--holders N]
//	ledger terminal add --db DB --name NAME --organiser ORG --location DESK
//	ledger terminal list --db DB
//	ledger terminal revoke --db DB ID
//	ledger import holders --db DB FILE.csv
//	ledger user add --db DB --name N --role R [--organiser ORG] [--password-file F]
//	ledger cardsystem add --db DB --id ID --name N [--postal-codes 2500,...]
//	ledger organiser add|list --db DB ...
//	ledger desk add|list --db DB ...
//	ledger export --db DB [--audit]
//	ledger verify --db DB
//	ledger backup --db FILE --to FILE
//	ledger period close --db DB --period 2026-11 --by NAME
//	ledger period list --db DB
//	ledger report settlement --db DB --period 2026-11 [--format csv|pdf|zip] [--organiser ORG] [--payer PAYER] [--out FILE]
//	ledger report figures --db DB --period 2026 [--format text|csv|svg] [--figure ID] [--out FILE]
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"runtime/debug"
	"runtime/pprof"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/balie/balie"
	"github.com/balie/balie/demo"
	"github.com/balie/balie/demo/history"
	"github.com/balie/balie/internal/version"
	"github.com/balie/balie/ledger"
	"github.com/balie/balie/ledger/engine"
	"github.com/balie/balie/ledger/httpapi"
	balisync "github.com/balie/balie/sync"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Exit codes.
const (
	exitOK    = 0
	exitFail  = 1 // the command ran and failed, or refused bad input
	exitUsage = 2
)

// run is the whole program, callable from tests as the real thing.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	c := &command{ctx: ctx, stdout: stdout, stderr: stderr}
	switch args[0] {
	case "serve":
		return c.serve(args[1:])
	case "init":
		return c.init(args[1:])
	case "seed":
		return c.seed(args[1:])
	case "terminal":
		if len(args) > 1 {
			switch args[1] {
			case "add":
				return c.terminalAdd(args[2:])
			case "list":
				return c.terminalList(args[2:])
			case "revoke":
				return c.terminalRevoke(args[2:])
			}
		}
		fmt.Fprintln(stderr, "ledger terminal: say add, list or revoke")
		return exitUsage
	case "user":
		if len(args) > 1 && args[1] == "add" {
			return c.userAdd(args[2:])
		}
		fmt.Fprintln(stderr, "ledger user: say add (the rest is done in the back office, /beheer/)")
		return exitUsage
	case "cardsystem":
		if len(args) > 1 && args[1] == "add" {
			return c.cardSystemAdd(args[2:])
		}
		fmt.Fprintln(stderr, "ledger cardsystem: say add")
		return exitUsage
	case "organiser":
		if len(args) > 1 {
			switch args[1] {
			case "add":
				return c.organiserAdd(args[2:])
			case "list":
				return c.organiserList(args[2:])
			}
		}
		fmt.Fprintln(stderr, "ledger organiser: say add or list")
		return exitUsage
	case "desk":
		if len(args) > 1 {
			switch args[1] {
			case "add":
				return c.deskAdd(args[2:])
			case "list":
				return c.deskList(args[2:])
			}
		}
		fmt.Fprintln(stderr, "ledger desk: say add or list")
		return exitUsage
	case "import":
		if len(args) > 1 && args[1] == "holders" {
			return c.importHolders(args[2:])
		}
		fmt.Fprintln(stderr, "ledger import: only 'ledger import holders --db DB FILE.csv' exists")
		return exitUsage
	case "export":
		return c.export(args[1:])
	case "verify":
		return c.verify(args[1:])
	case "backup":
		return c.backup(args[1:])
	case "period":
		return c.periodCommand(args[1:])
	case "report":
		return c.reportCommand(args[1:])
	case "help", "-h", "--help":
		usage(stdout)
		return exitOK
	case "version", "-version", "--version":
		fmt.Fprintln(stdout, "ledger", version.String())
		return exitOK
	}
	fmt.Fprintf(stderr, "ledger: unknown command %q\n", args[0])
	usage(stderr)
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprint(w, `ledger: de centrale ledger van de vrijetijdspas / the leisure pass's central ledger

  ledger serve --db DB [--addr 127.0.0.1:8080] [--tls-cert F --tls-key F]   serve the terminals
  ledger init --db DB                                          create an empty ledger (or bring one up to date)
  ledger seed --db DB --demo [--holders N] [--history=false]   load a generated demo city with a year of history
  ledger terminal add --db DB --name NAME --organiser ORG --location DESK
                                                               create a terminal; prints its one-time token
  ledger terminal list --db DB                                 list the terminals
  ledger terminal revoke --db DB ID                            refuse a terminal from now on
  ledger import holders --db DB FILE.csv                       import holders with their card
  ledger user add --db DB --name N --role R [--organiser ORG]  a back-office account (password from stdin or --password-file)
  ledger cardsystem add --db DB --id ID --name N [--postal-codes 2500,...]
  ledger organiser add --db DB --id ID --name N --kind K --card-system CS [--iban I ...]
  ledger organiser list --db DB                                list the organisers
  ledger desk add --db DB --id ID --name N --organiser ORG --mode box|sports|childcare --card-system CS
  ledger desk list --db DB                                     list the desks
  ledger export --db DB [--audit]                              every stored event (or the audit log) as JSON lines
  ledger verify --db DB                                        check every journal's chain and signatures
  ledger backup --db FILE --to FILE                            a consistent copy of a SQLite ledger, also while it serves
  ledger period close --db DB --period 2026-11 --by NAME       close a month (or 2026-Q4) of the settlement for good
  ledger period list --db DB                                   the closed months, with their hash
  ledger report settlement --db DB --period 2026-11 [--format csv|pdf|zip] [--organiser ORG] [--payer PAYER] [--out FILE]
                                                               the settlement: one row per act, or the expense notes
  ledger report figures --db DB --period 2026 [--format text|csv|svg] [--figure ID] [--out FILE]
                                                               the steering group's figures
  ledger --version                                             print the version of this build

DB is a SQLite file (ledger.db) or a PostgreSQL URL (postgres://user@host/dbname).
Every command is safe on a ledger that serves; list, export and verify only read.

Run 'ledger COMMAND --help' for a command's flags.
`)
}

// command carries what every subcommand needs.
type command struct {
	ctx            context.Context
	stdout, stderr io.Writer
	lang           string
	log            *slog.Logger
}

// flags makes a subcommand's flag set with the flags every command has.
func (c *command) flags(name string, db *string) *flag.FlagSet {
	set := flag.NewFlagSet("ledger "+name, flag.ContinueOnError)
	set.SetOutput(c.stderr)
	set.StringVar(db, "db", "", "the ledger: a SQLite file or a postgres:// URL (required)")
	set.StringVar(&c.lang, "lang", "nl", "language of messages: nl or en")
	return set
}

// parse parses flags and checks the number of arguments; it returns
// false after saying what is wrong, with the exit code to use.
func (c *command) parse(set *flag.FlagSet, args []string, db *string, nargs int, what string) (int, bool) {
	if err := set.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK, false
		}
		return exitUsage, false
	}
	if *db == "" {
		fmt.Fprintf(c.stderr, "%s: --db is required: a SQLite file or a postgres:// URL\n", set.Name())
		return exitUsage, false
	}
	if set.NArg() != nargs {
		if nargs == 0 {
			fmt.Fprintf(c.stderr, "%s: unexpected argument %q\n", set.Name(), set.Arg(0))
		} else {
			fmt.Fprintf(c.stderr, "%s: give %s\n", set.Name(), what)
		}
		return exitUsage, false
	}
	if c.lang != "nl" && c.lang != "en" {
		fmt.Fprintf(c.stderr, "%s: --lang is nl or en, not %q\n", set.Name(), c.lang)
		return exitUsage, false
	}
	return exitOK, true
}

// say prints an error for a person: a domain error in their language,
// anything else as it is.
func (c *command) say(err error) {
	if e, ok := balie.AsError(err); ok {
		fmt.Fprintln(c.stderr, e.Message(c.lang))
		return
	}
	fmt.Fprintln(c.stderr, "ledger:", err)
}

func (c *command) logger(level slog.Level) *slog.Logger {
	if c.log == nil {
		c.log = slog.New(slog.NewTextHandler(c.stderr, &slog.HandlerOptions{Level: level}))
	}
	return c.log
}

// Ways to open a ledger.
const (
	readWrite = false
	readOnly  = true
)

// open opens a ledger that must exist: an operator command never creates
// an empty ledger where a typo named a missing file. A read-only command
// opens it so that it can change nothing, not even a migration.
func (c *command) open(db string, ro bool) (*ledger.Ledger, bool) {
	if !engine.IsPostgres(db) {
		if _, err := os.Stat(db); errors.Is(err, fs.ErrNotExist) {
			c.say(balie.Errorf(balie.CodeStorageForeign,
				"Het bestand %s bestaat niet. Maak een ledger met 'ledger init --db %[1]s'.",
				"The file %s does not exist. Make a ledger with 'ledger init --db %[1]s'.", db))
			return nil, false
		}
	}
	return c.openAny(db, ro)
}

// openAny opens a ledger, making an empty one where none is.
func (c *command) openAny(db string, ro bool) (*ledger.Ledger, bool) {
	log := c.logger(slog.LevelWarn)
	s, err := engine.Open(c.ctx, db, engine.Options{Logger: log, ReadOnly: ro})
	if err != nil {
		c.say(err)
		return nil, false
	}
	l := ledger.New(s, ledger.Options{Logger: log})
	if !ro {
		if err := l.Init(c.ctx); err != nil {
			l.Close()
			c.say(err)
			return nil, false
		}
	}
	return l, true
}

func (c *command) init(args []string) int {
	var db string
	set := c.flags("init", &db)
	if code, ok := c.parse(set, args, &db, 0, ""); !ok {
		return code
	}
	l, ok := c.openAny(db, readWrite)
	if !ok {
		return exitFail
	}
	if err := l.Close(); err != nil {
		c.say(err)
		return exitFail
	}
	fmt.Fprintf(c.stdout, "ledger %s is ready\n", redact(db))
	return exitOK
}

func (c *command) seed(args []string) int {
	var db, todayFlag string
	var isDemo bool
	var holders, perDay int
	var seedN int64
	set := c.flags("seed", &db)
	set.BoolVar(&isDemo, "demo", false, "load a generated demo city (the only source for now)")
	set.IntVar(&holders, "holders", demo.DefaultHolders, "with --demo: the number of holders")
	set.Int64Var(&seedN, "seed", demo.DefaultSeed, "with --demo: which city")
	set.StringVar(&todayFlag, "today", "", "with --demo: the city's today, YYYY-MM-DD (default: today)")
	set.IntVar(&perDay, "redeem-per-day", 50, "the offline limit: points one holder may spend at one terminal per day before the ledger confirms (0: none)")
	withHistory := set.Bool("history", true, "with --demo: a year of history through the real ingest path from simulated terminals (--history=false: the directory alone, fast)")
	historyDays := set.Int("history-days", 365, "with --history: the days of history before today")
	if code, ok := c.parse(set, args, &db, 0, ""); !ok {
		return code
	}
	if !isDemo {
		fmt.Fprintln(c.stderr, "ledger seed: say --demo (the only source there is; use 'ledger import holders' for real data)")
		return exitUsage
	}
	if holders < 1 || holders > demo.MaxHolders {
		fmt.Fprintf(c.stderr, "ledger seed: --holders must be between 1 and %d\n", demo.MaxHolders)
		return exitUsage
	}
	today := time.Now()
	if todayFlag != "" {
		t, err := time.ParseInLocation("2006-01-02", todayFlag, balie.Brussels())
		if err != nil {
			fmt.Fprintf(c.stderr, "ledger seed: --today %q is not a date YYYY-MM-DD\n", todayFlag)
			return exitUsage
		}
		today = t
	}
	l, ok := c.openAny(db, readWrite)
	if !ok {
		return exitFail
	}
	defer l.Close()
	st, err := l.Stats(c.ctx)
	if err != nil {
		c.say(err)
		return exitFail
	}
	if st.Holders > 0 || st.Events > 0 {
		c.say(balie.Errorf(balie.CodeNotAllowed,
			"De ledger %s heeft al %d pashouders en %d gebeurtenissen; een demostad laden kan alleen in een lege ledger.",
			"The ledger %s already has %d holders and %d events; a demo city loads into an empty ledger only.", db, st.Holders, st.Events))
		return exitFail
	}
	ld, err := l.NewLoader(c.ctx)
	if err != nil {
		c.say(err)
		return exitFail
	}
	ld.Bulk = true
	start, step := time.Now(), max(holders/10, 1)
	ld.OnHolder = func(n int) {
		if n%step == 0 || n == holders {
			fmt.Fprintf(c.stdout, "seed: %d of %d holders (%d%%), %s\n", n, holders, n*100/holders, time.Since(start).Round(time.Second))
		}
	}
	err = demo.Generate(demo.Config{Holders: holders, Seed: seedN, Today: today}, ld)
	if err == nil {
		err = ld.Limits(balisync.OfflineLimits{RedeemPointsPerDay: perDay})
	}
	if err != nil {
		ld.Abort()
		c.say(fmt.Errorf("seed: %w", err))
		return exitFail
	}
	if err := ld.Close(); err != nil {
		c.say(err)
		return exitFail
	}
	coordinator, err := history.Coordinator(c.ctx, l)
	if err != nil {
		c.say(err)
		return exitFail
	}
	if *withHistory {
		if code := c.history(l, coordinator, today, *historyDays, holders); code != exitOK {
			return code
		}
	}
	st, _ = l.Stats(c.ctx)
	fmt.Fprintf(c.stdout, "seeded %s: %d holders, %d cards, %d events, %d changes in %s\n", redact(db), st.Holders, st.Cards, st.Events, st.Changes, time.Since(start).Round(time.Millisecond))
	fmt.Fprintf(c.stdout, "back office: /beheer/ on the ledger's address; user %s, password %s (a demo's: change it for anything else)\n", demo.CoordinatorName, demo.CoordinatorPassword)
	return exitOK
}

func (c *command) terminalAdd(args []string) int {
	var db, name, org, loc string
	set := c.flags("terminal add", &db)
	set.StringVar(&name, "name", "", "the terminal's name, e.g. \"Kassa 1\" (required)")
	set.StringVar(&org, "organiser", "", "the organiser the terminal works for (required)")
	set.StringVar(&loc, "location", "", "the desk the terminal serves (required)")
	if code, ok := c.parse(set, args, &db, 0, ""); !ok {
		return code
	}
	if name == "" || org == "" || loc == "" {
		fmt.Fprintln(c.stderr, "ledger terminal add: --name, --organiser and --location are required")
		return exitUsage
	}
	l, ok := c.open(db, readWrite)
	if !ok {
		return exitFail
	}
	defer l.Close()
	t, token, err := l.AddTerminal(c.ctx, name, org, loc)
	if err != nil {
		c.say(err)
		return exitFail
	}
	fmt.Fprintf(c.stdout, "terminal %s\ntoken    %s\nThe token works once, until %s.\n", t.ID, token, t.TokenExpires.In(balie.Brussels()).Format("2006-01-02 15:04"))
	return exitOK
}

func (c *command) terminalList(args []string) int {
	return c.table("terminal list", args, "ID\tNAME\tORGANISER\tLOCATION\tSTATUS\tENROLLED\tSIGNED\tLAST SEQ", func(l *ledger.Ledger, row func(...any)) error {
		ts, err := l.Terminals(c.ctx)
		for _, t := range ts {
			enrolled := "no"
			if !t.Enrolled.IsZero() {
				enrolled = t.Enrolled.In(balie.Brussels()).Format("2006-01-02 15:04")
			}
			signed := "no"
			if t.Signed {
				signed = "yes"
			}
			row(t.ID, t.Name, t.Organiser, t.Location, t.Status, enrolled, signed, t.LastSeq)
		}
		return err
	})
}

// table runs a list command: the ledger opened read-only, the rows read
// printed in aligned columns under header (tab-separated names).
func (c *command) table(name string, args []string, header string, rows func(l *ledger.Ledger, row func(...any)) error) int {
	var db string
	set := c.flags(name, &db)
	if code, ok := c.parse(set, args, &db, 0, ""); !ok {
		return code
	}
	l, ok := c.open(db, readOnly)
	if !ok {
		return exitFail
	}
	defer l.Close()
	w := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, header)
	err := rows(l, func(cells ...any) {
		for i, v := range cells {
			if i > 0 {
				fmt.Fprint(w, "\t")
			}
			fmt.Fprint(w, v)
		}
		fmt.Fprintln(w)
	})
	if err != nil {
		c.say(err)
		return exitFail
	}
	w.Flush()
	return exitOK
}

func (c *command) terminalRevoke(args []string) int {
	var db string
	set := c.flags("terminal revoke", &db)
	if code, ok := c.parse(set, args, &db, 1, "the terminal's id"); !ok {
		return code
	}
	l, ok := c.open(db, readWrite)
	if !ok {
		return exitFail
	}
	defer l.Close()
	if err := l.RevokeTerminal(c.ctx, set.Arg(0)); err != nil {
		c.say(err)
		return exitFail
	}
	fmt.Fprintf(c.stdout, "terminal %s is revoked\n", set.Arg(0))
	return exitOK
}

// countingReader counts the bytes read, for a progress line.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func (c *command) importHolders(args []string) int {
	var db string
	set := c.flags("import holders", &db)
	set.Usage = func() {
		fmt.Fprintf(c.stderr, `usage: ledger import holders --db DB FILE.csv

Imports holders with their card. One holder a line, comma separated, UTF-8:

  %s

  id           the holder's id (no spaces, commas or slashes)
  first_name   required
  last_name    required
  birth_date   YYYY-MM-DD
  postal_code  required
  card_number  13 digits with a valid check digit (Luhn)
  card_system  a card system in the ledger, e.g. cs-lier
  social_state optional: ACTIVE, EXPIRED or SUSPENDED
  social_end   optional: YYYY-MM-DD

A first line that starts with "id" is a header. A holder already in the
ledger is updated and keeps their points. Bad lines are refused and listed
at the end with the reason; the good ones are imported.

`, strings.Join(ledger.ImportColumns, ","))
		set.PrintDefaults()
	}
	if code, ok := c.parse(set, args, &db, 1, "the CSV file"); !ok {
		return code
	}
	f, err := os.Open(set.Arg(0))
	if err != nil {
		c.say(balie.Errorf(balie.CodeStorageForeign, "Het bestand %s kan niet gelezen worden: %v.", "The file %s cannot be read: %v.", set.Arg(0), err))
		return exitFail
	}
	defer f.Close()
	var size int64
	if fi, err := f.Stat(); err == nil {
		size = fi.Size()
	}
	l, ok := c.open(db, readWrite)
	if !ok {
		return exitFail
	}
	defer l.Close()
	cr := &countingReader{r: bufio.NewReaderSize(f, 1<<20)}
	start := time.Now()
	rep, err := l.ImportHolders(c.ctx, cr, func(lines int) {
		pct := 100
		if size > 0 {
			pct = int(cr.n * 100 / size)
		}
		fmt.Fprintf(c.stdout, "import: %d lines read (%d%%), %s\n", lines, pct, time.Since(start).Round(time.Second))
	})
	fmt.Fprintf(c.stdout, "%d imported, %d refused\n", rep.Imported, len(rep.Refused))
	for _, r := range rep.Refused {
		msg := r.NL
		if c.lang == "en" {
			msg = r.EN
		}
		fmt.Fprintf(c.stdout, "  line %d: %s\n", r.Line, msg)
	}
	if err != nil {
		c.say(err)
		return exitFail
	}
	if len(rep.Refused) > 0 {
		return exitFail
	}
	return exitOK
}

func (c *command) export(args []string) int {
	var db string
	var audit bool
	set := c.flags("export", &db)
	set.BoolVar(&audit, "audit", false, "print the audit log (who changed what in the back office, when, before and after) instead of the events")
	if code, ok := c.parse(set, args, &db, 0, ""); !ok {
		return code
	}
	l, ok := c.open(db, readOnly)
	if !ok {
		return exitFail
	}
	defer l.Close()
	w := bufio.NewWriterSize(c.stdout, 1<<16)
	enc := json.NewEncoder(w)
	var err error
	if audit {
		err = c.exportAudit(l, w)
	} else {
		err = l.Export(c.ctx, func(e ledger.StoredEvent) error { return enc.Encode(e) })
	}
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		c.say(fmt.Errorf("export: %w", err))
		return exitFail
	}
	return exitOK
}

func (c *command) serve(args []string) int {
	var db, addr, cert, key, level string
	set := c.flags("serve", &db)
	set.StringVar(&addr, "addr", "127.0.0.1:8080", "the address to listen on")
	set.StringVar(&cert, "tls-cert", "", "a PEM certificate: serve TLS (with --tls-key)")
	set.StringVar(&key, "tls-key", "", "the certificate's PEM key")
	set.StringVar(&level, "log-level", "info", "debug, info, warn or error")
	gogc := set.Int("gogc", 400, "the Go garbage collector's target percentage (GOGC); the ledger trades memory for ingest speed. The GOGC variable wins when set")
	memLimit := set.Int("memory-limit", 128, "the Go heap's soft limit in MiB (GOMEMLIMIT): near it the garbage collector works harder, whatever --gogc says. With the SQLite engine's caches the process stays under 300 MB. The GOMEMLIMIT variable wins when set; 0 for none")
	cpuprofile := set.String("cpuprofile", "", "write a CPU profile of the whole run to this file, for a performance report")
	if code, ok := c.parse(set, args, &db, 0, ""); !ok {
		return code
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			c.say(err)
			return exitFail
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			c.say(err)
			return exitFail
		}
		defer pprof.StopCPUProfile()
	}
	if os.Getenv("GOGC") == "" && *gogc > 0 {
		debug.SetGCPercent(*gogc)
	}
	if os.Getenv("GOMEMLIMIT") == "" && *memLimit > 0 {
		debug.SetMemoryLimit(int64(*memLimit) << 20)
	}
	if (cert == "") != (key == "") {
		fmt.Fprintln(c.stderr, "ledger serve: give both --tls-cert and --tls-key, or neither")
		return exitUsage
	}
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		fmt.Fprintf(c.stderr, "ledger serve: --log-level %q is not debug, info, warn or error\n", level)
		return exitUsage
	}
	if cert != "" {
		if err := httpapi.CheckTLS(cert, key); err != nil {
			fmt.Fprintf(c.stderr, "ledger serve: %v\n", err)
			return exitFail
		}
	}
	c.logger(lv)
	l, ok := c.open(db, readWrite)
	if !ok {
		return exitFail
	}
	s := httpapi.New(l, httpapi.Options{Logger: c.log, TLSCert: cert, TLSKey: key})
	if err := s.Start(addr); err != nil {
		l.Close()
		c.say(fmt.Errorf("listen on %s: %w", addr, err))
		return exitFail
	}
	fmt.Fprintf(c.stdout, "ledger serving %s on %s\n", redact(db), s.URL())
	code := exitOK
	select {
	case <-c.ctx.Done():
	case err := <-waitErr(s):
		if err != nil {
			c.say(err)
			code = exitFail
		}
	}
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := s.Shutdown(sctx); err != nil {
		c.say(fmt.Errorf("shutdown: %w", err))
		code = exitFail
	}
	if err := l.Close(); err != nil {
		c.say(err)
		code = exitFail
	}
	return code
}

func waitErr(s *httpapi.Server) <-chan error {
	ch := make(chan error, 1)
	go func() { ch <- s.Wait() }()
	return ch
}

// redact hides the password of a postgres:// URL for printing.
func redact(db string) string {
	if u, err := url.Parse(db); err == nil && u.User != nil {
		if _, ok := u.User.Password(); ok {
			return u.Redacted()
		}
	}
	return db
}

func (c *command) verify(args []string) int {
	var db string
	set := c.flags("verify", &db)
	if code, ok := c.parse(set, args, &db, 0, ""); !ok {
		return code
	}
	l, ok := c.open(db, readOnly)
	if !ok {
		return exitFail
	}
	defer l.Close()
	broken, n := 0, 0
	err := l.VerifyJournals(c.ctx, func(r ledger.JournalReport) {
		n++
		if r.Err != nil {
			broken++
			fmt.Fprintf(c.stdout, "%s %s: BROKEN after %d sound events: %v\n", r.Terminal, r.Name, r.Events, r.Err)
			return
		}
		fmt.Fprintf(c.stdout, "%s %s: %d events, chain intact, %d signatures verify, covering seq 1 to %d\n",
			r.Terminal, r.Name, r.Events, r.Signatures, r.SignedUpTo)
	})
	if err != nil {
		c.say(err)
		return exitFail
	}
	fmt.Fprintf(c.stdout, "%d journals, %d broken\n", n, broken)
	if broken > 0 {
		return exitFail
	}
	return exitOK
}

// backuper is an engine that copies itself while it serves.
type backuper interface {
	Backup(ctx context.Context, path string) error
}

func (c *command) backup(args []string) int {
	var db, to string
	set := c.flags("backup", &db)
	set.StringVar(&to, "to", "", "the file to write the copy to; it must not exist (required)")
	if code, ok := c.parse(set, args, &db, 0, ""); !ok {
		return code
	}
	if to == "" {
		fmt.Fprintln(c.stderr, "ledger backup: --to FILE is required")
		return exitUsage
	}
	if engine.IsPostgres(db) {
		fmt.Fprintln(c.stderr, "ledger backup: a PostgreSQL ledger is backed up with PostgreSQL's own tools, e.g. pg_dump --format=custom; see the README")
		return exitUsage
	}
	l, ok := c.open(db, readOnly)
	if !ok {
		return exitFail
	}
	defer l.Close()
	b, ok := l.Store().(backuper)
	if !ok {
		fmt.Fprintln(c.stderr, "ledger backup: this engine has no backup of its own")
		return exitFail
	}
	start := time.Now()
	if err := b.Backup(c.ctx, to); err != nil {
		c.say(err)
		return exitFail
	}
	fmt.Fprintf(c.stdout, "backup of %s written to %s in %s\n", db, to, time.Since(start).Round(time.Millisecond))
	return exitOK
}

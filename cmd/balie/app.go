package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"github.com/balie/balie"
	"github.com/balie/balie/assets"
	"github.com/balie/balie/demo"
	"github.com/balie/balie/pos"
	"github.com/balie/balie/reader"
)

// appConfig is what the counter app runs with.
type appConfig struct {
	db      string
	desk    string
	lang    string
	demo    bool
	holders int
	// history gives a new demo city a year of history (the back
	// office's settlement and figures full); the window test goes
	// without, for a start in seconds.
	history bool
	reader  readerFlags
	ledger  string // the ledger's address
	enrol   string // a one-time enrolment token
	printer serialPrinter
	// fullscreen fills the screen, as a counter PC's app should; without
	// it the window opens at windowSize, which fits a 1024x768 screen.
	fullscreen bool
	// scanCheckin makes the sports desk check a scanned holder in at once.
	scanCheckin bool
	// now is the desk's clock (and, with --demo, its ledger's); the
	// wall clock when nil. --demo-time sets it to another time of day.
	now func() time.Time
}

// clock is the desk's clock.
func (c appConfig) clock() func() time.Time {
	if c.now == nil {
		return time.Now
	}
	return c.now
}

// demoClock runs as if it were hhmm (Brussels) now: of today, or of
// yesterday when that is still to come today, so that the clock never
// runs ahead of a ledger's. It ticks as the wall clock does.
func demoClock(hhmm string, wall time.Time) (func() time.Time, error) {
	t, err := time.Parse("15:04", hhmm)
	if err != nil {
		return nil, fmt.Errorf("--demo-time must be a time of day such as 14:00, not %q", hhmm)
	}
	y, m, d := wall.In(balie.Brussels()).Date()
	at := time.Date(y, m, d, t.Hour(), t.Minute(), 0, 0, balie.Brussels())
	if at.After(wall) {
		at = at.AddDate(0, 0, -1)
	}
	offset := at.Sub(wall)
	return func() time.Time { return time.Now().Add(offset) }, nil
}

// windowSize is the window's size without --fullscreen: it fits the
// smallest counter screen (1024x768, with a task bar), and can be
// resized to any larger one.
func windowSize() fyne.Size { return fyne.NewSize(1024, 700) }

func runApp(ctx context.Context, args []string, stdout, stderr io.Writer, log *slog.Logger) int {
	var cfg appConfig
	fset := flag.NewFlagSet("balie", flag.ContinueOnError)
	fset.StringVar(&cfg.db, "db", "", "the terminal's store (default: balie.db in the user's config folder; a demo store in the cache folder with --demo)")
	fset.StringVar(&cfg.desk, "desk", "", "the id of the desk this terminal serves (default: the one set before; desk-box with --demo)")
	fset.StringVar(&cfg.lang, "lang", "nl", "language of the interface: nl or en")
	fset.BoolVar(&cfg.demo, "demo", false, "start on a generated demo city with a ledger of its own on 127.0.0.1; no hardware needed")
	fset.IntVar(&cfg.holders, "holders", demo.DefaultHolders, "with --demo: how many holders the demo city has (up to 1000000 and more)")
	fset.BoolVar(&cfg.history, "history", true, "with --demo: a new demo city gets a year of history through the ledger's ingest (half a minute, once); --history=false for the directory alone")
	fset.StringVar(&cfg.ledger, "ledger", "", "the ledger's address, e.g. https://ledger.example:8443 (with --enrol the first time; saved in the configuration)")
	fset.StringVar(&cfg.enrol, "enrol", "", "enrol this terminal with the one-time token 'ledger terminal add' printed")
	fset.StringVar(&cfg.printer.port, "printer", "", "an ESC/POS receipt printer's serial port, e.g. /dev/serial/by-id/usb-...: every sale's receipt is printed")
	fset.IntVar(&cfg.printer.baud, "printer-baud", 9600, "the receipt printer's baud rate")
	fset.BoolVar(&cfg.scanCheckin, "scan-checkin", false, "at a sports desk: a scan checks the holder in at the chosen activity at once (a queue at the gate); F8 turns it off and on")
	fset.BoolVar(&cfg.fullscreen, "fullscreen", false, "fill the whole screen (a counter PC); otherwise a window of 1024x700 that can be resized")
	cfg.reader.register(fset, "reader-", "reader")
	demoTime := fset.String("demo-time", "", "with --demo: run the desk and its ledger as if it were this time of day (14:00), the latest such moment: a demo in the evening, when the sports hall is closed")
	config := fset.String("config", "", "the configuration file (default: balie.conf in the user's config folder; none with --demo)")
	if code, ok := parse(fset, args, stderr); !ok {
		return code
	}
	// The demo never reads the desk's own configuration, which could point
	// it at the desk's real store.
	if *config != "" || !cfg.demo {
		path := *config
		if path == "" {
			path = defaultConfig()
		}
		if err := loadConfig(fset, path, *config == ""); err != nil {
			fmt.Fprintln(stderr, "balie:", err)
			return exitUsage
		}
	}
	var rcfg reader.Config
	if cfg.reader.port != "" {
		var err error
		if rcfg, err = cfg.reader.config(); err != nil {
			fmt.Fprintln(stderr, "balie:", err)
			return exitUsage
		}
	}
	if cfg.lang != "nl" && cfg.lang != "en" {
		fmt.Fprintf(stderr, "balie: --lang must be nl or en, not %q\n", cfg.lang)
		return exitUsage
	}
	if *demoTime != "" {
		if !cfg.demo {
			fmt.Fprintln(stderr, "balie: --demo-time is for --demo only: a real desk keeps the real time")
			return exitUsage
		}
		now, err := demoClock(*demoTime, time.Now())
		if err != nil {
			fmt.Fprintln(stderr, "balie:", err)
			return exitUsage
		}
		cfg.now = now
	}
	tm, err := openTerminal(ctx, cfg, log)
	if err != nil {
		say(stderr, cfg.lang, err)
		return exitFail
	}
	defer tm.close()
	if tm.office != "" {
		fmt.Fprintln(stdout, tm.office)
	}
	d, desk := tm.db, tm.desk
	if cfg.enrol != "" {
		// From now on balie alone finds its store, desk and ledger.
		path := *config
		if path == "" {
			path = defaultConfig()
		}
		if err := saveConfig(path, map[string]string{"db": d.Path(), "ledger": cfg.ledger, "desk": desk.ID}); err != nil {
			log.Warn("configuration not saved", "err", err)
		} else {
			log.Info("configuration saved", "path", path)
		}
	}

	startProfiler(log)
	a := fyneapp.NewWithID("be.balie.terminal")
	a.Settings().SetTheme(pos.Theme())
	title := "Balie"
	if desk.Name != "" {
		title = "Balie — " + desk.Name
	}
	w := a.NewWindow(title)
	reports := filepath.Join(filepath.Dir(d.Path()), "z-rapporten")
	var sound func(bool)
	if p := newSoundPlayer(filepath.Join(os.TempDir(), "balie-sounds"), log); p != nil {
		sound = p.Play
	}
	receipts := filepath.Join(filepath.Dir(d.Path()), "bonnen")
	var print func([]byte) error
	if cfg.printer.port != "" {
		print = cfg.printer.Print
	}
	// scr is the app on the window; a change of language or desk (F1)
	// builds a new one. Only touched on the Fyne goroutine.
	scr := &screen{}
	var prevDesk string // the desk of the app on the window
	var show func(lang string, desk balie.Desk)
	show = func(lang string, desk balie.Desk) {
		if err := pos.UseLanguage(lang, assets.Translations(), "translations"); err != nil {
			log.Error("load translations", "err", err)
		}
		app := pos.NewApp(pos.Config{Lang: lang, Desk: desk, Logger: log, Now: cfg.clock(), ReportDir: reports, ReceiptDir: receipts, ScanChecksIn: cfg.scanCheckin}, pos.Deps{
			Directory: pos.NewOnlineDirectory(d, tm.insz, lang, log),
			Staff:     d,
			Sports:    d,
			BoxOffice: d,
			Childcare: d,
			Shifts:    d,
			Review:    d,
			Voids:     d,
			Desks:     d,
			Sound:     sound,
			Print:     print,
			Sync:      tm.syncState(),
			Settings: func(lang, deskID string) {
				next, err := d.Desk(ctx, deskID)
				if err == nil && deskID != desk.ID {
					err = d.SetDesk(ctx, deskID)
				}
				if err != nil {
					log.Error("change settings", "err", err)
					return
				}
				if !cfg.demo {
					path := *config
					if path == "" {
						path = defaultConfig()
					}
					if err := saveConfig(path, map[string]string{"lang": lang, "desk": deskID}); err != nil {
						log.Warn("configuration not saved", "err", err)
					}
				}
				w.SetTitle("Balie — " + next.Name)
				show(lang, next)
			},
		})
		if scr.reader != nil {
			app.SetReader(*scr.reader)
		}
		prev := scr.app
		scr.app = app
		w.SetContent(app.Content())
		app.Start(w.Canvas())
		// A new language keeps the clerk signed in; a new desk asks
		// everyone to sign in again, as the settings say.
		if prev != nil && prev.Staff() != nil && prevDesk == desk.ID {
			app.Resume(*prev.Staff())
		}
		prevDesk = desk.ID
	}
	show(cfg.lang, desk)
	w.Resize(windowSize())
	if cfg.fullscreen {
		w.SetFullScreen(true)
	} else {
		w.CenterOnScreen()
	}
	if cfg.reader.port != "" {
		if err := startReader(ctx, rcfg, scr, log); err != nil {
			say(stderr, cfg.lang, err)
			return exitUsage
		}
	}
	go func() {
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				fyne.Do(a.Quit)
				return
			case <-tick.C:
				fyne.Do(func() { scr.app.Tick() })
			}
		}
	}()
	log.Info("balie ready", "db", d.Path(), "desk", desk.ID, "lang", cfg.lang)
	w.ShowAndRun()
	return exitOK
}

// screen is the app on the window, which settings can replace; its
// fields are only touched on the Fyne goroutine.
type screen struct {
	app    *pos.App
	reader *pos.ReaderState // the reader's last state, for a new app
}

// startReader runs a serial card reader for the app: every read goes to
// the screen as a scan, every change of the port's state to its header.
func startReader(ctx context.Context, cfg reader.Config, scr *screen, log *slog.Logger) error {
	cfg.Log = log
	cfg.OnStatus = func(st reader.Status) {
		// The port's error is for the log (the reader logs it); the
		// header tells the clerk what to look at, in words.
		rs := pos.ReaderState{Connected: st.State == reader.Connected, Port: st.Port}
		fyne.Do(func() {
			scr.reader = &rs
			scr.app.SetReader(rs)
		})
	}
	s, err := reader.NewSerial(cfg)
	if err != nil {
		return fmt.Errorf("card reader: %w", err)
	}
	reads := make(chan reader.Read)
	go func() {
		if err := s.Run(ctx, reads); err != nil && ctx.Err() == nil {
			log.Error("card reader stopped", "err", err)
		}
	}()
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case r := <-reads:
				input := string(r.Number)
				if input == "" {
					input = string(r.Chip)
				}
				fyne.Do(func() { scr.app.Scanned(input) })
			}
		}
	}()
	return nil
}

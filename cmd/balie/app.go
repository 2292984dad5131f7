package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"github.com/balie/balie"
	"github.com/balie/balie/demo"
	"github.com/balie/balie/pos"
	"github.com/balie/balie/reader"
	"github.com/balie/balie/store"
)

// appConfig is what the counter app runs with.
type appConfig struct {
	db      string
	desk    string
	lang    string
	demo    bool
	holders int
	reader  readerFlags
}

func runApp(ctx context.Context, args []string, stdout, stderr io.Writer, log *slog.Logger) int {
	var cfg appConfig
	fset := flag.NewFlagSet("balie", flag.ContinueOnError)
	fset.StringVar(&cfg.db, "db", "", "the terminal's store (default: balie.db in the user's config folder; a demo store in the cache folder with --demo)")
	fset.StringVar(&cfg.desk, "desk", "", "the id of the desk this terminal serves (default: the one set before; desk-box with --demo)")
	fset.StringVar(&cfg.lang, "lang", "nl", "language of the interface: nl or en")
	fset.BoolVar(&cfg.demo, "demo", false, "start on a generated demo city, with no ledger and no hardware")
	fset.IntVar(&cfg.holders, "holders", demo.DefaultHolders, "with --demo: how many holders the demo city has (up to 1000000 and more)")
	cfg.reader.register(fset, "reader-", "reader")
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
	d, desk, err := openTerminal(ctx, cfg, log)
	if err != nil {
		say(stderr, cfg.lang, err)
		return exitFail
	}
	defer d.Close()

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
	app := pos.NewApp(pos.Config{Lang: cfg.lang, Desk: desk, Logger: log, ReportDir: reports}, pos.Deps{
		Directory: pos.NewDirectory(d, cfg.lang, log),
		Staff:     d,
		Sports:    d,
		BoxOffice: d,
		Childcare: d,
		Shifts:    d,
		Review:    d,
		Sound:     sound,
	})
	w.SetContent(app.Content())
	w.Resize(fyne.NewSize(1280, 800))
	app.Start(w.Canvas())
	if cfg.reader.port != "" {
		if err := startReader(ctx, rcfg, app, log); err != nil {
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
				fyne.Do(app.Tick)
			}
		}
	}()
	log.Info("balie ready", "db", d.Path(), "desk", desk.ID, "lang", cfg.lang)
	w.ShowAndRun()
	return exitOK
}

// openTerminal opens (for --demo first makes) the store and sets the desk.
func openTerminal(ctx context.Context, cfg appConfig, log *slog.Logger) (*store.DB, balie.Desk, error) {
	path := cfg.db
	if cfg.demo {
		today := time.Now()
		if path == "" {
			path = defaultDemoDB(today, cfg.holders)
		}
		if err := ensureDemo(ctx, path, today, cfg.holders, log); err != nil {
			return nil, balie.Desk{}, err
		}
		if cfg.desk == "" {
			cfg.desk = demo.BoxOfficeDesk
		}
	}
	if path == "" {
		path = defaultDB("balie.db")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, balie.Desk{}, fmt.Errorf("make store folder: %w", err)
	}
	d, err := store.Open(ctx, path, store.Options{Logger: log})
	if err != nil {
		return nil, balie.Desk{}, err
	}
	if _, err := d.TerminalID(ctx); err != nil {
		d.Close()
		return nil, balie.Desk{}, err
	}
	if cfg.desk != "" {
		if err := d.SetDesk(ctx, cfg.desk); err != nil {
			d.Close()
			return nil, balie.Desk{}, err
		}
	}
	var desk balie.Desk
	if id, err := d.DeskID(ctx); err == nil && id != "" {
		desk, _ = d.Desk(ctx, id)
	}
	return d, desk, nil
}

// defaultDemoDB names the demo store by day and size: the demo city's
// events are placed around the day it was made for.
func defaultDemoDB(today time.Time, holders int) string {
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	day := today.In(balie.Brussels()).Format("2006-01-02")
	return filepath.Join(dir, "balie", fmt.Sprintf("demo-%s-%d.db", day, holders))
}

// ensureDemo generates the demo city into path unless it is there. It
// writes to a side file and renames it when complete, so an interrupted
// generation is never mistaken for a city.
func ensureDemo(ctx context.Context, path string, today time.Time, holders int, log *slog.Logger) error {
	if _, err := os.Stat(path); err == nil {
		return nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("demo store: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("demo store: %w", err)
	}
	part := path + ".part"
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(part + suffix)
	}
	start := time.Now()
	d, err := store.Open(ctx, part, store.Options{Logger: log})
	if err != nil {
		return err
	}
	l, err := d.NewLoader(ctx)
	if err != nil {
		d.Close()
		return err
	}
	sink := &progressSink{Loader: l, total: holders, log: log, every: max(holders/10, 1000)}
	err = demo.Generate(demo.Config{Holders: holders, Today: today}, sink)
	if err == nil {
		err = l.Close()
	} else {
		l.Abort()
	}
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("generate demo city: %w", err)
	}
	if err := os.Rename(part, path); err != nil {
		return fmt.Errorf("demo store: %w", err)
	}
	log.Info("demo city ready", "holders", holders, "path", path, "took", time.Since(start).Round(time.Millisecond))
	return nil
}

// progressSink reports how far a long generation is.
type progressSink struct {
	*store.Loader
	total, done, every int
	log                *slog.Logger
}

func (p *progressSink) Holder(h balie.Holder, cards []balie.Card, ms []balie.Membership) error {
	p.done++
	if p.done%p.every == 0 {
		p.log.Info("generating demo city", "holders", p.done, "of", p.total)
	}
	return p.Loader.Holder(h, cards, ms)
}

// startReader runs a serial card reader for the app: every read goes to
// the screen as a scan, every change of the port's state to its header.
func startReader(ctx context.Context, cfg reader.Config, app *pos.App, log *slog.Logger) error {
	cfg.Log = log
	cfg.OnStatus = func(st reader.Status) {
		rs := pos.ReaderState{Connected: st.State == reader.Connected, Port: st.Port}
		if st.Err != nil {
			rs.Problem = st.Err.Error()
		}
		fyne.Do(func() { app.SetReader(rs) })
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
				fyne.Do(func() { app.Scanned(input) })
			}
		}
	}()
	return nil
}

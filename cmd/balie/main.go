// Command balie is the terminal at a desk of the city's leisure pass: the
// counter app, and the operator commands that read its journal.
//
//	balie [--db FILE] [--desk ID] [--lang nl|en]   the counter app
//	balie --demo [--holders N]                      the app on a demo city
//	balie export --db FILE                          the journal as JSON lines
//	balie verify --db FILE                          check the hash chain
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/balie/balie"
	// The language is chosen before Fyne reads the environment: see the
	// package.
	_ "github.com/balie/balie/cmd/balie/uselang"
	"github.com/balie/balie/internal/version"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	stdout, stderr := stdio()
	code := run(ctx, os.Args[1:], stdout, stderr)
	stop()
	os.Exit(code)
}

// Exit codes.
const (
	exitOK    = 0
	exitFail  = 1 // the command ran and found a problem
	exitUsage = 2
)

// run is the whole program, callable from tests as the real thing.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	if len(args) > 0 {
		switch args[0] {
		case "export":
			return runExport(ctx, args[1:], stdout, stderr, log)
		case "verify":
			return runVerify(ctx, args[1:], stdout, stderr, log)
		case "readers":
			return runReaders(ctx, args[1:], stdout, stderr, log)
		case "reader-test":
			return runReaderTest(ctx, args[1:], stdout, stderr, log)
		case "version", "-version", "--version":
			fmt.Fprintln(stdout, "balie", version.String())
			return exitOK
		case "help", "-h", "--help":
			usage(stdout)
			return exitOK
		}
	}
	return runApp(ctx, args, stdout, stderr, log)
}

func usage(w io.Writer) {
	fmt.Fprint(w, `balie: de kassa van de vrijetijdspas / the leisure pass terminal

  balie [--db FILE] [--desk ID] [--lang nl|en]   start the counter app
  balie --demo [--holders N] [--desk ID] [--history=false] [--demo-time 14:00]
                                                 start on a demo city (no hardware needed)
  balie export --db FILE                         print the journal as JSON lines
  balie verify --db FILE                         check the journal's hash chain and sequence
  balie readers                                  list the serial ports a card reader can be on
  balie reader-test --port P --protocol line|uid|pn532   show a reader's reads and rejects live
  balie --version                                print the version of this build

Run 'balie COMMAND --help' for a command's flags.
`)
}

// defaultDB is where a terminal keeps its store when --db is not given:
// ~/.config/balie on Linux, %APPDATA%\Balie on Windows.
func defaultDB(name string) string {
	dir, err := os.UserConfigDir()
	if err != nil {
		dir = "."
	}
	return filepath.Join(dir, appFolder, name)
}

// say prints an error for a person: a domain error in their language,
// anything else as it is.
func say(w io.Writer, lang string, err error) {
	if e, ok := balie.AsError(err); ok {
		fmt.Fprintln(w, e.Message(lang))
		return
	}
	fmt.Fprintln(w, "balie:", err)
}

// parse parses a command's flags; it returns false after printing what
// is wrong.
func parse(fs *flag.FlagSet, args []string, stderr io.Writer) (int, bool) {
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK, false
		}
		return exitUsage, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "balie %s: unexpected argument %q\n", fs.Name(), fs.Arg(0))
		return exitUsage, false
	}
	return 0, true
}

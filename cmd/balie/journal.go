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
	"os"

	"github.com/balie/balie"
	"github.com/balie/balie/store"
)

// openExisting opens a store that must already exist: an operator command
// must never create an empty store where a typo named a missing file.
func openExisting(ctx context.Context, path string, log *slog.Logger) (*store.DB, error) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return nil, balie.Errorf(balie.CodeStorageForeign, "Het bestand %s bestaat niet.", "The file %s does not exist.", path)
	}
	return store.Open(ctx, path, store.Options{Logger: log})
}

// operatorStore parses an operator command's flags and opens the store
// they name. When it returns nil, code is the exit code.
func operatorStore(ctx context.Context, name string, args []string, stderr io.Writer, log *slog.Logger) (d *store.DB, path, lang string, code int) {
	fset := flag.NewFlagSet(name, flag.ContinueOnError)
	fset.StringVar(&path, "db", defaultDB("balie.db"), "the terminal's store")
	fset.StringVar(&lang, "lang", "nl", "language of messages: nl or en")
	if code, ok := parse(fset, args, stderr); !ok {
		return nil, path, lang, code
	}
	d, err := openExisting(ctx, path, log)
	if err != nil {
		say(stderr, lang, err)
		return nil, path, lang, exitFail
	}
	return d, path, lang, exitOK
}

func runExport(ctx context.Context, args []string, stdout, stderr io.Writer, log *slog.Logger) int {
	d, _, lang, code := operatorStore(ctx, "export", args, stderr, log)
	if d == nil {
		return code
	}
	defer d.Close()
	sigs := map[int64]string{}
	if err := d.Signatures(ctx, func(seq int64, sig string) error {
		sigs[seq] = sig
		return nil
	}); err != nil {
		say(stderr, lang, fmt.Errorf("export: %w", err))
		return exitFail
	}
	w := bufio.NewWriter(stdout)
	enc := json.NewEncoder(w)
	type line struct {
		balie.JournalEvent
		Signature string `json:"signature,omitempty"`
	}
	err := d.Journal(ctx, 1, func(e balie.JournalEvent) error { return enc.Encode(line{e, sigs[e.Seq]}) })
	if ferr := w.Flush(); err == nil {
		err = ferr
	}
	if err != nil {
		say(stderr, lang, fmt.Errorf("export: %w", err))
		return exitFail
	}
	return exitOK
}

// runVerify checks the whole file with SQLite's integrity check, then the
// journal's hash chain and sequence from the first event to the last.
func runVerify(ctx context.Context, args []string, stdout, stderr io.Writer, log *slog.Logger) int {
	d, path, lang, code := operatorStore(ctx, "verify", args, stderr, log)
	if d == nil {
		return code
	}
	defer d.Close()
	if err := d.IntegrityCheck(ctx); err != nil {
		say(stderr, lang, err)
		return exitFail
	}
	n, err := d.VerifyJournal(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "verify %s: BROKEN after %d sound events: %v\n", path, n, err)
		return exitFail
	}
	signed, upTo, err := d.VerifySignatures(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "verify %s: %d events intact, but a signature does not verify: %v\n", path, n, err)
		return exitFail
	}
	fmt.Fprintf(stdout, "verify %s: %d events, hash chain and sequence intact; %d signatures verify, covering seq 1 to %d\n", path, n, signed, upTo)
	return exitOK
}

// Package store keeps a terminal's state in SQLite: the append-only
// journal of every act, the replica of what the ledger serves, the
// projections the desk decides from, and the upload state. One
// transaction per act: an act is either wholly recorded or not at all.
package store

import (
	"bytes"
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/balie/balie"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations/*.sql
var migrations embed.FS

// applicationID marks a SQLite file as a Balie terminal store ("BALI"),
// so that another program's database is refused instead of migrated.
const applicationID = 0x42414C49

// Options tune Open. The zero value is what a terminal runs with.
type Options struct {
	Now    func() time.Time // the clock; time.Now when nil
	Logger *slog.Logger     // slog.Default() when nil
	// OnCommit is called after every act is committed, outside the
	// store's lock: the sync worker's wake-up. It must not block.
	OnCommit func()
	// QuickOpen skips the full integrity check at open (the header,
	// application id and schema version are still checked). For tools
	// that read a store another process is writing.
	QuickOpen bool
}

// DB is an open terminal store.
type DB struct {
	db       *sql.DB
	path     string
	now      func() time.Time
	log      *slog.Logger
	onCommit func()

	// mu serialises writers: the journal's next seq and previous hash
	// must be read and written by one act at a time.
	mu sync.Mutex
}

// Open opens (creating if needed) the store at path, sets the pragmas,
// checks that the file is a sound Balie store and brings its schema up
// to date. A foreign, corrupt or newer file is refused with a domain
// error; it is never reset.
func Open(ctx context.Context, path string, opts Options) (*DB, error) {
	if err := checkHeader(path); err != nil {
		return nil, err
	}
	if err := checkOwner(ctx, path); err != nil {
		return nil, err
	}
	q := url.Values{}
	for _, p := range []string{"busy_timeout(10000)", "journal_mode(WAL)", "foreign_keys(1)", "synchronous(FULL)"} {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	sqldb, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open store: %w", err)
	}
	d := &DB{db: sqldb, path: path, now: opts.Now, log: opts.Logger, onCommit: opts.OnCommit}
	if d.now == nil {
		d.now = time.Now
	}
	if d.log == nil {
		d.log = slog.Default()
	}
	if err := d.prepare(ctx, !opts.QuickOpen); err != nil {
		sqldb.Close()
		return nil, err
	}
	return d, nil
}

// Close closes the store.
func (d *DB) Close() error { return d.db.Close() }

// Path is the file the store lives in.
func (d *DB) Path() string { return d.path }

// checkHeader refuses a file that exists but is not SQLite, before the
// driver could try to treat it as a database.
func checkHeader(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	defer f.Close()
	head := make([]byte, 16)
	n, err := io.ReadFull(f, head)
	if n == 0 && (err == io.EOF || err == nil) {
		return nil // an empty file: SQLite makes a database of it
	}
	if !bytes.Equal(head[:n], []byte("SQLite format 3\x00")) {
		return errForeign(path)
	}
	return nil
}

// checkOwner refuses another program's SQLite database through a
// read-only connection: the pragmas Open sets (WAL above all) would
// otherwise change a file that is not ours before we could look at it.
func checkOwner(ctx context.Context, path string) error {
	if fi, err := os.Stat(path); err != nil || fi.Size() == 0 {
		return nil
	}
	ro, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return fmt.Errorf("open store: %w", err)
	}
	defer ro.Close()
	var appID, tables int
	if err := ro.QueryRowContext(ctx, "PRAGMA application_id").Scan(&appID); err != nil {
		return classifyPath(path, "read application id", err)
	}
	if err := ro.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema").Scan(&tables); err != nil {
		return classifyPath(path, "read schema", err)
	}
	if appID != applicationID && (appID != 0 || tables > 0) {
		return errForeign(path)
	}
	return nil
}

func errForeign(path string) error {
	return balie.Errorf(balie.CodeStorageForeign,
		"Het bestand %s is geen Balie-database. Kies het juiste bestand; dit bestand is niet gewijzigd.",
		"The file %s is not a Balie database. Choose the right file; this one was not changed.", path)
}

func errCorrupt(path, detail string) error {
	return balie.Errorf(balie.CodeStorageCorrupt,
		"De database %s is beschadigd (%s). Er is niets gewijzigd; herstel een reservekopie of vraag hulp.",
		"The database %s is damaged (%s). Nothing was changed; restore a backup or ask for help.", path, detail)
}

func (d *DB) prepare(ctx context.Context, integrity bool) error {
	var version int
	if err := d.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return d.classify("read schema version", err)
	}
	files, err := migrationFiles()
	if err != nil {
		return err
	}
	if version > len(files) {
		return balie.Errorf(balie.CodeStorageNewer,
			"De database %s is gemaakt door een nieuwere versie van Balie (schema %d, deze versie kent %d). Installeer de nieuwste versie.",
			"The database %s was made by a newer Balie (schema %d, this version knows %d). Install the newest version.", d.path, version, len(files))
	}
	if integrity && version > 0 {
		if err := d.check(ctx, "PRAGMA quick_check(5)"); err != nil {
			return err
		}
	}
	for i := version; i < len(files); i++ {
		if err := d.migrate(ctx, i+1, files[i]); err != nil {
			return err
		}
	}
	return nil
}

// IntegrityCheck runs SQLite's full integrity check, for operators; Open
// runs the quicker check of every page.
func (d *DB) IntegrityCheck(ctx context.Context) error {
	return d.check(ctx, "PRAGMA integrity_check(20)")
}

// check runs one of SQLite's checks: every page and index entry readable
// and consistent. It reads the whole file, which is what a terminal wants
// once at start-up before it trusts the journal.
func (d *DB) check(ctx context.Context, pragma string) error {
	rows, err := d.db.QueryContext(ctx, pragma)
	if err != nil {
		return d.classify("integrity check", err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return d.classify("integrity check", err)
		}
		if s != "ok" {
			problems = append(problems, s)
		}
	}
	if err := rows.Err(); err != nil {
		return d.classify("integrity check", err)
	}
	if len(problems) > 0 {
		return errCorrupt(d.path, strings.Join(problems, "; "))
	}
	return nil
}

func migrationFiles() ([]string, error) {
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return nil, fmt.Errorf("list migrations: %w", err)
	}
	sort.Strings(names)
	for i, n := range names {
		// The files are numbered from 0001 without gaps: the number is the
		// schema version they bring the store to.
		want := fmt.Sprintf("migrations/%04d_", i+1)
		if !strings.HasPrefix(n, want) {
			return nil, fmt.Errorf("list migrations: %s out of order", n)
		}
	}
	return names, nil
}

func (d *DB) migrate(ctx context.Context, version int, name string) error {
	body, err := migrations.ReadFile(name)
	if err != nil {
		return fmt.Errorf("migrate %d: %w", version, err)
	}
	tx, err := d.db.BeginTx(ctx, nil)
	if err != nil {
		return d.classify("migrate", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return d.classify("migrate "+name, err)
	}
	if _, err := tx.ExecContext(ctx, "PRAGMA application_id = "+strconv.Itoa(applicationID)); err != nil {
		return d.classify("migrate", err)
	}
	if _, err := tx.ExecContext(ctx, "PRAGMA user_version = "+strconv.Itoa(version)); err != nil {
		return d.classify("migrate", err)
	}
	if err := tx.Commit(); err != nil {
		return d.classify("migrate", err)
	}
	d.log.Info("store migrated", "path", d.path, "version", version)
	return nil
}

// classify turns SQLite's storage failures into domain errors the clerk
// can read (a full disk, a damaged file) and wraps the rest with op.
func (d *DB) classify(op string, err error) error { return classifyPath(d.path, op, err) }

func classifyPath(path, op string, err error) error {
	if err == nil {
		return nil
	}
	if _, ok := balie.AsError(err); ok {
		return err
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_FULL:
			return fmt.Errorf("%s: %w", op, balie.Errorf(balie.CodeStorageFull,
				"De schijf is vol: deze handeling is NIET bewaard. Maak ruimte vrij en probeer opnieuw.",
				"The disk is full: this act was NOT saved. Free some space and try again."))
		case sqlite3.SQLITE_CORRUPT:
			return fmt.Errorf("%s: %w", op, errCorrupt(path, se.Error()))
		case sqlite3.SQLITE_NOTADB:
			return fmt.Errorf("%s: %w", op, errForeign(path))
		}
	}
	return fmt.Errorf("%s: %w", op, err)
}

// Package ledger is the central ledger: it receives every terminal's
// journal, applies the rules authoritatively in ingest order, serves each
// terminal the directory and catalogue changes after its cursor, and keeps
// the money lines and review flags the city's reports are made from.
//
// It keeps everything in one SQLite file (WAL, foreign keys, a durable
// commit per uploaded batch) and speaks the protocol of
// docs/sync-protocol.md over HTTP (see Server).
package ledger

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

// applicationID marks a SQLite file as a Balie ledger ("LDGR"), so that a
// terminal store or another program's database is refused, not migrated.
const applicationID = 0x4C444752

// Options tune Open. The zero value is what a ledger runs with.
type Options struct {
	Now    func() time.Time // the clock; time.Now when nil
	Logger *slog.Logger     // discards when nil
	// QuickOpen skips the check of every page at open (the header,
	// application id and schema version are still checked).
	QuickOpen bool
	// Readers is the number of read connections (downloads, exports);
	// 4 when zero.
	Readers int
	// FlushInterval is how often the balances and check-in usage kept in
	// memory are written to their tables (see Flush); five seconds when
	// zero, never in the background when negative. A download flushes
	// first whatever the interval.
	FlushInterval time.Duration
}

// Ledger is an open ledger file.
type Ledger struct {
	w    *sql.DB // the one write connection
	r    *sql.DB // read connections
	ckpt *sql.DB // the connection that checkpoints the WAL in the background
	path string
	now  func() time.Time
	log  *slog.Logger

	// mu serialises write transactions: a batch reads a terminal's head
	// and the balances it changes and writes them back as one step.
	mu     sync.Mutex
	closed bool // guarded by mu

	ins   *inserts  // statements prepared once on the write connection
	hot   *hotState // guarded by mu
	cache *cache    // guarded by mu

	stopFlusher chan struct{}
	flusherDone chan struct{}

	// beforeCommit, when set by a test, runs inside a batch's
	// transaction just before the commit.
	beforeCommit func()
}

// Open opens (creating if needed) the ledger at path, sets the pragmas,
// checks that the file is a sound ledger and brings its schema up to
// date. A foreign, corrupt or newer file is refused with a domain error;
// it is never changed or reset.
func Open(ctx context.Context, path string, opts Options) (*Ledger, error) {
	if err := checkHeader(path); err != nil {
		return nil, err
	}
	if err := checkOwner(ctx, path); err != nil {
		return nil, err
	}
	l := &Ledger{path: path, now: opts.Now, log: opts.Logger, cache: newCache()}
	if l.now == nil {
		l.now = time.Now
	}
	if l.log == nil {
		l.log = slog.New(slog.DiscardHandler)
	}
	var err error
	// The writer never checkpoints in a commit: a goroutine does it on its
	// own connection, off the path of an upload.
	l.w, err = openPool(path, 1, "immediate", "synchronous(FULL)", "cache_size(-262144)", "wal_autocheckpoint(0)")
	if err != nil {
		return nil, err
	}
	if err := l.prepare(ctx, !opts.QuickOpen); err != nil {
		l.w.Close()
		return nil, err
	}
	readers := opts.Readers
	if readers <= 0 {
		readers = 4
	}
	if l.r, err = openPool(path, readers, "deferred", "query_only(1)", "cache_size(-32768)"); err != nil {
		l.w.Close()
		return nil, err
	}
	if l.ckpt, err = openPool(path, 1, "deferred", "synchronous(FULL)"); err != nil {
		l.Close()
		return nil, err
	}
	if l.ins, err = prepareInserts(ctx, l.w); err != nil {
		l.Close()
		return nil, l.classify("prepare statements", err)
	}
	if err := l.recover(ctx); err != nil {
		l.Close()
		return nil, err
	}
	every := opts.FlushInterval
	if every == 0 {
		every = 5 * time.Second
	}
	if every < 0 {
		every = 0
	}
	l.stopFlusher, l.flusherDone = make(chan struct{}), make(chan struct{})
	go l.background(every, l.stopFlusher, l.flusherDone)
	return l, nil
}

func openPool(path string, conns int, txlock string, extra ...string) (*sql.DB, error) {
	q := url.Values{}
	for _, p := range append([]string{"busy_timeout(10000)", "journal_mode(WAL)", "foreign_keys(1)"}, extra...) {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", txlock)
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open ledger: %w", err)
	}
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	return db, nil
}

// Close waits for the write transaction in hand to finish and closes the
// file. It is safe to call twice.
func (l *Ledger) Close() error {
	if l.stopFlusher != nil {
		close(l.stopFlusher)
		<-l.flusherDone
		l.stopFlusher = nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil
	}
	var errs []error
	if l.hot != nil && l.ins != nil {
		errs = append(errs, l.flushLocked(context.Background()))
	}
	l.closed = true
	if l.ins != nil {
		l.ins.close()
	}
	if l.r != nil {
		errs = append(errs, l.r.Close())
	}
	if l.ckpt != nil {
		errs = append(errs, l.ckpt.Close())
	}
	// The writer closes last: as the last connection, it checkpoints the
	// WAL into the file, so the file alone holds the ledger afterwards.
	errs = append(errs, l.w.Close())
	return errors.Join(errs...)
}

// Path is the file the ledger lives in.
func (l *Ledger) Path() string { return l.path }

// Ping reports whether the database can be read.
func (l *Ledger) Ping(ctx context.Context) error {
	var n int
	return l.r.QueryRowContext(ctx, `SELECT count(*) FROM meta`).Scan(&n)
}

// checkHeader refuses a file that exists but is not SQLite, before the
// driver could try to treat it as a database.
func checkHeader(path string) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("open ledger: %w", err)
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

// checkOwner refuses another program's SQLite database (a terminal's
// store included) through a read-only connection, before the pragmas Open
// sets could change a file that is not ours.
func checkOwner(ctx context.Context, path string) error {
	if fi, err := os.Stat(path); err != nil || fi.Size() == 0 {
		return nil
	}
	ro, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return fmt.Errorf("open ledger: %w", err)
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
		"Het bestand %s is geen database van de Balie-ledger. Kies het juiste bestand; dit bestand is niet gewijzigd.",
		"The file %s is not a Balie ledger database. Choose the right file; this one was not changed.", path)
}

func errCorrupt(path, detail string) error {
	return balie.Errorf(balie.CodeStorageCorrupt,
		"De ledgerdatabase %s is beschadigd (%s). Er is niets gewijzigd; herstel een reservekopie.",
		"The ledger database %s is damaged (%s). Nothing was changed; restore a backup.", path, detail)
}

func (l *Ledger) prepare(ctx context.Context, integrity bool) error {
	var version int
	if err := l.w.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return l.classify("read schema version", err)
	}
	files, err := migrationFiles()
	if err != nil {
		return err
	}
	if version > len(files) {
		return balie.Errorf(balie.CodeStorageNewer,
			"De ledgerdatabase %s is gemaakt door een nieuwere versie van de ledger (schema %d, deze versie kent %d). Installeer de nieuwste versie.",
			"The ledger database %s was made by a newer ledger (schema %d, this version knows %d). Install the newest version.", l.path, version, len(files))
	}
	if integrity && version > 0 {
		if err := l.check(ctx, "PRAGMA quick_check(5)"); err != nil {
			return err
		}
	}
	for i := version; i < len(files); i++ {
		if err := l.migrate(ctx, i+1, files[i]); err != nil {
			return err
		}
	}
	return nil
}

// IntegrityCheck runs SQLite's full integrity check, for operators.
func (l *Ledger) IntegrityCheck(ctx context.Context) error {
	return l.check(ctx, "PRAGMA integrity_check(20)")
}

func (l *Ledger) check(ctx context.Context, pragma string) error {
	rows, err := l.w.QueryContext(ctx, pragma)
	if err != nil {
		return l.classify("integrity check", err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return l.classify("integrity check", err)
		}
		if s != "ok" {
			problems = append(problems, s)
		}
	}
	if err := rows.Err(); err != nil {
		return l.classify("integrity check", err)
	}
	if len(problems) > 0 {
		return errCorrupt(l.path, strings.Join(problems, "; "))
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
		// Numbered from 0001 without gaps: the number is the schema
		// version a file brings the ledger to.
		if want := fmt.Sprintf("migrations/%04d_", i+1); !strings.HasPrefix(n, want) {
			return nil, fmt.Errorf("list migrations: %s out of order", n)
		}
	}
	return names, nil
}

func (l *Ledger) migrate(ctx context.Context, version int, name string) error {
	body, err := migrations.ReadFile(name)
	if err != nil {
		return fmt.Errorf("migrate %d: %w", version, err)
	}
	tx, err := l.w.BeginTx(ctx, nil)
	if err != nil {
		return l.classify("migrate", err)
	}
	defer tx.Rollback()
	for _, stmt := range []string{string(body),
		"PRAGMA application_id = " + strconv.Itoa(applicationID),
		"PRAGMA user_version = " + strconv.Itoa(version)} {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return l.classify("migrate "+name, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return l.classify("migrate", err)
	}
	l.log.Info("ledger migrated", "path", l.path, "version", version)
	return nil
}

func (l *Ledger) classify(op string, err error) error { return classifyPath(l.path, op, err) }

// classifyPath turns SQLite's storage failures into domain errors an
// operator can read (a full disk, a damaged file) and wraps the rest.
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
				"De schijf van de ledger is vol: er is niets bewaard. Maak ruimte vrij.",
				"The ledger's disk is full: nothing was saved. Free some space."))
		case sqlite3.SQLITE_CORRUPT:
			return fmt.Errorf("%s: %w", op, errCorrupt(path, se.Error()))
		case sqlite3.SQLITE_NOTADB:
			return fmt.Errorf("%s: %w", op, errForeign(path))
		}
	}
	return fmt.Errorf("%s: %w", op, err)
}

// isUnique reports whether err is a UNIQUE or PRIMARY KEY violation.
func isUnique(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		c := se.Code()
		return c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

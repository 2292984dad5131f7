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
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"github.com/balie/balie/internal/sqlitefile"
	"log/slog"
	"net/url"
	"sync"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations/*.sql
var migrations embed.FS

// applicationID marks a SQLite file as a Balie ledger ("LDGR"), so that a
// terminal store or another program's database is refused, not migrated.
const applicationID = 0x4C444752

// file is the kind of file a ledger is.
func file() sqlitefile.Kind {
	return sqlitefile.Kind{AppID: applicationID, NL: "database van de Balie-ledger", EN: "Balie ledger database", Migrations: migrations}
}

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
	if err := file().Check(ctx, path); err != nil {
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

func (l *Ledger) prepare(ctx context.Context, integrity bool) error {
	return file().Prepare(ctx, l.w, l.path, integrity, l.log)
}

// IntegrityCheck runs SQLite's full integrity check, for operators.
func (l *Ledger) IntegrityCheck(ctx context.Context) error {
	return file().Verify(ctx, l.w, l.path, true)
}

func (l *Ledger) classify(op string, err error) error { return file().Classify(l.path, op, err) }

// isUnique reports whether err is a UNIQUE or PRIMARY KEY violation.
func isUnique(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		c := se.Code()
		return c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

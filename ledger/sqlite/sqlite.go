// Package sqlite is the ledger's embedded storage engine: one SQLite file
// in WAL mode, a durable commit per group of uploads, several readers.
//
// Two things make it fast on one machine, and both stay correct when
// another process (an operator's command) uses the same file:
//
//   - Group commit: every write runs on one goroutine, which takes all the
//     uploads waiting at that moment into one transaction (each in a
//     savepoint of its own, so one refused batch leaves the others), and
//     pays one fsync for them all.
//   - Write-behind of the random writes: an upload's transaction writes
//     what is appended in order (the events with their verdicts and the
//     points each applied) and keeps the balances and check-in usage it
//     changed in memory (the hot state); a flush folds them into their
//     tables. The events are the truth and the tables plus a replay of the
//     events after the last fold equal it at every moment. Every write
//     transaction, in any process, starts by checking SQLite's
//     data_version: when another connection committed since this
//     process's last write, the process drops its hot state and caches,
//     replays the events after the last fold and folds them, so that it
//     never works from what another process made stale.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"sync"
	"time"

	"github.com/balie/balie/internal/sqlitefile"
	"github.com/balie/balie/ledger"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations/*.sql
var migrations embed.FS

// applicationID marks a SQLite file as a Balie ledger ("LDGR"), so that a
// terminal store or another program's database is refused, not migrated.
const applicationID = 0x4C444752

// File is the kind of file a ledger is.
func File() sqlitefile.Kind {
	return sqlitefile.Kind{AppID: applicationID, NL: "database van de Balie-ledger", EN: "Balie ledger database", Migrations: migrations}
}

// Options tune Open. The zero value is what a serving ledger runs with.
type Options struct {
	Logger *slog.Logger // discards when nil
	// ReadOnly opens without a write connection: the file is never
	// changed, not even migrated. For the operator's read-only commands.
	ReadOnly bool
	// QuickOpen skips the check of every page at open (the header,
	// application id and schema version are still checked).
	QuickOpen bool
	// Readers is the number of read connections; 4 when zero.
	Readers int
	// FlushInterval is how often the hot state is folded into its tables
	// in the background; five seconds when zero, never in the background
	// when negative (a download and Close always fold first).
	FlushInterval time.Duration
	// MaxGroup is the most uploads one commit takes; 32 when zero.
	MaxGroup int
}

// Store is an open ledger file.
type Store struct {
	path string
	log  *slog.Logger
	opts Options

	w    *sql.DB // the one write connection, used by the writer goroutine only
	r    *sql.DB // read connections
	ckpt *sql.DB // checkpoints the WAL in the background

	reqs     chan *request
	stop     chan struct{}
	done     chan struct{}
	stopOnce sync.Once
	closeErr error

	// Owned by the writer goroutine, which changes hot (its points, last
	// and flushed) under mu so that readers may look at them.
	ins     *stmts
	hot     *hotState
	cache   *cache
	dv      int64 // data_version at the start of this process's last write
	current bool  // hot state and caches are this file's, as of dv
	mu      sync.RWMutex
}

var _ ledger.Store = (*Store)(nil)

// Open opens (creating if needed, unless read-only) the ledger at path,
// sets the pragmas, checks that the file is a sound ledger and brings its
// schema up to date. A foreign, corrupt or newer file is refused with a
// domain error; it is never changed or reset.
func Open(ctx context.Context, path string, opts Options) (*Store, error) {
	if opts.ReadOnly {
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("open ledger: %w", err)
		}
	}
	if err := File().Check(ctx, path); err != nil {
		return nil, err
	}
	s := &Store{path: path, log: opts.Logger, opts: opts, cache: newCache(), hot: newHotState()}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.opts.Readers <= 0 {
		s.opts.Readers = 4
	}
	if s.opts.MaxGroup <= 0 {
		s.opts.MaxGroup = 32
	}
	if s.opts.FlushInterval == 0 {
		s.opts.FlushInterval = 5 * time.Second
	}
	var err error
	if !opts.ReadOnly {
		// The writer never checkpoints in a commit: a goroutine does it on
		// its own connection, off the path of an upload. Its page cache
		// (32 MiB) and the readers' (4 MiB each) count in the ledger's
		// memory bound (300 MB whatever the clients do); beyond them the
		// system's file cache holds the file.
		s.w, err = openPool(path, 1, "immediate", "synchronous(FULL)", "cache_size(-32768)", "wal_autocheckpoint(0)", "temp_store(MEMORY)")
		if err != nil {
			return nil, err
		}
		if err := File().Prepare(ctx, s.w, path, !opts.QuickOpen, s.log); err != nil {
			s.w.Close()
			return nil, err
		}
		if err := s.fillSearchKeys(ctx); err != nil {
			s.w.Close()
			return nil, err
		}
		if s.ins, err = prepare(ctx, s.w); err != nil {
			s.w.Close()
			return nil, s.classify("prepare statements", err)
		}
	}
	if s.r, err = openPool(path, s.opts.Readers, "deferred", "query_only(1)", "cache_size(-4096)"); err != nil {
		s.closePools()
		return nil, err
	}
	if opts.ReadOnly {
		if err := s.checkSchema(ctx); err != nil {
			s.closePools()
			return nil, err
		}
		return s, nil
	}
	if s.ckpt, err = openPool(path, 1, "deferred", "synchronous(FULL)"); err != nil {
		s.closePools()
		return nil, err
	}
	s.reqs, s.stop, s.done = make(chan *request, 1024), make(chan struct{}), make(chan struct{})
	go s.writer()
	return s, nil
}

// checkSchema refuses, for a read-only open, a file whose schema is not
// this version's: migrating is a write.
func (s *Store) checkSchema(ctx context.Context) error {
	var v int
	if err := s.r.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return s.classify("read schema version", err)
	}
	newest, err := File().Newest()
	if err != nil {
		return err
	}
	if v != newest {
		return fmt.Errorf("open ledger: the file has schema %d and this version %d: start 'ledger serve' or run 'ledger init' on it once to bring it up to date", v, newest)
	}
	return nil
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

// Engine names the engine.
func (s *Store) Engine() string { return "sqlite" }

// Path is the file the ledger lives in.
func (s *Store) Path() string { return s.path }

// Close folds the hot state into its tables, waits for the writes in hand
// and closes the file. It is safe to call twice.
func (s *Store) Close() error {
	s.stopOnce.Do(func() {
		if s.stop != nil {
			close(s.stop)
			<-s.done
		}
		s.closeErr = errors.Join(s.closeErr, s.closePools())
	})
	return s.closeErr
}

func (s *Store) closePools() error {
	var errs []error
	if s.ins != nil {
		s.ins.close()
	}

	for _, db := range []*sql.DB{s.r, s.ckpt} {
		if db != nil {
			errs = append(errs, db.Close())
		}
	}
	// The writer closes last: as the last connection, it checkpoints the
	// WAL into the file, so the file alone holds the ledger afterwards.
	if s.w != nil {
		errs = append(errs, s.w.Close())
	}
	return errors.Join(errs...)
}

// IntegrityCheck runs SQLite's full integrity check, for operators.
func (s *Store) IntegrityCheck(ctx context.Context) error {
	return File().Verify(ctx, s.r, s.path, true)
}

// Backup writes a consistent copy of the ledger to path, while it
// serves: SQLite's VACUUM INTO reads one snapshot and writes a compact
// file. The hot state is folded first, so the copy holds every balance.
func (s *Store) Backup(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("backup: %s already exists; name a new file", path)
	}
	if s.w != nil {
		if err := s.Flush(ctx); err != nil {
			return err
		}
	}
	// Its own read-only connection: the readers are query_only, which
	// SQLite takes to refuse VACUUM INTO as well.
	db, err := sql.Open("sqlite", "file:"+s.path+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return s.classify("backup", err)
	}
	return nil
}

func (s *Store) classify(op string, err error) error {
	if err == nil {
		return nil
	}
	if isBusy(err) {
		return fmt.Errorf("%s: %w: %v", op, ledger.ErrBusy, err)
	}
	return File().Classify(s.path, op, err)
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

func isBusy(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		c := se.Code() & 0xff
		return c == sqlite3.SQLITE_BUSY || c == sqlite3.SQLITE_LOCKED
	}
	return false
}

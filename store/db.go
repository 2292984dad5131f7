// Package store keeps a terminal's state in SQLite: the append-only
// journal of every act, the replica of what the ledger serves, the
// projections the desk decides from, and the upload state. One
// transaction per act: an act is either wholly recorded or not at all.
package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"log/slog"
	"net/url"
	"sync"
	"time"

	"github.com/balie/balie/internal/sqlitefile"
	_ "modernc.org/sqlite" // the driver
)

//go:embed migrations/*.sql
var migrations embed.FS

// file is the kind of file a store is. Its application id ("BALI") marks
// it as a Balie terminal store, so that another program's database is
// refused instead of migrated.
func file() sqlitefile.Kind {
	return sqlitefile.Kind{AppID: 0x42414C49, NL: "Balie-database", EN: "Balie database", Migrations: migrations}
}

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
	mu   sync.Mutex
	bulk *sql.Conn // during a first download: its connection (see BeginBulk); guarded by mu
}

// Open opens (creating if needed) the store at path, sets the pragmas,
// checks that the file is a sound Balie store and brings its schema up
// to date. A foreign, corrupt or newer file is refused with a domain
// error; it is never reset.
func Open(ctx context.Context, path string, opts Options) (*DB, error) {
	if err := file().Check(ctx, path); err != nil {
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
	if err := file().Prepare(ctx, sqldb, path, !opts.QuickOpen, d.log); err != nil {
		sqldb.Close()
		return nil, err
	}
	if _, err := sqldb.ExecContext(ctx, bulkIndexes); err != nil {
		sqldb.Close()
		return nil, d.classify("ensure indexes", err)
	}
	return d, nil
}

// Close closes the store.
func (d *DB) Close() error { return d.db.Close() }

// Path is the file the store lives in.
func (d *DB) Path() string { return d.path }

// IntegrityCheck runs SQLite's full integrity check, for operators; Open
// runs the quicker check of every page.
func (d *DB) IntegrityCheck(ctx context.Context) error {
	return file().Verify(ctx, d.db, d.path, true)
}

// classify turns SQLite's storage failures into domain errors the clerk
// can read (a full disk, a damaged file) and wraps the rest with op.
func (d *DB) classify(op string, err error) error { return file().Classify(d.path, op, err) }

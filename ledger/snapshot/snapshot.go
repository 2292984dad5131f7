// Package snapshot makes the directory snapshots a terminal's first
// download starts from (balie.SnapshotSchema): a SQLite file the terminal
// copies into its replica at SQLite's own speed, then the change log from
// the snapshot's cursor on. An engine that can write one itself, faster,
// implements Writer; for any other, Build replays the change log into the
// file. Cache keeps the latest snapshot on disk, so that a city's
// terminals share one, and makes a new one when it grows old.
package snapshot

import (
	"compress/gzip"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/balie/balie"
	"github.com/balie/balie/ledger"
	_ "modernc.org/sqlite"
)

// Writer is an engine that writes a snapshot of its directory itself.
type Writer interface {
	// WriteSnapshot writes a new snapshot file at path (which does not
	// exist) and returns the cursor it reflects.
	WriteSnapshot(ctx context.Context, path string) (cursor int64, err error)
}

// Create makes an empty snapshot file at path, for a writer to fill. The
// file is a build's alone: no journal, no sync; it is renamed into place
// when complete.
func Create(ctx context.Context, path string) (*sql.DB, error) {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(OFF)&_pragma=synchronous(OFF)&_pragma=cache_size(-65536)")
	if err != nil {
		return nil, fmt.Errorf("create snapshot: %w", err)
	}
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, balie.SnapshotSchema); err != nil {
		db.Close()
		return nil, fmt.Errorf("create snapshot: %w", err)
	}
	return db, nil
}

// Seal makes the snapshot's indexes, once its rows are in, and writes its
// own rows: its format, its cursor and when it was made.
func Seal(ctx context.Context, q interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}, cursor int64, at time.Time) error {
	if _, err := q.ExecContext(ctx, balie.SnapshotIndexes); err != nil {
		return fmt.Errorf("seal snapshot: %w", err)
	}
	_, err := q.ExecContext(ctx, `INSERT INTO snapshot(key, value) VALUES ('format', ?), ('cursor', ?), ('created', ?)`,
		balie.SnapshotFormat, strconv.FormatInt(cursor, 10), at.UTC().Format(time.RFC3339))
	if err != nil {
		return fmt.Errorf("seal snapshot: %w", err)
	}
	return nil
}

// Build writes a snapshot of the ledger in s at path, with the engine's
// own writer when it has one, and otherwise by replaying the change log
// up to its last seq, read in one read transaction.
func Build(ctx context.Context, s ledger.Store, path string) (int64, error) {
	if err := s.Flush(ctx); err != nil {
		return 0, fmt.Errorf("build snapshot: %w", err)
	}
	if w, ok := s.(Writer); ok {
		return w.WriteSnapshot(ctx, path)
	}
	db, err := Create(ctx, path)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var cursor int64
	err = s.Read(ctx, func(tx ledger.ReadTx) error {
		var err error
		if cursor, err = tx.LastChange(); err != nil {
			return err
		}
		b, err := newBuilder(ctx, db)
		if err != nil {
			return err
		}
		var applyErr error
		// Every terminal's changes only: a child goes to its own desks,
		// from the log (Cache.Relog).
		err = tx.ChangesFor(0, math.MaxInt32, []string{""}, func(seq int64, kind, key []byte, deleted bool, data []byte) {
			if applyErr == nil && !deleted {
				applyErr = b.add(seq, string(kind), string(key), data)
			}
		})
		if err == nil {
			err = applyErr
		}
		if err == nil {
			err = b.finish(cursor)
		}
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("build snapshot: %w", err)
	}
	return cursor, nil
}

// builder replays the change log into a snapshot: the directory's
// holders, cards and memberships as rows, everything else as changes. A
// change replaces an earlier one of the same entity, so the later seq of
// a holder's details and of their balance wins.
type builder struct {
	ctx context.Context
	tx  *sql.Tx
	st  map[string]*sql.Stmt
}

func newBuilder(ctx context.Context, db *sql.DB) (*builder, error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, `CREATE TEMP TABLE holder_seq (id TEXT PRIMARY KEY, seq INTEGER NOT NULL) WITHOUT ROWID;
		CREATE TEMP TABLE balances (id TEXT PRIMARY KEY, seq INTEGER NOT NULL, points INTEGER NOT NULL) WITHOUT ROWID`); err != nil {
		tx.Rollback()
		return nil, err
	}
	return &builder{ctx: ctx, tx: tx, st: map[string]*sql.Stmt{}}, nil
}

func (b *builder) exec(q string, args ...any) error {
	st, ok := b.st[q]
	if !ok {
		var err error
		if st, err = b.tx.PrepareContext(b.ctx, q); err != nil {
			return err
		}
		b.st[q] = st
	}
	_, err := st.ExecContext(b.ctx, args...)
	return err
}

func date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(balie.Brussels()).Format("2006-01-02")
}

func (b *builder) add(seq int64, kind, key string, data []byte) error {
	switch kind {
	case balie.ChangeHolder:
		var h balie.Holder
		if err := json.Unmarshal(data, &h); err != nil {
			return fmt.Errorf("holder %s: %w", key, err)
		}
		if err := b.exec(`INSERT OR REPLACE INTO holder_seq(id, seq) VALUES (?, ?)`, h.ID, seq); err != nil {
			return err
		}
		return b.exec(`INSERT OR REPLACE INTO holders VALUES (?,?,?,?,?,?,?,?,?,?)`, h.ID, h.FirstName, h.LastName, date(h.BirthDate),
			h.PostalCode, strings.Join(h.CardSystems, ","), string(h.SocialTariff.State), date(h.SocialTariff.EndDate), date(h.SocialTariff.GraceEnd), h.Points)
	case balie.ChangeBalance:
		var bal balie.Balance
		if err := json.Unmarshal(data, &bal); err != nil {
			return fmt.Errorf("balance %s: %w", key, err)
		}
		return b.exec(`INSERT OR REPLACE INTO balances(id, seq, points) VALUES (?,?,?)`, bal.HolderID, seq, bal.Points)
	case balie.ChangeCard:
		var c balie.Card
		if err := json.Unmarshal(data, &c); err != nil {
			return fmt.Errorf("card %s: %w", key, err)
		}
		return b.exec(`INSERT OR REPLACE INTO cards VALUES (?,?,?,?,?,?)`, string(c.Number), string(c.ChipUID), string(c.Status), c.CardSystem, c.HolderID, c.StockDesk)
	case balie.ChangeMembership:
		var m balie.Membership
		if err := json.Unmarshal(data, &m); err != nil {
			return fmt.Errorf("membership %s: %w", key, err)
		}
		return b.exec(`INSERT INTO memberships(holder_id, program_id, start, end) VALUES (?,?,?,?)`, m.HolderID, m.ProgramID, date(m.Start), date(m.End))
	}
	return b.exec(`INSERT INTO changes(seq, kind, key, data) VALUES (?,?,?,?)`, seq, kind, key, data)
}

func (b *builder) finish(cursor int64) error {
	defer func() {
		for _, st := range b.st {
			st.Close()
		}
	}()
	// A balance served after the holder's details is the holder's
	// balance; one served before, the details carry a newer one.
	if _, err := b.tx.ExecContext(b.ctx, `UPDATE holders SET points = b.points FROM balances b JOIN holder_seq s ON s.id = b.id
		WHERE holders.id = b.id AND b.seq > s.seq`); err != nil {
		b.tx.Rollback()
		return err
	}
	if err := Seal(b.ctx, b.tx, cursor, time.Now()); err != nil {
		b.tx.Rollback()
		return err
	}
	return b.tx.Commit()
}

// Cache keeps the latest snapshot of a ledger in a folder, with a gzip of
// it beside, and makes a new one when asked for one older than MaxAge.
// One build runs at a time; who asks during a build waits for it.
type Cache struct {
	Dir    string
	Store  ledger.Store
	MaxAge time.Duration // one hour when zero
	Log    *slog.Logger
	// Relog logs the changes with an audience (which a snapshot never
	// holds) again after a new snapshot's cursor, before the snapshot is
	// served, so that a terminal starting from it finds them in the log
	// after its cursor. Nil when the ledger has none to log.
	Relog func(ctx context.Context, upTo int64) error

	mu      sync.Mutex // guards the fields below and one build at a time
	current *File
}

// File is a snapshot on disk.
type File struct {
	Path    string // the SQLite file
	Gzip    string // the same, compressed
	Cursor  int64
	Created time.Time
}

// Get returns a snapshot no older than MaxAge, building one when needed.
func (c *Cache) Get(ctx context.Context) (*File, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	maxAge := c.MaxAge
	if maxAge <= 0 {
		maxAge = time.Hour
	}
	if c.current != nil && time.Since(c.current.Created) < maxAge {
		return c.current, nil
	}
	if err := os.MkdirAll(c.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("snapshot folder: %w", err)
	}
	start := time.Now()
	name := filepath.Join(c.Dir, "snapshot-"+strconv.FormatInt(start.UnixNano(), 10))
	cursor, err := Build(ctx, c.Store, name+".db.tmp")
	if err != nil {
		os.Remove(name + ".db.tmp")
		return nil, err
	}
	if c.Relog != nil {
		if err := c.Relog(ctx, cursor); err != nil {
			os.Remove(name + ".db.tmp")
			return nil, err
		}
	}
	if err := os.Rename(name+".db.tmp", name+".db"); err != nil {
		return nil, fmt.Errorf("snapshot: %w", err)
	}
	if err := compress(name+".db", name+".db.gz"); err != nil {
		os.Remove(name + ".db")
		return nil, err
	}
	old := c.current
	c.current = &File{Path: name + ".db", Gzip: name + ".db.gz", Cursor: cursor, Created: start}
	if old != nil {
		// A download of the old one may be under way; on Unix its open
		// file stays readable after the name goes.
		os.Remove(old.Path)
		os.Remove(old.Gzip)
	}
	if c.Log != nil {
		c.Log.Info("snapshot made", "cursor", cursor, "took", time.Since(start).Round(time.Millisecond))
	}
	return c.current, nil
}

// Close removes the snapshot files.
func (c *Cache) Close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.current != nil {
		os.Remove(c.current.Path)
		os.Remove(c.current.Gzip)
		c.current = nil
	}
}

// compress writes a gzip of src at dst: a snapshot is mostly text and
// shrinks several times, which is what a desk on a city network waits
// for.
func compress(src, dst string) (err error) {
	in, err := os.Open(src)
	if err != nil {
		return fmt.Errorf("compress snapshot: %w", err)
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return fmt.Errorf("compress snapshot: %w", err)
	}
	defer func() {
		if cerr := out.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("compress snapshot: %w", cerr)
		}
		if err != nil {
			os.Remove(dst)
		}
	}()
	zw, err := gzip.NewWriterLevel(out, gzip.BestSpeed)
	if err != nil {
		return err
	}
	if _, err := io.Copy(zw, in); err != nil {
		return fmt.Errorf("compress snapshot: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("compress snapshot: %w", err)
	}
	return nil
}

// Package postgres is the ledger's PostgreSQL engine, through pgx: any
// number of ledger processes on one database, correct together.
//
// It writes through, with row locks, where the SQLite engine groups
// commits and keeps balances in memory: every upload is one READ
// COMMITTED transaction that locks what it decides on (its terminal, then
// the holders, cards and rewards its acts name, in the order the core
// asks for them), takes its ingest numbers after the locks, and writes
// its effects in bulk, one pipelined round trip. Two uploads that meet on
// a holder are decided one after the other, whichever processes received
// them; uploads that do not meet run side by side.
//
// The change log stays gap-free across processes: every transaction that
// writes changes writes its rows first, then, as its last step, takes a
// range of seqs for them under one counter row's lock, so such commits
// are ordered by seq and a download by cursor never skips a change
// committed after it read; the lock is held for two one-row statements
// and the commit.
//
// docs/postgres.md says how to run it and where the SQL leaves what
// CockroachDB and YugabyteDB accept.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/balie/balie"
	"github.com/balie/balie/ledger"
	balisync "github.com/balie/balie/sync"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Options tune Open. The zero value is what a serving ledger runs with.
type Options struct {
	Logger *slog.Logger // discards when nil
	// ReadOnly opens for the read-only commands: every connection is
	// read-only, nothing is written, not even a migration; a schema that
	// is not this version's is refused.
	ReadOnly bool
}

// Store is a ledger in a PostgreSQL database.
type Store struct {
	pool     *pgxpool.Pool
	log      *slog.Logger
	readOnly bool
}

var _ ledger.Store = (*Store)(nil)

// ingestBlock is how many ingest numbers one value of the ingest_blocks
// sequence stands for: its INCREMENT, at least the largest upload.
const ingestBlock = 1000

var _ = [1]struct{}{}[ingestBlock-balisync.MaxBatch] // fails to compile when a batch may outgrow a block

// attempts is how often a transaction is tried when PostgreSQL says a
// concurrent one got in the way (a deadlock, a serialization failure).
const attempts = 6

// lockTimeout bounds a wait for a row another process holds: an upload
// answers "busy" (and the terminal retries) rather than hang.
const lockTimeout = "10s"

// Open connects to the database url names (a postgres:// URL; pgx's
// pool_max_conns and the other pool settings may be in it), checks its
// schema and, unless read-only, brings it up to date.
func Open(ctx context.Context, url string, opts Options) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("open ledger: %w", err)
	}
	params := cfg.ConnConfig.RuntimeParams
	if params["application_name"] == "" {
		params["application_name"] = "balie-ledger"
	}
	if params["lock_timeout"] == "" {
		params["lock_timeout"] = lockTimeout
	}
	if opts.ReadOnly {
		// The database refuses a write too, whatever the code does.
		params["default_transaction_read_only"] = "on"
	}
	s := &Store{log: opts.Logger, readOnly: opts.ReadOnly}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.pool, err = pgxpool.NewWithConfig(ctx, cfg); err != nil {
		return nil, fmt.Errorf("open ledger: %w", err)
	}
	if err := s.pool.Ping(ctx); err != nil {
		s.pool.Close()
		if pgCode(err) == codeNoDatabase {
			return nil, fmt.Errorf("open ledger: the database %q does not exist on %s: make it first (createdb --locale=C --template=template0 %[1]s), then run 'ledger init --db URL'",
				cfg.ConnConfig.Database, cfg.ConnConfig.Host)
		}
		return nil, classify("open ledger", err)
	}
	if opts.ReadOnly {
		err = s.checkSchema(ctx)
	} else if err = s.migrate(ctx); err == nil {
		err = s.fillSearchKeys(ctx)
	}
	if err != nil {
		s.pool.Close()
		return nil, err
	}
	return s, nil
}

// Engine names the engine.
func (s *Store) Engine() string { return "postgres" }

// Close closes the connections, waiting for those in use.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// Flush has nothing to do: every balance is in the change log when its
// upload commits.
func (s *Store) Flush(context.Context) error { return nil }

// Read runs fn in a REPEATABLE READ READ ONLY transaction: one snapshot
// for every read fn makes.
func (s *Store) Read(ctx context.Context, fn func(ledger.ReadTx) error) error {
	return s.run(ctx, "read", pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		return fn(&reader{ctx: ctx, q: tx})
	})
}

// Write runs fn in a READ COMMITTED transaction; the rows fn writes are
// sent in bulk when fn reads them back or at commit.
func (s *Store) Write(ctx context.Context, fn func(ledger.WriteTx) error) error {
	if s.readOnly {
		return ledger.ErrReadOnly
	}
	return s.run(ctx, "write", pgx.TxOptions{IsoLevel: pgx.ReadCommitted}, func(tx pgx.Tx) error {
		w := newWriteTx(ctx, tx)
		if err := fn(w); err != nil {
			return err
		}
		return w.commit()
	})
}

// Batch runs one upload in a READ COMMITTED transaction with row locks.
func (s *Store) Batch(ctx context.Context, terminal string, fn func(ledger.BatchTx) (*ledger.Effects, error)) error {
	if s.readOnly {
		return ledger.ErrReadOnly
	}
	return s.run(ctx, "store batch", pgx.TxOptions{IsoLevel: pgx.ReadCommitted}, func(tx pgx.Tx) error {
		b := &batchTx{ctx: ctx, tx: tx}
		eff, err := fn(b)
		if err != nil {
			return err
		}
		return b.apply(eff)
	})
}

// run runs fn in a transaction and commits, trying again when
// PostgreSQL says a concurrent transaction got in the way.
func (s *Store) run(ctx context.Context, op string, opts pgx.TxOptions, fn func(pgx.Tx) error) error {
	for attempt := 1; ; attempt++ {
		err := s.once(ctx, opts, fn)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if !retryable(err) || attempt == attempts {
			return classify(op, err)
		}
		s.log.Debug("transaction tried again", "op", op, "attempt", attempt, "err", err)
		// A short random wait lets the transaction that won finish
		// before this one takes its locks again.
		wait := time.Duration(1+rand.IntN(1<<attempt)) * time.Millisecond
		select {
		case <-time.After(wait):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (s *Store) once(ctx context.Context, opts pgx.TxOptions, fn func(pgx.Tx) error) error {
	tx, err := s.pool.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// PostgreSQL's error codes the engine acts on.
const (
	codeSerialization   = "40001"
	codeDeadlock        = "40P01"
	codeUnique          = "23505"
	codeLockTimeout     = "55P03" // lock_not_available: lock_timeout passed
	codeQueryCanceled   = "57014" // statement_timeout passed
	codeTooMany         = "53300" // too_many_connections
	codeCannotConnect   = "57P03" // the server is starting or stopping
	codeDuplicateTable  = "42P07"
	codeDuplicateObject = "42710" // the table's row type, in the same race
	codeReadOnlyTx      = "25006"
	codeNoDatabase      = "3D000" // invalid_catalog_name
)

func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// retryable reports whether err says a concurrent transaction got in the
// way, so that the same work may succeed when tried again. A unique
// violation is one too: two uploads creating the same holder at once, the
// loser sees the winner's row the next time. (A conflict on the events,
// an id another terminal's event has, is ErrIDTaken by then, never
// retried.)
func retryable(err error) bool {
	switch pgCode(err) {
	case codeSerialization, codeDeadlock, codeUnique:
		return true
	}
	return false
}

// classify wraps a database error with op, and says ErrBusy where the
// database could not be had in time. The core's own errors (a refusal,
// ErrIDTaken, a domain error) pass as they are.
func classify(op string, err error) error {
	if err == nil {
		return nil
	}
	var refusal *ledger.Refusal
	var domain *balie.Error
	if errors.As(err, &refusal) || errors.As(err, &domain) || errors.Is(err, ledger.ErrIDTaken) || errors.Is(err, ledger.ErrReadOnly) {
		return err
	}
	switch pgCode(err) {
	case codeLockTimeout, codeQueryCanceled, codeTooMany, codeCannotConnect:
		return fmt.Errorf("%s: %w: %w", op, ledger.ErrBusy, err)
	case codeReadOnlyTx:
		return fmt.Errorf("%s: %w: %w", op, ledger.ErrReadOnly, err)
	}
	if pgconn.Timeout(err) {
		return fmt.Errorf("%s: %w: %w", op, ledger.ErrBusy, err)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// Package engine opens a ledger's storage by its address: a file path is
// the embedded SQLite engine, a postgres:// or postgresql:// URL the
// PostgreSQL engine. It is the one place that knows both.
package engine

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/balie/balie/ledger"
	"github.com/balie/balie/ledger/postgres"
	"github.com/balie/balie/ledger/sqlite"
)

// Options tune Open for either engine.
type Options struct {
	Logger *slog.Logger
	// ReadOnly opens for the read-only commands: nothing is written,
	// not even a migration.
	ReadOnly bool
	// QuickOpen skips SQLite's check of every page at open.
	QuickOpen bool
	// FlushInterval is SQLite's fold interval (see sqlite.Options).
	FlushInterval time.Duration
}

// IsPostgres reports whether db names a PostgreSQL database.
func IsPostgres(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}

// Open opens the storage db names.
func Open(ctx context.Context, db string, opts Options) (ledger.Store, error) {
	// Each engine's *Store is returned only without an error, so that a
	// failed open is a nil ledger.Store, not one holding a nil pointer.
	if IsPostgres(db) {
		s, err := postgres.Open(ctx, db, postgres.Options{Logger: opts.Logger, ReadOnly: opts.ReadOnly})
		if err != nil {
			return nil, err
		}
		return s, nil
	}
	s, err := sqlite.Open(ctx, db, sqlite.Options{Logger: opts.Logger, ReadOnly: opts.ReadOnly, QuickOpen: opts.QuickOpen, FlushInterval: opts.FlushInterval})
	if err != nil {
		return nil, err
	}
	return s, nil
}

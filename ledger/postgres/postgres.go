// Package postgres is the ledger's PostgreSQL engine (in progress).
package postgres

import (
	"context"
	"errors"
	"log/slog"

	"github.com/balie/balie/ledger"
)

// Options tune Open.
type Options struct {
	Logger   *slog.Logger
	ReadOnly bool
}

// Open is not there yet.
func Open(ctx context.Context, url string, opts Options) (ledger.Store, error) {
	return nil, errors.New("postgres: not built yet")
}

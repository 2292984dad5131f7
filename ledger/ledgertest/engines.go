package ledgertest

import (
	"path/filepath"
	"testing"

	"github.com/balie/balie/internal/pgtest"
)

// Engine is a storage engine the tests of another package run on, in the
// manner of the conformance suite: the same test, once per engine.
type Engine struct {
	Name string // "sqlite" or "postgres"
	// DB makes an empty database for the test, removed when it ends: a
	// file in a temporary folder, or a database on the test binary's
	// PostgreSQL cluster. It goes in Options.DB.
	DB func(t testing.TB) string
}

// Engines are SQLite and PostgreSQL, the latter on pg, the test binary's
// cluster (see internal/pgtest: without the server installed its tests
// fail, or skip when BALIE_SKIP_POSTGRES=1).
func Engines(pg *pgtest.Cluster) []Engine {
	return []Engine{
		{Name: "sqlite", DB: func(t testing.TB) string { return filepath.Join(t.TempDir(), "ledger.db") }},
		{Name: "postgres", DB: pg.NewDatabase},
	}
}

// EachEngine runs fn as a subtest per engine, named after it.
func EachEngine(t *testing.T, pg *pgtest.Cluster, fn func(t *testing.T, e Engine)) {
	t.Helper()
	for _, e := range Engines(pg) {
		t.Run(e.Name, func(t *testing.T) { fn(t, e) })
	}
}

package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/balie/balie/ledger"
	"github.com/balie/balie/ledger/sqlite"
	"github.com/balie/balie/ledger/storetest"
)

// engine is the SQLite engine for the conformance suite; the fold runs
// only when the suite or a download asks, so that the write-behind is
// exercised.
func engine() storetest.Engine {
	return storetest.Engine{
		Name: "sqlite",
		New:  func(t testing.TB) string { return filepath.Join(t.TempDir(), "ledger.db") },
		Open: func(t testing.TB, path string, readOnly bool) ledger.Store {
			t.Helper()
			s, err := sqlite.Open(context.Background(), path, sqlite.Options{ReadOnly: readOnly, FlushInterval: -1, QuickOpen: true})
			if err != nil {
				t.Fatalf("open %s: %v", path, err)
			}
			return s
		},
	}
}

func TestConformance(t *testing.T) { storetest.Exercise(t, engine()) }

func TestConformance_office(t *testing.T) { storetest.ExerciseOffice(t, engine()) }

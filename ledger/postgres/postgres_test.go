package postgres_test

import (
	"context"
	"os"
	"testing"

	"github.com/balie/balie/internal/pgtest"
	"github.com/balie/balie/ledger"
	"github.com/balie/balie/ledger/postgres"
	"github.com/balie/balie/ledger/storetest"
)

// pg is this test binary's throwaway cluster.
var pg = pgtest.New(pgtest.Options{})

func TestMain(m *testing.M) { os.Exit(pg.Main(m)) }

// engine is the PostgreSQL engine for the conformance suite: a fresh
// database per test.
func engine() storetest.Engine {
	return storetest.Engine{
		Name: "postgres",
		New:  func(t testing.TB) string { return pg.NewDatabase(t) },
		Open: func(t testing.TB, url string, readOnly bool) ledger.Store {
			t.Helper()
			s, err := postgres.Open(context.Background(), url, postgres.Options{ReadOnly: readOnly})
			if err != nil {
				t.Fatalf("open %s: %v", url, err)
			}
			return s
		},
	}
}

func TestConformance(t *testing.T) { storetest.Exercise(t, engine()) }

func TestConformance_office(t *testing.T) { storetest.ExerciseOffice(t, engine()) }

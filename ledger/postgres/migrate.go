package postgres

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

//go:embed migrations/*.sql
var migrations embed.FS

// migration is one numbered file of migrations/.
type migration struct {
	version int
	name    string
	sql     string
}

// loadMigrations reads migrations/, in order; the files are numbered in
// increasing order, and a number may be missing (two branches of work
// each took one): every migration a database has not had is applied, in
// order, so the gap closes when the missing one comes.
func loadMigrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || len(num) != 4 || v < 1 || len(out) > 0 && v <= out[len(out)-1].version {
			return nil, fmt.Errorf("migration %s: out of order", e.Name())
		}
		b, err := migrations.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: e.Name(), sql: string(b)})
	}
	return out, nil
}

// The schema's own table: one row per migration applied, and row 0,
// which a process migrating holds locked, so that two processes starting
// together apply each migration once.
const schemaTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
	version integer PRIMARY KEY,
	name    text NOT NULL,
	applied text NOT NULL
)`

// ledgerTables are tables of the schema: a database that has one of them
// but no schema_migrations is someone else's, and is refused.
var ledgerTables = []string{"meta", "terminals", "events", "holders", "cards", "changes"}

// migrate brings the schema up to date, under the lock of row 0.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := loadMigrations()
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	known, err := s.hasTable(ctx, "schema_migrations")
	if err != nil {
		return err
	}
	if !known {
		if err := s.refuseForeign(ctx); err != nil {
			return err
		}
		// Two processes creating the table at once: the loser's CREATE
		// fails on PostgreSQL's catalogue (on the table, or on its row
		// type), and the table is there the next time.
		for try := 0; ; try++ {
			_, err := s.pool.Exec(ctx, schemaTable)
			if err == nil {
				break
			}
			if c := pgCode(err); try < 3 && (c == codeUnique || c == codeDuplicateTable || c == codeDuplicateObject) {
				continue
			}
			return classify("migrate", err)
		}
	}
	if _, err := s.pool.Exec(ctx, `INSERT INTO schema_migrations (version, name, applied) VALUES (0, 'lock', '') ON CONFLICT (version) DO NOTHING`); err != nil {
		return classify("migrate", err)
	}
	return s.run(ctx, "migrate", pgx.TxOptions{IsoLevel: pgx.ReadCommitted}, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT version FROM schema_migrations WHERE version = 0 FOR UPDATE`); err != nil {
			return err
		}
		applied, err := appliedMigrations(ctx, tx)
		if err != nil {
			return err
		}
		if have, newest := maxApplied(applied), ms[len(ms)-1].version; have > newest {
			return newerSchema(have, newest)
		}
		for _, m := range ms {
			if applied[m.version] {
				continue
			}
			// Without arguments pgx sends the simple protocol, which takes
			// a file of several statements.
			if _, err := tx.Exec(ctx, m.sql); err != nil {
				return fmt.Errorf("migration %s: %w", m.name, err)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name, applied) VALUES ($1, $2, $3)`,
				m.version, m.name, time.Now().UTC().Format(time.RFC3339)); err != nil {
				return err
			}
			s.log.Info("schema migrated", "migration", m.name)
		}
		return nil
	})
}

// checkSchema refuses, for a read-only open, a database whose schema is
// not this version's: migrating is a write.
func (s *Store) checkSchema(ctx context.Context) error {
	ms, err := loadMigrations()
	if err != nil {
		return fmt.Errorf("check schema: %w", err)
	}
	known, err := s.hasTable(ctx, "schema_migrations")
	if err != nil {
		return err
	}
	applied := map[int]bool{}
	if known {
		if applied, err = appliedMigrations(ctx, s.pool); err != nil {
			return classify("check schema", err)
		}
	}
	have, newest := maxApplied(applied), ms[len(ms)-1].version
	missing := 0
	for _, m := range ms {
		if !applied[m.version] {
			missing++
		}
	}
	switch {
	case have > newest:
		return newerSchema(have, newest)
	case have == 0:
		return fmt.Errorf("open ledger: the database holds no Balie ledger: run 'ledger init --db URL' on it first")
	case missing > 0:
		return fmt.Errorf("open ledger: the database has schema %d and this version %d: start 'ledger serve' or run 'ledger init' on it once to bring it up to date", have, newest)
	}
	return nil
}

// appliedMigrations reads which migrations the database has had.
func appliedMigrations(ctx context.Context, q interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}) (map[int]bool, error) {
	rows, err := q.Query(ctx, `SELECT version FROM schema_migrations WHERE version > 0`)
	if err != nil {
		return nil, err
	}
	vs, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil {
		return nil, err
	}
	out := map[int]bool{}
	for _, v := range vs {
		out[int(v)] = true
	}
	return out, nil
}

func maxApplied(applied map[int]bool) int {
	n := 0
	for v := range applied {
		n = max(n, v)
	}
	return n
}

func newerSchema(have, want int) error {
	return fmt.Errorf("open ledger: the database has schema %d, newer than this version's %d: run a newer ledger", have, want)
}

// hasTable reports whether the connection's schema has table name.
func (s *Store) hasTable(ctx context.Context, name string) (bool, error) {
	var n int
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = $1`, name).Scan(&n)
	return n > 0, classify("check schema", err)
}

// refuseForeign refuses a database with tables of the schema's names
// that no migration of this engine made.
func (s *Store) refuseForeign(ctx context.Context) error {
	var found []string
	rows, err := s.pool.Query(ctx, `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = ANY($1) ORDER BY table_name`, ledgerTables)
	if err != nil {
		return classify("check schema", err)
	}
	found, err = pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return classify("check schema", err)
	}
	if len(found) > 0 {
		return fmt.Errorf("open ledger: the database has tables (%s) but no Balie schema: it is not a Balie ledger; name an empty database", strings.Join(found, ", "))
	}
	return nil
}

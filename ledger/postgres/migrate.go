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

// loadMigrations reads migrations/, in order; the files are numbered 1,
// 2, ... without gaps.
func loadMigrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrations, "migrations")
	if err != nil {
		return nil, err
	}
	var out []migration
	for i, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v != i+1 {
			return nil, fmt.Errorf("migration %s: want number %04d", e.Name(), i+1)
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
		var have int
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&have); err != nil {
			return err
		}
		if have > len(ms) {
			return newerSchema(have, len(ms))
		}
		for _, m := range ms[have:] {
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
	have := 0
	if known {
		if err := s.pool.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&have); err != nil {
			return classify("check schema", err)
		}
	}
	switch {
	case have > len(ms):
		return newerSchema(have, len(ms))
	case have == 0:
		return fmt.Errorf("open ledger: the database holds no Balie ledger: run 'ledger init --db URL' on it first")
	case have < len(ms):
		return fmt.Errorf("open ledger: the database has schema %d and this version %d: start 'ledger serve' or run 'ledger init' on it once to bring it up to date", have, len(ms))
	}
	return nil
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

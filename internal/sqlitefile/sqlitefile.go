// Package sqlitefile opens the project's SQLite files with care: it
// refuses a file that is not SQLite, another program's database, a
// damaged file or one made by a newer version, with a sentence a person
// can act on, before anything could change the file; and it brings the
// schema up to date from embedded, numbered migrations. The terminal's
// store and the ledger are two kinds of such file.
package sqlitefile

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/balie/balie"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Kind is a kind of database file.
type Kind struct {
	AppID      int    // PRAGMA application_id: marks the file as this kind's
	NL, EN     string // what people call it: "Balie-database", "Balie database"
	Migrations fs.FS  // holds migrations/0001_*.sql, 0002_*.sql, ... in increasing numbers
}

// Check refuses a file at path that exists but is not SQLite, or is
// another program's database, through a read-only connection: the
// pragmas an opener sets (WAL above all) would otherwise change a file
// that is not ours before we could look at it. A missing or empty file
// passes: SQLite makes a database of it.
func (k Kind) Check(ctx context.Context, path string) error {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("open %s: %w", k.EN, err)
	}
	head := make([]byte, 16)
	n, err := io.ReadFull(f, head)
	f.Close()
	if n == 0 && (err == io.EOF || err == nil) {
		return nil
	}
	if !bytes.Equal(head[:n], []byte("SQLite format 3\x00")) {
		return k.Foreign(path)
	}
	ro, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		return fmt.Errorf("open %s: %w", k.EN, err)
	}
	defer ro.Close()
	var appID, tables int
	if err := ro.QueryRowContext(ctx, "PRAGMA application_id").Scan(&appID); err != nil {
		return k.Classify(path, "read application id", err)
	}
	if err := ro.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema").Scan(&tables); err != nil {
		return k.Classify(path, "read schema", err)
	}
	if appID != k.AppID && (appID != 0 || tables > 0) {
		return k.Foreign(path)
	}
	return nil
}

// Foreign is the refusal of a file that is not of this kind.
func (k Kind) Foreign(path string) error {
	return balie.Errorf(balie.CodeStorageForeign,
		"Het bestand %[1]s is geen %[2]s. Kies het juiste bestand; dit bestand is niet gewijzigd.",
		"The file %[1]s is not a %[3]s. Choose the right file; this one was not changed.", path, k.NL, k.EN)
}

// Corrupt is the refusal of a damaged file.
func (k Kind) Corrupt(path, detail string) error {
	return balie.Errorf(balie.CodeStorageCorrupt,
		"De %[2]s %[1]s is beschadigd (%[3]s). Er is niets gewijzigd; herstel een reservekopie of vraag hulp.",
		"The %[2]s %[1]s is damaged (%[3]s). Nothing was changed; restore a backup or ask for help.", path, k.NL, detail, k.EN)
}

// Prepare brings the database db at path to the newest schema, after a
// quick check of every page when integrity is set and the file has a
// schema already. A file from a newer version is refused, never touched.
func (k Kind) Prepare(ctx context.Context, db *sql.DB, path string, integrity bool, log *slog.Logger) error {
	var version int
	if err := db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		return k.Classify(path, "read schema version", err)
	}
	files, err := k.migrationFiles()
	if err != nil {
		return err
	}
	newest := 0
	if len(files) > 0 {
		newest = files[len(files)-1].version
	}
	if version > newest {
		return balie.Errorf(balie.CodeStorageNewer,
			"De %[4]s %[1]s is gemaakt door een nieuwere versie (schema %[2]d, deze versie kent %[3]d). Installeer de nieuwste versie.",
			"The %[5]s %[1]s was made by a newer version (schema %[2]d, this version knows %[3]d). Install the newest version.", path, version, newest, k.NL, k.EN)
	}
	if integrity && version > 0 {
		if err := k.Verify(ctx, db, path, false); err != nil {
			return err
		}
	}
	for _, f := range files {
		if f.version <= version {
			continue
		}
		if err := k.migrate(ctx, db, path, f.version, f.name); err != nil {
			return err
		}
		log.Info(k.EN+" migrated", "path", path, "version", f.version)
	}
	return nil
}

// Newest is the schema version the newest migration brings a file to.
func (k Kind) Newest() (int, error) {
	files, err := k.migrationFiles()
	if err != nil || len(files) == 0 {
		return 0, err
	}
	return files[len(files)-1].version, nil
}

// Verify runs SQLite's check of every page and index entry: the quick
// one, or with full the complete one an operator asks for. It reads the
// whole file.
func (k Kind) Verify(ctx context.Context, db *sql.DB, path string, full bool) error {
	pragma := "PRAGMA quick_check(5)"
	if full {
		pragma = "PRAGMA integrity_check(20)"
	}
	rows, err := db.QueryContext(ctx, pragma)
	if err != nil {
		return k.Classify(path, "integrity check", err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return k.Classify(path, "integrity check", err)
		}
		if s != "ok" {
			problems = append(problems, s)
		}
	}
	if err := rows.Err(); err != nil {
		return k.Classify(path, "integrity check", err)
	}
	if len(problems) > 0 {
		return k.Corrupt(path, strings.Join(problems, "; "))
	}
	return nil
}

// migrationFile is one numbered file of migrations/.
type migrationFile struct {
	version int
	name    string
}

// migrationFiles lists the migrations in order. The number of a file is
// the schema version it brings the database to; numbers increase, and a
// number may be missing (two branches of work each took one, and the
// gap closes when they meet): a database is brought to each number above
// its own in turn.
func (k Kind) migrationFiles() ([]migrationFile, error) {
	names, err := fs.Glob(k.Migrations, "migrations/*.sql")
	if err != nil {
		return nil, fmt.Errorf("list migrations: %w", err)
	}
	sort.Strings(names)
	var out []migrationFile
	for _, n := range names {
		num, _, ok := strings.Cut(strings.TrimPrefix(n, "migrations/"), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || len(num) != 4 || v < 1 || len(out) > 0 && v <= out[len(out)-1].version {
			return nil, fmt.Errorf("list migrations: %s out of order", n)
		}
		out = append(out, migrationFile{version: v, name: n})
	}
	return out, nil
}

func (k Kind) migrate(ctx context.Context, db *sql.DB, path string, version int, name string) error {
	body, err := fs.ReadFile(k.Migrations, name)
	if err != nil {
		return fmt.Errorf("migrate %d: %w", version, err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return k.Classify(path, "migrate", err)
	}
	defer tx.Rollback()
	for _, stmt := range []string{string(body),
		"PRAGMA application_id = " + strconv.Itoa(k.AppID),
		"PRAGMA user_version = " + strconv.Itoa(version)} {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return k.Classify(path, "migrate "+name, err)
		}
	}
	return k.Classify(path, "migrate", tx.Commit())
}

// Classify turns SQLite's storage failures into domain errors a person
// can read (a full disk, a damaged file) and wraps the rest with op.
func (k Kind) Classify(path, op string, err error) error {
	if err == nil {
		return nil
	}
	if _, ok := balie.AsError(err); ok {
		return err
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_FULL:
			return fmt.Errorf("%s: %w", op, balie.Errorf(balie.CodeStorageFull,
				"De schijf is vol: deze handeling is NIET bewaard. Maak ruimte vrij en probeer opnieuw.",
				"The disk is full: this act was NOT saved. Free some space and try again."))
		case sqlite3.SQLITE_CORRUPT:
			return fmt.Errorf("%s: %w", op, k.Corrupt(path, se.Error()))
		case sqlite3.SQLITE_NOTADB:
			return fmt.Errorf("%s: %w", op, k.Foreign(path))
		}
	}
	return fmt.Errorf("%s: %w", op, err)
}

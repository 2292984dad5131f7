package main

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/balie/balie/demo"
	"github.com/balie/balie/internal/pgtest"
	balisync "github.com/balie/balie/sync"
)

// pg is this test binary's PostgreSQL cluster.
var pg = pgtest.New(pgtest.Options{})

func TestMain(m *testing.M) { os.Exit(pg.Main(m)) }

// TestRun_postgres: every command takes --db postgres://... and does on
// PostgreSQL what it does on a file; backup names PostgreSQL's own tool.
func TestRun_postgres(t *testing.T) {
	db := pg.NewDatabase(t)
	if code, out, errs := runCmd(t, "init", "--db", db); code != 0 || !strings.Contains(out, "ready") {
		t.Fatalf("init: %d %s %s", code, out, errs)
	}
	if code, out, errs := runCmd(t, "seed", "--db", db, "--demo", "--history=false", "--holders", "300", "--today", "2026-03-10"); code != 0 || !strings.Contains(out, "300 holders") {
		t.Fatalf("seed: %d %s %s", code, out, errs)
	}
	add := func(name string) (id, token string) {
		t.Helper()
		code, out, errs := runCmd(t, "terminal", "add", "--db", db, "--name", name, "--organiser", demo.OrgCulture, "--location", demo.BoxOfficeDesk)
		m := terminalLine.FindStringSubmatch(out)
		if code != 0 || m == nil {
			t.Fatalf("terminal add: %d %s %s", code, out, errs)
		}
		return m[1], m[2]
	}
	id, token := add("Kassa 1")
	gone, _ := add("Kassa 2")
	if code, _, errs := runCmd(t, "terminal", "revoke", "--db", db, gone); code != 0 {
		t.Errorf("revoke: %d %s", code, errs)
	}
	if code, out, _ := runCmd(t, "terminal", "list", "--db", db); code != 0 || !strings.Contains(out, id) || !strings.Contains(out, "REVOKED") {
		t.Errorf("terminal list: %d %s", code, out)
	}

	csv := fixCheckDigits(t, "id,first_name,last_name,birth_date,postal_code,card_number,card_system\nimp-1,Carla,De Smet,1990-07-14,2500,0950000000017,cs-lier\n", "0950000000017")
	path := filepath.Join(t.TempDir(), "holders.csv")
	os.WriteFile(path, []byte(csv), 0o600)
	if code, out, errs := runCmd(t, "import", "holders", "--db", db, path); code != 0 || !strings.Contains(out, "1 imported, 0 refused") {
		t.Errorf("import: %d %s %s", code, out, errs)
	}

	// serve, with one terminal's upload through it.
	e := serveOneUpload(t, db, id, token)

	code, out, errs := runCmd(t, "export", "--db", db)
	var got map[string]any
	if code != 0 || json.Unmarshal([]byte(strings.TrimSpace(out)), &got) != nil || got["id"] != e.ID || got["verdict"] != balisync.Accepted {
		t.Errorf("export: %d %s %s", code, out, errs)
	}
	if code, out, errs := runCmd(t, "verify", "--db", db); code != 0 || !strings.Contains(out, "chain intact") || !strings.Contains(out, "0 broken") {
		t.Errorf("verify: %d %s %s", code, out, errs)
	}

	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"backup", []string{"backup", "--db", db, "--to", filepath.Join(t.TempDir(), "copy.db")}, 2, "pg_dump"},
		{"seed twice", []string{"seed", "--db", db, "--demo", "--holders", "10"}, 1, "lege ledger"},
		{"a database that does not exist", []string{"terminal", "list", "--db", otherDB(t, db, "typo")}, 1, "does not exist"},
		{"a read-only command on an empty database", []string{"export", "--db", pg.NewDatabase(t)}, 1, "ledger init"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runCmd(t, tt.args...)
			if code != tt.code || !strings.Contains(out+errs, tt.want) {
				t.Errorf("got %d %q %q, want %d and %q", code, out, errs, tt.code, tt.want)
			}
		})
	}
}

// otherDB is db's URL with another database name.
func otherDB(t *testing.T, db, name string) string {
	t.Helper()
	u, err := url.Parse(db)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

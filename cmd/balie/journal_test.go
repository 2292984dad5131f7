package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/balie/balie"
	"github.com/balie/balie/store"
)

// recordSome makes a store with n confirmed check-ins.
func recordSome(t *testing.T, n int) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "balie.db")
	seedCrashStore(t, path)
	d, err := store.Open(context.Background(), path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	for i := 0; i < n; i++ {
		if _, err := d.CheckIn(context.Background(), crashStaff, "0900000095902", crashEvent); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

func TestRun_export(t *testing.T) {
	path := recordSome(t, 3)
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"export", "--db", path}, &out, &errb); code != exitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("export printed %d lines, want 3:\n%s", len(lines), out.String())
	}
	for i, line := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("line %d is not JSON: %v", i+1, err)
		}
		for _, k := range []string{"id", "terminal", "seq", "kind", "payload", "hash", "prev_hash", "time", "staff"} {
			if _, ok := m[k]; !ok {
				t.Errorf("line %d has no %q: %s", i+1, k, line)
			}
		}
		if m["seq"].(float64) != float64(i+1) || m["kind"] != string(balie.KindCheckin) {
			t.Errorf("line %d = seq %v kind %v, want seq %d CHECKIN", i+1, m["seq"], m["kind"], i+1)
		}
		// The payload is the act's JSON, readable as it is.
		if p, ok := m["payload"].(map[string]any); !ok || p["event"] != crashEvent {
			t.Errorf("line %d payload = %v, want a JSON object for %s", i+1, m["payload"], crashEvent)
		}
	}
}

func TestRun_verify(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name     string
		tamper   string // SQL run on the store behind the terminal's back
		wantCode int
		wantSay  string
	}{
		{"sound journal", "", exitOK, "5 events, hash chain and sequence intact"},
		{"payload altered", `UPDATE journal SET payload = replace(payload, '"points":1', '"points":9') WHERE seq = 3`, exitFail, "seq 3: hash"},
		{"event deleted", `DELETE FROM journal WHERE seq = 2`, exitFail, "seq 3: sequence gap, want seq 2"},
		{"last event deleted", `DELETE FROM journal WHERE seq = 5`, exitOK, "4 events"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := recordSome(t, 5)
			if c.tamper != "" {
				db, err := sql.Open("sqlite", path)
				if err != nil {
					t.Fatal(err)
				}
				for _, q := range []string{`DROP TRIGGER journal_append_only_update`, `DROP TRIGGER journal_append_only_delete`, `PRAGMA foreign_keys = OFF`, `DELETE FROM upload`, c.tamper} {
					if _, err := db.Exec(q); err != nil {
						t.Fatalf("%s: %v", q, err)
					}
				}
				db.Close()
			}
			var out, errb bytes.Buffer
			code := run(ctx, []string{"verify", "--db", path}, &out, &errb)
			if code != c.wantCode {
				t.Fatalf("exit %d, want %d: %s%s", code, c.wantCode, out.String(), errb.String())
			}
			if said := out.String() + errb.String(); !strings.Contains(said, c.wantSay) {
				t.Errorf("verify said %q, want it to say %q", said, c.wantSay)
			}
		})
	}
}

func TestRun_badFiles(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.txt")
	os.WriteFile(text, []byte("dit is geen database\n"), 0o600)
	cases := []struct {
		args    []string
		code    int
		wantSay string
	}{
		{[]string{"verify", "--db", filepath.Join(dir, "missing.db")}, exitFail, "bestaat niet"},
		{[]string{"export", "--db", filepath.Join(dir, "missing.db"), "--lang", "en"}, exitFail, "does not exist"},
		{[]string{"verify", "--db", text}, exitFail, "is geen Balie-database"},
		{[]string{"verify", "--nope"}, exitUsage, "flag provided but not defined"},
		{[]string{"--lang", "fr"}, exitUsage, "--lang must be nl or en"},
	}
	for _, c := range cases {
		t.Run(strings.Join(c.args, " "), func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(context.Background(), c.args, &out, &errb)
			if code != c.code || !strings.Contains(errb.String(), c.wantSay) {
				t.Errorf("exit %d, said %q; want exit %d saying %q", code, errb.String(), c.code, c.wantSay)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "missing.db")); err == nil {
		t.Errorf("an operator command created the missing store")
	}
}

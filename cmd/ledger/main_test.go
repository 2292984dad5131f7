package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/balie/balie"
	"github.com/balie/balie/demo"
	"github.com/balie/balie/ledger"
	"github.com/balie/balie/ledger/ledgertest"
	"github.com/balie/balie/ledger/sqlite"
	balisync "github.com/balie/balie/sync"
	"github.com/google/uuid"
)

// runCmd runs the program in-process.
func runCmd(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	code = run(ctx, args, &out, &errb)
	return code, out.String(), errb.String()
}

// seeded makes a ledger with a small demo city.
func seeded(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "ledger.db")
	if code, out, errs := runCmd(t, "init", "--db", db); code != 0 || !strings.Contains(out, "ready") {
		t.Fatalf("init: %d %s %s", code, out, errs)
	}
	code, out, errs := runCmd(t, "seed", "--db", db, "--demo", "--history=false", "--holders", "300", "--today", "2026-03-10")
	if code != 0 {
		t.Fatalf("seed: %d %s %s", code, out, errs)
	}
	if n := strings.Count(out, "seed: "); n != 10 {
		t.Errorf("seed printed %d progress lines, want 10:\n%s", n, out)
	}
	if !strings.Contains(out, "300 holders") {
		t.Errorf("seed summary: %s", out)
	}
	return db
}

var terminalLine = regexp.MustCompile(`terminal (\S+)\ntoken\s+(\S+)`)

func TestRun_terminals(t *testing.T) {
	db := seeded(t)
	code, out, errs := runCmd(t, "terminal", "add", "--db", db, "--name", "Kassa 1", "--organiser", demo.OrgCulture, "--location", demo.BoxOfficeDesk)
	if code != 0 {
		t.Fatalf("terminal add: %d %s %s", code, out, errs)
	}
	m := terminalLine.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("terminal add printed %q", out)
	}
	id, token := m[1], m[2]
	if _, err := uuid.Parse(id); err != nil || len(token) < 32 {
		t.Errorf("id %q token %q", id, token)
	}
	if code, out, _ := runCmd(t, "terminal", "list", "--db", db); code != 0 || !strings.Contains(out, id) || !strings.Contains(out, "ACTIVE") {
		t.Errorf("terminal list: %d %s", code, out)
	}
	if code, _, _ := runCmd(t, "terminal", "revoke", "--db", db, id); code != 0 {
		t.Errorf("revoke: %d", code)
	}
	if _, out, _ := runCmd(t, "terminal", "list", "--db", db); !strings.Contains(out, "REVOKED") {
		t.Errorf("after revoke: %s", out)
	}

	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"unknown organiser", []string{"terminal", "add", "--db", db, "--name", "X", "--organiser", "org-x", "--location", demo.BoxOfficeDesk}, 1, "org-x"},
		{"missing flags", []string{"terminal", "add", "--db", db, "--name", "X"}, 2, "required"},
		{"revoke unknown", []string{"terminal", "revoke", "--db", db, "nope"}, 1, "nope"},
		{"revoke without id", []string{"terminal", "revoke", "--db", db}, 2, "terminal's id"},
		{"no --db", []string{"terminal", "list"}, 2, "--db"},
		{"missing file", []string{"terminal", "list", "--db", filepath.Join(t.TempDir(), "typo.db")}, 1, "bestaat niet"},
		{"unknown command", []string{"frobnicate"}, 2, "unknown command"},
		{"seed twice", []string{"seed", "--db", db, "--demo", "--holders", "10"}, 1, "lege ledger"},
		{"seed without --demo", []string{"seed", "--db", db}, 2, "--demo"},
		{"bad language", []string{"export", "--db", db, "--lang", "fr"}, 2, "nl or en"},
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

func TestRun_importHolders(t *testing.T) {
	db := seeded(t)
	csv := strings.Join([]string{
		"id,first_name,last_name,birth_date,postal_code,card_number,card_system,social_state,social_end",
		"imp-1,An,Peeters,1980-04-01,2500,0900000095902,cs-lier",                            // Tom's card: refused
		"imp-2,Bart,Claes,1975-12-24,2500,0950000000009,cs-lier,ACTIVE,2027-01-31",          // wrong check digit
		"imp-3,Carla,De Smet,1990-07-14,2500,0950000000017,cs-lier,ACTIVE,2027-01-31",       // good
		"imp-4,Dirk,,1990-07-14,2500,0950000000025,cs-lier",                                 // no last name
		"imp-5,Eva,Janssens,14/07/1990,2500,0950000000025,cs-lier",                          // bad date
		"imp-6,Frank,Maes,1960-01-01,2560,0950000000033,cs-nowhere",                         // unknown card system
		"imp-7,Greet,Wouters,1960-01-01,2560,0950000000041,cs-regio,MAYBE",                  // bad social state
		"imp-8,Hans,Vermeulen,1960-01-01",                                                   // too few columns
		"imp-3,Carla,De Smet,1990-07-14,2500,0950000000058,cs-lier",                         // id twice
		"imp-9,Ilse,Goossens,2001-02-03,2500,0950000000066,cs-lier",                         // good
		"h-0000001,Kevin,Janssens,1990-01-01,2500,0950000000074,cs-regio,ACTIVE,2027-06-30", // an update
	}, "\n")
	// Make the check digits right for the rows meant to be good.
	csv = fixCheckDigits(t, csv, "0950000000017", "0950000000025", "0950000000033", "0950000000041", "0950000000058", "0950000000066", "0950000000074")
	path := filepath.Join(t.TempDir(), "holders.csv")
	if err := os.WriteFile(path, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCmd(t, "import", "holders", "--db", db, "--lang", "en", path)
	if code != 1 {
		t.Errorf("exit %d, want 1 (some lines refused): %s %s", code, out, errs)
	}
	if !strings.Contains(out, "3 imported, 8 refused") {
		t.Errorf("report: %s", out)
	}
	for _, want := range []string{"line 2: ", "line 3: card number", "line 5: ", "line 6: ", "line 7: ", "line 8: ", "line 9: ", "line 10: holder imp-3 is already on line 4", "import: "} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q:\n%s", want, out)
		}
	}
	st, err := sqlite.Open(context.Background(), db, sqlite.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	l := ledger.New(st, ledger.Options{})
	defer l.Close()
	if h, err := l.Holder(context.Background(), "imp-3"); err != nil || h.LastName != "De Smet" || h.SocialTariff.State != balie.SocialActive {
		t.Errorf("imported holder: %+v %v", h, err)
	}
	if h, err := l.Holder(context.Background(), "h-0000001"); err != nil || len(h.CardSystems) < 2 {
		t.Errorf("updated holder: %+v %v", h, err)
	}
	if code, _, errs := runCmd(t, "import", "holders", "--db", db, filepath.Join(t.TempDir(), "none.csv")); code != 1 || errs == "" {
		t.Errorf("missing CSV: %d %q", code, errs)
	}
	if code, _, errs := runCmd(t, "import", "holders", "--db", db, "--help"); code != 0 || !strings.Contains(errs, "social_state") {
		t.Errorf("help: %d %q", code, errs)
	}
}

// fixCheckDigits replaces each 13-digit number with the same 12 digits
// and their right check digit.
func fixCheckDigits(t *testing.T, s string, numbers ...string) string {
	t.Helper()
	for _, n := range numbers {
		good, err := balie.NewCardNumber(n[:12])
		if err != nil {
			t.Fatal(err)
		}
		s = strings.ReplaceAll(s, n, string(good))
	}
	return s
}

func TestRun_serveAndExport(t *testing.T) {
	db := seeded(t)
	_, out, _ := runCmd(t, "terminal", "add", "--db", db, "--name", "Kassa 1", "--organiser", demo.OrgCulture, "--location", demo.BoxOfficeDesk)
	m := terminalLine.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("terminal add printed %q", out)
	}
	id, token := m[1], m[2]

	e := serveOneUpload(t, db, id, token)

	code, out, errs := runCmd(t, "export", "--db", db)
	if code != 0 {
		t.Fatalf("export: %d %s", code, errs)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(strings.TrimSpace(out)), &got); err != nil {
		t.Fatalf("export printed %q: %v", out, err)
	}
	for _, k := range []string{"id", "terminal", "seq", "time", "staff", "kind", "payload", "prev_hash", "hash", "verdict"} {
		if _, ok := got[k]; !ok {
			t.Errorf("export lacks %q: %s", k, out)
		}
	}
	if got["id"] != e.ID || got["verdict"] != balisync.Accepted || got["hash"] != e.Hash || got["signature"] == nil {
		t.Errorf("export: %s", out)
	}
	if code, out, errs := runCmd(t, "verify", "--db", db); code != 0 || !strings.Contains(out, "1 signatures verify, covering seq 1 to 1") || !strings.Contains(out, "1 journals, 0 broken") {
		t.Errorf("verify: %d %q %q", code, out, errs)
	}
	backup := filepath.Join(t.TempDir(), "backup.db")
	if code, out, errs := runCmd(t, "backup", "--db", db, "--to", backup); code != 0 || !strings.Contains(out, "written to "+backup) {
		t.Errorf("backup: %d %q %q", code, out, errs)
	}
	if code, _, errs := runCmd(t, "backup", "--db", db, "--to", backup); code != 1 || !strings.Contains(errs, "already exists") {
		t.Errorf("a backup over a file: %d %q", code, errs)
	}
	if code, out, errs := runCmd(t, "verify", "--db", backup); code != 0 || !strings.Contains(out, "1 journals, 0 broken") {
		t.Errorf("verify the backup: %d %q %q", code, out, errs)
	}
	if code, _, errs := runCmd(t, "backup", "--db", "postgres://ledger@localhost/ledger", "--to", backup+"2"); code != 2 || !strings.Contains(errs, "pg_dump") {
		t.Errorf("a backup of PostgreSQL: %d %q", code, errs)
	}
}

// serveOneUpload runs `ledger serve` on db in-process, enrols the
// terminal id with its token, uploads one redemption through it, stops
// the server as an operator's ^C does and returns the event.
func serveOneUpload(t *testing.T, db, id, token string) balie.JournalEvent {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	var errb bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--db", db, "--addr", "127.0.0.1:0", "--log-level", "warn"}, pw, &errb)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("serve: %v %s", err, errb.String())
	}
	go io.Copy(io.Discard, pr)
	url := line[strings.LastIndex(line, " ")+1 : len(line)-1]
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		t.Fatalf("serve printed %q", line)
	}
	tm := &ledgertest.Terminal{Key: ledgertest.NewKey(t), Prev: balie.GenesisHash}
	var enrolled balisync.EnrolResponse
	if st := tm.Post(t, url, balisync.PathEnrol, balisync.EnrolRequest{Token: token, PublicKey: tm.PublicKey()}, &enrolled); st != 200 || enrolled.TerminalID != id {
		t.Fatalf("enrol: %d %+v", st, enrolled)
	}
	tm.ID, tm.Secret = enrolled.TerminalID, enrolled.Secret
	e := tm.Event(balie.KindRewardRedemption, "staff-box-1", time.Now(),
		balie.RewardRedemptionPayload{HolderID: "h-0000000", Card: "0900000095902", RewardID: "rw-koffie", Points: 5})
	var up balisync.UploadResponse
	if st := tm.Post(t, url, balisync.PathEvents, tm.Request(e), &up); st != 200 || up.Acked != 1 {
		t.Fatalf("upload: %d %+v", st, up)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve exited %d: %s", code, errb.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
	}
	return e
}

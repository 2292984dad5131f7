package main

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/balie/balie/ledger"
	"github.com/balie/balie/ledger/sqlite"
)

// TestRun_setUpACity: from `ledger init` alone, the commands make the
// first coordinator, a card system, an organiser and a desk, refuse bad
// input with the rule's sentence, list what they made, and the audit log
// (export --audit) says who did it; a terminal can then be added.
func TestRun_setUpACity(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "ledger.db")
	pw := filepath.Join(dir, "pw")
	os.WriteFile(pw, []byte("een wachtwoord van de test\n"), 0o600)
	if code, _, errs := runCmd(t, "init", "--db", db); code != 0 {
		t.Fatal(errs)
	}
	steps := []struct {
		args []string
		code int
		out  string // in stdout (code 0) or stderr
	}{
		{[]string{"user", "add", "--db", db, "--name", "els", "--role", "coordinator", "--password-file", pw}, 0, "user els (Coördinator) added"},
		{[]string{"user", "add", "--db", db, "--name", "els", "--role", "steering", "--password-file", pw}, 1, "al in gebruik"},
		{[]string{"user", "add", "--db", db, "--name", "Jan Smit", "--role", "steering", "--password-file", pw}, 1, "Een gebruikersnaam heeft"},
		{[]string{"organiser", "add", "--db", db, "--id", "org-cc", "--name", "CC Lier", "--card-system", "cs-lier"}, 1, "Kaartsysteem \"cs-lier\" staat niet in de ledger"},
		{[]string{"cardsystem", "add", "--db", db, "--id", "cs-lier", "--name", "UiTPAS Lier", "--postal-codes", "2500,2560"}, 0, "card system cs-lier added"},
		{[]string{"cardsystem", "add", "--db", db, "--id", "cs-x", "--name", "X", "--postal-codes", "25"}, 1, "geen postcode"},
		{[]string{"organiser", "add", "--db", db, "--id", "org-cc", "--name", "CC Lier", "--card-system", "cs-lier", "--iban", "BE68 5390 0754 7035"}, 1, "IBAN"},
		{[]string{"organiser", "add", "--db", db, "--id", "org-cc", "--name", "CC Lier", "--card-system", "cs-lier", "--iban", "BE68 5390 0754 7034"}, 0, "organiser org-cc added"},
		{[]string{"organiser", "add", "--db", db, "--id", "org-cc", "--name", "Nog eens", "--card-system", "cs-lier"}, 1, "bestaat al"},
		{[]string{"desk", "add", "--db", db, "--id", "desk-box", "--name", "Ticketbalie", "--organiser", "org-cc", "--mode", "bar", "--card-system", "cs-lier"}, 2, "--mode is box, sports or childcare"},
		{[]string{"desk", "add", "--db", db, "--id", "desk-box", "--name", "Ticketbalie", "--organiser", "org-cc", "--mode", "box", "--card-system", "cs-lier"}, 0, "desk desk-box added"},
		{[]string{"organiser", "list", "--db", db}, 0, "BE68 5390 0754 7034"},
		{[]string{"desk", "list", "--db", db}, 0, "BOX_OFFICE"},
		{[]string{"terminal", "add", "--db", db, "--name", "Kassa 1", "--organiser", "org-cc", "--location", "desk-box"}, 0, "token"},
	}
	for _, s := range steps {
		code, out, errs := runCmd(t, s.args...)
		got := out
		if code != 0 {
			got = errs
		}
		if code != s.code || !strings.Contains(got, s.out) {
			t.Errorf("ledger %s: %d %q %q, want %d and %q", strings.Join(s.args[:2], " "), code, out, errs, s.code, s.out)
		}
	}
	code, out, errs := runCmd(t, "export", "--db", db, "--audit")
	if code != 0 {
		t.Fatalf("export --audit: %d %s", code, errs)
	}
	var actions []string
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var e struct {
			Action, Actor, Entity string
			After                 json.RawMessage
		}
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("audit line %q: %v", sc.Text(), err)
		}
		if !strings.HasPrefix(e.Actor, "cli:") {
			t.Errorf("audit entry %s by %q, want the operator", e.Action, e.Actor)
		}
		if strings.Contains(string(e.After), "argon2") {
			t.Errorf("the audit log holds a password hash: %s", e.After)
		}
		actions = append(actions, e.Action+" "+e.Entity)
	}
	want := []string{"card_system.save cs-lier", "organiser.save org-cc", "desk.save desk-box"}
	for _, w := range want {
		found := false
		for _, a := range actions {
			found = found || a == w
		}
		if !found {
			t.Errorf("the audit log lacks %q: %v", w, actions)
		}
	}
	if !strings.HasPrefix(actions[0], "user.save") {
		t.Errorf("the audit log starts with %q, want the first coordinator (oldest first)", actions[0])
	}
	// The coordinator signs in with the password given.
	st, err := sqlite.Open(context.Background(), db, sqlite.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	l := ledger.New(st, ledger.Options{})
	defer l.Close()
	var u ledger.UserRow
	st.Read(context.Background(), func(tx ledger.ReadTx) error { u, _, _ = tx.UserByName("els"); return nil })
	if !ledger.CheckPassword(u.PasswordHash, "een wachtwoord van de test") {
		t.Error("the first coordinator's password does not check")
	}
}

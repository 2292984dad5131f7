package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/balie/balie"
	"github.com/balie/balie/store"
)

// The crash test's child: a terminal recording check-ins in a loop and
// printing each one's id only after its commit returned. TestMain runs it
// when the test binary is started with crashChildEnv set.
const (
	crashChildEnv = "BALIE_CRASH_CHILD_DB"
	crashEvent    = "ev-crash"
	crashStaff    = "st-crash"
)

func TestMain(m *testing.M) {
	if path := os.Getenv(crashChildEnv); path != "" {
		os.Exit(crashChild(path))
	}
	os.Exit(m.Run())
}

func crashChild(path string) int {
	ctx := context.Background()
	d, err := store.Open(ctx, path, store.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		fmt.Fprintln(os.Stderr, "child open:", err)
		return 1
	}
	cards := []balie.CardNumber{"0900000095902", "1000000520006"}
	for i := 0; ; i++ {
		res, err := d.CheckIn(ctx, crashStaff, cards[i%len(cards)], crashEvent)
		if err != nil {
			fmt.Fprintln(os.Stderr, "child check-in:", err)
			return 1
		}
		// One write per confirmed act, unbuffered: what the parent reads
		// is exactly what the child was told was durable.
		fmt.Fprintf(os.Stdout, "ok %s\n", res.ID)
	}
}

// seedCrashStore makes a store with two holders and an event without a
// check-in limit, open all day, so the child can record without end.
func seedCrashStore(t *testing.T, path string) {
	t.Helper()
	ctx := context.Background()
	d, err := store.Open(ctx, path, store.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	l, err := d.NewLoader(ctx)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	steps := []error{
		l.CardSystem(balie.CardSystem{ID: "lier", Name: "Lier", PostalCodes: []string{"2500"}}),
		l.Organiser(balie.Organiser{ID: "org", Name: "Sportdienst", Kind: "DEPARTMENT"}),
		l.Desk(balie.Desk{ID: "desk", Name: "Sporthal", OrganiserID: "org", Mode: balie.DeskSports, CardSystem: "lier"}),
		l.Staff(balie.Staff{ID: crashStaff, Name: "Crash", CardNumber: "0990000000010", Role: balie.RoleClerk}),
		l.Event(balie.Event{ID: crashEvent, OrganiserID: "org", Name: "Open zwemmen", Start: now.Add(-24 * time.Hour), End: now.Add(24 * time.Hour), PointsPerCheckin: 1}),
		l.Holder(balie.Holder{ID: "h1", FirstName: "Tom", LastName: "Peeters", BirthDate: now.AddDate(-40, 0, 0), PostalCode: "2500"},
			[]balie.Card{{Number: "0900000095902", Status: balie.CardActive, CardSystem: "lier", HolderID: "h1"}}, nil),
		l.Holder(balie.Holder{ID: "h2", FirstName: "Kevin", LastName: "Janssens", BirthDate: now.AddDate(-30, 0, 0), PostalCode: "2500"},
			[]balie.Card{{Number: "1000000520006", Status: balie.CardActive, CardSystem: "lier", HolderID: "h2"}}, nil),
	}
	for _, err := range steps {
		if err != nil {
			l.Abort()
			t.Fatal(err)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := d.TerminalID(ctx); err != nil {
		t.Fatal(err)
	}
	if err := d.SetDesk(ctx, "desk"); err != nil {
		t.Fatal(err)
	}
}

// TestCrash_SIGKILL kills a recording terminal at random moments, again
// and again on the same store. After every kill `balie verify` must pass,
// and every check-in the child confirmed before it died must be in the
// journal exactly once.
func TestCrash_SIGKILL(t *testing.T) {
	kills := 200
	if testing.Short() {
		kills = 20
	}
	path := filepath.Join(t.TempDir(), "crash.db")
	seedCrashStore(t, path)
	seed := time.Now().UnixNano()
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(uint64(seed), 0))

	confirmed := map[string]bool{}
	for k := 0; k < kills; k++ {
		ids, err := runAndKill(path, time.Duration(rng.IntN(60_000))*time.Microsecond)
		if err != nil {
			t.Fatalf("kill %d (seed %d): %v", k, seed, err)
		}
		for _, id := range ids {
			if confirmed[id] {
				t.Fatalf("kill %d: the child confirmed %s twice", k, id)
			}
			confirmed[id] = true
		}
		if k%20 == 19 || k == kills-1 {
			checkJournal(t, path, confirmed)
		}
	}
	if len(confirmed) < kills/2 {
		t.Errorf("only %d check-ins confirmed over %d runs: the child hardly ran", len(confirmed), kills)
	}
	t.Logf("%d kills, %d confirmed check-ins", kills, len(confirmed))
}

// runAndKill starts the child, lets it record for about d, SIGKILLs it and
// returns the ids it confirmed.
func runAndKill(path string, d time.Duration) ([]string, error) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	lines := make(chan []string, 1)
	go func() {
		var ids []string
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if id, ok := strings.CutPrefix(sc.Text(), "ok "); ok {
				ids = append(ids, id)
			}
		}
		lines <- ids
	}()
	time.Sleep(d) // the random moment of the crash: waiting is the point here
	cmd.Process.Signal(syscall.SIGKILL)
	ids := <-lines
	err = cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
		return ids, fmt.Errorf("child ended by itself (%v): %s", err, stderr.String())
	}
	return ids, nil
}

// checkJournal runs the real `balie verify` and `balie export` and checks
// every confirmed id is in the journal exactly once.
func checkJournal(t *testing.T, path string, confirmed map[string]bool) {
	t.Helper()
	ctx := context.Background()
	var out, errb bytes.Buffer
	if code := run(ctx, []string{"verify", "--db", path}, &out, &errb); code != exitOK {
		t.Fatalf("balie verify exit %d: %s%s", code, out.String(), errb.String())
	}
	out.Reset()
	if code := run(ctx, []string{"export", "--db", path}, &out, &errb); code != exitOK {
		t.Fatalf("balie export exit %d: %s", code, errb.String())
	}
	seen := map[string]int{}
	dec := json.NewDecoder(&out)
	for dec.More() {
		var e balie.JournalEvent
		if err := dec.Decode(&e); err != nil {
			t.Fatalf("export: %v", err)
		}
		seen[e.ID]++
	}
	for id := range confirmed {
		if seen[id] != 1 {
			t.Fatalf("confirmed check-in %s is in the journal %d times, want 1", id, seen[id])
		}
	}
}

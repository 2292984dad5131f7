package sync_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/balie/balie"
	"github.com/balie/balie/demo"
	"github.com/balie/balie/ledger/ledgertest"
)

// ledgerBinary builds cmd/ledger once per test binary.
var ledgerBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "balie-ledger-bin")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "ledger")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/balie/balie/cmd/ledger").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("build ledger: %v: %s", err, out)
	}
	return bin, nil
})

// TestSync_operatorCommandsWhileServing runs every operator command, as
// separate processes, against a ledger that serves two terminals
// recording and syncing all the while. No command fails, no upload
// stalls, and afterwards the invariants hold: every act once, balances
// equal to a replay, terminals that show the ledger's state.
func TestSync_operatorCommandsWhileServing(t *testing.T) {
	bin, err := ledgerBinary()
	if err != nil {
		t.Fatal(err)
	}
	lt := ledgertest.Start(t, ledgertest.Options{Holders: 120, Logger: quiet()})
	a, b := enrol(t, lt, demo.SportsDesk, nil), enrol(t, lt, demo.SportsDesk, nil)
	swim := "ev-" + lt.Today.Format("20060102") + "-zwemmen"
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var slowest time.Duration
	var mu sync.Mutex
	for _, tm := range []*terminal{a, b} {
		cards := tm.cards(t, 100)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				tm.db.CheckIn(context.Background(), sportsClerk, cards[i%len(cards)], swim)
				if i%5 == 4 {
					start := time.Now()
					tm.w.Sync(context.Background())
					mu.Lock()
					slowest = max(slowest, time.Since(start))
					mu.Unlock()
				}
			}
		}()
	}
	csv := filepath.Join(t.TempDir(), "holders.csv")
	good, _ := balie.NewCardNumber("095000000001")
	os.WriteFile(csv, []byte("id,first_name,last_name,birth_date,postal_code,card_number,card_system\nimp-1,Carla,De Smet,1990-07-14,2500,"+string(good)+",cs-lier\n"), 0o600)
	backup := filepath.Join(t.TempDir(), "backup.db")
	steps := [][]string{
		{"init", "--db", lt.DB},
		{"terminal", "add", "--db", lt.DB, "--name", "Kassa 3", "--organiser", demo.OrgSports, "--location", demo.SportsDesk},
		{"terminal", "list", "--db", lt.DB},
		{"export", "--db", lt.DB},
		{"verify", "--db", lt.DB},
		{"import", "holders", "--db", lt.DB, csv},
		{"backup", "--db", lt.DB, "--to", backup},
		{"verify", "--db", backup},
	}
	var added string
	for _, args := range steps {
		out, err := exec.Command(bin, args...).CombinedOutput()
		if err != nil {
			t.Errorf("ledger %s while serving: %v\n%s", strings.Join(args, " "), err, out)
		}
		if args[0] == "terminal" && args[1] == "add" {
			added = strings.Fields(string(out))[1]
		}
	}
	if out, err := exec.Command(bin, "terminal", "revoke", "--db", lt.DB, added).CombinedOutput(); err != nil {
		t.Errorf("terminal revoke while serving: %v\n%s", err, out)
	}
	cancel()
	wg.Wait()
	t.Logf("slowest sync while the operator worked: %v", slowest)
	if slowest > 5*time.Second {
		t.Errorf("a sync waited %v for the operator's commands", slowest)
	}
	a.heal(t)
	b.heal(t)
	checkInvariants(t, lt, a, b)
	if h, err := lt.Holder(context.Background(), "imp-1"); err != nil || h.LastName != "De Smet" {
		t.Errorf("the imported holder: %+v %v", h, err)
	}
}

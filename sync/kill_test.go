package sync_test

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/balie/balie"
	"github.com/balie/balie/demo"
	"github.com/balie/balie/internal/pgtest"
	"github.com/balie/balie/ledger/ledgertest"
	"github.com/balie/balie/store"
	balisync "github.com/balie/balie/sync"
)

// The child of TestSync_terminalKilled: a terminal that records acts and
// syncs in a loop, printing each act's id once it is committed.
const killChildEnv = "BALIE_SYNC_CHILD"

// pg is this test binary's PostgreSQL cluster: the ledger tests run on
// both engines (ledgertest.EachEngine).
var pg = pgtest.New(pgtest.Options{})

func TestMain(m *testing.M) {
	if spec := os.Getenv(killChildEnv); spec != "" {
		os.Exit(killChild(spec))
	}
	os.Exit(pg.Main(m))
}

func killChild(spec string) int {
	var path, event string
	fmt.Sscan(strings.ReplaceAll(spec, "|", " "), &path, &event)
	ctx := context.Background()
	d, err := store.Open(ctx, path, store.Options{Logger: quiet()})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	e, err := d.Enrolment(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	c, _ := balisync.NewClient(e.LedgerURL, e.TerminalID, e.Secret, &http.Client{Timeout: 5 * time.Second})
	w := balisync.NewWorker(d, c, balisync.Options{Batch: 7, Logger: quiet()})
	for i := 0; ; i++ {
		res, err := d.SellTickets(ctx, sportsClerk, balie.TicketRequest{EventID: event,
			Lines: []balie.TicketOrder{{TariffID: event + "-normaal", Quantity: 1}}, Payment: balie.PayCash})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		fmt.Printf("ok %s\n", res.ID)
		if i%3 == 2 {
			w.Sync(ctx)
		}
	}
}

// TestSync_terminalKilled: a terminal is killed with SIGKILL again and
// again in the middle of recording and syncing; once it runs again and
// heals, every act it confirmed is in the ledger exactly once.
func TestSync_terminalKilled(t *testing.T) {
	ledgertest.EachEngine(t, pg, func(t *testing.T, eng ledgertest.Engine) {
		lt := ledgertest.Start(t, ledgertest.Options{Holders: 60, Logger: quiet(), DB: eng.DB(t)})
		tm := enrol(t, lt, demo.SportsDesk, nil)
		// The child talks to the ledger directly, and the store is its alone
		// while it runs.
		ctx := context.Background()
		e, _ := tm.db.Enrolment(ctx)
		if err := tm.db.Enrol(ctx, store.Enrolment{LedgerURL: lt.URL, TerminalID: e.TerminalID, Secret: e.Secret}, demo.SportsDesk); err != nil {
			t.Fatal(err)
		}
		tm.db.Close()
		event := "ev-" + lt.Today.Format("20060102") + "-zwemmen"
		rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
		confirmed := map[string]bool{}
		for k := 0; k < 25; k++ {
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), killChildEnv+"="+tm.path+"|"+event)
			out, _ := cmd.StdoutPipe()
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			ids := make(chan []string)
			go func() {
				var got []string
				sc := bufio.NewScanner(out)
				for sc.Scan() {
					if id, ok := strings.CutPrefix(sc.Text(), "ok "); ok {
						got = append(got, id)
					}
				}
				ids <- got
			}()
			time.Sleep(time.Duration(20+rng.IntN(80)) * time.Millisecond) // the random moment of the kill
			cmd.Process.Signal(syscall.SIGKILL)
			for _, id := range <-ids {
				confirmed[id] = true
			}
			cmd.Wait()
		}
		d, err := store.Open(ctx, tm.path, store.Options{Logger: quiet(), Now: tm.clock.Now})
		if err != nil {
			t.Fatalf("reopen after the kills: %v", err)
		}
		defer d.Close()
		c, _ := balisync.NewClient(lt.URL, e.TerminalID, e.Secret, nil)
		tm.db, tm.w = d, balisync.NewWorker(d, c, balisync.Options{Logger: quiet()})
		tm.heal(t)
		if len(confirmed) < 25 {
			t.Fatalf("only %d acts confirmed over 25 runs: the child hardly ran", len(confirmed))
		}
		for id := range confirmed {
			if _, err := lt.Event(ctx, id); err != nil {
				t.Errorf("confirmed act %s is not in the ledger: %v", id, err)
			}
		}
		t.Logf("%d acts confirmed across 25 kills", len(confirmed))
		checkInvariants(t, lt, tm)
	})
}

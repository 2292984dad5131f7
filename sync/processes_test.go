package sync_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"github.com/balie/balie"
	"github.com/balie/balie/demo"
	"github.com/balie/balie/ledger"
	"github.com/balie/balie/ledger/ledgertest"
	"github.com/balie/balie/ledger/postgres"
	balisync "github.com/balie/balie/sync"
)

// The tests of several `ledger serve` processes on one PostgreSQL: the
// real program, built from this module, started twice on one database.

// addTerminal makes a terminal for desk with the operator's command and
// returns its one-time token.
func addTerminal(t *testing.T, bin, db, name, organiser, desk string) string {
	t.Helper()
	_, token := ledgertest.CommandAddTerminal(t, bin, db, name, organiser, desk)
	return token
}

// twoLedgers seeds a new PostgreSQL database with the built program and
// serves it from two processes. The city's today is yesterday, so that
// the terminals' acts (from 10:00 on) are never ahead of the ledgers'
// clock, whatever the hour the test runs.
func twoLedgers(t *testing.T, holders int) (bin, db string, urls []string, today time.Time) {
	t.Helper()
	db = pg.NewDatabase(t) // first: it skips when PostgreSQL is to be skipped
	bin = ledgertest.BuildLedger(t)
	now := time.Now().In(balie.Brussels())
	today = time.Date(now.Year(), now.Month(), now.Day()-1, 0, 0, 0, 0, balie.Brussels())
	ledgertest.Command(t, bin, "init", "--db", db)
	ledgertest.Command(t, bin, "seed", "--db", db, "--demo", "--history=false", "--holders", fmt.Sprint(holders), "--today", today.Format("2006-01-02"))
	urls = []string{ledgertest.Serve(t, bin, db).URL, ledgertest.Serve(t, bin, db).URL}
	return bin, db, urls, today
}

// readLedger opens the database read-only in this process, for the
// checks, as an auditor would.
func readLedger(t *testing.T, db string) *ledgertest.Ledger {
	t.Helper()
	s, err := postgres.Open(context.Background(), db, postgres.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	l := ledger.New(s, ledger.Options{})
	t.Cleanup(func() { l.Close() })
	return &ledgertest.Ledger{Ledger: l, DB: db}
}

// TestSync_twoLedgerProcesses: ten terminals record acts at once and
// upload them through a bad network to two `ledger serve` processes on
// one PostgreSQL, each request to either at random, some batches to both
// at the same moment. Once the network heals, every act a terminal
// confirmed is in the ledger exactly once, balances equal a replay,
// every terminal shows the ledger's balances, and every journal's chain
// and signatures verify.
func TestSync_twoLedgerProcesses(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	bin, db, urls, today := twoLedgers(t, 200)
	day := today.Format("20060102")
	ctx := context.Background()

	const terminals, steps = 10, 60
	terms := make([]*terminal, terminals)
	for i := range terms {
		token := addTerminal(t, bin, db, fmt.Sprintf("Kassa %d", i+1), demo.OrgSports, demo.SportsDesk)
		tm := enrolWith(t, token, urls[i%2], today, nil)
		rng := rand.New(rand.NewPCG(seed, uint64(i)))
		tm.proxy.spread(urls, seed+uint64(i))
		tm.proxy.mu.Lock()
		tm.proxy.plan = func(n int, r *http.Request) fault {
			// Called under the proxy's lock, which guards rng too.
			if r.URL.Path != balisync.PathEvents {
				if rng.IntN(20) == 0 {
					return drop
				}
				return pass
			}
			switch k := rng.IntN(100); {
			case k < 6:
				return drop
			case k < 12:
				return loseReply
			case k < 18:
				return twice
			case k < 35:
				return everywhere
			}
			return pass
		}
		tm.proxy.mu.Unlock()
		terms[i] = tm
	}
	cards := terms[0].cards(t, 100)

	var wg gosync.WaitGroup
	errs := make(chan error, terminals)
	recorded := make([]int, terminals)
	for i, tm := range terms {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(seed, uint64(100+i)))
			for step := range steps {
				tm.clock.t = tm.clock.t.Add(20 * time.Second)
				card := cards[rng.IntN(len(cards))]
				var err error
				switch k := rng.IntN(10); {
				case k < 5:
					ev := "ev-" + day + "-zwemmen"
					if k%2 == 0 {
						ev = "ev-" + day + "-fitness"
					}
					_, err = tm.db.CheckIn(ctx, sportsClerk, card, ev)
				case k < 7:
					_, err = tm.db.RedeemReward(ctx, sportsClerk, card, "rw-zwembeurt")
				default:
					ev := "ev-" + day + "-zwemmen"
					_, err = tm.db.SellTickets(ctx, sportsClerk, balie.TicketRequest{EventID: ev,
						Lines: []balie.TicketOrder{{TariffID: ev + "-normaal", Quantity: 1}}, Payment: balie.PayCash})
				}
				switch {
				case err == nil:
					recorded[i]++
				case balie.ErrorCode(err) == "":
					errs <- fmt.Errorf("terminal %d step %d: %v", i, step, err)
					return
				}
				if step%4 == 3 {
					tm.w.Sync(ctx) // may fail: the network is bad
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	total := 0
	for _, n := range recorded {
		total += n
	}
	for _, tm := range terms {
		tm.proxy.mu.Lock()
		tm.proxy.plan = nil
		tm.proxy.mu.Unlock()
	}
	// Twice round: every journal in, then every terminal learns of the
	// others' acts.
	for range 2 {
		for _, tm := range terms {
			tm.heal(t)
		}
	}
	perLedger, both := map[string]int{}, 0
	for _, tm := range terms {
		for u, n := range tm.proxy.uploads() {
			perLedger[u] += n
		}
		both += tm.proxy.count(everywhere)
	}
	t.Logf("%d acts recorded at %d terminals; uploads per ledger process %v, %d sent to both at once", total, terminals, perLedger, both)
	if perLedger[urls[0]] == 0 || perLedger[urls[1]] == 0 || both == 0 {
		t.Fatalf("the uploads did not reach both processes (%v) or none went to both at once (%d)", perLedger, both)
	}
	if total < terminals*steps/2 {
		t.Fatalf("only %d acts recorded: the test tested little", total)
	}
	checkInvariants(t, readLedger(t, db), terms...)
	out := ledgertest.Command(t, bin, "verify", "--db", db)
	if strings.Count(out, "chain intact") != terminals || !strings.Contains(out, fmt.Sprintf("%d journals, 0 broken", terminals)) {
		t.Errorf("ledger verify:\n%s", out)
	}
}

// TestSync_twoProcessesSpendTheSamePoints: two desks offline each let
// the same holders exchange points for a reward, and come online at the
// same moment, each uploading to another ledger process. The processes
// serialize the two redemptions of each holder: one is accepted, the
// other is kept and flagged points_negative, and the balance is what the
// two together left.
func TestSync_twoProcessesSpendTheSamePoints(t *testing.T) {
	bin, db, urls, today := twoLedgers(t, 120)
	ctx := context.Background()
	a := enrolWith(t, addTerminal(t, bin, db, "Kassa A", demo.OrgSports, demo.SportsDesk), urls[0], today, nil)
	b := enrolWith(t, addTerminal(t, bin, db, "Kassa B", demo.OrgSports, demo.SportsDesk), urls[1], today, nil)
	const cost, reward = 10, "rw-zwembeurt" // two a month a holder: the second is short of points, not over a limit
	before := map[string]int{}
	var spend []balie.CardNumber
	for _, c := range a.cards(t, 100) {
		l, err := a.db.LookupInput(ctx, string(c))
		if err == nil && l.Holder.Points >= cost && l.Holder.Points < 2*cost && len(spend) < 5 {
			spend = append(spend, c)
			before[l.Holder.ID] = l.Holder.Points
		}
	}
	if len(spend) < 3 {
		t.Fatalf("only %d holders with %d to %d points in the city", len(spend), cost, 2*cost-1)
	}
	for _, tm := range []*terminal{a, b} {
		tm.proxy.mu.Lock()
		tm.proxy.plan = func(int, *http.Request) fault { return drop }
		tm.proxy.mu.Unlock()
		for _, c := range spend {
			if _, err := tm.db.RedeemReward(ctx, sportsClerk, c, reward); err != nil {
				t.Fatalf("redeem offline: %v", err)
			}
		}
		tm.proxy.mu.Lock()
		tm.proxy.plan = nil
		tm.proxy.mu.Unlock()
	}
	start := make(chan struct{})
	var wg gosync.WaitGroup
	for _, tm := range []*terminal{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			tm.w.Sync(ctx)
		}()
	}
	close(start)
	wg.Wait()
	a.heal(t)
	b.heal(t)

	lt := readLedger(t, db)
	verdicts := map[string][]string{}
	lt.Export(ctx, func(e ledger.StoredEvent) error {
		if e.Kind == balie.KindRewardRedemption {
			verdicts[e.Holder] = append(verdicts[e.Holder], e.Verdict+" "+e.Code)
		}
		return nil
	})
	flags, err := lt.ReviewFlags(ctx)
	if err != nil {
		t.Fatal(err)
	}
	flagged := map[string]bool{}
	for _, f := range flags {
		if f.Code == ledger.CodePointsNegative {
			flagged[f.HolderID] = true
		}
	}
	for id, p := range before {
		v := verdicts[id]
		accepted := strings.Count(strings.Join(v, "|"), balisync.Accepted+" ")
		negative := strings.Count(strings.Join(v, "|"), balisync.Adjusted+" "+ledger.CodePointsNegative)
		if len(v) != 2 || accepted != 1 || negative != 1 {
			t.Errorf("%s: verdicts %q, want one accepted and one adjusted points_negative", id, v)
		}
		if !flagged[id] {
			t.Errorf("%s: no points_negative flag for a person to look at", id)
		}
		h, err := lt.Holder(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if h.Points != p-2*cost {
			t.Errorf("%s: %d points, want %d (%d less twice %d)", id, h.Points, p-2*cost, p, cost)
		}
	}
	checkInvariants(t, lt, a, b)
}

package sync_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/balie/balie"
	"github.com/balie/balie/demo"
	"github.com/balie/balie/ledger"
	"github.com/balie/balie/ledger/ledgertest"
	"github.com/balie/balie/store"
	balisync "github.com/balie/balie/sync"
)

// terminal is a desk's terminal enrolled with a real ledger, talking to
// it through a proxy that misbehaves on demand.
type terminal struct {
	db    *store.DB
	path  string
	w     *balisync.Worker
	proxy *faultProxy
	id    string
	clock *clock
}

type clock struct{ t time.Time }

func (c *clock) Now() time.Time { return c.t }

// enrol makes a terminal for desk, enrols it with the ledger and downloads
// the directory.
func enrol(t *testing.T, lt *ledgertest.Ledger, desk string, plan func(n int, r *http.Request) fault) *terminal {
	t.Helper()
	_, token := lt.AddTerminal(t, desk)
	return enrolWith(t, token, lt.URL, lt.Today, plan)
}

// enrolWith enrols a terminal with the ledger at url through a fault
// proxy, using an enrolment token; its clock stands at 10:00 on today.
func enrolWith(t *testing.T, token, url string, today time.Time, plan func(n int, r *http.Request) fault) *terminal {
	t.Helper()
	ctx := context.Background()
	clk := &clock{t: time.Date(today.Year(), today.Month(), today.Day(), 10, 0, 0, 0, balie.Brussels())}
	path := filepath.Join(t.TempDir(), "balie.db")
	d, err := store.Open(ctx, path, store.Options{Now: clk.Now, Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	p := newFaultProxy(t, url, plan)
	pub, err := d.PublicKey(ctx)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := balisync.Enrol(ctx, nil, p.URL(), token, pub)
	if err != nil {
		t.Fatalf("enrol: %v", err)
	}
	if err := d.Enrol(ctx, store.Enrolment{LedgerURL: p.URL(), TerminalID: resp.TerminalID, Secret: resp.Secret}, resp.Location); err != nil {
		t.Fatal(err)
	}
	c, err := balisync.NewClient(p.URL(), resp.TerminalID, resp.Secret, &http.Client{Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	tm := &terminal{db: d, path: path, proxy: p, id: resp.TerminalID, clock: clk,
		w: balisync.NewWorker(d, c, balisync.Options{Batch: 20, Logger: quiet()})}
	tm.heal(t)
	return tm
}

// heal syncs until the terminal is through: every event answered and
// every change downloaded. The proxy's faults are bounded, so a few
// attempts suffice.
func (tm *terminal) heal(t *testing.T) {
	t.Helper()
	var err error
	for i := 0; i < 20; i++ {
		if err = tm.w.Sync(context.Background()); err == nil {
			if pending, _, _ := tm.db.FirstPending(context.Background()); pending == 0 {
				return
			}
		}
	}
	t.Fatalf("terminal %s did not heal: %v", tm.id, err)
}

// cards returns active holders' card numbers from the terminal's replica.
func (tm *terminal) cards(t *testing.T, n int) []balie.CardNumber {
	t.Helper()
	db, err := sql.Open("sqlite", tm.path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT number FROM cards WHERE status = 'ACTIVE' AND holder_id LIKE 'h-%' ORDER BY holder_id LIMIT ?`, n)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []balie.CardNumber
	for rows.Next() {
		var c string
		rows.Scan(&c)
		out = append(out, balie.CardNumber(c))
	}
	if len(out) < n {
		t.Fatalf("the replica has %d active cards, want %d: the directory did not arrive", len(out), n)
	}
	return out
}

const sportsClerk = "staff-sport-1"

// checkInvariants checks the invariants of the architecture over a ledger
// and its terminals, after they healed.
func checkInvariants(t *testing.T, lt *ledgertest.Ledger, terms ...*terminal) {
	t.Helper()
	ctx := context.Background()
	stored := map[string]ledger.StoredEvent{}
	perTerminal := map[string]int{}
	if err := lt.Export(ctx, func(e ledger.StoredEvent) error {
		if _, dup := stored[e.ID]; dup {
			return fmt.Errorf("event %s stored twice", e.ID)
		}
		stored[e.ID] = e
		perTerminal[e.Terminal]++
		return nil
	}); err != nil {
		t.Fatalf("ledger export: %v", err)
	}
	for _, tm := range terms {
		// 5. Every terminal's chain verifies end to end.
		n, err := tm.db.VerifyJournal(ctx)
		if err != nil {
			t.Fatalf("terminal %s: %v", tm.id, err)
		}
		// 1. Every confirmed event reached the ledger exactly once, as sent.
		if perTerminal[tm.id] != int(n) {
			t.Errorf("terminal %s: %d events in its journal, %d in the ledger", tm.id, n, perTerminal[tm.id])
		}
		tm.db.Journal(ctx, 1, func(e balie.JournalEvent) error {
			s, ok := stored[e.ID]
			switch {
			case !ok:
				t.Errorf("terminal %s seq %d (%s) never reached the ledger", tm.id, e.Seq, e.Kind)
			case s.Hash != e.Hash || s.Seq != e.Seq || s.Terminal != e.Terminal:
				t.Errorf("terminal %s seq %d: the ledger holds other content", tm.id, e.Seq)
			case s.Verdict == "":
				t.Errorf("terminal %s seq %d has no verdict", tm.id, e.Seq)
			}
			// 3. Every sale's shares add up to the regular price.
			if e.Kind == balie.KindTicketSale {
				var p balie.TicketSalePayload
				json.Unmarshal(e.Payload, &p)
				for _, l := range p.Lines {
					if l.Shares.Total() != l.Regular {
						t.Errorf("seq %d: shares %+v do not add up to %v", e.Seq, l.Shares, l.Regular)
					}
				}
			}
			return nil
		})
		if pending, parked, _ := tm.db.FirstPending(ctx); pending != 0 || parked != 0 {
			t.Errorf("terminal %s: first pending %d, parked %d after healing", tm.id, pending, parked)
		}
	}
	// 2. Balances in the ledger equal a replay of its events.
	if err := lt.CheckBalances(ctx); err != nil {
		t.Errorf("ledger balances: %v", err)
	}
	// 4. Every terminal converges: the points it shows are the ledger's.
	replay, err := lt.ReplayBalances(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, tm := range terms {
		tm.heal(t)
		for holder, points := range replay {
			l, err := tm.db.LookupInput(ctx, string(holderCard(t, lt, holder)))
			if err != nil {
				continue // a card the terminal may not show (blocked)
			}
			if l.Holder.Points != points {
				t.Errorf("terminal %s shows %s with %d points, the ledger %d", tm.id, holder, l.Holder.Points, points)
			}
		}
	}
}

// holderCard finds a holder's active card through the ledger's file.
func holderCard(t *testing.T, lt *ledgertest.Ledger, holder string) balie.CardNumber {
	t.Helper()
	cards, err := lt.HolderCards(context.Background(), holder)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cards {
		if c.Status == balie.CardActive {
			return c.Number
		}
	}
	return ""
}

// TestSync_faults: whatever the network does between a terminal and the
// ledger, once it heals every act is in the ledger exactly once and the
// terminal shows the ledger's state.
func TestSync_faults(t *testing.T) {
	cases := []struct {
		name string
		f    fault
	}{
		{"a dropped request", drop},
		{"a reply lost after the ledger committed", loseReply},
		{"a batch delivered twice", twice},
		{"a slow network", delay},
		{"a connection reset mid-body", cutBody},
	}
	ledgertest.EachEngine(t, pg, func(t *testing.T, e ledgertest.Engine) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				lt := ledgertest.Start(t, ledgertest.Options{Holders: 60, Logger: quiet(), DB: e.DB(t)})
				tm := enrol(t, lt, demo.SportsDesk, nil)
				cards := tm.cards(t, 40)
				// The first and the third upload meet the fault; the others pass.
				uploads := 0
				tm.proxy.mu.Lock()
				tm.proxy.plan = func(n int, r *http.Request) fault {
					if r.URL.Path != balisync.PathEvents {
						return pass
					}
					if uploads++; uploads == 1 || uploads == 3 {
						return c.f
					}
					return pass
				}
				tm.proxy.mu.Unlock()
				for i, card := range cards {
					if _, err := tm.db.CheckIn(context.Background(), sportsClerk, card, "ev-"+lt.Today.Format("20060102")+"-zwemmen"); err != nil {
						t.Fatalf("check-in %d: %v", i, err)
					}
					if i%10 == 9 {
						tm.w.Sync(context.Background()) // may fail: the fault
					}
				}
				tm.heal(t)
				if c.f != delay && tm.proxy.count(c.f) == 0 {
					t.Fatalf("the fault %s never happened", c.f)
				}
				checkInvariants(t, lt, tm)
			})
		}
	})
}

// TestSync_ledgerRestart: the ledger restarts between batches of a
// terminal's upload; nothing is lost or counted twice.
func TestSync_ledgerRestart(t *testing.T) {
	ledgertest.EachEngine(t, pg, func(t *testing.T, e ledgertest.Engine) {
		lt := ledgertest.Start(t, ledgertest.Options{Holders: 60, Logger: quiet(), DB: e.DB(t)})
		tm := enrol(t, lt, demo.SportsDesk, nil)
		swim := "ev-" + lt.Today.Format("20060102") + "-zwemmen"
		for i, card := range tm.cards(t, 30) {
			if _, err := tm.db.CheckIn(context.Background(), sportsClerk, card, swim); err != nil {
				t.Fatal(err)
			}
			if i == 14 {
				tm.w.Sync(context.Background())
				lt.Restart(t)
			}
		}
		tm.heal(t)
		checkInvariants(t, lt, tm)
	})
}

// TestSync_twoDesksSpendTheSamePoints: two desks offline each let Tom
// exchange his points; both acts are kept, the second is flagged for a
// person, and the balance says what happened.
func TestSync_twoDesksSpendTheSamePoints(t *testing.T) {
	ledgertest.EachEngine(t, pg, func(t *testing.T, e ledgertest.Engine) {
		ctx := context.Background()
		lt := ledgertest.Start(t, ledgertest.Options{Holders: 60, Logger: quiet(), DB: e.DB(t)})
		offline := func(n int, r *http.Request) fault { return drop }
		a := enrol(t, lt, demo.SportsDesk, nil)
		b := enrol(t, lt, demo.SportsDesk, nil)
		tom := balie.CardNumber("0900000095902")
		before, _ := a.db.LookupInput(ctx, string(tom))
		for _, tm := range []*terminal{a, b} {
			tm.proxy.mu.Lock()
			tm.proxy.plan = offline
			tm.proxy.mu.Unlock()
			if _, err := tm.db.RedeemReward(ctx, sportsClerk, tom, "rw-drinkbus"); err != nil {
				t.Fatalf("redeem offline: %v", err)
			}
			if err := tm.w.Sync(ctx); err == nil {
				t.Fatalf("a sync through a dead network succeeded")
			}
		}
		for _, tm := range []*terminal{a, b} {
			tm.proxy.mu.Lock()
			tm.proxy.plan = nil
			tm.proxy.mu.Unlock()
			tm.heal(t)
		}
		var verdicts []string
		lt.Export(ctx, func(e ledger.StoredEvent) error {
			if e.Kind == balie.KindRewardRedemption {
				verdicts = append(verdicts, e.Verdict+" "+e.Code)
			}
			return nil
		})
		if len(verdicts) != 2 || verdicts[0] != balie.VerdictAccepted+" " || verdicts[1][:len(balie.VerdictAdjusted)] != balie.VerdictAdjusted {
			t.Fatalf("verdicts = %q, want the first accepted and the second adjusted", verdicts)
		}
		flags, _ := lt.ReviewFlags(ctx)
		if len(flags) == 0 {
			t.Errorf("no review flag for the points spent twice")
		}
		review, _ := b.db.Review(ctx)
		if len(review) != 1 || review[0].Status != balie.VerdictAdjusted {
			t.Errorf("the second desk's review list = %+v, want its adjusted redemption", review)
		}
		h, _ := lt.Holder(ctx, before.Holder.ID)
		t.Logf("Tom had %d points; after two desks spent 15 each offline the ledger says %d (%s)", before.Holder.Points, h.Points, verdicts[1])
		checkInvariants(t, lt, a, b)
	})
}

package sync_test

import (
	"context"
	"flag"
	"math/rand/v2"
	"net/http"
	gosync "sync"
	"testing"
	"time"

	"github.com/balie/balie"
	"github.com/balie/balie/demo"
	"github.com/balie/balie/ledger/ledgertest"
	balisync "github.com/balie/balie/sync"
)

var simSeed = flag.Int64("seed", 0, "the seed of TestSimulation (0: a new one, printed)")

// TestSimulation: three terminals go offline and online at random while
// clerks record random acts at them and the network now and then loses a
// reply; once all are back online, the invariants hold. The seed is
// printed; `go test ./sync -run Simulation -seed N` replays a run.
func TestSimulation(t *testing.T) {
	seed := *simSeed
	if seed == 0 {
		seed = time.Now().UnixNano()
	}
	t.Logf("seed %d (replay: go test ./sync -run Simulation -seed %d)", seed, seed)
	ledgertest.EachEngine(t, pg, func(t *testing.T, e ledgertest.Engine) {
		rng := rand.New(rand.NewPCG(uint64(seed), 7))
		ctx := context.Background()
		lt := ledgertest.Start(t, ledgertest.Options{Holders: 120, Logger: quiet(), DB: e.DB(t)})
		day := lt.Today.Format("20060102")

		type desk struct {
			*terminal
			mu     gosync.Mutex // guards online and rng, used by the proxy's goroutine
			online bool
			rng    *rand.Rand
			box    bool
			cards  []balie.CardNumber
		}
		var desks []*desk
		for i, name := range []string{demo.SportsDesk, demo.SportsDesk, demo.BoxOfficeDesk} {
			d := &desk{online: true, rng: rand.New(rand.NewPCG(uint64(seed), uint64(i))), box: name == demo.BoxOfficeDesk}
			d.terminal = enrol(t, lt, name, func(n int, r *http.Request) fault {
				d.mu.Lock()
				defer d.mu.Unlock()
				switch {
				case r.URL.Path == balisync.PathEnrol:
					return pass // the installer's one-time step is not what is simulated
				case !d.online:
					return drop
				case d.rng.IntN(20) == 0:
					return loseReply
				case d.rng.IntN(20) == 0:
					return twice
				}
				return pass
			})
			d.cards = d.terminal.cards(t, 100)
			desks = append(desks, d)
		}
		clerk := map[bool]string{false: sportsClerk, true: "staff-box-1"}
		recorded, refused := 0, 0
		for step := 0; step < 400; step++ {
			d := desks[rng.IntN(len(desks))]
			for _, x := range desks {
				x.clock.t = x.clock.t.Add(30 * time.Second)
			}
			card := d.cards[rng.IntN(len(d.cards))]
			var err error
			switch r := rng.IntN(100); {
			case r < 10:
				d.mu.Lock()
				d.online = !d.online
				d.mu.Unlock()
				continue
			case r < 25:
				d.w.Sync(ctx) // fails while offline: that is the point
				continue
			case d.box && r < 70:
				ev := "ev-" + day + "-cc-avond"
				tariff := ev + "-normaal"
				if rng.IntN(2) == 0 {
					tariff = ev + "-uitpas"
				}
				_, err = d.db.SellTickets(ctx, clerk[d.box], balie.TicketRequest{Card: card, EventID: ev,
					Lines: []balie.TicketOrder{{TariffID: tariff, Quantity: 1 + rng.IntN(2)}}, Payment: balie.PayCard})
			case d.box:
				_, err = d.db.PayMembership(ctx, clerk[d.box], balie.MembershipRequest{Card: card, ProgramID: demo.ProgramFriends, Payment: balie.PayCash})
			case r < 70:
				ev := "ev-" + day + "-zwemmen"
				if rng.IntN(2) == 0 {
					ev = "ev-" + day + "-fitness"
				}
				_, err = d.db.CheckIn(ctx, clerk[d.box], card, ev)
			default:
				_, err = d.db.RedeemReward(ctx, clerk[d.box], card, "rw-zwembeurt")
			}
			switch {
			case err == nil:
				recorded++
			case balie.ErrorCode(err) != "":
				refused++ // a rule said no, as at a real desk
			default:
				t.Fatalf("step %d (seed %d): %v", step, seed, err)
			}
		}
		for _, d := range desks {
			d.mu.Lock()
			d.online = true
			d.mu.Unlock()
		}
		// Twice round: the first brings every journal in, the second brings
		// every terminal what the others did.
		for round := 0; round < 2; round++ {
			for _, d := range desks {
				d.heal(t)
			}
		}
		t.Logf("%d acts recorded, %d refused by the rules", recorded, refused)
		if recorded < 50 {
			t.Fatalf("only %d acts recorded: the simulation tested little", recorded)
		}
		var terms []*terminal
		for _, d := range desks {
			terms = append(terms, d.terminal)
		}
		checkInvariants(t, lt, terms...)
	})
}

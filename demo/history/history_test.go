package history_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/balie/balie"
	"github.com/balie/balie/demo"
	"github.com/balie/balie/demo/history"
	"github.com/balie/balie/ledger"
	"github.com/balie/balie/ledger/sqlite"
	balisync "github.com/balie/balie/sync"
)

// TestMake makes a quarter of a small city's history and checks that
// the ledger took it as a desk's acts: almost nothing refused, and every
// kind of act there.
func TestMake(t *testing.T) {
	ctx := context.Background()
	today := time.Date(2026, 12, 1, 0, 0, 0, 0, balie.Brussels())
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "ledger.db"), sqlite.Options{QuickOpen: true})
	if err != nil {
		t.Fatal(err)
	}
	l := ledger.New(st, ledger.Options{Now: func() time.Time { return today }})
	defer l.Close()
	ld, err := l.NewLoader(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := demo.Generate(demo.Config{Holders: 400, Today: today}, ld); err != nil {
		t.Fatal(err)
	}
	if err := ld.Close(); err != nil {
		t.Fatal(err)
	}
	rep, err := history.Make(ctx, st, history.Config{Today: today, Days: 100, Scale: 0.2, Coordinator: ledger.Operator("els")})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%+v", rep)
	kinds, codes := map[balie.Kind]int{}, map[string]int{}
	if err := l.Export(ctx, func(e ledger.StoredEvent) error {
		kinds[e.Kind]++
		if e.Verdict != balisync.Accepted {
			codes[e.Code]++
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	t.Logf("kinds %v, not accepted %v", kinds, codes)
	if rep.Rejected*50 > rep.Events {
		t.Errorf("%d of %d acts rejected: %v", rep.Rejected, rep.Events, codes)
	}
	for _, k := range []balie.Kind{balie.KindCheckin, balie.KindTicketSale, balie.KindCardSale, balie.KindMembershipPayment,
		balie.KindRewardRedemption, balie.KindChildSignIn, balie.KindVoid} {
		if kinds[k] == 0 {
			t.Errorf("no %s in the history", k)
		}
	}
	if rep.Late == 0 || len(rep.Closed) < 2 {
		t.Errorf("no late acts or closes: %+v", rep)
	}
}

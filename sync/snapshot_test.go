package sync_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/balie/balie"
	"github.com/balie/balie/demo"
	"github.com/balie/balie/ledger/ledgertest"
	"github.com/balie/balie/store"
	balisync "github.com/balie/balie/sync"
)

// logOnly is a store that takes its first download from the change log:
// it hides the store's ApplySnapshot.
type logOnly struct {
	balisync.Store
	d *store.DB
}

func (s logOnly) BeginBulk(ctx context.Context) error { return s.d.BeginBulk(ctx) }
func (s logOnly) EndBulk(ctx context.Context) error   { return s.d.EndBulk(ctx) }

// TestSync_firstDownloadFromASnapshot: a terminal whose first download
// starts from the ledger's snapshot ends with the same replica as one
// that downloads the whole change log, after acts that moved balances,
// blocked a card and voided a sale; both then follow the log as one.
func TestSync_firstDownloadFromASnapshot(t *testing.T) {
	ctx := context.Background()
	lt := ledgertest.Start(t, ledgertest.Options{Holders: 200, Logger: quiet()})
	desk := ledgertest.Enrol(t, lt.Ledger, demo.SportsDesk)
	now := time.Now().Add(-time.Minute)
	var evs []balie.JournalEvent
	for i := range 30 {
		evs = append(evs, desk.Event(balie.KindRewardRedemption, sportsClerk, now.Add(time.Duration(i)*time.Millisecond),
			balie.RewardRedemptionPayload{HolderID: fmt.Sprintf("h-%07d", i), RewardID: "rw-zwembeurt", Points: 10}))
	}
	evs = append(evs, desk.Event(balie.KindVoid, sportsClerk, now.Add(time.Second), balie.VoidPayload{Target: evs[3].ID, Reason: "fout", Approver: "staff-sup"}))
	if _, _, p := lt.Ingest(ctx, desk.ID, desk.Request(evs...)); p != nil {
		t.Fatal(p)
	}
	fromSnapshot := enrol(t, lt, demo.SportsDesk, nil)
	served := 0
	if m := metric(t, lt.URL, "ledger_snapshots_served_total"); m != "1" {
		t.Fatalf("snapshots served: %q, want 1", m)
	}

	// A second terminal, downloading the log.
	_, token := lt.AddTerminal(t, demo.SportsDesk)
	path := filepath.Join(t.TempDir(), "balie.db")
	d, err := store.Open(ctx, path, store.Options{Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	pub, _ := d.PublicKey(ctx)
	resp, err := balisync.Enrol(ctx, nil, lt.URL, token, pub)
	if err != nil {
		t.Fatal(err)
	}
	d.Enrol(ctx, store.Enrolment{LedgerURL: lt.URL, TerminalID: resp.TerminalID, Secret: resp.Secret}, resp.Location)
	c, _ := balisync.NewClient(lt.URL, resp.TerminalID, resp.Secret, nil)
	logWorker := balisync.NewWorker(logOnly{d, d}, c, balisync.Options{Page: 500, Logger: quiet()})
	if err := logWorker.Sync(ctx); err != nil {
		t.Fatal(err)
	}

	compare := func(when string) {
		t.Helper()
		for i := range 200 {
			id := fmt.Sprintf("h-%07d", i)
			cards, err := lt.HolderCards(ctx, id)
			if err != nil || len(cards) == 0 {
				continue
			}
			for _, card := range cards {
				a, errA := fromSnapshot.db.LookupInput(ctx, string(card.Number))
				b, errB := d.LookupInput(ctx, string(card.Number))
				if (errA == nil) != (errB == nil) || balie.ErrorCode(errA) != balie.ErrorCode(errB) {
					t.Errorf("%s: card %s: %v from the snapshot, %v from the log", when, card.Number, errA, errB)
					continue
				}
				if errA != nil {
					continue
				}
				want, _ := lt.Holder(ctx, id)
				if a.Holder.Points != b.Holder.Points || a.Holder.Points != want.Points {
					t.Errorf("%s: %s has %d points from the snapshot, %d from the log, %d at the ledger", when, id, a.Holder.Points, b.Holder.Points, want.Points)
				}
				if len(a.Memberships) != len(b.Memberships) || a.Card != b.Card {
					t.Errorf("%s: %s: %+v from the snapshot, %+v from the log", when, id, a, b)
				}
				served++
			}
		}
	}
	compare("after the first download")
	if served < 150 {
		t.Fatalf("only %d cards compared", served)
	}
	// Both follow the log from here: a new act reaches both alike.
	more := desk.Event(balie.KindRewardRedemption, sportsClerk, now.Add(2*time.Second),
		balie.RewardRedemptionPayload{HolderID: "h-0000050", RewardID: "rw-zwembeurt", Points: 10})
	if _, _, p := lt.Ingest(ctx, desk.ID, desk.Request(more)); p != nil {
		t.Fatal(p)
	}
	fromSnapshot.heal(t)
	if err := logWorker.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	compare("after a later act")
}

// metric reads one value of the ledger's /metrics.
func metric(t *testing.T, base, name string) string {
	t.Helper()
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	for _, line := range strings.Split(string(body), "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			return v
		}
	}
	return ""
}

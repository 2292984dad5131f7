package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/balie/balie"
	"github.com/balie/balie/demo"
	"github.com/balie/balie/ledger"
	"github.com/balie/balie/ledger/ledgertest"
	"github.com/balie/balie/ledger/sqlite"
)

// TestBackup_whileServing copies a ledger that is serving, with balances
// still in its write-behind, through another read-only store (as `ledger
// backup` in another process does), and restores the copy: the same
// events, the same balances, journals that verify.
func TestBackup_whileServing(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 10, 21, 0, 0, 0, balie.Brussels())
	clock := func() time.Time { return now }
	lt := ledgertest.Start(t, ledgertest.Options{Holders: 80, Today: now, Now: clock, FlushInterval: -1})
	tm := ledgertest.Enrol(t, lt.Ledger, demo.BoxOfficeDesk)
	var evs []balie.JournalEvent
	for i := range 40 {
		h := "h-" + pad(i)
		evs = append(evs, tm.Event(balie.KindRewardRedemption, "staff-box-1", now.Add(-time.Hour+time.Duration(i)*time.Second),
			balie.RewardRedemptionPayload{HolderID: h, RewardID: "rw-koffie", Points: 5}))
	}
	if _, _, p := lt.Ingest(ctx, tm.ID, tm.Request(evs...)); p != nil {
		t.Fatal(p)
	}
	ro, err := sqlite.Open(ctx, lt.DB, sqlite.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	copyPath := filepath.Join(t.TempDir(), "backup.db")
	if err := ro.Backup(ctx, copyPath); err != nil {
		t.Fatalf("backup: %v", err)
	}
	if err := ro.Backup(ctx, copyPath); err == nil {
		t.Error("a backup over an existing file was written")
	}
	ro.Close()
	restored, err := sqlite.Open(ctx, copyPath, sqlite.Options{})
	if err != nil {
		t.Fatalf("open the backup: %v", err)
	}
	l := ledger.New(restored, ledger.Options{Now: clock})
	defer l.Close()
	if err := l.CheckBalances(ctx); err != nil {
		t.Error(err)
	}
	for i := range 40 {
		want, _ := lt.Holder(ctx, "h-"+pad(i))
		got, err := l.Holder(ctx, "h-"+pad(i))
		if err != nil || got.Points != want.Points {
			t.Errorf("%s: %d in the backup, %d serving (%v)", want.ID, got.Points, want.Points, err)
		}
	}
	var reports []ledger.JournalReport
	l.VerifyJournals(ctx, func(r ledger.JournalReport) { reports = append(reports, r) })
	if len(reports) != 1 || reports[0].Err != nil || reports[0].Events != 40 {
		t.Errorf("verify the backup: %+v", reports)
	}
}

func pad(i int) string { return fmt.Sprintf("%07d", i) }

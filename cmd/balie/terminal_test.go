package main

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/balie/balie"
	"github.com/balie/balie/demo"
	"github.com/balie/balie/ledger/ledgertest"
)

// TestOpenTerminal_enrol is a desk's first start and the next: enrolled
// with a token, the directory downloaded before the screen opens; then
// started again with no flags but its store.
func TestOpenTerminal_enrol(t *testing.T) {
	ctx := context.Background()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	lt := ledgertest.Start(t, ledgertest.Options{Holders: 50, Logger: quiet})
	_, token := lt.AddTerminal(t, demo.SportsDesk)
	db := filepath.Join(t.TempDir(), "balie.db")

	tm, err := openTerminal(ctx, appConfig{db: db, ledger: lt.URL, enrol: token}, quiet)
	if err != nil {
		t.Fatalf("first start: %v", err)
	}
	if tm.worker == nil || tm.desk.ID != demo.SportsDesk {
		t.Fatalf("after enrolment: worker %v, desk %q; want a worker and %s", tm.worker != nil, tm.desk.ID, demo.SportsDesk)
	}
	if l, err := tm.db.LookupInput(ctx, "0900000095902"); err != nil || l.Holder.FirstName != "Tom" {
		t.Errorf("the directory did not arrive: %+v, %v", l.Holder, err)
	}
	res, err := tm.db.PayMembership(ctx, "staff-sport-1", balie.MembershipRequest{Card: "0900000095902", ProgramID: demo.ProgramSports, Payment: balie.PayCash})
	if err != nil {
		t.Fatal(err)
	}
	if err := tm.worker.Sync(ctx); err != nil {
		t.Fatalf("sync: %v", err)
	}
	if _, err := lt.Event(ctx, res.ID); err != nil {
		t.Errorf("the act did not reach the ledger: %v", err)
	}
	tm.close()

	// A token is spent: the next start needs none.
	tm, err = openTerminal(ctx, appConfig{db: db}, quiet)
	if err != nil {
		t.Fatalf("second start: %v", err)
	}
	defer tm.close()
	if tm.worker == nil || tm.desk.ID != demo.SportsDesk {
		t.Errorf("second start: worker %v, desk %q", tm.worker != nil, tm.desk.ID)
	}
	if _, err := openTerminal(ctx, appConfig{db: filepath.Join(t.TempDir(), "x.db"), ledger: lt.URL, enrol: token}, quiet); err == nil {
		t.Errorf("a spent token enrolled another terminal")
	}
}

// TestTerminal_syncState: an act counts in the header the moment it is
// recorded, before the worker's next round; and the worker polls and
// retries often enough for the header to follow the ledger within 5 s.
func TestTerminal_syncState(t *testing.T) {
	ctx := context.Background()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	lt := ledgertest.Start(t, ledgertest.Options{Holders: 50, Logger: quiet})
	_, token := lt.AddTerminal(t, demo.SportsDesk)
	tm, err := openTerminal(ctx, appConfig{db: filepath.Join(t.TempDir(), "balie.db"), ledger: lt.URL, enrol: token}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer tm.close()
	// The worker stopped, as if its next round were far away.
	tm.worker.Stop()
	if _, err := tm.db.PayMembership(ctx, "staff-sport-1", balie.MembershipRequest{Card: "0900000095902", ProgramID: demo.ProgramSports, Payment: balie.PayCard}); err != nil {
		t.Fatal(err)
	}
	if st := tm.syncState()(); st.Queued != 1 || st.Oldest.IsZero() {
		t.Errorf("header state %+v, want the act counted at once", st)
	}
	o := workerOptions(quiet, time.Now)
	if o.Poll > 4*time.Second || o.MaxBackoff > 4*time.Second {
		t.Errorf("poll %s, max backoff %s: the header could lag the ledger by more than 5 s", o.Poll, o.MaxBackoff)
	}
}

package sqlite_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/balie/balie"
	"github.com/balie/balie/demo"
	"github.com/balie/balie/ledger"
	"github.com/balie/balie/ledger/ledgertest"
	"github.com/balie/balie/ledger/sqlite"
	balisync "github.com/balie/balie/sync"
)

// copyFixture copies a committed ledger file to a temporary folder.
func copyFixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "ledger.db")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestOpen_upgradesTheLastRelease opens a ledger made by the previous
// release (testdata/ledger-v1.db: a demo city of 60 holders, one terminal
// with five events, written by schema 1) and checks that it is migrated
// in place with nothing lost: the directory, the balances, the change
// log, and the terminal, which gives its key and goes on signing.
func TestOpen_upgradesTheLastRelease(t *testing.T) {
	path := copyFixture(t, "ledger-v1.db")
	ctx := context.Background()
	if _, err := sqlite.Open(ctx, path, sqlite.Options{ReadOnly: true}); err == nil || !strings.Contains(err.Error(), "schema 1") {
		t.Errorf("a read-only open of an old file: %v, want a refusal that names the schema", err)
	}
	now := time.Date(2026, 3, 10, 21, 30, 0, 0, balie.Brussels())
	s, err := sqlite.Open(ctx, path, sqlite.Options{})
	if err != nil {
		t.Fatalf("open the previous release's ledger: %v", err)
	}
	l := ledger.New(s, ledger.Options{Now: func() time.Time { return now }})
	defer l.Close()
	if st, err := l.Stats(ctx); err != nil || st.Holders != 60 || st.Events != 5 {
		t.Errorf("stats after the upgrade: %+v %v", st, err)
	}
	// What the five events applied: Tom checked in and bought a coffee;
	// Kevin's check-in was voided; h-0000002 checked in.
	initial := map[string]int{}
	s.Read(ctx, func(tx ledger.ReadTx) error {
		return tx.Balances(func(h string, i, _ int) error { initial[h] = i; return nil })
	})
	for id, delta := range map[string]int{"h-0000000": 1 - 5, "h-0000001": 0, "h-0000002": 1} {
		h, err := l.Holder(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if h.Points != initial[id]+delta {
			t.Errorf("%s has %d points after the upgrade, want %d", id, h.Points, initial[id]+delta)
		}
	}
	if initial["h-0000000"] != 23 {
		t.Errorf("Tom started with %d points, want 23", initial["h-0000000"])
	}
	if err := l.CheckBalances(ctx); err != nil {
		t.Error(err)
	}
	desk, err := l.Desk(ctx, demo.BoxOfficeDesk)
	if err != nil || desk.OrganiserID != demo.OrgCulture {
		t.Errorf("the desk after the upgrade: %+v %v", desk, err)
	}
	if units, err := l.RewardUnits(ctx, "rw-koffie"); err != nil || units != 1 {
		t.Errorf("units of rw-koffie: %d %v, want 1", units, err)
	}
	err = s.Read(ctx, func(tx ledger.ReadTx) error {
		data, ok, err := tx.Entity(balie.ChangeCardPrices, demo.CardSystemLier)
		if err != nil || !ok {
			t.Errorf("card prices after the upgrade: %v %v", ok, err)
			return err
		}
		var table balie.CardPrices
		if err := json.Unmarshal(data, &table); err != nil || len(table.Rules) < 2 || table.CardSystem != demo.CardSystemLier {
			t.Errorf("card prices: %s %v", data, err)
		}
		if _, ok, _ := tx.Entity(balie.ChangeLimits, "offline"); !ok {
			t.Error("the offline limits were lost")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The terminal of the old release had no key: it gives one and goes on.
	terms, _ := l.Terminals(ctx)
	if len(terms) != 1 || terms[0].Signed || terms[0].LastSeq != 5 {
		t.Fatalf("terminals: %+v", terms)
	}
	tm := &ledgertest.Terminal{ID: terms[0].ID, Key: ledgertest.NewKey(t), Seq: 5}
	var events []ledger.StoredEvent
	l.Export(ctx, func(e ledger.StoredEvent) error { events = append(events, e); return nil })
	tm.Prev = events[len(events)-1].Hash
	e := tm.Event(balie.KindCheckin, "staff-box-1", now.Add(-10*time.Minute), balie.CheckinPayload{HolderID: "h-0000003", EventID: "ev-20260310-cc-avond", Points: 1})
	if _, _, p := l.Ingest(ctx, tm.ID, tm.Request(e)); p == nil || p.Code != balisync.CodeKeyMissing {
		t.Errorf("an upload before the key: %+v, want key_missing", p)
	}
	if p := l.RegisterKey(ctx, tm.ID, tm.PublicKey()); p != nil {
		t.Fatalf("register the key: %+v", p)
	}
	resp, _, p := l.Ingest(ctx, tm.ID, tm.Request(e))
	if p != nil || resp.Verdicts[0].Status != balisync.Accepted {
		t.Fatalf("the first signed upload: %+v %+v", resp, p)
	}
	var reports []ledger.JournalReport
	l.VerifyJournals(ctx, func(r ledger.JournalReport) { reports = append(reports, r) })
	if len(reports) != 1 || reports[0].Err != nil || reports[0].SignedUpTo != 6 {
		t.Errorf("verify: %+v (the first signature covers the journal before it)", reports)
	}
	cursor, n := "", 0
	for {
		page, p := l.Changes(ctx, cursor, 0)
		if p != nil {
			t.Fatal(p)
		}
		n += len(page.Changes)
		if cursor = page.Next; !page.More {
			break
		}
	}
	if n < 200 {
		t.Errorf("a first download after the upgrade holds %d changes", n)
	}
}

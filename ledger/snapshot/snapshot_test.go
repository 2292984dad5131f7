package snapshot_test

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/balie/balie"
	"github.com/balie/balie/demo"
	"github.com/balie/balie/ledger"
	"github.com/balie/balie/ledger/ledgertest"
	"github.com/balie/balie/ledger/snapshot"
	"github.com/balie/balie/ledger/sqlite"
)

// plain hides an engine's own snapshot writer, so that Build replays the
// change log.
type plain struct{ ledger.Store }

// rows reads a snapshot's tables as sorted text.
func rows(t *testing.T, path string) map[string][]string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	out := map[string][]string{}
	for table, q := range map[string]string{
		"holders":     `SELECT * FROM holders ORDER BY id`,
		"cards":       `SELECT * FROM cards ORDER BY number`,
		"memberships": `SELECT * FROM memberships ORDER BY holder_id, program_id, start`,
		"changes":     `SELECT kind, key, data FROM changes ORDER BY kind, key`,
		"cursor":      `SELECT value FROM snapshot WHERE key IN ('format', 'cursor') ORDER BY key`,
	} {
		r, err := db.Query(q)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := r.Columns()
		for r.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			r.Scan(ptrs...)
			out[table] = append(out[table], fmt.Sprint(vals...))
		}
		r.Close()
	}
	return out
}

// TestBuild_sameEitherWay: the SQLite engine's own snapshot and one
// replayed from the change log hold the same directory, after acts that
// changed balances, a card and a membership.
func TestBuild_sameEitherWay(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 10, 21, 0, 0, 0, balie.Brussels())
	lt := ledgertest.Start(t, ledgertest.Options{Holders: 150, Today: now, Now: func() time.Time { return now }, FlushInterval: -1})
	// The snapshot the server makes at its start logs the children
	// again; the two below must read the same log.
	if err := lt.Server.WarmSnapshot(ctx); err != nil {
		t.Fatal(err)
	}
	tm := ledgertest.Enrol(t, lt.Ledger, demo.BoxOfficeDesk)
	var evs []balie.JournalEvent
	for i := range 20 {
		evs = append(evs, tm.Event(balie.KindRewardRedemption, "staff-box-1", now.Add(-time.Hour+time.Duration(i)*time.Second),
			balie.RewardRedemptionPayload{HolderID: fmt.Sprintf("h-%07d", i), RewardID: "rw-koffie", Points: 5}))
	}
	if _, _, p := lt.Ingest(ctx, tm.ID, tm.Request(evs...)); p != nil {
		t.Fatal(p)
	}
	dir := t.TempDir()
	own, generic := filepath.Join(dir, "own.db"), filepath.Join(dir, "generic.db")
	c1, err := snapshot.Build(ctx, lt.Store(), own)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := lt.Store().(*sqlite.Store); !ok {
		t.Fatal("the test needs the SQLite engine's own writer")
	}
	c2, err := snapshot.Build(ctx, plain{lt.Store()}, generic)
	if err != nil {
		t.Fatal(err)
	}
	if c1 != c2 || c1 == 0 {
		t.Fatalf("cursors %d and %d", c1, c2)
	}
	a, b := rows(t, own), rows(t, generic)
	for _, table := range []string{"holders", "cards", "memberships", "changes", "cursor"} {
		if len(a[table]) == 0 {
			t.Errorf("%s is empty", table)
		}
		if !reflect.DeepEqual(a[table], b[table]) {
			t.Errorf("%s differs: %d rows and %d rows", table, len(a[table]), len(b[table]))
			for i := range min(len(a[table]), len(b[table])) {
				if a[table][i] != b[table][i] {
					t.Errorf("first difference:\n%s\n%s", a[table][i], b[table][i])
					break
				}
			}
		}
	}
	// The balances the acts changed are in the snapshot.
	h, _ := lt.Holder(ctx, "h-0000003")
	found := false
	for _, r := range a["holders"] {
		if len(r) > 9 && r[:9] == "h-0000003" {
			found = r[len(r)-len(fmt.Sprint(h.Points)):] == fmt.Sprint(h.Points)
		}
	}
	if !found {
		t.Errorf("holder h-0000003 with %d points is not in the snapshot", h.Points)
	}
}

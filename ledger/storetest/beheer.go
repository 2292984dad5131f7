package storetest

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/balie/balie"
	"github.com/balie/balie/demo"
	"github.com/balie/balie/ledger"
)

// The back office's part of the seam (ledger.OfficeReader and
// ledger.OfficeWriter), each method held to the same behaviour on every
// engine.

// ExerciseOffice runs the back office's tests against the engine.
func ExerciseOffice(t *testing.T, e Engine) {
	tests := []struct {
		name string
		fn   func(*testing.T, Engine)
	}{
		{"Users", testUsers},
		{"Sessions", testSessions},
		{"Audit", testAudit},
		{"SearchHolders", testSearchHolders},
		{"INSZ", testINSZ},
		{"ReviewFlags", testReviewFlags},
		{"TerminalContacts", testTerminalContacts},
		{"ChangesByAudience", testChangesByAudience},
		{"HolderEventsAndCounts", testHolderEventsAndCounts},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if why, ok := e.Lacks[tt.name]; ok {
				t.Skipf("%s: %s", e.Name, why)
			}
			tt.fn(t, e)
		})
	}
}

func write(t *testing.T, l *ledger.Ledger, fn func(ledger.WriteTx) error) error {
	t.Helper()
	return l.Store().Write(context.Background(), fn)
}

func read(t *testing.T, l *ledger.Ledger, fn func(ledger.ReadTx) error) {
	t.Helper()
	if err := l.Store().Read(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

var at = time.Date(2026, 3, 10, 9, 30, 0, 123000000, time.UTC)

func testUsers(t *testing.T, e Engine) {
	v := newEnv(t, e, 10)
	u := ledger.UserRow{ID: "u-1", Name: "els", FullName: "Els", Role: balie.OfficeCoordinator, PasswordHash: "$argon2id$x", Created: at, Updated: at}
	if err := write(t, v.l, func(tx ledger.WriteTx) error { return tx.PutUser(u) }); err != nil {
		t.Fatal(err)
	}
	u2 := ledger.UserRow{ID: "u-2", Name: "els", Role: balie.OfficeSteering, Created: at, Updated: at}
	if err := write(t, v.l, func(tx ledger.WriteTx) error { return tx.PutUser(u2) }); !errors.Is(err, ledger.ErrIDTaken) {
		t.Errorf("a second account with the same name: %v, want ErrIDTaken", err)
	}
	u.Role, u.Organiser, u.Disabled = balie.OfficeOrganiser, demo.OrgCulture, true
	if err := write(t, v.l, func(tx ledger.WriteTx) error { return tx.PutUser(u) }); err != nil {
		t.Fatal(err)
	}
	read(t, v.l, func(tx ledger.ReadTx) error {
		got, ok, err := tx.UserByName("els")
		if err != nil || !ok || got.ID != "u-1" || got.Role != balie.OfficeOrganiser || got.Organiser != demo.OrgCulture || !got.Disabled || !got.Created.Equal(at) {
			t.Errorf("by name: %+v %v %v", got, ok, err)
		}
		if _, ok, _ := tx.User("u-2"); ok {
			t.Error("the refused account was kept")
		}
		all, err := tx.Users()
		if err != nil || len(all) != 1 {
			t.Errorf("users: %+v %v", all, err)
		}
		return nil
	})
}

func testSessions(t *testing.T, e Engine) {
	v := newEnv(t, e, 10)
	s1 := ledger.SessionRow{TokenHash: "a", User: "u-1", Created: at, Expires: at.Add(time.Hour)}
	s2 := ledger.SessionRow{TokenHash: "b", User: "u-1", Created: at, Expires: at.Add(10 * time.Hour)}
	s3 := ledger.SessionRow{TokenHash: "c", User: "u-2", Created: at, Expires: at.Add(10 * time.Hour)}
	if err := write(t, v.l, func(tx ledger.WriteTx) error {
		return errors.Join(tx.PutSession(s1), tx.PutSession(s2), tx.PutSession(s3))
	}); err != nil {
		t.Fatal(err)
	}
	// Pruned by time: the hour-long one only.
	if err := write(t, v.l, func(tx ledger.WriteTx) error { return tx.PruneSessions(at.Add(2 * time.Hour)) }); err != nil {
		t.Fatal(err)
	}
	read(t, v.l, func(tx ledger.ReadTx) error {
		if _, ok, _ := tx.Session("a"); ok {
			t.Error("an expired session survived pruning")
		}
		got, ok, err := tx.Session("b")
		if !ok || err != nil || got.User != "u-1" || !got.Expires.Equal(s2.Expires) {
			t.Errorf("session b: %+v %v %v", got, ok, err)
		}
		return nil
	})
	if err := write(t, v.l, func(tx ledger.WriteTx) error { return errors.Join(tx.DeleteSessions("u-1"), tx.DeleteSession("c")) }); err != nil {
		t.Fatal(err)
	}
	read(t, v.l, func(tx ledger.ReadTx) error {
		for _, h := range []string{"b", "c"} {
			if _, ok, _ := tx.Session(h); ok {
				t.Errorf("session %s survived its deletion", h)
			}
		}
		return nil
	})
}

func testAudit(t *testing.T, e Engine) {
	v := newEnv(t, e, 10)
	// The seed wrote its own entries; these come after.
	var before int
	read(t, v.l, func(tx ledger.ReadTx) error {
		return tx.Audit(ledger.AuditQuery{}, func(ledger.AuditEntry) error { before++; return nil })
	})
	if before == 0 {
		t.Error("the demo seed left no audit entry: it did not go through the back office's write path")
	}
	entries := []ledger.AuditEntry{
		{At: at, Actor: "u-1", ActorName: "Els", Action: "desk.save", Kind: "desk", Entity: "d-1", Organiser: "org-a", After: []byte(`{"ID":"d-1"}`)},
		{At: at.Add(time.Second), Actor: "u-1", ActorName: "Els", Action: "desk.save", Kind: "desk", Entity: "d-2", Organiser: "org-b", Before: []byte(`{"a":1}`), After: []byte(`{"a":2}`)},
		{At: at.Add(2 * time.Second), Actor: "u-2", ActorName: "Jan", Action: "desk.save", Kind: "desk", Entity: "d-3", Organiser: "org-a"},
	}
	if err := write(t, v.l, func(tx ledger.WriteTx) error {
		for _, x := range entries {
			if err := tx.AddAudit(x); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	var got []ledger.AuditEntry
	read(t, v.l, func(tx ledger.ReadTx) error {
		return tx.Audit(ledger.AuditQuery{Organiser: "org-a"}, func(x ledger.AuditEntry) error { got = append(got, x); return nil })
	})
	if len(got) != 2 || got[0].Entity != "d-3" || got[1].Entity != "d-1" || !got[1].At.Equal(at) || !bytes.Equal(got[1].After, entries[0].After) || len(got[0].After) != 0 {
		t.Fatalf("org-a, newest first: %+v", got)
	}
	// Paging: the entries before the newest.
	var page []ledger.AuditEntry
	read(t, v.l, func(tx ledger.ReadTx) error {
		return tx.Audit(ledger.AuditQuery{Before: got[0].ID, Limit: 1}, func(x ledger.AuditEntry) error { page = append(page, x); return nil })
	})
	if len(page) != 1 || page[0].Entity != "d-2" || string(page[0].Before) != `{"a":1}` {
		t.Errorf("the page before %d: %+v", got[0].ID, page)
	}
}

func testSearchHolders(t *testing.T, e Engine) {
	v := newEnv(t, e, 300)
	h := balie.Holder{ID: "h-zoek", FirstName: "Élise", LastName: "Van Dyck-Ørsted", BirthDate: today.AddDate(-30, 0, 0), PostalCode: "2500", CardSystems: []string{demo.CardSystemLier}}
	if err := write(t, v.l, func(tx ledger.WriteTx) error { return tx.PutHolder(h, 0) }); err != nil {
		t.Fatal(err)
	}
	search := func(q string) []string {
		var ids []string
		read(t, v.l, func(tx ledger.ReadTx) error {
			hs, err := tx.SearchHolders(balie.SearchKey(q), 50)
			for _, x := range hs {
				ids = append(ids, x.ID)
			}
			return err
		})
		return ids
	}
	for _, q := range []string{"van dyck", "VAN DYCK ORSTED elise", "élise", "elise van"} {
		if ids := search(q); !slices.Contains(ids, "h-zoek") {
			t.Errorf("search %q: %v, want h-zoek", q, ids)
		}
	}
	if ids := search("dyck"); slices.Contains(ids, "h-zoek") {
		t.Error("a word inside the name found the holder: the search is by the start of a name")
	}
	// The demo's Peeters family, by last name, ordered by it.
	ids := search("peeters")
	if len(ids) < 2 || !slices.Contains(ids, "h-0000000") {
		t.Errorf("peeters: %v", ids)
	}
	if n := len(search("p")); n > 50 || n == 0 {
		t.Errorf("a one-letter search gave %d, want 1 to 50", n)
	}
	// A changed name is found by its new name only.
	h.LastName = "Janssen"
	if err := write(t, v.l, func(tx ledger.WriteTx) error { return tx.PutHolder(h, 0) }); err != nil {
		t.Fatal(err)
	}
	if ids := search("van dyck"); slices.Contains(ids, "h-zoek") {
		t.Error("the old name still finds the holder")
	}
	if ids := search("janssen elise"); !slices.Contains(ids, "h-zoek") {
		t.Error("the new name does not find the holder")
	}
}

func testINSZ(t *testing.T, e Engine) {
	v := newEnv(t, e, 10)
	if err := write(t, v.l, func(tx ledger.WriteTx) error { return tx.SetINSZ(tom, "85073003328") }); err != nil {
		t.Fatal(err)
	}
	if err := write(t, v.l, func(tx ledger.WriteTx) error { return tx.SetINSZ(kevin, "85073003328") }); !errors.Is(err, ledger.ErrIDTaken) {
		t.Errorf("another holder's number: %v, want ErrIDTaken", err)
	}
	read(t, v.l, func(tx ledger.ReadTx) error {
		id, ok, err := tx.HolderByINSZ("85073003328")
		if id != tom || !ok || err != nil {
			t.Errorf("by number: %q %v %v", id, ok, err)
		}
		if _, ok, _ := tx.HolderINSZ(kevin); ok {
			t.Error("the refused number was kept")
		}
		return nil
	})
	if err := write(t, v.l, func(tx ledger.WriteTx) error { return tx.SetINSZ(tom, "") }); err != nil {
		t.Fatal(err)
	}
	read(t, v.l, func(tx ledger.ReadTx) error {
		if _, ok, _ := tx.HolderINSZ(tom); ok {
			t.Error("a removed number is still kept")
		}
		return nil
	})
	// Never in the change log.
	resp, p := v.l.Changes(context.Background(), "", 0)
	if p != nil {
		t.Fatal(p)
	}
	for _, c := range resp.Changes {
		if bytes.Contains(c.Data, []byte("85073003328")) {
			t.Errorf("change %d holds the national register number", c.Seq)
		}
	}
}

func testReviewFlags(t *testing.T, e Engine) {
	v := newEnv(t, e, 50)
	tm := v.enrol(t, demo.SportsDesk)
	h := v.c.holder(t, tom)
	ev := v.c.eventToday(t, func(e balie.Event) bool { return strings.HasSuffix(e.ID, "-zwemmen") })
	p := checkin(h, ev)
	p.Points = 9 // more than the catalogue gives: adjusted and flagged
	verdictOf(t, v.l, tm, tm.next(balie.KindCheckin, p))
	var open []ledger.ReviewRow
	read(t, v.l, func(tx ledger.ReadTx) error {
		var err error
		open, err = tx.ReviewFlags(ledger.FlagQuery{})
		return err
	})
	if len(open) == 0 || open[0].Terminal != tm.ID || open[0].Code != ledger.CodePointsCorrected || open[0].Kind != balie.KindCheckin || open[0].Resolution != nil {
		t.Fatalf("open flags: %+v", open)
	}
	key := open[0].Key
	res := ledger.FlagResolution{Flag: key, Outcome: balie.OutcomeWrittenOff, Note: "afgeschreven", By: "u-1", ByName: "Els", At: at}
	if err := write(t, v.l, func(tx ledger.WriteTx) error { return tx.ResolveFlag(res) }); err != nil {
		t.Fatal(err)
	}
	if err := write(t, v.l, func(tx ledger.WriteTx) error { return tx.ResolveFlag(res) }); !errors.Is(err, ledger.ErrNotOpen) {
		t.Errorf("resolved twice: %v, want ErrNotOpen", err)
	}
	if err := write(t, v.l, func(tx ledger.WriteTx) error { return tx.ResolveFlag(ledger.FlagResolution{Flag: "no-such"}) }); !errors.Is(err, ledger.ErrNotOpen) {
		t.Errorf("an unknown flag: %v, want ErrNotOpen", err)
	}
	read(t, v.l, func(tx ledger.ReadTx) error {
		f, ok, err := tx.ReviewFlag(key)
		if !ok || err != nil || f.Resolution == nil || f.Resolution.Outcome != balie.OutcomeWrittenOff || f.Resolution.Note != "afgeschreven" || !f.Resolution.At.Equal(at) {
			t.Errorf("the resolved flag: %+v %v %v", f, ok, err)
		}
		still, _ := tx.ReviewFlags(ledger.FlagQuery{})
		done, _ := tx.ReviewFlags(ledger.FlagQuery{Resolved: true})
		if len(still) != len(open)-1 || len(done) != 1 || done[0].Key != key {
			t.Errorf("open %d (was %d), resolved %+v", len(still), len(open), done)
		}
		flags, _ := tx.Flags()
		for _, x := range flags {
			if x.EventID == f.EventID {
				t.Error("a resolved flag is still among the core's open flags")
			}
		}
		return nil
	})
}

func testTerminalContacts(t *testing.T, e Engine) {
	v := newEnv(t, e, 10)
	put := func(cs ...ledger.TerminalContact) {
		if err := write(t, v.l, func(tx ledger.WriteTx) error { return tx.PutTerminalContacts(cs) }); err != nil {
			t.Fatal(err)
		}
	}
	put(ledger.TerminalContact{Terminal: "t-1", At: at, Queue: 3, Version: "1.0"}, ledger.TerminalContact{Terminal: "t-2", At: at, Queue: 0, Version: "1.0"})
	// A process that saw t-1 earlier does not move its contact back.
	put(ledger.TerminalContact{Terminal: "t-1", At: at.Add(-time.Minute), Queue: 9, Version: "0.9"}, ledger.TerminalContact{Terminal: "t-2", At: at.Add(time.Minute), Queue: 1, Version: "1.1"})
	read(t, v.l, func(tx ledger.ReadTx) error {
		cs, err := tx.TerminalContacts()
		if err != nil || len(cs) != 2 {
			t.Fatalf("contacts: %+v %v", cs, err)
		}
		if cs[0].Queue != 3 || cs[0].Version != "1.0" || !cs[0].At.Equal(at) || cs[1].Queue != 1 || cs[1].Version != "1.1" {
			t.Errorf("contacts: %+v", cs)
		}
		return nil
	})
}

func testChangesByAudience(t *testing.T, e Engine) {
	v := newEnv(t, e, 10)
	var last int64
	read(t, v.l, func(tx ledger.ReadTx) error {
		var err error
		last, err = tx.LastChange()
		return err
	})
	if err := write(t, v.l, func(tx ledger.WriteTx) error {
		return errors.Join(
			tx.Change(ledger.Change{Kind: "child", Key: "k-a", Data: []byte(`{"a":1}`), Audience: "childcare/org-a"}),
			tx.Change(ledger.Change{Kind: "event", Key: "k-all", Data: []byte(`{}`)}),
			tx.Change(ledger.Change{Kind: "child", Key: "k-b", Data: []byte(`{"b":1}`), Audience: "childcare/org-b"}))
	}); err != nil {
		t.Fatal(err)
	}
	keys := func(auds ...string) []string {
		var out []string
		read(t, v.l, func(tx ledger.ReadTx) error {
			return tx.ChangesFor(last, 100, auds, func(_ int64, kind, key []byte, _ bool, _ []byte) { out = append(out, string(key)) })
		})
		return out
	}
	if got := keys(""); !slices.Equal(got, []string{"k-all"}) {
		t.Errorf("everyone's: %v", got)
	}
	if got := keys("", "childcare/org-a"); !slices.Equal(got, []string{"k-a", "k-all"}) {
		t.Errorf("org-a's desk: %v", got)
	}
	var restricted []ledger.Change
	read(t, v.l, func(tx ledger.ReadTx) error {
		return tx.RestrictedChanges(last+3, func(c ledger.Change) error { restricted = append(restricted, c); return nil })
	})
	var rkeys []string
	for _, c := range restricted {
		if c.Kind == "child" && c.Key[:2] == "k-" {
			rkeys = append(rkeys, c.Key+"/"+c.Audience)
		}
	}
	if !slices.Equal(rkeys, []string{"k-a/childcare/org-a", "k-b/childcare/org-b"}) {
		t.Errorf("restricted: %v", rkeys)
	}
	// Logged again, the restricted ones come after every seq before.
	n, err := v.l.RelogRestricted(context.Background(), last+3)
	if err != nil || n < 2 {
		t.Fatalf("relog: %d %v", n, err)
	}
	if got := keys("childcare/org-b"); !slices.Equal(got, []string{"k-b"}) {
		t.Errorf("after the relog, org-b's: %v", got)
	}
	var after []string
	read(t, v.l, func(tx ledger.ReadTx) error {
		return tx.ChangesFor(last+3, 100, []string{"childcare/org-a", "childcare/org-b"}, func(_ int64, _, key []byte, _ bool, _ []byte) {
			after = append(after, string(key))
		})
	})
	if !slices.Contains(after, "k-a") || !slices.Contains(after, "k-b") {
		t.Errorf("after the cursor of a snapshot taken before the relog: %v", after)
	}
	// A change of the same entity without an audience makes it every
	// terminal's.
	if err := write(t, v.l, func(tx ledger.WriteTx) error {
		return tx.Change(ledger.Change{Kind: "child", Key: "k-a", Data: []byte(`{"a":2}`)})
	}); err != nil {
		t.Fatal(err)
	}
	if got := keys(""); !slices.Contains(got, "k-a") {
		t.Errorf("the latest change sets the audience: %v", got)
	}
}

func testHolderEventsAndCounts(t *testing.T, e Engine) {
	v := newEnv(t, e, 200)
	tm := v.enrol(t, demo.SportsDesk)
	h := v.c.holder(t, tom)
	ev := v.c.eventToday(t, func(e balie.Event) bool { return strings.HasSuffix(e.ID, "-zwemmen") })
	verdictOf(t, v.l, tm, tm.next(balie.KindCheckin, checkin(h, ev)))
	var hist []ledger.StoredEvent
	var counts ledger.HolderCounts
	read(t, v.l, func(tx ledger.ReadTx) error {
		if err := tx.HolderEvents(tom, 10, func(e ledger.StoredEvent) error { hist = append(hist, e); return nil }); err != nil {
			return err
		}
		var err error
		counts, err = tx.HolderCounts(today.Add(12 * time.Hour))
		return err
	})
	if len(hist) != 1 || hist[0].Kind != balie.KindCheckin || hist[0].Points != ev.PointsPerCheckin {
		t.Errorf("points history: %+v", hist)
	}
	social := 0
	for _, x := range v.c.holders {
		if x.Social {
			social++
		}
	}
	if counts.Holders != 200 || counts.Social < social || counts.Members == 0 || counts.ByPostalCode["2500"] == 0 {
		t.Errorf("counts: %+v (social with an active card %d)", counts, social)
	}
	total := 0
	for _, n := range counts.ByPostalCode {
		total += n
	}
	if total != counts.Holders {
		t.Errorf("by postal code %d, all %d", total, counts.Holders)
	}
}

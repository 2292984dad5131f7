package store

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/balie/balie"
)

// TestDB_RecentActs_thisDesk: the void list holds this desk's acts only,
// with whom each was for and whether it still waits for the ledger.
func TestDB_RecentActs_thisDesk(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "desk-box")
	if _, err := f.db.SellTickets(ctx, staffClerk, balie.TicketRequest{Card: cardRegular, EventID: "ev-show", Lines: []balie.TicketOrder{{TariffID: "t-reg", Quantity: 1}}, Payment: balie.PayCard}); err != nil {
		t.Fatal(err)
	}
	if err := f.db.SetDesk(ctx, "desk-sport"); err != nil {
		t.Fatal(err)
	}
	f.clock.Set(at(2026, 11, 25, 10, 0))
	ci, err := f.db.CheckIn(ctx, staffClerk, cardRegular, "ev-swim")
	if err != nil {
		t.Fatal(err)
	}
	acts, err := f.db.RecentActs(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(acts) != 1 || acts[0].ID != ci.ID || acts[0].HolderName != "Els Peeters" || !acts[0].Waiting {
		t.Fatalf("recent acts at the sports desk = %+v, want only its check-in, for Els Peeters, waiting", acts)
	}
	acknowledgeAll(t, f.db)
	if acts, _ = f.db.RecentActs(ctx, 10); len(acts) != 1 || acts[0].Waiting {
		t.Errorf("after the ledger acknowledged: %+v, want it no longer waiting", acts)
	}
}

// TestDB_CorrectAttendance: a wrong sign-out is put right by a new record
// with the reason and the staff member; the child is inside again.
func TestDB_CorrectAttendance(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "desk-bko")
	f.clock.Set(at(2026, 11, 25, 15, 40))
	in, err := f.db.SignIn(ctx, staffClerk, "h-child")
	if err != nil {
		t.Fatal(err)
	}
	f.clock.Set(at(2026, 11, 25, 16, 0))
	out, err := f.db.SignOut(ctx, staffClerk, "h-child", balie.PickupProof{Code: "4321"})
	if err != nil {
		t.Fatal(err)
	}
	acts, err := f.db.RecentActs(ctx, 10)
	if err != nil || len(acts) != 2 || acts[0].ID != out.ID || acts[0].HolderName != "Lotte Janssens" {
		t.Fatalf("recent acts = %+v, %v; want the sign-out then the sign-in, for Lotte", acts, err)
	}
	_, err = f.db.CorrectAttendance(ctx, staffClerk, out.ID, " ")
	wantCode(t, err, balie.CodeVoidUnknown)
	f.clock.Set(at(2026, 11, 25, 16, 2))
	c, err := f.db.CorrectAttendance(ctx, staffClerk, out.ID, "verkeerd kind afgemeld")
	if err != nil {
		t.Fatalf("CorrectAttendance: %v", err)
	}
	present, _ := f.db.Present(ctx)
	if len(present) != 1 || present[0].HolderID != "h-child" || !present[0].Since.Equal(at(2026, 11, 25, 15, 40)) {
		t.Errorf("present after the correction = %+v, want Lotte, since 15:40", present)
	}
	_, err = f.db.CorrectAttendance(ctx, staffClerk, out.ID, "nog eens")
	wantCode(t, err, balie.CodeVoidTwice)
	from, _, _ := f.db.FirstPending(ctx)
	batch, _ := f.db.UploadBatch(ctx, from, 10)
	last := batch[len(batch)-1]
	var p balie.ChildCorrectionPayload
	if err := json.Unmarshal(last.Payload, &p); err != nil || last.Kind != balie.KindChildCorrection || last.ID != c.ID || last.Staff != staffClerk {
		t.Fatalf("last event %+v, want the correction by the clerk", last)
	}
	if want := (balie.ChildCorrectionPayload{ChildID: "h-child", ProviderID: "org-bko", Target: out.ID, Reason: "verkeerd kind afgemeld"}); p != want {
		t.Errorf("correction %+v, want %+v", p, want)
	}
	// A sign-in by mistake: the stay is struck.
	if _, err := f.db.CorrectAttendance(ctx, staffClerk, in.ID, "verkeerde kaart gescand"); err != nil {
		t.Fatal(err)
	}
	if present, _ = f.db.Present(ctx); len(present) != 0 {
		t.Errorf("present after striking the sign-in = %+v, want no one", present)
	}
	verify(t, f.db, 4)
}

// TestDB_Children_notes: a child's notes for staff reach the desk's list.
func TestDB_Children_notes(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "desk-bko")
	c, err := f.db.Child(ctx, "h-child")
	if err != nil {
		t.Fatal(err)
	}
	c.Notes = "Allergisch voor noten."
	l, err := f.db.NewLoader(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Child(c); err != nil {
		l.Abort()
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	list, err := f.db.Children(ctx, f.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range list {
		if k.HolderID == "h-child" && k.Notes != "Allergisch voor noten." {
			t.Errorf("notes %q, want the enrolment's", k.Notes)
		}
	}
}

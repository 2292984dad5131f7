package store

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/balie/balie"
)

func change(t *testing.T, seq int64, kind, key string, v any) balie.Change {
	t.Helper()
	c := balie.Change{Seq: seq, Kind: kind, Key: key}
	if v == nil {
		c.Deleted = true
		return c
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	c.Data = b
	return c
}

func TestDB_Acknowledge(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "desk-sport")
	ci, err := f.db.CheckIn(ctx, staffClerk, cardRegular, "ev-swim")
	if err != nil {
		t.Fatal(err)
	}
	second, err := f.db.CheckIn(ctx, staffClerk, cardSocial, "ev-swim")
	if err != nil {
		t.Fatal(err)
	}
	from, parked, err := f.db.FirstPending(ctx)
	if err != nil || from != 1 || parked != 0 {
		t.Fatalf("FirstPending = %d, %d, %v; want 1, none parked", from, parked, err)
	}
	batch, err := f.db.UploadBatch(ctx, from, 10)
	if err != nil || len(batch) != 2 {
		t.Fatalf("UploadBatch = %d events, %v; want 2", len(batch), err)
	}
	// The ledger accepts the first; the holder had spent points at another
	// desk meanwhile, so its balance is lower than this terminal thought.
	err = f.db.Acknowledge(ctx, []balie.Verdict{{ID: ci.ID, Seq: ci.Seq, Status: balie.VerdictAccepted}},
		[]balie.Balance{{HolderID: "h-regular", Points: 8}})
	if err != nil {
		t.Fatalf("Acknowledge: %v", err)
	}
	l, _ := f.db.LookupCard(ctx, cardRegular)
	if l.Holder.Points != 8 {
		t.Errorf("points after the ledger's balance = %d, want 8 (the ledger's, which includes this check-in)", l.Holder.Points)
	}
	l, _ = f.db.LookupCard(ctx, cardSocial)
	if l.Holder.Points != 3+2 {
		t.Errorf("points of the unacknowledged holder = %d, want 5", l.Holder.Points)
	}
	if from, _, _ := f.db.FirstPending(ctx); from != second.Seq {
		t.Errorf("FirstPending after the ack = %d, want %d", from, second.Seq)
	}
	// A verdict for an event this journal does not hold is an error, and
	// changes nothing.
	err = f.db.Acknowledge(ctx, []balie.Verdict{{ID: "other", Seq: second.Seq, Status: balie.VerdictAccepted}}, nil)
	if err == nil {
		t.Errorf("Acknowledge of a foreign id succeeded")
	}
	if err := f.db.Acknowledge(ctx, []balie.Verdict{{ID: second.ID, Seq: second.Seq, Status: balie.VerdictAdjusted, Code: "checkin_limit", NL: "Limiet overschreden.", EN: "Limit passed."}}, nil); err != nil {
		t.Fatal(err)
	}
	review, err := f.db.Review(ctx)
	if err != nil || len(review) != 1 || review[0].Code != "checkin_limit" || review[0].Kind != balie.KindCheckin {
		t.Fatalf("Review = %+v, %v; want the adjusted check-in", review, err)
	}
	if from, _, _ := f.db.FirstPending(ctx); from != 0 {
		t.Errorf("FirstPending with nothing left = %d, want 0", from)
	}
}

func TestDB_Park(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "desk-sport")
	ci, _ := f.db.CheckIn(ctx, staffClerk, cardRegular, "ev-swim")
	f.db.CheckIn(ctx, staffClerk, cardSocial, "ev-swim")
	if err := f.db.Park(ctx, ci.Seq, "event_conflict", "Conflict.", "Conflict."); err != nil {
		t.Fatal(err)
	}
	from, parked, err := f.db.FirstPending(ctx)
	if err != nil || from != ci.Seq+1 || parked != ci.Seq {
		t.Errorf("FirstPending = %d, parked %d, %v; want %d, parked %d", from, parked, err, ci.Seq+1, ci.Seq)
	}
	if r, _ := f.db.Review(ctx); len(r) != 1 || r[0].Status != "PARKED" {
		t.Errorf("Review = %+v, want the parked event", r)
	}
}

func TestDB_ApplyChanges(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "desk-box")
	// A membership sold here, then served back by the ledger: one row.
	if _, err := f.db.PayMembership(ctx, staffClerk, balie.MembershipRequest{Card: cardSocial, ProgramID: "p-friends", Payment: balie.PayCash}); err != nil {
		t.Fatal(err)
	}
	served := balie.Membership{HolderID: "h-social", ProgramID: "p-friends", Start: at(2026, 11, 25, 0, 0), End: at(2027, 9, 1, 0, 0)}
	newHolder := balie.Holder{ID: "h-new", FirstName: "Ann", LastName: "Smets", BirthDate: at(1999, 9, 9, 0, 0), PostalCode: "2500", CardSystems: []string{"lier"}, Points: 4}
	page := []balie.Change{
		change(t, 10, balie.ChangeHolder, "h-new", newHolder),
		change(t, 11, balie.ChangeCard, "0930000000019", balie.Card{Number: mustCard(t, "093000000001"), Status: balie.CardActive, CardSystem: "lier", HolderID: "h-new"}),
		change(t, 12, balie.ChangeCard, string(cardRegular), balie.Card{Number: cardRegular, Status: balie.CardBlocked, CardSystem: "lier", HolderID: "h-regular"}),
		change(t, 13, balie.ChangeMembership, balie.MembershipKey(served), served),
		change(t, 14, balie.ChangeBalance, "h-social", balie.Balance{HolderID: "h-social", Points: 40}),
		change(t, 15, balie.ChangeReward, "r-coffee", balie.RewardState{Reward: balie.Reward{ID: "r-coffee", OrganiserID: "org-cc", Name: "Gratis koffie", Kind: balie.RewardPoints, Points: 5, RedeemFrom: at(2026, 1, 1, 0, 0), TotalUnits: 2}, UnitsRedeemed: 2}),
		change(t, 16, balie.ChangeCardPrices, "lier", balie.CardPrices{CardSystem: "lier", Rules: balie.CardPriceTable{{Price: 700}}}),
		change(t, 17, balie.ChangeLimits, "offline", balie.OfflineLimits{RedeemPointsPerDay: 5}),
		change(t, 18, balie.ChangeTariff, "t-cpn", nil),
		change(t, 19, "a_kind_from_the_future", "x", map[string]int{"x": 1}),
	}
	if err := f.db.ApplyChanges(ctx, page, "19"); err != nil {
		t.Fatalf("ApplyChanges: %v", err)
	}
	if c, _ := f.db.DownloadCursor(ctx); c != "19" {
		t.Errorf("cursor = %q, want 19", c)
	}
	l, err := f.db.LookupCard(ctx, mustCard(t, "093000000001"))
	if err != nil || l.Holder.FirstName != "Ann" || l.Holder.Points != 4 {
		t.Errorf("new holder = %+v, %v", l.Holder, err)
	}
	_, err = f.db.LookupCard(ctx, cardRegular)
	wantCode(t, err, balie.CodeCardBlocked)
	l, _ = f.db.LookupCard(ctx, cardSocial)
	if len(l.Memberships) != 1 || l.Holder.Points != 40 {
		t.Errorf("after the ledger served the membership back: %d memberships, %d points; want 1, 40", len(l.Memberships), l.Holder.Points)
	}
	_, err = f.db.RedeemReward(ctx, staffClerk, cardSocial, "r-coffee")
	wantCode(t, err, balie.CodeRewardSoldOut)
	_, _, err = f.db.QuoteTickets(ctx, balie.TicketRequest{Card: cardSocial, EventID: "ev-show", Lines: []balie.TicketOrder{{TariffID: "t-cpn", Quantity: 1}}})
	wantCode(t, err, balie.CodeTariffUnknown)
	res, err := f.db.SellCard(ctx, staffClerk, balie.CardSaleRequest{Card: f.stock[0], HolderCard: cardSocial, Reason: balie.ReasonReplaceDefect, Payment: balie.PayCash})
	if err != nil || res.Price != 700 {
		t.Errorf("card price after the new table = %v, %v; want € 7,00", res.Price, err)
	}

	// A page that fails half-way leaves nothing of itself behind.
	bad := []balie.Change{
		change(t, 20, balie.ChangeBalance, "h-social", balie.Balance{HolderID: "h-social", Points: 1}),
		{Seq: 21, Kind: balie.ChangeHolder, Key: "h-x", Data: json.RawMessage(`{"ID": 12`)},
	}
	if err := f.db.ApplyChanges(ctx, bad, "21"); err == nil {
		t.Fatalf("ApplyChanges of a broken page succeeded")
	}
	if c, _ := f.db.DownloadCursor(ctx); c != "19" {
		t.Errorf("cursor after a failed page = %q, want 19", c)
	}
	if l, err := f.db.LookupCard(ctx, f.stock[0]); err != nil || l.Holder.Points != 40 {
		t.Errorf("points after a failed page = %d (%v), want 40", l.Holder.Points, err)
	}
}

// TestDB_RedeemReward_offlineLimit: two desks offline could spend the
// same points twice; the ledger's offline limit bounds how far.
func TestDB_RedeemReward_offlineLimit(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "desk-box")
	if err := f.db.ApplyChanges(ctx, []balie.Change{change(t, 1, balie.ChangeLimits, "offline", balie.OfflineLimits{RedeemPointsPerDay: 7})}, "1"); err != nil {
		t.Fatal(err)
	}
	first, err := f.db.RedeemReward(ctx, staffClerk, cardRegular, "r-coffee")
	if err != nil {
		t.Fatalf("first redemption: %v", err)
	}
	_, err = f.db.RedeemReward(ctx, staffClerk, cardRegular, "r-coffee")
	wantCode(t, err, balie.CodeOfflineLimit)
	// A clerk cannot approve past the limit; a supervisor can, on record.
	_, err = f.db.RedeemRewardOverride(ctx, staffClerk, staffClerk, cardRegular, "r-coffee")
	wantCode(t, err, balie.CodeNotAllowed)
	over, err := f.db.RedeemRewardOverride(ctx, staffClerk, staffSuper, cardRegular, "r-coffee")
	if err != nil {
		t.Fatalf("override: %v", err)
	}
	var p balie.RewardRedemptionPayload
	f.db.Journal(ctx, over.Seq, func(e balie.JournalEvent) error { return json.Unmarshal(e.Payload, &p) })
	if p.OverrideBy != staffSuper {
		t.Errorf("the override is recorded as approved by %q, want %s", p.OverrideBy, staffSuper)
	}
	// Undone again, so the reward's two units serve the rest of the test.
	if _, err := f.db.Void(ctx, staffClerk, staffSuper, over.ID, "test"); err != nil {
		t.Fatal(err)
	}
	// Once the ledger acknowledged the first, the points are its to vouch for.
	if err := f.db.Acknowledge(ctx, []balie.Verdict{{ID: first.ID, Seq: first.Seq, Status: balie.VerdictAccepted}}, []balie.Balance{{HolderID: "h-regular", Points: 7}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.RedeemReward(ctx, staffClerk, cardRegular, "r-coffee"); err != nil {
		t.Errorf("redemption after the ack: %v", err)
	}
}

func TestDB_Enrol(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "desk-box")
	e := Enrolment{LedgerURL: "https://ledger.example:8443", TerminalID: "0193aaaa-0000-7000-8000-000000000001", Secret: "s3cret"}
	if err := f.db.Enrol(ctx, e, "desk-sport"); err != nil {
		t.Fatalf("Enrol: %v", err)
	}
	got, err := f.db.Enrolment(ctx)
	if err != nil || got != e {
		t.Errorf("Enrolment = %+v, %v; want %+v", got, err, e)
	}
	if desk, _ := f.db.DeskID(ctx); desk != "desk-sport" {
		t.Errorf("desk = %s, want desk-sport", desk)
	}
	if _, err := f.db.CheckIn(ctx, staffClerk, cardRegular, "ev-swim"); err != nil {
		t.Fatal(err)
	}
	// A terminal with a journal cannot take another identity.
	if err := f.db.Enrol(ctx, Enrolment{TerminalID: "another"}, "desk-box"); err == nil {
		t.Errorf("re-enrolling a terminal with a journal under another id succeeded")
	}
}

// TestDB_BeginBulk: a first download runs without the secondary indexes
// and builds them at its end; a download cut off half-way gets them back
// at the next Open.
func TestDB_BeginBulk(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "desk-box")
	index := func(d *DB) int {
		n, _ := countRows(ctx, d.db, `SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name IN ('cards_chip', 'cards_holder', 'cards_stock', 'memberships_holder')`)
		return n
	}
	if err := f.db.BeginBulk(ctx); err != nil {
		t.Fatal(err)
	}
	if n := index(f.db); n != 0 {
		t.Fatalf("%d secondary indexes during a first download, want none", n)
	}
	m := balie.Membership{HolderID: "h-social", ProgramID: "p-sport", Start: at(2026, 11, 1, 0, 0), End: at(2027, 11, 1, 0, 0)}
	if err := f.db.ApplyChanges(ctx, []balie.Change{change(t, 1, balie.ChangeMembership, balie.MembershipKey(m), m)}, "1"); err != nil {
		t.Fatal(err)
	}
	if err := f.db.EndBulk(ctx); err != nil {
		t.Fatal(err)
	}
	if n := index(f.db); n != 4 {
		t.Errorf("%d secondary indexes after the first download, want 4", n)
	}
	if l, err := f.db.LookupInput(ctx, "04A1B2C3D4E5F6"); err != nil || l.Holder.ID != "h-regular" {
		t.Errorf("chip lookup after the bulk load: %v", err)
	}
	// A cursor says the replica is not empty: no bulk load then.
	if err := f.db.BeginBulk(ctx); err != nil || index(f.db) != 4 {
		t.Errorf("BeginBulk on a replica with a cursor dropped indexes (%v)", err)
	}

	g := newFixture(t, "desk-box")
	if err := g.db.BeginBulk(ctx); err != nil {
		t.Fatal(err)
	}
	path := g.db.Path()
	g.db.Close()
	d, err := Open(ctx, path, Options{Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if n := index(d); n != 4 {
		t.Errorf("%d secondary indexes after reopening a cut-off download, want 4", n)
	}
}

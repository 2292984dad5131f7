package store

import (
	"context"
	"flag"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/balie/balie"
)

// A desk upgraded to a new Balie opens the store the previous release
// wrote, migrates it in place and goes on: the fixture below is such a
// store, written by the release whose schema was migrations 0001-0003
// (main at a73093c) and committed as it came out. It must never be made
// again with newer code, or it would stop being the old release's file.
const releaseFixture = "testdata/store-0003.db"

// writeFixture makes a store like releaseFixture with the code at hand:
// before a release changes the schema, run
//
//	go test ./store -run TestWriteReleaseFixture -write-fixture testdata/store-NNNN.db
//
// and add that file to TestOpen_previousRelease.
var writeFixture = flag.String("write-fixture", "", "write a store with this release's schema and a day of acts to this file")

// The fixture's day: what its acts left behind, checked after the upgrade.
const (
	fixtureEvents  = 11 // journal events, the void included
	fixturePoints  = 8  // Els Peeters: 12, +1 at the show, -5 for a coffee
	fixtureSocial  = 3  // Mohamed El Amrani: 3, +1 at the show, voided
	fixtureNewCard = balie.CardNumber("4000000000014")
)

func TestWriteReleaseFixture(t *testing.T) {
	if *writeFixture == "" {
		t.Skip("only with -write-fixture FILE")
	}
	f := newFixture(t, "desk-box")
	ctx := context.Background()
	d := f.db
	step := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	_, err := d.OpenShift(ctx, staffClerk, 15000)
	step("open shift", err)
	_, err = d.CheckIn(ctx, staffClerk, cardRegular, "ev-show")
	step("check in", err)
	wrong, err := d.CheckIn(ctx, staffClerk, cardSocial, "ev-show")
	step("check in", err)
	_, err = d.SellTickets(ctx, staffClerk, balie.TicketRequest{Card: cardSocial, EventID: "ev-show", Lines: []balie.TicketOrder{{TariffID: "t-soc", Quantity: 1}}, Payment: balie.PayCash})
	step("social-tariff ticket", err)
	_, err = d.SellTickets(ctx, staffClerk, balie.TicketRequest{Card: cardRegular, EventID: "ev-show", Lines: []balie.TicketOrder{{TariffID: "t-reg", Quantity: 2}}, Payment: balie.PayCard})
	step("regular tickets", err)
	_, err = d.PayMembership(ctx, staffClerk, balie.MembershipRequest{Card: cardRegular, ProgramID: "p-friends", Payment: balie.PayCash})
	step("membership", err)
	_, err = d.SellCard(ctx, staffClerk, balie.CardSaleRequest{Card: f.stock[0],
		NewHolder: &balie.Holder{FirstName: "Noor", LastName: "Vermeulen", BirthDate: at(1999, 4, 4, 0, 0), PostalCode: "2500"},
		Reason:    balie.ReasonFirstCard, Payment: balie.PayCash})
	step("card sale", err)
	_, err = d.RedeemReward(ctx, staffClerk, cardRegular, "r-coffee")
	step("reward", err)
	_, err = d.Void(ctx, staffClerk, staffSuper, wrong.ID, "verkeerde kaart")
	step("void", err)
	step("set desk", d.SetDesk(ctx, "desk-bko"))
	f.clock.Set(at(2026, 11, 26, 15, 30))
	_, err = d.SignIn(ctx, staffClerk, "h-child")
	step("sign in", err)
	f.clock.Set(at(2026, 11, 26, 17, 45))
	_, err = d.SignOut(ctx, staffClerk, "h-child", balie.PickupProof{Code: "4321"})
	step("sign out", err)
	step("set desk", d.SetDesk(ctx, "desk-box"))
	if n := journalLen(t, d); n != fixtureEvents {
		t.Fatalf("the day made %d events, want %d", n, fixtureEvents)
	}
	// One self-contained file, as a desk's store is after a clean stop.
	if _, err := d.db.ExecContext(ctx, `VACUUM INTO ?`, *writeFixture); err != nil {
		t.Fatalf("write %s: %v", *writeFixture, err)
	}
}

// TestOpen_previousRelease opens a copy of the previous release's store
// with this code, as a desk's first start after an upgrade does.
func TestOpen_previousRelease(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "balie.db")
	copyFile(t, releaseFixture, path)
	var before int
	if err := rawVersion(t, path, &before); before != 3 || err != nil {
		t.Fatalf("the fixture's schema version is %d (%v), want 3: was it made again with newer code?", before, err)
	}
	clk := &clock{t: at(2026, 11, 27, 10, 0)}
	d, err := Open(ctx, path, Options{Now: clk.Now, Logger: quiet()})
	if err != nil {
		t.Fatalf("Open the previous release's store: %v", err)
	}
	defer d.Close()

	var after int
	if err := d.db.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&after); err != nil {
		t.Fatal(err)
	}
	files, _ := migrations.ReadDir("migrations")
	if after != len(files) {
		t.Errorf("schema version after open: %d, want %d (every migration applied)", after, len(files))
	}
	if err := d.IntegrityCheck(ctx); err != nil {
		t.Errorf("IntegrityCheck: %v", err)
	}
	verify(t, d, fixtureEvents)

	for _, c := range []struct {
		card   balie.CardNumber
		name   string
		points int
	}{
		{cardRegular, "Els Peeters", fixturePoints},
		{cardSocial, "Mohamed El Amrani", fixtureSocial},
		{fixtureNewCard, "Noor Vermeulen", 0},
	} {
		got, err := d.LookupCard(ctx, c.card)
		if err != nil {
			t.Errorf("LookupCard %s: %v", c.card, err)
			continue
		}
		if name := got.Holder.FirstName + " " + got.Holder.LastName; name != c.name || got.Holder.Points != c.points {
			t.Errorf("card %s: %s with %d points, want %s with %d", c.card, name, got.Holder.Points, c.name, c.points)
		}
	}
	if desk, err := d.DeskID(ctx); err != nil || desk != "desk-box" {
		t.Errorf("desk: %q, %v; want desk-box", desk, err)
	}
	if _, open, err := d.CurrentShift(ctx); err != nil || !open {
		t.Errorf("the till opened before the upgrade: open %v, %v; want still open", open, err)
	}
	acts, err := d.RecentActs(ctx, 20)
	if err != nil {
		t.Fatal(err)
	}
	voided := 0
	for _, a := range acts {
		if a.Voided {
			voided++
		}
	}
	if voided != 1 {
		t.Errorf("%d voided acts among the last, want 1", voided)
	}
	pending, _, err := d.UploadQueue(ctx)
	if err != nil || pending != fixtureEvents {
		t.Errorf("acts waiting for the ledger: %d, %v; want all %d", pending, err, fixtureEvents)
	}

	// The upgraded desk goes on recording on the same chain.
	if _, err := d.PayMembership(ctx, staffClerk, balie.MembershipRequest{Card: cardSocial, ProgramID: "p-friends", Payment: balie.PayCash}); err != nil {
		t.Fatalf("an act after the upgrade: %v", err)
	}
	verify(t, d, fixtureEvents+1)
}

// rawVersion reads a file's schema version without opening it as a
// store, which would migrate it.
func rawVersion(t *testing.T, path string, v *int) error {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if len(b) < 64 {
		return io.ErrUnexpectedEOF
	}
	// The SQLite header keeps user_version at offset 60, big-endian.
	*v = int(b[60])<<24 | int(b[61])<<16 | int(b[62])<<8 | int(b[63])
	return nil
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

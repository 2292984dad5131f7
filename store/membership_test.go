package store

import (
	"context"
	"testing"

	"github.com/balie/balie"
)

// TestDB_PayMembership_twiceToday: a second payment of the sports pass
// for the same holder on one day is refused until the clerk says "renew
// again"; the quote says so first, and the card shows one line with the
// latest end, valid.
func TestDB_PayMembership_twiceToday(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "desk-sport")
	req := balie.MembershipRequest{Card: cardRegular, ProgramID: "p-sport", Payment: balie.PayCard}
	q, err := f.db.QuoteMembership(ctx, req)
	if err != nil || q.Price != 4000 || q.PaidToday || q.Renewal || !q.End.Equal(at(2027, 11, 25, 0, 0)) {
		t.Fatalf("first quote %+v, %v; want € 40,00 until 25/11/2027, not paid today", q, err)
	}
	if _, err := f.db.PayMembership(ctx, staffClerk, req); err != nil {
		t.Fatal(err)
	}
	f.clock.Set(at(2026, 11, 25, 19, 31))
	if q, err = f.db.QuoteMembership(ctx, req); err != nil || !q.PaidToday || !q.Renewal || !q.End.Equal(at(2028, 11, 25, 0, 0)) {
		t.Fatalf("second quote %+v, %v; want paid today, a renewal to 25/11/2028", q, err)
	}
	_, err = f.db.PayMembership(ctx, staffClerk, req)
	wantCode(t, err, balie.CodeMembershipToday)
	req.RenewAgain = true
	res, err := f.db.PayMembership(ctx, staffClerk, req)
	if err != nil || !res.End.Equal(at(2028, 11, 25, 0, 0)) {
		t.Fatalf("renewed again: %+v, %v", res, err)
	}
	// And a third time it follows the second renewal, not today's.
	if q, _ = f.db.QuoteMembership(ctx, req); !q.End.Equal(at(2029, 11, 25, 0, 0)) {
		t.Errorf("third quote ends %s, want 25/11/2029", q.End)
	}
	l, err := f.db.LookupCard(ctx, cardRegular)
	if err != nil {
		t.Fatal(err)
	}
	var sport []balie.MembershipView
	for _, m := range l.Memberships {
		if m.ProgramID == "p-sport" {
			sport = append(sport, m)
		}
	}
	if len(sport) != 1 || !sport[0].Valid || !sport[0].End.Equal(at(2028, 11, 25, 0, 0)) {
		t.Errorf("the card shows the sports pass as %+v, want one valid line until 25/11/2028", sport)
	}
	// The next day, a payment needs no second yes.
	f.clock.Set(at(2026, 11, 26, 9, 0))
	if q, _ = f.db.QuoteMembership(ctx, balie.MembershipRequest{Card: cardRegular, ProgramID: "p-sport"}); q.PaidToday {
		t.Errorf("the next day the quote still says paid today")
	}
}

// TestDB_QuoteCard: the price of a card is known before the sale, from
// the holder's residence, age and status, and is the sale's price.
func TestDB_QuoteCard(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "desk-box")
	cases := []struct {
		name string
		req  balie.CardSaleRequest
	}{
		{"first card, adult resident", balie.CardSaleRequest{Reason: balie.ReasonFirstCard, NewHolder: &balie.Holder{FirstName: "An", LastName: "Claes", PostalCode: "2500", BirthDate: at(1990, 3, 5, 0, 0)}}},
		{"first card, a child", balie.CardSaleRequest{Reason: balie.ReasonFirstCard, NewHolder: &balie.Holder{FirstName: "Mo", LastName: "Claes", PostalCode: "2500", BirthDate: at(2018, 3, 5, 0, 0)}}},
		{"replacement, social tariff", balie.CardSaleRequest{Reason: balie.ReasonReplaceLost, HolderCard: cardSocial}},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			quoted, err := f.db.QuoteCard(ctx, c.req)
			if err != nil {
				t.Fatalf("QuoteCard: %v", err)
			}
			req := c.req
			req.Card, req.Payment = f.stock[i], balie.PayCard
			res, err := f.db.SellCard(ctx, staffClerk, req)
			if err != nil {
				t.Fatalf("SellCard: %v", err)
			}
			if res.Price != quoted {
				t.Errorf("quoted %v, sold at %v", quoted, res.Price)
			}
		})
	}
}

// TestDB_PayMembership_twiceToday_afterSync: the second payment is
// noticed also once the ledger served the first back (its row then no
// longer points at the payment).
func TestDB_PayMembership_twiceToday_afterSync(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "desk-sport")
	req := balie.MembershipRequest{Card: cardRegular, ProgramID: "p-sport", Payment: balie.PayCard}
	res, err := f.db.PayMembership(ctx, staffClerk, req)
	if err != nil {
		t.Fatal(err)
	}
	// The ledger's copy replaces the terminal's.
	l, err := f.db.NewLoader(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.membership(balie.Membership{HolderID: "h-regular", ProgramID: "p-sport", Start: res.Start, End: res.End}); err != nil {
		l.Abort()
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	q, err := f.db.QuoteMembership(ctx, req)
	if err != nil || !q.PaidToday {
		t.Errorf("quote after the ledger served the payment back: %+v, %v; want paid today", q, err)
	}
}

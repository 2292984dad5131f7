package store

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/balie/balie"
)

func TestDB_CheckIn(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "desk-box")
	res, err := f.db.CheckIn(ctx, staffClerk, cardRegular, "ev-show")
	if err != nil {
		t.Fatalf("CheckIn: %v", err)
	}
	if res.Points != 1 || res.Balance != 13 || res.Seq != 1 {
		t.Errorf("CheckIn = points %d balance %d seq %d, want 1, 13, 1", res.Points, res.Balance, res.Seq)
	}
	l, err := f.db.LookupCard(ctx, cardRegular)
	if err != nil {
		t.Fatalf("LookupCard: %v", err)
	}
	if l.Holder.Points != 13 {
		t.Errorf("points after check-in = %d, want 13", l.Holder.Points)
	}

	// A second scan the same day is refused kindly and records nothing.
	f.clock.Advance(10 * time.Minute)
	_, err = f.db.CheckIn(ctx, staffClerk, cardRegular, "ev-show")
	wantCode(t, err, balie.CodeCheckinLimit)
	if n := journalLen(t, f.db); n != 1 {
		t.Errorf("journal has %d events after a refused repeat, want 1", n)
	}

	cases := []struct {
		name  string
		card  balie.CardNumber
		event string
		at    time.Time
		code  balie.Code
	}{
		{"blocked card", f.blocked, "ev-show", at(2026, 11, 25, 19, 45), balie.CodeCardBlocked},
		{"unknown card", mustCard(t, "999999999999"), "ev-show", at(2026, 11, 25, 19, 45), balie.CodeCardUnknown},
		{"unknown event", cardSocial, "ev-nope", at(2026, 11, 25, 19, 45), balie.CodeEventUnknown},
		{"too early", cardSocial, "ev-show", at(2026, 11, 25, 18, 30), balie.CodeOutsideWindow},
		{"too late", cardSocial, "ev-show", at(2026, 11, 25, 22, 45), balie.CodeOutsideWindow},
		{"stock card", f.stock[0], "ev-show", at(2026, 11, 25, 19, 45), balie.CodeCardNotSold},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f.clock.Set(c.at)
			_, err := f.db.CheckIn(ctx, staffClerk, c.card, c.event)
			wantCode(t, err, c.code)
		})
	}
	if n := journalLen(t, f.db); n != 1 {
		t.Errorf("journal has %d events after refusals, want 1", n)
	}

	// The next day the limit starts again.
	f.clock.Set(at(2026, 11, 26, 19, 30))
	if _, err := f.db.CheckIn(ctx, staffClerk, cardRegular, "ev-swim"); err == nil {
		t.Errorf("check-in at yesterday's swim session succeeded")
	}
	verify(t, f.db, 1)
}

func TestDB_CheckIn_unknownStaff(t *testing.T) {
	f := newFixture(t, "desk-box")
	_, err := f.db.CheckIn(context.Background(), "st-nobody", cardRegular, "ev-show")
	wantCode(t, err, balie.CodeStaffUnknown)
}

func TestDB_SellTickets(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "desk-box")
	cases := []struct {
		name      string
		req       balie.TicketRequest
		wantTotal balie.Cents
		code      balie.Code
	}{
		{"regular without a card", balie.TicketRequest{EventID: "ev-show", Lines: []balie.TicketOrder{{TariffID: "t-reg", Quantity: 2}}, Payment: balie.PayCash}, 3600, ""},
		{"social without a card", balie.TicketRequest{EventID: "ev-show", Lines: []balie.TicketOrder{{TariffID: "t-soc", Quantity: 1}}, Payment: balie.PayCash}, 0, balie.CodeTariffNotAllowed},
		// The UiTPAS-tarief is every holder's: without the status it is
		// the regular price, never a refusal the queue could read.
		{"UiTPAS-tarief for a holder without the status", balie.TicketRequest{Card: cardRegular, EventID: "ev-show", Lines: []balie.TicketOrder{{TariffID: "t-soc", Quantity: 1}}, Payment: balie.PayCash}, 1800, ""},
		{"UiTPAS-tarief for an expired status", balie.TicketRequest{Card: f.expired, EventID: "ev-show", Lines: []balie.TicketOrder{{TariffID: "t-soc", Quantity: 1}}, Payment: balie.PayCash}, 1800, ""},
		{"social twice in one basket", balie.TicketRequest{Card: cardSocial, EventID: "ev-show", Lines: []balie.TicketOrder{{TariffID: "t-soc", Quantity: 1}, {TariffID: "t-soc", Quantity: 1}}, Payment: balie.PayCash}, 0, balie.CodeTicketLimit},
		{"social plus regular", balie.TicketRequest{Card: cardSocial, EventID: "ev-show", Lines: []balie.TicketOrder{{TariffID: "t-soc", Quantity: 1}, {TariffID: "t-reg", Quantity: 1}}, Payment: balie.PayCard}, 360 + 1800, ""},
		{"social again this month", balie.TicketRequest{Card: cardSocial, EventID: "ev-show", Lines: []balie.TicketOrder{{TariffID: "t-soc", Quantity: 1}}, Payment: balie.PayCash}, 0, balie.CodeTicketLimit},
		{"no payment method", balie.TicketRequest{EventID: "ev-show", Lines: []balie.TicketOrder{{TariffID: "t-reg", Quantity: 1}}}, 0, balie.CodeAmountInvalid},
		{"no lines", balie.TicketRequest{EventID: "ev-show", Payment: balie.PayCash}, 0, balie.CodeQuantityInvalid},
		{"zero quantity", balie.TicketRequest{EventID: "ev-show", Lines: []balie.TicketOrder{{TariffID: "t-reg", Quantity: 0}}, Payment: balie.PayCash}, 0, balie.CodeQuantityInvalid},
		{"tariff of another event", balie.TicketRequest{EventID: "ev-swim", Lines: []balie.TicketOrder{{TariffID: "t-reg", Quantity: 1}}, Payment: balie.PayCash}, 0, balie.CodeTariffUnknown},
		{"blocked card", balie.TicketRequest{Card: f.blocked, EventID: "ev-show", Lines: []balie.TicketOrder{{TariffID: "t-reg", Quantity: 1}}, Payment: balie.PayCash}, 0, balie.CodeCardBlocked},
	}
	recorded := 0
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, err := f.db.SellTickets(ctx, staffClerk, c.req)
			if c.code != "" {
				wantCode(t, err, c.code)
				return
			}
			if err != nil {
				t.Fatalf("SellTickets: %v", err)
			}
			recorded++
			if res.Total != c.wantTotal {
				t.Errorf("total = %v, want %v", res.Total, c.wantTotal)
			}
			for _, q := range res.Quotes {
				if c.req.Card != cardSocial && q.Kind == balie.TariffSocial {
					t.Errorf("a holder without the status was sold %+v at the social tariff", q)
				}
				if q.Shares.Total() != q.Regular {
					t.Errorf("shares %+v add up to %v, want %v", q.Shares, q.Shares.Total(), q.Regular)
				}
			}
		})
	}
	if n := journalLen(t, f.db); n != recorded {
		t.Errorf("journal has %d events, want %d", n, recorded)
	}
	// Next month the social tariff is available again.
	f.clock.Set(at(2026, 12, 1, 19, 30))
	if _, err := f.db.SellTickets(ctx, staffClerk, balie.TicketRequest{Card: cardSocial, EventID: "ev-show", Lines: []balie.TicketOrder{{TariffID: "t-soc", Quantity: 1}}, Payment: balie.PayCash}); err != nil {
		t.Errorf("social ticket next month: %v", err)
	}
	verify(t, f.db, int64(recorded+1))
}

func TestDB_SellCard(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "desk-box")
	newHolder := &balie.Holder{FirstName: "Nora", LastName: "Maes", BirthDate: at(2012, 4, 1, 0, 0), PostalCode: "2500"}
	// Cash chosen before the store priced the card: a free card is
	// recorded as paid with nothing.
	res, err := f.db.SellCard(ctx, staffClerk, balie.CardSaleRequest{Card: f.stock[0], NewHolder: newHolder, Reason: balie.ReasonFirstCard, Payment: balie.PayCash})
	if err != nil {
		t.Fatalf("SellCard first card: %v", err)
	}
	if res.Price != 0 {
		t.Errorf("price for a resident under 18 = %v, want € 0,00", res.Price)
	}
	var sale balie.CardSalePayload
	f.db.Journal(ctx, 1, func(e balie.JournalEvent) error { return json.Unmarshal(e.Payload, &sale) })
	if sale.Payment != balie.PayNone {
		t.Errorf("free card recorded as paid %s, want NONE", sale.Payment)
	}
	l, err := f.db.LookupCard(ctx, f.stock[0])
	if err != nil {
		t.Fatalf("lookup the sold card: %v", err)
	}
	if l.Holder.FirstName != "Nora" || l.Holder.ID != res.Holder.ID {
		t.Errorf("sold card shows %+v, want Nora", l.Holder)
	}

	// A replacement for a lost card blocks the old one.
	res, err = f.db.SellCard(ctx, staffClerk, balie.CardSaleRequest{Card: f.stock[1], HolderCard: cardSocial, Reason: balie.ReasonReplaceLost, Payment: balie.PayCash})
	if err != nil {
		t.Fatalf("SellCard replacement: %v", err)
	}
	if res.Price != 100 {
		t.Errorf("replacement price with social tariff = %v, want € 1,00", res.Price)
	}
	_, err = f.db.LookupCard(ctx, cardSocial)
	wantCode(t, err, balie.CodeCardBlocked)
	if l, err := f.db.LookupCard(ctx, f.stock[1]); err != nil || l.Holder.ID != "h-social" {
		t.Errorf("new card holder = %+v, %v; want h-social", l.Holder.ID, err)
	}

	for _, c := range []struct {
		name string
		req  balie.CardSaleRequest
		code balie.Code
	}{
		{"sold twice", balie.CardSaleRequest{Card: f.stock[0], NewHolder: newHolder, Reason: balie.ReasonFirstCard}, balie.CodeCardNotInStock},
		{"no reason", balie.CardSaleRequest{Card: f.stock[2], NewHolder: newHolder}, balie.CodeReasonInvalid},
		{"first card without a name", balie.CardSaleRequest{Card: f.stock[2], NewHolder: &balie.Holder{}, Reason: balie.ReasonFirstCard}, balie.CodeHolderUnknown},
		{"unpaid", balie.CardSaleRequest{Card: f.stock[2], HolderCard: cardRegular, Reason: balie.ReasonReplaceDefect}, balie.CodeAmountInvalid},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := f.db.SellCard(ctx, staffClerk, c.req)
			wantCode(t, err, c.code)
		})
	}

	// Another desk's stock is not this desk's to sell.
	g := newFixture(t, "desk-sport")
	_, err = g.db.SellCard(ctx, staffClerk, balie.CardSaleRequest{Card: g.stock[0], NewHolder: newHolder, Reason: balie.ReasonFirstCard})
	wantCode(t, err, balie.CodeCardNotInStock)
	verify(t, f.db, 2)
}

func TestDB_PayMembership(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "desk-box")
	res, err := f.db.PayMembership(ctx, staffClerk, balie.MembershipRequest{Card: cardRegular, ProgramID: "p-friends", Payment: balie.PayCash})
	if err != nil {
		t.Fatalf("PayMembership: %v", err)
	}
	if res.Price != 500 {
		t.Errorf("friends' circle for a pass holder = %v, want € 5,00", res.Price)
	}
	if got := res.End.Format(dbDate); got != "2027-08-31" {
		t.Errorf("end = %s, want 2027-08-31", got)
	}
	l, err := f.db.LookupCard(ctx, cardRegular)
	if err != nil {
		t.Fatal(err)
	}
	valid := 0
	for _, m := range l.Memberships {
		if m.Valid {
			valid++
		}
	}
	if valid != 1 {
		t.Errorf("valid memberships after payment = %d, want 1 (%+v)", valid, l.Memberships)
	}

	// A sports pass with the social tariff, then renewed while valid:
	// the renewal starts where the current one ends.
	first, err := f.db.PayMembership(ctx, staffClerk, balie.MembershipRequest{Card: cardSocial, ProgramID: "p-sport", Payment: balie.PayCard})
	if err != nil {
		t.Fatalf("PayMembership sport: %v", err)
	}
	if first.Price != 1000 {
		t.Errorf("sports pass with social tariff = %v, want € 10,00", first.Price)
	}
	f.clock.Advance(30 * 24 * time.Hour)
	renewal, err := f.db.PayMembership(ctx, staffClerk, balie.MembershipRequest{Card: cardSocial, ProgramID: "p-sport", Payment: balie.PayCard})
	if err != nil {
		t.Fatalf("renew: %v", err)
	}
	if !renewal.Renewal || !renewal.Start.Equal(first.End) {
		t.Errorf("renewal start = %v (renewal %v), want %v", renewal.Start, renewal.Renewal, first.End)
	}
	_, err = f.db.PayMembership(ctx, staffClerk, balie.MembershipRequest{Card: cardSocial, ProgramID: "p-none", Payment: balie.PayCard})
	wantCode(t, err, balie.CodeProgramUnknown)
	verify(t, f.db, 3)
}

func TestDB_RedeemReward(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "desk-box")
	res, err := f.db.RedeemReward(ctx, staffClerk, cardRegular, "r-coffee")
	if err != nil {
		t.Fatalf("RedeemReward: %v", err)
	}
	if res.Before != 12 || res.After != 7 || res.Points != 5 {
		t.Errorf("redeem = before %d after %d points %d, want 12, 7, 5", res.Before, res.After, res.Points)
	}
	_, err = f.db.RedeemReward(ctx, staffClerk, cardSocial, "r-coffee")
	wantCode(t, err, balie.CodePointsShort)
	if _, err := f.db.RedeemReward(ctx, staffClerk, cardRegular, "r-coffee"); err != nil {
		t.Fatalf("second coffee: %v", err)
	}
	// Two units in all: the third is refused even with points enough.
	if _, err := f.db.CheckIn(ctx, staffClerk, cardRegular, "ev-show"); err != nil {
		t.Fatal(err)
	}
	_, err = f.db.RedeemReward(ctx, staffClerk, cardRegular, "r-coffee")
	wantCode(t, err, balie.CodeRewardSoldOut)
	if _, err := f.db.RedeemReward(ctx, staffClerk, cardSocial, "r-welcome"); err != nil {
		t.Fatalf("welcome: %v", err)
	}
	_, err = f.db.RedeemReward(ctx, staffClerk, cardSocial, "r-welcome")
	wantCode(t, err, balie.CodeWelcomeUsed)
	l, _ := f.db.LookupCard(ctx, cardRegular)
	if l.Holder.Points != 3 {
		t.Errorf("points = %d, want 12 - 5 - 5 + 1 = 3", l.Holder.Points)
	}
	verify(t, f.db, 4)
}

func TestDB_Childcare(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "desk-bko")
	f.clock.Set(at(2026, 11, 25, 15, 40))
	in, err := f.db.SignIn(ctx, staffClerk, "h-child")
	if err != nil {
		t.Fatalf("SignIn: %v", err)
	}
	if in.Present != 1 {
		t.Errorf("present = %d, want 1", in.Present)
	}
	_, err = f.db.SignIn(ctx, staffClerk, "h-child")
	wantCode(t, err, balie.CodeChildPresent)
	if _, err := f.db.SignIn(ctx, staffClerk, "h-sibling"); err != nil {
		t.Fatal(err)
	}
	_, err = f.db.SignIn(ctx, staffClerk, "h-regular")
	wantCode(t, err, balie.CodeChildUnknown)

	present, err := f.db.Present(ctx)
	if err != nil || len(present) != 2 {
		t.Fatalf("Present = %d children, %v; want 2", len(present), err)
	}
	// Still present: no bill is guessed.
	_, err = f.db.ChildcareBill(ctx, "h-child", f.clock.Now(), balie.SchoolDay, time.Time{})
	wantCode(t, err, balie.CodeChildcareInvalid)

	f.clock.Set(at(2026, 11, 25, 17, 5))
	_, err = f.db.SignOut(ctx, staffClerk, "h-child", balie.PickupProof{Code: "0000"})
	wantCode(t, err, balie.CodePickupNotAllowed)
	out, err := f.db.SignOut(ctx, staffClerk, "h-child", balie.PickupProof{Code: "4321"})
	if err != nil {
		t.Fatalf("SignOut: %v", err)
	}
	if out.PickedUpBy != "Sofie Janssens" || out.Present != 1 {
		t.Errorf("sign-out = %q, present %d; want Sofie Janssens, 1", out.PickedUpBy, out.Present)
	}
	_, err = f.db.SignOut(ctx, staffClerk, "h-child", balie.PickupProof{Code: "4321"})
	wantCode(t, err, balie.CodeChildAbsent)

	// 15:40 to 17:05 is 85 minutes: 3 started half hours at € 1,05, with
	// 25% off because the sibling was there too.
	bill, err := f.db.ChildcareBill(ctx, "h-child", f.clock.Now(), balie.SchoolDay, time.Time{})
	if err != nil {
		t.Fatalf("ChildcareBill: %v", err)
	}
	if bill.Units != 3 || bill.Base != 315 || bill.Total != 236 {
		t.Errorf("bill = %+v, want 3 units, base 315, total 236", bill)
	}
	// Attendance is corrected, never voided.
	_, err = f.db.Void(ctx, staffClerk, staffSuper, out.ID, "vergissing")
	wantCode(t, err, balie.CodeNotAllowed)
	verify(t, f.db, 4) // two sign-ins, the refused pick-up, the sign-out
}

func TestDB_Void(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "desk-box")
	ci, err := f.db.CheckIn(ctx, staffClerk, cardRegular, "ev-show")
	if err != nil {
		t.Fatal(err)
	}
	sale, err := f.db.SellTickets(ctx, staffClerk, balie.TicketRequest{Card: cardSocial, EventID: "ev-show", Lines: []balie.TicketOrder{{TariffID: "t-soc", Quantity: 1}}, Payment: balie.PayCash})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.db.Void(ctx, staffClerk, staffClerk, ci.ID, "verkeerde kaart")
	wantCode(t, err, balie.CodeNotAllowed)
	_, err = f.db.Void(ctx, staffClerk, staffSuper, ci.ID, " ")
	wantCode(t, err, balie.CodeVoidUnknown)
	if _, err := f.db.Void(ctx, staffClerk, staffSuper, ci.ID, "verkeerde kaart"); err != nil {
		t.Fatalf("Void check-in: %v", err)
	}
	_, err = f.db.Void(ctx, staffClerk, staffSuper, ci.ID, "nog eens")
	wantCode(t, err, balie.CodeVoidTwice)
	l, _ := f.db.LookupCard(ctx, cardRegular)
	if l.Holder.Points != 12 {
		t.Errorf("points after void = %d, want 12", l.Holder.Points)
	}
	// The voided check-in no longer counts against the day's limit.
	if _, err := f.db.CheckIn(ctx, staffClerk, cardRegular, "ev-show"); err != nil {
		t.Errorf("check-in after void: %v", err)
	}
	if _, err := f.db.Void(ctx, staffClerk, staffSuper, sale.ID, "klant wil niet meer"); err != nil {
		t.Fatalf("Void sale: %v", err)
	}
	if _, err := f.db.SellTickets(ctx, staffClerk, balie.TicketRequest{Card: cardSocial, EventID: "ev-show", Lines: []balie.TicketOrder{{TariffID: "t-soc", Quantity: 1}}, Payment: balie.PayCash}); err != nil {
		t.Errorf("social ticket after the voided one: %v", err)
	}
	totals, err := f.db.Totals(ctx, f.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	var sum balie.Cents
	for _, tl := range totals {
		sum += tl.Amount
	}
	if sum != 360 {
		t.Errorf("day total = %v, want € 3,60 (one social ticket; the voided one undone)", sum)
	}
	// The journal keeps everything: 2 acts, 2 voids, 2 acts.
	verify(t, f.db, 6)
	var kinds []balie.Kind
	f.db.Journal(ctx, 1, func(e balie.JournalEvent) error { kinds = append(kinds, e.Kind); return nil })
	if kinds[2] != balie.KindVoid {
		t.Errorf("third event = %s, want VOID", kinds[2])
	}
	var p balie.VoidPayload
	f.db.Journal(ctx, 3, func(e balie.JournalEvent) error {
		if e.Seq == 3 {
			return json.Unmarshal(e.Payload, &p)
		}
		return nil
	})
	if p.Target != ci.ID || p.Approver != staffSuper {
		t.Errorf("void payload = %+v, want target %s approved by %s", p, ci.ID, staffSuper)
	}
}

func TestDB_Lookup(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "desk-box")
	cases := []struct {
		name   string
		input  string
		holder string
		code   balie.Code
		notice bool
	}{
		{"card number", "0900000095902", "h-regular", "", false},
		{"card number with scanner newline", "0900000095902\r\n", "h-regular", "", false},
		{"chip uid", "04:a1:b2:c3:d4:e5:f6", "h-regular", "", false},
		{"chip uid reversed", "F6E5D4C3B2A104", "h-regular", "", false},
		{"social tariff ending soon", "1000000520006", "h-social", "", true},
		{"bad check digit", "0900000095903", "", balie.CodeCardNumberCheck, false},
		{"too short", "090000009590", "", balie.CodeCardNumberLength, false},
		{"blocked", string(f.blocked), "", balie.CodeCardBlocked, false},
		{"unknown chip", "DEADBEEF", "", balie.CodeCardUnknown, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l, err := f.db.LookupInput(ctx, c.input)
			if c.code != "" {
				wantCode(t, err, c.code)
				return
			}
			if err != nil {
				t.Fatalf("LookupInput(%q): %v", c.input, err)
			}
			if l.Holder.ID != c.holder {
				t.Errorf("holder = %s, want %s", l.Holder.ID, c.holder)
			}
			if got := len(l.Notices) > 0; got != c.notice {
				t.Errorf("notices = %+v, want notice %v", l.Notices, c.notice)
			}
		})
	}
}

func TestDB_Authenticate(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "desk-box")
	s, err := f.db.Authenticate(ctx, string(mustCard(t, "300000000002")), pin)
	if err != nil || s.Role != balie.RoleSupervisor {
		t.Fatalf("Authenticate supervisor = %+v, %v", s, err)
	}
	_, err = f.db.Authenticate(ctx, staffClerk, "0000")
	wantCode(t, err, balie.CodeStaffPIN)
	_, err = f.db.Authenticate(ctx, "nobody", pin)
	wantCode(t, err, balie.CodeStaffUnknown)
}

func TestDB_RecentActs(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "desk-box")
	ci, _ := f.db.CheckIn(ctx, staffClerk, cardRegular, "ev-show")
	sale, _ := f.db.SellTickets(ctx, staffClerk, balie.TicketRequest{EventID: "ev-show", Lines: []balie.TicketOrder{{TariffID: "t-reg", Quantity: 1}}, Payment: balie.PayCash})
	if _, err := f.db.Void(ctx, staffClerk, staffSuper, ci.ID, "vergissing"); err != nil {
		t.Fatal(err)
	}
	acts, err := f.db.RecentActs(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(acts) != 2 || acts[0].ID != sale.ID || acts[0].Voided || acts[1].ID != ci.ID || !acts[1].Voided {
		t.Errorf("recent acts = %+v, want the sale then the voided check-in (the void itself not listed)", acts)
	}
}

func TestDB_FindHolders(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "desk-box")
	cases := []struct {
		query string
		want  []string
	}{
		{"Janssens", []string{"h-child", "h-sibling"}},
		{"janssens lot", []string{"h-child"}},
		{"Lotte Janssens", []string{"h-child"}},
		{"pee", []string{"h-regular"}},
		{"Wouters", []string{"h-blocked"}},
		{"nobody", nil},
		{"%", nil},
	}
	for _, c := range cases {
		t.Run(c.query, func(t *testing.T) {
			hs, err := f.db.FindHolders(ctx, c.query, 10)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, h := range hs {
				got = append(got, h.ID)
			}
			if strings.Join(got, ",") != strings.Join(c.want, ",") {
				t.Errorf("FindHolders(%q) = %v, want %v", c.query, got, c.want)
			}
		})
	}
	// The holder of a lost (blocked) card is shown, with the card and why.
	l, err := f.db.LookupHolder(ctx, "h-blocked")
	if err != nil || l.Card.Status != balie.CardBlocked || len(l.Notices) != 1 || l.Notices[0].Code != balie.CodeCardBlocked {
		t.Errorf("LookupHolder(h-blocked) = %+v, %v; want the blocked card and a notice", l, err)
	}
	// ... and can get a replacement at the box office.
	if _, err := f.db.SellCard(ctx, staffClerk, balie.CardSaleRequest{Card: f.stock[0], HolderCard: l.Card.Number, Reason: balie.ReasonReplaceLost, Payment: balie.PayCash}); err != nil {
		t.Errorf("replacement for the holder found by name: %v", err)
	}
}

// TestDB_actsForOrganisersTheDeskServes: the sports desk does not sell
// the theatre's tickets nor check in at its show; the box office, which
// sells for the pool as well as its own, does both.
func TestDB_actsForOrganisersTheDeskServes(t *testing.T) {
	ctx := context.Background()
	sport := newFixture(t, "desk-sport")
	_, err := sport.db.SellTickets(ctx, staffClerk, balie.TicketRequest{EventID: "ev-show", Lines: []balie.TicketOrder{{TariffID: "t-reg", Quantity: 1}}, Payment: balie.PayCash})
	wantCode(t, err, balie.CodeNotAllowed)
	_, err = sport.db.CheckIn(ctx, staffClerk, cardRegular, "ev-show")
	wantCode(t, err, balie.CodeNotAllowed)
	box := newFixture(t, "desk-box")
	if _, err := box.db.SellTickets(ctx, staffClerk, balie.TicketRequest{EventID: "ev-swim", Lines: []balie.TicketOrder{{TariffID: "t-swim", Quantity: 1}}, Payment: balie.PayCash}); balie.ErrorCode(err) == balie.CodeNotAllowed {
		t.Errorf("the box office refuses the pool it sells for: %v", err)
	}
}

package storetest

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/balie/balie"
	"github.com/balie/balie/demo"
	"github.com/balie/balie/ledger"
	balisync "github.com/balie/balie/sync"
)

// testLedgerDecides uploads what a forger (or a broken desk) would send:
// every act gets an honest verdict with a reason, the ledger applies its
// own figures, and no balance wraps or drifts.
func testLedgerDecides(t *testing.T, e Engine) {
	v := newEnv(t, e, 200)
	l, c, ctx := v.l, v.c, context.Background()
	box, sport, bko := v.enrol(t, demo.BoxOfficeDesk), v.enrol(t, demo.SportsDesk), v.enrol(t, demo.ChildcareDesk)
	show := c.eventToday(t, func(e balie.Event) bool {
		return e.PointsPerCheckin > 0 && e.CheckinLimit.Volume == 1 && e.OrganiserID == demo.OrgCulture
	})
	pool := c.eventToday(t, func(e balie.Event) bool { return e.OrganiserID == demo.OrgSports && e.PointsPerCheckin == 1 })
	box.at, sport.at = show.Start.Add(-30*time.Minute), pool.Start.Add(time.Hour)
	hs := random(c.holders[10:], 7)
	pick := func() cityHolder { x := hs[0]; hs = hs[1:]; return x }
	blocked := c.blocked[0]
	theatre := c.rewards["rw-theaterticket"]
	sportsPass := c.programs[demo.ProgramSports]
	social := c.socialTariff(t, demo.OrgCulture)
	var regular balie.Tariff
	for _, tr := range c.tariffs {
		if tr.EventID == social.EventID && tr.Kind == balie.TariffRegular {
			regular = tr
		}
	}
	var notSocial cityHolder
	for _, x := range hs {
		if !x.Social {
			notSocial = x
			break
		}
	}
	raw := func(tm *term, kind balie.Kind, body string) balie.JournalEvent {
		return tm.next(kind, json.RawMessage(body))
	}

	type want struct {
		status string
		code   string
		points int // the change of the holder's balance
	}
	tests := []struct {
		name   string
		tm     *term
		holder func() cityHolder
		event  func(tm *term, h cityHolder) balie.JournalEvent
		want   want
	}{
		{"a check-in claiming a million points", box, pick, func(tm *term, h cityHolder) balie.JournalEvent {
			p := checkin(h, show)
			p.Points = 1_000_000
			return tm.next(balie.KindCheckin, p)
		}, want{balisync.Rejected, ledger.CodePayloadInvalid, 0}},
		{"a check-in claiming 2^62 points", box, pick, func(tm *term, h cityHolder) balie.JournalEvent {
			p := checkin(h, show)
			p.Points = 1 << 62
			return tm.next(balie.KindCheckin, p)
		}, want{balisync.Rejected, ledger.CodePayloadInvalid, 0}},
		{"a check-in claiming 5 points for a 1-point event", box, pick, func(tm *term, h cityHolder) balie.JournalEvent {
			p := checkin(h, show)
			p.Points = 5
			return tm.next(balie.KindCheckin, p)
		}, want{balisync.Adjusted, ledger.CodePointsCorrected, show.PointsPerCheckin}},
		{"a check-in with a blocked card", box, func() cityHolder {
			return cityHolder{ID: blocked.HolderID, Card: blocked.Number}
		}, func(tm *term, h cityHolder) balie.JournalEvent {
			return tm.next(balie.KindCheckin, checkin(h, show))
		}, want{balisync.Adjusted, string(balie.CodeCardBlocked), 0}},
		{"a check-in with another holder's card", box, pick, func(tm *term, h cityHolder) balie.JournalEvent {
			p := checkin(h, show)
			p.Card = c.holder(t, tom).Card
			return tm.next(balie.KindCheckin, p)
		}, want{balisync.Rejected, ledger.CodeCardHolderMismatch, 0}},
		{"a check-in before the doors open", box, pick, func(tm *term, h cityHolder) balie.JournalEvent {
			at := tm.at
			tm.at = show.Start.Add(-5 * time.Hour)
			defer func() { tm.at = at }()
			return tm.next(balie.KindCheckin, checkin(h, show))
		}, want{balisync.Adjusted, string(balie.CodeOutsideWindow), 0}},
		{"a check-in at another organiser's event", sport, pick, func(tm *term, h cityHolder) balie.JournalEvent {
			return tm.next(balie.KindCheckin, checkin(h, show))
		}, want{balisync.Rejected, ledger.CodeOrganiserMismatch, 0}},
		{"a ticket of another organiser sold at the sports desk", sport, func() cityHolder { return c.holder(t, kevin) }, func(tm *term, h cityHolder) balie.JournalEvent {
			return tm.next(balie.KindTicketSale, c.socialTickets(t, social, h, 1))
		}, want{balisync.Rejected, ledger.CodeOrganiserMismatch, 0}},
		{"an act dated 1970", box, pick, func(tm *term, h cityHolder) balie.JournalEvent {
			return tm.Event(balie.KindCheckin, tm.staff, time.Date(1970, 1, 1, 12, 0, 0, 0, time.UTC), checkin(h, show))
		}, want{balisync.Rejected, ledger.CodeTimeOutOfRange, 0}},
		{"an act dated 2099", box, pick, func(tm *term, h cityHolder) balie.JournalEvent {
			return tm.Event(balie.KindCheckin, tm.staff, time.Date(2099, 1, 1, 12, 0, 0, 0, time.UTC), checkin(h, show))
		}, want{balisync.Rejected, ledger.CodeTimeOutOfRange, 0}},
		{"an unknown staff member", box, pick, func(tm *term, h cityHolder) balie.JournalEvent {
			return tm.Event(balie.KindCheckin, "staff-nobody", tm.at.Add(time.Second), checkin(h, show))
		}, want{balisync.Rejected, string(balie.CodeStaffUnknown), 0}},
		{"a redemption of a 20-point reward for 0 points", box, func() cityHolder { return c.holder(t, tom) }, func(tm *term, h cityHolder) balie.JournalEvent {
			return tm.next(balie.KindRewardRedemption, balie.RewardRedemptionPayload{HolderID: h.ID, Card: h.Card, RewardID: theatre.ID, Points: 0})
		}, want{balisync.Adjusted, ledger.CodePointsCorrected, -theatre.Points}},
		{"a redemption with a blocked card", box, func() cityHolder {
			return cityHolder{ID: blocked.HolderID, Card: blocked.Number}
		}, func(tm *term, h cityHolder) balie.JournalEvent {
			return tm.next(balie.KindRewardRedemption, balie.RewardRedemptionPayload{HolderID: h.ID, Card: h.Card, RewardID: "rw-koffie", Points: 5})
		}, want{balisync.Rejected, string(balie.CodeCardBlocked), 0}},
		{"a 0 euro membership for 1000 years", sport, pick, func(tm *term, h cityHolder) balie.JournalEvent {
			p := v.membership(t, sportsPass, h, tm.at, 0)
			p.Price, p.End, p.Payment = 0, p.Start.AddDate(1000, 0, 0), ""
			return tm.next(balie.KindMembershipPayment, p)
		}, want{balisync.Rejected, ledger.CodePayloadInvalid, 0}},
		{"a 0 euro membership", sport, pick, func(tm *term, h cityHolder) balie.JournalEvent {
			p := v.membership(t, sportsPass, h, tm.at, 0)
			p.Price, p.Payment = 0, ""
			return tm.next(balie.KindMembershipPayment, p)
		}, want{balisync.Adjusted, ledger.CodePriceNotCatalogue, 0}},
		{"a membership for 5 years", sport, pick, func(tm *term, h cityHolder) balie.JournalEvent {
			return tm.next(balie.KindMembershipPayment, v.membership(t, sportsPass, h, tm.at, 60))
		}, want{balisync.Adjusted, ledger.CodeTermCorrected, 0}},
		{"the social tariff to a holder without it", box, func() cityHolder { return notSocial }, func(tm *term, h cityHolder) balie.JournalEvent {
			return tm.next(balie.KindTicketSale, c.socialTickets(t, social, h, 1))
		}, want{balisync.Adjusted, string(balie.CodeSocialTariffNeeded), 0}},
		{"a ticket at a price that is not the catalogue's", box, pick, func(tm *term, h cityHolder) balie.JournalEvent {
			line := balie.TicketLine{TariffID: regular.ID, Kind: balie.TariffRegular, Quantity: 1, Regular: 100, Shares: balie.Shares{Holder: 100}, Total: 100}
			return tm.next(balie.KindTicketSale, balie.TicketSalePayload{EventID: regular.EventID, Lines: []balie.TicketLine{line}, Total: 100, Payment: balie.PayCash})
		}, want{balisync.Adjusted, ledger.CodePriceNotCatalogue, 0}},
		{"a paid ticket paid with nothing", box, pick, func(tm *term, h cityHolder) balie.JournalEvent {
			line := balie.TicketLine{TariffID: regular.ID, Kind: balie.TariffRegular, Quantity: 1, Regular: regular.Regular, Shares: balie.Shares{Holder: regular.Regular}, Total: regular.Regular}
			return tm.next(balie.KindTicketSale, balie.TicketSalePayload{EventID: regular.EventID, Lines: []balie.TicketLine{line}, Total: regular.Regular, Payment: balie.PayNone})
		}, want{balisync.Rejected, ledger.CodePayloadInvalid, 0}},
		{"a tariff of another event", box, pick, func(tm *term, h cityHolder) balie.JournalEvent {
			line := balie.TicketLine{TariffID: regular.ID, Kind: balie.TariffRegular, Quantity: 1, Regular: regular.Regular, Shares: balie.Shares{Holder: regular.Regular}, Total: regular.Regular}
			return tm.next(balie.KindTicketSale, balie.TicketSalePayload{EventID: show.ID + "x", Lines: []balie.TicketLine{line}, Total: regular.Regular, Payment: balie.PayCash})
		}, want{balisync.Rejected, string(balie.CodeEventUnknown), 0}},
		{"an event without payload", box, pick, func(tm *term, h cityHolder) balie.JournalEvent {
			return raw(tm, balie.KindCheckin, ``)
		}, want{balisync.Rejected, ledger.CodePayloadInvalid, 0}},
		{"a payload of null", box, pick, func(tm *term, h cityHolder) balie.JournalEvent {
			return raw(tm, balie.KindCheckin, `null`)
		}, want{balisync.Rejected, ledger.CodePayloadInvalid, 0}},
		{"a payload with invalid UTF-8", box, pick, func(tm *term, h cityHolder) balie.JournalEvent {
			return raw(tm, balie.KindCheckin, "{\"holder\":\"h-\xff\xfe\",\"event\":\""+show.ID+"\",\"points\":1}")
		}, want{balisync.Rejected, ledger.CodePayloadInvalid, 0}},
		{"a sign-in of a child of another provider", box, func() cityHolder { return c.holder(t, tom) }, func(tm *term, h cityHolder) balie.JournalEvent {
			return tm.next(balie.KindChildSignIn, balie.ChildcarePayload{ChildID: c.childID(t, v.l), ProviderID: demo.OrgChildcare})
		}, want{balisync.Rejected, ledger.CodeOrganiserMismatch, 0}},
		{"a sign-in of a child", bko, func() cityHolder { return c.holder(t, tom) }, func(tm *term, h cityHolder) balie.JournalEvent {
			tm.at = today.Add(15 * time.Hour)
			return tm.next(balie.KindChildSignIn, balie.ChildcarePayload{ChildID: c.childID(t, v.l), ProviderID: demo.OrgChildcare})
		}, want{balisync.Accepted, "", 0}},
		{"a sign-in of someone not in childcare", bko, func() cityHolder { return c.holder(t, tom) }, func(tm *term, h cityHolder) balie.JournalEvent {
			return tm.next(balie.KindChildSignIn, balie.ChildcarePayload{ChildID: h.ID, ProviderID: demo.OrgChildcare})
		}, want{balisync.Rejected, string(balie.CodeChildUnknown), 0}},
	}
	var review []string
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := tt.holder()
			before := balance(t, l, h.ID)
			ev := tt.event(tt.tm, h)
			resp := ingest(t, l, tt.tm, ev)
			got := resp.Verdicts[0]
			if got.Status != tt.want.status || got.Code != tt.want.code {
				t.Errorf("verdict %s %s (%s), want %s %s", got.Status, got.Code, got.EN, tt.want.status, tt.want.code)
			}
			if got.Status != balisync.Accepted {
				review = append(review, got.ID)
				if got.NL == "" || got.EN == "" {
					t.Errorf("verdict without a sentence: %+v", got)
				}
			}
			if after := balance(t, l, h.ID); after-before != tt.want.points {
				t.Errorf("balance changed by %d, want %d", after-before, tt.want.points)
			}
		})
	}
	checkFlagged(t, l, review)
	checkBalances(t, l)
	// The corrected membership keeps the programme's term, not the desk's.
	for _, tt := range tests {
		if tt.want.code != ledger.CodeTermCorrected {
			continue
		}
		flags, _ := l.ReviewFlags(ctx)
		for _, f := range flags {
			if f.Code != ledger.CodeTermCorrected {
				continue
			}
			s, err := l.Event(ctx, f.EventID)
			if err != nil {
				t.Fatal(err)
			}
			var p balie.MembershipPaymentPayload
			json.Unmarshal(s.Payload, &p)
			ms, _ := l.Memberships(ctx, p.HolderID)
			for _, m := range ms {
				if m.ProgramID == sportsPass.ID && m.End.Sub(m.Start) > 400*24*time.Hour {
					t.Errorf("the membership kept the desk's term: %s to %s", m.Start, m.End)
				}
			}
		}
	}
}

// childID is a child of the demo's childcare provider.
func (c *city) childID(t testing.TB, l *ledger.Ledger) string {
	t.Helper()
	var id string
	err := l.Store().Read(context.Background(), func(tx ledger.ReadTx) error {
		return tx.Entities(balie.ChangeChild, demo.OrgChildcare, func(k string, _ []byte) error {
			if id == "" {
				id = k
			}
			return nil
		})
	})
	if err != nil || id == "" {
		t.Fatalf("no child in the demo city: %v", err)
	}
	return id
}

func testSamePoints(t *testing.T, e Engine) {
	v := newEnv(t, e, 50)
	l, c := v.l, v.c
	a, b := v.enrol(t, demo.BoxOfficeDesk), v.enrol(t, demo.SportsDesk)
	h := c.holder(t, tom) // 23 points
	r := c.rewards["rw-theaterticket"]
	spend := balie.RewardRedemptionPayload{HolderID: h.ID, Card: h.Card, RewardID: r.ID, OrganiserID: r.OrganiserID, Points: r.Points}
	other := c.rewards["rw-drinkbus"]
	spend2 := balie.RewardRedemptionPayload{HolderID: h.ID, Card: h.Card, RewardID: other.ID, OrganiserID: other.OrganiserID, Points: other.Points}

	va := verdictOf(t, l, a, a.next(balie.KindRewardRedemption, spend))
	vb := verdictOf(t, l, b, b.next(balie.KindRewardRedemption, spend2))
	if va.Status != balisync.Accepted {
		t.Errorf("first desk: %+v", va)
	}
	if vb.Status != balisync.Adjusted || vb.Code != ledger.CodePointsNegative {
		t.Errorf("second desk: got %+v, want ADJUSTED points_negative", vb)
	}
	want := h.Points - r.Points - other.Points
	if got := balance(t, l, h.ID); got != want || got >= 0 {
		t.Errorf("balance: got %d, want %d (below zero)", got, want)
	}
	flags, _ := l.ReviewFlags(context.Background())
	if len(flags) != 1 || flags[0].Code != ledger.CodePointsNegative || flags[0].HolderID != h.ID {
		t.Errorf("flags: %+v", flags)
	}
	checkBalances(t, l)
}

func testVoid(t *testing.T, e Engine) {
	v := newEnv(t, e, 50)
	l, c := v.l, v.c
	a, b := v.enrol(t, demo.BoxOfficeDesk), v.enrol(t, demo.BoxOfficeDesk)
	ev := c.eventToday(t, func(e balie.Event) bool {
		return e.PointsPerCheckin > 0 && e.CheckinLimit.Volume == 1 && e.OrganiserID == demo.OrgCulture
	})
	h := c.holder(t, tom)
	a.at = ev.Start
	in := a.next(balie.KindCheckin, checkin(h, ev))
	void := func(tm *term, target string) balie.JournalEvent {
		return tm.next(balie.KindVoid, balie.VoidPayload{Target: target, Reason: "verkeerde kaart", Approver: "staff-sup"})
	}
	// The check-in and its void in one batch, then a new check-in that is
	// within the limit again because the first was voided.
	resp := ingest(t, l, a, in, void(a, in.ID), a.next(balie.KindCheckin, checkin(h, ev)))
	for _, v := range resp.Verdicts {
		if v.Status != balisync.Accepted {
			t.Errorf("verdict %+v", v)
		}
	}
	if got, want := balance(t, l, h.ID), h.Points+ev.PointsPerCheckin; got != want {
		t.Errorf("balance: got %d, want %d", got, want)
	}
	if v := verdictOf(t, l, a, void(a, in.ID)); v.Code != "void_twice" {
		t.Errorf("void twice: %+v", v)
	}
	if v := verdictOf(t, l, b, void(b, in.ID)); v.Code != "void_unknown" {
		t.Errorf("another terminal's void: %+v", v)
	}
	// A void in a later batch of a check-in the store has written out.
	second := a.next(balie.KindCheckin, checkin(c.holder(t, kevin), ev))
	ingest(t, l, a, second)
	if err := l.Store().Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if v := verdictOf(t, l, a, void(a, second.ID)); v.Status != balisync.Accepted {
		t.Errorf("void after a flush: %+v", v)
	}
	if v := verdictOf(t, l, a, a.next(balie.KindCheckin, checkin(c.holder(t, kevin), ev))); v.Status != balisync.Accepted {
		t.Errorf("check-in after the void: %+v", v)
	}
	// A shift is not an act that can be voided.
	shift := a.next(balie.KindShiftOpen, balie.ShiftOpenPayload{ShiftID: "s-1", Float: 10000})
	ingest(t, l, a, shift)
	if v := verdictOf(t, l, a, void(a, shift.ID)); v.Code != "void_unknown" {
		t.Errorf("void of a shift: %+v", v)
	}
	checkBalances(t, l)
}

func testCardSales(t *testing.T, e Engine) {
	v := newEnv(t, e, 50)
	l, c, ctx := v.l, v.c, context.Background()
	a, b := v.enrol(t, demo.BoxOfficeDesk), v.enrol(t, demo.BoxOfficeDesk)
	var stock []balie.Card
	for _, s := range c.stock {
		if s.StockDesk == demo.BoxOfficeDesk {
			stock = append(stock, s)
		}
	}
	price := func(reason balie.PurchaseReason, h balie.Holder) balie.Cents {
		t.Helper()
		var p balie.Cents
		err := l.Store().Read(ctx, func(tx ledger.ReadTx) error {
			sysData, _, err := tx.Entity(balie.ChangeCardSystem, stock[0].CardSystem)
			if err != nil {
				return err
			}
			var sys balie.CardSystem
			json.Unmarshal(sysData, &sys)
			data, _, err := tx.Entity(balie.ChangeCardPrices, stock[0].CardSystem)
			if err != nil {
				return err
			}
			var table balie.CardPrices
			json.Unmarshal(data, &table)
			p, err = table.Rules.Price(balie.CardSaleQuery{CardSystem: sys, PostalCode: h.PostalCode, BirthDate: h.BirthDate,
				SocialTariff: h.SocialTariff.Applies(), Reason: reason, At: a.at})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	newcomer := balie.Holder{FirstName: "Ann", LastName: "Claes", BirthDate: time.Date(1990, 1, 2, 0, 0, 0, 0, balie.Brussels()), PostalCode: "2500"}
	firstPrice := price(balie.ReasonFirstCard, newcomer)
	first := func(id string) balie.CardSalePayload {
		h := newcomer
		h.ID = id
		return balie.CardSalePayload{Card: stock[0].Number, HolderID: id, CardSystem: stock[0].CardSystem, Reason: balie.ReasonFirstCard,
			OrganiserID: demo.OrgCulture, Price: firstPrice, Payment: balie.PayCash, NewHolder: &h}
	}
	va := verdictOf(t, l, a, a.next(balie.KindCardSale, first("h-new-a")))
	vb := verdictOf(t, l, b, b.next(balie.KindCardSale, first("h-new-b")))
	if va.Status != balisync.Accepted || vb.Status != balisync.Adjusted || vb.Code != ledger.CodeCardSoldTwice {
		t.Fatalf("verdicts: %+v %+v", va, vb)
	}
	card, err := l.Card(ctx, stock[0].Number)
	if err != nil || card.Status != balie.CardActive || card.HolderID != "h-new-a" {
		t.Errorf("card: %+v %v", card, err)
	}
	for _, id := range []string{"h-new-a", "h-new-b"} {
		if _, err := l.Holder(ctx, id); err != nil {
			t.Errorf("holder %s: %v", id, err)
		}
	}
	// The new holder can check in at once, at the desk that sold the card.
	ev := c.eventToday(t, func(e balie.Event) bool { return e.PointsPerCheckin > 0 && e.OrganiserID == demo.OrgCulture })
	a.at = ev.Start
	if v := verdictOf(t, l, a, a.next(balie.KindCheckin, balie.CheckinPayload{HolderID: "h-new-a", Card: stock[0].Number, EventID: ev.ID, Points: ev.PointsPerCheckin})); v.Status != balisync.Accepted {
		t.Errorf("check-in of the new holder: %+v", v)
	}
	// A first card whose holder's details cannot be right is refused.
	bad := first("h-new-c")
	bad.Card = stock[3].Number
	bad.NewHolder.BirthDate = a.at.AddDate(1, 0, 0)
	if v := verdictOf(t, l, a, a.next(balie.KindCardSale, bad)); v.Status != balisync.Rejected || v.Code != ledger.CodePayloadInvalid {
		t.Errorf("a holder born next year: %+v", v)
	}
	// A replacement for a lost card blocks the old one.
	tom := c.holder(t, tom)
	tomHolder, _ := l.Holder(ctx, tom.ID)
	repl := balie.CardSalePayload{Card: stock[1].Number, HolderID: tom.ID, CardSystem: stock[1].CardSystem, Reason: balie.ReasonReplaceLost,
		OrganiserID: demo.OrgCulture, Price: price(balie.ReasonReplaceLost, tomHolder), Payment: balie.PayCash, Replaces: tom.Card}
	if repl.Price == 0 {
		repl.Payment = ""
	}
	if v := verdictOf(t, l, a, a.next(balie.KindCardSale, repl)); v.Status != balisync.Accepted {
		t.Errorf("replacement: %+v", v)
	}
	if old, _ := l.Card(ctx, tom.Card); old.Status != balie.CardBlocked {
		t.Errorf("old card: %+v", old)
	}
	// Voiding a sale puts the card back in stock.
	kev := c.holder(t, kevin)
	kevHolder, _ := l.Holder(ctx, kev.ID)
	sale := a.next(balie.KindCardSale, balie.CardSalePayload{Card: stock[2].Number, HolderID: kev.ID, CardSystem: stock[2].CardSystem,
		Reason: balie.ReasonReplaceDefect, OrganiserID: demo.OrgCulture, Price: price(balie.ReasonReplaceDefect, kevHolder), Payment: balie.PayCash, Replaces: kev.Card})
	resp := ingest(t, l, a, sale, a.next(balie.KindVoid, balie.VoidPayload{Target: sale.ID, Reason: "fout", Approver: "staff-sup"}))
	for _, v := range resp.Verdicts {
		if v.Status != balisync.Accepted {
			t.Errorf("sale and void: %+v", v)
		}
	}
	if back, _ := l.Card(ctx, stock[2].Number); back.Status != balie.CardLocalStock || back.StockDesk != stock[2].StockDesk {
		t.Errorf("voided sale's card: %+v", back)
	}
}

func testMoneyShares(t *testing.T, e Engine) {
	v := newEnv(t, e, 50)
	l, c, ctx := v.l, v.c, context.Background()
	a := v.enrol(t, demo.BoxOfficeDesk)
	k := c.holder(t, kevin)
	var lines []balie.TicketLine
	ev := c.socialTariff(t, demo.OrgCulture).EventID
	var total balie.Cents
	for _, tr := range c.tariffs {
		if tr.EventID != ev || tr.Kind == balie.TariffCoupon {
			continue
		}
		q, err := balie.QuoteTicket(tr, balie.Holder{SocialTariff: balie.SocialTariff{State: balie.SocialActive}}, 1, 0)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, balie.TicketLine{TariffID: q.TariffID, Kind: q.Kind, Quantity: q.Quantity, Regular: q.Regular, Shares: q.Shares, Total: q.Total})
		total += q.Total
	}
	friends := c.programs[demo.ProgramFriends]
	sale := a.next(balie.KindTicketSale, balie.TicketSalePayload{HolderID: k.ID, Card: k.Card, EventID: ev, OrganiserID: c.events[ev].OrganiserID,
		Lines: lines, Total: total, Payment: balie.PayCard})
	ms := a.next(balie.KindMembershipPayment, v.membership(t, friends, k, a.at, 0))
	resp := ingest(t, l, a, sale, ms, a.next(balie.KindVoid, balie.VoidPayload{Target: ms.ID, Reason: "fout", Approver: "staff-sup"}))
	for _, v := range resp.Verdicts {
		if v.Status != balisync.Accepted {
			t.Fatalf("verdict %+v", v)
		}
	}
	got, err := l.MoneyLines(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(lines)+2 {
		t.Fatalf("money lines: got %d, want %d: %+v", len(got), len(lines)+2, got)
	}
	var net balie.Cents
	for _, m := range got {
		if m.Shares.Holder+m.Shares.Organiser+m.Shares.City != m.Regular {
			t.Errorf("shares of %+v do not add up to %d", m.Shares, m.Regular)
		}
		if m.OrganiserID == "" {
			t.Errorf("line without organiser: %+v", m)
		}
		net += m.Amount
	}
	if net != total {
		t.Errorf("net money: got %d, want %d (the membership was voided)", net, total)
	}
	mss, _ := l.Memberships(ctx, k.ID)
	for _, m := range mss {
		if m.ProgramID == demo.ProgramFriends && m.End.After(a.at) && m.Start.Before(a.at.Add(time.Hour)) && m.Start.After(a.at.Add(-24*time.Hour)) {
			t.Errorf("voided membership still there: %+v", m)
		}
	}
}

// testReplay records random acts from three terminals, with voids, and
// checks after each round and after a reopen that every balance equals a
// replay of the events.
func testReplay(t *testing.T, e Engine) {
	seedN := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seedN)
	rng := rand.New(rand.NewPCG(seedN, 1))
	v := newEnv(t, e, 100)
	l, c, ctx := v.l, v.c, context.Background()
	terms := []*term{v.enrol(t, demo.BoxOfficeDesk), v.enrol(t, demo.BoxOfficeDesk), v.enrol(t, demo.SportsDesk)}
	orgs := []string{demo.OrgCulture, demo.OrgCulture, demo.OrgSports}
	var evs [3][]balie.Event
	var rewards [3][]balie.Reward
	for i, org := range orgs {
		for _, e := range c.events {
			if e.PointsPerCheckin > 0 && e.OrganiserID == org {
				evs[i] = append(evs[i], e)
			}
		}
		for _, r := range c.rewards {
			if r.OrganiserID == org {
				rewards[i] = append(rewards[i], r)
			}
		}
	}
	done := make([][]balie.JournalEvent, len(terms))
	for round := range 20 {
		for ti, tm := range terms {
			var batch []balie.JournalEvent
			for range rng.IntN(20) + 1 {
				h := c.holders[rng.IntN(len(c.holders))]
				var e balie.JournalEvent
				switch x := rng.IntN(10); {
				case x < 6:
					ev := evs[ti][rng.IntN(len(evs[ti]))]
					tm.at = ev.Start.Add(time.Duration(rng.IntN(3600)) * time.Second)
					if tm.at.After(v.clk.Now()) {
						tm.at = v.clk.Now().Add(-time.Duration(rng.IntN(3600)) * time.Second)
					}
					e = tm.next(balie.KindCheckin, checkin(h, ev))
				case x < 8:
					r := rewards[ti][rng.IntN(len(rewards[ti]))]
					e = tm.next(balie.KindRewardRedemption, balie.RewardRedemptionPayload{HolderID: h.ID, Card: h.Card, RewardID: r.ID, Points: r.Points})
				default:
					if len(done[ti]) == 0 {
						continue
					}
					target := done[ti][rng.IntN(len(done[ti]))]
					e = tm.next(balie.KindVoid, balie.VoidPayload{Target: target.ID, Reason: "test", Approver: "staff-sup"})
				}
				batch = append(batch, e)
				done[ti] = append(done[ti], e)
			}
			if len(batch) > 0 {
				ingest(t, l, tm, batch...)
			}
		}
		if round == 7 {
			if err := l.Store().Flush(ctx); err != nil {
				t.Fatal(err)
			}
		}
		if err := l.CheckBalances(ctx); err != nil {
			t.Fatalf("seed %d round %d: %v", seedN, round, err)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	l2 := v.open(t, false)
	if err := l2.CheckBalances(ctx); err != nil {
		t.Fatalf("seed %d: after a reopen: %v", seedN, err)
	}
}

package balie

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDecodePayload(t *testing.T) {
	start := time.Date(2026, 11, 30, 0, 0, 0, 0, Brussels())
	ticket := func(mod func(*TicketSalePayload)) TicketSalePayload {
		p := TicketSalePayload{HolderID: "h-1", Card: "0900000095902", EventID: "ev-1", OrganiserID: "org-cc",
			Lines: []TicketLine{{TariffID: "t-1", Kind: TariffSocial, Quantity: 2, Regular: 1500,
				Shares: Shares{Holder: 300, Organiser: 600, City: 600}, Total: 600}},
			Total: 600, Payment: PayCash}
		if mod != nil {
			mod(&p)
		}
		return p
	}
	cases := []struct {
		name string
		kind Kind
		raw  []byte
		ok   bool
	}{
		{"a check-in", KindCheckin, []byte(`{"holder":"h-1","card":"0900000095902","event":"ev-1","points":1}`), true},
		{"no payload", KindCheckin, nil, false},
		{"null payload", KindCheckin, []byte(`null`), false},
		{"an array", KindCheckin, []byte(`[1]`), false},
		{"bad UTF-8", KindCheckin, []byte("{\"holder\":\"h-\xff\",\"event\":\"ev-1\",\"points\":1}"), false},
		{"a million points", KindCheckin, []byte(`{"holder":"h-1","event":"ev-1","points":1000000}`), false},
		{"points beyond int64", KindCheckin, []byte(`{"holder":"h-1","event":"ev-1","points":9223372036854775808}`), false},
		{"negative points", KindCheckin, []byte(`{"holder":"h-1","event":"ev-1","points":-1}`), false},
		{"no event", KindCheckin, []byte(`{"holder":"h-1","points":1}`), false},
		{"a card number with a wrong check digit", KindCheckin, []byte(`{"holder":"h-1","card":"0900000095903","event":"ev-1","points":1}`), false},
		{"an id with a newline", KindCheckin, []byte(`{"holder":"h-1\n","event":"ev-1","points":1}`), false},
		{"an id of 200 characters", KindCheckin, []byte(`{"holder":"` + strings.Repeat("h", 200) + `","event":"ev-1","points":1}`), false},
		{"a field a newer desk adds", KindCheckin, []byte(`{"holder":"h-1","event":"ev-1","points":1,"mood":"happy"}`), true},
		{"an unknown kind", Kind("TELEPORT"), []byte(`{}`), false},
		{"a ticket sale", KindTicketSale, mustJSON(t, ticket(nil)), true},
		{"shares that do not add up", KindTicketSale, mustJSON(t, ticket(func(p *TicketSalePayload) { p.Lines[0].Shares.City = 500 })), false},
		{"a total that is not the lines'", KindTicketSale, mustJSON(t, ticket(func(p *TicketSalePayload) { p.Total = 500 })), false},
		{"paid with none", KindTicketSale, mustJSON(t, ticket(func(p *TicketSalePayload) { p.Payment = PayNone })), false},
		{"a social tariff without holder", KindTicketSale, mustJSON(t, ticket(func(p *TicketSalePayload) { p.HolderID, p.Card = "", "" })), false},
		{"51 tickets", KindTicketSale, mustJSON(t, ticket(func(p *TicketSalePayload) {
			p.Lines[0].Quantity, p.Lines[0].Total, p.Total = 51, 15300, 15300
		})), false},
		{"an overflowing price", KindTicketSale, mustJSON(t, ticket(func(p *TicketSalePayload) {
			p.Lines[0].Regular = 1 << 62
			p.Lines[0].Shares = Shares{Holder: 1 << 61, Organiser: 1 << 60, City: 1 << 60}
		})), false},
		{"a membership", KindMembershipPayment, mustJSON(t, MembershipPaymentPayload{HolderID: "h-1", ProgramID: "p-1", Price: 500,
			Start: start, End: start.AddDate(1, 0, 0), Payment: PayCard}), true},
		{"a membership for 1000 years", KindMembershipPayment, mustJSON(t, MembershipPaymentPayload{HolderID: "h-1", ProgramID: "p-1",
			Start: start, End: start.AddDate(1000, 0, 0)}), false},
		{"a membership that ends before it starts", KindMembershipPayment, mustJSON(t, MembershipPaymentPayload{HolderID: "h-1", ProgramID: "p-1",
			Start: start, End: start.AddDate(0, 0, -1)}), false},
		{"a first card", KindCardSale, mustJSON(t, CardSalePayload{Card: "1000000520006", HolderID: "h-2", Reason: ReasonFirstCard,
			NewHolder: &Holder{FirstName: "An", LastName: "Peeters"}, Price: 500, Payment: PayCash}), true},
		{"a first card without holder details", KindCardSale, mustJSON(t, CardSalePayload{Card: "1000000520006", HolderID: "h-2",
			Reason: ReasonFirstCard, Price: 500, Payment: PayCash}), false},
		{"a replacement without the old card", KindCardSale, mustJSON(t, CardSalePayload{Card: "1000000520006", HolderID: "h-2",
			Reason: ReasonReplaceLost, Price: 500, Payment: PayCash}), false},
		{"a redemption", KindRewardRedemption, []byte(`{"holder":"h-1","reward":"rw-1","points":20}`), true},
		{"a void", KindVoid, []byte(`{"target":"e-1","reason":"verkeerd tarief","approver":"staff-1"}`), true},
		{"a void without reason", KindVoid, []byte(`{"target":"e-1","reason":"  "}`), false},
		{"a sign-in", KindChildSignIn, []byte(`{"child":"h-3","provider":"org-bko"}`), true},
		{"a shift close", KindShiftClose, []byte(`{"shift":"s-1","counted":[{"value":5000,"count":2}],"counted_total":10000,"expected_cash":10000}`), true},
		{"a shift close counting 3 euro notes", KindShiftClose, []byte(`{"shift":"s-1","counted":[{"value":300,"count":2}]}`), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := DecodePayload(c.kind, c.raw)
			if c.ok {
				if err != nil {
					t.Fatalf("DecodePayload = %v, want ok", err)
				}
				if p == nil {
					t.Fatal("no payload")
				}
				return
			}
			if got := ErrorCode(err); got != CodePayloadInvalid {
				t.Fatalf("code = %q (%v), want %q", got, err, CodePayloadInvalid)
			}
			e, _ := AsError(err)
			if !strings.HasPrefix(e.NL, "De inhoud van deze handeling klopt niet: ") || e.EN == "" {
				t.Errorf("message = %q / %q, want a sentence for a person", e.NL, e.EN)
			}
		})
	}
}

func TestCheckActTime(t *testing.T) {
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	cases := []struct {
		at time.Time
		ok bool
	}{
		{now, true},
		{now.Add(-MaxActAge + time.Minute), true},
		{now.Add(-MaxActAge - time.Minute), false},
		{now.Add(MaxClockAhead - time.Second), true},
		{now.Add(MaxClockAhead + time.Second), false},
		{time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC), false},
		{time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC), false},
		{time.Time{}, false},
	}
	for _, c := range cases {
		err := CheckActTime(c.at, now)
		if (err == nil) != c.ok {
			t.Errorf("CheckActTime(%s) = %v, want ok %v", c.at, err, c.ok)
		}
		if err != nil && ErrorCode(err) != CodeTimeOutOfRange {
			t.Errorf("CheckActTime(%s) code = %s", c.at, ErrorCode(err))
		}
	}
}

func TestCheckPayment(t *testing.T) {
	cases := []struct {
		total Cents
		m     PaymentMethod
		ok    bool
		as    PaymentMethod
	}{
		{500, PayCash, true, PayCash},
		{500, PayCard, true, PayCard},
		{500, PayInvoice, true, PayInvoice},
		{500, PayNone, false, ""},
		{500, "", false, ""},
		{500, "BITCOIN", false, ""},
		{0, "", true, PayNone},
		{0, PayCash, true, PayNone},
		{0, PayNone, true, PayNone},
		{-1, PayCash, false, ""},
	}
	for _, c := range cases {
		err := CheckPayment(c.total, c.m)
		if (err == nil) != c.ok {
			t.Errorf("CheckPayment(%d, %q) = %v, want ok %v", c.total, c.m, err, c.ok)
		}
		if c.ok {
			if got := SettledPayment(c.total, c.m); got != c.as {
				t.Errorf("SettledPayment(%d, %q) = %q, want %q", c.total, c.m, got, c.as)
			}
		}
	}
}

func TestReplacedCardStatus(t *testing.T) {
	cases := map[PurchaseReason]CardStatus{
		ReasonReplaceLost: CardBlocked, ReasonReplaceStolen: CardBlocked,
		ReasonReplaceDefect: CardDeleted, ReasonSocialObtained: CardDeleted, ReasonSocialLost: CardDeleted,
	}
	for r, want := range cases {
		if got := ReplacedCardStatus(r); got != want {
			t.Errorf("ReplacedCardStatus(%s) = %s, want %s", r, got, want)
		}
	}
}

func TestUsableCard(t *testing.T) {
	cases := map[CardStatus]Code{CardActive: "", CardBlocked: CodeCardBlocked, CardDeleted: CodeCardDeleted, CardLocalStock: CodeCardNotSold}
	for s, want := range cases {
		if got := ErrorCode(UsableCard(Card{Status: s})); got != want {
			t.Errorf("UsableCard(%s) = %q, want %q", s, got, want)
		}
	}
}

func TestKind_Voidable(t *testing.T) {
	for _, k := range []Kind{KindCheckin, KindTicketSale, KindCardSale, KindMembershipPayment, KindRewardRedemption} {
		if !k.Voidable() {
			t.Errorf("%s is not voidable", k)
		}
	}
	for _, k := range []Kind{KindChildSignIn, KindChildSignOut, KindVoid, KindShiftOpen, KindShiftClose} {
		if k.Voidable() {
			t.Errorf("%s is voidable", k)
		}
	}
}

func TestBusinessDay(t *testing.T) {
	// 23:30 UTC on 30 November is already 1 December in Brussels.
	if got := BusinessDay(time.Date(2026, 11, 30, 23, 30, 0, 0, time.UTC)); got != "2026-12-01" {
		t.Errorf("BusinessDay = %s, want 2026-12-01", got)
	}
}

func TestValidateNewHolder(t *testing.T) {
	at := time.Date(2026, 12, 1, 10, 0, 0, 0, Brussels())
	born := time.Date(1990, 5, 4, 0, 0, 0, 0, Brussels())
	cases := []struct {
		name string
		h    Holder
		ok   bool
	}{
		{"complete", Holder{FirstName: "An", LastName: "Peeters", BirthDate: born, PostalCode: "2500"}, true},
		{"no postal code", Holder{FirstName: "An", LastName: "Peeters", BirthDate: born}, true},
		{"a Dutch postal code", Holder{FirstName: "An", LastName: "Peeters", BirthDate: born, PostalCode: "4811 AB"}, true},
		{"no first name", Holder{FirstName: " ", LastName: "Peeters", BirthDate: born}, false},
		{"no birth date", Holder{FirstName: "An", LastName: "Peeters"}, false},
		{"born tomorrow", Holder{FirstName: "An", LastName: "Peeters", BirthDate: at.AddDate(0, 0, 1)}, false},
		{"born in 1850", Holder{FirstName: "An", LastName: "Peeters", BirthDate: time.Date(1850, 1, 1, 0, 0, 0, 0, Brussels())}, false},
		{"a postal code with a semicolon", Holder{FirstName: "An", LastName: "Peeters", BirthDate: born, PostalCode: "25;00"}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := ValidateNewHolder(c.h, at)
			if (err == nil) != c.ok {
				t.Fatalf("ValidateNewHolder = %v, want ok %v", err, c.ok)
			}
		})
	}
}

func TestDesk_Serves(t *testing.T) {
	d := Desk{ID: "desk-box", OrganiserID: "org-cc", SellsFor: []string{"org-cinema"}}
	for org, want := range map[string]bool{"org-cc": true, "org-cinema": true, "org-sport": false, "": false} {
		if got := d.Serves(org); got != want {
			t.Errorf("Serves(%q) = %v, want %v", org, got, want)
		}
	}
}

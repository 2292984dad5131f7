package balie

import (
	"testing"
	"time"
)

func TestPurchaseReason_Valid(t *testing.T) {
	cases := []struct {
		r    PurchaseReason
		want bool
	}{
		{ReasonFirstCard, true}, {ReasonReplaceLost, true}, {ReasonReplaceStolen, true},
		{ReasonReplaceDefect, true}, {ReasonSocialObtained, true}, {ReasonSocialLost, true},
		{"", false}, {"first_card", false}, {"GIFT", false},
	}
	for _, c := range cases {
		t.Run(string(c.r), func(t *testing.T) {
			if got := c.r.Valid(); got != c.want {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}

func TestCardSystem_IsResident(t *testing.T) {
	lier := CardSystem{ID: "lier", Name: "Lier", PostalCodes: []string{"2500"}}
	cases := []struct {
		name, pc string
		want     bool
	}{
		{"resident", "2500", true},
		{"typed with spaces", " 2500 ", true},
		{"neighbouring town", "2560", false},
		{"empty", "", false},
		{"blank", "  ", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := lier.IsResident(c.pc); got != c.want {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
	t.Run("no postal codes", func(t *testing.T) {
		if got := (CardSystem{ID: "x"}).IsResident("2500"); got {
			t.Errorf("got %v, want false", got)
		}
	})
}

func TestCardPriceTable_Price(t *testing.T) {
	lier := CardSystem{ID: "lier", Name: "Lier", PostalCodes: []string{"2500"}}
	region := CardSystem{ID: "regio", Name: "Regio Zuid"}
	replacements := []PurchaseReason{ReasonReplaceLost, ReasonReplaceStolen}
	// Most specific first: the social tariff, then a free replacement of a
	// defect card, then free first cards for young residents, then a paid
	// replacement, then the regular price.
	table := CardPriceTable{
		{CardSystem: "lier", SocialTariff: Yes, Price: 100},
		{CardSystem: "lier", Reasons: []PurchaseReason{ReasonReplaceDefect}, Price: 0},
		{CardSystem: "lier", Resident: Yes, Under18: Yes, Reasons: []PurchaseReason{ReasonFirstCard}, Price: 0},
		{CardSystem: "lier", Reasons: replacements, Price: 300},
		{CardSystem: "lier", Price: 500},
		{CardSystem: "regio", Resident: Tri(7), Price: 1}, // corrupt: never matches
	}
	now := inBrussels(2026, time.March, 14, 10, 0)
	adult := inBrussels(1980, time.June, 1, 0, 0)
	child := inBrussels(2015, time.June, 1, 0, 0)
	query := func(pc string, birth time.Time, social bool, reason PurchaseReason) CardSaleQuery {
		return CardSaleQuery{CardSystem: lier, PostalCode: pc, BirthDate: birth, SocialTariff: social, Reason: reason, At: now}
	}

	cases := []struct {
		name     string
		q        CardSaleQuery
		want     Cents
		wantCode Code
	}{
		{"regular adult resident", query("2500", adult, false, ReasonFirstCard), 500, ""},
		{"regular adult from elsewhere", query("2000", adult, false, ReasonFirstCard), 500, ""},
		{"resident under 18", query("2500", child, false, ReasonFirstCard), 0, ""},
		{"under 18 from elsewhere", query("2560", child, false, ReasonFirstCard), 500, ""},
		{"resident on the day before turning 18", query("2500", inBrussels(2008, time.March, 15, 0, 0), false, ReasonFirstCard), 0, ""},
		{"resident on the 18th birthday", query("2500", inBrussels(2008, time.March, 14, 0, 0), false, ReasonFirstCard), 500, ""},
		{"unknown birth date counts as adult", query("2500", time.Time{}, false, ReasonFirstCard), 500, ""},
		{"social tariff", query("2500", adult, true, ReasonFirstCard), 100, ""},
		{"social tariff obtained", query("2500", adult, true, ReasonSocialObtained), 100, ""},
		{"social tariff lost", query("2500", adult, false, ReasonSocialLost), 500, ""},
		{"replacement, lost", query("2500", adult, false, ReasonReplaceLost), 300, ""},
		{"replacement, stolen, under 18", query("2500", child, false, ReasonReplaceStolen), 300, ""},
		{"replacement, defect", query("2500", adult, false, ReasonReplaceDefect), 0, ""},
		{"invalid reason", query("2500", adult, false, "GIFT"), 0, CodeReasonInvalid},
		{"empty reason", query("2500", adult, false, ""), 0, CodeReasonInvalid},
		{"card system without a matching rule", CardSaleQuery{CardSystem: region, Reason: ReasonFirstCard, At: now}, 0, CodeCardPriceUnknown},
		{"card system without rules", CardSaleQuery{CardSystem: CardSystem{ID: "elders"}, Reason: ReasonFirstCard, At: now}, 0, CodeCardPriceUnknown},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := table.Price(c.q)
			if c.wantCode != "" {
				assertRefusal(t, err, c.wantCode)
				return
			}
			if err != nil {
				t.Fatalf("got error %v, want none", err)
			}
			if got != c.want {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}

	t.Run("negative price in the table", func(t *testing.T) {
		_, err := CardPriceTable{{CardSystem: "lier", Price: -500}}.Price(query("2500", adult, false, ReasonFirstCard))
		assertRefusal(t, err, CodeAmountNegative)
	})
	t.Run("unknown price names the card system", func(t *testing.T) {
		_, err := CardPriceTable{}.Price(query("2500", adult, false, ReasonFirstCard))
		assertRefusal(t, err, CodeCardPriceUnknown, "Lier")
	})
}

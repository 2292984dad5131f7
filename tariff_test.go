package balie

import (
	"strings"
	"testing"
)

func TestQuoteTicket(t *testing.T) {
	social := Holder{ID: "h-1", SocialTariff: SocialTariff{State: SocialActive}}
	regularHolder := Holder{ID: "h-2"}
	expired := Holder{ID: "h-3", SocialTariff: SocialTariff{State: SocialExpired}}

	regular := Tariff{ID: "t-reg", Kind: TariffRegular, Regular: 1000, Limit: Limit{Volume: 1, Period: PeriodDay}}
	socialT := Tariff{ID: "t-soc", Kind: TariffSocial, Regular: 1000, Key: CommonKey(), Limit: Limit{Volume: 1, Period: PeriodMonth}}
	socialRounded := Tariff{ID: "t-soc2", Kind: TariffSocial, Regular: 1250, Key: CommonKey()}
	socialYear := Tariff{ID: "t-soc3", Kind: TariffSocial, Regular: 1000, Key: CommonKey(), Limit: Limit{Volume: 3, Period: PeriodYear}}
	socialBadKey := Tariff{ID: "t-soc4", Kind: TariffSocial, Regular: 1000, Key: DistributionKey{Holder: 5000, Organiser: 3000, City: 2000}}
	coupon := Tariff{ID: "t-cpn", Kind: TariffCoupon, Regular: 1500, CouponPrice: 500, Limit: Limit{Volume: 2, Period: PeriodAbsolute}}
	couponTooHigh := Tariff{ID: "t-cpn2", Kind: TariffCoupon, Regular: 1500, CouponPrice: 2000}
	huge := Tariff{ID: "t-huge", Kind: TariffRegular, Regular: MaxAmount}

	cases := []struct {
		name     string
		t        Tariff
		h        Holder
		quantity int
		used     int
		want     TicketQuote
		wantCode Code
		wantNL   []string
	}{
		{"regular, two tickets", regular, Holder{}, 2, 0,
			TicketQuote{TariffID: "t-reg", Kind: TariffRegular, Quantity: 2, Regular: 1000, Shares: Shares{Holder: 1000}, Total: 2000}, "", nil},
		{"regular has no per-holder limit", regular, regularHolder, 1, 5,
			TicketQuote{TariffID: "t-reg", Kind: TariffRegular, Quantity: 1, Regular: 1000, Shares: Shares{Holder: 1000}, Total: 1000}, "", nil},
		{"social 20/40/40", socialT, social, 1, 0,
			TicketQuote{TariffID: "t-soc", Kind: TariffSocial, Quantity: 1, Regular: 1000, Shares: Shares{Holder: 200, Organiser: 400, City: 400}, Total: 200}, "", nil},
		// 20% of 12,50 is 2,50: already on the 10-cent step.
		{"social default step", socialRounded, social, 2, 0,
			TicketQuote{TariffID: "t-soc2", Kind: TariffSocial, Quantity: 2, Regular: 1250, Shares: Shares{Holder: 250, Organiser: 500, City: 500}, Total: 500}, "", nil},
		{"social, last one this year", socialYear, social, 2, 1,
			TicketQuote{TariffID: "t-soc3", Kind: TariffSocial, Quantity: 2, Regular: 1000, Shares: Shares{Holder: 200, Organiser: 400, City: 400}, Total: 400}, "", nil},
		{"social without the status", socialT, regularHolder, 1, 0, TicketQuote{}, CodeSocialTariffNeeded,
			[]string{"Dit UiTPAS-tarief geldt niet voor deze kaart."}},
		{"social with an expired status", socialT, expired, 1, 0, TicketQuote{}, CodeSocialTariffNeeded, nil},
		{"social for a customer without a card", socialT, Holder{}, 1, 0, TicketQuote{}, CodeSocialTariffNeeded, nil},
		{"social limit reached this month", socialT, social, 1, 1, TicketQuote{}, CodeTicketLimit,
			[]string{"deze maand geen tickets meer", "maximum 1"}},
		{"social, more than are left this year", socialYear, social, 3, 1, TicketQuote{}, CodeTicketLimit,
			[]string{"dit jaar nog 2 tickets", "geen 3"}},
		{"social, invalid key", socialBadKey, social, 1, 0, TicketQuote{}, CodeKeyInvalid, nil},
		{"coupon", coupon, regularHolder, 2, 0,
			TicketQuote{TariffID: "t-cpn", Kind: TariffCoupon, Quantity: 2, Regular: 1500, Shares: Shares{Holder: 500, Organiser: 1000}, Total: 1000}, "", nil},
		{"coupon, limit over all time", coupon, regularHolder, 1, 2, TicketQuote{}, CodeTicketLimit,
			[]string{"kan geen tickets meer kopen"}},
		{"coupon, one left of two", coupon, regularHolder, 2, 1, TicketQuote{}, CodeTicketLimit,
			[]string{"kan nog 1 ticket kopen"}},
		{"coupon above the regular price", couponTooHigh, regularHolder, 1, 0, TicketQuote{}, CodeAmountInvalid,
			[]string{"€ 20,00", "€ 15,00"}},
		{"fifty tickets", regular, Holder{}, 50, 0,
			TicketQuote{TariffID: "t-reg", Kind: TariffRegular, Quantity: 50, Regular: 1000, Shares: Shares{Holder: 1000}, Total: 50000}, "", nil},
		{"no tickets", regular, Holder{}, 0, 0, TicketQuote{}, CodeQuantityInvalid, []string{"tussen 1 en 50"}},
		{"negative quantity", regular, Holder{}, -1, 0, TicketQuote{}, CodeQuantityInvalid, nil},
		{"fifty-one tickets", regular, Holder{}, 51, 0, TicketQuote{}, CodeQuantityInvalid, nil},
		{"total overflows", huge, Holder{}, 2, 0, TicketQuote{}, CodeAmountOverflow, nil},
		{"negative price", Tariff{Kind: TariffRegular, Regular: -100}, Holder{}, 1, 0, TicketQuote{}, CodeAmountNegative, nil},
		{"unknown kind", Tariff{Kind: "FREE", Regular: 100}, Holder{}, 1, 0, TicketQuote{}, CodeTariffUnknown, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := QuoteTicket(c.t, c.h, c.quantity, c.used)
			if c.wantCode != "" {
				assertRefusal(t, err, c.wantCode, c.wantNL...)
				return
			}
			if err != nil {
				t.Fatalf("got error %v, want none", err)
			}
			if got != c.want {
				t.Errorf("got %+v, want %+v", got, c.want)
			}
			if sum := got.Shares.Holder + got.Shares.Organiser + got.Shares.City; sum != got.Regular {
				t.Errorf("shares add up to %d, want the regular price %d", sum, got.Regular)
			}
		})
	}
}

// The clerk reads refusals aloud at a counter: nothing in them may name
// the social status of the holder.
func TestQuoteTicket_NeutralWording(t *testing.T) {
	socialT := Tariff{Kind: TariffSocial, Regular: 1000, Key: CommonKey(), Limit: Limit{Volume: 1, Period: PeriodMonth}}
	cases := []struct {
		name string
		h    Holder
		used int
	}{
		{"not entitled", Holder{}, 0},
		{"limit reached", Holder{SocialTariff: SocialTariff{State: SocialActive}}, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := QuoteTicket(socialT, c.h, 1, c.used)
			e, ok := AsError(err)
			if !ok {
				t.Fatalf("got %v, want a refusal", err)
			}
			for _, word := range []string{"kansen", "sociaal", "sociale", "armoede"} {
				if strings.Contains(strings.ToLower(e.NL), word) {
					t.Errorf("NL = %q, want no %q in it", e.NL, word)
				}
			}
			if strings.Contains(strings.ToLower(e.EN), "social") {
				t.Errorf("EN = %q, want no %q in it", e.EN, "social")
			}
		})
	}
}

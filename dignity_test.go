package balie

import (
	"testing"
	"time"
)

func TestPassTariff(t *testing.T) {
	regular := Tariff{ID: "t-regular", EventID: "ev", Kind: TariffRegular, Regular: 1800}
	social := Tariff{ID: "t-uitpas", EventID: "ev", Kind: TariffSocial, Regular: 1800, Key: CommonKey()}
	coupon := Tariff{ID: "t-bon", EventID: "ev", Kind: TariffCoupon, Regular: 1800, CouponPrice: 1200}
	all := []Tariff{coupon, social, regular}
	withSocial := Holder{ID: "h-kevin", SocialTariff: SocialTariff{State: SocialActive, EndDate: time.Date(2027, 1, 1, 0, 0, 0, 0, Brussels())}}
	without := Holder{ID: "h-tom"}
	cases := []struct {
		name   string
		chosen Tariff
		h      Holder
		want   string
	}{
		{"UiTPAS-tarief, social tariff applies", social, withSocial, "t-uitpas"},
		{"UiTPAS-tarief, no social tariff: the regular price", social, without, "t-regular"},
		{"UiTPAS-tarief, no card", social, Holder{}, "t-uitpas"},
		{"regular stays regular", regular, withSocial, "t-regular"},
		{"coupon stays coupon", coupon, without, "t-bon"},
	}
	for _, c := range cases {
		if got := PassTariff(c.chosen, all, c.h); got.ID != c.want {
			t.Errorf("%s: %s, want %s", c.name, got.ID, c.want)
		}
	}
	if got := PassTariff(social, []Tariff{social}, without); got.ID != "t-uitpas" {
		t.Errorf("an event without a regular tariff: %s, want the UiTPAS-tarief itself", got.ID)
	}
}

func TestPassLine(t *testing.T) {
	for _, c := range []struct {
		kind TariffKind
		pass bool
		want bool
	}{
		{TariffRegular, true, true}, {TariffSocial, true, true}, {TariffCoupon, true, false},
		{TariffRegular, false, false},
	} {
		if got := PassLine(c.kind, c.pass); got != c.want {
			t.Errorf("PassLine(%s, %v) = %v, want %v", c.kind, c.pass, got, c.want)
		}
	}
}

package balie

import (
	"testing"
	"time"
)

func TestDecideRedeem(t *testing.T) {
	now := inBrussels(2026, time.May, 15, 14, 0)
	cinema := Reward{
		ID: "r-cinema", Kind: RewardPoints, Points: 10,
		RedeemFrom:  inBrussels(2026, time.January, 1, 0, 0),
		RedeemUntil: inBrussels(2027, time.January, 1, 0, 0),
		TotalUnits:  100,
		PerHolder:   Limit{Volume: 1, Period: PeriodMonth},
	}
	with := func(f func(*Reward)) Reward { r := cinema; f(&r); return r }
	welcome := Reward{ID: "r-welcome", Kind: RewardWelcome, TotalUnits: 500, PerHolder: Limit{Volume: 1, Period: PeriodAbsolute}}

	cases := []struct {
		name       string
		r          Reward
		balance    int
		at         time.Time
		u          RewardUsage
		wantPoints int
		wantCode   Code
		wantNL     []string
	}{
		{"points reward", cinema, 12, now, RewardUsage{}, 10, "", nil},
		{"exactly enough points", cinema, 10, now, RewardUsage{UnitsRedeemed: 99}, 10, "", nil},
		{"free points reward", with(func(r *Reward) { r.Points = 0 }), 0, now, RewardUsage{}, 0, "", nil},
		{"open-ended period", with(func(r *Reward) { r.RedeemUntil = time.Time{} }), 10, inBrussels(2040, time.May, 1, 0, 0), RewardUsage{}, 10, "", nil},
		{"redeem from is included", cinema, 10, inBrussels(2026, time.January, 1, 0, 0), RewardUsage{}, 10, "", nil},
		{"before the period", cinema, 10, inBrussels(2025, time.December, 31, 23, 59), RewardUsage{}, 0,
			CodeRewardPeriod, []string{"pas vanaf 01/01/2026"}},
		{"redeem until is excluded", cinema, 10, inBrussels(2027, time.January, 1, 0, 0), RewardUsage{}, 0,
			CodeRewardPeriod, []string{"sinds 01/01/2027"}},
		{"period end with a time", with(func(r *Reward) { r.RedeemUntil = inBrussels(2026, time.May, 15, 12, 0) }), 10, now, RewardUsage{}, 0,
			CodeRewardPeriod, []string{"15/05/2026 12:00"}},
		{"sold out", cinema, 50, now, RewardUsage{UnitsRedeemed: 100}, 0,
			CodeRewardSoldOut, []string{"alle 100 stuks"}},
		{"unlimited units", with(func(r *Reward) { r.TotalUnits = 0 }), 50, now, RewardUsage{UnitsRedeemed: 1_000_000}, 10, "", nil},
		{"holder limit this month", cinema, 50, now, RewardUsage{HolderInWindow: 1}, 0,
			CodeRewardLimit, []string{"deze maand al omgeruild"}},
		{"holder limit over all time", with(func(r *Reward) { r.PerHolder = Limit{Volume: 2, Period: PeriodAbsolute} }), 50, now, RewardUsage{HolderInWindow: 2}, 0,
			CodeRewardLimit, []string{"al 2 keer omgeruild"}},
		{"no holder limit", with(func(r *Reward) { r.PerHolder = Limit{} }), 50, now, RewardUsage{HolderInWindow: 7}, 10, "", nil},
		{"points short", cinema, 3, now, RewardUsage{}, 0,
			CodePointsShort, []string{"heeft 3 punten", "kost 10 punten"}},
		{"one point", cinema, 1, now, RewardUsage{}, 0,
			CodePointsShort, []string{"heeft 1 punt,"}},
		{"welcome costs nothing", welcome, 0, now, RewardUsage{}, 0, "", nil},
		{"welcome only once", welcome, 0, now, RewardUsage{HolderEver: 1}, 0,
			CodeWelcomeUsed, []string{"welkomstvoordeel al gekregen"}},
		{"welcome sold out", welcome, 0, now, RewardUsage{UnitsRedeemed: 500}, 0, CodeRewardSoldOut, nil},
		// The order is part of the contract: the most basic reason first.
		{"period before sold out and points", cinema, 0, inBrussels(2027, time.February, 1, 0, 0), RewardUsage{UnitsRedeemed: 100, HolderInWindow: 1}, 0, CodeRewardPeriod, nil},
		{"welcome used before sold out", welcome, 0, now, RewardUsage{HolderEver: 1, UnitsRedeemed: 500}, 0, CodeWelcomeUsed, nil},
		{"sold out before the holder limit", cinema, 0, now, RewardUsage{UnitsRedeemed: 100, HolderInWindow: 1}, 0, CodeRewardSoldOut, nil},
		{"holder limit before points", cinema, 0, now, RewardUsage{HolderInWindow: 1}, 0, CodeRewardLimit, nil},
		{"holder limit of three this year", with(func(r *Reward) { r.PerHolder = Limit{Volume: 3, Period: PeriodYear} }), 50, now, RewardUsage{HolderInWindow: 3}, 0,
			CodeRewardLimit, []string{"dit jaar al 3 keer omgeruild"}},
		{"negative cost", with(func(r *Reward) { r.Points = -5 }), 0, now, RewardUsage{}, 0, CodeRewardUnknown, nil},
		{"unknown kind", with(func(r *Reward) { r.Kind = "GIFT" }), 50, now, RewardUsage{}, 0, CodeRewardUnknown, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			points, err := DecideRedeem(c.r, c.balance, c.at, c.u)
			if c.wantCode != "" {
				assertRefusal(t, err, c.wantCode, c.wantNL...)
				return
			}
			if err != nil {
				t.Fatalf("got error %v, want none", err)
			}
			if points != c.wantPoints {
				t.Errorf("points got %d, want %d", points, c.wantPoints)
			}
		})
	}
}

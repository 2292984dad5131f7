package balie

import (
	"testing"
	"time"
)

// A status that ends on 1 July 2026 with a grace period until 1 October.
var (
	socialEnd   = inBrussels(2026, time.July, 1, 0, 0)
	socialGrace = inBrussels(2026, time.October, 1, 0, 0)
)

func socialStatus(state SocialTariffState) SocialTariff {
	return SocialTariff{State: state, EndDate: socialEnd, GraceEnd: socialGrace}
}

func TestSocialTariff_Applies(t *testing.T) {
	cases := []struct {
		name string
		s    SocialTariff
		want bool
	}{
		{"active", socialStatus(SocialActive), true},
		// The state decides, so dates long gone do not matter.
		{"active with passed dates", SocialTariff{State: SocialActive, EndDate: inBrussels(2020, time.January, 1, 0, 0)}, true},
		{"active without dates", SocialTariff{State: SocialActive}, true},
		{"expired", socialStatus(SocialExpired), false},
		{"suspended", socialStatus(SocialSuspended), false},
		{"none", SocialTariff{}, false},
		{"unknown state", SocialTariff{State: "active"}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.s.Applies(); got != c.want {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}

func TestSocialTariff_InGrace(t *testing.T) {
	cases := []struct {
		name string
		s    SocialTariff
		at   time.Time
		want bool
	}{
		{"before the end date", socialStatus(SocialActive), inBrussels(2026, time.June, 30, 23, 59), false},
		{"on the end date", socialStatus(SocialActive), socialEnd, true},
		{"during grace", socialStatus(SocialActive), inBrussels(2026, time.August, 15, 12, 0), true},
		{"at the grace end", socialStatus(SocialActive), socialGrace, false},
		{"after the grace end", socialStatus(SocialActive), inBrussels(2026, time.December, 1, 0, 0), false},
		{"no grace period", SocialTariff{State: SocialActive, EndDate: socialEnd}, inBrussels(2026, time.August, 15, 12, 0), false},
		{"no end date", SocialTariff{State: SocialActive, GraceEnd: socialGrace}, inBrussels(2026, time.August, 15, 12, 0), false},
		{"expired is never in grace", socialStatus(SocialExpired), inBrussels(2026, time.August, 15, 12, 0), false},
		{"suspended is never in grace", socialStatus(SocialSuspended), inBrussels(2026, time.August, 15, 12, 0), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.s.InGrace(c.at); got != c.want {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}

func TestSocialTariff_EndingSoon(t *testing.T) {
	month := 30 * 24 * time.Hour
	cases := []struct {
		name   string
		s      SocialTariff
		at     time.Time
		within time.Duration
		want   bool
	}{
		{"end date far away", socialStatus(SocialActive), inBrussels(2026, time.March, 1, 0, 0), month, false},
		{"end date within the month", socialStatus(SocialActive), inBrussels(2026, time.June, 20, 0, 0), month, true},
		{"end date exactly at the bound", socialStatus(SocialActive), socialEnd.Add(-month), month, true},
		{"end date just past the bound", socialStatus(SocialActive), socialEnd.Add(-month - time.Second), month, false},
		{"early in grace, grace end far away", socialStatus(SocialActive), inBrussels(2026, time.July, 2, 0, 0), month, false},
		{"late in grace, grace end near", socialStatus(SocialActive), inBrussels(2026, time.September, 15, 0, 0), month, true},
		{"after grace, still active", socialStatus(SocialActive), inBrussels(2026, time.November, 1, 0, 0), month, false},
		{"end date passed without grace", SocialTariff{State: SocialActive, EndDate: socialEnd}, inBrussels(2026, time.July, 2, 0, 0), month, false},
		{"no dates", SocialTariff{State: SocialActive}, inBrussels(2026, time.June, 20, 0, 0), month, false},
		{"expired", socialStatus(SocialExpired), inBrussels(2026, time.June, 20, 0, 0), month, false},
		{"suspended", socialStatus(SocialSuspended), inBrussels(2026, time.June, 20, 0, 0), month, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.s.EndingSoon(c.at, c.within); got != c.want {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}

func TestSocialTariff_SocialEndNotice(t *testing.T) {
	loc := Brussels()
	now := time.Date(2026, 11, 25, 10, 0, 0, 0, loc)
	day := func(days int) time.Time { return now.AddDate(0, 0, days) }
	cases := []struct {
		name string
		s    SocialTariff
		end  time.Time
		ok   bool
	}{
		{"in grace, grace ends in 70 days", SocialTariff{State: SocialActive, EndDate: day(-20), GraceEnd: day(70)}, day(70), true},
		{"ends in 45 days", SocialTariff{State: SocialActive, EndDate: day(45), GraceEnd: day(135)}, day(45), true},
		{"ends in 90 days", SocialTariff{State: SocialActive, EndDate: day(90)}, time.Time{}, false},
		{"expired", SocialTariff{State: SocialExpired, EndDate: day(-20), GraceEnd: day(70)}, time.Time{}, false},
		{"none", SocialTariff{}, time.Time{}, false},
	}
	for _, c := range cases {
		end, ok := c.s.SocialEndNotice(now)
		if ok != c.ok || !end.Equal(c.end) {
			t.Errorf("%s: %s %v, want %s %v", c.name, end, ok, c.end, c.ok)
		}
	}
}

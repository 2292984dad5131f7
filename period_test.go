package balie

import (
	"strings"
	"testing"
	"time"
)

// inBrussels is a wall-clock time in Brussels, the calendar the rules use.
func inBrussels(y int, mo time.Month, d, h, mi int) time.Time {
	return time.Date(y, mo, d, h, mi, 0, 0, Brussels())
}

// assertRefusal checks that err is a domain error with the code and, in
// Dutch, every fragment; English must be there too, for the English UI.
func assertRefusal(t *testing.T, err error, code Code, nlFragments ...string) {
	t.Helper()
	e, ok := AsError(err)
	if !ok {
		t.Fatalf("err = %v, want a *Error with code %s", err, code)
	}
	if e.Code != code {
		t.Fatalf("code = %s, want %s (NL: %q)", e.Code, code, e.NL)
	}
	if e.NL == "" || e.EN == "" {
		t.Fatalf("NL %q, EN %q: want both sentences", e.NL, e.EN)
	}
	for _, s := range []string{e.NL, e.EN} {
		if strings.Contains(s, "%!") {
			t.Errorf("message has a formatting error: %q", s)
		}
	}
	for _, f := range nlFragments {
		if !strings.Contains(e.NL, f) {
			t.Errorf("NL = %q, want it to contain %q", e.NL, f)
		}
	}
}

func TestBrussels(t *testing.T) {
	loc := Brussels()
	if got, want := loc.String(), "Europe/Brussels"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
	if Brussels() != loc {
		t.Errorf("got a new *time.Location on the second call, want the one loaded once")
	}
	for _, c := range []struct {
		name string
		at   time.Time
		want int
	}{
		{"winter is CET", time.Date(2026, time.January, 15, 12, 0, 0, 0, time.UTC), 3600},
		{"summer is CEST", time.Date(2026, time.July, 15, 12, 0, 0, 0, time.UTC), 7200},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, got := c.at.In(loc).Zone(); got != c.want {
				t.Errorf("offset got %d, want %d", got, c.want)
			}
		})
	}
}

func TestPeriod_Valid(t *testing.T) {
	cases := []struct {
		p    Period
		want bool
	}{
		{PeriodAbsolute, true}, {PeriodDay, true}, {PeriodWeek, true},
		{PeriodMonth, true}, {PeriodQuarter, true}, {PeriodYear, true},
		{"", false}, {"day", false}, {"FORTNIGHT", false},
	}
	for _, c := range cases {
		t.Run(string(c.p), func(t *testing.T) {
			if got := c.p.Valid(); got != c.want {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}

func TestPeriod_Window(t *testing.T) {
	far := time.Date(9999, time.December, 31, 23, 59, 59, 0, time.UTC)
	cases := []struct {
		name     string
		p        Period
		at       time.Time
		from, to time.Time
		length   time.Duration // real elapsed time, to see DST at work
	}{
		{"day ordinary", PeriodDay, inBrussels(2026, time.May, 12, 15, 0),
			inBrussels(2026, time.May, 12, 0, 0), inBrussels(2026, time.May, 13, 0, 0), 24 * time.Hour},
		{"day starts at midnight", PeriodDay, inBrussels(2026, time.May, 12, 0, 0),
			inBrussels(2026, time.May, 12, 0, 0), inBrussels(2026, time.May, 13, 0, 0), 24 * time.Hour},
		{"day ends just before midnight", PeriodDay, time.Date(2026, time.May, 12, 23, 59, 59, 999, Brussels()),
			inBrussels(2026, time.May, 12, 0, 0), inBrussels(2026, time.May, 13, 0, 0), 24 * time.Hour},
		{"day of an instant given in UTC", PeriodDay, time.Date(2026, time.May, 12, 22, 30, 0, 0, time.UTC),
			inBrussels(2026, time.May, 13, 0, 0), inBrussels(2026, time.May, 14, 0, 0), 24 * time.Hour},
		{"day of spring DST change is 23 h", PeriodDay, inBrussels(2026, time.March, 29, 12, 0),
			inBrussels(2026, time.March, 29, 0, 0), inBrussels(2026, time.March, 30, 0, 0), 23 * time.Hour},
		{"day of autumn DST change is 25 h", PeriodDay, inBrussels(2026, time.October, 25, 12, 0),
			inBrussels(2026, time.October, 25, 0, 0), inBrussels(2026, time.October, 26, 0, 0), 25 * time.Hour},
		{"week with spring DST change", PeriodWeek, inBrussels(2026, time.March, 29, 23, 0),
			inBrussels(2026, time.March, 23, 0, 0), inBrussels(2026, time.March, 30, 0, 0), 167 * time.Hour},
		{"week with autumn DST change", PeriodWeek, inBrussels(2026, time.October, 21, 9, 0),
			inBrussels(2026, time.October, 19, 0, 0), inBrussels(2026, time.October, 26, 0, 0), 169 * time.Hour},
		{"week across year end, on its Monday", PeriodWeek, inBrussels(2025, time.December, 29, 0, 0),
			inBrussels(2025, time.December, 29, 0, 0), inBrussels(2026, time.January, 5, 0, 0), 168 * time.Hour},
		{"week across year end, on New Year", PeriodWeek, inBrussels(2026, time.January, 1, 10, 0),
			inBrussels(2025, time.December, 29, 0, 0), inBrussels(2026, time.January, 5, 0, 0), 168 * time.Hour},
		{"week across year end, on its Sunday", PeriodWeek, inBrussels(2026, time.January, 4, 23, 59),
			inBrussels(2025, time.December, 29, 0, 0), inBrussels(2026, time.January, 5, 0, 0), 168 * time.Hour},
		{"week across month end", PeriodWeek, inBrussels(2026, time.June, 2, 8, 0),
			inBrussels(2026, time.June, 1, 0, 0), inBrussels(2026, time.June, 8, 0, 0), 168 * time.Hour},
		{"week across month end, Sunday", PeriodWeek, inBrussels(2026, time.May, 3, 8, 0),
			inBrussels(2026, time.April, 27, 0, 0), inBrussels(2026, time.May, 4, 0, 0), 168 * time.Hour},
		{"month with spring DST change", PeriodMonth, inBrussels(2026, time.March, 31, 23, 59),
			inBrussels(2026, time.March, 1, 0, 0), inBrussels(2026, time.April, 1, 0, 0), 743 * time.Hour},
		{"month with autumn DST change", PeriodMonth, inBrussels(2026, time.October, 1, 0, 0),
			inBrussels(2026, time.October, 1, 0, 0), inBrussels(2026, time.November, 1, 0, 0), 745 * time.Hour},
		{"December ends in the next year", PeriodMonth, inBrussels(2025, time.December, 31, 12, 0),
			inBrussels(2025, time.December, 1, 0, 0), inBrussels(2026, time.January, 1, 0, 0), 744 * time.Hour},
		{"first quarter", PeriodQuarter, inBrussels(2026, time.February, 15, 12, 0),
			inBrussels(2026, time.January, 1, 0, 0), inBrussels(2026, time.April, 1, 0, 0), 2159 * time.Hour},
		{"second quarter starts 1 April", PeriodQuarter, inBrussels(2026, time.April, 1, 0, 0),
			inBrussels(2026, time.April, 1, 0, 0), inBrussels(2026, time.July, 1, 0, 0), 2184 * time.Hour},
		{"third quarter", PeriodQuarter, inBrussels(2026, time.September, 30, 23, 59),
			inBrussels(2026, time.July, 1, 0, 0), inBrussels(2026, time.October, 1, 0, 0), 2208 * time.Hour},
		{"fourth quarter ends in the next year", PeriodQuarter, inBrussels(2026, time.December, 31, 23, 0),
			inBrussels(2026, time.October, 1, 0, 0), inBrussels(2027, time.January, 1, 0, 0), 2209 * time.Hour},
		{"year", PeriodYear, inBrussels(2026, time.July, 1, 12, 0),
			inBrussels(2026, time.January, 1, 0, 0), inBrussels(2027, time.January, 1, 0, 0), 8760 * time.Hour},
		{"year of a New Year's Eve instant in UTC", PeriodYear, time.Date(2026, time.December, 31, 23, 30, 0, 0, time.UTC),
			inBrussels(2027, time.January, 1, 0, 0), inBrussels(2028, time.January, 1, 0, 0), 8760 * time.Hour},
		{"absolute", PeriodAbsolute, inBrussels(2026, time.July, 1, 12, 0),
			time.Time{}, far, far.Sub(time.Time{})},
		{"unknown counts as absolute", "FORTNIGHT", inBrussels(2026, time.July, 1, 12, 0),
			time.Time{}, far, far.Sub(time.Time{})},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			from, to := c.p.Window(c.at)
			if !from.Equal(c.from) || !to.Equal(c.to) {
				t.Fatalf("got [%v, %v), want [%v, %v)", from, to, c.from, c.to)
			}
			if got := to.Sub(from); got != c.length {
				t.Errorf("length got %v, want %v", got, c.length)
			}
			if c.at.Before(from) || !c.at.Before(to) {
				t.Errorf("at %v is not inside [%v, %v)", c.at, from, to)
			}
		})
	}
}

func TestLimit_Window(t *testing.T) {
	at := inBrussels(2026, time.March, 29, 12, 0)
	for _, p := range []Period{PeriodDay, PeriodWeek, PeriodMonth, PeriodQuarter, PeriodYear, PeriodAbsolute} {
		t.Run(string(p), func(t *testing.T) {
			from, to := Limit{Volume: 1, Period: p}.Window(at)
			wantFrom, wantTo := p.Window(at)
			if !from.Equal(wantFrom) || !to.Equal(wantTo) {
				t.Errorf("got [%v, %v), want [%v, %v)", from, to, wantFrom, wantTo)
			}
		})
	}
}

func TestLimit_Allows(t *testing.T) {
	cases := []struct {
		name       string
		limit      Limit
		used, more int
		want       bool
	}{
		{"zero volume is unlimited", Limit{Volume: 0, Period: PeriodDay}, 1000, 5, true},
		{"zero limit is unlimited", Limit{}, 3, 1, true},
		{"first of one", Limit{Volume: 1, Period: PeriodDay}, 0, 1, true},
		{"second of one", Limit{Volume: 1, Period: PeriodDay}, 1, 1, false},
		{"exactly up to the volume", Limit{Volume: 4, Period: PeriodMonth}, 1, 3, true},
		{"one over the volume", Limit{Volume: 4, Period: PeriodMonth}, 2, 3, false},
		{"already over the volume", Limit{Volume: 1, Period: PeriodYear}, 2, 0, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.limit.Allows(c.used, c.more); got != c.want {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}

func TestAge(t *testing.T) {
	cases := []struct {
		name      string
		birth, at time.Time
		want      int
	}{
		{"day before the birthday", inBrussels(2008, time.March, 14, 0, 0), inBrussels(2026, time.March, 13, 23, 59), 17},
		{"on the birthday", inBrussels(2008, time.March, 14, 0, 0), inBrussels(2026, time.March, 14, 0, 0), 18},
		{"later in the year", inBrussels(2008, time.March, 14, 0, 0), inBrussels(2026, time.December, 31, 12, 0), 18},
		{"earlier in the year", inBrussels(2008, time.March, 14, 0, 0), inBrussels(2026, time.January, 1, 12, 0), 17},
		{"29 Feb, 28 Feb of a non-leap year", inBrussels(2008, time.February, 29, 0, 0), inBrussels(2026, time.February, 28, 12, 0), 17},
		{"29 Feb, 1 March of a non-leap year", inBrussels(2008, time.February, 29, 0, 0), inBrussels(2026, time.March, 1, 0, 0), 18},
		{"29 Feb, on 29 Feb of a leap year", inBrussels(2008, time.February, 29, 0, 0), inBrussels(2028, time.February, 29, 0, 0), 20},
		{"29 Feb, 28 Feb of a leap year", inBrussels(2008, time.February, 29, 0, 0), inBrussels(2028, time.February, 28, 23, 0), 19},
		// 23:30 UTC on 13 March is already 14 March in Brussels.
		{"Brussels calendar, not UTC", time.Date(2008, time.March, 14, 0, 0, 0, 0, time.UTC),
			time.Date(2026, time.March, 13, 23, 30, 0, 0, time.UTC), 18},
		{"newborn", inBrussels(2026, time.March, 14, 0, 0), inBrussels(2026, time.March, 14, 9, 0), 0},
		{"at before birth", inBrussels(2026, time.March, 14, 0, 0), inBrussels(2020, time.March, 14, 0, 0), 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Age(c.birth, c.at); got != c.want {
				t.Errorf("got %d, want %d", got, c.want)
			}
		})
	}
}

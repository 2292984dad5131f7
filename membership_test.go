package balie

import (
	"testing"
	"time"
)

func TestMembershipProgram_PriceFor(t *testing.T) {
	// The domain's friends' circle: 10 euro, 5 euro off for pass holders.
	friends := MembershipProgram{ID: "vrienden", Price: 1000, PassDiscount: 500}
	withSocial := friends
	withSocial.SocialPrice, withSocial.HasSocialPrice = 200, true
	freeSocial := friends
	freeSocial.SocialPrice, freeSocial.HasSocialPrice = 0, true
	bigDiscount := MembershipProgram{Price: 300, PassDiscount: 500}

	cases := []struct {
		name               string
		p                  MembershipProgram
		passHolder, social bool
		want               Cents
	}{
		{"no pass", friends, false, false, 1000},
		{"pass holder", friends, true, false, 500},
		{"social without a social price gets the pass price", friends, true, true, 500},
		{"social price", withSocial, true, true, 200},
		{"social price of zero is a price", freeSocial, true, true, 0},
		{"social price ignored without social tariff", withSocial, true, false, 500},
		{"discount never goes below zero", bigDiscount, true, false, 0},
		{"no discount without a pass", bigDiscount, false, false, 300},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.p.PriceFor(c.passHolder, c.social); got != c.want {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}

func TestMembershipProgram_Term(t *testing.T) {
	yearly := MembershipProgram{ID: "vrienden", EndKind: EndPeriod, PeriodMonths: 12}
	monthly := MembershipProgram{ID: "sport", EndKind: EndPeriod, PeriodMonths: 1}
	season := MembershipProgram{ID: "seizoen", EndKind: EndFixed, FixedEnd: inBrussels(2027, time.January, 1, 0, 0)}
	youth := MembershipProgram{ID: "jeugd", EndKind: EndAge, AgeLimit: 26}
	birth := inBrussels(2001, time.May, 10, 0, 0)
	current := &Membership{ProgramID: "vrienden", Start: inBrussels(2025, time.June, 1, 0, 0), End: inBrussels(2026, time.June, 1, 0, 0)}
	lapsed := &Membership{ProgramID: "vrienden", Start: inBrussels(2025, time.May, 1, 0, 0), End: inBrussels(2026, time.May, 1, 0, 0)}

	cases := []struct {
		name             string
		p                MembershipProgram
		paidAt, birth    time.Time
		current          *Membership
		wantStart, wantE time.Time
		wantCode         Code
	}{
		{"a year from the day of payment", yearly, inBrussels(2026, time.March, 14, 15, 42), birth, nil,
			inBrussels(2026, time.March, 14, 0, 0), inBrussels(2027, time.March, 14, 0, 0), ""},
		{"a month across the DST change ends at local midnight", monthly, inBrussels(2026, time.March, 1, 10, 0), birth, nil,
			inBrussels(2026, time.March, 1, 0, 0), inBrussels(2026, time.April, 1, 0, 0), ""},
		{"paid late in the evening, UTC already the next day", yearly, time.Date(2026, time.March, 13, 23, 30, 0, 0, time.UTC), birth, nil,
			inBrussels(2026, time.March, 14, 0, 0), inBrussels(2027, time.March, 14, 0, 0), ""},
		{"31 January plus a month", monthly, inBrussels(2026, time.January, 31, 9, 0), birth, nil,
			inBrussels(2026, time.January, 31, 0, 0), inBrussels(2026, time.March, 3, 0, 0), ""},
		{"renewal extends from the end date", yearly, inBrussels(2026, time.May, 20, 11, 0), birth, current,
			inBrussels(2026, time.June, 1, 0, 0), inBrussels(2027, time.June, 1, 0, 0), ""},
		{"renewal after lapsing starts on the day of payment", yearly, inBrussels(2026, time.May, 20, 11, 0), birth, lapsed,
			inBrussels(2026, time.May, 20, 0, 0), inBrussels(2027, time.May, 20, 0, 0), ""},
		{"renewal on the end date itself starts that day", yearly, inBrussels(2026, time.June, 1, 9, 0), birth, current,
			inBrussels(2026, time.June, 1, 0, 0), inBrussels(2027, time.June, 1, 0, 0), ""},
		{"no months set", MembershipProgram{EndKind: EndPeriod}, inBrussels(2026, time.March, 14, 12, 0), birth, nil,
			time.Time{}, time.Time{}, CodeMembershipEnd},
		{"fixed end", season, inBrussels(2026, time.September, 10, 18, 0), birth, nil,
			inBrussels(2026, time.September, 10, 0, 0), inBrussels(2027, time.January, 1, 0, 0), ""},
		{"fixed end already passed", season, inBrussels(2027, time.January, 1, 10, 0), birth, nil,
			time.Time{}, time.Time{}, CodeMembershipEnd},
		{"fixed end cannot be renewed", season, inBrussels(2026, time.December, 1, 10, 0), birth,
			&Membership{Start: inBrussels(2026, time.September, 1, 0, 0), End: inBrussels(2027, time.January, 1, 0, 0)},
			time.Time{}, time.Time{}, CodeMembershipEnd},
		{"fixed end not set", MembershipProgram{EndKind: EndFixed}, inBrussels(2026, time.March, 14, 12, 0), birth, nil,
			time.Time{}, time.Time{}, CodeMembershipEnd},
		{"youth card until 26", youth, inBrussels(2026, time.March, 14, 12, 0), birth, nil,
			inBrussels(2026, time.March, 14, 0, 0), inBrussels(2027, time.May, 10, 0, 0), ""},
		{"youth card on the last day", youth, inBrussels(2027, time.May, 9, 12, 0), birth, nil,
			inBrussels(2027, time.May, 9, 0, 0), inBrussels(2027, time.May, 10, 0, 0), ""},
		{"youth card on the 26th birthday", youth, inBrussels(2027, time.May, 10, 8, 0), birth, nil,
			time.Time{}, time.Time{}, CodeMembershipEnd},
		{"youth card for someone too old", youth, inBrussels(2026, time.March, 14, 12, 0), inBrussels(1990, time.January, 1, 0, 0), nil,
			time.Time{}, time.Time{}, CodeMembershipEnd},
		{"born on 29 February, ends on 1 March", youth, inBrussels(2026, time.March, 14, 12, 0), inBrussels(2004, time.February, 29, 0, 0), nil,
			inBrussels(2026, time.March, 14, 0, 0), inBrussels(2030, time.March, 1, 0, 0), ""},
		{"youth card cannot be renewed past the age", youth, inBrussels(2027, time.April, 1, 12, 0), birth,
			&Membership{Start: inBrussels(2026, time.March, 14, 0, 0), End: inBrussels(2027, time.May, 10, 0, 0)},
			time.Time{}, time.Time{}, CodeMembershipEnd},
		{"age limit without a birth date", youth, inBrussels(2026, time.March, 14, 12, 0), time.Time{}, nil,
			time.Time{}, time.Time{}, CodeMembershipEnd},
		{"unknown end kind", MembershipProgram{EndKind: "FOREVER"}, inBrussels(2026, time.March, 14, 12, 0), birth, nil,
			time.Time{}, time.Time{}, CodeMembershipEnd},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			start, end, err := c.p.Term(c.paidAt, c.birth, c.current)
			if c.wantCode != "" {
				assertRefusal(t, err, c.wantCode)
				return
			}
			if err != nil {
				t.Fatalf("got error %v, want none", err)
			}
			if !start.Equal(c.wantStart) || !end.Equal(c.wantE) {
				t.Errorf("got [%v, %v), want [%v, %v)", start, end, c.wantStart, c.wantE)
			}
		})
	}
}

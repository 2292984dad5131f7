package balie

import (
	"testing"
	"time"
)

func TestMembershipLines(t *testing.T) {
	loc := Brussels()
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, loc) }
	now := time.Date(2026, 11, 30, 10, 0, 0, 0, loc)
	sport := func(start, end time.Time) MembershipView {
		return MembershipView{Membership: Membership{ProgramID: "sport", Start: start, End: end}, Program: "Sportpas"}
	}
	friends := MembershipView{Membership: Membership{ProgramID: "friends", Start: day(2025, 9, 1), End: day(2026, 9, 1)}, Program: "Vriendenkring"}
	cases := []struct {
		name string
		ms   []MembershipView
		want []MembershipView
	}{
		{"paid twice on one day: one line, the latest end, valid",
			[]MembershipView{sport(day(2026, 11, 30), day(2027, 11, 30)), sport(day(2027, 11, 30), day(2028, 11, 30))},
			[]MembershipView{{Membership: Membership{ProgramID: "sport", Start: day(2026, 11, 30), End: day(2028, 11, 30)}, Program: "Sportpas", Valid: true}}},
		{"only a renewal that starts later: not expired",
			[]MembershipView{sport(day(2027, 1, 1), day(2028, 1, 1))},
			[]MembershipView{{Membership: Membership{ProgramID: "sport", Start: day(2027, 1, 1), End: day(2028, 1, 1)}, Program: "Sportpas"}}},
		{"two that ended: the last",
			[]MembershipView{sport(day(2023, 1, 1), day(2024, 1, 1)), sport(day(2024, 1, 1), day(2025, 1, 1)), friends},
			[]MembershipView{
				{Membership: Membership{ProgramID: "sport", Start: day(2024, 1, 1), End: day(2025, 1, 1)}, Program: "Sportpas"},
				{Membership: friends.Membership, Program: "Vriendenkring"}}},
		{"a gap: today's membership, not the one after the gap",
			[]MembershipView{sport(day(2026, 1, 1), day(2027, 1, 1)), sport(day(2027, 6, 1), day(2028, 6, 1))},
			[]MembershipView{{Membership: Membership{ProgramID: "sport", Start: day(2026, 1, 1), End: day(2027, 1, 1)}, Program: "Sportpas", Valid: true}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := MembershipLines(c.ms, now)
			if len(got) != len(c.want) {
				t.Fatalf("got %d lines %+v, want %+v", len(got), got, c.want)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Errorf("line %d = %+v, want %+v", i, got[i], c.want[i])
				}
			}
		})
	}
}

func TestMembershipPaidToday(t *testing.T) {
	loc := Brussels()
	now := time.Date(2026, 11, 30, 23, 30, 0, 0, loc)
	cases := []struct {
		paid []time.Time
		want bool
	}{
		{nil, false},
		{[]time.Time{time.Date(2026, 11, 30, 0, 5, 0, 0, loc)}, true},
		{[]time.Time{time.Date(2026, 11, 29, 23, 59, 0, 0, loc)}, false},
		{[]time.Time{time.Date(2026, 12, 1, 0, 0, 0, 0, loc)}, false},
	}
	for _, c := range cases {
		if got := MembershipPaidToday(c.paid, now); got != c.want {
			t.Errorf("MembershipPaidToday(%v) = %v, want %v", c.paid, got, c.want)
		}
	}
}

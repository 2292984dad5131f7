package balie

import (
	"fmt"
	"testing"
	"time"
)

func TestStartedUnits(t *testing.T) {
	half := 30 * time.Minute
	cases := []struct {
		name    string
		d, unit time.Duration
		want    int
	}{
		{"nothing", 0, half, 0},
		{"a nanosecond starts a unit", 1, half, 1},
		{"exactly one unit", half, half, 1},
		{"31 minutes", 31 * time.Minute, half, 2},
		{"exactly two units", time.Hour, half, 2},
		{"negative", -time.Minute, half, 0},
		{"no unit", time.Hour, 0, 0},
		{"negative unit", time.Hour, -half, 0},
		{"a very long duration", 1<<62 + 1, 1 << 62, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := StartedUnits(c.d, c.unit); got != c.want {
				t.Errorf("got %d, want %d", got, c.want)
			}
		})
	}
}

func TestBillChildcareDay(t *testing.T) {
	// The domain's figures: 0,81 per started half hour on school days,
	// 3,54 / 5,31 / 10,52 on school-free days, 15 euro per started late
	// half hour, 25% for siblings and 50% with the social tariff.
	rates := ChildcareRates{
		UnitPrice:  81,
		BlockShort: 354, BlockMedium: 531, BlockLong: 1052,
		SiblingPct: 25, SocialPct: 50,
		LateFee: 1500,
	}
	dear := rates
	dear.UnitPrice = 150
	tie := rates
	tie.UnitPrice = 118 // 3 half hours cost 3,54, exactly the short block
	noLateFee := rates
	noLateFee.LateFee = 0
	fullSocial := rates
	fullSocial.SocialPct = 100
	hourly := rates
	hourly.Unit, hourly.LateUnit = time.Hour, 15*time.Minute

	// Wednesday 18 March 2026, closing at 18:00.
	at := func(h, m int) time.Time { return inBrussels(2026, time.March, 18, h, m) }
	stay := func(h1, m1, h2, m2 int) ChildcareSession { return ChildcareSession{In: at(h1, m1), Out: at(h2, m2)} }
	closing := at(18, 0)
	day := func(kind DayKind, s ...ChildcareSession) ChildcareDay {
		return ChildcareDay{Day: kind, Sessions: s, Closing: closing}
	}
	with := func(d ChildcareDay, f func(*ChildcareDay)) ChildcareDay { f(&d); return d }
	sibling := func(d *ChildcareDay) { d.Sibling = true }
	social := func(d *ChildcareDay) { d.Social = true }
	both := func(d *ChildcareDay) { d.Sibling, d.Social = true, true }

	cases := []struct {
		name     string
		r        ChildcareRates
		d        ChildcareDay
		want     ChildcareBill
		wantCode Code
		wantNL   []string
	}{
		{"school day, 30 minutes", rates, day(SchoolDay, stay(15, 30, 16, 0)),
			ChildcareBill{Units: 1, Base: 81, Total: 81}, "", nil},
		{"school day, 31 minutes is 2 units", rates, day(SchoolDay, stay(15, 30, 16, 1)),
			ChildcareBill{Units: 2, Base: 162, Total: 162}, "", nil},
		{"school day, the dearest rate", dear, day(SchoolDay, stay(15, 30, 17, 30)),
			ChildcareBill{Units: 4, Base: 600, Total: 600}, "", nil},
		// 40 + 20 minutes is one hour: 2 units, not 2 + 1 per session.
		{"school day, morning and evening are summed", rates, day(SchoolDay, stay(7, 30, 8, 10), stay(15, 30, 15, 50)),
			ChildcareBill{Units: 2, Base: 162, Total: 162}, "", nil},
		{"sessions in any order", rates, day(SchoolDay, stay(15, 30, 15, 50), stay(7, 30, 8, 10)),
			ChildcareBill{Units: 2, Base: 162, Total: 162}, "", nil},
		{"school day, an hourly unit", hourly, day(SchoolDay, stay(15, 30, 16, 31)),
			ChildcareBill{Units: 2, Base: 162, Total: 162}, "", nil},
		{"school-free, just under 3 h", rates, day(SchoolFreeDay, stay(9, 0, 11, 59)),
			ChildcareBill{Block: BlockShort, Base: 354, Total: 354}, "", nil},
		{"school-free, exactly 3 h", rates, day(SchoolFreeDay, stay(9, 0, 12, 0)),
			ChildcareBill{Block: BlockMedium, Base: 531, Total: 531}, "", nil},
		{"school-free, just under 6 h", rates, day(SchoolFreeDay, stay(9, 0, 14, 59)),
			ChildcareBill{Block: BlockMedium, Base: 531, Total: 531}, "", nil},
		{"school-free, exactly 6 h", rates, day(SchoolFreeDay, stay(9, 0, 15, 0)),
			ChildcareBill{Block: BlockLong, Base: 1052, Total: 1052}, "", nil},
		{"school-free, two sessions add up to a block", rates, day(SchoolFreeDay, stay(8, 0, 10, 0), stay(13, 0, 14, 0)),
			ChildcareBill{Block: BlockMedium, Base: 531, Total: 531}, "", nil},
		{"Wednesday, short stay cheaper per unit", rates, day(WednesdayAfter, stay(12, 0, 13, 30)),
			ChildcareBill{Units: 3, Base: 243, Total: 243}, "", nil},
		{"Wednesday, long stay cheaper by block", rates, day(WednesdayAfter, stay(12, 0, 17, 0)),
			ChildcareBill{Block: BlockMedium, Base: 531, Total: 531}, "", nil},
		{"Wednesday, a tie bills per unit", tie, day(WednesdayAfter, stay(12, 0, 13, 30)),
			ChildcareBill{Units: 3, Base: 354, Total: 354}, "", nil},
		// 25% of 3,54 is 0,885: rounded half up to 0,89.
		{"sibling, rounded half up", rates, with(day(SchoolFreeDay, stay(9, 0, 11, 0)), sibling),
			ChildcareBill{Block: BlockShort, Base: 354, SiblingDiscount: 89, Total: 265}, "", nil},
		{"social", rates, with(day(SchoolFreeDay, stay(9, 0, 11, 0)), social),
			ChildcareBill{Block: BlockShort, Base: 354, SocialDiscount: 177, Total: 177}, "", nil},
		// 25% of 10,52 is 2,63; 50% of the remaining 7,89 is 3,945 -> 3,95.
		{"sibling and social combine", rates, with(day(SchoolFreeDay, stay(8, 0, 17, 0)), both),
			ChildcareBill{Block: BlockLong, Base: 1052, SiblingDiscount: 263, SocialDiscount: 395, Total: 394}, "", nil},
		{"school day, sibling and social", rates, with(day(SchoolDay, stay(15, 30, 17, 0)), both),
			ChildcareBill{Units: 3, Base: 243, SiblingDiscount: 61, SocialDiscount: 91, Total: 91}, "", nil},
		{"social at 100%", fullSocial, with(day(SchoolFreeDay, stay(8, 0, 17, 0)), social),
			ChildcareBill{Block: BlockLong, Base: 1052, SocialDiscount: 1052, Total: 0}, "", nil},
		{"out at closing is not late", rates, day(SchoolDay, stay(17, 0, 18, 0)),
			ChildcareBill{Units: 2, Base: 162, Total: 162}, "", nil},
		{"one minute late", rates, day(SchoolDay, stay(17, 0, 18, 1)),
			ChildcareBill{Units: 3, Base: 243, LateUnits: 1, LateFee: 1500, Total: 1743}, "", nil},
		{"31 minutes late", rates, day(SchoolDay, stay(17, 0, 18, 31)),
			ChildcareBill{Units: 4, Base: 324, LateUnits: 2, LateFee: 3000, Total: 3324}, "", nil},
		{"late fee is not reduced", fullSocial, with(day(SchoolFreeDay, stay(8, 0, 18, 10)), both),
			ChildcareBill{Block: BlockLong, Base: 1052, SiblingDiscount: 263, SocialDiscount: 789, LateUnits: 1, LateFee: 1500, Total: 1500}, "", nil},
		{"late counted on the last sign-out", rates, day(SchoolDay, stay(17, 50, 18, 20), stay(7, 30, 8, 0)),
			ChildcareBill{Units: 2, Base: 162, LateUnits: 1, LateFee: 1500, Total: 1662}, "", nil},
		{"late units with a 15-minute unit", hourly, day(SchoolDay, stay(17, 0, 18, 20)),
			ChildcareBill{Units: 2, Base: 162, LateUnits: 2, LateFee: 3000, Total: 3162}, "", nil},
		{"late without a late fee", noLateFee, day(SchoolDay, stay(17, 0, 18, 1)),
			ChildcareBill{Units: 3, Base: 243, LateUnits: 1, Total: 243}, "", nil},
		{"no closing time, never late", rates, ChildcareDay{Day: SchoolDay, Sessions: []ChildcareSession{stay(17, 0, 19, 0)}},
			ChildcareBill{Units: 4, Base: 324, Total: 324}, "", nil},
		{"child still present", rates, day(SchoolDay, ChildcareSession{In: at(15, 30)}),
			ChildcareBill{}, CodeChildcareInvalid, []string{"nog aanwezig", "15:30"}},
		{"still present after an earlier stay", rates, day(SchoolDay, stay(7, 30, 8, 0), ChildcareSession{In: at(15, 30)}),
			ChildcareBill{}, CodeChildcareInvalid, []string{"nog aanwezig"}},
		{"out equals in", rates, day(SchoolDay, stay(15, 30, 15, 30)), ChildcareBill{}, CodeChildcareInvalid, nil},
		{"out before in", rates, day(SchoolDay, stay(16, 0, 15, 30)), ChildcareBill{}, CodeChildcareInvalid, nil},
		{"no arrival", rates, day(SchoolDay, ChildcareSession{Out: at(16, 0)}), ChildcareBill{}, CodeChildcareInvalid, nil},
		{"overlapping stays", rates, day(SchoolDay, stay(15, 0, 16, 0), stay(15, 30, 17, 0)),
			ChildcareBill{}, CodeChildcareInvalid, []string{"overlappen"}},
		{"no stay at all", rates, day(SchoolFreeDay), ChildcareBill{}, CodeChildcareInvalid, nil},
		{"unknown day kind", rates, day("HOLIDAY", stay(9, 0, 10, 0)), ChildcareBill{}, CodeChildcareInvalid, nil},
		{"negative rate", ChildcareRates{UnitPrice: -81}, day(SchoolDay, stay(9, 0, 10, 0)), ChildcareBill{}, CodeAmountNegative, nil},
		{"percentage above 100", ChildcareRates{UnitPrice: 81, SocialPct: 101}, day(SchoolDay, stay(9, 0, 10, 0)), ChildcareBill{}, CodeChildcareInvalid, nil},
		{"late fee overflows", ChildcareRates{UnitPrice: 81, LateFee: MaxAmount}, day(SchoolDay, stay(17, 0, 19, 0)), ChildcareBill{}, CodeAmountOverflow, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := BillChildcareDay(c.r, c.d)
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
		})
	}
}

func TestPercentHalfUp(t *testing.T) {
	cases := []struct {
		amount Cents
		pct    int
		want   Cents
	}{
		{354, 25, 89}, {789, 50, 395}, {1052, 25, 263}, {1, 50, 1}, {1, 49, 0},
		{0, 50, 0}, {1000, 0, 0}, {1000, 100, 1000}, {MaxAmount, 100, MaxAmount}, {MaxAmount, 50, MaxAmount / 2},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%d at %d%%", c.amount, c.pct), func(t *testing.T) {
			if got := percentHalfUp(c.amount, c.pct); got != c.want {
				t.Errorf("got %d, want %d", got, c.want)
			}
		})
	}
}

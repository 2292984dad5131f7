package balie

import (
	"slices"
	"time"
)

// MembershipLines is what a holder's card shows of their memberships:
// one line per program, however many payments made it. A renewal paid
// early is a membership of its own that starts where the current one
// ends; shown apart, it read "expired on" a date two years ahead beside
// the current one. So the memberships of a program that follow on from
// each other are one line: valid while today falls in them, until the
// end of the last. A program with no membership covering today shows the
// next one that starts later (Start after now, never "expired"), or else
// the one that ended last. Lines keep the order of their program's first
// membership in ms.
func MembershipLines(ms []MembershipView, now time.Time) []MembershipView {
	var order []string
	byProgram := map[string][]MembershipView{}
	for _, m := range ms {
		if _, seen := byProgram[m.ProgramID]; !seen {
			order = append(order, m.ProgramID)
		}
		byProgram[m.ProgramID] = append(byProgram[m.ProgramID], m)
	}
	out := make([]MembershipView, 0, len(order))
	for _, id := range order {
		out = append(out, membershipLine(byProgram[id], now))
	}
	return out
}

func membershipLine(ms []MembershipView, now time.Time) MembershipView {
	ms = slices.Clone(ms)
	slices.SortFunc(ms, func(a, b MembershipView) int { return a.Start.Compare(b.Start) })
	// chain extends m by every membership that starts before it ends.
	chain := func(m MembershipView) MembershipView {
		for _, n := range ms {
			if !n.Start.After(m.End) && n.End.After(m.End) {
				m.End = n.End
			}
		}
		return m
	}
	for _, m := range ms {
		if m.Membership.Valid(now) {
			m = chain(m)
			m.Valid = true
			return m
		}
	}
	for _, m := range ms {
		if m.Start.After(now) {
			m = chain(m)
			m.Valid = false
			return m
		}
	}
	last := ms[0]
	for _, m := range ms {
		if m.End.After(last.End) {
			last = m
		}
	}
	last.Valid = false
	return last
}

// MembershipPaidToday reports whether one of the payments at paidAt was
// made on now's calendar day in Brussels. A second payment of the same
// membership for the same holder on one day is almost always a key
// pressed twice; the desk asks for an explicit "renew again" first.
func MembershipPaidToday(paidAt []time.Time, now time.Time) bool {
	from, to := PeriodDay.Window(now)
	for _, t := range paidAt {
		if !t.Before(from) && t.Before(to) {
			return true
		}
	}
	return false
}

// MembershipQuote is what a membership payment would be, shown before the
// clerk confirms it: the price for this holder, the term it gives, and
// whether the same membership was already paid today.
type MembershipQuote struct {
	Program   MembershipProgram
	Price     Cents
	Start     time.Time
	End       time.Time
	Renewal   bool
	PaidToday bool
}

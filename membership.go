package balie

import "time"

// PriceFor returns what the membership costs: the social price for a
// holder with the social tariff when the program has one, otherwise the
// price less the pass discount for a pass holder (never below zero),
// otherwise the full price.
func (p MembershipProgram) PriceFor(passHolder, social bool) Cents {
	switch {
	case social && p.HasSocialPrice:
		return p.SocialPrice
	case passHolder:
		return max(p.Price-p.PassDiscount, 0)
	}
	return p.Price
}

// Term returns the validity [start, end) of a membership paid at paidAt
// by a holder born on birth. current is the holder's membership of this
// program, or nil; the caller picks it, Term does not compare program IDs.
//
// The membership starts at the start of paidAt's day in Brussels, so it
// covers the whole day of payment; a renewal while current is still valid
// starts at current.End, so paying early loses no days. The end is
// FixedEnd (FIXED), start plus PeriodMonths calendar months (PERIOD; Go's
// AddDate, so 31 January plus one month is 3 March, in the holder's
// favour), or the day the holder turns AgeLimit (AGE; for a birthday on
// 29 February, 1 March in a non-leap year, as Age counts it). An end not
// after the start is refused with CodeMembershipEnd.
func (p MembershipProgram) Term(paidAt, birth time.Time, current *Membership) (start, end time.Time, err error) {
	loc := Brussels()
	y, m, d := paidAt.In(loc).Date()
	start = time.Date(y, m, d, 0, 0, 0, 0, loc)
	if current != nil && current.Valid(paidAt) {
		start = current.End.In(loc)
	}

	switch p.EndKind {
	case EndFixed:
		if p.FixedEnd.IsZero() {
			return time.Time{}, time.Time{}, Errorf(CodeMembershipEnd,
				"De einddatum van dit lidmaatschap is niet ingesteld; kijk de instellingen na.",
				"The end date of this membership is not set; check the settings.")
		}
		end = p.FixedEnd
		if !end.After(start) {
			return time.Time{}, time.Time{}, Errorf(CodeMembershipEnd,
				"Dit lidmaatschap eindigt op %[1]s; het kan niet meer verkocht of verlengd worden.",
				"This membership ends on %[1]s; it can no longer be sold or renewed.",
				brusselsMoment(p.FixedEnd))
		}
	case EndPeriod:
		if p.PeriodMonths <= 0 {
			return time.Time{}, time.Time{}, Errorf(CodeMembershipEnd,
				"De looptijd van dit lidmaatschap is niet ingesteld; kijk de instellingen na.",
				"The term of this membership is not set; check the settings.")
		}
		end = start.AddDate(0, p.PeriodMonths, 0)
	case EndAge:
		if p.AgeLimit <= 0 || birth.IsZero() {
			return time.Time{}, time.Time{}, Errorf(CodeMembershipEnd,
				"Voor dit lidmaatschap zijn een leeftijdsgrens en de geboortedatum nodig.",
				"This membership needs an age limit and the date of birth.")
		}
		by, bm, bd := birth.In(loc).Date()
		// time.Date turns 29 February of a non-leap year into 1 March.
		end = time.Date(by+p.AgeLimit, bm, bd, 0, 0, 0, 0, loc)
		if !end.After(start) {
			return time.Time{}, time.Time{}, Errorf(CodeMembershipEnd,
				"Dit lidmaatschap is voor wie jonger is dan %[1]d jaar; deze pashouder is op %[2]s al %[1]d of ouder.",
				"This membership is for people under %[1]d; this pass holder is %[1]d or older on %[2]s.",
				p.AgeLimit, brusselsMoment(start))
		}
	default:
		return time.Time{}, time.Time{}, Errorf(CodeMembershipEnd,
			"De einddatum van dit lidmaatschap is niet ingesteld (%[1]q); kijk de instellingen na.",
			"The end of this membership is not set (%[1]q); check the settings.", string(p.EndKind))
	}
	return start, end, nil
}

package balie

import (
	"slices"
	"time"
)

// Block names of school-free days in ChildcareBill.Block.
const (
	BlockShort  = "SHORT"  // under 3 h
	BlockMedium = "MEDIUM" // 3 h to under 6 h
	BlockLong   = "LONG"   // 6 h or more
)

// defaultChildcareUnit is the billing unit when a provider sets none: the
// half hour Flemish providers bill by.
const defaultChildcareUnit = 30 * time.Minute

// StartedUnits returns how many units of length unit the duration d
// starts: every started unit counts, so 31 minutes is 2 half hours. A
// non-positive d or unit gives 0.
func StartedUnits(d, unit time.Duration) int {
	if d <= 0 || unit <= 0 {
		return 0
	}
	n := d / unit
	if d%unit != 0 {
		n++
	}
	return int(n)
}

// BillChildcareDay bills one child's day.
//
// Every session must be closed (Out after In) and sessions must not
// overlap: a child still present is flagged to staff, never billed a
// guess, so an open session is an error (CodeChildcareInvalid), as is a
// day without any session. The stay is the sum of the sessions.
//
// SCHOOL_DAY bills per started Unit; SCHOOL_FREE by block of the whole
// stay (under 3 h, 3 h to under 6 h, 6 h or more); WEDNESDAY bills the
// cheaper of the two and fills in only the chosen one's Units or Block
// (per unit when both cost the same). The sibling reduction comes off the
// base, the social reduction off what is left, each rounded half up to
// the cent. A late pick-up (the last Out after Closing) is counted in
// started LateUnits and charged LateFee each, without reduction; with a
// zero LateFee the late units are still reported, for staff, at no cost.
func BillChildcareDay(r ChildcareRates, d ChildcareDay) (ChildcareBill, error) {
	if err := checkChildcareRates(r); err != nil {
		return ChildcareBill{}, err
	}
	stay, lastOut, err := childcareStay(d.Sessions)
	if err != nil {
		return ChildcareBill{}, err
	}
	unit := r.Unit
	if unit <= 0 {
		unit = defaultChildcareUnit
	}

	var b ChildcareBill
	switch d.Day {
	case SchoolDay:
		if b.Units, b.Base, err = childcarePerUnit(r, stay, unit); err != nil {
			return ChildcareBill{}, err
		}
	case SchoolFreeDay:
		b.Block, b.Base = childcareBlock(r, stay)
	case WednesdayAfter:
		units, perUnit, err := childcarePerUnit(r, stay, unit)
		if err != nil {
			return ChildcareBill{}, err
		}
		block, perBlock := childcareBlock(r, stay)
		if perUnit <= perBlock {
			b.Units, b.Base = units, perUnit
		} else {
			b.Block, b.Base = block, perBlock
		}
	default:
		return ChildcareBill{}, Errorf(CodeChildcareInvalid,
			"Onbekende soort opvangdag (%[1]q); kijk de instellingen na.",
			"Unknown kind of childcare day (%[1]q); check the settings.", string(d.Day))
	}

	if d.Sibling {
		b.SiblingDiscount = percentHalfUp(b.Base, r.SiblingPct)
	}
	if d.Social {
		b.SocialDiscount = percentHalfUp(b.Base-b.SiblingDiscount, r.SocialPct)
	}
	net := b.Base - b.SiblingDiscount - b.SocialDiscount

	if !d.Closing.IsZero() && lastOut.After(d.Closing) {
		lateUnit := r.LateUnit
		if lateUnit <= 0 {
			lateUnit = defaultChildcareUnit
		}
		b.LateUnits = StartedUnits(lastOut.Sub(d.Closing), lateUnit)
		if b.LateFee, err = r.LateFee.Mul(b.LateUnits); err != nil {
			return ChildcareBill{}, err
		}
	}
	if b.LateFee > MaxAmount-net {
		return ChildcareBill{}, Errorf(CodeAmountOverflow,
			"Het bedrag van deze opvangdag is te groot.",
			"The amount for this childcare day is too large.")
	}
	b.Total = net + b.LateFee
	return b, nil
}

// checkChildcareRates refuses negative prices and percentages outside
// 0..100, which would make a bill negative or larger than its base.
func checkChildcareRates(r ChildcareRates) error {
	if r.UnitPrice < 0 || r.BlockShort < 0 || r.BlockMedium < 0 || r.BlockLong < 0 || r.LateFee < 0 {
		return Errorf(CodeAmountNegative,
			"Een opvangtarief is negatief; kijk de tarieven na.",
			"A childcare rate is negative; check the rates.")
	}
	if r.SiblingPct < 0 || r.SiblingPct > 100 || r.SocialPct < 0 || r.SocialPct > 100 {
		return Errorf(CodeChildcareInvalid,
			"Een kortingspercentage voor de opvang ligt niet tussen 0 en 100; kijk de tarieven na.",
			"A childcare reduction percentage is not between 0 and 100; check the rates.")
	}
	return nil
}

// childcareStay sums the sessions and returns the stay and the last
// sign-out. Sessions are checked in sign-in order so an overlap (two
// sign-ins without a sign-out between them) cannot bill a minute twice.
func childcareStay(sessions []ChildcareSession) (stay time.Duration, lastOut time.Time, err error) {
	if len(sessions) == 0 {
		return 0, time.Time{}, Errorf(CodeChildcareInvalid,
			"Er is geen aanwezigheid geregistreerd voor deze dag; er valt niets aan te rekenen.",
			"No attendance is recorded for this day; there is nothing to bill.")
	}
	sorted := slices.Clone(sessions)
	slices.SortFunc(sorted, func(a, b ChildcareSession) int { return a.In.Compare(b.In) })
	for i, s := range sorted {
		switch {
		case s.In.IsZero():
			return 0, time.Time{}, Errorf(CodeChildcareInvalid,
				"Een verblijf heeft geen aankomsttijd; corrigeer eerst de registratie.",
				"A stay has no arrival time; correct the register first.")
		case s.Out.IsZero():
			return 0, time.Time{}, Errorf(CodeChildcareInvalid,
				"Dit kind is nog aanwezig (aangekomen om %[1]s); de dag kan pas aangerekend worden na het vertrek.",
				"This child is still present (arrived at %[1]s); the day can be billed only after departure.",
				brusselsClock(s.In, s.In))
		case !s.Out.After(s.In):
			return 0, time.Time{}, Errorf(CodeChildcareInvalid,
				"Een vertrek (%[1]s) ligt niet na de aankomst (%[2]s); corrigeer eerst de registratie.",
				"A departure (%[1]s) is not after the arrival (%[2]s); correct the register first.",
				brusselsClock(s.Out, s.In), brusselsClock(s.In, s.In))
		case i > 0 && s.In.Before(sorted[i-1].Out):
			return 0, time.Time{}, Errorf(CodeChildcareInvalid,
				"Twee verblijven overlappen (aankomst om %[1]s vóór het vertrek om %[2]s); corrigeer eerst de registratie.",
				"Two stays overlap (arrival at %[1]s before the departure at %[2]s); correct the register first.",
				brusselsClock(s.In, s.In), brusselsClock(sorted[i-1].Out, s.In))
		}
		stay += s.Out.Sub(s.In)
		if s.Out.After(lastOut) {
			lastOut = s.Out
		}
	}
	return stay, lastOut, nil
}

// childcarePerUnit prices a stay per started unit.
func childcarePerUnit(r ChildcareRates, stay, unit time.Duration) (int, Cents, error) {
	units := StartedUnits(stay, unit)
	base, err := r.UnitPrice.Mul(units)
	return units, base, err
}

// childcareBlock prices a stay by the block its whole length falls in.
func childcareBlock(r ChildcareRates, stay time.Duration) (string, Cents) {
	switch {
	case stay < 3*time.Hour:
		return BlockShort, r.BlockShort
	case stay < 6*time.Hour:
		return BlockMedium, r.BlockMedium
	}
	return BlockLong, r.BlockLong
}

// percentHalfUp returns pct percent of a non-negative amount, rounded half
// up to the cent. It splits the amount into whole hundreds and the rest so
// that multiplying by pct (at most 100) cannot overflow.
func percentHalfUp(amount Cents, pct int) Cents {
	p := Cents(pct)
	return amount/100*p + (amount%100*p+50)/100
}

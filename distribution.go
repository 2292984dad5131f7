package balie

import "strconv"

// DefaultRoundingStep is the step the holder's share is rounded to when a
// tariff sets none: 10 cents, so the holder never has to count out 1 and
// 2 cent coins.
const DefaultRoundingStep Cents = 10

// Bounds of a distribution key and of a split, in basis points of the
// regular price, as the public UiTPAS rules set them.
const (
	keyTotal        = 10000 // a key adds up to 100%
	holderMaxBP     = 2500  // the holder pays at most 25%
	organiserMinBP  = 1000  // the organiser carries at least 10%
	minSplitRegular = 4     // the smallest price with a holder share in (0, 25%]
)

// CommonKey returns the distribution key most cities use: the holder pays
// 20%, the organiser and the city each carry 40%.
func CommonKey() DistributionKey {
	return DistributionKey{Holder: 2000, Organiser: 4000, City: 4000}
}

// Validate reports whether the key respects the rules of the social
// tariff: no negative part, parts adding up to exactly 100%, a holder's
// part above 0 and at most 25%, an organiser's part of at least 10%.
func (k DistributionKey) Validate() error {
	if k.Holder < 0 || k.Organiser < 0 || k.City < 0 {
		return Errorf(CodeKeyInvalid,
			"Een verdeelsleutel kan geen negatief deel hebben (pashouder %[1]s, organisator %[2]s, stad %[3]s).",
			"A distribution key cannot have a negative part (holder %[4]s, organiser %[5]s, city %[6]s).",
			bpNL(k.Holder), bpNL(k.Organiser), bpNL(k.City), bpEN(k.Holder), bpEN(k.Organiser), bpEN(k.City))
	}
	if k.Holder == 0 {
		return Errorf(CodeKeyInvalid,
			"Het deel van de pashouder in de verdeelsleutel moet groter zijn dan 0%%: ook met kansentarief betaalt de pashouder iets.",
			"The holder's part of the distribution key must be above 0%%: with the social tariff too, the holder pays something.")
	}
	if k.Holder > holderMaxBP {
		return Errorf(CodeKeyInvalid,
			"Het deel van de pashouder in de verdeelsleutel is hoogstens 25%%; hier is het %[1]s.",
			"The holder's part of the distribution key is at most 25%%; here it is %[2]s.",
			bpNL(k.Holder), bpEN(k.Holder))
	}
	if k.Organiser < organiserMinBP {
		return Errorf(CodeKeyInvalid,
			"Het deel van de organisator in de verdeelsleutel is minstens 10%%; hier is het %[1]s.",
			"The organiser's part of the distribution key is at least 10%%; here it is %[2]s.",
			bpNL(k.Organiser), bpEN(k.Organiser))
	}
	// Add in uint64: the parts are not negative here and the holder's is
	// at most 2500, so even two parts near MaxInt cannot wrap around to
	// look like 10000.
	if sum := uint64(k.Holder) + uint64(k.Organiser) + uint64(k.City); sum != keyTotal {
		return Errorf(CodeKeyInvalid,
			"De delen van een verdeelsleutel moeten samen precies 100%% zijn; hier is dat %[1]s.",
			"The parts of a distribution key must add up to exactly 100%%; here they add up to %[2]s.",
			bpString(sum, ","), bpString(sum, "."))
	}
	return nil
}

// bpNL and bpEN write basis points as a percentage: "20%", "12,5%" (nl)
// or "12.5%" (en).
func bpNL(bp int) string { return bpSigned(bp, ",") }
func bpEN(bp int) string { return bpSigned(bp, ".") }

func bpSigned(bp int, dec string) string {
	if bp < 0 {
		return "-" + bpString(-uint64(int64(bp)), dec)
	}
	return bpString(uint64(bp), dec)
}

func bpString(u uint64, dec string) string {
	s := strconv.FormatUint(u/100, 10)
	if f := u % 100; f != 0 {
		fs := strconv.FormatUint(f+100, 10)[1:] // always two digits
		if fs[1] == '0' {
			fs = fs[:1]
		}
		s += dec + fs
	}
	return s + "%"
}

// Split divides a regular price into the holder's, the organiser's and
// the city's share under the key. The three shares always add up to
// regular exactly. The rules, in order:
//
//   - step <= 0 means DefaultRoundingStep. A free event (regular 0) gives
//     three zero shares. A negative price is CodeAmountNegative, a price
//     above MaxAmount CodeAmountOverflow, an invalid key CodeKeyInvalid.
//   - Holder: regular × k.Holder / 10000, rounded to the nearest multiple
//     of step, halves up. It must lie between 1 cent and floor(25% of
//     regular). If the rounded value is outside, the nearest multiple of
//     step inside those bounds is taken; if there is none, the bound that
//     was crossed (1 cent or floor(25%)) is taken. A step larger than
//     the price therefore gives the holder a share of 1 cent.
//   - Organiser: the rest (regular − holder) is divided between organiser
//     and city in the ratio k.Organiser : k.City, the organiser's part
//     rounded to the cent, halves up; it is raised to ceil(10% of
//     regular) when below.
//   - City: what remains, never negative.
//
// A paid price below 4 cents cannot be split: the holder's share would
// have to be at least 1 cent and at most 25% of it at the same time.
// Such a price is refused with CodeSplitImpossible.
func (k DistributionKey) Split(regular Cents, step Cents) (Shares, error) {
	if err := k.Validate(); err != nil {
		return Shares{}, err
	}
	if regular < 0 {
		return Shares{}, Errorf(CodeAmountNegative,
			"Een normale prijs kan niet negatief zijn (%[1]s).",
			"A regular price cannot be negative (%[2]s).",
			regular.String(), regular.Format("en"))
	}
	if regular > MaxAmount {
		return Shares{}, errAmountOverflow()
	}
	if regular == 0 {
		return Shares{}, nil
	}
	if regular < minSplitRegular {
		return Shares{}, Errorf(CodeSplitImpossible,
			"Een prijs van %[1]s is te klein voor het kansentarief: de pashouder moet minstens 1 cent en hoogstens 25%% betalen, en dat kan pas vanaf %[3]s.",
			"A price of %[2]s is too small for the social tariff: the holder must pay at least 1 cent and at most 25%%, which is possible only from %[4]s.",
			regular.String(), regular.Format("en"), Cents(minSplitRegular).String(), Cents(minSplitRegular).Format("en"))
	}
	if step <= 0 {
		step = DefaultRoundingStep
	}
	// Every step above the price rounds the holder's share the same way
	// (to 0, then up to the 1 cent bound); capping it keeps the integer
	// arithmetic below far from overflow.
	if step > regular {
		step = regular + 1
	}

	// Holder. All products stay below 2^63: regular <= 1e10, basis
	// points <= 1e4, step <= 1e10 + 1.
	r, kh := int64(regular), int64(k.Holder)
	st := int64(step)
	den := keyTotal * st
	holder := (2*r*kh + den) / (2 * den) * st // nearest multiple, halves up
	lo, hi := int64(1), r*holderMaxBP/keyTotal
	switch {
	case holder > hi:
		if m := hi / st * st; m >= lo {
			holder = m
		} else {
			holder = hi
		}
	case holder < lo:
		if m := (lo + st - 1) / st * st; m <= hi {
			holder = m
		} else {
			holder = lo
		}
	}

	// Organiser and city share the rest. k.Organiser + k.City is at least
	// 7500 because the key is valid.
	rest := r - holder
	oc := int64(k.Organiser) + int64(k.City)
	organiser := (2*rest*int64(k.Organiser) + oc) / (2 * oc)
	if minOrg := (r*organiserMinBP + keyTotal - 1) / keyTotal; organiser < minOrg {
		organiser = minOrg
	}
	if organiser > rest {
		// Cannot happen for regular >= 4 (the rest is at least 75% of
		// the price); kept so the city's share is never negative.
		organiser = rest
	}
	return Shares{
		Holder:    Cents(holder),
		Organiser: Cents(organiser),
		City:      Cents(rest - organiser),
	}, nil
}

// Total returns the sum of the three shares: the regular price they were
// split from.
func (s Shares) Total() Cents { return s.Holder + s.Organiser + s.City }

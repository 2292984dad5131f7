package balie

import (
	"math/bits"
	"strconv"
	"strings"
)

// MaxAmount is the largest amount, in either direction, that Balie
// handles: 100 million euro. Anything bigger is a typing mistake at a
// desk, and the bound keeps every sum and product of amounts far from
// int64 overflow.
const MaxAmount Cents = 100_000_000_00

// String formats the amount the nl-BE way (CLDR pattern "¤ #,##0.00"):
// "€ 1.234,50", "€ -5,00". The space after the euro sign is an ordinary
// space, which every receipt printer can print.
func (c Cents) String() string {
	euros, cents, neg := c.split()
	var b strings.Builder
	b.WriteString("€ ")
	if neg {
		b.WriteByte('-')
	}
	writeGrouped(&b, euros, '.')
	b.WriteByte(',')
	writeCents(&b, cents)
	return b.String()
}

// Format formats the amount for the interface language: "en" gives
// "€1,234.50" and "-€5.00"; every other value gives String, the nl-BE
// form, in line with (*Error).Message.
func (c Cents) Format(lang string) string {
	if lang != "en" {
		return c.String()
	}
	euros, cents, neg := c.split()
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	b.WriteString("€")
	writeGrouped(&b, euros, ',')
	b.WriteByte('.')
	writeCents(&b, cents)
	return b.String()
}

// split returns the absolute value in whole euros and cents. It works in
// uint64 so that even the most negative int64 formats correctly.
func (c Cents) split() (euros, cents uint64, neg bool) {
	u := uint64(c)
	if c < 0 {
		u = -u
		neg = true
	}
	return u / 100, u % 100, neg
}

func writeGrouped(b *strings.Builder, n uint64, sep byte) {
	s := strconv.FormatUint(n, 10)
	first := len(s) % 3
	if first == 0 {
		first = 3
	}
	b.WriteString(s[:first])
	for i := first; i < len(s); i += 3 {
		b.WriteByte(sep)
		b.WriteString(s[i : i+3])
	}
}

func writeCents(b *strings.Builder, cents uint64) {
	b.WriteByte(byte('0' + cents/10))
	b.WriteByte(byte('0' + cents%10))
}

// ParseAmount reads an amount as a clerk types it, the nl-BE way: a comma
// before the cents and, optionally, a dot between thousands. "5", "5,5"
// (5 euro 50), "5,50", "€ 5,00", "€5", "5 €", "1.234,50", "1234,50" and
// " 12 " are all understood.
//
// A dot is read as the decimal separator only where it cannot be a
// thousands separator: a single dot followed by 1 or 2 digits ("5.50" is 5
// euro 50). A dot followed by 3 digits separates thousands, as in nl-BE:
// "1.234" is one thousand two hundred and thirty-four euro. A lone comma
// at either end is accepted ("5," is 5 euro, ",50" is 50 cents).
//
// Refused: an empty field, letters and other characters, more than 2
// digits after the decimal separator, thousands separators in the wrong
// place ("1.23,00", "0.500"), a minus sign (CodeAmountNegative) and
// anything above MaxAmount (CodeAmountOverflow). Everything else is
// CodeAmountInvalid.
func ParseAmount(s string) (Cents, error) { return parseAmount(s, false) }

// ParseSignedAmount is ParseAmount for places where an amount may be
// negative, such as a correction: a "-" before the number or before the
// euro sign is allowed, so "-5,00", "€ -5,00" (what String writes) and
// "-€ 5" all parse to minus five euro.
func ParseSignedAmount(s string) (Cents, error) { return parseAmount(s, true) }

func parseAmount(s string, signed bool) (Cents, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, Errorf(CodeAmountInvalid,
			"Er is geen bedrag ingevuld.",
			"No amount was entered.")
	}
	neg := false
	if rest, ok := strings.CutPrefix(t, "-"); ok {
		neg, t = true, strings.TrimSpace(rest)
	}
	if rest, ok := strings.CutPrefix(t, "€"); ok {
		t = strings.TrimSpace(rest)
		if rest, ok := strings.CutPrefix(t, "-"); ok && !neg {
			neg, t = true, strings.TrimSpace(rest)
		}
	} else if rest, ok := strings.CutSuffix(t, "€"); ok {
		t = strings.TrimSpace(rest)
	}
	if t == "" {
		return 0, Errorf(CodeAmountInvalid,
			"Er staat geen getal in het bedrag.",
			"There is no number in the amount.")
	}
	for _, r := range t {
		if (r < '0' || r > '9') && r != ',' && r != '.' {
			return 0, Errorf(CodeAmountInvalid,
				"Een bedrag bestaat uit cijfers, met een komma voor de centen (bijvoorbeeld 12,50); het teken %q hoort er niet in.",
				"An amount consists of digits, with a comma before the cents (for example 12,50); the character %q does not belong in it.", string(r))
		}
	}

	whole, frac, err := splitAmount(t)
	if err != nil {
		return 0, err
	}
	if whole == "" && frac == "" {
		return 0, Errorf(CodeAmountInvalid,
			"Er staat geen getal in het bedrag.",
			"There is no number in the amount.")
	}
	if len(frac) > 2 {
		return 0, Errorf(CodeAmountInvalid,
			"Een bedrag heeft hoogstens 2 cijfers na de komma; dit heeft er %d.",
			"An amount has at most 2 digits after the decimal separator; this one has %d.", len(frac))
	}

	// Accumulate with a ceiling, so that a long string of digits is
	// reported as too big rather than wrapping around.
	var euros uint64
	over := false
	for i := 0; i < len(whole); i++ {
		euros = euros*10 + uint64(whole[i]-'0')
		if euros > uint64(MaxAmount/100) {
			over = true
			break
		}
	}
	cents := uint64(0)
	for i := 0; i < 2; i++ {
		cents *= 10
		if i < len(frac) {
			cents += uint64(frac[i] - '0')
		}
	}
	if neg && !signed {
		return 0, Errorf(CodeAmountNegative,
			"Een bedrag kan hier niet negatief zijn; typ het zonder minteken.",
			"An amount cannot be negative here; type it without the minus sign.")
	}
	total := euros*100 + cents
	if over || total > uint64(MaxAmount) {
		return 0, errAmountOverflow()
	}
	c := Cents(total)
	if neg {
		c = -c
	}
	return c, nil
}

// splitAmount splits the number part of an amount into its whole euros
// (digits only, thousands separators removed) and its decimal digits,
// deciding what each dot and comma means.
func splitAmount(t string) (whole, frac string, err error) {
	if strings.Count(t, ",") > 1 {
		return "", "", Errorf(CodeAmountInvalid,
			"Er staat meer dan één komma in het bedrag; de komma staat alleen voor de centen.",
			"There is more than one comma in the amount; the comma goes only before the cents.")
	}
	if w, f, ok := strings.Cut(t, ","); ok {
		if strings.Contains(f, ".") {
			return "", "", Errorf(CodeAmountInvalid,
				"Na de komma mogen alleen de centen komen, geen punt.",
				"Only the cents may follow the comma, not a dot.")
		}
		w, err := ungroup(w)
		return w, f, err
	}
	// No comma: a single dot followed by 1 or 2 digits can only be a
	// decimal separator; every other dot separates thousands.
	if strings.Count(t, ".") == 1 {
		w, f, _ := strings.Cut(t, ".")
		if len(f) == 1 || len(f) == 2 {
			return w, f, nil
		}
	}
	w, err := ungroup(t)
	return w, "", err
}

// ungroup removes thousands separators from the whole part of an amount,
// refusing them where they do not belong: the first group has 1 to 3
// digits and does not start with 0, every next group has exactly 3.
func ungroup(w string) (string, error) {
	if !strings.Contains(w, ".") {
		return w, nil
	}
	groups := strings.Split(w, ".")
	ok := len(groups[0]) >= 1 && len(groups[0]) <= 3 && groups[0][0] != '0'
	for _, g := range groups[1:] {
		ok = ok && len(g) == 3
	}
	if !ok {
		return "", Errorf(CodeAmountInvalid,
			"Het punt staat verkeerd: het scheidt duizendtallen, met telkens 3 cijfers erachter (1.234,50). Voor de centen typt u een komma.",
			"The dot is misplaced: it separates thousands, with 3 digits after each dot (1.234,50). Type a comma before the cents.")
	}
	return strings.Join(groups, ""), nil
}

func errAmountOverflow() *Error {
	return Errorf(CodeAmountOverflow,
		"Dit bedrag is te groot; het hoogste bedrag is %[1]s.",
		"This amount is too large; the largest amount is %[2]s.",
		MaxAmount.String(), MaxAmount.Format("en"))
}

// Add returns c + d, refusing a result beyond MaxAmount either way.
func (c Cents) Add(d Cents) (Cents, error) {
	s := c + d
	// Signed overflow: both operands have the same sign and the result
	// has the other.
	if (s^c)&(s^d) < 0 || s > MaxAmount || s < -MaxAmount {
		return 0, errAmountOverflow()
	}
	return s, nil
}

// Mul returns c × n, refusing a result beyond MaxAmount either way.
func (c Cents) Mul(n int) (Cents, error) {
	a, neg := absU(int64(c))
	b, negN := absU(int64(n))
	hi, lo := bits.Mul64(a, b)
	if hi != 0 || lo > uint64(MaxAmount) {
		return 0, errAmountOverflow()
	}
	p := Cents(lo)
	if neg != negN {
		p = -p
	}
	return p, nil
}

// absU returns the absolute value of v as uint64, correct for the most
// negative int64 too.
func absU(v int64) (uint64, bool) {
	if v < 0 {
		return -uint64(v), true
	}
	return uint64(v), false
}

// Sum adds amounts, refusing as soon as a running total goes beyond
// MaxAmount either way. The sum of nothing is zero.
func Sum(cs ...Cents) (Cents, error) {
	var total Cents
	for _, c := range cs {
		var err error
		if total, err = total.Add(c); err != nil {
			return 0, err
		}
	}
	return total, nil
}

package balie

import (
	"math"
	"testing"
)

func TestCents_String(t *testing.T) {
	tests := []struct {
		in   Cents
		want string
	}{
		{0, "€ 0,00"},
		{5, "€ 0,05"},
		{50, "€ 0,50"},
		{500, "€ 5,00"},
		{123450, "€ 1.234,50"},
		{99999, "€ 999,99"},
		{100000, "€ 1.000,00"},
		{-500, "€ -5,00"},
		{-5, "€ -0,05"},
		{-123450, "€ -1.234,50"},
		{MaxAmount, "€ 100.000.000,00"},
		{math.MaxInt64, "€ 92.233.720.368.547.758,07"},
		{math.MinInt64, "€ -92.233.720.368.547.758,08"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := tt.in.String(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCents_Format(t *testing.T) {
	tests := []struct {
		in   Cents
		lang string
		want string
	}{
		{500, "en", "€5.00"},
		{123450, "en", "€1,234.50"},
		{-500, "en", "-€5.00"},
		{5, "en", "€0.05"},
		{MaxAmount, "en", "€100,000,000.00"},
		{123450, "nl", "€ 1.234,50"},
		{123450, "", "€ 1.234,50"},
		{123450, "fr", "€ 1.234,50"},
		{-500, "nl", "€ -5,00"},
	}
	for _, tt := range tests {
		t.Run(tt.lang+" "+tt.want, func(t *testing.T) {
			if got := tt.in.Format(tt.lang); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParseAmount(t *testing.T) {
	tests := []struct {
		in   string
		want Cents
		code Code
	}{
		{in: "5", want: 500},
		{in: "5,5", want: 550},
		{in: "5,50", want: 550},
		{in: "5,05", want: 505},
		{in: "€ 5,00", want: 500},
		{in: "€5", want: 500},
		{in: "5 €", want: 500},
		{in: "5,00€", want: 500},
		{in: "€\u00a05,00", want: 500}, // CLDR writes a no-break space
		{in: "1.234,50", want: 123450},
		{in: "1234,50", want: 123450},
		{in: " 12 ", want: 1200},
		{in: "0,05", want: 5},
		{in: "0", want: 0},
		{in: "007", want: 700},
		{in: ",50", want: 50},
		{in: "5,", want: 500},
		{in: "5.50", want: 550},
		{in: "5.5", want: 550},
		{in: "0.50", want: 50},
		{in: ".50", want: 50},
		{in: "1.234", want: 123400},
		{in: "5.505", want: 550500},
		{in: "1.234.567", want: 123456700},
		{in: "1.234.567,89", want: 123456789},
		{in: "100.000.000", want: MaxAmount},
		{in: "100000000,00", want: MaxAmount},

		{in: "", code: CodeAmountInvalid},
		{in: "   ", code: CodeAmountInvalid},
		{in: "€", code: CodeAmountInvalid},
		{in: ",", code: CodeAmountInvalid},
		{in: "5,505", code: CodeAmountInvalid},
		{in: "5,500", code: CodeAmountInvalid},
		{in: "1.23,00", code: CodeAmountInvalid},
		{in: "1.2345", code: CodeAmountInvalid},
		{in: "1234.567", code: CodeAmountInvalid},
		{in: "0.500", code: CodeAmountInvalid},
		{in: "1..234", code: CodeAmountInvalid},
		{in: "5.", code: CodeAmountInvalid},
		{in: "1.234.5", code: CodeAmountInvalid},
		{in: "5,00,00", code: CodeAmountInvalid},
		{in: "5,5.0", code: CodeAmountInvalid},
		{in: "abc", code: CodeAmountInvalid},
		{in: "5 euro", code: CodeAmountInvalid},
		{in: "EUR 5", code: CodeAmountInvalid},
		{in: "1 234,50", code: CodeAmountInvalid},
		{in: "+5", code: CodeAmountInvalid},
		{in: "5e3", code: CodeAmountInvalid},
		{in: "--5", code: CodeAmountInvalid},
		{in: "-5", code: CodeAmountNegative},
		{in: "-5,00", code: CodeAmountNegative},
		{in: "€ -5,00", code: CodeAmountNegative},
		{in: "-0", code: CodeAmountNegative},
		{in: "100000000,01", code: CodeAmountOverflow},
		{in: "100.000.001", code: CodeAmountOverflow},
		{in: "99999999999999999999999999", code: CodeAmountOverflow},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseAmount(tt.in)
			checkOutcome(t, got, err, tt.want, tt.code)
		})
	}
}

func TestParseSignedAmount(t *testing.T) {
	tests := []struct {
		in   string
		want Cents
		code Code
	}{
		{in: "5,00", want: 500},
		{in: "-5", want: -500},
		{in: "-5,50", want: -550},
		{in: " - 5 ", want: -500},
		{in: "€ -5,00", want: -500},
		{in: "€-5", want: -500},
		{in: "-€ 5,00", want: -500},
		{in: "-1.234,50", want: -123450},
		{in: "-0", want: 0},
		{in: "-100000000", want: -MaxAmount},
		{in: "-", code: CodeAmountInvalid},
		{in: "--5", code: CodeAmountInvalid},
		{in: "-€ -5", code: CodeAmountInvalid},
		{in: "5-", code: CodeAmountInvalid},
		{in: "-5,555", code: CodeAmountInvalid},
		{in: "-100000000,01", code: CodeAmountOverflow},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseSignedAmount(tt.in)
			checkOutcome(t, got, err, tt.want, tt.code)
		})
	}
}

// TestParseSignedAmount_roundTrip checks that what String and Format("en")
// write, the parsers read back (the English form only where its comma
// and dot cannot be misread, i.e. below 1.000 euro).
func TestParseSignedAmount_roundTrip(t *testing.T) {
	values := []Cents{0, 1, 9, 10, 99, 100, 101, 999, 1000, 12345, 99999, 100000, 123456789, MaxAmount}
	for _, v := range values {
		for _, c := range []Cents{v, -v} {
			got, err := ParseSignedAmount(c.String())
			if err != nil || got != c {
				t.Errorf("ParseSignedAmount(%q) = %d, %v; want %d", c.String(), got, err, c)
			}
			if c >= 0 {
				got, err := ParseAmount(c.String())
				if err != nil || got != c {
					t.Errorf("ParseAmount(%q) = %d, %v; want %d", c.String(), got, err, c)
				}
			}
			if c > -100000 && c < 100000 {
				en := c.Format("en")
				got, err := ParseSignedAmount(en)
				if err != nil || got != c {
					t.Errorf("ParseSignedAmount(%q) = %d, %v; want %d", en, got, err, c)
				}
			}
		}
	}
}

// FuzzParseAmount checks that whatever a clerk types, a parsed amount is
// within bounds and reads back from its own formatting.
func FuzzParseAmount(f *testing.F) {
	for _, s := range []string{"5", "5,5", "€ 1.234,50", "1.234", "5.50", "-5", "€ -0,05", ",", "1.23,00", "99999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseSignedAmount(s)
		if err != nil {
			if _, ok := AsError(err); !ok {
				t.Fatalf("ParseSignedAmount(%q): err %v is not a domain error", s, err)
			}
			return
		}
		if c > MaxAmount || c < -MaxAmount {
			t.Fatalf("ParseSignedAmount(%q) = %d, beyond MaxAmount", s, c)
		}
		if back, err := ParseSignedAmount(c.String()); err != nil || back != c {
			t.Fatalf("round trip of %q: %q gives %d, %v", s, c.String(), back, err)
		}
		if u, err := ParseAmount(s); err == nil && (u != c || u < 0) {
			t.Fatalf("ParseAmount(%q) = %d, ParseSignedAmount = %d", s, u, c)
		}
	})
}

func TestCents_Add(t *testing.T) {
	tests := []struct {
		name string
		c, d Cents
		want Cents
		code Code
	}{
		{name: "simple", c: 500, d: 250, want: 750},
		{name: "negative result", c: 500, d: -750, want: -250},
		{name: "up to max", c: MaxAmount - 1, d: 1, want: MaxAmount},
		{name: "down to -max", c: -MaxAmount + 1, d: -1, want: -MaxAmount},
		{name: "over max", c: MaxAmount, d: 1, code: CodeAmountOverflow},
		{name: "under -max", c: -MaxAmount, d: -1, code: CodeAmountOverflow},
		{name: "int64 overflow", c: math.MaxInt64, d: 1, code: CodeAmountOverflow},
		{name: "int64 underflow", c: math.MinInt64, d: -1, code: CodeAmountOverflow},
		{name: "huge operands cancelling", c: math.MaxInt64, d: -math.MaxInt64, want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.c.Add(tt.d)
			checkOutcome(t, got, err, tt.want, tt.code)
		})
	}
}

func TestCents_Mul(t *testing.T) {
	tests := []struct {
		name string
		c    Cents
		n    int
		want Cents
		code Code
	}{
		{name: "simple", c: 745, n: 3, want: 2235},
		{name: "zero", c: 745, n: 0, want: 0},
		{name: "negative count", c: 745, n: -2, want: -1490},
		{name: "negative amount", c: -745, n: 2, want: -1490},
		{name: "both negative", c: -745, n: -2, want: 1490},
		{name: "exactly max", c: MaxAmount / 4, n: 4, want: MaxAmount},
		{name: "over max", c: MaxAmount/4 + 1, n: 4, code: CodeAmountOverflow},
		{name: "under -max", c: -MaxAmount, n: 2, code: CodeAmountOverflow},
		{name: "int64 overflow", c: math.MaxInt64 / 2, n: 3, code: CodeAmountOverflow},
		{name: "min int64", c: math.MinInt64, n: -1, code: CodeAmountOverflow},
		{name: "huge count", c: 1, n: math.MaxInt, code: CodeAmountOverflow},
		{name: "zero times huge", c: 0, n: math.MinInt, want: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.c.Mul(tt.n)
			checkOutcome(t, got, err, tt.want, tt.code)
		})
	}
}

func TestSum(t *testing.T) {
	tests := []struct {
		name string
		in   []Cents
		want Cents
		code Code
	}{
		{name: "nothing", in: nil, want: 0},
		{name: "one", in: []Cents{745}, want: 745},
		{name: "several", in: []Cents{500, 250, -100, 5}, want: 655},
		{name: "to max", in: []Cents{MaxAmount / 2, MaxAmount / 2}, want: MaxAmount},
		{name: "over max", in: []Cents{MaxAmount / 2, MaxAmount / 2, 1}, code: CodeAmountOverflow},
		{name: "wraparound", in: []Cents{math.MaxInt64, math.MaxInt64, 2}, code: CodeAmountOverflow},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Sum(tt.in...)
			checkOutcome(t, got, err, tt.want, tt.code)
		})
	}
}

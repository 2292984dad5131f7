package balie

import (
	"fmt"
	"strings"
	"testing"
)

// checkOutcome fails unless a parse gave want, or, when code is set, was
// refused with that code. It reports whether there is a result to check
// further.
func checkOutcome[T comparable](t *testing.T, got T, err error, want T, code Code) bool {
	t.Helper()
	if code != "" {
		assertRefusal(t, err, code)
		return false
	}
	if err != nil {
		t.Fatalf("err = %v, want nil", err)
	}
	if got != want {
		t.Errorf("got %v, want %v", got, want)
	}
	return true
}

func TestParseCardNumber(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    CardNumber
		code    Code
		wantMsg string // a piece of the Dutch sentence, when it matters
	}{
		{name: "public example 1", in: "0900000095902", want: "0900000095902"},
		{name: "public example 2", in: "1000000520006", want: "1000000520006"},
		{name: "surrounding spaces", in: "  0900000095902 ", want: "0900000095902"},
		{name: "scanner line end", in: "1000000520006\r\n", want: "1000000520006"},
		{name: "empty", in: "", code: CodeCardNumberEmpty},
		{name: "only spaces", in: "   ", code: CodeCardNumberEmpty},
		{name: "inner space", in: "0900 0000 95902", code: CodeCardNumberChars, wantMsg: "geen spaties"},
		{name: "letter", in: "09000000959O2", code: CodeCardNumberChars, wantMsg: `"O"`},
		{name: "dash", in: "0900000-095902", code: CodeCardNumberChars},
		{name: "non-ASCII digit", in: "090000009590٢", code: CodeCardNumberChars},
		{name: "12 digits", in: "090000009590", code: CodeCardNumberLength, wantMsg: "13 cijfers, dit heeft er 12"},
		{name: "14 digits", in: "09000000959020", code: CodeCardNumberLength, wantMsg: "dit heeft er 14"},
		{name: "wrong check digit", in: "0900000095903", code: CodeCardNumberCheck},
		{name: "swapped digits", in: "0900000059902", code: CodeCardNumberCheck},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseCardNumber(tt.in)
			if tt.code != "" {
				assertRefusal(t, err, tt.code)
				if e, _ := AsError(err); !strings.Contains(e.NL, tt.wantMsg) {
					t.Errorf("NL = %q, want it to contain %q", e.NL, tt.wantMsg)
				}
				return
			}
			if err != nil {
				t.Fatalf("err = %v, want nil", err)
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if got.String() != string(tt.want) {
				t.Errorf("String() = %q, want %q", got.String(), tt.want)
			}
		})
	}
}

// TestParseCardNumber_everyWrongCheckDigit makes sure exactly one check
// digit is accepted for a body, so a single mistyped last digit is always
// caught.
func TestParseCardNumber_everyWrongCheckDigit(t *testing.T) {
	for _, body := range []string{"090000009590", "100000052000", "000000000000", "999999999999"} {
		accepted := 0
		for d := '0'; d <= '9'; d++ {
			if _, err := ParseCardNumber(body + string(d)); err == nil {
				accepted++
			}
		}
		if accepted != 1 {
			t.Errorf("body %s: got %d accepted check digits, want 1", body, accepted)
		}
	}
}

func TestNewCardNumber(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want CardNumber
		code Code
	}{
		{name: "public example 1", in: "090000009590", want: "0900000095902"},
		{name: "public example 2", in: "100000052000", want: "1000000520006"},
		{name: "all zero", in: "000000000000", want: "0000000000000"},
		{name: "empty", in: "", code: CodeCardNumberEmpty},
		{name: "13 digits", in: "0900000095902", code: CodeCardNumberLength},
		{name: "letters", in: "09000000959A", code: CodeCardNumberChars},
		{name: "spaces are not trimmed", in: " 090000009590", code: CodeCardNumberChars},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NewCardNumber(tt.in)
			if !checkOutcome(t, got, err, tt.want, tt.code) {
				return
			}
			if _, err := ParseCardNumber(string(got)); err != nil {
				t.Errorf("ParseCardNumber(%q) = %v, want nil", got, err)
			}
		})
	}
}

func BenchmarkParseCardNumber(b *testing.B) {
	for b.Loop() {
		if _, err := ParseCardNumber("0900000095902"); err != nil {
			b.Fatal(err)
		}
	}
}

func TestParseChipUID(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want ChipUID
		code Code
	}{
		{name: "4 bytes plain", in: "A1B2C3D4", want: "A1B2C3D4"},
		{name: "7 bytes lower case", in: "04a1b2c3d4e5f6", want: "04A1B2C3D4E5F6"},
		{name: "10 bytes", in: "0102030405060708090A", want: "0102030405060708090A"},
		{name: "colons", in: "04:A1:B2:C3:D4:E5:F6", want: "04A1B2C3D4E5F6"},
		{name: "dashes", in: "a1-b2-c3-d4", want: "A1B2C3D4"},
		{name: "spaces", in: " A1 B2 C3 D4 ", want: "A1B2C3D4"},
		{name: "0x prefix", in: "0xa1b2c3d4", want: "A1B2C3D4"},
		{name: "0X prefix with colons", in: "0XA1:B2:C3:D4", want: "A1B2C3D4"},
		{name: "empty", in: "", code: CodeChipUIDInvalid},
		{name: "only separators", in: "::", code: CodeChipUIDInvalid},
		{name: "only prefix", in: "0x", code: CodeChipUIDInvalid},
		{name: "not hex", in: "A1B2C3G4", code: CodeChipUIDInvalid},
		{name: "odd length", in: "A1B2C3D", code: CodeChipUIDInvalid},
		{name: "5 bytes", in: "A1B2C3D4E5", code: CodeChipUIDLength},
		{name: "1 byte", in: "A1", code: CodeChipUIDLength},
		{name: "11 bytes", in: "0102030405060708090A0B", code: CodeChipUIDLength},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseChipUID(tt.in)
			checkOutcome(t, got, err, tt.want, tt.code)
		})
	}
}

func TestChipUID_Reverse(t *testing.T) {
	tests := []struct {
		in, want ChipUID
	}{
		{in: "A1B2C3D4", want: "D4C3B2A1"},
		{in: "04A1B2C3D4E5F6", want: "F6E5D4C3B2A104"},
		{in: "", want: ""},
		{in: "ABC", want: "ABC"}, // not from ParseChipUID: left alone
	}
	for _, tt := range tests {
		t.Run(string(tt.in), func(t *testing.T) {
			got := tt.in.Reverse()
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if back := got.Reverse(); back != tt.in {
				t.Errorf("reversed twice: got %q, want %q", back, tt.in)
			}
		})
	}
}

// makeINSZ completes nine digits (YYMMDD and a serial number) with the mod-97
// check, the way the register computes it, for a person born before 2000
// or, with born2000, in 2000 or later.
func makeINSZ(t *testing.T, first9 string, born2000 bool) string {
	t.Helper()
	var n int64
	if _, err := fmt.Sscanf(first9, "%d", &n); err != nil || len(first9) != 9 {
		t.Fatalf("makeINSZ(%q): want nine digits", first9)
	}
	if born2000 {
		n += 2_000_000_000
	}
	return fmt.Sprintf("%s%02d", first9, 97-n%97)
}

func TestParseINSZ(t *testing.T) {
	old := makeINSZ(t, "850730033", false)     // born 30 July 1985
	young := makeINSZ(t, "050412123", true)    // born 12 April 2005
	unknown := makeINSZ(t, "600000123", false) // birth date unknown
	bis20 := makeINSZ(t, "852730033", false)   // bis number, gender unknown
	bis40 := makeINSZ(t, "854730033", false)   // bis number, gender known
	grouped := old[:2] + "." + old[2:4] + "." + old[4:6] + "-" + old[6:9] + "." + old[9:]

	// Mistype the last check digit, keeping it a digit.
	wrong := young[:10] + string('0'+(young[10]-'0'+1)%10)
	// The young number's check computed the pre-2000 way, to be sure the
	// 2000+ form is what makes it valid (it must differ, or the test
	// proves nothing).
	if makeINSZ(t, "050412123", false) == young {
		t.Fatal("test data: pre- and post-2000 checks coincide; pick another number")
	}

	tests := []struct {
		name string
		in   string
		want INSZ
		code Code
	}{
		{name: "born 1985", in: old, want: INSZ(old)},
		{name: "grouped as printed", in: grouped, want: INSZ(old)},
		{name: "spaces", in: " " + old[:6] + " " + old[6:] + " ", want: INSZ(old)},
		{name: "born 2005", in: young, want: INSZ(young)},
		{name: "unknown birth date", in: unknown, want: INSZ(unknown)},
		{name: "bis +20", in: bis20, want: INSZ(bis20)},
		{name: "bis +40", in: bis40, want: INSZ(bis40)},
		{name: "empty", in: "", code: CodeINSZInvalid},
		{name: "letters", in: "85.07.30-O33.28", code: CodeINSZInvalid},
		{name: "slash", in: "85/07/30-033.28", code: CodeINSZInvalid},
		{name: "10 digits", in: old[:10], code: CodeINSZInvalid},
		{name: "12 digits", in: old + "1", code: CodeINSZInvalid},
		{name: "month 13", in: makeINSZ(t, "851330033", false), code: CodeINSZInvalid},
		{name: "bis month 33", in: makeINSZ(t, "853330033", false), code: CodeINSZInvalid},
		{name: "month 60", in: makeINSZ(t, "856030033", false), code: CodeINSZInvalid},
		{name: "day 32", in: makeINSZ(t, "850732033", false), code: CodeINSZInvalid},
		{name: "wrong check", in: wrong, code: CodeINSZCheck},
		{name: "swapped digits", in: "58" + old[2:], code: CodeINSZCheck},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseINSZ(tt.in)
			if tt.code != "" {
				assertRefusal(t, err, tt.code)
				// The number must not leak into the sentences.
				e, _ := AsError(err)
				if len(tt.in) >= 6 && (strings.Contains(e.NL, tt.in[:6]) || strings.Contains(e.EN, tt.in[:6])) {
					t.Errorf("the sentence repeats the number: %q", e.NL)
				}
				return
			}
			if err != nil {
				t.Fatalf("err = %v, want nil", err)
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

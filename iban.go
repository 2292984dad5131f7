package balie

import (
	"strings"
)

// IBAN is a validated international bank account number: upper case,
// without spaces. Make one with ParseIBAN.
type IBAN string

// ibanLengths are the lengths of the IBANs of the SEPA countries; a
// Belgian one is 16 characters.
var ibanLengths = map[string]int{
	"AD": 24, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "EE": 20,
	"ES": 24, "FI": 18, "FR": 27, "GB": 22, "GI": 23, "GR": 27, "HR": 21, "HU": 28, "IE": 22, "IS": 26,
	"IT": 27, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MT": 31, "NL": 18, "NO": 15, "PL": 28,
	"PT": 25, "RO": 24, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "VA": 22,
}

// ParseIBAN validates an IBAN as typed, with or without spaces, in either
// case: a SEPA country's code, its length, and the ISO 13616 check (the
// number read as digits, letters as 10 to 35, is 1 modulo 97).
func ParseIBAN(s string) (IBAN, error) {
	t := strings.ToUpper(strings.Join(strings.Fields(s), ""))
	if t == "" {
		return "", Errorf(CodeIBANInvalid, "Er is geen rekeningnummer (IBAN) ingevuld.", "No account number (IBAN) was entered.")
	}
	for _, r := range t {
		if !(r >= '0' && r <= '9' || r >= 'A' && r <= 'Z') {
			return "", Errorf(CodeIBANInvalid, "Een IBAN bestaat uit letters en cijfers, zoals BE68 5390 0754 7034; het teken %[1]q hoort er niet in.",
				"An IBAN consists of letters and digits, such as BE68 5390 0754 7034; the character %[1]q does not belong in it.", string(r))
		}
	}
	if len(t) < 4 {
		return "", Errorf(CodeIBANInvalid, "Een IBAN begint met de landcode en twee controlecijfers, zoals BE68.", "An IBAN starts with the country code and two check digits, such as BE68.")
	}
	want, ok := ibanLengths[t[:2]]
	if !ok {
		return "", Errorf(CodeIBANInvalid, "%[1]s is geen landcode van een IBAN in de SEPA-zone.", "%[1]s is not the country code of an IBAN in the SEPA zone.", t[:2])
	}
	if len(t) != want {
		return "", Errorf(CodeIBANInvalid, "Een IBAN uit %[1]s heeft %[2]d tekens, dit heeft er %[3]d.", "An IBAN from %[1]s has %[2]d characters, this one has %[3]d.", t[:2], want, len(t))
	}
	if ibanMod97(t[4:]+t[:4]) != 1 {
		return "", Errorf(CodeIBANInvalid, "De controlecijfers van deze IBAN kloppen niet. Is er een teken verkeerd getypt?",
			"The check digits of this IBAN do not match. Was a character mistyped?")
	}
	return IBAN(t), nil
}

// ibanMod97 is the remainder of s read as a number, letters as 10 to 35.
func ibanMod97(s string) int {
	n := 0
	for _, r := range s {
		if r >= 'A' {
			v := int(r-'A') + 10
			n = (n*100 + v) % 97
		} else {
			n = (n*10 + int(r-'0')) % 97
		}
	}
	return n
}

// String writes the IBAN in groups of four, as printed on a statement.
func (i IBAN) String() string {
	var b strings.Builder
	for k := 0; k < len(i); k += 4 {
		if k > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(string(i[k:min(k+4, len(i))]))
	}
	return b.String()
}

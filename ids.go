package balie

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// cardNumberLen is the number of digits of a UiTPAS number, check digit
// included.
const cardNumberLen = 13

// ParseCardNumber validates a UiTPAS number as typed or scanned: 13 ASCII
// digits, the last a Luhn check digit over the first 12. Surrounding
// white space is trimmed (scanners often send a line end), but spaces
// inside are refused: a number printed in groups must be typed in one
// piece, so that what is recorded is exactly what the barcode says.
func ParseCardNumber(s string) (CardNumber, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return "", Errorf(CodeCardNumberEmpty,
			"Er is geen UiTPAS-nummer ingevuld.",
			"No UiTPAS number was entered.")
	}
	if err := cardDigits(t); err != nil {
		return "", err
	}
	if n := len(t); n != cardNumberLen {
		return "", Errorf(CodeCardNumberLength,
			"Een UiTPAS-nummer heeft 13 cijfers, dit heeft er %d.",
			"A UiTPAS number has 13 digits, this one has %d.", n)
	}
	if luhnDigit(t[:cardNumberLen-1]) != t[cardNumberLen-1] {
		return "", Errorf(CodeCardNumberCheck,
			"Het controlecijfer (het laatste cijfer) klopt niet: dit is geen geldig UiTPAS-nummer. Is er een cijfer verkeerd getypt?",
			"The check digit (the last digit) does not match: this is not a valid UiTPAS number. Was a digit mistyped?")
	}
	return CardNumber(t), nil
}

// NewCardNumber completes the first 12 digits of a UiTPAS number with its
// Luhn check digit. The demo generator and the card stock use it.
func NewCardNumber(first12 string) (CardNumber, error) {
	if first12 == "" {
		return "", Errorf(CodeCardNumberEmpty,
			"Er zijn geen cijfers om een UiTPAS-nummer van te maken.",
			"There are no digits to make a UiTPAS number from.")
	}
	if err := cardDigits(first12); err != nil {
		return "", err
	}
	if n := len(first12); n != cardNumberLen-1 {
		return "", Errorf(CodeCardNumberLength,
			"Een UiTPAS-nummer zonder controlecijfer heeft 12 cijfers, dit heeft er %d.",
			"A UiTPAS number without its check digit has 12 digits, this one has %d.", n)
	}
	return CardNumber(first12 + string(luhnDigit(first12))), nil
}

// String returns the 13 digits.
func (n CardNumber) String() string { return string(n) }

// cardDigits refuses anything in a card number that is not an ASCII digit,
// naming the first offending character. Inner spaces get their own
// sentence because they are the most common mistake when copying a
// number printed in groups.
func cardDigits(t string) error {
	for _, r := range t {
		if r >= '0' && r <= '9' {
			continue
		}
		if unicode.IsSpace(r) {
			return Errorf(CodeCardNumberChars,
				"Een UiTPAS-nummer mag geen spaties bevatten: typ de 13 cijfers aan één stuk.",
				"A UiTPAS number may not contain spaces: type the 13 digits in one piece.")
		}
		return Errorf(CodeCardNumberChars,
			"Een UiTPAS-nummer bestaat alleen uit cijfers; het teken %q hoort er niet in.",
			"A UiTPAS number consists of digits only; the character %q does not belong in it.", string(r))
	}
	return nil
}

// luhnDigit returns the Luhn check digit of a string of ASCII digits:
// from the right, every second digit starting with the rightmost is
// doubled (minus 9 when over 9), and the check digit brings the sum to a
// multiple of 10.
func luhnDigit(digits string) byte {
	sum := 0
	double := true
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return byte('0' + (10-sum%10)%10)
}

// ParseChipUID validates an NFC chip UID as a reader or a person writes
// it: hexadecimal in either case, with or without the separators ":", "-"
// and " ", with or without a "0x" prefix. The result is upper-case hex
// without separators, 4, 7 or 10 bytes long (the UID sizes of ISO/IEC
// 14443-3), so one chip always has one spelling in the directory.
func ParseChipUID(s string) (ChipUID, error) {
	t := strings.TrimSpace(s)
	if len(t) >= 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X') {
		t = t[2:]
	}
	var b strings.Builder
	b.Grow(len(t))
	for _, r := range t {
		switch {
		case r == ':' || r == '-' || r == ' ':
			continue
		case r >= '0' && r <= '9', r >= 'A' && r <= 'F':
			b.WriteRune(r)
		case r >= 'a' && r <= 'f':
			b.WriteRune(r - 'a' + 'A')
		default:
			return "", Errorf(CodeChipUIDInvalid,
				"Een chipnummer bestaat uit hexadecimale tekens (0-9, A-F); het teken %q hoort er niet in.",
				"A chip UID consists of hexadecimal characters (0-9, A-F); the character %q does not belong in it.", string(r))
		}
	}
	h := b.String()
	if h == "" {
		return "", Errorf(CodeChipUIDInvalid,
			"Er is geen chipnummer gelezen of ingevuld.",
			"No chip UID was read or entered.")
	}
	if len(h)%2 != 0 {
		return "", Errorf(CodeChipUIDInvalid,
			"Een chipnummer bestaat uit hele bytes (telkens 2 tekens); dit heeft een oneven aantal tekens (%d).",
			"A chip UID consists of whole bytes (2 characters each); this one has an odd number of characters (%d).", len(h))
	}
	switch n := len(h) / 2; n {
	case 4, 7, 10:
	default:
		return "", Errorf(CodeChipUIDLength,
			"Een chipnummer is 4, 7 of 10 bytes lang; dit is %d bytes.",
			"A chip UID is 4, 7 or 10 bytes long; this one is %d bytes.", n)
	}
	return ChipUID(h), nil
}

// Reverse returns the UID with its byte order reversed. Some readers send
// the bytes of a UID last byte first; a lookup that misses can retry with
// the reversed UID. A UID of an odd number of characters (one that did
// not come from ParseChipUID) is returned unchanged.
func (u ChipUID) Reverse() ChipUID {
	if len(u)%2 != 0 {
		return u
	}
	b := make([]byte, len(u))
	for i := 0; i < len(u); i += 2 {
		j := len(u) - i - 2
		b[j], b[j+1] = u[i], u[i+1]
	}
	return ChipUID(b)
}

// inszLen is the number of digits of a national register number.
const inszLen = 11

// ParseINSZ validates a Belgian national register number (INSZ) as typed:
// 11 digits, optionally grouped with ".", "-" or " " as in
// "85.07.30-033.28". The result is the 11 digits without separators.
//
// The last two digits are 97 minus the first nine modulo 97; for people
// born in 2000 or later the nine digits are preceded by a "2". The century
// is not written in the number, so either form is accepted.
//
// The birth date is checked only as far as it can be: the month (after
// removing the 20 or 40 that bis numbers add) must be 0 to 12 and the day
// 0 to 31. Month and day 00 mean an unknown birth date and are accepted;
// the day is not checked against the month.
//
// The messages never repeat the number or any part of it, because error
// sentences end up in logs and an INSZ must not be stored on a terminal.
func ParseINSZ(s string) (INSZ, error) {
	t := strings.TrimSpace(s)
	if t == "" {
		return "", Errorf(CodeINSZInvalid,
			"Er is geen rijksregisternummer ingevuld.",
			"No national register number was entered.")
	}
	var b strings.Builder
	b.Grow(inszLen)
	for _, r := range t {
		switch {
		case r == '.' || r == '-' || r == ' ':
			continue
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			return "", Errorf(CodeINSZInvalid,
				"Een rijksregisternummer bestaat uit cijfers, eventueel met punten, streepjes of spaties ertussen; het teken %q hoort er niet in.",
				"A national register number consists of digits, optionally with dots, dashes or spaces between them; the character %q does not belong in it.", string(r))
		}
	}
	d := b.String()
	if n := utf8.RuneCountInString(d); n != inszLen {
		return "", Errorf(CodeINSZInvalid,
			"Een rijksregisternummer heeft 11 cijfers, dit heeft er %d.",
			"A national register number has 11 digits, this one has %d.", n)
	}
	month, _ := strconv.Atoi(d[2:4])
	day, _ := strconv.Atoi(d[4:6])
	if month >= 60 || month%20 > 12 || day > 31 {
		return "", Errorf(CodeINSZInvalid,
			"De geboortedatum in dit rijksregisternummer bestaat niet (de eerste 6 cijfers zijn jaar, maand en dag). Is er een cijfer verkeerd getypt?",
			"The birth date in this national register number does not exist (the first 6 digits are year, month and day). Was a digit mistyped?")
	}
	base, _ := strconv.ParseInt(d[:9], 10, 64)
	check, _ := strconv.ParseInt(d[9:], 10, 64)
	if check != inszCheck(base) && check != inszCheck(2_000_000_000+base) {
		return "", Errorf(CodeINSZCheck,
			"Het controlegetal (de laatste 2 cijfers) klopt niet: dit is geen geldig rijksregisternummer. Is er een cijfer verkeerd getypt?",
			"The check number (the last 2 digits) does not match: this is not a valid national register number. Was a digit mistyped?")
	}
	return INSZ(d), nil
}

// inszCheck is the mod-97 check of the national register number.
func inszCheck(n int64) int64 { return 97 - n%97 }

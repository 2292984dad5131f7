package receipt

import (
	"bytes"
	"strings"
)

// cp858 gives a character a Flemish receipt uses beyond ASCII in code
// page 858; false for anything else, which prints as "?".
func cp858(c rune) (byte, bool) {
	switch c {
	case '€':
		return 0xD5, true
	case 'é':
		return 0x82, true
	case 'è':
		return 0x8A, true
	case 'ë':
		return 0x89, true
	case 'ê':
		return 0x88, true
	case 'ï':
		return 0x8B, true
	case 'ô':
		return 0x93, true
	case 'ö':
		return 0x94, true
	case 'ü':
		return 0x81, true
	case 'à':
		return 0x85, true
	case 'â':
		return 0x83, true
	case 'ç':
		return 0x87, true
	case 'É':
		return 0x90, true
	case '°':
		return 0xF8, true
	case '·':
		return 0xFA, true
	case '×':
		return 0x9E, true
	case '–', '—':
		return '-', true
	}
	return 0, false
}

// ReceiptESCPOS is the receipt as the bytes an ESC/POS receipt printer
// takes: the same text as ReceiptText, in code page 858, then a cut.
func ReceiptESCPOS(r Receipt, lang string, width int) []byte {
	var b bytes.Buffer
	// ESC @ resets the printer; ESC t 19 selects code page 858 (Latin-1
	// with the euro sign), as in Epson's ESC/POS reference.
	b.Write([]byte{0x1B, 0x40, 0x1B, 0x74, 0x13})
	for _, line := range strings.Split(strings.TrimRight(ReceiptText(r, lang, width), "\n"), "\n") {
		for _, c := range line {
			switch v, ok := cp858(c); {
			case c < 0x80:
				b.WriteByte(byte(c))
			case ok:
				b.WriteByte(v)
			default:
				b.WriteByte('?')
			}
		}
		b.WriteByte('\n')
	}
	// ESC d 4 feeds the text past the cutter; GS V 66 0 cuts partly.
	b.Write([]byte{0x1B, 0x64, 0x04, 0x1D, 0x56, 0x42, 0x00})
	return b.Bytes()
}

package receipt

import (
	"bytes"
	"testing"
	"time"

	"github.com/balie/balie"
)

func TestReceiptESCPOS(t *testing.T) {
	r := Receipt{Desk: "Ticketbalie CC Lier", Time: time.Date(2026, 11, 25, 14, 5, 0, 0, balie.Brussels()), Staff: "Pieter",
		Lines: []Line{{Description: "Poppentheater: Pallieter", Quantity: 1, UnitPrice: 240, Amount: 240, Tariff: balie.TariffSocial, TariffName: "Kansentarief"}},
		Total: 240, Payment: balie.PayCash, Tendered: 500, Change: 260, Reference: "0193aaaa-0000-7000-8000-00000000cafe", Footer: "Tot ziens!"}
	b := ReceiptESCPOS(r, "nl", 42)
	if !bytes.HasPrefix(b, []byte{0x1B, 0x40, 0x1B, 0x74, 0x13}) {
		t.Errorf("does not start with reset and code page 858: % x", b[:5])
	}
	if !bytes.HasSuffix(b, []byte{0x1D, 0x56, 0x42, 0x00}) {
		t.Errorf("does not end with a cut: % x", b[len(b)-4:])
	}
	if !bytes.Contains(b, []byte{0xD5, ' ', '2', ',', '4', '0'}) {
		t.Errorf("the price is not printed with the euro sign of code page 858")
	}
	if !bytes.Contains(b, []byte("UiTPAS-tarief")) || bytes.Contains(bytes.ToLower(b), []byte("kansen")) {
		t.Errorf("the social line must read UiTPAS-tarief and nothing else")
	}
	for _, c := range b {
		if c == 0xE2 || c == 0xC2 { // lead bytes of UTF-8 sequences a printer would garble
			t.Fatalf("UTF-8 left in the printer's bytes")
		}
	}
}

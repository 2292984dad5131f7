package ledger

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/balie/balie"
)

// frozenLineHash is the format the closes made before lineHash was
// written by hand: a closed period's hash must recompute from the same
// bytes forever, so lineHash is held to it.
func frozenLineHash(l SettlementLine) []byte {
	s := l.Settlement
	var deps strings.Builder
	for _, d := range s.Departments {
		deps.WriteString(d.Department + "=" + strconv.FormatInt(int64(d.Cents), 10) + ";")
	}
	return fmt.Appendf(nil, "%s|%s|%d|%s|%d|%s|%s|%s|%d|%d|%d|%d|%s|%s|%s|%s|%s|%t\n", l.ActID, l.EventHash, l.Line, l.Kind, l.Quantity,
		l.OrganiserID, l.Facts.Card, l.Facts.PostalCode, s.Regular, s.Holder, s.Organiser, s.Payer, s.PayerID, deps.String(),
		s.OwedTo, l.Month, l.VoidOfID, l.Late)
}

func TestLineHash_bytesOfTheCloses(t *testing.T) {
	social := SettlementLine{ActID: "0190c3d2-7f1e-7abc-8def-0123456789ab", EventHash: "9c00274" + strings.Repeat("f", 57),
		MoneyRow: MoneyRow{Line: 2, Kind: "TICKET/SOCIAL", Quantity: 3, OrganiserID: "org-cc", Month: "2026-11",
			Facts: ActFacts{Card: "0930132034263", PostalCode: "2530"},
			Settlement: balie.Settlement{Regular: 1800, Holder: 360, Organiser: 0, Payer: 1440, PayerID: "gem-boechout", OwedTo: "org-cc",
				Departments: []balie.DepartmentCents{{Department: "regio-netevallei", Cents: 720}, {Department: "gem-boechout", Cents: 720}}}}}
	void := social
	void.ActID, void.VoidOfID, void.Quantity, void.Late = "0190c3d2-0000-7abc-8def-0123456789ab", social.ActID, -3, true
	for name, l := range map[string]SettlementLine{"a social sale": social, "its void, late": void, "a line of nothing": {}} {
		var got bytes.Buffer
		lineHash(&got, l)
		if want := frozenLineHash(l); !bytes.Equal(got.Bytes(), want) {
			t.Errorf("%s: lineHash writes\n%q\nthe closes were frozen with\n%q", name, got.Bytes(), want)
		}
	}
}

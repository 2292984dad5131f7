package receipt

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/balie/balie"
)

func TestRollCallPDF(t *testing.T) {
	at := time.Date(2026, 11, 25, 15, 42, 0, 0, balie.Brussels())
	r := RollCall{Desk: "Onthaal BKO De Speelvogel", At: at, Children: []RollCallChild{
		{Name: "Amber Van Dessel", Group: "Kleuters", Since: at.Add(-37 * time.Minute)},
		{Name: "Finn El Amrani", Group: "Kleuters", Since: at.AddDate(0, 0, -1)},
	}}
	var b bytes.Buffer
	if err := RollCallPDF(&b, r, "nl"); err != nil {
		t.Fatal(err)
	}
	checkPDF(t, b.Bytes())
	keep(t, "appel.pdf", b.Bytes())
	text := pdfText(t, b.Bytes())
	for _, want := range []string{"Appel 25/11/2026 15:42", "Onthaal BKO De Speelvogel", "Aanwezig: 2", "Amber Van Dessel", "Kleuters", "15:05", "24/11 15:42"} {
		if !strings.Contains(text, want) {
			t.Errorf("the roll call lacks %q:\n%s", want, text)
		}
	}
}

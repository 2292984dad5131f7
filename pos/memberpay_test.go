package pos

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// cashField is the confirm screen's field for the cash received.
func cashField(t *testing.T, r *appRig) *scanEntry {
	t.Helper()
	var f *scanEntry
	walk(r.a.root, func(o fyne.CanvasObject) {
		if e, ok := o.(*scanEntry); ok && strings.HasPrefix(e.PlaceHolder, "bv. 50") {
			f = e
		}
	})
	if f == nil {
		t.Fatal("no cash field on the screen")
	}
	return f
}

// TestSports_payNeedsConfirmation: F7 shows the sports pass's price and
// term and charges nothing; cash asks what was received and shows the
// change; a second payment the same day needs an explicit yes.
func TestSports_payNeedsConfirmation(t *testing.T) {
	cases := []struct {
		name  string
		do    func(t *testing.T, r *appRig)
		acts  []string
		shown string // on the screen after
	}{
		{"F7 alone", func(t *testing.T, r *appRig) {}, nil, "Te betalen: € 40,00"},
		{"Escape backs out", func(t *testing.T, r *appRig) { pressFocused(r.w, fyne.KeyEscape) }, nil, "Tom Peeters"},
		{"cash with change", func(t *testing.T, r *appRig) {
			c := cashField(t, r)
			test.Type(c, "50")
			if got := strings.Join(labelTexts(r.a.root), " | "); !strings.Contains(got, "Terug te geven: € 10,00") {
				t.Errorf("with 50 received the screen shows %q, want the change", got)
			}
			pressFocused(r.w, fyne.KeyReturn)
			r.wait(t)
		}, []string{"pay prog-sport CASH"}, "Terug te geven: € 10,00"},
		{"too little cash", func(t *testing.T, r *appRig) {
			test.Type(cashField(t, r), "20")
			pressFocused(r.w, fyne.KeyReturn)
		}, nil, "Te weinig: nog € 20,00"},
		{"by card, Enter on the confirm button", func(t *testing.T, r *appRig) {
			test.Tap(findButton(t, r.a.root, "Kaart"))
			pressFocused(r.w, fyne.KeyReturn)
			r.wait(t)
		}, []string{"pay prog-sport CARD"}, "Sportpas betaald (€ 40,00), geldig tot 25/11/2027."},
		{"paid already today: Enter alone does not pay again", func(t *testing.T, r *appRig) {
			pressFocused(r.w, fyne.KeyReturn) // the first payment, exact cash
			r.wait(t)
			r.wait(t) // the holder looked up again
			r.key(fyne.KeyF7)
			r.wait(t)
			pressFocused(r.w, fyne.KeyReturn)
		}, []string{"pay prog-sport CASH"}, "Dit lidmaatschap is vandaag al betaald."},
		{"paid already today: F8 then Enter renews again", func(t *testing.T, r *appRig) {
			pressFocused(r.w, fyne.KeyReturn)
			r.wait(t)
			r.wait(t)
			r.key(fyne.KeyF7)
			r.wait(t)
			pressFocused(r.w, fyne.KeyF8)
			pressFocused(r.w, fyne.KeyReturn)
			r.wait(t)
		}, []string{"pay prog-sport CASH", "pay prog-sport CASH"}, "Sportpas betaald"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newAppRig(t, "nl")
			r.signIn(t, "0990000000010", "1234")
			r.scan(t, tomCard)
			r.key(fyne.KeyF7)
			r.wait(t) // the quote
			if len(r.desk.acts) != 0 {
				t.Fatalf("F7 charged at once: %q", r.desk.acts)
			}
			shown := strings.Join(labelTexts(r.a.root), " | ")
			for _, want := range []string{"Sportpas voor Tom Peeters", "Te betalen: € 40,00", "Geldig tot en met 25/11/2027."} {
				if !strings.Contains(shown, want) {
					t.Errorf("the confirm screen lacks %q: %q", want, shown)
				}
			}
			c.do(t, r)
			if !slices.Equal(r.desk.acts, c.acts) {
				t.Errorf("acts %q, want %q", r.desk.acts, c.acts)
			}
			if got := strings.Join(labelTexts(r.a.root), " | "); !strings.Contains(got, c.shown) {
				t.Errorf("the screen shows %q, want %q", got, c.shown)
			}
		})
	}
}

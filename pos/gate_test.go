package pos

import (
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// TestSports_scanChecksIn: with the desk option on, a scan checks the
// holder in at once, as a sports hall's queue at the gate needs; a second
// scan the same day is refused but says the holder may go in; F8 turns
// the option off.
func TestSports_scanChecksIn(t *testing.T) {
	r := newAppRig(t, "nl")
	p := r.a.desk.(*sportsPanel)
	p.setAuto(true)
	r.signIn(t, "0990000000010", "1234")
	r.scan(t, tomCard)
	r.wait(t) // the check-in
	r.wait(t) // Tom looked up again: no second check-in
	if len(r.desk.acts) != 1 {
		t.Fatalf("acts %q, want one check-in from the scan", r.desk.acts)
	}
	if got := labelTexts(p.outcome); !slices.Equal(got, []string{"Mag binnen", "Tom is ingecheckt: +1 punt, nu 24 punten."}) {
		t.Errorf("outcome %q", got)
	}
	r.scan(t, tomCard) // back at the gate
	r.wait(t)
	if got := labelTexts(p.outcome); !slices.Equal(got, []string{"Mag binnen", "Vandaag al ingecheckt."}) {
		t.Errorf("a repeat says %q, want that Tom may go in", got)
	}
	var verdict *widget.Label
	walk(p.outcome, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok && l.Text == "Mag binnen" {
			verdict = l
		}
	})
	if verdict == nil || verdict.Importance != widget.WarningImportance {
		t.Errorf("a repeat's verdict %+v, want it in warning colour: in, but no point", verdict)
	}
	r.key(fyne.KeyF8)
	r.scan(t, tomCard)
	if len(r.desk.acts) != 2 {
		t.Errorf("with the option off a scan checked in: %q", r.desk.acts)
	}
}

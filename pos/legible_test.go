package pos

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// TestApp_headerLegible: who works and the link are large and bold; the
// link sits on a band coloured by its state, red when offline.
func TestApp_headerLegible(t *testing.T) {
	cases := []struct {
		name       string
		online     bool
		importance widget.Importance
		edge       fyne.ThemeColorName
	}{
		{"online", true, widget.SuccessImportance, theme.ColorNameSuccess},
		{"offline", false, widget.DangerImportance, theme.ColorNameError},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newAppRig(t, "nl")
			r.state.Online = c.online
			r.a.Tick()
			if r.a.link.SizeName != theme.SizeNameSubHeadingText || !r.a.link.TextStyle.Bold || r.a.who.SizeName != theme.SizeNameSubHeadingText {
				t.Errorf("header sizes: link %q bold %v, who %q; want sub-heading, bold", r.a.link.SizeName, r.a.link.TextStyle.Bold, r.a.who.SizeName)
			}
			if r.a.link.Importance != c.importance || r.a.linkBox.edge != c.edge {
				t.Errorf("link %q: importance %v on %q, want %v on %q", r.a.link.Text, r.a.link.Importance, r.a.linkBox.edge, c.importance, c.edge)
			}
		})
	}
}

// TestShift_difference: a count that differs from the drawer's is shown
// in red and closes only with a reason, which the close keeps.
func TestShift_difference(t *testing.T) {
	till := &fakeShifts{open: true, float: 15000}
	r := newAppRig(t, "nl", func(d *Deps) { d.Shifts = till })
	r.signIn(t, "0990000000010", "1234")
	r.wait(t) // the current shift: open
	r.key(fyne.KeyF2)
	r.wait(t)
	s := findShiftScreen(t, r)
	test.Type(s.count[10000], "1")
	test.Type(s.count[5000], "1") // € 150,00 against € 186,00
	if s.sum.Importance != widget.DangerImportance || !s.reason.Visible() {
		t.Fatalf("a difference shows in %v, reason asked %v; want red and a reason", s.sum.Importance, s.reason.Visible())
	}
	pressFocused(r.w, fyne.KeyF9)
	if len(till.closes) != 0 || !strings.Contains(s.said.Text, "Typ de reden") {
		t.Fatalf("closed without a reason: %v, said %q", till.closes, s.said.Text)
	}
	test.Type(s.reason, "wisselgeld verkeerd teruggegeven")
	pressFocused(r.w, fyne.KeyF9)
	r.wait(t)
	if len(till.closes) != 1 || till.reason != "wisselgeld verkeerd teruggegeven" {
		t.Errorf("closes %v with reason %q", till.closes, till.reason)
	}
	// Counted right, it is green and needs no reason.
	till.open = true
	r.a.closeOverlay()
	r.key(fyne.KeyF2)
	r.wait(t)
	s = findShiftScreen(t, r)
	test.Type(s.count[10000], "1")
	test.Type(s.count[5000], "1")
	test.Type(s.count[2000], "1")
	test.Type(s.count[1000], "1")
	test.Type(s.count[500], "1")
	test.Type(s.count[100], "1")
	if s.sum.Importance != widget.SuccessImportance || s.reason.Visible() {
		t.Errorf("no difference shows in %v, reason asked %v; want green, no reason", s.sum.Importance, s.reason.Visible())
	}
}

// TestConfirm_changeLarge: the change to give is large.
func TestConfirm_changeLarge(t *testing.T) {
	r := newAppRig(t, "nl")
	r.signIn(t, "0990000000010", "1234")
	r.scan(t, tomCard)
	r.key(fyne.KeyF7)
	r.wait(t)
	test.Type(cashField(t, r), "50")
	var change *widget.Label
	walk(r.a.root, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok && strings.HasPrefix(l.Text, "Terug te geven") {
			change = l
		}
	})
	if change == nil || change.SizeName != theme.SizeNameHeadingText {
		t.Errorf("the change is %+v, want it in heading size", change)
	}
}

package pos

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/balie/balie"
)

// pressFocused presses a key as the window does: to the focused widget,
// or to the canvas when nothing has the focus.
func pressFocused(w fyne.Window, name fyne.KeyName) {
	ev := &fyne.KeyEvent{Name: name}
	if f := w.Canvas().Focused(); f != nil {
		f.TypedKey(ev)
		return
	}
	if h := w.Canvas().OnTypedKey(); h != nil {
		h(ev)
	}
}

// findButton is the button whose text starts with prefix.
func findButton(t *testing.T, o fyne.CanvasObject, prefix string) *keyButton {
	t.Helper()
	var found *keyButton
	walk(o, func(o fyne.CanvasObject) {
		if b, ok := o.(*keyButton); ok && found == nil && strings.HasPrefix(b.Text, prefix) {
			found = b
		}
	})
	if found == nil {
		t.Fatalf("no button %q on the screen", prefix)
	}
	return found
}

// TestApp_keysWhateverHasFocus: a function key does its act whatever
// widget the clerk last clicked or tabbed to, and Escape backs out.
func TestApp_keysWhateverHasFocus(t *testing.T) {
	t.Run("box office: Kaart chosen, then F9 sells", func(t *testing.T) {
		r := newBoxRig(t, "nl")
		r.press(fyne.KeyF5)
		r.wait(t)           // the quote
		r.press(fyne.KeyF9) // the confirm screen
		kaart := findButton(t, r.a.root, "Kaart")
		test.Tap(kaart)
		r.w.Canvas().Focus(kaart) // a click on it, as the mouse does
		pressFocused(r.w, fyne.KeyF9)
		r.wait(t) // the sale
		if len(r.box.tickets) != 1 || r.box.tickets[0].Payment != balie.PayCard {
			t.Fatalf("F9 with Kaart focused sold %+v, want one sale by card", r.box.tickets)
		}
	})
	t.Run("box office: Factuur chosen, then Escape clears", func(t *testing.T) {
		r := newBoxRig(t, "nl")
		r.scan(t, tomCard)
		r.press(fyne.KeyF5)
		r.wait(t)
		r.press(fyne.KeyF9)
		factuur := findButton(t, r.a.root, "Factuur")
		test.Tap(factuur)
		r.w.Canvas().Focus(factuur)
		pressFocused(r.w, fyne.KeyEscape) // backs out of the payment
		if !r.onMain() || len(r.box.tickets) != 0 {
			t.Fatalf("Escape on the payment: main %v, sold %+v", r.onMain(), r.box.tickets)
		}
		pressFocused(r.w, fyne.KeyEscape) // clears the screen
		if r.p.holder != nil || len(labelTexts(r.a.scan.result)) == 0 || labelTexts(r.a.scan.result)[0] == "Tom Peeters" {
			t.Errorf("Escape with Factuur focused left %q on the screen", labelTexts(r.a.scan.result))
		}
	})
	t.Run("sports: a reward chosen from its list, then F6", func(t *testing.T) {
		r := newAppRig(t, "nl")
		r.signIn(t, "0990000000010", "1234")
		r.scan(t, tomCard)
		p := r.a.desk.(*sportsPanel)
		p.rewardPick.SetSelectedIndex(0)
		r.w.Canvas().Focus(p.rewardPick)
		pressFocused(r.w, fyne.KeyF6)
		r.wait(t)
		if !slices.Equal(r.desk.acts, []string{"redeem rw-swim"}) {
			t.Errorf("F6 with the reward list focused: acts %q", r.desk.acts)
		}
	})
	t.Run("sports: nothing focused, then F5", func(t *testing.T) {
		r := newAppRig(t, "nl")
		r.signIn(t, "0990000000010", "1234")
		r.scan(t, tomCard)
		r.w.Canvas().Unfocus()
		pressFocused(r.w, fyne.KeyF5)
		r.wait(t)
		if len(r.desk.acts) != 1 || !strings.HasPrefix(r.desk.acts[0], "checkin") {
			t.Errorf("F5 with nothing focused: acts %q", r.desk.acts)
		}
	})
	t.Run("a scanner typing while a button has the focus", func(t *testing.T) {
		r := newAppRig(t, "nl")
		r.signIn(t, "0990000000010", "1234")
		p := r.a.desk.(*sportsPanel)
		r.w.Canvas().Focus(p.checkIn)
		for _, c := range tomCard {
			r.w.Canvas().Focused().TypedRune(c)
		}
		pressFocused(r.w, fyne.KeyReturn)
		r.wait(t)
		if got := labelTexts(r.a.scan.result); len(got) == 0 || got[0] != "Tom Peeters" {
			t.Errorf("a scan typed with a button focused shows %q, want Tom", got)
		}
	})
}

package pos

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/balie/balie"
)

// TestApp_cashNeedsOpenTill: the clerk put off opening the till; a cash
// act is then refused with a sentence that says so, the till is offered,
// and once it is open the same payment goes through. A card payment
// needs no till.
func TestApp_cashNeedsOpenTill(t *testing.T) {
	t.Run("sports pass in cash", func(t *testing.T) {
		till := &fakeShifts{}
		r := newAppRig(t, "nl", func(d *Deps) { d.Shifts = till })
		r.signIn(t, "0990000000010", "1234")
		r.wait(t) // no shift: the till screen
		r.wait(t)
		pressFocused(r.w, fyne.KeyEscape) // later
		if !r.onMain() {
			t.Fatal("Escape did not put off opening the till")
		}
		r.scan(t, tomCard)
		r.key(fyne.KeyF7)
		r.wait(t) // the quote
		pressFocused(r.w, fyne.KeyReturn)
		r.wait(t) // the till read: closed
		if len(r.desk.acts) != 0 {
			t.Fatalf("cash taken with no till open: %q", r.desk.acts)
		}
		if got := strings.Join(labelTexts(r.a.root), " | "); !strings.Contains(got, "De kassa is niet geopend: er is niets aangerekend.") {
			t.Errorf("the screen shows %q, want that the till is not open", got)
		}
		pressFocused(r.w, fyne.KeyF2)
		r.wait(t) // the till screen
		s := findShiftScreen(t, r)
		test.Type(s.float, "150")
		s.float.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		r.wait(t) // opened: back on the confirm screen
		pressFocused(r.w, fyne.KeyReturn)
		r.wait(t) // the till read: open
		r.wait(t) // paid
		if len(r.desk.acts) != 1 || r.desk.acts[0] != "pay prog-sport CASH" {
			t.Errorf("after opening the till: acts %q, want the sports pass in cash", r.desk.acts)
		}
	})
	t.Run("box office tickets in cash", func(t *testing.T) {
		r := newBoxRig(t, "nl")
		till := &fakeShifts{}
		r.a.deps.Shifts = till
		r.a.till = newShiftScreen(r.a, till)
		r.press(fyne.KeyF5)
		r.wait(t)
		r.press(fyne.KeyF9)
		r.press(fyne.KeyReturn)
		r.wait(t) // the till read
		if len(r.box.tickets) != 0 {
			t.Fatalf("sold in cash with no till: %+v", r.box.tickets)
		}
		if got := strings.Join(labelTexts(r.a.root), " | "); !strings.Contains(got, "De kassa is niet geopend") {
			t.Errorf("the screen shows %q, want that the till is not open", got)
		}
		// By card the sale needs no till.
		test.Tap(findButton(t, r.a.root, "Kaart"))
		pressFocused(r.w, fyne.KeyReturn)
		r.wait(t)
		if len(r.box.tickets) != 1 || r.box.tickets[0].Payment != balie.PayCard {
			t.Errorf("card sale with no till: %+v", r.box.tickets)
		}
	})
}

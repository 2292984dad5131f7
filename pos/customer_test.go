package pos

import (
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// TestApp_nextCustomerStartsClean: Escape or another holder's card
// starts the next customer with no basket, no reward and cash as the
// payment: nothing chosen for one holder carries to the next.
func TestApp_nextCustomerStartsClean(t *testing.T) {
	cases := []struct {
		name string
		next func(t *testing.T, r *boxRig)
	}{
		{"Escape", func(t *testing.T, r *boxRig) { r.press(fyne.KeyEscape) }},
		{"another holder's card", func(t *testing.T, r *boxRig) { r.scan(t, tomCard) }},
		{"Escape, then another holder's card", func(t *testing.T, r *boxRig) { r.press(fyne.KeyEscape); r.scan(t, tomCard) }},
	}
	for _, c := range cases {
		t.Run("box office: "+c.name, func(t *testing.T) {
			r := newBoxRig(t, "nl")
			r.scan(t, kevinCard)
			r.press(fyne.KeyF6) // the UiTPAS-tarief, Kevin's
			r.wait(t)
			r.press(fyne.KeyF9)
			test.Tap(findButton(t, r.a.root, "Kaart"))
			pressFocused(r.w, fyne.KeyEscape) // the customer does not pay
			c.next(t, r)
			if len(r.p.basket.lines) != 0 {
				t.Errorf("the basket kept %d lines for the next customer: %q", len(r.p.basket.lines), r.basket())
			}
			// The next payment starts on cash: a method is never kept.
			r.press(fyne.KeyF5)
			r.wait(t)
			r.press(fyne.KeyF9)
			if cash := findButton(t, r.a.root, "Cash"); cash.Importance != widget.HighImportance {
				t.Errorf("the next customer's payment starts on %v, want Cash chosen", cash.Importance)
			}
		})
	}
	t.Run("box office: a basket begun before the card keeps its tickets", func(t *testing.T) {
		r := newBoxRig(t, "nl")
		r.press(fyne.KeyF5)
		r.wait(t)
		r.scan(t, tomCard)
		r.wait(t) // the basket quoted again for Tom
		if got, want := r.basket(), []string{"1 × UiTPAS-tarief", "€ 18,00", "Totaal € 18,00"}; !slices.Equal(got, want) {
			t.Errorf("basket %q, want %q", got, want)
		}
	})
	for _, c := range []struct {
		name string
		next func(t *testing.T, r *appRig)
	}{
		{"Escape", func(t *testing.T, r *appRig) { r.key(fyne.KeyEscape) }},
		{"another holder's card", func(t *testing.T, r *appRig) { r.scan(t, kevinCard) }},
	} {
		t.Run("sports: "+c.name, func(t *testing.T) {
			r := newAppRig(t, "nl")
			r.signIn(t, "0990000000010", "1234")
			r.scan(t, tomCard)
			p := r.a.desk.(*sportsPanel)
			p.rewardPick.SetSelectedIndex(0)
			c.next(t, r)
			if p.rewardPick.SelectedIndex() >= 0 {
				t.Errorf("the reward %q stayed chosen for the next customer", p.rewardPick.Selected)
			}
		})
	}
}

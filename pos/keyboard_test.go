package pos

import (
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/balie/balie"
	"github.com/balie/balie/pos/receipt"
)

// TestKeyboard: what a clerk does with the keyboard alone.
func TestKeyboard(t *testing.T) {
	t.Run("holders found by name: the first has the cursor, ↓ the next, Enter shows", func(t *testing.T) {
		r := newRig(t, searchDirectory{newFakeDirectory()}, "nl")
		r.scan(t, "Peeters")
		b, ok := r.w.Canvas().Focused().(*keyButton)
		if !ok || !strings.HasPrefix(b.Text, "Tom Peeters") {
			t.Fatalf("after a search the cursor is on %T, want the first holder found", r.w.Canvas().Focused())
		}
		pressFocused(r.w, fyne.KeyDown)
		if b, ok = r.w.Canvas().Focused().(*keyButton); !ok || !strings.HasPrefix(b.Text, "Rita Peeters") {
			t.Fatalf("↓ put the cursor on %v, want the second holder", r.w.Canvas().Focused())
		}
		pressFocused(r.w, fyne.KeyUp)
		pressFocused(r.w, fyne.KeyReturn)
		r.wait(t)
		if got := r.shown(); len(got) == 0 || got[0] != "Tom Peeters" {
			t.Errorf("Enter on a holder found shows %q", got)
		}
	})
	t.Run("sign-in by name shows the name, not an id", func(t *testing.T) {
		r := newAppRig(t, "nl", func(d *Deps) { d.Staff = fakeStaffNames{} })
		r.wait(t)
		test.Tap(findButton(t, r.a.root, "Els Van Dyck"))
		if got := r.a.signIn.card.Text; got != "Els Van Dyck" {
			t.Errorf("the card field says %q, want the name chosen", got)
		}
		test.Type(r.a.signIn.pin, "1234")
		r.a.signIn.pin.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		r.wait(t)
		if !r.onMain() {
			t.Errorf("not signed in by name")
		}
	})
	t.Run("settings apply with F9", func(t *testing.T) {
		var changed []string
		r := newAppRig(t, "nl", func(d *Deps) {
			d.Desks = fakeDesks{{ID: "desk-sport", Name: "Sporthal"}}
			d.Settings = func(lang, desk string) { changed = append(changed, lang+" "+desk) }
		})
		r.signIn(t, "0990000000010", "1234")
		r.key(fyne.KeyF1)
		r.wait(t)
		english := findButton(t, r.a.root, "English")
		test.Tap(english)
		r.w.Canvas().Focus(english)
		pressFocused(r.w, fyne.KeyF9)
		if len(changed) != 1 || changed[0] != "en desk-sport" {
			t.Errorf("F9 on the settings: %q, want English applied", changed)
		}
	})
	t.Run("a new language keeps the clerk signed in", func(t *testing.T) {
		r := newAppRig(t, "en")
		r.a.Resume(balie.Staff{ID: "staff-sup", Name: "Els Van Dyck", Role: balie.RoleSupervisor})
		if !r.onMain() || r.a.Staff() == nil || r.a.Staff().ID != "staff-sup" {
			t.Errorf("Resume: main %v, staff %+v", r.onMain(), r.a.Staff())
		}
	})
	t.Run("the receipt notice: a file name, gone at the next customer", func(t *testing.T) {
		r := newBoxRig(t, "nl")
		r.p.sold("1 ticket verkocht.", receipt.Receipt{Desk: "Balie CC Lier", Time: r.now, Total: 1800, Payment: balie.PayCard,
			Reference: "0193aaaa-0000-7000-8000-00000000cafe"}, "")
		r.press(fyne.KeyF11)
		if !r.a.note.Visible() || strings.Contains(r.a.note.Text, string(filepath.Separator)) || !strings.HasPrefix(r.a.note.Text, "Bon opgeslagen als bon-") {
			t.Errorf("notice %q, want the receipt's file name without its folder", r.a.note.Text)
		}
		r.scan(t, tomCard)
		if r.a.note.Visible() {
			t.Errorf("the receipt notice stayed for the next customer: %q", r.a.note.Text)
		}
	})
}

// TestApp_headerCountsActAtOnce: the header counts an act the moment it
// is recorded, not at the next tick of the clock.
func TestApp_headerCountsActAtOnce(t *testing.T) {
	var r *appRig
	r = newAppRig(t, "nl", func(d *Deps) {
		d.Sync = func() SyncState {
			if r == nil || r.a == nil {
				return SyncState{Enabled: true, Online: true} // the rig is being built
			}
			st := r.state
			st.Queued = len(r.desk.acts)
			if st.Queued > 0 {
				st.Oldest = r.now
			}
			return st
		}
	})
	r.signIn(t, "0990000000010", "1234")
	r.scan(t, tomCard)
	r.key(fyne.KeyF5)
	r.wait(t) // the check-in, recorded
	if got := r.a.link.Text; !strings.Contains(got, "1 handeling wacht op de centrale") {
		t.Errorf("header after the act = %q, want it counted", got)
	}
}

package pos

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/balie/balie"
)

// TestScreens_render: the screens over the main screen, each against a
// reviewed master of its own, at the smallest counter screen.
func TestScreens_render(t *testing.T) {
	small := fyne.NewSize(1024, 768)
	cases := []struct {
		master string
		open   func(t *testing.T) *appRig
	}{
		{"screen_signin.xml", func(t *testing.T) *appRig {
			r := newAppRig(t, "nl", func(d *Deps) { d.Staff = fakeStaffNames{} })
			r.wait(t)
			return r
		}},
		{"screen_shift_open.xml", func(t *testing.T) *appRig {
			till := &fakeShifts{}
			r := newAppRig(t, "nl", func(d *Deps) { d.Shifts = till })
			r.signIn(t, "0990000000010", "1234")
			r.wait(t)
			r.wait(t)
			return r
		}},
		{"screen_shift_close.xml", func(t *testing.T) *appRig {
			till := &fakeShifts{open: true, float: 15000}
			r := newAppRig(t, "nl", func(d *Deps) { d.Shifts = till })
			r.signIn(t, "0990000000010", "1234")
			r.wait(t)
			r.key(fyne.KeyF2)
			r.wait(t)
			s := findShiftScreen(t, r)
			test.Type(s.count[10000], "1")
			test.Type(s.count[5000], "1")
			return r
		}},
		{"screen_void.xml", func(t *testing.T) *appRig {
			fv := &fakeVoids{acts: []balie.RecentAct{
				{JournalEvent: balie.JournalEvent{ID: "a", Kind: balie.KindTicketSale, Time: r0(), Payload: []byte(`{"total":3600,"lines":[{"quantity":2}]}`)}, HolderName: "Tom Peeters", Waiting: true},
				{JournalEvent: balie.JournalEvent{ID: "b", Kind: balie.KindCheckin, Time: r0(), Payload: []byte(`{"points":1}`)}, HolderName: "Tom Peeters", Voided: true},
			}}
			r := newAppRig(t, "nl", func(d *Deps) { d.Voids = fv })
			r.signIn(t, "0990000000010", "1234")
			r.key(fyne.KeyF4)
			r.wait(t)
			return r
		}},
		{"screen_review.xml", func(t *testing.T) *appRig {
			items := []balie.ReviewItem{{Seq: 7, ID: "0193aaaa-0000-7000-8000-00000000beef", Kind: balie.KindRewardRedemption,
				Time: r0(), Status: balie.VerdictAdjusted, Code: "points_negative", NL: "Het saldo ging onder nul.", EN: "The balance went below zero."}}
			r := newAppRig(t, "nl", func(d *Deps) { d.Review = fakeReview{items} })
			r.signIn(t, "0990000000010", "1234")
			r.key(fyne.KeyF3)
			r.wait(t)
			return r
		}},
		{"screen_settings.xml", func(t *testing.T) *appRig {
			r := newAppRig(t, "nl", func(d *Deps) {
				d.Desks = fakeDesks{{ID: "desk-box", Name: "Balie CC Lier"}, {ID: "desk-sport", Name: "Sporthal"}}
				d.Settings = func(lang, desk string) {}
			})
			r.signIn(t, "0990000000010", "1234")
			r.key(fyne.KeyF1)
			r.wait(t)
			return r
		}},
		{"screen_confirm.xml", func(t *testing.T) *appRig {
			r := newAppRig(t, "nl")
			r.signIn(t, "0990000000010", "1234")
			r.scan(t, tomCard)
			r.key(fyne.KeyF7)
			r.wait(t)
			test.Type(cashField(t, r), "50")
			return r
		}},
	}
	for _, c := range cases {
		t.Run(c.master, func(t *testing.T) {
			r := c.open(t)
			r.w.Resize(small)
			test.AssertRendersToMarkup(t, c.master, r.w.Canvas())
		})
	}
}

package pos

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/balie/balie"
)

// TestComponents_render: each component of the box office and of the
// childcare desk on its own, against a small master of its own, so that
// a change to one shows in its own master and not in every window's.
func TestComponents_render(t *testing.T) {
	size := fyne.NewSize(560, 640)
	cases := []struct {
		master string
		show   func(t *testing.T) (fyne.Window, fyne.CanvasObject)
	}{
		{"box_basket.xml", func(t *testing.T) (fyne.Window, fyne.CanvasObject) {
			r := newBoxRig(t, "nl")
			r.scan(t, kevinCard)
			r.press(fyne.KeyF5)
			r.wait(t)
			r.press(fyne.KeyF6)
			r.wait(t)
			return r.w, r.p.basket.content()
		}},
		{"box_card.xml", func(t *testing.T) (fyne.Window, fyne.CanvasObject) {
			r := newBoxRig(t, "nl")
			r.press(fyne.KeyF8)
			test.Type(r.p.card.first, "An")
			test.Type(r.p.card.birth, "31/02/1990")
			r.p.card.request()
			return r.w, r.p.card.content()
		}},
		{"box_member.xml", func(t *testing.T) (fyne.Window, fyne.CanvasObject) {
			r := newBoxRig(t, "nl")
			r.scan(t, tomCard)
			r.press(fyne.KeyF10)
			return r.w, r.p.member.content()
		}},
		{"box_pay.xml", func(t *testing.T) (fyne.Window, fyne.CanvasObject) {
			r := newBoxRig(t, "nl")
			r.press(fyne.KeyF8)
			return r.w, r.p.pay.content()
		}},
		{"box_slip.xml", func(t *testing.T) (fyne.Window, fyne.CanvasObject) {
			r := newBoxRig(t, "nl")
			r.press(fyne.KeyF5)
			r.wait(t)
			r.press(fyne.KeyF9)
			test.Type(cashField(t, &r.appRig), "20")
			r.press(fyne.KeyReturn)
			r.wait(t)
			return r.w, r.p.slip.content()
		}},
		{"cc_list.xml", func(t *testing.T) (fyne.Window, fyne.CanvasObject) {
			r := newChildcareRig(t, "nl")
			r.tap(t, "h-lotte")
			r.wait(t)
			return r.w, r.p.list.scroll
		}},
		{"cc_signout.xml", func(t *testing.T) (fyne.Window, fyne.CanvasObject) {
			r := newChildcareRig(t, "nl")
			r.tap(t, "h-amber")
			test.Type(r.p.signout.code, "0000")
			r.key(fyne.KeyF10)
			r.wait(t)
			return r.w, r.p.detail
		}},
		{"cc_bill.xml", func(t *testing.T) (fyne.Window, fyne.CanvasObject) {
			r := newChildcareRig(t, "nl")
			r.tap(t, "h-lotte")
			r.wait(t)
			r.now = r.now.Add(95 * time.Minute)
			r.tap(t, "h-lotte")
			test.Type(r.p.signout.code, "2580")
			r.key(fyne.KeyF10)
			r.wait(t)
			return r.w, r.p.detail
		}},
		{"cc_flag.xml", func(t *testing.T) (fyne.Window, fyne.CanvasObject) {
			r := newChildcareRig(t, "nl")
			r.now = time.Date(2026, 11, 25, 18, 45, 0, 0, balie.Brussels())
			r.p.tick()
			return r.w, r.p.flag.box
		}},
	}
	for _, c := range cases {
		t.Run(c.master, func(t *testing.T) {
			w, o := c.show(t)
			w.SetContent(o)
			w.Resize(size)
			test.AssertRendersToMarkup(t, c.master, w.Canvas())
		})
	}
}

package pos

import (
	"fmt"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/balie/balie"
)

// screenSizes are the counter screens the desks are laid out for.
var screenSizes = []fyne.Size{{Width: 1024, Height: 768}, {Width: 1366, Height: 768}, {Width: 1920, Height: 1080}}

// offCanvas lists the visible objects of c that reach outside it: a
// status line, a key hint or a button the clerk cannot see. What a
// scroll holds may reach outside the scroll; the scroll may not.
func offCanvas(c fyne.Canvas) []string {
	d := fyne.CurrentApp().Driver()
	size := c.Size()
	var out []string
	var visit func(o fyne.CanvasObject)
	visit = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		p, s := d.AbsolutePositionForObject(o), o.Size()
		if s.Width > 0 && s.Height > 0 && (p.X+s.Width > size.Width+1 || p.Y+s.Height > size.Height+1 || p.X < -1 || p.Y < -1) {
			out = append(out, fmt.Sprintf("%T at %v size %v", o, p, s))
			return
		}
		switch o := o.(type) {
		case *container.Scroll, *widget.Entry, *scanEntry:
			return
		case *fyne.Container:
			for _, k := range o.Objects {
				visit(k)
			}
		case fyne.Widget:
			for _, k := range test.WidgetRenderer(o).Objects() {
				visit(k)
			}
		}
	}
	visit(c.Content())
	return out
}

// TestLayout_fits: every desk, with its forms open, fits the counter
// screens from 1024x768 to 1920x1080: nothing the clerk needs is off
// screen.
func TestLayout_fits(t *testing.T) {
	desks := []struct {
		name string
		open func(t *testing.T, size fyne.Size) *appRig
	}{
		{"sports", func(t *testing.T, size fyne.Size) *appRig {
			r := newAppRig(t, "nl")
			r.w.Resize(size)
			r.signIn(t, "0990000000010", "1234")
			r.scan(t, tomCard)
			return r
		}},
		{"box office, basket", func(t *testing.T, size fyne.Size) *appRig {
			r := newBoxRig(t, "nl")
			r.w.Resize(size)
			r.scan(t, kevinCard)
			r.press(fyne.KeyF5)
			r.wait(t)
			r.press(fyne.KeyF6)
			r.wait(t)
			return &r.appRig
		}},
		{"box office, card form", func(t *testing.T, size fyne.Size) *appRig {
			r := newBoxRig(t, "nl")
			r.w.Resize(size)
			r.press(fyne.KeyF8)
			return &r.appRig
		}},
		{"childcare, sign-out", func(t *testing.T, size fyne.Size) *appRig {
			r := newChildcareRig(t, "nl")
			r.w.Resize(size)
			r.tap(t, "h-amber")
			return r.appRig
		}},
		{"sports, a payment paid already today, with a notice", func(t *testing.T, size fyne.Size) *appRig {
			r := newAppRig(t, "nl")
			r.w.Resize(size)
			r.signIn(t, "0990000000010", "1234")
			r.scan(t, tomCard)
			r.a.notice("Kassa geopend met € 150,00 wisselgeld.", true)
			r.desk.acts = []string{"pay prog-sport CASH"}
			r.key(fyne.KeyF7)
			r.wait(t)
			return r
		}},
		{"voids", func(t *testing.T, size fyne.Size) *appRig {
			r := newAppRig(t, "nl", func(d *Deps) {
				d.Voids = &fakeVoids{acts: []balie.RecentAct{{JournalEvent: balie.JournalEvent{ID: "x", Kind: balie.KindCheckin, Time: r0(), Payload: []byte(`{"points":1}`)}, HolderName: "Tom Peeters"}}}
			})
			r.w.Resize(size)
			r.signIn(t, "0990000000010", "1234")
			r.key(fyne.KeyF4)
			r.wait(t)
			return r
		}},
		{"settings", func(t *testing.T, size fyne.Size) *appRig {
			r := newAppRig(t, "nl", func(d *Deps) {
				d.Desks = fakeDesks{{ID: "desk-sport", Name: "Sporthal"}}
				d.Settings = func(lang, desk string) {}
			})
			r.w.Resize(size)
			r.signIn(t, "0990000000010", "1234")
			r.key(fyne.KeyF1)
			r.wait(t)
			return r
		}},
		{"sign-in", func(t *testing.T, size fyne.Size) *appRig {
			r := newAppRig(t, "nl", func(d *Deps) { d.Staff = fakeStaffNames{} })
			r.wait(t)
			r.w.Resize(size)
			return r
		}},
	}
	for _, d := range desks {
		for _, size := range screenSizes {
			t.Run(fmt.Sprintf("%s at %vx%v", d.name, size.Width, size.Height), func(t *testing.T) {
				r := d.open(t, size)
				if got := r.w.Canvas().Size(); got != size {
					t.Fatalf("canvas %v, want %v", got, size)
				}
				if off := offCanvas(r.w.Canvas()); len(off) > 0 {
					t.Errorf("off screen: %q", off)
				}
			})
		}
	}
}

// TestLayout_rendersSportsDesk: the sports desk at the smallest and the
// largest counter screen, against reviewed masters.
func TestLayout_rendersSportsDesk(t *testing.T) {
	for _, size := range []fyne.Size{{Width: 1024, Height: 768}, {Width: 1920, Height: 1080}} {
		t.Run(fmt.Sprint(size.Width), func(t *testing.T) {
			r := newAppRig(t, "nl")
			r.w.Resize(size)
			r.signIn(t, "0990000000010", "1234")
			r.scan(t, tomCard)
			test.AssertRendersToMarkup(t, fmt.Sprintf("sports_desk_%dx%d.xml", int(size.Width), int(size.Height)), r.w.Canvas())
		})
	}
}

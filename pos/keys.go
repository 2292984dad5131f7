package pos

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// The function keys belong to the window, not to a widget. Fyne hands a
// bare F9 or Escape to the focused widget's TypedKey (only keys with
// Ctrl, Alt or Super become shortcuts a canvas can register, and the
// canvas's own key handler runs only when nothing has the focus), and a
// radio group or a list that does not know the key drops it: a clerk who
// chose "Kaart" with the mouse was stuck. So every widget the app makes
// that can take the focus is one of the kinds below, and offers each key
// to the app's one table first (App.windowKey), whatever screen is on.

// keyRoute is where the app's focusable widgets send what they do not
// use themselves: the function keys and Escape, and the characters a
// keyboard-wedge scanner types while a button has the focus. Its
// functions follow the screen shown; a nil route leaves a widget as
// Fyne made it (a screen tested on its own).
type keyRoute struct {
	key  func(*fyne.KeyEvent) bool // true when the app took the key
	rune func(rune) bool           // true when the app took the character
}

// windowKeys are the keys the route takes from any widget: a button's
// Space and a list's arrows stay the widget's own.
func windowKey(n fyne.KeyName) bool {
	switch n {
	case fyne.KeyEscape, fyne.KeyF1, fyne.KeyF2, fyne.KeyF3, fyne.KeyF4, fyne.KeyF5, fyne.KeyF6,
		fyne.KeyF7, fyne.KeyF8, fyne.KeyF9, fyne.KeyF10, fyne.KeyF11, fyne.KeyF12:
		return true
	}
	return false
}

func (r *keyRoute) takeKey(k *fyne.KeyEvent) bool {
	return r != nil && r.key != nil && windowKey(k.Name) && r.key(k)
}

func (r *keyRoute) takeRune(c rune) bool { return r != nil && r.rune != nil && r.rune(c) }

// keyButton is a button that leaves the window's keys to the window, and
// shows a thick ring while it has the focus: Fyne's faint tint was not
// seen at counter distance, and Space then pressed a button unseen.
type keyButton struct {
	widget.Button
	route   *keyRoute
	focused bool
	// arrows makes ↓ and ↑ move the focus to the next and previous
	// button: a list of buttons (holders found by name) is walked with
	// the arrows, not only with Tab and Shift+Tab.
	arrows bool
}

func newKeyButton(route *keyRoute, text string, icon fyne.Resource, tapped func()) *keyButton {
	b := &keyButton{route: route}
	b.Text, b.Icon, b.OnTapped = text, icon, tapped
	b.ExtendBaseWidget(b)
	return b
}

// TypedKey gives the window its keys, the button the rest (Space, Enter).
func (b *keyButton) TypedKey(k *fyne.KeyEvent) {
	if b.route.takeKey(k) {
		return
	}
	if b.arrows && (k.Name == fyne.KeyDown || k.Name == fyne.KeyUp) {
		if c := fyne.CurrentApp().Driver().CanvasForObject(b); c != nil {
			if k.Name == fyne.KeyDown {
				c.FocusNext()
			} else {
				c.FocusPrevious()
			}
		}
		return
	}
	if k.Name == fyne.KeyReturn || k.Name == fyne.KeyEnter {
		// Enter presses a focused button as Space does: a clerk who
		// tabbed to it expects it.
		if !b.Disabled() && b.OnTapped != nil {
			b.OnTapped()
		}
		return
	}
	b.Button.TypedKey(k)
}

// TypedRune passes a scanner's characters on: a button has no use for them.
func (b *keyButton) TypedRune(r rune) {
	if !b.route.takeRune(r) {
		b.Button.TypedRune(r)
	}
}

func (b *keyButton) FocusGained() { b.focused = true; b.Button.FocusGained() }
func (b *keyButton) FocusLost()   { b.focused = false; b.Button.FocusLost() }

func (b *keyButton) CreateRenderer() fyne.WidgetRenderer {
	return newRingRenderer(b.Button.CreateRenderer(), &b.focused)
}

// keySelect is a drop-down list that leaves the window's keys to the
// window and rings its focus like keyButton.
type keySelect struct {
	widget.Select
	route   *keyRoute
	focused bool
}

func newKeySelect(route *keyRoute, options []string, changed func(string)) *keySelect {
	s := &keySelect{route: route}
	s.Options, s.OnChanged = options, changed
	s.ExtendBaseWidget(s)
	return s
}

func (s *keySelect) TypedKey(k *fyne.KeyEvent) {
	if !s.route.takeKey(k) {
		s.Select.TypedKey(k)
	}
}

func (s *keySelect) TypedRune(r rune) {
	if !s.route.takeRune(r) {
		s.Select.TypedRune(r)
	}
}

func (s *keySelect) FocusGained() { s.focused = true; s.Select.FocusGained() }
func (s *keySelect) FocusLost()   { s.focused = false; s.Select.FocusLost() }

func (s *keySelect) CreateRenderer() fyne.WidgetRenderer {
	return newRingRenderer(s.Select.CreateRenderer(), &s.focused)
}

// ringRenderer is a widget's renderer with a ring drawn over it while
// the widget has the focus.
type ringRenderer struct {
	fyne.WidgetRenderer
	ring    *canvas.Rectangle
	focused *bool
}

func newRingRenderer(r fyne.WidgetRenderer, focused *bool) *ringRenderer {
	rr := &ringRenderer{WidgetRenderer: r, ring: canvas.NewRectangle(color.Transparent), focused: focused}
	rr.ring.StrokeWidth = 4
	rr.paint()
	return rr
}

func (r *ringRenderer) paint() {
	r.ring.StrokeColor = color.Transparent
	if *r.focused {
		r.ring.StrokeColor = theme.Color(theme.ColorNamePrimary)
	}
	r.ring.CornerRadius = theme.Size(theme.SizeNameInputRadius)
}

func (r *ringRenderer) Layout(size fyne.Size) {
	r.WidgetRenderer.Layout(size)
	r.ring.Resize(size)
}

func (r *ringRenderer) Refresh() {
	r.WidgetRenderer.Refresh()
	r.paint()
	r.ring.Refresh()
}

func (r *ringRenderer) Objects() []fyne.CanvasObject {
	return append(r.WidgetRenderer.Objects(), r.ring)
}

// choice is a row of buttons of which one is chosen: the payment method,
// the language. It replaces Fyne's radio group, whose items take the
// focus and keep the window's keys from the window.
type choice struct {
	Options   []string
	Selected  string
	OnChanged func(string)
	buttons   []*keyButton
	box       *fyne.Container
}

func newChoice(route *keyRoute, options []string, changed func(string)) *choice {
	c := &choice{Options: options, OnChanged: changed, box: container.NewHBox()}
	for _, o := range options {
		o := o
		b := newKeyButton(route, o, nil, func() { c.SetSelected(o) })
		c.buttons = append(c.buttons, b)
		c.box.Add(b)
	}
	return c
}

// SetSelected chooses option o and tells OnChanged when it changed.
func (c *choice) SetSelected(o string) {
	changed := o != c.Selected
	c.Selected = o
	for i, b := range c.buttons {
		if c.Options[i] == o {
			b.Importance = widget.HighImportance
			b.SetIcon(theme.ConfirmIcon())
		} else {
			b.Importance = widget.MediumImportance
			b.SetIcon(nil)
		}
		b.Refresh()
	}
	if changed && c.OnChanged != nil {
		c.OnChanged(o)
	}
}

func (c *choice) content() fyne.CanvasObject { return c.box }

package pos

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/balie/balie"
)

// signInScreen is where staff sign in: scan their own card (or type its
// number), then type their PIN. It is also the lock screen.
type signInScreen struct {
	a       *App
	card    *scanEntry
	pin     *scanEntry
	message *widget.Label
	names   *fyne.Container // the staff to choose from, when the terminal lists them
	box     fyne.CanvasObject
	busy    bool
	// chosen is the staff member chosen by name, whose name then stands
	// in the card field; "" when a card was scanned or typed.
	chosen, chosenName string
}

// StaffNames lists the staff who may sign in here: the "choose your
// name" sign-in, for a desk without a card at hand.
type StaffNames interface {
	StaffList(ctx context.Context) ([]balie.Staff, error)
}

func newSignInScreen(a *App) *signInScreen {
	s := &signInScreen{a: a, card: a.entry(), pin: a.entry()}
	l := a.lang
	s.card.SetPlaceHolder(l.t(msgSignInCard))
	s.card.OnSubmitted = func(string) { s.next() }
	s.card.OnChanged = func(text string) {
		if text != s.chosenName {
			s.chosen, s.chosenName = "", ""
		}
	}
	s.card.onEscape = s.reset
	s.pin.Password = true
	s.pin.SetPlaceHolder(l.t(msgSignInPIN))
	s.pin.OnSubmitted = func(string) { s.submit() }
	s.pin.onEscape = s.reset
	s.message = widget.NewLabel("")
	s.message.Wrapping = fyne.TextWrapWord
	title := widget.NewLabelWithStyle(l.t(msgSignInTitle), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	hint := widget.NewLabel(l.t(msgSignInHint))
	hint.Wrapping = fyne.TextWrapWord
	form := container.NewVBox(title, hint,
		container.NewThemeOverride(s.card, screenTheme{text: scanTextSize}),
		container.NewThemeOverride(s.pin, screenTheme{text: scanTextSize}),
		s.message)
	panel := container.NewGridWrap(fyne.NewSize(560, 420), newPanel(form, theme.ColorNameInputBackground, theme.ColorNameInputBorder))
	s.box = container.NewCenter(panel)
	if list, ok := a.deps.Staff.(StaffNames); ok {
		s.names = container.NewVBox(widget.NewLabelWithStyle(l.t(msgSignInChoose), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		names := container.NewGridWrap(fyne.NewSize(320, 420), newPanel(container.NewVScroll(s.names), theme.ColorNameInputBackground, theme.ColorNameInputBorder))
		s.box = container.NewCenter(container.NewHBox(panel, names))
		a.run(func(ctx context.Context) func() {
			staff, err := list.StaffList(ctx)
			return func() {
				if err != nil {
					a.log.Warn("list staff", "err", err)
					return
				}
				for _, st := range staff {
					id, name := st.ID, st.Name
					b := s.a.button(st.Name, theme.AccountIcon(), func() { s.choose(id, name) })
					b.Alignment = widget.ButtonAlignLeading
					s.names.Add(b)
				}
			}
		})
	}
	return s
}

// choose signs in by name: the staff member then types their PIN.
// The card field shows the name, never the staff member's internal id.
func (s *signInScreen) choose(staffID, name string) {
	s.chosen, s.chosenName = staffID, name
	s.card.SetText(name)
	s.setMessage("", widget.MediumImportance)
	s.next()
}

func (s *signInScreen) content() fyne.CanvasObject { return s.box }

func (s *signInScreen) focus(c fyne.Canvas) {
	c.Focus(s.card)
	s.a.takeKeys()
	c.SetOnTypedRune(func(r rune) {
		c.Focus(s.card)
		s.card.TypedRune(r)
	})
}

// reset empties the form for the next person.
func (s *signInScreen) reset() {
	s.card.SetText("")
	s.chosen, s.chosenName = "", ""
	s.pin.SetText("")
	s.setMessage("", widget.MediumImportance)
	if s.a.canvas != nil {
		s.a.canvas.Focus(s.card)
	}
}

// next moves from the card to the PIN, as Enter after a scan does.
func (s *signInScreen) next() {
	if strings.TrimSpace(s.card.Text) == "" {
		return
	}
	if s.a.canvas != nil {
		s.a.canvas.Focus(s.pin)
	}
}

func (s *signInScreen) setMessage(text string, importance widget.Importance) {
	s.message.SetText(text)
	s.message.Importance = importance
	s.message.Refresh()
}

// submit checks the card and PIN with the store, off the Fyne goroutine.
func (s *signInScreen) submit() {
	card, pin := strings.TrimSpace(s.card.Text), s.pin.Text
	if s.chosen != "" && s.card.Text == s.chosenName {
		card = s.chosen
	}
	if card == "" || pin == "" || s.busy {
		return
	}
	s.busy = true
	s.setMessage(s.a.lang.t(msgSignInChecking), widget.LowImportance)
	s.a.run(func(ctx context.Context) func() {
		staff, err := s.a.deps.Staff.Authenticate(ctx, card, pin)
		return func() {
			s.busy = false
			if err != nil {
				s.pin.SetText("")
				s.setMessage(s.a.sentence("sign in", err), widget.DangerImportance)
				if s.a.canvas != nil {
					// A wrong PIN keeps the card: type the PIN again. An
					// unknown card starts over.
					if balie.ErrorCode(err) == balie.CodeStaffPIN {
						s.a.canvas.Focus(s.pin)
					} else {
						s.card.SetText("")
						s.a.canvas.Focus(s.card)
					}
				}
				return
			}
			s.a.signedIn(staff)
		}
	})
}

const (
	msgSignInTitle    msg = "signin.title"
	msgSignInHint     msg = "signin.hint"
	msgSignInCard     msg = "signin.card"
	msgSignInPIN      msg = "signin.pin"
	msgSignInChecking msg = "signin.checking"
	msgSignInChoose   msg = "signin.choose"
)

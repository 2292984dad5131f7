package pos

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/balie/balie"
)

// ccSignOut is a child's sign-out: who may pick them up and how, the
// field for the child's pick-up code (or the adult's card, scanned), and
// why the last pick-up was refused.
type ccSignOut struct {
	a       *App
	code    *scanEntry
	ok      *keyButton
	refusal string // why the last pick-up was refused; "" for none
}

// newCCSignOut is a sign-out whose code is taken by submit (Enter, F10).
func newCCSignOut(a *App, submit func()) *ccSignOut {
	s := &ccSignOut{a: a, code: a.entry()}
	s.code.Password = true
	s.code.SetPlaceHolder(a.lang.t(msgCCCode))
	s.code.OnSubmitted = func(string) { submit() }
	s.ok = a.button(keyLabel(a.lang.t(msgCCCodeOK), fyne.KeyF10), theme.ConfirmIcon(), submit)
	return s
}

// start begins a sign-out: no code typed, no refusal yet.
func (s *ccSignOut) start() {
	s.refusal = ""
	s.code.SetText("")
}

func (s *ccSignOut) focus() {
	if s.a.canvas != nil {
		s.a.canvas.Focus(s.code)
	}
}

// signOutBox asks who picks the child up and says who may: each adult
// of the child's list with how they show it (their own card, or the
// child's pick-up code), then the field for the code. An adult is never
// chosen from the screen: the desk sees the card or the code, always.
func (s *ccSignOut) view(c balie.ChildToday) fyne.CanvasObject {
	l := s.a.lang
	title := widget.NewLabelWithStyle(l.t(msgCCWhoPicksUp, c.FirstName+" "+c.LastName), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.Wrapping = fyne.TextWrapWord
	rows := []fyne.CanvasObject{title}
	if s.refusal != "" {
		r := widget.NewLabelWithStyle(s.refusal, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		r.SizeName = theme.SizeNameSubHeadingText
		r.Importance = widget.DangerImportance
		r.Wrapping = fyne.TextWrapWord
		icon := container.NewGridWrap(fyne.NewSquareSize(48), widget.NewIcon(theme.NewErrorThemedResource(theme.ErrorIcon())))
		rows = append(rows, newAlertPanel(container.NewBorder(nil, nil, container.NewVBox(icon), nil, r), theme.ColorNameError))
	}
	var who []fyne.CanvasObject
	for _, a := range c.Authorised {
		who = append(who, iconRow(theme.AccountIcon(), l.t(msgCCMayLine, a.Name, pickupHow(l, a)), widget.MediumImportance))
	}
	if len(who) == 0 {
		rows = append(rows, ccQuiet(l.t(msgCCNoAdults)))
	} else {
		// Two columns: three adults take two lines, so the code field
		// stays in view under a refusal and the closing flag.
		rows = append(rows, ccCaption(l.t(msgCCMayPickUp)), container.NewGridWithColumns(2, who...))
	}
	rows = append(rows, container.NewBorder(nil, nil, nil, s.ok, s.code))
	hint := widget.NewLabel(l.t(msgCCScanAdult))
	hint.SizeName = theme.SizeNameCaptionText
	hint.Wrapping = fyne.TextWrapWord
	rows = append(rows, hint)
	return newPanel(container.NewVBox(rows...), theme.ColorNameInputBackground, theme.ColorNamePrimary)
}

const (
	msgCCWhoPicksUp msg = "childcare.pickup"
	msgCCCode       msg = "childcare.code"
	msgCCCodeOK     msg = "childcare.code.ok"
	msgCCScanAdult  msg = "childcare.pickup.scan"
	msgCCNoAdults   msg = "childcare.pickup.none"
	msgCCMayPickUp  msg = "childcare.pickup.may"
	msgCCMayLine    msg = "childcare.pickup.line"
	msgCCByCard     msg = "childcare.pickup.bycard"
	msgCCByCode     msg = "childcare.pickup.bycode"
	msgCCByNothing  msg = "childcare.pickup.bynothing"
)

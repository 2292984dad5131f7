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

// approve asks a supervisor to approve on the spot: their card and PIN.
// approved runs with the supervisor once they signed; the approval
// screen then closes and the screen under it shows again.
func (a *App) approve(reason string, approved func(balie.Staff)) {
	card, pin := a.entry(), a.entry()
	pin.Password = true
	card.SetPlaceHolder(a.lang.t(msgApproveCard))
	pin.SetPlaceHolder(a.lang.t(msgSignInPIN))
	said := widget.NewLabel("")
	said.Wrapping = fyne.TextWrapWord
	card.onEscape, pin.onEscape = a.closeOverlay, a.closeOverlay
	card.OnSubmitted = func(string) {
		if a.canvas != nil {
			a.canvas.Focus(pin)
		}
	}
	pin.OnSubmitted = func(string) {
		c, p := strings.TrimSpace(card.Text), pin.Text
		pin.SetText("")
		a.run(func(ctx context.Context) func() {
			s, err := a.deps.Staff.Authenticate(ctx, c, p)
			return func() {
				switch {
				case balie.ErrorCode(err) == balie.CodeStaffPIN:
					said.SetText(a.sentence("approve", err))
				case err != nil:
					said.SetText(a.sentence("approve", err))
					card.SetText("")
				case s.Role != balie.RoleSupervisor:
					said.SetText(a.lang.t(msgApproveNotSupervisor, s.Name))
					card.SetText("")
				default:
					a.log.Info("approved", "supervisor", s.ID, "staff", a.staff.ID)
					a.closeOverlay()
					approved(s)
					return
				}
				said.Importance = widget.DangerImportance
				said.Refresh()
			}
		})
	}
	why := widget.NewLabel(reason)
	why.Wrapping = fyne.TextWrapWord
	form := container.NewVBox(heading(a.lang.t(msgApproveTitle)), why, card, pin, said,
		a.button(keyLabel(a.lang.t(msgReviewBack), fyne.KeyEscape), nil, a.closeOverlay))
	box := container.NewCenter(container.NewGridWrap(fyne.NewSize(600, 440), newPanel(form, theme.ColorNameInputBackground, theme.ColorNameWarning)))
	a.overlay(box, func() {
		if a.canvas != nil {
			a.canvas.Focus(card)
		}
	}, func(input string) {
		// The supervisor's card on the reader: on to the PIN.
		card.SetText(input)
		card.OnSubmitted(input)
	})
}

const (
	msgApproveTitle         msg = "approve.title"
	msgApproveCard          msg = "approve.card"
	msgApproveNotSupervisor msg = "approve.notsupervisor"
)

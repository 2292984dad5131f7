package pos

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/balie/balie"
)

// boxPayment is the foot of what the box office sells: what is due, and
// the key that takes the payment (F9). The payment itself is the desks'
// shared confirm screen (confirmPayment): the method, the cash received
// and the change, then Enter.
type boxPayment struct {
	a *App
	// due is what is to pay for what is shown, when the screen knows it;
	// confirm opens the payment (F9).
	due     func() (balie.Cents, bool)
	confirm func()

	dueLabel *widget.Label
	button   *keyButton
	box      *fyne.Container
}

func newBoxPayment(a *App) *boxPayment {
	p := &boxPayment{a: a, due: func() (balie.Cents, bool) { return 0, false }, confirm: func() {}}
	p.dueLabel = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.dueLabel.Wrapping = fyne.TextWrapWord
	p.button = a.bigButton(keyLabel(p.t(msgBoxPay), fyne.KeyF9), theme.ConfirmIcon(), func() { p.confirm() })
	p.box = container.NewVBox(widget.NewSeparator(), p.dueLabel, p.button)
	return p
}

func (p *boxPayment) t(id msg, args ...any) string { return p.a.lang.t(id, args...) }

func (p *boxPayment) content() fyne.CanvasObject { return p.box }

// show shows the payment for what can be paid: shown is whether there
// is something to pay, ready whether it can be paid now, total whether
// the due amount stands elsewhere (the basket's total).
func (p *boxPayment) show(shown, ready, busy, total bool) {
	if shown {
		p.box.Show()
	} else {
		p.box.Hide()
	}
	if ready && !busy {
		p.button.Enable()
	} else {
		p.button.Disable()
	}
	due, known := p.due()
	if total {
		p.dueLabel.Hide() // the basket's total says it
	} else {
		p.dueLabel.Show()
	}
	switch {
	case known:
		p.dueLabel.SetText(p.t(msgBoxDue, due.Format(string(p.a.lang))))
	case total:
		p.dueLabel.SetText(p.t(msgBoxDue, "…"))
	default:
		p.dueLabel.SetText(p.t(msgBoxDueLater))
	}
}

// paidWith is the payment as the receipt shows it: none for a free act,
// and the cash received.
func paidWith(method balie.PaymentMethod, price, tendered balie.Cents) (balie.PaymentMethod, balie.Cents) {
	if price == 0 {
		return balie.PayNone, 0
	}
	return method, tendered
}

const (
	msgBoxDue        msg = "box.due"
	msgBoxDueLater   msg = "box.due.later"
	msgBoxPay        msg = "box.pay"
	msgBoxPayCash    msg = "box.pay.cash"
	msgBoxPayCard    msg = "box.pay.card"
	msgBoxPayInvoice msg = "box.pay.invoice"
	msgBoxTooLittle  msg = "box.too.little"
	msgBoxForTickets msg = "box.pay.tickets"
	msgBoxForTicket  msg = "box.pay.ticket"
	msgBoxForCard    msg = "box.pay.newcard"
)

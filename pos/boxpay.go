package pos

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/balie/balie"
)

// boxPayment is the box office's payment of a basket or a card: what is
// due, cash (with what was received and the change), card on the payment
// terminal or invoice, and the key that takes it (F9).
type boxPayment struct {
	a *App
	// due is what is to pay for what is shown, when the screen knows it;
	// confirm takes the payment (F9, Enter in the cash field).
	due     func() (balie.Cents, bool)
	confirm func()

	dueLabel *widget.Label
	pick     *choice
	cash     *scanEntry
	cashRow  *fyne.Container
	change   *widget.Label
	cashErr  *widget.Label
	hint     *widget.Label
	button   *keyButton
	box      *fyne.Container
}

func newBoxPayment(a *App) *boxPayment {
	p := &boxPayment{a: a, due: func() (balie.Cents, bool) { return 0, false }, confirm: func() {}}
	p.dueLabel = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.dueLabel.Wrapping = fyne.TextWrapWord
	p.pick = newChoice(a.route, []string{p.t(msgBoxPayCash), p.t(msgBoxPayCard), p.t(msgBoxPayInvoice)}, func(string) { p.methodChanged() })
	p.cash = a.entry()
	p.cash.SetPlaceHolder(p.t(msgBoxCashHint))
	p.cash.OnChanged = func(string) { p.showChange() }
	p.cash.OnSubmitted = func(string) { p.confirm() }
	p.change = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.cashRow = container.NewBorder(nil, nil, widget.NewLabel(p.t(msgBoxReceived)), p.change, p.cash)
	p.cashErr = widget.NewLabel("")
	p.cashErr.Wrapping = fyne.TextWrapWord
	p.cashErr.Importance = widget.DangerImportance
	p.hint = widget.NewLabel("")
	p.hint.Wrapping = fyne.TextWrapWord
	p.hint.Importance = widget.LowImportance
	p.button = a.bigButton(keyLabel(p.t(msgBoxPay), fyne.KeyF9), theme.ConfirmIcon(), func() { p.confirm() })
	p.box = container.NewVBox(widget.NewSeparator(), p.dueLabel, p.pick.content(), p.cashRow, p.cashErr, p.hint, p.button)
	p.pick.SetSelected(p.t(msgBoxPayCash))
	return p
}

func (p *boxPayment) t(id msg, args ...any) string { return p.a.lang.t(id, args...) }

func (p *boxPayment) content() fyne.CanvasObject { return p.box }

// method is the payment chosen.
func (p *boxPayment) method() balie.PaymentMethod {
	switch p.pick.Selected {
	case p.t(msgBoxPayCard):
		return balie.PayCard
	case p.t(msgBoxPayInvoice):
		return balie.PayInvoice
	}
	return balie.PayCash
}

func (p *boxPayment) methodChanged() {
	if p.button == nil {
		return // still building
	}
	if p.method() == balie.PayCash && p.box.Visible() && p.a.canvas != nil {
		p.a.canvas.Focus(p.cash)
	}
}

// reset chooses cash again and empties the cash field: the next
// customer's payment starts from nothing.
func (p *boxPayment) reset() {
	p.pick.SetSelected(p.t(msgBoxPayCash))
	p.cash.SetText("")
}

// show shows the payment for what can be paid: shown is whether there
// is something to pay, ready whether it can be paid now, total whether
// the due amount stands elsewhere (the basket's total), elsewhere
// whether another screen takes the payment (the membership's).
func (p *boxPayment) show(shown, ready, busy, total, elsewhere bool) {
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
	lang := string(p.a.lang)
	if total {
		p.dueLabel.Hide() // the basket's total says it
	} else {
		p.dueLabel.Show()
	}
	switch {
	case known:
		p.dueLabel.SetText(p.t(msgBoxDue, due.Format(lang)))
	case total:
		p.dueLabel.SetText(p.t(msgBoxDue, "…"))
	default:
		p.dueLabel.SetText(p.t(msgBoxDueLater))
	}
	if elsewhere {
		p.pick.content().Hide()
		p.cashRow.Hide()
		p.cashErr.Hide()
		p.hint.Hide()
		p.button.SetText(keyLabel(p.t(msgBoxPay), fyne.KeyF9))
		return
	}
	p.pick.content().Show()
	p.hint.Show()
	method := p.method()
	if method == balie.PayCash {
		p.cashRow.Show()
	} else {
		p.cashRow.Hide()
		p.cashErr.Hide()
	}
	switch method {
	case balie.PayCash:
		p.button.SetText(keyLabel(p.t(msgBoxPay), fyne.KeyF9))
		p.hint.SetText(p.t(msgBoxCashTip))
		p.showChange()
	case balie.PayCard:
		p.button.SetText(keyLabel(p.t(msgBoxPaidCard), fyne.KeyF9))
		p.hint.SetText(p.t(msgBoxCardTip))
	case balie.PayInvoice:
		p.button.SetText(keyLabel(p.t(msgBoxPayInvoiced), fyne.KeyF9))
		p.hint.SetText(p.t(msgBoxInvoiceTip))
	}
}

// showChange says what to give back for the cash received, or what is
// still missing.
func (p *boxPayment) showChange() {
	due, known := p.due()
	lang := string(p.a.lang)
	text := strings.TrimSpace(p.cash.Text)
	change, wrong := "", ""
	p.change.Importance = widget.SuccessImportance
	if text != "" {
		got, err := balie.ParseAmount(text)
		switch {
		case err != nil:
			wrong = p.a.sentence("parse amount", err)
		case !known:
			// Priced in the act: the change follows the sale.
		case got < due:
			p.change.Importance = widget.DangerImportance
			change = p.t(msgBoxTooLittle, (due - got).Format(lang))
		default:
			change = p.t(msgBoxChangeRow, (got - due).Format(lang))
		}
	}
	// Short, beside the field, so the row keeps its width; a sentence
	// under it.
	p.change.SetText(change)
	p.change.Refresh()
	p.cashErr.SetText(wrong)
	for l, text := range map[*widget.Label]string{p.change: change, p.cashErr: wrong} {
		if text == "" {
			l.Hide()
		} else {
			l.Show()
		}
	}
	p.cashRow.Refresh() // lay the field out beside what shows now
}

// tender is the cash received for due, when the screen knows due: the
// amount typed, or due itself for an empty field (paid exactly). ok is
// false, with the field showing why, when it is too little or no amount.
func (p *boxPayment) tender(due balie.Cents, known bool) (got balie.Cents, typed, ok bool) {
	text := strings.TrimSpace(p.cash.Text)
	if text == "" {
		return due, false, true
	}
	got, err := balie.ParseAmount(text)
	if err != nil || (known && got < due) {
		p.showChange()
		if p.a.canvas != nil {
			p.a.canvas.Focus(p.cash)
		}
		return 0, true, false
	}
	return got, true, true
}

// paidWith is the payment of a sale priced by the store in the act: none
// for a free one, and the cash received (the price when none was typed).
func paidWith(method balie.PaymentMethod, price, tendered balie.Cents, typed bool) (balie.PaymentMethod, balie.Cents) {
	if price == 0 {
		return balie.PayNone, 0
	}
	if method == balie.PayCash && !typed {
		tendered = price
	}
	return method, tendered
}

const (
	msgBoxDue         msg = "box.due"
	msgBoxDueLater    msg = "box.due.later"
	msgBoxPay         msg = "box.pay"
	msgBoxPaidCard    msg = "box.pay.card.done"
	msgBoxPayInvoiced msg = "box.pay.invoice.done"
	msgBoxPayCash     msg = "box.pay.cash"
	msgBoxPayCard     msg = "box.pay.card"
	msgBoxPayInvoice  msg = "box.pay.invoice"
	msgBoxReceived    msg = "box.received"
	msgBoxCashHint    msg = "box.cash.hint"
	msgBoxCashTip     msg = "box.cash.tip"
	msgBoxCardTip     msg = "box.card.tip"
	msgBoxInvoiceTip  msg = "box.invoice.tip"
	msgBoxChangeRow   msg = "box.change.row"
	msgBoxTooLittle   msg = "box.too.little"
)

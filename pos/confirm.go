package pos

import (
	"context"
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/balie/balie"
)

// payment is an act that takes money, as the confirm screen shows it
// before anything is recorded: one keypress never charges anyone.
type payment struct {
	op      string   // the act's name in the log
	title   string   // what, for whom: "Sportpas voor Tom Peeters"
	details []string // what it gives: "Geldig tot 25/11/2027"
	amount  balie.Cents
	methods []balie.PaymentMethod // offered, the first chosen; none when free
	// repeat, when set, asks for an explicit yes (F8) first: the same
	// membership was already paid today.
	repeat string
	// record records the act off the Fyne goroutine, with the method,
	// the cash received and whether the repeat was confirmed. It returns
	// what to do on the Fyne goroutine once recorded, or why not.
	record func(ctx context.Context, method balie.PaymentMethod, tendered balie.Cents, again bool) (func(), error)
}

// confirmScreen is the act-and-confirm helper: the price, the payment
// method, the cash received and the change, then Enter to record or
// Escape to leave. A cash payment needs an open till.
type confirmScreen struct {
	a      *App
	p      payment
	method *choice
	cash   *scanEntry
	change *widget.Label
	cashes *fyne.Container
	again  *keyButton
	agreed bool
	said   *widget.Label
	ok     *keyButton
	busy   bool
	shown  bool // on the screen: the focus can be set
}

// confirmPayment shows p for the clerk to confirm.
func (a *App) confirmPayment(p payment) {
	c := &confirmScreen{a: a, p: p}
	o := c.build()
	c.shown = true
	a.log.Info("payment shown", "op", p.op, "repeat", p.repeat != "")
	a.showOverlay(overlay{o: o, focus: c.focus, keys: c.keys})
}

func (c *confirmScreen) t(id msg, args ...any) string { return c.a.lang.t(id, args...) }

func (c *confirmScreen) build() fyne.CanvasObject {
	lang := string(c.a.lang)
	title := heading(c.p.title)
	title.Wrapping = fyne.TextWrapWord
	rows := []fyne.CanvasObject{title}
	for _, d := range c.p.details {
		l := widget.NewLabel(d)
		l.Wrapping = fyne.TextWrapWord
		rows = append(rows, l)
	}
	due := widget.NewLabelWithStyle(c.t(msgPayDue, c.p.amount.Format(lang)), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	due.SizeName = theme.SizeNameHeadingText
	rows = append(rows, due)
	if c.p.repeat != "" {
		warn := widget.NewLabelWithStyle(c.p.repeat, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		warn.Wrapping = fyne.TextWrapWord
		warn.Importance = widget.WarningImportance
		c.again = c.a.button(keyLabel(c.t(msgPayAgain), fyne.KeyF8), theme.ViewRefreshIcon(), c.agree)
		rows = append(rows, newAlertPanel(container.NewVBox(warn, container.NewHBox(c.again)), theme.ColorNameWarning))
	}
	var names []string
	for _, m := range c.p.methods {
		names = append(names, c.methodName(m))
	}
	c.method = newChoice(c.a.route, names, func(string) { c.methodChanged() })
	c.cash = c.a.entry()
	c.cash.SetPlaceHolder(c.t(msgPayCashHint))
	c.cash.OnChanged = func(string) { c.showChange() }
	c.cash.OnSubmitted = func(string) { c.confirm() }
	c.change = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	c.change.SizeName = theme.SizeNameHeadingText
	c.cashes = container.NewVBox(container.NewBorder(nil, nil, widget.NewLabel(c.t(msgPayReceived)), nil, c.cash), c.change)
	if c.p.amount > 0 && len(c.p.methods) > 0 {
		rows = append(rows, c.method.content(), c.cashes)
	}
	c.said = widget.NewLabel("")
	c.said.Wrapping = fyne.TextWrapWord
	c.said.Importance = widget.DangerImportance
	c.ok = c.a.bigButton(keyLabel(c.t(msgPayConfirm), fyne.KeyReturn), theme.ConfirmIcon(), c.confirm)
	rows = append(rows, c.said, container.NewHBox(c.ok, c.a.button(keyLabel(c.t(msgPayCancel), fyne.KeyEscape), theme.CancelIcon(), c.a.closeOverlay)))
	if len(c.p.methods) > 0 {
		c.method.SetSelected(names[0])
	}
	c.methodChanged()
	box := newPanel(container.NewVBox(rows...), theme.ColorNameInputBackground, theme.ColorNamePrimary)
	// As wide as a form, as tall as it needs, and in a scroll: with the
	// header and a notice above it, a fixed height pushed the window past
	// a 768-high screen.
	width := canvas.NewRectangle(color.Transparent)
	width.SetMinSize(fyne.NewSize(620, 0))
	return container.NewVScroll(container.NewCenter(container.NewVBox(width, box)))
}

func (c *confirmScreen) methodName(m balie.PaymentMethod) string {
	switch m {
	case balie.PayCard:
		return c.t(msgPayCard)
	case balie.PayInvoice:
		return c.t(msgBoxPayInvoice)
	}
	return c.t(msgPayCash)
}

// chosen is the payment method chosen, or none for a free act.
func (c *confirmScreen) chosen() balie.PaymentMethod {
	if c.p.amount == 0 || len(c.p.methods) == 0 {
		return balie.PayNone
	}
	for i, m := range c.p.methods {
		if c.method.Options[i] == c.method.Selected {
			return m
		}
	}
	return c.p.methods[0]
}

func (c *confirmScreen) methodChanged() {
	if c.cashes == nil {
		return // still building
	}
	if c.chosen() == balie.PayCash {
		c.cashes.Show()
		c.showChange()
		c.focus()
	} else {
		c.cashes.Hide()
		c.focus()
	}
}

// focus puts the cursor where Enter confirms: the cash field, or the
// confirm button.
func (c *confirmScreen) focus() {
	if c.a.canvas == nil || !c.shown {
		return
	}
	if c.chosen() == balie.PayCash {
		c.a.canvas.Focus(c.cash)
		return
	}
	c.a.canvas.Focus(c.ok)
}

func (c *confirmScreen) keys(k fyne.KeyName) bool {
	switch k {
	case fyne.KeyF9:
		c.confirm()
	case fyne.KeyF8:
		if c.again == nil {
			return false
		}
		c.agree()
	case fyne.KeyF2:
		// The till, when the cash needs one: its screen opens over this
		// one and comes back here once opened.
		if c.a.till != nil {
			c.a.till.show()
		}
	default:
		return false
	}
	return true
}

// agree is the clerk's explicit yes to a repeat.
func (c *confirmScreen) agree() {
	c.agreed = true
	c.again.Importance = widget.HighImportance
	c.again.SetIcon(theme.ConfirmIcon())
	c.again.Refresh()
	c.say("")
	c.focus()
}

// tendered is the cash received: the amount typed, or the amount due
// for an empty field (paid exactly); ok is false when it is too little or
// not an amount.
func (c *confirmScreen) tendered() (balie.Cents, bool) {
	text := strings.TrimSpace(c.cash.Text)
	if text == "" {
		return c.p.amount, true
	}
	got, err := balie.ParseAmount(text)
	if err != nil {
		c.say(c.a.sentence("parse amount", err))
		return 0, false
	}
	if got < c.p.amount {
		c.say(c.t(msgPayShort, (c.p.amount - got).Format(string(c.a.lang))))
		return 0, false
	}
	return got, true
}

// showChange says what to give back, large, as the clerk counts it out.
func (c *confirmScreen) showChange() {
	lang := string(c.a.lang)
	text := strings.TrimSpace(c.cash.Text)
	got := c.p.amount
	if text != "" {
		var err error
		if got, err = balie.ParseAmount(text); err != nil {
			c.change.SetText("")
			return
		}
	}
	if got < c.p.amount {
		c.change.Importance = widget.DangerImportance
		c.change.SetText(c.t(msgPayShort, (c.p.amount - got).Format(lang)))
		return
	}
	c.change.Importance = widget.SuccessImportance
	c.change.SetText(c.t(msgPayChange, (got - c.p.amount).Format(lang)))
}

func (c *confirmScreen) say(text string) {
	c.said.SetText(text)
	c.said.Refresh()
}

// confirm records the payment: Enter, or F9.
func (c *confirmScreen) confirm() {
	if c.busy || c.a.staff == nil {
		return
	}
	if c.p.repeat != "" && !c.agreed {
		c.say(c.t(msgPayNeedAgain))
		return
	}
	method := c.chosen()
	// A card scanned while the cursor was in the cash field is a scan,
	// not an amount: the payment waits, the card is looked up.
	if n, err := balie.ParseCardNumber(c.cash.Text); err == nil && method == balie.PayCash {
		c.cash.SetText("")
		c.a.closeOverlay()
		c.a.scan.Scan(string(n))
		return
	}
	var tendered balie.Cents
	if method == balie.PayCash {
		var ok bool
		if tendered, ok = c.tendered(); !ok {
			c.focus()
			return
		}
	}
	c.busy = true
	c.a.withTill(method, func(open bool) {
		if !open {
			c.busy = false
			c.a.log.Info("act refused", "op", c.p.op, "code", "till_not_open")
			c.say(c.t(msgTillClosed))
			return
		}
		again := c.agreed
		c.a.run(func(ctx context.Context) func() {
			done, err := c.p.record(ctx, method, tendered, again)
			c.a.logAct(c.p.op, err)
			return func() {
				c.busy = false
				if err != nil {
					c.say(c.a.sentence(c.p.op, err))
					return
				}
				c.a.closeOverlay()
				c.a.refreshHeader()
				done()
			}
		})
	})
}

// withTill runs then with whether the till is open, for a cash act: cash
// goes into a drawer only while a shift counts it. Other payments, and a
// terminal without shifts, need none.
func (a *App) withTill(method balie.PaymentMethod, then func(open bool)) {
	if method != balie.PayCash || a.deps.Shifts == nil {
		then(true)
		return
	}
	a.run(func(ctx context.Context) func() {
		_, open, err := a.deps.Shifts.CurrentShift(ctx)
		return func() {
			if err != nil {
				a.log.Error("read shift", "err", err)
			}
			then(err == nil && open)
		}
	})
}

const (
	msgPayDue       msg = "pay.due"
	msgPayAgain     msg = "pay.again"
	msgPayNeedAgain msg = "pay.again.needed"
	msgPayCashHint  msg = "pay.cash.hint"
	msgPayReceived  msg = "pay.received"
	msgPayChange    msg = "pay.change"
	msgPayShort     msg = "pay.short"
	msgPayConfirm   msg = "pay.confirm"
	msgPayCancel    msg = "pay.cancel"
	msgTillClosed   msg = "till.closed"
)

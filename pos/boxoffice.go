package pos

import (
	"bytes"
	"context"
	"fmt"
	"image/color"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/balie/balie"
	"github.com/balie/balie/pos/receipt"
)

// BoxOfficeDesk is what the box office asks of the terminal.
type BoxOfficeDesk interface {
	EventsBetween(ctx context.Context, from, to time.Time) ([]balie.Event, error)
	Tariffs(ctx context.Context, eventID string) ([]balie.Tariff, error)
	QuoteTickets(ctx context.Context, req balie.TicketRequest) ([]balie.TicketQuote, balie.Cents, error)
	SellTickets(ctx context.Context, staffID string, req balie.TicketRequest) (balie.TicketResult, error)
	SellCard(ctx context.Context, staffID string, req balie.CardSaleRequest) (balie.CardSaleResult, error)
	QuoteCard(ctx context.Context, req balie.CardSaleRequest) (balie.Cents, error)
	Programs(ctx context.Context, organiserID string) ([]balie.MembershipProgram, error)
	MembershipDesk
}

// boxDaysAhead is how far ahead the box office sells: today and the
// next two weeks.
const boxDaysAhead = 14

// The box office's three things to sell, one on screen at a time; the
// payment below them pays the one shown.
type boxView int

const (
	viewTickets boxView = iota
	viewCard
	viewMembership
)

// tariffKeys are the keys of the tariff buttons, in their order.
var tariffKeys = [...]fyne.KeyName{fyne.KeyF5, fyne.KeyF6, fyne.KeyF7}

// cardReasons are the reasons a card is sold, in the order the clerk
// meets them.
var cardReasons = [...]struct {
	reason balie.PurchaseReason
	text   msg
}{
	{balie.ReasonFirstCard, msgBoxReasonFirst},
	{balie.ReasonReplaceLost, msgBoxReasonLost},
	{balie.ReasonReplaceStolen, msgBoxReasonStolen},
	{balie.ReasonReplaceDefect, msgBoxReasonDefect},
	{balie.ReasonSocialObtained, msgBoxReasonObtained},
	{balie.ReasonSocialLost, msgBoxReasonEnded},
}

// basketLine is a number of tickets at one tariff of the chosen event.
type basketLine struct {
	tariff balie.Tariff
	qty    int
}

// quoteState is what the store said of the basket as it is now.
type quoteState struct {
	pending bool
	ok      bool
	quotes  []balie.TicketQuote // per line, when ok
	total   balie.Cents
	bad     int    // the line the store refused, or -1
	refusal string // the store's sentence, when not ok
}

// boxOfficePanel is the box office: tickets for today's and the coming
// days' events in a basket, a new card from the desk's stock and the
// friends' circle, each paid cash, by card on the payment terminal or
// on invoice, with a receipt on screen.
type boxOfficePanel struct {
	a    *App
	desk BoxOfficeDesk

	// Only touched on the Fyne goroutine.
	events   []balie.Event
	tariffs  map[string][]balie.Tariff // by event id, regular first
	programs []balie.MembershipProgram
	event    int // index in events, -1 when none
	lines    []basketLine
	sel      int // the line ↑ and ↓ change
	quote    quoteState
	quoteSeq uint64
	// cardPrice is the store's price of the card in the form, known as
	// soon as the form has the holder's residence and age (cardKnown).
	cardPrice balie.Cents
	cardKnown bool
	cardSeq   uint64
	view      boxView
	busy      bool // an act is in flight
	holder    *HolderView
	// receiptFor is the card looked up after the sale on screen.
	receiptFor string
	// receipt is the last sale's receipt, for F11 (a PDF); nil before.
	receipt   *receipt.Receipt
	loadedDay string // the day of the events in the list

	tabs        [3]*keyButton
	eventPick   *keySelect
	tariffBox   *fyne.Container
	tariffBtns  []*keyButton
	basket      *fyne.Container
	basketHead  *widget.Label
	totalLabel  *widget.Label
	ticketsView *fyne.Container

	stock      *scanEntry
	stockErr   *widget.Label
	reasonPick *keySelect
	newHolder  *fyne.Container
	forWhom    *widget.Label
	first      *scanEntry
	firstErr   *widget.Label
	last       *scanEntry
	lastErr    *widget.Label
	birth      *scanEntry
	birthErr   *widget.Label
	postal     *scanEntry
	postalErr  *widget.Label
	cardView   *fyne.Container

	programPick *keySelect
	member      *memberPay
	memberPrice *widget.Label
	memberState *widget.Label
	memberView  *fyne.Container

	payBox    *fyne.Container
	due       *widget.Label
	payPick   *choice
	cash      *scanEntry
	cashRow   *fyne.Container
	change    *widget.Label
	cashErr   *widget.Label
	payHint   *widget.Label
	payButton *keyButton

	outcome *fyne.Container
	body    *fyne.Container
	box     fyne.CanvasObject
}

func newBoxOfficePanel(a *App, desk BoxOfficeDesk) *boxOfficePanel {
	p := &boxOfficePanel{a: a, desk: desk, event: -1, tariffs: map[string][]balie.Tariff{}, quote: quoteState{bad: -1}}
	p.member = &memberPay{a: a, desk: desk, methods: []balie.PaymentMethod{balie.PayCash, balie.PayCard, balie.PayInvoice},
		paid: p.memberPaid, refused: p.refused}
	p.build()
	p.showView(viewTickets)
	p.load()
	return p
}

func (p *boxOfficePanel) t(id msg, args ...any) string {
	return p.a.lang.t(id, args...)
}

func (p *boxOfficePanel) build() {
	heading := func(id msg) *widget.Label {
		return widget.NewLabelWithStyle(p.t(id), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	p.tabs[viewTickets] = p.a.button(p.t(msgBoxTabTickets), nil, func() { p.showView(viewTickets) })
	p.tabs[viewCard] = p.a.button(keyLabel(p.t(msgBoxTabCard), fyne.KeyF8), nil, func() { p.showView(viewCard) })
	p.tabs[viewMembership] = p.a.button(keyLabel(p.t(msgBoxTabMembership), fyne.KeyF10), nil, func() { p.showView(viewMembership) })

	// Tickets.
	p.eventPick = p.a.pick(nil, func(string) { p.chooseEvent(p.eventPick.SelectedIndex()) })
	p.eventPick.PlaceHolder = p.t(msgBoxNoEvent)
	p.tariffBox = container.NewVBox()
	p.basket = container.NewVBox()
	p.totalLabel = widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
	p.totalLabel.SizeName = theme.SizeNameSubHeadingText
	p.basketHead = heading(msgBoxBasket)
	p.ticketsView = container.NewVBox(p.eventPick, p.tariffBox, widget.NewSeparator(),
		p.basketHead, p.basket, p.totalLabel)

	// A new card from this desk's stock.
	field := func(hint msg) (*scanEntry, *widget.Label) {
		e := p.formEntry()
		e.SetPlaceHolder(p.t(hint))
		l := widget.NewLabel("")
		l.Importance = widget.DangerImportance
		l.Wrapping = fyne.TextWrapWord
		l.Hide()
		return e, l
	}
	p.stock, p.stockErr = field(msgBoxStockHint)
	p.first, p.firstErr = field(msgBoxFirstName)
	p.last, p.lastErr = field(msgBoxLastName)
	p.birth, p.birthErr = field(msgBoxBirthDate)
	p.postal, p.postalErr = field(msgBoxPostalCode)
	// A wedge scanner ends the stock card with Enter; the form follows.
	p.stock.OnSubmitted = func(string) { p.focus(p.first) }
	p.first.OnSubmitted = func(string) { p.focus(p.last) }
	p.last.OnSubmitted = func(string) { p.focus(p.birth) }
	p.birth.OnSubmitted = func(string) { p.focus(p.postal) }
	// The price follows the form as it is typed.
	for _, e := range []*scanEntry{p.birth, p.postal} {
		e.OnChanged = func(string) { p.requoteCard() }
	}
	p.stock.OnChanged = func(text string) {
		// A number half typed prices nothing: wait for a whole one.
		if _, err := balie.ParseCardNumber(text); err == nil || strings.TrimSpace(text) == "" {
			p.requoteCard()
		}
	}
	p.postal.OnSubmitted = func(string) { p.confirm() }
	var reasons []string
	for _, r := range cardReasons {
		reasons = append(reasons, p.t(r.text))
	}
	p.reasonPick = p.a.pick(reasons, func(string) { p.cardChanged() })
	p.forWhom = widget.NewLabel("")
	p.forWhom.Wrapping = fyne.TextWrapWord
	labelled := func(id msg, e *scanEntry, errl *widget.Label) fyne.CanvasObject {
		l := widget.NewLabel(p.t(id))
		l.SizeName = theme.SizeNameCaptionText
		return container.NewVBox(l, e, errl)
	}
	p.newHolder = container.NewVBox(
		container.NewGridWithColumns(2, labelled(msgBoxFirstName, p.first, p.firstErr), labelled(msgBoxLastName, p.last, p.lastErr)),
		container.NewGridWithColumns(2, labelled(msgBoxBirthDate, p.birth, p.birthErr), labelled(msgBoxPostalCode, p.postal, p.postalErr)),
	)
	p.reasonPick.SetSelectedIndex(0)
	p.cardView = container.NewVBox(
		container.New(layout.NewFormLayout(),
			widget.NewLabel(p.t(msgBoxStock)), container.NewVBox(p.stock, p.stockErr),
			widget.NewLabel(p.t(msgBoxReason)), p.reasonPick),
		p.forWhom, p.newHolder)

	// The friends' circle.
	p.programPick = p.a.pick(nil, func(string) { p.memberChanged() })
	p.memberPrice = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.memberState = widget.NewLabel("")
	p.memberState.Wrapping = fyne.TextWrapWord
	p.memberView = container.NewVBox(heading(msgBoxMemberTitle), p.programPick, p.memberPrice, p.memberState)

	// Payment, of whichever is shown.
	p.due = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.due.Wrapping = fyne.TextWrapWord
	p.payPick = newChoice(p.a.route, []string{p.t(msgBoxPayCash), p.t(msgBoxPayCard), p.t(msgBoxPayInvoice)}, func(string) { p.payChanged() })
	p.cash = p.formEntry()
	p.cash.SetPlaceHolder(p.t(msgBoxCashHint))
	p.cash.OnChanged = func(string) { p.showChange() }
	p.cash.OnSubmitted = func(string) { p.confirm() }
	p.change = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.cashRow = container.NewBorder(nil, nil, widget.NewLabel(p.t(msgBoxReceived)), p.change, p.cash)
	p.cashErr = widget.NewLabel("")
	p.cashErr.Wrapping = fyne.TextWrapWord
	p.cashErr.Importance = widget.DangerImportance
	p.payHint = widget.NewLabel("")
	p.payHint.Wrapping = fyne.TextWrapWord
	p.payHint.Importance = widget.LowImportance
	p.payButton = p.a.bigButton(keyLabel(p.t(msgBoxPay), fyne.KeyF9), theme.ConfirmIcon(), p.confirm)
	p.payBox = container.NewVBox(widget.NewSeparator(), p.due, p.payPick.content(), p.cashRow, p.cashErr, p.payHint, p.payButton)
	p.payPick.SetSelected(p.t(msgBoxPayCash))

	p.outcome = container.NewVBox()
	// The keys in two short lines: a wrapped label at the foot of the
	// panel was measured one line high and its second line fell off a
	// 1024x768 screen.
	hint := func(id msg) *widget.Label {
		l := widget.NewLabel(p.t(id))
		l.SizeName = theme.SizeNameCaptionText
		l.Truncation = fyne.TextTruncateEllipsis
		return l
	}
	keys := container.NewVBox(hint(msgBoxKeys), hint(msgBoxKeys2))
	p.body = container.NewVBox(p.ticketsView, p.cardView, p.memberView, p.payBox, p.outcome)
	root := container.NewBorder(
		container.NewVBox(container.NewBorder(nil, nil, nil, container.NewHBox(p.tabs[viewCard], p.tabs[viewMembership]), p.tabs[viewTickets]), widget.NewSeparator()),
		container.NewVBox(widget.NewSeparator(), keys), nil, nil,
		container.NewVScroll(container.NewPadded(p.body)))
	p.box = root
}

// formEntry is a field of the panel: the app's function keys and Escape
// work in it, the keys that edit the basket do not.
func (p *boxOfficePanel) formEntry() *scanEntry {
	e := p.a.entry()
	return e
}

func (p *boxOfficePanel) content() fyne.CanvasObject { return p.box }

func (p *boxOfficePanel) focus(o fyne.Focusable) {
	if p.a.canvas != nil {
		p.a.canvas.Focus(o)
	}
}

// load reads the events of this desk's organiser from today to two
// weeks ahead, with their tariffs, and its membership programs.
func (p *boxOfficePanel) load() {
	org := p.a.cfg.Desk.OrganiserID
	now := p.a.cfg.Now()
	p.a.run(func(ctx context.Context) func() {
		from, _ := balie.PeriodDay.Window(now)
		to := from.AddDate(0, 0, boxDaysAhead+1)
		evs, err := p.desk.EventsBetween(ctx, from, to)
		var mine []balie.Event
		tariffs := map[string][]balie.Tariff{}
		for _, e := range evs {
			if e.OrganiserID != org || err != nil {
				continue
			}
			ts, terr := p.desk.Tariffs(ctx, e.ID)
			if terr != nil {
				err = terr
				break
			}
			slices.SortStableFunc(ts, func(a, b balie.Tariff) int { return kindOrder(a.Kind) - kindOrder(b.Kind) })
			mine = append(mine, e)
			tariffs[e.ID] = ts
		}
		programs, perr := p.desk.Programs(ctx, org)
		return func() {
			for _, e := range []error{err, perr} {
				if e != nil {
					p.refused(p.a.sentence("load box office", e))
				}
			}
			p.events, p.tariffs, p.programs = mine, tariffs, programs
			p.loadedDay = businessDay(now)
			p.fill(now)
		}
	})
}

// kindOrder puts the regular tariff first, then the UiTPAS-tarief, then
// coupons: F5 is always the regular price.
func kindOrder(k balie.TariffKind) int {
	switch k {
	case balie.TariffRegular:
		return 0
	case balie.TariffSocial:
		return 1
	case balie.TariffCoupon:
		return 2
	}
	return 3
}

// fill puts the events and programs in their pickers; the event that
// starts next is chosen.
func (p *boxOfficePanel) fill(now time.Time) {
	var names []string
	next := -1
	for i, e := range p.events {
		names = append(names, p.eventName(e, now))
		if next < 0 && !e.Start.Before(now) {
			next = i
		}
	}
	p.eventPick.SetOptions(names)
	if next < 0 && len(p.events) > 0 {
		next = 0
	}
	// The list is new, and so is the choice.
	p.event = -1
	if next >= 0 {
		p.eventPick.SetSelectedIndex(next)
	} else {
		p.eventPick.ClearSelected()
		p.showEvent(-1)
	}
	names = nil
	for _, pr := range p.programs {
		names = append(names, pr.Name)
	}
	p.programPick.SetOptions(names)
	if len(names) > 0 {
		p.programPick.SetSelectedIndex(0)
	}
	p.memberChanged()
	p.enable()
}

// eventName is an event as the picker shows it: "Vandaag 20:15 · name",
// or the day for a later one.
func (p *boxOfficePanel) eventName(e balie.Event, now time.Time) string {
	loc := balie.Brussels()
	start := e.Start.In(loc)
	day := p.t(msgBoxToday)
	ny, nm, nd := now.In(loc).Date()
	if y, m, d := start.Date(); y != ny || m != nm || d != nd {
		days := strings.Fields(p.t(msgBoxWeekdays))
		day = days[start.Weekday()] + " " + start.Format("02/01")
	}
	return day + " " + start.Format("15:04") + " · " + e.Name
}

// receiptEventName is an event as the receipt names it, with its date.
func (p *boxOfficePanel) receiptEventName(e balie.Event) string {
	start := e.Start.In(balie.Brussels())
	days := strings.Fields(p.t(msgBoxWeekdays))
	return e.Name + " · " + days[start.Weekday()] + " " + start.Format("02/01 15:04")
}

// chooseEvent shows the tariffs of event i. The basket is for one event,
// so another event starts a new one.
func (p *boxOfficePanel) chooseEvent(i int) {
	if i != p.event {
		p.showEvent(i)
	}
}

// showEvent shows the tariffs of event i (none for -1) and empties the
// basket.
func (p *boxOfficePanel) showEvent(i int) {
	p.event = i
	p.lines = nil
	p.sel = 0
	p.tariffBtns = nil
	p.tariffBox.RemoveAll()
	if i >= 0 {
		for k, t := range p.tariffs[p.events[i].ID] {
			text := p.t(msgBoxTariffButton, tariffName(t, p.a.lang), p.money(tariffPrice(t)))
			if t.Kind == balie.TariffSocial {
				// Its price follows the card: the basket says it.
				text = p.t(msgBoxPassButton, tariffName(t, p.a.lang))
			}
			if k < len(tariffKeys) {
				text = keyLabel(text, tariffKeys[k])
			}
			b := p.a.bigButton(text, theme.ContentAddIcon(), func() { p.add(t) })
			b.Alignment = widget.ButtonAlignLeading
			p.tariffBtns = append(p.tariffBtns, b)
			p.tariffBox.Add(b)
		}
	}
	p.redraw(p.tariffBox)
	p.requote()
}

// tariffName is what screen and receipt call a tariff: its own name. A
// tariff that names the social tariff otherwise (a data-entry slip) is
// still called only by the name the customer may see.
func tariffName(t balie.Tariff, l language) string {
	name := strings.TrimSpace(t.Name)
	low := strings.ToLower(name)
	if t.Kind == balie.TariffSocial && (name == "" || strings.Contains(low, "kansen") || strings.Contains(low, "sociaal") || strings.Contains(low, "social")) {
		return l.t(msgBoxSocialName)
	}
	return name
}

// lineName is a basket line as the customer may read it: for a pass
// holder the regular and the UiTPAS line read the same (balie.PassLine).
func (p *boxOfficePanel) lineName(t balie.Tariff) string {
	if balie.PassLine(t.Kind, p.holder != nil) {
		return p.t(msgBoxSocialName)
	}
	return tariffName(t, p.a.lang)
}

// tariffPrice is what one ticket at t costs a holder it applies to, as
// the tariff button shows it; the quote decides for the basket.
func tariffPrice(t balie.Tariff) balie.Cents {
	switch t.Kind {
	case balie.TariffSocial:
		if s, err := t.Key.Split(t.Regular, t.Step); err == nil {
			return s.Holder
		}
	case balie.TariffCoupon:
		return t.CouponPrice
	}
	return t.Regular
}

func (p *boxOfficePanel) money(c balie.Cents) string { return c.Format(string(p.a.lang)) }

// reset is what the lock does: the next person to sign in finds no
// basket, and no one's name or birth date in the card form.
func (p *boxOfficePanel) reset() {
	p.holder = nil
	p.lines = nil
	p.sel = 0
	p.resetCard()
	p.outcome.RemoveAll()
	p.receiptFor = ""
	p.payPick.SetSelected(p.t(msgBoxPayCash))
	p.cash.SetText("")
	p.showView(viewTickets)
	p.requote()
}

// newCustomer forgets what was chosen for the last customer when another
// holder's card is scanned: a line at the UiTPAS-tarief added for one
// holder must not be sold to the next.
func (p *boxOfficePanel) newCustomer() {
	p.lines = nil
	p.sel = 0
	p.resetCard()
	p.payPick.SetSelected(p.t(msgBoxPayCash))
	p.cash.SetText("")
	if p.view != viewTickets {
		p.showView(viewTickets)
	}
}

func (p *boxOfficePanel) setHolder(h *HolderView) {
	// The receipt stays while its holder is looked up again after the
	// sale (a new card's holder is looked up by the new card); another
	// holder or none clears it.
	if h == nil || (h.Card != p.receiptFor && (p.holder == nil || h.Card != p.holder.Card)) {
		p.outcome.RemoveAll()
		p.receiptFor = ""
	}
	// Another holder after one was on screen is another customer. The
	// first card shown to a basket begun without one is the same
	// customer's: a buyer who says "and I have a UiTPAS".
	if h != nil && p.holder != nil && h.Card != p.holder.Card && h.Card != p.receiptFor && !p.busy {
		p.newCustomer()
	}
	p.holder = h
	p.cardChanged()
	p.memberChanged()
	p.keepCurrent()
	if len(p.lines) > 0 {
		// The UiTPAS-tarief and coupons are the holder's: ask again.
		p.requote()
		return
	}
	p.showBasket()
}

// keepCurrent keeps the list of events current on a terminal that runs
// for days: a new day loads its events, and an event that has ended
// gives way to the next one, when no basket depends on it.
func (p *boxOfficePanel) keepCurrent() {
	if len(p.lines) > 0 || p.busy || p.loadedDay == "" {
		return
	}
	now := p.a.cfg.Now()
	if businessDay(now) != p.loadedDay {
		p.load()
		return
	}
	if p.event < 0 || p.events[p.event].End.After(now) {
		return
	}
	for i, e := range p.events {
		if !e.Start.Before(now) {
			p.eventPick.SetSelectedIndex(i)
			return
		}
	}
}

func businessDay(t time.Time) string { return t.In(balie.Brussels()).Format("2006-01-02") }

// key runs the action of a function key, and the basket's keys.
func (p *boxOfficePanel) key(name fyne.KeyName) bool {
	for i, k := range tariffKeys {
		if name == k {
			if i < len(p.tariffBtns) && !p.tariffBtns[i].Disabled() {
				p.tariffBtns[i].OnTapped()
			}
			return true
		}
	}
	switch name {
	case fyne.KeyF11:
		p.saveReceipt()
		return true
	case fyne.KeyF8:
		p.showView(viewCard)
		return true
	case fyne.KeyF10:
		p.showView(viewMembership)
		return true
	case fyne.KeyF9:
		p.confirm()
		return true
	}
	// The basket's keys work from the scan field, where the cursor is,
	// and only when they have a basket to work on.
	if p.view != viewTickets || len(p.lines) == 0 || p.busy {
		return false
	}
	switch name {
	case fyne.KeyUp:
		p.change1(p.sel, +1)
		return true
	case fyne.KeyDown:
		p.change1(p.sel, -1)
		return true
	case fyne.KeyDelete:
		if p.a.scan.field.Text != "" {
			return false // the clerk is correcting a number
		}
		p.clearBasket()
		return true
	}
	return false
}

// showView shows what is sold in v, its form and its payment. F8 and
// F10 only ever open their view (pressed twice, they stay): a tariff key
// or a sale brings the tickets back.
func (p *boxOfficePanel) showView(v boxView) {
	if p.busy {
		return
	}
	if v == p.view && v == viewCard {
		p.focus(p.stock) // the form keeps what was typed
		p.enable()
		return
	}
	p.view = v
	for i, b := range p.tabs {
		if boxView(i) == v {
			b.Importance = widget.HighImportance
		} else {
			b.Importance = widget.MediumImportance
		}
		b.Refresh()
	}
	show := func(o fyne.CanvasObject, on bool) {
		if on {
			o.Show()
		} else {
			o.Hide()
		}
	}
	show(p.ticketsView, v == viewTickets)
	show(p.cardView, v == viewCard)
	show(p.memberView, v == viewMembership)
	p.cash.SetText("")
	switch v {
	case viewCard:
		p.cardChanged()
		p.focus(p.stock)
	case viewMembership:
		p.memberChanged()
		p.a.scan.refocus()
	default:
		p.a.scan.refocus()
	}
	p.enable()
}

// add puts one ticket at t in the basket.
func (p *boxOfficePanel) add(t balie.Tariff) {
	if p.busy {
		return
	}
	if p.view != viewTickets {
		p.showView(viewTickets)
	}
	p.outcome.RemoveAll()
	p.receiptFor = ""
	for i, l := range p.lines {
		if l.tariff.ID == t.ID {
			p.change1(i, +1)
			return
		}
	}
	p.lines = append(p.lines, basketLine{tariff: t, qty: 1})
	p.sel = len(p.lines) - 1
	p.requote()
}

// change1 adds d tickets to line i; a line without tickets goes.
func (p *boxOfficePanel) change1(i, d int) {
	if i < 0 || i >= len(p.lines) || p.busy {
		return
	}
	p.lines[i].qty += d
	p.sel = i
	if p.lines[i].qty <= 0 {
		p.remove(i)
		return
	}
	p.requote()
}

func (p *boxOfficePanel) remove(i int) {
	if i < 0 || i >= len(p.lines) || p.busy {
		return
	}
	p.lines = slices.Delete(p.lines, i, i+1)
	p.sel = min(p.sel, len(p.lines)-1)
	p.requote()
}

func (p *boxOfficePanel) clearBasket() {
	if p.busy {
		return
	}
	p.lines = nil
	p.sel = 0
	p.cash.SetText("")
	p.requote()
}

// request is the basket as the store takes it.
func (p *boxOfficePanel) request(pay balie.PaymentMethod) balie.TicketRequest {
	req := balie.TicketRequest{Payment: pay}
	if p.event >= 0 {
		req.EventID = p.events[p.event].ID
	}
	if p.holder != nil {
		req.Card = balie.CardNumber(p.holder.Card)
	}
	for _, l := range p.lines {
		req.Lines = append(req.Lines, balie.TicketOrder{TariffID: l.tariff.ID, Quantity: l.qty})
	}
	return req
}

// requote asks the store what the basket costs, whenever it or the
// holder changes; an answer for an older basket is dropped.
func (p *boxOfficePanel) requote() {
	p.quoteSeq++
	seq := p.quoteSeq
	if len(p.lines) == 0 {
		p.quote = quoteState{bad: -1}
		p.showBasket()
		return
	}
	p.quote = quoteState{pending: true, bad: -1}
	p.showBasket()
	req := p.request(balie.PayNone)
	p.a.run(func(ctx context.Context) func() {
		q := quoteState{bad: -1}
		quotes, total, err := p.desk.QuoteTickets(ctx, req)
		switch {
		case err == nil && len(quotes) == len(req.Lines):
			q.ok, q.quotes, q.total = true, quotes, total
		case err == nil:
			err = fmt.Errorf("quote tickets: %d quotes for %d lines", len(quotes), len(req.Lines))
			fallthrough
		default:
			q.bad = badLine(ctx, p.desk, req, err)
		}
		return func() {
			if seq != p.quoteSeq {
				return
			}
			if err != nil {
				p.a.log.Debug("quote refused", "code", balie.ErrorCode(err))
				q.refusal = p.a.sentence("quote tickets", err)
			}
			p.quote = q
			p.showBasket()
		}
	})
}

// badLine finds the line a refused quote is about, so its sentence
// stands next to it: the first line whose basket up to it is refused
// (limits count the lines before it). -1 when the refusal is not a rule's.
func badLine(ctx context.Context, desk BoxOfficeDesk, req balie.TicketRequest, err error) int {
	if _, ok := balie.AsError(err); !ok {
		return -1
	}
	lines := req.Lines
	for i := range lines {
		req.Lines = lines[:i+1]
		if _, _, err := desk.QuoteTickets(ctx, req); err != nil {
			return i
		}
	}
	return -1
}

// showBasket draws the basket's lines, the quote and the total.
func (p *boxOfficePanel) showBasket() {
	p.basket.RemoveAll()
	if len(p.lines) == 0 {
		empty := widget.NewLabel(p.t(msgBoxEmpty))
		empty.Importance = widget.LowImportance
		p.basket.Add(empty)
	}
	// After a sale its receipt takes the empty basket's place.
	if len(p.lines) == 0 && len(p.outcome.Objects) > 0 {
		p.basketHead.Hide()
		p.basket.Hide()
	} else {
		p.basketHead.Show()
		p.basket.Show()
	}
	for i, l := range p.lines {
		p.basket.Add(p.lineRow(i, l))
	}
	switch {
	case len(p.lines) == 0:
		p.totalLabel.SetText("")
		p.totalLabel.Hide()
	case p.quote.pending:
		p.totalLabel.SetText(p.t(msgBoxTotal, "…"))
		p.totalLabel.Show()
	case p.quote.ok:
		p.totalLabel.SetText(p.t(msgBoxTotal, p.money(p.quote.total)))
		p.totalLabel.Show()
	default:
		p.totalLabel.SetText(p.t(msgBoxTotal, "—"))
		p.totalLabel.Show()
		if p.quote.bad < 0 {
			p.basket.Add(p.refusalRow(p.quote.refusal))
		}
	}
	p.enable()
	p.redraw(p.basket)
}

func (p *boxOfficePanel) lineRow(i int, l basketLine) fyne.CanvasObject {
	name := widget.NewLabel(p.t(msgBoxLine, l.qty, p.lineName(l.tariff)))
	name.Truncation = fyne.TextTruncateEllipsis
	// The amount is the store's; while it thinks, "…", and nothing for
	// a basket it refused.
	amount := widget.NewLabelWithStyle("…", fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
	if p.quote.ok {
		amount.SetText(p.money(p.quote.quotes[i].Total))
	} else if !p.quote.pending {
		amount.SetText("")
	}
	minus := p.a.button("", theme.ContentRemoveIcon(), func() { p.change1(i, -1) })
	plus := p.a.button("", theme.ContentAddIcon(), func() { p.change1(i, +1) })
	del := p.a.button("", theme.DeleteIcon(), func() { p.remove(i) })
	if p.busy {
		minus.Disable()
		plus.Disable()
		del.Disable()
	}
	// A bar marks the line ↑ and ↓ change.
	bar := canvas.NewRectangle(color.Transparent)
	if i == p.sel {
		bar.FillColor = theme.Color(theme.ColorNamePrimary)
	}
	bar.SetMinSize(fyne.NewSize(4, 1))
	row := container.NewBorder(nil, nil, bar, container.NewHBox(amount, minus, plus, del), name)
	if i != p.quote.bad {
		return row
	}
	return container.NewVBox(row, p.refusalRow(p.quote.refusal))
}

func (p *boxOfficePanel) refusalRow(text string) fyne.CanvasObject {
	return iconRow(theme.NewErrorThemedResource(theme.ErrorIcon()), text, widget.DangerImportance)
}

// cardChanged shows who gets the new card: a new holder, with the form,
// or the holder on screen.
func (p *boxOfficePanel) cardChanged() {
	if p.reason() == balie.ReasonFirstCard {
		p.newHolder.Show()
		p.forWhom.Hide()
	} else {
		p.newHolder.Hide()
		p.forWhom.Show()
		if p.holder != nil {
			p.forWhom.SetText(p.t(msgBoxForHolder, strings.TrimSpace(p.holder.FirstName+" "+p.holder.LastName), p.holder.Card))
			p.forWhom.Importance = widget.MediumImportance
		} else {
			p.forWhom.SetText(p.t(msgBoxScanHolder))
			p.forWhom.Importance = widget.WarningImportance
		}
		p.forWhom.Refresh()
	}
	p.requoteCard()
	p.enable()
}

// requoteCard asks the store what the card in the form costs, once the
// form knows what decides it: the new holder's postal code and birth
// date, or the holder on screen. An answer for an older form is dropped.
func (p *boxOfficePanel) requoteCard() {
	p.cardSeq++
	seq := p.cardSeq
	p.cardKnown = false
	req := balie.CardSaleRequest{Reason: p.reason()}
	if n, err := balie.ParseCardNumber(p.stock.Text); err == nil {
		req.Card = n
	}
	if req.Reason == balie.ReasonFirstCard {
		birth, bad := parseBirthDate(p.birth.Text, p.a.cfg.Now())
		postal := strings.TrimSpace(p.postal.Text)
		if bad != "" || !validPostalCode(postal) {
			p.enable()
			return
		}
		req.NewHolder = &balie.Holder{BirthDate: birth, PostalCode: postal}
	} else {
		if p.holder == nil {
			p.enable()
			return
		}
		req.HolderCard = balie.CardNumber(p.holder.Card)
	}
	p.a.run(func(ctx context.Context) func() {
		price, err := p.desk.QuoteCard(ctx, req)
		return func() {
			if seq != p.cardSeq {
				return
			}
			if err != nil {
				p.a.log.Debug("card quote refused", "code", balie.ErrorCode(err))
			}
			p.cardPrice, p.cardKnown = price, err == nil
			p.enable()
		}
	})
}

func (p *boxOfficePanel) reason() balie.PurchaseReason {
	i := p.reasonPick.SelectedIndex()
	if i < 0 {
		return balie.ReasonFirstCard
	}
	return cardReasons[i].reason
}

func (p *boxOfficePanel) program() (balie.MembershipProgram, bool) {
	i := p.programPick.SelectedIndex()
	if i < 0 || i >= len(p.programs) {
		return balie.MembershipProgram{}, false
	}
	return p.programs[i], true
}

// memberPriceOf is what a pass holder pays for pr, when the screen can
// know it: a program with a price of its own for some holders is priced
// by the store alone.
func memberPriceOf(pr balie.MembershipProgram) (balie.Cents, bool) {
	if pr.HasSocialPrice {
		return 0, false
	}
	return pr.PriceFor(true, false), true
}

// memberChanged shows the chosen program's price and whether the holder
// on screen is a member already.
func (p *boxOfficePanel) memberChanged() {
	pr, ok := p.program()
	switch {
	case !ok:
		p.memberPrice.SetText(p.t(msgBoxNoProgram))
	default:
		if price, known := memberPriceOf(pr); known {
			p.memberPrice.SetText(p.t(msgBoxMemberPrice, p.money(price), p.money(pr.Price)))
		} else {
			p.memberPrice.SetText(p.t(msgBoxMemberPriceLater))
		}
	}
	switch {
	case p.holder == nil:
		p.memberState.SetText(p.t(msgBoxScanHolder))
		p.memberState.Importance = widget.WarningImportance
	case !ok:
		p.memberState.SetText("")
	default:
		p.memberState.Importance = widget.MediumImportance
		p.memberState.SetText(p.t(msgBoxNotMember, p.holder.FirstName))
		for _, m := range p.holder.Memberships {
			if m.Name == pr.Name && m.Valid {
				until := p.t(msgBoxNoEnd)
				if !m.Until.IsZero() {
					until = lastDay(m.Until)
				}
				msgID := msgBoxMember
				if pr.EndKind == balie.EndFixed && m.Until.Equal(pr.FixedEnd) {
					msgID = msgBoxMemberFull // a renewal would end the same day
				}
				p.memberState.SetText(p.t(msgID, p.holder.FirstName, until))
			}
		}
	}
	p.memberState.Refresh()
	p.enable()
}

// payMethod is the payment chosen.
func (p *boxOfficePanel) payMethod() balie.PaymentMethod {
	switch p.payPick.Selected {
	case p.t(msgBoxPayCard):
		return balie.PayCard
	case p.t(msgBoxPayInvoice):
		return balie.PayInvoice
	}
	return balie.PayCash
}

// amountDue is what the customer pays for what is shown, when the
// screen knows it before the sale.
func (p *boxOfficePanel) amountDue() (balie.Cents, bool) {
	switch p.view {
	case viewTickets:
		return p.quote.total, p.quote.ok
	case viewCard:
		return p.cardPrice, p.cardKnown
	case viewMembership:
		if pr, ok := p.program(); ok {
			return memberPriceOf(pr)
		}
	}
	return 0, false
}

func (p *boxOfficePanel) payChanged() {
	if p.payButton == nil {
		return // still building
	}
	p.enable()
	if p.payMethod() == balie.PayCash && p.payBox.Visible() {
		p.focus(p.cash)
	}
}

// showChange says what to give back for the cash received, or what is
// still missing.
func (p *boxOfficePanel) showChange() {
	due, known := p.amountDue()
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
			change = p.t(msgBoxTooLittle, p.money(due-got))
		default:
			change = p.t(msgBoxChangeRow, p.money(got-due))
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

// enable allows each action only when it has what it needs, and shows
// the payment for what can be paid.
func (p *boxOfficePanel) enable() {
	if p.payButton == nil {
		return // still building
	}
	set := func(b *keyButton, ok bool) {
		if ok {
			b.Enable()
		} else {
			b.Disable()
		}
	}
	for i, b := range p.tariffBtns {
		t := p.tariffs[p.events[p.event].ID][i]
		set(b, !p.busy && (t.Kind == balie.TariffRegular || p.holder != nil))
	}
	for _, b := range p.tabs {
		set(b, !p.busy)
	}

	var ready, shown bool
	switch p.view {
	case viewTickets:
		shown = len(p.lines) > 0
		ready = shown && p.quote.ok
	case viewCard:
		shown = true
		ready = p.reason() == balie.ReasonFirstCard || p.holder != nil
	case viewMembership:
		_, ok := p.program()
		shown = ok
		ready = ok && p.holder != nil
	}
	if shown {
		p.payBox.Show()
	} else {
		p.payBox.Hide()
	}
	set(p.payButton, ready && !p.busy)

	due, known := p.amountDue()
	if p.view == viewTickets {
		p.due.Hide() // the basket's total says it
	} else {
		p.due.Show()
	}
	switch {
	case known:
		p.due.SetText(p.t(msgBoxDue, p.money(due)))
	case p.view == viewTickets:
		p.due.SetText(p.t(msgBoxDue, "…"))
	default:
		p.due.SetText(p.t(msgBoxDueLater))
	}
	method := p.payMethod()
	if p.view == viewMembership {
		// Paid on the shared confirm screen.
		p.payPick.content().Hide()
		p.cashRow.Hide()
		p.cashErr.Hide()
		p.payHint.Hide()
		p.payButton.SetText(keyLabel(p.t(msgBoxPay), fyne.KeyF9))
		return
	}
	p.payPick.content().Show()
	p.payHint.Show()
	if method == balie.PayCash {
		p.cashRow.Show()
	} else {
		p.cashRow.Hide()
		p.cashErr.Hide()
	}
	switch method {
	case balie.PayCash:
		p.payButton.SetText(keyLabel(p.t(msgBoxPay), fyne.KeyF9))
		p.payHint.SetText(p.t(msgBoxCashTip))
		p.showChange()
	case balie.PayCard:
		p.payButton.SetText(keyLabel(p.t(msgBoxPaidCard), fyne.KeyF9))
		p.payHint.SetText(p.t(msgBoxCardTip))
	case balie.PayInvoice:
		p.payButton.SetText(keyLabel(p.t(msgBoxPayInvoiced), fyne.KeyF9))
		p.payHint.SetText(p.t(msgBoxInvoiceTip))
	}
}

// tender is the cash received for due, when the screen knows due: the
// amount typed, or due itself for an empty field (paid exactly). ok is
// false, with the field showing why, when it is too little or no amount.
func (p *boxOfficePanel) tender(due balie.Cents, known bool) (got balie.Cents, typed, ok bool) {
	text := strings.TrimSpace(p.cash.Text)
	if text == "" {
		return due, false, true
	}
	got, err := balie.ParseAmount(text)
	if err != nil || (known && got < due) {
		p.showChange()
		p.focus(p.cash)
		return 0, true, false
	}
	return got, true, true
}

// confirm pays what is shown: F9, or Enter in the cash field. Cash is
// taken in two steps: F9 puts the cursor in the cash field, Enter there
// sells (an empty field means paid exactly).
func (p *boxOfficePanel) confirm() {
	if p.busy || p.payButton.Disabled() || p.a.staff == nil {
		return
	}
	if p.view == viewMembership {
		// The membership payment is the desks' shared one: its own
		// confirm screen takes the method and the cash.
		if pr, ok := p.program(); ok && p.holder != nil {
			p.member.start(*p.holder, pr)
		}
		return
	}
	method := p.payMethod()
	// The card's form is checked before the money is asked for.
	var sale balie.CardSaleRequest
	if p.view == viewCard {
		var ok bool
		if sale, ok = p.cardRequest(); !ok {
			return
		}
	}
	if method == balie.PayCash && p.a.canvas != nil && p.a.canvas.Focused() != p.cash && strings.TrimSpace(p.cash.Text) == "" {
		p.focus(p.cash)
		return
	}
	// A stock card or a holder's card scanned while the cursor was in
	// the cash field is a scan, not an amount.
	if method == balie.PayCash && p.view != viewCard {
		if _, err := balie.ParseCardNumber(p.cash.Text); err == nil {
			n := strings.TrimSpace(p.cash.Text)
			p.cash.SetText("")
			p.a.scan.Scan(n)
			return
		}
	}
	due, known := p.amountDue()
	var tendered balie.Cents
	var typed bool
	if method == balie.PayCash {
		var ok bool
		if tendered, typed, ok = p.tender(due, known); !ok {
			return
		}
	}
	p.busy = true
	p.a.withTill(method, func(open bool) {
		p.busy = false
		if !open {
			// No drawer counts this cash: nothing is sold, and the till
			// screen is offered at once.
			p.a.log.Info("act refused", "op", "sell", "code", "till_not_open")
			p.refused(p.t(msgTillClosed))
			if p.a.till != nil {
				p.a.till.show()
			}
			return
		}
		switch p.view {
		case viewTickets:
			p.sellTickets(method, tendered)
		case viewCard:
			p.sellCard(sale, method, tendered, typed)
		}
	})
}

// act runs an act of the box office off the Fyne goroutine and logs it;
// done shows its outcome. The panel takes no input while it runs.
func (p *boxOfficePanel) act(op string, f func(ctx context.Context, staff string) (func(), error)) {
	staff := p.a.staff.ID
	p.busy = true
	p.showBasket()
	p.a.run(func(ctx context.Context) func() {
		done, err := f(ctx, staff)
		p.a.logAct(op, err)
		return func() {
			p.busy = false
			if err != nil {
				p.refused(p.a.sentence(op, err))
				// The basket may have gone stale since its quote (a limit
				// reached at another desk): its lines say so again.
				p.requote()
				return
			}
			done()
		}
	})
}

func (p *boxOfficePanel) sellTickets(method balie.PaymentMethod, tendered balie.Cents) {
	if p.quote.total == 0 {
		method, tendered = balie.PayNone, 0
	}
	req := p.request(method)
	card := req.Card
	names := map[string]string{}
	for _, l := range p.lines {
		names[l.tariff.ID] = tariffName(l.tariff, p.a.lang)
	}
	ev := p.events[p.event]
	p.act("sell tickets", func(ctx context.Context, staff string) (func(), error) {
		res, err := p.desk.SellTickets(ctx, staff, req)
		if err != nil {
			return nil, err
		}
		return func() {
			named := ev
			named.Name = p.receiptEventName(ev)
			lines := receipt.TicketLines(named, res.Quotes, func(id string) string { return names[id] })
			for i := range lines {
				lines[i].Pass = card != ""
				if i > 0 {
					lines[i].Description = "" // one event: named once
				}
			}
			s := p.receiptOf(res.At, res.ID, method, res.Total, tendered, lines)
			p.lines = nil
			p.sel = 0
			p.requote()
			sold := msgBoxSoldTickets
			if ticketCount(res.Quotes) == 1 {
				sold = msgBoxSoldTicket
			}
			p.sold(p.t(sold, ticketCount(res.Quotes), ev.Name), s, string(card))
		}, nil
	})
}

func ticketCount(qs []balie.TicketQuote) int {
	n := 0
	for _, q := range qs {
		n += q.Quantity
	}
	return n
}

// checkNewHolder reads the first card's form, with a sentence under
// each field that is not right; nil when one is not.
func (p *boxOfficePanel) checkNewHolder(now time.Time) *balie.Holder {
	bad := false
	say := func(l *widget.Label, text string) {
		l.SetText(text)
		if text == "" {
			l.Hide()
			return
		}
		l.Show()
		bad = true
	}
	h := balie.Holder{
		FirstName:  strings.TrimSpace(p.first.Text),
		LastName:   strings.TrimSpace(p.last.Text),
		PostalCode: strings.TrimSpace(p.postal.Text),
	}
	say(p.firstErr, "")
	say(p.lastErr, "")
	say(p.birthErr, "")
	say(p.postalErr, "")
	if h.FirstName == "" {
		say(p.firstErr, p.t(msgBoxNeedFirstName))
	}
	if h.LastName == "" {
		say(p.lastErr, p.t(msgBoxNeedLastName))
	}
	birth, msgID := parseBirthDate(p.birth.Text, now)
	if msgID != "" {
		say(p.birthErr, p.t(msgID))
	}
	h.BirthDate = birth
	if !validPostalCode(h.PostalCode) {
		say(p.postalErr, p.t(msgBoxNeedPostal))
	}
	if bad {
		return nil
	}
	return &h
}

// parseBirthDate reads a birth date typed dd/mm/jjjj (a single digit
// for day or month will do); the msg says what is wrong, "" when nothing.
func parseBirthDate(s string, now time.Time) (time.Time, msg) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, msgBoxNeedBirth
	}
	s = strings.NewReplacer("-", "/", ".", "/").Replace(s)
	d, err := time.ParseInLocation("2/1/2006", s, balie.Brussels())
	if err != nil || d.Year() < 1000 {
		return time.Time{}, msgBoxBadBirth
	}
	if d.After(now) {
		return time.Time{}, msgBoxFutureBirth
	}
	if balie.Age(d, now) > 120 {
		return time.Time{}, msgBoxOldBirth
	}
	return d, ""
}

// validPostalCode reports whether s is a Belgian postal code: four
// digits, the first not zero.
func validPostalCode(s string) bool {
	if len(s) != 4 || s[0] == '0' {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// cardRequest reads the card sale's form; each field that is not right
// says so under it, and ok is false.
func (p *boxOfficePanel) cardRequest() (req balie.CardSaleRequest, ok bool) {
	stock, err := balie.ParseCardNumber(p.stock.Text)
	ok = err == nil
	p.stockErr.Hide()
	if strings.TrimSpace(p.stock.Text) == "" {
		p.stockErr.SetText(p.t(msgBoxNeedStock))
		p.stockErr.Show()
	} else if err != nil {
		p.stockErr.SetText(p.a.sentence("parse stock card", err))
		p.stockErr.Show()
	}
	req = balie.CardSaleRequest{Card: stock, Reason: p.reason()}
	if req.Reason == balie.ReasonFirstCard {
		// Checked even with a bad card number, so every field says
		// what is wrong at once.
		req.NewHolder = p.checkNewHolder(p.a.cfg.Now())
		ok = ok && req.NewHolder != nil
	} else if p.holder != nil {
		req.HolderCard = balie.CardNumber(p.holder.Card)
	}
	if !ok {
		p.refused(p.t(msgBoxFixForm))
		return req, false
	}
	p.outcome.RemoveAll()
	p.showBasket()
	return req, true
}

func (p *boxOfficePanel) sellCard(req balie.CardSaleRequest, method balie.PaymentMethod, tendered balie.Cents, typed bool) {
	p.act("sell card", func(ctx context.Context, staff string) (func(), error) {
		// The store prices a card in the sale itself; a free card is
		// recorded as paid with nothing, whatever method was chosen.
		r := req
		r.Payment = method
		res, err := p.desk.SellCard(ctx, staff, r)
		if err != nil {
			return nil, err
		}
		return func() {
			pay, got := paidWith(method, res.Price, tendered, typed)
			s := p.receiptOf(res.At, res.ID, pay, res.Price, got,
				[]receipt.Line{{Description: p.t(msgBoxCardLine, res.Card), Quantity: 1, UnitPrice: res.Price, Amount: res.Price}})
			p.resetCard()
			p.showView(viewTickets)
			p.sold(p.t(msgBoxSoldCard, res.Card, res.Holder.FirstName), s, string(res.Card))
		}, nil
	})
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

func (p *boxOfficePanel) resetCard() {
	for _, e := range []*scanEntry{p.stock, p.first, p.last, p.birth, p.postal} {
		e.SetText("")
	}
	for _, l := range []*widget.Label{p.stockErr, p.firstErr, p.lastErr, p.birthErr, p.postalErr} {
		l.Hide()
	}
	p.reasonPick.SetSelectedIndex(0)
}

// memberPaid shows a membership paid through the confirm screen, with its
// receipt.
func (p *boxOfficePanel) memberPaid(h HolderView, res balie.MembershipResult, method balie.PaymentMethod, tendered balie.Cents) {
	pay, got := paidWith(method, res.Price, tendered, true)
	s := p.receiptOf(res.At, res.ID, pay, res.Price, got,
		[]receipt.Line{{Description: p.t(msgBoxMemberLine, res.Program.Name, lastDay(res.End)), Quantity: 1, UnitPrice: res.Price, Amount: res.Price}})
	done := msgBoxPaidMember
	if res.Renewal {
		done = msgBoxRenewedMember
	}
	p.showView(viewTickets)
	p.sold(p.t(done, res.Program.Name, h.FirstName, lastDay(res.End)), s, h.Card)
}

// sold shows a sale's outcome and receipt, and looks the holder up
// again: points and memberships change with the sale.
func (p *boxOfficePanel) sold(text string, r receipt.Receipt, card string) {
	p.receiptFor = card
	p.receipt = &r
	if print := p.a.deps.Print; print != nil {
		b := receipt.ReceiptESCPOS(r, string(p.a.lang), receiptWidth)
		p.a.run(func(ctx context.Context) func() {
			err := print(b)
			return func() {
				if err != nil {
					p.a.log.Warn("print receipt", "err", err)
					p.a.notice(p.t(msgBoxPrintFailed), false)
				}
			}
		})
	}
	p.cash.SetText("")
	head := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	head.Wrapping = fyne.TextWrapWord
	head.Importance = widget.SuccessImportance
	rows := []fyne.CanvasObject{container.NewBorder(nil, nil, widget.NewIcon(theme.NewSuccessThemedResource(theme.ConfirmIcon())), nil, head)}
	if r.Payment == balie.PayCash {
		change := widget.NewLabelWithStyle(p.t(msgBoxChange, p.money(r.Change)), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		change.SizeName = theme.SizeNameHeadingText
		change.Importance = widget.SuccessImportance
		if r.Tendered < r.Total {
			// Priced by the store in the act: the cash typed was short.
			change.SetText(p.t(msgBoxTooLittle, p.money(r.Total-r.Tendered)))
			change.Importance = widget.DangerImportance
		}
		rows = append(rows, change)
	}
	slip := widget.NewLabelWithStyle(strings.TrimRight(receipt.ReceiptText(r, string(p.a.lang), receiptWidth), "\n"), fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	slip.SizeName = sizeReceipt
	rows = append(rows, container.NewHBox(newPanel(slip, theme.ColorNameInputBackground, theme.ColorNameInputBorder)),
		container.NewHBox(p.a.button(keyLabel(p.t(msgBoxReceiptPDF), fyne.KeyF11), theme.DocumentSaveIcon(), p.saveReceipt)))
	p.outcome.Objects = []fyne.CanvasObject{newAlertPanel(container.NewVBox(rows...), theme.ColorNameSuccess)}
	p.showBasket()
	p.redraw(p.outcome)
	if card != "" {
		p.a.scan.Refresh(card)
	} else {
		p.a.scan.refocus()
	}
}

// redraw shows c after its rows changed.
func (p *boxOfficePanel) redraw(c *fyne.Container) { c.Refresh() }

// refused shows why an act or the lists could not be done.
func (p *boxOfficePanel) refused(text string) {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.Wrapping = fyne.TextWrapWord
	l.Importance = widget.DangerImportance
	icon := widget.NewIcon(theme.NewErrorThemedResource(theme.ErrorIcon()))
	p.outcome.Objects = []fyne.CanvasObject{newAlertPanel(container.NewBorder(nil, nil, icon, nil, l), theme.ColorNameError)}
	p.redraw(p.outcome)
}

// receiptWidth is the receipt's width in characters, that of a common
// 80 mm receipt printer.
const receiptWidth = 42

// saveReceipt writes the last sale's receipt as a PDF to the receipts
// folder, for a customer who wants it by mail or printed elsewhere, and
// says where.
func (p *boxOfficePanel) saveReceipt() {
	if p.receipt == nil {
		return
	}
	r, lang := *p.receipt, string(p.a.lang)
	dir := p.a.cfg.ReceiptDir
	if dir == "" {
		dir = os.TempDir()
	}
	name := filepath.Join(dir, fmt.Sprintf("bon-%s-%s.pdf", r.Time.In(balie.Brussels()).Format("2006-01-02-150405"), receipt.ShortRef(r.Reference)))
	var buf bytes.Buffer
	err := receipt.ReceiptPDF(&buf, r, lang)
	if err == nil {
		if err = os.MkdirAll(dir, 0o700); err == nil {
			err = os.WriteFile(name, buf.Bytes(), 0o600)
		}
	}
	if err != nil {
		p.a.log.Error("save receipt", "err", err)
		p.a.notice(p.t(msgBoxReceiptFailed), false)
		return
	}
	p.a.log.Info("receipt saved", "path", name)
	// The folder is the desk's own (bonnen/ next to the store); the name
	// is enough to find it.
	p.a.notice(p.t(msgBoxReceiptSaved, filepath.Base(name)), true)
}

// receiptOf is the receipt of a sale recorded at at as journal event ref.
// A cash payment shows what was received and the change.
func (p *boxOfficePanel) receiptOf(at time.Time, ref string, pay balie.PaymentMethod, total, tendered balie.Cents, lines []receipt.Line) receipt.Receipt {
	r := receipt.Receipt{Desk: p.a.cfg.Desk.Name, Time: at, Lines: lines, Total: total, Payment: pay,
		Reference: ref, Footer: p.t(msgBoxReceiptThanks)}
	if p.a.staff != nil {
		r.Staff, _, _ = strings.Cut(p.a.staff.Name, " ")
	}
	if pay == balie.PayCash {
		r.Tendered, r.Change = tendered, max(tendered-total, 0)
	}
	return r
}

const (
	msgBoxTabTickets       msg = "box.tab.tickets"
	msgBoxTabCard          msg = "box.tab.card"
	msgBoxTabMembership    msg = "box.tab.membership"
	msgBoxNoEvent          msg = "box.event.none"
	msgBoxToday            msg = "box.today"
	msgBoxWeekdays         msg = "box.weekdays"
	msgBoxTariffButton     msg = "box.tariff.button"
	msgBoxSocialName       msg = "box.tariff.uitpas"
	msgBoxPassButton       msg = "box.tariff.pass"
	msgBoxBasket           msg = "box.basket"
	msgBoxEmpty            msg = "box.basket.empty"
	msgBoxLine             msg = "box.basket.line"
	msgBoxTotal            msg = "box.basket.total"
	msgBoxDue              msg = "box.due"
	msgBoxDueLater         msg = "box.due.later"
	msgBoxPay              msg = "box.pay"
	msgBoxPaidCard         msg = "box.pay.card.done"
	msgBoxPayInvoiced      msg = "box.pay.invoice.done"
	msgBoxPayCash          msg = "box.pay.cash"
	msgBoxPayCard          msg = "box.pay.card"
	msgBoxPayInvoice       msg = "box.pay.invoice"
	msgBoxReceived         msg = "box.received"
	msgBoxCashHint         msg = "box.cash.hint"
	msgBoxCashTip          msg = "box.cash.tip"
	msgBoxCardTip          msg = "box.card.tip"
	msgBoxInvoiceTip       msg = "box.invoice.tip"
	msgBoxChange           msg = "box.change"
	msgBoxChangeRow        msg = "box.change.row"
	msgBoxTooLittle        msg = "box.too.little"
	msgBoxSoldTickets      msg = "box.sold.tickets"
	msgBoxSoldTicket       msg = "box.sold.ticket"
	msgBoxStock            msg = "box.card.stock"
	msgBoxStockHint        msg = "box.card.stock.hint"
	msgBoxReason           msg = "box.card.reason"
	msgBoxReasonFirst      msg = "box.reason.first"
	msgBoxReasonLost       msg = "box.reason.lost"
	msgBoxReasonStolen     msg = "box.reason.stolen"
	msgBoxReasonDefect     msg = "box.reason.defect"
	msgBoxReasonObtained   msg = "box.reason.obtained"
	msgBoxReasonEnded      msg = "box.reason.ended"
	msgBoxForHolder        msg = "box.card.for"
	msgBoxScanHolder       msg = "box.scan.holder"
	msgBoxFirstName        msg = "box.first.name"
	msgBoxLastName         msg = "box.last.name"
	msgBoxBirthDate        msg = "box.birth.date"
	msgBoxPostalCode       msg = "box.postal.code"
	msgBoxNeedStock        msg = "box.need.stock"
	msgBoxNeedFirstName    msg = "box.need.first"
	msgBoxNeedLastName     msg = "box.need.last"
	msgBoxNeedBirth        msg = "box.need.birth"
	msgBoxBadBirth         msg = "box.bad.birth"
	msgBoxFutureBirth      msg = "box.future.birth"
	msgBoxOldBirth         msg = "box.old.birth"
	msgBoxNeedPostal       msg = "box.need.postal"
	msgBoxFixForm          msg = "box.fix.form"
	msgBoxCardLine         msg = "box.card.line"
	msgBoxSoldCard         msg = "box.sold.card"
	msgBoxMemberTitle      msg = "box.member.title"
	msgBoxNoProgram        msg = "box.member.none"
	msgBoxMemberPrice      msg = "box.member.price"
	msgBoxMemberPriceLater msg = "box.member.price.later"
	msgBoxNotMember        msg = "box.member.not"
	msgBoxMember           msg = "box.member.is"
	msgBoxMemberFull       msg = "box.member.full"
	msgBoxNoEnd            msg = "box.member.noend"
	msgBoxMemberLine       msg = "box.member.line"
	msgBoxPaidMember       msg = "box.member.paid"
	msgBoxRenewedMember    msg = "box.member.renewed"
	msgBoxReceiptThanks    msg = "box.receipt.thanks"
	msgBoxReceiptPDF       msg = "box.receipt.pdf"
	msgBoxReceiptSaved     msg = "box.receipt.saved"
	msgBoxReceiptFailed    msg = "box.receipt.failed"
	msgBoxPrintFailed      msg = "box.print.failed"
	msgBoxKeys             msg = "box.keys"
	msgBoxKeys2            msg = "box.keys2"
)

package pos

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/balie/balie"
	"github.com/balie/balie/pos/receipt"
)

// BoxOfficeDesk is what the box office asks of the terminal.
type BoxOfficeDesk interface {
	EventsBetween(ctx context.Context, from, to time.Time) ([]balie.Event, error)
	Tariffs(ctx context.Context, eventID string) ([]balie.Tariff, error)
	TicketQuoter
	SellTickets(ctx context.Context, staffID string, req balie.TicketRequest) (balie.TicketResult, error)
	CardQuoter
	SellCard(ctx context.Context, staffID string, req balie.CardSaleRequest) (balie.CardSaleResult, error)
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

// boxOfficePanel is the box office: tickets for today's and the coming
// days' events in a basket, a new card from the desk's stock and the
// friends' circle, each paid cash, by card on the payment terminal or on
// invoice, with a receipt on screen. It puts its components together
// (boxBasket, boxCardForm, boxMember, boxPayment, boxSlip) and runs the
// acts; each component keeps its own state and widgets.
type boxOfficePanel struct {
	a    *App
	desk BoxOfficeDesk

	basket    *boxBasket
	card      *boxCardForm
	member    *boxMember
	memberPay *memberPay
	pay       *boxPayment
	slip      *boxSlip

	// Only touched on the Fyne goroutine.
	view      boxView
	busy      bool // an act is in flight
	holder    *HolderView
	loadedDay string // the day of the events in the list

	tabs [3]*keyButton
	box  fyne.CanvasObject
}

func newBoxOfficePanel(a *App, desk BoxOfficeDesk) *boxOfficePanel {
	p := &boxOfficePanel{a: a, desk: desk}
	holder := func() *HolderView { return p.holder }
	p.basket = newBoxBasket(a, desk)
	p.basket.holder, p.basket.busy, p.basket.changed = holder, func() bool { return p.busy }, p.basketChanged
	p.basket.adding = func() {
		if p.view != viewTickets {
			p.showView(viewTickets)
		}
		p.slip.clear()
	}
	p.card = newBoxCardForm(a, desk)
	p.card.holder, p.card.changed, p.card.submit = holder, p.enable, p.confirm
	p.member = newBoxMember(a)
	p.member.holder, p.member.changed = holder, p.enable
	p.memberPay = &memberPay{a: a, desk: desk, methods: boxMethods(),
		paid: p.memberPaid, refused: p.refused}
	p.pay = newBoxPayment(a)
	p.pay.due, p.pay.confirm = p.amountDue, p.confirm
	p.slip = newBoxSlip(a)
	p.build()
	p.showView(viewTickets)
	p.load()
	return p
}

func (p *boxOfficePanel) t(id msg, args ...any) string { return p.a.lang.t(id, args...) }

func (p *boxOfficePanel) build() {
	p.tabs[viewTickets] = p.a.button(p.t(msgBoxTabTickets), nil, func() { p.showView(viewTickets) })
	p.tabs[viewCard] = p.a.button(keyLabel(p.t(msgBoxTabCard), fyne.KeyF8), nil, func() { p.showView(viewCard) })
	p.tabs[viewMembership] = p.a.button(keyLabel(p.t(msgBoxTabMembership), fyne.KeyF10), nil, func() { p.showView(viewMembership) })
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
	body := container.NewVBox(p.basket.content(), p.card.content(), p.member.content(), p.pay.content(), p.slip.content())
	p.box = container.NewBorder(
		container.NewVBox(container.NewBorder(nil, nil, nil, container.NewHBox(p.tabs[viewCard], p.tabs[viewMembership]), p.tabs[viewTickets]), widget.NewSeparator()),
		container.NewVBox(widget.NewSeparator(), keys), nil, nil,
		container.NewVScroll(container.NewPadded(body)))
}

func (p *boxOfficePanel) content() fyne.CanvasObject { return p.box }

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
			if !p.a.cfg.Desk.Serves(e.OrganiserID) || err != nil {
				continue
			}
			ts, terr := p.desk.Tariffs(ctx, e.ID)
			if terr != nil {
				err = terr
				break
			}
			sortTariffs(ts)
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
			p.loadedDay = businessDay(now)
			p.basket.fill(mine, tariffs, now)
			p.member.fill(programs)
			p.enable()
		}
	})
}

// reset is what the lock and Escape do: the next person finds no basket,
// no one's name or birth date in the card form, no receipt, cash chosen.
func (p *boxOfficePanel) reset() {
	p.holder = nil
	p.card.reset()
	p.slip.clear()
	p.showView(viewTickets)
	p.basket.clear()
}

// newCustomer forgets what was chosen for the last customer when another
// holder's card is scanned: a line at the UiTPAS-tarief added for one
// holder must not be sold to the next.
func (p *boxOfficePanel) newCustomer() {
	p.card.reset()
	if p.view != viewTickets {
		p.showView(viewTickets)
	}
	p.basket.lines, p.basket.sel = nil, 0
}

func (p *boxOfficePanel) setHolder(h *HolderView) {
	// The receipt stays while its holder is looked up again after the
	// sale (a new card's holder is looked up by the new card); another
	// holder or none clears it.
	if h == nil || (h.Card != p.slip.forCard && (p.holder == nil || h.Card != p.holder.Card)) {
		p.slip.clear()
	}
	// Another holder after one was on screen is another customer. The
	// first card shown to a basket begun without one is the same
	// customer's: a buyer who says "and I have a UiTPAS".
	if h != nil && p.holder != nil && h.Card != p.holder.Card && h.Card != p.slip.forCard && !p.busy {
		p.newCustomer()
	}
	p.holder = h
	p.card.holderChanged()
	p.member.show()
	p.keepCurrent()
	// The UiTPAS-tarief and coupons are the holder's: ask again.
	p.basket.requote()
}

// keepCurrent keeps the list of events current on a terminal that runs
// for days: a new day loads its events, and an event that has ended
// gives way to the next one, when no basket depends on it.
func (p *boxOfficePanel) keepCurrent() {
	if len(p.basket.lines) > 0 || p.busy || p.loadedDay == "" {
		return
	}
	now := p.a.cfg.Now()
	if businessDay(now) != p.loadedDay {
		p.load()
		return
	}
	p.basket.keepCurrent(now)
}

func businessDay(t time.Time) string { return t.In(balie.Brussels()).Format("2006-01-02") }

// key runs the action of a function key, and the basket's keys.
func (p *boxOfficePanel) key(name fyne.KeyName) bool {
	if p.basket.tariffKey(name) {
		return true
	}
	switch name {
	case fyne.KeyF11:
		p.slip.save()
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
	// The basket's keys work from the scan field, where the cursor is.
	return p.view == viewTickets && p.basket.editKey(name, p.a.scan.field.Text)
}

// showView shows what is sold in v, its form and its payment. F8 and
// F10 only ever open their view (pressed twice, they stay): a tariff key
// or a sale brings the tickets back.
func (p *boxOfficePanel) showView(v boxView) {
	if p.busy {
		return
	}
	if v == p.view && v == viewCard {
		p.card.focus(p.card.stock) // the form keeps what was typed
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
	show(p.basket.content(), v == viewTickets)
	show(p.card.content(), v == viewCard)
	show(p.member.content(), v == viewMembership)
	switch v {
	case viewCard:
		p.card.holderChanged()
		p.card.focus(p.card.stock)
	case viewMembership:
		p.member.show()
		p.a.scan.refocus()
	default:
		p.a.scan.refocus()
	}
	p.enable()
}

// basketChanged follows a change of the basket: after a sale its receipt
// takes the empty basket's place.
func (p *boxOfficePanel) basketChanged() {
	p.basket.showHead(len(p.basket.lines) > 0 || !p.slip.shown())
	p.enable()
}

// amountDue is what the customer pays for what is shown, when the
// screen knows it before the sale.
func (p *boxOfficePanel) amountDue() (balie.Cents, bool) {
	switch p.view {
	case viewTickets:
		return p.basket.state.total, p.basket.state.ok
	case viewCard:
		return p.card.price, p.card.known
	case viewMembership:
		if pr, ok := p.member.program(); ok {
			return memberPriceOf(pr)
		}
	}
	return 0, false
}

// enable allows each action only when it has what it needs, and shows
// the payment for what can be paid.
func (p *boxOfficePanel) enable() {
	if p.tabs[0] == nil || p.pay == nil || p.basket == nil {
		return // still building
	}
	p.basket.enableTariffs(p.busy)
	for _, b := range p.tabs {
		if p.busy {
			b.Disable()
		} else {
			b.Enable()
		}
	}
	var ready, shown bool
	switch p.view {
	case viewTickets:
		shown = len(p.basket.lines) > 0
		ready = shown && p.basket.state.ok
	case viewCard:
		shown, ready = true, p.card.ready()
	case viewMembership:
		_, ok := p.member.program()
		shown, ready = ok, ok && p.holder != nil
	}
	p.pay.show(shown, ready, p.busy, p.view == viewTickets)
}

// confirm pays what is shown (F9) on the desks' shared confirm screen:
// the price, the method, the cash received and the change, then Enter.
func (p *boxOfficePanel) confirm() {
	if p.busy || p.pay.button.Disabled() || p.a.staff == nil {
		return
	}
	switch p.view {
	case viewMembership:
		if pr, ok := p.member.program(); ok && p.holder != nil {
			p.memberPay.start(*p.holder, pr)
		}
	case viewTickets:
		p.payTickets()
	case viewCard:
		p.payCard()
	}
}

// boxMethods are the payment methods of the box office.
func boxMethods() []balie.PaymentMethod {
	return []balie.PaymentMethod{balie.PayCash, balie.PayCard, balie.PayInvoice}
}

// payTickets asks to confirm the basket's payment, then sells it.
func (p *boxOfficePanel) payTickets() {
	b := p.basket
	if !b.state.ok || b.event < 0 {
		return
	}
	req, total, ev := b.request(balie.PayNone), b.state.total, b.events[b.event]
	card := req.Card
	names := map[string]string{}
	var details []string
	for i, l := range b.lines {
		names[l.tariff.ID] = tariffName(l.tariff, p.a.lang)
		details = append(details, p.t(msgBoxLine, l.qty, b.lineName(l.tariff))+"  "+b.state.quotes[i].Total.Format(string(p.a.lang)))
	}
	n := ticketCount(b.state.quotes)
	title := p.t(msgBoxForTickets, n, ev.Name)
	if n == 1 {
		title = p.t(msgBoxForTicket, ev.Name)
	}
	staff := p.a.staff.ID
	p.a.confirmPayment(payment{op: "sell tickets", title: title, details: details, amount: total, methods: boxMethods(),
		record: func(ctx context.Context, method balie.PaymentMethod, tendered balie.Cents, _ bool) (func(), error) {
			r := req
			r.Payment = method
			if total == 0 {
				r.Payment, tendered = balie.PayNone, 0
			}
			res, err := p.desk.SellTickets(ctx, staff, r)
			if err != nil {
				return nil, err
			}
			return func() {
				named := ev
				named.Name = b.receiptEventName(ev)
				lines := receipt.TicketLines(named, res.Quotes, func(id string) string { return names[id] })
				for i := range lines {
					lines[i].Pass = card != ""
					if i > 0 {
						lines[i].Description = "" // one event: named once
					}
				}
				pay, got := paidWith(r.Payment, res.Total, tendered)
				s := p.slip.of(res.At, res.ID, pay, res.Total, got, lines)
				sold := msgBoxSoldTickets
				if ticketCount(res.Quotes) == 1 {
					sold = msgBoxSoldTicket
				}
				p.sold(p.t(sold, ticketCount(res.Quotes), ev.Name), s, string(card))
			}, nil
		}})
}

// payCard checks the card's form, prices it and asks to confirm its
// payment, then sells it.
func (p *boxOfficePanel) payCard() {
	req, ok := p.card.request()
	if !ok {
		p.refused(p.t(msgBoxFixForm))
		return
	}
	p.slip.clear()
	p.basketChanged()
	staff := p.a.staff.ID
	who := ""
	if req.NewHolder != nil {
		who = strings.TrimSpace(req.NewHolder.FirstName + " " + req.NewHolder.LastName)
	} else if p.holder != nil {
		who = strings.TrimSpace(p.holder.FirstName + " " + p.holder.LastName)
	}
	// The price is the store's, asked again for the form as it is now.
	p.a.run(func(ctx context.Context) func() {
		price, err := p.desk.QuoteCard(ctx, req)
		return func() {
			if err != nil {
				p.refused(p.a.sentence("quote card", err))
				return
			}
			p.a.confirmPayment(payment{op: "sell card", title: p.t(msgBoxForCard, who), details: []string{p.t(msgBoxCardLine, req.Card)},
				amount: price, methods: boxMethods(),
				record: func(ctx context.Context, method balie.PaymentMethod, tendered balie.Cents, _ bool) (func(), error) {
					r := req
					r.Payment = method
					res, err := p.desk.SellCard(ctx, staff, r)
					if err != nil {
						return nil, err
					}
					return func() {
						pay, got := paidWith(method, res.Price, tendered)
						s := p.slip.of(res.At, res.ID, pay, res.Price, got,
							[]receipt.Line{{Description: p.t(msgBoxCardLine, res.Card), Quantity: 1, UnitPrice: res.Price, Amount: res.Price}})
						p.card.reset()
						p.showView(viewTickets)
						p.sold(p.t(msgBoxSoldCard, res.Card, res.Holder.FirstName), s, string(res.Card))
					}, nil
				}})
		}
	})
}

// memberPaid shows a membership paid through the confirm screen, with its
// receipt.
func (p *boxOfficePanel) memberPaid(h HolderView, res balie.MembershipResult, method balie.PaymentMethod, tendered balie.Cents) {
	pay, got := paidWith(method, res.Price, tendered)
	s := p.slip.of(res.At, res.ID, pay, res.Price, got,
		[]receipt.Line{{Description: p.t(msgBoxMemberLine, res.Program.Name, lastDay(res.End)), Quantity: 1, UnitPrice: res.Price, Amount: res.Price}})
	done := msgBoxPaidMember
	if res.Renewal {
		done = msgBoxRenewedMember
	}
	p.showView(viewTickets)
	p.sold(p.t(done, res.Program.Name, h.FirstName, lastDay(res.End)), s, h.Card)
}

// sold shows a sale's outcome and receipt, empties the basket and looks
// the holder up again: points and memberships change with the sale.
func (p *boxOfficePanel) sold(text string, r receipt.Receipt, card string) {
	p.slip.sold(text, r, card)
	p.basket.clear()
	if card != "" {
		p.a.scan.Refresh(card)
	} else {
		p.a.scan.refocus()
	}
}

// refused shows why an act or the lists could not be done.
func (p *boxOfficePanel) refused(text string) { p.slip.refused(text) }

const (
	msgBoxTabTickets    msg = "box.tab.tickets"
	msgBoxTabCard       msg = "box.tab.card"
	msgBoxTabMembership msg = "box.tab.membership"
	msgBoxKeys          msg = "box.keys"
	msgBoxKeys2         msg = "box.keys2"
)

package pos

import (
	"context"
	"fmt"
	"image/color"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/balie/balie"
)

// TicketQuoter prices a basket of tickets without recording it.
type TicketQuoter interface {
	QuoteTickets(ctx context.Context, req balie.TicketRequest) ([]balie.TicketQuote, balie.Cents, error)
}

// tariffKeys are the keys of the tariff buttons, in their order.
var tariffKeys = [...]fyne.KeyName{fyne.KeyF5, fyne.KeyF6, fyne.KeyF7}

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

// boxBasket is the box office's tickets: the events of today and the
// coming days, the tariffs of the one chosen (F5–F7), and a basket for
// it that the store prices as it changes.
type boxBasket struct {
	a     *App
	quote TicketQuoter
	// holder is who is on screen, busy whether an act is in flight;
	// changed is told when what can be paid changed.
	holder  func() *HolderView
	busy    func() bool
	changed func()
	// adding is told before a ticket is added: the panel shows the
	// tickets and drops the last sale's receipt.
	adding func()

	// Only touched on the Fyne goroutine.
	events   []balie.Event
	tariffs  map[string][]balie.Tariff // by event id, regular first
	event    int                       // index in events, -1 when none
	lines    []basketLine
	sel      int // the line ↑ and ↓ change
	state    quoteState
	quoteSeq uint64

	eventPick  *keySelect
	tariffBox  *fyne.Container
	tariffBtns []*keyButton
	list       *fyne.Container
	head       *widget.Label
	total      *widget.Label
	box        *fyne.Container
}

func newBoxBasket(a *App, q TicketQuoter) *boxBasket {
	b := &boxBasket{a: a, quote: q, event: -1, tariffs: map[string][]balie.Tariff{}, state: quoteState{bad: -1},
		holder: func() *HolderView { return nil }, busy: func() bool { return false }, changed: func() {}, adding: func() {}}
	b.eventPick = a.pick(nil, func(string) { b.chooseEvent(b.eventPick.SelectedIndex()) })
	b.eventPick.PlaceHolder = a.lang.t(msgBoxNoEvent)
	b.tariffBox = container.NewVBox()
	b.list = container.NewVBox()
	b.total = widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
	b.total.SizeName = theme.SizeNameSubHeadingText
	b.head = widget.NewLabelWithStyle(a.lang.t(msgBoxBasket), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	b.box = container.NewVBox(b.eventPick, b.tariffBox, widget.NewSeparator(), b.head, b.list, b.total)
	return b
}

func (b *boxBasket) t(id msg, args ...any) string { return b.a.lang.t(id, args...) }

func (b *boxBasket) content() fyne.CanvasObject { return b.box }

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

// sortTariffs orders an event's tariffs for its buttons.
func sortTariffs(ts []balie.Tariff) {
	slices.SortStableFunc(ts, func(a, b balie.Tariff) int { return kindOrder(a.Kind) - kindOrder(b.Kind) })
}

// fill shows a new list of events; the event that starts next is chosen.
func (b *boxBasket) fill(events []balie.Event, tariffs map[string][]balie.Tariff, now time.Time) {
	b.events, b.tariffs = events, tariffs
	var names []string
	next := -1
	for i, e := range b.events {
		names = append(names, b.eventName(e, now))
		if next < 0 && !e.Start.Before(now) {
			next = i
		}
	}
	b.eventPick.SetOptions(names)
	if next < 0 && len(b.events) > 0 {
		next = 0
	}
	// The list is new, and so is the choice.
	b.event = -1
	if next >= 0 {
		b.eventPick.SetSelectedIndex(next)
	} else {
		b.eventPick.ClearSelected()
		b.showEvent(-1)
	}
}

// keepCurrent moves the choice off an event that has ended to the next
// one, when no basket depends on it.
func (b *boxBasket) keepCurrent(now time.Time) {
	if len(b.lines) > 0 || b.event < 0 || b.events[b.event].End.After(now) {
		return
	}
	for i, e := range b.events {
		if !e.Start.Before(now) {
			b.eventPick.SetSelectedIndex(i)
			return
		}
	}
}

// eventName is an event as the picker shows it: "Vandaag 20:15 · name",
// or the day for a later one.
func (b *boxBasket) eventName(e balie.Event, now time.Time) string {
	loc := balie.Brussels()
	start := e.Start.In(loc)
	day := b.t(msgBoxToday)
	ny, nm, nd := now.In(loc).Date()
	if y, m, d := start.Date(); y != ny || m != nm || d != nd {
		days := strings.Fields(b.t(msgBoxWeekdays))
		day = days[start.Weekday()] + " " + start.Format("02/01")
	}
	return day + " " + start.Format("15:04") + " · " + e.Name
}

// receiptEventName is an event as the receipt names it, with its date.
func (b *boxBasket) receiptEventName(e balie.Event) string {
	start := e.Start.In(balie.Brussels())
	days := strings.Fields(b.t(msgBoxWeekdays))
	return e.Name + " · " + days[start.Weekday()] + " " + start.Format("02/01 15:04")
}

// chooseEvent shows the tariffs of event i. The basket is for one event,
// so another event starts a new one.
func (b *boxBasket) chooseEvent(i int) {
	if i != b.event {
		b.showEvent(i)
	}
}

// showEvent shows the tariffs of event i (none for -1) and empties the
// basket.
func (b *boxBasket) showEvent(i int) {
	b.event = i
	b.lines = nil
	b.sel = 0
	b.tariffBtns = nil
	b.tariffBox.RemoveAll()
	if i >= 0 {
		for k, t := range b.tariffs[b.events[i].ID] {
			text := b.t(msgBoxTariffButton, tariffName(t, b.a.lang), tariffPrice(t).Format(string(b.a.lang)))
			if t.Kind == balie.TariffSocial {
				// Its price follows the card: the basket says it.
				text = b.t(msgBoxPassButton, tariffName(t, b.a.lang))
			}
			if k < len(tariffKeys) {
				text = keyLabel(text, tariffKeys[k])
			}
			btn := b.a.bigButton(text, theme.ContentAddIcon(), func() { b.add(t) })
			btn.Alignment = widget.ButtonAlignLeading
			b.tariffBtns = append(b.tariffBtns, btn)
			b.tariffBox.Add(btn)
		}
	}
	b.tariffBox.Refresh()
	b.requote()
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
func (b *boxBasket) lineName(t balie.Tariff) string {
	if balie.PassLine(t.Kind, b.holder() != nil) {
		return b.t(msgBoxSocialName)
	}
	return tariffName(t, b.a.lang)
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

// add puts one ticket at t in the basket.
func (b *boxBasket) add(t balie.Tariff) {
	if b.busy() {
		return
	}
	b.adding()
	for i, l := range b.lines {
		if l.tariff.ID == t.ID {
			b.change1(i, +1)
			return
		}
	}
	b.lines = append(b.lines, basketLine{tariff: t, qty: 1})
	b.sel = len(b.lines) - 1
	b.requote()
}

// change1 adds d tickets to line i; a line without tickets goes.
func (b *boxBasket) change1(i, d int) {
	if i < 0 || i >= len(b.lines) || b.busy() {
		return
	}
	b.lines[i].qty += d
	b.sel = i
	if b.lines[i].qty <= 0 {
		b.remove(i)
		return
	}
	b.requote()
}

func (b *boxBasket) remove(i int) {
	if i < 0 || i >= len(b.lines) || b.busy() {
		return
	}
	b.lines = slices.Delete(b.lines, i, i+1)
	b.sel = min(b.sel, len(b.lines)-1)
	b.requote()
}

// clear empties the basket.
func (b *boxBasket) clear() {
	b.lines = nil
	b.sel = 0
	b.requote()
}

// request is the basket as the store takes it.
func (b *boxBasket) request(pay balie.PaymentMethod) balie.TicketRequest {
	req := balie.TicketRequest{Payment: pay}
	if b.event >= 0 {
		req.EventID = b.events[b.event].ID
	}
	if h := b.holder(); h != nil {
		req.Card = balie.CardNumber(h.Card)
	}
	for _, l := range b.lines {
		req.Lines = append(req.Lines, balie.TicketOrder{TariffID: l.tariff.ID, Quantity: l.qty})
	}
	return req
}

// requote asks the store what the basket costs, whenever it or the
// holder changes; an answer for an older basket is dropped.
func (b *boxBasket) requote() {
	b.quoteSeq++
	seq := b.quoteSeq
	if len(b.lines) == 0 {
		b.state = quoteState{bad: -1}
		b.show()
		return
	}
	b.state = quoteState{pending: true, bad: -1}
	b.show()
	req := b.request(balie.PayNone)
	b.a.run(func(ctx context.Context) func() {
		q := quoteState{bad: -1}
		quotes, total, err := b.quote.QuoteTickets(ctx, req)
		switch {
		case err == nil && len(quotes) == len(req.Lines):
			q.ok, q.quotes, q.total = true, quotes, total
		case err == nil:
			err = fmt.Errorf("quote tickets: %d quotes for %d lines", len(quotes), len(req.Lines))
			fallthrough
		default:
			q.bad = badLine(ctx, b.quote, req, err)
		}
		return func() {
			if seq != b.quoteSeq {
				return
			}
			if err != nil {
				b.a.log.Debug("quote refused", "code", balie.ErrorCode(err))
				q.refusal = b.a.sentence("quote tickets", err)
			}
			b.state = q
			b.a.log.Info("basket quoted", "lines", len(req.Lines), "ok", q.ok)
			b.show()
		}
	})
}

// badLine finds the line a refused quote is about, so its sentence
// stands next to it: the first line whose basket up to it is refused
// (limits count the lines before it). -1 when the refusal is not a rule's.
func badLine(ctx context.Context, q TicketQuoter, req balie.TicketRequest, err error) int {
	if _, ok := balie.AsError(err); !ok {
		return -1
	}
	lines := req.Lines
	for i := range lines {
		req.Lines = lines[:i+1]
		if _, _, err := q.QuoteTickets(ctx, req); err != nil {
			return i
		}
	}
	return -1
}

// show draws the basket's lines, the quote and the total.
func (b *boxBasket) show() {
	b.list.RemoveAll()
	if len(b.lines) == 0 {
		empty := widget.NewLabel(b.t(msgBoxEmpty))
		empty.Importance = widget.LowImportance
		b.list.Add(empty)
	}
	for i, l := range b.lines {
		b.list.Add(b.lineRow(i, l))
	}
	switch {
	case len(b.lines) == 0:
		b.total.SetText("")
		b.total.Hide()
	case b.state.pending:
		b.total.SetText(b.t(msgBoxTotal, "…"))
		b.total.Show()
	case b.state.ok:
		b.total.SetText(b.t(msgBoxTotal, b.state.total.Format(string(b.a.lang))))
		b.total.Show()
	default:
		b.total.SetText(b.t(msgBoxTotal, "—"))
		b.total.Show()
		if b.state.bad < 0 {
			b.list.Add(b.refusalRow(b.state.refusal))
		}
	}
	b.changed()
	b.list.Refresh()
}

// showHead shows or hides the basket's heading and lines: after a sale,
// its receipt takes the empty basket's place.
func (b *boxBasket) showHead(on bool) {
	if on {
		b.head.Show()
		b.list.Show()
	} else {
		b.head.Hide()
		b.list.Hide()
	}
}

func (b *boxBasket) lineRow(i int, l basketLine) fyne.CanvasObject {
	name := widget.NewLabel(b.t(msgBoxLine, l.qty, b.lineName(l.tariff)))
	name.Truncation = fyne.TextTruncateEllipsis
	// The amount is the store's; while it thinks, "…", and nothing for
	// a basket it refused.
	amount := widget.NewLabelWithStyle("…", fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
	if b.state.ok {
		amount.SetText(b.state.quotes[i].Total.Format(string(b.a.lang)))
	} else if !b.state.pending {
		amount.SetText("")
	}
	minus := b.a.button("", theme.ContentRemoveIcon(), func() { b.change1(i, -1) })
	plus := b.a.button("", theme.ContentAddIcon(), func() { b.change1(i, +1) })
	del := b.a.button("", theme.DeleteIcon(), func() { b.remove(i) })
	if b.busy() {
		minus.Disable()
		plus.Disable()
		del.Disable()
	}
	// A bar marks the line ↑ and ↓ change.
	bar := canvas.NewRectangle(color.Transparent)
	if i == b.sel {
		bar.FillColor = theme.Color(theme.ColorNamePrimary)
	}
	bar.SetMinSize(fyne.NewSize(4, 1))
	row := container.NewBorder(nil, nil, bar, container.NewHBox(amount, minus, plus, del), name)
	if i != b.state.bad {
		return row
	}
	return container.NewVBox(row, b.refusalRow(b.state.refusal))
}

func (b *boxBasket) refusalRow(text string) fyne.CanvasObject {
	return iconRow(theme.NewErrorThemedResource(theme.ErrorIcon()), text, widget.DangerImportance)
}

// enableTariffs allows the regular tariff always and the others with a
// holder on screen.
func (b *boxBasket) enableTariffs(busy bool) {
	for i, btn := range b.tariffBtns {
		t := b.tariffs[b.events[b.event].ID][i]
		if !busy && (t.Kind == balie.TariffRegular || b.holder() != nil) {
			btn.Enable()
		} else {
			btn.Disable()
		}
	}
}

// tariffKey runs a tariff key (F5–F7), from any view of the box office,
// and reports whether name is one.
func (b *boxBasket) tariffKey(name fyne.KeyName) bool {
	for i, k := range tariffKeys {
		if name == k {
			if i < len(b.tariffBtns) && !b.tariffBtns[i].Disabled() {
				b.tariffBtns[i].OnTapped()
			}
			return true
		}
	}
	return false
}

// editKey runs the basket's keys, ↑ ↓ and Del, which work from the scan
// field (scanText is what it holds) and only on a basket.
func (b *boxBasket) editKey(name fyne.KeyName, scanText string) bool {
	if len(b.lines) == 0 || b.busy() {
		return false
	}
	switch name {
	case fyne.KeyUp:
		b.change1(b.sel, +1)
	case fyne.KeyDown:
		b.change1(b.sel, -1)
	case fyne.KeyDelete:
		if scanText != "" {
			return false // the clerk is correcting a number
		}
		b.clear()
	default:
		return false
	}
	return true
}

func ticketCount(qs []balie.TicketQuote) int {
	n := 0
	for _, q := range qs {
		n += q.Quantity
	}
	return n
}

const (
	msgBoxNoEvent      msg = "box.event.none"
	msgBoxToday        msg = "box.today"
	msgBoxWeekdays     msg = "box.weekdays"
	msgBoxTariffButton msg = "box.tariff.button"
	msgBoxSocialName   msg = "box.tariff.uitpas"
	msgBoxPassButton   msg = "box.tariff.pass"
	msgBoxBasket       msg = "box.basket"
	msgBoxEmpty        msg = "box.basket.empty"
	msgBoxLine         msg = "box.basket.line"
	msgBoxTotal        msg = "box.basket.total"
)

package pos

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/balie/balie"
)

// CardQuoter prices a card sale without recording it.
type CardQuoter interface {
	QuoteCard(ctx context.Context, req balie.CardSaleRequest) (balie.Cents, error)
}

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

// boxCardForm is the sale of a card from the desk's stock: the stock
// card, the reason, and a first card's new holder (or the holder on
// screen for a new card); its price, from the store, as soon as the form
// knows what decides it.
type boxCardForm struct {
	a     *App
	quote CardQuoter
	// holder is who is on screen; changed is told when the price or the
	// form changed; submit is Enter in the last field.
	holder  func() *HolderView
	changed func()
	submit  func()

	// Only touched on the Fyne goroutine.
	price balie.Cents // the store's price of the card in the form...
	known bool        // ... once it knows it
	seq   uint64      // numbers the quotes; an older one is dropped

	stock, first, last, birth, postal                *scanEntry
	stockErr, firstErr, lastErr, birthErr, postalErr *widget.Label
	reasonPick                                       *keySelect
	forWhom                                          *widget.Label
	newHolder                                        *fyne.Container
	box                                              *fyne.Container
}

func newBoxCardForm(a *App, q CardQuoter) *boxCardForm {
	f := &boxCardForm{a: a, quote: q, holder: func() *HolderView { return nil }, changed: func() {}, submit: func() {}}
	field := func(hint msg) (*scanEntry, *widget.Label) {
		e := a.entry()
		e.SetPlaceHolder(f.t(hint))
		l := widget.NewLabel("")
		l.Importance = widget.DangerImportance
		l.Wrapping = fyne.TextWrapWord
		l.Hide()
		return e, l
	}
	f.stock, f.stockErr = field(msgBoxStockHint)
	f.first, f.firstErr = field(msgBoxFirstName)
	f.last, f.lastErr = field(msgBoxLastName)
	f.birth, f.birthErr = field(msgBoxBirthDate)
	f.postal, f.postalErr = field(msgBoxPostalCode)
	// A wedge scanner ends the stock card with Enter; the form follows.
	f.stock.OnSubmitted = func(string) { f.focus(f.first) }
	f.first.OnSubmitted = func(string) { f.focus(f.last) }
	f.last.OnSubmitted = func(string) { f.focus(f.birth) }
	f.birth.OnSubmitted = func(string) { f.focus(f.postal) }
	f.postal.OnSubmitted = func(string) { f.submit() }
	// The price follows the form as it is typed.
	for _, e := range []*scanEntry{f.birth, f.postal} {
		e.OnChanged = func(string) { f.requote() }
	}
	f.stock.OnChanged = func(text string) {
		// A number half typed prices nothing: wait for a whole one.
		if _, err := balie.ParseCardNumber(text); err == nil || strings.TrimSpace(text) == "" {
			f.requote()
		}
	}
	var reasons []string
	for _, r := range cardReasons {
		reasons = append(reasons, f.t(r.text))
	}
	f.reasonPick = a.pick(reasons, func(string) { f.holderChanged() })
	f.forWhom = widget.NewLabel("")
	f.forWhom.Wrapping = fyne.TextWrapWord
	labelled := func(id msg, e *scanEntry, errl *widget.Label) fyne.CanvasObject {
		l := widget.NewLabel(f.t(id))
		l.SizeName = theme.SizeNameCaptionText
		return container.NewVBox(l, e, errl)
	}
	f.newHolder = container.NewVBox(
		container.NewGridWithColumns(2, labelled(msgBoxFirstName, f.first, f.firstErr), labelled(msgBoxLastName, f.last, f.lastErr)),
		container.NewGridWithColumns(2, labelled(msgBoxBirthDate, f.birth, f.birthErr), labelled(msgBoxPostalCode, f.postal, f.postalErr)),
	)
	f.reasonPick.SetSelectedIndex(0)
	f.box = container.NewVBox(
		container.New(layout.NewFormLayout(),
			widget.NewLabel(f.t(msgBoxStock)), container.NewVBox(f.stock, f.stockErr),
			widget.NewLabel(f.t(msgBoxReason)), f.reasonPick),
		f.forWhom, f.newHolder)
	return f
}

func (f *boxCardForm) t(id msg, args ...any) string { return f.a.lang.t(id, args...) }

func (f *boxCardForm) content() fyne.CanvasObject { return f.box }

func (f *boxCardForm) focus(o fyne.Focusable) {
	if f.a.canvas != nil {
		f.a.canvas.Focus(o)
	}
}

func (f *boxCardForm) reason() balie.PurchaseReason {
	i := f.reasonPick.SelectedIndex()
	if i < 0 {
		return balie.ReasonFirstCard
	}
	return cardReasons[i].reason
}

// ready reports whether the form can be paid: a first card, or a new
// card for the holder on screen.
func (f *boxCardForm) ready() bool { return f.reason() == balie.ReasonFirstCard || f.holder() != nil }

// holderChanged shows who gets the new card: a new holder, with the
// form, or the holder on screen; and prices it again.
func (f *boxCardForm) holderChanged() {
	if f.reason() == balie.ReasonFirstCard {
		f.newHolder.Show()
		f.forWhom.Hide()
	} else {
		f.newHolder.Hide()
		f.forWhom.Show()
		if h := f.holder(); h != nil {
			f.forWhom.SetText(f.t(msgBoxForHolder, strings.TrimSpace(h.FirstName+" "+h.LastName), h.Card))
			f.forWhom.Importance = widget.MediumImportance
		} else {
			f.forWhom.SetText(f.t(msgBoxScanHolder))
			f.forWhom.Importance = widget.WarningImportance
		}
		f.forWhom.Refresh()
	}
	f.requote()
	f.changed()
}

// requote asks the store what the card in the form costs, once the form
// knows what decides it: the new holder's postal code and birth date, or
// the holder on screen. An answer for an older form is dropped.
func (f *boxCardForm) requote() {
	f.seq++
	seq := f.seq
	f.known = false
	req := balie.CardSaleRequest{Reason: f.reason()}
	if n, err := balie.ParseCardNumber(f.stock.Text); err == nil {
		req.Card = n
	}
	if req.Reason == balie.ReasonFirstCard {
		birth, bad := parseBirthDate(f.birth.Text, f.a.cfg.Now())
		postal := strings.TrimSpace(f.postal.Text)
		if bad != "" || !validPostalCode(postal) {
			f.changed()
			return
		}
		req.NewHolder = &balie.Holder{BirthDate: birth, PostalCode: postal}
	} else {
		h := f.holder()
		if h == nil {
			f.changed()
			return
		}
		req.HolderCard = balie.CardNumber(h.Card)
	}
	f.a.run(func(ctx context.Context) func() {
		price, err := f.quote.QuoteCard(ctx, req)
		return func() {
			if seq != f.seq {
				return
			}
			if err != nil {
				f.a.log.Debug("card quote refused", "code", balie.ErrorCode(err))
			}
			f.price, f.known = price, err == nil
			f.changed()
		}
	})
}

// checkNewHolder reads the first card's form, with a sentence under
// each field that is not right; nil when one is not.
func (f *boxCardForm) checkNewHolder(now time.Time) *balie.Holder {
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
		FirstName:  strings.TrimSpace(f.first.Text),
		LastName:   strings.TrimSpace(f.last.Text),
		PostalCode: strings.TrimSpace(f.postal.Text),
	}
	for _, l := range []*widget.Label{f.firstErr, f.lastErr, f.birthErr, f.postalErr} {
		say(l, "")
	}
	if h.FirstName == "" {
		say(f.firstErr, f.t(msgBoxNeedFirstName))
	}
	if h.LastName == "" {
		say(f.lastErr, f.t(msgBoxNeedLastName))
	}
	birth, msgID := parseBirthDate(f.birth.Text, now)
	if msgID != "" {
		say(f.birthErr, f.t(msgID))
	}
	h.BirthDate = birth
	if !validPostalCode(h.PostalCode) {
		say(f.postalErr, f.t(msgBoxNeedPostal))
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

// request reads the card sale's form; each field that is not right says
// so under it, and ok is false.
func (f *boxCardForm) request() (req balie.CardSaleRequest, ok bool) {
	stock, err := balie.ParseCardNumber(f.stock.Text)
	ok = err == nil
	f.stockErr.Hide()
	if strings.TrimSpace(f.stock.Text) == "" {
		f.stockErr.SetText(f.t(msgBoxNeedStock))
		f.stockErr.Show()
	} else if err != nil {
		f.stockErr.SetText(f.a.sentence("parse stock card", err))
		f.stockErr.Show()
	}
	req = balie.CardSaleRequest{Card: stock, Reason: f.reason()}
	if req.Reason == balie.ReasonFirstCard {
		// Checked even with a bad card number, so every field says
		// what is wrong at once.
		req.NewHolder = f.checkNewHolder(f.a.cfg.Now())
		ok = ok && req.NewHolder != nil
	} else if h := f.holder(); h != nil {
		req.HolderCard = balie.CardNumber(h.Card)
	}
	return req, ok
}

// reset empties the form: no one's name or birth date stays for the
// next customer.
func (f *boxCardForm) reset() {
	for _, e := range []*scanEntry{f.stock, f.first, f.last, f.birth, f.postal} {
		e.SetText("")
	}
	for _, l := range []*widget.Label{f.stockErr, f.firstErr, f.lastErr, f.birthErr, f.postalErr} {
		l.Hide()
	}
	f.reasonPick.SetSelectedIndex(0)
}

const (
	msgBoxStock          msg = "box.card.stock"
	msgBoxStockHint      msg = "box.card.stock.hint"
	msgBoxReason         msg = "box.card.reason"
	msgBoxReasonFirst    msg = "box.reason.first"
	msgBoxReasonLost     msg = "box.reason.lost"
	msgBoxReasonStolen   msg = "box.reason.stolen"
	msgBoxReasonDefect   msg = "box.reason.defect"
	msgBoxReasonObtained msg = "box.reason.obtained"
	msgBoxReasonEnded    msg = "box.reason.ended"
	msgBoxForHolder      msg = "box.card.for"
	msgBoxScanHolder     msg = "box.scan.holder"
	msgBoxFirstName      msg = "box.first.name"
	msgBoxLastName       msg = "box.last.name"
	msgBoxBirthDate      msg = "box.birth.date"
	msgBoxPostalCode     msg = "box.postal.code"
	msgBoxNeedStock      msg = "box.need.stock"
	msgBoxNeedFirstName  msg = "box.need.first"
	msgBoxNeedLastName   msg = "box.need.last"
	msgBoxNeedBirth      msg = "box.need.birth"
	msgBoxBadBirth       msg = "box.bad.birth"
	msgBoxFutureBirth    msg = "box.future.birth"
	msgBoxOldBirth       msg = "box.old.birth"
	msgBoxNeedPostal     msg = "box.need.postal"
	msgBoxFixForm        msg = "box.fix.form"
	msgBoxCardLine       msg = "box.card.line"
	msgBoxSoldCard       msg = "box.sold.card"
)

package pos

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/balie/balie"
	"github.com/balie/balie/assets"
	"github.com/balie/balie/pos/receipt"
)

// kevinCard is a holder whose card the UiTPAS-tarief applies to.
const kevinCard = "1000000520006"

// fakeBoxOffice is a box office with two performances today (and one of
// another organiser), one tomorrow, and the friends' circle. It prices
// as the store does for the cases the tests need and records the acts.
type fakeBoxOffice struct {
	tickets []balie.TicketRequest
	cards   []balie.CardSaleRequest
	members []balie.MembershipRequest
}

var boxDay = time.Date(2026, 11, 25, 0, 0, 0, 0, balie.Brussels())

func (f *fakeBoxOffice) EventsBetween(ctx context.Context, from, to time.Time) ([]balie.Event, error) {
	at := func(days, h, m int) time.Time {
		return boxDay.AddDate(0, 0, days).Add(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute)
	}
	evs := []balie.Event{
		{ID: "ev-morning", OrganiserID: "org-cc", Name: "Schoolvoorstelling", Start: at(0, 9, 0), End: at(0, 10, 0)},
		{ID: "ev-matinee", OrganiserID: "org-cc", Name: "De Gruffalo", Start: at(0, 14, 30), End: at(0, 15, 45)},
		{ID: "ev-swim", OrganiserID: "org-sport", Name: "Vrij zwemmen", Start: at(0, 15, 0), End: at(0, 22, 0)},
		{ID: "ev-evening", OrganiserID: "org-cc", Name: "Wim Opbrouck", Start: at(0, 20, 15), End: at(0, 22, 15)},
		{ID: "ev-friday", OrganiserID: "org-cc", Name: "Het Zesde Metaal", Start: at(2, 20, 15), End: at(2, 22, 15)},
		{ID: "ev-far", OrganiserID: "org-cc", Name: "Te ver vooruit", Start: at(20, 20, 0), End: at(20, 22, 0)},
	}
	var out []balie.Event
	for _, e := range evs {
		if !e.Start.Before(from) && e.Start.Before(to) {
			out = append(out, e)
		}
	}
	return out, nil
}

func (f *fakeBoxOffice) Tariffs(ctx context.Context, eventID string) ([]balie.Tariff, error) {
	// Out of order on purpose: the panel puts the regular price first.
	return []balie.Tariff{
		{ID: eventID + "-bon", EventID: eventID, Name: "Kortingsbon CC Lier", Kind: balie.TariffCoupon, Regular: 1800, CouponPrice: 1200,
			Limit: balie.Limit{Volume: 1, Period: balie.PeriodQuarter}},
		{ID: eventID + "-uitpas", EventID: eventID, Name: "UiTPAS-tarief", Kind: balie.TariffSocial, Regular: 1800, Key: balie.CommonKey(),
			Limit: balie.Limit{Volume: 1, Period: balie.PeriodMonth}},
		{ID: eventID + "-normaal", EventID: eventID, Name: "Normaal tarief", Kind: balie.TariffRegular, Regular: 1800},
	}, nil
}

func (f *fakeBoxOffice) tariff(ctx context.Context, id string) balie.Tariff {
	ev := id[:strings.LastIndex(id, "-")]
	ts, _ := f.Tariffs(ctx, ev)
	for _, t := range ts {
		if t.ID == id {
			return t
		}
	}
	panic("no tariff " + id)
}

func (f *fakeBoxOffice) quote(ctx context.Context, req balie.TicketRequest) ([]balie.TicketQuote, balie.Cents, error) {
	if len(req.Lines) == 0 {
		return nil, 0, balie.Errorf(balie.CodeQuantityInvalid, "Kies minstens één ticket.", "Choose at least one ticket.")
	}
	var h balie.Holder
	switch req.Card {
	case kevinCard:
		h = balie.Holder{ID: "h-kevin", SocialTariff: balie.SocialTariff{State: balie.SocialActive, EndDate: boxDay.AddDate(1, 0, 0)}}
	case tomCard:
		h = balie.Holder{ID: "h-tom"}
	}
	var qs []balie.TicketQuote
	var total balie.Cents
	for _, l := range req.Lines {
		t := f.tariff(ctx, l.TariffID)
		all, _ := f.Tariffs(ctx, t.EventID)
		t = balie.PassTariff(t, all, h) // as the store does
		if t.Kind != balie.TariffRegular && h.ID == "" {
			return nil, 0, balie.Errorf(balie.CodeTariffNotAllowed,
				"Scan eerst de UiTPAS om aan het UiTPAS-tarief te verkopen.", "Scan the UiTPAS first to sell at the UiTPAS tariff.")
		}
		q, err := balie.QuoteTicket(t, h, l.Quantity, 0)
		if err != nil {
			return nil, 0, err
		}
		qs = append(qs, q)
		total += q.Total
	}
	return qs, total, nil
}

func (f *fakeBoxOffice) QuoteTickets(ctx context.Context, req balie.TicketRequest) ([]balie.TicketQuote, balie.Cents, error) {
	return f.quote(ctx, req)
}

func (f *fakeBoxOffice) SellTickets(ctx context.Context, staff string, req balie.TicketRequest) (balie.TicketResult, error) {
	qs, total, err := f.quote(ctx, req)
	if err != nil {
		return balie.TicketResult{}, err
	}
	f.tickets = append(f.tickets, req)
	at := boxDay.Add(10 * time.Hour)
	return balie.TicketResult{Recorded: balie.Recorded{ID: "evt-0001", Seq: 1, At: at}, Quotes: qs, Total: total}, nil
}

func (f *fakeBoxOffice) SellCard(ctx context.Context, staff string, req balie.CardSaleRequest) (balie.CardSaleResult, error) {
	f.cards = append(f.cards, req)
	h := balie.Holder{FirstName: "Tom"}
	if req.NewHolder != nil {
		h = *req.NewHolder
	}
	return balie.CardSaleResult{Recorded: balie.Recorded{ID: "evt-0002", Seq: 2, At: boxDay.Add(10 * time.Hour)}, Card: req.Card, Holder: h, Price: 500}, nil
}

func (f *fakeBoxOffice) QuoteCard(ctx context.Context, req balie.CardSaleRequest) (balie.Cents, error) {
	if req.NewHolder != nil && balie.Age(req.NewHolder.BirthDate, boxDay) < 18 {
		return 0, nil
	}
	return 500, nil
}

func (f *fakeBoxOffice) Programs(ctx context.Context, org string) ([]balie.MembershipProgram, error) {
	return []balie.MembershipProgram{{ID: "prog-vriendenkring", OrganiserID: "org-cc", Name: "Vriendenkring CC Lier",
		Price: 1000, PassDiscount: 500, EndKind: balie.EndFixed, FixedEnd: time.Date(2028, 9, 1, 0, 0, 0, 0, balie.Brussels())}}, nil
}

func (f *fakeBoxOffice) QuoteMembership(ctx context.Context, req balie.MembershipRequest) (balie.MembershipQuote, error) {
	ps, _ := f.Programs(ctx, "org-cc")
	return balie.MembershipQuote{Program: ps[0], Price: 500, End: time.Date(2028, 9, 1, 0, 0, 0, 0, balie.Brussels()), Renewal: true}, nil
}

func (f *fakeBoxOffice) PayMembership(ctx context.Context, staff string, req balie.MembershipRequest) (balie.MembershipResult, error) {
	f.members = append(f.members, req)
	ps, _ := f.Programs(ctx, "org-cc")
	return balie.MembershipResult{Recorded: balie.Recorded{ID: "evt-0003", Seq: 3, At: boxDay.Add(10 * time.Hour)}, Program: ps[0], Price: 500,
		End: time.Date(2028, 9, 1, 0, 0, 0, 0, balie.Brussels()), Renewal: true}, nil
}

// boxRig is the app at a box office desk in a test window, signed in;
// the test goroutine stands in for Fyne's event loop, as in appRig.
type boxRig struct {
	appRig
	box *fakeBoxOffice
	p   *boxOfficePanel
}

func newBoxRig(t *testing.T, lang string) *boxRig { t.Helper(); return newBoxRigWith(t, lang, false) }

// newBoxRigWith is newBoxRig; with panelOnly the window holds the box
// office's panel alone, at its size in the app, for a snapshot that does
// not change with the rest of the app.
func newBoxRigWith(t *testing.T, lang string, panelOnly bool) *boxRig {
	t.Helper()
	test.NewTempApp(t).Settings().SetTheme(Theme())
	useLanguage(t, lang)
	r := &boxRig{box: &fakeBoxOffice{}}
	r.ui = make(chan func(), 16)
	r.now = boxDay.Add(10 * time.Hour)
	cfg := Config{Lang: lang, Desk: balie.Desk{ID: "desk-box", Name: "Balie CC Lier", OrganiserID: "org-cc", Mode: balie.DeskBoxOffice},
		Now: func() time.Time { return r.now }, Logger: quiet(), ReceiptDir: t.TempDir()}
	r.a = newAppWith(cfg, Deps{Directory: newFakeDirectory(), Staff: fakeStaff{}, BoxOffice: r.box}, func(f func()) { r.ui <- f })
	r.p = r.a.desk.(*boxOfficePanel)
	r.w = test.NewWindow(r.a.Content())
	r.w.Resize(fyne.NewSize(1280, 800))
	if panelOnly {
		r.w.SetContent(r.p.content())
		r.w.Resize(fyne.NewSize(576, 750))
	}
	r.a.Start(r.w.Canvas())
	r.wait(t) // the events and programs
	t.Cleanup(r.w.Close)
	r.signIn(t, "0990000000010", "1234")
	return r
}

// press presses a key where the cursor is, as the clerk does.
func (r *boxRig) press(name fyne.KeyName) {
	if f := r.w.Canvas().Focused(); f != nil {
		f.TypedKey(&fyne.KeyEvent{Name: name})
		return
	}
	r.key(name) // the scan field, outside a panel-only window
}

// basket is what the basket and its total say.
func (r *boxRig) basket() []string {
	return append(labelTexts(r.p.basket.list), r.p.basket.total.Text)
}

func TestBoxOffice_events(t *testing.T) {
	r := newBoxRig(t, "nl")
	want := []string{
		"Vandaag 09:00 · Schoolvoorstelling",
		"Vandaag 14:30 · De Gruffalo",
		"Vandaag 20:15 · Wim Opbrouck",
		"vr 27/11 20:15 · Het Zesde Metaal",
	}
	if got := r.p.basket.eventPick.Options; !slices.Equal(got, want) {
		t.Errorf("events %q, want %q (this organiser's, two weeks ahead)", got, want)
	}
	if got, want := r.p.basket.eventPick.Selected, "Vandaag 14:30 · De Gruffalo"; got != want {
		t.Errorf("chosen %q, want %q, the one starting next", got, want)
	}
	var buttons []string
	for _, b := range r.p.basket.tariffBtns {
		buttons = append(buttons, b.Text)
	}
	wantButtons := []string{"Normaal tarief  € 18,00  [F5]", "UiTPAS-tarief · prijs volgens de pas  [F6]", "Kortingsbon CC Lier  € 12,00  [F7]"}
	if !slices.Equal(buttons, wantButtons) {
		t.Errorf("tariff buttons %q, want %q", buttons, wantButtons)
	}
	if !r.p.basket.tariffBtns[1].Disabled() || !r.p.basket.tariffBtns[2].Disabled() {
		t.Errorf("UiTPAS-tarief and coupon enabled with no holder on screen")
	}
	r.scan(t, tomCard)
	if r.p.basket.tariffBtns[1].Disabled() {
		t.Errorf("UiTPAS-tarief disabled with a holder on screen")
	}

	// The terminal runs on: an event that ended gives way to the next,
	// and a new day brings its own list.
	r.now = boxDay.Add(16 * time.Hour)
	r.scan(t, kevinCard)
	if got, want := r.p.basket.eventPick.Selected, "Vandaag 20:15 · Wim Opbrouck"; got != want {
		t.Errorf("at 16:00 chosen %q, want %q", got, want)
	}
	r.now = boxDay.AddDate(0, 0, 1).Add(9 * time.Hour)
	r.scan(t, tomCard)
	r.wait(t) // the new day's events
	if got, want := r.p.basket.eventPick.Options, []string{"vr 27/11 20:15 · Het Zesde Metaal"}; !slices.Equal(got, want) {
		t.Errorf("the next day the events are %q, want %q", got, want)
	}
	if got, want := r.p.basket.eventPick.Selected, "vr 27/11 20:15 · Het Zesde Metaal"; got != want {
		t.Errorf("the next day chosen %q, want %q", got, want)
	}
}

func TestBoxOffice_sellTicketsCash(t *testing.T) {
	r := newBoxRig(t, "nl")
	r.press(fyne.KeyF5)
	r.wait(t) // the quote
	r.press(fyne.KeyUp)
	r.wait(t)
	if got, want := r.basket(), []string{"2 × Normaal tarief", "€ 36,00", "Totaal € 36,00"}; !slices.Equal(got, want) {
		t.Fatalf("basket %q, want %q", got, want)
	}

	// F9 shows the price and puts the cursor in the cash field; too
	// little is refused there.
	r.press(fyne.KeyF9)
	cash := cashField(t, &r.appRig)
	if r.w.Canvas().Focused() != cash {
		t.Fatalf("F9 with cash left the cursor on %T, want the cash field", r.w.Canvas().Focused())
	}
	if got := strings.Join(labelTexts(r.a.root), " | "); !strings.Contains(got, "2 tickets voor De Gruffalo") || !strings.Contains(got, "Te betalen: € 36,00") {
		t.Errorf("the confirm screen shows %q", got)
	}
	test.Type(cash, "20")
	if got := strings.Join(labelTexts(r.a.root), " | "); !strings.Contains(got, "Te weinig: nog € 16,00") {
		t.Errorf("with 20 received the screen says %q", got)
	}
	r.press(fyne.KeyReturn)
	if len(r.box.tickets) != 0 {
		t.Fatalf("sold with too little cash: %+v", r.box.tickets)
	}

	cash.SetText("")
	test.Type(cash, "40,00")
	if got := strings.Join(labelTexts(r.a.root), " | "); !strings.Contains(got, "Terug te geven: € 4,00") {
		t.Errorf("with 40,00 received the screen says %q", got)
	}
	r.press(fyne.KeyReturn)
	r.wait(t) // the sale

	want := []balie.TicketRequest{{EventID: "ev-matinee", Lines: []balie.TicketOrder{{TariffID: "ev-matinee-normaal", Quantity: 2}}, Payment: balie.PayCash}}
	if !slices.EqualFunc(r.box.tickets, want, sameTickets) {
		t.Fatalf("sold %+v, want %+v", r.box.tickets, want)
	}
	shown := strings.Join(labelTexts(r.p.slip.outcome), "\n")
	for _, s := range []string{"2 tickets verkocht voor De Gruffalo.", "Terug te geven: € 4,00", "Normaal tarief", "2 x € 18,00", "TOTAAL", "€ 36,00", "Ontvangen", "€ 40,00", "Ref. EVT0001"} {
		if !strings.Contains(shown, s) {
			t.Errorf("outcome lacks %q:\n%s", s, shown)
		}
	}
	if got, want := r.basket(), []string{"Nog geen tickets: kies een tarief.", ""}; !slices.Equal(got, want) {
		t.Errorf("basket after the sale %q, want it empty", got)
	}
	if r.w.Canvas().Focused() != r.a.scan.field {
		t.Errorf("after the sale the cursor is on %T, want the scan field", r.w.Canvas().Focused())
	}
	// F11: the receipt as a PDF in the receipts folder.
	r.press(fyne.KeyF11)
	pdfs, _ := filepath.Glob(filepath.Join(r.a.cfg.ReceiptDir, "bon-*.pdf"))
	if len(pdfs) != 1 || !strings.HasPrefix(r.a.note.Text, "Bon opgeslagen als ") {
		t.Fatalf("after F11: %v, notice %q; want one receipt PDF, said", pdfs, r.a.note.Text)
	}
	if b, _ := os.ReadFile(pdfs[0]); !bytes.HasPrefix(b, []byte("%PDF")) {
		t.Errorf("%s is not a PDF", pdfs[0])
	}
}

func sameTickets(a, b balie.TicketRequest) bool {
	return a.Card == b.Card && a.EventID == b.EventID && a.Payment == b.Payment && slices.Equal(a.Lines, b.Lines)
}

func TestBoxOffice_basketKeys(t *testing.T) {
	r := newBoxRig(t, "nl")
	r.press(fyne.KeyF5)
	r.wait(t)
	r.press(fyne.KeyUp)
	r.wait(t)
	r.press(fyne.KeyUp)
	r.wait(t)
	r.press(fyne.KeyDown)
	r.wait(t)
	if got, want := r.basket(), []string{"2 × Normaal tarief", "€ 36,00", "Totaal € 36,00"}; !slices.Equal(got, want) {
		t.Errorf("after ↑ ↑ ↓: %q, want %q", got, want)
	}
	r.press(fyne.KeyDelete)
	if got, want := r.basket(), []string{"Nog geen tickets: kies een tarief.", ""}; !slices.Equal(got, want) {
		t.Errorf("after Del: %q, want an empty basket", got)
	}
	if r.p.pay.box.Visible() {
		t.Errorf("the payment shows for an empty basket")
	}
}

// TestBoxOffice_refusedLine: a line the store refuses (a second ticket
// at the UiTPAS-tarief, limited to one a month) says why next to it, and
// the basket cannot be paid until it goes.
func TestBoxOffice_refusedLine(t *testing.T) {
	r := newBoxRig(t, "nl")
	r.scan(t, kevinCard)
	r.press(fyne.KeyF5)
	r.wait(t)
	r.press(fyne.KeyF6)
	r.wait(t)
	r.press(fyne.KeyUp) // a second one at the UiTPAS-tarief
	r.wait(t)
	want := []string{"1 × UiTPAS-tarief", "", "2 × UiTPAS-tarief", "", "Deze pashouder kan deze maand nog 1 ticket kopen aan dit tarief, geen 2.", "Totaal —"}
	if got := r.basket(); !slices.Equal(got, want) {
		t.Errorf("basket %q, want %q: the store's sentence next to its line", got, want)
	}
	if !r.p.pay.button.Disabled() {
		t.Errorf("payment possible for a refused basket")
	}
	r.press(fyne.KeyF9)
	r.press(fyne.KeyReturn)
	if len(r.box.tickets) != 0 || len(r.a.overlays) != 0 {
		t.Errorf("a refused basket went to payment: %+v", r.box.tickets)
	}

	// Removing the line leaves a basket the store accepts.
	r.p.basket.remove(1)
	r.wait(t)
	if got, want := r.basket(), []string{"1 × UiTPAS-tarief", "€ 18,00", "Totaal € 18,00"}; !slices.Equal(got, want) {
		t.Errorf("basket %q, want %q", got, want)
	}
}

func TestBoxOffice_sellCardFirst(t *testing.T) {
	r := newBoxRig(t, "nl")
	stock, err := balie.NewCardNumber("094001000001")
	if err != nil {
		t.Fatal(err)
	}
	r.press(fyne.KeyF8)
	if r.w.Canvas().Focused() != r.p.card.stock {
		t.Fatalf("F8 left the cursor on %T, want the stock card field", r.w.Canvas().Focused())
	}
	test.Type(r.p.card.stock, string(stock))
	r.press(fyne.KeyReturn)
	test.Type(r.p.card.first, "An")
	r.press(fyne.KeyReturn)
	test.Type(r.p.card.last, "Claes")
	r.press(fyne.KeyReturn)
	test.Type(r.p.card.birth, "31/02/1990")
	r.press(fyne.KeyReturn)
	test.Type(r.p.card.postal, "250")
	r.press(fyne.KeyF9)

	if len(r.box.cards) != 0 {
		t.Fatalf("the store was asked to sell with a bad form: %+v", r.box.cards)
	}
	for _, c := range []struct {
		name string
		l    *widget.Label
		want string
	}{
		{"birth date", r.p.card.birthErr, "Dit is geen datum: typ dd/mm/jjjj, bv. 05/03/1990."},
		{"postal code", r.p.card.postalErr, "Een postcode heeft vier cijfers, bv. 2500."},
	} {
		if !c.l.Visible() || c.l.Text != c.want {
			t.Errorf("%s says %q (shown %v), want %q", c.name, c.l.Text, c.l.Visible(), c.want)
		}
	}
	if r.p.card.firstErr.Visible() || r.p.card.lastErr.Visible() || r.p.card.stockErr.Visible() {
		t.Errorf("a good field is marked wrong")
	}

	r.p.card.birth.SetText("5/3/1990")
	r.p.card.postal.SetText("2500")
	r.wait(t) // the card's price
	r.press(fyne.KeyF9)
	r.wait(t) // the price again, on the confirm screen
	test.Tap(findButton(t, r.a.root, "Kaart"))
	pressFocused(r.w, fyne.KeyReturn)
	r.wait(t) // the sale
	want := balie.CardSaleRequest{Card: stock, Reason: balie.ReasonFirstCard, Payment: balie.PayCard,
		NewHolder: &balie.Holder{FirstName: "An", LastName: "Claes", PostalCode: "2500", BirthDate: time.Date(1990, 3, 5, 0, 0, 0, 0, balie.Brussels())}}
	if len(r.box.cards) != 1 || fmt.Sprint(*r.box.cards[0].NewHolder) != fmt.Sprint(*want.NewHolder) ||
		r.box.cards[0].Card != want.Card || r.box.cards[0].Reason != want.Reason || r.box.cards[0].Payment != want.Payment || r.box.cards[0].HolderCard != "" {
		t.Fatalf("card sales %+v, want %+v", r.box.cards, want)
	}
	shown := strings.Join(labelTexts(r.p.slip.outcome), "\n")
	if !strings.Contains(shown, "Kaart "+string(stock)+" verkocht aan An.") || !strings.Contains(shown, "UiTPAS "+string(stock)) {
		t.Errorf("outcome:\n%s", shown)
	}
	r.wait(t) // the new card looked up
	if r.p.view != viewTickets || r.p.card.stock.Text != "" {
		t.Errorf("after the sale: view %d, stock field %q; want the tickets and an empty form", r.p.view, r.p.card.stock.Text)
	}
}

func TestBoxOffice_sellCardReplacement(t *testing.T) {
	r := newBoxRig(t, "nl")
	r.scan(t, tomCard)
	stock, err := balie.NewCardNumber("094001000002")
	if err != nil {
		t.Fatal(err)
	}
	r.press(fyne.KeyF8)
	test.Type(r.p.card.stock, string(stock))
	r.p.card.reasonPick.SetSelectedIndex(3) // defect
	r.wait(t)                               // the card's price
	if got, want := r.p.card.forWhom.Text, "De nieuwe kaart is voor Tom Peeters (nu kaart 0900000095902)."; got != want {
		t.Errorf("for whom %q, want %q", got, want)
	}
	r.press(fyne.KeyF9)
	r.wait(t) // the price, on the confirm screen
	test.Tap(findButton(t, r.a.root, "Factuur"))
	pressFocused(r.w, fyne.KeyReturn)
	r.wait(t)
	if len(r.box.cards) != 1 || r.box.cards[0].HolderCard != tomCard || r.box.cards[0].Reason != balie.ReasonReplaceDefect || r.box.cards[0].NewHolder != nil {
		t.Errorf("card sales %+v, want a replacement for Tom's card", r.box.cards)
	}
	r.wait(t)
}

func TestBoxOffice_membership(t *testing.T) {
	r := newBoxRig(t, "nl")
	r.scan(t, tomCard)
	r.press(fyne.KeyF10)
	if got, want := r.p.member.price.Text, "€ 5,00 met UiTPAS (zonder pas € 10,00)"; got != want {
		t.Errorf("price %q, want %q", got, want)
	}
	if got, want := r.p.member.state.Text, "Tom is lid tot 31/08/2027; betalen verlengt het lidmaatschap."; got != want {
		t.Errorf("state %q, want %q", got, want)
	}
	if got, want := r.p.pay.dueLabel.Text, "Te betalen: € 5,00"; got != want {
		t.Errorf("due %q, want %q", got, want)
	}
	r.press(fyne.KeyF9)
	r.wait(t)               // the quote, on the confirm screen
	r.press(fyne.KeyReturn) // paid exactly
	r.wait(t)
	want := []balie.MembershipRequest{{Card: tomCard, ProgramID: "prog-vriendenkring", Payment: balie.PayCash}}
	if !slices.Equal(r.box.members, want) {
		t.Fatalf("memberships %+v, want %+v", r.box.members, want)
	}
	shown := strings.Join(labelTexts(r.p.slip.outcome), "\n")
	for _, s := range []string{"Vriendenkring CC Lier verlengd voor Tom, geldig tot 31/08/2028.", "Terug te geven: € 0,00", "Vriendenkring CC Lier tot 31/08/2028"} {
		if !strings.Contains(shown, s) {
			t.Errorf("outcome lacks %q:\n%s", s, shown)
		}
	}
	r.wait(t) // Tom looked up again
	if len(labelTexts(r.p.slip.outcome)) == 0 {
		t.Errorf("the receipt went away when the holder was looked up again")
	}
}

// TestBoxOffice_wording: the social tariff is only ever "UiTPAS-tarief",
// on screen and on the receipt, in both languages.
func TestBoxOffice_wording(t *testing.T) {
	banned := []string{"kansen", "sociaal", "sociale", "social"}
	check := func(t *testing.T, where string, texts []string) {
		t.Helper()
		for _, s := range texts {
			for _, b := range banned {
				if strings.Contains(strings.ToLower(s), b) {
					t.Errorf("%s says %q", where, s)
				}
			}
		}
	}
	for _, name := range []string{"nl", "en"} {
		b, _ := fs.ReadFile(assets.Translations(), "translations/"+name+".json")
		var m map[string]string
		json.Unmarshal(b, &m)
		for id, tx := range m {
			if strings.HasPrefix(id, "box.") {
				check(t, id, []string{tx})
			}
		}
	}
	for _, lang := range []string{"nl", "en"} {
		t.Run(lang, func(t *testing.T) {
			r := newBoxRig(t, lang)
			r.scan(t, kevinCard)
			r.press(fyne.KeyF6)
			r.wait(t)
			check(t, "the basket", allTexts(r.p.content()))
			r.press(fyne.KeyF9)
			r.press(fyne.KeyReturn)
			r.wait(t)
			receipt := allTexts(r.p.slip.outcome)
			if !strings.Contains(strings.Join(receipt, "\n"), "  UiTPAS-tarief\n") {
				t.Errorf("the receipt does not call the ticket UiTPAS-tarief:\n%s", strings.Join(receipt, "\n"))
			}
			check(t, "the panel after the sale", allTexts(r.p.content()))
			r.press(fyne.KeyF8)
			check(t, "the card sale", allTexts(r.p.content()))
			r.wait(t)
		})
	}
	// A tariff misnamed in the data is still called UiTPAS-tarief.
	if got := tariffName(balie.Tariff{Kind: balie.TariffSocial, Name: "Kansentarief"}, "nl"); got != "UiTPAS-tarief" {
		t.Errorf("a social tariff named Kansentarief shows as %q", got)
	}
}

func TestBoxOffice_parseBirthDate(t *testing.T) {
	now := boxDay.Add(10 * time.Hour)
	cases := []struct {
		in   string
		want string // the date, or the sentence's id
	}{
		{"05/03/1990", "1990-03-05"},
		{"5/3/1990", "1990-03-05"},
		{" 05-03-1990 ", "1990-03-05"},
		{"05.03.1990", "1990-03-05"},
		{"", string(msgBoxNeedBirth)},
		{"31/02/1990", string(msgBoxBadBirth)},
		{"1990-03-05", string(msgBoxBadBirth)},
		{"05/03/90", string(msgBoxBadBirth)},
		{"05/03/2030", string(msgBoxFutureBirth)},
		{"05/03/1890", string(msgBoxOldBirth)},
	}
	for _, c := range cases {
		d, id := parseBirthDate(c.in, now)
		got := string(id)
		if id == "" {
			got = d.Format("2006-01-02")
		}
		if got != c.want {
			t.Errorf("parseBirthDate(%q) = %s, want %s", c.in, got, c.want)
		}
	}
}

func TestBoxOfficeTexts_weekdays(t *testing.T) {
	useLanguage(t, "nl")
	if n := len(strings.Fields(language("nl").t(msgBoxWeekdays))); n != 7 {
		t.Errorf("%d Dutch weekdays, want 7", n)
	}
}

func TestBoxOffice_lockClears(t *testing.T) {
	r := newBoxRig(t, "nl")
	r.press(fyne.KeyF5)
	r.wait(t)
	r.press(fyne.KeyF8)
	test.Type(r.p.card.first, "An")
	test.Type(r.p.card.birth, "05/03/1990")
	r.press(fyne.KeyF12)
	if r.onMain() {
		t.Fatalf("F12 in the card form did not lock")
	}
	if len(r.p.basket.lines) != 0 || r.p.card.first.Text != "" || r.p.card.birth.Text != "" || r.p.view != viewTickets {
		t.Errorf("after the lock: %d basket lines, first name %q, birth date %q, view %d; want all cleared",
			len(r.p.basket.lines), r.p.card.first.Text, r.p.card.birth.Text, r.p.view)
	}
}

// TestBoxOffice_print: every sale's receipt goes to the receipt printer;
// a printer that does not answer loses no sale and is said.
func TestBoxOffice_print(t *testing.T) {
	r := newBoxRig(t, "nl")
	var printed [][]byte
	fail := false
	r.a.deps.Print = func(b []byte) error {
		if fail {
			return errors.New("write /dev/ttyUSB1: input/output error")
		}
		printed = append(printed, b)
		return nil
	}
	sale := receipt.Receipt{Desk: "Balie CC Lier", Time: r.now, Lines: []receipt.Line{{Description: "De Gruffalo", Quantity: 1, UnitPrice: 1800, Amount: 1800}},
		Total: 1800, Payment: balie.PayCard, Reference: "0193aaaa-0000-7000-8000-00000000cafe"}
	r.p.sold("1 ticket verkocht.", sale, "")
	r.wait(t)
	if len(printed) != 1 || !bytes.HasPrefix(printed[0], []byte{0x1B, 0x40}) || !bytes.Contains(printed[0], []byte("De Gruffalo")) {
		t.Fatalf("printed %q, want one ESC/POS receipt", printed)
	}
	fail = true
	r.p.sold("1 ticket verkocht.", sale, "")
	r.wait(t)
	if !strings.HasPrefix(r.a.note.Text, "De bonprinter antwoordt niet") {
		t.Errorf("a failing printer says %q", r.a.note.Text)
	}
}

// TestBoxOffice_cardPriceBeforeSale: the card's price shows as soon as
// the form knows the holder's residence and age, before anything is sold.
func TestBoxOffice_cardPriceBeforeSale(t *testing.T) {
	cases := []struct {
		name  string
		fill  func(t *testing.T, r *boxRig)
		price string
	}{
		{"an adult", func(t *testing.T, r *boxRig) {
			test.Type(r.p.card.birth, "05/03/1990")
			test.Type(r.p.card.postal, "2500")
		}, "Te betalen: € 5,00"},
		{"a child", func(t *testing.T, r *boxRig) {
			test.Type(r.p.card.birth, "05/03/2018")
			test.Type(r.p.card.postal, "2500")
		}, "Te betalen: € 0,00"},
		{"a replacement for the holder on screen", func(t *testing.T, r *boxRig) {
			r.p.card.reasonPick.SetSelectedIndex(1)
		}, "Te betalen: € 5,00"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newBoxRig(t, "nl")
			if c.name == "a replacement for the holder on screen" {
				r.scan(t, tomCard)
			}
			r.press(fyne.KeyF8)
			if got := r.p.pay.dueLabel.Text; !strings.Contains(got, "de prijs volgt") {
				t.Errorf("before the form is filled: %q", got)
			}
			c.fill(t, r)
			r.wait(t) // the store's price
			if got := r.p.pay.dueLabel.Text; got != c.price {
				t.Errorf("due %q, want %q", got, c.price)
			}
			if len(r.box.cards) != 0 {
				t.Errorf("a card was sold to price it")
			}
		})
	}
	r := newBoxRig(t, "nl")
	r.press(fyne.KeyF8)
	if got := labelTexts(r.p.card.newHolder); !slices.Contains(got, "Voornaam") || !slices.Contains(got, "Familienaam") {
		t.Errorf("the form's fields are %q, want Voornaam and Familienaam", got)
	}
}

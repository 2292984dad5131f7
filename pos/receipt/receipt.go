// Package receipt renders what a desk hands out on paper: a customer's
// receipt and a shift's Z report, as plain text (for the screen and a
// receipt printer) and as PDF. Dutch (nl-BE) by default, English with
// lang "en".
//
// What the customer sees never singles out a holder with the social
// tariff: a social-tariff line reads "UiTPAS-tarief" and nothing else, in
// either language, whatever the tariff is called in the catalogue, and so
// does every regular line sold to a pass holder (Line.Pass).
package receipt

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/balie/balie"
)

// Receipt is what the customer takes home after a sale.
type Receipt struct {
	Desk      string // the desk's name: "Onthaal CC"
	Organiser string // who sold: "CC Lier"
	Time      time.Time
	Staff     string // the clerk's first name only
	Lines     []Line
	Total     balie.Cents
	Payment   balie.PaymentMethod
	Tendered  balie.Cents // cash handed over; 0 when not cash or not typed in
	Change    balie.Cents // cash given back
	Reference string      // the journal event's id; printed short, see ShortRef
	Footer    string      // "Bedankt en tot ziens!"; empty for none
}

// Line is one line of a receipt.
type Line struct {
	Description string           // what was sold: the event, the membership, the card
	Tariff      balie.TariffKind // for tickets; empty for other sales
	TariffName  string           // a regular or coupon tariff's name; never printed for SOCIAL
	// Pass is set when the line was sold to a pass holder: its regular
	// and UiTPAS lines then read the same (balie.PassLine), so a holder
	// with the social tariff is told apart by nothing but the amount.
	Pass      bool
	Quantity  int
	UnitPrice balie.Cents
	Amount    balie.Cents
}

// SocialLabel is all a receipt ever says of the social tariff.
const SocialLabel = "UiTPAS-tarief"

// TicketLines are the lines of a ticket sale: one per tariff, with the
// event's name as description. name gives a tariff's name (nil or "" for
// the default); it is not asked for social-tariff lines.
func TicketLines(ev balie.Event, quotes []balie.TicketQuote, name func(tariffID string) string) []Line {
	out := make([]Line, 0, len(quotes))
	for _, q := range quotes {
		l := Line{Description: ev.Name, Tariff: q.Kind, Quantity: q.Quantity, UnitPrice: q.Shares.Holder, Amount: q.Total}
		if q.Kind != balie.TariffSocial && name != nil {
			l.TariffName = name(q.TariffID)
		}
		out = append(out, l)
	}
	return out
}

// Label is the tariff as the customer may read it: "UiTPAS-tarief" for
// the social tariff, the tariff's name otherwise, "" when not a ticket.
func (l Line) Label(lang string) string {
	if balie.PassLine(l.Tariff, l.Pass) {
		return SocialLabel
	}
	switch l.Tariff {
	case balie.TariffSocial:
		return SocialLabel
	case balie.TariffRegular:
		if l.TariffName != "" {
			return neutral(l.TariffName)
		}
		return tr(lang, "Normaal tarief", "Regular")
	case balie.TariffCoupon:
		if l.TariffName != "" {
			return neutral(l.TariffName)
		}
		return tr(lang, "Bon", "Voucher")
	}
	return neutral(l.TariffName)
}

// stigma matches the words that would single out a holder with the
// social tariff. They should never reach a receipt; if a catalogue name
// carries one anyway, it is printed as the UiTPAS tariff.
var stigma = regexp.MustCompile(`(?i)kansen\s*-?\s*(tarief|statuut)|sociaal\s*-?\s*tarief|sociale\s+(korting|prijs)|social\s+(tariff|rate|price|discount)`)

// neutral is text from the catalogue as a customer may read it.
func neutral(s string) string { return stigma.ReplaceAllString(s, SocialLabel) }

// ShortRef is a journal event id as a receipt prints it: the last eight
// hex digits, "89AB-CDEF". A UUIDv7 starts with its time, so its start
// is the same for every act of a minute; its end is random.
func ShortRef(id string) string {
	hex := strings.ToUpper(strings.ReplaceAll(id, "-", ""))
	if len(hex) < 8 {
		return hex
	}
	hex = hex[len(hex)-8:]
	return hex[:4] + "-" + hex[4:]
}

// tr picks the sentence for the language: English for "en", Dutch
// otherwise, as (*balie.Error).Message does.
func tr(lang, nl, en string) string {
	if lang == "en" {
		return en
	}
	return nl
}

func money(c balie.Cents, lang string) string { return c.Format(lang) }

// when formats a moment as a Belgian clock on the wall shows it.
func when(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(balie.Brussels()).Format("02/01/2006 15:04")
}

// PaymentName is a payment method in the language.
func PaymentName(m balie.PaymentMethod, lang string) string {
	switch m {
	case balie.PayCash:
		return tr(lang, "Cash", "Cash")
	case balie.PayCard:
		return tr(lang, "Kaart", "Card")
	case balie.PayInvoice:
		return tr(lang, "Factuur", "Invoice")
	case balie.PayNone, "":
		return tr(lang, "Niets te betalen", "Nothing to pay")
	}
	return string(m)
}

// KindName is a kind of sale in the language.
func KindName(k balie.Kind, lang string) string {
	switch k {
	case balie.KindTicketSale:
		return tr(lang, "Tickets", "Tickets")
	case balie.KindCardSale:
		return tr(lang, "UiTPAS-kaarten", "UiTPAS cards")
	case balie.KindMembershipPayment:
		return tr(lang, "Lidmaatschappen", "Memberships")
	}
	return string(k)
}

// ReceiptText renders a receipt for a screen or a receipt printer, width
// characters wide (at least 24; 32, 42 and 48 are the common printers).
func ReceiptText(r Receipt, lang string, width int) string {
	width = max(width, 24)
	var b textBuilder
	b.width = width
	for _, s := range []string{r.Desk, r.Organiser} {
		if s != "" {
			b.centre(s)
		}
	}
	b.pair(when(r.Time), staffWord(r.Staff, lang))
	b.rule('-')
	for _, l := range r.Lines {
		b.wrap(neutral(l.Description), 0)
		if label := l.Label(lang); label != "" {
			b.wrap(label, 2)
		}
		b.pair("  "+quantityText(l, lang), money(l.Amount, lang))
	}
	b.rule('-')
	b.pair(tr(lang, "TOTAAL", "TOTAL"), money(r.Total, lang))
	b.pair(tr(lang, "Betaling", "Payment"), paymentWords(r.Payment, lang))
	if r.Payment == balie.PayCash && r.Tendered > 0 {
		b.pair(tr(lang, "Ontvangen", "Tendered"), money(r.Tendered, lang))
		b.pair(tr(lang, "Terug", "Change"), money(r.Change, lang))
	}
	b.rule('-')
	if r.Reference != "" {
		b.centre(tr(lang, "Ref. ", "Ref. ") + ShortRef(r.Reference))
	}
	if r.Footer != "" {
		for _, s := range wrapWords(neutral(r.Footer), width) {
			b.centre(s)
		}
	}
	return b.String()
}

func staffWord(name, lang string) string {
	if name == "" {
		return ""
	}
	return tr(lang, "Kassa: ", "Served by ") + name
}

// quantityText is "2 x € 18,00".
func quantityText(l Line, lang string) string {
	return fmt.Sprintf("%d x %s", l.Quantity, money(l.UnitPrice, lang))
}

// textBuilder lays out fixed-width lines, counting characters, not bytes:
// "€" is one character on a printer.
type textBuilder struct {
	strings.Builder
	width int
}

func runes(s string) int { return len([]rune(s)) }

func (b *textBuilder) line(s string) {
	b.WriteString(strings.TrimRight(s, " "))
	b.WriteByte('\n')
}

func (b *textBuilder) blank() { b.WriteByte('\n') }

func (b *textBuilder) rule(c rune) { b.line(strings.Repeat(string(c), b.width)) }

func (b *textBuilder) centre(s string) {
	for _, part := range wrapWords(s, b.width) {
		pad := (b.width - runes(part)) / 2
		b.line(strings.Repeat(" ", pad) + part)
	}
}

// pair puts left and right on one line, right-aligned; when they do not
// fit, right goes on its own line.
func (b *textBuilder) pair(left, right string) {
	gap := b.width - runes(left) - runes(right)
	if gap >= 1 {
		b.line(left + strings.Repeat(" ", gap) + right)
		return
	}
	b.wrap(left, 0)
	b.line(strings.Repeat(" ", max(b.width-runes(right), 0)) + right)
}

// wrap writes s over as many lines as it needs, indented.
func (b *textBuilder) wrap(s string, indent int) {
	for _, part := range wrapWords(s, b.width-indent) {
		b.line(strings.Repeat(" ", indent) + part)
	}
}

// wrapWords breaks s into lines of at most width characters, between
// words where it can.
func wrapWords(s string, width int) []string {
	width = max(width, 1)
	var out []string
	var cur []rune
	for _, w := range strings.Fields(s) {
		word := []rune(w)
		for len(word) > width { // a word longer than a line is cut
			if len(cur) > 0 {
				out, cur = append(out, string(cur)), nil
			}
			out, word = append(out, string(word[:width])), word[width:]
		}
		switch {
		case len(cur) == 0:
			cur = word
		case len(cur)+1+len(word) <= width:
			cur = append(append(cur, ' '), word...)
		default:
			out, cur = append(out, string(cur)), word
		}
	}
	if len(cur) > 0 {
		out = append(out, string(cur))
	}
	return out
}

// paymentWords is how a receipt says how it was paid: an invoice is not
// paid yet, so "Betaald met Factuur" told the customer a wrong thing.
func paymentWords(m balie.PaymentMethod, lang string) string {
	switch m {
	case balie.PayCard:
		return tr(lang, "Met de kaart", "By card")
	case balie.PayInvoice:
		return tr(lang, "Op factuur", "On invoice")
	}
	return PaymentName(m, lang)
}

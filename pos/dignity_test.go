package pos

import (
	"bytes"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/balie/balie/pos/receipt"
)

// amounts matches what may differ between two holders' acts: amounts of
// money (and the counts of them on a receipt's line), card numbers, and
// the spaces a receipt pads them with.
var amounts = regexp.MustCompile(`(€|\xd5) ?[0-9.]+,[0-9]{2}|[0-9]{13}|\s+`)

func masked(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = amounts.ReplaceAllString(s, "#")
	}
	return out
}

// zeroed is a receipt with its amounts taken out.
func zeroed(r receipt.Receipt) receipt.Receipt {
	r.Lines = slices.Clone(r.Lines)
	for i := range r.Lines {
		r.Lines[i].UnitPrice, r.Lines[i].Amount = 0, 0
	}
	r.Total, r.Tendered, r.Change = 0, 0, 0
	return r
}

// seen is everything a customer can see, hear or take home of one act.
type seen struct {
	screen  []string // every text in the window, after the act
	basket  []string // every text in the window before paying
	receipt receipt.Receipt
	printed []byte
	pdf     []byte
	sounds  []bool
}

// TestDignity_boxOffice: the same act for two holders, one with the
// social tariff and one without, shows, prints and sounds the same but
// for the amounts: the UiTPAS-tarief is a line every holder can buy.
func TestDignity_boxOffice(t *testing.T) {
	act := func(t *testing.T, card string) seen {
		r := newBoxRig(t, "nl")
		var s seen
		r.a.deps.Sound = func(ok bool) { s.sounds = append(s.sounds, ok) }
		r.a.deps.Print = func(b []byte) error { s.printed = b; return nil }
		// Two holders alike in all but their status and card.
		dir := r.a.scan.dir.(*fakeDirectory)
		dir.holders[kevinCard] = HolderView{FirstName: "Tom", LastName: "Peeters", Card: kevinCard, Points: 23}
		dir.holders[tomCard] = HolderView{FirstName: "Tom", LastName: "Peeters", Card: tomCard, Points: 23}
		r.scan(t, card)
		r.press(fyne.KeyF6) // the UiTPAS-tarief
		r.wait(t)
		r.press(fyne.KeyF5) // and a regular ticket
		r.wait(t)
		s.basket = allTexts(r.w.Canvas().Content())
		r.press(fyne.KeyF9)
		test.Tap(findButton(t, r.a.root, "Kaart"))
		pressFocused(r.w, fyne.KeyReturn)
		r.wait(t) // the sale
		r.wait(t) // the receipt printed
		if len(r.box.tickets) != 1 {
			t.Fatalf("sold %+v, want one sale", r.box.tickets)
		}
		s.screen = allTexts(r.w.Canvas().Content())
		s.receipt = *r.p.slip.receipt
		var pdf bytes.Buffer
		if err := receipt.ReceiptPDF(&pdf, zeroed(s.receipt), "nl"); err != nil {
			t.Fatal(err)
		}
		s.pdf = pdf.Bytes()
		return s
	}
	social, regular := act(t, kevinCard), act(t, tomCard)
	if social.receipt.Total == regular.receipt.Total {
		t.Fatalf("both paid %v: the test needs two prices", social.receipt.Total)
	}
	for _, c := range []struct {
		what   string
		social []string
		plain  []string
	}{
		{"the basket on screen", masked(social.basket), masked(regular.basket)},
		{"the screen after the sale", masked(social.screen), masked(regular.screen)},
		{"the receipt printed", masked([]string{cp858Text(social.printed)}), masked([]string{cp858Text(regular.printed)})},
	} {
		if !slices.Equal(c.social, c.plain) {
			t.Errorf("%s differs but for the amounts:\nsocial  %q\nregular %q", c.what, c.social, c.plain)
		}
	}
	if a, b := zeroed(social.receipt), zeroed(regular.receipt); !sameReceipt(a, b) {
		t.Errorf("the receipts differ but for the amounts:\n%+v\n%+v", a, b)
	}
	if !bytes.Equal(social.pdf, regular.pdf) {
		t.Errorf("the PDF receipts differ but for the amounts")
	}
	if !slices.Equal(social.sounds, regular.sounds) {
		t.Errorf("sounds %v and %v differ", social.sounds, regular.sounds)
	}
	for _, l := range social.receipt.Lines {
		if got := l.Label("nl"); got != receipt.SocialLabel {
			t.Errorf("a line reads %q, want %q for every pass holder's ticket", got, receipt.SocialLabel)
		}
	}
}

// cp858Text reads the euro sign of a printer's code page back.
func cp858Text(b []byte) string { return strings.ReplaceAll(string(b), "\xd5", "€") }

// sameReceipt compares what a receipt shows of itself: its lines as
// they are printed (not the tariff kinds behind them), and the rest.
func sameReceipt(a, b receipt.Receipt) bool {
	shown := func(r receipt.Receipt) []string {
		var out []string
		for _, l := range r.Lines {
			out = append(out, l.Description, l.Label("nl"), l.Label("en"), fmt.Sprint(l.Quantity))
		}
		return out
	}
	return a.Desk == b.Desk && a.Organiser == b.Organiser && a.Time.Equal(b.Time) && a.Staff == b.Staff &&
		slices.Equal(shown(a), shown(b)) && a.Payment == b.Payment && a.Reference == b.Reference && a.Footer == b.Footer
}

// TestDignity_childcareBill: a child's day bill reads the same with and
// without the social tariff, but for the amounts.
func TestDignity_childcareBill(t *testing.T) {
	bill := func(t *testing.T, social bool) []string {
		r := newChildcareRig(t, "nl")
		r.desk.social["h-lotte"] = social
		r.tap(t, "h-lotte")
		r.wait(t)
		r.now = r.now.Add(95 * 60 * 1e9)
		r.tap(t, "h-lotte")
		test.Type(r.p.signout.code, "2580")
		r.key(fyne.KeyF10)
		r.wait(t)
		return labelTexts(r.p.detail)
	}
	with, without := bill(t, true), bill(t, false)
	if slices.Equal(with, without) {
		t.Fatalf("the two bills are the same to the cent: the test needs the social reduction to apply")
	}
	if !slices.Equal(masked(with), masked(without)) {
		t.Errorf("the bills differ but for the amounts:\nsocial  %q\nregular %q", with, without)
	}
	if !slices.Contains(without, "UiTPAS-korting") {
		t.Errorf("a bill without the reduction lacks its line: %q", without)
	}
}

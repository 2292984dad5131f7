package pos

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/balie/balie"
)

const (
	tomCard     = "0900000095902"
	blockedCard = "0931268758204"
)

// fakeDirectory answers from maps. An input with a gate waits until the
// gate is closed, to hold a lookup in flight.
type fakeDirectory struct {
	holders map[string]HolderView
	errs    map[string]error
	gates   map[string]chan struct{}
}

func (d *fakeDirectory) Lookup(ctx context.Context, input string) (HolderView, error) {
	if g, ok := d.gates[input]; ok {
		<-g
	}
	if err, ok := d.errs[input]; ok {
		return HolderView{}, err
	}
	if h, ok := d.holders[input]; ok {
		return h, nil
	}
	return HolderView{}, balie.Errorf(balie.CodeCardUnknown,
		"Kaart %s is onbekend.", "Card %s is unknown.", input)
}

func newFakeDirectory() *fakeDirectory {
	loc := balie.Brussels()
	return &fakeDirectory{
		holders: map[string]HolderView{
			tomCard: {
				FirstName: "Tom", LastName: "Peeters", Card: tomCard, Points: 23,
				Memberships: []MembershipLine{
					{Name: "Vriendenkring CC Lier", Until: time.Date(2027, time.September, 1, 0, 0, 0, 0, loc), Valid: true},
					{Name: "Sportpas", Until: time.Date(2025, time.January, 1, 0, 0, 0, 0, loc), Valid: false},
				},
				Notices: []string{"Welkomstvoordeel nog niet opgehaald."},
			},
			"1000000520006": {FirstName: "Kevin", LastName: "Janssens", Card: "1000000520006", Points: 1},
		},
		errs: map[string]error{
			blockedCard: balie.Errorf(balie.CodeCardBlocked,
				"Kaart %s is geblokkeerd.", "Card %s is blocked.", blockedCard),
			"9999999999999": errors.New("read card: disk I/O error"),
		},
		gates: map[string]chan struct{}{},
	}
}

// rig is a scan screen in a test window, with a fixed clock and a
// captured log. The test goroutine stands in for Fyne's event loop: what
// a lookup's goroutine hands to fyne.Do arrives on ui, and wait runs it.
type rig struct {
	s   *ScanScreen
	w   fyne.Window
	ui  chan func()
	log *bytes.Buffer
}

func newRig(t *testing.T, dir Directory, lang string) *rig {
	t.Helper()
	test.NewTempApp(t).Settings().SetTheme(Theme())
	useLanguage(t, lang)
	r := &rig{
		s:   NewScanScreen(dir, lang, "Onthaal CC Lier"),
		ui:  make(chan func()),
		log: &bytes.Buffer{},
	}
	r.s.now = func() time.Time { return time.Date(2026, time.March, 14, 9, 30, 5, 0, balie.Brussels()) }
	r.s.log = slog.New(slog.NewTextHandler(r.log, nil))
	r.s.do = func(f func()) { r.ui <- f }
	r.w = test.NewWindow(r.s.Content())
	r.w.Resize(fyne.NewSize(900, 640))
	r.s.Focus(r.w.Canvas())
	t.Cleanup(r.w.Close)
	return r
}

// scan types input into the field, presses Enter and waits until the
// lookup's outcome is on the screen.
func (r *rig) scan(t *testing.T, input string) {
	t.Helper()
	r.submit(input)
	r.wait(t)
}

func (r *rig) submit(input string) {
	test.Type(r.s.field, input)
	r.s.field.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
}

// wait runs the outcome of the next lookup to finish, as Fyne's event
// loop would. The timeout only turns a hang into a failure; nothing is
// timed.
func (r *rig) wait(t *testing.T) {
	t.Helper()
	select {
	case f := <-r.ui:
		f()
	case <-time.After(5 * time.Second):
		t.Fatal("the lookup's outcome never reached the screen")
	}
}

// shown returns the texts of the labels in the result panel, in order.
func (r *rig) shown() []string { return labelTexts(r.s.result) }

func TestScanScreen_Scan(t *testing.T) {
	cases := []struct {
		name  string
		lang  string
		input string
		want  []string
	}{
		{"holder in Dutch", "nl", tomCard, []string{
			"Tom Peeters",
			"23 punten",
			"Kaart 0900000095902",
			"Lidmaatschappen",
			"Vriendenkring CC Lier — geldig tot 31/08/2027",
			"Sportpas — verlopen op 31/12/2024",
			"Meldingen",
			"Welkomstvoordeel nog niet opgehaald.",
		}},
		{"holder in English", "en", tomCard, []string{
			"Tom Peeters",
			"23 points",
			"Card 0900000095902",
			"Memberships",
			"Vriendenkring CC Lier — valid until 31/08/2027",
			"Sportpas — expired on 31/12/2024",
			"Notices",
			"Welkomstvoordeel nog niet opgehaald.",
		}},
		{"one point, no memberships", "nl", " 1000000520006 ", []string{
			"Kevin Janssens",
			"1 punt",
			"Kaart 1000000520006",
			"Lidmaatschappen",
			"Geen lidmaatschappen",
		}},
		{"blocked card in Dutch", "nl", blockedCard, []string{"Kaart 0931268758204 is geblokkeerd."}},
		{"blocked card in English", "en", blockedCard, []string{"Card 0931268758204 is blocked."}},
		{"any other language is Dutch", "fr", blockedCard, []string{"Kaart 0931268758204 is geblokkeerd."}},
		{"fault in Dutch", "nl", "9999999999999", []string{"Er ging iets mis; probeer opnieuw."}},
		{"fault in English", "en", "9999999999999", []string{"Something went wrong; please try again."}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := newRig(t, newFakeDirectory(), tc.lang)
			r.scan(t, tc.input)
			if got := r.shown(); !slices.Equal(got, tc.want) {
				t.Errorf("shown %q, want %q", got, tc.want)
			}
		})
	}
}

func TestScanScreen_Scan_clearsAndKeepsFocus(t *testing.T) {
	r := newRig(t, newFakeDirectory(), "nl")
	r.scan(t, tomCard)
	if got := r.s.field.Text; got != "" {
		t.Errorf("field holds %q after the scan, want it empty", got)
	}
	if got := r.w.Canvas().Focused(); got != r.s.field {
		t.Errorf("focus on %T after the scan, want the scan field", got)
	}
	if got, want := r.s.status.Text, "Laatste actie om 09:30:05: pashouder getoond"; got != want {
		t.Errorf("status %q, want %q", got, want)
	}
}

func TestScanScreen_Scan_statusAfterRefusal(t *testing.T) {
	r := newRig(t, newFakeDirectory(), "en")
	r.scan(t, blockedCard)
	if got, want := r.s.status.Text, "Last action at 09:30:05: scan refused"; got != want {
		t.Errorf("status %q, want %q", got, want)
	}
}

func TestScanScreen_Scan_logsFaultWithoutInput(t *testing.T) {
	r := newRig(t, newFakeDirectory(), "nl")
	r.scan(t, "9999999999999")
	log := r.log.String()
	if !strings.Contains(log, "disk I/O error") {
		t.Errorf("log %q does not name the fault", log)
	}
	if strings.Contains(log, "9999999999999") {
		t.Errorf("log %q holds the scanned input", log)
	}
}

func TestScanScreen_Scan_emptyInputLooksNothingUp(t *testing.T) {
	r := newRig(t, newFakeDirectory(), "nl")
	r.s.Scan("   ")
	if got, want := r.shown(), []string{"Nog geen pashouder gescand."}; !slices.Equal(got, want) {
		t.Errorf("shown %q, want %q", got, want)
	}
	if got, want := r.s.status.Text, "Klaar om te scannen"; got != want {
		t.Errorf("status %q, want %q", got, want)
	}
}

func TestScanScreen_Scan_dropsStaleResult(t *testing.T) {
	dir := newFakeDirectory()
	slow := make(chan struct{})
	dir.gates[blockedCard] = slow
	r := newRig(t, dir, "nl")

	r.submit(blockedCard) // held in flight
	r.scan(t, tomCard)
	close(slow)
	r.wait(t) // the blocked card's outcome arrives last

	if got := r.shown(); len(got) == 0 || got[0] != "Tom Peeters" {
		t.Errorf("shown %q, want Tom Peeters, the last scan", got)
	}
}

func TestScanScreen_Escape_dropsLookupInFlight(t *testing.T) {
	dir := newFakeDirectory()
	slow := make(chan struct{})
	dir.gates[tomCard] = slow
	r := newRig(t, dir, "nl")

	r.submit(tomCard)
	r.s.field.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	close(slow)
	r.wait(t)

	if got, want := r.shown(), []string{"Nog geen pashouder gescand."}; !slices.Equal(got, want) {
		t.Errorf("shown %q, want %q", got, want)
	}
}

func TestScanScreen_Escape(t *testing.T) {
	r := newRig(t, newFakeDirectory(), "nl")
	r.scan(t, tomCard)
	test.Type(r.s.field, "0930")
	r.s.field.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})

	if got := r.s.field.Text; got != "" {
		t.Errorf("field holds %q after Escape, want it empty", got)
	}
	if got, want := r.shown(), []string{"Nog geen pashouder gescand."}; !slices.Equal(got, want) {
		t.Errorf("shown %q, want %q", got, want)
	}
	if got, want := r.s.status.Text, "Laatste actie om 09:30:05: scherm gewist"; got != want {
		t.Errorf("status %q, want %q", got, want)
	}
}

func TestScanScreen_Focus_wedgeTypingAfterFocusLost(t *testing.T) {
	r := newRig(t, newFakeDirectory(), "nl")
	c := r.w.Canvas()
	c.Unfocus() // the clerk clicked the result panel
	test.TypeOnCanvas(c, tomCard)
	if got := r.s.field.Text; got != tomCard {
		t.Fatalf("field holds %q, want %q", got, tomCard)
	}
	c.Focused().TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	r.wait(t)
	if got := r.shown(); len(got) == 0 || got[0] != "Tom Peeters" {
		t.Errorf("shown %q, want Tom Peeters", got)
	}
}

func TestScanScreen_rendersHolder(t *testing.T) {
	r := newRig(t, newFakeDirectory(), "nl")
	r.scan(t, tomCard)
	test.AssertRendersToMarkup(t, "scan_holder.xml", r.w.Canvas())
}

// searchDirectory also finds holders by name.
type searchDirectory struct{ *fakeDirectory }

func (d searchDirectory) Search(ctx context.Context, name string) ([]HolderView, error) {
	if !strings.EqualFold(name, "peeters") {
		return nil, nil
	}
	born := time.Date(1980, 3, 14, 0, 0, 0, 0, balie.Brussels())
	return []HolderView{{HolderID: "h-tom", FirstName: "Tom", LastName: "Peeters", BirthDate: born, PostalCode: "2500"},
		{HolderID: "h-rita", FirstName: "Rita", LastName: "Peeters", PostalCode: "2560"}}, nil
}

func (d searchDirectory) LookupHolder(ctx context.Context, id string) (HolderView, error) {
	h := d.holders[tomCard]
	h.Notices = []string{"De kaart is geblokkeerd: verkoop een vervangkaart."}
	return h, nil
}

// TestScanScreen_Scan_byName: a holder who lost their card is found by
// name and shown, so the desk can sell a replacement.
func TestScanScreen_Scan_byName(t *testing.T) {
	r := newRig(t, searchDirectory{newFakeDirectory()}, "nl")
	r.scan(t, "Peeters")
	var found []*keyButton
	walk(r.s.result, func(o fyne.CanvasObject) {
		if b, ok := o.(*keyButton); ok {
			found = append(found, b)
		}
	})
	got := r.shown()
	if len(found) != 2 || found[0].Text != "Tom Peeters · °14/03/1980 · 2500" || len(got) == 0 || !strings.HasPrefix(got[0], "2 pashouders gevonden") {
		t.Fatalf("search shows %q and %d choices", got, len(found))
	}
	test.Tap(found[0])
	r.wait(t)
	if got := r.shown(); len(got) == 0 || got[0] != "Tom Peeters" || !slices.Contains(got, "De kaart is geblokkeerd: verkoop een vervangkaart.") {
		t.Errorf("after choosing: %q", got)
	}
	r.scan(t, "Nobody Here")
	if got := r.shown(); len(got) != 1 || got[0] != `Geen pashouder gevonden voor "Nobody Here".` {
		t.Errorf("no match shows %q", got)
	}
}

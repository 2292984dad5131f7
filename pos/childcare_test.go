package pos

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/balie/balie"
)

const (
	ccChildCard    = "0930008039818" // a child in childcare
	ccAdultCard    = "0900000095902" // Tom, who may pick Lotte and Noah up
	ccStrangerCard = "1000000520006" // Kevin, who may not
	ccAmberCard    = "2000000000024" // a child present since 15:05
)

// fakeChildcare is a childcare register in memory that bills with the
// domain's own rules. Its clock is the rig's.
type fakeChildcare struct {
	now func() time.Time

	mu       sync.Mutex // guards what follows: the acts run on the app's goroutines
	children []balie.ChildToday
	social   map[string]bool
	closing  time.Time
	acts     []string
	bills    []string
}

var ccAdults = []balie.AuthorisedAdult{
	{Name: "Tom Peeters", HolderID: "h-tom"},
	{Name: "Sofie Verhoeven", Code: "2580"},
	{Name: "Rita Peeters", Code: "7310"},
}

func ccRates() balie.ChildcareRates {
	return balie.ChildcareRates{Unit: 30 * time.Minute, UnitPrice: 105, BlockShort: 354, BlockMedium: 531, BlockLong: 1052,
		SiblingPct: 25, SocialPct: 50, LateUnit: 30 * time.Minute, LateFee: 1500}
}

// newFakeChildcare is a Wednesday at the Speelvogel: Amber is there
// since 15:05, Finn has not come, Noah came and went, Lotte is expected.
func newFakeChildcare(now func() time.Time) *fakeChildcare {
	at := func(h, m int) time.Time { return time.Date(2026, 11, 25, h, m, 0, 0, balie.Brussels()) }
	return &fakeChildcare{
		now: now,
		children: []balie.ChildToday{
			{HolderID: "h-amber", FirstName: "Amber", LastName: "Van Dessel", Group: "Kleuters",
				Authorised: []balie.AuthorisedAdult{{Name: "Jan Van Dessel", Code: "1111"}},
				Present:    true, Since: at(15, 5), Stays: []balie.ChildStay{{In: at(15, 5)}}},
			{HolderID: "h-finn", FirstName: "Finn", LastName: "El Amrani", Group: "Kleuters",
				Authorised: []balie.AuthorisedAdult{{Name: "Samira El Amrani", Code: "4444"}}},
			{HolderID: "h-lotte", FirstName: "Lotte", LastName: "Peeters", Group: "Lager 1-3", Authorised: ccAdults},
			{HolderID: "h-noah", FirstName: "Noah", LastName: "Peeters", Group: "Lager 4-6", Authorised: ccAdults,
				Stays: []balie.ChildStay{{In: at(12, 10), Out: at(13, 0), PickedUpBy: "Rita Peeters"}}},
		},
		social:  map[string]bool{"h-lotte": true},
		closing: at(18, 30),
	}
}

func (f *fakeChildcare) child(id string) (*balie.ChildToday, error) {
	for i := range f.children {
		if f.children[i].HolderID == id {
			return &f.children[i], nil
		}
	}
	return nil, balie.Errorf(balie.CodeChildUnknown, "Dit kind is niet ingeschreven bij deze opvang.", "This child is not enrolled at this childcare.")
}

func (f *fakeChildcare) Children(ctx context.Context, day time.Time) ([]balie.ChildToday, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := slices.Clone(f.children)
	for i := range out {
		out[i].Stays = slices.Clone(out[i].Stays)
	}
	return out, nil
}

func (f *fakeChildcare) ClosingTime(ctx context.Context, day time.Time) (time.Time, bool, error) {
	return f.closing, true, nil
}

func (f *fakeChildcare) ChildcareRates(ctx context.Context) (balie.ChildcareRates, error) {
	return ccRates(), nil
}

func (f *fakeChildcare) SignIn(ctx context.Context, staff, id string) (balie.AttendanceResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.acts = append(f.acts, "in "+id+" by "+staff)
	c, err := f.child(id)
	if err != nil {
		return balie.AttendanceResult{}, err
	}
	if c.Present {
		return balie.AttendanceResult{}, balie.Errorf(balie.CodeChildPresent, "%s is al aangemeld.", "%s is already signed in.", c.FirstName)
	}
	now := f.now()
	c.Present, c.Since = true, now
	c.Stays = append(c.Stays, balie.ChildStay{In: now})
	return balie.AttendanceResult{Recorded: balie.Recorded{At: now}, Child: balie.Holder{FirstName: c.FirstName}, Present: f.present()}, nil
}

func (f *fakeChildcare) present() int {
	n := 0
	for _, c := range f.children {
		if c.Present {
			n++
		}
	}
	return n
}

func (f *fakeChildcare) SignOut(ctx context.Context, staff, id string, who balie.PickupProof) (balie.AttendanceResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.acts = append(f.acts, "out "+id+" with "+who.HolderID+who.Code)
	c, err := f.child(id)
	if err != nil {
		return balie.AttendanceResult{}, err
	}
	adult, ok := balie.Child{Authorised: c.Authorised}.PickupAdult(who)
	name := adult.Name
	if !ok {
		return balie.AttendanceResult{}, balie.Errorf(balie.CodePickupNotAllowed,
			"Deze persoon mag %s niet ophalen. Geef het kind niet mee en verwittig een verantwoordelijke.",
			"This person may not pick up %s. Do not let the child go and call a supervisor.", c.FirstName)
	}
	now := f.now()
	c.Present, c.Since = false, time.Time{}
	last := &c.Stays[len(c.Stays)-1]
	last.Out, last.PickedUpBy = now, name
	return balie.AttendanceResult{Recorded: balie.Recorded{At: now}, Child: balie.Holder{FirstName: c.FirstName}, PickedUpBy: name, Present: f.present()}, nil
}

func (f *fakeChildcare) ChildcareBill(ctx context.Context, id string, day time.Time, kind balie.DayKind, closing time.Time) (balie.ChildcareBill, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.bills = append(f.bills, id+" "+string(kind))
	c, err := f.child(id)
	if err != nil {
		return balie.ChildcareBill{}, err
	}
	d := balie.ChildcareDay{Day: kind, Social: f.social[id], Closing: closing}
	for _, s := range c.Stays {
		d.Sessions = append(d.Sessions, balie.ChildcareSession{In: s.In, Out: s.Out})
	}
	// Noah's stay today makes Lotte a sibling present the same day.
	d.Sibling = id == "h-lotte"
	return balie.BillChildcareDay(ccRates(), d)
}

// ccRig is the app at the childcare desk in a test window, on Wednesday
// 25 November 2026 at 15:30; the test goroutine stands in for Fyne's
// event loop, as in appRig.
type ccRig struct {
	*appRig
	desk *fakeChildcare
	p    *childcarePanel
}

func newChildcareRig(t *testing.T, lang string) *ccRig {
	t.Helper()
	test.NewTempApp(t).Settings().SetTheme(Theme())
	useLanguage(t, lang)
	r := &ccRig{appRig: &appRig{ui: make(chan func(), 16), now: time.Date(2026, 11, 25, 15, 30, 0, 0, balie.Brussels())}}
	r.desk = newFakeChildcare(func() time.Time { return r.now })
	dir := newFakeDirectory()
	dir.holders[ccChildCard] = HolderView{HolderID: "h-lotte", FirstName: "Lotte", LastName: "Peeters", Card: ccChildCard, Child: true}
	dir.holders[ccAdultCard] = HolderView{HolderID: "h-tom", FirstName: "Tom", LastName: "Peeters", Card: ccAdultCard}
	dir.holders[ccStrangerCard] = HolderView{HolderID: "h-kevin", FirstName: "Kevin", LastName: "Janssens", Card: ccStrangerCard}
	dir.holders[ccAmberCard] = HolderView{HolderID: "h-amber", FirstName: "Amber", LastName: "Van Dessel", Card: ccAmberCard, Child: true}
	cfg := Config{Lang: lang, Desk: balie.Desk{ID: "desk-bko", Name: "Onthaal BKO De Speelvogel", OrganiserID: "org-bko", Mode: balie.DeskChildcare},
		Now: func() time.Time { return r.now }, IdleLock: 5 * time.Minute, Logger: quiet()}
	r.a = newAppWith(cfg, Deps{Directory: dir, Staff: fakeStaff{}, Childcare: r.desk}, func(f func()) { r.ui <- f })
	r.p = r.a.desk.(*childcarePanel)
	r.w = test.NewWindow(r.a.Content())
	r.w.Resize(fyne.NewSize(1280, 800))
	r.a.Start(r.w.Canvas())
	r.wait(t) // the day's list
	t.Cleanup(r.w.Close)
	r.signIn(t, "0990000000010", "1234")
	return r
}

// tap taps the row of child id, as a finger on the list does.
func (r *ccRig) tap(t *testing.T, id string) {
	t.Helper()
	row, ok := r.p.list.rows[id].(*fyne.Container)
	if !ok {
		t.Fatalf("no row for %s on the screen", id)
	}
	b, ok := row.Objects[1].(*keyButton)
	if !ok {
		t.Fatalf("row of %s has %T under the name, want its button", id, row.Objects[1])
	}
	test.Tap(b)
}

func (r *ccRig) present(id string) bool {
	c, _ := r.p.find(id)
	return c.Present
}

// status is what the row of child id says of them.
func (r *ccRig) status(t *testing.T, id string) []string {
	t.Helper()
	return labelTexts(r.p.list.rows[id])
}

func (r *ccRig) acts() []string {
	r.desk.mu.Lock()
	defer r.desk.mu.Unlock()
	return slices.Clone(r.desk.acts)
}

func TestChildcare_signInByTap(t *testing.T) {
	r := newChildcareRig(t, "nl")
	if got, want := r.p.count.Text, "Aanwezig nu: 1"; got != want {
		t.Errorf("count = %q, want %q", got, want)
	}
	r.tap(t, "h-lotte")
	r.wait(t)
	if got, want := r.acts(), []string{"in h-lotte by staff-sup"}; !slices.Equal(got, want) {
		t.Errorf("acts = %q, want %q", got, want)
	}
	if got, want := r.status(t, "h-lotte"), []string{"Lotte Peeters", "Aanwezig sinds 15:30"}; !slices.Equal(got, want) {
		t.Errorf("Lotte's row = %q, want %q", got, want)
	}
	if got, want := r.p.count.Text, "Aanwezig nu: 2"; got != want {
		t.Errorf("count = %q, want %q", got, want)
	}
	if got, want := labelTexts(r.p.detail), []string{"Lotte is aangemeld om 15:30."}; !slices.Equal(got, want) {
		t.Errorf("outcome = %q, want %q", got, want)
	}
	// F5 acts for the child last tapped: now present, her sign-out.
	r.key(fyne.KeyF5)
	if r.p.leaving != "h-lotte" {
		t.Errorf("F5 after the sign-in: leaving = %q, want Lotte's sign-out", r.p.leaving)
	}
}

func TestChildcare_signInByScan(t *testing.T) {
	cases := []struct {
		name, lang string
		said       []string
	}{
		{"in Dutch", "nl", []string{"Lotte is aangemeld om 15:30."}},
		{"in English", "en", []string{"Lotte is signed in at 15:30."}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newChildcareRig(t, c.lang)
			r.scan(t, ccChildCard) // the lookup
			r.wait(t)              // the sign-in
			if got, want := r.acts(), []string{"in h-lotte by staff-sup"}; !slices.Equal(got, want) {
				t.Errorf("acts = %q, want %q", got, want)
			}
			if !r.present("h-lotte") {
				t.Errorf("Lotte not present after her card was scanned")
			}
			if got := labelTexts(r.p.detail); !slices.Equal(got, c.said) {
				t.Errorf("outcome = %q, want %q", got, c.said)
			}
			if r.p.selected != "h-lotte" {
				t.Errorf("selected = %q, want the scanned child", r.p.selected)
			}
		})
	}
}

func TestChildcare_signOut(t *testing.T) {
	cases := []struct {
		name string
		who  func(t *testing.T, r *ccRig)
		act  string // what the desk was asked
		ok   bool
	}{
		{"a pick-up code", func(t *testing.T, r *ccRig) {
			test.Type(r.p.signout.code, "2580")
			r.p.signout.code.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
			r.wait(t)
		}, "out h-amber with 2580", true},
		{"a code confirmed with F10", func(t *testing.T, r *ccRig) {
			test.Type(r.p.signout.code, "7310")
			r.key(fyne.KeyF10)
			r.wait(t)
		}, "out h-amber with 7310", true},
		{"the adult's own card", func(t *testing.T, r *ccRig) { r.scan(t, ccAdultCard); r.wait(t) },
			"out h-amber with h-tom", true},
		{"the adult's card scanned into the code field", func(t *testing.T, r *ccRig) {
			test.Type(r.p.signout.code, ccAdultCard)
			r.p.signout.code.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
			r.wait(t) // the lookup
			r.wait(t) // the sign-out
		}, "out h-amber with h-tom", true},
		{"a stranger's card", func(t *testing.T, r *ccRig) { r.scan(t, ccStrangerCard); r.wait(t) },
			"out h-amber with h-kevin", false},
		{"a wrong code", func(t *testing.T, r *ccRig) {
			test.Type(r.p.signout.code, "0000")
			r.p.signout.code.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
			r.wait(t)
		}, "out h-amber with 0000", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newChildcareRig(t, "nl")
			// Amber's adult is Jan; she leaves with the Peeters' adults here
			// to keep the cases to one list.
			r.desk.children[0].Authorised = ccAdults
			r.p.children[0].Authorised = ccAdults
			r.now = time.Date(2026, 11, 25, 17, 5, 0, 0, balie.Brussels())
			r.tap(t, "h-amber")
			if r.p.leaving != "h-amber" {
				t.Fatalf("a tap on a present child: leaving = %q, want her sign-out", r.p.leaving)
			}
			if got, want := labelTexts(r.p.detail)[0], "Amber Van Dessel afmelden: wie haalt op?"; got != want {
				t.Errorf("sign-out asks %q, want %q", got, want)
			}
			shown := labelTexts(r.p.detail)
			for _, want := range []string{"Mag ophalen:", "Tom Peeters — met de eigen UiTPAS", "Sofie Verhoeven — met de ophaalcode", "Rita Peeters — met de ophaalcode"} {
				if !slices.Contains(shown, want) {
					t.Errorf("the sign-out does not say %q: %q", want, shown)
				}
			}
			c.who(t, r)
			if got := r.acts(); len(got) != 1 || got[0] != c.act {
				t.Errorf("acts = %q, want [%q]", got, c.act)
			}
			said := strings.Join(labelTexts(r.p.detail), " | ")
			if c.ok {
				if r.present("h-amber") || r.p.leaving != "" {
					t.Errorf("after the sign-out: present %v, leaving %q", r.present("h-amber"), r.p.leaving)
				}
				if !strings.HasPrefix(said, "Amber is afgemeld om 17:05, opgehaald door ") {
					t.Errorf("shown %q, want the sign-out", said)
				}
				if got, want := r.p.count.Text, "Aanwezig nu: 0"; got != want {
					t.Errorf("count = %q, want %q", got, want)
				}
				return
			}
			// Refused: the child stays, the box stays open for the right
			// adult, the store's sentence in danger style.
			if !r.present("h-amber") || r.p.leaving != "h-amber" {
				t.Errorf("after a refusal: present %v, leaving %q; want her still present, still leaving", r.present("h-amber"), r.p.leaving)
			}
			want := "Deze persoon mag Amber niet ophalen. Geef het kind niet mee en verwittig een verantwoordelijke."
			if !strings.Contains(said, want) || !strings.Contains(said, "Mag ophalen:") {
				t.Errorf("shown %q, want %q and who may pick up", said, want)
			}
			if l := ccFindLabel(r.p.detail, want); l == nil || l.Importance != widget.DangerImportance {
				t.Errorf("the refusal is not in danger style: %+v", l)
			}
			if got, want := r.p.count.Text, "Aanwezig nu: 1"; got != want {
				t.Errorf("count = %q, want %q", got, want)
			}
		})
	}
}

func ccFindLabel(o fyne.CanvasObject, text string) *widget.Label {
	switch o := o.(type) {
	case *widget.Label:
		if o.Text == text {
			return o
		}
	case *panel:
		return ccFindLabel(o.content, text)
	case *container.ThemeOverride:
		return ccFindLabel(o.Content, text)
	case *fyne.Container:
		for _, c := range o.Objects {
			if l := ccFindLabel(c, text); l != nil {
				return l
			}
		}
	}
	return nil
}

func TestChildcare_scanOfAPresentChild(t *testing.T) {
	r := newChildcareRig(t, "nl")
	r.scan(t, ccAmberCard)
	if r.p.leaving != "h-amber" {
		t.Fatalf("leaving = %q, want Amber's sign-out", r.p.leaving)
	}
	r.wait(t) // the cursor to the code field, after the scan screen took it back
	if got := r.w.Canvas().Focused(); got != r.p.signout.code {
		t.Errorf("focus on %T, want the pick-up code field", got)
	}
	// A second scan of her card keeps the sign-out as it is.
	r.scan(t, ccAmberCard)
	r.wait(t)
	if r.p.leaving != "h-amber" || len(r.acts()) != 0 {
		t.Errorf("after a second scan: leaving %q, acts %q", r.p.leaving, r.acts())
	}
}

func TestChildcare_escapeCancelsSignOut(t *testing.T) {
	r := newChildcareRig(t, "nl")
	r.tap(t, "h-amber")
	r.key(fyne.KeyEscape)
	if r.p.leaving != "" || len(r.p.detail.Objects) != 0 {
		t.Errorf("after Escape: leaving %q, detail %q", r.p.leaving, labelTexts(r.p.detail))
	}
	if len(r.acts()) != 0 || !r.present("h-amber") {
		t.Errorf("Escape acted: %q", r.acts())
	}
}

func TestChildcare_adultCardWithoutChild(t *testing.T) {
	r := newChildcareRig(t, "nl")
	r.scan(t, ccAdultCard)
	want := []string{"Tom Peeters is geen kind van de opvang. Tik eerst op het kind dat vertrekt en scan dan deze kaart."}
	if got := labelTexts(r.p.detail); !slices.Equal(got, want) {
		t.Errorf("shown %q, want %q", got, want)
	}
	if len(r.acts()) != 0 {
		t.Errorf("acts = %q, want none", r.acts())
	}
}

func TestChildcare_rollCall(t *testing.T) {
	r := newChildcareRig(t, "nl")
	r.tap(t, "h-lotte")
	r.wait(t)
	r.now = r.now.Add(12 * time.Minute)
	r.key(fyne.KeyF6)
	want := []string{
		"Appel om 15:42: 2 aanwezig",
		"Amber Van Dessel", "Kleuters · sinds 15:05",
		"Lotte Peeters", "Lager 1-3 · sinds 15:30",
	}
	if got := labelTexts(r.p.list.box); !slices.Equal(got, want) {
		t.Errorf("roll call = %q, want %q", got, want)
	}
	if got, want := r.p.roll.Text, "Alle kinderen  [F6]"; got != want {
		t.Errorf("roll call button = %q, want %q", got, want)
	}
	r.key(fyne.KeyF6)
	if got := labelTexts(r.p.list.box); len(got) == 0 || got[0] != "Kleuters · 1 van 2 aanwezig" {
		t.Errorf("back to the list: %q", got)
	}
}

func TestChildcare_closingFlag(t *testing.T) {
	cases := []struct {
		name  string
		at    time.Time
		setup func(f *fakeChildcare)
		flag  []string
		amber string
	}{
		{"before closing", time.Date(2026, 11, 25, 18, 29, 0, 0, balie.Brussels()), nil, nil, "Aanwezig sinds 15:05"},
		{"at closing", time.Date(2026, 11, 25, 18, 30, 0, 0, balie.Brussels()), nil, nil, "Aanwezig sinds 15:05"},
		{"after closing", time.Date(2026, 11, 25, 18, 31, 0, 0, balie.Brussels()), nil, []string{
			"Nog aanwezig na sluitingstijd (1): Amber Van Dessel",
			"Niet automatisch afgemeld. Meld elk kind af wanneer het opgehaald wordt.",
		}, "Nog aanwezig sinds 15:05"},
		{"forgotten yesterday, before closing", time.Date(2026, 11, 25, 15, 30, 0, 0, balie.Brussels()), func(f *fakeChildcare) {
			f.children[1].Present, f.children[1].Since = true, time.Date(2026, 11, 24, 16, 0, 0, 0, balie.Brussels())
		}, []string{
			"Nog aanwezig na sluitingstijd (1): Finn El Amrani",
			"Niet automatisch afgemeld. Meld elk kind af wanneer het opgehaald wordt.",
		}, "Aanwezig sinds 15:05"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newChildcareRig(t, "nl")
			if c.setup != nil {
				c.setup(r.desk)
				r.p.load()
				r.wait(t)
			}
			r.now = c.at
			r.p.tick()
			if got := labelTexts(r.p.flag.box); !slices.Equal(got, c.flag) {
				t.Errorf("flag = %q, want %q", got, c.flag)
			}
			if len(c.flag) > 0 {
				if l := ccFindLabel(r.p.flag.box, c.flag[0]); l == nil || l.Importance != widget.DangerImportance {
					t.Errorf("the flag is not in danger style")
				}
			}
			if got := r.status(t, "h-amber"); len(got) != 2 || got[1] != c.amber {
				t.Errorf("Amber's row = %q, want %q", got, c.amber)
			}
			// Flagged, never signed out or billed by the desk itself.
			r.desk.mu.Lock()
			bills := slices.Clone(r.desk.bills)
			r.desk.mu.Unlock()
			if len(r.acts()) != 0 || len(bills) != 0 {
				t.Errorf("acts %q, bills %q; want none", r.acts(), bills)
			}
		})
	}
}

func TestChildcare_bill(t *testing.T) {
	wednesday := func(h, m int) time.Time { return time.Date(2026, 11, 25, h, m, 0, 0, balie.Brussels()) }
	cases := []struct {
		name  string
		in    time.Time
		out   time.Time
		kind  string // chosen by the clerk after the sign-out; "" keeps Wednesday's
		lines []string
	}{
		{"Wednesday, the cheaper per half hour", wednesday(15, 40), wednesday(17, 5), "", []string{
			"Rekening vandaag: Lotte Peeters", "Woensdagnamiddag",
			"15:40–17:05, opgehaald door Sofie Verhoeven",
			"Per begonnen halfuur: 3 × € 1,05", "€ 3,15",
			"Korting broer of zus (25%)", "− € 0,79",
			"UiTPAS-korting", "− € 1,18",
			"Totaal", "€ 1,18",
		}},
		{"switched to a school-free day", wednesday(15, 40), wednesday(17, 5), "Schoolvrije dag", []string{
			"Rekening vandaag: Lotte Peeters", "Schoolvrije dag",
			"15:40–17:05, opgehaald door Sofie Verhoeven",
			"Blok minder dan 3 uur", "€ 3,54",
			"Korting broer of zus (25%)", "− € 0,89",
			"UiTPAS-korting", "− € 1,33",
			"Totaal", "€ 1,32",
		}},
		{"picked up late", wednesday(16, 0), wednesday(18, 45), "Schooldag", []string{
			"Rekening vandaag: Lotte Peeters", "Schooldag",
			"16:00–18:45, opgehaald door Sofie Verhoeven",
			"Per begonnen halfuur: 6 × € 1,05", "€ 6,30",
			"Korting broer of zus (25%)", "− € 1,58",
			"UiTPAS-korting", "− € 2,36",
			"Laat opgehaald: 1 × halfuur", "€ 15,00",
			"Totaal", "€ 17,36",
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newChildcareRig(t, "nl")
			r.now = c.in
			r.tap(t, "h-lotte")
			r.wait(t)
			r.now = c.out
			r.tap(t, "h-lotte")
			test.Type(r.p.signout.code, "2580")
			r.key(fyne.KeyF10)
			r.wait(t)
			if c.kind != "" {
				r.p.dayPick.SetSelected(c.kind)
				r.wait(t)
			}
			got := labelTexts(r.p.detail)
			if c.kind == "" {
				// The outcome of the sign-out comes first.
				if len(got) == 0 || got[0] != "Lotte is afgemeld om 17:05, opgehaald door Sofie Verhoeven." {
					t.Errorf("outcome = %q", got)
				}
				got = got[1:]
			}
			if !slices.Equal(got, c.lines) {
				t.Errorf("bill =\n%q\nwant\n%q", got, c.lines)
			}
			for _, s := range got {
				if low := strings.ToLower(s); strings.Contains(low, "kansen") || strings.Contains(low, "sociaal") {
					t.Errorf("the bill singles the child out: %q", s)
				}
			}
			// The row has a button to show the bill again.
			if got := r.status(t, "h-lotte"); !slices.Contains(got, "Vertrokken om "+c.out.Format("15:04")) {
				t.Errorf("Lotte's row = %q", got)
			}
		})
	}
}

func TestChildcare_billOfAChildWhoLeft(t *testing.T) {
	r := newChildcareRig(t, "nl")
	bill := ccFindButton(r.p.list.rows["h-noah"], "Rekening")
	if bill == nil {
		t.Fatal("Noah's row has no bill button")
	}
	test.Tap(bill)
	r.wait(t)
	if len(r.acts()) != 0 {
		t.Errorf("the bill button acted: %q", r.acts())
	}
	got := labelTexts(r.p.detail)
	want := []string{
		"Rekening vandaag: Noah Peeters", "Woensdagnamiddag",
		"12:10–13:00, opgehaald door Rita Peeters",
		"Per begonnen halfuur: 2 × € 1,05", "€ 2,10",
		"UiTPAS-korting", "− € 0,00",
		"Totaal", "€ 2,10",
	}
	if !slices.Equal(got, want) {
		t.Errorf("bill = %q, want %q", got, want)
	}
}

func ccFindButton(o fyne.CanvasObject, text string) *keyButton {
	switch o := o.(type) {
	case *keyButton:
		if o.Text == text {
			return o
		}
	case *fyne.Container:
		for _, c := range o.Objects {
			if b := ccFindButton(c, text); b != nil {
				return b
			}
		}
	}
	return nil
}

func TestChildcare_dayKind(t *testing.T) {
	cases := []struct {
		day  time.Time
		want balie.DayKind
	}{
		{time.Date(2026, 11, 23, 16, 0, 0, 0, balie.Brussels()), balie.SchoolDay},
		{time.Date(2026, 11, 25, 16, 0, 0, 0, balie.Brussels()), balie.WednesdayAfter},
		{time.Date(2026, 11, 27, 16, 0, 0, 0, balie.Brussels()), balie.SchoolDay},
		{time.Date(2026, 11, 28, 9, 0, 0, 0, balie.Brussels()), balie.SchoolFreeDay},
		{time.Date(2026, 11, 29, 9, 0, 0, 0, balie.Brussels()), balie.SchoolFreeDay},
	}
	for _, c := range cases {
		t.Run(c.day.Weekday().String(), func(t *testing.T) {
			if got := dayKindOf(c.day); got != c.want {
				t.Errorf("dayKindOf(%s) = %s, want %s", c.day.Format("Mon 02/01"), got, c.want)
			}
		})
	}
}

// TestChildcare_pickupNeedsCardOrCode: during a sign-out no key and no
// tap on a name lets the child go; the adult's own card or the child's
// code does.
func TestChildcare_pickupNeedsCardOrCode(t *testing.T) {
	r := newChildcareRig(t, "nl")
	r.desk.children[0].Authorised = ccAdults
	r.p.children[0].Authorised = ccAdults
	r.tap(t, "h-amber")
	for _, k := range []fyne.KeyName{fyne.KeyF7, fyne.KeyF8, fyne.KeyF9} {
		r.key(k)
	}
	walk(r.p.detail, func(o fyne.CanvasObject) {
		if b, ok := o.(*keyButton); ok && strings.Contains(b.Text, "Peeters") {
			t.Errorf("an adult is a button on the sign-out: %q", b.Text)
		}
	})
	if len(r.acts()) != 0 || !r.present("h-amber") || r.p.leaving != "h-amber" {
		t.Fatalf("after F7–F9: acts %q, present %v, leaving %q; want nothing done", r.acts(), r.present("h-amber"), r.p.leaving)
	}
	// Typing an adult's name into the code field is no proof either.
	test.Type(r.p.signout.code, "Sofie Verhoeven")
	r.p.signout.code.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	r.wait(t)
	if !r.present("h-amber") {
		t.Errorf("a typed name signed Amber out")
	}
}

// TestChildcare_childCard: a child's card at the childcare desk shows
// what the desk needs, not points and memberships: the group, who may
// pick up and how, and the notes for staff.
func TestChildcare_childCard(t *testing.T) {
	r := newChildcareRig(t, "nl")
	r.desk.children[2].Notes = "Allergisch voor noten."
	r.p.children[2].Notes = "Allergisch voor noten."
	r.scan(t, ccChildCard)
	r.wait(t) // signed in
	got := labelTexts(r.a.scan.result)
	for _, want := range []string{"Lotte Peeters", "Groep Lager 1-3", "Mag ophalen vandaag:", "Tom Peeters — met de eigen UiTPAS",
		"Sofie Verhoeven — met de ophaalcode", "Voor de begeleiding: Allergisch voor noten."} {
		if !slices.Contains(got, want) {
			t.Errorf("the child's card lacks %q: %q", want, got)
		}
	}
	for _, s := range got {
		if strings.Contains(s, "punt") || strings.Contains(s, "Lidmaatschap") {
			t.Errorf("the child's card shows %q", s)
		}
	}
}

// TestChildcare_rollCallPDF: F11 saves who is present now as a PDF.
func TestChildcare_rollCallPDF(t *testing.T) {
	r := newChildcareRig(t, "nl")
	r.a.cfg.ReportDir = t.TempDir()
	r.key(fyne.KeyF11)
	pdfs, _ := filepath.Glob(filepath.Join(r.a.cfg.ReportDir, "appel-*.pdf"))
	if len(pdfs) != 1 || !strings.HasPrefix(r.a.note.Text, "Appel met 1 aanwezige opgeslagen als appel-") {
		t.Fatalf("after F11: %v, notice %q", pdfs, r.a.note.Text)
	}
	if b, _ := os.ReadFile(pdfs[0]); !bytes.HasPrefix(b, []byte("%PDF")) {
		t.Errorf("%s is not a PDF", pdfs[0])
	}
}

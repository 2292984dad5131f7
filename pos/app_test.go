package pos

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/balie/balie"
)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// fakeStaff signs in Els with PIN 1234.
type fakeStaff struct{}

func (fakeStaff) Authenticate(ctx context.Context, card, pin string) (balie.Staff, error) {
	if card == "staff-sup" { // signing in by name gives the id
		card = "0990000000010"
	}
	if card == "0990000000028" && pin == "1234" {
		return balie.Staff{ID: "staff-box-1", Name: "Pieter Maes", Role: balie.RoleClerk}, nil
	}
	if card != "0990000000010" {
		return balie.Staff{}, balie.Errorf(balie.CodeStaffUnknown, "Onbekende medewerker.", "Unknown staff member.")
	}
	if pin != "1234" {
		return balie.Staff{}, balie.Errorf(balie.CodeStaffPIN, "Verkeerde pincode.", "Wrong PIN.")
	}
	return balie.Staff{ID: "staff-sup", Name: "Els Van Dyck", Role: balie.RoleSupervisor}, nil
}

// fakeSports is a sports counter with one swimming session and one
// reward; it records the acts it was asked for.
type fakeSports struct {
	acts  []string
	limit bool // redemptions meet the offline limit
}

func (f *fakeSports) EventsBetween(ctx context.Context, from, to time.Time) ([]balie.Event, error) {
	loc := balie.Brussels()
	return []balie.Event{
		{ID: "ev-swim", OrganiserID: "org-sport", Name: "Vrij zwemmen", Start: time.Date(2026, 11, 25, 7, 0, 0, 0, loc), End: time.Date(2026, 11, 25, 22, 0, 0, 0, loc), PointsPerCheckin: 1},
		{ID: "ev-show", OrganiserID: "org-cc", Name: "Theater", Start: time.Date(2026, 11, 25, 20, 0, 0, 0, loc), End: time.Date(2026, 11, 25, 22, 0, 0, 0, loc)},
	}, nil
}

func (f *fakeSports) CheckIn(ctx context.Context, staff string, n balie.CardNumber, ev string) (balie.CheckinResult, error) {
	f.acts = append(f.acts, "checkin "+string(n)+" "+ev+" by "+staff)
	if len(f.acts) > 1 {
		return balie.CheckinResult{}, balie.Errorf(balie.CodeCheckinLimit, "Vandaag al ingecheckt.", "Already checked in today.")
	}
	return balie.CheckinResult{Points: 1, Balance: 24, Holder: balie.Holder{FirstName: "Tom"}}, nil
}

func (f *fakeSports) Rewards(ctx context.Context, org string) ([]balie.Reward, error) {
	return []balie.Reward{{ID: "rw-swim", Name: "Gratis zwembeurt", Points: 10}}, nil
}

func (f *fakeSports) RedeemReward(ctx context.Context, staff string, n balie.CardNumber, id string) (balie.RewardResult, error) {
	if f.limit {
		return balie.RewardResult{}, balie.Errorf(balie.CodeOfflineLimit, "Limiet zonder verbinding bereikt.", "Offline limit reached.")
	}
	f.acts = append(f.acts, "redeem "+id)
	return balie.RewardResult{Points: 10, Before: 23, After: 13}, nil
}

func (f *fakeSports) RedeemRewardOverride(ctx context.Context, staff, approver string, n balie.CardNumber, id string) (balie.RewardResult, error) {
	f.acts = append(f.acts, "redeem "+id+" approved by "+approver)
	return balie.RewardResult{Points: 10, Before: 23, After: 13}, nil
}

func (f *fakeSports) Programs(ctx context.Context, org string) ([]balie.MembershipProgram, error) {
	return []balie.MembershipProgram{{ID: "prog-sport", Name: "Sportpas"}}, nil
}

func (f *fakeSports) QuoteMembership(ctx context.Context, req balie.MembershipRequest) (balie.MembershipQuote, error) {
	q := balie.MembershipQuote{Program: balie.MembershipProgram{ID: "prog-sport", Name: "Sportpas"}, Price: 4000,
		End: time.Date(2027, 11, 26, 0, 0, 0, 0, balie.Brussels())}
	for _, a := range f.acts {
		if strings.HasPrefix(a, "pay ") {
			q.PaidToday, q.Renewal = true, true
		}
	}
	return q, nil
}

func (f *fakeSports) PayMembership(ctx context.Context, staff string, req balie.MembershipRequest) (balie.MembershipResult, error) {
	q, _ := f.QuoteMembership(ctx, req)
	if q.PaidToday && !req.RenewAgain {
		return balie.MembershipResult{}, balie.Errorf(balie.CodeMembershipToday, "Vandaag al betaald.", "Already paid today.")
	}
	f.acts = append(f.acts, "pay "+req.ProgramID+" "+string(req.Payment))
	return balie.MembershipResult{Program: q.Program, Price: 4000, End: q.End}, nil
}

// appRig is the app in a test window; the test goroutine stands in for
// Fyne's event loop, as in rig.
type appRig struct {
	a     *App
	w     fyne.Window
	ui    chan func()
	now   time.Time
	desk  *fakeSports
	state SyncState
}

func newAppRig(t *testing.T, lang string, more ...func(*Deps)) *appRig {
	t.Helper()
	test.NewTempApp(t).Settings().SetTheme(Theme())
	useLanguage(t, lang)
	r := &appRig{ui: make(chan func(), 16), now: time.Date(2026, 11, 25, 10, 0, 0, 0, balie.Brussels()), desk: &fakeSports{}}
	r.state = SyncState{Enabled: true, Online: true, LastSync: r.now.Add(-2 * time.Minute)}
	cfg := Config{Lang: lang, Desk: balie.Desk{ID: "desk-sport", Name: "Sporthal", OrganiserID: "org-sport", Mode: balie.DeskSports},
		Now: func() time.Time { return r.now }, IdleLock: 5 * time.Minute, Logger: quiet()}
	deps := Deps{Directory: newFakeDirectory(), Staff: fakeStaff{}, Sports: r.desk, Sync: func() SyncState { return r.state }}
	for _, f := range more {
		f(&deps)
	}
	cfg.ReportDir = t.TempDir()
	r.a = newAppWith(cfg, deps, func(f func()) { r.ui <- f })
	r.w = test.NewWindow(r.a.Content())
	r.w.Resize(fyne.NewSize(1280, 800))
	r.a.Start(r.w.Canvas())
	r.wait(t) // the sports desk's lists
	t.Cleanup(r.w.Close)
	return r
}

func (r *appRig) wait(t *testing.T) {
	t.Helper()
	select {
	case f := <-r.ui:
		f()
	case <-time.After(5 * time.Second):
		t.Fatal("the outcome never reached the screen")
	}
}

func (r *appRig) signIn(t *testing.T, card, pin string) {
	t.Helper()
	s := r.a.signIn
	test.Type(s.card, card)
	s.card.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	test.Type(s.pin, pin)
	s.pin.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	r.wait(t)
}

func (r *appRig) scan(t *testing.T, input string) {
	t.Helper()
	test.Type(r.a.scan.field, input)
	r.a.scan.field.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	r.wait(t)
}

// key presses a function key in the scan field, where the cursor is.
func (r *appRig) key(name fyne.KeyName) { r.a.scan.field.TypedKey(&fyne.KeyEvent{Name: name}) }

func (r *appRig) onMain() bool { return r.a.root.Objects[0] == r.a.main }

func TestApp_signIn(t *testing.T) {
	cases := []struct {
		name, card, pin string
		main            bool
		said            string
	}{
		{"right card and PIN", "0990000000010", "1234", true, ""},
		{"wrong PIN", "0990000000010", "0000", false, "Verkeerde pincode."},
		{"unknown card", "0990000000099", "1234", false, "Onbekende medewerker."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newAppRig(t, "nl")
			r.signIn(t, c.card, c.pin)
			if r.onMain() != c.main {
				t.Fatalf("main screen shown = %v, want %v", r.onMain(), c.main)
			}
			if got := r.a.signIn.message.Text; !c.main && got != c.said {
				t.Errorf("sign-in says %q, want %q", got, c.said)
			}
			if c.main && !strings.Contains(r.a.who.Text, "Els Van Dyck") {
				t.Errorf("header = %q, want the staff member's name", r.a.who.Text)
			}
			if !c.main && r.a.signIn.pin.Text != "" {
				t.Errorf("the PIN stayed in its field after a refusal")
			}
		})
	}
}

func TestApp_sportsDesk(t *testing.T) {
	r := newAppRig(t, "nl")
	r.signIn(t, "0990000000010", "1234")
	p := r.a.desk.(*sportsPanel)
	if !p.checkIn.Disabled() {
		t.Errorf("check-in enabled with no holder on screen")
	}
	if got := p.eventPick.Selected; !strings.HasPrefix(got, "Vrij zwemmen") {
		t.Errorf("chosen event = %q, want the swimming session open now (and no other organiser's)", got)
	}
	if n := len(p.eventPick.Options); n != 1 {
		t.Errorf("%d events offered, want only this desk's 1", n)
	}
	r.scan(t, tomCard)
	r.key(fyne.KeyF5)
	r.wait(t) // the check-in
	if got := labelTexts(p.outcome); !slices.Equal(got, []string{"Mag binnen", "Tom is ingecheckt: +1 punt, nu 24 punten."}) {
		t.Errorf("outcome = %q", got)
	}
	r.wait(t) // the holder looked up again, with the new points
	if got := labelTexts(p.outcome); len(got) != 2 {
		t.Errorf("the outcome went away when the holder was looked up again: %q", got)
	}
	r.key(fyne.KeyF5)
	r.wait(t)
	if got := labelTexts(p.outcome); !slices.Equal(got, []string{"Mag binnen", "Vandaag al ingecheckt."}) {
		t.Errorf("outcome of a repeat = %q", got)
	}
	want := []string{"checkin 0900000095902 ev-swim by staff-sup", "checkin 0900000095902 ev-swim by staff-sup"}
	if !slices.Equal(r.desk.acts, want) {
		t.Errorf("acts = %q, want %q", r.desk.acts, want)
	}
	// The sports pass, by card payment: F7 shows the price, Enter pays.
	r.key(fyne.KeyF7)
	r.wait(t) // the quote
	test.Tap(findButton(t, r.a.root, "Kaart"))
	pressFocused(r.w, fyne.KeyReturn)
	r.wait(t)
	if got := labelTexts(p.outcome); !slices.Equal(got, []string{"Sportpas betaald (€ 40,00), geldig tot 25/11/2027."}) {
		t.Errorf("outcome of the sports pass = %q", got)
	}
	if last := r.desk.acts[len(r.desk.acts)-1]; last != "pay prog-sport CARD" {
		t.Errorf("last act = %q, want the sports pass paid by card", last)
	}
}

func TestApp_locks(t *testing.T) {
	r := newAppRig(t, "nl")
	r.signIn(t, "0990000000010", "1234")
	r.scan(t, tomCard)
	r.now = r.now.Add(4 * time.Minute)
	r.a.Tick()
	if !r.onMain() {
		t.Fatalf("locked after 4 minutes, want 5")
	}
	r.now = r.now.Add(time.Minute)
	r.a.Tick()
	if r.onMain() {
		t.Fatalf("not locked after 5 idle minutes")
	}
	if got := strings.Join(labelTexts(r.a.scan.result), " | "); strings.Contains(got, "Tom") {
		t.Errorf("the last holder stayed on the locked screen: %q", got)
	}
	// F12 locks at once.
	r.signIn(t, "0990000000010", "1234")
	r.key(fyne.KeyF12)
	if r.onMain() {
		t.Errorf("F12 did not lock")
	}
}

func TestApp_link(t *testing.T) {
	cases := []struct {
		name  string
		lang  string
		state func(now time.Time) SyncState
		want  string
	}{
		{"online", "nl", func(now time.Time) SyncState {
			return SyncState{Enabled: true, Online: true, LastSync: now.Add(-2 * time.Minute)}
		}, "● Verbonden · laatst gesynchroniseerd 09:58"},
		{"offline with a queue", "nl", func(now time.Time) SyncState {
			return SyncState{Enabled: true, Queued: 12, Oldest: now.Add(-3 * time.Hour), LastSync: now.Add(-3 * time.Hour)}
		}, "○ Geen verbinding — alles wordt bewaard · 12 handelingen wachten op de centrale (de oudste 3 u geleden) · laatst gesynchroniseerd 07:00"},
		{"blocked in English", "en", func(now time.Time) SyncState {
			return SyncState{Enabled: true, Online: true, Blocked: true, Queued: 1, Oldest: now.Add(-30 * time.Second)}
		}, "● Online · 1 act waiting for the ledger (just now) · ⚠ review needed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newAppRig(t, c.lang)
			r.state = c.state(r.now)
			r.a.Tick()
			if got := r.a.link.Text; got != c.want {
				t.Errorf("link = %q, want %q", got, c.want)
			}
		})
	}
}

func TestApp_Scanned(t *testing.T) {
	r := newAppRig(t, "nl")
	// A staff card read on the sign-in screen fills the card field and
	// waits for the PIN.
	r.a.Scanned("0990000000010")
	if got := r.a.signIn.card.Text; got != "0990000000010" {
		t.Errorf("card field after a read = %q", got)
	}
	test.Type(r.a.signIn.pin, "1234")
	r.a.signIn.pin.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	r.wait(t)
	if !r.onMain() {
		t.Fatal("not signed in with a read staff card")
	}
	r.a.Scanned(tomCard)
	r.wait(t)
	if got := labelTexts(r.a.scan.result); len(got) == 0 || got[0] != "Tom Peeters" {
		t.Errorf("after a read the screen shows %q, want Tom Peeters", got)
	}
	r.a.SetReader(ReaderState{Port: "/dev/ttyACM0"})
	if got := r.a.link.Text; !strings.HasPrefix(got, "⚠ Lezer niet verbonden: kijk de kabel na") {
		t.Errorf("header with the reader gone = %q", got)
	}
	r.a.SetReader(ReaderState{Connected: true, Port: "/dev/ttyACM0"})
	if got := r.a.link.Text; !strings.HasPrefix(got, "Lezer klaar · ") {
		t.Errorf("header with the reader back = %q", got)
	}
}

func TestApp_sounds(t *testing.T) {
	var heard []bool
	r := newAppRig(t, "nl", func(d *Deps) { d.Sound = func(ok bool) { heard = append(heard, ok) } })
	r.signIn(t, "0990000000010", "1234")
	r.scan(t, tomCard)
	r.scan(t, blockedCard)
	r.scan(t, tomCard)
	r.key(fyne.KeyF5)
	r.wait(t) // the check-in
	r.wait(t) // the holder again
	r.key(fyne.KeyF5)
	r.wait(t) // refused: already checked in
	want := []bool{true, false, true, true, false}
	if !slices.Equal(heard, want) {
		t.Errorf("sounds = %v, want %v (scan, blocked card, scan, check-in, refused check-in; the lookup after an act is silent)", heard, want)
	}
}

// TestApp_offlineOverride: past the offline limit, a supervisor lets the
// redemption through on the spot, and the act says who approved.
func TestApp_offlineOverride(t *testing.T) {
	r := newAppRig(t, "nl")
	r.desk.limit = true
	r.signIn(t, "0990000000028", "1234") // a clerk
	r.scan(t, tomCard)
	p := r.a.desk.(*sportsPanel)
	p.rewardPick.SetSelectedIndex(0)
	r.key(fyne.KeyF6)
	r.wait(t) // refused: the limit
	card, pin := approvalFields(t, r)
	test.Type(card, "0990000000010")
	card.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	test.Type(pin, "1234")
	pin.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	r.wait(t) // approved
	r.wait(t) // redeemed
	if want := []string{"redeem rw-swim approved by staff-sup"}; !slices.Equal(r.desk.acts, want) {
		t.Errorf("acts = %q, want %q", r.desk.acts, want)
	}
	if got := labelTexts(p.outcome); len(got) != 1 || !strings.Contains(got[0], "omgeruild") {
		t.Errorf("outcome = %q, want the exchange", got)
	}
}

// fakeStaffNames also lists the staff, for signing in by name.
type fakeStaffNames struct{ fakeStaff }

func (fakeStaffNames) StaffList(ctx context.Context) ([]balie.Staff, error) {
	return []balie.Staff{{ID: "staff-box-1", Name: "Pieter Maes"}, {ID: "staff-sup", Name: "Els Van Dyck"}}, nil
}

func TestApp_signInByName(t *testing.T) {
	r := newAppRig(t, "nl", func(d *Deps) { d.Staff = fakeStaffNames{} })
	r.wait(t) // the staff list (the rig waited for the desk's lists)
	var els *keyButton
	walk(r.a.root, func(o fyne.CanvasObject) {
		if b, ok := o.(*keyButton); ok && b.Text == "Els Van Dyck" {
			els = b
		}
	})
	if els == nil {
		t.Fatal("no name to choose on the sign-in screen")
	}
	test.Tap(els)
	test.Type(r.a.signIn.pin, "1234")
	r.a.signIn.pin.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	r.wait(t)
	if !r.onMain() || !strings.Contains(r.a.who.Text, "Els Van Dyck") {
		t.Errorf("signing in by name: main %v, header %q", r.onMain(), r.a.who.Text)
	}
}

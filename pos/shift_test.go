package pos

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/balie/balie"
)

// fakeShifts is a till: it opens, reports and closes one shift, and
// refuses to close while events wait for the ledger unless a supervisor
// approves.
type fakeShifts struct {
	open     bool
	float    balie.Cents
	unsynced int
	closes   []string // "by override"
	reason   string   // the last close's
}

func (f *fakeShifts) CurrentShift(ctx context.Context) (balie.Shift, bool, error) {
	return balie.Shift{ID: "0193aaaa-0000-7000-8000-0000000000ab", Float: f.float}, f.open, nil
}

func (f *fakeShifts) OpenShift(ctx context.Context, staff string, float balie.Cents) (balie.ZReport, error) {
	f.open, f.float = true, float
	return balie.ZReport{Shift: balie.Shift{ID: "0193aaaa-0000-7000-8000-0000000000ab", Float: float}}, nil
}

func (f *fakeShifts) ShiftReport(ctx context.Context, id string) (balie.ZReport, error) {
	return balie.ZReport{Shift: balie.Shift{ID: id, Float: f.float}, ExpectedCash: f.float + 3600}, nil
}

func (f *fakeShifts) CloseShift(ctx context.Context, staff string, counted []balie.DenominationCount, override, reason string) (balie.ZReport, error) {
	if f.unsynced > 0 && override == "" {
		return balie.ZReport{}, balie.Errorf(balie.CodeShiftUnsynced, "Nog 3 handelingen niet bij de centrale.", "3 acts not yet with the ledger.")
	}
	total, err := balie.CountTotal(counted)
	if err != nil {
		return balie.ZReport{}, err
	}
	f.closes = append(f.closes, staff+" by "+override)
	f.reason = reason
	f.open = false
	z := balie.ZReport{Shift: balie.Shift{ID: "0193aaaa-0000-7000-8000-0000000000ab", Float: f.float}, IsClosed: true,
		ExpectedCash: f.float + 3600, CountedTotal: total, Difference: total - f.float - 3600, Unsynced: f.unsynced}
	return z, nil
}

type fakeReview struct{ items []balie.ReviewItem }

func (f fakeReview) Review(ctx context.Context) ([]balie.ReviewItem, error) { return f.items, nil }

func TestApp_shift(t *testing.T) {
	till := &fakeShifts{unsynced: 3}
	r := newAppRig(t, "nl", func(d *Deps) { d.Shifts = till })
	r.signIn(t, "0990000000028", "1234") // a clerk
	r.wait(t)                            // the current shift: none, so the till is opened first
	r.wait(t)                            // the shift screen reads it again
	if r.onMain() {
		t.Fatalf("no till-opening screen after sign-in")
	}
	s := findShiftScreen(t, r)
	test.Type(s.float, "150")
	s.float.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	r.wait(t)
	if !till.open || till.float != 15000 {
		t.Fatalf("till open %v with float %v, want open with € 150,00", till.open, till.float)
	}
	if !r.onMain() || r.a.note.Text != "Kassa geopend met € 150,00 wisselgeld." {
		t.Errorf("after opening: main %v, notice %q", r.onMain(), r.a.note.Text)
	}

	// F2: count and close. 1 × € 100 + 4 × € 20 + 3 × € 2 = € 186,00 against
	// € 186,00 expected.
	r.key(fyne.KeyF2)
	r.wait(t)
	s = findShiftScreen(t, r)
	test.Type(s.count[10000], "1")
	test.Type(s.count[2000], "4")
	test.Type(s.count[200], "3")
	if got := s.sum.Text; got != "Geteld € 186,00 · verwacht € 186,00 · verschil € 0,00" {
		t.Errorf("count line = %q", got)
	}
	test.Type(s.count[50], "x")
	if !strings.Contains(s.sum.Text, "geen geheel getal") {
		t.Errorf("a letter in the count shows %q, want a sentence saying it is not a whole number", s.sum.Text)
	}
	s.count[50].SetText("")
	s.count[10000].TypedKey(&fyne.KeyEvent{Name: fyne.KeyF9})
	r.wait(t)
	// Events wait for the ledger: a supervisor must approve, a clerk cannot.
	if len(till.closes) != 0 {
		t.Fatalf("closed without approval: %v", till.closes)
	}
	card, pin := approvalFields(t, r)
	test.Type(card, "0990000000028")
	card.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	test.Type(pin, "1234")
	pin.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	r.wait(t)
	if len(till.closes) != 0 {
		t.Fatalf("a clerk approved the close: %v", till.closes)
	}
	test.Type(card, "0990000000010")
	test.Type(pin, "1234")
	pin.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	r.wait(t) // approved
	r.wait(t) // closed
	if len(till.closes) != 1 || till.closes[0] != "staff-box-1 by staff-sup" {
		t.Fatalf("closes = %v, want one by the clerk approved by the supervisor", till.closes)
	}
	pdfs, _ := filepath.Glob(filepath.Join(r.a.cfg.ReportDir, "z-rapport-*.pdf"))
	if len(pdfs) != 1 {
		t.Fatalf("Z report PDFs saved: %v, want 1", pdfs)
	}
	if b, _ := os.ReadFile(pdfs[0]); !strings.HasPrefix(string(b), "%PDF") {
		t.Errorf("%s is not a PDF", pdfs[0])
	}
}

func TestApp_review(t *testing.T) {
	items := []balie.ReviewItem{{Seq: 7, ID: "0193aaaa-0000-7000-8000-00000000beef", Kind: balie.KindRewardRedemption,
		Time: r0(), Status: balie.VerdictAdjusted, Code: "points_negative", NL: "Het saldo ging onder nul.", EN: "The balance went below zero."}}
	r := newAppRig(t, "nl", func(d *Deps) { d.Review = fakeReview{items} })
	r.signIn(t, "0990000000010", "1234")
	r.key(fyne.KeyF3)
	r.wait(t)
	got := strings.Join(labelTexts(r.a.root), " | ")
	for _, want := range []string{"Na te kijken (1)", "Voordeel omgeruild · aangepast", "Het saldo ging onder nul."} {
		if !strings.Contains(got, want) {
			t.Errorf("review screen %q lacks %q", got, want)
		}
	}
	if strings.Contains(got, "points_negative") || strings.Contains(got, "REWARD_REDEMPTION") {
		t.Errorf("the review screen shows a code: %q", got)
	}
	r.a.canvas.OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	if !r.onMain() {
		t.Errorf("Escape did not go back to the main screen")
	}
}

func r0() time.Time { return time.Date(2026, 11, 24, 16, 5, 0, 0, balie.Brussels()) }

func findShiftScreen(t *testing.T, r *appRig) *shiftScreen {
	t.Helper()
	if r.a.till == nil || len(r.a.overlays) == 0 {
		t.Fatalf("no shift screen shown")
	}
	return r.a.till
}

// approvalFields returns the card and PIN fields of the approval screen.
func approvalFields(t *testing.T, r *appRig) (card, pin *scanEntry) {
	t.Helper()
	var es []*scanEntry
	walk(r.a.root, func(o fyne.CanvasObject) {
		if e, ok := o.(*scanEntry); ok {
			es = append(es, e)
		}
	})
	if len(es) != 2 || !es[1].Password {
		t.Fatalf("approval screen has %d fields, want card and PIN", len(es))
	}
	return es[0], es[1]
}

// TestApp_Scanned_overTill: a card read while the till waits to be
// opened serves the customer first; the till opens later.
func TestApp_Scanned_overTill(t *testing.T) {
	till := &fakeShifts{}
	r := newAppRig(t, "nl", func(d *Deps) { d.Shifts = till })
	r.signIn(t, "0990000000028", "1234")
	r.wait(t) // no shift open
	r.wait(t) // the till screen
	if r.onMain() {
		t.Fatal("no till screen")
	}
	r.a.Scanned(tomCard)
	r.wait(t)
	if !r.onMain() {
		t.Fatal("a read over the till screen did not bring the main screen back")
	}
	if got := labelTexts(r.a.scan.result); len(got) == 0 || got[0] != "Tom Peeters" {
		t.Errorf("screen shows %q, want Tom Peeters", got)
	}
	if till.open {
		t.Errorf("the till opened by itself")
	}
}

type fakeVoids struct {
	acts   []balie.RecentAct
	voided []string // "id by staff approved by supervisor: reason"
}

func (f *fakeVoids) RecentActs(ctx context.Context, limit int) ([]balie.RecentAct, error) {
	return f.acts, nil
}

func (f *fakeVoids) CorrectAttendance(ctx context.Context, staff, id, reason string) (balie.VoidResult, error) {
	f.voided = append(f.voided, id+" corrected by "+staff+": "+reason)
	return balie.VoidResult{}, nil
}

func (f *fakeVoids) Void(ctx context.Context, staff, approver, id, reason string) (balie.VoidResult, error) {
	f.voided = append(f.voided, id+" by "+staff+" approved by "+approver+": "+reason)
	return balie.VoidResult{}, nil
}

func TestApp_void(t *testing.T) {
	sale := balie.RecentAct{JournalEvent: balie.JournalEvent{ID: "0193aaaa-0000-7000-8000-00000000cafe", Kind: balie.KindTicketSale,
		Time: r0(), Payload: []byte(`{"total":3600}`)}}
	old := balie.RecentAct{JournalEvent: balie.JournalEvent{ID: "0193aaaa-0000-7000-8000-00000000beef", Kind: balie.KindCheckin,
		Time: r0(), Payload: []byte(`{"points":1}`)}, Voided: true}
	fv := &fakeVoids{acts: []balie.RecentAct{sale, old}}
	r := newAppRig(t, "nl", func(d *Deps) { d.Voids = fv })
	r.signIn(t, "0990000000028", "1234") // a clerk
	r.key(fyne.KeyF4)
	r.wait(t)
	var buttons []*keyButton
	var reason *scanEntry
	walk(r.a.root, func(o fyne.CanvasObject) {
		switch o := o.(type) {
		case *keyButton:
			buttons = append(buttons, o)
		case *scanEntry:
			reason = o
		}
	})
	if len(buttons) != 2 || !strings.Contains(buttons[0].Text, "€ 36,00") {
		t.Fatalf("void screen has %d buttons, first %q; want the sale (with its € 36,00) and Back: the voided check-in is not offered", len(buttons), buttons[0].Text)
	}
	test.Tap(buttons[0])
	if len(fv.voided) != 0 || !strings.Contains(strings.Join(labelTexts(r.a.root), " "), "Typ eerst de reden") {
		t.Fatalf("a void without a reason went ahead or was not explained")
	}
	test.Type(reason, "klant annuleert")
	test.Tap(buttons[0])
	card, pin := approvalFields(t, r)
	test.Type(card, "0990000000010")
	card.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	test.Type(pin, "1234")
	pin.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	r.wait(t) // approved
	r.wait(t) // voided
	want := "0193aaaa-0000-7000-8000-00000000cafe by staff-box-1 approved by staff-sup: klant annuleert"
	if len(fv.voided) != 1 || fv.voided[0] != want {
		t.Fatalf("voids = %q, want %q", fv.voided, want)
	}
	if !r.onMain() || !strings.HasPrefix(r.a.note.Text, "Geannuleerd: ") {
		t.Errorf("after the void: main %v, notice %q", r.onMain(), r.a.note.Text)
	}
}

type fakeDesks []balie.Desk

func (f fakeDesks) Desks(ctx context.Context) ([]balie.Desk, error) { return f, nil }

func TestApp_settings(t *testing.T) {
	var changed []string
	desks := fakeDesks{{ID: "desk-box", Name: "Balie CC Lier"}, {ID: "desk-sport", Name: "Sporthal"}}
	r := newAppRig(t, "nl", func(d *Deps) {
		d.Desks = desks
		d.Settings = func(lang, desk string) { changed = append(changed, lang+" "+desk) }
	})
	r.signIn(t, "0990000000028", "1234") // a clerk
	open := func() (*keyButton, *keySelect, *keyButton) {
		r.key(fyne.KeyF1)
		r.wait(t)
		var english, apply *keyButton
		var desk *keySelect
		walk(r.a.root, func(o fyne.CanvasObject) {
			switch o := o.(type) {
			case *keySelect:
				desk = o
			case *keyButton:
				switch {
				case o.Text == "English":
					english = o
				case strings.HasPrefix(o.Text, "Toepassen"):
					apply = o
				}
			}
		})
		if english == nil || desk == nil || apply == nil {
			t.Fatal("no settings screen")
		}
		return english, desk, apply
	}
	english, desk, apply := open()
	if desk.Selected != "Sporthal" {
		t.Errorf("desk shown %q, want this terminal's, Sporthal", desk.Selected)
	}
	test.Tap(english)
	test.Tap(apply)
	if len(changed) != 1 || changed[0] != "en desk-sport" {
		t.Fatalf("settings = %q, want English at the same desk with no approval", changed)
	}
	// Another desk: only with a supervisor's card and PIN.
	r.a.closeOverlay()
	_, desk, apply = open()
	desk.SetSelected("Balie CC Lier")
	test.Tap(apply)
	if len(changed) != 1 {
		t.Fatalf("the desk changed without approval: %q", changed)
	}
	card, pin := approvalFields(t, r)
	test.Type(card, "0990000000010")
	card.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	test.Type(pin, "1234")
	pin.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	r.wait(t)
	if len(changed) != 2 || changed[1] != "nl desk-box" {
		t.Errorf("settings = %q, want the box office after the supervisor approved", changed)
	}
}

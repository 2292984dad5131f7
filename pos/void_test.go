package pos

import (
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/balie/balie"
)

// TestVoid_describe: the void list says each act in words, with when,
// for whom and how much, and whether it still waits for the ledger.
func TestVoid_describe(t *testing.T) {
	cases := []struct {
		lang string
		act  balie.RecentAct
		want string
	}{
		{"nl", balie.RecentAct{JournalEvent: balie.JournalEvent{Kind: balie.KindTicketSale, Time: r0(),
			Payload: []byte(`{"total":3600,"lines":[{"quantity":2}]}`)}, HolderName: "Tom Peeters", Waiting: true},
			"16:05 · Ticketverkoop · Tom Peeters · 2 tickets · € 36,00 · wacht op de centrale"},
		{"nl", balie.RecentAct{JournalEvent: balie.JournalEvent{Kind: balie.KindCheckin, Time: r0(), Payload: []byte(`{"points":1}`)}, HolderName: "Tom Peeters"},
			"16:05 · Check-in · Tom Peeters · 1 punt"},
		{"nl", balie.RecentAct{JournalEvent: balie.JournalEvent{Kind: balie.KindRewardRedemption, Time: r0(), Payload: []byte(`{"points":10}`)}, HolderName: "Tom Peeters"},
			"16:05 · Voordeel omgeruild · Tom Peeters · -10 punten"},
		{"en", balie.RecentAct{JournalEvent: balie.JournalEvent{Kind: balie.KindChildSignOut, Time: r0(), Payload: []byte(`{"picked_up_by":"Sofie Verhoeven"}`)}, HolderName: "Lotte Peeters"},
			"16:05 · Signed out · Lotte Peeters · picked up by Sofie Verhoeven"},
	}
	for _, c := range cases {
		t.Run(c.want, func(t *testing.T) {
			r := newAppRig(t, c.lang)
			v := &voidScreen{a: r.a}
			if got := v.describe(c.act); got != c.want {
				t.Errorf("describe = %q, want %q", got, c.want)
			}
			for _, raw := range []string{"CHECKIN", "TICKET_SALE", "REWARD_REDEMPTION", "CHILD_SIGN_OUT", "#"} {
				if strings.Contains(v.describe(c.act), raw) {
					t.Errorf("%q shows a code", v.describe(c.act))
				}
			}
		})
	}
}

// TestVoid_correctSignOut: at the childcare desk F4 lists the sign-ins
// and sign-outs; a wrong one is corrected with a reason by the staff
// member, with no supervisor, and Enter after the reason reaches the list.
func TestVoid_correctSignOut(t *testing.T) {
	out := balie.RecentAct{JournalEvent: balie.JournalEvent{ID: "0193aaaa-0000-7000-8000-0000000000f1", Kind: balie.KindChildSignOut, Time: r0(),
		Payload: []byte(`{"child":"h-lotte","picked_up_by":"Sofie Verhoeven"}`)}, HolderName: "Lotte Peeters"}
	fv := &fakeVoids{acts: []balie.RecentAct{out}}
	r := newChildcareRig(t, "nl")
	r.a.deps.Voids = fv
	r.key(fyne.KeyF4)
	r.wait(t)
	var reason *scanEntry
	walk(r.a.root, func(o fyne.CanvasObject) {
		if e, ok := o.(*scanEntry); ok && strings.HasPrefix(e.PlaceHolder, "Reden") {
			reason = e
		}
	})
	if reason == nil {
		t.Fatal("no reason field")
	}
	test.Type(reason, "verkeerd kind afgemeld")
	reason.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	b, ok := r.w.Canvas().Focused().(*keyButton)
	if !ok || !strings.Contains(b.Text, "Afgemeld · Lotte Peeters") {
		t.Fatalf("Enter after the reason focused %T, want the sign-out in the list", r.w.Canvas().Focused())
	}
	pressFocused(r.w, fyne.KeyReturn)
	r.wait(t) // corrected
	want := []string{"0193aaaa-0000-7000-8000-0000000000f1 corrected by staff-sup: verkeerd kind afgemeld"}
	if !slices.Equal(fv.voided, want) {
		t.Errorf("corrections %q, want %q", fv.voided, want)
	}
	if !strings.HasPrefix(r.a.note.Text, "Gecorrigeerd: 16:05 · Afgemeld · Lotte Peeters") {
		t.Errorf("notice %q", r.a.note.Text)
	}
	r.wait(t) // the list read again
	if r.p.bill != nil || r.p.note != nil {
		t.Errorf("the sign-out's bill stayed on screen after its correction")
	}
}

package pos

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"github.com/balie/balie"
	"github.com/balie/balie/pos/receipt"
)

// oneFound finds one holder by name.
type oneFound struct{ searchDirectory }

func (d oneFound) Search(ctx context.Context, name string) ([]HolderView, error) {
	return []HolderView{{HolderID: "h-tom", FirstName: "Tom", LastName: "Peeters"}}, nil
}

// TestWording: sentences as a Flemish and an English clerk would say
// them: a single thing is singular, an invoice is not "paid", an amount
// typed as the hint says reads as the screen's amounts do.
func TestWording(t *testing.T) {
	t.Run("one holder found", func(t *testing.T) {
		r := newRig(t, oneFound{searchDirectory{newFakeDirectory()}}, "nl")
		r.scan(t, "Peeters")
		if got := r.shown(); len(got) == 0 || !strings.HasPrefix(got[0], "1 pashouder gevonden") {
			t.Errorf("one found: %q", got)
		}
	})
	t.Run("one act waiting", func(t *testing.T) {
		r := newAppRig(t, "nl")
		r.state = SyncState{Enabled: true, Online: true, Queued: 1, Oldest: r.now}
		r.a.Tick()
		if got := r.a.link.Text; !strings.Contains(got, "1 handeling wacht op de centrale (zonet)") || strings.Contains(got, "oudste") {
			t.Errorf("header %q", got)
		}
	})
	t.Run("an invoice on the receipt", func(t *testing.T) {
		got := receipt.ReceiptText(receipt.Receipt{Total: 1800, Payment: balie.PayInvoice}, "nl", 42)
		if strings.Contains(got, "Betaald met") || !strings.Contains(got, "Op factuur") {
			t.Errorf("receipt:\n%s", got)
		}
	})
	t.Run("a reward exchanged", func(t *testing.T) {
		r := newAppRig(t, "nl")
		r.signIn(t, "0990000000010", "1234")
		r.scan(t, tomCard)
		p := r.a.desk.(*sportsPanel)
		p.rewardPick.SetSelectedIndex(0)
		r.key(fyne.KeyF6)
		r.wait(t)
		if got := labelTexts(p.outcome); len(got) != 1 || got[0] != "Gratis zwembeurt omgeruild voor 10 punten; er blijven 13 punten over." {
			t.Errorf("outcome %q", got)
		}
	})
	t.Run("a check-in refused at the sports hall", func(t *testing.T) {
		_, err := balie.DecideCheckin(balie.Event{Name: "Fitness", Start: time.Date(2026, 11, 25, 7, 0, 0, 0, balie.Brussels()),
			End: time.Date(2026, 11, 25, 22, 0, 0, 0, balie.Brussels())}, time.Date(2026, 11, 25, 5, 0, 0, 0, balie.Brussels()), 0)
		if e, ok := balie.AsError(err); !ok || strings.Contains(e.Message("nl"), "evenement") {
			t.Errorf("refusal %v", err)
		}
	})
	t.Run("the English cash hint reads as English amounts", func(t *testing.T) {
		useLanguage(t, "en")
		hint := language("en").t(msgPayCashHint)
		if !strings.Contains(hint, "50.00") || !strings.Contains(balie.Cents(1800).Format("en"), "18.00") {
			t.Errorf("hint %q beside %q", hint, balie.Cents(1800).Format("en"))
		}
		if _, err := balie.ParseAmount("20.00"); err != nil {
			t.Errorf("the hint's own example is refused: %v", err)
		}
	})
}

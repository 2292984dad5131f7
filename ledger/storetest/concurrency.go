package storetest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/balie/balie"
	"github.com/balie/balie/demo"
	"github.com/balie/balie/ledger"
	balisync "github.com/balie/balie/sync"
)

func testChanges(t *testing.T, e Engine) {
	v := newEnv(t, e, 30)
	l, c, ctx := v.l, v.c, context.Background()
	// A first download in small pages: every cursor is one the ledger
	// gave, and the pages together hold the whole directory once.
	seen := map[string]bool{}
	cursor, pages := "", 0
	for {
		resp, p := l.Changes(ctx, cursor, 97)
		if p != nil {
			t.Fatalf("page after %q: %+v", cursor, p)
		}
		for _, ch := range resp.Changes {
			k := ch.Kind + "/" + ch.Key
			if seen[k] {
				t.Errorf("%s served twice in one download", k)
			}
			seen[k] = true
		}
		pages++
		cursor = resp.Next
		if !resp.More {
			break
		}
	}
	if pages < 3 || !seen[balie.ChangeHolder+"/"+tom] || !seen[balie.ChangeLimits+"/offline"] {
		t.Errorf("%d pages, tom %v, limits %v", pages, seen[balie.ChangeHolder+"/"+tom], seen[balie.ChangeLimits+"/offline"])
	}
	// An idle poll is empty and keeps the cursor.
	if resp, p := l.Changes(ctx, cursor, 0); p != nil || len(resp.Changes) != 0 || resp.Next != cursor || resp.More {
		t.Errorf("idle poll: %+v %+v", resp, p)
	}
	// A balance an upload answered is in the next download.
	tm := v.enrol(t, demo.BoxOfficeDesk)
	ev := c.eventToday(t, func(e balie.Event) bool { return e.PointsPerCheckin > 0 && e.OrganiserID == demo.OrgCulture })
	tm.at = ev.Start
	up := ingest(t, l, tm, tm.next(balie.KindCheckin, checkin(c.holder(t, tom), ev)))
	var buf bytes.Buffer
	if _, p := l.WriteChanges(ctx, cursor, 0, &buf); p != nil {
		t.Fatal(p)
	}
	var page balisync.ChangesResponse
	if err := json.Unmarshal(buf.Bytes(), &page); err != nil {
		t.Fatalf("page: %v: %s", err, buf.String())
	}
	found := false
	for _, ch := range page.Changes {
		if ch.Kind == balie.ChangeBalance && ch.Key == tom {
			var b balisync.Balance
			json.Unmarshal(ch.Data, &b)
			found = b.Points == up.Balances[0].Points
		}
	}
	if !found {
		t.Errorf("the balance answered (%+v) is not in the next page: %s", up.Balances, buf.String())
	}
	// A cursor the ledger never gave is refused.
	for _, bad := range []string{"-1", "abc", "99999999", "01"} {
		if _, p := l.Changes(ctx, bad, 0); p == nil || p.Code != balisync.CodeCursorInvalid {
			t.Errorf("cursor %q: %+v", bad, p)
		}
	}
}

func testReadOnly(t *testing.T, e Engine) {
	v := newEnv(t, e, 20)
	ro := v.open(t, true)
	ctx := context.Background()
	if _, err := ro.Holder(ctx, tom); err != nil {
		t.Errorf("read: %v", err)
	}
	if _, _, err := ro.AddTerminal(ctx, "X", demo.OrgCulture, demo.BoxOfficeDesk); !errors.Is(err, ledger.ErrReadOnly) {
		t.Errorf("a write through a read-only store: %v, want ErrReadOnly", err)
	}
	terms, err := ro.Terminals(ctx)
	if err != nil || len(terms) != 0 {
		t.Errorf("terminals: %v %v", terms, err)
	}
}

// testConcurrentUploads has ten terminals upload at once, each its own
// holders and some shared, and checks every event is stored once with
// the balances equal to a replay. An eleventh terminal meanwhile keeps
// sending a batch whose last event takes an id another terminal stored:
// its batch is refused each time, and the honest batches committed
// beside it (an engine may commit several uploads together) lose
// nothing.
func testConcurrentUploads(t *testing.T, e Engine) {
	v := newEnv(t, e, 300)
	l, c, ctx := v.l, v.c, context.Background()
	ev := c.eventToday(t, func(e balie.Event) bool { return e.PointsPerCheckin > 0 && e.OrganiserID == demo.OrgSports })
	const terms, batches, per = 10, 8, 40
	tms := make([]*term, terms)
	for i := range tms {
		tms[i] = v.enrol(t, demo.SportsDesk)
		tms[i].at = ev.Start
	}
	// The first honest event, once stored, is the id the thief takes.
	first := tms[0].next(balie.KindCheckin, checkin(c.holders[0], ev))
	if _, _, p := l.Ingest(ctx, tms[0].ID, tms[0].Request(first)); p != nil {
		t.Fatalf("first event: %s", p.EN)
	}
	thief := v.enrol(t, demo.SportsDesk)
	thief.at = ev.Start
	var evs []balie.JournalEvent
	for k := range per {
		evs = append(evs, thief.next(balie.KindCheckin, checkin(c.holders[k%len(c.holders)], ev)))
	}
	evs[per-1].ID = first.ID
	evs[per-1].Hash = evs[per-1].ComputeHash()
	stolen := thief.Request(evs...)
	var wg sync.WaitGroup
	errs := make(chan error, terms+1)
	for i, tm := range tms {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range batches {
				var evs []balie.JournalEvent
				for k := range per {
					h := c.holders[(i*7+b*per+k)%len(c.holders)]
					evs = append(evs, tm.next(balie.KindCheckin, checkin(h, ev)))
				}
				if _, _, p := l.Ingest(ctx, tm.ID, tm.Request(evs...)); p != nil {
					errs <- fmt.Errorf("terminal %d batch %d: %s %s", i, b, p.Code, p.EN)
					return
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range batches * 2 {
			_, _, p := l.Ingest(ctx, thief.ID, stolen)
			if p == nil || p.Code != balisync.CodeEventConflict {
				errs <- fmt.Errorf("a batch with a taken id: %+v, want %s", p, balisync.CodeEventConflict)
				return
			}
		}
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	n := 0
	if err := l.Export(ctx, func(ledger.StoredEvent) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	if n != terms*batches*per+1 {
		t.Errorf("%d events stored, want %d", n, terms*batches*per+1)
	}
	checkBalances(t, l)
}

// testSameBatchTwice sends one batch through two stores on the same
// database at the same moment, as a terminal whose retry reached another
// ledger process would: it is stored once, and both answers carry the
// same verdicts.
func testSameBatchTwice(t *testing.T, e Engine) {
	v := newEnv(t, e, 50)
	other := v.open(t, false)
	c, ctx := v.c, context.Background()
	ev := c.eventToday(t, func(e balie.Event) bool { return e.PointsPerCheckin > 0 && e.OrganiserID == demo.OrgSports })
	tm := v.enrol(t, demo.SportsDesk)
	tm.at = ev.Start
	for round := range 5 {
		var evs []balie.JournalEvent
		for k := range 20 {
			evs = append(evs, tm.next(balie.KindCheckin, checkin(c.holders[(round*20+k)%len(c.holders)], ev)))
		}
		req := tm.Request(evs...)
		var wg sync.WaitGroup
		resps := make([]balisync.UploadResponse, 2)
		probs := make([]*ledger.Problem, 2)
		for i, l := range []*ledger.Ledger{v.l, other} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				resps[i], _, probs[i] = l.Ingest(ctx, tm.ID, req)
			}()
		}
		wg.Wait()
		for i, p := range probs {
			if p != nil {
				t.Fatalf("round %d, store %d: %s %s", round, i, p.Code, p.EN)
			}
		}
		for i := range resps[0].Verdicts {
			if resps[0].Verdicts[i] != resps[1].Verdicts[i] {
				t.Errorf("round %d: verdicts differ: %+v and %+v", round, resps[0].Verdicts[i], resps[1].Verdicts[i])
			}
		}
	}
	n := 0
	v.l.Export(ctx, func(ledger.StoredEvent) error { n++; return nil })
	if n != 100 {
		t.Errorf("%d events stored, want 100 (each once)", n)
	}
	checkBalances(t, v.l)
	checkBalances(t, other)
}

// testOperatorDuringIngest runs every operator command through another
// store on the same database while uploads go on, and checks that no
// verdict changed and the invariants hold: a voided check-in stays
// voided, the holder's next check-in is within its limit again.
func testOperatorDuringIngest(t *testing.T, e Engine) {
	v := newEnv(t, e, 120)
	l, c, ctx := v.l, v.c, context.Background()
	ev := c.eventToday(t, func(e balie.Event) bool {
		return e.PointsPerCheckin > 0 && e.CheckinLimit.Volume == 1 && e.OrganiserID == demo.OrgSports
	})
	tm := v.enrol(t, demo.SportsDesk)
	tm.at = ev.Start
	h := c.holder(t, tom)
	// A check-in voided before the operator comes in.
	in := tm.next(balie.KindCheckin, checkin(h, ev))
	ingest(t, l, tm, in, tm.next(balie.KindVoid, balie.VoidPayload{Target: in.ID, Reason: "fout", Approver: "staff-sup"}))

	stop := make(chan struct{})
	var wg sync.WaitGroup
	var uploadErr error
	var slowest time.Duration
	wg.Add(1)
	go func() {
		defer wg.Done()
		for k := 0; ; k++ {
			select {
			case <-stop:
				return
			default:
			}
			x := c.holders[1+k%(len(c.holders)-1)]
			start := time.Now()
			if _, _, p := l.Ingest(ctx, tm.ID, tm.Request(tm.next(balie.KindRewardRedemption,
				balie.RewardRedemptionPayload{HolderID: x.ID, Card: x.Card, RewardID: "rw-zwembeurt", Points: 10}))); p != nil {
				uploadErr = fmt.Errorf("upload %d during the operator's commands: %s %s", k, p.Code, p.EN)
				return
			}
			slowest = max(slowest, time.Since(start))
		}
	}()
	op := v.open(t, false)
	ro := v.open(t, true)
	steps := []struct {
		name string
		fn   func() error
	}{
		{"terminal add", func() error { _, _, err := op.AddTerminal(ctx, "Kassa 9", demo.OrgSports, demo.SportsDesk); return err }},
		{"terminal list", func() error { _, err := ro.Terminals(ctx); return err }},
		{"export", func() error { return ro.Export(ctx, func(ledger.StoredEvent) error { return nil }) }},
		{"verify", func() error { return ro.VerifyJournals(ctx, func(ledger.JournalReport) {}) }},
		{"import holders", func() error {
			csv := "id,first_name,last_name,birth_date,postal_code,card_number,card_system\n" +
				"imp-1,Carla,De Smet,1990-07-14,2500,0950000000017,cs-lier\n" +
				tom + ",Tom,Peeters,1985-03-14,2500," + string(h.Card) + ",cs-lier\n"
			rep, err := op.ImportHolders(ctx, strings.NewReader(fixCheckDigit(csv, "0950000000017")), nil)
			if err == nil && (rep.Imported != 2 || len(rep.Refused) != 0) {
				err = fmt.Errorf("import: %+v", rep)
			}
			return err
		}},
		{"seed limits", func() error { return op.SetOfflineLimits(ctx, balisync.OfflineLimits{RedeemPointsPerDay: 40}) }},
		{"terminal revoke", func() error {
			x, _, err := op.AddTerminal(ctx, "Kassa 10", demo.OrgSports, demo.SportsDesk)
			if err == nil {
				err = op.RevokeTerminal(ctx, x.ID)
			}
			return err
		}},
		{"check balances", func() error { return ro.CheckBalances(ctx) }},
	}
	for _, s := range steps {
		if err := s.fn(); err != nil {
			t.Errorf("%s during ingest: %v", s.name, err)
		}
	}
	close(stop)
	wg.Wait()
	if uploadErr != nil {
		t.Fatal(uploadErr)
	}
	t.Logf("slowest upload while the operator worked: %v", slowest)
	if slowest > 5*time.Second {
		t.Errorf("an upload waited %v for the operator's commands", slowest)
	}
	// The voided check-in is still voided: the holder checks in again
	// within the limit.
	if v := verdictOf(t, l, tm, tm.next(balie.KindCheckin, checkin(h, ev))); v.Status != balisync.Accepted {
		t.Errorf("check-in after the operator's commands: %+v", v)
	}
	if got, err := l.Holder(ctx, tom); err != nil || got.LastName != "Peeters" {
		t.Errorf("the import's update of tom: %+v %v", got, err)
	}
	checkBalances(t, l)
	checkBalances(t, op)
}

// fixCheckDigit gives each 13-digit number in s its right check digit.
func fixCheckDigit(s string, numbers ...string) string {
	for _, n := range numbers {
		good, err := balie.NewCardNumber(n[:12])
		if err != nil {
			panic(err)
		}
		s = strings.ReplaceAll(s, n, string(good))
	}
	return s
}

// testReopen closes a ledger in the middle of its work and opens it
// again: nothing confirmed is lost and the state is the same.
func testReopen(t *testing.T, e Engine) {
	v := newEnv(t, e, 60)
	c, ctx := v.c, context.Background()
	ev := c.eventToday(t, func(e balie.Event) bool { return e.PointsPerCheckin > 0 && e.OrganiserID == demo.OrgCulture })
	tm := v.enrol(t, demo.BoxOfficeDesk)
	tm.at = ev.Start
	var evs []balie.JournalEvent
	for _, h := range c.holders[:30] {
		evs = append(evs, tm.next(balie.KindCheckin, checkin(h, ev)))
	}
	resp := ingest(t, v.l, tm, evs...)
	if err := v.l.Close(); err != nil {
		t.Fatal(err)
	}
	l := v.open(t, false)
	for _, b := range resp.Balances {
		if got := balance(t, l, b.HolderID); got != b.Points {
			t.Errorf("%s: %d after a reopen, %d answered", b.HolderID, got, b.Points)
		}
	}
	// The same batch again is a repeat.
	again, _, p := l.Ingest(ctx, tm.ID, tm.Request(evs...))
	if p != nil || again.Acked != int64(len(evs)) {
		t.Errorf("repeat after reopen: %+v %+v", again, p)
	}
	checkBalances(t, l)
}

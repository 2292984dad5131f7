package ledger

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/balie/balie"
	"github.com/balie/balie/demo"
	balisync "github.com/balie/balie/sync"
)

const (
	tom   = "h-0000000" // 23 points, card 0900000095902
	kevin = "h-0000001" // social tariff
)

func TestOpen_refusesWhatIsNotALedger(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.txt")
	os.WriteFile(text, []byte("not a database at all, just some notes"), 0o600)

	newer := filepath.Join(dir, "newer.db")
	l, err := Open(context.Background(), newer, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.w.Exec(`PRAGMA user_version = 99`); err != nil {
		t.Fatal(err)
	}
	l.Close()

	other := filepath.Join(dir, "other.db")
	l2, err := Open(context.Background(), other, Options{})
	if err != nil {
		t.Fatal(err)
	}
	l2.w.Exec(`PRAGMA application_id = 1234`)
	l2.Close()

	tests := []struct {
		name, path string
		want       balie.Code
	}{
		{"a text file", text, balie.CodeStorageForeign},
		{"another program's database", other, balie.CodeStorageForeign},
		{"a newer ledger", newer, balie.CodeStorageNewer},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, _ := os.ReadFile(tt.path)
			_, err := Open(context.Background(), tt.path, Options{})
			if got := balie.ErrorCode(err); got != tt.want {
				t.Fatalf("Open: got %v, want code %s", err, tt.want)
			}
			after, _ := os.ReadFile(tt.path)
			if string(before) != string(after) {
				t.Error("the refused file was changed")
			}
		})
	}
}

func TestLedger_Enrol(t *testing.T) {
	l, clk := newLedger(t)
	seed(t, l, 50)
	ctx := context.Background()
	add := func() (Terminal, string) {
		tm, token, err := l.AddTerminal(ctx, "Kassa 1", demo.OrgCulture, demo.BoxOfficeDesk)
		if err != nil {
			t.Fatal(err)
		}
		return tm, token
	}
	t.Run("once", func(t *testing.T) {
		tm, token := add()
		resp, p := l.Enrol(ctx, token)
		if p != nil {
			t.Fatalf("first enrolment: %+v", p)
		}
		if resp.TerminalID != tm.ID || resp.Location != demo.BoxOfficeDesk || resp.Organiser != demo.OrgCulture || resp.Secret == "" {
			t.Errorf("got %+v", resp)
		}
		if _, p := l.Enrol(ctx, token); p == nil || p.Code != balisync.CodeTokenInvalid {
			t.Errorf("second use: got %+v, want token_invalid", p)
		}
		if id, p := l.Authenticate(ctx, "Bearer "+resp.TerminalID+"."+resp.Secret); p != nil || id != tm.ID {
			t.Errorf("authenticate: %q %+v", id, p)
		}
	})
	t.Run("expired", func(t *testing.T) {
		_, token := add()
		clk.Add(TokenTTL + time.Minute)
		defer clk.Add(-TokenTTL - time.Minute)
		if _, p := l.Enrol(ctx, token); p == nil || p.Code != balisync.CodeTokenInvalid {
			t.Errorf("got %+v, want token_invalid", p)
		}
	})
	t.Run("revoked", func(t *testing.T) {
		tm, token := add()
		if err := l.RevokeTerminal(ctx, tm.ID); err != nil {
			t.Fatal(err)
		}
		if _, p := l.Enrol(ctx, token); p == nil || p.Code != balisync.CodeRevoked {
			t.Errorf("got %+v, want terminal_revoked", p)
		}
	})
	t.Run("unknown", func(t *testing.T) {
		if _, p := l.Enrol(ctx, "no-such-token"); p == nil || p.Code != balisync.CodeTokenInvalid || p.Status != 403 {
			t.Errorf("got %+v, want 403 token_invalid", p)
		}
	})
	t.Run("revoked terminal cannot sync", func(t *testing.T) {
		tm := enrolTerminal(t, l, demo.BoxOfficeDesk)
		if err := l.RevokeTerminal(ctx, tm.id); err != nil {
			t.Fatal(err)
		}
		if _, p := l.Authenticate(ctx, tm.bearer()); p == nil || p.Code != balisync.CodeRevoked {
			t.Errorf("authenticate: got %+v, want terminal_revoked", p)
		}
		if _, p := l.Authenticate(ctx, "Bearer "+tm.id+".wrong"); p == nil || p.Code != balisync.CodeUnauthorized {
			t.Errorf("wrong secret: got %+v, want unauthorized", p)
		}
	})
	t.Run("bad terminal", func(t *testing.T) {
		if _, _, err := l.AddTerminal(ctx, "X", "org-nope", demo.BoxOfficeDesk); balie.ErrorCode(err) != CodeOrganiserUnknown {
			t.Errorf("unknown organiser: %v", err)
		}
		if _, _, err := l.AddTerminal(ctx, "X", demo.OrgCulture, "desk-nope"); balie.ErrorCode(err) != CodeDeskUnknown {
			t.Errorf("unknown desk: %v", err)
		}
	})
}

func TestIngest_repeatGetsOriginalVerdicts(t *testing.T) {
	l, _ := newLedger(t)
	c := seed(t, l, 50)
	tm := enrolTerminal(t, l, demo.BoxOfficeDesk)
	ev := c.eventToday(t, func(e balie.Event) bool { return e.PointsPerCheckin > 0 && e.CheckinLimit.Volume == 1 })
	h := c.holder(t, tom)
	tm.at = ev.Start
	batch := []balie.JournalEvent{tm.next(balie.KindCheckin, checkin(h, ev)), tm.next(balie.KindCheckin, checkin(h, ev))}
	first := ingest(t, l, tm, batch...)
	again := ingest(t, l, tm, batch...)
	if len(first.Verdicts) != 2 || first.Verdicts[0].Status != balisync.Accepted || first.Verdicts[1].Code != string(balie.CodeCheckinLimit) {
		t.Fatalf("first verdicts: %+v", first.Verdicts)
	}
	for i := range first.Verdicts {
		if first.Verdicts[i] != again.Verdicts[i] {
			t.Errorf("verdict %d: first %+v, again %+v", i, first.Verdicts[i], again.Verdicts[i])
		}
	}
	want := h.Points + ev.PointsPerCheckin
	if got := balance(t, l, tom); got != want {
		t.Errorf("balance: got %d, want %d", got, want)
	}
	if again.Acked != 2 || len(again.Balances) != 1 || again.Balances[0].Points != want {
		t.Errorf("again: acked %d balances %+v", again.Acked, again.Balances)
	}
	// A batch that repeats the first event and adds a new one.
	mixed := ingest(t, l, tm, batch[1], tm.next(balie.KindCheckin, checkin(c.holder(t, kevin), ev)))
	if len(mixed.Verdicts) != 2 || mixed.Verdicts[0] != first.Verdicts[1] || mixed.Acked != 3 {
		t.Errorf("mixed: %+v", mixed)
	}
}

func TestIngest_refusals(t *testing.T) {
	l, _ := newLedger(t)
	c := seed(t, l, 50)
	ev := c.eventToday(t, func(e balie.Event) bool { return e.PointsPerCheckin > 0 })
	h := c.holder(t, tom)
	a := enrolTerminal(t, l, demo.BoxOfficeDesk)
	b := enrolTerminal(t, l, demo.BoxOfficeDesk)
	e1, e2 := a.next(balie.KindCheckin, checkin(h, ev)), a.next(balie.KindCheckin, checkin(h, ev))
	ingest(t, l, a, e1, e2)

	altered := e2
	altered.Payload = json.RawMessage(`{"holder":"h-0000000","card":"0900000095902","event":"` + ev.ID + `","points":99}`)
	altered.Hash = altered.ComputeHash()
	otherID := e2
	otherID.ID = "0193aaaa-0000-7000-8000-000000000000"
	otherID.Hash = otherID.ComputeHash()

	ghost := *a // a copy that goes on from seq 2
	e3 := ghost.next(balie.KindCheckin, checkin(h, ev))
	e4 := ghost.next(balie.KindCheckin, checkin(h, ev))
	brokenPrev := e3
	brokenPrev.PrevHash = balie.GenesisHash
	brokenPrev.Hash = brokenPrev.ComputeHash()
	tampered := e3
	tampered.Staff = "someone-else"

	// b's first event with a's id: the id is taken.
	stolen := b.next(balie.KindCheckin, checkin(h, ev))
	stolen.ID = e1.ID
	stolen.Hash = stolen.ComputeHash()
	b2 := *b
	b2.seq, b2.prev = 0, balie.GenesisHash
	foreign := b2.next(balie.KindCheckin, checkin(h, ev))

	tests := []struct {
		name     string
		caller   *term
		events   []balie.JournalEvent
		status   int
		code     string
		seq      int64
		resume   int64
		terminal string
	}{
		{"same seq, other content", a, []balie.JournalEvent{altered}, 409, balisync.CodeEventConflict, 2, 0, ""},
		{"same seq, other id", a, []balie.JournalEvent{otherID}, 409, balisync.CodeEventConflict, 2, 0, ""},
		{"id stored under another terminal", b, []balie.JournalEvent{stolen}, 409, balisync.CodeEventConflict, 1, 0, ""},
		{"gap", a, []balie.JournalEvent{e4}, 409, balisync.CodeSequenceGap, 0, 3, ""},
		{"first upload not from 1", b, []balie.JournalEvent{b.next(balie.KindCheckin, checkin(h, ev))}, 409, balisync.CodeSequenceGap, 0, 1, ""},
		{"broken prev_hash", a, []balie.JournalEvent{brokenPrev}, 422, balisync.CodeChainBroken, 3, 0, ""},
		{"hash does not match the content", a, []balie.JournalEvent{tampered}, 422, balisync.CodeChainBroken, 3, 0, ""},
		{"another terminal's event", b, []balie.JournalEvent{e3}, 403, balisync.CodeWrongTerminal, 3, 0, ""},
		{"not in order", a, []balie.JournalEvent{e4, e3}, 400, balisync.CodeBadRequest, 0, 0, ""},
	}
	_ = foreign
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, p := l.Ingest(context.Background(), tt.caller.id, tt.events)
			if p == nil {
				t.Fatal("accepted, want a problem")
			}
			if p.Status != tt.status || p.Code != tt.code || p.Seq != tt.seq || p.Resume != tt.resume {
				t.Errorf("got %d %s seq %d resume %d, want %d %s seq %d resume %d", p.Status, p.Code, p.Seq, p.Resume, tt.status, tt.code, tt.seq, tt.resume)
			}
			if p.NL == "" || p.EN == "" || p.Title != p.EN || p.Type != "about:blank" {
				t.Errorf("problem without messages: %+v", p)
			}
		})
	}
	// Nothing of the refused batches was stored; the chain goes on.
	resp := ingest(t, l, a, e3, e4)
	if resp.Acked != 4 {
		t.Errorf("acked %d, want 4", resp.Acked)
	}
	if err := l.CheckBalances(context.Background()); err != nil {
		t.Error(err)
	}
}

// verdictOf uploads events and returns the verdict of the last one.
func verdictOf(t *testing.T, l *Ledger, tm *term, events ...balie.JournalEvent) balisync.Verdict {
	t.Helper()
	resp := ingest(t, l, tm, events...)
	return resp.Verdicts[len(resp.Verdicts)-1]
}

func TestIngest_verdicts(t *testing.T) {
	l, _ := newLedger(t)
	c := seed(t, l, 200)
	box := enrolTerminal(t, l, demo.BoxOfficeDesk)
	ev := c.eventToday(t, func(e balie.Event) bool { return e.PointsPerCheckin > 0 && e.CheckinLimit.Volume == 1 })
	var social balie.Tariff
	for _, tr := range c.tariffs {
		if tr.Kind == balie.TariffSocial && tr.Limit.Volume == 1 && tr.Regular > 0 {
			social = tr
			break
		}
	}
	if social.ID == "" {
		t.Fatal("no limited social tariff in the demo city")
	}
	key := social.Key
	shares, err := key.Split(social.Regular, social.Step)
	if err != nil {
		t.Fatal(err)
	}
	socialLine := func(q int) balie.TicketLine {
		return balie.TicketLine{TariffID: social.ID, Kind: balie.TariffSocial, Quantity: q, Regular: social.Regular, Shares: shares, Total: shares.Holder * balie.Cents(q)}
	}
	k := c.holder(t, kevin)
	tickets := func(q int) balie.TicketSalePayload {
		line := socialLine(q)
		return balie.TicketSalePayload{HolderID: k.ID, Card: k.Card, EventID: social.EventID, OrganiserID: c.events[social.EventID].OrganiserID,
			Lines: []balie.TicketLine{line}, Total: line.Total, Payment: balie.PayCash}
	}
	drinkbus := c.rewards["rw-drinkbus"]
	holders := c.holders[10:]
	h := func(i int) cityHolder { return holders[i] }
	redeem := func(x cityHolder, r balie.Reward) balie.RewardRedemptionPayload {
		return balie.RewardRedemptionPayload{HolderID: x.ID, Card: x.Card, RewardID: r.ID, OrganiserID: r.OrganiserID, Points: r.Points}
	}
	box.at = ev.Start

	tests := []struct {
		name   string
		events func() []balie.JournalEvent
		status string
		code   string
	}{
		{"check-in", func() []balie.JournalEvent {
			return []balie.JournalEvent{box.next(balie.KindCheckin, checkin(h(0), ev))}
		}, balisync.Accepted, ""},
		{"check-in over the limit", func() []balie.JournalEvent {
			return []balie.JournalEvent{box.next(balie.KindCheckin, checkin(h(0), ev))}
		}, balisync.Adjusted, "checkin_limit"},
		{"unknown card", func() []balie.JournalEvent {
			p := checkin(h(1), ev)
			p.Card = "0900000000000"
			return []balie.JournalEvent{box.next(balie.KindCheckin, p)}
		}, balisync.Rejected, "card_unknown"},
		{"unknown holder", func() []balie.JournalEvent {
			p := checkin(h(1), ev)
			p.HolderID = "h-nobody"
			return []balie.JournalEvent{box.next(balie.KindCheckin, p)}
		}, balisync.Rejected, "holder_unknown"},
		{"unknown event", func() []balie.JournalEvent {
			p := checkin(h(1), ev)
			p.EventID = "ev-nope"
			return []balie.JournalEvent{box.next(balie.KindCheckin, p)}
		}, balisync.Rejected, "event_unknown"},
		{"payload that does not decode", func() []balie.JournalEvent { return []balie.JournalEvent{box.next(balie.KindCheckin, []int{1, 2})} }, balisync.Rejected, "payload_invalid"},
		{"social tickets", func() []balie.JournalEvent { return []balie.JournalEvent{box.next(balie.KindTicketSale, tickets(1))} }, balisync.Accepted, ""},
		{"social tickets over the limit", func() []balie.JournalEvent { return []balie.JournalEvent{box.next(balie.KindTicketSale, tickets(1))} }, balisync.Adjusted, "ticket_limit"},
		{"tickets whose shares do not add up", func() []balie.JournalEvent {
			p := tickets(1)
			p.Lines[0].Shares.City++
			return []balie.JournalEvent{box.next(balie.KindTicketSale, p)}
		}, balisync.Rejected, "payload_invalid"},
		{"reward", func() []balie.JournalEvent {
			return []balie.JournalEvent{box.next(balie.KindRewardRedemption, redeem(c.holder(t, tom), drinkbus))}
		}, balisync.Accepted, ""},
		{"reward twice for one holder", func() []balie.JournalEvent {
			return []balie.JournalEvent{box.next(balie.KindRewardRedemption, redeem(c.holder(t, tom), drinkbus))}
		}, balisync.Adjusted, "reward_limit"},
		{"reward below zero", func() []balie.JournalEvent {
			r := c.rewards["rw-theaterticket"]
			for _, x := range holders {
				if x.Points < r.Points {
					return []balie.JournalEvent{box.next(balie.KindRewardRedemption, redeem(x, r))}
				}
			}
			t.Fatal("no holder with few points")
			return nil
		}, balisync.Adjusted, "points_negative"},
		{"unknown reward", func() []balie.JournalEvent {
			p := redeem(h(3), drinkbus)
			p.RewardID = "rw-nope"
			return []balie.JournalEvent{box.next(balie.KindRewardRedemption, p)}
		}, balisync.Rejected, "reward_unknown"},
		{"membership", func() []balie.JournalEvent {
			x := h(4)
			return []balie.JournalEvent{box.next(balie.KindMembershipPayment, balie.MembershipPaymentPayload{HolderID: x.ID, Card: x.Card,
				ProgramID: demo.ProgramSports, OrganiserID: demo.OrgSports, Price: 5000, Start: today, End: today.AddDate(1, 0, 0), Payment: balie.PayCard})}
		}, balisync.Accepted, ""},
		{"unknown program", func() []balie.JournalEvent {
			x := h(4)
			return []balie.JournalEvent{box.next(balie.KindMembershipPayment, balie.MembershipPaymentPayload{HolderID: x.ID, Card: x.Card,
				ProgramID: "prog-nope", Price: 5000, Start: today, End: today.AddDate(1, 0, 0), Payment: balie.PayCard})}
		}, balisync.Rejected, "program_unknown"},
		{"void of nothing", func() []balie.JournalEvent {
			return []balie.JournalEvent{box.next(balie.KindVoid, balie.VoidPayload{Target: "0193ffff-0000-7000-8000-000000000000", Reason: "oops", Approver: "staff-sup"})}
		}, balisync.Rejected, "void_unknown"},
		{"unknown kind", func() []balie.JournalEvent { return []balie.JournalEvent{box.next("TELEPORT", map[string]int{})} }, balisync.Rejected, "payload_invalid"},
	}
	var review []string
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := verdictOf(t, l, box, tt.events()...)
			if v.Status != balisync.Accepted {
				review = append(review, v.ID)
			}
			if v.Status != tt.status || v.Code != tt.code {
				t.Errorf("got %s %s (%s), want %s %s", v.Status, v.Code, v.EN, tt.status, tt.code)
			}
			if v.Status != balisync.Accepted && (v.NL == "" || v.EN == "") {
				t.Errorf("verdict without messages: %+v", v)
			}
		})
	}
	// Every adjusted or rejected event is flagged for review.
	flags, err := l.ReviewFlags(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	flagged := map[string]bool{}
	for _, f := range flags {
		flagged[f.EventID] = true
	}
	for _, id := range review {
		if !flagged[id] {
			t.Errorf("event %s is not flagged for review", id)
		}
	}
	if err := l.CheckBalances(context.Background()); err != nil {
		t.Error(err)
	}
}

func TestIngest_twoTerminalsSpendTheSamePointsOffline(t *testing.T) {
	l, _ := newLedger(t)
	c := seed(t, l, 50)
	a, b := enrolTerminal(t, l, demo.BoxOfficeDesk), enrolTerminal(t, l, demo.SportsDesk)
	h := c.holder(t, tom) // 23 points
	r := c.rewards["rw-theaterticket"]
	spend := balie.RewardRedemptionPayload{HolderID: h.ID, Card: h.Card, RewardID: r.ID, OrganiserID: r.OrganiserID, Points: r.Points}
	other := c.rewards["rw-drinkbus"]
	spend2 := balie.RewardRedemptionPayload{HolderID: h.ID, Card: h.Card, RewardID: other.ID, OrganiserID: other.OrganiserID, Points: other.Points}

	va := verdictOf(t, l, a, a.next(balie.KindRewardRedemption, spend))
	vb := verdictOf(t, l, b, b.next(balie.KindRewardRedemption, spend2))
	if va.Status != balisync.Accepted {
		t.Errorf("first desk: %+v", va)
	}
	if vb.Status != balisync.Adjusted || vb.Code != CodePointsNegative {
		t.Errorf("second desk: got %+v, want ADJUSTED points_negative", vb)
	}
	want := h.Points - r.Points - other.Points
	if got := balance(t, l, h.ID); got != want || got >= 0 {
		t.Errorf("balance: got %d, want %d (below zero)", got, want)
	}
	flags, _ := l.ReviewFlags(context.Background())
	if len(flags) != 1 || flags[0].Code != CodePointsNegative || flags[0].HolderID != h.ID {
		t.Errorf("flags: %+v", flags)
	}
	if err := l.CheckBalances(context.Background()); err != nil {
		t.Error(err)
	}
}

func TestIngest_void(t *testing.T) {
	l, _ := newLedger(t)
	c := seed(t, l, 50)
	a, b := enrolTerminal(t, l, demo.BoxOfficeDesk), enrolTerminal(t, l, demo.BoxOfficeDesk)
	ev := c.eventToday(t, func(e balie.Event) bool { return e.PointsPerCheckin > 0 && e.CheckinLimit.Volume == 1 })
	h := c.holder(t, tom)
	a.at = ev.Start
	in := a.next(balie.KindCheckin, checkin(h, ev))
	void := func(tm *term, target string) balie.JournalEvent {
		return tm.next(balie.KindVoid, balie.VoidPayload{Target: target, Reason: "verkeerde kaart", Approver: "staff-sup"})
	}
	// The check-in and its void in one batch, then a new check-in that is
	// within the limit again because the first was voided.
	resp := ingest(t, l, a, in, void(a, in.ID), a.next(balie.KindCheckin, checkin(h, ev)))
	for _, v := range resp.Verdicts {
		if v.Status != balisync.Accepted {
			t.Errorf("verdict %+v", v)
		}
	}
	if got, want := balance(t, l, h.ID), h.Points+ev.PointsPerCheckin; got != want {
		t.Errorf("balance: got %d, want %d", got, want)
	}
	if v := verdictOf(t, l, a, void(a, in.ID)); v.Code != "void_twice" {
		t.Errorf("void twice: %+v", v)
	}
	if v := verdictOf(t, l, b, void(b, in.ID)); v.Code != "void_unknown" {
		t.Errorf("another terminal's void: %+v", v)
	}
	// A void in a later batch of a check-in already flushed.
	second := a.next(balie.KindCheckin, checkin(c.holder(t, kevin), ev))
	ingest(t, l, a, second)
	if err := l.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	if v := verdictOf(t, l, a, void(a, second.ID)); v.Status != balisync.Accepted {
		t.Errorf("void after flush: %+v", v)
	}
	if v := verdictOf(t, l, a, a.next(balie.KindCheckin, checkin(c.holder(t, kevin), ev))); v.Status != balisync.Accepted {
		t.Errorf("check-in after the void: %+v", v)
	}
	if err := l.CheckBalances(context.Background()); err != nil {
		t.Error(err)
	}
}

func TestIngest_cardSales(t *testing.T) {
	l, _ := newLedger(t)
	c := seed(t, l, 50)
	a, b := enrolTerminal(t, l, demo.BoxOfficeDesk), enrolTerminal(t, l, demo.BoxOfficeDesk)
	stock := c.stock[0]
	first := func(tm *term, id string) balie.CardSalePayload {
		return balie.CardSalePayload{Card: stock.Number, HolderID: id, CardSystem: stock.CardSystem, Reason: balie.ReasonFirstCard,
			OrganiserID: demo.OrgCulture, Price: 500, Payment: balie.PayCash,
			NewHolder: &balie.Holder{ID: id, FirstName: "Ann", LastName: "Claes", BirthDate: time.Date(1990, 1, 2, 0, 0, 0, 0, balie.Brussels()), PostalCode: "2500"}}
	}
	va := verdictOf(t, l, a, a.next(balie.KindCardSale, first(a, "h-new-a")))
	vb := verdictOf(t, l, b, b.next(balie.KindCardSale, first(b, "h-new-b")))
	if va.Status != balisync.Accepted || vb.Status != balisync.Adjusted || vb.Code != CodeCardSoldTwice {
		t.Fatalf("verdicts: %+v %+v", va, vb)
	}
	card, err := l.Card(context.Background(), stock.Number)
	if err != nil || card.Status != balie.CardActive || card.HolderID != "h-new-a" {
		t.Errorf("card: %+v %v", card, err)
	}
	for _, id := range []string{"h-new-a", "h-new-b"} {
		if _, err := l.Holder(context.Background(), id); err != nil {
			t.Errorf("holder %s: %v", id, err)
		}
	}
	// The new holder can check in at once, at the desk that sold the card.
	ev := c.eventToday(t, func(e balie.Event) bool { return e.PointsPerCheckin > 0 })
	if v := verdictOf(t, l, a, a.next(balie.KindCheckin, balie.CheckinPayload{HolderID: "h-new-a", Card: stock.Number, EventID: ev.ID, Points: 1})); v.Status == balisync.Rejected {
		t.Errorf("check-in of the new holder: %+v", v)
	}
	// A replacement for a lost card blocks the old one.
	tomCard := c.holder(t, tom).Card
	repl := balie.CardSalePayload{Card: c.stock[1].Number, HolderID: tom, CardSystem: stock.CardSystem, Reason: balie.ReasonReplaceLost,
		OrganiserID: demo.OrgCulture, Price: 500, Payment: balie.PayCash, Replaces: tomCard}
	if v := verdictOf(t, l, a, a.next(balie.KindCardSale, repl)); v.Status != balisync.Accepted {
		t.Errorf("replacement: %+v", v)
	}
	if old, _ := l.Card(context.Background(), tomCard); old.Status != balie.CardBlocked {
		t.Errorf("old card: %+v", old)
	}
	// Voiding the first sale puts the card back in stock.
	sale := a.next(balie.KindCardSale, balie.CardSalePayload{Card: c.stock[2].Number, HolderID: kevin, CardSystem: stock.CardSystem,
		Reason: balie.ReasonReplaceDefect, OrganiserID: demo.OrgCulture, Price: 0})
	ingest(t, l, a, sale, a.next(balie.KindVoid, balie.VoidPayload{Target: sale.ID, Reason: "fout", Approver: "staff-sup"}))
	if back, _ := l.Card(context.Background(), c.stock[2].Number); back.Status != balie.CardLocalStock || back.StockDesk != c.stock[2].StockDesk {
		t.Errorf("voided sale's card: %+v", back)
	}
}

func TestMoneyLines_sharesAddUp(t *testing.T) {
	l, _ := newLedger(t)
	c := seed(t, l, 50)
	a := enrolTerminal(t, l, demo.BoxOfficeDesk)
	k := c.holder(t, kevin)
	var lines []balie.TicketLine
	var ev string
	var total balie.Cents
	for _, tr := range c.tariffs {
		if ev != "" && tr.EventID != ev {
			continue
		}
		if tr.Kind == balie.TariffCoupon {
			continue
		}
		ev = tr.EventID
		q, err := balie.QuoteTicket(tr, balie.Holder{SocialTariff: balie.SocialTariff{State: balie.SocialActive}}, 2, 0)
		if err != nil {
			t.Fatal(err)
		}
		lines = append(lines, balie.TicketLine{TariffID: q.TariffID, Kind: q.Kind, Quantity: q.Quantity, Regular: q.Regular, Shares: q.Shares, Total: q.Total})
		total += q.Total
	}
	sale := a.next(balie.KindTicketSale, balie.TicketSalePayload{HolderID: k.ID, Card: k.Card, EventID: ev, OrganiserID: c.events[ev].OrganiserID,
		Lines: lines, Total: total, Payment: balie.PayCard})
	ms := a.next(balie.KindMembershipPayment, balie.MembershipPaymentPayload{HolderID: k.ID, Card: k.Card, ProgramID: demo.ProgramFriends,
		Price: 500, Start: today, End: today.AddDate(0, 6, 0), Payment: balie.PayCash})
	resp := ingest(t, l, a, sale, ms, a.next(balie.KindVoid, balie.VoidPayload{Target: ms.ID, Reason: "fout", Approver: "staff-sup"}))
	for _, v := range resp.Verdicts {
		if v.Status != balisync.Accepted {
			t.Fatalf("verdict %+v", v)
		}
	}
	got, err := l.MoneyLines(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(lines)+2 {
		t.Fatalf("money lines: got %d, want %d: %+v", len(got), len(lines)+2, got)
	}
	var net balie.Cents
	for _, m := range got {
		if m.Shares.Holder+m.Shares.Organiser+m.Shares.City != m.Regular {
			t.Errorf("shares of %+v do not add up to %d", m.Shares, m.Regular)
		}
		if m.OrganiserID == "" {
			t.Errorf("line without organiser: %+v", m)
		}
		net += m.Amount
	}
	if net != total {
		t.Errorf("net money: got %d, want %d (the membership was voided)", net, total)
	}
	if ms, _ := l.Memberships(context.Background(), k.ID); len(ms) != 0 {
		for _, m := range ms {
			if m.ProgramID == demo.ProgramFriends && m.Start.Equal(today) {
				t.Errorf("voided membership still there: %+v", m)
			}
		}
	}
}

// TestLedger_replayInvariant records random acts from three terminals,
// crashes the ledger before a flush and checks, after reopening, that
// every balance equals a replay of the accepted events.
func TestLedger_replayInvariant(t *testing.T) {
	seedN := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seedN)
	rng := rand.New(rand.NewPCG(seedN, 1))
	dir := t.TempDir()
	path := filepath.Join(dir, "ledger.db")
	ctx := context.Background()
	l, err := Open(ctx, path, Options{FlushInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	c := seed(t, l, 100)
	terms := []*term{enrolTerminal(t, l, demo.BoxOfficeDesk), enrolTerminal(t, l, demo.BoxOfficeDesk), enrolTerminal(t, l, demo.SportsDesk)}
	var evs []balie.Event
	for _, e := range c.events {
		if e.PointsPerCheckin > 0 {
			evs = append(evs, e)
		}
	}
	var rewards []balie.Reward
	for _, r := range c.rewards {
		rewards = append(rewards, r)
	}
	var done [][]balie.JournalEvent = make([][]balie.JournalEvent, len(terms))
	for round := range 30 {
		for ti, tm := range terms {
			var batch []balie.JournalEvent
			for range rng.IntN(20) + 1 {
				h := c.holders[rng.IntN(len(c.holders))]
				var e balie.JournalEvent
				switch x := rng.IntN(10); {
				case x < 6:
					ev := evs[rng.IntN(len(evs))]
					tm.at = ev.Start.Add(time.Duration(rng.IntN(3600)) * time.Second)
					e = tm.next(balie.KindCheckin, checkin(h, ev))
				case x < 8:
					r := rewards[rng.IntN(len(rewards))]
					e = tm.next(balie.KindRewardRedemption, balie.RewardRedemptionPayload{HolderID: h.ID, Card: h.Card, RewardID: r.ID, Points: r.Points})
				default:
					if len(done[ti]) == 0 {
						continue
					}
					target := done[ti][rng.IntN(len(done[ti]))]
					e = tm.next(balie.KindVoid, balie.VoidPayload{Target: target.ID, Reason: "test", Approver: "staff-sup"})
				}
				batch = append(batch, e)
				done[ti] = append(done[ti], e)
			}
			ingest(t, l, tm, batch...)
		}
		if round == 10 {
			if err := l.Flush(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := l.CheckBalances(ctx); err != nil {
		t.Fatalf("seed %d: before the crash: %v", seedN, err)
	}
	// A crash: the connections close without the last flush.
	l.crash()
	l2, err := Open(ctx, path, Options{FlushInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer l2.Close()
	if err := l2.CheckBalances(ctx); err != nil {
		t.Fatalf("seed %d: after the crash: %v", seedN, err)
	}
}

// TestLedger_Close_leavesNoWAL: after Close the file alone holds the
// ledger, so it can be copied or renamed (as a seed is) without its WAL.
func TestLedger_Close_leavesNoWAL(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ledger.db")
	l, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ld, err := l.NewLoader(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := demo.Generate(demo.Config{Holders: 300, Today: time.Date(2026, 11, 25, 10, 0, 0, 0, balie.Brussels())}, ld); err != nil {
		t.Fatal(err)
	}
	if err := ld.Close(); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() > 0 {
		t.Fatalf("a %d-byte WAL is left after Close", fi.Size())
	}
	moved := path + ".moved"
	if err := os.Rename(path, moved); err != nil {
		t.Fatal(err)
	}
	l, err = Open(ctx, moved, Options{})
	if err != nil {
		t.Fatalf("reopen the moved file: %v", err)
	}
	defer l.Close()
	if st, err := l.Stats(ctx); err != nil || st.Holders != 300 {
		t.Errorf("moved ledger: %+v, %v; want 300 holders", st, err)
	}
}

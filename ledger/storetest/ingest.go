package storetest

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/balie/balie"
	"github.com/balie/balie/demo"
	"github.com/balie/balie/ledger"
	"github.com/balie/balie/ledger/ledgertest"
	balisync "github.com/balie/balie/sync"
)

func testEnrol(t *testing.T, e Engine) {
	v := newEnv(t, e, 50)
	l, ctx := v.l, context.Background()
	key := func() string { return publicKey(ledgertest.NewKey(t)) }
	add := func() (ledger.Terminal, string) {
		tm, token, err := l.AddTerminal(ctx, "Kassa 1", demo.OrgCulture, demo.BoxOfficeDesk)
		if err != nil {
			t.Fatal(err)
		}
		return tm, token
	}
	t.Run("once", func(t *testing.T) {
		tm, token := add()
		resp, p := l.Enrol(ctx, balisync.EnrolRequest{Token: token, PublicKey: key()})
		if p != nil {
			t.Fatalf("first enrolment: %+v", p)
		}
		if resp.TerminalID != tm.ID || resp.Location != demo.BoxOfficeDesk || resp.Organiser != demo.OrgCulture || resp.Secret == "" {
			t.Errorf("got %+v", resp)
		}
		if _, p := l.Enrol(ctx, balisync.EnrolRequest{Token: token, PublicKey: key()}); p == nil || p.Code != balisync.CodeTokenInvalid {
			t.Errorf("second use: got %+v, want token_invalid", p)
		}
		if id, p := l.Authenticate(ctx, "Bearer "+resp.TerminalID+"."+resp.Secret); p != nil || id != tm.ID {
			t.Errorf("authenticate: %q %+v", id, p)
		}
	})
	t.Run("without a key", func(t *testing.T) {
		_, token := add()
		if _, p := l.Enrol(ctx, balisync.EnrolRequest{Token: token}); p == nil || p.Status != 400 {
			t.Errorf("got %+v, want 400", p)
		}
	})
	t.Run("expired", func(t *testing.T) {
		_, token := add()
		now := v.clk.Now()
		v.clk.Set(now.Add(ledger.TokenTTL + time.Minute))
		defer v.clk.Set(now)
		if _, p := l.Enrol(ctx, balisync.EnrolRequest{Token: token, PublicKey: key()}); p == nil || p.Code != balisync.CodeTokenInvalid {
			t.Errorf("got %+v, want token_invalid", p)
		}
	})
	t.Run("revoked", func(t *testing.T) {
		tm, token := add()
		if err := l.RevokeTerminal(ctx, tm.ID); err != nil {
			t.Fatal(err)
		}
		if _, p := l.Enrol(ctx, balisync.EnrolRequest{Token: token, PublicKey: key()}); p == nil || p.Code != balisync.CodeRevoked {
			t.Errorf("got %+v, want terminal_revoked", p)
		}
	})
	t.Run("unknown", func(t *testing.T) {
		if _, p := l.Enrol(ctx, balisync.EnrolRequest{Token: "no-such-token", PublicKey: key()}); p == nil || p.Code != balisync.CodeTokenInvalid || p.Status != 403 {
			t.Errorf("got %+v, want 403 token_invalid", p)
		}
	})
	t.Run("revoked terminal cannot sync", func(t *testing.T) {
		tm := v.enrol(t, demo.BoxOfficeDesk)
		if err := l.RevokeTerminal(ctx, tm.ID); err != nil {
			t.Fatal(err)
		}
		if _, p := l.Authenticate(ctx, tm.Bearer()); p == nil || p.Code != balisync.CodeRevoked {
			t.Errorf("authenticate: got %+v, want terminal_revoked", p)
		}
		if _, p := l.Authenticate(ctx, "Bearer "+tm.ID+".wrong"); p == nil || p.Code != balisync.CodeUnauthorized {
			t.Errorf("wrong secret: got %+v, want unauthorized", p)
		}
	})
	t.Run("bad terminal", func(t *testing.T) {
		if _, _, err := l.AddTerminal(ctx, "X", "org-nope", demo.BoxOfficeDesk); balie.ErrorCode(err) != ledger.CodeOrganiserUnknown {
			t.Errorf("unknown organiser: %v", err)
		}
		if _, _, err := l.AddTerminal(ctx, "X", demo.OrgCulture, "desk-nope"); balie.ErrorCode(err) != ledger.CodeDeskUnknown {
			t.Errorf("unknown desk: %v", err)
		}
		if _, _, err := l.AddTerminal(ctx, "X", demo.OrgCulture, demo.SportsDesk); balie.ErrorCode(err) != ledger.CodeDeskUnknown {
			t.Errorf("another organiser's desk: %v", err)
		}
	})
}

func testRepeats(t *testing.T, e Engine) {
	v := newEnv(t, e, 50)
	l, c := v.l, v.c
	tm := v.enrol(t, demo.BoxOfficeDesk)
	ev := c.eventToday(t, func(e balie.Event) bool {
		return e.PointsPerCheckin > 0 && e.CheckinLimit.Volume == 1 && e.OrganiserID == demo.OrgCulture
	})
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
	// A batch that repeats the second event and adds a new one.
	mixed := ingest(t, l, tm, batch[1], tm.next(balie.KindCheckin, checkin(c.holder(t, kevin), ev)))
	if len(mixed.Verdicts) != 2 || mixed.Verdicts[0] != first.Verdicts[1] || mixed.Acked != 3 {
		t.Errorf("mixed: %+v", mixed)
	}
	checkBalances(t, l)
}

func testRefusals(t *testing.T, e Engine) {
	v := newEnv(t, e, 50)
	l, c := v.l, v.c
	ev := c.eventToday(t, func(e balie.Event) bool { return e.PointsPerCheckin > 0 && e.OrganiserID == demo.OrgCulture })
	h := c.holder(t, tom)
	a := v.enrol(t, demo.BoxOfficeDesk)
	b := v.enrol(t, demo.BoxOfficeDesk)
	e1, e2 := a.next(balie.KindCheckin, checkin(h, ev)), a.next(balie.KindCheckin, checkin(h, ev))
	ingest(t, l, a, e1, e2)

	altered := e2
	altered.Payload = json.RawMessage(`{"holder":"h-0000000","card":"0900000095902","event":"` + ev.ID + `","points":99}`)
	altered.Hash = altered.ComputeHash()
	otherID := e2
	otherID.ID = "0193aaaa-0000-7000-8000-000000000000"
	otherID.Hash = otherID.ComputeHash()

	ghost := *a.Terminal // a copy that goes on from seq 2
	gt := &term{Terminal: &ghost, staff: a.staff, at: a.at}
	e3 := gt.next(balie.KindCheckin, checkin(h, ev))
	e4 := gt.next(balie.KindCheckin, checkin(h, ev))
	brokenPrev := e3
	brokenPrev.PrevHash = balie.GenesisHash
	brokenPrev.Hash = brokenPrev.ComputeHash()
	tampered := e3
	tampered.Staff = "someone-else"

	// b's first event with a's id: the id is taken.
	stolen := b.next(balie.KindCheckin, checkin(h, ev))
	stolen.ID = e1.ID
	stolen.Hash = stolen.ComputeHash()

	tests := []struct {
		name   string
		caller *term
		events []balie.JournalEvent
		status int
		code   string
		seq    int64
		resume int64
	}{
		{"same seq, other content", a, []balie.JournalEvent{altered}, 409, balisync.CodeEventConflict, 2, 0},
		{"same seq, other id", a, []balie.JournalEvent{otherID}, 409, balisync.CodeEventConflict, 2, 0},
		{"id stored under another terminal", b, []balie.JournalEvent{stolen}, 409, balisync.CodeEventConflict, 1, 0},
		{"gap", a, []balie.JournalEvent{e4}, 409, balisync.CodeSequenceGap, 0, 3},
		{"first upload not from 1", b, []balie.JournalEvent{b.next(balie.KindCheckin, checkin(h, ev))}, 409, balisync.CodeSequenceGap, 0, 1},
		{"broken prev_hash", a, []balie.JournalEvent{brokenPrev}, 422, balisync.CodeChainBroken, 3, 0},
		{"another terminal's event", b, []balie.JournalEvent{e3}, 403, balisync.CodeWrongTerminal, 3, 0},
		{"not in order", a, []balie.JournalEvent{e4, e3}, 400, balisync.CodeBadRequest, 0, 0},
		{"no events", a, nil, 400, balisync.CodeBadRequest, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, p := l.Ingest(context.Background(), tt.caller.ID, tt.caller.Request(tt.events...))
			if p == nil {
				t.Fatal("accepted, want a problem")
			}
			if p.Status != tt.status || p.Code != tt.code || p.Seq != tt.seq || p.Resume != tt.resume {
				t.Errorf("got %d %s seq %d resume %d (%s), want %d %s seq %d resume %d", p.Status, p.Code, p.Seq, p.Resume, p.EN, tt.status, tt.code, tt.seq, tt.resume)
			}
			if p.NL == "" || p.EN == "" || p.Title != p.EN || p.Type != "about:blank" {
				t.Errorf("problem without messages: %+v", p)
			}
		})
	}
	t.Run("hash does not match the content", func(t *testing.T) {
		// Signed as it is, so that the chain is what the ledger refuses.
		req := balisync.UploadRequest{Events: []balie.JournalEvent{tampered}, Signature: balie.SignJournal(a.Key, tampered)}
		_, _, p := l.Ingest(context.Background(), a.ID, req)
		if p == nil || (p.Code != balisync.CodeChainBroken && p.Code != balisync.CodeSignatureInvalid) || p.Status != 422 {
			t.Errorf("got %+v, want 422 chain_broken or signature_invalid", p)
		}
	})
	// Nothing of the refused batches was stored; the chain goes on.
	if resp := ingest(t, l, a, e3, e4); resp.Acked != 4 {
		t.Errorf("acked %d, want 4", resp.Acked)
	}
	checkBalances(t, l)
}

func testSignatures(t *testing.T, e Engine) {
	v := newEnv(t, e, 50)
	l, c, ctx := v.l, v.c, context.Background()
	ev := c.eventToday(t, func(e balie.Event) bool { return e.PointsPerCheckin > 0 && e.OrganiserID == demo.OrgCulture })
	tm := v.enrol(t, demo.BoxOfficeDesk)
	e1 := tm.next(balie.KindCheckin, checkin(c.holder(t, tom), ev))
	other := ledgertest.NewKey(t)
	for _, tt := range []struct {
		name string
		sig  string
	}{
		{"no signature", ""},
		{"not base64", "!!!"},
		{"another key's signature", balie.SignJournal(other, e1)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, _, p := l.Ingest(ctx, tm.ID, balisync.UploadRequest{Events: []balie.JournalEvent{e1}, Signature: tt.sig})
			if p == nil || p.Code != balisync.CodeSignatureInvalid || p.Status != 422 || p.Seq != 1 {
				t.Errorf("got %+v, want 422 signature_invalid at seq 1", p)
			}
		})
	}
	// Whoever holds the bearer secret cannot write history without the
	// key: a forged journal signed by another key is refused.
	resp := ingest(t, l, tm, e1)
	if resp.Acked != 1 {
		t.Fatalf("acked %d", resp.Acked)
	}
	e2, e3 := tm.next(balie.KindCheckin, checkin(c.holder(t, kevin), ev)), tm.next(balie.KindCheckin, checkin(c.holder(t, kevin), ev))
	ingest(t, l, tm, e2, e3)
	var reports []ledger.JournalReport
	if err := l.VerifyJournals(ctx, func(r ledger.JournalReport) { reports = append(reports, r) }); err != nil {
		t.Fatal(err)
	}
	if len(reports) != 1 || reports[0].Err != nil || reports[0].Events != 3 || reports[0].Signatures != 2 || reports[0].SignedUpTo != 3 {
		t.Errorf("verify: %+v", reports)
	}
	// The export carries the signatures, so that an auditor with the
	// terminal's public key checks the journal without the ledger.
	pub, err := l.PublicKey(ctx, tm.ID)
	if err != nil {
		t.Fatal(err)
	}
	key, _ := balie.ParsePublicKey(pub)
	signed := 0
	l.Export(ctx, func(s ledger.StoredEvent) error {
		if s.Signature != "" {
			if err := balie.VerifyJournal(key, s.JournalEvent, s.Signature); err != nil {
				t.Errorf("exported signature of seq %d: %v", s.Seq, err)
			}
			signed++
		}
		return nil
	})
	if signed != 2 {
		t.Errorf("%d signed events exported, want 2", signed)
	}
	// A terminal enrolled before journals were signed gives its key once.
	if p := l.RegisterKey(ctx, tm.ID, publicKey(other)); p == nil || p.Code != balisync.CodeKeyKnown {
		t.Errorf("replace a known key: got %+v, want key_known", p)
	}
}

func testVerdicts(t *testing.T, e Engine) {
	v := newEnv(t, e, 200)
	l, c := v.l, v.c
	box := v.enrol(t, demo.BoxOfficeDesk)
	sport := v.enrol(t, demo.SportsDesk)
	ev := c.eventToday(t, func(e balie.Event) bool {
		return e.PointsPerCheckin > 0 && e.CheckinLimit.Volume == 1 && e.OrganiserID == demo.OrgCulture
	})
	social := c.socialTariff(t, demo.OrgCulture)
	k := c.holder(t, kevin)
	tickets := func(q int) balie.TicketSalePayload { return c.socialTickets(t, social, k, q) }
	drinkbus := c.rewards["rw-drinkbus"]
	holders := c.holders[10:]
	h := func(i int) cityHolder { return holders[i] }
	redeem := func(x cityHolder, r balie.Reward) balie.RewardRedemptionPayload {
		return balie.RewardRedemptionPayload{HolderID: x.ID, Card: x.Card, RewardID: r.ID, OrganiserID: r.OrganiserID, Points: r.Points}
	}
	box.at = ev.Start
	sport.at = ev.Start
	sportsPass := c.programs[demo.ProgramSports]

	tests := []struct {
		name   string
		tm     *term
		events func() []balie.JournalEvent
		status string
		code   string
	}{
		{"check-in", box, func() []balie.JournalEvent {
			return []balie.JournalEvent{box.next(balie.KindCheckin, checkin(h(0), ev))}
		}, balisync.Accepted, ""},
		{"check-in over the limit", box, func() []balie.JournalEvent {
			return []balie.JournalEvent{box.next(balie.KindCheckin, checkin(h(0), ev))}
		}, balisync.Adjusted, "checkin_limit"},
		{"unknown card", box, func() []balie.JournalEvent {
			p := checkin(h(1), ev)
			n, _ := balie.NewCardNumber("090000000001")
			p.Card = n
			return []balie.JournalEvent{box.next(balie.KindCheckin, p)}
		}, balisync.Rejected, "card_unknown"},
		{"unknown holder", box, func() []balie.JournalEvent {
			p := checkin(h(1), ev)
			p.HolderID = "h-nobody"
			return []balie.JournalEvent{box.next(balie.KindCheckin, p)}
		}, balisync.Rejected, "holder_unknown"},
		{"unknown event", box, func() []balie.JournalEvent {
			p := checkin(h(1), ev)
			p.EventID = "ev-nope"
			return []balie.JournalEvent{box.next(balie.KindCheckin, p)}
		}, balisync.Rejected, "event_unknown"},
		{"payload that does not decode", box, func() []balie.JournalEvent { return []balie.JournalEvent{box.next(balie.KindCheckin, []int{1, 2})} }, balisync.Rejected, "payload_invalid"},
		{"social tickets", box, func() []balie.JournalEvent { return []balie.JournalEvent{box.next(balie.KindTicketSale, tickets(1))} }, balisync.Accepted, ""},
		{"social tickets over the limit", box, func() []balie.JournalEvent { return []balie.JournalEvent{box.next(balie.KindTicketSale, tickets(1))} }, balisync.Adjusted, "ticket_limit"},
		{"tickets whose shares do not add up", box, func() []balie.JournalEvent {
			p := tickets(1)
			p.Lines[0].Shares.City++
			return []balie.JournalEvent{box.next(balie.KindTicketSale, p)}
		}, balisync.Rejected, "payload_invalid"},
		{"reward", sport, func() []balie.JournalEvent {
			return []balie.JournalEvent{sport.next(balie.KindRewardRedemption, redeem(c.holder(t, tom), drinkbus))}
		}, balisync.Accepted, ""},
		{"reward twice for one holder", sport, func() []balie.JournalEvent {
			return []balie.JournalEvent{sport.next(balie.KindRewardRedemption, redeem(c.holder(t, tom), drinkbus))}
		}, balisync.Adjusted, "reward_limit"},
		{"reward below zero", box, func() []balie.JournalEvent {
			r := c.rewards["rw-theaterticket"]
			for _, x := range holders {
				if x.Points < r.Points {
					return []balie.JournalEvent{box.next(balie.KindRewardRedemption, redeem(x, r))}
				}
			}
			t.Fatal("no holder with few points")
			return nil
		}, balisync.Adjusted, "points_negative"},
		{"unknown reward", box, func() []balie.JournalEvent {
			p := redeem(h(3), drinkbus)
			p.RewardID = "rw-nope"
			return []balie.JournalEvent{box.next(balie.KindRewardRedemption, p)}
		}, balisync.Rejected, "reward_unknown"},
		{"membership", sport, func() []balie.JournalEvent {
			x := h(4)
			return []balie.JournalEvent{sport.next(balie.KindMembershipPayment, v.membership(t, sportsPass, x, sport.at, 0))}
		}, balisync.Accepted, ""},
		{"unknown program", sport, func() []balie.JournalEvent {
			x := h(4)
			p := v.membership(t, sportsPass, x, sport.at, 0)
			p.ProgramID = "prog-nope"
			return []balie.JournalEvent{sport.next(balie.KindMembershipPayment, p)}
		}, balisync.Rejected, "program_unknown"},
		{"void of nothing", box, func() []balie.JournalEvent {
			return []balie.JournalEvent{box.next(balie.KindVoid, balie.VoidPayload{Target: "0193ffff-0000-7000-8000-000000000000", Reason: "oops", Approver: "staff-sup"})}
		}, balisync.Rejected, "void_unknown"},
		{"unknown kind", box, func() []balie.JournalEvent { return []balie.JournalEvent{box.next("TELEPORT", map[string]int{})} }, balisync.Rejected, "payload_invalid"},
		{"a shift", box, func() []balie.JournalEvent {
			return []balie.JournalEvent{box.next(balie.KindShiftOpen, balie.ShiftOpenPayload{ShiftID: "s-1", Float: 15000})}
		}, balisync.Accepted, ""},
	}
	var review []string
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := verdictOf(t, l, tt.tm, tt.events()...)
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
	checkFlagged(t, l, review)
	checkBalances(t, l)
}

// checkFlagged fails the test when an event of ids is not flagged for
// review.
func checkFlagged(t *testing.T, l *ledger.Ledger, ids []string) {
	t.Helper()
	flags, err := l.ReviewFlags(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	flagged := map[string]bool{}
	for _, f := range flags {
		flagged[f.EventID] = true
	}
	for _, id := range ids {
		if !flagged[id] {
			t.Errorf("event %s is not flagged for review", id)
		}
	}
}

// socialTariff is a limited social tariff of an event of org.
func (c *city) socialTariff(t testing.TB, org string) balie.Tariff {
	t.Helper()
	for _, tr := range c.tariffs {
		if tr.Kind == balie.TariffSocial && tr.Limit.Volume == 1 && tr.Regular > 0 && c.events[tr.EventID].OrganiserID == org {
			return tr
		}
	}
	t.Fatal("no limited social tariff in the demo city")
	return balie.Tariff{}
}

// socialTickets is a sale of q tickets at the social tariff to h, priced
// as the catalogue prices it.
func (c *city) socialTickets(t testing.TB, tr balie.Tariff, h cityHolder, q int) balie.TicketSalePayload {
	t.Helper()
	shares, err := tr.Key.Split(tr.Regular, tr.Step)
	if err != nil {
		t.Fatal(err)
	}
	line := balie.TicketLine{TariffID: tr.ID, Kind: balie.TariffSocial, Quantity: q, Regular: tr.Regular, Shares: shares, Total: shares.Holder * balie.Cents(q)}
	return balie.TicketSalePayload{HolderID: h.ID, Card: h.Card, EventID: tr.EventID, OrganiserID: c.events[tr.EventID].OrganiserID,
		Lines: []balie.TicketLine{line}, Total: line.Total, Payment: balie.PayCash}
}

// membership is a payment of program p by x at at, with the price and
// the term the programme's rules give, as a desk that knows the holder
// decides them; months, when not zero, replaces the term's length.
func (v *env) membership(t testing.TB, p balie.MembershipProgram, x cityHolder, at time.Time, months int) balie.MembershipPaymentPayload {
	t.Helper()
	ctx := context.Background()
	h, err := v.l.Holder(ctx, x.ID)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := v.l.Memberships(ctx, x.ID)
	if err != nil {
		t.Fatal(err)
	}
	var current *balie.Membership
	for _, m := range ms {
		if m.ProgramID == p.ID && m.Valid(at) && (current == nil || m.End.After(current.End)) {
			current = &m
		}
	}
	start, end, err := p.Term(at, h.BirthDate, current)
	if err != nil {
		t.Fatal(err)
	}
	if months != 0 {
		end = start.AddDate(0, months, 0)
	}
	return balie.MembershipPaymentPayload{HolderID: x.ID, Card: x.Card, ProgramID: p.ID, OrganiserID: p.OrganiserID,
		Price: p.PriceFor(true, x.Social), Start: start, End: end, Payment: balie.PayCard}
}

// random shuffles a holder list deterministically.
func random(hs []cityHolder, seed uint64) []cityHolder {
	out := append([]cityHolder(nil), hs...)
	r := rand.New(rand.NewPCG(seed, seed))
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

func publicKey(k ed25519.PrivateKey) string {
	return balie.EncodePublicKey(k.Public().(ed25519.PublicKey))
}

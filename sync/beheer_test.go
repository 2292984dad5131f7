package sync_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"github.com/balie/balie"
	"github.com/balie/balie/demo"
	"github.com/balie/balie/ledger"
	"github.com/balie/balie/ledger/httpapi"
	"github.com/balie/balie/ledger/ledgertest"
	balisync "github.com/balie/balie/sync"
)

// The back office and the desks: what the city sets up reaches the
// terminals through the change log at their next sync, and what is for
// some desks only reaches those.

var cheapPasswords = ledger.PasswordParams{Time: 1, MemoryK: 64, Threads: 1}

// coordinator signs in to the back office of lt as a coordinator made
// for the test.
func coordinator(t *testing.T, lt *ledgertest.Ledger) *http.Client {
	t.Helper()
	const pw = "het wachtwoord van de test"
	if _, err := lt.SaveUser(context.Background(), ledger.Operator("test"), ledger.UserInput{Name: "coord", FullName: "Coördinator", Role: balie.OfficeCoordinator, Password: pw}); err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(lt.URL+"/beheer/login", url.Values{"name": {"coord"}, "password": {pw}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: %d", resp.StatusCode)
	}
	return c
}

func post(t *testing.T, c *http.Client, u string, form url.Values) {
	t.Helper()
	resp, err := c.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("POST %s: %d\n%s", u, resp.StatusCode, b)
	}
}

// TestBackOffice_tariffReachesTheDesk: an event and a social tariff made
// in the back office are on the box office's terminal after its next
// sync, and the terminal sells a ticket at the new tariff, which the
// ledger accepts with the shares the back office previewed.
func TestBackOffice_tariffReachesTheDesk(t *testing.T) {
	lt := ledgertest.Start(t, ledgertest.Options{Holders: 200, Passwords: cheapPasswords})
	box := enrol(t, lt, demo.BoxOfficeDesk, nil)
	c := coordinator(t, lt)
	day := box.clock.Now().In(balie.Brussels()).Format("2006-01-02")
	post(t, c, lt.URL+"/beheer/events/new", url.Values{"id": {"ev-nieuw"}, "name": {"Nieuwe voorstelling"}, "organiser": {demo.OrgCulture},
		"start": {day + "T20:00"}, "end": {day + "T22:00"}, "points": {"1"}, "limit": {"1"}, "period": {"ABSOLUTE"}, "before": {"60"}, "after": {"30"}})
	post(t, c, lt.URL+"/beheer/events/ev-nieuw/tariffs", url.Values{"id": {"t-nieuw-uitpas"}, "name": {"UiTPAS-tarief"}, "kind": {"SOCIAL"},
		"regular": {"12,00"}, "holder": {"20"}, "organiser": {"40"}, "city": {"40"}})
	ctx := context.Background()
	if ts, _ := box.db.Tariffs(ctx, "ev-nieuw"); len(ts) != 0 {
		t.Fatal("the tariff is on the desk before a sync")
	}
	box.heal(t)
	ts, err := box.db.Tariffs(ctx, "ev-nieuw")
	if err != nil || len(ts) != 1 || ts[0].ID != "t-nieuw-uitpas" || ts[0].Key != balie.CommonKey() || ts[0].Regular != 1200 {
		t.Fatalf("after a sync the desk has %+v, %v", ts, err)
	}
	// Kevin Janssens has the social tariff.
	res, err := box.db.SellTickets(ctx, "staff-box-1", balie.TicketRequest{Card: "1000000520006", EventID: "ev-nieuw",
		Lines: []balie.TicketOrder{{TariffID: "t-nieuw-uitpas", Quantity: 1}}, Payment: balie.PayCash})
	if err != nil {
		t.Fatalf("sell at the new tariff: %v", err)
	}
	if res.Total != 240 {
		t.Errorf("the holder paid %s, want € 2,40", res.Total)
	}
	box.heal(t)
	e, err := lt.Event(ctx, res.ID)
	if err != nil || e.Verdict != balisync.Accepted {
		t.Fatalf("the sale at the ledger: %+v %v", e.Verdict, err)
	}
	lines, err := lt.MoneyLines(ctx)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, m := range lines {
		if m.EventID == res.ID {
			found = true
			if m.Shares != (balie.Shares{Holder: 240, Organiser: 480, City: 480}) {
				t.Errorf("shares %+v", m.Shares)
			}
		}
	}
	if !found {
		t.Error("no money line for the sale")
	}
}

// replicaHas reports whether any value in any table of the terminal's
// store file holds s.
func replicaHas(t *testing.T, path, s string) []string {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table'`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	var hits []string
	for _, tb := range tables {
		r, err := db.Query(`SELECT * FROM "` + tb + `"`)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := r.Columns()
		for r.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			r.Scan(ptrs...)
			for i, v := range vals {
				var text string
				switch x := v.(type) {
				case []byte:
					text = string(x)
				case string:
					text = x
				default:
					text = fmt.Sprint(x)
				}
				if strings.Contains(text, s) {
					hits = append(hits, tb+"."+cols[i])
				}
			}
		}
		r.Close()
	}
	return hits
}

func count(t *testing.T, path, q string) int {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestBackOffice_childrenOnlyAtTheirDesk: a child's enrolment, with its
// authorised adults and pick-up codes, reaches its provider's childcare
// desk (also after a first download from the shared snapshot, which
// holds no child) and never a box office; a national register number
// reaches no terminal at all.
func TestBackOffice_childrenOnlyAtTheirDesk(t *testing.T) {
	lt := ledgertest.Start(t, ledgertest.Options{Holders: 400, Passwords: cheapPasswords})
	ctx := context.Background()
	children, err := ledger.List[balie.Child](ctx, lt.Ledger, balie.ChangeChild, "")
	if err != nil || len(children) < 2 {
		t.Fatalf("the demo city has %d children: %v", len(children), err)
	}
	box := enrol(t, lt, demo.BoxOfficeDesk, nil)
	bko := enrol(t, lt, demo.ChildcareDesk, nil)
	if n := count(t, bko.path, `SELECT count(*) FROM children`); n != len(children) {
		t.Errorf("the childcare desk has %d children after its first download, the ledger %d", n, len(children))
	}
	if n := count(t, box.path, `SELECT count(*) FROM children`); n != 0 {
		t.Errorf("the box office has %d children", n)
	}
	// Changes made now: a pick-up code for Lotte Peeters, and Tom
	// Peeters' national register number.
	const code, insz = "918273", "85073003328"
	lotte := children[0]
	for _, c := range children {
		if c.HolderID == "h-0000004" {
			lotte = c
		}
	}
	lotte.Authorised = append(lotte.Authorised, balie.AuthorisedAdult{Name: "Buurvrouw Marie", Code: code})
	if err := lt.SaveChild(ctx, ledger.Operator("test"), lotte); err != nil {
		t.Fatal(err)
	}
	if err := lt.SetINSZ(ctx, ledger.Operator("test"), "h-0000000", "85.07.30-033.28"); err != nil {
		t.Fatal(err)
	}
	box.heal(t)
	bko.heal(t)
	for _, s := range []string{code, "Buurvrouw Marie", insz} {
		if hits := replicaHas(t, box.path, s); len(hits) > 0 {
			t.Errorf("the box office's store holds %q in %v", s, hits)
		}
	}
	if hits := replicaHas(t, bko.path, code); len(hits) == 0 {
		t.Error("the childcare desk did not get the new pick-up code")
	}
	if hits := replicaHas(t, bko.path, insz); len(hits) > 0 {
		t.Errorf("the childcare desk's store holds the national register number in %v", hits)
	}
	// A box office that downloads from the start, now, gets no child
	// either; a childcare desk enrolled now gets them all.
	box2 := enrol(t, lt, demo.BoxOfficeDesk, nil)
	bko2 := enrol(t, lt, demo.ChildcareDesk, nil)
	if n := count(t, box2.path, `SELECT count(*) FROM children`); n != 0 {
		t.Errorf("a new box office has %d children", n)
	}
	if n := count(t, bko2.path, `SELECT count(*) FROM children`); n != len(children) {
		t.Errorf("a new childcare desk has %d children, want %d", n, len(children))
	}
	if hits := replicaHas(t, box2.path, code); len(hits) > 0 {
		t.Errorf("a new box office's store holds the pick-up code in %v", hits)
	}
}

// TestBackOffice_inszLookup: an enrolled terminal finds a holder's card
// by national register number; the answer holds nothing of the number;
// a number that is not one, and one of no holder, are refused in words;
// a terminal that looks up too many is refused for a while.
func TestBackOffice_inszLookup(t *testing.T) {
	lt := ledgertest.Start(t, ledgertest.Options{Holders: 100, Passwords: cheapPasswords, Server: ledgerServerOptions()})
	ctx := context.Background()
	if err := lt.SetINSZ(ctx, ledger.Operator("test"), "h-0000000", "85.07.30-033.28"); err != nil {
		t.Fatal(err)
	}
	tm := ledgertest.Enrol(t, lt.Ledger, demo.BoxOfficeDesk)
	c, err := balisync.NewClient(lt.URL, tm.ID, tm.Secret, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := c.LookupINSZ(ctx, "85073003328")
	if err != nil || resp.Card != "0900000095902" || resp.Holder != "h-0000000" {
		t.Fatalf("look up: %+v %v", resp, err)
	}
	raw, _ := json.Marshal(resp)
	if strings.Contains(string(raw), "850730") {
		t.Errorf("the answer holds the number: %s", raw)
	}
	for _, tc := range []struct{ in, code string }{{"85073003329", balisync.CodeINSZInvalid}, {"abc", balisync.CodeINSZInvalid}, {"90010100123", balisync.CodeINSZUnknown}} {
		_, err := c.LookupINSZ(ctx, tc.in)
		p, ok := balisync.AsProblem(err)
		if !ok || p.Code != tc.code || p.NL == "" || strings.Contains(p.NL, tc.in) {
			t.Errorf("look up %s: %v, want %s with a sentence that does not repeat it", tc.in, err, tc.code)
		}
	}
	var last error
	for range 5 {
		_, last = c.LookupINSZ(ctx, "85073003328")
	}
	if p, ok := balisync.AsProblem(last); !ok || p.Status != http.StatusTooManyRequests {
		t.Errorf("after the limit: %v, want 429", last)
	}
	// A terminal that is not enrolled finds nothing.
	other, _ := balisync.NewClient(lt.URL, tm.ID, "not-the-secret", nil)
	if _, err := other.LookupINSZ(ctx, "85073003328"); err == nil {
		t.Error("a wrong secret looked a number up")
	}
}

// ledgerServerOptions bound the INSZ look-ups to 6 a minute, so that the
// test reaches the limit.
func ledgerServerOptions() (o httpapi.Options) {
	o.INSZLookups = 6
	return o
}

// TestBackOffice_reviewOutcomeReachesTheDesk: an act the ledger adjusted
// is resolved in the back office; the terminal that recorded it shows
// how, with the note, on its review list after its next sync.
func TestBackOffice_reviewOutcomeReachesTheDesk(t *testing.T) {
	lt := ledgertest.Start(t, ledgertest.Options{Holders: 100, Passwords: cheapPasswords})
	ctx := context.Background()
	sport := enrol(t, lt, demo.SportsDesk, nil)
	day := sport.clock.Now().In(balie.Brussels()).Format("20060102")
	ev := "ev-" + day + "-zwemmen"
	res, err := sport.db.CheckIn(ctx, sportsClerk, "0900000095902", ev)
	if err != nil {
		t.Fatalf("check in: %v", err)
	}
	// Before the desk uploads, the catalogue changes: the ledger
	// corrects the points and flags the act.
	var e balie.Event
	if ok, err := lt.Entity(ctx, balie.ChangeEvent, ev, &e); !ok || err != nil {
		t.Fatalf("event %s: %v", ev, err)
	}
	e.PointsPerCheckin = 3
	if err := lt.SaveEvent(ctx, ledger.Operator("test"), e, false); err != nil {
		t.Fatal(err)
	}
	sport.heal(t)
	items, err := sport.db.Review(ctx)
	if err != nil || len(items) != 1 || items[0].ID != res.ID || items[0].Outcome != "" {
		t.Fatalf("the desk's review list: %+v %v", items, err)
	}
	queue, err := lt.ReviewQueue(ctx, ledger.Operator("test"), false, 10)
	if err != nil || len(queue) == 0 {
		t.Fatalf("the back office's queue: %v %v", queue, err)
	}
	var key string
	for _, q := range queue {
		if q.EventID == res.ID {
			key = q.Key
		}
	}
	if key == "" {
		t.Fatal("the adjusted check-in is not in the review queue")
	}
	if err := lt.ResolveFlag(ctx, ledger.Operator("test"), key, balie.OutcomeAccepted, "Het zwembad telt voortaan 3 punten."); err != nil {
		t.Fatal(err)
	}
	if err := lt.ResolveFlag(ctx, ledger.Operator("test"), key, balie.OutcomeAccepted, "tweede keer"); balie.ErrorCode(err) != balie.CodeNotAllowed {
		t.Errorf("resolved twice: %v", err)
	}
	sport.heal(t)
	items, err = sport.db.Review(ctx)
	if err != nil || len(items) != 1 || items[0].Outcome != balie.OutcomeAccepted || items[0].Note != "Het zwembad telt voortaan 3 punten." || items[0].By == "" {
		t.Errorf("after the sync the desk shows %+v %v", items, err)
	}
	done, _ := lt.ReviewQueue(ctx, ledger.Operator("test"), true, 10)
	if len(done) != 1 || done[0].Resolution == nil || done[0].Resolution.Outcome != balie.OutcomeAccepted {
		t.Errorf("resolved flags: %+v", done)
	}
}

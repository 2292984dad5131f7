package beheer_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/balie/balie"
	"github.com/balie/balie/demo"
	"github.com/balie/balie/ledger"
	"github.com/balie/balie/ledger/ledgertest"
)

// today is the demo city's today in these tests: a Tuesday evening.
var today = time.Date(2026, 3, 10, 19, 0, 0, 0, balie.Brussels())

// cheap are argon2id costs for tests: the hashing, not its cost, is
// what they check.
var cheap = ledger.PasswordParams{Time: 1, MemoryK: 64, Threads: 1}

const password = "een wachtwoord van de test"

// office is a ledger with the demo city, serving the back office, and a
// signed-in browser for each role.
type office struct {
	lt      *ledgertest.Ledger
	clients map[string]*http.Client
	// ids of the demo city's items, by organiser: org-cc's and
	// org-sport's.
	ccEvent, sportEvent, ccTariff, sportTariff string
}

// roles are the accounts the tests sign in with; "admin" runs org-cc.
var roles = []string{"coordinator", "welfare", "admin", "steering"}

func newOffice(t *testing.T) *office {
	t.Helper()
	return newOfficeWith(t, ledgertest.Start(t, ledgertest.Options{Holders: 120, Today: today, Now: func() time.Time { return today }, Passwords: cheap}))
}

// newOfficeWith signs the roles in to the back office of lt.
func newOfficeWith(t *testing.T, lt *ledgertest.Ledger) *office {
	t.Helper()
	o := &office{lt: lt, clients: map[string]*http.Client{}}
	ctx := context.Background()
	accounts := map[string]ledger.UserInput{
		"coordinator": {Name: "coordinator", FullName: "Els Coördinator", Role: balie.OfficeCoordinator},
		"welfare":     {Name: "welfare", FullName: "Wim Welzijn", Role: balie.OfficeWelfare},
		"admin":       {Name: "admin", FullName: "Ann CC", Role: balie.OfficeOrganiser, Organiser: demo.OrgCulture},
		"steering":    {Name: "steering", FullName: "Stuurgroep", Role: balie.OfficeSteering},
	}
	for _, r := range roles {
		in := accounts[r]
		in.Password = password
		if _, err := lt.SaveUser(ctx, ledger.Operator("test"), in); err != nil {
			t.Fatalf("add %s: %v", r, err)
		}
		o.clients[r] = o.signIn(t, r)
	}
	events, err := ledger.List[balie.Event](ctx, lt.Ledger, balie.ChangeEvent, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range events {
		switch {
		case e.OrganiserID == demo.OrgCulture && o.ccEvent == "":
			o.ccEvent = e.ID
		case e.OrganiserID == demo.OrgSports && o.sportEvent == "":
			o.sportEvent = e.ID
		}
	}
	for id, dst := range map[string]*string{o.ccEvent: &o.ccTariff, o.sportEvent: &o.sportTariff} {
		ts, err := ledger.List[balie.Tariff](ctx, lt.Ledger, balie.ChangeTariff, id)
		if err != nil || len(ts) == 0 {
			t.Fatalf("tariffs of %s: %v", id, err)
		}
		*dst = ts[0].ID
	}
	return o
}

func newClient() *http.Client {
	jar, _ := cookiejar.New(nil)
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }, Timeout: 30 * time.Second}
}

func (o *office) signIn(t *testing.T, name string) *http.Client {
	t.Helper()
	c := newClient()
	resp, err := c.PostForm(o.lt.URL+"/beheer/login", url.Values{"name": {name}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in as %s: %d", name, resp.StatusCode)
	}
	return c
}

func do(t *testing.T, c *http.Client, method, u string, form url.Values) (int, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestPages_roles: every page answers each role as its rules say, and an
// organiser administrator who edits a URL to reach another organiser's
// page gets 403, for every kind of page.
func TestPages_roles(t *testing.T) {
	o := newOffice(t)
	const ok, no, gone = http.StatusOK, http.StatusForbidden, http.StatusNotFound
	type want struct{ coordinator, welfare, admin, steering int }
	all := want{ok, ok, ok, ok}
	notWelfare := want{ok, no, ok, ok}
	managers := want{ok, no, ok, no}
	city := want{ok, no, no, ok}
	coordinator := want{ok, no, no, no}
	holders := want{ok, ok, ok, no}
	// another organiser's page: the administrator of org-cc gets 403.
	other := want{ok, no, no, ok}
	pages := []struct {
		path string
		want want
	}{
		{"/beheer/", all},
		{"/beheer/?lang=en", all},
		{"/beheer/organisers", notWelfare},
		{"/beheer/organisers?q=lier", notWelfare},
		{"/beheer/organisers/new", coordinator},
		{"/beheer/organisers/" + demo.OrgCulture, notWelfare},
		{"/beheer/organisers/" + demo.OrgSports, other},
		{"/beheer/organisers/no-such", want{gone, gone, gone, gone}},
		{"/beheer/cardsystems", city},
		{"/beheer/cardsystems/new", coordinator},
		{"/beheer/cardsystems/" + demo.CardSystemLier, city},
		{"/beheer/municipalities/gem-lier", city},
		{"/beheer/municipalities/new", coordinator},
		{"/beheer/desks", notWelfare},
		{"/beheer/desks/new", managers},
		{"/beheer/desks/" + demo.BoxOfficeDesk, notWelfare},
		{"/beheer/desks/" + demo.SportsDesk, other},
		{"/beheer/desks/" + demo.ChildcareDesk, other},
		{"/beheer/terminals", notWelfare},
		{"/beheer/terminals/new", managers},
		{"/beheer/events", notWelfare},
		{"/beheer/events/new", managers},
		{"/beheer/events/" + o.ccEvent, notWelfare},
		{"/beheer/events/" + o.sportEvent, other},
		{"/beheer/tariffs/" + o.ccTariff, notWelfare},
		{"/beheer/tariffs/" + o.sportTariff, other},
		{"/beheer/tariffs/preview?kind=SOCIAL&regular=12%2C00&holder=20&organiser=40&city=40", notWelfare},
		{"/beheer/rewards", notWelfare},
		{"/beheer/rewards/new", managers},
		{"/beheer/rewards/rw-koffie", notWelfare},
		{"/beheer/rewards/rw-zwembeurt", other},
		{"/beheer/programs", notWelfare},
		{"/beheer/programs/new", managers},
		{"/beheer/programs/" + demo.ProgramFriends, notWelfare},
		{"/beheer/programs/" + demo.ProgramSports, other},
		{"/beheer/staff", notWelfare},
		{"/beheer/staff/new", managers},
		{"/beheer/staff/staff-box-1", notWelfare},
		{"/beheer/staff/staff-sport-1", other},
		{"/beheer/staff/staff-sup", other},
		{"/beheer/children", notWelfare},
		{"/beheer/children/new", managers},
		{"/beheer/children/h-0000004", other},
		{"/beheer/holders", holders},
		{"/beheer/holders?q=peeters", holders},
		{"/beheer/holders?q=0900000095902", holders},
		{"/beheer/holders/new", want{ok, ok, no, no}},
		{"/beheer/holders/h-0000000", holders},
		{"/beheer/review", notWelfare},
		{"/beheer/audit", want{ok, no, ok, no}},
		{"/beheer/users", coordinator},
		{"/beheer/users/new", coordinator},
		{"/beheer/no-such-page", want{gone, gone, gone, gone}},
	}
	for _, p := range pages {
		for _, r := range roles {
			w := map[string]int{"coordinator": p.want.coordinator, "welfare": p.want.welfare, "admin": p.want.admin, "steering": p.want.steering}[r]
			st, body := do(t, o.clients[r], "GET", o.lt.URL+p.path, nil)
			if st != w {
				t.Errorf("GET %s as %s: %d, want %d", p.path, r, st, w)
				continue
			}
			if st == ok && !strings.Contains(body, "<main") && !strings.HasPrefix(p.path, "/beheer/tariffs/preview") {
				t.Errorf("GET %s as %s: no page", p.path, r)
			}
			if st == no && !strings.Contains(body, "Geen toegang") && !strings.Contains(body, "No access") {
				t.Errorf("GET %s as %s: 403 without its sentence", p.path, r)
			}
		}
		// Signed out, every page sends to the sign-in.
		st, _ := do(t, newClient(), "GET", o.lt.URL+p.path, nil)
		if st != http.StatusSeeOther {
			t.Errorf("GET %s signed out: %d, want 303", p.path, st)
		}
	}
}

// TestPages_changesOfAnotherOrganiser: every change an organiser
// administrator sends to another organiser's item is refused with 403,
// and the item is as it was.
func TestPages_changesOfAnotherOrganiser(t *testing.T) {
	o := newOffice(t)
	ctx := context.Background()
	sportTerminal, _ := o.lt.AddTerminal(t, demo.SportsDesk)
	posts := []struct {
		path string
		form url.Values
	}{
		{"/beheer/organisers/" + demo.OrgSports, url.Values{"name": {"Overgenomen"}, "kind": {"DEPARTMENT"}, "cardsystem": {demo.CardSystemLier}}},
		{"/beheer/organisers/new", url.Values{"id": {"org-nieuw"}, "name": {"Nieuw"}, "kind": {"DEPARTMENT"}, "cardsystem": {demo.CardSystemLier}}},
		{"/beheer/desks/" + demo.SportsDesk, url.Values{"name": {"Overgenomen"}, "organiser": {demo.OrgCulture}, "mode": {"SPORTS"}, "cardsystem": {demo.CardSystemLier}}},
		{"/beheer/desks/new", url.Values{"id": {"desk-x"}, "name": {"X"}, "organiser": {demo.OrgSports}, "mode": {"SPORTS"}, "cardsystem": {demo.CardSystemLier}}},
		{"/beheer/events/" + o.sportEvent, url.Values{"name": {"Overgenomen"}, "organiser": {demo.OrgSports}, "start": {"2026-03-20T10:00"}, "end": {"2026-03-20T11:00"}}},
		{"/beheer/events/" + o.sportEvent + "/tariffs", url.Values{"id": {"t-x"}, "name": {"X"}, "kind": {"REGULAR"}, "regular": {"5"}}},
		{"/beheer/tariffs/" + o.sportTariff, url.Values{"name": {"Overgenomen"}, "kind": {"REGULAR"}, "regular": {"1"}}},
		{"/beheer/tariffs/" + o.sportTariff + "/delete", url.Values{}},
		{"/beheer/rewards/rw-zwembeurt", url.Values{"name": {"Overgenomen"}, "organiser": {demo.OrgSports}, "kind": {"POINTS"}, "points": {"1"}}},
		{"/beheer/programs/" + demo.ProgramSports, url.Values{"name": {"Overgenomen"}, "organiser": {demo.OrgSports}, "price": {"1"}, "endkind": {"PERIOD"}, "months": {"1"}}},
		{"/beheer/staff/staff-sport-1", url.Values{"name": {"Overgenomen"}, "organiser": {demo.OrgSports}, "card": {"0990000000044"}, "role": {"CLERK"}}},
		{"/beheer/children/h-0000004", url.Values{"provider": {demo.OrgChildcare}, "group": {"Overgenomen"}}},
		{"/beheer/children/h-0000004/delete", url.Values{}},
		{"/beheer/terminals/" + sportTerminal + "/revoke", url.Values{}},
		{"/beheer/terminals/new", url.Values{"name": {"Kassa X"}, "desk": {demo.SportsDesk}}},
		{"/beheer/cardsystems/" + demo.CardSystemLier, url.Values{"name": {"Overgenomen"}}},
		{"/beheer/users/new", url.Values{"name": {"indringer"}, "role": {"COORDINATOR"}, "password": {password}}},
		{"/beheer/holders/h-0000001/social", url.Values{"state": {"ACTIVE"}, "end": {"2027-01-01"}, "reason": {"x"}}},
	}
	for _, p := range posts {
		if st, _ := do(t, o.clients["admin"], "POST", o.lt.URL+p.path, p.form); st != http.StatusForbidden {
			t.Errorf("POST %s as the administrator of %s: %d, want 403", p.path, demo.OrgCulture, st)
		}
		if st, _ := do(t, o.clients["steering"], "POST", o.lt.URL+p.path, p.form); st != http.StatusForbidden {
			t.Errorf("POST %s as the steering group: %d, want 403", p.path, st)
		}
	}
	var org balie.Organiser
	o.lt.Entity(ctx, balie.ChangeOrganiser, demo.OrgSports, &org)
	var d balie.Desk
	o.lt.Entity(ctx, balie.ChangeDesk, demo.SportsDesk, &d)
	var tariff balie.Tariff
	found, _ := o.lt.Entity(ctx, balie.ChangeTariff, o.sportTariff, &tariff)
	if org.Name == "Overgenomen" || d.Name == "Overgenomen" || !found || tariff.Name == "Overgenomen" {
		t.Errorf("a refused change was kept: %q %q %v %q", org.Name, d.Name, found, tariff.Name)
	}
	if tm, _ := o.lt.Terminal(ctx, sportTerminal); tm.Status != ledger.TerminalActive {
		t.Errorf("another organiser's terminal was revoked")
	}
}

// TestPages_forms: the coordinator makes an organiser, a desk, an event
// and a social tariff through the forms; bad input is refused with the
// rule's sentence and what was typed stays; the audit log has every
// change; a cross-origin form is refused.
func TestPages_forms(t *testing.T) {
	o := newOffice(t)
	c, u := o.clients["coordinator"], o.lt.URL
	ctx := context.Background()
	steps := []struct {
		name       string
		path       string
		form       url.Values
		status     int
		body, kept string
	}{
		{"organiser with a bad IBAN", "/beheer/organisers/new", url.Values{"id": {"org-zwem"}, "name": {"Zwemclub De Nete"}, "kind": {"ASSOCIATION"},
			"cardsystem": {demo.CardSystemLier}, "iban": {"BE68 5390 0754 7035"}}, 422, "De controlecijfers van deze IBAN kloppen niet", "Zwemclub De Nete"},
		{"organiser", "/beheer/organisers/new", url.Values{"id": {"org-zwem"}, "name": {"Zwemclub De Nete"}, "kind": {"ASSOCIATION"},
			"cardsystem": {demo.CardSystemLier}, "iban": {"BE68 5390 0754 7034"}, "email": {"info@zwemclub.example"}}, 303, "", ""},
		{"the same code twice", "/beheer/organisers/new", url.Values{"id": {"org-zwem"}, "name": {"Nog een"}, "kind": {"ASSOCIATION"},
			"cardsystem": {demo.CardSystemLier}}, 422, "bestaat al", "Nog een"},
		{"desk", "/beheer/desks/new", url.Values{"id": {"desk-zwem"}, "name": {"Kassa zwembad"}, "organiser": {"org-zwem"}, "mode": {"SPORTS"},
			"cardsystem": {demo.CardSystemLier}}, 303, "", ""},
		{"event that ends first", "/beheer/events/new", url.Values{"id": {"ev-gala"}, "name": {"Zwemgala"}, "organiser": {"org-zwem"},
			"start": {"2026-03-20T20:00"}, "end": {"2026-03-20T19:00"}, "points": {"1"}}, 422, "na het begin", "Zwemgala"},
		{"event", "/beheer/events/new", url.Values{"id": {"ev-gala"}, "name": {"Zwemgala"}, "organiser": {"org-zwem"},
			"start": {"2026-03-20T20:00"}, "end": {"2026-03-20T22:00"}, "points": {"1"}, "limit": {"1"}, "period": {"DAY"}, "before": {"60"}, "after": {"30"}}, 303, "", ""},
		{"tariff with the holder's part over 25%", "/beheer/events/ev-gala/tariffs", url.Values{"id": {"t-gala-uitpas"}, "name": {"UiTPAS-tarief"}, "kind": {"SOCIAL"},
			"regular": {"12,00"}, "holder": {"30"}, "organiser": {"35"}, "city": {"35"}}, 422, "hoogstens 25%", "12,00"},
		{"the preview without saving", "/beheer/events/ev-gala/tariffs", url.Values{"id": {"t-gala-uitpas"}, "name": {"UiTPAS-tarief"}, "kind": {"SOCIAL"},
			"regular": {"12,00"}, "holder": {"20"}, "organiser": {"40"}, "city": {"40"}, "preview": {"1"}}, 200, "€ 2,40", "€ 4,80"},
		{"tariff", "/beheer/events/ev-gala/tariffs", url.Values{"id": {"t-gala-uitpas"}, "name": {"UiTPAS-tarief"}, "kind": {"SOCIAL"},
			"regular": {"12,00"}, "holder": {"20"}, "organiser": {"40"}, "city": {"40"}}, 303, "", ""},
		{"staff without a PIN", "/beheer/staff/new", url.Values{"id": {"staff-zwem"}, "name": {"Bart"}, "organiser": {"org-zwem"}, "card": {"0990000000119"}, "role": {"CLERK"}},
			422, "pincode", "Bart"},
		{"staff", "/beheer/staff/new", url.Values{"id": {"staff-zwem"}, "name": {"Bart"}, "organiser": {"org-zwem"}, "card": {"0990000000119"}, "role": {"CLERK"},
			"desks": {"desk-zwem"}, "pin": {"4321"}}, 303, "", ""},
		{"child with an adult by name alone", "/beheer/children/new", url.Values{"child": {"h-0000010"}, "provider": {demo.OrgChildcare}, "group": {"Kleuters"},
			"adult1": {"Oma"}}, 422, "een naam alleen bewijst niets", "Oma"},
		{"user with a short password", "/beheer/users/new", url.Values{"name": {"ann.zwem"}, "role": {"ORGANISER_ADMIN"}, "organiser": {"org-zwem"}, "password": {"kort"}},
			422, "minstens 12 tekens", "ann.zwem"},
	}
	for _, s := range steps {
		st, body := do(t, c, "POST", u+s.path, s.form)
		if st != s.status {
			t.Fatalf("%s: %d, want %d\n%s", s.name, st, s.status, body)
		}
		if !strings.Contains(body, s.body) || !strings.Contains(body, s.kept) {
			t.Errorf("%s: the page lacks %q or %q", s.name, s.body, s.kept)
		}
	}
	// The preview fragment, as the form's script asks it.
	_, frag := do(t, c, "GET", u+"/beheer/tariffs/preview?kind=SOCIAL&regular=12%2C00&holder=20&organiser=40&city=40", nil)
	for _, want := range []string{"€ 2,40", "€ 4,80"} {
		if !strings.Contains(frag, want) {
			t.Errorf("preview lacks %s: %s", want, frag)
		}
	}
	var tariff balie.Tariff
	if ok, _ := o.lt.Entity(ctx, balie.ChangeTariff, "t-gala-uitpas", &tariff); !ok || tariff.Key != balie.CommonKey() || tariff.Regular != 1200 {
		t.Errorf("tariff stored: %v %+v", ok, tariff)
	}
	var staff balie.Staff
	o.lt.Entity(ctx, balie.ChangeStaff, "staff-zwem", &staff)
	if !staff.CheckPIN("4321") {
		t.Error("the staff member's PIN does not check")
	}
	var org balie.Organiser
	o.lt.Entity(ctx, balie.ChangeOrganiser, "org-zwem", &org)
	if org.IBAN != "BE68539007547034" {
		t.Errorf("IBAN stored as %q", org.IBAN)
	}
	// The audit log shows every change, with who made it.
	_, audit := do(t, c, "GET", u+"/beheer/audit", nil)
	for _, want := range []string{"organiser.save org-zwem", "desk.save desk-zwem", "event.save ev-gala", "tariff.save t-gala-uitpas", "staff.save staff-zwem", "Els Coördinator"} {
		if !strings.Contains(audit, want) {
			t.Errorf("the audit log lacks %q", want)
		}
	}
	if strings.Contains(audit, staff.PINHash) {
		t.Error("the audit log shows a PIN's hash")
	}
	// A form posted from another site is refused, and nothing is kept.
	req, _ := http.NewRequest("POST", u+"/beheer/organisers/new", strings.NewReader(url.Values{"id": {"org-evil"}, "name": {"Evil"}, "kind": {"PARTNER"}, "cardsystem": {demo.CardSystemLier}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site form: %d, want 403", resp.StatusCode)
	}
	if ok, _ := o.lt.Entity(ctx, balie.ChangeOrganiser, "org-evil", &org); ok {
		t.Error("a cross-site form made an organiser")
	}
}

// TestSignIn: a wrong password is refused without saying whether the
// account exists; too many failures are refused for a while and
// counted; a session cookie is HttpOnly and SameSite; signing out ends
// the session.
func TestSignIn(t *testing.T) {
	o := newOffice(t)
	u := o.lt.URL
	c := newClient()
	st, body := do(t, c, "POST", u+"/beheer/login", url.Values{"name": {"coordinator"}, "password": {"niet het wachtwoord"}})
	if st != http.StatusUnauthorized || !strings.Contains(body, "De gebruikersnaam of het wachtwoord klopt niet.") {
		t.Errorf("wrong password: %d", st)
	}
	st2, body2 := do(t, c, "POST", u+"/beheer/login", url.Values{"name": {"niemand"}, "password": {"niet het wachtwoord"}})
	if st2 != st || !strings.Contains(body2, "De gebruikersnaam of het wachtwoord klopt niet.") {
		t.Errorf("an unknown name is answered otherwise than a wrong password: %d", st2)
	}
	for range 10 {
		do(t, c, "POST", u+"/beheer/login", url.Values{"name": {"steering"}, "password": {"fout"}})
	}
	st, body = do(t, c, "POST", u+"/beheer/login", url.Values{"name": {"steering"}, "password": {password}})
	if st != http.StatusTooManyRequests || !strings.Contains(body, "Te veel mislukte aanmeldingen") {
		t.Errorf("after 10 failures the right password: %d, want 429", st)
	}
	_, metrics := do(t, c, "GET", u+"/metrics", nil)
	if !strings.Contains(metrics, `ledger_beheer_signins_total{result="refused"} 1`) || !strings.Contains(metrics, `ledger_beheer_signins_total{result="failed"} 12`) {
		t.Errorf("sign-ins not counted: %s", grep(metrics, "ledger_beheer_signins_total"))
	}
	// The cookie.
	resp, err := newClient().PostForm(u+"/beheer/login", url.Values{"name": {"welfare"}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	ck := resp.Header.Get("Set-Cookie")
	for _, want := range []string{"HttpOnly", "SameSite=Lax", "Path=/beheer/"} {
		if !strings.Contains(ck, want) {
			t.Errorf("session cookie %q lacks %s", ck, want)
		}
	}
	if resp.Header.Get("Content-Security-Policy") == "" {
		t.Error("no content security policy")
	}
	w := o.clients["welfare"]
	if st, _ := do(t, w, "POST", u+"/beheer/logout", url.Values{}); st != http.StatusSeeOther {
		t.Errorf("sign out: %d", st)
	}
	if st, _ := do(t, w, "GET", u+"/beheer/holders", nil); st != http.StatusSeeOther {
		t.Errorf("after signing out: %d, want 303 to the sign-in", st)
	}
}

// TestSessionExpires: a session past its time signs in again.
func TestSessionExpires(t *testing.T) {
	var now atomic.Int64
	now.Store(today.UnixNano())
	clock := func() time.Time { return time.Unix(0, now.Load()) }
	lt := ledgertest.Start(t, ledgertest.Options{Holders: 60, Today: today, Now: clock, Passwords: cheap})
	if _, err := lt.SaveUser(context.Background(), ledger.Operator("test"), ledger.UserInput{Name: "coordinator", Role: balie.OfficeCoordinator, Password: password}); err != nil {
		t.Fatal(err)
	}
	o := &office{lt: lt}
	c := o.signIn(t, "coordinator")
	if st, _ := do(t, c, "GET", lt.URL+"/beheer/", nil); st != http.StatusOK {
		t.Fatalf("signed in: %d", st)
	}
	now.Add(int64(ledger.SessionTTL + time.Minute))
	if st, _ := do(t, c, "GET", lt.URL+"/beheer/", nil); st != http.StatusSeeOther {
		t.Errorf("an expired session: %d, want 303", st)
	}
}

func grep(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

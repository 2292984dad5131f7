package beheer_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/balie/balie"
	"github.com/balie/balie/demo"
	"github.com/balie/balie/demo/history"
	"github.com/balie/balie/ledger"
	"github.com/balie/balie/ledger/ledgertest"
)

// settleDay is the today of the settlement's tests: 2 December, so
// that November has ended and is still open (the history's coordinator
// closes a month on the 3rd of the next), October is closed.
var settleDay = time.Date(2026, 12, 2, 10, 0, 0, 0, balie.Brussels())

// newSettleOffice is the demo city with 70 days of history made
// through the ledger's ingest, and the roles signed in.
func newSettleOffice(t *testing.T) *office {
	t.Helper()
	lt := ledgertest.Start(t, ledgertest.Options{Holders: 300, Today: settleDay, Now: func() time.Time { return settleDay }, Passwords: cheap})
	rep, err := history.Make(context.Background(), lt.Store(), history.Config{Today: settleDay, Days: 70, Scale: 0.05, Coordinator: ledger.Operator("els")})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Closed) == 0 {
		t.Fatalf("the history closed no month: %+v", rep)
	}
	return newOfficeWith(t, lt)
}

// get fetches a URL and answers its status, its headers and its body.
func get(t *testing.T, c *http.Client, u string) (int, http.Header, string) {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	buf := make([]byte, 32<<10)
	for {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return resp.StatusCode, resp.Header, b.String()
}

func parseCSV(t *testing.T, body string) [][]string {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || len(rows) == 0 {
		t.Fatalf("not a CSV: %v\n%.300s", err, body)
	}
	return rows
}

// TestSettlement_roles: every page and download of the settlement, the
// figures, the agreements and the budgets answers each role as
// balie.Access says, with the right type and name for a download; an
// organiser administrator gets 403 for another organiser's note and CSV;
// the steering group's CSV has no card numbers; the menu links exactly
// the pages a role may open.
func TestSettlement_roles(t *testing.T) {
	o := newSettleOffice(t)
	u := o.lt.URL
	// The notes there are, from the coordinator's CSV of October.
	st, _, body := get(t, o.clients["coordinator"], u+"/beheer/settlement/2026-10.csv")
	if st != http.StatusOK {
		t.Fatalf("the coordinator's CSV: %d", st)
	}
	rows := parseCSV(t, body)
	var own, other string
	for _, r := range rows[1:] {
		if r[1] == "" || r[12] == "0" {
			continue
		}
		if r[0] == demo.OrgCulture && own == "" {
			own = "/beheer/settlement/2026-10/" + r[0] + "/" + r[1] + ".pdf"
		}
		if r[0] != demo.OrgCulture && other == "" {
			other = "/beheer/settlement/2026-10/" + r[0] + "/" + r[1] + ".pdf"
		}
	}
	if own == "" || other == "" {
		t.Fatalf("October has no note of %s and of another organiser: %q %q", demo.OrgCulture, own, other)
	}
	const ok, no, gone = http.StatusOK, http.StatusForbidden, http.StatusNotFound
	type want struct{ coordinator, welfare, admin, steering int }
	settlement := want{ok, no, ok, ok}
	city := want{ok, no, no, ok}
	coordinator := want{ok, no, no, no}
	pages := []struct {
		path        string
		want        want
		ctype, file string // a download's Content-Type and file name
	}{
		{"/beheer/settlement", settlement, "text/html", ""},
		{"/beheer/settlement?period=2026-10", settlement, "text/html", ""},
		{"/beheer/settlement?period=2026-10&organiser=" + demo.OrgSports, city, "text/html", ""},
		{"/beheer/settlement/2026-10.csv", settlement, "text/csv; charset=utf-8", "afrekening-2026-10"},
		{"/beheer/settlement/2026-10.csv?organiser=" + demo.OrgSports, city, "text/csv; charset=utf-8", "afrekening-2026-10-org-sport.csv"},
		{"/beheer/settlement/2026-10.zip", settlement, "application/zip", "afrekening-2026-10"},
		{"/beheer/settlement/2026-10.xls", want{gone, no, gone, gone}, "", ""},
		{own, settlement, "application/pdf", "onkostennota-2026-10-"},
		{other, city, "application/pdf", "onkostennota-2026-10-"},
		{"/beheer/settlement/2026-10/" + demo.OrgCulture + "/no-such-payer.pdf", want{gone, no, gone, gone}, "", ""},
		{"/beheer/figures", city, "text/html", ""},
		{"/beheer/figures?period=2026-11", city, "text/html", ""},
		{"/beheer/figures/2026/holders.svg", city, "image/svg+xml", ""},
		{"/beheer/figures/2026/social-cost.svg", city, "image/svg+xml", ""},
		{"/beheer/figures/2026/participation.csv", city, "text/csv; charset=utf-8", "cijfers-2026-participation.csv"},
		{"/beheer/figures/2026/no-such.svg", want{gone, no, no, gone}, "", ""},
		{"/beheer/agreements", city, "text/html", ""},
		{"/beheer/agreements/lier-solidair", city, "text/html", ""},
		{"/beheer/agreements/new", coordinator, "text/html", ""},
		{"/beheer/agreements/new?version=lier-solidair", coordinator, "text/html", ""},
		{"/beheer/agreements/no-such", want{gone, no, no, gone}, "", ""},
		{"/beheer/budgets", city, "text/html", ""},
		{"/beheer/budgets?year=2026", city, "text/html", ""},
		// Last: it makes the browsers English.
		{"/beheer/settlement?period=2026-Q4&lang=en", settlement, "text/html", ""},
	}
	for _, p := range pages {
		for _, r := range roles {
			w := map[string]int{"coordinator": p.want.coordinator, "welfare": p.want.welfare, "admin": p.want.admin, "steering": p.want.steering}[r]
			st, h, body := get(t, o.clients[r], u+p.path)
			if st != w {
				t.Errorf("GET %s as %s: %d, want %d", p.path, r, st, w)
				continue
			}
			if st != ok {
				continue
			}
			if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, p.ctype) {
				t.Errorf("GET %s as %s: Content-Type %q, want %q", p.path, r, ct, p.ctype)
			}
			cd := h.Get("Content-Disposition")
			switch {
			case p.file != "" && (!strings.HasPrefix(cd, "attachment; filename=") || !strings.Contains(cd, p.file)):
				t.Errorf("GET %s as %s: Content-Disposition %q, want an attachment named like %q", p.path, r, cd, p.file)
			case p.file == "" && cd != "":
				t.Errorf("GET %s as %s: a page with Content-Disposition %q", p.path, r, cd)
			case p.ctype == "text/html" && !strings.Contains(body, "<main"):
				t.Errorf("GET %s as %s: no page", p.path, r)
			case p.ctype == "application/pdf" && !strings.HasPrefix(body, "%PDF"):
				t.Errorf("GET %s as %s: not a PDF", p.path, r)
			case p.ctype == "image/svg+xml" && (!strings.Contains(body, "<svg") || strings.Contains(body, "<script")):
				t.Errorf("GET %s as %s: not a plain SVG: %.200s", p.path, r, body)
			}
		}
	}
	// Whose lines each role's CSV has, and with which card numbers.
	for _, c := range []struct {
		role      string
		onlyOrg   string
		withCards bool
	}{{"coordinator", "", true}, {"admin", demo.OrgCulture, true}, {"steering", "", false}} {
		_, _, body := get(t, o.clients[c.role], u+"/beheer/settlement/2026-10.csv")
		rows := parseCSV(t, body)
		orgs, cards := map[string]bool{}, 0
		for _, r := range rows[1:] {
			orgs[r[0]] = true
			if r[3] != "" {
				cards++
			}
		}
		if c.onlyOrg != "" && (len(orgs) != 1 || !orgs[c.onlyOrg]) {
			t.Errorf("%s's CSV has the lines of %v, want %s's only", c.role, orgs, c.onlyOrg)
		}
		if c.onlyOrg == "" && len(orgs) < 2 {
			t.Errorf("%s's CSV has the lines of %v only", c.role, orgs)
		}
		if got := cards > 0; got != c.withCards || c.withCards && cards != len(rows)-1 && c.role == "admin" {
			t.Errorf("%s's CSV: %d of %d lines with a card number, want cards %v", c.role, cards, len(rows)-1, c.withCards)
		}
	}
	// The menu links what a role may open, and nothing else.
	for _, c := range []struct {
		role string
		has  []string
		not  []string
	}{
		{"coordinator", []string{"/beheer/settlement", "/beheer/figures", "/beheer/agreements", "/beheer/budgets"}, nil},
		{"steering", []string{"/beheer/settlement", "/beheer/figures", "/beheer/agreements", "/beheer/budgets"}, nil},
		{"admin", []string{"/beheer/settlement"}, []string{"/beheer/figures", "/beheer/agreements", "/beheer/budgets"}},
		{"welfare", nil, []string{"/beheer/settlement", "/beheer/figures", "/beheer/agreements", "/beheer/budgets"}},
	} {
		_, _, home := get(t, o.clients[c.role], u+"/beheer/")
		nav := home[strings.Index(home, `<nav class="side"`):]
		nav = nav[:strings.Index(nav, "</nav>")]
		for _, h := range c.has {
			if !strings.Contains(nav, `href="`+h+`"`) {
				t.Errorf("%s's menu lacks %s", c.role, h)
			}
		}
		for _, h := range c.not {
			if strings.Contains(nav, `href="`+h+`"`) {
				t.Errorf("%s's menu links %s, which answers 403", c.role, h)
			}
		}
	}
}

// TestSettlement_close: closing a period needs the coordinator and the
// ticked confirmation; a month that runs on and a month closed already
// are refused with a Dutch sentence; the closed month shows its date,
// its closer and its hash, and the audit log has the close.
func TestSettlement_close(t *testing.T) {
	o := newSettleOffice(t)
	u, c := o.lt.URL, o.clients["coordinator"]
	ctx := context.Background()
	open := func() bool {
		ps, err := o.lt.Periods(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range ps {
			if p.Month == "2026-11" {
				return false
			}
		}
		return true
	}
	_, _, page := get(t, c, u+"/beheer/settlement?period=2026-11")
	if !strings.Contains(page, "Periode afsluiten") || !strings.Contains(page, `name="confirm"`) || !strings.Contains(page, "november 2026: open") {
		t.Fatalf("November's page has no close form or no open state")
	}
	steps := []struct {
		name   string
		role   string
		form   url.Values
		status int
		body   string
	}{
		{"without the confirmation", "coordinator", url.Values{"period": {"2026-11"}}, 422, "Vink eerst aan"},
		{"by the steering group", "steering", url.Values{"period": {"2026-11"}, "confirm": {"1"}}, 403, ""},
		{"by an organiser administrator", "admin", url.Values{"period": {"2026-11"}, "confirm": {"1"}}, 403, ""},
		{"a month that runs on", "coordinator", url.Values{"period": {"2026-12"}, "confirm": {"1"}}, 422, "loopt nog tot en met 31/12/2026"},
		{"a period that is no period", "coordinator", url.Values{"period": {"2026-13"}, "confirm": {"1"}}, 422, "geen maand"},
	}
	for _, s := range steps {
		st, body := do(t, o.clients[s.role], "POST", u+"/beheer/settlement/close", s.form)
		if st != s.status || !strings.Contains(body, s.body) {
			t.Errorf("%s: %d, want %d with %q", s.name, st, s.status, s.body)
		}
		if !open() {
			t.Fatalf("%s closed November", s.name)
		}
	}
	st, _ := do(t, c, "POST", u+"/beheer/settlement/close", url.Values{"period": {"2026-11"}, "confirm": {"1"}})
	if st != http.StatusSeeOther || open() {
		t.Fatalf("the close: %d, open %v", st, open())
	}
	ps, _ := o.lt.Periods(ctx)
	var nov ledger.PeriodRow
	for _, p := range ps {
		if p.Month == "2026-11" {
			nov = p
		}
	}
	_, _, page = get(t, c, u+"/beheer/settlement?period=2026-11")
	for _, want := range []string{"november 2026: afgesloten", "op 02/12/2026 10:00 door Els Coördinator", nov.Hash} {
		if !strings.Contains(page, want) {
			t.Errorf("the closed month's page lacks %q", want)
		}
	}
	if strings.Contains(page, `name="confirm"`) {
		t.Error("a closed month still offers its close")
	}
	st, body := do(t, c, "POST", u+"/beheer/settlement/close", url.Values{"period": {"2026-11"}, "confirm": {"1"}})
	if st != 422 || !strings.Contains(body, "De periode 2026-11 is al afgesloten.") {
		t.Errorf("a second close: %d", st)
	}
	_, _, audit := get(t, c, u+"/beheer/audit")
	if !strings.Contains(audit, "period.close 2026-11") {
		t.Error("the audit log lacks the close")
	}
	if err := o.lt.VerifyPeriod(ctx, "2026-11"); err != nil {
		t.Error(err)
	}
}

// TestAgreements_forms: the coordinator makes an agreement and a budget
// through the forms; a key that does not add up and a budget below zero
// are refused with the rule's sentence beside the form and what was
// typed kept; a new version starts from the old one; the ledger keeps
// them and the audit log has both.
func TestAgreements_forms(t *testing.T) {
	o := newOffice(t)
	c, u := o.clients["coordinator"], o.lt.URL
	ctx := context.Background()
	good := url.Values{"id": {"vereniging-min"}, "name": {"Verenigingen: minimum 2 euro"}, "from": {"2026-04-01"}, "kind": {balie.SettleTicket},
		"tariffkind": {string(balie.TariffSocial)}, "organiser": {demo.OrgTheatre}, "postals": {"2500"}, "payer": {"gem-lier"}, "payername": {"Stad Lier"},
		"orgmin": {"2,00"}, "departments": {"dienst-welzijn = 60\n@organiser = 40"}}
	bad := url.Values{}
	for k, v := range good {
		bad[k] = v
	}
	bad.Set("departments", "dienst-welzijn = 50\n@organiser = 40")
	steps := []struct {
		name       string
		path       string
		form       url.Values
		status     int
		body, kept string
	}{
		{"a key of 90%", "/beheer/agreements/new", bad, 422, "telt op tot 90%", "Verenigingen: minimum 2 euro"},
		{"a key line without a percentage", "/beheer/agreements/new", func() url.Values {
			v := url.Values{}
			for k, x := range good {
				v[k] = x
			}
			v.Set("departments", "dienst-welzijn")
			return v
		}(), 422, "geen code = percentage", "dienst-welzijn"},
		{"the agreement", "/beheer/agreements/new", good, 303, "", ""},
		{"the same code again", "/beheer/agreements/new", good, 422, "bestaat al", ""},
		{"a budget below zero", "/beheer/budgets", url.Values{"payer": {"gem-lier"}, "department": {"dienst-welzijn"}, "year": {"2026"}, "amount": {"-5"}}, 422, "", "-5"},
		{"a budget", "/beheer/budgets", url.Values{"payer": {"gem-lier"}, "department": {"dienst-welzijn"}, "year": {"2026"}, "amount": {"12.500,00"}}, 303, "", ""},
	}
	for _, s := range steps {
		st, body := do(t, c, "POST", u+s.path, s.form)
		if st != s.status {
			t.Fatalf("%s: %d, want %d\n%s", s.name, st, s.status, body)
		}
		if !strings.Contains(body, s.body) || !strings.Contains(body, s.kept) {
			t.Errorf("%s: the page lacks %q or %q", s.name, s.body, s.kept)
		}
		if st == 422 && !strings.Contains(body, `class="error" role="alert"`) {
			t.Errorf("%s: the refusal is not beside the form", s.name)
		}
	}
	var a balie.CostAgreement
	if ok, err := o.lt.Entity(ctx, ledger.KindAgreement, "vereniging-min", &a); !ok || err != nil {
		t.Fatalf("the agreement was not kept: %v", err)
	}
	if a.OrganiserMin != 200 || a.Payer != "gem-lier" || len(a.Departments) != 2 || a.Departments[0].BP != 6000 || a.Departments[1].Department != balie.OrganisingDepartment ||
		a.From.In(balie.Brussels()).Format("2006-01-02") != "2026-04-01" || a.Organiser != demo.OrgTheatre || len(a.PostalCodes) != 1 {
		t.Errorf("agreement kept as %+v", a)
	}
	bs, err := o.lt.Budgets(ctx, 2026)
	if err != nil || len(bs) != 1 || bs[0].Cents != 1_250_000 || bs[0].Department != "dienst-welzijn" {
		t.Errorf("budgets %+v %v", bs, err)
	}
	// A new version is the old one from today, under a new code.
	_, _, page := get(t, c, u+"/beheer/agreements/new?version=vereniging-min")
	for _, want := range []string{`value="vereniging-min-20260310"`, `value="2026-03-10"`, "dienst-welzijn = 60", `value="2,00"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the new version's form lacks %q", want)
		}
	}
	_, _, list := get(t, c, u+"/beheer/agreements")
	if !strings.Contains(list, "Verenigingen: minimum 2 euro") || !strings.Contains(list, "organisator minstens € 2,00") {
		t.Error("the list lacks the agreement and its minimum")
	}
	_, _, audit := get(t, c, u+"/beheer/audit")
	for _, want := range []string{"agreement.save vereniging-min", "budget.save gem-lier/dienst-welzijn/2026"} {
		if !strings.Contains(audit, want) {
			t.Errorf("the audit log lacks %q", want)
		}
	}
	// The steering group reads them and changes nothing.
	for _, p := range []string{"/beheer/agreements/vereniging-min", "/beheer/budgets"} {
		if st, _ := do(t, o.clients["steering"], "POST", u+p, good); st != http.StatusForbidden {
			t.Errorf("POST %s as the steering group: %d", p, st)
		}
	}
	if _, _, page := get(t, o.clients["steering"], u+"/beheer/agreements/vereniging-min"); !strings.Contains(page, "U kunt dit alleen bekijken.") {
		t.Error("the steering group's agreement page is not read-only")
	}
}

// TestFigures_page: the dashboard shows each of the ledger's figures as
// a chart from the server and its table, with a CSV of the same
// numbers; the home page's holders come from the same figure.
func TestFigures_page(t *testing.T) {
	o := newSettleOffice(t)
	c, u := o.clients["steering"], o.lt.URL
	d, err := o.lt.Figures(context.Background(), "2026")
	if err != nil {
		t.Fatal(err)
	}
	_, _, page := get(t, c, u+"/beheer/figures?period=2026")
	for _, tb := range d.Tables {
		for _, want := range []string{`<img src="/beheer/figures/2026/` + tb.ID + `.svg"`, `href="/beheer/figures/2026/` + tb.ID + `.csv"`, tb.NL} {
			if !strings.Contains(page, want) {
				t.Errorf("the dashboard lacks %q", want)
			}
		}
	}
	h, _ := d.Table("holders")
	_, _, body := get(t, c, u+"/beheer/figures/2026/holders.csv")
	rows := parseCSV(t, body)
	if len(rows) != len(h.Rows)+1 || rows[1][1] != strconv.FormatInt(h.Rows[0].Values[0], 10) {
		t.Errorf("the holders' CSV %v, the figure %+v", rows, h.Rows)
	}
	_, _, home := get(t, c, u+"/beheer/")
	if !strings.Contains(home, "<td class=\"num\">"+strconv.FormatInt(h.Rows[0].Values[0], 10)+"</td>") || !strings.Contains(home, `href="/beheer/figures?period=2026"`) {
		t.Error("the home page's holders are not the dashboard's")
	}
	// A browser asks for the charts at once: each answers.
	var wg sync.WaitGroup
	for _, tb := range d.Tables {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := c.Get(u + "/beheer/figures/2026/" + tb.ID + ".svg")
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("%s.svg: %d", tb.ID, resp.StatusCode)
			}
		}()
	}
	wg.Wait()
	if st, _, body := get(t, c, u+"/beheer/figures?period=20x6"); st != 422 || !strings.Contains(body, "geen jaar, kwartaal of maand") {
		t.Errorf("a period that is none: %d", st)
	}
}

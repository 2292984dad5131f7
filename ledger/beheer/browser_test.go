package beheer_test

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/balie/balie"
	"github.com/balie/balie/demo"
	"github.com/balie/balie/demo/history"
	"github.com/balie/balie/ledger"
	"github.com/balie/balie/ledger/ledgertest"
	"github.com/balie/balie/store"
	balisync "github.com/balie/balie/sync"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/dom"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// axeSource is axe-core, vendored (testdata/axe-core/README.md).
//
//go:embed testdata/axe-core/axe.min.js
var axeSource string

// chromium is Debian's browser, which make test installs.
const chromium = "/usr/bin/chromium"

// shots is where the screenshots go, from the repository's root.
var shots = filepath.Join("..", "..", "out", "beheer")

// browser starts one headless Chromium for the whole test.
func browser(t *testing.T) (context.Context, context.CancelFunc) {
	t.Helper()
	if os.Getenv("BALIE_SKIP_BROWSER") == "1" {
		t.Skip("BALIE_SKIP_BROWSER=1: the back office's browser test is skipped")
	}
	if _, err := os.Stat(chromium); err != nil {
		t.Fatalf("the browser test needs %s: install the Debian package chromium (apt-get install chromium), or set BALIE_SKIP_BROWSER=1 to skip it", chromium)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.Headless,
		chromedp.WindowSize(1366, 900), chromedp.UserDataDir(t.TempDir()))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	// The first call starts the browser, on a context without a timeout:
	// its timeout would end the browser.
	if err := chromedp.Do(ctx); err != nil {
		cancelCtx()
		cancelAlloc()
		t.Fatalf("start %s: %v", chromium, err)
	}
	return ctx, func() { cancelCtx(); cancelAlloc() }
}

// q makes a selector a CSS one (document.querySelectorAll): the plain
// string of chromedp is a DOM search, which also matches text.
func q(sel string) chromedp.QueryOption {
	return chromedp.ByFunc(func(ctx context.Context, t *chromedp.Target, n *chromedp.Node) ([]cdp.NodeID, error) {
		res, err := cdp.Call(ctx, t, dom.QuerySelectorAll, dom.QuerySelectorAllParams{NodeID: n.NodeID, Selector: sel})
		return res.NodeIDs, err
	})
}

func sendKeys(sel, v string) chromedp.Action[chromedp.Void] { return chromedp.SendKeys(sel, v, q(sel)) }
func setValue(sel, v string) chromedp.Action[chromedp.Void] { return chromedp.SetValue(sel, v, q(sel)) }
func visible(sel string) chromedp.Action[chromedp.Void]     { return chromedp.WaitVisible(sel, q(sel)) }
func focus(sel string) chromedp.Action[chromedp.Void]       { return chromedp.Focus(sel, q(sel)) }

// clear empties a field, as selecting its text and typing over it does.
func clear(sel string) chromedp.Action[chromedp.Void] {
	return eval(`document.querySelector(` + "`" + sel + "`" + `).value = ""`)
}
func poll(expr string) chromedp.Action[chromedp.Void] {
	return chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(20*time.Second))
}
func eval(expr string) chromedp.Action[chromedp.Void] { return chromedp.Evaluate[chromedp.Void](expr) }

type finding struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// axe runs axe-core on the page and returns its serious and critical
// findings.
func axe(ctx context.Context) ([]finding, error) {
	if err := chromedp.Do(ctx, eval(axeSource)); err != nil {
		return nil, err
	}
	out, err := chromedp.Run(ctx, chromedp.Evaluate[string](`axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations
			.filter(v => v.impact === "serious" || v.impact === "critical")
			.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(" "))}))))`, chromedp.EvalAwaitPromise))
	if err != nil {
		return nil, err
	}
	var fs []finding
	err = json.Unmarshal([]byte(out), &fs)
	return fs, err
}

func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(90))
	if err != nil {
		t.Errorf("screenshot %s: %v", name, err)
		return
	}
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(shots, name+".jpg"), buf, 0o644); err != nil {
		t.Fatal(err)
	}
}

// reachable reports the ids of the form's fields and buttons that Tab,
// from the top of the page, does not reach: every one must be, for a
// clerk without a mouse.
func reachable(ctx context.Context, form string) ([]string, error) {
	ids, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll(`+"`"+form+` input:not([type=hidden]), `+form+` select, `+form+` textarea, `+form+` button`+"`"+`)).map(e => e.id || e.name || e.textContent.trim())`))
	if err != nil {
		return nil, err
	}
	if err := chromedp.Do(ctx, eval(`document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0)`)); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for range 90 {
		if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Tab)); err != nil {
			return nil, err
		}
		id, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(e => e ? (e.id || e.name || e.textContent.trim()) : "")(document.activeElement)`))
		if err != nil {
			return nil, err
		}
		seen[id] = true
	}
	var missed []string
	for _, id := range ids {
		if !seen[id] {
			missed = append(missed, id)
		}
	}
	return missed, nil
}

// TestBrowser drives the back office in Chromium as a coordinator would,
// by keyboard: signs in, makes an organiser, a desk and an event with a
// social tariff (whose preview shows the shares), adds a terminal, and a
// real terminal store enrolled with its token finds the event in its
// replica; an organiser administrator fails to open another organiser's
// page. axe-core checks every page; the screenshots are in out/beheer/.
func TestBrowser(t *testing.T) {
	ctx, stop := browser(t)
	defer stop()
	lt := ledgertest.Start(t, ledgertest.Options{Holders: 150, Passwords: cheap})
	for _, u := range []ledger.UserInput{
		{Name: "coordinator", FullName: "Els Coördinator", Role: balie.OfficeCoordinator, Password: password},
		{Name: "admin", FullName: "Ann CC", Role: balie.OfficeOrganiser, Organiser: demo.OrgCulture, Password: password},
	} {
		if _, err := lt.SaveUser(context.Background(), ledger.Operator("test"), u); err != nil {
			t.Fatal(err)
		}
	}
	base := lt.URL + "/beheer"
	b := &tab{t: t, ctx: ctx}
	check, run, text := b.check, b.run, b.text
	formFields := func(name, form string) {
		t.Helper()
		missed, err := reachable(ctx, form)
		if err != nil {
			t.Fatal(err)
		}
		if len(missed) > 0 {
			t.Errorf("%s: Tab does not reach %v", name, missed)
		}
	}

	// Sign in, by keyboard.
	// Dutch, as the city's people read it (headless Chromium asks for
	// English); the cookie keeps it.
	run("sign-in page", chromedp.Navigate(base+"/login?lang=nl"), visible(`#login-name`))
	// axe-core must see what it is there for: an unlabelled field.
	run("probe", eval(`document.body.insertAdjacentHTML("beforeend", '<input id="axe-probe">')`))
	probe, err := axe(ctx)
	if err != nil || !slices.ContainsFunc(probe, func(f finding) bool { return f.ID == "label" }) {
		t.Fatalf("axe-core did not find an unlabelled field (%+v, %v): it does not check the pages", probe, err)
	}
	run("probe away", eval(`document.getElementById("axe-probe").remove()`))
	check("login")
	formFields("login", "form")
	shot(t, ctx, "01-login")
	run("sign in", sendKeys(`#login-name`, "coordinator"), sendKeys(`#login-password`, password+kb.Enter),
		visible(`nav.side`))
	check("home")
	shot(t, ctx, "02-home")

	// An organiser.
	run("new organiser", chromedp.Navigate(base+"/organisers/new"), visible(`#f-organisers-new-name`))
	formFields("organiser", "main form")
	run("fill the organiser",
		sendKeys(`#f-organisers-new-id`, "org-muziek"),
		sendKeys(`#f-organisers-new-name`, "Muziekschool Lier"),
		setValue(`#f-organisers-new-kind`, balie.OrganiserAssociation),
		sendKeys(`#f-organisers-new-email`, "info@muziek.example"),
		sendKeys(`#f-organisers-new-iban`, "BE68 5390 0754 7035"),
		sendKeys(`#f-organisers-new-accountholder`, "Muziekschool vzw"+kb.Enter),
		visible(`p.error`))
	if msg := text(`p.error`); !strings.Contains(msg, "IBAN") {
		t.Errorf("a wrong IBAN: %q", msg)
	}
	check("organiser refused")
	shot(t, ctx, "03-organiser-refused")
	run("correct the IBAN", clear(`#f-organisers-new-iban`),
		sendKeys(`#f-organisers-new-iban`, "BE68 5390 0754 7034"+kb.Enter),
		visible(`p.saved`))
	check("organiser")

	// A desk of it.
	run("new desk", chromedp.Navigate(base+"/desks/new"), visible(`#f-desks-new-name`))
	formFields("desk", "main form")
	run("fill the desk",
		sendKeys(`#f-desks-new-id`, "desk-muziek"),
		setValue(`#f-desks-new-organiser`, "org-muziek"),
		setValue(`#f-desks-new-mode`, string(balie.DeskBoxOffice)),
		sendKeys(`#f-desks-new-name`, "Onthaal muziekschool"+kb.Enter),
		visible(`p.saved`))
	check("desk")

	// An event with a social tariff, its shares previewed as typed.
	day := time.Now().In(balie.Brussels()).Format("2006-01-02")
	run("new event", chromedp.Navigate(base+"/events/new"), visible(`#f-events-new-name`))
	formFields("event", "main form")
	run("fill the event",
		sendKeys(`#f-events-new-id`, "ev-concert"),
		setValue(`#f-events-new-organiser`, "org-muziek"),
		setValue(`#f-events-new-start`, day+"T20:00"),
		setValue(`#f-events-new-end`, day+"T22:00"),
		sendKeys(`#f-events-new-name`, "Leerlingenconcert"+kb.Enter),
		visible(`p.saved`))
	check("event")
	tf := "#f-events-ev-concert-tariffs"
	formFields("tariff", `form[action="/beheer/events/ev-concert/tariffs"]`)
	run("fill the tariff",
		setValue(tf+"-id", "t-concert-uitpas"),
		clear(tf+"-regular"),
		sendKeys(tf+"-regular", "12,00"),
		poll(`(document.querySelector('[data-share="holder"]') || {}).textContent === "€ 2,40"`))
	for share, want := range map[string]string{"holder": "€ 2,40", "organiser": "€ 4,80", "city": "€ 4,80"} {
		if got := text(`[data-share="` + share + `"]`); got != want {
			t.Errorf("preview of the %s's share: %q, want %q", share, got, want)
		}
	}
	// A key outside the bounds says so as it is typed.
	run("a holder's part of 30%", clear(tf+"-holder"), sendKeys(tf+"-holder", "30"),
		poll(`(document.querySelector('#f-events-ev-concert-tariffs-preview p.error') || {textContent: ""}).textContent.includes("25%")`))
	if msg := text(tf + "-preview p.error"); !strings.Contains(msg, "25%") {
		t.Errorf("the preview of a key over the bound: %q", msg)
	}
	shot(t, ctx, "04-tariff-preview-refused")
	back := func() error {
		sctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		return chromedp.Do(sctx, clear(tf+"-holder"), sendKeys(tf+"-holder", "20"),
			poll(`(document.querySelector('[data-share="holder"]') || {}).textContent === "€ 2,40"`))
	}
	if err := back(); err != nil {
		h, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#f-events-ev-concert-tariffs-holder").value + " | " + document.querySelector("#f-events-ev-concert-tariffs-preview").innerHTML`))
		t.Fatalf("back to 20%%: %v; the field and the preview: %s", err, h)
	}
	shot(t, ctx, "05-tariff-preview")
	check("event with tariff form")
	run("save the tariff", sendKeys(tf+"-name", kb.Enter), visible(`p.saved`))
	if body := text("main"); !strings.Contains(body, "UiTPAS-tarief") || !strings.Contains(body, "€ 12,00") {
		t.Errorf("the event does not list its tariff: %s", body)
	}

	// A terminal for the desk: its token as text and as a QR code.
	run("new terminal", chromedp.Navigate(base+"/terminals/new"), visible(`#f-terminals-new-name`))
	formFields("terminal", "main form")
	run("add the terminal", setValue(`#f-terminals-new-desk`, "desk-muziek"),
		sendKeys(`#f-terminals-new-name`, "Kassa muziekschool"+kb.Enter),
		visible(`figure.qr img`))
	token := strings.TrimSpace(text("main p strong"))
	check("token")
	shot(t, ctx, "06-terminal-token")
	if len(token) < 40 {
		t.Fatalf("token %q", token)
	}

	// A real terminal store enrols with the token and finds the event.
	sctx := context.Background()
	d, err := store.Open(sctx, filepath.Join(t.TempDir(), "balie.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	pub, _ := d.PublicKey(sctx)
	resp, err := balisync.Enrol(sctx, nil, lt.URL, token, pub)
	if err != nil {
		t.Fatalf("enrol with the token: %v", err)
	}
	if err := d.Enrol(sctx, store.Enrolment{LedgerURL: lt.URL, TerminalID: resp.TerminalID, Secret: resp.Secret}, resp.Location); err != nil {
		t.Fatal(err)
	}
	c, _ := balisync.NewClient(lt.URL, resp.TerminalID, resp.Secret, &http.Client{Timeout: 30 * time.Second})
	if err := balisync.NewWorker(d, c, balisync.Options{}).Sync(sctx); err != nil {
		t.Fatal(err)
	}
	ts, err := d.Tariffs(sctx, "ev-concert")
	if err != nil || len(ts) != 1 || ts[0].ID != "t-concert-uitpas" {
		t.Errorf("the terminal's replica has %+v, %v", ts, err)
	}
	from := time.Now().Add(-24 * time.Hour)
	evs, err := d.EventsBetween(sctx, from, from.Add(72*time.Hour))
	found := false
	for _, e := range evs {
		found = found || e.ID == "ev-concert"
	}
	if !found || err != nil {
		t.Errorf("the event is not in the terminal's replica (%d events, %v)", len(evs), err)
	}
	run("terminals", chromedp.Navigate(base+"/terminals"), visible(`main table`))
	if body := text("main table"); !strings.Contains(body, "Kassa muziekschool") {
		t.Errorf("the terminal is not listed: %s", body)
	}
	check("terminals")
	shot(t, ctx, "07-terminals")

	// Every other page, checked by axe-core.
	var kevinCard balie.Card
	cards, _ := lt.HolderCards(sctx, "h-0000001")
	if len(cards) > 0 {
		kevinCard = cards[0]
	}
	for _, p := range []string{"/organisers", "/organisers/org-muziek", "/cardsystems", "/cardsystems/" + demo.CardSystemLier, "/municipalities/gem-lier",
		"/municipalities/new", "/desks", "/desks/desk-muziek", "/events", "/events/ev-concert", "/tariffs/t-concert-uitpas", "/rewards", "/rewards/new",
		"/rewards/rw-koffie", "/programs", "/programs/new", "/programs/" + demo.ProgramFriends, "/staff", "/staff/new", "/staff/staff-box-1", "/children",
		"/children/new", "/children/h-0000004", "/holders", "/holders?q=peeters", "/holders?q=" + string(kevinCard.Number), "/holders/new", "/holders/h-0000000",
		"/review", "/audit", "/users", "/users/new", "/?lang=en", "/events/ev-concert", "/?lang=nl"} {
		run("open "+p, chromedp.Navigate(base+p), visible(`main h1`))
		check(p)
		if strings.HasSuffix(p, "/new") {
			formFields(p, "main form")
		}
	}
	run("holder", chromedp.Navigate(base+"/holders/h-0000000"), visible(`main h1`))
	shot(t, ctx, "08-holder")
	run("audit", chromedp.Navigate(base+"/audit"), visible(`main h1`))
	shot(t, ctx, "09-audit")
	run("english", chromedp.Navigate(base+"/events/ev-concert?lang=en"), visible(`main h1`))
	shot(t, ctx, "10-event-en")
	// A tablet, upright.
	run("tablet", chromedp.EmulateViewport(800, 1100), chromedp.Navigate(base+"/events/ev-concert?lang=nl"), visible(`main h1`))
	check("tablet")
	shot(t, ctx, "11-tablet-event")
	run("desktop", chromedp.EmulateViewport(1366, 900))

	// The organiser administrator of CC Lier cannot open another's page.
	run("sign out", chromedp.Navigate(base+"/"), visible(`form[action="/beheer/logout"] button`),
		focus(`form[action="/beheer/logout"] button`), chromedp.KeyEvent(kb.Enter), visible(`#login-name`))
	run("sign in as the administrator", sendKeys(`#login-name`, "admin"), sendKeys(`#login-password`, password+kb.Enter),
		visible(`nav.side`))
	run("another organiser's desk", chromedp.Navigate(base+"/desks/"+demo.SportsDesk), visible(`main h1`))
	if h := text("main h1"); h != "Geen toegang" {
		t.Errorf("the administrator of %s on %s's desk sees %q", demo.OrgCulture, demo.OrgSports, h)
	}
	check("forbidden")
	shot(t, ctx, "12-forbidden")
	run("their own desk", chromedp.Navigate(base+"/desks/"+demo.BoxOfficeDesk), visible(`main form`))
	check("own desk")
	b.report()
}

// euroCents reads an amount as the pages write it, "€ 1.234,50" or
// "-€ 3,00", into cents.
func euroCents(t *testing.T, s string) int64 {
	t.Helper()
	s = strings.TrimSpace(strings.NewReplacer("€", "", ".", "", ",", "", " ", "", "\u00a0", "").Replace(s))
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatalf("not an amount: %q", s)
	}
	return n
}

// TestBrowser_settlement opens, in Chromium at twice the pixels, the
// settlement and the dashboard of a ledger with 70 days of history made
// through the ledger's ingest: the CSV downloaded with the browser's own
// session sums, column by column, to the totals the page prints; one
// expense note's PDF (its text by pdftotext) shows the total the page
// gives its organiser and payer, and is drawn with pdftoppm for a
// person to look at; November is closed through the page by keyboard,
// confirmation ticked; every chart of the dashboard loads; axe-core
// checks every page. Screenshots: out/beheer/2x-*.jpg.
func TestBrowser_settlement(t *testing.T) {
	ctx, stop := browser(t)
	defer stop()
	for _, tool := range []string{"pdftotext", "pdftoppm"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("the browser test needs %s: install poppler-utils", tool)
		}
	}
	lt := ledgertest.Start(t, ledgertest.Options{Holders: 300, Today: settleDay, Now: func() time.Time { return settleDay }, Passwords: cheap})
	if _, err := history.Make(context.Background(), lt.Store(), history.Config{Today: settleDay, Days: 70, Scale: 0.05, Coordinator: ledger.Operator("els")}); err != nil {
		t.Fatal(err)
	}
	for _, u := range []ledger.UserInput{{Name: "coordinator", FullName: "Els Coördinator", Role: balie.OfficeCoordinator, Password: password},
		{Name: "steering", FullName: "Stuurgroep", Role: balie.OfficeSteering, Password: password}} {
		if _, err := lt.SaveUser(context.Background(), ledger.Operator("test"), u); err != nil {
			t.Fatal(err)
		}
	}
	base := lt.URL + "/beheer"
	b := &tab{t: t, ctx: ctx}
	check, run, text := b.check, b.run, b.text
	run("2x", chromedp.EmulateViewport(1366, 900, chromedp.EmulateScale(2)))
	run("sign in", chromedp.Navigate(base+"/login?lang=nl"), visible(`#login-name`),
		sendKeys(`#login-name`, "coordinator"), sendKeys(`#login-password`, password+kb.Enter), visible(`nav.side`))

	// October, which the history's coordinator closed.
	run("settlement", chromedp.Navigate(base+"/settlement?period=2026-10"), visible(`#settlement-total`))
	check("settlement")
	shot(t, ctx, "2x-settlement")
	if missed, err := reachable(ctx, "main form"); err != nil || len(missed) > 0 {
		t.Errorf("settlement: Tab does not reach %v (%v)", missed, err)
	}
	if s := text("main .states"); !strings.Contains(s, "oktober 2026: afgesloten") {
		t.Errorf("October's state: %q", s)
	}
	page := map[string]int64{}
	for _, k := range []string{"regular", "holder", "organiser", "payer"} {
		page[k] = euroCents(t, text(`#settlement-total [data-total="`+k+`"]`))
	}
	// The browser's own session fetches the files.
	cookies, err := chromedp.Run(ctx, func(ctx context.Context, tg *chromedp.Target) ([]*network.Cookie, error) {
		res, err := cdp.Call(ctx, tg, network.GetCookies, network.GetCookiesParams{URLs: []string{base + "/"}})
		return res.Cookies, err
	})
	if err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	bu, _ := url.Parse(base + "/")
	var hc []*http.Cookie
	for _, c := range cookies {
		hc = append(hc, &http.Cookie{Name: c.Name, Value: c.Value, Path: c.Path})
	}
	jar.SetCookies(bu, hc)
	client := &http.Client{Jar: jar, Timeout: 30 * time.Second}
	csvHref, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('a[href$=".csv"]').getAttribute("href")`))
	st, h, body := get(t, client, lt.URL+csvHref)
	if st != http.StatusOK || !strings.HasPrefix(h.Get("Content-Disposition"), "attachment") {
		t.Fatalf("the CSV behind the page's link %s: %d %v", csvHref, st, h)
	}
	rows := parseCSV(t, body)
	sums := map[string]int64{}
	pairs := map[string]int64{}
	for _, r := range rows[1:] {
		for j, k := range []string{"regular", "holder", "organiser", "payer"} {
			v, err := strconv.ParseInt(r[9+j], 10, 64)
			if err != nil {
				t.Fatalf("row %v: %v", r, err)
			}
			sums[k] += v
			if k == "payer" {
				pairs[r[0]+"|"+r[1]] += v
			}
		}
	}
	for k, v := range page {
		if sums[k] != v || v == 0 && k != "organiser" {
			t.Errorf("the CSV's %s column sums to %d cents, the page prints %d", k, sums[k], v)
		}
	}
	if n, _ := strconv.Atoi(text(`#settlement-total [data-total="lines"]`)); n != len(rows)-1 {
		t.Errorf("the page counts %d lines, the CSV has %d", n, len(rows)-1)
	}
	// One expense note: the first row of CC Lier with a payer.
	pair, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('tr[data-pair^="`+demo.OrgCulture+`|"] a[href$=".pdf"]').closest("tr").dataset.pair`))
	href, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('tr[data-pair="`+pair+`"] a[href$=".pdf"]').getAttribute("href")`))
	total := euroCents(t, text(`tr[data-pair="`+pair+`"] [data-payer-total]`))
	if total != pairs[pair] || total == 0 {
		t.Errorf("the page gives %s %d cents, its CSV lines %d", pair, total, pairs[pair])
	}
	st, h, body = get(t, client, lt.URL+href)
	if st != http.StatusOK || h.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(body, "%PDF") {
		t.Fatalf("the note %s: %d %s", href, st, h.Get("Content-Type"))
	}
	dir := t.TempDir()
	pdf := filepath.Join(dir, "note.pdf")
	if err := os.WriteFile(pdf, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", pdf, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	if want := balie.Cents(total).Format("nl"); !strings.Contains(string(out), want) || !strings.Contains(string(out), "Onkostennota 2026-10") {
		t.Errorf("the note's text lacks its total %s:\n%.600s", want, out)
	}
	// The steering group's copy of the same note has every line and
	// total, and no card number: a figure needs no person.
	var card string
	for _, r := range rows[1:] {
		if r[0]+"|"+r[1] == pair && r[3] != "" {
			card = r[3]
		}
	}
	if card == "" || !strings.Contains(string(out), card) {
		t.Errorf("the coordinator's note lacks the card %q of its line", card)
	}
	steering := newClient()
	if resp, err := steering.PostForm(lt.URL+"/beheer/login", url.Values{"name": {"steering"}, "password": {password}}); err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in as the steering group: %v %v", resp, err)
	}
	_, _, body = get(t, steering, lt.URL+href)
	spdf := filepath.Join(dir, "steering.pdf")
	if err := os.WriteFile(spdf, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	sout, err := exec.Command("pdftotext", "-layout", spdf, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(sout), card) || !strings.Contains(string(sout), balie.Cents(total).Format("nl")) {
		t.Errorf("the steering group's note shows the card %s, or lacks its total:\n%.600s", card, sout)
	}
	if err := os.MkdirAll(shots, 0o755); err != nil {
		t.Fatal(err)
	}
	if b, err := exec.Command("pdftoppm", "-png", "-r", "110", "-f", "1", "-l", "1", pdf, filepath.Join(shots, "2x-note")).CombinedOutput(); err != nil {
		t.Errorf("pdftoppm: %v %s", err, b)
	}

	// November has ended and is open: the coordinator closes it, by
	// keyboard, after ticking the confirmation.
	run("November", chromedp.Navigate(base+"/settlement?period=2026-11"), visible(`#close-confirm`))
	check("settlement open")
	run("close November", focus(`#close-confirm`), chromedp.KeyEvent(" "), focus(`form[action="/beheer/settlement/close"] button`),
		chromedp.KeyEvent(kb.Enter), visible(`p.saved`))
	if s := text("main .states"); !strings.Contains(s, "november 2026: afgesloten") || !strings.Contains(s, "Els Coördinator") {
		t.Errorf("November after its close: %q", s)
	}
	shot(t, ctx, "2x-settlement-closed")

	// The dashboard: every chart loads and has its table.
	run("figures", chromedp.Navigate(base+"/figures?period=2026"), visible(`main h1`),
		poll(`Array.from(document.querySelectorAll("img.chart")).every(i => i.complete && i.naturalWidth > 0)`))
	n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("section.figure img.chart").length`))
	if n < 10 {
		t.Errorf("the dashboard shows %d charts", n)
	}
	check("figures")
	shot(t, ctx, "2x-figures")

	// Agreements and budgets.
	run("agreement", chromedp.Navigate(base+"/agreements/lier-solidair"), visible(`main form`))
	check("agreement")
	shot(t, ctx, "2x-agreement")
	for _, p := range []string{"/agreements", "/agreements/new", "/agreements/new?version=lier-solidair", "/budgets", "/settlement?period=2026-Q4", "/figures?period=2026-11", "/"} {
		run("open "+p, chromedp.Navigate(base+p), visible(`main h1`))
		check(p)
		if strings.Contains(p, "/new") || p == "/budgets" {
			if missed, err := reachable(ctx, "main form.form"); err != nil || len(missed) > 0 {
				t.Errorf("%s: Tab does not reach %v (%v)", p, missed, err)
			}
		}
	}
	run("budgets", chromedp.Navigate(base+"/budgets?year=2026"), visible(`main h1`))
	shot(t, ctx, "2x-budgets")
	b.report()
}

// tab is one browser test's tab: its steps fail the test with what
// they were doing, and axe-core's findings on every page checked are
// reported at its end.
type tab struct {
	t        *testing.T
	ctx      context.Context
	findings []string
}

// check runs axe-core on the page shown.
func (b *tab) check(name string) {
	b.t.Helper()
	fs, err := axe(b.ctx)
	if err != nil {
		b.t.Fatalf("axe on %s: %v", name, err)
	}
	for _, f := range fs {
		b.findings = append(b.findings, fmt.Sprintf("%s: %s %s (%s) at %s", name, f.Impact, f.ID, f.Help, strings.Join(f.Nodes, ", ")))
	}
}

// run does actions within a minute.
func (b *tab) run(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	sctx, cancel := context.WithTimeout(b.ctx, time.Minute)
	defer cancel()
	if err := chromedp.Do(sctx, actions...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// text reads an element's text.
func (b *tab) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(sel, q(sel)))
	if err != nil {
		b.t.Fatalf("read %s: %v", sel, err)
	}
	return s
}

func (b *tab) report() {
	for _, f := range b.findings {
		b.t.Error("axe-core: " + f)
	}
}

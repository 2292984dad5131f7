// Package beheer is the city's back office: a web application at
// /beheer/ that ledger serve runs beside the sync protocol. Server-rendered
// pages (html/template, embedded with the few static files), Dutch by
// default and English on request, that work without JavaScript; a little
// plain JavaScript only previews a tariff's shares as they are typed.
// Every change goes through the ledger's service layer (the same one the
// operator's commands and the demo seed use), which checks it by the root
// package's rules, writes it with its change-log entries and its audit
// entry in one transaction, and decides who may make it; the pages ask
// the same rules (balie.Access) what to show and answer 403 for the rest.
package beheer

import (
	"context"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/balie/balie"
	"github.com/balie/balie/internal/ratelimit"
	"github.com/balie/balie/ledger"
	"github.com/prometheus/client_golang/prometheus"
)

// Prefix is where the back office is mounted.
const Prefix = "/beheer/"

//go:embed templates/*.html static/*
var files embed.FS

// Options tune the back office. The zero value serves plain HTTP and
// discards logs.
type Options struct {
	Logger *slog.Logger
	// Registerer takes the sign-in counters; none when nil.
	Registerer prometheus.Registerer
	// SecureCookies marks the session cookie Secure whatever the request
	// (behind a proxy that ends TLS); it is always Secure under TLS.
	SecureCookies bool
	// Failures bound sign-ins: per account and per address in a quarter
	// of an hour; 10 and 30 when zero.
	AccountFailures, AddressFailures int
	// FiguresMaxAge is how long the dashboard, its charts and the home
	// page reuse a period's figures: 30 s when zero, never when
	// negative (a benchmark of the figures themselves).
	FiguresMaxAge time.Duration
}

// Server is the back office's handler.
type Server struct {
	l    *ledger.Ledger
	log  *slog.Logger
	opts Options
	tpl  map[string]*template.Template
	h    http.Handler

	accounts, addresses *ratelimit.Window
	logins              *prometheus.CounterVec

	dashMu sync.Mutex // guards dash
	dash   map[string]dashEntry
}

// New makes the back office for l.
func New(l *ledger.Ledger, opts Options) (*Server, error) {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.AccountFailures <= 0 {
		opts.AccountFailures = 10
	}
	if opts.AddressFailures <= 0 {
		opts.AddressFailures = 30
	}
	if opts.FiguresMaxAge == 0 {
		opts.FiguresMaxAge = 30 * time.Second
	}
	s := &Server{l: l, log: opts.Logger, opts: opts,
		accounts:  ratelimit.New(opts.AccountFailures, 15*time.Minute, l.Now),
		addresses: ratelimit.New(opts.AddressFailures, 15*time.Minute, l.Now),
		logins: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ledger_beheer_signins_total", Help: "Sign-ins to the back office, by result: ok, failed, or refused (too many failures).",
		}, []string{"result"}),
	}
	for _, r := range []string{"ok", "failed", "refused"} {
		s.logins.WithLabelValues(r)
	}
	if opts.Registerer != nil {
		if err := opts.Registerer.Register(s.logins); err != nil {
			return nil, err
		}
	}
	if err := s.parse(); err != nil {
		return nil, err
	}
	s.h = s.routes()
	return s, nil
}

// ServeHTTP serves the back office.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.h.ServeHTTP(w, r) }

// parse reads the templates: every page with the layout.
func (s *Server) parse() error {
	s.tpl = map[string]*template.Template{}
	names, err := fs.Glob(files, "templates/*.html")
	if err != nil {
		return err
	}
	for _, n := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(n, "templates/"), ".html")
		if base == "layout" || strings.HasPrefix(base, "_") {
			continue
		}
		t := template.New("layout.html").Funcs(funcs)
		pats := []string{"templates/layout.html", "templates/_*.html", n}
		if t, err = t.ParseFS(files, pats...); err != nil {
			return err
		}
		s.tpl[base] = t
	}
	return nil
}

// routes are the back office's pages. Every page but the sign-in and
// the static files needs a session; every change is a POST, guarded by
// Go's cross-origin protection.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	static, _ := fs.Sub(files, "static")
	mux.Handle("GET /beheer/static/", http.StripPrefix("/beheer/static/", cacheStatic(http.FileServerFS(static))))
	mux.HandleFunc("GET /beheer/login", s.loginPage)
	mux.HandleFunc("POST /beheer/login", s.login)
	mux.HandleFunc("POST /beheer/logout", s.logout)

	page := func(pattern string, h func(*req) error) {
		mux.Handle(pattern, s.authed(h))
	}
	page("GET /beheer/{$}", s.home)
	page("GET /beheer/organisers", s.organisers)
	page("GET /beheer/organisers/new", s.organiserForm)
	page("POST /beheer/organisers/new", s.organiserSave)
	page("GET /beheer/organisers/{id}", s.organiserForm)
	page("POST /beheer/organisers/{id}", s.organiserSave)
	page("GET /beheer/cardsystems", s.cardSystems)
	page("GET /beheer/cardsystems/new", s.cardSystemForm)
	page("POST /beheer/cardsystems/new", s.cardSystemSave)
	page("GET /beheer/cardsystems/{id}", s.cardSystemForm)
	page("POST /beheer/cardsystems/{id}", s.cardSystemSave)
	page("POST /beheer/cardsystems/{id}/prices", s.cardPricesSave)
	page("GET /beheer/municipalities/new", s.municipalityForm)
	page("POST /beheer/municipalities/new", s.municipalitySave)
	page("GET /beheer/municipalities/{id}", s.municipalityForm)
	page("POST /beheer/municipalities/{id}", s.municipalitySave)
	page("GET /beheer/desks", s.desks)
	page("GET /beheer/desks/new", s.deskForm)
	page("POST /beheer/desks/new", s.deskSave)
	page("GET /beheer/desks/{id}", s.deskForm)
	page("POST /beheer/desks/{id}", s.deskSave)
	page("GET /beheer/terminals", s.terminals)
	page("GET /beheer/terminals/new", s.terminalForm)
	page("POST /beheer/terminals/new", s.terminalAdd)
	page("POST /beheer/terminals/{id}/revoke", s.terminalRevoke)
	page("GET /beheer/events", s.events)
	page("GET /beheer/events/new", s.eventForm)
	page("POST /beheer/events/new", s.eventSave)
	page("GET /beheer/events/{id}", s.eventForm)
	page("POST /beheer/events/{id}", s.eventSave)
	page("POST /beheer/events/{id}/tariffs", s.tariffCreate)
	page("GET /beheer/tariffs/preview", s.tariffPreview)
	page("GET /beheer/tariffs/{id}", s.tariffForm)
	page("POST /beheer/tariffs/{id}", s.tariffUpdate)
	page("POST /beheer/tariffs/{id}/delete", s.tariffDelete)
	page("GET /beheer/rewards", s.rewards)
	page("GET /beheer/rewards/new", s.rewardForm)
	page("POST /beheer/rewards/new", s.rewardSave)
	page("GET /beheer/rewards/{id}", s.rewardForm)
	page("POST /beheer/rewards/{id}", s.rewardSave)
	page("GET /beheer/programs", s.programs)
	page("GET /beheer/programs/new", s.programForm)
	page("POST /beheer/programs/new", s.programSave)
	page("GET /beheer/programs/{id}", s.programForm)
	page("POST /beheer/programs/{id}", s.programSave)
	page("GET /beheer/staff", s.staffList)
	page("GET /beheer/staff/new", s.staffForm)
	page("POST /beheer/staff/new", s.staffSave)
	page("GET /beheer/staff/{id}", s.staffForm)
	page("POST /beheer/staff/{id}", s.staffSave)
	page("GET /beheer/children", s.children)
	page("GET /beheer/children/new", s.childForm)
	page("POST /beheer/children/new", s.childSave)
	page("GET /beheer/children/{id}", s.childForm)
	page("POST /beheer/children/{id}", s.childSave)
	page("POST /beheer/children/{id}/delete", s.childDelete)
	page("GET /beheer/holders", s.holders)
	page("GET /beheer/holders/new", s.holderNewForm)
	page("POST /beheer/holders/new", s.holderRegister)
	page("GET /beheer/holders/{id}", s.holder)
	page("POST /beheer/holders/{id}/social", s.holderSocial)
	page("POST /beheer/holders/{id}/insz", s.holderINSZ)
	page("POST /beheer/holders/{id}/block", s.holderBlock)
	page("POST /beheer/holders/{id}/replace", s.holderReplace)
	page("GET /beheer/review", s.review)
	page("POST /beheer/review/{key}", s.resolve)
	page("GET /beheer/audit", s.audit)
	page("GET /beheer/settlement", s.settlement)
	page("POST /beheer/settlement/close", s.settlementClose)
	page("GET /beheer/settlement/{file}", s.settlementFile)
	page("GET /beheer/settlement/{period}/{org}/{payer}", s.settlementNote)
	page("GET /beheer/figures", s.figures)
	page("GET /beheer/figures/{period}/{file}", s.figureFile)
	page("GET /beheer/agreements", s.agreements)
	page("GET /beheer/agreements/new", s.agreementForm)
	page("POST /beheer/agreements/new", s.agreementSave)
	page("GET /beheer/agreements/{id}", s.agreementForm)
	page("POST /beheer/agreements/{id}", s.agreementSave)
	page("GET /beheer/budgets", s.budgets)
	page("POST /beheer/budgets", s.budgetSave)
	page("GET /beheer/users", s.users)
	page("GET /beheer/users/new", s.userForm)
	page("POST /beheer/users/new", s.userSave)
	page("GET /beheer/users/{id}", s.userForm)
	page("POST /beheer/users/{id}", s.userSave)
	mux.Handle("/beheer/", s.authed(func(r *req) error { return errNotFound }))

	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lang := language(w, r)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusForbidden)
		w.Write([]byte(tr(lang, "err.crossorigin") + "\n"))
	}))
	return headers(cop.Handler(mux))
}

// headers sets what every answer of the back office carries: a strict
// content security policy (no inline script, nothing from elsewhere), no
// referrer, no framing, and no caching of pages that show the city's
// data.
func headers(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		hd.Set("Referrer-Policy", "no-referrer")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("X-Frame-Options", "DENY")
		if !strings.HasPrefix(r.URL.Path, "/beheer/static/") {
			hd.Set("Cache-Control", "no-store")
		}
		h.ServeHTTP(w, r)
	})
}

func cacheStatic(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		h.ServeHTTP(w, r)
	})
}

// req is one request of a signed-in user.
type req struct {
	w     http.ResponseWriter
	r     *http.Request
	s     *Server
	ctx   context.Context
	user  ledger.UserRow
	actor ledger.Actor
	lang  string
}

func (q *req) access() balie.Access { return q.actor.Access }

// Errors a page returns, answered with their status and a page.
var (
	errNotFound  = errors.New("not found")
	errForbidden = errors.New("forbidden")
)

const cookieSession = "balie_beheer"

// authed wraps a page: a session or the sign-in page, then the page; an
// error becomes its page.
func (s *Server) authed(h func(*req) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lang := language(w, r)
		c, err := r.Cookie(cookieSession)
		var u ledger.UserRow
		ok := false
		if err == nil {
			if u, ok, err = s.l.Session(r.Context(), c.Value); err != nil {
				s.log.Error("read session", "err", err)
				http.Error(w, tr(lang, "err.internal"), http.StatusInternalServerError)
				return
			}
		}
		if !ok {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/beheer/login?next="+urlEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			http.Error(w, tr(lang, "err.signedout"), http.StatusUnauthorized)
			return
		}
		q := &req{w: w, r: r, s: s, ctx: r.Context(), user: u, actor: ledger.ActorOf(u), lang: lang}
		if err := h(q); err != nil {
			q.fail(err)
		}
	})
}

// fail answers a page's error: 403 and 404 with their page, a domain
// refusal with its sentence, anything else logged and 500.
func (q *req) fail(err error) {
	switch {
	case errors.Is(err, errNotFound):
		q.status(http.StatusNotFound, "err.notfound")
	case errors.Is(err, errForbidden) || balie.ErrorCode(err) == balie.CodeForbidden:
		q.status(http.StatusForbidden, "err.forbidden")
	default:
		if e, ok := balie.AsError(err); ok {
			q.w.WriteHeader(http.StatusUnprocessableEntity)
			q.render("error", map[string]any{"Title": tr(q.lang, "err.title"), "Message": e.Message(q.lang)})
			return
		}
		q.s.log.Error("back office page", "path", q.r.URL.Path, "err", err)
		q.status(http.StatusInternalServerError, "err.internal")
	}
}

func (q *req) status(code int, key string) {
	q.w.WriteHeader(code)
	q.render("error", map[string]any{"Title": tr(q.lang, key+".title"), "Message": tr(q.lang, key)})
}

// view is what every page's template gets besides its own data.
type view struct {
	Lang   string
	User   ledger.UserRow
	Access balie.Access
	Path   string
	Query  string
	Saved  bool
	Nav    []navItem
	Data   map[string]any
}

type navItem struct {
	URL, Label string
	Current    bool
}

// nav is the menu a user's role gives: no link to a page that would
// answer 403.
func nav(lang, path string, a balie.Access) []navItem {
	orgs := a.Role != balie.OfficeWelfare
	items := []struct {
		url, key string
		show     bool
	}{
		{"/beheer/", "nav.home", true},
		{"/beheer/organisers", "nav.organisers", a.City() || a.Role == balie.OfficeSteering || a.Role == balie.OfficeOrganiser},
		{"/beheer/cardsystems", "nav.cardsystems", a.City() || a.Role == balie.OfficeSteering},
		{"/beheer/desks", "nav.desks", orgs},
		{"/beheer/terminals", "nav.terminals", orgs},
		{"/beheer/events", "nav.events", orgs},
		{"/beheer/rewards", "nav.rewards", orgs},
		{"/beheer/programs", "nav.programs", orgs},
		{"/beheer/staff", "nav.staff", orgs},
		{"/beheer/children", "nav.children", orgs},
		{"/beheer/holders", "nav.holders", a.Holders() || a.Role == balie.OfficeOrganiser},
		{"/beheer/review", "nav.review", orgs},
		{"/beheer/settlement", "nav.settlement", a.Settlement()},
		{"/beheer/figures", "nav.figures", a.Reports()},
		{"/beheer/agreements", "nav.agreements", a.Reports()},
		{"/beheer/budgets", "nav.budgets", a.Reports()},
		{"/beheer/audit", "nav.audit", a.City() || a.Role == balie.OfficeOrganiser},
		{"/beheer/users", "nav.users", a.City()},
	}
	var out []navItem
	for _, it := range items {
		if !it.show {
			continue
		}
		cur := path == it.url || it.url != "/beheer/" && strings.HasPrefix(path, it.url)
		out = append(out, navItem{URL: it.url, Label: tr(lang, it.key), Current: cur})
	}
	return out
}

// render writes a page.
func (q *req) render(name string, data map[string]any) {
	t, ok := q.s.tpl[name]
	if !ok {
		q.s.log.Error("no template", "name", name)
		http.Error(q.w, "no such page", http.StatusInternalServerError)
		return
	}
	v := view{Lang: q.lang, User: q.user, Access: q.access(), Path: q.r.URL.Path, Query: q.r.URL.RawQuery, Saved: q.r.URL.Query().Get("saved") == "1",
		Nav: nav(q.lang, q.r.URL.Path, q.access()), Data: data}
	q.w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := t.Execute(q.w, v); err != nil {
		q.s.log.Error("render", "page", name, "err", err)
	}
}

// saved redirects after a change, so that a reload sends nothing twice.
func (q *req) saved(path string) error {
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	http.Redirect(q.w, q.r, path+sep+"saved=1", http.StatusSeeOther)
	return nil
}

// language picks the language: ?lang= (remembered in a cookie), the
// cookie, the browser's Accept-Language, else Dutch.
func language(w http.ResponseWriter, r *http.Request) string {
	if l := r.URL.Query().Get("lang"); l == "nl" || l == "en" {
		http.SetCookie(w, &http.Cookie{Name: "lang", Value: l, Path: Prefix, MaxAge: 365 * 24 * 3600, HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
		return l
	}
	if c, err := r.Cookie("lang"); err == nil && (c.Value == "nl" || c.Value == "en") {
		return c.Value
	}
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag := strings.ToLower(strings.TrimSpace(strings.SplitN(part, ";", 2)[0]))
		switch {
		case strings.HasPrefix(tag, "nl"):
			return "nl"
		case strings.HasPrefix(tag, "en"):
			return "en"
		}
	}
	return "nl"
}

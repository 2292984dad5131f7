package beheer

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/balie/balie"
	"github.com/balie/balie/internal/ratelimit"
	"github.com/balie/balie/ledger"
)

// next is where to go after signing in: a page of the back office only.
func next(r *http.Request) string {
	n := r.FormValue("next")
	if !strings.HasPrefix(n, Prefix) || strings.HasPrefix(n, "//") || strings.Contains(n, "\\") {
		return Prefix
	}
	return n
}

func (s *Server) renderLogin(w http.ResponseWriter, r *http.Request, lang, name, msg string, status int) {
	t := s.tpl["login"]
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	v := view{Lang: lang, Path: r.URL.Path, Query: r.URL.RawQuery, Data: map[string]any{"Name": name, "Error": msg, "Next": next(r)}}
	if err := t.Execute(w, v); err != nil {
		s.log.Error("render", "page", "login", "err", err)
	}
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	s.renderLogin(w, r, language(w, r), "", "", http.StatusOK)
}

// login signs in, within the limits per account and per address: a
// refused sign-in never says whether the account exists.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	lang := language(w, r)
	r.ParseForm()
	name := strings.ToLower(strings.TrimSpace(r.PostFormValue("name")))
	addr := ratelimit.Remote(r)
	if !s.addresses.Allowed(addr) || !s.accounts.Allowed(name) {
		s.logins.WithLabelValues("refused").Inc()
		s.renderLogin(w, r, lang, name, tr(lang, "login.refused"), http.StatusTooManyRequests)
		return
	}
	token, _, err := s.l.SignIn(r.Context(), name, r.PostFormValue("password"))
	if err != nil {
		if errors.Is(err, ledger.ErrSignIn) || balie.ErrorCode(err) == balie.CodeForbidden {
			s.addresses.Count(addr)
			s.accounts.Count(name)
			s.logins.WithLabelValues("failed").Inc()
			s.log.Info("back office sign-in refused", "name", name, "remote", addr)
			s.renderLogin(w, r, lang, name, tr(lang, "login.failed"), http.StatusUnauthorized)
			return
		}
		s.log.Error("sign in", "err", err)
		s.renderLogin(w, r, lang, name, tr(lang, "err.internal"), http.StatusInternalServerError)
		return
	}
	s.logins.WithLabelValues("ok").Inc()
	http.SetCookie(w, &http.Cookie{Name: cookieSession, Value: token, Path: Prefix, HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: r.TLS != nil || s.opts.SecureCookies, MaxAge: int(ledger.SessionTTL / time.Second)})
	http.Redirect(w, r, next(r), http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(cookieSession); err == nil {
		if err := s.l.SignOut(r.Context(), c.Value); err != nil {
			s.log.Error("sign out", "err", err)
		}
	}
	http.SetCookie(w, &http.Cookie{Name: cookieSession, Value: "", Path: Prefix, HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: r.TLS != nil || s.opts.SecureCookies, MaxAge: -1})
	http.Redirect(w, r, "/beheer/login", http.StatusSeeOther)
}

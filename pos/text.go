package pos

import (
	"embed"
	"fmt"
	"os"

	"fyne.io/fyne/v2/lang"
)

// msg identifies a sentence the clerk reads: its key in the translation
// files. Every visible string of the package goes through one, so a test
// can check that no translation is missing.
type msg string

const (
	msgScanHint       msg = "scan.hint"
	msgScanKeys       msg = "scan.keys"
	msgIdle           msg = "result.idle"
	msgLooking        msg = "result.looking"
	msgCard           msg = "holder.card"
	msgPointsOne      msg = "holder.points.one"
	msgPointsMany     msg = "holder.points.many"
	msgMemberships    msg = "holder.memberships"
	msgNoMemberships  msg = "holder.memberships.none"
	msgValidUntil     msg = "membership.valid.until"
	msgValid          msg = "membership.valid"
	msgExpiredOn      msg = "membership.expired.on"
	msgExpired        msg = "membership.expired"
	msgNotices        msg = "holder.notices"
	msgGenericError   msg = "error.generic"
	msgStatusReady    msg = "status.ready"
	msgStatusAt       msg = "status.at"
	msgActionLooking  msg = "action.looking"
	msgActionShown    msg = "action.shown"
	msgActionRefused  msg = "action.refused"
	msgActionFailed   msg = "action.failed"
	msgActionCleared  msg = "action.cleared"
	msgMembershipLine msg = "membership.line"
	msgFound          msg = "search.found"
	msgFoundOne       msg = "search.found.one"
	msgNoneFound      msg = "search.none"
	msgActionFound    msg = "action.found"
	msgForStaff       msg = "holder.forstaff"
	msgChildMay       msg = "child.may"
	msgChildGroup     msg = "child.group"
	msgChildNotes     msg = "child.notes"
)

// language is the clerk's language: "en", or "nl" for anything else, as
// balie.Error.Message decides.
type language string

func newLanguage(lang string) language {
	if lang == "en" {
		return "en"
	}
	return "nl"
}

// t returns sentence id in the clerk's language, formatted with args
// when there are any. The sentences are Fyne's translations, in
// assets/translations, loaded for the language by UseLanguage.
func (l language) t(id msg, args ...any) string {
	s := lang.LocalizeKey(string(id), string(id))
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

// UseLanguage loads the translations in dir of fsys for lang, "nl" (the
// default) or "en", and makes them the ones the screens speak. Fyne's
// translations follow the system's locale, so the locale is set first:
// the clerk's choice wins over the machine's.
func UseLanguage(language string, fsys embed.FS, dir string) error {
	if language != "en" {
		language = "nl"
	}
	if err := os.Setenv("LANGUAGE", language); err != nil {
		return fmt.Errorf("use language %s: %w", language, err)
	}
	if err := lang.AddTranslationsFS(fsys, dir); err != nil {
		return fmt.Errorf("use language %s: %w", language, err)
	}
	return nil
}

// points returns "1 punt" or "12 punten".
func (l language) points(n int) string {
	if n == 1 || n == -1 {
		return l.t(msgPointsOne, n)
	}
	return l.t(msgPointsMany, n)
}

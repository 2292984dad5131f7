package pos

import "fmt"

// msg identifies a sentence the clerk reads. Every visible string of the
// package goes through texts, so a missing translation is one map entry
// away and a test can check that none is missing.
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
	msgNoneFound      msg = "search.none"
	msgActionFound    msg = "action.found"
)

// textPair is one sentence in Dutch (nl-BE, the default) and English.
// Sentences with verbs take fmt arguments, the same in both languages.
type textPair struct{ nl, en string }

// texts holds the scan screen's sentences; each other screen keeps a
// table of its own beside its code.
var texts = map[msg]textPair{
	msgScanHint:       {"Scan of typ een UiTPAS-nummer", "Scan or type a UiTPAS number"},
	msgScanKeys:       {"Enter om op te zoeken · Esc om te wissen", "Enter to look up · Esc to clear"},
	msgIdle:           {"Nog geen pashouder gescand.", "No pass holder scanned yet."},
	msgLooking:        {"Opzoeken…", "Looking up…"},
	msgCard:           {"Kaart %s", "Card %s"},
	msgPointsOne:      {"%d punt", "%d point"},
	msgPointsMany:     {"%d punten", "%d points"},
	msgMemberships:    {"Lidmaatschappen", "Memberships"},
	msgNoMemberships:  {"Geen lidmaatschappen", "No memberships"},
	msgMembershipLine: {"%s — %s", "%s — %s"},
	msgValidUntil:     {"geldig tot %s", "valid until %s"},
	msgValid:          {"geldig", "valid"},
	msgExpiredOn:      {"verlopen op %s", "expired on %s"},
	msgExpired:        {"verlopen", "expired"},
	msgNotices:        {"Meldingen", "Notices"},
	msgGenericError:   {"Er ging iets mis; probeer opnieuw.", "Something went wrong; please try again."},
	msgStatusReady:    {"Klaar om te scannen", "Ready to scan"},
	msgStatusAt:       {"Laatste actie om %s: %s", "Last action at %s: %s"},
	msgActionLooking:  {"opzoeken…", "looking up…"},
	msgActionShown:    {"pashouder getoond", "pass holder shown"},
	msgActionRefused:  {"scan geweigerd", "scan refused"},
	msgActionFailed:   {"opzoeken mislukt", "lookup failed"},
	msgActionCleared:  {"scherm gewist", "screen cleared"},
	msgFound:          {"%d pashouders gevonden voor \"%s\"; kies wie er aan de balie staat:", "%d pass holders found for \"%s\"; choose who is at the desk:"},
	msgNoneFound:      {"Geen pashouder gevonden voor \"%s\".", "No pass holder found for \"%s\"."},
	msgActionFound:    {"gezocht op naam", "searched by name"},
}

// language is the clerk's language: "en", or "nl" for anything else, as
// balie.Error.Message decides.
type language string

func newLanguage(lang string) language {
	if lang == "en" {
		return "en"
	}
	return "nl"
}

// text returns the scan screen's sentence id in l, formatted with args
// when there are any.
func (l language) text(id msg, args ...any) string { return l.from(texts, id, args...) }

// from returns sentence id of table in l, formatted with args when there
// are any.
func (l language) from(table map[msg]textPair, id msg, args ...any) string {
	t, ok := table[id]
	if !ok {
		// A programming error, but the clerk should still see something.
		return string(id)
	}
	s := t.nl
	if l == "en" {
		s = t.en
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

// points returns "1 punt" or "12 punten".
func (l language) points(n int) string {
	if n == 1 || n == -1 {
		return l.text(msgPointsOne, n)
	}
	return l.text(msgPointsMany, n)
}

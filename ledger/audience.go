package ledger

import (
	"github.com/balie/balie"
)

// Audiences of the change log. A change with no audience goes to every
// terminal; a child's enrolment (with its authorised adults and pick-up
// codes) goes to its provider's childcare desks only, and the outcome of
// a review to the terminal that recorded the act.
const (
	audienceChildcare = "childcare/"
	audienceTerminal  = "terminal/"
)

// ChildAudience is the audience of a child's enrolment at a provider.
func ChildAudience(provider string) string { return audienceChildcare + provider }

// TerminalAudience is the audience of what concerns one terminal alone.
func TerminalAudience(terminal string) string { return audienceTerminal + terminal }

// Audiences are what a terminal at desk d may download: every terminal's
// changes, its own, and, at a childcare desk, its provider's children.
func Audiences(terminal string, d balie.Desk) []string {
	out := []string{"", TerminalAudience(terminal)}
	if d.Mode == balie.DeskChildcare && d.OrganiserID != "" {
		out = append(out, ChildAudience(d.OrganiserID))
	}
	return out
}

// KeyLast and KeyFirst are a holder's search keys, "last first" and
// "first last" as balie.SearchKey has them: the engines index them for a
// prefix search by name.
func KeyLast(h balie.Holder) []byte {
	return []byte(balie.SearchKey(h.LastName + " " + h.FirstName))
}

// KeyFirst is the key of "first last"; see KeyLast.
func KeyFirst(h balie.Holder) []byte {
	return []byte(balie.SearchKey(h.FirstName + " " + h.LastName))
}

// PrefixEnd is the smallest key after every key that starts with p: a
// prefix search is key >= p AND key < PrefixEnd(p). Nil when there is
// none (p all 0xff), which a search takes as no upper bound.
func PrefixEnd(p []byte) []byte {
	end := append([]byte(nil), p...)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return nil
}

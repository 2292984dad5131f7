package ledger

import (
	"context"
	"errors"
	"strings"

	"github.com/balie/balie"
)

// ChangeReview is the change kind of a review's outcome: served to the
// terminal that recorded the act, whose review list shows it.
const ChangeReview = balie.ChangeReview

// ReviewItem is a flag of the review queue as the back office shows it:
// the flag and its event with the terminal's name and organiser.
type ReviewItem struct {
	ReviewRow
	TerminalName string
	Organiser    string // the terminal's organiser
	Location     string // the terminal's desk
}

// ReviewQueue lists the open flags (resolved false) or the resolved
// ones, those of the actor's organiser for an organiser administrator.
func (l *Ledger) ReviewQueue(ctx context.Context, a Actor, resolved bool, limit int) ([]ReviewItem, error) {
	var out []ReviewItem
	err := l.store.Read(ctx, func(tx ReadTx) error {
		rows, err := tx.ReviewFlags(FlagQuery{Resolved: resolved, Limit: limit})
		if err != nil {
			return err
		}
		terms := map[string]TerminalRow{}
		for _, r := range rows {
			t, ok := terms[r.Terminal]
			if !ok {
				if t, _, err = tx.Terminal(r.Terminal); err != nil {
					return err
				}
				terms[r.Terminal] = t
			}
			if !a.Access.City() && !a.Access.SeesOrganiser(t.Organiser) {
				continue
			}
			out = append(out, ReviewItem{ReviewRow: r, TerminalName: t.Name, Organiser: t.Organiser, Location: t.Location})
		}
		return nil
	})
	return out, wrap("read review queue", err)
}

// ResolveFlag closes a flag with an outcome and a note, as the actor: the
// coordinator, or the administrator of the organiser whose terminal
// recorded the act. The outcome goes to that terminal through the change
// log, so that its review list shows it.
func (l *Ledger) ResolveFlag(ctx context.Context, a Actor, key, outcome, note string) error {
	note = strings.TrimSpace(note)
	if err := balie.ValidateResolution(outcome, note); err != nil {
		return err
	}
	return l.office(ctx, a, "resolve flag", func(o *officeTx) error {
		f, ok, err := o.tx.ReviewFlag(key)
		if err != nil {
			return err
		}
		if !ok {
			return refUnknown("Melding", "Flag", key)
		}
		t, _, err := o.tx.Terminal(f.Terminal)
		if err != nil {
			return err
		}
		if !a.Access.Review(t.Organiser) {
			return forbidden()
		}
		res := FlagResolution{Flag: key, Outcome: outcome, Note: note, By: a.ID, ByName: a.Name, At: o.now}
		if err := o.tx.ResolveFlag(res); err != nil {
			if errors.Is(err, ErrNotOpen) {
				return balie.Errorf(balie.CodeNotAllowed, "Deze melding is al afgehandeld.", "This flag was resolved already.")
			}
			return err
		}
		out := balie.ReviewOutcome{EventID: f.EventID, Outcome: outcome, Note: note, By: a.Name, At: o.now}
		if err := o.tx.Change(Change{Kind: ChangeReview, Key: f.EventID, Data: mustJSON(out), Audience: TerminalAudience(f.Terminal)}); err != nil {
			return err
		}
		return o.audit("review.resolve", "review", key, t.Organiser, f, res)
	})
}

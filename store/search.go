package store

import (
	"context"
	"strings"

	"github.com/balie/balie"
)

// FindHolders finds holders by name, for a holder who lost their card:
// "Peeters", "Peeters Tom" or "Tom Peeters" (the start of each name is
// enough, in any case). At most limit holders, by name. The national
// register number is never searched here: it is looked up online only.
func (d *DB) FindHolders(ctx context.Context, query string, limit int) ([]balie.Holder, error) {
	words := strings.Fields(query)
	if len(words) == 0 {
		return nil, nil
	}
	like := func(s string) string {
		s = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
		return s + "%"
	}
	// Each word may be the last name, the others then the first name.
	seen := map[string]bool{}
	var out []balie.Holder
	for i := range words {
		last := words[i]
		first := strings.Join(append(append([]string{}, words[:i]...), words[i+1:]...), " ")
		rows, err := d.db.QueryContext(ctx, `SELECT id FROM holders
			WHERE last_name LIKE ? ESCAPE '\' AND first_name LIKE ? ESCAPE '\'
			ORDER BY last_name COLLATE NOCASE, first_name COLLATE NOCASE LIMIT ?`, like(last), like(first), limit)
		if err != nil {
			return nil, d.classify("find holders", err)
		}
		ids, err := scanStrings(rows)
		if err != nil {
			return nil, d.classify("find holders", err)
		}
		for _, id := range ids {
			if seen[id] || len(out) >= limit {
				continue
			}
			seen[id] = true
			h, err := d.holder(ctx, d.db, id)
			if err != nil {
				return nil, err
			}
			out = append(out, h)
		}
	}
	return out, nil
}

// LookupHolder shows a holder found by name, with their newest card,
// also when that card is blocked: the desk can then sell them a new one.
func (d *DB) LookupHolder(ctx context.Context, holderID string) (balie.HolderLookup, error) {
	var number string
	err := d.db.QueryRowContext(ctx, `SELECT number FROM cards WHERE holder_id = ? AND holder_id <> '' AND status IN ('ACTIVE', 'BLOCKED')
		ORDER BY status = 'ACTIVE' DESC, number DESC LIMIT 1`, holderID).Scan(&number)
	if err != nil {
		return balie.HolderLookup{}, balie.Errorf(balie.CodeHolderUnknown,
			"Deze pashouder heeft geen kaart op deze kassa.", "This holder has no card on this terminal.")
	}
	c, err := d.cardByNumber(ctx, d.db, balie.CardNumber(number))
	if err != nil {
		return balie.HolderLookup{}, err
	}
	l, err := d.describe(ctx, c)
	if err != nil {
		return l, err
	}
	if c.Status == balie.CardBlocked {
		l.Notices = append(l.Notices, balie.Notice{Code: balie.CodeCardBlocked,
			NL: "De kaart " + string(c.Number) + " is geblokkeerd: verkoop een vervangkaart.",
			EN: "Card " + string(c.Number) + " is blocked: sell a replacement card."})
	}
	return l, nil
}

package store

import (
	"context"

	"github.com/balie/balie"
)

// LookupCard finds the holder of a card by number; a blocked, unsold or
// deleted card is refused with its domain error.
func (d *DB) LookupCard(ctx context.Context, n balie.CardNumber) (balie.HolderLookup, error) {
	c, err := d.cardByNumber(ctx, d.db, n)
	if err != nil {
		return balie.HolderLookup{}, err
	}
	return d.lookup(ctx, c)
}

// LookupChip finds the holder of a card by its chip UID.
func (d *DB) LookupChip(ctx context.Context, u balie.ChipUID) (balie.HolderLookup, error) {
	c, err := d.cardByChip(ctx, d.db, u)
	if err != nil {
		return balie.HolderLookup{}, err
	}
	return d.lookup(ctx, c)
}

// LookupInput finds the holder of what was typed or scanned: a card
// number, or a chip UID. A bad number is refused with the reason.
func (d *DB) LookupInput(ctx context.Context, input string) (balie.HolderLookup, error) {
	n, nerr := balie.ParseCardNumber(input)
	if nerr == nil {
		return d.LookupCard(ctx, n)
	}
	if u, err := balie.ParseChipUID(input); err == nil {
		if l, err := d.LookupChip(ctx, u); err == nil || !isAllDigits(input) {
			return l, err
		}
	}
	return balie.HolderLookup{}, nerr
}

func isAllDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

func (d *DB) lookup(ctx context.Context, c balie.Card) (balie.HolderLookup, error) {
	if err := balie.UsableCard(c); err != nil {
		return balie.HolderLookup{}, err
	}
	return d.describe(ctx, c)
}

// describe is what the screen shows of the holder of card c.
func (d *DB) describe(ctx context.Context, c balie.Card) (balie.HolderLookup, error) {
	h, err := d.holder(ctx, d.db, c.HolderID)
	if err != nil {
		return balie.HolderLookup{}, err
	}
	l := balie.HolderLookup{Card: c, Holder: h}
	now := d.now()
	ms, err := d.memberships(ctx, d.db, h.ID)
	if err != nil {
		return balie.HolderLookup{}, err
	}
	var views []balie.MembershipView
	for _, m := range ms {
		v := balie.MembershipView{Membership: m, Valid: m.Valid(now)}
		if p, err := d.program(ctx, d.db, m.ProgramID); err == nil {
			v.Program = p.Name
		} else {
			v.Program = m.ProgramID
		}
		views = append(views, v)
	}
	l.Memberships = balie.MembershipLines(views, now)
	if end, ok := h.SocialTariff.SocialEndNotice(now); ok {
		day := end.In(balie.Brussels()).Format("02/01/2006")
		l.Notices = append(l.Notices, balie.Notice{Code: "social_ending", Staff: true,
			NL: "Het recht op het UiTPAS-tarief loopt af op " + day + ". Wijs de pashouder discreet op verlengen.",
			EN: "The right to the UiTPAS price ends on " + day + ". Point the holder discreetly to renewing it."})
	}
	n, err := countRows(ctx, d.db, `SELECT count(*) FROM children WHERE holder_id = ?`, h.ID)
	if err != nil {
		return balie.HolderLookup{}, d.classify("read child", err)
	}
	l.Child = n > 0
	return l, nil
}

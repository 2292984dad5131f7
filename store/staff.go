package store

import (
	"context"

	"github.com/balie/balie"
)

// StaffList lists the staff who may work at this terminal, by name: the
// "choose your name" sign-in. The PIN hash and salt never leave the
// store; they are zeroed here and Authenticate checks the PIN.
func (d *DB) StaffList(ctx context.Context) ([]balie.Staff, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT id, name, card_number, role FROM staff ORDER BY name, id`)
	if err != nil {
		return nil, d.classify("list staff", err)
	}
	defer rows.Close()
	var out []balie.Staff
	for rows.Next() {
		var s balie.Staff
		var card, role string
		if err := rows.Scan(&s.ID, &s.Name, &card, &role); err != nil {
			return nil, d.classify("list staff", err)
		}
		s.CardNumber, s.Role = balie.CardNumber(card), balie.Role(role)
		out = append(out, s)
	}
	return out, d.classify("list staff", rows.Err())
}

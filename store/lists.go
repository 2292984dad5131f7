package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/balie/balie"
)

// Rewards lists an organiser's rewards, cheapest first; whether one can
// be redeemed now is for the redemption to decide.
func (d *DB) Rewards(ctx context.Context, organiserID string) ([]balie.Reward, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT id FROM rewards WHERE organiser_id = ? ORDER BY points, name`, organiserID)
	if err != nil {
		return nil, d.classify("list rewards", err)
	}
	ids, err := scanStrings(rows)
	if err != nil {
		return nil, d.classify("list rewards", err)
	}
	out := make([]balie.Reward, 0, len(ids))
	for _, id := range ids {
		r, _, err := d.reward(ctx, d.db, id)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// Programs lists an organiser's membership programs, by name.
func (d *DB) Programs(ctx context.Context, organiserID string) ([]balie.MembershipProgram, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT id FROM programs WHERE organiser_id = ? ORDER BY name`, organiserID)
	if err != nil {
		return nil, d.classify("list programs", err)
	}
	ids, err := scanStrings(rows)
	if err != nil {
		return nil, d.classify("list programs", err)
	}
	out := make([]balie.MembershipProgram, 0, len(ids))
	for _, id := range ids {
		p, err := d.program(ctx, d.db, id)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

func scanStrings(rows *sql.Rows) ([]string, error) {
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, fmt.Errorf("scan: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// Desks lists the city's desks, by name: the desks a terminal can serve.
func (d *DB) Desks(ctx context.Context) ([]balie.Desk, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT id FROM desks ORDER BY name, id`)
	if err != nil {
		return nil, d.classify("list desks", err)
	}
	ids, err := scanStrings(rows)
	if err != nil {
		return nil, d.classify("list desks", err)
	}
	out := make([]balie.Desk, 0, len(ids))
	for _, id := range ids {
		k, err := d.Desk(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, nil
}

package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/balie/balie"
)

// What the childcare desk reads: its children with their day, the
// closing time and the rates. The acts (sign-in, sign-out) and the bill
// are in childcare.go.

// Children lists every child enrolled at this desk's childcare, by group
// then first name, each with their authorised adults, whether they are
// present now (and since when) and their stays that began on day's
// Brussels calendar day.
//
// A child whose stay began on an earlier day and was never closed is
// present: the register says so until staff sign them out, and the desk
// must flag them rather than start the day pretending they left.
func (d *DB) Children(ctx context.Context, day time.Time) ([]balie.ChildToday, error) {
	tx, err := d.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, d.classify("list children", err)
	}
	defer tx.Rollback()
	desk, err := d.currentDesk(ctx, tx)
	if err != nil {
		return nil, err
	}
	out, err := d.enrolled(ctx, tx, desk.OrganiserID)
	if err != nil {
		return nil, err
	}
	if err := d.attendanceOn(ctx, tx, desk.OrganiserID, day, out); err != nil {
		return nil, err
	}
	return out, nil
}

// enrolled reads the children enrolled at provider, by group then first
// name, without their attendance.
func (d *DB) enrolled(ctx context.Context, q querier, provider string) ([]balie.ChildToday, error) {
	rows, err := q.QueryContext(ctx, `SELECT c.holder_id, h.first_name, h.last_name, c.grp, c.authorised, c.notes
		FROM children c JOIN holders h ON h.id = c.holder_id
		WHERE c.provider_id = ?
		ORDER BY c.grp COLLATE NOCASE, h.first_name COLLATE NOCASE, h.last_name COLLATE NOCASE, c.holder_id`, provider)
	if err != nil {
		return nil, d.classify("list children", err)
	}
	defer rows.Close()
	var out []balie.ChildToday
	for rows.Next() {
		var c balie.ChildToday
		var auth string
		if err := rows.Scan(&c.HolderID, &c.FirstName, &c.LastName, &c.Group, &auth, &c.Notes); err != nil {
			return nil, d.classify("list children", err)
		}
		if c.Authorised, err = authorisedAdults(auth); err != nil {
			return nil, fmt.Errorf("list children: child %s: %w", c.HolderID, err)
		}
		out = append(out, c)
	}
	return out, d.classify("list children", rows.Err())
}

// attendanceOn fills in the children's presence and their stays that
// began on day.
func (d *DB) attendanceOn(ctx context.Context, q querier, provider string, day time.Time, children []balie.ChildToday) error {
	byID := make(map[string]*balie.ChildToday, len(children))
	for i := range children {
		byID[children[i].HolderID] = &children[i]
	}
	from, to := balie.PeriodDay.Window(day)
	rows, err := q.QueryContext(ctx, `SELECT child_id, in_at, coalesce(out_at, ''), picked_up_by, out_seq IS NULL
		FROM attendance
		WHERE provider_id = ? AND (out_seq IS NULL OR (in_at >= ? AND in_at < ?))
		ORDER BY in_at, in_seq`, provider, fmtTime(from), fmtTime(to))
	if err != nil {
		return d.classify("read attendance", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id, in, out string
		var s balie.ChildStay
		var open bool
		if err := rows.Scan(&id, &in, &out, &s.PickedUpBy, &open); err != nil {
			return d.classify("read attendance", err)
		}
		if s.In, err = parseTime(in); err == nil {
			s.Out, err = parseTime(out)
		}
		if err != nil {
			return fmt.Errorf("read attendance: %w", err)
		}
		c, ok := byID[id]
		if !ok {
			// Enrolled elsewhere since: the register keeps the stay, the
			// list shows this provider's children only.
			continue
		}
		if open {
			c.Present, c.Since = true, s.In
		}
		if !s.In.Before(from) && s.In.Before(to) {
			c.Stays = append(c.Stays, s)
		}
	}
	return d.classify("read attendance", rows.Err())
}

func authorisedAdults(s string) ([]balie.AuthorisedAdult, error) {
	var out []balie.AuthorisedAdult
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		return nil, fmt.Errorf("authorised adults: %w", err)
	}
	return out, nil
}

// Child reads a child's enrolment: the provider, the group, the adults
// who may pick them up. A holder who is not enrolled anywhere gives
// CodeChildUnknown.
func (d *DB) Child(ctx context.Context, holderID string) (balie.Child, error) {
	return d.child(ctx, d.db, holderID)
}

// ClosingTime is when this desk's childcare closes on day's Brussels
// calendar day: the end of its organiser's last event that starts that
// day. ok is false on a day without childcare; late pick-up is then not
// charged and no one is flagged for it.
func (d *DB) ClosingTime(ctx context.Context, day time.Time) (closing time.Time, ok bool, err error) {
	desk, err := d.currentDesk(ctx, d.db)
	if err != nil {
		return time.Time{}, false, err
	}
	from, to := balie.PeriodDay.Window(day)
	var end string
	err = d.db.QueryRowContext(ctx, `SELECT end FROM events WHERE organiser_id = ? AND start >= ? AND start < ? ORDER BY end DESC LIMIT 1`,
		desk.OrganiserID, fmtTime(from), fmtTime(to)).Scan(&end)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, d.classify("read closing time", err)
	}
	if closing, err = parseTime(end); err != nil {
		return time.Time{}, false, fmt.Errorf("read closing time: %w", err)
	}
	return closing, true, nil
}

// ChildcareRates are the prices of this desk's childcare, which the
// desk shows beside a bill (the length of a unit, its price).
func (d *DB) ChildcareRates(ctx context.Context) (balie.ChildcareRates, error) {
	desk, err := d.currentDesk(ctx, d.db)
	if err != nil {
		return balie.ChildcareRates{}, err
	}
	return d.rates(ctx, d.db, desk.OrganiserID)
}

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/balie/balie"
)

// enrolledHere reads a child and refuses one enrolled at another provider.
func (d *DB) enrolledHere(ctx context.Context, q querier, childID string) (balie.Child, balie.Holder, error) {
	desk, err := d.currentDesk(ctx, q)
	if err != nil {
		return balie.Child{}, balie.Holder{}, err
	}
	c, err := d.child(ctx, q, childID)
	if err != nil {
		return c, balie.Holder{}, err
	}
	if c.ProviderID != desk.OrganiserID {
		return c, balie.Holder{}, balie.Errorf(balie.CodeChildUnknown,
			"Dit kind is niet ingeschreven bij deze opvang.", "This child is not enrolled at this childcare.")
	}
	h, err := d.holder(ctx, q, childID)
	return c, h, err
}

func presentCount(ctx context.Context, q querier, provider string) (int, error) {
	n, err := countRows(ctx, q, `SELECT count(*) FROM attendance WHERE provider_id = ? AND out_seq IS NULL`, provider)
	if err != nil {
		return 0, fmt.Errorf("count present: %w", err)
	}
	return n, nil
}

// SignIn records a child's arrival, at the moment it happens.
func (d *DB) SignIn(ctx context.Context, staffID, childID string) (balie.AttendanceResult, error) {
	var res balie.AttendanceResult
	err := d.act(ctx, "sign in", staffID, func(tx *sql.Tx, rec *recorder) error {
		c, h, err := d.enrolledHere(ctx, tx, childID)
		if err != nil {
			return err
		}
		var since string
		err = tx.QueryRowContext(ctx, `SELECT in_at FROM attendance WHERE child_id = ? AND out_seq IS NULL`, childID).Scan(&since)
		if err == nil {
			t, _ := parseTime(since)
			return balie.Errorf(balie.CodeChildPresent, "%s is al aangemeld sinds %s.", "%s is already signed in since %s.",
				h.FirstName, t.In(balie.Brussels()).Format("15:04"))
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("read attendance: %w", err)
		}
		e, err := rec.append(staffID, balie.KindChildSignIn, balie.ChildcarePayload{ChildID: childID, ProviderID: c.ProviderID})
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO attendance(in_seq, child_id, provider_id, in_at) VALUES (?,?,?,?)`,
			e.Seq, childID, c.ProviderID, fmtTime(rec.now)); err != nil {
			return fmt.Errorf("project sign-in: %w", err)
		}
		n, err := presentCount(ctx, tx, c.ProviderID)
		if err != nil {
			return err
		}
		res = balie.AttendanceResult{Recorded: recorded(e), Child: h, Present: n}
		return nil
	})
	return res, err
}

// SignOut records a child's departure with the authorised adult who
// came, proved by their own card or the child's pick-up code. A refusal
// is journaled too (who tried, when, at whose desk) and then returned:
// safeguarding asks for a trace of every child who was not let go.
func (d *DB) SignOut(ctx context.Context, staffID, childID string, proof balie.PickupProof) (balie.AttendanceResult, error) {
	var res balie.AttendanceResult
	var refused error
	err := d.act(ctx, "sign out", staffID, func(tx *sql.Tx, rec *recorder) error {
		c, h, err := d.enrolledHere(ctx, tx, childID)
		if err != nil {
			return err
		}
		var inSeq int64
		err = tx.QueryRowContext(ctx, `SELECT in_seq FROM attendance WHERE child_id = ? AND out_seq IS NULL`, childID).Scan(&inSeq)
		if errors.Is(err, sql.ErrNoRows) {
			return balie.Errorf(balie.CodeChildAbsent, "%s is niet aangemeld.", "%s is not signed in.", h.FirstName)
		}
		if err != nil {
			return fmt.Errorf("read attendance: %w", err)
		}
		adult, ok := c.PickupAdult(proof)
		if !ok {
			refused = balie.Errorf(balie.CodePickupNotAllowed,
				"Deze persoon mag %s niet ophalen. Geef het kind niet mee en verwittig een verantwoordelijke.",
				"This person may not pick up %s. Do not let the child go and call a supervisor.", h.FirstName)
			_, err := rec.append(staffID, balie.KindPickupRefused, balie.PickupRefusedPayload{ChildID: childID, ProviderID: c.ProviderID,
				Method: proof.PickupMethod(), HolderID: strings.TrimSpace(proof.HolderID)})
			return err
		}
		e, err := rec.append(staffID, balie.KindChildSignOut, balie.ChildcarePayload{ChildID: childID, ProviderID: c.ProviderID, PickedUpBy: adult.Name})
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE attendance SET out_seq = ?, out_at = ?, picked_up_by = ? WHERE in_seq = ?`,
			e.Seq, fmtTime(rec.now), adult.Name, inSeq); err != nil {
			return fmt.Errorf("project sign-out: %w", err)
		}
		n, err := presentCount(ctx, tx, c.ProviderID)
		if err != nil {
			return err
		}
		res = balie.AttendanceResult{Recorded: recorded(e), Child: h, PickedUpBy: adult.Name, Present: n}
		return nil
	})
	if err == nil && refused != nil {
		return balie.AttendanceResult{}, refused
	}
	return res, err
}

// Present lists the children present now at this desk's childcare, by
// arrival: the roll call the fire service asks for.
func (d *DB) Present(ctx context.Context) ([]balie.PresentChild, error) {
	desk, err := d.currentDesk(ctx, d.db)
	if err != nil {
		return nil, err
	}
	rows, err := d.db.QueryContext(ctx, `SELECT a.child_id, h.first_name, h.last_name, c.grp, a.in_at
		FROM attendance a JOIN holders h ON h.id = a.child_id JOIN children c ON c.holder_id = a.child_id
		WHERE a.provider_id = ? AND a.out_seq IS NULL ORDER BY a.in_at, a.child_id`, desk.OrganiserID)
	if err != nil {
		return nil, d.classify("list present", err)
	}
	defer rows.Close()
	var out []balie.PresentChild
	for rows.Next() {
		var p balie.PresentChild
		var since string
		if err := rows.Scan(&p.HolderID, &p.FirstName, &p.LastName, &p.Group, &since); err != nil {
			return nil, d.classify("list present", err)
		}
		if p.Since, err = parseTime(since); err != nil {
			return nil, fmt.Errorf("list present: %w", err)
		}
		out = append(out, p)
	}
	return out, d.classify("list present", rows.Err())
}

// ChildcareBill is one child's bill for a day, from this terminal's
// attendance records. A child still present has no bill yet: the domain
// refuses to bill an open stay.
func (d *DB) ChildcareBill(ctx context.Context, childID string, day time.Time, kind balie.DayKind, closing time.Time) (balie.ChildcareBill, error) {
	c, h, err := d.enrolledHere(ctx, d.db, childID)
	if err != nil {
		return balie.ChildcareBill{}, err
	}
	rates, err := d.rates(ctx, d.db, c.ProviderID)
	if err != nil {
		return balie.ChildcareBill{}, err
	}
	from, to := balie.PeriodDay.Window(day)
	rows, err := d.db.QueryContext(ctx, `SELECT in_at, coalesce(out_at, '') FROM attendance WHERE child_id = ? AND in_at >= ? AND in_at < ? ORDER BY in_at`,
		childID, fmtTime(from), fmtTime(to))
	if err != nil {
		return balie.ChildcareBill{}, d.classify("bill childcare", err)
	}
	defer rows.Close()
	in := balie.ChildcareDay{Day: kind, Social: h.SocialTariff.Applies(), Closing: closing}
	for rows.Next() {
		var a, b string
		if err := rows.Scan(&a, &b); err != nil {
			return balie.ChildcareBill{}, d.classify("bill childcare", err)
		}
		var s balie.ChildcareSession
		if s.In, err = parseTime(a); err == nil {
			s.Out, err = parseTime(b)
		}
		if err != nil {
			return balie.ChildcareBill{}, fmt.Errorf("bill childcare: %w", err)
		}
		in.Sessions = append(in.Sessions, s)
	}
	if err := rows.Err(); err != nil {
		return balie.ChildcareBill{}, d.classify("bill childcare", err)
	}
	if c.SiblingKey != "" {
		n, err := countRows(ctx, d.db, `SELECT count(*) FROM attendance a JOIN children c ON c.holder_id = a.child_id
			WHERE c.sibling_key = ? AND a.child_id <> ? AND a.in_at >= ? AND a.in_at < ?`, c.SiblingKey, childID, fmtTime(from), fmtTime(to))
		if err != nil {
			return balie.ChildcareBill{}, d.classify("bill childcare", err)
		}
		in.Sibling = n > 0
	}
	return balie.BillChildcareDay(rates, in)
}

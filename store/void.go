package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/balie/balie"
)

// Void cancels an earlier act of this terminal with a supervisor's
// approval. The earlier event stays in the journal; a VOID event is added
// and the projections undo the act's effect. Childcare records are never
// voided: a correction is a new record with a reason.
func (d *DB) Void(ctx context.Context, staffID, approverID, targetID, reason string) (balie.VoidResult, error) {
	var res balie.VoidResult
	err := d.act(ctx, "void", staffID, func(tx *sql.Tx, rec *recorder) error {
		approver, err := d.requireStaff(ctx, tx, approverID)
		if err != nil {
			return err
		}
		if approver.Role != balie.RoleSupervisor {
			return balie.Errorf(balie.CodeNotAllowed,
				"Een annulering moet goedgekeurd worden door een verantwoordelijke.", "A void must be approved by a supervisor.")
		}
		if strings.TrimSpace(reason) == "" {
			return balie.Errorf(balie.CodeVoidUnknown, "Geef een reden voor de annulering.", "Give a reason for the void.")
		}
		target, err := d.journalEvent(ctx, tx, targetID)
		if err != nil {
			return err
		}
		if !target.Kind.Voidable() {
			if target.Kind == balie.KindChildSignIn || target.Kind == balie.KindChildSignOut {
				return balie.Errorf(balie.CodeNotAllowed,
					"Aanwezigheden worden niet geannuleerd: registreer een correctie met een reden.",
					"Attendance is never voided: record a correction with a reason.")
			}
			return balie.Errorf(balie.CodeNotAllowed, "Deze handeling kan niet geannuleerd worden.", "This act cannot be voided.")
		}
		var voidSeq int64
		err = tx.QueryRowContext(ctx, `SELECT void_seq FROM voided WHERE target_seq = ?`, target.Seq).Scan(&voidSeq)
		if err == nil {
			return balie.Errorf(balie.CodeVoidTwice, "Deze handeling is al geannuleerd.", "This act was already voided.")
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("read voids: %w", err)
		}
		e, err := rec.append(staffID, balie.KindVoid, balie.VoidPayload{Target: target.ID, Reason: reason, Approver: approver.ID})
		if err != nil {
			return err
		}
		if err := d.undo(ctx, tx, target, e.Seq); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO voided(target_seq, void_seq) VALUES (?, ?)`, target.Seq, e.Seq); err != nil {
			return fmt.Errorf("project void: %w", err)
		}
		res = balie.VoidResult{Recorded: recorded(e), Target: target}
		return nil
	})
	return res, err
}

func (d *DB) journalEvent(ctx context.Context, q querier, id string) (balie.JournalEvent, error) {
	var e balie.JournalEvent
	var kind string
	var payload []byte
	err := q.QueryRowContext(ctx, `SELECT seq, id, kind, payload FROM journal WHERE id = ?`, id).Scan(&e.Seq, &e.ID, &kind, &payload)
	if errors.Is(err, sql.ErrNoRows) {
		return e, balie.Errorf(balie.CodeVoidUnknown, "Deze handeling is niet gevonden op deze kassa.", "This act was not found on this terminal.")
	}
	if err != nil {
		return e, fmt.Errorf("read event: %w", err)
	}
	e.Kind, e.Payload = balie.Kind(kind), payload
	return e, nil
}

// undo reverses the projections of target, in the void's transaction.
func (d *DB) undo(ctx context.Context, tx *sql.Tx, target balie.JournalEvent, voidSeq int64) error {
	exec := func(q string, args ...any) error {
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("undo %s: %w", target.Kind, err)
		}
		return nil
	}
	decode := func(v any) error {
		if err := json.Unmarshal(target.Payload, v); err != nil {
			return fmt.Errorf("undo %s: %w", target.Kind, err)
		}
		return nil
	}
	at, err := d.eventTime(ctx, tx, target.Seq)
	if err != nil {
		return err
	}
	switch target.Kind {
	case balie.KindCheckin:
		var p balie.CheckinPayload
		if err := decode(&p); err != nil {
			return err
		}
		if err := exec(`DELETE FROM checkins WHERE seq = ?`, target.Seq); err != nil {
			return err
		}
		// A negative delta under the void's own seq, rather than deleting
		// the check-in's row: the ledger may already have counted it.
		return addPoints(ctx, tx, voidSeq, p.HolderID, -p.Points)
	case balie.KindRewardRedemption:
		var p balie.RewardRedemptionPayload
		if err := decode(&p); err != nil {
			return err
		}
		if err := exec(`DELETE FROM reward_usage WHERE seq = ?`, target.Seq); err != nil {
			return err
		}
		return addPoints(ctx, tx, voidSeq, p.HolderID, p.Points)
	case balie.KindTicketSale:
		var p balie.TicketSalePayload
		if err := decode(&p); err != nil {
			return err
		}
		if err := exec(`DELETE FROM ticket_usage WHERE seq = ?`, target.Seq); err != nil {
			return err
		}
		return addTotal(ctx, tx, at, balie.KindTicketSale, p.Payment, p.OrganiserID, -1, -p.Total)
	case balie.KindMembershipPayment:
		var p balie.MembershipPaymentPayload
		if err := decode(&p); err != nil {
			return err
		}
		if err := exec(`DELETE FROM memberships WHERE seq = ?`, target.Seq); err != nil {
			return err
		}
		return addTotal(ctx, tx, at, balie.KindMembershipPayment, p.Payment, p.OrganiserID, -1, -p.Price)
	case balie.KindCardSale:
		var p balie.CardSalePayload
		if err := decode(&p); err != nil {
			return err
		}
		// The card goes back to this desk's stock. A card it replaced
		// stays as the sale left it: a lost card must not come back to life.
		desk, err := d.currentDesk(ctx, tx)
		if err != nil {
			return err
		}
		if err := exec(`UPDATE cards SET status = 'LOCAL_STOCK', holder_id = '', stock_desk = ? WHERE number = ?`, desk.ID, string(p.Card)); err != nil {
			return err
		}
		return addTotal(ctx, tx, at, balie.KindCardSale, p.Payment, p.OrganiserID, -1, -p.Price)
	default:
		return balie.Errorf(balie.CodeNotAllowed, "Deze handeling kan niet geannuleerd worden.", "This act cannot be voided.")
	}
}

// eventTime is when an event happened, so a void corrects the totals of
// the day the act counted in, not of the day it is voided.
func (d *DB) eventTime(ctx context.Context, q querier, seq int64) (time.Time, error) {
	var s string
	if err := q.QueryRowContext(ctx, `SELECT time FROM journal WHERE seq = ?`, seq).Scan(&s); err != nil {
		return time.Time{}, fmt.Errorf("read event time: %w", err)
	}
	t, err := time.Parse(balie.TimeFormat, s)
	if err != nil {
		return t, fmt.Errorf("read event time: %w", err)
	}
	return t, nil
}

// RecentActs lists this desk's last acts that a void can cancel or, at
// a childcare desk, a correction can put right: newest first, with whom
// each was for, whether it was voided or corrected already and whether
// the ledger has it yet. Acts recorded while the terminal served another
// desk (another organiser) are not this desk's and are left out.
func (d *DB) RecentActs(ctx context.Context, limit int) ([]balie.RecentAct, error) {
	desk, err := d.currentDesk(ctx, d.db)
	if err != nil {
		return nil, err
	}
	rows, err := d.db.QueryContext(ctx, `SELECT j.seq, j.id, j.time, j.staff, j.kind, j.payload, v.void_seq IS NOT NULL,
			coalesce(trim(h.first_name || ' ' || h.last_name), ''), coalesce(u.status, '') = 'PENDING'
		FROM journal j
		LEFT JOIN voided v ON v.target_seq = j.seq
		LEFT JOIN upload u ON u.seq = j.seq
		LEFT JOIN holders h ON h.id = coalesce(json_extract(j.payload, '$.holder'), json_extract(j.payload, '$.child'))
		WHERE j.kind IN ('CHECKIN', 'TICKET_SALE', 'CARD_SALE', 'MEMBERSHIP_PAYMENT', 'REWARD_REDEMPTION', 'CHILD_SIGN_IN', 'CHILD_SIGN_OUT')
		AND coalesce(json_extract(j.payload, '$.organiser'), json_extract(j.payload, '$.provider')) = ?
		ORDER BY j.seq DESC LIMIT ?`, desk.OrganiserID, limit)
	if err != nil {
		return nil, d.classify("list recent acts", err)
	}
	defer rows.Close()
	var out []balie.RecentAct
	for rows.Next() {
		var a balie.RecentAct
		var at, kind string
		var payload []byte
		if err := rows.Scan(&a.Seq, &a.ID, &at, &a.Staff, &kind, &payload, &a.Voided, &a.HolderName, &a.Waiting); err != nil {
			return nil, d.classify("list recent acts", err)
		}
		if a.Time, err = time.Parse(balie.TimeFormat, at); err != nil {
			return nil, fmt.Errorf("list recent acts: %w", err)
		}
		a.Kind, a.Payload = balie.Kind(kind), payload
		out = append(out, a)
	}
	return out, d.classify("list recent acts", rows.Err())
}

// CorrectAttendance puts a wrong sign-in or sign-out of this terminal
// right with a new record, the reason and the staff member who corrects
// it, as the register rules ask; nothing is voided or deleted from the
// journal. A wrong sign-in strikes its stay; a wrong sign-out reopens it,
// so the child counts as inside again (unless signed in again since).
func (d *DB) CorrectAttendance(ctx context.Context, staffID, targetID, reason string) (balie.VoidResult, error) {
	var res balie.VoidResult
	err := d.act(ctx, "correct attendance", staffID, func(tx *sql.Tx, rec *recorder) error {
		if strings.TrimSpace(reason) == "" {
			return balie.Errorf(balie.CodeVoidUnknown, "Geef een reden voor de correctie.", "Give a reason for the correction.")
		}
		target, err := d.journalEvent(ctx, tx, targetID)
		if err != nil {
			return err
		}
		if target.Kind != balie.KindChildSignIn && target.Kind != balie.KindChildSignOut {
			return balie.Errorf(balie.CodeNotAllowed, "Alleen een aan- of afmelding wordt zo gecorrigeerd.", "Only a sign-in or sign-out is corrected this way.")
		}
		var done int64
		err = tx.QueryRowContext(ctx, `SELECT void_seq FROM voided WHERE target_seq = ?`, target.Seq).Scan(&done)
		if err == nil {
			return balie.Errorf(balie.CodeVoidTwice, "Deze registratie is al gecorrigeerd.", "This record was already corrected.")
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("read corrections: %w", err)
		}
		var p balie.ChildcarePayload
		if err := json.Unmarshal(target.Payload, &p); err != nil {
			return fmt.Errorf("correct attendance: %w", err)
		}
		var project func(seq int64) error
		switch target.Kind {
		case balie.KindChildSignIn:
			project = func(int64) error {
				_, err := tx.ExecContext(ctx, `DELETE FROM attendance WHERE in_seq = ?`, target.Seq)
				return err
			}
		case balie.KindChildSignOut:
			n, err := countRows(ctx, tx, `SELECT count(*) FROM attendance WHERE child_id = ? AND out_seq IS NULL`, p.ChildID)
			if err != nil {
				return fmt.Errorf("read attendance: %w", err)
			}
			if n > 0 {
				return balie.Errorf(balie.CodeChildPresent,
					"Het kind is intussen opnieuw aangemeld; corrigeer eerst die aanmelding.",
					"The child was signed in again since; correct that sign-in first.")
			}
			project = func(int64) error {
				_, err := tx.ExecContext(ctx, `UPDATE attendance SET out_seq = NULL, out_at = NULL, picked_up_by = '' WHERE out_seq = ?`, target.Seq)
				return err
			}
		}
		e, err := rec.append(staffID, balie.KindChildCorrection, balie.ChildCorrectionPayload{ChildID: p.ChildID, ProviderID: p.ProviderID,
			Target: target.ID, Reason: strings.TrimSpace(reason)})
		if err != nil {
			return err
		}
		if err := project(e.Seq); err != nil {
			return fmt.Errorf("project correction: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO voided(target_seq, void_seq) VALUES (?, ?)`, target.Seq, e.Seq); err != nil {
			return fmt.Errorf("project correction: %w", err)
		}
		res = balie.VoidResult{Recorded: recorded(e), Target: target}
		return nil
	})
	return res, err
}

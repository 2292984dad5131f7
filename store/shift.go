package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/balie/balie"
	"github.com/google/uuid"
)

// Shifts (kassa-afsluiting). A shift is a range of this terminal's
// journal, from its SHIFT_OPEN event to its SHIFT_CLOSE event; the shifts
// table only remembers the two sequence numbers. Every report is computed
// from the journal events in that range, never from the day totals: so it
// is right for a shift that runs past midnight, and a void counts in the
// shift it was recorded in (see balie.ShiftTally).
//
// Acts recorded while no shift is open are allowed (the desk never stops)
// and belong to no shift: the next shift's report does not include them,
// and UnshiftedTotals shows them to a supervisor.

// OpenShift opens a shift at this terminal with a cash float. It refuses
// while another shift is open: a drawer has one count.
func (d *DB) OpenShift(ctx context.Context, staffID string, float balie.Cents) (balie.ZReport, error) {
	var res balie.ZReport
	err := d.act(ctx, "open shift", staffID, func(tx *sql.Tx, rec *recorder) error {
		if float < 0 {
			return balie.Errorf(balie.CodeAmountNegative,
				"Het wisselgeld bij het openen van de kassa kan niet negatief zijn.",
				"The float when opening the till cannot be negative.")
		}
		if _, err := float.Add(0); err != nil {
			return err
		}
		cur, open, err := d.openShift(ctx, tx)
		if err != nil {
			return err
		}
		if open {
			nl, en := clerkTime(cur.Opened.At, rec.now)
			return balie.Errorf(balie.CodeShiftOpen,
				"De kassa is al geopend door %[1]s %[2]s. Sluit die shift eerst af.",
				"The till was already opened by %[1]s %[3]s. Close that shift first.",
				cur.OpenedBy.Name, nl, en)
		}
		desk, err := d.currentDesk(ctx, tx)
		if err != nil {
			return err
		}
		id, err := uuid.NewV7()
		if err != nil {
			return fmt.Errorf("make shift id: %w", err)
		}
		e, err := rec.append(staffID, balie.KindShiftOpen, balie.ShiftOpenPayload{ShiftID: id.String(), DeskID: desk.ID, Float: float})
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO shifts(id, open_seq) VALUES (?, ?)`, id.String(), e.Seq); err != nil {
			return fmt.Errorf("project shift: %w", err)
		}
		res, err = d.report(ctx, tx, id.String(), e.Seq)
		return err
	})
	return res, err
}

// CurrentShift returns the shift open at this terminal; open is false
// when there is none.
func (d *DB) CurrentShift(ctx context.Context) (shift balie.Shift, open bool, err error) {
	s, open, err := d.openShift(ctx, d.db)
	return s, open, d.classify("read shift", err)
}

// ShiftReport is a shift's report from the journal: the Z report of a
// closed shift, or the X report (the totals so far, no count) of the open
// one.
func (d *DB) ShiftReport(ctx context.Context, shiftID string) (balie.ZReport, error) {
	// The head is read before the shift: if the shift is still open then,
	// every event up to that head was recorded before any close.
	head, err := journalHead(ctx, d.db)
	if err != nil {
		return balie.ZReport{}, d.classify("shift report", err)
	}
	z, err := d.report(ctx, d.db, shiftID, head)
	return z, d.classify("shift report", err)
}

// CloseShift closes the open shift with the cash counted per denomination
// and returns its Z report. Events the ledger has not acknowledged yet
// (waiting or parked) are money it cannot account for: the shift then
// closes only with a supervisor's approval, overrideBy, and the report
// says so. overrideBy is ignored when nothing waits.
// reason says why the count differs, and is kept with the close.
func (d *DB) CloseShift(ctx context.Context, staffID string, counted []balie.DenominationCount, overrideBy, reason string) (balie.ZReport, error) {
	var res balie.ZReport
	err := d.act(ctx, "close shift", staffID, func(tx *sql.Tx, rec *recorder) error {
		cur, open, err := d.openShift(ctx, tx)
		if err != nil {
			return err
		}
		if !open {
			return balie.Errorf(balie.CodeShiftNotOpen,
				"Er is geen open kassa om af te sluiten.", "There is no open till to close.")
		}
		if _, err := balie.CountTotal(counted); err != nil {
			return err
		}
		unsynced, err := countRows(ctx, tx, `SELECT count(*) FROM upload WHERE status IN ('PENDING', 'PARKED')`)
		if err != nil {
			return fmt.Errorf("count unsynced: %w", err)
		}
		p := balie.ShiftClosePayload{ShiftID: cur.ID, Unsynced: unsynced}
		if unsynced > 0 {
			nl, en := waitingWords(unsynced)
			if overrideBy == "" {
				return balie.Errorf(balie.CodeShiftUnsynced,
					"%[1]s nog niet bij de centrale. Een verantwoordelijke moet het afsluiten van de kassa goedkeuren.",
					"%[2]s not with the ledger yet. A supervisor must approve closing the till.", nl, en)
			}
			approver, err := d.requireStaff(ctx, tx, overrideBy)
			if err != nil {
				return err
			}
			if approver.Role != balie.RoleSupervisor {
				return balie.Errorf(balie.CodeNotAllowed,
					"%[1]s is geen verantwoordelijke. %[2]s nog niet bij de centrale: alleen een verantwoordelijke kan de kassa zo afsluiten.",
					"%[1]s is not a supervisor. %[3]s not with the ledger yet: only a supervisor can close the till like this.", approver.Name, nl, en)
			}
			p.OverrideBy = approver.ID
		}
		head, err := journalHead(ctx, tx)
		if err != nil {
			return err
		}
		z, err := d.report(ctx, tx, cur.ID, head)
		if err != nil {
			return err
		}
		if err := z.Count(counted); err != nil {
			return err
		}
		p.Counted, p.CountedTotal, p.ExpectedCash, p.Difference = z.Counted, z.CountedTotal, z.ExpectedCash, z.Difference
		if balie.CloseNeedsReason(z.Difference) {
			p.Reason = strings.TrimSpace(reason)
		}
		e, err := rec.append(staffID, balie.KindShiftClose, p)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE shifts SET close_seq = ? WHERE id = ?`, e.Seq, cur.ID); err != nil {
			return fmt.Errorf("project shift close: %w", err)
		}
		// The report again, now from the journal as it will stay: what the
		// clerk prints is what ShiftReport gives later.
		res, err = d.report(ctx, tx, cur.ID, e.Seq)
		return err
	})
	return res, err
}

// UnshiftedTotals is the money recorded while no shift was open, in the
// latest such stretch of the journal: after the last shift closed (or
// from the first event) and before the next one opened (or until now).
func (d *DB) UnshiftedTotals(ctx context.Context) (balie.Unshifted, error) {
	head, err := journalHead(ctx, d.db)
	if err != nil {
		return balie.Unshifted{}, d.classify("unshifted totals", err)
	}
	var u balie.Unshifted
	u.Before = head + 1
	var openSeq int64
	err = d.db.QueryRowContext(ctx, `SELECT open_seq FROM shifts WHERE close_seq IS NULL AND open_seq <= ?`, head).Scan(&openSeq)
	switch {
	case err == nil:
		u.Before = openSeq
	case !errors.Is(err, sql.ErrNoRows):
		return u, d.classify("unshifted totals", err)
	}
	err = d.db.QueryRowContext(ctx, `SELECT coalesce(max(close_seq), 0) FROM shifts WHERE close_seq < ?`, u.Before).Scan(&u.After)
	if err != nil {
		return u, d.classify("unshifted totals", err)
	}
	var tally balie.ShiftTally
	if err := d.tally(ctx, d.db, &tally, u.After, u.Before); err != nil {
		return u, d.classify("unshifted totals", err)
	}
	t, err := tally.Totals()
	if err != nil {
		return u, err
	}
	if err := d.nameOrganisers(ctx, d.db, t.ByOrganiser); err != nil {
		return u, d.classify("unshifted totals", err)
	}
	u.ShiftTotals = t
	return u, nil
}

// waitingWords says how many events wait for the ledger, in both
// languages: "3 handelingen staan", "1 handeling staat".
func waitingWords(n int) (nl, en string) {
	if n == 1 {
		return "1 handeling staat", "1 act is"
	}
	return fmt.Sprintf("%d handelingen staan", n), fmt.Sprintf("%d acts are", n)
}

// clerkTime says when t was, in Brussels time, for a message in both
// languages, with the date when it is not today: a shift left open since
// yesterday must look like it.
func clerkTime(t, now time.Time) (nl, en string) {
	lt, ln := t.In(balie.Brussels()), now.In(balie.Brussels())
	if lt.Format(dbDate) == ln.Format(dbDate) {
		return "om " + lt.Format("15:04"), "at " + lt.Format("15:04")
	}
	return "op " + lt.Format("02/01/2006") + " om " + lt.Format("15:04"), "on " + lt.Format("02/01/2006") + " at " + lt.Format("15:04")
}

// openShift reads the open shift, if any.
func (d *DB) openShift(ctx context.Context, q querier) (balie.Shift, bool, error) {
	var id string
	err := q.QueryRowContext(ctx, `SELECT id FROM shifts WHERE close_seq IS NULL`).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return balie.Shift{}, false, nil
	}
	if err != nil {
		return balie.Shift{}, false, fmt.Errorf("read open shift: %w", err)
	}
	s, _, err := d.shift(ctx, q, id)
	return s, err == nil, err
}

// shift reads a shift as its SHIFT_OPEN event recorded it, and the seq of
// its SHIFT_CLOSE event (0 while open).
func (d *DB) shift(ctx context.Context, q querier, id string) (balie.Shift, int64, error) {
	var openSeq int64
	var closeSeq sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT open_seq, close_seq FROM shifts WHERE id = ?`, id).Scan(&openSeq, &closeSeq)
	if errors.Is(err, sql.ErrNoRows) {
		return balie.Shift{}, 0, balie.Errorf(balie.CodeShiftUnknown,
			"Deze shift is niet gekend op deze kassa.", "This shift is not known on this terminal.")
	}
	if err != nil {
		return balie.Shift{}, 0, fmt.Errorf("read shift: %w", err)
	}
	e, err := eventAt(ctx, q, openSeq)
	if err != nil {
		return balie.Shift{}, 0, err
	}
	var p balie.ShiftOpenPayload
	if err := json.Unmarshal(e.Payload, &p); err != nil || e.Kind != balie.KindShiftOpen {
		return balie.Shift{}, 0, fmt.Errorf("read shift %s: seq %d is not its opening (%s, %v)", id, openSeq, e.Kind, err)
	}
	s := balie.Shift{ID: id, Terminal: e.Terminal, Float: p.Float, Opened: recorded(e)}
	if s.OpenedBy, err = d.staffRef(ctx, q, e.Staff); err != nil {
		return s, 0, err
	}
	if s.Desk, err = deskAt(ctx, q, p.DeskID); err != nil {
		return s, 0, err
	}
	return s, closeSeq.Int64, nil
}

// report computes a shift's report from the journal. For an open shift it
// counts the events up to head.
func (d *DB) report(ctx context.Context, q querier, id string, head int64) (balie.ZReport, error) {
	s, closeSeq, err := d.shift(ctx, q, id)
	if err != nil {
		return balie.ZReport{}, err
	}
	end := head + 1
	if closeSeq != 0 {
		end = closeSeq
	}
	var tally balie.ShiftTally
	if err := d.tally(ctx, q, &tally, s.Opened.Seq, end); err != nil {
		return balie.ZReport{}, err
	}
	t, err := tally.Totals()
	if err != nil {
		return balie.ZReport{}, err
	}
	if err := d.nameOrganisers(ctx, q, t.ByOrganiser); err != nil {
		return balie.ZReport{}, err
	}
	z, err := balie.NewZReport(s, t)
	if err != nil || closeSeq == 0 {
		return z, err
	}
	e, err := eventAt(ctx, q, closeSeq)
	if err != nil {
		return z, err
	}
	var p balie.ShiftClosePayload
	if err := json.Unmarshal(e.Payload, &p); err != nil || e.Kind != balie.KindShiftClose {
		return z, fmt.Errorf("read shift %s: seq %d is not its close (%s, %v)", id, closeSeq, e.Kind, err)
	}
	if err := z.Count(p.Counted); err != nil {
		return z, err
	}
	z.IsClosed, z.Closed, z.Unsynced, z.Reason = true, recorded(e), p.Unsynced, p.Reason
	if z.ClosedBy, err = d.staffRef(ctx, q, e.Staff); err != nil {
		return z, err
	}
	if p.OverrideBy != "" {
		if z.OverrideBy, err = d.staffRef(ctx, q, p.OverrideBy); err != nil {
			return z, err
		}
	}
	return z, nil
}

// tally adds the journal's events with after < seq < before, in order,
// a page at a time.
func (d *DB) tally(ctx context.Context, q querier, t *balie.ShiftTally, after, before int64) error {
	const page = 1000
	lookup := func(id string) (balie.JournalEvent, error) { return d.journalEvent(ctx, q, id) }
	for after+1 < before {
		batch, err := eventsBetween(ctx, q, after, before, page)
		if err != nil {
			return err
		}
		for _, e := range batch {
			if err := t.Add(e, lookup); err != nil {
				return err
			}
		}
		if len(batch) < page {
			return nil
		}
		after = batch[len(batch)-1].Seq
	}
	return nil
}

// eventsBetween reads up to limit events with after < seq < before.
func eventsBetween(ctx context.Context, q querier, after, before int64, limit int) ([]balie.JournalEvent, error) {
	rows, err := q.QueryContext(ctx, `SELECT seq, id, terminal, time, staff, kind, payload, prev_hash, hash FROM journal WHERE seq > ? AND seq < ? ORDER BY seq LIMIT ?`, after, before, limit)
	if err != nil {
		return nil, fmt.Errorf("read journal: %w", err)
	}
	defer rows.Close()
	var out []balie.JournalEvent
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// eventAt reads the event with sequence number seq.
func eventAt(ctx context.Context, q querier, seq int64) (balie.JournalEvent, error) {
	rows, err := eventsBetween(ctx, q, seq-1, seq+1, 1)
	if err != nil {
		return balie.JournalEvent{}, err
	}
	if len(rows) == 0 {
		return balie.JournalEvent{}, fmt.Errorf("read journal: no event at seq %d", seq)
	}
	return rows[0], nil
}

func scanEvent(rows *sql.Rows) (balie.JournalEvent, error) {
	var e balie.JournalEvent
	var at, kind string
	var payload []byte
	if err := rows.Scan(&e.Seq, &e.ID, &e.Terminal, &at, &e.Staff, &kind, &payload, &e.PrevHash, &e.Hash); err != nil {
		return e, fmt.Errorf("read journal: %w", err)
	}
	t, err := time.Parse(balie.TimeFormat, at)
	if err != nil {
		return e, fmt.Errorf("read journal seq %d: %w", e.Seq, err)
	}
	e.Time, e.Kind, e.Payload = t, balie.Kind(kind), payload
	return e, nil
}

// journalHead is the seq of the last event, 0 when the journal is empty.
func journalHead(ctx context.Context, q querier) (int64, error) {
	var head int64
	if err := q.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) FROM journal`).Scan(&head); err != nil {
		return 0, fmt.Errorf("read journal head: %w", err)
	}
	return head, nil
}

// staffRef names a staff member for a report. One the replica no longer
// holds (they left) keeps their id as name: the report still says who.
func (d *DB) staffRef(ctx context.Context, q querier, id string) (balie.StaffRef, error) {
	s, err := d.staff(ctx, q, "id", id)
	if balie.ErrorCode(err) == balie.CodeStaffUnknown {
		return balie.StaffRef{ID: id, Name: id}, nil
	}
	if err != nil {
		return balie.StaffRef{}, err
	}
	return balie.StaffRef{ID: s.ID, Name: s.Name}, nil
}

// deskAt reads a desk through q; one the replica no longer holds keeps
// its id as name.
func deskAt(ctx context.Context, q querier, id string) (balie.Desk, error) {
	k, _, err := readDesk(ctx, q, id)
	return k, err
}

// readDesk reads a desk through q; found is false when the replica does
// not hold it (the desk then has its id as name).
func readDesk(ctx context.Context, q querier, id string) (k balie.Desk, found bool, err error) {
	k = balie.Desk{ID: id, Name: id}
	if id == "" {
		return k, false, nil
	}
	var mode, sellsFor string
	err = q.QueryRowContext(ctx, `SELECT name, organiser_id, mode, card_system, sells_for FROM desks WHERE id = ?`, id).
		Scan(&k.Name, &k.OrganiserID, &mode, &k.CardSystem, &sellsFor)
	if errors.Is(err, sql.ErrNoRows) {
		return k, false, nil
	}
	if err != nil {
		return k, false, fmt.Errorf("read desk: %w", err)
	}
	k.Mode, k.SellsFor = balie.DeskMode(mode), splitIDs(sellsFor)
	return k, true, nil
}

// nameOrganisers fills in the organisers' names and orders the lines by
// name, as the city reads them.
func (d *DB) nameOrganisers(ctx context.Context, q querier, lines []balie.ZLine) error {
	for i := range lines {
		err := q.QueryRowContext(ctx, `SELECT name FROM organisers WHERE id = ?`, lines[i].Key).Scan(&lines[i].Name)
		if errors.Is(err, sql.ErrNoRows) {
			lines[i].Name = lines[i].Key
			continue
		}
		if err != nil {
			return fmt.Errorf("read organiser: %w", err)
		}
	}
	sort.SliceStable(lines, func(i, j int) bool { return lines[i].Name < lines[j].Name })
	return nil
}

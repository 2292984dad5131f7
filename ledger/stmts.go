package ledger

import (
	"context"
	"database/sql"
	"errors"
	"strings"
)

// inserts are the statements of the ingest path, prepared once on the
// write connection; a batch binds them to its transaction with tx.Stmt,
// which reuses the prepared statement.
type inserts struct {
	all []*sql.Stmt

	head, setHead, stored                     *sql.Stmt
	event, acceptedEvent, voided, setVoid     *sql.Stmt
	card, holder, setPoints                   *sql.Stmt
	addCheckin, delCheckin                    *sql.Stmt
	countTickets, addTicket, delTickets       *sql.Stmt
	countRewards, everRewards, addReward      *sql.Stmt
	delReward                                 *sql.Stmt
	change, flag, money, voidMoney, eventData *sql.Stmt

	// Lookups of many keys at once, chunk keys (or pairs) a statement;
	// unused places are bound to "", which matches nothing.
	someCards, someHolders, somePairs *sql.Stmt
}

// chunk is how many keys one bulk lookup binds.
const chunk = 200

func prepareInserts(ctx context.Context, db *sql.DB) (*inserts, error) {
	s := &inserts{}
	var errs []error
	prep := func(dst **sql.Stmt, q string) {
		st, err := db.PrepareContext(ctx, q)
		if err != nil {
			errs = append(errs, err)
			return
		}
		*dst = st
		s.all = append(s.all, st)
	}
	prep(&s.head, `SELECT last_seq, last_hash, status, location FROM terminals WHERE id = ?`)
	prep(&s.setHead, `UPDATE terminals SET last_seq = ?, last_hash = ? WHERE id = ?`)
	prep(&s.stored, `SELECT id, hash, status, code, message_nl, message_en, holder_id FROM events WHERE terminal = ? AND seq = ?`)
	prep(&s.event, `INSERT INTO events(ingest, id, terminal, seq, time, staff, kind, payload, prev_hash, hash, status, code, message_nl, message_en, received, holder_id, points, undo)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`)
	prep(&s.acceptedEvent, `INSERT INTO events(ingest, id, terminal, seq, time, staff, kind, payload, prev_hash, hash, status, received, holder_id, points)
		VALUES (?,?,?,?,?,?,?,?,?,?,'ACCEPTED',?,?,?)`)
	prep(&s.voided, `SELECT e.ingest, e.seq, e.kind, e.payload, e.time, e.status, e.holder_id, e.points, e.undo, v.void IS NOT NULL
		FROM events e LEFT JOIN voids v ON v.target = e.ingest WHERE e.id = ? AND e.terminal = ?`)
	prep(&s.setVoid, `INSERT INTO voids(target, void) VALUES (?, ?)`)
	prep(&s.card, `SELECT `+cardColumns+` FROM cards WHERE number = ?`)
	prep(&s.holder, `SELECT points FROM holders WHERE id = ?`)
	prep(&s.setPoints, `UPDATE holders SET points = ? WHERE id = ?`)
	prep(&s.addCheckin, `INSERT OR IGNORE INTO checkin_usage(holder_id, event_id, at, ingest) VALUES (?,?,?,?)`)
	prep(&s.delCheckin, `DELETE FROM checkin_usage WHERE holder_id = ? AND event_id = ? AND ingest = ?`)
	prep(&s.countTickets, `SELECT coalesce(sum(quantity), 0) FROM ticket_usage WHERE holder_id = ? AND tariff_id = ? AND at >= ? AND at < ?`)
	prep(&s.addTicket, `INSERT INTO ticket_usage(holder_id, tariff_id, at, ingest, line, quantity) VALUES (?,?,?,?,?,?)`)
	prep(&s.delTickets, `DELETE FROM ticket_usage WHERE holder_id = ? AND tariff_id = ? AND ingest = ?`)
	prep(&s.countRewards, `SELECT count(*) FROM reward_usage WHERE holder_id = ? AND reward_id = ? AND at >= ? AND at < ?`)
	prep(&s.everRewards, `SELECT count(*) FROM reward_usage WHERE holder_id = ? AND reward_id = ?`)
	prep(&s.addReward, `INSERT INTO reward_usage(holder_id, reward_id, at, ingest) VALUES (?,?,?,?)`)
	prep(&s.delReward, `DELETE FROM reward_usage WHERE holder_id = ? AND reward_id = ? AND ingest = ?`)
	prep(&s.change, `INSERT OR REPLACE INTO changes(kind, key, deleted, data) VALUES (?,?,?,?)`)
	prep(&s.flag, `INSERT INTO review_flags(ingest, code, holder_id, detail) VALUES (?,?,?,?)`)
	prep(&s.money, `INSERT INTO money_lines(ingest, line, kind, event_id, tariff_id, organiser_id, payment, day, quantity, regular, holder_share, organiser_share, city_share, amount)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)`)
	prep(&s.voidMoney, `INSERT INTO money_lines(ingest, line, kind, event_id, tariff_id, organiser_id, payment, day, quantity, regular, holder_share, organiser_share, city_share, amount, void_of)
		SELECT ?, line, kind, event_id, tariff_id, organiser_id, payment, day, -quantity, regular, holder_share, organiser_share, city_share, -amount, ingest
		FROM money_lines WHERE ingest = ? AND void_of IS NULL ORDER BY line`)
	prep(&s.eventData, `SELECT data FROM catalogue_events WHERE id = ?`)
	marks := strings.TrimSuffix(strings.Repeat("?,", chunk), ",")
	prep(&s.someCards, `SELECT number FROM cards WHERE number IN (`+marks+`)`)
	prep(&s.someHolders, `SELECT id, points FROM holders WHERE id IN (`+marks+`)`)
	prep(&s.somePairs, `WITH q(h, e) AS (VALUES `+strings.TrimSuffix(strings.Repeat("(?,?),", chunk), ",")+`)
		SELECT u.holder_id, u.event_id, u.at, u.ingest FROM q JOIN checkin_usage u ON u.holder_id = q.h AND u.event_id = q.e`)
	if err := errors.Join(errs...); err != nil {
		s.close()
		return nil, err
	}
	return s, nil
}

func (s *inserts) close() {
	for _, st := range s.all {
		st.Close()
	}
}

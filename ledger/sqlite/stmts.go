package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strings"
)

// stmts are the statements of the write path, prepared once on the write
// connection; a transaction binds them with tx.Stmt, which reuses the
// prepared statement.
type stmts struct {
	all []*sql.Stmt

	head, setHead, stored, signature   *sql.Stmt
	events                             map[int]*sql.Stmt // multi-row inserts by rows
	setPointsN, balanceN               map[int]*sql.Stmt // a fold's, by rows
	addTicket, delTickets              *sql.Stmt
	addReward, delReward               *sql.Stmt
	change, flag                       *sql.Stmt
	setVoid, setCard, units            *sql.Stmt
	addMember, delMember, insertHolder *sql.Stmt
	settle                             *settleStmts

	// Lookups of many keys at once, chunk keys (or pairs) a statement;
	// unused places are bound to "", which matches nothing.
	somePoints, someHolders, someCards, someEntities *sql.Stmt
	someCheckins, someTickets, someRewards           *sql.Stmt
	someMembers, someUnits, someTargets              *sql.Stmt
}

// chunk is how many keys one bulk lookup binds.
const chunk = 200

// foldRows is how many balances one statement of a fold writes.
const foldRows = 200

// eventColumns are the columns a new event is inserted with.
const eventColumns = `ingest, id, terminal, seq, time, staff, kind, payload, prev_hash, hash, status, code, message_nl, message_en, received, holder_id, points, undo, item`

// eventRows are the sizes of the multi-row inserts of events: a batch of
// a thousand is ten statements, not a thousand.
var eventRows = [...]int{100, 10, 1}

func marks(n, cols int) string {
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", cols), ",") + ")"
	return strings.TrimSuffix(strings.Repeat(one+",", n), ",")
}

func prepare(ctx context.Context, db *sql.DB) (*stmts, error) {
	s := &stmts{events: map[int]*sql.Stmt{}}
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
	prep(&s.head, `SELECT `+terminalColumns+` FROM terminals WHERE id = ?`)
	prep(&s.setHead, `UPDATE terminals SET last_seq = ?, last_hash = ? WHERE id = ?`)
	prep(&s.stored, `SELECT `+storedColumns+` FROM events e WHERE e.terminal = ? AND e.seq >= ? AND e.seq <= ? ORDER BY e.seq`)
	prep(&s.signature, `INSERT OR IGNORE INTO signatures(terminal, seq, signature) VALUES (?,?,?)`)
	for _, n := range eventRows {
		var st *sql.Stmt
		// OR FAIL: a clash ends the statement without SQLite keeping a
		// statement journal to undo its rows; the group then rolls back
		// whole (runGroup).
		prep(&st, `INSERT OR FAIL INTO events(`+eventColumns+`) VALUES `+marks(n, 19))
		s.events[n] = st
	}
	s.setPointsN, s.balanceN = map[int]*sql.Stmt{}, map[int]*sql.Stmt{}
	for _, n := range []int{1, foldRows} {
		var set, bal *sql.Stmt
		prep(&set, `UPDATE holders SET points = v.column2 FROM (VALUES `+marks(n, 2)+`) AS v WHERE holders.id = v.column1`)
		prep(&bal, `INSERT OR REPLACE INTO changes(kind, key, deleted, data) SELECT 'balance', column1, 0, column2 FROM (VALUES `+marks(n, 2)+`)`)
		s.setPointsN[n], s.balanceN[n] = set, bal
	}
	prep(&s.addTicket, `INSERT INTO ticket_usage(holder_id, tariff_id, at, ingest, line, quantity) VALUES (?,?,?,?,?,?)`)
	prep(&s.delTickets, `DELETE FROM ticket_usage WHERE holder_id = ? AND tariff_id = ? AND ingest = ?`)
	prep(&s.addReward, `INSERT INTO reward_usage(holder_id, reward_id, at, ingest) VALUES (?,?,?,?)`)
	prep(&s.delReward, `DELETE FROM reward_usage WHERE holder_id = ? AND reward_id = ? AND ingest = ?`)
	prep(&s.change, `INSERT OR REPLACE INTO changes(kind, key, deleted, data, audience) VALUES (?,?,?,?,?)`)
	prep(&s.flag, `INSERT INTO review_flags(ingest, code, holder_id, detail) VALUES (?,?,?,?)`)
	prep(&s.setVoid, `INSERT INTO voids(target, void) VALUES (?, ?)`)
	prep(&s.setCard, `INSERT INTO cards(`+cardColumns+`) VALUES (?,?,?,?,?,?)
		ON CONFLICT(number) DO UPDATE SET chip_uid = CASE WHEN excluded.chip_uid <> '' THEN excluded.chip_uid ELSE chip_uid END,
		status = excluded.status, card_system = excluded.card_system, holder_id = excluded.holder_id, stock_desk = excluded.stock_desk`)
	prep(&s.units, `INSERT INTO reward_units(id, units) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET units = excluded.units`)
	prep(&s.addMember, `INSERT INTO memberships(holder_id, program_id, start, end, ingest) VALUES (?,?,?,?,?)`)
	prep(&s.delMember, `DELETE FROM memberships WHERE ingest = ?`)
	prep(&s.insertHolder, `INSERT INTO holders(`+holderColumns+`, initial_points, key_last, key_first) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`)
	s.settle = prepareSettlement(prep)
	in := strings.TrimSuffix(strings.Repeat("?,", chunk), ",")
	pairs := marks(chunk, 2)
	prep(&s.somePoints, `SELECT id, points FROM holders WHERE id IN (`+in+`)`)
	prep(&s.someHolders, `SELECT `+holderColumns+` FROM holders WHERE id IN (`+in+`)`)
	prep(&s.someCards, `SELECT `+cardColumns+` FROM cards WHERE number IN (`+in+`)`)
	prep(&s.someEntities, `SELECT id, data FROM entities WHERE kind = ? AND id IN (`+in+`)`)
	prep(&s.someUnits, `SELECT id, units FROM reward_units WHERE id IN (`+in+`)`)
	prep(&s.someTargets, `SELECT `+targetColumns+` FROM events e LEFT JOIN voids v ON v.target = e.ingest WHERE e.terminal = ? AND e.id IN (`+in+`)`)
	// A counted check-in is an event with an item, not voided. The
	// condition of the index events_holder is repeated for SQLite.
	prep(&s.someCheckins, `WITH q(h, e) AS (VALUES `+pairs+`)
		SELECT e.holder_id, e.item, e.time, e.ingest FROM q JOIN events e ON e.holder_id = q.h AND e.item = q.e AND e.item <> ''
			AND (e.item <> '' OR e.points <> 0)
		WHERE e.kind = 'CHECKIN' AND e.status <> 'REJECTED' AND NOT EXISTS (SELECT 1 FROM voids v WHERE v.target = e.ingest)`)
	prep(&s.someTickets, `WITH q(h, e) AS (VALUES `+pairs+`)
		SELECT u.holder_id, u.tariff_id, u.at, u.ingest, u.line, u.quantity FROM q JOIN ticket_usage u ON u.holder_id = q.h AND u.tariff_id = q.e`)
	prep(&s.someRewards, `WITH q(h, e) AS (VALUES `+pairs+`)
		SELECT u.holder_id, u.reward_id, u.at, u.ingest, 0, 0 FROM q JOIN reward_usage u ON u.holder_id = q.h AND u.reward_id = q.e`)
	prep(&s.someMembers, `WITH q(h, p) AS (VALUES `+pairs+`)
		SELECT m.holder_id, m.program_id, m.start, m.end, coalesce(m.ingest, 0) FROM q JOIN memberships m ON m.holder_id = q.h AND m.program_id = q.p`)
	if err := errors.Join(errs...); err != nil {
		s.close()
		return nil, err
	}
	return s, nil
}

func (s *stmts) close() {
	for _, st := range s.all {
		st.Close()
	}
}

package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/balie/balie/ledger/snapshot"
)

// snapshotKinds are the change kinds a snapshot keeps as changes; the
// directory's holders, cards and memberships go in as rows, and balances
// are the holders' points. A change with an audience (a child) is never
// in the snapshot every terminal shares: the ledger logs it again after
// the snapshot's cursor, for the desks it is for.
const snapshotKinds = `'card_system','organiser','desk','staff','event','tariff','reward','product','program','card_prices','rates','child','limits'`

// WriteSnapshot writes a snapshot of the ledger at path with SQLite
// copying the rows itself from the ledger file, attached read-only, in
// one read transaction: consistent with the cursor it reads in the same
// transaction. The caller folds the hot state first.
func (s *Store) WriteSnapshot(ctx context.Context, path string) (int64, error) {
	db, err := snapshot.Create(ctx, path)
	if err != nil {
		return 0, err
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return 0, fmt.Errorf("write snapshot: %w", err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `ATTACH ? AS l`, "file:"+s.path+"?mode=ro"); err != nil {
		return 0, s.classify("write snapshot", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `DETACH l`)
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return 0, s.classify("write snapshot", err)
	}
	defer tx.Rollback()
	var cursor int64
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(seq), 0) FROM l.changes`).Scan(&cursor); err != nil {
		return 0, s.classify("write snapshot", err)
	}
	for _, q := range []string{
		`INSERT INTO holders SELECT id, first_name, last_name, birth_date, postal_code, card_systems, social_state, social_end, social_grace_end, points FROM l.holders`,
		`INSERT INTO cards SELECT number, chip_uid, status, card_system, holder_id, stock_desk FROM l.cards`,
		// Memberships are kept as instants in Brussels time: their first
		// ten characters are the day.
		`INSERT INTO memberships(holder_id, program_id, start, end) SELECT holder_id, program_id, substr(start, 1, 10), substr(end, 1, 10) FROM l.memberships`,
		`INSERT INTO changes(seq, kind, key, data) SELECT seq, kind, key, data FROM l.changes WHERE kind IN (` + snapshotKinds + `) AND deleted = 0 AND audience = ''`,
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return 0, s.classify("write snapshot", err)
		}
	}
	if err := snapshot.Seal(ctx, tx, cursor, time.Now()); err != nil {
		return 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, s.classify("write snapshot", err)
	}
	return cursor, nil
}

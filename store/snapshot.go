package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/balie/balie"
)

// ApplySnapshot copies a snapshot of the ledger's directory (a file in
// balie.SnapshotSchema) into an empty replica and sets the download cursor
// to the snapshot's: SQLite copies the rows of the attached file itself,
// which is what makes a first download of a million holders take seconds.
// It is one transaction, on the bulk connection when BeginBulk made one;
// the change log after the cursor follows as usual.
func (d *DB) ApplySnapshot(ctx context.Context, path string) (cursor string, err error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	conn := d.bulk
	if conn == nil {
		if conn, err = d.db.Conn(ctx); err != nil {
			return "", d.classify("apply snapshot", err)
		}
		defer conn.Close()
	}
	if _, err := conn.ExecContext(ctx, `ATTACH ? AS snap`, "file:"+path+"?mode=ro"); err != nil {
		return "", d.classify("apply snapshot", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `DETACH snap`)
	var format string
	if err := conn.QueryRowContext(ctx, `SELECT value FROM snap.snapshot WHERE key = 'format'`).Scan(&format); err != nil || format != balie.SnapshotFormat {
		return "", fmt.Errorf("apply snapshot: the file is not a %s snapshot (%q, %v)", balie.SnapshotFormat, format, err)
	}
	if err := conn.QueryRowContext(ctx, `SELECT value FROM snap.snapshot WHERE key = 'cursor'`).Scan(&cursor); err != nil {
		return "", d.classify("apply snapshot", err)
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return "", d.classify("apply snapshot", err)
	}
	defer tx.Rollback()
	// Into an empty replica with the snapshot's very tables and indexes,
	// SQLite copies the rows and the indexes page by page; otherwise row
	// by row.
	if _, err := tx.ExecContext(ctx, bulkIndexes); err != nil {
		return "", d.classify("apply snapshot", err)
	}
	var rows0 int
	if err := tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM holders) + (SELECT count(*) FROM cards) + (SELECT count(*) FROM memberships)`).Scan(&rows0); err != nil {
		return "", d.classify("apply snapshot", err)
	}
	copies := []string{`INSERT INTO holders SELECT * FROM snap.holders`, `INSERT INTO cards SELECT * FROM snap.cards`, `INSERT INTO memberships SELECT * FROM snap.memberships`}
	if rows0 > 0 {
		copies = []string{`INSERT OR REPLACE INTO holders SELECT * FROM snap.holders`, `INSERT OR REPLACE INTO cards SELECT * FROM snap.cards`,
			`INSERT INTO memberships SELECT * FROM snap.memberships`}
	}
	for _, q := range copies {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return "", d.classify("apply snapshot", err)
		}
	}
	// The rest of the directory is a few thousand changes, applied as a
	// download applies them.
	rows, err := tx.QueryContext(ctx, `SELECT seq, kind, key, data FROM snap.changes ORDER BY seq`)
	if err != nil {
		return "", d.classify("apply snapshot", err)
	}
	var changes []balie.Change
	for rows.Next() {
		var c balie.Change
		var data []byte
		if err := rows.Scan(&c.Seq, &c.Kind, &c.Key, &data); err != nil {
			rows.Close()
			return "", d.classify("apply snapshot", err)
		}
		c.Data = data
		changes = append(changes, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return "", d.classify("apply snapshot", err)
	}
	l := &Loader{d: d, ctx: ctx, tx: tx, stmts: map[string]*sql.Stmt{}}
	defer l.closeStatements()
	for _, c := range changes {
		if err := l.apply(c); err != nil {
			return "", fmt.Errorf("apply snapshot change %d (%s %s): %w", c.Seq, c.Kind, c.Key, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, metaCursor, cursor); err != nil {
		return "", d.classify("apply snapshot", err)
	}
	return cursor, d.classify("apply snapshot", tx.Commit())
}

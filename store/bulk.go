package store

import (
	"context"
	"database/sql/driver"
	"fmt"
)

// bulkIndexes are the replica's secondary indexes that a first download
// drops and builds again at its end: built once over sorted keys they
// cost a fraction of what a million scattered inserts cost. Open runs
// this too, so a download cut off half-way leaves no index missing.
const bulkIndexes = `
CREATE INDEX IF NOT EXISTS cards_chip ON cards(chip_uid) WHERE chip_uid <> '';
CREATE INDEX IF NOT EXISTS cards_holder ON cards(holder_id) WHERE holder_id <> '';
CREATE INDEX IF NOT EXISTS cards_stock ON cards(stock_desk, status) WHERE stock_desk <> '';
CREATE INDEX IF NOT EXISTS memberships_holder ON memberships(holder_id);`

// BeginBulk prepares a first download into an empty replica: the
// secondary indexes go until EndBulk, and the pages are applied on a
// connection of their own with a larger cache and synchronous NORMAL: in
// WAL mode a power cut may then lose the last pages, never the file's
// soundness, and each page carries its cursor, so the download goes on
// from where it stopped. Only a replica with no cursor yet takes it (a
// terminal with no directory has recorded nothing); otherwise it does
// nothing.
func (d *DB) BeginBulk(ctx context.Context) error {
	cursor, err := d.DownloadCursor(ctx)
	if err != nil || cursor != "" {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	conn, err := d.db.Conn(ctx)
	if err != nil {
		return d.classify("begin bulk download", err)
	}
	for _, q := range []string{"PRAGMA synchronous = NORMAL", "PRAGMA cache_size = -65536",
		"DROP INDEX IF EXISTS cards_chip", "DROP INDEX IF EXISTS cards_holder",
		"DROP INDEX IF EXISTS cards_stock", "DROP INDEX IF EXISTS memberships_holder"} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			conn.Close()
			return d.classify("begin bulk download", err)
		}
	}
	d.bulk = conn
	return nil
}

// EndBulk builds the indexes BeginBulk dropped.
func (d *DB) EndBulk(ctx context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.bulk != nil {
		// Back to FULL before the connection returns to the pool, and the
		// big cache goes with it.
		d.bulk.ExecContext(ctx, "PRAGMA synchronous = FULL")
		d.bulk.Raw(func(any) error { return driver.ErrBadConn })
		d.bulk.Close()
		d.bulk = nil
	}
	if _, err := d.db.ExecContext(ctx, bulkIndexes); err != nil {
		return d.classify("end bulk download", fmt.Errorf("build indexes: %w", err))
	}
	return nil
}

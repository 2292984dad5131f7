package store

import (
	"context"
	"fmt"
	"time"

	"github.com/balie/balie"
)

// UploadQueue reports what waits for the ledger: how many events, and
// the device time of the oldest (zero when none), so the desk can show how
// far behind it is.
func (d *DB) UploadQueue(ctx context.Context) (pending int, oldest time.Time, err error) {
	if pending, err = countRows(ctx, d.db, `SELECT count(*) FROM upload WHERE status = 'PENDING'`); err != nil || pending == 0 {
		return pending, oldest, d.classify("read upload queue", err)
	}
	// The oldest waiting event is the one with the lowest seq.
	var at string
	if err := d.db.QueryRowContext(ctx, `SELECT j.time FROM upload u JOIN journal j ON j.seq = u.seq WHERE u.status = 'PENDING' ORDER BY u.seq LIMIT 1`).Scan(&at); err != nil {
		return pending, oldest, d.classify("read upload queue", err)
	}
	if oldest, err = time.Parse(balie.TimeFormat, at); err != nil {
		return pending, oldest, fmt.Errorf("read upload queue: %w", err)
	}
	return pending, oldest, nil
}

// DownloadCursor is where the next download from the ledger starts; ""
// before the first.
func (d *DB) DownloadCursor(ctx context.Context) (string, error) {
	return d.meta(ctx, d.db, metaCursor)
}

// SetDownloadCursor records where the next download starts.
func (d *DB) SetDownloadCursor(ctx context.Context, cursor string) error {
	return d.setMeta(ctx, metaCursor, cursor)
}

package store

import (
	"context"
	"fmt"
	"time"

	"github.com/balie/balie"
)

// Queue is what waits for the ledger: how many events, and the device time
// of the oldest, so the desk can show how far behind it is.
type Queue struct {
	Pending int
	Oldest  time.Time // zero when nothing waits
}

// UploadQueue reports the events not yet acknowledged by the ledger.
func (d *DB) UploadQueue(ctx context.Context) (Queue, error) {
	var q Queue
	var err error
	if q.Pending, err = countRows(ctx, d.db, `SELECT count(*) FROM upload WHERE status = 'PENDING'`); err != nil || q.Pending == 0 {
		return q, d.classify("read upload queue", err)
	}
	// The oldest waiting event is the one with the lowest seq.
	var oldest string
	if err := d.db.QueryRowContext(ctx, `SELECT j.time FROM upload u JOIN journal j ON j.seq = u.seq WHERE u.status = 'PENDING' ORDER BY u.seq LIMIT 1`).Scan(&oldest); err != nil {
		return q, d.classify("read upload queue", err)
	}
	if q.Oldest, err = time.Parse(balie.TimeFormat, oldest); err != nil {
		return q, fmt.Errorf("read upload queue: %w", err)
	}
	return q, nil
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

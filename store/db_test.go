package store

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/balie/balie"
	_ "modernc.org/sqlite"
)

func TestOpen_refusesBadFiles(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name string
		make func(t *testing.T, path string)
		code balie.Code
	}{
		{"a text file", func(t *testing.T, path string) {
			os.WriteFile(path, []byte("kassa,bedrag\n1,5\n"), 0o600)
		}, balie.CodeStorageForeign},
		{"another program's SQLite database", func(t *testing.T, path string) {
			db, err := sql.Open("sqlite", path)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if _, err := db.Exec(`CREATE TABLE invoices(id INTEGER PRIMARY KEY)`); err != nil {
				t.Fatal(err)
			}
		}, balie.CodeStorageForeign},
		{"a store from a newer Balie", func(t *testing.T, path string) {
			d, err := Open(ctx, path, Options{Logger: quiet()})
			if err != nil {
				t.Fatal(err)
			}
			d.db.Exec(`PRAGMA user_version = 999`)
			d.Close()
		}, balie.CodeStorageNewer},
		{"a damaged store", func(t *testing.T, path string) {
			f := newFixtureAt(t, path)
			for i := 0; i < 200; i++ {
				if _, err := f.db.SellTickets(ctx, staffClerk, balie.TicketRequest{EventID: "ev-show", Lines: []balie.TicketOrder{{TariffID: "t-reg", Quantity: 1}}, Payment: balie.PayCash}); err != nil {
					t.Fatal(err)
				}
			}
			f.db.Close()
			damage(t, path)
		}, balie.CodeStorageCorrupt},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "balie.db")
			c.make(t, path)
			before, _ := os.ReadFile(path)
			d, err := Open(ctx, path, Options{Logger: quiet()})
			if err == nil {
				d.Close()
				t.Fatalf("Open succeeded, want %s", c.code)
			}
			wantCode(t, err, c.code)
			after, _ := os.ReadFile(path)
			if string(before) != string(after) {
				t.Errorf("Open changed the refused file")
			}
		})
	}
}

// newFixtureAt is newFixture at a chosen path.
func newFixtureAt(t *testing.T, path string) *fixture {
	t.Helper()
	f := newFixture(t, "desk-box")
	src := f.db.Path()
	f.db.Close()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	d, err := Open(context.Background(), path, Options{Now: f.clock.Now, Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	f.db = d
	return f
}

// damage overwrites pages in the middle of a database file, as a failing
// disk or a bad copy would.
func damage(t *testing.T, path string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(data) < 8*4096 {
		t.Fatalf("database too small to damage: %d bytes", len(data))
	}
	for i := 3 * 4096; i < len(data)-4096; i += 4096 {
		for j := 0; j < 64; j++ {
			data[i+j] ^= 0x5A
		}
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestOpen_reopenKeepsJournalAndTerminal(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "balie.db")
	f := newFixtureAt(t, path)
	id, _ := f.db.TerminalID(ctx)
	if _, err := f.db.CheckIn(ctx, staffClerk, cardRegular, "ev-swim"); err != nil {
		t.Fatal(err)
	}
	f.db.Close()
	d, err := Open(ctx, path, Options{Now: f.clock.Now, Logger: quiet()})
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer d.Close()
	if got, _ := d.TerminalID(ctx); got != id {
		t.Errorf("terminal id after reopen = %s, want %s", got, id)
	}
	verify(t, d, 1)
	_, err = d.CheckIn(ctx, staffClerk, cardRegular, "ev-swim")
	wantCode(t, err, balie.CodeCheckinLimit)
}

// TestDB_CheckIn_diskFull fills the database to its limit: the act is
// refused with a sentence for the clerk, nothing half-written stays, and
// once there is room the terminal goes on with a sound journal.
func TestDB_CheckIn_diskFull(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "desk-sport")
	// One connection, so the page limit below holds for every statement.
	f.db.db.SetMaxOpenConns(1)
	var pages int
	if err := f.db.db.QueryRow(`PRAGMA page_count`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.db.Exec(`PRAGMA max_page_count = ` + itoa(pages)); err != nil {
		t.Fatal(err)
	}
	var err error
	recorded := 0
	for i := 0; i < 10000 && err == nil; i++ {
		// Each day one check-in; the journal grows until the file is full.
		_, err = f.db.CheckIn(ctx, staffClerk, cardRegular, "ev-swim")
		if err == nil {
			recorded++
		}
		f.clock.Advance(24 * 60 * 60 * 1e9)
		if _, lerr := f.db.db.Exec(`UPDATE events SET start = ?, end = ? WHERE id = 'ev-swim'`, fmtTime(f.clock.Now().Add(-3600e9)), fmtTime(f.clock.Now().Add(3600e9))); lerr != nil && err == nil {
			err = lerr
		}
	}
	wantCode(t, err, balie.CodeStorageFull)
	verify(t, f.db, int64(recorded))
	if _, err := f.db.db.Exec(`PRAGMA max_page_count = 1073741823`); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.CheckIn(ctx, staffClerk, cardSocial, "ev-swim"); err != nil {
		t.Fatalf("check-in after space was freed: %v", err)
	}
	verify(t, f.db, int64(recorded+1))
	var pending int
	f.db.db.QueryRow(`SELECT count(*) FROM upload WHERE status = 'PENDING'`).Scan(&pending)
	if pending != recorded+1 {
		t.Errorf("events queued for upload = %d, want %d", pending, recorded+1)
	}
}

func itoa(n int) string { return fmtInt(int64(n)) }

// TestDB_indexesUsed guards the scan path against full-table scans: with
// a million cards a chip lookup that misses its index takes seconds.
func TestDB_indexesUsed(t *testing.T) {
	f := newFixture(t, "desk-box")
	cases := []struct{ query, index string }{
		{`SELECT number FROM cards WHERE chip_uid = ? AND chip_uid <> ''`, "cards_chip"},
		{`SELECT count(*) FROM checkins WHERE holder_id = ? AND event_id = ? AND at >= ? AND at < ?`, "checkins_holder_event"},
		{`SELECT coalesce(sum(delta), 0) FROM pending_points WHERE holder_id = ?`, "pending_points_holder"},
		{`SELECT program_id, start, end FROM memberships WHERE holder_id = ? ORDER BY end, program_id`, "memberships_holder"},
		{`SELECT id FROM holders WHERE last_name LIKE 'Pee%' ESCAPE '\' AND first_name LIKE '%' ESCAPE '\' ORDER BY last_name COLLATE NOCASE, first_name COLLATE NOCASE LIMIT 10`, "holders_name"},
	}
	for _, c := range cases {
		rows, err := f.db.db.Query(`EXPLAIN QUERY PLAN `+c.query, "x", "y", "a", "b")
		if err != nil {
			t.Fatalf("%s: %v", c.query, err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, notused int
			var detail string
			rows.Scan(&id, &parent, &notused, &detail)
			plan = append(plan, detail)
		}
		rows.Close()
		if !strings.Contains(strings.Join(plan, "; "), c.index) {
			t.Errorf("%s\n  plan %q does not use %s", c.query, plan, c.index)
		}
	}
}

// TestOpen_pragmas checks what makes a confirmed act durable, on every
// connection of the pool: WAL, synchronous FULL, foreign keys.
func TestOpen_pragmas(t *testing.T) {
	f := newFixture(t, "desk-box")
	ctx := context.Background()
	for i := 0; i < 3; i++ {
		conn, err := f.db.db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		var mode string
		var sync, fk int
		conn.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode)
		conn.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&sync)
		conn.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk)
		if mode != "wal" || sync != 2 || fk != 1 {
			t.Errorf("connection %d: journal_mode %s, synchronous %d, foreign_keys %d; want wal, 2 (FULL), 1", i, mode, sync, fk)
		}
	}
}

func TestDB_UploadQueueAndCursor(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "desk-sport")
	n, oldest, err := f.db.UploadQueue(ctx)
	if err != nil || n != 0 || !oldest.IsZero() {
		t.Fatalf("empty queue = %d, %v, %v", n, oldest, err)
	}
	first := f.clock.Now()
	if _, err := f.db.CheckIn(ctx, staffClerk, cardRegular, "ev-swim"); err != nil {
		t.Fatal(err)
	}
	f.clock.Advance(time.Minute)
	if _, err := f.db.CheckIn(ctx, staffClerk, cardSocial, "ev-swim"); err != nil {
		t.Fatal(err)
	}
	n, oldest, err = f.db.UploadQueue(ctx)
	if err != nil || n != 2 || !oldest.Equal(first) {
		t.Errorf("queue = %d, %v, %v; want 2 pending, oldest %v", n, oldest, err, first)
	}
	if c, _ := f.db.DownloadCursor(ctx); c != "" {
		t.Errorf("cursor before any download = %q, want empty", c)
	}
	if err := f.db.SetDownloadCursor(ctx, "c-42"); err != nil {
		t.Fatal(err)
	}
	if c, _ := f.db.DownloadCursor(ctx); c != "c-42" {
		t.Errorf("cursor = %q, want c-42", c)
	}
}

package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/balie/balie"
)

// ddl reads the definitions of the replica's tables and indexes a
// snapshot copies, without comments and spacing.
func ddl(t *testing.T, q querier) map[string]string {
	t.Helper()
	rows, err := q.QueryContext(context.Background(), `SELECT name, sql FROM sqlite_schema WHERE tbl_name IN ('holders', 'cards', 'memberships') AND sql IS NOT NULL`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	comment, space := regexp.MustCompile(`--[^\n]*`), regexp.MustCompile(`\s+`)
	out := map[string]string{}
	for rows.Next() {
		var name, s string
		rows.Scan(&name, &s)
		out[name] = space.ReplaceAllString(comment.ReplaceAllString(s, ""), " ")
	}
	return out
}

// TestApplySnapshot_copiesPageByPage holds the replica to the snapshot's
// schema: the same tables and indexes, so that SQLite copies a
// snapshot's rows and indexes whole (its transfer optimization) instead of
// inserting them one by one. A store migration that changes one of these
// tables must change balie.SnapshotSchema (and its format) with it.
func TestApplySnapshot_copiesPageByPage(t *testing.T) {
	ctx := context.Background()
	d, err := Open(ctx, filepath.Join(t.TempDir(), "balie.db"), Options{Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	snap := filepath.Join(t.TempDir(), "snap.db")
	sdb, err := sql.Open("sqlite", "file:"+snap)
	if err != nil {
		t.Fatal(err)
	}
	defer sdb.Close()
	if _, err := sdb.Exec(balie.SnapshotSchema + balie.SnapshotIndexes); err != nil {
		t.Fatal(err)
	}
	want, got := ddl(t, d.db), ddl(t, sdb)
	for name, s := range want {
		if got[name] != s {
			t.Errorf("%s:\n  replica  %s\n  snapshot %s", name, s, got[name])
		}
	}
	if len(got) != len(want) {
		t.Errorf("the snapshot has %d tables and indexes, the replica %d", len(got), len(want))
	}
	conn, err := d.db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `ATTACH ? AS snap`, snap); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"holders", "cards", "memberships"} {
		rows, err := conn.QueryContext(ctx, `EXPLAIN INSERT INTO `+table+` SELECT * FROM snap.`+table)
		if err != nil {
			t.Fatal(err)
		}
		var ops []string
		for rows.Next() {
			cols, _ := rows.Columns()
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			rows.Scan(ptrs...)
			ops = append(ops, string(vals[1].(string)))
		}
		rows.Close()
		if !strings.Contains(strings.Join(ops, " "), "RowData") { // the transfer loop copies records whole
			t.Errorf("%s: SQLite would insert the snapshot row by row: %v", table, ops)
		}
	}
}

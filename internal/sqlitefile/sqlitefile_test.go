package sqlitefile

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/balie/balie"
)

func testKind() Kind {
	return Kind{AppID: 0x54455354, NL: "testbestand", EN: "test file", Migrations: os.DirFS("testdata")}
}

func open(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestKind_CheckAndPrepare(t *testing.T) {
	ctx := context.Background()
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	cases := []struct {
		name string
		make func(t *testing.T, path string)
		code balie.Code // "" when the file is fine
	}{
		{"no file yet", func(t *testing.T, path string) {}, ""},
		{"an empty file", func(t *testing.T, path string) { os.WriteFile(path, nil, 0o600) }, ""},
		{"a text file", func(t *testing.T, path string) { os.WriteFile(path, []byte("hello, not a database"), 0o600) }, balie.CodeStorageForeign},
		{"another program's database", func(t *testing.T, path string) {
			open(t, path).Exec(`CREATE TABLE other (x)`)
		}, balie.CodeStorageForeign},
		{"one of ours", func(t *testing.T, path string) {
			if err := testKind().Prepare(ctx, open(t, path), path, true, quiet); err != nil {
				t.Fatal(err)
			}
		}, ""},
		{"one from a newer version", func(t *testing.T, path string) {
			db := open(t, path)
			testKind().Prepare(ctx, db, path, true, quiet)
			db.Exec(`PRAGMA user_version = 9`)
		}, balie.CodeStorageNewer},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "test.db")
			c.make(t, path)
			err := testKind().Check(ctx, path)
			if err == nil {
				err = testKind().Prepare(ctx, open(t, path), path, true, quiet)
			}
			if got := balie.ErrorCode(err); got != c.code {
				t.Fatalf("error %v, want code %q", err, c.code)
			}
			if c.code != "" {
				if e, _ := balie.AsError(err); e.NL == "" || e.EN == "" {
					t.Errorf("no sentence for a person: %+v", e)
				}
				return
			}
			var n int
			if err := open(t, path).QueryRow(`SELECT count(*) FROM things`).Scan(&n); err != nil {
				t.Errorf("the migration did not run: %v", err)
			}
		})
	}
}

package pgtest

import (
	"context"
	"os"
	"strings"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5"
)

// TestFindBin_missing: without the server installed, the sentence says
// which Debian package to install and how to skip instead.
func TestFindBin_missing(t *testing.T) {
	t.Setenv("PATH", t.TempDir()) // no pg_config either
	_, err := findBin(t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "Debian's postgresql package") || !strings.Contains(err.Error(), SkipEnv+"=1") {
		t.Errorf("got %v, want a sentence naming the package and %s", err, SkipEnv)
	}
}

// TestCluster: a database per test, usable at once; stopping the
// cluster ends its server and removes its folder.
func TestCluster(t *testing.T) {
	c := New(Options{})
	t.Cleanup(func() { c.Stop() })
	a, b := c.NewDatabase(t), c.NewDatabase(t)
	if a == b {
		t.Fatalf("two tests got the same database %s", a)
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, `CREATE TABLE x (id int)`); err != nil {
		t.Fatal(err)
	}
	var fsync string
	conn.QueryRow(ctx, `SHOW fsync`).Scan(&fsync)
	conn.Close(ctx)
	if fsync != "off" {
		t.Errorf("fsync %q in a correctness cluster, want off", fsync)
	}
	pid, dir := c.ServerPID(), c.dir
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("the cluster's folder %s is still there: %v", dir, err)
	}
	if err := syscall.Kill(pid, 0); err == nil {
		t.Errorf("the server (pid %d) still runs after Stop", pid)
	}
}

// TestNewDatabase_skip: with BALIE_SKIP_POSTGRES=1 a test that asks for a
// database skips, saying why.
func TestNewDatabase_skip(t *testing.T) {
	t.Setenv(SkipEnv, "1")
	c := New(Options{})
	var skipped bool
	t.Run("asks for a database", func(t *testing.T) {
		defer func() { skipped = t.Skipped() }()
		c.NewDatabase(t)
	})
	if !skipped {
		t.Error("the test did not skip")
	}
	if c.ServerPID() != 0 {
		t.Error("a cluster started although the tests skip")
	}
}

package pgtest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

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

// TestRemoveStale: the folder of a cluster whose test binary died is
// removed by the next start; a running cluster's and a new one's stay.
func TestRemoveStale(t *testing.T) {
	tmp := t.TempDir()
	mk := func(name string, pid int, age time.Duration) string {
		d := filepath.Join(tmp, tempPrefix+name)
		os.MkdirAll(filepath.Join(d, "data"), 0o700)
		if pid != 0 {
			os.WriteFile(filepath.Join(d, "data", "postmaster.pid"), []byte(fmt.Sprintf("%d\n/x\n", pid)), 0o600)
		}
		old := time.Now().Add(-age)
		os.Chtimes(d, old, old)
		return d
	}
	dead := mk("dead", 0, time.Hour)
	running := mk("running", os.Getpid(), time.Hour)
	fresh := mk("fresh", 0, time.Minute)
	removeStale(tmp, time.Now())
	if _, err := os.Stat(dead); !os.IsNotExist(err) {
		t.Errorf("a dead cluster's folder stayed")
	}
	for _, d := range []string{running, fresh} {
		if _, err := os.Stat(d); err != nil {
			t.Errorf("%s was removed: %v", d, err)
		}
	}
}

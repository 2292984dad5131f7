// Package pgtest runs a throwaway PostgreSQL cluster for tests: initdb in
// a temporary folder, one server on a free port of 127.0.0.1 (and a unix
// socket in the same folder), a fresh database per test, and everything
// stopped and removed when the test binary ends, also when tests fail.
//
// One cluster serves a whole test binary. A package declares it once and
// runs it from TestMain:
//
//	var pg = pgtest.New(pgtest.Options{})
//
//	func TestMain(m *testing.M) { os.Exit(pg.Main(m)) }
//
//	func TestThing(t *testing.T) { url := pg.NewDatabase(t); ... }
//
// The server binaries are found under /usr/lib/postgresql/*/bin (Debian's
// layout) or through pg_config. When they are missing, every test that
// asks for a database fails with a sentence naming the Debian package,
// unless BALIE_SKIP_POSTGRES=1 is set: then those tests skip, saying so.
// As root, initdb and the server run as the postgres user, because initdb
// refuses root (through the process's credentials, as runuser -u postgres
// would, without a process between: the server is this binary's child
// and dies with it). A test binary that dies without stopping its cluster
// (a timeout, a kill) leaves its folder, which the next start removes.
package pgtest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// SkipEnv is the variable a developer without PostgreSQL sets to skip
// the PostgreSQL half of the tests instead of failing it.
const SkipEnv = "BALIE_SKIP_POSTGRES"

// Package is the Debian package that has the server binaries.
const Package = "postgresql"

// Options tune a cluster.
type Options struct {
	// Fsync keeps PostgreSQL's durable commits (fsync, full page
	// writes, synchronous commit). The correctness tests run without:
	// a crash of the throwaway cluster loses nothing anyone keeps. A
	// benchmark must set it, or it measures a database that lies.
	Fsync bool
	// Settings are more server settings, name to value.
	Settings map[string]string
	// Keep, when set, is the folder of a cluster that outlives its test
	// binary: made (with initdb) on the first start, started again from
	// it by the next, never removed by Stop. For a benchmark's database
	// that takes long to build and is kept in the temporary folder.
	Keep string
}

// Cluster is a throwaway PostgreSQL server. Its methods are safe for
// concurrent use.
type Cluster struct {
	opts Options

	mu      sync.Mutex // guards what follows
	started bool
	err     error // why the cluster could not start; every NewDatabase reports it
	dir     string
	data    string
	bin     string
	port    int
	cred    *syscall.Credential // the postgres user's, when run as root; nil otherwise
	server  *exec.Cmd
	exited  chan struct{} // closed when the server process ended
	logTail *tail
	admin   *pgx.Conn
	n       int
}

// New describes a cluster; it starts on Start, Main or the first
// NewDatabase.
func New(opts Options) *Cluster { return &Cluster{opts: opts} }

// Main starts the cluster (or notes why it cannot), runs the tests and
// stops it: for TestMain. It returns the tests' exit code.
func (c *Cluster) Main(m *testing.M) int {
	c.mu.Lock()
	c.startLocked()
	c.mu.Unlock()
	code := m.Run()
	if err := c.Stop(); err != nil {
		fmt.Fprintln(os.Stderr, "pgtest:", err)
		if code == 0 {
			code = 1
		}
	}
	return code
}

// Start starts the cluster if it is not running yet.
func (c *Cluster) Start() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.startLocked()
	return c.err
}

// NewDatabase makes an empty database for the test, dropped when the test
// ends, and returns its postgres:// URL. Without a cluster the test fails
// (or skips, when BALIE_SKIP_POSTGRES=1) with the reason.
func (c *Cluster) NewDatabase(t testing.TB) string {
	t.Helper()
	if os.Getenv(SkipEnv) == "1" {
		t.Skipf("PostgreSQL tests skipped: %s=1 is set", SkipEnv)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.startLocked()
	if c.err != nil {
		t.Fatalf("pgtest: %v", c.err)
	}
	c.n++
	name := fmt.Sprintf("t%d_%d", os.Getpid(), c.n)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := c.admin.Exec(ctx, `CREATE DATABASE `+name+` TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C' STRATEGY FILE_COPY`); err != nil {
		t.Fatalf("pgtest: create database: %v", err)
	}
	t.Cleanup(func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.admin == nil {
			return // the cluster stopped first
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		// FORCE ends what the test left connected, a pool not closed
		// after a failure among them.
		if _, err := c.admin.Exec(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`); err != nil {
			t.Errorf("pgtest: drop database: %v", err)
		}
	})
	return c.url(name)
}

// URL is the address of database name on the cluster.
func (c *Cluster) URL(name string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.url(name)
}

func (c *Cluster) url(name string) string {
	u := url.URL{Scheme: "postgres", User: url.User("postgres"), Host: net.JoinHostPort("127.0.0.1", strconv.Itoa(c.port)), Path: "/" + name,
		RawQuery: "sslmode=disable"}
	return u.String()
}

// ServerPID is the server's process id (the postmaster's; the backends
// are its children), 0 when it does not run: for a benchmark's CPU count.
func (c *Cluster) ServerPID() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.server == nil {
		return 0
	}
	return c.server.Process.Pid
}

// Stop stops the server (pg_ctl stop -m fast) and removes its folder.
// It is safe to call when the cluster never started, and twice.
func (c *Cluster) Stop() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	var errs []error
	if c.admin != nil {
		c.admin.Close(context.Background())
		c.admin = nil
	}
	if c.server != nil {
		stop := c.command(filepath.Join(c.bin, "pg_ctl"), "stop", "-D", c.data, "-m", "fast", "-w", "-t", "60")
		if out, err := stop.CombinedOutput(); err != nil {
			// The server may be gone already; make sure it is.
			c.server.Process.Signal(syscall.SIGQUIT)
			errs = append(errs, fmt.Errorf("pg_ctl stop: %v: %s", err, strings.TrimSpace(string(out))))
		}
		<-c.exited
		c.server = nil
	}
	if c.dir != "" && c.opts.Keep == "" {
		if err := os.RemoveAll(c.dir); err != nil {
			errs = append(errs, fmt.Errorf("remove %s: %w", c.dir, err))
		}
	}
	c.dir = ""
	return errors.Join(errs...)
}

// startLocked starts the cluster once; a failure is kept in c.err.
func (c *Cluster) startLocked() {
	if c.started {
		return
	}
	c.started = true
	if os.Getenv(SkipEnv) == "1" {
		c.err = fmt.Errorf("%s=1 is set", SkipEnv)
		return
	}
	if err := c.start(); err != nil {
		c.err = err
		if c.server != nil {
			c.server.Process.Signal(syscall.SIGQUIT)
			<-c.exited
			c.server = nil
		}
		if c.dir != "" && c.opts.Keep == "" {
			os.RemoveAll(c.dir)
		}
		c.dir = ""
	}
}

func (c *Cluster) start() error {
	bin, err := findBin(debianRoot)
	if err != nil {
		return err
	}
	c.bin = bin
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return fmt.Errorf("running as root, and there is no postgres user to run initdb as (initdb refuses root); install Debian's %s package, which makes it: %v", Package, err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		c.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	}
	removeStale(os.TempDir(), time.Now())
	if c.opts.Keep != "" {
		c.dir = c.opts.Keep
		err = os.MkdirAll(c.dir, 0o700)
	} else {
		c.dir, err = os.MkdirTemp("", tempPrefix)
	}
	if err != nil {
		return fmt.Errorf("make the cluster's folder: %w", err)
	}
	if c.cred != nil {
		if err := os.Chown(c.dir, int(c.cred.Uid), int(c.cred.Gid)); err != nil {
			return fmt.Errorf("give the cluster's folder to postgres: %w", err)
		}
	}
	c.data = filepath.Join(c.dir, "data")
	if _, err := os.Stat(filepath.Join(c.data, "PG_VERSION")); c.opts.Keep == "" || err != nil {
		initdb := c.command(filepath.Join(bin, "initdb"), "-D", c.data, "-U", "postgres", "--auth=trust", "--encoding=UTF8",
			"--locale=C", "--no-sync", "--no-instructions")
		if out, err := initdb.CombinedOutput(); err != nil {
			return fmt.Errorf("initdb: %v: %s", err, strings.TrimSpace(string(out)))
		}
	}
	// A port taken between the probe and the server's bind is tried
	// again with another.
	for attempt := 0; ; attempt++ {
		err := c.serve()
		if err == nil {
			break
		}
		if attempt == 4 || !strings.Contains(err.Error(), "could not bind") && !strings.Contains(err.Error(), "could not create any TCP/IP sockets") {
			return err
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if c.admin, err = pgx.Connect(ctx, c.url("postgres")); err != nil {
		return fmt.Errorf("connect to the cluster: %w", err)
	}
	return nil
}

// serve starts the server on a free port and waits until it says it is
// ready to accept connections.
func (c *Cluster) serve() error {
	port, err := freePort()
	if err != nil {
		return err
	}
	c.port = port
	settings := map[string]string{
		"listen_addresses":        "127.0.0.1",
		"port":                    strconv.Itoa(port),
		"unix_socket_directories": c.dir,
		"max_connections":         "300",
		"shared_buffers":          "256MB",
		"log_min_messages":        "warning",
		"logging_collector":       "off",
	}
	if !c.opts.Fsync {
		settings["fsync"] = "off"
		settings["synchronous_commit"] = "off"
		settings["full_page_writes"] = "off"
	}
	for k, v := range c.opts.Settings {
		settings[k] = v
	}
	keys := make([]string, 0, len(settings))
	for k := range settings {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	args := []string{"-D", c.data}
	for _, k := range keys {
		args = append(args, "-c", k+"="+settings[k])
	}
	cmd := c.command(filepath.Join(c.bin, "postgres"), args...)
	// The server dies with the test binary, even one killed outright.
	cmd.SysProcAttr.Pdeathsig = syscall.SIGQUIT
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start postgres: %w", err)
	}
	c.server, c.exited, c.logTail = cmd, make(chan struct{}), &tail{}
	ready := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		said := false
		for sc.Scan() {
			line := sc.Text()
			c.logTail.add(line)
			if !said && strings.Contains(line, "database system is ready to accept connections") {
				said = true
				ready <- true
			}
		}
		if !said {
			ready <- false
		}
		io.Copy(io.Discard, stderr)
		cmd.Wait()
		close(c.exited)
	}()
	if <-ready {
		return nil
	}
	<-c.exited
	c.server = nil
	return fmt.Errorf("postgres did not start: %s", c.logTail.String())
}

// tempPrefix names a cluster's folder in the temporary folder.
const tempPrefix = "balie-pg-"

// removeStale removes the folders of clusters whose test binary died
// without stopping them (a timeout's panic, a kill): the server died with
// it (Pdeathsig), the folder did not. A folder is left while its server
// runs, and for ten minutes after it was made (an initdb may be at work).
func removeStale(tmp string, now time.Time) {
	dirs, _ := filepath.Glob(filepath.Join(tmp, tempPrefix+"*"))
	for _, d := range dirs {
		fi, err := os.Stat(d)
		if err != nil || !fi.IsDir() || now.Sub(fi.ModTime()) < 10*time.Minute {
			continue
		}
		if pid := postmasterPID(d); pid > 0 && syscall.Kill(pid, 0) == nil {
			continue
		}
		os.RemoveAll(d)
	}
}

// postmasterPID is the pid in a cluster folder's postmaster.pid, 0 when
// there is none.
func postmasterPID(dir string) int {
	b, err := os.ReadFile(filepath.Join(dir, "data", "postmaster.pid"))
	if err != nil {
		return 0
	}
	line, _, _ := strings.Cut(string(b), "\n")
	pid, _ := strconv.Atoi(strings.TrimSpace(line))
	return pid
}

// command runs name as the postgres user when this process is root.
func (c *Cluster) command(name string, args ...string) *exec.Cmd {
	cmd := exec.Command(name, args...)
	cmd.Dir = c.dir
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	cmd.SysProcAttr = &syscall.SysProcAttr{}
	if c.cred != nil {
		cmd.SysProcAttr.Credential = c.cred
	}
	return cmd
}

// debianRoot is where Debian's postgresql package puts a version's
// binaries: /usr/lib/postgresql/VERSION/bin.
const debianRoot = "/usr/lib/postgresql"

// findBin finds the folder of initdb, pg_ctl and postgres: the newest
// under root, else the one pg_config names.
func findBin(root string) (string, error) {
	dirs, _ := filepath.Glob(filepath.Join(root, "*", "bin"))
	slices.SortFunc(dirs, func(a, b string) int {
		va, _ := strconv.Atoi(filepath.Base(filepath.Dir(a)))
		vb, _ := strconv.Atoi(filepath.Base(filepath.Dir(b)))
		return vb - va
	})
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		dirs = append(dirs, strings.TrimSpace(string(out)))
	}
	for _, d := range dirs {
		if hasAll(d, "initdb", "pg_ctl", "postgres") {
			return d, nil
		}
	}
	return "", fmt.Errorf("the PostgreSQL server (initdb, pg_ctl, postgres) is not installed: install Debian's %s package (apt-get install %s), or set %s=1 to skip the PostgreSQL tests",
		Package, Package, SkipEnv)
}

func hasAll(dir string, names ...string) bool {
	for _, n := range names {
		if fi, err := os.Stat(filepath.Join(dir, n)); err != nil || fi.IsDir() {
			return false
		}
	}
	return true
}

func freePort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

// tail keeps the last lines the server printed, for an error message.
type tail struct {
	mu    sync.Mutex
	lines []string
}

func (t *tail) add(line string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.lines = append(t.lines, line)
	if len(t.lines) > 20 {
		t.lines = t.lines[1:]
	}
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.Join(t.lines, "\n")
}

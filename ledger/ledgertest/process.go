package ledgertest

import (
	"bufio"
	"bytes"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The real program, for tests of several ledger processes: built from
// this module, run as an operator runs it.

// BuildLedger builds cmd/ledger into the test's folder and returns its
// path.
func BuildLedger(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "ledger")
	goBin, err := exec.LookPath("go")
	if err != nil {
		goBin = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	if out, err := exec.Command(goBin, "build", "-o", bin, "github.com/balie/balie/cmd/ledger").CombinedOutput(); err != nil {
		t.Fatalf("ledgertest: build cmd/ledger: %v\n%s", err, out)
	}
	return bin
}

// Command runs an operator command of the built program and returns what
// it printed; a failure fails the test.
func Command(t testing.TB, bin string, args ...string) string {
	t.Helper()
	out, err := exec.Command(bin, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("ledgertest: ledger %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

var tokenLine = regexp.MustCompile(`terminal (\S+)\ntoken\s+(\S+)`)

// CommandAddTerminal makes a terminal for desk with `ledger terminal
// add` and returns its id and one-time token.
func CommandAddTerminal(t testing.TB, bin, db, name, organiser, desk string) (id, token string) {
	t.Helper()
	out := Command(t, bin, "terminal", "add", "--db", db, "--name", name, "--organiser", organiser, "--location", desk)
	m := tokenLine.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("ledgertest: terminal add printed %q", out)
	}
	return m[1], m[2]
}

// Process is a running `ledger serve`.
type Process struct {
	URL string // http://127.0.0.1:PORT
	Pid int
}

// Serve starts `ledger serve --db db` on a free port of 127.0.0.1. The
// process is stopped with SIGTERM, as an operator stops it, when the test
// ends, and must stop cleanly within 30 s; it never outlives the test
// binary.
func Serve(t testing.TB, bin, db string, extra ...string) *Process {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve", "--db", db, "--addr", "127.0.0.1:0", "--log-level", "warn"}, extra...)...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	stderr := &lockedBuffer{}
	cmd.Stderr = stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stdout)
	if !sc.Scan() {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("ledgertest: ledger serve said nothing: %s", stderr.String())
	}
	line := sc.Text()
	exited := make(chan error, 1)
	go func() {
		for sc.Scan() {
		}
		exited <- cmd.Wait()
	}()
	url := line[strings.LastIndex(line, " ")+1:]
	if !strings.HasPrefix(url, "http://127.0.0.1:") {
		cmd.Process.Kill()
		t.Fatalf("ledgertest: ledger serve printed %q", line)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case err := <-exited:
			if err != nil {
				t.Errorf("ledgertest: ledger serve at %s ended with %v: %s", url, err, stderr.String())
			}
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			t.Errorf("ledgertest: ledger serve at %s did not stop in 30 s", url)
		}
	})
	return &Process{URL: url, Pid: cmd.Process.Pid}
}

// lockedBuffer is a process's stderr, read while the process writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

package main

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"github.com/creack/pty"
	_ "modernc.org/sqlite"
)

// TestMeasureApp measures the counter app as a desk runs it, on the
// million-holder city the store's benchmarks make: from start to ready,
// from the last byte of a scan on a serial line to the holder shown, and
// the process's resident memory. It needs an X server (Xvfb) and is not
// part of make test: run it with
//
//	go test -run '^$' -bench 'LookupDecide1M' -benchtime 1x ./store   # makes the city once
//	BALIE_MEASURE=1 go test -v -run TestMeasureApp ./cmd/balie
func TestMeasureApp(t *testing.T) {
	if os.Getenv("BALIE_MEASURE") == "" {
		t.Skip("set BALIE_MEASURE=1 to measure the app (needs Xvfb and the store's million-holder city)")
	}
	city := filepath.Join(os.TempDir(), "balie-bench", "city-1000000-v2.db")
	if _, err := os.Stat(city); err != nil {
		t.Fatalf("no city at %s: run the store's LookupDecide1M benchmark once first", city)
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "balie.db")
	copyFile(t, city, db)
	cards := someCards(t, db, 200)
	bin := filepath.Join(dir, "balie")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	display := ":" + strconv.Itoa(140+os.Getpid()%50)
	xvfb := exec.Command("Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten", "tcp")
	if err := xvfb.Start(); err != nil {
		t.Fatalf("Xvfb: %v", err)
	}
	defer xvfb.Process.Kill()
	waitFor(t, 10*time.Second, func() bool { return exec.Command("xdpyinfo", "-display", display).Run() == nil })

	scanner, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer scanner.Close()
	defer tty.Close()

	app := exec.Command(bin, "--db", db, "--desk", "desk-sport", "--reader", tty.Name(), "--reader-debounce", "0")
	app.Env = append(os.Environ(), "DISPLAY="+display)
	logr, logw := io.Pipe()
	app.Stdout, app.Stderr = logw, logw
	lines := make(chan string, 1000)
	var gcMu gosync.Mutex
	var lastGC string // with GODEBUG=gctrace=1: the Go heap at the last collection
	go func() {
		sc := bufio.NewScanner(logr)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "gc ") {
				gcMu.Lock()
				lastGC = sc.Text()
				gcMu.Unlock()
				continue
			}
			lines <- sc.Text()
		}
	}()
	start := time.Now()
	if err := app.Start(); err != nil {
		t.Fatal(err)
	}
	defer app.Process.Kill()
	await(t, lines, `msg="balie ready"`)
	ready := time.Since(start)
	await(t, lines, `msg="reader: port open"`)

	// Sign in with the supervisor's card on the serial line, the PIN with
	// the keyboard; the till can wait (the first scan puts it off).
	fmt.Fprintf(scanner, "0990000000010\r")
	time.Sleep(300 * time.Millisecond) // the card field fills; then the PIN is typed
	xdo(t, display, "type", "--delay", "10", "1234")
	xdo(t, display, "key", "Return")
	await(t, lines, `msg="staff signed in"`)

	var lat []time.Duration
	for _, c := range cards {
		sent := time.Now()
		fmt.Fprintf(scanner, "%s\r", c)
		await(t, lines, `msg="holder shown"`)
		lat = append(lat, time.Since(sent))
	}
	if addr := os.Getenv("BALIE_PPROF"); addr != "" {
		if out, err := exec.Command("curl", "-s", "-o", filepath.Join(os.TempDir(), "balie-heap.prof"), "http://"+addr+"/debug/pprof/heap").CombinedOutput(); err != nil {
			t.Logf("heap profile: %v %s", err, out)
		}
	}
	slices.Sort(lat)
	pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	hwm, rss := memory(t, app.Process.Pid)
	t.Logf("start to ready: %v (1,000,000 holders, integrity check included)", ready.Round(time.Millisecond))
	t.Logf("scan to holder shown over %d scans: median %v, p99 %v, max %v", len(lat), pct(0.5).Round(10*time.Microsecond), pct(0.99).Round(10*time.Microsecond), lat[len(lat)-1].Round(10*time.Microsecond))
	t.Logf("resident memory: peak %d MB, now %d MB", hwm/1024, rss/1024)
	gcMu.Lock()
	defer gcMu.Unlock()
	if lastGC != "" {
		t.Logf("last collection: %s", lastGC)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}

// someCards picks active holders' cards spread over the city.
func someCards(t *testing.T, path string, n int) []string {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var cards []string
	for i := 0; len(cards) < n && i < 10*n; i++ {
		var c string
		id := fmt.Sprintf("h-%07d", (i*7919)%1_000_000)
		if db.QueryRow(`SELECT number FROM cards WHERE holder_id = ? AND holder_id <> '' AND status = 'ACTIVE'`, id).Scan(&c) == nil {
			cards = append(cards, c)
		}
	}
	return cards
}

func await(t *testing.T, lines <-chan string, want string) {
	t.Helper()
	deadline := time.After(30 * time.Second)
	for {
		select {
		case l := <-lines:
			if strings.Contains(l, want) {
				return
			}
		case <-deadline:
			t.Fatalf("no log line with %s", want)
		}
	}
}

func waitFor(t *testing.T, d time.Duration, ok func() bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	for !ok() {
		select {
		case <-ctx.Done():
			t.Fatal("timed out")
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func xdo(t *testing.T, display string, args ...string) {
	t.Helper()
	cmd := exec.Command("xdotool", args...)
	cmd.Env = append(os.Environ(), "DISPLAY="+display)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("xdotool %v: %v %s", args, err, out)
	}
}

// memory reads a process's peak and current resident memory, in kB.
func memory(t *testing.T, pid int) (hwm, rss int) {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) >= 2 && f[0] == "VmHWM:" {
			hwm, _ = strconv.Atoi(f[1])
		}
		if len(f) >= 2 && f[0] == "VmRSS:" {
			rss, _ = strconv.Atoi(f[1])
		}
	}
	return hwm, rss
}

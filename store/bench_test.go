package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/balie/balie"
	"github.com/balie/balie/demo"
)

// The benchmarks run on the demo city as of Wednesday 25 November 2026,
// so their replica is the same on every machine.
func benchToday() time.Time { return time.Date(2026, 11, 25, 10, 0, 0, 0, balie.Brussels()) }

const benchEvent = "ev-20261125-zwemmen"

// benchCity returns a store holding the demo city with n holders. Large
// cities are kept in the temp folder between runs: generating a million
// holders is not what is being measured.
func benchCity(b testing.TB, n int) string {
	b.Helper()
	dir := filepath.Join(os.TempDir(), "balie-bench")
	path := filepath.Join(dir, fmt.Sprintf("city-%d-v2.db", n))
	if _, err := os.Stat(path); err == nil {
		return path
	} else if !errors.Is(err, fs.ErrNotExist) {
		b.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		b.Fatal(err)
	}
	part := path + ".part"
	os.Remove(part)
	ctx := context.Background()
	start := time.Now()
	d, err := Open(ctx, part, Options{Logger: quiet()})
	if err != nil {
		b.Fatal(err)
	}
	l, err := d.NewLoader(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if err := demo.Generate(demo.Config{Holders: n, Today: benchToday()}, l); err != nil {
		l.Abort()
		b.Fatal(err)
	}
	if err := l.Close(); err != nil {
		b.Fatal(err)
	}
	if _, err := d.TerminalID(ctx); err != nil {
		b.Fatal(err)
	}
	if err := d.SetDesk(ctx, demo.SportsDesk); err != nil {
		b.Fatal(err)
	}
	d.Close()
	if err := os.Rename(part, path); err != nil {
		b.Fatal(err)
	}
	b.Logf("generated a city of %d holders in %v", n, time.Since(start).Round(time.Millisecond))
	return path
}

// sampleCards picks active holder cards at random.
func sampleCards(b testing.TB, d *DB, n int) []balie.CardNumber {
	b.Helper()
	var max int
	if err := d.db.QueryRow(`SELECT count(*) FROM holders`).Scan(&max); err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var out []balie.CardNumber
	for len(out) < n {
		id := fmt.Sprintf("h-%07d", rng.IntN(max))
		var num string
		err := d.db.QueryRow(`SELECT number FROM cards WHERE holder_id = ? AND holder_id <> '' AND status = 'ACTIVE'`, id).Scan(&num)
		if err == nil {
			out = append(out, balie.CardNumber(num))
		}
	}
	return out
}

// latencies records one duration per operation and reports percentiles.
type latencies []time.Duration

func (l latencies) report(b *testing.B) {
	if len(l) == 0 {
		return
	}
	s := slices.Clone(l)
	slices.Sort(s)
	pct := func(p float64) float64 {
		return float64(s[min(len(s)-1, int(p*float64(len(s))))].Microseconds())
	}
	b.ReportMetric(pct(0.50), "p50-µs")
	b.ReportMetric(pct(0.99), "p99-µs")
	b.ReportMetric(float64(s[len(s)-1].Microseconds()), "max-µs")
}

// BenchmarkLookupDecide1M is a scan at the sports counter with a million
// holders in the replica: find the card's holder with their points and
// memberships, decide whether they may check in, and price a ticket.
func BenchmarkLookupDecide1M(b *testing.B) {
	benchLookupDecide(b, 1_000_000)
}

// BenchmarkLookupDecide8k is the same on the default demo city.
func BenchmarkLookupDecide8k(b *testing.B) {
	benchLookupDecide(b, demo.DefaultHolders)
}

func benchLookupDecide(b *testing.B, holders int) {
	path := benchCity(b, holders)
	ctx := context.Background()
	d, err := Open(ctx, path, Options{Logger: quiet(), Now: benchToday, QuickOpen: true})
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	cards := sampleCards(b, d, 5000)
	lat := make(latencies, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		n := cards[i%len(cards)]
		t0 := time.Now()
		if _, err := d.LookupCard(ctx, n); err != nil {
			b.Fatal(err)
		}
		if _, err := d.PreviewCheckin(ctx, n, benchEvent); err != nil && balie.ErrorCode(err) == "" {
			b.Fatal(err)
		}
		if _, _, err := d.QuoteTickets(ctx, balie.TicketRequest{Card: n, EventID: benchEvent, Lines: []balie.TicketOrder{{TariffID: benchEvent + "-normaal", Quantity: 1}}}); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	lat.report(b)
}

// BenchmarkCheckInDurable is one check-in, committed with fsync, on the
// default demo city.
func BenchmarkCheckInDurable(b *testing.B) {
	src := benchCity(b, demo.DefaultHolders)
	path := filepath.Join(b.TempDir(), "balie.db")
	data, err := os.ReadFile(src)
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	d, err := Open(ctx, path, Options{Logger: quiet(), Now: benchToday})
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	// Every check-in must be recorded, so the swimming limit is lifted.
	if _, err := d.db.Exec(`UPDATE events SET limit_volume = 0 WHERE id = ?`, benchEvent); err != nil {
		b.Fatal(err)
	}
	cards := sampleCards(b, d, 2000)
	staff := demo.WellKnown()[len(demo.WellKnown())-1].StaffID
	lat := make(latencies, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if _, err := d.CheckIn(ctx, staff, cards[i%len(cards)], benchEvent); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	lat.report(b)
}

// BenchmarkResidentMemory1M measures a terminal process holding the
// million-holder replica: a child process opens it, serves 20,000 scans
// and records 1,000 check-ins, then reports its peak resident memory.
// b.N is ignored: a process's peak is measured once per run.
func BenchmarkResidentMemory1M(b *testing.B) {
	path := benchCity(b, 1_000_000)
	{
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		work := filepath.Join(b.TempDir(), "rss.db")
		data, err := os.ReadFile(path)
		if err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(work, data, 0o600); err != nil {
			b.Fatal(err)
		}
		data = nil
		cmd.Env = append(os.Environ(), rssChildEnv+"="+work)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Run(); err != nil {
			b.Fatalf("child: %v: %s", err, errb.String())
		}
		fields := strings.Fields(out.String())
		if len(fields) != 2 {
			b.Fatalf("child said %q", out.String())
		}
		hwm, _ := strconv.ParseFloat(fields[0], 64)
		rss, _ := strconv.ParseFloat(fields[1], 64)
		b.ReportMetric(hwm/1024, "peak-RSS-MB")
		b.ReportMetric(rss/1024, "end-RSS-MB")
	}
}

const rssChildEnv = "BALIE_RSS_CHILD_DB"

func TestMain(m *testing.M) {
	if path := os.Getenv(rssChildEnv); path != "" {
		os.Exit(rssChild(path))
	}
	os.Exit(m.Run())
}

// rssChild is the terminal process the memory benchmark measures. It
// opens the store as the app does (with the integrity check), then works.
func rssChild(path string) int {
	ctx := context.Background()
	d, err := Open(ctx, path, Options{Logger: quiet(), Now: benchToday})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer d.Close()
	if _, err := d.db.Exec(`UPDATE events SET limit_volume = 0 WHERE id = ?`, benchEvent); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	cards := sampleCards(&testing.B{}, d, 20000)
	staff := demo.WellKnown()[len(demo.WellKnown())-1].StaffID
	for i, n := range cards {
		if _, err := d.LookupCard(ctx, n); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		if i%20 == 0 {
			if _, err := d.CheckIn(ctx, staff, n, benchEvent); err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 1
			}
		}
	}
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	var hwm, rss string
	for _, line := range strings.Split(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			hwm = strings.Fields(v)[0]
		}
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			rss = strings.Fields(v)[0]
		}
	}
	fmt.Println(hwm, rss)
	return 0
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/balie/balie"
	"github.com/balie/balie/ledger"
	"github.com/balie/balie/ledger/engine"
	balisync "github.com/balie/balie/sync"
)

// pressure loads a `ledger serve` the way hostile or broken clients
// would, all at once, and prints the server's peak resident memory:
//   - the prepared terminals uploading their batches, as in ingest;
//   - --big clients posting bodies of the largest size allowed
//     (balisync.MaxBody), over and over, each with the credentials of a
//     terminal of its own (enrolled here: the worst case, many broken
//     or stolen terminals, each within its one-request-at-a-time);
//   - --stalled clients, each a terminal of its own too, asking for the
//     first page of changes and never reading it;
//   - one client trying wrong secrets as fast as it can.
//
// It reads VmRSS from /proc every 50 ms and VmHWM at the end.
func pressure(args []string) error {
	fs := flag.NewFlagSet("pressure", flag.ExitOnError)
	dir := fs.String("dir", "", "the benchmark's folder, made by prepare")
	bin := fs.String("ledger", "bin/ledger", "the ledger binary")
	big := fs.Int("big", 20, "clients posting maximal bodies")
	stalled := fs.Int("stalled", 50, "clients that never read their download")
	secs := fs.Int("seconds", 60, "how long the pressure lasts")
	fs.Parse(args)
	terms, bs, err := bodies(*dir)
	if err != nil {
		return err
	}
	addr := filepath.Join(*dir, "run.db")
	for _, s := range []string{"", "-wal", "-shm"} {
		os.Remove(addr + s)
	}
	b, err := os.ReadFile(filepath.Join(*dir, "ledger.db"))
	if err != nil {
		return err
	}
	if err := os.WriteFile(addr, b, 0o600); err != nil {
		return err
	}
	attackers, err := enrolMany(addr, *big+*stalled)
	if err != nil {
		return err
	}
	s, err := startServer(*bin, addr)
	if err != nil {
		return err
	}
	defer s.stop()

	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(*secs)*time.Second)
	defer cancel()
	var peak, peakHeap, peakGo atomic.Int64
	go func() {
		for ctx.Err() == nil {
			if kb := procStatus(s.cmd.Process.Pid, "VmRSS"); kb > peak.Load() {
				peak.Store(kb)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}()
	// The Go heap's share of it, from the server's own /metrics.
	go func() {
		for ctx.Err() == nil {
			heap, sys := goMemory(s.url)
			if heap > peakHeap.Load() {
				peakHeap.Store(heap)
			}
			if sys > peakGo.Load() {
				peakGo.Store(sys)
			}
			time.Sleep(500 * time.Millisecond)
		}
	}()

	var statuses sync.Map // status code -> *atomic.Int64
	count := func(code int) {
		v, _ := statuses.LoadOrStore(code, new(atomic.Int64))
		v.(*atomic.Int64).Add(1)
	}
	post := func(c *http.Client, path, auth string, body []byte) (int, error) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.url+path, bytes.NewReader(body))
		req.Header.Set("Authorization", auth)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(balisync.HeaderProtocol, strconv.Itoa(balisync.Protocol))
		resp, err := c.Do(req)
		if err != nil {
			if ctx.Err() == nil {
				count(-1) // no answer: the connection failed
			}
			return 0, err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		count(resp.StatusCode)
		return resp.StatusCode, nil
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 200, DisableCompression: true}}
	var wg sync.WaitGroup
	var honest atomic.Int64
	start := time.Now()
	for ti, tm := range terms {
		wg.Add(1)
		go func() {
			defer wg.Done()
			auth := "Bearer " + tm.ID + "." + tm.Secret
			for _, body := range bs[ti] {
				for ctx.Err() == nil {
					code, err := post(client, balisync.PathEvents, auth, body)
					if err == nil && code == http.StatusOK {
						honest.Add(balisync.MaxBatch)
						break
					}
					// 503: the budget is spent; a terminal waits and retries.
					time.Sleep(200 * time.Millisecond)
				}
			}
		}()
	}
	// The largest body allowed: a batch of MaxBatch events whose
	// payloads fill MaxBody, valid JSON the ledger must read whole.
	for i := range *big {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tm := attackers[i]
			maximal := maximalBody(tm.ID)
			for ctx.Err() == nil {
				post(client, balisync.PathEvents, "Bearer "+tm.ID+"."+tm.Secret, maximal)
			}
		}()
	}
	for i := range *stalled {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tm := attackers[*big+i]
			for ctx.Err() == nil {
				stall(ctx, s.url, tm.ID+"."+tm.Secret)
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		// From another address (127.0.0.2, still loopback): the ledger
		// refuses an address that fails too often, whatever it sends, so
		// from the terminals' own address this would shut them out too.
		d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 2)}}
		c := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4, DialContext: d.DialContext}}
		for ctx.Err() == nil {
			post(c, balisync.PathEvents, "Bearer "+terms[0].ID+".wrong-secret", []byte(`{"events":[]}`))
		}
	}()
	wg.Wait()
	took := time.Since(start)
	hwm := procStatus(s.cmd.Process.Pid, "VmHWM")
	var parts []string
	statuses.Range(func(k, v any) bool {
		parts = append(parts, fmt.Sprintf("%d×%d", k.(int), v.(*atomic.Int64).Load()))
		return true
	})
	fmt.Printf("pressure: %d big, %d stalled, %d terminals, %v: peak RSS %.0f MiB (VmHWM %.0f MiB; Go heap in use at most %.0f MiB, Go's memory from the system %.0f MiB); %d honest events stored (%.0f/s); answers %s\n",
		*big, *stalled, len(terms), took.Round(time.Second), float64(peak.Load())/1024, float64(hwm)/1024,
		float64(peakHeap.Load())/(1<<20), float64(peakGo.Load())/(1<<20),
		honest.Load(), float64(honest.Load())/took.Seconds(), strings.Join(parts, " "))
	return nil
}

// enrolMany enrols n terminals in the ledger at path, before it serves.
func enrolMany(path string, n int) ([]terminalFile, error) {
	ctx := context.Background()
	st, err := engine.Open(ctx, path, engine.Options{})
	if err != nil {
		return nil, err
	}
	l := ledger.New(st, ledger.Options{})
	defer l.Close()
	var out []terminalFile
	for range n {
		tm, err := enrol(ctx, l)
		if err != nil {
			return nil, err
		}
		out = append(out, terminalFile{ID: tm.ID, Secret: tm.Secret})
	}
	return out, nil
}

// maximalBody is an upload of MaxBatch events filling MaxBody bytes.
func maximalBody(terminal string) []byte {
	per := balisync.MaxBody/balisync.MaxBatch - 400
	pad := strings.Repeat("x", per)
	var evs []balie.JournalEvent
	for i := range balisync.MaxBatch {
		evs = append(evs, balie.JournalEvent{ID: fmt.Sprintf("0193aaaa-0000-7000-8000-%012d", i), Terminal: terminal, Seq: int64(i + 1),
			Time: time.Now().UTC(), Staff: "staff-sport-1", Kind: balie.KindCheckin,
			Payload: json.RawMessage(`{"note":"` + pad + `"}`), PrevHash: balie.GenesisHash, Hash: balie.GenesisHash})
	}
	b, _ := json.Marshal(balisync.UploadRequest{Events: evs})
	if len(b) > balisync.MaxBody {
		b = b[:0]
	}
	return b
}

// stall asks for the first page of changes over a raw connection and
// never reads the answer, until the server gives up on it.
func stall(ctx context.Context, base, auth string) {
	host := strings.TrimPrefix(base, "http://")
	c, err := net.Dial("tcp", host)
	if err != nil {
		time.Sleep(100 * time.Millisecond)
		return
	}
	defer c.Close()
	// A tiny receive window keeps the server's writes blocked.
	if tc, ok := c.(*net.TCPConn); ok {
		tc.SetReadBuffer(4096)
	}
	fmt.Fprintf(c, "GET %s?after=0 HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n%s: %d\r\n\r\n", balisync.PathChanges, host, auth, balisync.HeaderProtocol, balisync.Protocol)
	buf := make([]byte, 1)
	c.Read(buf) // the first byte; then nothing more is read
	select {
	case <-ctx.Done():
	case <-time.After(90 * time.Second):
	}
}

// procStatus reads a kB figure of /proc/PID/status.
func procStatus(pid int, field string) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return n
		}
	}
	return 0
}

// goMemory reads the Go heap in use and Go's memory from the system from
// the server's /metrics.
func goMemory(base string) (heap, sys int64) {
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		return 0, 0
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) != 2 {
			continue
		}
		v, _ := strconv.ParseFloat(f[1], 64)
		switch f[0] {
		case "go_memstats_heap_inuse_bytes":
			heap = int64(v)
		case "go_memstats_sys_bytes":
			sys = int64(v)
		}
	}
	return heap, sys
}

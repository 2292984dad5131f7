package ledger

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/balie/balie"
	balisync "github.com/balie/balie/sync"
	"github.com/google/uuid"
)

const (
	benchTerminals = 10
	benchBatch     = 1000
	benchHolders   = 50000
)

// benchBatches makes, for each of terms, n chained batches of check-ins
// spread over the city's holders and today's events, each inside its
// event's opening hours.
func benchBatches(c *city, terms []*term, n int) [][][]balie.JournalEvent {
	var evs []balie.Event
	for _, e := range c.events {
		if e.PointsPerCheckin > 0 && e.Start.In(balie.Brussels()).Format("20060102") == today.Format("20060102") {
			evs = append(evs, e)
		}
	}
	sort.Slice(evs, func(i, j int) bool { return evs[i].ID < evs[j].ID })
	out := make([][][]balie.JournalEvent, len(terms))
	k := 0
	for ti, tm := range terms {
		for range n {
			batch := make([]balie.JournalEvent, 0, benchBatch)
			for range benchBatch {
				h := c.holders[(k*7919)%len(c.holders)]
				ev := evs[(k/len(c.holders))%len(evs)]
				k++
				body, _ := json.Marshal(checkin(h, ev))
				tm.seq++
				e := balie.JournalEvent{ID: uuid.Must(uuid.NewV7()).String(), Terminal: tm.id, Seq: tm.seq,
					Time: ev.Start.Add(time.Duration(k%3600) * time.Second).UTC(), Staff: "staff-box-1",
					Kind: balie.KindCheckin, Payload: body, PrevHash: tm.prev}
				e.Hash = e.ComputeHash()
				tm.prev = e.Hash
				batch = append(batch, e)
			}
			out[ti] = append(out[ti], batch)
		}
	}
	return out
}

// cpuTime is the process's user and system time so far: on a shared
// machine, CPU per event says more than wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func benchLedger(b *testing.B) (*Ledger, *city, []*term) {
	l, _ := newLedger(b)
	c := seed(b, l, benchHolders)
	terms := make([]*term, benchTerminals)
	for i := range terms {
		terms[i] = enrolTerminal(b, l, "desk-box")
	}
	return l, c, terms
}

// BenchmarkIngest10Terminals uploads batches of 1000 check-ins from 10
// terminals at once over HTTP on 127.0.0.1, JSON and all; b.N is the
// number of batches per terminal.
func BenchmarkIngest10Terminals(b *testing.B) {
	l, c, terms := benchLedger(b)
	srv := NewServer(l, ServerOptions{})
	if err := srv.Start("127.0.0.1:0"); err != nil {
		b.Fatal(err)
	}
	defer srv.Shutdown(context.Background())
	batches := benchBatches(c, terms, b.N)
	bodies := make([][][]byte, len(terms))
	for ti := range terms {
		for _, batch := range batches[ti] {
			body, _ := json.Marshal(balisync.UploadRequest{Events: batch})
			bodies[ti] = append(bodies[ti], body)
		}
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: benchTerminals, DisableCompression: true}}
	var verdicts sync.Map
	b.ResetTimer()
	start, cpu0 := time.Now(), cpuTime()
	var wg sync.WaitGroup
	errs := make(chan error, len(terms))
	for ti, tm := range terms {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, body := range bodies[ti] {
				req, _ := http.NewRequest(http.MethodPost, srv.URL()+balisync.PathEvents, bytes.NewReader(body))
				req.Header.Set("Authorization", tm.bearer())
				req.Header.Set("Content-Type", "application/json")
				resp, err := client.Do(req)
				if err != nil {
					errs <- err
					return
				}
				var out balisync.UploadResponse
				err = json.NewDecoder(resp.Body).Decode(&out)
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK || err != nil {
					errs <- fmt.Errorf("status %d: %v", resp.StatusCode, err)
					return
				}
				for _, v := range out.Verdicts {
					n, _ := verdicts.LoadOrStore(v.Status, new(int64))
					*(n.(*int64))++
				}
			}
		}()
	}
	wg.Wait()
	// Sustained ingest pays for the write-behind too: flush it in the
	// measured time.
	if err := l.Flush(context.Background()); err != nil {
		b.Fatal(err)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	total := len(terms) * b.N * benchBatch
	b.ReportMetric(float64(total)/elapsed.Seconds(), "events/s")
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(total), "cpu-µs/event")
	b.ReportMetric(0, "ns/op")
	verdicts.Range(func(k, v any) bool {
		b.Logf("%s: %d", k, *(v.(*int64)))
		return true
	})
}

// BenchmarkIngestInProcess10Terminals is the same load without HTTP and
// JSON: the ledger's own share of the cost.
func BenchmarkIngestInProcess10Terminals(b *testing.B) {
	l, c, terms := benchLedger(b)
	batches := benchBatches(c, terms, b.N)
	b.ResetTimer()
	start, cpu0 := time.Now(), cpuTime()
	var wg sync.WaitGroup
	errs := make(chan error, len(terms))
	for ti, tm := range terms {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, batch := range batches[ti] {
				if _, p := l.Ingest(context.Background(), tm.id, batch); p != nil {
					errs <- fmt.Errorf("%s: %s", p.Code, p.EN)
					return
				}
			}
		}()
	}
	wg.Wait()
	// Sustained ingest pays for the write-behind too: flush it in the
	// measured time.
	if err := l.Flush(context.Background()); err != nil {
		b.Fatal(err)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
	total := len(terms) * b.N * benchBatch
	b.ReportMetric(float64(total)/elapsed.Seconds(), "events/s")
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(total), "cpu-µs/event")
	b.ReportMetric(0, "ns/op")
}

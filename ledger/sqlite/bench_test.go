package sqlite_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/balie/balie"
	"github.com/balie/balie/demo"
	"github.com/balie/balie/ledger"
	"github.com/balie/balie/ledger/ledgertest"
	"github.com/balie/balie/ledger/sqlite"
	balisync "github.com/balie/balie/sync"
)

// cpuTime is the process's user and system time so far: on a shared
// machine, CPU per event says more than wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkIngestInProcess10Terminals uploads batches of 1000 check-ins
// from 10 terminals at once through the ledger's service layer, without
// HTTP and JSON: the core's and the engine's share of the cost. b.N is
// the number of batches per terminal. The HTTP figure, from a client
// outside the process, is internal/cmd/ingestbench's.
func BenchmarkIngestInProcess10Terminals(b *testing.B) {
	ctx := context.Background()
	now := time.Date(2026, 3, 10, 23, 0, 0, 0, balie.Brussels())
	s, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "ledger.db"), sqlite.Options{QuickOpen: true})
	if err != nil {
		b.Fatal(err)
	}
	l := ledger.New(s, ledger.Options{Now: func() time.Time { return now }})
	defer l.Close()
	ld, _ := l.NewLoader(ctx)
	if err := demo.Generate(demo.Config{Holders: 50000, Today: now}, ld); err != nil {
		b.Fatal(err)
	}
	ld.Close()
	var events []balie.Event
	var cards []balie.Card
	s.Read(ctx, func(tx ledger.ReadTx) error {
		tx.Entities(balie.ChangeEvent, demo.OrgSports, func(id string, data []byte) error {
			if strings.HasSuffix(id, "-zwemmen") || strings.HasSuffix(id, "-fitness") {
				events = append(events, balie.Event{ID: id})
			}
			return nil
		})
		for i := range 50000 {
			cs, _ := tx.HolderCards(fmt.Sprintf("h-%07d", i))
			for _, c := range cs {
				if c.Status == balie.CardActive {
					cards = append(cards, c)
					break
				}
			}
		}
		return nil
	})
	var today []balie.Event
	for _, e := range events {
		if e.ID[3:11] == now.Format("20060102") {
			today = append(today, e)
		}
	}
	sort.Slice(today, func(i, j int) bool { return today[i].ID < today[j].ID })
	terms := make([]*ledgertest.Terminal, 10)
	for i := range terms {
		terms[i] = ledgertest.Enrol(b, l, demo.SportsDesk)
	}
	reqs := make([][]balisync.UploadRequest, len(terms))
	k := 0
	for ti, tm := range terms {
		for range b.N {
			batch := make([]balie.JournalEvent, 0, 1000)
			for range 1000 {
				c := cards[(k*7919)%len(cards)]
				ev := today[(k/len(cards))%len(today)]
				k++
				at := now.Add(-2*time.Hour + time.Duration(k%3600)*time.Second)
				batch = append(batch, tm.Event(balie.KindCheckin, "staff-sport-1", at,
					balie.CheckinPayload{HolderID: c.HolderID, Card: c.Number, EventID: ev.ID, OrganiserID: demo.OrgSports, Points: 1}))
			}
			reqs[ti] = append(reqs[ti], tm.Request(batch...))
		}
	}
	b.ResetTimer()
	start, cpu0 := time.Now(), cpuTime()
	var wg sync.WaitGroup
	for ti, tm := range terms {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, req := range reqs[ti] {
				if _, _, p := l.Ingest(ctx, tm.ID, req); p != nil {
					b.Errorf("%s: %s", p.Code, p.EN)
					return
				}
			}
		}()
	}
	wg.Wait()
	// Sustained ingest pays for the write-behind too: fold it in the
	// measured time.
	if err := s.Flush(ctx); err != nil {
		b.Fatal(err)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	total := len(terms) * b.N * 1000
	b.ReportMetric(float64(total)/elapsed.Seconds(), "events/s")
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(total), "cpu-µs/event")
	b.ReportMetric(0, "ns/op")
}

package postgres_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/balie/balie"
	"github.com/balie/balie/demo"
	"github.com/balie/balie/internal/pgtest"
	"github.com/balie/balie/ledger/ledgertest"
	"github.com/balie/balie/ledger/postgres"
	balisync "github.com/balie/balie/sync"
	"github.com/jackc/pgx/v5"
)

// The figures of docs/postgres.md "Performance". Not part of go test: run
//
//	go test ./ledger/postgres -run '^$' -bench IngestTwoProcesses -benchtime 1x
//
// Each starts a cluster of its own with fsync, full page writes and
// synchronous commit on (the correctness tests' cluster has them off).

// statementsEnv, set to 1, has a benchmark print the statements that
// took PostgreSQL's time (pg_stat_statements), for whoever tunes them.
const statementsEnv = "BALIE_BENCH_STATEMENTS"

// printStatements logs the statements by the time they took.
func printStatements(b *testing.B, db string) {
	b.Helper()
	if os.Getenv(statementsEnv) != "1" {
		return
	}
	ctx := context.Background()
	c, err := pgx.Connect(ctx, db)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, `CREATE EXTENSION IF NOT EXISTS pg_stat_statements`); err != nil {
		b.Fatal(err)
	}
	rows, err := c.Query(ctx, `SELECT calls, total_exec_time, rows, left(regexp_replace(query, '\s+', ' ', 'g'), 110) FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 25`)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var calls, n int64
		var ms float64
		var q string
		rows.Scan(&calls, &ms, &n, &q)
		b.Logf("%8.0f ms %7d calls %9d rows  %s", ms, calls, n, q)
	}
}

// benchCluster starts a durable cluster for one benchmark, stopped when
// it ends (after the ledger processes, whose cleanups run first).
func benchCluster(b *testing.B) *pgtest.Cluster {
	b.Helper()
	if os.Getenv(pgtest.SkipEnv) == "1" {
		b.Skipf("PostgreSQL benchmarks skipped: %s=1 is set", pgtest.SkipEnv)
	}
	settings := map[string]string{
		// Checkpoints by size only, as a tuned server has them; the
		// WAL of a run fits.
		"max_wal_size": "8GB", "checkpoint_timeout": "30min",
	}
	if os.Getenv(statementsEnv) == "1" {
		settings["shared_preload_libraries"] = "pg_stat_statements"
	}
	c := pgtest.New(pgtest.Options{Fsync: true, Settings: settings})
	if err := c.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		if err := c.Stop(); err != nil {
			b.Error(err)
		}
	})
	return c
}

// BenchmarkIngestTwoProcesses: ten terminals upload batches of 1000
// check-ins at once to two `ledger serve` processes (the real program,
// built from this module) on one PostgreSQL, over HTTP on 127.0.0.1; the
// client is this process, with every batch encoded and signed before the
// clock starts. Every check-in is a first one of its holder at its event,
// so each is accepted with a point: an event row, a usage row, a balance
// and its change-log entry. Reported: events/s, and the CPU microseconds
// per event of the ledgers, of PostgreSQL (server and backends) and of the
// client, read from /proc.
func BenchmarkIngestTwoProcesses(b *testing.B) {
	const (
		holders   = 20_000
		terminals = 10
		batches   = 10 // per terminal and round
		perBatch  = balisync.MaxBatch
	)
	ctx := context.Background()
	cluster := benchCluster(b)
	db := cluster.NewDatabase(b)
	bin := ledgertest.BuildLedger(b)
	now := time.Now().In(balie.Brussels())
	today := time.Date(now.Year(), now.Month(), now.Day()-1, 0, 0, 0, 0, balie.Brussels())
	start := time.Now()
	ledgertest.Command(b, bin, "init", "--db", db)
	ledgertest.Command(b, bin, "seed", "--db", db, "--demo", "--history=false", "--holders", strconv.Itoa(holders), "--today", today.Format("2006-01-02"))
	b.Logf("seeded %d holders through ledger seed in %v", holders, time.Since(start).Round(time.Millisecond))
	serveDB := db + os.Getenv("BALIE_BENCH_DB_PARAMS")
	procs := []*ledgertest.Process{ledgertest.Serve(b, bin, serveDB), ledgertest.Serve(b, bin, serveDB)}

	// Every holder's active card, and the sports events of the six days
	// up to the city's today: pairs enough for every round's check-ins
	// to be first ones.
	c, err := pgx.Connect(ctx, db)
	if err != nil {
		b.Fatal(err)
	}
	rows, _ := c.Query(ctx, `SELECT DISTINCT ON (holder_id) holder_id, number FROM cards WHERE status = 'ACTIVE' AND holder_id LIKE 'h-%' ORDER BY holder_id, number`)
	cards, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) ([2]string, error) {
		var hc [2]string
		err := r.Scan(&hc[0], &hc[1])
		return hc, err
	})
	c.Close(ctx)
	if err != nil {
		b.Fatal(err)
	}
	type event struct {
		id  string
		day time.Time
	}
	var events []event
	for d := -5; d <= 0; d++ {
		day := today.AddDate(0, 0, d)
		for _, slug := range []string{"zwemmen", "fitness"} {
			events = append(events, event{"ev-" + day.Format("20060102") + "-" + slug, day})
		}
	}

	tms := make([]*ledgertest.Terminal, terminals)
	for i := range tms {
		_, token := ledgertest.CommandAddTerminal(b, bin, db, fmt.Sprintf("Bench %d", i), demo.OrgSports, demo.SportsDesk)
		tm := &ledgertest.Terminal{Key: ledgertest.NewKey(b), Prev: balie.GenesisHash}
		var resp balisync.EnrolResponse
		if st := tm.Post(b, procs[0].URL, balisync.PathEnrol, balisync.EnrolRequest{Token: token, PublicKey: tm.PublicKey()}, &resp); st != 200 {
			b.Fatalf("enrol: %d", st)
		}
		tm.ID, tm.Secret = resp.TerminalID, resp.Secret
		tms[i] = tm
	}
	client := &http.Client{Timeout: 5 * time.Minute, Transport: &http.Transport{MaxIdleConnsPerHost: terminals}}
	// Terminal i checks in holders of its own share of the city, a
	// thousand a batch, at one event after the other: ten desks at ten
	// different places, meeting on no row.
	share := len(cards) / terminals
	used := make([]int, terminals)
	b.ResetTimer()
	var took time.Duration
	var cpu cpuSplit
	accepted := 0
	for range b.N {
		b.StopTimer()
		bodies := make([][][]byte, terminals)
		for i, tm := range tms {
			for range batches {
				evs := make([]balie.JournalEvent, perBatch)
				for j := range evs {
					ev := events[(used[i]/share)%len(events)]
					hc := cards[i*share+used[i]%share]
					used[i]++
					at := ev.day.Add(8*time.Hour + time.Duration(used[i]%(13*3600))*time.Second)
					evs[j] = tm.Event(balie.KindCheckin, "staff-sport-1", at, balie.CheckinPayload{HolderID: hc[0], Card: balie.CardNumber(hc[1]),
						EventID: ev.id, OrganiserID: demo.OrgSports, Points: 1})
				}
				body, err := json.Marshal(tm.Request(evs...))
				if err != nil {
					b.Fatal(err)
				}
				bodies[i] = append(bodies[i], body)
			}
		}
		before := readCPU(b, cluster, procs)
		b.StartTimer()
		t0 := time.Now()
		var wg sync.WaitGroup
		results := make(chan error, terminals)
		counts := make([]int, terminals)
		for i, tm := range tms {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for k, body := range bodies[i] {
					// Each terminal's batches go to both processes in turn.
					n, err := upload(client, procs[(i+k)%2].URL, tm, body)
					if err != nil {
						results <- fmt.Errorf("terminal %d batch %d: %w", i, k, err)
						return
					}
					counts[i] += n
				}
			}()
		}
		wg.Wait()
		took += time.Since(t0)
		b.StopTimer()
		cpu = cpu.add(readCPU(b, cluster, procs).sub(before))
		close(results)
		for err := range results {
			b.Fatal(err)
		}
		for _, n := range counts {
			accepted += n
		}
		b.StartTimer()
	}
	b.StopTimer()
	// Other work on the machine slows a run; the load says how much.
	if load, err := os.ReadFile("/proc/loadavg"); err == nil {
		b.Logf("load average after the run: %s", strings.TrimSpace(string(load)))
	}
	printStatements(b, db)
	total := float64(b.N * terminals * batches * perBatch)
	if accepted != int(total) {
		b.Errorf("%d of %.0f check-ins accepted", accepted, total)
	}
	b.ReportMetric(total/took.Seconds(), "events/s")
	b.ReportMetric(float64((cpu.ledgers+cpu.postgres+cpu.client).Microseconds())/total, "cpu-µs/event")
	b.ReportMetric(float64(cpu.ledgers.Microseconds())/total, "ledger-cpu-µs/event")
	b.ReportMetric(float64(cpu.postgres.Microseconds())/total, "pg-cpu-µs/event")
	b.ReportMetric(float64(cpu.client.Microseconds())/total, "client-cpu-µs/event")
}

// upload posts one batch and returns how many events were accepted.
func upload(client *http.Client, base string, tm *ledgertest.Terminal, body []byte) (int, error) {
	req, _ := http.NewRequest(http.MethodPost, base+balisync.PathEvents, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(balisync.HeaderProtocol, strconv.Itoa(balisync.Protocol))
	req.Header.Set("Authorization", tm.Bearer())
	res, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	var up balisync.UploadResponse
	if err := json.NewDecoder(res.Body).Decode(&up); err != nil || res.StatusCode != 200 {
		return 0, fmt.Errorf("status %d: %v", res.StatusCode, err)
	}
	n := 0
	for _, v := range up.Verdicts {
		if v.Status == balisync.Accepted {
			n++
		}
	}
	return n, nil
}

// cpuSplit is CPU time spent, by whom.
type cpuSplit struct{ ledgers, postgres, client time.Duration }

func (a cpuSplit) add(b cpuSplit) cpuSplit {
	return cpuSplit{a.ledgers + b.ledgers, a.postgres + b.postgres, a.client + b.client}
}

func (a cpuSplit) sub(b cpuSplit) cpuSplit {
	return cpuSplit{a.ledgers - b.ledgers, a.postgres - b.postgres, a.client - b.client}
}

// readCPU reads the CPU time used so far by the ledger processes, by
// PostgreSQL (the postmaster, the backends it reaped and those running)
// and by this process.
func readCPU(b *testing.B, c *pgtest.Cluster, procs []*ledgertest.Process) cpuSplit {
	b.Helper()
	var s cpuSplit
	for _, p := range procs {
		f := procStat(b, p.Pid)
		s.ledgers += ticks(f[13]) + ticks(f[14])
	}
	pm := c.ServerPID()
	f := procStat(b, pm)
	s.postgres = ticks(f[13]) + ticks(f[14]) + ticks(f[15]) + ticks(f[16])
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		data, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		if f := statFields(data); len(f) > 16 && f[3] == strconv.Itoa(pm) && pid != pm {
			s.postgres += ticks(f[13]) + ticks(f[14])
		}
	}
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	s.client = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	return s
}

func procStat(b *testing.B, pid int) []string {
	b.Helper()
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		b.Fatal(err)
	}
	return statFields(data)
}

// statFields splits /proc/PID/stat into its fields, numbered from 0 (the
// pid); the command, in parentheses, may hold spaces.
func statFields(data []byte) []string {
	s := string(data)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return nil
	}
	return append([]string{strings.Fields(s[:i])[0], "cmd"}, strings.Fields(s[i+1:])...)
}

// ticks converts a count of clock ticks (USER_HZ, 100 on Linux) to time.
func ticks(f string) time.Duration {
	n, _ := strconv.ParseInt(f, 10, 64)
	return time.Duration(n) * 10 * time.Millisecond
}

// BenchmarkInsertEvents compares the bulk paths for an upload's events,
// a transaction of 1000 rows each: INSERT ... SELECT FROM unnest of one
// array a column, plain (what the engine does) and ON CONFLICT DO
// NOTHING, and COPY into a temporary table then INSERT ... SELECT ... ON
// CONFLICT DO NOTHING. The three take turns, a transaction each, so that
// other work on the machine slows them alike; each reports its wall time
// per row.
//
//	go test ./ledger/postgres -run '^$' -bench InsertEvents -benchtime 40x
func BenchmarkInsertEvents(b *testing.B) {
	ctx := context.Background()
	cluster := benchCluster(b)
	db := cluster.NewDatabase(b)
	s, err := postgres.Open(ctx, db, postgres.Options{})
	if err != nil {
		b.Fatal(err)
	}
	s.Close()
	c, err := pgx.Connect(ctx, db)
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, `CREATE TEMP TABLE events_in (LIKE events) ON COMMIT DELETE ROWS`); err != nil {
		b.Fatal(err)
	}
	const n = 1000
	payload := []byte(`{"holder":"h-0001234","card":"0900000095902","event":"ev-20261125-zwemmen","organiser":"org-sport","points":1}`)
	next := int64(0)
	rows := func() [][]any {
		out := make([][]any, n)
		for i := range out {
			next++
			id := fmt.Sprintf("0193a3c4-0000-7000-8000-%012d", next)
			out[i] = []any{next, id, "term-1", next, "2026-11-25T10:00:00.123456789Z", "staff-sport-1", "CHECKIN", payload,
				strings.Repeat("a", 64), strings.Repeat("b", 64), "ACCEPTED", "", "", "", next, "h-0001234", int64(1), "", "ev-20261125-zwemmen"}
		}
		return out
	}
	columns := func(rs [][]any) []any {
		cols := make([]any, 19)
		for j := range cols {
			switch rs[0][j].(type) {
			case int64:
				v := make([]int64, n)
				for i := range rs {
					v[i] = rs[i][j].(int64)
				}
				cols[j] = v
			case []byte:
				v := make([][]byte, n)
				for i := range rs {
					v[i] = rs[i][j].([]byte)
				}
				cols[j] = v
			default:
				v := make([]string, n)
				for i := range rs {
					v[i] = rs[i][j].(string)
				}
				cols[j] = v
			}
		}
		return cols
	}
	const unnest = `INSERT INTO events (ingest, id, terminal, seq, time, staff, kind, payload, prev_hash, hash, status, code, message_nl, message_en, received, holder_id, points, undo, item)
		SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::bytea[], $9::text[],
			$10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::bigint[], $16::text[], $17::bigint[], $18::text[], $19::text[])`
	names := []string{"ingest", "id", "terminal", "seq", "time", "staff", "kind", "payload", "prev_hash", "hash",
		"status", "code", "message_nl", "message_en", "received", "holder_id", "points", "undo", "item"}
	paths := []struct {
		name string
		run  func(tx pgx.Tx, rs [][]any) error
	}{
		{"unnest", func(tx pgx.Tx, rs [][]any) error { _, err := tx.Exec(ctx, unnest, columns(rs)...); return err }},
		{"unnest-on-conflict", func(tx pgx.Tx, rs [][]any) error {
			_, err := tx.Exec(ctx, unnest+` ON CONFLICT DO NOTHING`, columns(rs)...)
			return err
		}},
		{"copy", func(tx pgx.Tx, rs [][]any) error {
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{"events_in"}, names, pgx.CopyFromRows(rs)); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO events SELECT * FROM events_in ON CONFLICT DO NOTHING`)
			return err
		}},
	}
	took := make([]time.Duration, len(paths))
	for range b.N {
		for k, p := range paths {
			rs := rows()
			t0 := time.Now()
			tx, err := c.Begin(ctx)
			if err != nil {
				b.Fatal(err)
			}
			if err := p.run(tx, rs); err != nil {
				b.Fatalf("%s: %v", p.name, err)
			}
			if err := tx.Commit(ctx); err != nil {
				b.Fatal(err)
			}
			took[k] += time.Since(t0)
		}
	}
	for k, p := range paths {
		b.ReportMetric(float64(took[k].Microseconds())/float64(b.N*n), p.name+"-µs/row")
	}
}

// BenchmarkFirstDownload reads a whole directory's change log in pages,
// as a new terminal's first download does, on the ledger's side only (the
// terminal's store applying it is not in it): 100,000 holders.
//
//	go test ./ledger/postgres -run '^$' -bench FirstDownload -benchtime 3x
//
// (The testing package runs a benchmark once with b.N = 1 before the
// asked count, so the city is seeded twice.)
func BenchmarkFirstDownload(b *testing.B) {
	ctx := context.Background()
	cluster := benchCluster(b)
	url := cluster.NewDatabase(b)
	l := ledgerAt(b, url, false)
	ld, err := l.NewLoader(ctx)
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	if err := demo.Generate(demo.Config{Holders: 100_000, Today: today}, ld); err != nil {
		b.Fatal(err)
	}
	if err := ld.Close(); err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded 100,000 holders in %v", time.Since(start).Round(time.Millisecond))
	var buf bytes.Buffer
	total := 0
	b.ResetTimer()
	for range b.N {
		// Pages as the HTTP layer writes them; the next cursor and more
		// are at the end of each.
		cursor := ""
		for {
			buf.Reset()
			n, p := l.WriteChanges(ctx, cursor, 0, &buf)
			if p != nil {
				b.Fatal(p.EN)
			}
			total += n
			tail := buf.Bytes()[bytes.LastIndex(buf.Bytes(), []byte(`],"next":`))+2:]
			var end struct {
				Next string `json:"next"`
				More bool   `json:"more"`
			}
			if err := json.Unmarshal(append([]byte{'{'}, tail...), &end); err != nil {
				b.Fatalf("page end %q: %v", tail, err)
			}
			if cursor = end.Next; !end.More {
				break
			}
		}
	}
	b.ReportMetric(float64(total)/float64(b.N), "changes")
	b.ReportMetric(float64(total)/b.Elapsed().Seconds(), "changes/s")
}

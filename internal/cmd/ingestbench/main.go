// Command ingestbench measures the ledger's ingest the way terminals load
// it: from a client outside the ledger's process, ten terminals at once,
// batches of a thousand signed check-ins over HTTP; and, for comparison, a
// plain batched insert of the same rows into a SQLite file.
//
//	ingestbench prepare --dir D [--holders 50000] [--terminals 10] [--batches 30]
//	ingestbench ingest --dir D --ledger bin/ledger [--processes 1] [--db postgres://...]
//	ingestbench raw --dir D
//	ingestbench pressure --dir D --ledger bin/ledger [--big 20] [--stalled 50] [--seconds 60]
//
// prepare seeds a ledger (D/ledger.db), enrols the terminals and writes
// their upload bodies (D/bodies/N). ingest copies the seeded ledger (or,
// with --db, uses the PostgreSQL database there, seeded by prepare --db),
// starts `ledger serve` --processes times on it, posts every body once,
// terminal by terminal in order, the terminals at once and spread over the
// processes, and prints events/s and the servers' CPU µs per event. raw
// inserts the same events into a fresh SQLite file as the ledger's events
// table holds them, in one transaction per batch with synchronous FULL.
// pressure adds, to the terminals' uploads, clients posting the largest
// bodies allowed, clients that never read their download and one trying
// wrong secrets, and prints the server's peak resident memory.
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/balie/balie"
	"github.com/balie/balie/demo"
	"github.com/balie/balie/ledger"
	"github.com/balie/balie/ledger/engine"
	"github.com/balie/balie/ledger/ledgertest"
	balisync "github.com/balie/balie/sync"
	_ "modernc.org/sqlite"
)

// today is the day the benchmark's events happen; the ledger's clock
// must stand on it, so the city is made around the day the run starts.
func today() time.Time {
	y, m, d := time.Now().In(balie.Brussels()).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, balie.Brussels())
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: ingestbench prepare|ingest|raw|pressure --dir D ...")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "prepare":
		err = prepare(os.Args[2:])
	case "ingest":
		err = ingest(os.Args[2:])
	case "raw":
		err = raw(os.Args[2:])
	case "pressure":
		err = pressure(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "ingestbench:", err)
		os.Exit(1)
	}
}

// terminalFile is what prepare writes of each terminal.
type terminalFile struct {
	ID, Secret string
}

func prepare(args []string) error {
	fs := flag.NewFlagSet("prepare", flag.ExitOnError)
	dir := fs.String("dir", "", "the benchmark's folder")
	db := fs.String("db", "", "a postgres:// URL to seed instead of D/ledger.db")
	holders := fs.Int("holders", 50000, "holders of the city")
	terms := fs.Int("terminals", 10, "terminals")
	batches := fs.Int("batches", 30, "batches per terminal")
	size := fs.Int("batch", 1000, "events per batch")
	fs.Parse(args)
	if *dir == "" {
		return errors.New("--dir is required")
	}
	os.MkdirAll(filepath.Join(*dir, "bodies"), 0o755)
	addr := *db
	if addr == "" {
		addr = filepath.Join(*dir, "ledger.db")
		for _, s := range []string{"", "-wal", "-shm"} {
			os.Remove(addr + s)
		}
	}
	ctx := context.Background()
	day := today()
	st, err := engine.Open(ctx, addr, engine.Options{})
	if err != nil {
		return err
	}
	l := ledger.New(st, ledger.Options{})
	ld, err := l.NewLoader(ctx)
	if err != nil {
		return err
	}
	ld.Bulk = true
	if err := demo.Generate(demo.Config{Holders: *holders, Today: day}, ld); err != nil {
		return err
	}
	if err := ld.Close(); err != nil {
		return err
	}
	// Check-ins at the day's sports events, for holders spread over the
	// city: every one is a new act the rules decide in full.
	var events []balie.Event
	err = st.Read(ctx, func(tx ledger.ReadTx) error {
		return tx.Entities(balie.ChangeEvent, demo.OrgSports, func(id string, data []byte) error {
			var e balie.Event
			json.Unmarshal(data, &e)
			if e.PointsPerCheckin > 0 && e.Start.In(balie.Brussels()).Format("20060102") == day.Format("20060102") {
				events = append(events, e)
			}
			return nil
		})
	})
	if err != nil || len(events) == 0 {
		return fmt.Errorf("no sports events today: %v", err)
	}
	sort.Slice(events, func(i, j int) bool { return events[i].ID < events[j].ID })
	var cards []balie.Card
	err = st.Read(ctx, func(tx ledger.ReadTx) error {
		for i := 0; i < *holders; i++ {
			cs, err := tx.HolderCards(fmt.Sprintf("h-%07d", i))
			if err != nil {
				return err
			}
			for _, c := range cs {
				if c.Status == balie.CardActive {
					cards = append(cards, c)
					break
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	var files []terminalFile
	k := 0
	for ti := range *terms {
		tm, err := enrol(ctx, l)
		if err != nil {
			return err
		}
		files = append(files, terminalFile{ID: tm.ID, Secret: tm.Secret})
		f, err := os.Create(filepath.Join(*dir, "bodies", strconv.Itoa(ti)))
		if err != nil {
			return err
		}
		w := bufio.NewWriter(f)
		for range *batches {
			batch := make([]balie.JournalEvent, 0, *size)
			for range *size {
				c := cards[(k*7919)%len(cards)]
				ev := events[(k/len(cards))%len(events)]
				k++
				at := ev.Start.Add(time.Duration(k%3600) * time.Second)
				if at.After(time.Now()) {
					at = ev.Start.Add(-time.Duration(k%1800) * time.Second)
				}
				batch = append(batch, tm.Event(balie.KindCheckin, "staff-sport-1", at,
					balie.CheckinPayload{HolderID: c.HolderID, Card: c.Number, EventID: ev.ID, OrganiserID: ev.OrganiserID, Points: ev.PointsPerCheckin}))
			}
			body, _ := json.Marshal(tm.Request(batch...))
			w.Write(body)
			w.WriteByte('\n')
		}
		w.Flush()
		f.Close()
	}
	b, _ := json.Marshal(files)
	if err := os.WriteFile(filepath.Join(*dir, "terminals.json"), b, 0o600); err != nil {
		return err
	}
	fmt.Printf("prepared %s: %d holders, %d terminals × %d batches × %d check-ins\n", addr, *holders, *terms, *batches, *size)
	return l.Close()
}

// enrol adds a terminal at the sports desk and enrols it with a new key.
func enrol(ctx context.Context, l *ledger.Ledger) (*ledgertest.Terminal, error) {
	_, token, err := l.AddTerminal(ctx, "Bench", demo.OrgSports, demo.SportsDesk)
	if err != nil {
		return nil, err
	}
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	tm := &ledgertest.Terminal{Key: key, Prev: balie.GenesisHash}
	resp, p := l.Enrol(ctx, balisync.EnrolRequest{Token: token, PublicKey: tm.PublicKey()})
	if p != nil {
		return nil, errors.New(p.EN)
	}
	tm.ID, tm.Secret = resp.TerminalID, resp.Secret
	return tm, nil
}

// bodies reads the upload bodies of each terminal.
func bodies(dir string) ([]terminalFile, [][][]byte, error) {
	b, err := os.ReadFile(filepath.Join(dir, "terminals.json"))
	if err != nil {
		return nil, nil, err
	}
	var terms []terminalFile
	if err := json.Unmarshal(b, &terms); err != nil {
		return nil, nil, err
	}
	out := make([][][]byte, len(terms))
	for i := range terms {
		f, err := os.Open(filepath.Join(dir, "bodies", strconv.Itoa(i)))
		if err != nil {
			return nil, nil, err
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 0, 1<<20), balisync.MaxBody)
		for sc.Scan() {
			out[i] = append(out[i], bytes.Clone(sc.Bytes()))
		}
		f.Close()
		if err := sc.Err(); err != nil {
			return nil, nil, err
		}
	}
	return terms, out, nil
}

// server is a `ledger serve` process.
type server struct {
	cmd *exec.Cmd
	url string
}

func startServer(bin, db string, extra ...string) (*server, error) {
	cmd := exec.Command(bin, append([]string{"serve", "--db", db, "--addr", "127.0.0.1:0", "--log-level", "error"}, extra...)...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		cmd.Process.Kill()
		return nil, fmt.Errorf("serve printed nothing: %v", err)
	}
	go io.Copy(io.Discard, out)
	return &server{cmd: cmd, url: strings.TrimSpace(line[strings.LastIndex(line, " ")+1:])}, nil
}

// cpu is the user and system time of a process so far, from /proc.
func (s *server) cpu() time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", s.cmd.Process.Pid))
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+2:]))
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * (time.Second / 100) // USER_HZ
}

func (s *server) stop() {
	s.cmd.Process.Signal(os.Interrupt)
	s.cmd.Wait()
}

func ingest(args []string) error {
	fs := flag.NewFlagSet("ingest", flag.ExitOnError)
	dir := fs.String("dir", "", "the benchmark's folder")
	bin := fs.String("ledger", "bin/ledger", "the ledger binary")
	procs := fs.Int("processes", 1, "ledger processes on the one database")
	profile := fs.String("cpuprofile", "", "the first ledger process writes its CPU profile here")
	db := fs.String("db", "", "a postgres:// URL prepared with prepare --db, instead of a copy of D/ledger.db")
	fs.Parse(args)
	terms, bs, err := bodies(*dir)
	if err != nil {
		return err
	}
	addr := *db
	if addr == "" {
		addr = filepath.Join(*dir, "run.db")
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
	}
	var servers []*server
	defer func() {
		for _, s := range servers {
			s.stop()
		}
	}()
	for i := range *procs {
		extra := []string{}
		if i == 0 && *profile != "" {
			extra = append(extra, "--cpuprofile", *profile)
		}
		s, err := startServer(*bin, addr, extra...)
		if err != nil {
			return err
		}
		servers = append(servers, s)
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: len(terms), DisableCompression: true}}
	cpu0 := make([]time.Duration, len(servers))
	for i, s := range servers {
		cpu0[i] = s.cpu()
	}
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, len(terms))
	total := 0
	for ti, tm := range terms {
		total += len(bs[ti]) * balisync.MaxBatch
		s := servers[ti%len(servers)]
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, body := range bs[ti] {
				req, _ := http.NewRequest(http.MethodPost, s.url+balisync.PathEvents, bytes.NewReader(body))
				req.Header.Set("Authorization", "Bearer "+tm.ID+"."+tm.Secret)
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set(balisync.HeaderProtocol, strconv.Itoa(balisync.Protocol))
				resp, err := client.Do(req)
				if err != nil {
					errs <- err
					return
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					errs <- fmt.Errorf("status %d: %s", resp.StatusCode, b)
					return
				}
			}
		}()
	}
	wg.Wait()
	took := time.Since(start)
	close(errs)
	for err := range errs {
		return err
	}
	var cpu time.Duration
	for i, s := range servers {
		cpu += s.cpu() - cpu0[i]
	}
	fmt.Printf("ingest: %d events in %v from %d terminals through %d process(es): %.0f events/s, %.1f server CPU µs/event\n",
		total, took.Round(time.Millisecond), len(terms), len(servers), float64(total)/took.Seconds(), float64(cpu.Microseconds())/float64(total))
	return nil
}

// raw inserts the benchmark's events into a fresh SQLite file as the
// ledger's events table holds them: the cost of writing the rows at all.
func raw(args []string) error {
	fs := flag.NewFlagSet("raw", flag.ExitOnError)
	dir := fs.String("dir", "", "the benchmark's folder")
	fs.Parse(args)
	_, bs, err := bodies(*dir)
	if err != nil {
		return err
	}
	path := filepath.Join(*dir, "raw.db")
	for _, s := range []string{"", "-wal", "-shm"} {
		os.Remove(path + s)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_txlock=immediate")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(`CREATE TABLE events (ingest INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, terminal TEXT NOT NULL, seq INTEGER NOT NULL,
		time TEXT NOT NULL, staff TEXT NOT NULL, kind TEXT NOT NULL, payload BLOB NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL,
		status TEXT NOT NULL, received INTEGER NOT NULL, holder_id TEXT NOT NULL, points INTEGER NOT NULL, UNIQUE (terminal, seq))`); err != nil {
		return err
	}
	// The same bodies decoded first, outside the timing: the raw insert
	// is only the writing.
	var batches [][]balie.JournalEvent
	for _, term := range bs {
		for _, b := range term {
			var req balisync.UploadRequest
			if err := json.Unmarshal(b, &req); err != nil {
				return err
			}
			batches = append(batches, req.Events)
		}
	}
	start, ingest, n := time.Now(), int64(0), 0
	for _, batch := range batches {
		tx, err := db.Begin()
		if err != nil {
			return err
		}
		st, err := tx.Prepare(`INSERT INTO events VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)`)
		if err != nil {
			return err
		}
		for _, e := range batch {
			ingest++
			if _, err := st.Exec(ingest, e.ID, e.Terminal, e.Seq, e.Time.UTC().Format(balie.TimeFormat), e.Staff, string(e.Kind),
				[]byte(e.Payload), e.PrevHash, e.Hash, "ACCEPTED", time.Now().UnixNano(), "", 1); err != nil {
				return err
			}
			n++
		}
		st.Close()
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	took := time.Since(start)
	fmt.Printf("raw: %d rows in %v: %.0f rows/s\n", n, took.Round(time.Millisecond), float64(n)/took.Seconds())
	return nil
}

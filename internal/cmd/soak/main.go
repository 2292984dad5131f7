// Command soak runs a city for a while and kills its processes at random:
// terminals (each a process with its own store, recording acts and
// syncing) and ledger processes (`ledger serve`, one or more on one
// database), each SIGKILLed --kills times in all and started again. At
// the end it heals every terminal and checks what the architecture
// promises: every act a terminal confirmed is in the ledger exactly once,
// every balance equals a replay of the events, every journal's chain and
// signatures verify on both sides, and every terminal shows the ledger's
// balances.
//
//	go build -o bin/ledger ./cmd/ledger && go build -o bin/soak ./internal/cmd/soak
//	bin/soak --ledger bin/ledger --terminals 8 --kills 1000 [--ledgers 2 --db postgres://...] [--seed N]
//
// With no --db the ledger is a SQLite file in a temporary folder. It
// exits 0 when every check holds, 1 when one fails, and prints figures.
package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/balie/balie"
	"github.com/balie/balie/demo"
	"github.com/balie/balie/ledger"
	"github.com/balie/balie/ledger/engine"
	"github.com/balie/balie/ledger/httpapi"
	"github.com/balie/balie/store"
	balisync "github.com/balie/balie/sync"
)

// terminalEnv makes the soak binary a terminal: recording and syncing
// until killed.
const terminalEnv = "BALIE_SOAK_TERMINAL"

func main() {
	if spec := os.Getenv(terminalEnv); spec != "" {
		os.Exit(terminal(spec))
	}
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		os.Exit(1)
	}
}

func quiet() *slog.Logger { return slog.New(slog.DiscardHandler) }

// spec is what a terminal process is told.
type spec struct {
	Store   string   // its store file
	Ledgers []string // host:port of every ledger process
	Cards   []string // cards to act on
	Event   string   // the day's event for check-ins and tickets
	Seed    uint64
}

func run() error {
	bin := flag.String("ledger", "bin/ledger", "the ledger binary")
	db := flag.String("db", "", "the ledger's database: a SQLite file or a postgres:// URL (default: a SQLite file in a temporary folder)")
	ledgers := flag.Int("ledgers", 1, "ledger processes serving the database")
	terms := flag.Int("terminals", 6, "terminal processes")
	kills := flag.Int("kills", 1000, "SIGKILLs to send over the run")
	holders := flag.Int("holders", 300, "holders of the demo city")
	seed := flag.Uint64("seed", 0, "the run's randomness (0: from the clock)")
	ledgerShare := flag.Int("ledger-kills", 20, "percent of the kills that go to a ledger process")
	flag.Parse()
	if *seed == 0 {
		*seed = uint64(time.Now().UnixNano())
	}
	rng := mrand.New(mrand.NewPCG(*seed, 1))
	fmt.Printf("soak: seed %d, %d terminals, %d ledger process(es), %d kills\n", *seed, *terms, *ledgers, *kills)
	dir, err := os.MkdirTemp("", "balie-soak")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	if *db == "" {
		*db = filepath.Join(dir, "ledger.db")
	}
	ctx := context.Background()

	// The city, and a terminal store per terminal, enrolled in process.
	today := time.Now()
	st, err := engine.Open(ctx, *db, engine.Options{Logger: quiet()})
	if err != nil {
		return err
	}
	l := ledger.New(st, ledger.Options{Logger: quiet()})
	ld, err := l.NewLoader(ctx)
	if err != nil {
		return err
	}
	ld.Bulk = true
	if err := demo.Generate(demo.Config{Holders: *holders, Today: today}, ld); err != nil {
		return err
	}
	if err := ld.Close(); err != nil {
		return err
	}
	var cards []string
	for i := 0; i < *holders; i++ {
		cs, err := l.HolderCards(ctx, fmt.Sprintf("h-%07d", i))
		if err != nil {
			return err
		}
		for _, c := range cs {
			if c.Status == balie.CardActive {
				cards = append(cards, string(c.Number))
				break
			}
		}
	}
	ports := make([]string, *ledgers)
	for i := range ports {
		if ports[i], err = freePort(); err != nil {
			return err
		}
	}
	specs := make([]spec, *terms)
	for i := range specs {
		path := filepath.Join(dir, fmt.Sprintf("terminal-%d.db", i))
		if err := enrol(ctx, l, path); err != nil {
			return err
		}
		specs[i] = spec{Store: path, Ledgers: ports, Cards: cards, Event: "ev-" + today.In(balie.Brussels()).Format("20060102") + "-zwemmen", Seed: rng.Uint64()}
	}
	if err := l.Close(); err != nil {
		return err
	}

	// The processes, and the kills.
	start := time.Now()
	var confirmed sync.Map // act id -> terminal
	var nConfirmed atomic.Int64
	procs := make([]*proc, 0, *ledgers+*terms)
	for i, p := range ports {
		procs = append(procs, &proc{name: "ledger " + strconv.Itoa(i), cmd: func() *exec.Cmd {
			return exec.Command(*bin, "serve", "--db", *db, "--addr", p, "--log-level", "error")
		}})
	}
	for i, s := range specs {
		b, _ := json.Marshal(s)
		procs = append(procs, &proc{name: "terminal " + strconv.Itoa(i), terminal: true, cmd: func() *exec.Cmd {
			c := exec.Command(os.Args[0])
			c.Env = append(os.Environ(), terminalEnv+"="+string(b))
			return c
		}, onLine: func(line string) {
			if id, ok := strings.CutPrefix(line, "ok "); ok {
				confirmed.Store(id, i)
				nConfirmed.Add(1)
			}
		}})
	}
	for _, p := range procs {
		if err := p.start(); err != nil {
			return err
		}
	}
	var ledgerKills, terminalKills int
	for k := 0; k < *kills; k++ {
		time.Sleep(time.Duration(10+rng.IntN(90)) * time.Millisecond)
		var p *proc
		if rng.IntN(100) < *ledgerShare {
			p = procs[rng.IntN(*ledgers)]
			ledgerKills++
		} else {
			p = procs[*ledgers+rng.IntN(*terms)]
			terminalKills++
		}
		p.kill()
		// A ledger comes back after a pause its terminals must ride out.
		if !p.terminal {
			time.Sleep(time.Duration(rng.IntN(200)) * time.Millisecond)
		}
		if err := p.start(); err != nil {
			return err
		}
		if (k+1)%100 == 0 {
			fmt.Printf("soak: %d kills (%d ledger, %d terminal), %d acts confirmed, %s\n", k+1, ledgerKills, terminalKills, nConfirmed.Load(), time.Since(start).Round(time.Second))
		}
	}
	for _, p := range procs[*ledgers:] {
		p.kill()
	}
	for _, p := range procs[:*ledgers] {
		p.stop()
	}
	fmt.Printf("soak: %d kills in %s; %d acts confirmed; healing\n", *kills, time.Since(start).Round(time.Second), nConfirmed.Load())

	// Heal, then check.
	return check(ctx, *db, specs, &confirmed)
}

// freePort is a loopback address no one listens on now.
func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// enrol makes a terminal store at path enrolled with l (in process; the
// terminal talks to the ledger processes later).
func enrol(ctx context.Context, l *ledger.Ledger, path string) error {
	d, err := store.Open(ctx, path, store.Options{Logger: quiet()})
	if err != nil {
		return err
	}
	defer d.Close()
	_, token, err := l.AddTerminal(ctx, "Soak "+filepath.Base(path), demo.OrgSports, demo.SportsDesk)
	if err != nil {
		return err
	}
	pub, err := d.PublicKey(ctx)
	if err != nil {
		return err
	}
	resp, p := l.Enrol(ctx, balisync.EnrolRequest{Token: token, PublicKey: pub})
	if p != nil {
		return errors.New(p.EN)
	}
	return d.Enrol(ctx, store.Enrolment{LedgerURL: "http://ledgers", TerminalID: resp.TerminalID, Secret: resp.Secret}, resp.Location)
}

// proc is a process the soak runs, kills and starts again.
type proc struct {
	name     string
	terminal bool
	cmd      func() *exec.Cmd
	onLine   func(string)

	mu   sync.Mutex
	c    *exec.Cmd
	done chan struct{}
}

func (p *proc) start() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	c := p.cmd()
	out, err := c.StdoutPipe()
	if err != nil {
		return err
	}
	c.Stderr = io.Discard
	if err := c.Start(); err != nil {
		return fmt.Errorf("start %s: %w", p.name, err)
	}
	done := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if p.onLine != nil {
				p.onLine(sc.Text())
			}
		}
		c.Wait()
		close(done)
	}()
	p.c, p.done = c, done
	return nil
}

func (p *proc) kill() {
	p.mu.Lock()
	c, done := p.c, p.done
	p.mu.Unlock()
	c.Process.Signal(syscall.SIGKILL)
	<-done
}

func (p *proc) stop() {
	p.mu.Lock()
	c, done := p.c, p.done
	p.mu.Unlock()
	c.Process.Signal(os.Interrupt)
	<-done
}

// anyLedger sends each request to a random ledger process: a terminal
// behind a load balancer.
type anyLedger struct {
	addrs []string
	rng   *mrand.Rand
	mu    sync.Mutex
	base  http.RoundTripper
}

func (a *anyLedger) RoundTrip(r *http.Request) (*http.Response, error) {
	a.mu.Lock()
	addr := a.addrs[a.rng.IntN(len(a.addrs))]
	a.mu.Unlock()
	r = r.Clone(r.Context())
	r.URL.Host, r.Host = addr, addr
	return a.base.RoundTrip(r)
}

// terminal is one terminal process: it records acts at the sports desk
// and syncs, printing each act's id once committed, until killed.
func terminal(raw string) int {
	var s spec
	if err := json.Unmarshal([]byte(raw), &s); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	ctx := context.Background()
	d, err := store.Open(ctx, s.Store, store.Options{Logger: quiet()})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	e, err := d.Enrolment(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	var seed [8]byte
	rand.Read(seed[:])
	rng := mrand.New(mrand.NewPCG(s.Seed, uint64(seed[0])|uint64(seed[1])<<8))
	hc := &http.Client{Timeout: 3 * time.Second, Transport: &anyLedger{addrs: s.Ledgers, rng: rng, base: http.DefaultTransport}}
	c, err := balisync.NewClient(e.LedgerURL, e.TerminalID, e.Secret, hc)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	w := balisync.NewWorker(d, c, balisync.Options{Batch: 1 + rng.IntN(40), Logger: quiet()})
	var recent []string
	const clerk = "staff-sport-1"
	for i := 0; ; i++ {
		card := balie.CardNumber(s.Cards[rng.IntN(len(s.Cards))])
		var id string
		var err error
		switch x := rng.IntN(10); {
		case x < 5:
			var r balie.CheckinResult
			r, err = d.CheckIn(ctx, clerk, card, s.Event)
			id = r.ID
		case x < 8:
			var r balie.TicketResult
			r, err = d.SellTickets(ctx, clerk, balie.TicketRequest{Card: card, EventID: s.Event,
				Lines: []balie.TicketOrder{{TariffID: s.Event + "-normaal", Quantity: 1 + rng.IntN(3)}}, Payment: balie.PayCash})
			id = r.ID
		case x < 9:
			var r balie.RewardResult
			r, err = d.RedeemReward(ctx, clerk, card, "rw-zwembeurt")
			id = r.ID
		default:
			if len(recent) == 0 {
				continue
			}
			var r balie.VoidResult
			r, err = d.Void(ctx, clerk, "staff-sup", recent[rng.IntN(len(recent))], "soak")
			id = r.ID
		}
		if err == nil && id != "" {
			fmt.Printf("ok %s\n", id)
			recent = append(recent[max(0, len(recent)-20):], id)
		}
		if i%(1+rng.IntN(6)) == 0 {
			w.Sync(ctx)
		}
	}
}

// check heals every terminal through a fresh ledger process and checks
// the invariants.
func check(ctx context.Context, db string, specs []spec, confirmed *sync.Map) error {
	st, err := engine.Open(ctx, db, engine.Options{Logger: quiet()})
	if err != nil {
		return err
	}
	l := ledger.New(st, ledger.Options{Logger: quiet()})
	defer l.Close()
	srvAddr, err := freePort()
	if err != nil {
		return err
	}
	stopServer, err := newServer(l, srvAddr)
	if err != nil {
		return err
	}
	defer stopServer()
	var failures []string
	fail := func(f string, a ...any) { failures = append(failures, fmt.Sprintf(f, a...)) }
	perTerminal := map[string]int64{}
	for i, s := range specs {
		d, err := store.Open(ctx, s.Store, store.Options{Logger: quiet()})
		if err != nil {
			return fmt.Errorf("terminal %d after the kills: %w", i, err)
		}
		e, _ := d.Enrolment(ctx)
		c, _ := balisync.NewClient("http://"+srvAddr, e.TerminalID, e.Secret, nil)
		w := balisync.NewWorker(d, c, balisync.Options{Logger: quiet()})
		healed := false
		for range 30 {
			if err := w.Sync(ctx); err == nil {
				if p, parked, _ := d.FirstPending(ctx); p == 0 && parked == 0 {
					healed = true
					break
				}
			}
		}
		if !healed {
			fail("terminal %d did not heal", i)
		}
		n, err := d.VerifyJournal(ctx)
		if err != nil {
			fail("terminal %d: its journal does not verify: %v", i, err)
		}
		if _, _, err := d.VerifySignatures(ctx); err != nil {
			fail("terminal %d: its signatures do not verify: %v", i, err)
		}
		perTerminal[e.TerminalID] = n
		// The terminal shows the ledger's balances.
		for _, card := range s.Cards {
			got, err := d.LookupInput(ctx, card)
			if err != nil {
				continue // a card the desk may not show
			}
			want, err := l.Holder(ctx, got.Holder.ID)
			if err == nil && want.Points != got.Holder.Points {
				fail("terminal %d shows %s with %d points, the ledger %d", i, got.Holder.ID, got.Holder.Points, want.Points)
			}
		}
		d.Close()
	}
	stored := map[string]string{}
	counts := map[string]int64{}
	err = l.Export(ctx, func(e ledger.StoredEvent) error {
		if _, dup := stored[e.ID]; dup {
			fail("event %s is stored twice", e.ID)
		}
		stored[e.ID] = e.Terminal
		counts[e.Terminal]++
		return nil
	})
	if err != nil {
		return err
	}
	missing, n := 0, 0
	confirmed.Range(func(k, _ any) bool {
		n++
		if _, ok := stored[k.(string)]; !ok {
			missing++
		}
		return true
	})
	if missing > 0 {
		fail("%d of %d confirmed acts are not in the ledger", missing, n)
	}
	for id, want := range perTerminal {
		if counts[id] != want {
			fail("terminal %s: %d events in its journal, %d in the ledger", id, want, counts[id])
		}
	}
	if err := l.CheckBalances(ctx); err != nil {
		fail("balances: %v", err)
	}
	broken := 0
	l.VerifyJournals(ctx, func(r ledger.JournalReport) {
		if r.Err != nil {
			broken++
			fail("journal of %s on the ledger: %v", r.Terminal, r.Err)
		}
	})
	fmt.Printf("soak: %d acts confirmed, %d events in the ledger, %d journals verified, %d broken\n", n, len(stored), len(perTerminal), broken)
	if len(failures) > 0 {
		for _, f := range failures {
			fmt.Println("FAIL:", f)
		}
		return fmt.Errorf("%d checks failed", len(failures))
	}
	fmt.Println("soak: every confirmed act is in the ledger exactly once, every balance equals a replay, every journal verifies")
	return nil
}

// newServer serves l on addr for the heal; it returns the stop.
func newServer(l *ledger.Ledger, addr string) (func(), error) {
	s := httpapi.New(l, httpapi.Options{Logger: quiet()})
	if err := s.Start(addr); err != nil {
		return nil, err
	}
	return func() { s.Shutdown(context.Background()) }, nil
}

package sync_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	gosync "sync"
	"testing"
	"time"

	"github.com/balie/balie"
	"github.com/balie/balie/demo"
	"github.com/balie/balie/store"
	balisync "github.com/balie/balie/sync"
)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// today is the test terminals' day: the demo city is made for it.
func today() time.Time { return time.Date(2026, 11, 25, 10, 0, 0, 0, balie.Brussels()) }

const (
	swim        = "ev-20261125-zwemmen"
	swimRegular = swim + "-normaal"
	clerk       = "staff-sport-1"
)

// newTerminal opens a store holding a small demo city at the sports desk.
func newTerminal(t testing.TB, id string, opts store.Options) *store.DB {
	t.Helper()
	ctx := context.Background()
	opts.Logger = quiet()
	if opts.Now == nil {
		opts.Now = today
	}
	d, err := store.Open(ctx, filepath.Join(t.TempDir(), id+".db"), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	l, err := d.NewLoader(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := demo.Generate(demo.Config{Holders: 50, Today: today()}, l); err != nil {
		l.Abort()
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if err := d.Enrol(ctx, store.Enrolment{LedgerURL: "http://127.0.0.1:1", TerminalID: id, Secret: "s"}, demo.SportsDesk); err != nil {
		t.Fatal(err)
	}
	return d
}

// sell records n ticket sales: acts without a limit, so any number can
// be recorded.
func sell(t testing.TB, d *store.DB, n int) []string {
	t.Helper()
	var ids []string
	for i := 0; i < n; i++ {
		res, err := d.SellTickets(context.Background(), clerk, balie.TicketRequest{EventID: swim, Lines: []balie.TicketOrder{{TariffID: swimRegular, Quantity: 1}}, Payment: balie.PayCash})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, res.ID)
	}
	return ids
}

// fakeLedger keeps one terminal's events in sequence, as the real ledger
// does, and fails on demand.
type fakeLedger struct {
	mu       gosync.Mutex
	events   []balie.JournalEvent
	verdicts map[string]balie.Verdict
	changes  []balie.Change
	// fail, when set, decides the fate of each upload: before (the
	// request never arrives) or after (the ledger stored it, the reply is
	// lost).
	fail     func(call int) (before, after error)
	calls    int
	uploaded chan int // the number of events after each upload, when set
}

func (f *fakeLedger) RegisterKey(ctx context.Context, key string) error { return nil }

func (f *fakeLedger) Upload(ctx context.Context, events []balie.JournalEvent, signature string) (balisync.UploadResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	var before, after error
	if f.fail != nil {
		before, after = f.fail(f.calls)
	}
	if before != nil {
		return balisync.UploadResponse{}, before
	}
	if f.verdicts == nil {
		f.verdicts = map[string]balie.Verdict{}
	}
	var resp balisync.UploadResponse
	for _, e := range events {
		switch {
		case e.Seq <= int64(len(f.events)):
			stored := f.events[e.Seq-1]
			if stored.ID != e.ID || stored.Hash != e.Hash {
				return resp, &balisync.ProblemError{Problem: balisync.Problem{Status: 409, Code: balisync.CodeEventConflict, Seq: e.Seq, NL: "conflict", EN: "conflict"}}
			}
		case e.Seq == int64(len(f.events))+1:
			f.events = append(f.events, e)
			f.verdicts[e.ID] = balie.Verdict{ID: e.ID, Seq: e.Seq, Status: balie.VerdictAccepted}
		default:
			return resp, &balisync.ProblemError{Problem: balisync.Problem{Status: 409, Code: balisync.CodeSequenceGap, Resume: int64(len(f.events)) + 1}}
		}
		resp.Verdicts = append(resp.Verdicts, f.verdicts[e.ID])
	}
	resp.Acked = int64(len(f.events))
	if f.uploaded != nil {
		f.uploaded <- len(f.events)
	}
	return resp, after
}

func (f *fakeLedger) Changes(ctx context.Context, cursor string, limit int) (balisync.ChangesResponse, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var from int
	if cursor != "" {
		if _, err := fmt.Sscan(cursor, &from); err != nil || from > len(f.changes) {
			return balisync.ChangesResponse{}, &balisync.ProblemError{Problem: balisync.Problem{Status: 400, Code: balisync.CodeCursorInvalid}}
		}
	}
	to := min(from+limit, len(f.changes))
	return balisync.ChangesResponse{Changes: f.changes[from:to], Next: fmt.Sprint(to), More: to < len(f.changes)}, nil
}

func (f *fakeLedger) ids() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	m := map[string]int{}
	for _, e := range f.events {
		m[e.ID]++
	}
	return m
}

var errOffline = errors.New("dial tcp 127.0.0.1:1: connect: connection refused")

func TestWorker_Sync(t *testing.T) {
	cases := []struct {
		name string
		fail func(call int) (before, after error)
		// busy: the header stays online while it fails (the ledger
		// answers, busy with this terminal's previous request).
		busy bool
	}{
		{"healthy", nil, false},
		{"offline for two attempts", func(call int) (error, error) {
			if call <= 2 {
				return errOffline, nil
			}
			return nil, nil
		}, false},
		{"reply lost after the ledger stored the batch", func(call int) (error, error) {
			if call == 1 {
				return nil, errOffline
			}
			return nil, nil
		}, false},
		{"a 503 while the ledger restarts", func(call int) (error, error) {
			if call == 2 {
				return &balisync.ProblemError{Problem: balisync.Problem{Status: 503, Code: balisync.CodeUnavailable}}, nil
			}
			return nil, nil
		}, false},
		{"the ledger still busy with the terminal's previous upload", func(call int) (error, error) {
			if call == 2 {
				return &balisync.ProblemError{Problem: balisync.Problem{Status: 429, Code: balisync.CodeTerminalBusy}}, nil
			}
			return nil, nil
		}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			d := newTerminal(t, "t1", store.Options{})
			ids := sell(t, d, 25)
			fl := &fakeLedger{fail: c.fail}
			w := balisync.NewWorker(d, fl, balisync.Options{Batch: 10, Logger: quiet()})
			var err error
			for attempt := 0; attempt < 5; attempt++ {
				if err = w.Sync(ctx); err == nil {
					break
				}
				if !balisync.Retryable(err) {
					t.Fatalf("attempt %d: %v is not retryable", attempt, err)
				}
				if st := w.Status(); st.Online != c.busy || st.LastError == "" || st.Queued == 0 {
					t.Errorf("status while failing = %+v, want online %v with an error and a queue", st, c.busy)
				}
			}
			if err != nil {
				t.Fatalf("Sync never succeeded: %v", err)
			}
			got := fl.ids()
			for _, id := range ids {
				if got[id] != 1 {
					t.Errorf("event %s reached the ledger %d times, want 1", id, got[id])
				}
			}
			if st := w.Status(); !st.Online || st.Queued != 0 || st.LastError != "" || st.LastSync.IsZero() {
				t.Errorf("status after healing = %+v", st)
			}
			if seq, _, _ := d.FirstPending(ctx); seq != 0 {
				t.Errorf("first pending after sync = %d, want none", seq)
			}
		})
	}
}

func TestWorker_Sync_conflictParks(t *testing.T) {
	ctx := context.Background()
	d := newTerminal(t, "t1", store.Options{})
	sell(t, d, 3)
	// The ledger already holds a different event 2 for this terminal.
	fl := &fakeLedger{}
	first, _ := d.UploadBatch(ctx, 1, 1)
	fl.events = []balie.JournalEvent{first[0], {ID: "someone-else", Seq: 2, Hash: "x"}}
	fl.verdicts = map[string]balie.Verdict{first[0].ID: {ID: first[0].ID, Seq: 1, Status: balie.VerdictAccepted}}
	w := balisync.NewWorker(d, fl, balisync.Options{Logger: quiet()})
	if err := w.Sync(ctx); err != nil {
		t.Fatalf("Sync: %v (a parked event is shown, not retried)", err)
	}
	review, _ := d.Review(ctx)
	if len(review) != 1 || review[0].Seq != 2 || review[0].Status != "PARKED" || review[0].Code != balisync.CodeEventConflict {
		t.Errorf("review = %+v, want event 2 parked for the conflict", review)
	}
	// The event before the parked one still goes; nothing after it does,
	// and the refused event is not sent again.
	if err := w.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	st := w.Status()
	if !st.Blocked || st.Queued != 1 {
		t.Errorf("status = %+v, want blocked with event 3 still queued", st)
	}
	calls := fl.calls
	w.Sync(ctx)
	if fl.calls != calls {
		t.Errorf("a blocked terminal uploaded again (%d calls, was %d)", fl.calls, calls)
	}
}

func TestWorker_Sync_resumesAfterGap(t *testing.T) {
	ctx := context.Background()
	d := newTerminal(t, "t1", store.Options{})
	sell(t, d, 4)
	fl := &fakeLedger{}
	w := balisync.NewWorker(d, fl, balisync.Options{Logger: quiet()})
	if err := w.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	// The ledger is restored from a backup that lacks the last two events;
	// the terminal sends them again when it hears where to resume.
	fl.mu.Lock()
	fl.events = fl.events[:2]
	fl.mu.Unlock()
	sell(t, d, 1)
	if err := w.Sync(ctx); err != nil {
		t.Fatalf("Sync after the restore: %v", err)
	}
	if n := len(fl.ids()); n != 5 {
		t.Errorf("ledger holds %d events, want 5", n)
	}
}

func TestWorker_Sync_download(t *testing.T) {
	ctx := context.Background()
	d := newTerminal(t, "t1", store.Options{})
	fl := &fakeLedger{}
	for i := 0; i < 25; i++ {
		fl.changes = append(fl.changes, balie.Change{Seq: int64(i + 1), Kind: balie.ChangeBalance, Key: "h-0000000",
			Data: []byte(fmt.Sprintf(`{"holder":"h-0000000","points":%d}`, 100+i))})
	}
	var progress []int
	w := balisync.NewWorker(d, fl, balisync.Options{Page: 10, Logger: quiet(), Progress: func(n int) { progress = append(progress, n) }})
	if err := w.Sync(ctx); err != nil {
		t.Fatal(err)
	}
	if c, _ := d.DownloadCursor(ctx); c != "25" {
		t.Errorf("cursor = %q, want 25", c)
	}
	if fmt.Sprint(progress) != "[10 20 25]" {
		t.Errorf("progress = %v, want [10 20 25]", progress)
	}
	l, err := d.LookupCard(ctx, "0900000095902")
	if err != nil || l.Holder.Points != 124 {
		t.Errorf("points = %d (%v), want the last balance 124", l.Holder.Points, err)
	}
	// A ledger that forgot our cursor: start over, converge all the same.
	d.ApplyChanges(ctx, nil, "999")
	if err := w.Sync(ctx); err != nil {
		t.Fatalf("Sync with a forgotten cursor: %v", err)
	}
	if c, _ := d.DownloadCursor(ctx); c != "25" {
		t.Errorf("cursor after starting over = %q, want 25", c)
	}
}

// TestWorker_Start_wakesOnCommit: an act recorded at the desk reaches
// the ledger without waiting for the poll.
func TestWorker_Start_wakesOnCommit(t *testing.T) {
	fl := &fakeLedger{uploaded: make(chan int, 100)}
	var w *balisync.Worker
	d := newTerminal(t, "t1", store.Options{OnCommit: func() { w.Wake() }})
	w = balisync.NewWorker(d, fl, balisync.Options{Poll: time.Hour, Logger: quiet()})
	w.Start(context.Background())
	defer w.Stop()
	sell(t, d, 1)
	select {
	case n := <-fl.uploaded:
		if n != 1 {
			t.Errorf("ledger holds %d events, want 1", n)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the recorded act did not reach the ledger")
	}
}

// TestWorker_Stop_duringBackoff: a worker that is backing off after
// failures, and is woken by a new act, stops at once when asked, instead
// of waiting out its backoff.
func TestWorker_Stop_duringBackoff(t *testing.T) {
	failed := make(chan struct{}, 100)
	fl := &fakeLedger{fail: func(int) (error, error) {
		failed <- struct{}{}
		return errors.New("the network is down"), nil
	}}
	var w *balisync.Worker
	d := newTerminal(t, "t1", store.Options{OnCommit: func() { w.Wake() }})
	w = balisync.NewWorker(d, fl, balisync.Options{Poll: time.Hour, MinBackoff: time.Hour, MaxBackoff: time.Hour, Logger: quiet()})
	sell(t, d, 1)
	w.Start(context.Background())
	<-failed // the first sync failed: the worker now waits an hour
	sell(t, d, 1)
	stopped := make(chan struct{})
	start := time.Now()
	go func() { w.Stop(); close(stopped) }()
	select {
	case <-stopped:
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("Stop took %v", d)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Stop waited for the backoff")
	}
}

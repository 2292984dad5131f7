package sync

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	gosync "sync"
	"time"

	"github.com/balie/balie"
)

// Store is what the worker needs of the terminal's store.
type Store interface {
	FirstPending(ctx context.Context) (pending, parked int64, err error)
	UploadBatch(ctx context.Context, from int64, limit int) ([]balie.JournalEvent, error)
	Acknowledge(ctx context.Context, verdicts []balie.Verdict, balances []balie.Balance) error
	Park(ctx context.Context, seq int64, code, nl, en string) error
	UploadQueue(ctx context.Context) (pending int, oldest time.Time, err error)
	DownloadCursor(ctx context.Context) (string, error)
	ApplyChanges(ctx context.Context, changes []balie.Change, next string) error
	// Sign signs the journal up to an event and keeps the signature.
	Sign(ctx context.Context, last balie.JournalEvent) (string, error)
	// KeyToRegister is the public key the ledger does not hold yet, ""
	// when it does; KeyRegistered records that it does.
	KeyToRegister(ctx context.Context) (string, error)
	KeyRegistered(ctx context.Context) error
	PublicKey(ctx context.Context) (string, error)
}

// bulkStore is a store that loads a first download faster in bulk.
type bulkStore interface {
	BeginBulk(ctx context.Context) error
	EndBulk(ctx context.Context) error
}

// snapshotStore takes a first download as one snapshot file, and
// snapshotLedger serves one: the directory in seconds rather than
// millions of changes.
type snapshotStore interface {
	ApplySnapshot(ctx context.Context, path string) (cursor string, err error)
}

type snapshotLedger interface {
	Snapshot(ctx context.Context, w io.Writer) (cursor string, err error)
}

// Ledger is the other side: Client in production, a fake or a wrapper
// that fails on purpose in tests.
type Ledger interface {
	Upload(ctx context.Context, events []balie.JournalEvent, signature string) (UploadResponse, error)
	Changes(ctx context.Context, cursor string, limit int) (ChangesResponse, error)
	RegisterKey(ctx context.Context, publicKey string) error
}

// Options tune a Worker; the zero value is what a terminal runs with.
type Options struct {
	Batch      int           // events per upload; default 500
	Page       int           // changes per download page; default MaxPage
	Poll       time.Duration // how often an idle terminal asks for changes; default 15 s
	MinBackoff time.Duration // default 500 ms
	MaxBackoff time.Duration // default 1 min
	Logger     *slog.Logger
	Now        func() time.Time
	// Progress, when set, is told after every page of a download how many
	// changes were applied so far: a first download is long work.
	Progress func(applied int)
}

// Status is a snapshot of the worker for the screen.
type Status struct {
	Online    bool      // the last attempt reached the ledger
	LastSync  time.Time // the last complete sync; zero before the first
	LastError string    // the last failure, "" after a success
	Queued    int       // events waiting for the ledger
	Oldest    time.Time // device time of the oldest waiting event
	// Blocked is set while a parked event stops the upload: a person must
	// look at the review list.
	Blocked bool
}

// Worker uploads the terminal's journal and downloads the ledger's
// changes, in the background and on demand.
type Worker struct {
	store  Store
	ledger Ledger
	opts   Options
	log    *slog.Logger
	wake   chan struct{}

	cancel context.CancelFunc
	wg     gosync.WaitGroup

	// cycle lets one Sync run at a time, the background loop's or a
	// caller's: the ledger serves a terminal one upload and one download
	// at a time (a second gets 429 terminal_busy), and two cycles would
	// also read the same pending events and cursor from the store.
	cycle gosync.Mutex

	mu     gosync.Mutex // guards status
	status Status
}

// NewWorker returns a worker; Start runs it in the background.
func NewWorker(s Store, l Ledger, opts Options) *Worker {
	if opts.Batch <= 0 {
		opts.Batch = 500
	}
	if opts.Batch > MaxBatch {
		opts.Batch = MaxBatch
	}
	if opts.Page <= 0 || opts.Page > MaxPage {
		opts.Page = MaxPage
	}
	if opts.Poll <= 0 {
		opts.Poll = 15 * time.Second
	}
	if opts.MinBackoff <= 0 {
		opts.MinBackoff = 500 * time.Millisecond
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = time.Minute
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Worker{store: s, ledger: l, opts: opts, log: opts.Logger, wake: make(chan struct{}, 1)}
}

// Wake asks for a sync soon: a new event was recorded. It never blocks.
func (w *Worker) Wake() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Status returns the latest snapshot.
func (w *Worker) Status() Status {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.status
}

// Start runs the worker until Stop or ctx ends.
func (w *Worker) Start(ctx context.Context) {
	ctx, w.cancel = context.WithCancel(ctx)
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		w.loop(ctx)
	}()
}

// Stop ends the worker and waits for it; a request in flight is
// cancelled, which the ledger's idempotent ingest makes harmless.
func (w *Worker) Stop() {
	if w.cancel != nil {
		w.cancel()
	}
	w.wg.Wait()
}

func (w *Worker) loop(ctx context.Context) {
	var backoff time.Duration
	failing := false
	for {
		err := w.Sync(ctx)
		if ctx.Err() != nil {
			return
		}
		var wait time.Duration
		if err == nil {
			if failing {
				w.log.Info("sync recovered")
			}
			failing, backoff, wait = false, 0, w.opts.Poll
		} else {
			backoff = min(max(2*backoff, w.opts.MinBackoff), w.opts.MaxBackoff)
			// Jitter spreads the terminals of a city that lost the
			// network together, so they do not all come back at once.
			wait = backoff/2 + rand.N(backoff/2+1)
			if !failing || !Retryable(err) {
				w.log.Warn("sync failed", "err", err, "retry_in", wait.Round(time.Millisecond))
			}
			failing = true
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-w.wake:
			// New events while healthy go out at once; while failing they
			// wait for the backoff, so an offline desk does not hammer.
			if failing {
				select {
				case <-ctx.Done():
					timer.Stop()
					return
				case <-timer.C:
				}
			}
		case <-timer.C:
		}
		timer.Stop()
	}
}

// Sync uploads everything waiting, then downloads every change: one whole
// cycle, for tests and for a "sync now" button.
func (w *Worker) Sync(ctx context.Context) error {
	w.cycle.Lock()
	defer w.cycle.Unlock()
	err := w.upload(ctx)
	if err == nil || errors.Is(err, errBlocked) {
		if derr := w.download(ctx); derr != nil {
			err = derr
		}
	}
	w.record(ctx, err)
	if errors.Is(err, errBlocked) {
		return nil // a parked event is shown in the review list, not retried
	}
	return err
}

// errBlocked says the upload stopped at a parked event.
var errBlocked = errors.New("upload blocked by a parked event")

// registerKey gives the ledger the journal's public key when it does not
// hold it yet: a terminal enrolled before journals were signed.
func (w *Worker) registerKey(ctx context.Context) error {
	key, err := w.store.KeyToRegister(ctx)
	if err != nil || key == "" {
		return err
	}
	if err := w.ledger.RegisterKey(ctx, key); err != nil {
		return fmt.Errorf("register the journal's key: %w", err)
	}
	w.log.Info("journal key registered with the ledger")
	return w.store.KeyRegistered(ctx)
}

func (w *Worker) upload(ctx context.Context) error {
	if err := w.registerKey(ctx); err != nil {
		return err
	}
	batch := w.opts.Batch
	var resume int64
	gaps, keyAgain := 0, false
	for {
		from, parked, err := w.store.FirstPending(ctx)
		if err != nil {
			return err
		}
		if resume > 0 {
			from, resume = resume, 0
		}
		limit := batch
		if parked > 0 {
			// Send what comes before the parked event; nothing after it
			// can be taken by the ledger.
			if from == 0 || from >= parked {
				return errBlocked
			}
			limit = min(limit, int(parked-from))
		}
		if from == 0 {
			return nil
		}
		events, err := w.store.UploadBatch(ctx, from, limit)
		if err != nil {
			return err
		}
		if len(events) == 0 {
			return nil
		}
		sig, err := w.store.Sign(ctx, events[len(events)-1])
		if err != nil {
			return err
		}
		resp, err := w.ledger.Upload(ctx, events, sig)
		if p, ok := AsProblem(err); ok && !p.Retryable() {
			switch p.Code {
			case CodeSequenceGap:
				// The ledger lacks events before ours (it was restored) or
				// has ours already; either way it says where to go on.
				if gaps++; gaps > 3 || p.Resume < 1 {
					return fmt.Errorf("upload: the ledger keeps asking to resume (%d): %w", p.Resume, err)
				}
				resume = p.Resume
				continue
			case CodeKeyMissing:
				// The ledger lost the key (restored from an old backup):
				// give it again, once.
				if !keyAgain {
					keyAgain = true
					pub, kerr := w.store.PublicKey(ctx)
					if kerr == nil {
						kerr = w.ledger.RegisterKey(ctx, pub)
					}
					if kerr != nil {
						return fmt.Errorf("register the journal's key: %w", kerr)
					}
					continue
				}
			case CodeTooLarge:
				if batch > 1 {
					batch /= 2
					continue
				}
			case CodeEventConflict, CodeChainBroken, CodeWrongTerminal, CodeBadRequest, CodeSignatureInvalid:
				seq := p.Seq
				if seq == 0 {
					seq = events[0].Seq
				}
				if perr := w.store.Park(ctx, seq, p.Code, p.NL, p.EN); perr != nil {
					return perr
				}
				w.log.Error("event parked: the ledger refused it", "seq", seq, "code", p.Code, "reason", p.EN)
				return errBlocked
			}
		}
		if err != nil {
			return fmt.Errorf("upload: %w", err)
		}
		if err := w.store.Acknowledge(ctx, resp.Verdicts, resp.Balances); err != nil {
			return err
		}
		for _, v := range resp.Verdicts {
			if v.Status != Accepted {
				w.log.Warn("event needs review", "seq", v.Seq, "status", v.Status, "code", v.Code)
			}
		}
		gaps = 0
	}
}

func (w *Worker) download(ctx context.Context) error {
	cursor, err := w.store.DownloadCursor(ctx)
	if err != nil {
		return err
	}
	if b, ok := w.store.(bulkStore); ok && cursor == "" {
		if err := b.BeginBulk(ctx); err != nil {
			return err
		}
		defer func() {
			if err := b.EndBulk(context.WithoutCancel(ctx)); err != nil {
				w.log.Error("build indexes after the first download", "err", err)
			}
		}()
	}
	if cursor == "" {
		if cursor, err = w.snapshot(ctx); err != nil {
			return err
		}
	}
	// The next page is fetched while this one is applied: a first
	// download of a city is millions of changes, and the network and the
	// store then work side by side.
	type fetched struct {
		page ChangesResponse
		err  error
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	next := make(chan fetched, 1)
	fetch := func(cursor string) {
		go func() {
			p, err := w.ledger.Changes(ctx, cursor, w.opts.Page)
			next <- fetched{p, err}
		}()
	}
	fetch(cursor)
	applied, restarted := 0, false
	for {
		f := <-next
		if p, ok := AsProblem(f.err); ok && p.Code == CodeCursorInvalid && !restarted {
			// A ledger restored from a backup no longer knows our cursor:
			// start over; applying a change twice is harmless.
			w.log.Warn("download cursor refused; downloading from the start", "cursor", cursor)
			cursor, restarted = "", true
			fetch(cursor)
			continue
		}
		if f.err != nil {
			return fmt.Errorf("download: %w", f.err)
		}
		page := f.page
		if page.More {
			fetch(page.Next)
		}
		if len(page.Changes) > 0 || page.Next != cursor {
			if err := w.store.ApplyChanges(ctx, page.Changes, page.Next); err != nil {
				return err
			}
			applied += len(page.Changes)
			if w.opts.Progress != nil {
				w.opts.Progress(applied)
			}
		}
		cursor = page.Next
		if !page.More {
			return nil
		}
	}
}

// snapshot starts a first download from the ledger's snapshot, when both
// sides have them, and returns the cursor to go on from; "" when the
// download starts from the change log instead.
func (w *Worker) snapshot(ctx context.Context) (string, error) {
	st, ok1 := w.store.(snapshotStore)
	l, ok2 := w.ledger.(snapshotLedger)
	if !ok1 || !ok2 {
		return "", nil
	}
	f, err := os.CreateTemp("", "balie-snapshot-*.db")
	if err != nil {
		return "", fmt.Errorf("download snapshot: %w", err)
	}
	defer os.Remove(f.Name())
	start := time.Now()
	cursor, err := l.Snapshot(ctx, f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if p, ok := AsProblem(err); ok && p.Status == 404 {
		return "", nil // a ledger without snapshots: the change log it is
	}
	if err != nil {
		return "", fmt.Errorf("download snapshot: %w", err)
	}
	got, err := st.ApplySnapshot(ctx, f.Name())
	if err != nil {
		return "", err
	}
	if got != cursor {
		return "", fmt.Errorf("download snapshot: the file reflects cursor %s, the ledger said %s", got, cursor)
	}
	w.log.Info("directory snapshot applied", "cursor", got, "took", time.Since(start).Round(time.Millisecond))
	if w.opts.Progress != nil {
		w.opts.Progress(0)
	}
	return got, nil
}

// record updates the status after a cycle.
func (w *Worker) record(ctx context.Context, err error) {
	queued, oldest, qerr := w.store.UploadQueue(ctx)
	if q, ok := w.ledger.(interface{ SetQueue(int) }); ok && qerr == nil {
		// The next request tells the ledger, for the back office.
		q.SetQueue(queued)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if qerr == nil {
		w.status.Queued, w.status.Oldest = queued, oldest
	}
	w.status.Blocked = errors.Is(err, errBlocked)
	switch {
	case err == nil || errors.Is(err, errBlocked):
		w.status.Online, w.status.LastSync, w.status.LastError = true, w.opts.Now(), ""
	case errors.Is(err, context.Canceled):
	default:
		// A ledger that answered is online, unless it cannot serve now;
		// busy with this terminal's previous request, it is serving.
		p, refused := AsProblem(err)
		w.status.Online = refused && (!Retryable(err) || p.Code == CodeTerminalBusy)
		w.status.LastError = err.Error()
	}
}

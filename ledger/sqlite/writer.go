package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/balie/balie/ledger"
)

// request is one write waiting for the writer goroutine.
type request struct {
	ctx      context.Context
	terminal string
	batch    func(ledger.BatchTx) (*ledger.Effects, error) // an upload, or
	write    func(ledger.WriteTx) error                    // any other write, or
	bulk     bool                                          // a write whose commit need not wait for the disk
	flush    bool                                          // a fold of the hot state
	done     chan error
}

var errClosed = errors.New("the ledger is closing")

// submit hands a request to the writer and waits for its outcome.
func (s *Store) submit(r *request) error {
	if s.w == nil {
		return ledger.ErrReadOnly
	}
	r.done = make(chan error, 1)
	select {
	case s.reqs <- r:
	case <-s.stop:
		return errClosed
	case <-r.ctx.Done():
		return r.ctx.Err()
	}
	select {
	case err := <-r.done:
		return err
	case <-s.done:
		// The writer stopped; it answers every request it took first.
		select {
		case err := <-r.done:
			return err
		default:
			return errClosed
		}
	}
}

// Batch runs one upload on the writer, grouped with the uploads waiting
// at the same moment into one commit.
func (s *Store) Batch(ctx context.Context, terminal string, fn func(ledger.BatchTx) (*ledger.Effects, error)) error {
	return s.submit(&request{ctx: ctx, terminal: terminal, batch: fn})
}

// Write runs fn in a write transaction of its own on the writer.
func (s *Store) Write(ctx context.Context, fn func(ledger.WriteTx) error) error {
	return s.submit(&request{ctx: ctx, write: fn})
}

// WriteBulk is Write with a commit that does not wait for the disk
// (synchronous NORMAL): for a load that can be made again from its
// source. The next durable commit makes it durable too, being in the
// same write-ahead log.
func (s *Store) WriteBulk(ctx context.Context, fn func(ledger.WriteTx) error) error {
	return s.submit(&request{ctx: ctx, write: fn, bulk: true})
}

// Flush folds the hot state into its tables, when it holds anything.
func (s *Store) Flush(ctx context.Context) error {
	if s.w == nil {
		return nil
	}
	s.mu.RLock()
	dirty := s.hot.dirty()
	s.mu.RUnlock()
	if !dirty {
		return nil
	}
	return s.submit(&request{ctx: ctx, flush: true})
}

// writer is the one goroutine that writes: it takes requests in order,
// folds the hot state every FlushInterval and when it grows, and at the
// end.
func (s *Store) writer() {
	defer close(s.done)
	ckpt := time.NewTicker(250 * time.Millisecond)
	defer ckpt.Stop()
	var flushTick <-chan time.Time
	if s.opts.FlushInterval > 0 {
		t := time.NewTicker(s.opts.FlushInterval)
		defer t.Stop()
		flushTick = t.C
	}
	ctx := context.Background()
	for {
		select {
		case <-s.stop:
			s.drain()
			if s.hot.dirty() {
				if err := s.fold(ctx); err != nil {
					s.log.Error("fold at close", "err", err)
					s.closeErr = err
				}
			}
			return
		case r := <-s.reqs:
			s.serve(ctx, r)
		case <-flushTick:
			if s.hot.dirty() {
				if err := s.fold(ctx); err != nil {
					s.log.Error("background fold failed", "err", err)
				}
			}
		case <-ckpt.C:
			// PASSIVE never waits for the writer or the readers; what it
			// cannot copy now it copies next time.
			if _, err := s.ckpt.Exec(`PRAGMA wal_checkpoint(PASSIVE)`); err != nil && !isBusy(err) {
				s.log.Warn("checkpoint failed", "err", s.classify("checkpoint", err))
			}
		}
	}
}

// drain answers the requests still queued at close.
func (s *Store) drain() {
	for {
		select {
		case r := <-s.reqs:
			r.done <- errClosed
		default:
			return
		}
	}
}

// serve runs one request, and with an upload every other upload already
// waiting, up to MaxGroup.
func (s *Store) serve(ctx context.Context, r *request) {
	switch {
	case r.flush:
		r.done <- s.fold(ctx)
		return
	case r.write != nil:
		if err := r.ctx.Err(); err != nil {
			r.done <- err
			return
		}
		if r.bulk {
			if _, err := s.w.ExecContext(ctx, `PRAGMA synchronous = NORMAL`); err != nil {
				r.done <- s.classify("bulk write", err)
				return
			}
			defer s.w.ExecContext(ctx, `PRAGMA synchronous = FULL`)
		}
		r.done <- s.runWrite(ctx, r.write)
		return
	}
	group := []*request{r}
	var next *request
collect:
	for len(group) < s.opts.MaxGroup {
		select {
		case q := <-s.reqs:
			if q.batch == nil {
				next = q
				break collect
			}
			group = append(group, q)
		default:
			break collect
		}
	}
	s.runGroup(ctx, group)
	if next != nil {
		s.serve(ctx, next)
	}
	if len(s.hot.points) > maxPending {
		if err := s.fold(ctx); err != nil {
			s.log.Error("fold after a large group", "err", err)
		}
	}
}

// begin starts a write transaction and makes the hot state this file's:
// when another connection committed since this process's last write (or
// the last write failed), the caches are dropped and the events after
// the last fold are replayed and folded in this transaction.
func (s *Store) begin(ctx context.Context) (*sql.Tx, error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return nil, s.classify("begin", err)
	}
	var dv int64
	if err := tx.QueryRowContext(ctx, `PRAGMA data_version`).Scan(&dv); err != nil {
		tx.Rollback()
		return nil, s.classify("read data version", err)
	}
	if !s.current || dv != s.dv {
		if err := s.rebuild(ctx, tx); err != nil {
			tx.Rollback()
			s.current = false
			return nil, err
		}
		s.dv, s.current = dv, true
	}
	return tx, nil
}

// commit ends a write transaction. A failure leaves the hot state and
// the caches unknown: the next write rebuilds them from the file.
func (s *Store) commit(tx *sql.Tx) error {
	if err := tx.Commit(); err != nil {
		s.current = false
		return s.classify("commit", err)
	}
	return nil
}

func (s *Store) rollback(tx *sql.Tx) {
	tx.Rollback()
	s.current = false
}

// runWrite runs a directory write in a transaction of its own.
func (s *Store) runWrite(ctx context.Context, fn func(ledger.WriteTx) error) error {
	tx, err := s.begin(ctx)
	if err != nil {
		return err
	}
	w := &writeTx{reader: s.writeReader(ctx, tx), s: s, tx: tx, ctx: ctx}
	if err := fn(w); err != nil {
		s.rollback(tx)
		return err
	}
	if err := s.commit(tx); err != nil {
		return err
	}
	w.committed()
	return nil
}

// runGroup runs uploads in one transaction. A batch the core refuses has
// written nothing and is simply left out. A batch whose writes fail (an
// event id another terminal holds, a full disk) rolls back the whole
// transaction, gets its error, and the others run again without it: a
// rare case, paid for by running the group again, where a savepoint per
// batch would make SQLite copy every page each batch touches into its
// sub-journal, on every upload. Each pass answers at least one request,
// so the passes end.
func (s *Store) runGroup(ctx context.Context, group []*request) {
	for len(group) > 0 {
		group = s.runPass(ctx, group)
	}
}

// runPass runs the group in one transaction and answers every request,
// unless one batch's writes fail: then it rolls back, answers that batch
// and those the core refused, and returns the others to run again.
func (s *Store) runPass(ctx context.Context, group []*request) (again []*request) {
	tx, err := s.begin(ctx)
	if err != nil {
		for _, r := range group {
			r.done <- err
		}
		return nil
	}
	g := &groupState{last: s.hot.last}
	var ok []*request
	var overlays []*overlay
	var refused []*request
	var refusals []error
	for i, r := range group {
		ov := newOverlay()
		b := &batchTx{s: s, tx: tx, ctx: ctx, g: g, ov: ov, stmts: map[*sql.Stmt]*sql.Stmt{}}
		eff, err := r.batch(b)
		if err != nil {
			refused, refusals = append(refused, r), append(refusals, err)
			continue
		}
		if err := b.apply(eff); err != nil {
			// Nothing of this pass is kept. The hot state only takes the
			// overlays of a committed group, so it stays this file's when
			// the rollback succeeds.
			if rerr := tx.Rollback(); rerr != nil {
				s.current = false
			}
			for j, q := range refused {
				q.done <- refusals[j]
			}
			r.done <- err
			return append(ok, group[i+1:]...)
		}
		g.overlays = append(g.overlays, ov)
		overlays = append(overlays, ov)
		ok = append(ok, r)
	}
	for j, q := range refused {
		q.done <- refusals[j]
	}
	if err := s.commit(tx); err != nil {
		for _, r := range ok {
			r.done <- err
		}
		return nil
	}
	s.merge(overlays)
	for _, r := range ok {
		r.done <- nil
	}
	return nil
}

// fold writes the hot state into its tables in a transaction of its own.
func (s *Store) fold(ctx context.Context) error {
	tx, err := s.begin(ctx)
	if err != nil {
		return err
	}
	if !s.hot.dirty() {
		// begin may have folded a rebuilt state already.
		return s.commit(tx)
	}
	if err := s.writeHot(ctx, tx, s.hot); err != nil {
		s.rollback(tx)
		return err
	}
	if err := s.commit(tx); err != nil {
		return err
	}
	s.folded()
	return nil
}

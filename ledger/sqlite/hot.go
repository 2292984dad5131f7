package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strconv"

	"github.com/balie/balie"
)

// hotState is what the uploads changed since the last fold and the tables
// do not hold yet: balances. The writer goroutine changes it under
// Store.mu, so readers may look at it under a read lock.
type hotState struct {
	points  map[string]int // current balance of every holder changed since the fold
	last    int64          // the last ingest number the state covers
	flushed int64          // the last ingest number the tables cover
}

func newHotState() *hotState { return &hotState{points: map[string]int{}} }

func (h *hotState) dirty() bool { return len(h.points) > 0 || h.last > h.flushed }

// maxPending is how many balances the hot state holds before a group
// folds it at once.
const maxPending = 250_000

// cache remembers committed rows the uploads read, so that a holder's
// balance or a card is read from the tables once while no other process
// writes. It forgets everything when it grows past its bound, and when
// another connection committed.
type cache struct {
	points map[string]int
	cards  map[balie.CardNumber]balie.Card
}

const (
	maxCachedPoints = 1_000_000
	maxCachedCards  = 500_000
)

func newCache() *cache {
	return &cache{points: map[string]int{}, cards: map[balie.CardNumber]balie.Card{}}
}

func (c *cache) point(id string, p int) {
	if len(c.points) >= maxCachedPoints {
		clear(c.points)
	}
	c.points[id] = p
}

func (c *cache) card(k balie.Card) {
	if len(c.cards) >= maxCachedCards {
		clear(c.cards)
	}
	c.cards[k.Number] = k
}

func (c *cache) clear() {
	clear(c.points)
	clear(c.cards)
}

// overlay is what one upload of a group changed in memory; it joins the
// hot state when the group commits, and is dropped with its savepoint.
type overlay struct {
	points map[string]int
	cards  map[balie.CardNumber]balie.Card
	last   int64 // the last ingest number the batch reserved, 0 for none

	// Rows the batch read from the tables, for the caches once committed.
	cached      []cachedPoint
	cachedCards []balie.Card
}

type cachedPoint struct {
	id     string
	points int
}

func newOverlay() *overlay {
	return &overlay{points: map[string]int{}, cards: map[balie.CardNumber]balie.Card{}}
}

// groupState is a commit's uploads so far.
type groupState struct {
	overlays []*overlay // committed to their savepoints, in order
	last     int64      // the last ingest number given
}

// merge hands what a committed group changed to the hot state and the
// caches.
func (s *Store) merge(ovs []*overlay) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := s.hot
	for _, ov := range ovs {
		for id, p := range ov.points {
			h.points[id] = p
		}
		for _, c := range ov.cachedCards {
			s.cache.card(c)
		}
		for _, c := range ov.cards {
			s.cache.card(c)
		}
		for _, p := range ov.cached {
			s.cache.point(p.id, p.points)
		}
		if ov.last > h.last {
			h.last = ov.last
		}
	}
}

// folded empties the hot state after a fold committed; the balances it
// held are the tables' now.
func (s *Store) folded() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, p := range s.hot.points {
		s.cache.point(id, p)
	}
	last := s.hot.last
	s.hot = newHotState()
	s.hot.last, s.hot.flushed = last, last
}

const metaFlushed = "flushed_ingest"

// writeHot writes a hot state to the tables in tx: balances and their
// change-log entries, and the last ingest number the tables cover.
func (s *Store) writeHot(ctx context.Context, tx *sql.Tx, h *hotState) error {
	ids := make([]string, 0, len(h.points))
	for id := range h.points {
		ids = append(ids, id)
	}
	sort.Strings(ids) // in key order: fewer pages touched twice
	// Many rows a statement: a fold writes tens of thousands.
	for len(ids) > 0 {
		n := foldRows
		if len(ids) < n {
			n = 1
		}
		set, change := tx.StmtContext(ctx, s.ins.setPointsN[n]), tx.StmtContext(ctx, s.ins.balanceN[n])
		pts := make([]any, 0, 2*n)
		chs := make([]any, 0, 2*n)
		for _, id := range ids[:n] {
			p := h.points[id]
			pts = append(pts, id, p)
			chs = append(chs, id, balanceJSON(id, p))
		}
		if _, err := set.ExecContext(ctx, pts...); err != nil {
			return s.classify("fold balances", err)
		}
		if _, err := change.ExecContext(ctx, chs...); err != nil {
			return s.classify("fold balances", err)
		}
		ids = ids[n:]
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
		metaFlushed, strconv.FormatInt(h.last, 10)); err != nil {
		return s.classify("fold", err)
	}
	return nil
}

func balanceJSON(id string, points int) []byte {
	b := make([]byte, 0, 48)
	b = append(b, `{"holder":`...)
	b = strconv.AppendQuote(b, id)
	b = append(b, `,"points":`...)
	b = strconv.AppendInt(b, int64(points), 10)
	return append(b, '}')
}

// readFlushed reads the last ingest number the tables cover.
func readFlushed(ctx context.Context, q querier) (int64, error) {
	var w string
	if err := q.QueryRowContext(ctx, `SELECT coalesce((SELECT value FROM meta WHERE key = ?), '0')`, metaFlushed).Scan(&w); err != nil {
		return 0, err
	}
	n, err := strconv.ParseInt(w, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("bad %s %q", metaFlushed, w)
	}
	return n, nil
}

// rebuild drops what this process held in memory and replays the events
// after the last fold into a hot state, which it folds at once, in tx:
// afterwards the tables alone are the truth and the hot state is empty.
func (s *Store) rebuild(ctx context.Context, tx *sql.Tx) error {
	s.cache.clear()
	flushed, err := readFlushed(ctx, tx)
	if err != nil {
		return s.classify("rebuild", err)
	}
	h := newHotState()
	h.flushed = flushed
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(ingest), 0) FROM events`).Scan(&h.last); err != nil {
		return s.classify("rebuild", err)
	}
	if h.last > flushed {
		if err := replay(ctx, tx, h, func(id string) (int, error) {
			var p int
			err := tx.QueryRowContext(ctx, `SELECT points FROM holders WHERE id = ?`, id).Scan(&p)
			return p, err
		}); err != nil {
			return s.classify("rebuild", err)
		}
		if err := s.writeHot(ctx, tx, h); err != nil {
			return err
		}
		s.log.Info("folded the events after the last fold", "from", flushed+1, "to", h.last, "balances", len(h.points))
	}
	s.mu.Lock()
	s.hot = newHotState()
	s.hot.last, s.hot.flushed = h.last, h.last
	s.mu.Unlock()
	return nil
}

// replay applies the points the events after h.flushed applied to h.
func replay(ctx context.Context, q querier, h *hotState, base func(id string) (int, error)) error {
	rows, err := q.QueryContext(ctx, `SELECT holder_id, sum(points) FROM events
		WHERE ingest > ? AND points <> 0 AND holder_id <> '' GROUP BY holder_id`, h.flushed)
	if err != nil {
		return err
	}
	deltas := map[string]int{}
	for rows.Next() {
		var id string
		var p int
		if err := rows.Scan(&id, &p); err != nil {
			rows.Close()
			return err
		}
		deltas[id] = p
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for id, d := range deltas {
		p, err := base(id)
		if err != nil {
			return fmt.Errorf("balance of %s: %w", id, err)
		}
		h.points[id] = p + d
	}
	return nil
}

// querier is the database or a transaction.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

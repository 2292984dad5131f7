package ledger

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/balie/balie"
	balisync "github.com/balie/balie/sync"
)

// The hot path writes behind.
//
// A check-in touches state keyed by a random holder: the holder's balance,
// the usage row its limit counts, the balance in the change log. Written
// in every batch's transaction, each costs a page of random I/O per
// event, which caps ingest far below what a city needs. So a batch's
// transaction writes only what is appended in order (the events with
// their verdicts and the points each applied), and keeps the balances and
// check-in usage it changed in memory (hotState). Flush writes them to
// the tables in one transaction, with the balances' change-log rows, and
// records the last ingest number it covered. Open replays the events
// after that number, so a crash between two flushes loses nothing: the
// events table is the truth and the rest is derived from it.
//
// Flush runs in the background every FlushInterval, before a download
// page is served (so a terminal always downloads every balance the ledger
// answered before), and at Close.

// hotState is what the batches changed since the last flush. Guarded by
// Ledger.mu.
type hotState struct {
	points   map[string]int // current balance of every holder changed since the flush
	checkins []pendingCheckin
	pairs    map[pairKey]int32 // index of the last check-in of a holder at an event; each links to the one before
	last     int64             // the last ingest number the state covers
	flushed  int64             // the last ingest number the tables cover
}

// cache remembers what a batch looked up, so that a holder or a card is
// read from the tables once: holders and cards are never deleted, and
// every balance changes through this process. Guarded by Ledger.mu. It
// forgets everything when it grows past maxCached entries.
type cache struct {
	points map[string]int // current balance of holders seen
	cards  map[balie.CardNumber]struct{}
}

const maxCached = 2_000_000

func newCache() *cache {
	return &cache{points: map[string]int{}, cards: map[balie.CardNumber]struct{}{}}
}

func (c *cache) remember(id string, points int) {
	if len(c.points) >= maxCached {
		clear(c.points)
	}
	c.points[id] = points
}

func (c *cache) card(n balie.CardNumber) {
	if len(c.cards) >= maxCached {
		clear(c.cards)
	}
	c.cards[n] = struct{}{}
}

// balance is a holder's current balance when the ledger has it in
// memory.
func (l *Ledger) balance(id string) (int, bool) {
	if p, ok := l.hot.points[id]; ok {
		return p, true
	}
	p, ok := l.cache.points[id]
	return p, ok
}

type pendingCheckin struct {
	holder, event string
	at, ingest    int64
	prev          int32 // the holder's check-in at the same event before it, -1 for none
	gone          bool  // voided before it was flushed
}

type pairKey struct{ holder, event string }

func newHotState() *hotState {
	return &hotState{points: map[string]int{}, pairs: map[pairKey]int32{}}
}

func (h *hotState) dirty() bool {
	return len(h.points) > 0 || len(h.checkins) > 0 || h.last > h.flushed
}

func (h *hotState) addCheckin(c pendingCheckin) {
	k := pairKey{c.holder, c.event}
	c.prev = -1
	if p, ok := h.pairs[k]; ok {
		c.prev = p
	}
	h.pairs[k] = int32(len(h.checkins))
	h.checkins = append(h.checkins, c)
}

// find returns the index of the pending check-in with ingest number
// ingest: they are appended in ingest order.
func (h *hotState) find(ingest int64) (int, bool) {
	i := sort.Search(len(h.checkins), func(i int) bool { return h.checkins[i].ingest >= ingest })
	return i, i < len(h.checkins) && h.checkins[i].ingest == ingest
}

// Flush writes the balances and check-in usage kept in memory to the
// tables, with the balances' change-log rows.
func (l *Ledger) Flush(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return errors.New("flush: ledger closed")
	}
	return l.flushLocked(ctx)
}

const metaFlushed = "flushed_ingest"

func (l *Ledger) flushLocked(ctx context.Context) error {
	h := l.hot
	if !h.dirty() {
		return nil
	}
	ctx = context.WithoutCancel(ctx)
	tx, err := l.w.BeginTx(ctx, nil)
	if err != nil {
		return l.classify("flush", err)
	}
	defer tx.Rollback()
	if err := l.writeHot(ctx, tx, h); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return l.classify("flush", err)
	}
	l.log.Debug("flushed", "checkins", len(h.checkins), "balances", len(h.points), "ingest", h.last)
	last := h.last
	l.hot = newHotState()
	l.hot.last, l.hot.flushed = last, last
	return nil
}

// writeHot writes a hot state to the tables in tx. Every write is
// idempotent (absolute balances, usage rows ignored when present, the
// highest watermark kept), so that another process that recovered the
// same events first does no harm.
func (l *Ledger) writeHot(ctx context.Context, tx *sql.Tx, h *hotState) error {
	add := tx.StmtContext(ctx, l.ins.addCheckin)
	for _, c := range h.checkins {
		if c.gone {
			continue
		}
		if _, err := add.ExecContext(ctx, c.holder, c.event, c.at, c.ingest); err != nil {
			return l.classify("flush check-ins", err)
		}
	}
	set := tx.StmtContext(ctx, l.ins.setPoints)
	change := tx.StmtContext(ctx, l.ins.change)
	for id, p := range h.points {
		if _, err := set.ExecContext(ctx, p, id); err != nil {
			return l.classify("flush balances", err)
		}
		if _, err := change.ExecContext(ctx, balisync.ChangeBalance, id, 0, mustJSON(balisync.Balance{HolderID: id, Points: p})); err != nil {
			return l.classify("flush balances", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value =
		CASE WHEN CAST(value AS INTEGER) > CAST(excluded.value AS INTEGER) THEN value ELSE excluded.value END`,
		metaFlushed, strconv.FormatInt(h.last, 10)); err != nil {
		return l.classify("flush", err)
	}
	return nil
}

// recover rebuilds the state a crash between two flushes left only in
// the events (the balances and check-in usage after the last flush) and
// writes it, in one write transaction so that no other writer comes in
// between.
func (l *Ledger) recover(ctx context.Context) error {
	tx, err := l.w.BeginTx(ctx, nil)
	if err != nil {
		return l.classify("recover", err)
	}
	defer tx.Rollback()
	var w string
	if err := tx.QueryRowContext(ctx, `SELECT coalesce((SELECT value FROM meta WHERE key = ?), '0')`, metaFlushed).Scan(&w); err != nil {
		return l.classify("recover", err)
	}
	flushed, err := strconv.ParseInt(w, 10, 64)
	if err != nil {
		return fmt.Errorf("recover: bad %s %q", metaFlushed, w)
	}
	h := newHotState()
	h.flushed = flushed
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(ingest), 0) FROM events`).Scan(&h.last); err != nil {
		return l.classify("recover", err)
	}
	if h.last <= flushed {
		h.last = flushed
		l.hot = h
		return nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT e.ingest, e.kind, e.payload, e.time, e.holder_id, e.points, coalesce(v.target, 0)
		FROM events e LEFT JOIN voids v ON v.void = e.ingest
		WHERE e.ingest > ? AND e.status <> ? AND e.kind IN (?, ?, ?) ORDER BY e.ingest`,
		flushed, balisync.Rejected, string(balie.KindCheckin), string(balie.KindRewardRedemption), string(balie.KindVoid))
	if err != nil {
		return l.classify("recover", err)
	}
	type step struct {
		ingest, target int64
		kind, at       string
		payload        []byte
		holder         string
		points         int
	}
	var steps []step
	for rows.Next() {
		var s step
		if err := rows.Scan(&s.ingest, &s.kind, &s.payload, &s.at, &s.holder, &s.points, &s.target); err != nil {
			rows.Close()
			return l.classify("recover", err)
		}
		steps = append(steps, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return l.classify("recover", err)
	}
	for _, s := range steps {
		if s.points != 0 && s.holder != "" {
			p, ok := h.points[s.holder]
			if !ok {
				if err := tx.QueryRowContext(ctx, `SELECT points FROM holders WHERE id = ?`, s.holder).Scan(&p); err != nil {
					return l.classify("recover balance of "+s.holder, err)
				}
			}
			h.points[s.holder] = p + s.points
		}
		switch balie.Kind(s.kind) {
		case balie.KindCheckin:
			var p balie.CheckinPayload
			if err := json.Unmarshal(s.payload, &p); err != nil {
				return fmt.Errorf("recover check-in %d: %w", s.ingest, err)
			}
			at, err := time.Parse(balie.TimeFormat, s.at)
			if err != nil {
				return fmt.Errorf("recover check-in %d: %w", s.ingest, err)
			}
			h.addCheckin(pendingCheckin{holder: p.HolderID, event: p.EventID, at: nanos(at), ingest: s.ingest})
		case balie.KindVoid:
			if i, ok := h.find(s.target); ok {
				h.checkins[i].gone = true
			}
		}
	}
	if err := l.writeHot(ctx, tx, h); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return l.classify("recover", err)
	}
	l.log.Info("recovered the events after the last flush", "from", flushed+1, "to", h.last, "checkins", len(h.checkins), "balances", len(h.points))
	l.hot = newHotState()
	l.hot.last, l.hot.flushed = h.last, h.last
	return nil
}

// background flushes every flushEvery (never when zero) and checkpoints
// the WAL into the database file when it has grown, until stop is closed.
func (l *Ledger) background(flushEvery time.Duration, stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	ckpt := time.NewTicker(250 * time.Millisecond)
	defer ckpt.Stop()
	var flush <-chan time.Time
	if flushEvery > 0 {
		t := time.NewTicker(flushEvery)
		defer t.Stop()
		flush = t.C
	}
	for {
		select {
		case <-stop:
			return
		case <-flush:
			l.mu.Lock()
			if !l.closed && l.hot.dirty() {
				if err := l.flushLocked(context.Background()); err != nil {
					l.log.Error("background flush failed", "err", err)
				}
			}
			l.mu.Unlock()
		case <-ckpt.C:
			// PASSIVE never waits for the writer or the readers; what it
			// cannot copy now it copies next time.
			if _, err := l.ckpt.Exec(`PRAGMA wal_checkpoint(PASSIVE)`); err != nil {
				l.log.Warn("checkpoint failed", "err", l.classify("checkpoint", err))
			}
		}
	}
}

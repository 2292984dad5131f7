package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/balie/balie"
	balisync "github.com/balie/balie/sync"
)

// Terminal states.
const (
	TerminalActive  = "ACTIVE"
	TerminalRevoked = "REVOKED"
)

// IngestStats counts what one batch did, for metrics and logs.
type IngestStats struct {
	New     map[string]int // new events by verdict status
	Repeats int            // events already stored, answered with their original verdict
}

// Ingest stores a batch of one terminal's journal events and applies the
// new ones by the ledger's rules, in one transaction, as
// docs/sync-protocol.md "POST /v1/events" says. terminalID is the
// authenticated caller. A refusal of the whole batch comes back as a
// Problem (nothing stored); otherwise every event has a verdict.
func (l *Ledger) Ingest(ctx context.Context, terminalID string, events []balie.JournalEvent) (balisync.UploadResponse, *balisync.Problem) {
	resp, _, p := l.IngestStats(ctx, terminalID, events)
	return resp, p
}

// IngestStats is Ingest that also says how many events were new and how
// many repeats.
func (l *Ledger) IngestStats(ctx context.Context, terminalID string, events []balie.JournalEvent) (balisync.UploadResponse, IngestStats, *balisync.Problem) {
	stats := IngestStats{New: map[string]int{}}
	if len(events) > balisync.MaxBatch {
		return balisync.UploadResponse{}, stats, problemTooLarge()
	}
	for i, e := range events {
		if e.Terminal != terminalID {
			return balisync.UploadResponse{}, stats, problemWrongTerminal(e.Seq)
		}
		if e.Seq < 1 || (i > 0 && e.Seq != events[i-1].Seq+1) {
			return balisync.UploadResponse{}, stats, problemBadRequest(
				fmt.Sprintf("de gebeurtenissen moeten op volgorde staan, zonder gaten, vanaf volgnummer 1 (bij volgnummer %d niet).", e.Seq),
				fmt.Sprintf("the events must be in sequence order without gaps, from seq 1 (not so at seq %d).", e.Seq))
		}
	}
	// Hashing is the costly check and needs no lock: concurrent uploads
	// hash in parallel while one of them writes.
	hashOK := make([]bool, len(events))
	checkins := make([]*balie.CheckinPayload, len(events))
	for i, e := range events {
		hashOK[i] = e.ComputeHash() == e.Hash
		if e.Kind == balie.KindCheckin {
			var p balie.CheckinPayload
			if decode(e, &p) {
				checkins[i] = &p
			}
		}
	}

	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return balisync.UploadResponse{}, stats, problemUnavailable()
	}
	// Once the body is read the batch is finished whatever the caller
	// does: a client that hangs up gets the same verdicts on its retry.
	ctx = context.WithoutCancel(ctx)
	tx, err := l.w.BeginTx(ctx, nil)
	if err != nil {
		return balisync.UploadResponse{}, stats, l.internal("begin batch", err)
	}
	defer tx.Rollback()
	b := newBatch(ctx, l, tx, terminalID)

	var lastSeq int64
	var lastHash, status string
	if err := b.stmt(l.ins.head).QueryRowContext(ctx, terminalID).Scan(&lastSeq, &lastHash, &status, &b.location); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return balisync.UploadResponse{}, stats, problemUnauthorized()
		}
		return balisync.UploadResponse{}, stats, l.internal("read terminal head", err)
	}
	if status != TerminalActive {
		return balisync.UploadResponse{}, stats, problemRevoked()
	}

	resp := balisync.UploadResponse{Verdicts: make([]balisync.Verdict, 0, len(events)), Acked: lastSeq}
	i := 0
	for ; i < len(events) && events[i].Seq <= lastSeq; i++ {
		v, holder, p, err := b.repeat(events[i], hashOK[i])
		if err != nil {
			return balisync.UploadResponse{}, stats, l.internal("read stored event", err)
		}
		if p != nil {
			return balisync.UploadResponse{}, stats, p
		}
		resp.Verdicts = append(resp.Verdicts, v)
		stats.Repeats++
		if holder != "" {
			if _, err := b.holderPoints(holder); err != nil {
				return balisync.UploadResponse{}, stats, l.internal("read balance", err)
			}
		}
	}
	if i < len(events) {
		if events[i].Seq != lastSeq+1 {
			return balisync.UploadResponse{}, stats, problemGap(lastSeq + 1)
		}
		prev := lastHash
		for j := i; j < len(events); j++ {
			if events[j].PrevHash != prev {
				return balisync.UploadResponse{}, stats, problemChain(events[j].Seq, "prev_hash")
			}
			if !hashOK[j] {
				return balisync.UploadResponse{}, stats, problemChain(events[j].Seq, "hash")
			}
			prev = events[j].Hash
		}
		b.ingest = l.hot.last
		if err := b.preload(events[i:], checkins[i:]); err != nil {
			return balisync.UploadResponse{}, stats, l.internal("preload", err)
		}
		for ; i < len(events); i++ {
			v, err := b.apply(events[i], checkins[i])
			if errors.Is(err, errIDTaken) {
				return balisync.UploadResponse{}, stats, problemConflict(events[i].Seq)
			}
			if err != nil {
				return balisync.UploadResponse{}, stats, l.internal(fmt.Sprintf("apply seq %d", events[i].Seq), err)
			}
			resp.Verdicts = append(resp.Verdicts, v)
			stats.New[v.Status]++
		}
		last := events[len(events)-1]
		if _, err := b.stmt(l.ins.setHead).ExecContext(ctx, last.Seq, last.Hash, terminalID); err != nil {
			return balisync.UploadResponse{}, stats, l.internal("write terminal head", err)
		}
		resp.Acked = last.Seq
	}
	if err := b.finish(); err != nil {
		return balisync.UploadResponse{}, stats, l.internal("write reward units", err)
	}
	for _, id := range b.holderOrder {
		resp.Balances = append(resp.Balances, balisync.Balance{HolderID: id, Points: b.holders[id].points})
	}
	if l.beforeCommit != nil {
		l.beforeCommit()
	}
	if err := tx.Commit(); err != nil {
		return balisync.UploadResponse{}, stats, l.internal("commit batch", err)
	}
	b.merge()
	if len(l.hot.checkins) > maxPending {
		if err := l.flushLocked(ctx); err != nil {
			l.log.Error("flush after batch", "err", err)
		}
	}
	return resp, stats, nil
}

// internal logs a failure and answers 500.
func (l *Ledger) internal(op string, err error) *balisync.Problem {
	l.log.Error("ingest failed", "op", op, "err", l.classify(op, err))
	return problemInternal()
}

// repeat answers an event the ledger already holds under this terminal
// and seq: the original verdict when it is the same event, a conflict
// otherwise.
func (b *batch) repeat(e balie.JournalEvent, hashOK bool) (balisync.Verdict, string, *balisync.Problem, error) {
	var id, hash, holder string
	v := balisync.Verdict{ID: e.ID, Seq: e.Seq}
	err := b.stmt(b.l.ins.stored).QueryRowContext(b.ctx, b.terminal, e.Seq).Scan(&id, &hash, &v.Status, &v.Code, &v.NL, &v.EN, &holder)
	if errors.Is(err, sql.ErrNoRows) {
		// Cannot happen: every seq up to the head is stored.
		return v, "", nil, fmt.Errorf("seq %d below the head is missing", e.Seq)
	}
	if err != nil {
		return v, "", nil, err
	}
	if id != e.ID || hash != e.Hash || !hashOK {
		return v, "", problemConflict(e.Seq), nil
	}
	return v, holder, nil, nil
}

// errIDTaken is an event id the ledger holds under another terminal or
// seq.
var errIDTaken = errors.New("event id already stored")

// batch is the state of one upload's transaction: the statements bound to
// it and what the batch read and changed, written back by flush.
type batch struct {
	ctx      context.Context
	l        *Ledger
	tx       *sql.Tx
	terminal string
	location string // the terminal's desk
	ingest   int64  // the last ingest number given
	received int64

	stmts map[*sql.Stmt]*sql.Stmt

	holders     map[string]*holderState
	holderOrder []string // holders the batch touched, in order
	events      map[string]*balie.Event
	tariffs     map[string]*balie.Tariff
	programs    map[string]*balie.MembershipProgram
	rewards     map[string]*rewardState
	rewardOrder []string // rewards whose units changed

	cards       map[balie.CardNumber]bool // cards known to exist, preloaded
	pairs       map[pairKey]*pairUsage    // check-in usage by holder and event
	newCheckins []pendingCheckin          // this batch's, merged into the hot state after the commit
	newIdx      map[int64]int             // index into newCheckins by ingest
	voidHot     []int64                   // pending check-ins this batch voided
}

// pairUsage is every check-in of one holder at one event: flushed rows,
// pending ones and this batch's.
type pairUsage struct {
	ats []usageAt
}

type usageAt struct {
	at, ingest int64
	gone       bool
}

func (u *pairUsage) count(from, to int64) int {
	n := 0
	for _, a := range u.ats {
		if !a.gone && a.at >= from && a.at < to {
			n++
		}
	}
	return n
}

func (u *pairUsage) remove(ingest int64) {
	for i := range u.ats {
		if u.ats[i].ingest == ingest {
			u.ats[i].gone = true
		}
	}
}

// maxPending is how many check-ins the hot state holds before a batch
// flushes it at once.
const maxPending = 250_000

type holderState struct {
	exists  bool
	points  int
	changed bool
}

type rewardState struct {
	reward  balie.Reward
	units   int
	changed bool
}

func newBatch(ctx context.Context, l *Ledger, tx *sql.Tx, terminal string) *batch {
	return &batch{ctx: ctx, l: l, tx: tx, terminal: terminal, received: l.now().UnixNano(),
		stmts:   map[*sql.Stmt]*sql.Stmt{},
		holders: map[string]*holderState{}, events: map[string]*balie.Event{}, tariffs: map[string]*balie.Tariff{},
		programs: map[string]*balie.MembershipProgram{}, rewards: map[string]*rewardState{},
		cards: map[balie.CardNumber]bool{}, pairs: map[pairKey]*pairUsage{}, newIdx: map[int64]int{}}
}

// stmt binds a prepared statement to the batch's transaction.
func (b *batch) stmt(s *sql.Stmt) *sql.Stmt {
	if t, ok := b.stmts[s]; ok {
		return t
	}
	t := b.tx.StmtContext(b.ctx, s)
	b.stmts[s] = t
	return t
}

// holder reads a holder's balance once per batch; ok is false when the
// ledger does not know the holder.
func (b *batch) holder(id string) (*holderState, bool, error) {
	if h, ok := b.holders[id]; ok {
		return h, h.exists, nil
	}
	if p, ok := b.l.balance(id); ok {
		h := &holderState{exists: true, points: p}
		b.holders[id] = h
		return h, true, nil
	}
	h := &holderState{}
	err := b.stmt(b.l.ins.holder).QueryRowContext(b.ctx, id).Scan(&h.points)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return nil, false, fmt.Errorf("read holder: %w", err)
	default:
		h.exists = true
		b.l.cache.remember(id, h.points)
	}
	b.holders[id] = h
	return h, h.exists, nil
}

// holderPoints marks a holder as touched, for the answer's balances.
func (b *batch) holderPoints(id string) (int, error) {
	h, ok, err := b.holder(id)
	if err != nil || !ok {
		return 0, err
	}
	b.touch(id)
	return h.points, nil
}

func (b *batch) touch(id string) {
	if !slices.Contains(b.holderOrder[max(0, len(b.holderOrder)-8):], id) {
		// A cheap look at the last few; a holder touched far apart in one
		// batch is deduplicated by flush.
		b.holderOrder = append(b.holderOrder, id)
	}
}

// addPoints changes a holder's balance within the batch.
func (b *batch) addPoints(id string, delta int) {
	h := b.holders[id]
	h.points += delta
	h.changed = h.changed || delta != 0
	b.touch(id)
}

// finish dedups the holders the batch touched and writes the reward units
// it changed, with their change-log rows. Balances stay in the hot state
// until the next flush.
func (b *batch) finish() error {
	seen := make(map[string]bool, len(b.holderOrder))
	order := b.holderOrder[:0]
	for _, id := range b.holderOrder {
		if !seen[id] {
			seen[id] = true
			order = append(order, id)
		}
	}
	b.holderOrder = order
	for _, id := range b.rewardOrder {
		r := b.rewards[id]
		if !r.changed {
			continue
		}
		r.changed = false
		if _, err := b.tx.ExecContext(b.ctx, `UPDATE rewards SET units_redeemed = ? WHERE id = ?`, r.units, id); err != nil {
			return fmt.Errorf("write reward units: %w", err)
		}
		if err := b.change(balisync.ChangeReward, id, balisync.RewardState{Reward: r.reward, UnitsRedeemed: r.units}); err != nil {
			return err
		}
	}
	return nil
}

// merge hands what the committed batch changed to the hot state.
func (b *batch) merge() {
	h := b.l.hot
	for id, hs := range b.holders {
		if hs.changed {
			h.points[id] = hs.points
			b.l.cache.remember(id, hs.points)
		}
	}
	for _, ing := range b.voidHot {
		if i, ok := h.find(ing); ok {
			h.checkins[i].gone = true
		}
	}
	for _, c := range b.newCheckins {
		if !c.gone {
			h.addCheckin(c)
		}
	}
	if b.ingest > h.last {
		h.last = b.ingest
	}
}

// preload reads in bulk what the batch's check-ins need: which cards
// exist, the holders' balances and every earlier check-in of each holder
// at each event with a limit.
func (b *batch) preload(events []balie.JournalEvent, checkins []*balie.CheckinPayload) error {
	var cards, holders []string
	seenCard, seenHolder := map[balie.CardNumber]bool{}, map[string]bool{}
	var pairs []string // holder, event, holder, event...
	seenPair := map[pairKey]bool{}
	for i, p := range checkins {
		if p == nil || events[i].Kind != balie.KindCheckin {
			continue
		}
		if p.Card != "" && !seenCard[p.Card] {
			seenCard[p.Card] = true
			if _, ok := b.l.cache.cards[p.Card]; ok {
				b.cards[p.Card] = true
			} else {
				cards = append(cards, string(p.Card))
			}
		}
		if _, ok := b.holders[p.HolderID]; !ok && !seenHolder[p.HolderID] {
			seenHolder[p.HolderID] = true
			if pts, ok := b.l.balance(p.HolderID); ok {
				b.holders[p.HolderID] = &holderState{exists: true, points: pts}
			} else {
				holders = append(holders, p.HolderID)
			}
		}
		ev, err := catalogue(b, b.events, "catalogue_events", p.EventID)
		if err != nil {
			return err
		}
		k := pairKey{p.HolderID, p.EventID}
		if ev != nil && ev.CheckinLimit.Volume > 0 && !seenPair[k] {
			seenPair[k] = true
			pairs = append(pairs, k.holder, k.event)
		}
	}
	err := b.bulk(b.l.ins.someCards, cards, 1, func(rows *sql.Rows) error {
		var n string
		if err := rows.Scan(&n); err != nil {
			return err
		}
		b.cards[balie.CardNumber(n)] = true
		b.l.cache.card(balie.CardNumber(n))
		return nil
	})
	if err != nil {
		return fmt.Errorf("preload cards: %w", err)
	}
	for _, id := range holders {
		b.holders[id] = &holderState{}
	}
	err = b.bulk(b.l.ins.someHolders, holders, 1, func(rows *sql.Rows) error {
		var id string
		var pts int
		if err := rows.Scan(&id, &pts); err != nil {
			return err
		}
		b.holders[id] = &holderState{exists: true, points: pts}
		b.l.cache.remember(id, pts)
		return nil
	})
	if err != nil {
		return fmt.Errorf("preload holders: %w", err)
	}
	if len(pairs) > 0 {
		if err := b.loadPairs(pairs); err != nil {
			return err
		}
	}
	return nil
}

// bulk runs a lookup of many keys, chunk at a time, with per keys a row
// place (1 for a key, 2 for a pair), and calls fn for every row.
func (b *batch) bulk(s *sql.Stmt, keys []string, per int, fn func(*sql.Rows) error) error {
	st := b.stmt(s)
	args := make([]any, chunk*per)
	for len(keys) > 0 {
		n := min(len(keys), chunk*per)
		for i := range args {
			args[i] = ""
			if i < n {
				args[i] = keys[i]
			}
		}
		keys = keys[n:]
		rows, err := st.QueryContext(b.ctx, args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			if err := fn(rows); err != nil {
				rows.Close()
				return err
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// loadPairs reads the check-ins of holders at events, flushed and
// pending; pairs is holder, event, holder, event...
func (b *batch) loadPairs(pairs []string) error {
	for i := 0; i < len(pairs); i += 2 {
		k := pairKey{pairs[i], pairs[i+1]}
		u := &pairUsage{}
		if i, ok := b.l.hot.pairs[k]; ok {
			for ; i >= 0; i = b.l.hot.checkins[i].prev {
				if c := b.l.hot.checkins[i]; !c.gone {
					u.ats = append(u.ats, usageAt{at: c.at, ingest: c.ingest})
				}
			}
		}
		b.pairs[k] = u
	}
	err := b.bulk(b.l.ins.somePairs, pairs, 2, func(rows *sql.Rows) error {
		var k pairKey
		var a usageAt
		if err := rows.Scan(&k.holder, &k.event, &a.at, &a.ingest); err != nil {
			return err
		}
		if u := b.pairs[k]; u != nil {
			u.ats = append(u.ats, a)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("preload check-ins: %w", err)
	}
	return nil
}

// usage returns the check-ins of a holder at an event, loading them when
// the preload did not.
func (b *batch) usage(holder, event string) (*pairUsage, error) {
	k := pairKey{holder, event}
	if u, ok := b.pairs[k]; ok {
		return u, nil
	}
	if err := b.loadPairs([]string{holder, event}); err != nil {
		return nil, err
	}
	return b.pairs[k], nil
}

// change appends a change-log row with v's JSON.
func (b *batch) change(kind, key string, v any) error {
	if _, err := b.stmt(b.l.ins.change).ExecContext(b.ctx, kind, key, 0, mustJSON(v)); err != nil {
		return fmt.Errorf("append %s change: %w", kind, err)
	}
	return nil
}

// deleted appends a change-log row that removes an entity.
func (b *batch) deleted(kind, key string) error {
	if _, err := b.stmt(b.l.ins.change).ExecContext(b.ctx, kind, key, 1, nil); err != nil {
		return fmt.Errorf("append %s change: %w", kind, err)
	}
	return nil
}

// flag records something a person must look at.
func (b *batch) flag(ingest int64, code, holder, detail string) error {
	if _, err := b.stmt(b.l.ins.flag).ExecContext(b.ctx, ingest, code, holder, detail); err != nil {
		return fmt.Errorf("flag for review: %w", err)
	}
	return nil
}

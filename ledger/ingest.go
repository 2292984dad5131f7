package ledger

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/balie/balie"
	balisync "github.com/balie/balie/sync"
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
func (l *Ledger) Ingest(ctx context.Context, terminalID string, req balisync.UploadRequest) (balisync.UploadResponse, IngestStats, *Problem) {
	stats := IngestStats{New: map[string]int{}}
	events := req.Events
	if len(events) == 0 {
		return balisync.UploadResponse{}, stats, problemBadRequest("de lijst van gebeurtenissen is leeg.", "the list of events is empty.")
	}
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
	// Hashing and decoding are the costly checks and need no transaction:
	// concurrent uploads do them in parallel while one of them writes.
	in := make([]incoming, len(events))
	for i, e := range events {
		in[i] = incoming{e: e, hashOK: e.ComputeHash() == e.Hash}
		in[i].payload, in[i].invalid = balie.DecodePayload(e.Kind, e.Payload)
	}
	// Once the body is read the batch is finished whatever the caller
	// does: a client that hangs up gets the same verdicts on its retry.
	ctx = context.WithoutCancel(ctx)
	var resp balisync.UploadResponse
	err := l.store.Batch(ctx, terminalID, func(tx BatchTx) (*Effects, error) {
		stats = IngestStats{New: map[string]int{}}
		var eff *Effects
		var p *Problem
		var err error
		resp, eff, p, err = l.ingest(tx, terminalID, in, req.Signature, &stats)
		if err != nil {
			return nil, err
		}
		if p != nil {
			return nil, &Refusal{Problem: p}
		}
		return eff, nil
	})
	var refusal *Refusal
	switch {
	case err == nil:
		return resp, stats, nil
	case errors.As(err, &refusal):
		return balisync.UploadResponse{}, stats, refusal.Problem
	case errors.Is(err, ErrIDTaken):
		return balisync.UploadResponse{}, stats, l.whichIDTaken(ctx, in)
	case errors.Is(err, ErrBusy):
		l.log.Warn("ingest busy", "terminal", terminalID, "err", err)
		return balisync.UploadResponse{}, stats, problemUnavailable()
	}
	l.log.Error("ingest failed", "terminal", terminalID, "err", err)
	return balisync.UploadResponse{}, stats, problemInternal()
}

// incoming is one uploaded event with the checks made before the
// transaction.
type incoming struct {
	e       balie.JournalEvent
	hashOK  bool
	payload balie.Payload
	invalid error // why the payload does not decode, nil when it does
}

// ingest is the batch inside its transaction.
func (l *Ledger) ingest(tx BatchTx, terminalID string, in []incoming, signature string, stats *IngestStats) (balisync.UploadResponse, *Effects, *Problem, error) {
	var resp balisync.UploadResponse
	term, ok, err := tx.Terminal(terminalID)
	if err != nil {
		return resp, nil, nil, fmt.Errorf("read terminal: %w", err)
	}
	if !ok {
		return resp, nil, problemUnauthorized(), nil
	}
	if term.Status != TerminalActive {
		return resp, nil, problemRevoked(), nil
	}
	if term.PublicKey == "" {
		return resp, nil, problemKeyMissing(), nil
	}
	last := in[len(in)-1].e
	pub, err := balie.ParsePublicKey(term.PublicKey)
	if err != nil || !in[len(in)-1].hashOK || balie.VerifyJournal(pub, last, signature) != nil {
		return resp, nil, problemSignature(last.Seq), nil
	}

	resp = balisync.UploadResponse{Verdicts: make([]balisync.Verdict, 0, len(in)), Acked: term.LastSeq}
	touched := []string{}
	i := 0
	if in[0].e.Seq <= term.LastSeq {
		upTo := min(last.Seq, term.LastSeq)
		stored, err := tx.Stored(terminalID, in[0].e.Seq, upTo)
		if err != nil {
			return resp, nil, nil, fmt.Errorf("read stored events: %w", err)
		}
		if int64(len(stored)) != upTo-in[0].e.Seq+1 {
			return resp, nil, nil, fmt.Errorf("events %d to %d below the head are missing", in[0].e.Seq, upTo)
		}
		for ; i < len(in) && in[i].e.Seq <= term.LastSeq; i++ {
			s := stored[i]
			if s.ID != in[i].e.ID || s.Hash != in[i].e.Hash || !in[i].hashOK {
				return resp, nil, problemConflict(in[i].e.Seq), nil
			}
			resp.Verdicts = append(resp.Verdicts, balisync.Verdict{ID: s.ID, Seq: s.Seq, Status: s.Verdict, Code: s.Code, NL: s.MessageNL, EN: s.MessageEN})
			stats.Repeats++
			if h := actHolder(in[i].payload); h != "" {
				touched = append(touched, h)
			}
		}
	}
	fresh := in[i:]
	eff := &Effects{Terminal: terminalID, LastSeq: term.LastSeq, LastHash: term.LastHash, Received: l.now().UnixNano()}
	var b *batch
	if len(fresh) > 0 {
		if fresh[0].e.Seq != term.LastSeq+1 {
			return resp, nil, problemGap(term.LastSeq + 1), nil
		}
		prev := term.LastHash
		for _, f := range fresh {
			if f.e.PrevHash != prev {
				return resp, nil, problemChain(f.e.Seq, "prev_hash"), nil
			}
			if !f.hashOK {
				return resp, nil, problemChain(f.e.Seq, "hash"), nil
			}
			prev = f.e.Hash
		}
		b = newBatch(l, tx, term, eff)
		if err := b.load(fresh, touched); err != nil {
			return resp, nil, nil, err
		}
		first, err := tx.Reserve(len(fresh))
		if err != nil {
			return resp, nil, nil, fmt.Errorf("reserve ingest numbers: %w", err)
		}
		b.next = first
		for _, f := range fresh {
			v, err := b.apply(f)
			if err != nil {
				return resp, nil, nil, fmt.Errorf("apply seq %d: %w", f.e.Seq, err)
			}
			resp.Verdicts = append(resp.Verdicts, v)
			stats.New[v.Status]++
		}
		eff.LastSeq, eff.LastHash = last.Seq, last.Hash
		eff.Signature = &Signature{Terminal: terminalID, Seq: last.Seq, Signature: signature}
		b.finish()
		// Every holder an act named gets the ledger's balance back, also
		// when the ledger applied nothing: the desk counted its own.
		for _, r := range eff.Events {
			if r.Holder != "" {
				touched = append(touched, r.Holder)
			} else if h := actHolder(fresh[r.Seq-fresh[0].e.Seq].payload); h != "" {
				touched = append(touched, h)
			}
		}
	} else if len(touched) > 0 {
		b = newBatch(l, tx, term, eff)
		if err := b.loadHolders(touched); err != nil {
			return resp, nil, nil, err
		}
	}
	resp.Acked = max(term.LastSeq, eff.LastSeq)
	seen := map[string]bool{}
	for _, id := range touched {
		if seen[id] {
			continue
		}
		seen[id] = true
		if h := b.holders[id]; h != nil && h.exists {
			resp.Balances = append(resp.Balances, balisync.Balance{HolderID: id, Points: h.points})
		}
	}
	return resp, eff, nil, nil
}

// whichIDTaken finds the event of a batch whose id the ledger holds under
// another terminal or seq, after the store refused the batch for it.
func (l *Ledger) whichIDTaken(ctx context.Context, in []incoming) *Problem {
	var seq int64
	err := l.store.Read(ctx, func(tx ReadTx) error {
		for _, f := range in {
			s, ok, err := tx.Event(f.e.ID)
			if err != nil {
				return err
			}
			if ok && (s.Terminal != f.e.Terminal || s.Seq != f.e.Seq) {
				seq = f.e.Seq
				return nil
			}
		}
		return nil
	})
	if err != nil {
		l.log.Error("find the event id taken", "err", err)
		return problemInternal()
	}
	if seq == 0 {
		seq = in[0].e.Seq
	}
	return problemConflict(seq)
}

// actHolder is the holder an act names, "" for none.
func actHolder(p balie.Payload) string {
	switch p := p.(type) {
	case *balie.CheckinPayload:
		return p.HolderID
	case *balie.TicketSalePayload:
		return p.HolderID
	case *balie.CardSalePayload:
		return p.HolderID
	case *balie.MembershipPaymentPayload:
		return p.HolderID
	case *balie.RewardRedemptionPayload:
		return p.HolderID
	}
	return ""
}

// sortedKeys returns a set's keys sorted, the order rows are locked in.
func sortedKeys[K ~string](m map[K]bool) []K {
	out := make([]K, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

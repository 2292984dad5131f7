package ledger

import (
	"context"
	"fmt"

	"github.com/balie/balie"
)

// JournalReport is what a verification found of one terminal's journal.
type JournalReport struct {
	Terminal   string
	Name       string
	Events     int64 // events that verified, from seq 1
	Signatures int   // signatures that verified
	SignedUpTo int64 // the highest seq a valid signature covers
	Err        error // the first break, nil when the journal verifies end to end
}

// VerifyJournals checks every terminal's journal as the ledger holds it:
// the hash chain from seq 1 to the last event, and every signature
// against the terminal's public key. Through the chain, a signature of
// the last event covers the whole journal, so an auditor with the
// terminal's public key needs to trust nothing of the ledger.
func (l *Ledger) VerifyJournals(ctx context.Context, fn func(JournalReport)) error {
	terms, err := l.Terminals(ctx)
	if err != nil {
		return err
	}
	for _, t := range terms {
		var r JournalReport
		err := l.store.Read(ctx, func(tx ReadTx) error {
			r = verifyJournal(tx, t)
			return nil
		})
		if err != nil {
			return wrap("verify", err)
		}
		fn(r)
	}
	return nil
}

func verifyJournal(tx ReadTx, t Terminal) JournalReport {
	r := JournalReport{Terminal: t.ID, Name: t.Name}
	row, _, err := tx.Terminal(t.ID)
	if err != nil {
		r.Err = err
		return r
	}
	sigs, err := tx.Signatures(t.ID)
	if err != nil {
		r.Err = err
		return r
	}
	bySeq := map[int64][]string{}
	for _, s := range sigs {
		bySeq[s.Seq] = append(bySeq[s.Seq], s.Signature)
	}
	var pub []byte
	if row.PublicKey != "" {
		if pub, err = balie.ParsePublicKey(row.PublicKey); err != nil {
			r.Err = err
			return r
		}
	}
	v := balie.NewChainVerifier()
	err = tx.TerminalEvents(t.ID, 1, func(e StoredEvent) error {
		if err := v.Next(e.JournalEvent); err != nil {
			return err
		}
		r.Events = v.Count()
		for _, s := range bySeq[e.Seq] {
			if pub == nil {
				return fmt.Errorf("seq %d is signed, but the terminal has no public key", e.Seq)
			}
			if err := balie.VerifyJournal(pub, e.JournalEvent, s); err != nil {
				return fmt.Errorf("seq %d: %w", e.Seq, err)
			}
			r.Signatures++
			r.SignedUpTo = e.Seq
		}
		return nil
	})
	switch {
	case err != nil:
		r.Err = err
	case r.Events != row.LastSeq:
		r.Err = fmt.Errorf("the journal has %d events, the terminal's head is at seq %d", r.Events, row.LastSeq)
	case r.Events > 0 && r.SignedUpTo != r.Events:
		r.Err = fmt.Errorf("events %d to %d are not covered by a signature", r.SignedUpTo+1, r.Events)
	}
	return r
}

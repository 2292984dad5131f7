package balie

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"
)

// GenesisHash is the previous hash of a terminal's first event.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// TimeFormat is how event times are written in the journal and hashed:
// UTC with nanoseconds, so a time read back hashes the same.
const TimeFormat = time.RFC3339Nano

// ComputeHash returns the hash the event must carry: SHA-256 over the
// previous hash and every other field, each length-prefixed so that no
// two different events can hash the same input.
func (e JournalEvent) ComputeHash() string {
	h := sha256.New()
	field := func(b []byte) {
		h.Write([]byte(strconv.Itoa(len(b))))
		h.Write([]byte{':'})
		h.Write(b)
	}
	field([]byte(e.PrevHash))
	field([]byte(e.ID))
	field([]byte(e.Terminal))
	field([]byte(strconv.FormatInt(e.Seq, 10)))
	field([]byte(e.Time.UTC().Format(TimeFormat)))
	field([]byte(e.Staff))
	field([]byte(e.Kind))
	field(e.Payload)
	return hex.EncodeToString(h.Sum(nil))
}

// ChainVerifier checks a terminal's journal event by event, in sequence
// order, without holding it in memory.
type ChainVerifier struct {
	terminal string
	prevHash string
	nextSeq  int64
	seen     int64
}

// NewChainVerifier starts a verification at the first event.
func NewChainVerifier() *ChainVerifier {
	return &ChainVerifier{prevHash: GenesisHash, nextSeq: 1}
}

// Next checks one event. The error says which sequence number breaks the
// chain and how.
func (v *ChainVerifier) Next(e JournalEvent) error {
	if v.seen == 0 {
		v.terminal = e.Terminal
	}
	switch {
	case e.Terminal != v.terminal:
		return fmt.Errorf("seq %d: terminal %q, want %q", e.Seq, e.Terminal, v.terminal)
	case e.Seq != v.nextSeq:
		return fmt.Errorf("seq %d: sequence gap, want seq %d", e.Seq, v.nextSeq)
	case e.PrevHash != v.prevHash:
		return fmt.Errorf("seq %d: previous hash %s does not match the hash of seq %d (%s)", e.Seq, short(e.PrevHash), e.Seq-1, short(v.prevHash))
	}
	if got := e.ComputeHash(); got != e.Hash {
		return fmt.Errorf("seq %d: hash %s does not match the content (%s): the event was altered", e.Seq, short(e.Hash), short(got))
	}
	v.prevHash = e.Hash
	v.nextSeq++
	v.seen++
	return nil
}

// Count is how many events verified so far.
func (v *ChainVerifier) Count() int64 { return v.seen }

func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

package balie

import (
	"strings"
	"testing"
	"time"
)

func chain(n int) []JournalEvent {
	evs := make([]JournalEvent, n)
	prev := GenesisHash
	for i := range evs {
		e := JournalEvent{ID: "id-" + string(rune('a'+i)), Terminal: "t1", Seq: int64(i + 1),
			Time: time.Date(2026, 11, 25, 10, 0, i, 123456789, time.UTC), Staff: "st", Kind: KindCheckin,
			Payload: []byte(`{"points":1}`), PrevHash: prev}
		e.Hash = e.ComputeHash()
		prev = e.Hash
		evs[i] = e
	}
	return evs
}

func TestChainVerifier_Next(t *testing.T) {
	cases := []struct {
		name    string
		tamper  func(evs []JournalEvent) []JournalEvent
		wantErr string // "" for a sound chain
	}{
		{"sound", func(evs []JournalEvent) []JournalEvent { return evs }, ""},
		{"payload altered", func(evs []JournalEvent) []JournalEvent { evs[2].Payload = []byte(`{"points":9}`); return evs }, "seq 3: hash"},
		{"time altered", func(evs []JournalEvent) []JournalEvent { evs[1].Time = evs[1].Time.Add(time.Second); return evs }, "seq 2: hash"},
		{"event removed", func(evs []JournalEvent) []JournalEvent { return append(evs[:1], evs[2:]...) }, "seq 3: sequence gap, want seq 2"},
		{"event rehashed without its successor", func(evs []JournalEvent) []JournalEvent {
			evs[1].Staff = "other"
			evs[1].Hash = evs[1].ComputeHash()
			return evs
		}, "seq 3: previous hash"},
		{"another terminal's event", func(evs []JournalEvent) []JournalEvent { evs[3].Terminal = "t2"; return evs }, "seq 4: terminal"},
		{"not starting at 1", func(evs []JournalEvent) []JournalEvent { return evs[1:] }, "seq 2: sequence gap, want seq 1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v := NewChainVerifier()
			var err error
			for _, e := range c.tamper(chain(5)) {
				if err = v.Next(e); err != nil {
					break
				}
			}
			switch {
			case c.wantErr == "" && err != nil:
				t.Fatalf("Next: %v, want a sound chain", err)
			case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)):
				t.Fatalf("Next error = %v, want it to say %q", err, c.wantErr)
			}
		})
	}
}

func TestJournalEvent_ComputeHash_timeZoneIndependent(t *testing.T) {
	e := chain(1)[0]
	local := e
	local.Time = e.Time.In(Brussels())
	if e.ComputeHash() != local.ComputeHash() {
		t.Errorf("the same instant in another zone hashes differently")
	}
}

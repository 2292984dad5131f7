package ledger

import (
	"context"
	"sync"
	"time"
)

// contacts remembers what each terminal last told this process (when,
// its queue, its version), for the back office's list of terminals. It
// is kept in memory and written to the store now and then, not at every
// request: a city's terminals poll every few seconds, and a write per
// poll would be most of the ledger's writes.
type contacts struct {
	mu   sync.Mutex // guards seen
	seen map[string]TerminalContact
}

func newContacts() *contacts { return &contacts{seen: map[string]TerminalContact{}} }

// Seen records a terminal's request: its queue (-1 when it did not say)
// and its version ("" when it did not say).
func (l *Ledger) Seen(terminal string, queue int, version string) {
	c := l.contacts
	c.mu.Lock()
	defer c.mu.Unlock()
	old := c.seen[terminal]
	if queue < 0 {
		queue = old.Queue
	}
	if version == "" {
		version = old.Version
	}
	c.seen[terminal] = TerminalContact{Terminal: terminal, At: l.now().UTC(), Queue: queue, Version: version}
}

// FlushContacts writes the contacts seen since the last flush.
func (l *Ledger) FlushContacts(ctx context.Context) error {
	c := l.contacts
	c.mu.Lock()
	var cs []TerminalContact
	for _, t := range c.seen {
		cs = append(cs, t)
	}
	c.mu.Unlock()
	if len(cs) == 0 {
		return nil
	}
	err := l.store.Write(ctx, func(tx WriteTx) error { return tx.PutTerminalContacts(cs) })
	if err != nil {
		return wrap("store terminal contact", err)
	}
	c.mu.Lock()
	for _, t := range cs {
		if c.seen[t.Terminal].At.Equal(t.At) {
			delete(c.seen, t.Terminal)
		}
	}
	c.mu.Unlock()
	return nil
}

// TerminalState is a terminal as the back office lists it: what the
// ledger made of it and what it last told.
type TerminalState struct {
	Terminal
	LastContact time.Time // zero when it never synced
	Queue       int
	Version     string
}

// TerminalStates lists every terminal with its last contact, the newest
// of what the store holds and what this process saw since its last
// flush.
func (l *Ledger) TerminalStates(ctx context.Context) ([]TerminalState, error) {
	var out []TerminalState
	err := l.store.Read(ctx, func(tx ReadTx) error {
		rows, err := tx.Terminals()
		if err != nil {
			return err
		}
		cs, err := tx.TerminalContacts()
		if err != nil {
			return err
		}
		by := map[string]TerminalContact{}
		for _, c := range cs {
			by[c.Terminal] = c
		}
		l.contacts.mu.Lock()
		for id, c := range l.contacts.seen {
			if c.At.After(by[id].At) {
				by[id] = c
			}
		}
		l.contacts.mu.Unlock()
		for _, r := range rows {
			c := by[r.ID]
			out = append(out, TerminalState{Terminal: terminalOf(r), LastContact: c.At, Queue: c.Queue, Version: c.Version})
		}
		return nil
	})
	return out, wrap("list terminals", err)
}

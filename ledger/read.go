package ledger

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/balie/balie"
	balisync "github.com/balie/balie/sync"
)

// Export calls fn for every stored event in ingest order, reading in
// pages so that a long history never sits in memory, each page in a
// read transaction of its own.
func (l *Ledger) Export(ctx context.Context, fn func(StoredEvent) error) error {
	const page = 5000
	after := int64(0)
	for {
		n := 0
		err := l.store.Read(ctx, func(tx ReadTx) error {
			return tx.Events(after, page, func(e StoredEvent) error {
				n++
				after = e.Ingest
				return fn(e)
			})
		})
		if err != nil {
			return wrap("export", err)
		}
		if n < page {
			return nil
		}
	}
}

// Event reads one stored event by its id.
func (l *Ledger) Event(ctx context.Context, id string) (StoredEvent, error) {
	var e StoredEvent
	err := l.store.Read(ctx, func(tx ReadTx) error {
		var ok bool
		var err error
		if e, ok, err = tx.Event(id); err == nil && !ok {
			err = fmt.Errorf("event %s is not stored", id)
		}
		return err
	})
	return e, wrap("read event", err)
}

// Holder reads a holder with the ledger's balance.
func (l *Ledger) Holder(ctx context.Context, id string) (balie.Holder, error) {
	var h balie.Holder
	err := l.store.Read(ctx, func(tx ReadTx) error {
		var ok bool
		var err error
		if h, ok, err = tx.Holder(id); err == nil && !ok {
			err = balie.Errorf(balie.CodeHolderUnknown, "Pashouder %s is onbekend.", "Pass holder %s is unknown.", id)
		}
		return err
	})
	return h, wrap("read holder", err)
}

// Card reads a card.
func (l *Ledger) Card(ctx context.Context, n balie.CardNumber) (balie.Card, error) {
	var c balie.Card
	err := l.store.Read(ctx, func(tx ReadTx) error {
		var ok bool
		var err error
		if c, ok, err = tx.Card(n); err == nil && !ok {
			err = balie.Errorf(balie.CodeCardUnknown, "Kaart %s is onbekend.", "Card %s is unknown.", n)
		}
		return err
	})
	return c, wrap("read card", err)
}

// HolderCards lists a holder's cards.
func (l *Ledger) HolderCards(ctx context.Context, holderID string) ([]balie.Card, error) {
	var out []balie.Card
	err := l.store.Read(ctx, func(tx ReadTx) error {
		var err error
		out, err = tx.HolderCards(holderID)
		return err
	})
	return out, wrap("read cards", err)
}

// ReplayBalances recomputes every holder's points from the events alone
// (see CheckBalances).
func (l *Ledger) ReplayBalances(ctx context.Context) (map[string]int, error) {
	var out map[string]int
	err := l.store.Read(ctx, func(tx ReadTx) error {
		initial := map[string]int{}
		if err := tx.Balances(func(id string, i, _ int) error {
			initial[id] = i
			return nil
		}); err != nil {
			return err
		}
		var err error
		out, err = replayBalances(tx, initial)
		return err
	})
	return out, wrap("replay balances", err)
}

// Memberships lists a holder's memberships, by start.
func (l *Ledger) Memberships(ctx context.Context, holderID string) ([]balie.Membership, error) {
	var out []balie.Membership
	err := l.store.Read(ctx, func(tx ReadTx) error {
		var err error
		out, err = tx.Memberships(holderID)
		return err
	})
	return out, wrap("read memberships", err)
}

// RewardUnits is how many units of a reward were redeemed at every desk.
func (l *Ledger) RewardUnits(ctx context.Context, id string) (int, error) {
	var n int
	err := l.store.Read(ctx, func(tx ReadTx) error {
		var err error
		n, err = tx.RewardUnits(id)
		return err
	})
	return n, wrap("read reward", err)
}

// MoneyLine is one line of money, attributed to its organiser. Regular
// and the three shares are per unit; Amount is what the holder paid for
// the line. A void adds the line again with Quantity and Amount negated.
type MoneyLine struct {
	EventID     string // the journal event of the sale, or of the void
	Line        int
	Kind        string // MoneyTicket, MoneyCard, MoneyMembership
	Activity    string // the catalogue event of a ticket
	TariffID    string // the tariff of a ticket, the program of a membership
	OrganiserID string
	Payment     balie.PaymentMethod
	Day         string // the Brussels business day, YYYY-MM-DD
	Quantity    int
	Regular     balie.Cents
	Shares      balie.Shares
	Amount      balie.Cents
	VoidOf      string // the voided sale's event id, for a counter-line
}

// MoneyLines lists every money line in the order written.
func (l *Ledger) MoneyLines(ctx context.Context) ([]MoneyLine, error) {
	var out []MoneyLine
	err := l.store.Read(ctx, func(tx ReadTx) error {
		return tx.MoneyLines(func(m MoneyLine) error {
			out = append(out, m)
			return nil
		})
	})
	return out, wrap("read money", err)
}

// Flag is something a person must look at.
type Flag struct {
	EventID  string
	Code     string
	HolderID string
	Detail   string
}

// ReviewFlags lists the open review flags in the order raised.
func (l *Ledger) ReviewFlags(ctx context.Context) ([]Flag, error) {
	var out []Flag
	err := l.store.Read(ctx, func(tx ReadTx) error {
		var err error
		out, err = tx.Flags()
		return err
	})
	return out, wrap("read review flags", err)
}

// replayBalances recomputes every holder's points from the balance a
// seed or import gave and the stored events alone, without the running
// balances: each event carries the points the rules applied (a void the
// negation of its act's), and an accepted act applied exactly what the
// desk recorded, which the replay checks too.
func replayBalances(tx ReadTx, initial map[string]int) (map[string]int, error) {
	balances := make(map[string]int, len(initial))
	for id, p := range initial {
		balances[id] = p
	}
	err := tx.Events(0, 0, func(e StoredEvent) error {
		if e.Verdict == balisync.Accepted {
			want := 0
			switch p := decodeStored(e).(type) {
			case *balie.CheckinPayload:
				want = p.Points
			case *balie.RewardRedemptionPayload:
				want = -p.Points
			case *balie.VoidPayload:
				want = e.Points // the negation of what its act applied
			}
			if e.Points != want {
				return fmt.Errorf("event %s was accepted as recorded but applied %d points, not %d", e.ID, e.Points, want)
			}
		}
		if e.Points != 0 {
			balances[e.Holder] += e.Points
		}
		return nil
	})
	return balances, err
}

// decodeStored decodes a stored event's payload, nil when it does not.
func decodeStored(e StoredEvent) balie.Payload {
	p, err := balie.DecodePayload(e.Kind, e.Payload)
	if err != nil {
		return nil
	}
	return p
}

// CheckBalances compares every holder's balance with a replay of the
// events: invariant 2 of the architecture. It reads in one transaction,
// so no batch comes in between.
func (l *Ledger) CheckBalances(ctx context.Context) error {
	return l.store.Read(ctx, func(tx ReadTx) error {
		initial, current := map[string]int{}, map[string]int{}
		if err := tx.Balances(func(id string, i, c int) error {
			initial[id], current[id] = i, c
			return nil
		}); err != nil {
			return err
		}
		want, err := replayBalances(tx, initial)
		if err != nil {
			return err
		}
		var bad []string
		for id, p := range current {
			if p != want[id] {
				bad = append(bad, fmt.Sprintf("%s: stored %d, replay %d", id, p, want[id]))
			}
			delete(want, id)
		}
		for id, p := range want {
			bad = append(bad, fmt.Sprintf("%s: not stored, replay %d", id, p))
		}
		if len(bad) > 0 {
			sort.Strings(bad)
			if len(bad) > 20 {
				bad = append(bad[:20], fmt.Sprintf("and %d more", len(bad)-20))
			}
			return fmt.Errorf("balances differ from a replay of the events: %s", strings.Join(bad, "; "))
		}
		return nil
	})
}

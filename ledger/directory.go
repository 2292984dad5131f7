package ledger

import (
	"context"
	"errors"
	"fmt"

	"github.com/balie/balie"
	balisync "github.com/balie/balie/sync"
)

// Loader writes the directory and the catalogue in bulk (a demo city, a
// first load), each entity with its change-log entry, in write
// transactions of a few thousand rows, so that a million holders never
// make one huge transaction and a serving ledger's uploads wait for a
// moment at most. It has the methods of demo.Sink, so demo.Generate can
// stream a city into it. It is not safe for concurrent use.
type Loader struct {
	l   *Ledger
	ctx context.Context
	ops []func(WriteTx) error
	// rows counts the rows of the ops queued, to cut transactions by size.
	rows  int
	total int

	prices  map[string][]balie.CardPriceRule
	holders int
	closed  bool

	// OnHolder, when set, is called after every holder with the number
	// loaded so far: for a progress line.
	OnHolder func(n int)
	// Actor is who the audit log says made the load; Seed when unset.
	// Everything but the holders, their cards and the stock goes through
	// the back office's own checks (officeTx) as this actor; holders,
	// being many, are written in bulk, with one audit entry a
	// transaction saying how many.
	Actor Actor
	// queuedHolders counts the holders in the queued operations.
	queuedHolders int
	// Bulk loads an empty ledger that serves no one yet (a demo city, a
	// first load): transactions of 50,000 rows instead of 5,000, and, on
	// an engine that can, commits that do not wait for the disk but the
	// last (Close), which makes them all durable. A load into a serving
	// ledger leaves it false, so uploads wait a moment at most.
	Bulk bool
}

// Rows one transaction of a Loader writes, serving and in bulk.
const (
	loaderRows     = 5000
	bulkLoaderRows = 50000
)

// BulkWriter is an engine that writes faster when a load may be repeated
// from its source: its commits need not wait for the disk.
type BulkWriter interface {
	WriteBulk(ctx context.Context, fn func(WriteTx) error) error
}

// NewLoader starts a bulk load. Call Close to write what is queued, or
// Abort to drop it.
func (l *Ledger) NewLoader(ctx context.Context) (*Loader, error) {
	if err := l.Init(ctx); err != nil {
		return nil, wrap("load directory", err)
	}
	return &Loader{l: l, ctx: ctx, prices: map[string][]balie.CardPriceRule{}, Actor: Seed()}, nil
}

// queue adds one operation of rows rows; a full queue is written at once.
func (ld *Loader) queue(rows int, op func(WriteTx) error) error {
	if ld.closed {
		return errors.New("load directory: loader closed")
	}
	ld.ops = append(ld.ops, op)
	ld.rows += rows
	limit := loaderRows
	if ld.Bulk {
		limit = bulkLoaderRows
	}
	if ld.rows >= limit {
		return ld.flush(ld.Bulk)
	}
	return nil
}

func (ld *Loader) flush(bulk bool) error {
	if len(ld.ops) == 0 {
		return nil
	}
	ops := ld.ops
	if n := ld.queuedHolders; n > 0 {
		a, now := ld.Actor, ld.l.now().UTC()
		ops = append(ops, func(tx WriteTx) error {
			o := &officeTx{tx: tx, a: a, now: now}
			return o.audit("holders.load", balie.ChangeHolder, fmt.Sprintf("%d", n), "", nil, map[string]int{"holders": n})
		})
	}
	write := ld.l.store.Write
	if bw, ok := ld.l.store.(BulkWriter); ok && bulk {
		write = bw.WriteBulk
	}
	err := write(ld.ctx, func(tx WriteTx) error {
		for _, op := range ops {
			if err := op(tx); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return wrap("load directory", err)
	}
	ld.total += ld.rows
	ld.ops, ld.rows, ld.queuedHolders = ld.ops[:0], 0, 0
	return nil
}

// Close writes what is queued.
func (ld *Loader) Close() error {
	if ld.closed {
		return nil
	}
	err := ld.flush(false)
	ld.closed = true
	return err
}

// Abort drops what is queued; what was written stays.
func (ld *Loader) Abort() {
	ld.ops, ld.closed, ld.queuedHolders = nil, true, 0
}

// Rows is how many rows were written so far.
func (ld *Loader) Rows() int { return ld.total + ld.rows }

// Holders is how many holders were loaded so far.
func (ld *Loader) Holders() int { return ld.holders }

// putEntity stores an entity with its change; change is the change-log
// data when it differs from the entity's own.
func putEntity(tx WriteTx, kind, id, owner string, v any, change any) error {
	if id == "" {
		return fmt.Errorf("store %s: empty id", kind)
	}
	data := mustJSON(v)
	if err := tx.PutEntity(kind, id, owner, data); err != nil {
		return err
	}
	if change != nil {
		data = mustJSON(change)
	}
	return tx.Change(Change{Kind: kind, Key: id, Data: data})
}

// office queues one change of the back office's write path: the same
// checks, change-log entries and audit entry as the back office's own,
// in the load's transaction.
func (ld *Loader) office(fn func(*officeTx) error) error {
	return ld.queue(3, func(tx WriteTx) error {
		return fn(&officeTx{tx: tx, a: ld.Actor, now: ld.l.now().UTC()})
	})
}

// CardSystem stores a card system.
func (ld *Loader) CardSystem(c balie.CardSystem) error {
	return ld.office(func(o *officeTx) error { return o.saveCardSystem(c, false) })
}

// Municipality stores a municipality of a card system.
func (ld *Loader) Municipality(m balie.Municipality) error {
	return ld.office(func(o *officeTx) error { return o.saveMunicipality(m) })
}

// Organiser stores an organiser.
func (ld *Loader) Organiser(org balie.Organiser) error {
	return ld.office(func(o *officeTx) error { return o.saveOrganiser(org, false) })
}

// Desk stores a desk.
func (ld *Loader) Desk(d balie.Desk) error {
	return ld.office(func(o *officeTx) error { return o.saveDesk(d, false) })
}

// Staff stores a staff member (PIN hash and salt, never a PIN).
func (ld *Loader) Staff(s balie.Staff) error {
	return ld.office(func(o *officeTx) error { return o.saveStaff(StaffInput{Staff: s}, false) })
}

// Event stores an event of the catalogue.
func (ld *Loader) Event(e balie.Event) error {
	return ld.office(func(o *officeTx) error { return o.saveEvent(e, false) })
}

// Tariff stores a tariff.
func (ld *Loader) Tariff(t balie.Tariff) error {
	return ld.office(func(o *officeTx) error { return o.saveTariff(t, false) })
}

// Reward stores a reward; the units already redeemed are kept.
func (ld *Loader) Reward(r balie.Reward) error {
	return ld.office(func(o *officeTx) error { return o.saveReward(r, false) })
}

// Product stores a product.
func (ld *Loader) Product(p balie.Product) error {
	return ld.office(func(o *officeTx) error { return o.saveProduct(p, false) })
}

// Program stores a membership program.
func (ld *Loader) Program(p balie.MembershipProgram) error {
	return ld.office(func(o *officeTx) error { return o.saveProgram(p, false) })
}

// CardPrice appends a rule to its card system's price table; order
// matters. The first rule a load gives for a card system replaces the
// table the ledger had.
func (ld *Loader) CardPrice(r balie.CardPriceRule) error {
	rules := append(ld.prices[r.CardSystem], r)
	ld.prices[r.CardSystem] = rules
	rules = append([]balie.CardPriceRule(nil), rules...)
	return ld.office(func(o *officeTx) error { return o.saveCardPrices(r.CardSystem, rules) })
}

// Rates stores a childcare provider's rates.
func (ld *Loader) Rates(providerID string, r balie.ChildcareRates) error {
	return ld.office(func(o *officeTx) error { return o.saveRates(providerID, r) })
}

// Holder stores a holder with their points as the starting balance, with
// their cards and memberships.
func (ld *Loader) Holder(h balie.Holder, cards []balie.Card, ms []balie.Membership) error {
	if h.ID == "" {
		return errors.New("load holder: empty id")
	}
	// Counted before it is queued: the queue may write it at once.
	ld.queuedHolders++
	err := ld.queue(2+2*len(cards)+2*len(ms), func(tx WriteTx) error {
		if err := tx.PutHolder(h, h.Points); err != nil {
			return err
		}
		if err := tx.Change(Change{Kind: balie.ChangeHolder, Key: h.ID, Data: mustJSON(h)}); err != nil {
			return err
		}
		for _, c := range cards {
			if err := putCard(tx, c); err != nil {
				return err
			}
		}
		for _, m := range ms {
			if err := tx.AddMembership(m); err != nil {
				return err
			}
			if err := tx.Change(Change{Kind: balie.ChangeMembership, Key: balie.MembershipKey(m), Data: mustJSON(m)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	ld.holders++
	if ld.OnHolder != nil {
		ld.OnHolder(ld.holders)
	}
	return nil
}

func putCard(tx WriteTx, c balie.Card) error {
	if err := tx.PutCard(c); err != nil {
		return err
	}
	return tx.Change(Change{Kind: balie.ChangeCard, Key: string(c.Number), Data: mustJSON(c)})
}

// StockCard stores an unsold card held at a desk.
func (ld *Loader) StockCard(c balie.Card) error {
	return ld.queue(2, func(tx WriteTx) error { return putCard(tx, c) })
}

// Child stores a child's enrolment in childcare.
func (ld *Loader) Child(c balie.Child) error {
	return ld.office(func(o *officeTx) error { return o.saveChild(c) })
}

// Limits sets the offline limits every terminal enforces.
func (ld *Loader) Limits(lim balisync.OfflineLimits) error {
	return ld.office(func(o *officeTx) error { return o.saveLimits(lim) })
}

// Desk reads a desk of the directory.
func (l *Ledger) Desk(ctx context.Context, id string) (balie.Desk, error) {
	var d balie.Desk
	err := l.store.Read(ctx, func(tx ReadTx) error {
		var ok bool
		var err error
		if d, ok, err = entity[balie.Desk](tx, balie.ChangeDesk, id); err == nil && !ok {
			err = balie.Errorf(CodeDeskUnknown, "Balie %q staat niet in de ledger.", "Desk %q is not in the ledger.", id)
		}
		return err
	})
	return d, wrap("read desk", err)
}

package ledger

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/balie/balie"
	balisync "github.com/balie/balie/sync"
)

// StoredEvent is a journal event as the ledger holds it: the event the
// terminal sent, byte for byte, with its verdict and ingest order.
type StoredEvent struct {
	balie.JournalEvent
	Verdict   string    `json:"verdict"`
	Code      string    `json:"code,omitempty"`
	MessageNL string    `json:"message_nl,omitempty"`
	MessageEN string    `json:"message_en,omitempty"`
	Ingest    int64     `json:"ingest"`
	Received  time.Time `json:"received"`
}

// Export calls fn for every stored event in ingest order, reading in
// pages so that a long history never sits in memory.
func (l *Ledger) Export(ctx context.Context, fn func(StoredEvent) error) error {
	const page = 2000
	after := int64(0)
	for {
		batch, err := l.eventsAfter(ctx, `ingest > ?`, page, after)
		if err != nil {
			return err
		}
		for _, e := range batch {
			if err := fn(e); err != nil {
				return err
			}
		}
		if len(batch) < page {
			return nil
		}
		after = batch[len(batch)-1].Ingest
	}
}

// Event reads one stored event by its id.
func (l *Ledger) Event(ctx context.Context, id string) (StoredEvent, error) {
	es, err := l.eventsAfter(ctx, `id = ?`, 1, id)
	if err != nil {
		return StoredEvent{}, err
	}
	if len(es) == 0 {
		return StoredEvent{}, fmt.Errorf("read event %s: %w", id, sql.ErrNoRows)
	}
	return es[0], nil
}

func (l *Ledger) eventsAfter(ctx context.Context, where string, limit int, arg any) ([]StoredEvent, error) {
	rows, err := l.r.QueryContext(ctx, `SELECT ingest, id, terminal, seq, time, staff, kind, payload, prev_hash, hash, status, code, message_nl, message_en, received
		FROM events WHERE `+where+` ORDER BY ingest LIMIT ?`, arg, limit)
	if err != nil {
		return nil, l.classify("read events", err)
	}
	defer rows.Close()
	var out []StoredEvent
	for rows.Next() {
		var e StoredEvent
		var at, kind string
		var payload []byte
		var received int64
		if err := rows.Scan(&e.Ingest, &e.ID, &e.Terminal, &e.Seq, &at, &e.Staff, &kind, &payload, &e.PrevHash, &e.Hash,
			&e.Verdict, &e.Code, &e.MessageNL, &e.MessageEN, &received); err != nil {
			return nil, l.classify("read events", err)
		}
		if e.Time, err = time.Parse(balie.TimeFormat, at); err != nil {
			return nil, fmt.Errorf("read event %s: %w", e.ID, err)
		}
		e.Kind, e.Payload, e.Received = balie.Kind(kind), payload, time.Unix(0, received).UTC()
		out = append(out, e)
	}
	return out, l.classify("read events", rows.Err())
}

// Holder reads a holder with the ledger's balance.
func (l *Ledger) Holder(ctx context.Context, id string) (balie.Holder, error) {
	h, err := scanHolder(l.r.QueryRowContext(ctx, `SELECT `+holderColumns+` FROM holders WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return h, balie.Errorf(balie.CodeHolderUnknown, "Pashouder %s is onbekend.", "Pass holder %s is unknown.", id)
	}
	if err != nil {
		return h, l.classify("read holder", err)
	}
	l.mu.Lock()
	if p, ok := l.hot.points[id]; ok {
		h.Points = p
	}
	l.mu.Unlock()
	return h, nil
}

// Card reads a card.
func (l *Ledger) Card(ctx context.Context, n balie.CardNumber) (balie.Card, error) {
	c, err := scanCard(l.r.QueryRowContext(ctx, `SELECT `+cardColumns+` FROM cards WHERE number = ?`, string(n)))
	if errors.Is(err, sql.ErrNoRows) {
		return c, balie.Errorf(balie.CodeCardUnknown, "Kaart %s is onbekend.", "Card %s is unknown.", n)
	}
	return c, l.classify("read card", err)
}

// Memberships lists a holder's memberships, by start.
func (l *Ledger) Memberships(ctx context.Context, holderID string) ([]balie.Membership, error) {
	rows, err := l.r.QueryContext(ctx, `SELECT program_id, start, end FROM memberships WHERE holder_id = ? ORDER BY start, program_id`, holderID)
	if err != nil {
		return nil, l.classify("read memberships", err)
	}
	defer rows.Close()
	var out []balie.Membership
	for rows.Next() {
		m := balie.Membership{HolderID: holderID}
		var start, end string
		if err := rows.Scan(&m.ProgramID, &start, &end); err != nil {
			return nil, l.classify("read memberships", err)
		}
		if m.Start, err = parseInstant(start); err == nil {
			m.End, err = parseInstant(end)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, l.classify("read memberships", rows.Err())
}

// RewardUnits is how many units of a reward were redeemed at every desk.
func (l *Ledger) RewardUnits(ctx context.Context, id string) (int, error) {
	var n int
	err := l.r.QueryRowContext(ctx, `SELECT units_redeemed FROM rewards WHERE id = ?`, id).Scan(&n)
	return n, l.classify("read reward", err)
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

// MoneyLines lists every money line in ingest order.
func (l *Ledger) MoneyLines(ctx context.Context) ([]MoneyLine, error) {
	rows, err := l.r.QueryContext(ctx, `SELECT e.id, m.line, m.kind, m.event_id, m.tariff_id, m.organiser_id, m.payment, m.day, m.quantity,
		m.regular, m.holder_share, m.organiser_share, m.city_share, m.amount, coalesce(v.id, '')
		FROM money_lines m JOIN events e ON e.ingest = m.ingest LEFT JOIN events v ON v.ingest = m.void_of ORDER BY m.id`)
	if err != nil {
		return nil, l.classify("read money", err)
	}
	defer rows.Close()
	var out []MoneyLine
	for rows.Next() {
		var m MoneyLine
		var pay string
		if err := rows.Scan(&m.EventID, &m.Line, &m.Kind, &m.Activity, &m.TariffID, &m.OrganiserID, &pay, &m.Day, &m.Quantity,
			&m.Regular, &m.Shares.Holder, &m.Shares.Organiser, &m.Shares.City, &m.Amount, &m.VoidOf); err != nil {
			return nil, l.classify("read money", err)
		}
		m.Payment = balie.PaymentMethod(pay)
		out = append(out, m)
	}
	return out, l.classify("read money", rows.Err())
}

// Flag is something a person must look at.
type Flag struct {
	EventID  string
	Code     string
	HolderID string
	Detail   string
}

// ReviewFlags lists the open review flags in ingest order.
func (l *Ledger) ReviewFlags(ctx context.Context) ([]Flag, error) {
	rows, err := l.r.QueryContext(ctx, `SELECT e.id, f.code, f.holder_id, f.detail FROM review_flags f JOIN events e ON e.ingest = f.ingest
		WHERE f.resolved = 0 ORDER BY f.id`)
	if err != nil {
		return nil, l.classify("read review flags", err)
	}
	defer rows.Close()
	var out []Flag
	for rows.Next() {
		var f Flag
		if err := rows.Scan(&f.EventID, &f.Code, &f.HolderID, &f.Detail); err != nil {
			return nil, l.classify("read review flags", err)
		}
		out = append(out, f)
	}
	return out, l.classify("read review flags", rows.Err())
}

// ReplayBalances recomputes every holder's points from the balance a
// seed or import gave and the stored events alone, in ingest order,
// without the running balances: a check-in counts unless it was
// rejected or over its limit, a redemption counts unless it was
// rejected, and a void that was not rejected cancels what its target
// counted.
func (l *Ledger) ReplayBalances(ctx context.Context) (map[string]int, error) {
	balances := map[string]int{}
	rows, err := l.r.QueryContext(ctx, `SELECT id, initial_points FROM holders`)
	if err != nil {
		return nil, l.classify("replay", err)
	}
	for rows.Next() {
		var id string
		var p int
		if err := rows.Scan(&id, &p); err != nil {
			rows.Close()
			return nil, l.classify("replay", err)
		}
		balances[id] = p
	}
	rows.Close()
	type counted struct {
		holder string
		points int
	}
	contributions := map[string]counted{}
	err = l.Export(ctx, func(e StoredEvent) error {
		if e.Verdict == balisync.Rejected {
			return nil
		}
		switch e.Kind {
		case balie.KindCheckin:
			var p balie.CheckinPayload
			if err := json.Unmarshal(e.Payload, &p); err != nil {
				return fmt.Errorf("replay %s: %w", e.ID, err)
			}
			if e.Code != string(balie.CodeCheckinLimit) {
				contributions[e.ID] = counted{p.HolderID, p.Points}
				balances[p.HolderID] += p.Points
			}
		case balie.KindRewardRedemption:
			var p balie.RewardRedemptionPayload
			if err := json.Unmarshal(e.Payload, &p); err != nil {
				return fmt.Errorf("replay %s: %w", e.ID, err)
			}
			contributions[e.ID] = counted{p.HolderID, -p.Points}
			balances[p.HolderID] -= p.Points
		case balie.KindVoid:
			var p balie.VoidPayload
			if err := json.Unmarshal(e.Payload, &p); err != nil {
				return fmt.Errorf("replay %s: %w", e.ID, err)
			}
			if c, ok := contributions[p.Target]; ok {
				balances[c.holder] -= c.points
				delete(contributions, p.Target)
			}
		}
		return nil
	})
	return balances, err
}

// CheckBalances compares every stored balance with ReplayBalances and
// says which differ: invariant 2 of the architecture.
func (l *Ledger) CheckBalances(ctx context.Context) error {
	// The balances in memory and the events are read at one moment:
	// no batch may come in between.
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return errors.New("check balances: ledger closed")
	}
	want, err := l.ReplayBalances(ctx)
	if err != nil {
		return err
	}
	rows, err := l.r.QueryContext(ctx, `SELECT id, points FROM holders`)
	if err != nil {
		return l.classify("check balances", err)
	}
	defer rows.Close()
	var bad []string
	for rows.Next() {
		var id string
		var p int
		if err := rows.Scan(&id, &p); err != nil {
			return l.classify("check balances", err)
		}
		if hp, ok := l.hot.points[id]; ok {
			p = hp
		}
		if p != want[id] {
			bad = append(bad, fmt.Sprintf("%s: stored %d, replay %d", id, p, want[id]))
		}
		delete(want, id)
	}
	if err := rows.Err(); err != nil {
		return l.classify("check balances", err)
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
}

// Desk reads a desk of the directory.
func (l *Ledger) Desk(ctx context.Context, id string) (balie.Desk, error) {
	var d balie.Desk
	var data []byte
	err := l.r.QueryRowContext(ctx, `SELECT data FROM desks WHERE id = ?`, id).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return d, balie.Errorf(CodeDeskUnknown, "Balie %q staat niet in de ledger.", "Desk %q is not in the ledger.", id)
	}
	if err != nil {
		return d, l.classify("read desk", err)
	}
	if err := json.Unmarshal(data, &d); err != nil {
		return d, fmt.Errorf("read desk %s: %w", id, err)
	}
	return d, nil
}

package ledger

import (
	"fmt"
	"sort"
	"time"

	"github.com/balie/balie"
)

// The steering group's counters, kept up to date by every upload in its
// own transaction (Effects.Figures), so that a dashboard reads a few
// hundred rows, never the events. A void takes back what its act added,
// in the void's own month, as settlement does.
const (
	FigureCheckins    = "checkins"    // K1 organiser, K2 catalogue event; N check-ins
	FigureActivity    = "activity"    // K1 organiser, K2 the event's name; N check-ins and tickets
	FigureTickets     = "tickets"     // K1 organiser, K2 tariff kind; N tickets, Cents paid
	FigurePoints      = "points"      // K1 "saved" or "exchanged"; N points
	FigureRewards     = "rewards"     // K1 reward, K2 its kind (POINTS, WELCOME); N units
	FigureCost        = "cost"        // K1 payer, K2 department ("" for the payer alone); N units, Cents the payer's part; by settlement month
	FigureCards       = "cards"       // K1 desk, K2 purchase reason; N cards, Cents paid
	FigureMemberships = "memberships" // K1 program, K2 "new" or "renewal"; N payments, Cents paid
	FigureChildcare   = "childcare"   // daily: K1 group, K2 provider; N sign-ins
)

type figureKey struct{ figure, period, k1, k2 string }

// figure adds to a counter of the batch.
func (b *batch) figure(d FigureDelta) {
	if d.Period == "" {
		return
	}
	if b.figures == nil {
		b.figures = map[figureKey]FigureDelta{}
	}
	k := figureKey{d.Figure, d.Period, d.K1, d.K2}
	f := b.figures[k]
	f.Figure, f.Period, f.K1, f.K2 = d.Figure, d.Period, d.K1, d.K2
	f.N += d.N
	f.Cents += d.Cents
	b.figures[k] = f
}

// finishFigures hands the counters to the store in key order, the same
// order every time.
func (b *batch) finishFigures() {
	if len(b.figures) == 0 {
		return
	}
	out := make([]FigureDelta, 0, len(b.figures))
	for _, f := range b.figures {
		if f.N != 0 || f.Cents != 0 {
			out = append(out, f)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, c := out[i], out[j]
		if a.Figure != c.Figure {
			return a.Figure < c.Figure
		}
		if a.Period != c.Period {
			return a.Period < c.Period
		}
		if a.K1 != c.K1 {
			return a.K1 < c.K1
		}
		return a.K2 < c.K2
	})
	b.eff.Figures = out
}

// loadSettlement reads the closed months and the agreements when the
// batch has an act with money or a void, and the money lines of the
// sales it voids.
func (b *batch) loadSettlement(fresh []incoming) error {
	need := false
	for _, f := range fresh {
		switch f.payload.(type) {
		case *balie.TicketSalePayload, *balie.CardSalePayload, *balie.MembershipPaymentPayload, *balie.VoidPayload:
			need = true
		}
	}
	if !need {
		return nil
	}
	st, err := b.tx.SettlementState()
	if err != nil {
		return fmt.Errorf("read settlement state: %w", err)
	}
	b.settle = &st
	var ingests []int64
	for _, t := range b.targets {
		switch t.Kind {
		case balie.KindTicketSale, balie.KindCardSale, balie.KindMembershipPayment:
			ingests = append(ingests, t.Ingest)
		}
	}
	if len(ingests) > 0 {
		sort.Slice(ingests, func(i, j int) bool { return ingests[i] < ingests[j] })
		if b.targetMoney, err = b.tx.TargetMoney(ingests); err != nil {
			return fmt.Errorf("read voided money: %w", err)
		}
	}
	return nil
}

// settleLine settles one unit of a money line and gives it its month.
func (b *batch) settleLine(m *MoneyRow, regular balie.Cents) {
	var closed map[string]int64
	var agreements []balie.CostAgreement
	if b.settle != nil {
		closed, agreements = b.settle.Closed, b.settle.Agreements
	}
	kind := map[string]string{MoneyTicket: balie.SettleTicket, MoneyCard: balie.SettleCard, MoneyMembership: balie.SettleMembership}[m.Kind]
	day := dayOf(m.Day)
	x := balie.SettlementAct{Kind: kind, TariffKind: m.Facts.TariffKind, Day: day, Organiser: m.OrganiserID,
		CardSystem: m.Facts.CardSystem, PostalCode: m.Facts.PostalCode, Regular: regular, Holder: m.Shares.Holder, KeyOrganiser: m.Shares.Organiser}
	if m.Kind == MoneyMembership {
		x.Program = m.TariffID
	}
	s, err := balie.SettleAct(x, agreements)
	if err != nil {
		// Amounts the payload's bounds let through always settle; kept
		// whole for the holder, so the line still adds up.
		s = balie.Settlement{Regular: m.Shares.Holder, Holder: m.Shares.Holder, OwedTo: m.OrganiserID}
	}
	m.Settlement = s
	m.Month, m.Late = balie.AssignMonth(m.Day, m.Ingest, closed)
	if m.Facts.Booked == "" {
		m.Facts.Booked = m.Day
	}
}

// dayOf reads a business day, YYYY-MM-DD, as its Brussels midnight.
func dayOf(day string) time.Time {
	t, _ := time.ParseInLocation("2006-01-02", day, balie.Brussels())
	return t
}

// moneyFigures adds a money line's counters, sign 1 for a sale and -1
// for its void; month is the month they count in.
func (b *batch) moneyFigures(m MoneyRow, sign int64, month string) {
	q := sign * int64(m.Quantity)
	bookedMonth := balie.SettlementMonth(m.Facts.Booked)
	switch m.Kind {
	case MoneyTicket:
		b.figure(FigureDelta{Figure: FigureTickets, Period: bookedMonth, K1: m.OrganiserID, K2: string(m.Facts.TariffKind), N: q, Cents: sign * int64(m.Amount)})
	case MoneyCard:
		b.figure(FigureDelta{Figure: FigureCards, Period: bookedMonth, K1: m.Facts.Desk, K2: m.Facts.TariffName, N: q, Cents: sign * int64(m.Amount)})
	case MoneyMembership:
		k2 := "new"
		if m.Facts.Renewal {
			k2 = "renewal"
		}
		b.figure(FigureDelta{Figure: FigureMemberships, Period: bookedMonth, K1: m.TariffID, K2: k2, N: q, Cents: sign * int64(m.Amount)})
	}
	s := m.Settlement
	if s.Payer == 0 {
		return
	}
	if len(s.Departments) == 0 {
		b.figure(FigureDelta{Figure: FigureCost, Period: month, K1: s.PayerID, N: q, Cents: int64(s.Payer) * q})
		return
	}
	for i, d := range s.Departments {
		n := int64(0)
		if i == 0 {
			n = q // the units once per payer
		}
		b.figure(FigureDelta{Figure: FigureCost, Period: month, K1: s.PayerID, K2: d.Department, N: n, Cents: int64(d.Cents) * q})
	}
}

func (b *batch) checkinFigures(ev *balie.Event, month string, points int, sign int64) {
	b.figure(FigureDelta{Figure: FigureCheckins, Period: month, K1: ev.OrganiserID, K2: ev.ID, N: sign})
	b.figure(FigureDelta{Figure: FigureActivity, Period: month, K1: ev.OrganiserID, K2: ev.Name, N: sign})
	if points != 0 {
		b.figure(FigureDelta{Figure: FigurePoints, Period: month, K1: "saved", N: sign * int64(points)})
	}
}

func (b *batch) rewardFigures(r balie.Reward, month string, cost int, sign int64) {
	b.figure(FigureDelta{Figure: FigureRewards, Period: month, K1: r.ID, K2: string(r.Kind), N: sign})
	if cost != 0 {
		b.figure(FigureDelta{Figure: FigurePoints, Period: month, K1: "exchanged", N: sign * int64(cost)})
	}
}

// voidFigures takes back what the voided act added, in the void's month.
func (b *batch) voidFigures(t Target, v VoidRow) error {
	month := balie.SettlementMonth(v.Booked)
	switch pl := payloadOf(t).(type) {
	case *balie.CheckinPayload:
		if ev := b.events[pl.EventID]; ev != nil && t.Item != "" {
			b.checkinFigures(ev, month, t.Points, -1)
		}
	case *balie.RewardRedemptionPayload:
		if rs := b.rewards[pl.RewardID]; rs != nil {
			b.rewardFigures(rs.r, month, -t.Points, -1)
		}
	case *balie.TicketSalePayload, *balie.CardSalePayload, *balie.MembershipPaymentPayload:
		rows := b.targetMoney[t.Ingest]
		if rows == nil {
			// A sale of this same batch.
			for _, m := range b.eff.Money {
				if m.Ingest == t.Ingest {
					rows = append(rows, m)
				}
			}
		}
		for _, m := range rows {
			m.Facts.Booked = v.Booked
			b.moneyFigures(m, -1, v.Month)
			if m.Kind == MoneyTicket {
				b.figure(FigureDelta{Figure: FigureActivity, Period: month, K1: m.OrganiserID, K2: m.Facts.EventName, N: -int64(m.Quantity)})
			}
		}
	}
	return nil
}

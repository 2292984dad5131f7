package pos

import (
	"context"
	"strings"

	"github.com/balie/balie"
)

// MembershipDesk is what a desk that takes membership payments asks of
// the terminal: the sports counter (the sports pass) and the box office
// (the friends' circle) alike.
type MembershipDesk interface {
	QuoteMembership(ctx context.Context, req balie.MembershipRequest) (balie.MembershipQuote, error)
	PayMembership(ctx context.Context, staffID string, req balie.MembershipRequest) (balie.MembershipResult, error)
}

// memberPay is the membership payment, written once for every desk: the
// store's quote for the holder on screen (price, term, paid today
// already?), then the confirm screen, then the payment.
type memberPay struct {
	a       *App
	desk    MembershipDesk
	methods []balie.PaymentMethod
	// paid is told on the Fyne goroutine what was paid, how and with how
	// much cash; refused why the quote was refused.
	paid    func(h HolderView, res balie.MembershipResult, method balie.PaymentMethod, tendered balie.Cents)
	refused func(text string)
}

// start quotes program pr for holder h and asks the clerk to confirm.
func (m *memberPay) start(h HolderView, pr balie.MembershipProgram) {
	a := m.a
	req := balie.MembershipRequest{Card: balie.CardNumber(h.Card), ProgramID: pr.ID}
	a.run(func(ctx context.Context) func() {
		q, err := m.desk.QuoteMembership(ctx, req)
		return func() {
			if err != nil {
				m.refused(a.sentence("quote membership", err))
				return
			}
			name := strings.TrimSpace(h.FirstName + " " + h.LastName)
			until := a.lang.t(msgPayUntil, lastDay(q.End))
			if q.Renewal {
				until = a.lang.t(msgPayRenews, lastDay(q.End))
			}
			p := payment{op: "pay membership", title: a.lang.t(msgPayFor, pr.Name, name), details: []string{until},
				amount: q.Price, methods: m.methods}
			if q.PaidToday {
				p.repeat = a.lang.t(msgPayRepeat, pr.Name, h.FirstName)
			}
			staff := a.staff.ID
			p.record = func(ctx context.Context, method balie.PaymentMethod, tendered balie.Cents, again bool) (func(), error) {
				r := req
				r.Payment, r.RenewAgain = method, again
				res, err := m.desk.PayMembership(ctx, staff, r)
				if err != nil {
					return nil, err
				}
				return func() { m.paid(h, res, method, tendered) }, nil
			}
			a.confirmPayment(p)
		}
	})
}

const (
	msgPayFor    msg = "pay.for"
	msgPayUntil  msg = "pay.until"
	msgPayRenews msg = "pay.renews"
	msgPayRepeat msg = "pay.repeat"
)

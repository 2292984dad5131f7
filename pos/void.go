package pos

import (
	"context"
	"encoding/json"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/balie/balie"
)

// Voids is what the void screen asks of the terminal.
type Voids interface {
	RecentActs(ctx context.Context, limit int) ([]balie.RecentAct, error)
	Void(ctx context.Context, staffID, approverID, targetID, reason string) (balie.VoidResult, error)
	// CorrectAttendance puts a wrong sign-in or sign-out right with a new
	// record: the register is corrected, never voided.
	CorrectAttendance(ctx context.Context, staffID, targetID, reason string) (balie.VoidResult, error)
}

// voidScreen lists this desk's last acts, in words: when, what, for whom
// and how much, and whether the ledger has it yet. One is cancelled with
// a reason and a supervisor's approval on the spot; a sign-in or sign-out
// is corrected with a reason by the staff member. The act stays in the
// journal; a new event undoes its effect.
type voidScreen struct {
	a      *App
	desk   Voids
	reason *scanEntry
	said   *widget.Label
	first  *keyButton // the newest act that can still be undone
}

func (v *voidScreen) t(id msg, args ...any) string { return v.a.lang.t(id, args...) }

func (a *App) showVoids() {
	if a.deps.Voids == nil {
		return
	}
	v := &voidScreen{a: a, desk: a.deps.Voids}
	a.run(func(ctx context.Context) func() {
		acts, err := v.desk.RecentActs(ctx, 12)
		return func() {
			if err != nil {
				a.notice(a.sentence("list recent acts", err), false)
				return
			}
			a.log.Info("acts shown", "acts", len(acts))
			a.overlay(v.build(acts), func() {
				if a.canvas != nil {
					a.canvas.Focus(v.reason)
				}
			}, nil)
		}
	})
}

func (v *voidScreen) build(acts []balie.RecentAct) fyne.CanvasObject {
	v.reason = v.a.entry()
	v.reason.SetPlaceHolder(v.t(msgVoidReason))
	v.reason.onEscape = v.a.closeOverlay
	// Enter after the reason goes to the newest act, where Enter again
	// (or ↓ and Tab to another) chooses it.
	v.reason.OnSubmitted = func(string) {
		if v.first != nil && v.a.canvas != nil {
			v.a.canvas.Focus(v.first)
		}
	}
	v.said = widget.NewLabel("")
	v.said.Wrapping = fyne.TextWrapWord
	rows := container.NewVBox()
	if len(acts) == 0 {
		rows.Add(widget.NewLabel(v.t(msgVoidNone)))
	}
	for _, act := range acts {
		act := act
		text := v.describe(act)
		if act.Voided {
			done := msgVoidDone
			if childcareAct(act.Kind) {
				done = msgVoidCorrected
			}
			l := widget.NewLabel(text + " — " + v.t(done))
			l.Importance = widget.LowImportance
			rows.Add(l)
			continue
		}
		b := v.a.button(text, theme.ContentUndoIcon(), func() { v.choose(act) })
		b.Alignment = widget.ButtonAlignLeading
		if v.first == nil {
			v.first = b
		}
		rows.Add(b)
	}
	return container.NewBorder(
		container.NewVBox(heading(v.t(msgVoidTitle)), hint(v.t(msgVoidHint)), v.reason, v.said),
		container.NewHBox(v.a.button(keyLabel(v.a.lang.t(msgReviewBack), fyne.KeyEscape), nil, v.a.closeOverlay)),
		nil, nil, container.NewVScroll(container.NewPadded(rows)))
}

func childcareAct(k balie.Kind) bool {
	return k == balie.KindChildSignIn || k == balie.KindChildSignOut
}

// actName is a kind of act in the clerk's words.
func actName(l language, k balie.Kind) string {
	switch k {
	case balie.KindCheckin:
		return l.t(msgActCheckin)
	case balie.KindTicketSale:
		return l.t(msgActTickets)
	case balie.KindCardSale:
		return l.t(msgActCard)
	case balie.KindMembershipPayment:
		return l.t(msgActMembership)
	case balie.KindRewardRedemption:
		return l.t(msgActReward)
	case balie.KindChildSignIn:
		return l.t(msgActSignIn)
	case balie.KindChildSignOut:
		return l.t(msgActSignOut)
	case balie.KindVoid:
		return l.t(msgActVoid)
	case balie.KindShiftOpen:
		return l.t(msgActShiftOpen)
	case balie.KindShiftClose:
		return l.t(msgActShiftClose)
	case balie.KindPickupRefused:
		return l.t(msgActPickupRefused)
	case balie.KindChildCorrection:
		return l.t(msgActCorrection)
	}
	return l.t(msgActOther)
}

// describe says what an act was, in a line: when, what, for whom, how
// much, and whether it still waits for the ledger.
func (v *voidScreen) describe(act balie.RecentAct) string {
	lang := string(v.a.lang)
	parts := []string{act.Time.In(balie.Brussels()).Format("15:04"), actName(v.a.lang, act.Kind)}
	if act.HolderName != "" {
		parts = append(parts, act.HolderName)
	}
	var money balie.Cents
	var points int
	var tickets int
	switch act.Kind {
	case balie.KindTicketSale:
		var p balie.TicketSalePayload
		json.Unmarshal(act.Payload, &p)
		money = p.Total
		for _, l := range p.Lines {
			tickets += l.Quantity
		}
	case balie.KindCardSale:
		var p balie.CardSalePayload
		json.Unmarshal(act.Payload, &p)
		money = p.Price
	case balie.KindMembershipPayment:
		var p balie.MembershipPaymentPayload
		json.Unmarshal(act.Payload, &p)
		money = p.Price
	case balie.KindCheckin:
		var p balie.CheckinPayload
		json.Unmarshal(act.Payload, &p)
		points = p.Points
	case balie.KindRewardRedemption:
		var p balie.RewardRedemptionPayload
		json.Unmarshal(act.Payload, &p)
		points = -p.Points
	case balie.KindChildSignOut:
		var p balie.ChildcarePayload
		json.Unmarshal(act.Payload, &p)
		if p.PickedUpBy != "" {
			parts = append(parts, v.t(msgActPickedUp, p.PickedUpBy))
		}
	}
	if tickets == 1 {
		parts = append(parts, v.t(msgActOneTicket))
	} else if tickets > 1 {
		parts = append(parts, v.t(msgActTicketCount, tickets))
	}
	if money != 0 {
		parts = append(parts, money.Format(lang))
	}
	if points != 0 {
		parts = append(parts, v.a.lang.points(points))
	}
	if act.Waiting {
		parts = append(parts, v.t(msgActWaiting))
	}
	return strings.Join(parts, " · ")
}

// choose asks for the reason, then voids with a supervisor's approval or
// corrects a sign-in or sign-out.
func (v *voidScreen) choose(act balie.RecentAct) {
	reason := strings.TrimSpace(v.reason.Text)
	if reason == "" {
		v.said.SetText(v.t(msgVoidNeedReason))
		v.said.Importance = widget.DangerImportance
		v.said.Refresh()
		if v.a.canvas != nil {
			v.a.canvas.Focus(v.reason)
		}
		return
	}
	staff := v.a.staff
	if staff == nil {
		return
	}
	done := func(op string, err error) {
		v.a.logAct(op, err)
	}
	if childcareAct(act.Kind) {
		v.a.run(func(ctx context.Context) func() {
			_, err := v.desk.CorrectAttendance(ctx, staff.ID, act.ID, reason)
			done("correct attendance", err)
			return func() { v.finish(act, msgCorrected, "correct attendance", err) }
		})
		return
	}
	v.a.approve(v.t(msgVoidApprove, v.describe(act)), func(sup balie.Staff) {
		v.a.run(func(ctx context.Context) func() {
			_, err := v.desk.Void(ctx, staff.ID, sup.ID, act.ID, reason)
			done("void", err)
			return func() { v.finish(act, msgVoided, "void", err) }
		})
	})
}

func (v *voidScreen) finish(act balie.RecentAct, said msg, op string, err error) {
	if err != nil {
		v.said.SetText(v.a.sentence(op, err))
		v.said.Importance = widget.DangerImportance
		v.said.Refresh()
		return
	}
	v.a.closeOverlay()
	v.a.refreshHeader()
	v.a.notice(v.t(said, v.describe(act)), true)
	// What the desk shows (the children present, a holder's points)
	// follows the correction.
	if r, ok := v.a.desk.(interface{ reload() }); ok {
		r.reload()
	}
}

const (
	msgVoidTitle        msg = "void.title"
	msgVoidHint         msg = "void.hint"
	msgVoidReason       msg = "void.reason"
	msgVoidNone         msg = "void.none"
	msgVoidDone         msg = "void.done"
	msgVoidCorrected    msg = "void.corrected"
	msgVoidNeedReason   msg = "void.needreason"
	msgVoidApprove      msg = "void.approve"
	msgVoided           msg = "void.voided"
	msgCorrected        msg = "void.correction.done"
	msgActCheckin       msg = "act.checkin"
	msgActTickets       msg = "act.tickets"
	msgActCard          msg = "act.card"
	msgActMembership    msg = "act.membership"
	msgActReward        msg = "act.reward"
	msgActSignIn        msg = "act.signin"
	msgActSignOut       msg = "act.signout"
	msgActVoid          msg = "act.void"
	msgActShiftOpen     msg = "act.shift.open"
	msgActShiftClose    msg = "act.shift.close"
	msgActPickupRefused msg = "act.pickup.refused"
	msgActCorrection    msg = "act.correction"
	msgActOther         msg = "act.other"
	msgActPickedUp      msg = "act.pickedup"
	msgActOneTicket     msg = "act.ticket.one"
	msgActTicketCount   msg = "act.ticket.many"
	msgActWaiting       msg = "act.waiting"
)

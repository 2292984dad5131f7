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
	"github.com/balie/balie/pos/receipt"
)

// Voids is what the void screen asks of the terminal.
type Voids interface {
	RecentActs(ctx context.Context, limit int) ([]balie.RecentAct, error)
	Void(ctx context.Context, staffID, approverID, targetID, reason string) (balie.VoidResult, error)
}

// voidScreen lists this desk's last acts; one is cancelled with a reason
// and a supervisor's approval on the spot. The act stays in the journal;
// a VOID event undoes its effect.
type voidScreen struct {
	a      *App
	desk   Voids
	reason *scanEntry
	said   *widget.Label
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
			l := widget.NewLabel(text + " — " + v.t(msgVoidDone))
			l.Importance = widget.LowImportance
			rows.Add(l)
			continue
		}
		b := v.a.button(text, theme.ContentUndoIcon(), func() { v.choose(act) })
		b.Alignment = widget.ButtonAlignLeading
		rows.Add(b)
	}
	return container.NewBorder(
		container.NewVBox(heading(v.t(msgVoidTitle)), widget.NewLabel(v.t(msgVoidHint)), v.reason, v.said),
		v.a.button(keyLabel(v.a.lang.t(msgReviewBack), fyne.KeyEscape), nil, v.a.closeOverlay),
		nil, nil, container.NewVScroll(container.NewPadded(rows)))
}

// describe says what an act was, in a line: when, what and how much.
func (v *voidScreen) describe(act balie.RecentAct) string {
	lang := string(v.a.lang)
	parts := []string{act.Time.In(balie.Brussels()).Format("15:04"), receipt.KindName(act.Kind, lang)}
	var money balie.Cents
	var points int
	switch act.Kind {
	case balie.KindTicketSale:
		var p balie.TicketSalePayload
		json.Unmarshal(act.Payload, &p)
		money = p.Total
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
	}
	if money != 0 {
		parts = append(parts, money.Format(lang))
	}
	if points != 0 {
		parts = append(parts, v.a.lang.points(points))
	}
	return strings.Join(append(parts, "#"+receipt.ShortRef(act.ID)), " · ")
}

// choose asks for the reason and a supervisor, then voids.
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
	v.a.approve(v.t(msgVoidApprove, v.describe(act)), func(sup balie.Staff) {
		v.a.run(func(ctx context.Context) func() {
			_, err := v.desk.Void(ctx, staff.ID, sup.ID, act.ID, reason)
			v.a.logAct("void", err)
			return func() {
				if err != nil {
					v.said.SetText(v.a.sentence("void", err))
					v.said.Importance = widget.DangerImportance
					v.said.Refresh()
					return
				}
				v.a.closeOverlay()
				v.a.notice(v.t(msgVoided, v.describe(act)), true)
			}
		})
	})
}

const (
	msgVoidTitle      msg = "void.title"
	msgVoidHint       msg = "void.hint"
	msgVoidReason     msg = "void.reason"
	msgVoidNone       msg = "void.none"
	msgVoidDone       msg = "void.done"
	msgVoidNeedReason msg = "void.needreason"
	msgVoidApprove    msg = "void.approve"
	msgVoided         msg = "void.voided"
)

package pos

import (
	"context"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/balie/balie"
)

// SportsDesk is what the sports counter asks of the terminal.
type SportsDesk interface {
	EventsBetween(ctx context.Context, from, to time.Time) ([]balie.Event, error)
	CheckIn(ctx context.Context, staffID string, n balie.CardNumber, eventID string) (balie.CheckinResult, error)
	Rewards(ctx context.Context, organiserID string) ([]balie.Reward, error)
	RedeemReward(ctx context.Context, staffID string, n balie.CardNumber, rewardID string) (balie.RewardResult, error)
	RedeemRewardOverride(ctx context.Context, staffID, approverID string, n balie.CardNumber, rewardID string) (balie.RewardResult, error)
	Programs(ctx context.Context, organiserID string) ([]balie.MembershipProgram, error)
	MembershipDesk
}

// sportsPanel is the sports counter: check-in with points, rewards for
// points, and the sports pass.
type sportsPanel struct {
	a    *App
	desk SportsDesk

	events   []balie.Event
	rewards  []balie.Reward
	programs []balie.MembershipProgram

	eventPick   *keySelect
	rewardPick  *keySelect
	programPick *keySelect
	member      *memberPay
	checkIn     *keyButton
	redeem      *keyButton
	pay         *keyButton
	outcome     *fyne.Container
	box         fyne.CanvasObject

	holder *HolderView // on the Fyne goroutine only
	// auto checks every scanned holder in at once; autoButton turns it
	// off and on (F8). skipNext is the card looked up again after its
	// check-in, which must not check in once more.
	auto       bool
	autoButton *keyButton
	skipNext   string
}

func newSportsPanel(a *App, desk SportsDesk) *sportsPanel {
	p := &sportsPanel{a: a, desk: desk}
	l := a.lang
	p.eventPick = p.a.pick(nil, func(string) { p.enable() })
	p.eventPick.PlaceHolder = l.t(msgSportsNoEvent)
	p.rewardPick = p.a.pick(nil, func(string) { p.enable() })
	p.rewardPick.PlaceHolder = l.t(msgSportsPickReward)
	p.programPick = p.a.pick(nil, func(string) { p.enable() })
	p.member = &memberPay{a: a, desk: desk, methods: []balie.PaymentMethod{balie.PayCash, balie.PayCard},
		paid: p.paid, refused: func(text string) { p.show(false, text) }}

	p.checkIn = p.a.bigButton(keyLabel(l.t(msgSportsCheckIn), fyne.KeyF5), theme.ConfirmIcon(), p.doCheckIn)
	p.auto = a.cfg.ScanChecksIn
	p.autoButton = p.a.button("", theme.ViewRefreshIcon(), func() { p.setAuto(!p.auto) })
	p.setAuto(p.auto)
	p.redeem = p.a.bigButton(keyLabel(l.t(msgSportsRedeem), fyne.KeyF6), theme.ContentAddIcon(), p.doRedeem)
	p.pay = p.a.bigButton(keyLabel(l.t(msgSportsPay), fyne.KeyF7), theme.AccountIcon(), p.doPay)
	p.outcome = container.NewVBox()

	heading := func(id msg) fyne.CanvasObject {
		return widget.NewLabelWithStyle(l.t(id), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	p.box = container.NewVScroll(container.NewPadded(container.NewVBox(
		heading(msgSportsEvent), p.eventPick, p.checkIn, p.autoButton, widget.NewSeparator(),
		heading(msgSportsRewards), p.rewardPick, p.redeem, widget.NewSeparator(),
		heading(msgSportsPass), p.programPick, p.pay, widget.NewSeparator(),
		p.outcome,
	)))
	p.enable()
	p.load()
	return p
}

func (p *sportsPanel) content() fyne.CanvasObject { return p.box }

// reset forgets the last customer's choices (Escape, the lock); the
// activity stays: it is the desk's, not the customer's.
func (p *sportsPanel) reset() {
	p.holder = nil
	p.rewardPick.ClearSelected()
	p.outcome.RemoveAll()
	p.enable()
}

// load reads today's events, the rewards and the programs of this desk's
// organiser, off the Fyne goroutine.
func (p *sportsPanel) load() {
	org := p.a.cfg.Desk.OrganiserID
	now := p.a.cfg.Now()
	p.a.run(func(ctx context.Context) func() {
		from, to := balie.PeriodDay.Window(now)
		evs, err := p.desk.EventsBetween(ctx, from, to)
		var mine []balie.Event
		for _, e := range evs {
			if p.a.cfg.Desk.Serves(e.OrganiserID) {
				mine = append(mine, e)
			}
		}
		rewards, rerr := p.desk.Rewards(ctx, org)
		programs, perr := p.desk.Programs(ctx, org)
		return func() {
			for _, e := range []error{err, rerr, perr} {
				if e != nil {
					p.show(false, p.a.sentence("load sports desk", e))
				}
			}
			p.events, p.rewards, p.programs = mine, rewards, programs
			p.fill(now)
		}
	})
}

// fill puts the lists in their pickers; the event open now is chosen.
func (p *sportsPanel) fill(now time.Time) {
	l := p.a.lang
	// The event open now is chosen; before the first opens, the next one.
	var names []string
	chosen, next := -1, -1
	for i, e := range p.events {
		names = append(names, e.Name+" ("+e.Start.In(balie.Brussels()).Format("15:04")+"–"+e.End.In(balie.Brussels()).Format("15:04")+")")
		opens, closes := balie.CheckinWindow(e)
		if chosen < 0 && !now.Before(opens) && now.Before(closes) {
			chosen = i
		}
		if next < 0 && now.Before(opens) {
			next = i
		}
	}
	p.eventPick.SetOptions(names)
	if chosen < 0 {
		chosen = next
	}
	if chosen >= 0 {
		p.eventPick.SetSelectedIndex(chosen)
	}
	names = nil
	for _, r := range p.rewards {
		names = append(names, l.t(msgSportsRewardLine, r.Name, l.points(r.Points)))
	}
	p.rewardPick.SetOptions(names)
	names = nil
	for _, pr := range p.programs {
		names = append(names, pr.Name)
	}
	p.programPick.SetOptions(names)
	if len(names) > 0 {
		p.programPick.SetSelectedIndex(0)
	}
	p.enable()
}

func (p *sportsPanel) setHolder(h *HolderView) {
	// The outcome of an act stays while its holder is looked up again
	// with the new points; another holder or none clears it.
	if h == nil || p.holder == nil || h.Card != p.holder.Card {
		p.outcome.RemoveAll()
		// The reward was the last customer's choice.
		p.rewardPick.ClearSelected()
	}
	p.holder = h
	p.enable()
	if h == nil {
		return
	}
	if h.Card == p.skipNext {
		p.skipNext = ""
		return
	}
	p.skipNext = ""
	if p.auto && p.eventPick.SelectedIndex() >= 0 {
		p.doCheckIn()
	}
}

// setAuto turns checking in at the scan on or off.
func (p *sportsPanel) setAuto(on bool) {
	p.auto = on
	text, importance := msgSportsAutoOff, widget.MediumImportance
	if on {
		text, importance = msgSportsAutoOn, widget.SuccessImportance
	}
	p.autoButton.SetText(keyLabel(p.a.lang.t(text), fyne.KeyF8))
	p.autoButton.Importance = importance
	p.autoButton.Refresh()
}

// enable allows each action only when it has what it needs.
func (p *sportsPanel) enable() {
	set := func(b *keyButton, ok bool) {
		if ok {
			b.Enable()
		} else {
			b.Disable()
		}
	}
	has := p.holder != nil
	set(p.checkIn, has && p.eventPick.SelectedIndex() >= 0)
	set(p.redeem, has && p.rewardPick.SelectedIndex() >= 0)
	set(p.pay, has && p.programPick.SelectedIndex() >= 0)
}

func (p *sportsPanel) key(name fyne.KeyName) bool {
	for _, k := range []struct {
		key fyne.KeyName
		b   *keyButton
	}{{fyne.KeyF5, p.checkIn}, {fyne.KeyF6, p.redeem}, {fyne.KeyF7, p.pay}, {fyne.KeyF8, p.autoButton}} {
		if name == k.key {
			if !k.b.Disabled() {
				k.b.OnTapped()
			}
			return true
		}
	}
	return false
}

// act runs an act for the holder on screen; done shows its outcome.
func (p *sportsPanel) act(op string, f func(ctx context.Context, staff string, card balie.CardNumber) (string, error)) {
	if p.holder == nil || p.a.staff == nil {
		return
	}
	card, staff := balie.CardNumber(p.holder.Card), p.a.staff.ID
	p.checkIn.Disable()
	p.redeem.Disable()
	p.pay.Disable()
	p.a.run(func(ctx context.Context) func() {
		ok, err := f(ctx, staff, card)
		p.a.logAct(op, err)
		return func() {
			switch {
			case err != nil && op == "check in":
				p.gate(false, balie.CheckinMayEnter(err), p.a.sentence(op, err))
			case err != nil:
				p.show(false, p.a.sentence(op, err))
				if balie.ErrorCode(err) == balie.CodeOfflineLimit && op == "redeem reward" {
					p.offerOverride()
				}
			default:
				if op == "check in" {
					p.gate(true, true, ok)
				} else {
					p.show(true, ok)
				}
				// The points and memberships on the left change with the
				// act; that lookup is not a new scan at the gate.
				p.skipNext = string(card)
				p.a.scan.Refresh(string(card))
			}
			p.enable()
			p.a.scan.refocus()
		}
	})
}

func (p *sportsPanel) doCheckIn() {
	i := p.eventPick.SelectedIndex()
	if i < 0 {
		return
	}
	ev := p.events[i]
	l := p.a.lang
	p.act("check in", func(ctx context.Context, staff string, card balie.CardNumber) (string, error) {
		res, err := p.desk.CheckIn(ctx, staff, card, ev.ID)
		if err != nil {
			return "", err
		}
		return l.t(msgSportsCheckedIn, res.Holder.FirstName, l.points(res.Points), l.points(res.Balance)), nil
	})
}

func (p *sportsPanel) doRedeem() {
	i := p.rewardPick.SelectedIndex()
	if i < 0 {
		return
	}
	r := p.rewards[i]
	l := p.a.lang
	p.act("redeem reward", func(ctx context.Context, staff string, card balie.CardNumber) (string, error) {
		res, err := p.desk.RedeemReward(ctx, staff, card, r.ID)
		if err != nil {
			return "", err
		}
		return l.t(msgSportsRedeemed, r.Name, l.points(res.Before-res.After), l.points(res.After)), nil
	})
}

// offerOverride asks a supervisor to let a redemption pass the offline
// limit: the holder is at the desk, and the ledger will flag what it
// finds wrong.
func (p *sportsPanel) offerOverride() {
	i := p.rewardPick.SelectedIndex()
	if i < 0 || p.holder == nil {
		return
	}
	r, l := p.rewards[i], p.a.lang
	p.a.approve(l.t(msgSportsOverride, r.Name), func(sup balie.Staff) {
		p.act("redeem reward", func(ctx context.Context, staff string, card balie.CardNumber) (string, error) {
			res, err := p.desk.RedeemRewardOverride(ctx, staff, sup.ID, card, r.ID)
			if err != nil {
				return "", err
			}
			return l.t(msgSportsRedeemed, r.Name, l.points(res.Before-res.After), l.points(res.After)), nil
		})
	})
}

// doPay is F7: the sports pass for the holder on screen, priced and
// confirmed first, never charged by the key alone.
func (p *sportsPanel) doPay() {
	i := p.programPick.SelectedIndex()
	if i < 0 || p.holder == nil || p.a.staff == nil {
		return
	}
	p.member.start(*p.holder, p.programs[i])
}

// paid shows a payment taken, with the change to give for cash, and
// looks the holder up again: the card shows the new end.
func (p *sportsPanel) paid(h HolderView, res balie.MembershipResult, method balie.PaymentMethod, tendered balie.Cents) {
	l := p.a.lang
	text := l.t(msgSportsPaid, res.Program.Name, res.Price.Format(string(l)), lastDay(res.End))
	p.show(true, text)
	if method == balie.PayCash && res.Price > 0 {
		change := widget.NewLabelWithStyle(l.t(msgBoxChange, (tendered-res.Price).Format(string(l))), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		change.SizeName = theme.SizeNameHeadingText
		change.Importance = widget.SuccessImportance
		p.outcome.Add(change)
	}
	p.a.scan.Refresh(h.Card)
}

// gate shows a check-in's outcome as the gate needs it: whether the
// holder may go in, large, then what happened with the points. A repeat
// inside the limit lets them in without a point.
func (p *sportsPanel) gate(checkedIn, mayEnter bool, text string) {
	l := p.a.lang
	verdict := widget.NewLabelWithStyle(l.t(msgSportsMayEnter), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	verdict.SizeName = theme.SizeNameHeadingText
	edge, icon := theme.ColorNameSuccess, fyne.Resource(theme.NewSuccessThemedResource(theme.ConfirmIcon()))
	verdict.Importance = widget.SuccessImportance
	switch {
	case !mayEnter:
		verdict.SetText(l.t(msgSportsNoEntry))
		verdict.Importance = widget.DangerImportance
		edge, icon = theme.ColorNameError, theme.NewErrorThemedResource(theme.ErrorIcon())
	case !checkedIn:
		verdict.Importance = widget.WarningImportance
		edge, icon = theme.ColorNameWarning, theme.NewWarningThemedResource(theme.WarningIcon())
	}
	why := widget.NewLabel(text)
	why.Wrapping = fyne.TextWrapWord
	p.outcome.Objects = []fyne.CanvasObject{newAlertPanel(container.NewBorder(nil, nil, widget.NewIcon(icon), nil, container.NewVBox(verdict, why)), edge)}
	p.outcome.Refresh()
}

// show puts an act's outcome under the actions: green for done, red for
// refused.
func (p *sportsPanel) show(ok bool, text string) {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.Wrapping = fyne.TextWrapWord
	var icon fyne.Resource = theme.NewSuccessThemedResource(theme.ConfirmIcon())
	edge := theme.ColorNameSuccess
	l.Importance = widget.SuccessImportance
	if !ok {
		icon = theme.NewErrorThemedResource(theme.ErrorIcon())
		edge = theme.ColorNameError
		l.Importance = widget.DangerImportance
	}
	p.outcome.Objects = []fyne.CanvasObject{newAlertPanel(container.NewBorder(nil, nil, widget.NewIcon(icon), nil, l), edge)}
	p.outcome.Refresh()
}

const (
	msgSportsEvent      msg = "sports.event"
	msgSportsNoEvent    msg = "sports.event.none"
	msgSportsCheckIn    msg = "sports.checkin"
	msgSportsCheckedIn  msg = "sports.checkedin"
	msgSportsRewards    msg = "sports.rewards"
	msgSportsPickReward msg = "sports.reward.pick"
	msgSportsRewardLine msg = "sports.reward.line"
	msgSportsRedeem     msg = "sports.redeem"
	msgSportsRedeemed   msg = "sports.redeemed"
	msgSportsPass       msg = "sports.pass"
	msgSportsPay        msg = "sports.pay"
	msgSportsPaid       msg = "sports.paid"
	msgSportsOverride   msg = "sports.override"
	msgSportsAutoOn     msg = "sports.auto.on"
	msgSportsAutoOff    msg = "sports.auto.off"
	msgSportsMayEnter   msg = "sports.enter.yes"
	msgSportsNoEntry    msg = "sports.enter.no"
	msgPayCash          msg = "pay.cash"
	msgPayCard          msg = "pay.card"
)

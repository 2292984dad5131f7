package pos

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/balie/balie"
)

// boxMember is the friends' circle at the box office: the program, its
// price for a pass holder, and whether the holder on screen is a member.
// The payment itself is the desks' shared one (memberPay).
type boxMember struct {
	a       *App
	holder  func() *HolderView
	changed func()

	programs []balie.MembershipProgram
	pick     *keySelect
	price    *widget.Label
	state    *widget.Label
	box      *fyne.Container
}

func newBoxMember(a *App) *boxMember {
	m := &boxMember{a: a, holder: func() *HolderView { return nil }, changed: func() {}}
	m.pick = a.pick(nil, func(string) { m.show() })
	m.price = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	m.state = widget.NewLabel("")
	m.state.Wrapping = fyne.TextWrapWord
	m.box = container.NewVBox(widget.NewLabelWithStyle(a.lang.t(msgBoxMemberTitle), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		m.pick, m.price, m.state)
	return m
}

func (m *boxMember) t(id msg, args ...any) string { return m.a.lang.t(id, args...) }

func (m *boxMember) content() fyne.CanvasObject { return m.box }

// fill puts the programs in the picker, the first chosen.
func (m *boxMember) fill(programs []balie.MembershipProgram) {
	m.programs = programs
	var names []string
	for _, pr := range programs {
		names = append(names, pr.Name)
	}
	m.pick.SetOptions(names)
	if len(names) > 0 {
		m.pick.SetSelectedIndex(0)
	}
	m.show()
}

func (m *boxMember) program() (balie.MembershipProgram, bool) {
	i := m.pick.SelectedIndex()
	if i < 0 || i >= len(m.programs) {
		return balie.MembershipProgram{}, false
	}
	return m.programs[i], true
}

// memberPriceOf is what a pass holder pays for pr, when the screen can
// know it: a program with a price of its own for some holders is priced
// by the store alone.
func memberPriceOf(pr balie.MembershipProgram) (balie.Cents, bool) {
	if pr.HasSocialPrice {
		return 0, false
	}
	return pr.PriceFor(true, false), true
}

// show says the chosen program's price and whether the holder on screen
// is a member already.
func (m *boxMember) show() {
	lang := string(m.a.lang)
	pr, ok := m.program()
	switch {
	case !ok:
		m.price.SetText(m.t(msgBoxNoProgram))
	default:
		if price, known := memberPriceOf(pr); known {
			m.price.SetText(m.t(msgBoxMemberPrice, price.Format(lang), pr.Price.Format(lang)))
		} else {
			m.price.SetText(m.t(msgBoxMemberPriceLater))
		}
	}
	h := m.holder()
	switch {
	case h == nil:
		m.state.SetText(m.t(msgBoxScanHolder))
		m.state.Importance = widget.WarningImportance
	case !ok:
		m.state.SetText("")
	default:
		m.state.Importance = widget.MediumImportance
		m.state.SetText(m.t(msgBoxNotMember, h.FirstName))
		for _, ms := range h.Memberships {
			if ms.Name == pr.Name && ms.Valid {
				until := m.t(msgBoxNoEnd)
				if !ms.Until.IsZero() {
					until = lastDay(ms.Until)
				}
				msgID := msgBoxMember
				if pr.EndKind == balie.EndFixed && ms.Until.Equal(pr.FixedEnd) {
					msgID = msgBoxMemberFull // a renewal would end the same day
				}
				m.state.SetText(m.t(msgID, h.FirstName, until))
			}
		}
	}
	m.state.Refresh()
	m.changed()
}

const (
	msgBoxMemberTitle      msg = "box.member.title"
	msgBoxNoProgram        msg = "box.member.none"
	msgBoxMemberPrice      msg = "box.member.price"
	msgBoxMemberPriceLater msg = "box.member.price.later"
	msgBoxNotMember        msg = "box.member.not"
	msgBoxMember           msg = "box.member.is"
	msgBoxMemberFull       msg = "box.member.full"
	msgBoxNoEnd            msg = "box.member.noend"
	msgBoxMemberLine       msg = "box.member.line"
	msgBoxPaidMember       msg = "box.member.paid"
	msgBoxRenewedMember    msg = "box.member.renewed"
)

package pos

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/balie/balie"
)

// ccBills draws a child's bill for the day, with the rates of the
// desk's childcare (the length and price of a unit), read once.
type ccBills struct {
	a     *App
	rates balie.ChildcareRates
}

// ccNote is the outcome of the last act, for the clerk.
type ccNote struct {
	ok   bool
	text string
}

// ccBill is a child's bill for the day, or why there is none.
type ccBill struct {
	child balie.ChildToday
	kind  balie.DayKind
	bill  balie.ChildcareBill
	err   string
}

func ccNoteView(n ccNote) fyne.CanvasObject {
	edge := theme.ColorNameSuccess
	if !n.ok {
		edge = theme.ColorNameError
	}
	return newAlertPanel(ccNoteLine(n), edge)
}

// ccNoteLine is an outcome in a line: green for done, red for refused.
func ccNoteLine(n ccNote) fyne.CanvasObject {
	l := widget.NewLabelWithStyle(n.text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.Wrapping = fyne.TextWrapWord
	var icon fyne.Resource = theme.NewSuccessThemedResource(theme.ConfirmIcon())
	l.Importance = widget.SuccessImportance
	if !n.ok {
		icon = theme.NewErrorThemedResource(theme.ErrorIcon())
		l.Importance = widget.DangerImportance
	}
	return container.NewBorder(nil, nil, widget.NewIcon(icon), nil, l)
}

// billView is a child's bill for the day. The social reduction is called
// "UiTPAS-korting", as every pass reduction is, and stands on every
// child's bill: a parent beside the desk must not read who has the social
// tariff.
func (v *ccBills) view(b ccBill, note *ccNote) fyne.CanvasObject {
	l := v.a.lang
	lang := string(l)
	name := strings.TrimSpace(b.child.FirstName + " " + b.child.LastName)
	title := widget.NewLabelWithStyle(l.t(msgCCBillTitle, name), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.Truncation = fyne.TextTruncateEllipsis
	var kind fyne.CanvasObject
	if b.err == "" {
		kind = widget.NewLabel(dayKindNames(l)[dayKindIndex(b.kind)])
	}
	var rows []fyne.CanvasObject
	edge := theme.ColorNameInputBorder
	if note != nil {
		rows = append(rows, ccNoteLine(*note), widget.NewSeparator())
		if note.ok {
			edge = theme.ColorNameSuccess
		}
	}
	rows = append(rows, container.NewBorder(nil, nil, nil, kind, title))
	var stays []string
	for _, s := range b.child.Stays {
		if !s.Out.IsZero() {
			stays = append(stays, l.t(msgCCStay, ccClock(s.In), ccClock(s.Out), s.PickedUpBy))
		}
	}
	if len(stays) > 0 {
		st := ccCaption(strings.Join(stays, " · "))
		st.Truncation = fyne.TextTruncateOff
		st.Wrapping = fyne.TextWrapWord
		rows = append(rows, st)
	}
	if b.err != "" {
		rows = append(rows, ccQuiet(b.err))
		return newPanel(container.NewVBox(rows...), theme.ColorNameInputBackground, edge)
	}
	bill := b.bill
	switch {
	case bill.Block != "":
		rows = append(rows, ccAmountRow(l.t(msgCCBlock, ccBlockName(l, bill.Block)), bill.Base.Format(lang), false))
	default:
		rows = append(rows, ccAmountRow(l.t(msgCCUnits, ccUnitName(l, v.rates.Unit), bill.Units, v.rates.UnitPrice.Format(lang)), bill.Base.Format(lang), false))
	}
	if bill.SiblingDiscount > 0 {
		rows = append(rows, ccAmountRow(l.t(msgCCSibling, v.rates.SiblingPct), "− "+bill.SiblingDiscount.Format(lang), false))
	}
	// Every child's bill has the UiTPAS line, € 0,00 for most: a line
	// shown only to some would tell the parent beside them who has the
	// social tariff.
	rows = append(rows, ccAmountRow(l.t(msgCCSocial), "− "+bill.SocialDiscount.Format(lang), false))
	if bill.LateUnits > 0 {
		rows = append(rows, ccAmountRow(l.t(msgCCLate, bill.LateUnits, ccUnitName(l, v.rates.LateUnit)), bill.LateFee.Format(lang), false))
	}
	rows = append(rows, widget.NewSeparator(), ccAmountRow(l.t(msgCCTotal), bill.Total.Format(lang), true))
	return newPanel(container.NewVBox(rows...), theme.ColorNameInputBackground, edge)
}

func ccCaption(text string) *widget.Label {
	c := widget.NewLabel(text)
	c.SizeName = theme.SizeNameCaptionText
	c.Truncation = fyne.TextTruncateEllipsis
	return c
}

// ccAmountRow is a line of a bill: what, and the amount right-aligned.
func ccAmountRow(what, amount string, bold bool) fyne.CanvasObject {
	w := widget.NewLabelWithStyle(what, fyne.TextAlignLeading, fyne.TextStyle{Bold: bold})
	w.Truncation = fyne.TextTruncateEllipsis
	a := widget.NewLabelWithStyle(amount, fyne.TextAlignTrailing, fyne.TextStyle{Bold: bold})
	return container.NewBorder(nil, nil, nil, a, w)
}

func ccUnitName(l language, unit time.Duration) string {
	switch unit {
	case 0, 30 * time.Minute:
		return l.t(msgCCHalfHour)
	case time.Hour:
		return l.t(msgCCHour)
	}
	return l.t(msgCCMinutes, int(unit/time.Minute))
}

func ccBlockName(l language, block string) string {
	switch block {
	case balie.BlockShort:
		return l.t(msgCCBlockShort)
	case balie.BlockMedium:
		return l.t(msgCCBlockMedium)
	case balie.BlockLong:
		return l.t(msgCCBlockLong)
	}
	return block
}

const (
	msgCCBillTitle   msg = "childcare.bill.title"
	msgCCStay        msg = "childcare.bill.stay"
	msgCCUnits       msg = "childcare.bill.units"
	msgCCBlock       msg = "childcare.bill.block"
	msgCCBlockShort  msg = "childcare.block.short"
	msgCCBlockMedium msg = "childcare.block.medium"
	msgCCBlockLong   msg = "childcare.block.long"
	msgCCHalfHour    msg = "childcare.unit.halfhour"
	msgCCHour        msg = "childcare.unit.hour"
	msgCCMinutes     msg = "childcare.unit.minutes"
	msgCCSibling     msg = "childcare.bill.sibling"
	msgCCSocial      msg = "childcare.bill.social"
	msgCCLate        msg = "childcare.bill.late"
	msgCCTotal       msg = "childcare.bill.total"
)

package pos

import (
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/balie/balie"
)

// childRowHeight is the least height of a child's row: a finger's width
// and then some, for the touch screen of a busy pick-up hour.
const childRowHeight = 56

// ccList is the day's children by group, or the roll call of who is
// present now; a tap on a child's row acts for them, and a child who
// left has a button for the day's bill.
type ccList struct {
	a      *App
	tapped func(id string) // a tap on a child's row
	bill   func(id string) // the bill button of a child who left
	rows   map[string]fyne.CanvasObject
	box    *fyne.Container
	scroll *container.Scroll
}

// ccShown is what the list shows.
type ccShown struct {
	children          []balie.ChildToday
	loaded, rollCall  bool
	selected, leaving string // the child chosen, the one leaving
	overdue           func(c balie.ChildToday, now time.Time) bool
}

func newCCList(a *App, tapped, bill func(id string)) *ccList {
	v := &ccList{a: a, tapped: tapped, bill: bill, rows: map[string]fyne.CanvasObject{}, box: container.NewVBox()}
	v.scroll = container.NewVScroll(v.box)
	return v
}

// show draws d.
func (v *ccList) show(d ccShown, now time.Time) {
	v.rows = map[string]fyne.CanvasObject{}
	if d.rollCall {
		v.box.Objects = v.rollCallView(d, now)
	} else {
		v.box.Objects = v.listView(d, now)
	}
}

func (v *ccList) listView(d ccShown, now time.Time) []fyne.CanvasObject {
	l := v.a.lang
	if !d.loaded {
		return []fyne.CanvasObject{ccQuiet(l.t(msgCCLoading))}
	}
	if len(d.children) == 0 {
		return []fyne.CanvasObject{ccQuiet(l.t(msgCCNoChildren))}
	}
	var out []fyne.CanvasObject
	for i := 0; i < len(d.children); {
		g := d.children[i].Group
		j, here := i, 0
		for ; j < len(d.children) && d.children[j].Group == g; j++ {
			if d.children[j].Present {
				here++
			}
		}
		out = append(out, ccHeading(l.t(msgCCGroup, g, here, j-i)))
		for _, c := range d.children[i:j] {
			out = append(out, v.childRow(d, c, now))
		}
		i = j
	}
	return out
}

// rollCallView lists who is present now, for the fire service: a count,
// then each child with their group and since when, by group and name.
func (v *ccList) rollCallView(d ccShown, now time.Time) []fyne.CanvasObject {
	l := v.a.lang
	n := 0
	for _, c := range d.children {
		if c.Present {
			n++
		}
	}
	title := ccHeading(l.t(msgCCRollTitle, ccClock(now), n))
	out := []fyne.CanvasObject{title}
	if n == 0 {
		return append(out, ccQuiet(l.t(msgCCNoOnePresent)))
	}
	for _, c := range d.children {
		if c.Present {
			out = append(out, v.childRow(d, c, now))
		}
	}
	return out
}

func ccHeading(text string) fyne.CanvasObject {
	h := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	h.SizeName = theme.SizeNameSubHeadingText
	h.Truncation = fyne.TextTruncateEllipsis
	return h
}

func ccQuiet(text string) *widget.Label {
	q := widget.NewLabel(text)
	q.Importance = widget.LowImportance
	q.Wrapping = fyne.TextWrapWord
	return q
}

// childRow is a child's line: a large button under the name and how the
// child is doing, so a tap anywhere on it acts; a child who left has a
// button of their own for the day's bill.
func (v *ccList) childRow(d ccShown, c balie.ChildToday, now time.Time) fyne.CanvasObject {
	l := v.a.lang
	name := widget.NewLabelWithStyle(c.FirstName+" "+c.LastName, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	name.Truncation = fyne.TextTruncateEllipsis

	status := widget.NewLabel("")
	var icon fyne.Resource
	switch {
	case d.overdue(c, now):
		status.SetText(l.t(msgCCStillSince, ccSinceText(c.Since, now)))
		status.Importance = widget.DangerImportance
		icon = theme.NewErrorThemedResource(theme.WarningIcon())
	case c.Present && d.rollCall:
		status.SetText(l.t(msgCCRollLine, c.Group, ccSinceText(c.Since, now)))
		status.Importance = widget.SuccessImportance
		icon = theme.NewSuccessThemedResource(theme.ConfirmIcon())
	case c.Present:
		status.SetText(l.t(msgCCSince, ccSinceText(c.Since, now)))
		status.Importance = widget.SuccessImportance
		icon = theme.NewSuccessThemedResource(theme.ConfirmIcon())
	case ccLeft(c):
		status.SetText(l.t(msgCCLeft, ccClock(ccLastOut(c).Out)))
		icon = theme.NewThemedResource(theme.LogoutIcon())
	default:
		status.SetText(l.t(msgCCAbsent))
		icon = theme.NewDisabledResource(theme.RadioButtonIcon())
	}
	trailing := []fyne.CanvasObject{status}
	if ccLeft(c) && !d.rollCall {
		id := c.HolderID
		trailing = append(trailing, v.a.button(l.t(msgCCBillButton), theme.DocumentIcon(), func() { v.bill(id) }))
	}
	line := container.NewBorder(nil, nil, widget.NewIcon(icon), container.NewHBox(trailing...), name)

	id := c.HolderID
	least := canvas.NewRectangle(color.Transparent)
	least.SetMinSize(fyne.NewSize(0, childRowHeight))
	objs := []fyne.CanvasObject{least, v.a.button("", nil, func() { v.tapped(id) })}
	if c.HolderID == d.selected || c.HolderID == d.leaving {
		// The chosen child stands out by a frame, not by a fill that
		// would take the text's contrast away.
		frame := canvas.NewRectangle(color.Transparent)
		frame.StrokeColor = theme.Color(theme.ColorNamePrimary)
		frame.StrokeWidth = 3
		frame.CornerRadius = theme.Size(theme.SizeNameInputRadius)
		objs = append(objs, frame)
	}
	// Spacers above and below centre the line in the row's height.
	objs = append(objs, container.NewVBox(layout.NewSpacer(), line, layout.NewSpacer()))
	row := container.NewStack(objs...)
	v.rows[c.HolderID] = row
	return row
}

// revealSelected scrolls the list so the chosen child's row is in view:
// after a scan, or when the sign-out box took the list's room.
func (v *ccList) revealSelected(selected string) {
	row, ok := v.rows[selected]
	if !ok {
		return
	}
	top, bottom := row.Position().Y, row.Position().Y+row.Size().Height
	view := v.scroll.Size().Height
	off := v.scroll.Offset
	switch {
	case top < off.Y:
		off.Y = top
	case bottom > off.Y+view:
		off.Y = bottom - view
	default:
		return
	}
	v.scroll.ScrollToOffset(off)
	v.scroll.Refresh()
}

// ccListLeast is the height the list keeps however much the detail below
// it holds: a heading and a row, the chosen child's (see revealSelected).
const ccListLeast = childRowHeight + 48

// listAndDetail lays the list out above the detail. The detail gets the
// height it needs, up to what leaves the list its least height; beyond
// that it scrolls. The screen never grows past the window: at 1280x800
// a sign-out with a refusal and the closing flag must still fit.
type listAndDetail struct {
	detail fyne.CanvasObject // what the detail holds, to measure
}

func (l listAndDetail) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	list, below := objs[0], objs[1]
	h := min(l.detail.MinSize().Height, size.Height-ccListLeast)
	gap := float32(0)
	if h > 0 {
		gap = theme.Padding()
	} else {
		h = 0
	}
	list.Move(fyne.NewPos(0, 0))
	list.Resize(fyne.NewSize(size.Width, size.Height-h-gap))
	below.Move(fyne.NewPos(0, size.Height-h))
	below.Resize(fyne.NewSize(size.Width, h))
}

func (l listAndDetail) MinSize(objs []fyne.CanvasObject) fyne.Size {
	w := max(objs[0].MinSize().Width, l.detail.MinSize().Width)
	return fyne.NewSize(w, ccListLeast)
}

const (
	msgCCRollTitle    msg = "childcare.rollcall.title"
	msgCCRollLine     msg = "childcare.rollcall.line"
	msgCCNoOnePresent msg = "childcare.rollcall.none"
	msgCCNoChildren   msg = "childcare.none"
	msgCCLoading      msg = "childcare.loading"
	msgCCGroup        msg = "childcare.group"
	msgCCAbsent       msg = "childcare.absent"
	msgCCSince        msg = "childcare.since"
	msgCCStillSince   msg = "childcare.still"
	msgCCLeft         msg = "childcare.left"
	msgCCBillButton   msg = "childcare.bill.button"
)

package pos

import (
	"bytes"
	"context"
	"image/color"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/balie/balie"
	"github.com/balie/balie/pos/receipt"
)

// ChildcareDesk is what the childcare desk asks of the terminal.
type ChildcareDesk interface {
	Children(ctx context.Context, day time.Time) ([]balie.ChildToday, error)
	ClosingTime(ctx context.Context, day time.Time) (time.Time, bool, error)
	ChildcareRates(ctx context.Context) (balie.ChildcareRates, error)
	SignIn(ctx context.Context, staffID, childID string) (balie.AttendanceResult, error)
	SignOut(ctx context.Context, staffID, childID string, proof balie.PickupProof) (balie.AttendanceResult, error)
	ChildcareBill(ctx context.Context, childID string, day time.Time, kind balie.DayKind, closing time.Time) (balie.ChildcareBill, error)
}

// childRowHeight is the least height of a child's row: a finger's width
// and then some, for the touch screen of a busy pick-up hour.
const childRowHeight = 56

// childcarePanel is the childcare desk: the day's children by group, a
// tap (or a scan of the child's card) to sign a child in or out, who
// picks the child up, the count of children present now and the roll
// call, the children still present after closing time, and a child's
// bill for the day once they have left.
type childcarePanel struct {
	a    *App
	desk ChildcareDesk

	// Only touched on the Fyne goroutine.
	children []balie.ChildToday
	loaded   bool
	day      time.Time // of the list
	closing  time.Time
	closes   bool // there is childcare on day, closing at closing
	rates    balie.ChildcareRates
	kind     balie.DayKind
	selected string // the child the actions are for
	leaving  string // the child whose sign-out waits for who picks them up
	refusal  string // why the last pick-up was refused, shown in the sign-out box
	note     *ccNote
	bill     *ccBill
	rollCall bool
	busy     bool   // an act is in flight
	seq      uint64 // numbers the reads of the list; an older one is dropped
	flagged  string // the children in the closing flag as last drawn
	reveal   bool   // scroll the chosen child's row into view at the next render
	rows     map[string]fyne.CanvasObject

	box     fyne.CanvasObject
	flag    *fyne.Container
	count   *widget.Label
	dayLine *widget.Label
	dayPick *keySelect
	act     *keyButton
	roll    *keyButton
	print   *keyButton // the roll call as a PDF
	list    *fyne.Container
	scroll  *container.Scroll
	detail  *fyne.Container
	below   *container.Scroll // the detail, when it is taller than its room
	code    *scanEntry
	codeOK  *keyButton
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

func newChildcarePanel(a *App, desk ChildcareDesk) *childcarePanel {
	p := &childcarePanel{a: a, desk: desk}
	l := a.lang
	now := a.cfg.Now()
	p.kind = dayKindOf(now)
	p.day = now

	p.count = widget.NewLabelWithStyle(l.t(msgCCPresentNow, 0), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	p.count.SizeName = theme.SizeNameHeadingText
	p.count.Importance = widget.HighImportance
	p.dayLine = widget.NewLabel("")
	p.dayLine.SizeName = theme.SizeNameCaptionText
	p.dayLine.Truncation = fyne.TextTruncateEllipsis

	p.dayPick = p.a.pick(dayKindNames(l), func(string) { p.kindChanged() })
	p.dayPick.SetSelectedIndex(dayKindIndex(p.kind))
	// Wide enough for "Woensdagnamiddag" in the screen's text size.
	pickWidth := canvas.NewRectangle(color.Transparent)
	pickWidth.SetMinSize(fyne.NewSize(250, 0))

	p.act = p.a.bigButton(keyLabel(l.t(msgCCSignInOut), fyne.KeyF5), theme.LoginIcon(), p.actSelected)
	p.roll = p.a.button(keyLabel(l.t(msgCCRollCall), fyne.KeyF6), theme.ListIcon(), p.toggleRollCall)
	p.print = p.a.button(keyLabel(l.t(msgCCRollPDF), fyne.KeyF11), theme.DocumentPrintIcon(), p.saveRollCall)

	p.code = a.entry()
	p.code.Password = true
	p.code.SetPlaceHolder(l.t(msgCCCode))
	p.code.OnSubmitted = func(string) { p.submitCode() }
	p.codeOK = p.a.button(keyLabel(l.t(msgCCCodeOK), fyne.KeyF10), theme.ConfirmIcon(), p.submitCode)

	p.flag = container.NewVBox()
	p.list = container.NewVBox()
	p.scroll = container.NewVScroll(p.list)
	p.detail = container.NewVBox()
	p.below = container.NewVScroll(p.detail)

	top := container.NewVBox(
		p.flag,
		container.NewBorder(nil, nil, nil, container.NewCenter(container.NewStack(pickWidth, p.dayPick)), container.NewVBox(p.count, p.dayLine)),
		container.NewGridWithColumns(3, p.act, p.roll, p.print),
		widget.NewSeparator(),
	)
	root := container.NewPadded(container.NewBorder(top, nil, nil, nil,
		container.New(listAndDetail{detail: p.detail}, p.scroll, p.below)))
	p.box = root
	p.render()
	p.load()
	return p
}

func (p *childcarePanel) content() fyne.CanvasObject { return p.box }

// reload reads the day's list again: a correction changed who is present.
func (p *childcarePanel) reload() { p.load() }

// dayKindOf is the day kind a day is billed as unless the clerk says
// otherwise: Saturday and Sunday are school-free, Wednesday is the
// school's free afternoon (billed the cheaper way for the parent), every
// other day is a school day. Holidays are not known here: on a holiday
// the clerk chooses "school-free day".
func dayKindOf(t time.Time) balie.DayKind {
	switch t.In(balie.Brussels()).Weekday() {
	case time.Saturday, time.Sunday:
		return balie.SchoolFreeDay
	case time.Wednesday:
		return balie.WednesdayAfter
	}
	return balie.SchoolDay
}

var dayKinds = [...]balie.DayKind{balie.SchoolDay, balie.WednesdayAfter, balie.SchoolFreeDay}

func dayKindNames(l language) []string {
	return []string{l.t(msgCCDaySchool), l.t(msgCCDayWednesday), l.t(msgCCDayFree)}
}

func dayKindIndex(k balie.DayKind) int {
	for i, d := range dayKinds {
		if d == k {
			return i
		}
	}
	return 0
}

// ccDay is what a read of the desk gives the screen.
type ccDay struct {
	children []balie.ChildToday
	closing  time.Time
	closes   bool
	err      error
}

// read reads the day's list and its closing time, off the Fyne goroutine.
func (p *childcarePanel) read(ctx context.Context, day time.Time) ccDay {
	var d ccDay
	d.children, d.err = p.desk.Children(ctx, day)
	if d.err == nil {
		d.closing, d.closes, d.err = p.desk.ClosingTime(ctx, day)
	}
	return d
}

// load reads the day's list, its closing time and the rates.
func (p *childcarePanel) load() {
	now := p.a.cfg.Now()
	p.seq++
	seq := p.seq
	p.a.run(func(ctx context.Context) func() {
		d := p.read(ctx, now)
		rates, rerr := p.desk.ChildcareRates(ctx)
		return func() {
			if rerr == nil {
				p.rates = rates
			}
			if d.err == nil && rerr != nil {
				d.err = rerr
			}
			if d.err != nil {
				p.note = &ccNote{text: p.a.sentence("load childcare desk", d.err)}
			}
			p.apply(seq, now, d)
		}
	})
}

// apply shows a read of the list, unless a newer one was asked for.
func (p *childcarePanel) apply(seq uint64, day time.Time, d ccDay) {
	if seq == p.seq && d.err == nil {
		if !ccSameDay(day, p.day) {
			p.kind = dayKindOf(day)
			p.dayPick.SetSelectedIndex(dayKindIndex(p.kind))
		}
		p.children, p.closing, p.closes, p.day, p.loaded = d.children, d.closing, d.closes, day, true
	}
	p.render()
}

func ccSameDay(a, b time.Time) bool {
	a, b = a.In(balie.Brussels()), b.In(balie.Brussels())
	return a.YearDay() == b.YearDay() && a.Year() == b.Year()
}

// tick does what time alone changes: the day's list on a new day, and
// the closing flag once closing time passes. The app calls it every
// second; it reads nothing unless the day changed.
func (p *childcarePanel) tick() {
	now := p.a.cfg.Now()
	if p.loaded && !ccSameDay(now, p.day) {
		p.load()
		return
	}
	if p.flagKey(now) != p.flagged {
		p.render()
	}
}

func (p *childcarePanel) find(id string) (balie.ChildToday, bool) {
	for _, c := range p.children {
		if c.HolderID == id {
			return c, true
		}
	}
	return balie.ChildToday{}, false
}

// overdue reports whether a present child is past closing time: today's,
// or the end of an earlier day on which they were never signed out.
func (p *childcarePanel) overdue(c balie.ChildToday, now time.Time) bool {
	if !c.Present {
		return false
	}
	if start, _ := balie.PeriodDay.Window(now); c.Since.Before(start) {
		return true
	}
	return p.closes && now.After(p.closing)
}

func (p *childcarePanel) flagKey(now time.Time) string {
	var ids []string
	for _, c := range p.children {
		if p.overdue(c, now) {
			ids = append(ids, c.HolderID)
		}
	}
	return strings.Join(ids, ",")
}

func (p *childcarePanel) presentCount() int {
	n := 0
	for _, c := range p.children {
		if c.Present {
			n++
		}
	}
	return n
}

func ccLeft(c balie.ChildToday) bool { return !c.Present && len(c.Stays) > 0 }

// ccLastOut is the stay of the day that ended last.
func ccLastOut(c balie.ChildToday) balie.ChildStay {
	var last balie.ChildStay
	for _, s := range c.Stays {
		if s.Out.After(last.Out) {
			last = s
		}
	}
	return last
}

func ccClock(t time.Time) string { return t.In(balie.Brussels()).Format("15:04") }

// ccSinceText is when a present child came: the time today, the date too
// when it was an earlier day.
func ccSinceText(since, now time.Time) string {
	if !ccSameDay(since, now) {
		return since.In(balie.Brussels()).Format("02/01 15:04")
	}
	return ccClock(since)
}

// The acts.

// tapped is a tap on a child's name: sign them in when they are not
// here, start their sign-out when they are.
func (p *childcarePanel) tapped(id string) {
	p.a.touch()
	c, ok := p.find(id)
	if !ok || p.busy {
		return
	}
	p.selected, p.reveal = id, true
	if c.Present {
		p.startSignOut(c)
		p.focusCode()
		return
	}
	p.signIn(id)
}

// actSelected is F5: the tap's act for the child last tapped or scanned.
func (p *childcarePanel) actSelected() {
	if p.selected != "" {
		p.tapped(p.selected)
	}
}

// setHolder is told who was scanned. A child's card does what a tap on
// their name does. Another holder's card during a sign-out is the card
// of who picks the child up.
func (p *childcarePanel) setHolder(h *HolderView) {
	if h == nil {
		// Escape, a refused card or the lock: the sign-out waits no more,
		// and the next person does not see the last outcome.
		p.leaving, p.refusal, p.note, p.bill = "", "", nil, nil
		p.render()
		return
	}
	if !h.Child {
		if p.leaving != "" {
			p.signOut(balie.PickupProof{HolderID: h.HolderID})
			return
		}
		p.note = &ccNote{text: p.a.lang.t(msgCCNotAChild, strings.TrimSpace(h.FirstName+" "+h.LastName))}
		p.bill = nil
		p.render()
		return
	}
	if p.busy {
		return
	}
	p.selected, p.reveal = h.HolderID, true
	c, ok := p.find(h.HolderID)
	if ok && c.Present {
		if p.leaving != c.HolderID {
			p.startSignOut(c)
		}
		// The scan screen puts the cursor back in its own field once it
		// told us: the code field takes it after that.
		p.a.do(p.focusCode)
		return
	}
	// Not on the list (enrolled elsewhere, or the list is old): the store
	// decides and says why not.
	p.signIn(h.HolderID)
}

func (p *childcarePanel) startSignOut(c balie.ChildToday) {
	p.leaving, p.refusal, p.note, p.bill = c.HolderID, "", nil, nil
	p.code.SetText("")
	p.render()
}

func (p *childcarePanel) focusCode() {
	if p.leaving != "" && p.a.canvas != nil {
		p.a.canvas.Focus(p.code)
	}
}

// submitCode signs the leaving child out with the typed pick-up code.
// A card scanned into the field (the cursor was there) is looked up as
// a scan: it is the card of who picks the child up.
func (p *childcarePanel) submitCode() {
	in := strings.TrimSpace(p.code.Text)
	p.code.SetText("")
	if in == "" || p.leaving == "" {
		return
	}
	if _, err := balie.ParseCardNumber(in); err == nil {
		p.a.scan.Scan(in)
		return
	}
	if _, err := balie.ParseChipUID(in); err == nil {
		p.a.scan.Scan(in)
		return
	}
	p.signOut(balie.PickupProof{Code: in})
}

func (p *childcarePanel) signIn(id string) {
	if p.busy || p.a.staff == nil {
		return
	}
	staff, now := p.a.staff.ID, p.a.cfg.Now()
	p.busy = true
	p.leaving, p.refusal, p.bill = "", "", nil
	p.seq++
	seq := p.seq
	p.enable()
	p.a.run(func(ctx context.Context) func() {
		res, err := p.desk.SignIn(ctx, staff, id)
		p.a.logAct("sign in child", err)
		d := p.read(ctx, now)
		return func() {
			p.busy = false
			if err != nil {
				p.note = &ccNote{text: p.a.sentence("sign in child", err)}
			} else {
				p.note = &ccNote{ok: true, text: p.a.lang.t(msgCCSignedIn, res.Child.FirstName, ccClock(res.At))}
			}
			p.reveal = true // the detail below may have taken the row's room
			p.apply(seq, now, d)
			p.a.scan.refocus()
		}
	})
}

// signOut signs the leaving child out with the adult the proof names: a
// card scanned or a code typed, never a name chosen on the screen.
func (p *childcarePanel) signOut(who balie.PickupProof) {
	if p.busy || p.a.staff == nil || p.leaving == "" {
		return
	}
	id, staff, now, kind := p.leaving, p.a.staff.ID, p.a.cfg.Now(), p.kind
	closing := p.closingTime()
	p.busy = true
	p.seq++
	seq := p.seq
	p.enable()
	p.a.run(func(ctx context.Context) func() {
		// Who came stays out of the log: it may be a pick-up code.
		res, err := p.desk.SignOut(ctx, staff, id, who)
		p.a.logAct("sign out child", err)
		var bill balie.ChildcareBill
		var berr error
		if err == nil {
			bill, berr = p.desk.ChildcareBill(ctx, id, now, kind, closing)
		}
		d := p.read(ctx, now)
		return func() {
			p.busy = false
			switch {
			case balie.ErrorCode(err) == balie.CodePickupNotAllowed && p.leaving == id:
				// The child stays: the box stays open for the right adult.
				p.refusal = p.a.sentence("sign out child", err)
			case balie.ErrorCode(err) == balie.CodePickupNotAllowed:
				// The clerk left the sign-out meanwhile; the refusal must
				// still be seen.
				p.note = &ccNote{text: p.a.sentence("sign out child", err)}
			case err != nil:
				p.leaving, p.refusal = "", ""
				p.note = &ccNote{text: p.a.sentence("sign out child", err)}
			default:
				p.leaving, p.refusal = "", ""
				p.note = &ccNote{ok: true, text: p.a.lang.t(msgCCSignedOut, res.Child.FirstName, ccClock(res.At), res.PickedUpBy)}
				b := &ccBill{kind: kind, bill: bill}
				if berr != nil {
					b.err = p.a.sentence("bill childcare", berr)
				}
				for _, c := range d.children {
					if c.HolderID == id {
						b.child = c
					}
				}
				p.bill = b
			}
			p.reveal = true // the detail below may have taken the row's room
			p.apply(seq, now, d)
			if p.leaving == "" {
				p.a.scan.refocus()
			}
		}
	})
}

func (p *childcarePanel) closingTime() time.Time {
	if p.closes {
		return p.closing
	}
	return time.Time{}
}

// showBill shows the day's bill of a child who left.
func (p *childcarePanel) showBill(id string) {
	p.a.touch()
	c, ok := p.find(id)
	if !ok || !ccLeft(c) {
		return
	}
	p.selected = id
	p.leaving, p.refusal, p.note = "", "", nil
	now, kind, closing := p.a.cfg.Now(), p.kind, p.closingTime()
	p.a.run(func(ctx context.Context) func() {
		bill, err := p.desk.ChildcareBill(ctx, id, now, kind, closing)
		return func() {
			b := &ccBill{child: c, kind: kind, bill: bill}
			if err != nil {
				b.err = p.a.sentence("bill childcare", err)
			}
			p.bill = b
			p.render()
		}
	})
}

// kindChanged bills the shown bill again as the chosen kind of day.
func (p *childcarePanel) kindChanged() {
	i := p.dayPick.SelectedIndex()
	if i < 0 || dayKinds[i] == p.kind {
		return
	}
	p.kind = dayKinds[i]
	p.a.log.Info("childcare day kind", "kind", p.kind)
	if p.bill != nil {
		p.showBill(p.bill.child.HolderID)
	}
}

// saveRollCall writes who is present now as a PDF to the reports
// folder, to print for the fire service, and says where.
func (p *childcarePanel) saveRollCall() {
	p.a.touch()
	now := p.a.cfg.Now()
	rc := receipt.RollCall{Desk: p.a.cfg.Desk.Name, At: now}
	for _, c := range p.children {
		if c.Present {
			rc.Children = append(rc.Children, receipt.RollCallChild{Name: strings.TrimSpace(c.FirstName + " " + c.LastName), Group: c.Group, Since: c.Since})
		}
	}
	var buf bytes.Buffer
	err := receipt.RollCallPDF(&buf, rc, string(p.a.lang))
	dir := p.a.cfg.ReportDir
	if dir == "" {
		dir = os.TempDir()
	}
	name := filepath.Join(dir, "appel-"+now.In(balie.Brussels()).Format("2006-01-02-150405")+".pdf")
	if err == nil {
		if err = os.MkdirAll(dir, 0o700); err == nil {
			err = os.WriteFile(name, buf.Bytes(), 0o600)
		}
	}
	if err != nil {
		p.a.log.Error("save roll call", "err", err)
		p.a.notice(p.a.lang.t(msgCCRollPDFFailed), false)
		return
	}
	p.a.log.Info("roll call saved", "path", name, "present", len(rc.Children))
	said := p.a.lang.t(msgCCRollPDFSaved, len(rc.Children), filepath.Base(name))
	if len(rc.Children) == 1 {
		said = p.a.lang.t(msgCCRollPDFSavedOne, filepath.Base(name))
	}
	p.a.notice(said, true)
}

func (p *childcarePanel) toggleRollCall() {
	p.a.touch()
	p.rollCall = !p.rollCall
	p.render()
	p.scroll.ScrollToTop()
}

func (p *childcarePanel) key(name fyne.KeyName) bool {
	switch name {
	case fyne.KeyF5:
		if !p.act.Disabled() {
			p.act.OnTapped()
		}
	case fyne.KeyF6:
		p.roll.OnTapped()
	case fyne.KeyF11:
		p.saveRollCall()
	case fyne.KeyF10:
		if p.leaving != "" {
			p.submitCode()
		}
	default:
		return false
	}
	return true
}

// Drawing.

// render draws the panel from its state.
func (p *childcarePanel) render() {
	now := p.a.cfg.Now()
	l := p.a.lang
	p.count.SetText(l.t(msgCCPresentNow, p.presentCount()))
	day := p.day.In(balie.Brussels()).Format("02/01/2006")
	if p.closes {
		p.dayLine.SetText(l.t(msgCCDayLine, day, ccClock(p.closing)))
	} else {
		p.dayLine.SetText(l.t(msgCCDayLineNone, day))
	}
	if p.rollCall {
		p.roll.SetText(keyLabel(l.t(msgCCAllChildren), fyne.KeyF6))
	} else {
		p.roll.SetText(keyLabel(l.t(msgCCRollCall), fyne.KeyF6))
	}
	p.flagged = p.flagKey(now)
	p.rows = map[string]fyne.CanvasObject{}
	p.flag.Objects = p.flagView(now)
	if p.rollCall {
		p.list.Objects = p.rollCallView(now)
	} else {
		p.list.Objects = p.listView(now)
	}
	p.detail.Objects = p.detailView()
	p.enable()
	p.box.Refresh()
	p.below.ScrollToTop()
	if p.reveal {
		p.reveal = false
		p.revealSelected()
	}
}

// revealSelected scrolls the list so the chosen child's row is in view:
// after a scan, or when the sign-out box took the list's room.
func (p *childcarePanel) revealSelected() {
	row, ok := p.rows[p.selected]
	if !ok {
		return
	}
	top, bottom := row.Position().Y, row.Position().Y+row.Size().Height
	view := p.scroll.Size().Height
	off := p.scroll.Offset
	switch {
	case top < off.Y:
		off.Y = top
	case bottom > off.Y+view:
		off.Y = bottom - view
	default:
		return
	}
	p.scroll.ScrollToOffset(off)
	p.scroll.Refresh()
}

func (p *childcarePanel) enable() {
	l := p.a.lang
	text := l.t(msgCCSignInOut)
	c, ok := p.find(p.selected)
	switch {
	case ok && c.Present:
		text = l.t(msgCCSignOutName, c.FirstName)
	case ok:
		text = l.t(msgCCSignInName, c.FirstName)
	}
	p.act.SetText(keyLabel(text, fyne.KeyF5))
	ccEnable(p.act, ok && !p.busy)
	ccEnable(p.codeOK, !p.busy)
}

func ccEnable(b *keyButton, ok bool) {
	if ok {
		b.Enable()
	} else {
		b.Disable()
	}
}

func (p *childcarePanel) flagView(now time.Time) []fyne.CanvasObject {
	var names []string
	for _, c := range p.children {
		if p.overdue(c, now) {
			names = append(names, c.FirstName+" "+c.LastName)
		}
	}
	if len(names) == 0 {
		return nil
	}
	l := p.a.lang
	title := widget.NewLabelWithStyle(l.t(msgCCFlagTitle, len(names), strings.Join(names, ", ")),
		fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	title.Importance = widget.DangerImportance
	title.Wrapping = fyne.TextWrapWord
	hint := widget.NewLabel(l.t(msgCCFlagHint))
	hint.Wrapping = fyne.TextWrapWord
	hint.SizeName = theme.SizeNameCaptionText
	icon := container.NewGridWrap(fyne.NewSquareSize(36), widget.NewIcon(theme.NewErrorThemedResource(theme.WarningIcon())))
	return []fyne.CanvasObject{newAlertPanel(container.NewBorder(nil, nil, container.NewVBox(icon), nil,
		container.NewVBox(title, hint)), theme.ColorNameError)}
}

func (p *childcarePanel) listView(now time.Time) []fyne.CanvasObject {
	l := p.a.lang
	if !p.loaded {
		return []fyne.CanvasObject{ccQuiet(l.t(msgCCLoading))}
	}
	if len(p.children) == 0 {
		return []fyne.CanvasObject{ccQuiet(l.t(msgCCNoChildren))}
	}
	var out []fyne.CanvasObject
	for i := 0; i < len(p.children); {
		g := p.children[i].Group
		j, here := i, 0
		for ; j < len(p.children) && p.children[j].Group == g; j++ {
			if p.children[j].Present {
				here++
			}
		}
		out = append(out, ccHeading(l.t(msgCCGroup, g, here, j-i)))
		for _, c := range p.children[i:j] {
			out = append(out, p.childRow(c, now))
		}
		i = j
	}
	return out
}

// rollCallView lists who is present now, for the fire service: a count,
// then each child with their group and since when, by group and name.
func (p *childcarePanel) rollCallView(now time.Time) []fyne.CanvasObject {
	l := p.a.lang
	n := p.presentCount()
	title := ccHeading(l.t(msgCCRollTitle, ccClock(now), n))
	out := []fyne.CanvasObject{title}
	if n == 0 {
		return append(out, ccQuiet(l.t(msgCCNoOnePresent)))
	}
	for _, c := range p.children {
		if c.Present {
			out = append(out, p.childRow(c, now))
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
func (p *childcarePanel) childRow(c balie.ChildToday, now time.Time) fyne.CanvasObject {
	l := p.a.lang
	name := widget.NewLabelWithStyle(c.FirstName+" "+c.LastName, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	name.Truncation = fyne.TextTruncateEllipsis

	status := widget.NewLabel("")
	var icon fyne.Resource
	switch {
	case p.overdue(c, now):
		status.SetText(l.t(msgCCStillSince, ccSinceText(c.Since, now)))
		status.Importance = widget.DangerImportance
		icon = theme.NewErrorThemedResource(theme.WarningIcon())
	case c.Present && p.rollCall:
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
	if ccLeft(c) && !p.rollCall {
		id := c.HolderID
		trailing = append(trailing, p.a.button(l.t(msgCCBillButton), theme.DocumentIcon(), func() { p.showBill(id) }))
	}
	line := container.NewBorder(nil, nil, widget.NewIcon(icon), container.NewHBox(trailing...), name)

	id := c.HolderID
	least := canvas.NewRectangle(color.Transparent)
	least.SetMinSize(fyne.NewSize(0, childRowHeight))
	objs := []fyne.CanvasObject{least, p.a.button("", nil, func() { p.tapped(id) })}
	if c.HolderID == p.selected || c.HolderID == p.leaving {
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
	p.rows[c.HolderID] = row
	return row
}

// detailView is below the list: the sign-out box while a child leaves,
// else the outcome of the last act and the bill shown.
func (p *childcarePanel) detailView() []fyne.CanvasObject {
	if p.leaving != "" {
		if c, ok := p.find(p.leaving); ok {
			return []fyne.CanvasObject{widget.NewSeparator(), p.signOutBox(c)}
		}
		p.leaving = ""
	}
	switch {
	case p.bill != nil:
		// The sign-out's outcome heads its bill, in one box: the room
		// below the list is small once the closing flag is up.
		return []fyne.CanvasObject{widget.NewSeparator(), p.billView(*p.bill, p.note)}
	case p.note != nil:
		return []fyne.CanvasObject{widget.NewSeparator(), ccNoteView(*p.note)}
	}
	return nil
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

// signOutBox asks who picks the child up and says who may: each adult
// of the child's list with how they show it (their own card, or the
// child's pick-up code), then the field for the code. An adult is never
// chosen from the screen: the desk sees the card or the code, always.
func (p *childcarePanel) signOutBox(c balie.ChildToday) fyne.CanvasObject {
	l := p.a.lang
	title := widget.NewLabelWithStyle(l.t(msgCCWhoPicksUp, c.FirstName+" "+c.LastName), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.Wrapping = fyne.TextWrapWord
	rows := []fyne.CanvasObject{title}
	if p.refusal != "" {
		r := widget.NewLabelWithStyle(p.refusal, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		r.SizeName = theme.SizeNameSubHeadingText
		r.Importance = widget.DangerImportance
		r.Wrapping = fyne.TextWrapWord
		icon := container.NewGridWrap(fyne.NewSquareSize(48), widget.NewIcon(theme.NewErrorThemedResource(theme.ErrorIcon())))
		rows = append(rows, newAlertPanel(container.NewBorder(nil, nil, container.NewVBox(icon), nil, r), theme.ColorNameError))
	}
	var who []fyne.CanvasObject
	for _, a := range c.Authorised {
		who = append(who, iconRow(theme.AccountIcon(), l.t(msgCCMayLine, a.Name, pickupHow(l, a)), widget.MediumImportance))
	}
	if len(who) == 0 {
		rows = append(rows, ccQuiet(l.t(msgCCNoAdults)))
	} else {
		// Two columns: three adults take two lines, so the code field
		// stays in view under a refusal and the closing flag.
		rows = append(rows, ccCaption(l.t(msgCCMayPickUp)), container.NewGridWithColumns(2, who...))
	}
	rows = append(rows, container.NewBorder(nil, nil, nil, p.codeOK, p.code))
	hint := widget.NewLabel(l.t(msgCCScanAdult))
	hint.SizeName = theme.SizeNameCaptionText
	hint.Wrapping = fyne.TextWrapWord
	rows = append(rows, hint)
	return newPanel(container.NewVBox(rows...), theme.ColorNameInputBackground, theme.ColorNamePrimary)
}

// billView is a child's bill for the day. The social reduction is called
// "UiTPAS-korting", as every pass reduction is, and stands on every
// child's bill: a parent beside the desk must not read who has the social
// tariff.
func (p *childcarePanel) billView(b ccBill, note *ccNote) fyne.CanvasObject {
	l := p.a.lang
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
		rows = append(rows, ccAmountRow(l.t(msgCCUnits, ccUnitName(l, p.rates.Unit), bill.Units, p.rates.UnitPrice.Format(lang)), bill.Base.Format(lang), false))
	}
	if bill.SiblingDiscount > 0 {
		rows = append(rows, ccAmountRow(l.t(msgCCSibling, p.rates.SiblingPct), "− "+bill.SiblingDiscount.Format(lang), false))
	}
	// Every child's bill has the UiTPAS line, € 0,00 for most: a line
	// shown only to some would tell the parent beside them who has the
	// social tariff.
	rows = append(rows, ccAmountRow(l.t(msgCCSocial), "− "+bill.SocialDiscount.Format(lang), false))
	if bill.LateUnits > 0 {
		rows = append(rows, ccAmountRow(l.t(msgCCLate, bill.LateUnits, ccUnitName(l, p.rates.LateUnit)), bill.LateFee.Format(lang), false))
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
	msgCCPresentNow      msg = "childcare.present"
	msgCCDayLine         msg = "childcare.day"
	msgCCDayLineNone     msg = "childcare.day.none"
	msgCCDaySchool       msg = "childcare.day.school"
	msgCCDayWednesday    msg = "childcare.day.wednesday"
	msgCCDayFree         msg = "childcare.day.free"
	msgCCSignInOut       msg = "childcare.signinout"
	msgCCSignInName      msg = "childcare.signin.name"
	msgCCSignOutName     msg = "childcare.signout.name"
	msgCCRollCall        msg = "childcare.rollcall"
	msgCCRollPDF         msg = "childcare.rollcall.pdf"
	msgCCRollPDFSaved    msg = "childcare.rollcall.saved"
	msgCCRollPDFSavedOne msg = "childcare.rollcall.saved.one"
	msgCCRollPDFFailed   msg = "childcare.rollcall.failed"
	msgCCAllChildren     msg = "childcare.all"
	msgCCRollTitle       msg = "childcare.rollcall.title"
	msgCCRollLine        msg = "childcare.rollcall.line"
	msgCCNoOnePresent    msg = "childcare.rollcall.none"
	msgCCNoChildren      msg = "childcare.none"
	msgCCLoading         msg = "childcare.loading"
	msgCCGroup           msg = "childcare.group"
	msgCCAbsent          msg = "childcare.absent"
	msgCCSince           msg = "childcare.since"
	msgCCStillSince      msg = "childcare.still"
	msgCCLeft            msg = "childcare.left"
	msgCCBillButton      msg = "childcare.bill.button"
	msgCCFlagTitle       msg = "childcare.flag.title"
	msgCCFlagHint        msg = "childcare.flag.hint"
	msgCCSignedIn        msg = "childcare.signedin"
	msgCCSignedOut       msg = "childcare.signedout"
	msgCCNotAChild       msg = "childcare.notachild"
	msgCCWhoPicksUp      msg = "childcare.pickup"
	msgCCCode            msg = "childcare.code"
	msgCCCodeOK          msg = "childcare.code.ok"
	msgCCScanAdult       msg = "childcare.pickup.scan"
	msgCCNoAdults        msg = "childcare.pickup.none"
	msgCCMayPickUp       msg = "childcare.pickup.may"
	msgCCMayLine         msg = "childcare.pickup.line"
	msgCCByCard          msg = "childcare.pickup.bycard"
	msgCCByCode          msg = "childcare.pickup.bycode"
	msgCCByNothing       msg = "childcare.pickup.bynothing"
	msgCCBillTitle       msg = "childcare.bill.title"
	msgCCStay            msg = "childcare.bill.stay"
	msgCCUnits           msg = "childcare.bill.units"
	msgCCBlock           msg = "childcare.bill.block"
	msgCCBlockShort      msg = "childcare.block.short"
	msgCCBlockMedium     msg = "childcare.block.medium"
	msgCCBlockLong       msg = "childcare.block.long"
	msgCCHalfHour        msg = "childcare.unit.halfhour"
	msgCCHour            msg = "childcare.unit.hour"
	msgCCMinutes         msg = "childcare.unit.minutes"
	msgCCSibling         msg = "childcare.bill.sibling"
	msgCCSocial          msg = "childcare.bill.social"
	msgCCLate            msg = "childcare.bill.late"
	msgCCTotal           msg = "childcare.bill.total"
)

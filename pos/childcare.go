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
	note     *ccNote
	bill     *ccBill
	rollCall bool
	busy     bool   // an act is in flight
	seq      uint64 // numbers the reads of the list; an older one is dropped
	reveal   bool   // scroll the chosen child's row into view at the next render

	// The components, each with its own state.
	list    *ccList
	flag    *ccFlag
	signout *ccSignOut
	bills   *ccBills

	box     fyne.CanvasObject
	count   *widget.Label
	dayLine *widget.Label
	dayPick *keySelect
	act     *keyButton
	roll    *keyButton
	print   *keyButton // the roll call as a PDF
	detail  *fyne.Container
	below   *container.Scroll // the detail, when it is taller than its room
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

	p.signout = newCCSignOut(a, p.submitCode)
	p.flag = newCCFlag(a)
	p.list = newCCList(a, p.tapped, p.showBill)
	p.bills = &ccBills{a: a}
	p.detail = container.NewVBox()
	p.below = container.NewVScroll(p.detail)

	top := container.NewVBox(
		p.flag.box,
		container.NewBorder(nil, nil, nil, container.NewCenter(container.NewStack(pickWidth, p.dayPick)), container.NewVBox(p.count, p.dayLine)),
		container.NewGridWithColumns(3, p.act, p.roll, p.print),
		widget.NewSeparator(),
	)
	root := container.NewPadded(container.NewBorder(top, nil, nil, nil,
		container.New(listAndDetail{detail: p.detail}, p.list.scroll, p.below)))
	p.box = root
	p.render()
	p.load()
	return p
}

func (p *childcarePanel) content() fyne.CanvasObject { return p.box }

// reload reads the day's list again: a correction changed who is
// present, and the outcome and bill on screen are no longer right.
func (p *childcarePanel) reload() {
	p.note, p.bill, p.leaving = nil, nil, ""
	p.load()
}

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
				p.bills.rates = rates
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
	if p.flagKey(now) != p.flag.shown {
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

// overdueNames are the children past closing time, as the flag names them.
func (p *childcarePanel) overdueNames(now time.Time) []string {
	var names []string
	for _, c := range p.children {
		if p.overdue(c, now) {
			names = append(names, c.FirstName+" "+c.LastName)
		}
	}
	return names
}

// flagKey is what the flag shows at now, to redraw it only on a change.
func (p *childcarePanel) flagKey(now time.Time) string { return strings.Join(p.overdueNames(now), ",") }

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
		p.leaving, p.note, p.bill = "", nil, nil
		p.signout.refusal = ""
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
	p.leaving, p.note, p.bill = c.HolderID, nil, nil
	p.signout.start()
	p.render()
}

func (p *childcarePanel) focusCode() {
	if p.leaving != "" {
		p.signout.focus()
	}
}

// submitCode signs the leaving child out with the typed pick-up code.
// A card scanned into the field (the cursor was there) is looked up as
// a scan: it is the card of who picks the child up.
func (p *childcarePanel) submitCode() {
	in := strings.TrimSpace(p.signout.code.Text)
	p.signout.code.SetText("")
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
	p.leaving, p.bill = "", nil
	p.signout.refusal = ""
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
				p.signout.refusal = p.a.sentence("sign out child", err)
			case balie.ErrorCode(err) == balie.CodePickupNotAllowed:
				// The clerk left the sign-out meanwhile; the refusal must
				// still be seen.
				p.note = &ccNote{text: p.a.sentence("sign out child", err)}
			case err != nil:
				p.leaving, p.signout.refusal = "", ""
				p.note = &ccNote{text: p.a.sentence("sign out child", err)}
			default:
				p.leaving, p.signout.refusal = "", ""
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
	p.leaving, p.note = "", nil
	p.signout.refusal = ""
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
	p.list.scroll.ScrollToTop()
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
	p.flag.show(p.overdueNames(now))
	p.list.show(ccShown{children: p.children, loaded: p.loaded, rollCall: p.rollCall, selected: p.selected, leaving: p.leaving, overdue: p.overdue}, now)
	p.detail.Objects = p.detailView()
	p.enable()
	p.box.Refresh()
	p.below.ScrollToTop()
	if p.reveal {
		p.reveal = false
		p.list.revealSelected(p.selected)
	}
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
	ccEnable(p.signout.ok, !p.busy)
}

func ccEnable(b *keyButton, ok bool) {
	if ok {
		b.Enable()
	} else {
		b.Disable()
	}
}

// detailView is below the list: the sign-out box while a child leaves,
// else the outcome of the last act and the bill shown.
func (p *childcarePanel) detailView() []fyne.CanvasObject {
	if p.leaving != "" {
		if c, ok := p.find(p.leaving); ok {
			return []fyne.CanvasObject{widget.NewSeparator(), p.signout.view(c)}
		}
		p.leaving = ""
	}
	switch {
	case p.bill != nil:
		// The sign-out's outcome heads its bill, in one box: the room
		// below the list is small once the closing flag is up.
		return []fyne.CanvasObject{widget.NewSeparator(), p.bills.view(*p.bill, p.note)}
	case p.note != nil:
		return []fyne.CanvasObject{widget.NewSeparator(), ccNoteView(*p.note)}
	}
	return nil
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
	msgCCSignedIn        msg = "childcare.signedin"
	msgCCSignedOut       msg = "childcare.signedout"
	msgCCNotAChild       msg = "childcare.notachild"
)

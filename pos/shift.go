package pos

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/balie/balie"
	"github.com/balie/balie/pos/receipt"
)

// Shifts is what the shift screens ask of the terminal.
type Shifts interface {
	CurrentShift(ctx context.Context) (balie.Shift, bool, error)
	OpenShift(ctx context.Context, staffID string, float balie.Cents) (balie.ZReport, error)
	CloseShift(ctx context.Context, staffID string, counted []balie.DenominationCount, overrideBy, reason string) (balie.ZReport, error)
	ShiftReport(ctx context.Context, shiftID string) (balie.ZReport, error)
}

// shiftScreen opens a shift with a float, and closes it with a count per
// denomination, showing the X report while it is open and the Z report
// after; the Z report is also saved as a PDF.
type shiftScreen struct {
	a     *App
	desk  Shifts
	box   *fyne.Container
	float *scanEntry
	count map[balie.Cents]*scanEntry
	sum   *widget.Label
	said  *widget.Label
	// reason says why the count differs: asked for once it does.
	reason *scanEntry
	diff   balie.Cents

	shift  balie.Shift
	open   bool
	report balie.ZReport
}

func newShiftScreen(a *App, desk Shifts) *shiftScreen {
	return &shiftScreen{a: a, desk: desk, box: container.NewStack()}
}

func (s *shiftScreen) t(id msg, args ...any) string { return s.a.lang.t(id, args...) }

// show reads the current shift and shows the screen that fits: open one,
// or count and close the one that is open.
func (s *shiftScreen) show() {
	s.a.run(func(ctx context.Context) func() {
		sh, open, err := s.desk.CurrentShift(ctx)
		var z balie.ZReport
		if err == nil && open {
			z, err = s.desk.ShiftReport(ctx, sh.ID)
		}
		return func() {
			if err != nil {
				s.a.notice(s.a.sentence("read shift", err), false)
				return
			}
			s.shift, s.open, s.report = sh, open, z
			if open {
				s.buildClose()
			} else {
				s.buildOpen()
			}
			s.a.log.Info("till shown", "open", open)
			s.a.showOverlay(overlay{o: s.box, focus: s.focusFirst, scan: s.scanned, keys: s.keys})
		}
	})
}

// scanned takes a card read while the till is being opened: the clerk
// serves the customer first and opens the till later. While counting, a
// read is ignored: the count is not to be lost.
func (s *shiftScreen) scanned(input string) {
	if s.open {
		return
	}
	s.a.closeOverlay()
	s.a.scan.Scan(input)
}

// keys is the screen's own key: F9 opens or closes the till, whatever
// field or button has the focus.
func (s *shiftScreen) keys(k fyne.KeyName) bool {
	if k != fyne.KeyF9 {
		return false
	}
	if s.open {
		s.doClose("")
	} else {
		s.doOpen()
	}
	return true
}

func (s *shiftScreen) focusFirst() {
	if s.a.canvas == nil {
		return
	}
	if !s.open {
		s.a.canvas.Focus(s.float)
		return
	}
	s.a.canvas.Focus(s.count[balie.Denominations()[0]])
}

// entry is a field of this screen: Escape leaves, F9 confirms.
func (s *shiftScreen) entry(confirm func()) *scanEntry {
	e := s.a.entry()
	e.onEscape = s.a.closeOverlay
	e.onKey = func(k *fyne.KeyEvent) bool {
		if k.Name == fyne.KeyF9 {
			confirm()
			return true
		}
		return s.a.route.takeKey(k)
	}
	return e
}

func (s *shiftScreen) buildOpen() {
	s.float = s.entry(s.doOpen)
	s.float.SetPlaceHolder(s.t(msgShiftFloatHint))
	s.float.OnSubmitted = func(string) { s.doOpen() }
	s.said = widget.NewLabel("")
	s.said.Wrapping = fyne.TextWrapWord
	title := heading(s.t(msgShiftOpenTitle))
	s.box.Objects = []fyne.CanvasObject{container.NewPadded(container.NewVBox(
		title, hint(s.t(msgShiftOpenHint)), s.float,
		container.NewHBox(s.a.bigButton(keyLabel(s.t(msgShiftOpen), fyne.KeyF9), theme.ConfirmIcon(), s.doOpen),
			s.a.button(keyLabel(s.t(msgLater), fyne.KeyEscape), nil, s.a.closeOverlay)),
		s.said))}
	s.box.Refresh()
}

func (s *shiftScreen) doOpen() {
	float, err := balie.ParseAmount(s.float.Text)
	if err != nil {
		s.say(s.a.sentence("parse float", err), false)
		return
	}
	staff := s.a.staff
	if staff == nil {
		return
	}
	s.a.run(func(ctx context.Context) func() {
		_, err := s.desk.OpenShift(ctx, staff.ID, float)
		s.a.logAct("open shift", err)
		return func() {
			if err != nil {
				s.say(s.a.sentence("open shift", err), false)
				return
			}
			s.a.closeOverlay()
			s.a.notice(s.t(msgShiftOpened, float.Format(string(s.a.lang))), true)
		}
	})
}

func (s *shiftScreen) buildClose() {
	s.count = map[balie.Cents]*scanEntry{}
	grid := container.NewGridWithColumns(4)
	for _, v := range balie.Denominations() {
		e := s.entry(func() { s.doClose("") })
		e.SetPlaceHolder("0")
		e.OnChanged = func(string) { s.total() }
		e.OnSubmitted = func(string) { s.a.canvas.FocusNext() }
		s.count[v] = e
		grid.Add(container.NewBorder(nil, nil, widget.NewLabel(v.Format(string(s.a.lang))+" ×"), nil, e))
	}
	s.sum = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.sum.SizeName = theme.SizeNameSubHeadingText
	s.sum.Wrapping = fyne.TextWrapWord
	s.reason = s.entry(func() { s.doClose("") })
	s.reason.SetPlaceHolder(s.t(msgShiftReason))
	s.reason.OnSubmitted = func(string) { s.doClose("") }
	s.reason.Hide()
	s.said = widget.NewLabel("")
	s.said.Wrapping = fyne.TextWrapWord
	report := widget.NewLabel(receipt.ZReportText(s.report, string(s.a.lang)))
	report.TextStyle = fyne.TextStyle{Monospace: true}
	left := container.NewVBox(heading(s.t(msgShiftCloseTitle)), hint(s.t(msgShiftCloseHint)), grid, s.sum, s.reason,
		container.NewHBox(s.a.bigButton(keyLabel(s.t(msgShiftClose), fyne.KeyF9), theme.ConfirmIcon(), func() { s.doClose("") }),
			s.a.button(keyLabel(s.t(msgBack), fyne.KeyEscape), nil, s.a.closeOverlay)),
		s.said)
	split := container.NewHSplit(container.NewVScroll(container.NewPadded(left)), container.NewVScroll(container.NewPadded(report)))
	split.Offset = 0.55
	s.box.Objects = []fyne.CanvasObject{split}
	s.box.Refresh()
	s.total()
}

// counted reads the count sheet; a field that is not a whole number is
// refused with the value it belongs to.
func (s *shiftScreen) counted() ([]balie.DenominationCount, error) {
	var out []balie.DenominationCount
	for _, v := range balie.Denominations() {
		text := strings.TrimSpace(s.count[v].Text)
		if text == "" {
			continue
		}
		n, err := strconv.Atoi(text)
		if err != nil || n < 0 {
			return nil, balie.Errorf(balie.CodeCountInvalid, "Het aantal bij %s is geen geheel getal: %q.", "The count for %s is not a whole number: %q.", v.String(), text)
		}
		out = append(out, balie.DenominationCount{Value: v, Count: n})
	}
	return out, nil
}

// total shows the count so far against the cash the drawer should hold.
func (s *shiftScreen) total() {
	c, err := s.counted()
	if err == nil {
		var sum balie.Cents
		if sum, err = balie.CountTotal(c); err == nil {
			lang := string(s.a.lang)
			s.diff = sum - s.report.ExpectedCash
			s.sum.SetText(s.t(msgShiftCounted, sum.Format(lang), s.report.ExpectedCash.Format(lang), s.diff.Format(lang)))
			// A difference stands out in colour, and asks for a reason.
			s.sum.Importance = widget.SuccessImportance
			if balie.CloseNeedsReason(s.diff) {
				s.sum.Importance = widget.DangerImportance
				s.reason.Show()
			} else {
				s.reason.Hide()
			}
			s.sum.Refresh()
			return
		}
	}
	s.sum.Importance = widget.DangerImportance
	s.sum.SetText(s.a.sentence("count", err))
}

func (s *shiftScreen) doClose(overrideBy string) {
	counted, err := s.counted()
	if err != nil {
		s.say(s.a.sentence("count", err), false)
		return
	}
	staff := s.a.staff
	if staff == nil {
		return
	}
	s.total()
	reason := strings.TrimSpace(s.reason.Text)
	if balie.CloseNeedsReason(s.diff) && reason == "" {
		s.say(s.t(msgShiftNeedReason, s.diff.Format(string(s.a.lang))), false)
		if s.a.canvas != nil {
			s.a.canvas.Focus(s.reason)
		}
		return
	}
	s.a.run(func(ctx context.Context) func() {
		z, err := s.desk.CloseShift(ctx, staff.ID, counted, overrideBy, reason)
		return func() {
			if balie.ErrorCode(err) == balie.CodeShiftUnsynced && overrideBy == "" {
				// Money the ledger has not seen yet: a supervisor decides.
				s.say(s.a.sentence("close shift", err), false)
				s.a.approve(s.t(msgShiftApprove), func(sup balie.Staff) { s.doClose(sup.ID) })
				return
			}
			if err != nil {
				s.say(s.a.sentence("close shift", err), false)
				return
			}
			s.a.logAct("close shift", nil)
			s.a.log.Info("till closed", "shift", z.ID, "difference", int64(z.Difference))
			s.closed(z)
		}
	})
}

// closed shows the Z report and saves it as a PDF.
func (s *shiftScreen) closed(z balie.ZReport) {
	text := widget.NewLabel(receipt.ZReportText(z, string(s.a.lang)))
	text.TextStyle = fyne.TextStyle{Monospace: true}
	saved := s.savePDF(z)
	s.box.Objects = []fyne.CanvasObject{container.NewBorder(
		container.NewVBox(heading(s.t(msgShiftClosedTitle)), widget.NewLabel(saved)), nil, nil, nil,
		container.NewVScroll(container.NewPadded(text)))}
	s.box.Refresh()
}

// savePDF writes the Z report to the report folder and says where, or
// why it could not.
func (s *shiftScreen) savePDF(z balie.ZReport) string {
	var buf bytes.Buffer
	if err := receipt.ZReportPDF(&buf, z, string(s.a.lang)); err != nil {
		s.a.log.Error("render Z report", "err", err)
		return s.t(msgShiftPDFFailed)
	}
	dir := s.a.cfg.ReportDir
	if dir == "" {
		dir = os.TempDir()
	}
	name := filepath.Join(dir, fmt.Sprintf("z-rapport-%s-%s.pdf", z.Opened.At.In(balie.Brussels()).Format("2006-01-02-1504"), receipt.ShortRef(z.ID)))
	if err := os.MkdirAll(dir, 0o700); err == nil {
		err = os.WriteFile(name, buf.Bytes(), 0o600)
	} else {
		s.a.log.Error("save Z report", "err", err)
		return s.t(msgShiftPDFFailed)
	}
	s.a.log.Info("Z report saved", "path", name)
	return s.t(msgShiftPDFSaved, filepath.Base(name))
}

func (s *shiftScreen) say(text string, ok bool) {
	s.said.SetText(text)
	s.said.Importance = widget.DangerImportance
	if ok {
		s.said.Importance = widget.SuccessImportance
	}
	s.said.Refresh()
}

// hint is a sentence that explains a screen: it wraps, so that a long one
// never makes the window wider than the screen.
func hint(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

func heading(text string) *widget.Label {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.SizeName = theme.SizeNameSubHeadingText
	return l
}

const (
	msgShiftOpenTitle   msg = "shift.open.title"
	msgShiftOpenHint    msg = "shift.open.hint"
	msgShiftFloatHint   msg = "shift.float.hint"
	msgShiftOpen        msg = "shift.open"
	msgShiftOpened      msg = "shift.opened"
	msgLater            msg = "shift.later"
	msgBack             msg = "shift.back"
	msgShiftCloseTitle  msg = "shift.close.title"
	msgShiftCloseHint   msg = "shift.close.hint"
	msgShiftClose       msg = "shift.close"
	msgShiftCounted     msg = "shift.counted"
	msgShiftApprove     msg = "shift.approve"
	msgShiftClosedTitle msg = "shift.closed.title"
	msgShiftPDFSaved    msg = "shift.pdf.saved"
	msgShiftPDFFailed   msg = "shift.pdf.failed"
	msgShiftReason      msg = "shift.reason"
	msgShiftNeedReason  msg = "shift.reason.needed"
)

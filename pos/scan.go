// Package pos is the terminal's counter screen, drawn with Fyne.
//
// The screens receive what they show through small interfaces declared
// here (Directory); they know nothing of the store or the network, so
// they can be tested with fakes and run against any implementation.
package pos

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/balie/balie"
)

// HolderView is what the screen shows of a holder after a scan.
//
// It has no social-tariff field on purpose: the card looks the same for
// everyone, and so must the screen.
type HolderView struct {
	HolderID            string
	FirstName, LastName string
	Card                string // the card number
	Child               bool   // enrolled in childcare
	BirthDate           time.Time
	PostalCode          string
	Points              int
	Memberships         []MembershipLine
	Notices             []string // already in the clerk's language
	// ForStaff are notes for the clerk alone (a right that ends soon):
	// shown apart from the holder's card, in small print, never printed.
	ForStaff []string
}

// MembershipLine is one membership of a holder as the screen shows it.
type MembershipLine struct {
	Name string // the program's name, e.g. "Vriendenkring CC Lier"
	// Until is the end of the membership as the domain keeps it
	// (balie.Membership.End): exclusive, so a membership of the season
	// ends on 1 September 00:00 and the screen shows 31/08 as its last
	// day. Zero when the membership has no end.
	Until time.Time
	Valid bool // decided by the directory, which knows the time of the scan
}

// Directory finds the holder of a scanned or typed input.
type Directory interface {
	Lookup(ctx context.Context, input string) (HolderView, error)
}

// lookupTimeout bounds one lookup: a clerk with a queue in front of the
// desk is better served by "try again" than by a screen that waits.
const lookupTimeout = 10 * time.Second

// ScanScreen is the scan-first screen: a large scan field, the holder of
// the last scan below it and a status line at the bottom.
//
// Its methods must be called on the Fyne goroutine, like those of any
// widget; a reader on another goroutine calls Scan through fyne.Do.
type ScanScreen struct {
	dir     Directory
	lang    language
	now     func() time.Time
	log     *slog.Logger
	timeout time.Duration
	// do runs a function on the Fyne goroutine: fyne.Do. Fyne's test
	// driver runs it at once on the calling goroutine, so tests replace
	// it to run the outcome of a lookup on the test's own goroutine,
	// when they are ready for it: no sleeping, no data race.
	do func(func())

	content fyne.CanvasObject
	route   *keyRoute // the window's keys, from a result's button; nil on its own
	field   *scanEntry
	result  *fyne.Container
	status  *widget.Label
	views   views       // built once and reused: a scan changes their text
	canvas  fyne.Canvas // set by Focus

	// Only touched on the Fyne goroutine.
	seq    uint64             // numbers the scans; a result for an older one is dropped
	cancel context.CancelFunc // of the lookup in flight

	// OnOutcome, when set, is told whether each scan found a holder: the
	// app sounds it.
	OnOutcome func(ok bool)
	quiet     bool // set by Refresh around its Scan

	// childCard, when set, finds a child of the childcare desk's list:
	// a child's card then shows what that desk needs (the group, who may
	// pick up, notes for staff) instead of points and memberships.
	childCard func(holderID string) (balie.ChildToday, bool)

	// OnHolder, when set, is told on the Fyne goroutine who is on the
	// screen after each scan: the holder, or nil after a refusal or when
	// the screen is cleared. The desk's actions follow it.
	OnHolder func(h *HolderView)
}

// NewScanScreen returns the scan screen. lang is the clerk's language,
// "en" or "nl" (the default, for any other value); title names the desk
// and heads the screen.
func NewScanScreen(dir Directory, lang string, title string) *ScanScreen {
	s := &ScanScreen{
		dir:     dir,
		lang:    newLanguage(lang),
		now:     time.Now,
		log:     slog.Default(),
		timeout: lookupTimeout,
		do:      fyne.Do,
	}
	s.build(title)
	return s
}

func (s *ScanScreen) build(title string) {
	s.field = newScanEntry()
	s.field.SetPlaceHolder(s.lang.t(msgScanHint))
	s.field.OnSubmitted = s.Scan
	s.field.onEscape = s.clear

	keys := widget.NewLabel(s.lang.t(msgScanKeys))
	keys.SizeName = theme.SizeNameCaptionText

	// A VBox, so a panel is as tall as what it holds, not the window.
	s.buildViews()
	s.result = container.NewVBox(s.idleView())
	s.status = widget.NewLabel(s.lang.t(msgStatusReady))
	s.status.SizeName = theme.SizeNameCaptionText
	s.status.Truncation = fyne.TextTruncateEllipsis

	heading := widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	heading.SizeName = theme.SizeNameSubHeadingText
	heading.Truncation = fyne.TextTruncateEllipsis

	scan := container.NewThemeOverride(s.field, screenTheme{text: scanTextSize})
	gap := screenTheme{}.Size(theme.SizeNamePadding) * 2
	body := container.NewBorder(
		container.New(layout.NewCustomPaddedLayout(0, gap, 0, 0), scan), nil, nil, nil,
		container.NewVScroll(s.result),
	)
	root := container.NewBorder(
		container.NewVBox(heading, widget.NewSeparator()),
		container.NewVBox(widget.NewSeparator(), container.NewBorder(nil, nil, nil, keys, s.status)),
		nil, nil,
		container.NewPadded(body),
	)
	s.content = root
}

// Content returns the screen, to put in a window.
func (s *ScanScreen) Content() fyne.CanvasObject { return s.content }

// Focus puts the cursor in the scan field of the screen shown on c, so a
// keyboard-wedge scanner types into it. It also makes c send typing that
// reaches no widget (after the clerk clicked elsewhere) to the field, so
// no scan is lost, and Escape clear the screen from anywhere.
func (s *ScanScreen) Focus(c fyne.Canvas) {
	s.canvas = c
	c.Focus(s.field)
	c.SetOnTypedRune(func(r rune) {
		c.Focus(s.field)
		s.field.TypedRune(r)
	})
	c.SetOnTypedKey(func(k *fyne.KeyEvent) {
		if k.Name == fyne.KeyEscape {
			s.clear()
		}
	})
}

// Scan looks up the holder of input, what Enter in the scan field does.
// The field is emptied and keeps the focus for the next scan at once; the
// lookup runs on its own goroutine and its outcome replaces the result
// panel, unless a newer scan or Escape came first.
func (s *ScanScreen) Scan(input string) {
	input = strings.TrimSpace(input)
	s.field.SetText("")
	s.refocus()
	if input == "" {
		return
	}

	seq, quiet := s.abandon(), s.quiet
	ctx, cancel := context.WithTimeout(context.Background(), s.timeout)
	s.cancel = cancel
	s.setResult(s.lookingView())
	s.setStatus(msgActionLooking)

	go func() {
		defer cancel()
		h, err := s.dir.Lookup(ctx, input)
		// Not a number and not a chip: a name, typed for a holder who lost
		// their card.
		if search, ok := s.dir.(HolderSearch); ok && err != nil && hasLetter(input) {
			matches, serr := search.Search(ctx, input)
			if serr == nil {
				s.do(func() {
					if seq == s.seq {
						s.cancel = nil
						s.showMatches(input, matches, search)
					}
				})
				return
			}
		}
		s.do(func() {
			if seq == s.seq {
				s.cancel = nil
				s.apply(h, err, quiet)
			}
		})
	}()
}

func hasLetter(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) && !strings.ContainsRune("abcdefABCDEF", r) {
			return true
		}
	}
	return strings.Contains(strings.TrimSpace(s), " ") && strings.IndexFunc(s, unicode.IsLetter) >= 0
}

// showMatches lists the holders found by name; a tap shows one, with
// their card even when it is blocked, so a lost card can be replaced.
func (s *ScanScreen) showMatches(query string, matches []HolderView, search HolderSearch) {
	var first *keyButton
	defer func() {
		// The first holder found takes the cursor: Enter shows them, ↓
		// goes to the next; a scanner's digits still reach the field.
		if first != nil && s.canvas != nil {
			s.canvas.Focus(first)
			return
		}
		s.refocus()
	}()
	found := s.lang.t(msgFound, len(matches), query)
	if len(matches) == 1 {
		found = s.lang.t(msgFoundOne, query)
	}
	rows := []fyne.CanvasObject{widget.NewLabelWithStyle(found, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})}
	if len(matches) == 0 {
		rows[0] = widget.NewLabel(s.lang.t(msgNoneFound, query))
	}
	for _, m := range matches {
		id := m.HolderID
		text := strings.TrimSpace(m.FirstName + " " + m.LastName)
		if !m.BirthDate.IsZero() {
			text += " · °" + m.BirthDate.In(balie.Brussels()).Format("02/01/2006")
		}
		if m.PostalCode != "" {
			text += " · " + m.PostalCode
		}
		b := newKeyButton(s.route, text, theme.AccountIcon(), func() { s.pick(id, search) })
		b.Alignment = widget.ButtonAlignLeading
		b.arrows = true
		if first == nil {
			first = b
		}
		rows = append(rows, b)
	}
	s.setResult(container.NewVBox(rows...))
	s.setStatus(msgActionFound)
}

// pick shows the holder chosen from a search.
func (s *ScanScreen) pick(holderID string, search HolderSearch) {
	seq := s.abandon()
	ctx, cancel := context.WithTimeout(context.Background(), s.timeout)
	s.cancel = cancel
	go func() {
		defer cancel()
		h, err := search.LookupHolder(ctx, holderID)
		s.do(func() {
			if seq == s.seq {
				s.cancel = nil
				s.apply(h, err, false)
			}
		})
	}()
}

// abandon cancels the lookup in flight, if any, so its outcome will be
// dropped, and returns the number of the next scan.
func (s *ScanScreen) abandon() uint64 {
	if s.cancel != nil {
		s.cancel()
		s.cancel = nil
	}
	s.seq++
	return s.seq
}

// apply shows the outcome of the current lookup.
func (s *ScanScreen) apply(h HolderView, err error, quiet bool) {
	defer s.refocus()
	if s.OnOutcome != nil && !quiet {
		s.OnOutcome(err == nil)
	}
	if err == nil {
		s.log.Info("holder shown", "holder", h.HolderID)
		s.setResult(s.holderView(h))
		s.setStatus(msgActionShown)
		s.tell(&h)
		return
	}
	s.tell(nil)
	if e, ok := balie.AsError(err); ok {
		s.setResult(s.errorView(e.Message(string(s.lang))))
		s.setStatus(msgActionRefused)
		return
	}
	// Not a refusal by a rule: a fault the clerk cannot fix but by trying
	// again. The input stays out of the log: it may be a national
	// register number.
	level := slog.LevelError
	if errors.Is(err, context.DeadlineExceeded) {
		level = slog.LevelWarn
	}
	s.log.Log(context.Background(), level, "look up holder", "err", err)
	s.setResult(s.errorView(s.lang.t(msgGenericError)))
	s.setStatus(msgActionFailed)
}

func (s *ScanScreen) tell(h *HolderView) {
	if s.OnHolder != nil {
		s.OnHolder(h)
	}
}

// Refresh looks the holder on the screen up again, after an act changed
// their points or memberships.
func (s *ScanScreen) Refresh(card string) {
	if card != "" {
		// The act already made its sound; the lookup after it makes none.
		s.quiet = true
		s.Scan(card)
		s.quiet = false
	}
}

// clear empties the field and the result panel: what Escape does.
func (s *ScanScreen) clear() {
	s.tell(nil)
	s.abandon()
	s.field.SetText("")
	s.setResult(s.idleView())
	s.setStatus(msgActionCleared)
	s.refocus()
}

func (s *ScanScreen) refocus() {
	if s.canvas != nil && s.canvas.Focused() != s.field {
		s.canvas.Focus(s.field)
	}
}

func (s *ScanScreen) setStatus(action msg) {
	at := s.now().In(balie.Brussels()).Format("15:04:05")
	s.status.SetText(s.lang.t(msgStatusAt, at, s.lang.t(action)))
}

func (s *ScanScreen) setResult(o fyne.CanvasObject) {
	s.result.Objects = []fyne.CanvasObject{o}
	s.result.Refresh()
}

// views are the result panel's contents. They are built once and their
// text changed on each scan: widgets made anew for every scan would each
// leave a renderer and its text textures in Fyne's cache for a minute,
// megabytes at a busy desk.
type views struct {
	idle, looking          *widget.Label
	holder                 fyne.CanvasObject
	name, card, points     *widget.Label
	memberships, noticeBox *fyne.Container
	noticeSlot             *fyne.Container // holds notices when there are any
	none                   *widget.Label
	notices                fyne.CanvasObject
	refusal                fyne.CanvasObject
	sentence               *widget.Label
	shown                  fyne.CanvasObject // the holder's card and, apart, the notes for staff
	child                  fyne.CanvasObject // a child's card at the childcare desk
	childName, childGroup  *widget.Label
	childAdults            *fyne.Container
	childNotes             *widget.Label
	childLines             []*line
	staffSlot              *fyne.Container // the notes for staff, when there are any
	staffBox               *fyne.Container
	staffNotes             *fyne.Container
	lines                  []*line // rows for memberships, then notices
}

// line returns reusable row i, making it the first time.
func (v *views) line(i int) *line {
	for len(v.lines) <= i {
		v.lines = append(v.lines, newLine())
	}
	return v.lines[i]
}

func (s *ScanScreen) buildViews() {
	v := &s.views
	v.idle = widget.NewLabel(s.lang.t(msgIdle))
	v.idle.Importance = widget.LowImportance
	v.looking = widget.NewLabel(s.lang.t(msgLooking))
	v.looking.Importance = widget.LowImportance

	v.name = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.name.Wrapping = fyne.TextWrapWord
	v.name.SizeName = sizeHolderName
	v.card = widget.NewLabel("")
	v.points = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.points.SizeName = theme.SizeNameHeadingText
	v.points.Importance = widget.HighImportance
	v.none = widget.NewLabel(s.lang.t(msgNoMemberships))
	v.none.Importance = widget.LowImportance
	v.memberships = container.NewVBox()
	v.noticeBox = container.NewVBox()
	v.noticeSlot = container.NewVBox()
	v.notices = container.NewVBox(widget.NewSeparator(),
		widget.NewLabelWithStyle(s.lang.t(msgNotices), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), v.noticeBox)
	v.holder = newPanel(container.NewVBox(
		container.NewBorder(nil, nil, nil, container.NewCenter(v.points), v.name),
		v.card, widget.NewSeparator(),
		widget.NewLabelWithStyle(s.lang.t(msgMemberships), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		v.memberships, v.noticeSlot,
	), theme.ColorNameInputBackground, theme.ColorNameInputBorder)

	// The notes for the clerk stand apart from the holder's card, small
	// and quiet: the card is what the customer across the desk reads.
	v.staffNotes = container.NewVBox()
	forStaff := widget.NewLabelWithStyle(s.lang.t(msgForStaff), fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
	forStaff.SizeName = theme.SizeNameCaptionText
	v.staffBox = container.NewVBox(forStaff, v.staffNotes)
	v.staffSlot = container.NewVBox()
	v.shown = container.NewVBox(v.holder, v.staffSlot)

	v.childName = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.childName.Wrapping = fyne.TextWrapWord
	v.childName.SizeName = sizeHolderName
	v.childGroup = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.childGroup.SizeName = theme.SizeNameHeadingText
	v.childAdults = container.NewVBox()
	v.childNotes = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.childNotes.Wrapping = fyne.TextWrapWord
	v.childNotes.Importance = widget.WarningImportance
	v.child = newPanel(container.NewVBox(v.childName, v.childGroup, widget.NewSeparator(),
		widget.NewLabelWithStyle(s.lang.t(msgChildMay), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		v.childAdults, v.childNotes), theme.ColorNameInputBackground, theme.ColorNameInputBorder)

	icon := container.NewGridWrap(fyne.NewSquareSize(56),
		widget.NewIcon(theme.NewErrorThemedResource(theme.ErrorIcon())))
	v.sentence = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.sentence.SizeName = theme.SizeNameHeadingText
	v.sentence.Importance = widget.DangerImportance
	v.sentence.Wrapping = fyne.TextWrapWord
	v.refusal = newAlertPanel(container.NewBorder(nil, nil, container.NewVBox(icon), nil, v.sentence), theme.ColorNameError)
}

func (s *ScanScreen) idleView() fyne.CanvasObject    { return s.views.idle }
func (s *ScanScreen) lookingView() fyne.CanvasObject { return s.views.looking }

func (s *ScanScreen) holderView(h HolderView) fyne.CanvasObject {
	v := &s.views
	if s.childCard != nil && h.Child {
		if c, ok := s.childCard(h.HolderID); ok {
			return s.childView(h, c)
		}
	}
	v.name.SetText(strings.TrimSpace(h.FirstName + " " + h.LastName))
	v.card.SetText(s.lang.t(msgCard, h.Card))
	v.points.SetText(s.lang.points(h.Points))
	rows := []fyne.CanvasObject{v.none}
	if len(h.Memberships) > 0 {
		rows = rows[:0]
		for i, m := range h.Memberships {
			rows = append(rows, s.membershipRow(v.line(i), m))
		}
	}
	v.memberships.Objects = rows
	v.noticeBox.Objects = nil
	for i, n := range h.Notices {
		r := v.line(len(h.Memberships) + i)
		v.noticeBox.Objects = append(v.noticeBox.Objects, r.set(theme.NewPrimaryThemedResource(theme.InfoIcon()), n, widget.MediumImportance))
	}
	v.noticeSlot.Objects = nil
	if len(h.Notices) > 0 {
		v.noticeSlot.Objects = []fyne.CanvasObject{v.notices}
	}
	v.staffNotes.Objects = nil
	for _, n := range h.ForStaff {
		l := widget.NewLabel(n)
		l.SizeName = theme.SizeNameCaptionText
		l.Wrapping = fyne.TextWrapWord
		v.staffNotes.Objects = append(v.staffNotes.Objects, l)
	}
	v.staffSlot.Objects = nil
	if len(h.ForStaff) > 0 {
		v.staffSlot.Objects = []fyne.CanvasObject{v.staffBox}
	}
	return v.shown
}

// childView is a child's card at the childcare desk: the name, the
// group, who may pick up and how, and the notes for staff.
func (s *ScanScreen) childView(h HolderView, c balie.ChildToday) fyne.CanvasObject {
	v := &s.views
	v.childName.SetText(strings.TrimSpace(h.FirstName + " " + h.LastName))
	v.childGroup.SetText(s.lang.t(msgChildGroup, c.Group))
	for len(v.childLines) < len(c.Authorised) {
		v.childLines = append(v.childLines, newLine())
	}
	v.childAdults.Objects = nil
	for i, a := range c.Authorised {
		v.childAdults.Objects = append(v.childAdults.Objects, v.childLines[i].set(theme.AccountIcon(), s.lang.t(msgCCMayLine, a.Name, pickupHow(s.lang, a)), widget.MediumImportance))
	}
	if len(c.Authorised) == 0 {
		v.childAdults.Objects = []fyne.CanvasObject{ccQuiet(s.lang.t(msgCCNoAdults))}
	}
	v.childNotes.SetText("")
	v.childNotes.Hide()
	if n := strings.TrimSpace(c.Notes); n != "" {
		v.childNotes.SetText(s.lang.t(msgChildNotes, n))
		v.childNotes.Show()
	}
	return container.NewVBox(v.child)
}

// pickupHow says how an authorised adult shows they may pick up.
func pickupHow(l language, a balie.AuthorisedAdult) string {
	switch {
	case a.HolderID != "":
		return l.t(msgCCByCard)
	case a.Code != "":
		return l.t(msgCCByCode)
	}
	return l.t(msgCCByNothing)
}

func (s *ScanScreen) membershipRow(r *line, m MembershipLine) fyne.CanvasObject {
	var state string
	switch {
	case m.Valid && m.Until.IsZero():
		state = s.lang.t(msgValid)
	case m.Valid:
		state = s.lang.t(msgValidUntil, lastDay(m.Until))
	case m.Until.IsZero():
		state = s.lang.t(msgExpired)
	default:
		state = s.lang.t(msgExpiredOn, lastDay(m.Until))
	}
	text := s.lang.t(msgMembershipLine, m.Name, state)
	if m.Valid {
		return r.set(theme.NewSuccessThemedResource(theme.ConfirmIcon()), text, widget.MediumImportance)
	}
	return r.set(theme.NewWarningThemedResource(theme.WarningIcon()), text, widget.WarningImportance)
}

func (s *ScanScreen) errorView(sentence string) fyne.CanvasObject {
	s.views.sentence.SetText(sentence)
	return s.views.refusal
}

// iconRow is a line of text behind an icon that tells its kind at a
// glance; the text wraps rather than being cut off.
func iconRow(icon fyne.Resource, text string, importance widget.Importance) fyne.CanvasObject {
	return newLine().set(icon, text, importance)
}

// line is an iconRow that can be given another icon and text, so the
// scan screen reuses its rows from scan to scan.
type line struct {
	box   fyne.CanvasObject
	icon  *widget.Icon
	label *widget.Label
}

func newLine() *line {
	l := &line{label: widget.NewLabel(""), icon: widget.NewIcon(nil)}
	l.label.Wrapping = fyne.TextWrapWord
	// Inset like a label's text, so the icons line up under the headings.
	inset := screenTheme{}.Size(theme.SizeNameInnerPadding)
	l.box = container.NewBorder(nil, nil,
		container.New(layout.NewCustomPaddedLayout(0, 0, inset, 0), l.icon), nil, l.label)
	return l
}

func (l *line) set(icon fyne.Resource, text string, importance widget.Importance) fyne.CanvasObject {
	l.icon.SetResource(icon)
	l.label.Importance = importance
	l.label.SetText(text)
	return l.box
}

// lastDay formats the last day on which something ending at the
// exclusive end is still valid, as 02/01/2006 in Brussels.
func lastDay(end time.Time) string {
	return end.In(balie.Brussels()).Add(-time.Nanosecond).Format("02/01/2006")
}

// HolderLookups finds the holder of a scanned or typed input, as the
// terminal's store does.
type HolderLookups interface {
	LookupInput(ctx context.Context, input string) (balie.HolderLookup, error)
}

// NewDirectory shows lookups to the scan screen: the holder in the
// clerk's language. Each outcome is logged without the input, which may
// be a national register number.
func NewDirectory(l HolderLookups, lang string, log *slog.Logger) Directory {
	return lookupDirectory{l: l, lang: newLanguage(lang), log: log}
}

// INSZFinder finds the card of a holder by their national register
// number: the ledger does, online only. It fails with
// balie.INSZNeedsNetwork when the ledger cannot be reached.
type INSZFinder interface {
	FindINSZ(ctx context.Context, insz balie.INSZ) (balie.CardNumber, error)
}

// NewOnlineDirectory is NewDirectory for a desk with a ledger: a national
// register number typed in the scan field is looked up there, and its
// card shown as if it had been scanned. The number is never kept or
// logged here.
func NewOnlineDirectory(l HolderLookups, f INSZFinder, lang string, log *slog.Logger) Directory {
	return lookupDirectory{l: l, insz: f, lang: newLanguage(lang), log: log}
}

type lookupDirectory struct {
	l    HolderLookups
	insz INSZFinder // nil without a ledger
	lang language
	log  *slog.Logger
}

func (d lookupDirectory) Lookup(ctx context.Context, input string) (HolderView, error) {
	start := time.Now()
	if n, err := balie.ParseINSZ(input); err == nil {
		if d.insz == nil {
			d.log.Info("scan refused", "code", balie.CodeINSZOffline)
			return HolderView{}, balie.INSZNeedsNetwork()
		}
		card, err := d.insz.FindINSZ(ctx, n)
		if err != nil {
			d.log.Info("scan refused", "code", balie.ErrorCode(err), "by", "national number", "took", time.Since(start))
			return HolderView{}, err
		}
		input = string(card)
	}
	l, err := d.l.LookupInput(ctx, input)
	if err != nil {
		d.log.Info("scan refused", "code", balie.ErrorCode(err), "took", time.Since(start))
		return HolderView{}, err
	}
	d.log.Info("scan", "holder", l.Holder.ID, "took", time.Since(start))
	return d.view(l), nil
}

func (d lookupDirectory) view(l balie.HolderLookup) HolderView {
	v := HolderView{HolderID: l.Holder.ID, FirstName: l.Holder.FirstName, LastName: l.Holder.LastName,
		Card: string(l.Card.Number), Points: l.Holder.Points, Child: l.Child}
	for _, m := range l.Memberships {
		v.Memberships = append(v.Memberships, MembershipLine{Name: m.Program, Until: m.End, Valid: m.Valid})
	}
	for _, n := range l.Notices {
		text := n.NL
		if d.lang == "en" {
			text = n.EN
		}
		if n.Staff {
			v.ForStaff = append(v.ForStaff, text)
		} else {
			v.Notices = append(v.Notices, text)
		}
	}
	return v
}

// HolderSearch finds holders by name, for one who lost their card: a
// Directory may offer it.
type HolderSearch interface {
	Search(ctx context.Context, name string) ([]HolderView, error)
	LookupHolder(ctx context.Context, holderID string) (HolderView, error)
}

// holderFinder is what the store offers for a search by name.
type holderFinder interface {
	FindHolders(ctx context.Context, query string, limit int) ([]balie.Holder, error)
	LookupHolder(ctx context.Context, holderID string) (balie.HolderLookup, error)
}

func (d lookupDirectory) Search(ctx context.Context, name string) ([]HolderView, error) {
	f, ok := d.l.(holderFinder)
	if !ok {
		return nil, nil
	}
	hs, err := f.FindHolders(ctx, name, 20)
	d.log.Info("search by name", "found", len(hs))
	var out []HolderView
	for _, h := range hs {
		out = append(out, HolderView{HolderID: h.ID, FirstName: h.FirstName, LastName: h.LastName, BirthDate: h.BirthDate, PostalCode: h.PostalCode})
	}
	return out, err
}

func (d lookupDirectory) LookupHolder(ctx context.Context, holderID string) (HolderView, error) {
	f, ok := d.l.(holderFinder)
	if !ok {
		return HolderView{}, balie.Errorf(balie.CodeHolderUnknown, "Zoeken op naam kan hier niet.", "Search by name is not available here.")
	}
	l, err := f.LookupHolder(ctx, holderID)
	if err != nil {
		return HolderView{}, err
	}
	d.log.Info("scan", "holder", l.Holder.ID, "by", "name")
	return d.view(l), nil
}

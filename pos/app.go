package pos

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/balie/balie"
)

// StaffDirectory signs staff in.
type StaffDirectory interface {
	Authenticate(ctx context.Context, cardOrID, pin string) (balie.Staff, error)
}

// SyncState is what the screen shows of the terminal's link with the
// ledger.
type SyncState struct {
	Enabled   bool // false when the terminal has no ledger
	Online    bool
	Queued    int       // events waiting for the ledger
	Oldest    time.Time // device time of the oldest waiting event
	LastSync  time.Time
	LastError string
	Blocked   bool // a parked event stops the upload
}

// ReaderState is what the screen shows of a serial card reader.
type ReaderState struct {
	Connected bool
	Port      string
}

// Config is how the app looks and behaves.
type Config struct {
	Lang     string
	Desk     balie.Desk
	IdleLock time.Duration // the screen locks after this long without input; default 5 minutes
	// ReportDir is where Z reports are saved as PDF, ReceiptDir where
	// receipts are; the temp folder when empty.
	ReportDir  string
	ReceiptDir string
	// ScanChecksIn makes the sports desk check a scanned holder in at the
	// chosen activity at once: a sports hall's queue at the gate. The
	// clerk can turn it off and on at the desk (F8).
	ScanChecksIn bool
	Now          func() time.Time
	Logger       *slog.Logger
}

// Deps are what the app works with, each a small interface the terminal's
// store (or its sync worker) satisfies. A desk's interface may be nil
// when the terminal serves another desk.
type Deps struct {
	Directory Directory
	Staff     StaffDirectory
	Sports    SportsDesk
	BoxOffice BoxOfficeDesk
	Childcare ChildcareDesk
	Shifts    Shifts
	Review    Reviews
	Voids     Voids
	Desks     DeskList
	// Settings, when set, takes a change of language or desk (F1); the
	// terminal then shows the app again.
	Settings Settings
	Sync     func() SyncState // nil: no ledger
	// Print, when set, sends bytes to the receipt printer (ESC/POS): the
	// box office prints every sale's receipt.
	Print func([]byte) error
	// Sound, when set, plays the confirmation (ok) or the error sound. It
	// must not block; it may be called off the Fyne goroutine.
	Sound func(ok bool)
}

// deskPanel is the part of the main screen with a desk's actions.
type deskPanel interface {
	content() fyne.CanvasObject
	// setHolder is told who is on screen after each scan; nil when no one.
	setHolder(h *HolderView)
	// key runs the action of a function key and reports whether it had one.
	key(name fyne.KeyName) bool
}

// App is the counter app: a sign-in screen, then the scan-first main
// screen with the desk's actions, a header with who works and how the
// link with the ledger is, and the screen lock.
type App struct {
	cfg  Config
	deps Deps
	lang language
	log  *slog.Logger
	do   func(func()) // fyne.Do; tests replace it, as ScanScreen's

	canvas  fyne.Canvas
	root    *fyne.Container // the screen shown
	header  *fyne.Container
	who     *widget.Label
	link    *widget.Label
	linkBox *panel        // the band behind the link, its colour the link's state
	note    *widget.Label // a notice under the header: a shift opened, a failure
	signIn  *signInScreen
	scan    *ScanScreen
	desk    deskPanel
	main    fyne.CanvasObject
	content fyne.CanvasObject

	// Only touched on the Fyne goroutine.
	staff     *balie.Staff
	lastInput time.Time
	overlays  []overlay    // screens over the main screen, the top last
	till      *shiftScreen // nil without Deps.Shifts
	reader    *ReaderState // nil without a serial reader
	route     *keyRoute    // the window's keys, from whatever widget has the focus
	shownCard string       // the card of the holder on screen, "" for none
	// shownOffline is what the header shows of the link.
	shownOffline bool
	// settingsApply applies the settings shown (F9); nil when closed.
	settingsApply func()
}

// NewApp builds the app; Start shows it on a canvas.
func NewApp(cfg Config, deps Deps) *App { return newAppWith(cfg, deps, fyne.Do) }

// newAppWith is NewApp with the function that runs work on the Fyne
// goroutine; tests pass one that hands it to them.
func newAppWith(cfg Config, deps Deps, do func(func())) *App {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.IdleLock <= 0 {
		cfg.IdleLock = 5 * time.Minute
	}
	a := &App{cfg: cfg, deps: deps, lang: newLanguage(cfg.Lang), log: cfg.Logger, do: do}
	a.route = &keyRoute{key: a.windowKey, rune: a.windowRune}
	a.build()
	a.scan.do = do
	return a
}

func (a *App) build() {
	// Who works and the link with the ledger are read from a step back:
	// large and bold, the link on a coloured band (red when offline).
	a.who = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	a.who.SizeName = theme.SizeNameSubHeadingText
	a.who.Truncation = fyne.TextTruncateEllipsis
	a.link = widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
	a.link.SizeName = theme.SizeNameSubHeadingText
	a.link.Truncation = fyne.TextTruncateEllipsis
	a.linkBox = newAlertPanel(a.link, theme.ColorNameSuccess)
	a.note = widget.NewLabel("")
	a.note.Wrapping = fyne.TextWrapWord
	a.note.Hide()
	// Two rows: the link's sentence is long (what waits, since when), and
	// beside the clerk's name it was cut to "…" on a 1366-wide screen.
	a.header = container.NewVBox(a.who, a.linkBox, widget.NewSeparator(), a.note)

	a.signIn = newSignInScreen(a)
	if a.deps.Shifts != nil {
		a.till = newShiftScreen(a, a.deps.Shifts)
	}
	a.scan = NewScanScreen(a.deps.Directory, string(a.lang), a.cfg.Desk.Name)
	a.scan.route = a.route
	a.scan.now = a.cfg.Now
	a.scan.log = a.log
	switch a.cfg.Desk.Mode {
	case balie.DeskSports:
		if a.deps.Sports != nil {
			a.desk = newSportsPanel(a, a.deps.Sports)
		}
	case balie.DeskBoxOffice:
		if a.deps.BoxOffice != nil {
			a.desk = newBoxOfficePanel(a, a.deps.BoxOffice)
		}
	case balie.DeskChildcare:
		if a.deps.Childcare != nil {
			cc := newChildcarePanel(a, a.deps.Childcare)
			a.desk = cc
			a.scan.childCard = cc.find
		}
	}
	right := fyne.CanvasObject(widget.NewLabel(""))
	if a.desk != nil && a.desk.content() != nil {
		right = a.desk.content()
	}
	a.scan.OnHolder = func(h *HolderView) {
		// A notice was about the last customer (a receipt saved): the
		// next one does not see it.
		if h == nil || a.shownCard != h.Card {
			a.note.Hide()
		}
		if h != nil {
			a.shownCard = h.Card
		} else {
			a.shownCard = ""
		}
		if a.desk != nil {
			a.desk.setHolder(h)
		}
	}
	a.scan.OnOutcome = a.beep
	split := container.NewHSplit(a.scan.Content(), right)
	split.Offset = 0.55
	a.main = split
	a.root = container.NewStack(a.signIn.content())
	a.content = container.NewBorder(a.header, nil, nil, nil, a.root)
	a.refreshHeader()
}

// Content returns the app, to put in a window.
func (a *App) Content() fyne.CanvasObject { return a.content }

// Start shows the sign-in screen on c and takes the keyboard.
func (a *App) Start(c fyne.Canvas) {
	a.canvas = c
	a.lastInput = a.cfg.Now()
	a.showSignIn()
}

// takeKeys makes the window's keys reach the app when no widget has the
// focus (after a click on an empty part of the screen); a widget with the
// focus sends them through a.route.
func (a *App) takeKeys() {
	if a.canvas != nil {
		a.canvas.SetOnTypedKey(func(k *fyne.KeyEvent) { a.windowKey(k) })
	}
}

// windowKey is the window's one table of keys, whatever widget has the
// focus: the sign-in's, the top overlay's, or the main screen's. Escape
// always backs out: it resets the sign-in, closes an overlay, clears the
// main screen.
func (a *App) windowKey(k *fyne.KeyEvent) bool {
	a.touch()
	if a.staff == nil {
		if k.Name == fyne.KeyEscape {
			a.signIn.reset()
			return true
		}
		return false
	}
	if n := len(a.overlays); n > 0 {
		top := a.overlays[n-1]
		if top.keys != nil && top.keys(k.Name) {
			return true
		}
		switch k.Name {
		case fyne.KeyEscape:
			a.closeOverlay()
			return true
		case fyne.KeyF12:
			a.lock()
			return true
		}
		// The main screen's keys wait until the overlay is closed: a
		// sale must not start under a count of the till.
		return windowKey(k.Name)
	}
	return a.typedKey(k)
}

// windowRune takes what a keyboard-wedge scanner types while a button
// has the focus: it goes to the field that takes scans, so no card
// number is lost.
func (a *App) windowRune(r rune) bool {
	if a.canvas == nil {
		return false
	}
	var f *scanEntry
	switch {
	case a.staff == nil:
		f = a.signIn.card
	case len(a.overlays) == 0:
		f = a.scan.field
	default:
		return false
	}
	a.canvas.Focus(f)
	f.TypedRune(r)
	return true
}

// entry is a one-line field whose window keys reach the window.
func (a *App) entry() *scanEntry {
	e := newScanEntry()
	e.onKey = a.route.takeKey
	return e
}

// button is a button whose window keys reach the window.
func (a *App) button(text string, icon fyne.Resource, tapped func()) *keyButton {
	return newKeyButton(a.route, text, icon, tapped)
}

// bigButton is a button large enough for a finger on a touch screen.
func (a *App) bigButton(text string, icon fyne.Resource, tapped func()) *keyButton {
	b := a.button(text, icon, tapped)
	b.Importance = widget.HighImportance
	return b
}

// pick is a drop-down list whose window keys reach the window.
func (a *App) pick(options []string, changed func(string)) *keySelect {
	return newKeySelect(a.route, options, changed)
}

// Tick does what time alone triggers: the header's link and clock, and
// the lock after idle time. The window calls it every second.
func (a *App) Tick() {
	a.refreshHeader()
	// A desk that shows what time changes (children still present at
	// closing time) looks again.
	if t, ok := a.desk.(interface{ tick() }); ok && a.staff != nil {
		t.tick()
	}
	if a.staff != nil && a.cfg.Now().Sub(a.lastInput) >= a.cfg.IdleLock {
		a.log.Info("screen locked after idle time", "staff", a.staff.ID)
		a.lock()
	}
}

// Scanned takes a card read from a serial reader, as if it was typed
// into the field the screen has open: a staff card on the sign-in screen,
// a holder's card on the main screen.
func (a *App) Scanned(input string) {
	a.touch()
	switch {
	case a.staff == nil:
		a.signIn.card.SetText(input)
		a.signIn.next()
	case len(a.overlays) == 0:
		a.scan.Scan(input)
	default:
		if top := a.overlays[len(a.overlays)-1]; top.scan != nil {
			top.scan(input)
		}
	}
}

// Staff is who is signed in, nil when no one is (the sign-in or lock
// screen).
func (a *App) Staff() *balie.Staff { return a.staff }

// Resume opens the main screen for s, who was signed in on the app this
// one replaces (the language changed in the settings): a change of
// language does not sign anyone out.
func (a *App) Resume(s balie.Staff) { a.signedIn(s) }

// SetReader shows the serial reader's state in the header.
func (a *App) SetReader(st ReaderState) {
	a.reader = &st
	a.refreshHeader()
}

// touch notes input: the idle lock counts from the last key.
func (a *App) touch() { a.lastInput = a.cfg.Now() }

func (a *App) show(o fyne.CanvasObject) {
	a.root.Objects = []fyne.CanvasObject{o}
	a.root.Refresh()
}

func (a *App) showSignIn() {
	a.show(a.signIn.content())
	a.signIn.reset()
	if a.canvas != nil {
		a.signIn.focus(a.canvas)
	}
	a.refreshHeader()
}

// signedIn opens the main screen for staff s; at a desk that takes cash
// with no shift open, the till is opened first (or later, the clerk's
// choice: the desk never stops for a missing shift).
func (a *App) signedIn(s balie.Staff) {
	a.staff = &s
	a.touch()
	a.log.Info("staff signed in", "staff", s.ID, "role", s.Role)
	a.overlays = nil
	a.showMain()
	a.refreshHeader()
	if a.deps.Shifts != nil && a.cfg.Desk.Mode != balie.DeskChildcare {
		a.run(func(ctx context.Context) func() {
			_, open, err := a.deps.Shifts.CurrentShift(ctx)
			return func() {
				if err == nil && !open && a.staff != nil {
					a.till.show()
				}
			}
		})
	}
}

// showMain shows the main screen with the cursor in the scan field.
func (a *App) showMain() {
	a.show(a.main)
	if a.canvas != nil {
		a.scan.Focus(a.canvas)
		a.takeKeys()
	}
	a.scan.field.onKey = a.typedKey
}

// overlay is a screen shown over the main screen.
type overlay struct {
	o     fyne.CanvasObject
	focus func()       // puts the cursor in it; may be nil
	scan  func(string) // takes a card read by a serial reader; nil ignores it
	// keys, when set, takes the overlay's own keys (F9 to confirm) and
	// reports whether it took one; Escape closes the overlay otherwise.
	keys func(fyne.KeyName) bool
}

// overlay shows o over the main screen until closeOverlay; focus puts the
// cursor in it, scan takes what a serial reader reads meanwhile.
func (a *App) overlay(o fyne.CanvasObject, focus func(), scan func(string)) {
	a.showOverlay(overlay{o: o, focus: focus, scan: scan})
}

func (a *App) showOverlay(ov overlay) {
	a.overlays = append(a.overlays, ov)
	a.show(ov.o)
	if a.canvas != nil {
		a.canvas.Unfocus()
	}
	a.takeKeys()
	if ov.focus != nil {
		ov.focus()
	}
}

// closeOverlay goes back to what was under the top overlay.
func (a *App) closeOverlay() {
	if len(a.overlays) == 0 {
		return
	}
	a.overlays = a.overlays[:len(a.overlays)-1]
	if n := len(a.overlays); n > 0 {
		top := a.overlays[n-1]
		a.overlays = a.overlays[:n-1]
		a.showOverlay(top)
		return
	}
	a.showMain()
}

// notice shows a sentence under the header: good news in green, a
// failure in red. The next notice replaces it.
func (a *App) notice(text string, ok bool) {
	a.note.SetText(text)
	a.note.Importance = widget.DangerImportance
	if ok {
		a.note.Importance = widget.SuccessImportance
	}
	a.note.Show()
	a.note.Refresh()
}

// lock hides the main screen until someone signs in again; what was on
// the screen is cleared so the next person does not see the last holder.
func (a *App) lock() {
	a.staff = nil
	a.overlays = nil
	a.note.Hide()
	a.scan.clear()
	// A desk that holds a customer's data (a basket, a form) drops it.
	if r, ok := a.desk.(interface{ reset() }); ok {
		r.reset()
	}
	a.showSignIn()
}

// typedKey handles the function keys on the main screen.
func (a *App) typedKey(k *fyne.KeyEvent) bool {
	a.touch()
	switch k.Name {
	case fyne.KeyF12:
		a.lock()
		return true
	case fyne.KeyEscape:
		// The next customer starts from nothing: no holder, and no
		// basket, reward or payment method of the last one.
		// The desk first: the holder it then loses has no basket to
		// price again.
		if r, ok := a.desk.(interface{ reset() }); ok {
			r.reset()
		}
		a.scan.clear()
		return true
	case fyne.KeyF2:
		if a.till != nil {
			a.till.show()
		}
		return true
	case fyne.KeyF3:
		if a.deps.Review != nil {
			newReviewScreen(a, a.deps.Review).show()
		}
		return true
	case fyne.KeyF4:
		a.showVoids()
		return true
	case fyne.KeyF1:
		a.showSettings()
		return true
	}
	if a.desk != nil && a.desk.key(k.Name) {
		return true
	}
	return false
}

func (a *App) refreshHeader() {
	who := a.cfg.Desk.Name
	if a.staff != nil {
		who = a.lang.t(msgAppWho, a.cfg.Desk.Name, a.staff.Name)
	}
	a.who.SetText(who)
	var st *SyncState
	if a.deps.Sync != nil {
		s := a.deps.Sync()
		st = &s
	}
	link := a.linkText(st)
	offline := st != nil && !st.Online
	if st != nil && a.shownOffline != offline {
		// The moment the header changes, for the log (the window test
		// times it against the ledger's death and return).
		a.shownOffline = offline
		a.log.Info("link shown", "online", !offline)
	}
	warn := st != nil && st.Blocked
	if a.reader != nil {
		if a.reader.Connected {
			link = a.lang.t(msgReaderOK) + " · " + link
		} else {
			// The reader's own error is for the log: the clerk is told
			// what to look at.
			link = a.lang.t(msgReaderDown) + " · " + link
			warn = true
		}
	}
	a.link.SetText(link)
	edge := theme.ColorNameSuccess
	switch {
	case offline:
		a.link.Importance = widget.DangerImportance
		edge = theme.ColorNameError
	case warn:
		a.link.Importance = widget.WarningImportance
		edge = theme.ColorNameWarning
	case st == nil:
		a.link.Importance = widget.LowImportance
		edge = theme.ColorNameInputBorder
	default:
		a.link.Importance = widget.SuccessImportance
	}
	if a.linkBox.edge != edge {
		a.linkBox.edge = edge
		a.linkBox.Refresh()
	}
	a.link.Refresh()
}

// linkText says how the link with the ledger is: online or offline, what
// waits and since when, the last sync.
func (a *App) linkText(st *SyncState) string {
	if st == nil {
		return a.lang.t(msgLinkNone)
	}
	now := a.cfg.Now()
	state := a.lang.t(msgLinkOnline)
	if !st.Online {
		state = a.lang.t(msgLinkOffline)
	}
	parts := state
	if st.Queued > 0 {
		if st.Queued == 1 {
			parts += " · " + a.lang.t(msgLinkQueuedOne, ago(a.lang, now.Sub(st.Oldest)))
		} else {
			parts += " · " + a.lang.t(msgLinkQueued, st.Queued, ago(a.lang, now.Sub(st.Oldest)))
		}
	}
	if !st.LastSync.IsZero() {
		parts += " · " + a.lang.t(msgLinkLast, st.LastSync.In(balie.Brussels()).Format("15:04"))
	}
	if st.Blocked {
		parts += " · " + a.lang.t(msgLinkBlocked)
	}
	return parts
}

// ago says how long ago, coarsely: the clerk needs the order of
// magnitude, not the seconds.
func ago(l language, d time.Duration) string {
	switch {
	case d < time.Minute:
		return l.t(msgAgoNow)
	case d < time.Hour:
		return l.t(msgAgoMinutes, int(d/time.Minute))
	case d < 48*time.Hour:
		return l.t(msgAgoHours, int(d/time.Hour))
	}
	return l.t(msgAgoDays, int(d/(24*time.Hour)))
}

// run runs f off the Fyne goroutine and its outcome on it: every act and
// lookup of a desk goes through here so the screen never freezes.
func (a *App) run(f func(ctx context.Context) func()) {
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		done := f(ctx)
		a.do(func() {
			done()
			// An act was recorded, maybe: it counts in the header now,
			// not at the next tick.
			a.refreshHeader()
		})
	}()
}

// logAct logs an act's outcome (the end-to-end test reads these lines)
// and sounds it: a short tone when done, a low one when refused.
func (a *App) logAct(op string, err error) {
	if err != nil {
		a.log.Info("act refused", "op", op, "code", balie.ErrorCode(err))
	} else {
		a.log.Info("act", "op", op)
	}
	a.beep(err == nil)
}

func (a *App) beep(ok bool) {
	if a.deps.Sound != nil {
		a.deps.Sound(ok)
	}
}

// sentence is what the clerk reads for err: a domain error's own
// sentence, or a generic one (and the error in the log).
func (a *App) sentence(op string, err error) string {
	if e, ok := balie.AsError(err); ok {
		return e.Message(string(a.lang))
	}
	a.log.Error(op, "err", err)
	return a.lang.t(msgGenericError)
}

// keyLabel is a button's text with its key, as the clerk sees it:
// "Inchecken [F5]", "Bevestigen [Enter]" (the key's name on the
// keyboard, not Fyne's "Return").
func keyLabel(text string, key fyne.KeyName) string {
	name := string(key)
	switch key {
	case fyne.KeyReturn, fyne.KeyEnter:
		name = "Enter"
	case fyne.KeyEscape:
		name = "Esc"
	}
	return fmt.Sprintf("%s  [%s]", text, name)
}

const (
	msgAppWho        msg = "app.who"
	msgLinkNone      msg = "link.none"
	msgLinkOnline    msg = "link.online"
	msgLinkOffline   msg = "link.offline"
	msgLinkQueued    msg = "link.queued"
	msgLinkQueuedOne msg = "link.queued.one"
	msgLinkLast      msg = "link.last"
	msgLinkBlocked   msg = "link.blocked"
	msgAgoNow        msg = "ago.now"
	msgAgoMinutes    msg = "ago.minutes"
	msgAgoHours      msg = "ago.hours"
	msgAgoDays       msg = "ago.days"
	msgReaderOK      msg = "reader.ok"
	msgReaderDown    msg = "reader.down"
)

package pos

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// scanEntry is the scan field: a one-line entry that Enter submits (as
// a keyboard-wedge scanner ends each number) and Escape clears.
type scanEntry struct {
	widget.Entry
	onEscape func()
	// onKey, when set, sees every key first and reports whether it took
	// it: the app's function keys work while the cursor is in the field.
	onKey func(*fyne.KeyEvent) bool
}

func newScanEntry() *scanEntry {
	e := &scanEntry{}
	e.ExtendBaseWidget(e)
	return e
}

// TypedKey handles Escape and leaves every other key to the entry.
func (e *scanEntry) TypedKey(k *fyne.KeyEvent) {
	if e.onKey != nil && e.onKey(k) {
		return
	}
	if k.Name == fyne.KeyEscape && e.onEscape != nil {
		e.onEscape()
		return
	}
	e.Entry.TypedKey(k)
}

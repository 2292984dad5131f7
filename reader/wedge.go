package reader

import (
	"time"

	"github.com/balie/balie"
)

// Keys with a meaning of their own for a Wedge.
const (
	KeyEnter     rune = '\n' // '\r' is taken as Enter too
	KeyBackspace rune = '\b'
)

// Key is one key a keyboard (or a scanner posing as one) typed, with the
// time the UI received it.
type Key struct {
	Rune rune
	At   time.Time
}

// WedgeConfig tunes a Wedge; zero fields take the defaults.
type WedgeConfig struct {
	// MaxGap: keys closer together than this belong to one fast run; a
	// scanner types a key every few milliseconds, a person rarely twice
	// within 30 ms (the default).
	MaxGap time.Duration
	// MinRun: a fast run of at least this many keys ending in Enter is a
	// scan (default 8: shorter than any barcode a desk sees, longer than
	// a person's chance burst).
	MinRun int
	// Debounce: the same card scanned again within this window counts
	// once; 0 lets every scan through.
	Debounce time.Duration
	// Source is put in Read.Source; default "keyboard".
	Source string
}

// BurstKind is what a Wedge made of the keys up to an Enter.
type BurstKind uint8

// Burst kinds.
const (
	Typed   BurstKind = iota // a person typed it: the UI treats Text as typed input
	Scanned                  // a scanner typed a valid card number: Read is set
	BadScan                  // a scanner typed something that is not a card number: Reason says why
	Repeat                   // a scanner typed the same card again within the debounce window
)

func (k BurstKind) String() string {
	switch k {
	case Scanned:
		return "scanned"
	case BadScan:
		return "bad scan"
	case Repeat:
		return "repeat"
	}
	return "typed"
}

// Burst is the verdict on the keys typed up to an Enter.
type Burst struct {
	Kind BurstKind
	Text string // everything typed since the last Enter, backspaces applied
	// Scan is the part of Text the scanner typed (the fast run at its
	// end); empty when Kind is Typed. Text without Scan is what a person
	// had typed before the scan, which a UI usually drops.
	Scan   string
	Read   Read   // Scanned
	Reason Reason // BadScan
	Err    error  // BadScan: the domain's refusal, with its sentence for the clerk
}

// Wedge tells a keyboard-wedge scanner from a person at the keyboard. A
// UI feeds it every key it receives in an input field, with the time it
// arrived; at each Enter the Wedge says whether the keys since the last
// Enter were a scan (a fast run of keys ending in Enter) and, if so,
// whether it was a valid card number. It is pure: no I/O, no clock of its
// own. Not safe for concurrent use.
type Wedge struct {
	cfg      WedgeConfig
	keys     []rune
	run      int // keys in the fast run at the end of keys
	last     time.Time
	debounce Debouncer
	stats    counters
}

// NewWedge returns a Wedge for cfg.
func NewWedge(cfg WedgeConfig) *Wedge {
	if cfg.MaxGap <= 0 {
		cfg.MaxGap = 30 * time.Millisecond
	}
	if cfg.MinRun <= 0 {
		cfg.MinRun = 8
	}
	if cfg.Source == "" {
		cfg.Source = "keyboard"
	}
	return &Wedge{cfg: cfg, debounce: Debouncer{Window: cfg.Debounce}}
}

// Feed takes one key. At an Enter it returns the verdict on the keys
// since the previous Enter, and ok is true.
func (w *Wedge) Feed(k Key) (b Burst, ok bool) {
	fast := len(w.keys) > 0 && !k.At.Before(w.last) && k.At.Sub(w.last) < w.cfg.MaxGap
	switch k.Rune {
	case KeyEnter, '\r':
		b = w.verdict(k.At, fast)
		w.keys, w.run = w.keys[:0], 0
		w.last = k.At
		return b, true
	case KeyBackspace:
		// Only a person corrects what they typed.
		if len(w.keys) > 0 {
			w.keys = w.keys[:len(w.keys)-1]
		}
		w.run = 0
	default:
		w.keys = append(w.keys, k.Rune)
		if fast && w.run > 0 {
			w.run++
		} else {
			w.run = 1
		}
	}
	w.last = k.At
	return Burst{}, false
}

// Reset forgets the keys typed so far, as when the input field is
// cleared or loses focus.
func (w *Wedge) Reset() { w.keys, w.run = w.keys[:0], 0 }

// Stats returns a snapshot of the counters: scans accepted, bad scans by
// reason, repeats.
func (w *Wedge) Stats() Stats { return w.stats.snapshot() }

func (w *Wedge) verdict(at time.Time, enterFast bool) Burst {
	b := Burst{Kind: Typed, Text: string(w.keys)}
	if !enterFast || w.run < w.cfg.MinRun {
		return b
	}
	b.Scan = string(w.keys[len(w.keys)-w.run:])
	n, err := balie.ParseCardNumber(b.Scan)
	if err != nil {
		b.Kind, b.Reason, b.Err = BadScan, ReasonOf(err), err
		w.stats.reject(b.Reason)
		return b
	}
	b.Read = Read{Number: n, Source: w.cfg.Source, At: at}
	if w.debounce.Duplicate(b.Read) {
		b.Kind, b.Read = Repeat, Read{}
		w.stats.add(func(s *Stats) { s.Duplicates++ })
		return b
	}
	b.Kind = Scanned
	w.stats.add(func(s *Stats) { s.Accepted++ })
	return b
}

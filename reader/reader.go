// Package reader turns what card readers send into card reads: serial
// barcode scanners that send a line per code, serial NFC and RFID
// readers that print a chip UID per line, an NXP PN532 over its UART
// (HSU), and a keyboard-wedge scanner that types like a keyboard.
//
// Every driver delivers the same Read: a validated card number or chip
// UID, its source and its time. Whatever does not validate (garbage, a
// partial frame, a bad checksum, a wrong check digit) is skipped with a
// logged reason and a counter, and is never delivered.
//
// The frame parsers (Splitter, ParseUIDLine, PN532Decoder,
// ParseTargetUID, Wedge) are pure types without I/O, so they can be
// tested and fuzzed on their own; Serial runs them over a serial port and
// reopens the port when it goes away.
package reader

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/balie/balie"
)

// Read is one card read. Exactly one of Number and Chip is set.
type Read struct {
	Number balie.CardNumber // a UiTPAS number from a barcode
	Chip   balie.ChipUID    // a chip UID from an NFC or RFID reader
	Source string           // where it came from, e.g. "line:/dev/ttyACM0" or "keyboard"
	At     time.Time        // when the read was complete, from the reader's clock
}

// key is what debouncing compares: the same card read twice has the same
// key, a number and a chip never share one.
func (r Read) key() string {
	if r.Number != "" {
		return "n" + string(r.Number)
	}
	return "c" + string(r.Chip)
}

// String is the read as a person reads it in a log.
func (r Read) String() string {
	if r.Number != "" {
		return "card " + string(r.Number)
	}
	return "chip " + string(r.Chip)
}

// Reader is a card reader the app runs: Run delivers reads on out until
// ctx ends, then returns nil. It returns an error only when it cannot run
// at all (a configuration no port accepts); a port that is missing or
// goes away is retried, not returned.
type Reader interface {
	Run(ctx context.Context, out chan<- Read) error
}

// Reason says why a frame, line or number was not delivered. Reasons are
// stable strings: they go into logs and counters. Numbers and UIDs that
// fail the domain rules carry the domain's error code as their reason
// (for example "card_number_check").
type Reason string

// Reasons for skipping input.
const (
	ReasonTooLong        Reason = "too_long"        // a line or frame longer than allowed
	ReasonPartial        Reason = "partial"         // bytes without their end when the port went quiet or closed
	ReasonOutsideFrame   Reason = "outside_frame"   // bytes outside STX ... ETX framing
	ReasonPrefix         Reason = "prefix_missing"  // a line without the configured prefix
	ReasonSuffix         Reason = "suffix_missing"  // a line without the configured suffix
	ReasonGarbage        Reason = "garbage"         // PN532: bytes that are not part of any frame
	ReasonLengthChecksum Reason = "length_checksum" // PN532: LEN + LCS is not zero
	ReasonDataChecksum   Reason = "data_checksum"   // PN532: TFI + data + DCS is not zero
	ReasonFrameLength    Reason = "frame_length"    // PN532: a length no frame can have
	ReasonUnexpected     Reason = "unexpected_frame"
	ReasonPN532Error     Reason = "pn532_error" // PN532: an error frame (syntax error at application level)
	ReasonTargetData     Reason = "target_data" // PN532: an InListPassiveTarget answer that does not parse
	ReasonDuplicate      Reason = "duplicate"   // the same card again within the debounce window
	ReasonInvalid        Reason = "invalid"     // refused for a reason without a more precise code
)

// Reject is one piece of input that was not delivered.
type Reject struct {
	Reason Reason
	Detail string // a sentence in English for logs and the installer's test tool
	Raw    []byte // the bytes concerned, possibly cut short
	Source string
	At     time.Time
}

// rejectError is an error that carries its Reason.
type rejectError struct {
	reason Reason
	msg    string
}

func (e *rejectError) Error() string { return string(e.reason) + ": " + e.msg }

func rejectf(reason Reason, format string, args ...any) error {
	return &rejectError{reason: reason, msg: fmt.Sprintf(format, args...)}
}

// ReasonOf returns the Reason an error from this package's parsers
// carries: the package's own reasons, or the code of a domain error.
func ReasonOf(err error) Reason {
	var re *rejectError
	if errors.As(err, &re) {
		return re.reason
	}
	if code := balie.ErrorCode(err); code != "" {
		return Reason(code)
	}
	return ReasonInvalid
}

// detailOf is the English sentence for a rejection.
func detailOf(err error) string {
	var re *rejectError
	if errors.As(err, &re) {
		return re.msg
	}
	if e, ok := balie.AsError(err); ok {
		return e.Message("en")
	}
	return err.Error()
}

// maxRaw caps the bytes a Reject keeps, so a flood of garbage cannot
// fill the log.
const maxRaw = 64

func clip(p []byte) []byte {
	if len(p) > maxRaw {
		p = p[:maxRaw]
	}
	return append([]byte(nil), p...)
}

// Stats is a snapshot of what a reader did since it started.
type Stats struct {
	Accepted   int64            // reads delivered
	Duplicates int64            // reads skipped by the debounce window
	Rejected   map[Reason]int64 // input skipped, by reason (duplicates not included)
	Reconnects int64            // times the port was opened again after it went away
	Retries    int64            // PN532: commands or responses asked again
}

// RejectedTotal is the sum of Rejected.
func (s Stats) RejectedTotal() int64 {
	var n int64
	for _, v := range s.Rejected {
		n += v
	}
	return n
}

// String is a one-line summary, rejected reasons in a stable order.
func (s Stats) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d accepted, %d duplicate, %d rejected", s.Accepted, s.Duplicates, s.RejectedTotal())
	if len(s.Rejected) > 0 {
		reasons := make([]string, 0, len(s.Rejected))
		for r := range s.Rejected {
			reasons = append(reasons, string(r))
		}
		sort.Strings(reasons)
		b.WriteString(" (")
		for i, r := range reasons {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "%s %d", r, s.Rejected[Reason(r)])
		}
		b.WriteString(")")
	}
	fmt.Fprintf(&b, ", %d reconnect, %d retry", s.Reconnects, s.Retries)
	return b.String()
}

// counters keeps Stats for a driver; safe for concurrent use.
type counters struct {
	mu sync.Mutex // guards s
	s  Stats
}

func (c *counters) add(f func(s *Stats)) {
	c.mu.Lock()
	f(&c.s)
	c.mu.Unlock()
}

func (c *counters) reject(r Reason) {
	c.add(func(s *Stats) {
		if s.Rejected == nil {
			s.Rejected = make(map[Reason]int64)
		}
		s.Rejected[r]++
	})
}

func (c *counters) snapshot() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.s
	s.Rejected = maps.Clone(c.s.Rejected)
	return s
}

// Debouncer drops a card read again within Window of the last time the
// same card was seen. The window slides: a card that lies on an NFC
// reader, or that a scanner in continuous mode keeps seeing, counts once
// however long it stays, and once more after it has been away for a
// whole window. Another card in between ends the window. The zero value
// (no window) lets every read through. Not safe for concurrent use.
type Debouncer struct {
	Window time.Duration
	last   string
	lastAt time.Time
}

// Duplicate reports whether r repeats the previous read within the
// window, and remembers r.
func (d *Debouncer) Duplicate(r Read) bool {
	k := r.key()
	dup := d.Window > 0 && k == d.last && r.At.Sub(d.lastAt) < d.Window && !r.At.Before(d.lastAt)
	d.last, d.lastAt = k, r.At
	return dup
}

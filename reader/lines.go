package reader

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/balie/balie"
)

// Terminator is how a line scanner ends a code.
type Terminator uint8

// Terminators. TermAuto accepts CR, LF and CRLF alike, which is what
// scanners send out of the box.
const (
	TermAuto Terminator = iota // CR, LF or CRLF
	TermCR                     // CR only; an LF is data
	TermLF                     // LF only; a CR is data
	TermCRLF                   // CR LF only; a lone CR or LF is data
)

// ParseTerminator reads a terminator as a person writes it: auto, cr,
// lf or crlf.
func ParseTerminator(s string) (Terminator, error) {
	switch strings.ToLower(s) {
	case "", "auto":
		return TermAuto, nil
	case "cr":
		return TermCR, nil
	case "lf":
		return TermLF, nil
	case "crlf":
		return TermCRLF, nil
	}
	return 0, fmt.Errorf("terminator %q: want auto, cr, lf or crlf", s)
}

// Framing bytes.
const (
	stx = 0x02
	etx = 0x03
	cr  = '\r'
	lf  = '\n'
)

// DefaultMaxLen is the longest line a Splitter accepts by default: room
// for any prefix, suffix and code a desk's reader sends, and small enough
// that noise on the line is cut short quickly.
const DefaultMaxLen = 64

// LineFormat is how a line scanner or UID reader frames what it sends.
type LineFormat struct {
	Terminator Terminator
	// STXETX: codes come between STX (0x02) and ETX (0x03). Line ends
	// outside a frame are ignored; other bytes there are rejected.
	STXETX bool
	// Prefix and Suffix, when set, must surround every code and are
	// removed from it; a line without them is rejected.
	Prefix, Suffix string
	// MaxLen is the longest line or frame accepted, prefix and suffix
	// included; 0 means DefaultMaxLen.
	MaxLen int
}

// Line is one line or frame out of a Splitter: its payload with prefix
// and suffix removed, or the Reason it was refused with the bytes
// concerned in Raw.
type Line struct {
	Data   []byte
	Reason Reason // empty for a good line
	Detail string
	Raw    []byte
}

// Splitter cuts a byte stream into lines or STX/ETX frames, however the
// bytes are chunked: feeding one byte at a time gives the same lines as
// feeding everything at once. It never blocks and never does I/O. Not
// safe for concurrent use.
type Splitter struct {
	f       LineFormat
	max     int
	cur     []byte // the line or frame being collected
	out     []Line // complete lines not yet taken by Next
	skipLF  bool   // TermAuto: a CR ended the last line, so an LF right after is part of it
	discard bool   // the current line was too long: drop bytes up to its end
	inFrame bool   // STXETX: between STX and ETX
}

// NewSplitter returns a Splitter for f.
func NewSplitter(f LineFormat) *Splitter {
	max := f.MaxLen
	if max <= 0 {
		max = DefaultMaxLen
	}
	return &Splitter{f: f, max: max}
}

// Write adds bytes from the port. It always consumes all of p.
func (s *Splitter) Write(p []byte) {
	for _, c := range p {
		if s.f.STXETX {
			s.stepFramed(c)
		} else {
			s.stepLine(c)
		}
	}
}

// Next returns the next complete line, if any.
func (s *Splitter) Next() (Line, bool) {
	if len(s.out) == 0 {
		return Line{}, false
	}
	l := s.out[0]
	s.out[0] = Line{}
	s.out = s.out[1:]
	if len(s.out) == 0 {
		s.out = s.out[:0:0]
	}
	return l, true
}

// Pending is the number of bytes of an unfinished line or frame.
func (s *Splitter) Pending() int { return len(s.cur) }

// Reset drops an unfinished line or frame, as when the port went quiet
// in the middle of one or closed, and returns it as a Line with
// ReasonPartial; ok is false when nothing was pending.
func (s *Splitter) Reset() (l Line, ok bool) {
	cur, discarding, garbage := s.cur, s.discard, s.f.STXETX && !s.inFrame
	s.cur, s.skipLF, s.discard, s.inFrame = s.cur[:0], false, false, false
	switch {
	case len(cur) == 0 || discarding:
		return Line{}, false
	case garbage:
		return Line{Reason: ReasonOutsideFrame, Detail: "bytes outside STX ... ETX", Raw: clip(cur)}, true
	}
	return Line{Reason: ReasonPartial, Detail: "no end of line or frame arrived", Raw: clip(cur)}, true
}

func (s *Splitter) stepLine(c byte) {
	skipLF := s.skipLF
	s.skipLF = false
	switch s.f.Terminator {
	case TermAuto:
		if c == lf && skipLF {
			return
		}
		if c == cr || c == lf {
			s.skipLF = c == cr
			s.endLine()
			return
		}
	case TermCR:
		if c == cr {
			s.endLine()
			return
		}
	case TermLF:
		if c == lf {
			s.endLine()
			return
		}
	case TermCRLF:
		if c == lf && len(s.cur) > 0 && s.cur[len(s.cur)-1] == cr {
			s.cur = s.cur[:len(s.cur)-1]
			s.endLine()
			return
		}
	}
	s.collect(c)
}

// collect adds c to the current line, rejecting the line once it grows
// past the limit. The rest of a rejected line is dropped up to its end,
// so its tail never passes for a line of its own.
func (s *Splitter) collect(c byte) {
	if s.discard {
		// TermCRLF needs to see the CR of the CR LF that ends the line.
		s.cur = append(s.cur[:0], c)
		return
	}
	s.cur = append(s.cur, c)
	limit := s.max
	if s.f.Terminator == TermCRLF && c == cr {
		limit++ // this CR may be the start of the terminator
	}
	if len(s.cur) > limit {
		s.emit(Line{Reason: ReasonTooLong, Detail: fmt.Sprintf("longer than %d bytes", s.max), Raw: clip(s.cur)})
		s.discard = true
		s.cur = append(s.cur[:0], c)
	}
}

func (s *Splitter) endLine() {
	line := s.cur
	s.cur = s.cur[:0]
	if s.discard {
		s.discard = false
		return
	}
	if len(line) == 0 {
		return // a blank line, or the second half of a line end
	}
	s.emitPayload(line)
}

func (s *Splitter) stepFramed(c byte) {
	if !s.inFrame {
		switch c {
		case stx:
			s.flushOutside()
			s.inFrame = true
		case cr, lf, ' ', '\t', 0:
			// Line ends and padding between frames carry nothing.
			s.flushOutside()
		default:
			s.cur = append(s.cur, c)
			if len(s.cur) >= s.max {
				s.flushOutside()
			}
		}
		return
	}
	switch c {
	case etx:
		s.inFrame = false
		s.endLine()
	case stx:
		// A new frame before the old one ended: the old one is partial.
		if !s.discard && len(s.cur) > 0 {
			s.emit(Line{Reason: ReasonPartial, Detail: "STX before the ETX of the previous frame", Raw: clip(s.cur)})
		}
		s.cur = s.cur[:0]
		s.discard = false
	default:
		s.collect(c)
	}
}

// flushOutside rejects bytes that came between frames.
func (s *Splitter) flushOutside() {
	if len(s.cur) > 0 {
		s.emit(Line{Reason: ReasonOutsideFrame, Detail: "bytes outside STX ... ETX", Raw: clip(s.cur)})
		s.cur = s.cur[:0]
	}
}

func (s *Splitter) emitPayload(line []byte) {
	p := line
	if s.f.Prefix != "" {
		if !bytes.HasPrefix(p, []byte(s.f.Prefix)) {
			s.emit(Line{Reason: ReasonPrefix, Detail: fmt.Sprintf("does not start with the prefix %q", s.f.Prefix), Raw: clip(line)})
			return
		}
		p = p[len(s.f.Prefix):]
	}
	if s.f.Suffix != "" {
		if !bytes.HasSuffix(p, []byte(s.f.Suffix)) {
			s.emit(Line{Reason: ReasonSuffix, Detail: fmt.Sprintf("does not end with the suffix %q", s.f.Suffix), Raw: clip(line)})
			return
		}
		p = p[:len(p)-len(s.f.Suffix)]
	}
	s.emit(Line{Data: append([]byte(nil), p...), Raw: clip(line)})
}

func (s *Splitter) emit(l Line) { s.out = append(s.out, l) }

// ParseNumberLine reads a UiTPAS number from a line a barcode scanner
// sent, by the domain's rules (13 digits, Luhn check digit).
func ParseNumberLine(line []byte) (balie.CardNumber, error) {
	return balie.ParseCardNumber(string(line))
}

// UIDFormat is how a UID reader writes a chip UID on a line.
type UIDFormat struct {
	// Prefix, when set, must start the line (in any case, e.g. "UID:");
	// lines without it (a reader's banner, an "ATQA:" line) are
	// rejected. White space after it is allowed.
	Prefix string
	// Reverse: the reader writes the UID's bytes last byte first.
	Reverse bool
}

// ParseUIDLine reads a chip UID from a line a UID reader sent: hex, with
// or without separators, after the format's prefix, in the format's
// byte order. The result is the UID in its canonical order and spelling.
func ParseUIDLine(line []byte, f UIDFormat) (balie.ChipUID, error) {
	s := strings.TrimSpace(string(line))
	if f.Prefix != "" {
		if len(s) < len(f.Prefix) || !strings.EqualFold(s[:len(f.Prefix)], f.Prefix) {
			return "", rejectf(ReasonPrefix, "does not start with the prefix %q", f.Prefix)
		}
		s = s[len(f.Prefix):]
	}
	u, err := balie.ParseChipUID(s)
	if err != nil {
		return "", err
	}
	if f.Reverse {
		u = u.Reverse()
	}
	return u, nil
}

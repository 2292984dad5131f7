package reader

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/tarm/serial"
)

// Protocol is what a serial reader speaks.
type Protocol string

// Protocols.
const (
	ProtocolLine  Protocol = "line"  // a barcode scanner: a UiTPAS number per line
	ProtocolUID   Protocol = "uid"   // an NFC/RFID reader: a chip UID in hex per line
	ProtocolPN532 Protocol = "pn532" // an NXP PN532 over its UART (HSU)
)

// ParseProtocol reads a protocol name: line, uid or pn532.
func ParseProtocol(s string) (Protocol, error) {
	switch p := Protocol(strings.ToLower(s)); p {
	case ProtocolLine, ProtocolUID, ProtocolPN532:
		return p, nil
	}
	return "", fmt.Errorf("protocol %q: want line, uid or pn532", s)
}

// Parity is a serial port's parity bit.
type Parity byte

// Parities the driver can set.
const (
	ParityNone Parity = 'N'
	ParityEven Parity = 'E'
	ParityOdd  Parity = 'O'
)

// ParseParity reads a parity as a person writes it: none, even, odd (or
// N, E, O).
func ParseParity(s string) (Parity, error) {
	switch strings.ToLower(s) {
	case "", "n", "none":
		return ParityNone, nil
	case "e", "even":
		return ParityEven, nil
	case "o", "odd":
		return ParityOdd, nil
	}
	return 0, fmt.Errorf("parity %q: want none, even or odd", s)
}

// Port is a serial port and its line settings.
type Port struct {
	// Name is the device path, e.g. /dev/ttyACM0, or better its stable
	// /dev/serial/by-id/... link, which names the same reader whichever
	// USB socket it is in and after it is plugged in again.
	Name     string
	Baud     int    // 0: 9600 for line and uid, 115200 for pn532
	DataBits int    // 0: 8
	Parity   Parity // 0: none
	StopBits int    // 0: 1
}

// String is the port as an installer writes it: "/dev/ttyACM0 9600 8N1".
func (p Port) String() string {
	return fmt.Sprintf("%s %d %d%c%d", p.Name, p.Baud, p.DataBits, p.Parity, p.StopBits)
}

// supportedBaud reports whether the serial package can set rate b on
// Linux.
func supportedBaud(b int) bool {
	switch b {
	case 50, 75, 110, 134, 150, 200, 300, 600, 1200, 1800, 2400, 4800, 9600,
		19200, 38400, 57600, 115200, 230400, 460800, 500000, 576000, 921600,
		1000000, 1152000, 1500000, 2000000, 2500000, 3000000, 3500000, 4000000:
		return true
	}
	return false
}

// withDefaults fills in what was left zero and checks what is set.
func (p Port) withDefaults(proto Protocol) (Port, error) {
	if p.Name == "" {
		return p, errors.New("no serial port given")
	}
	if p.Baud == 0 {
		p.Baud = 9600
		if proto == ProtocolPN532 {
			p.Baud = 115200
		}
	}
	if !supportedBaud(p.Baud) {
		return p, fmt.Errorf("baud rate %d is not supported", p.Baud)
	}
	if p.DataBits == 0 {
		p.DataBits = 8
	}
	if p.DataBits < 5 || p.DataBits > 8 {
		return p, fmt.Errorf("%d data bits: want 5 to 8", p.DataBits)
	}
	if p.Parity == 0 {
		p.Parity = ParityNone
	}
	if p.Parity != ParityNone && p.Parity != ParityEven && p.Parity != ParityOdd {
		return p, fmt.Errorf("parity %q: want none, even or odd", rune(p.Parity))
	}
	if p.StopBits == 0 {
		p.StopBits = 1
	}
	if p.StopBits != 1 && p.StopBits != 2 {
		return p, fmt.Errorf("%d stop bits: want 1 or 2", p.StopBits)
	}
	return p, nil
}

// Backoff is how long a reader waits before it opens a lost port again:
// Min after the first failure, doubling up to Max.
type Backoff struct {
	Min, Max time.Duration
}

// Defaults.
const (
	DefaultBackoffMin   = 250 * time.Millisecond
	DefaultBackoffMax   = 8 * time.Second
	DefaultFrameTimeout = 500 * time.Millisecond
)

// Config configures a Serial reader.
type Config struct {
	Port     Port
	Protocol Protocol
	Line     LineFormat // line and uid: how lines are framed
	UID      UIDFormat  // uid: how a UID is written on a line
	PN532    PN532Options
	// Debounce: the same card again within this window of the last time
	// it was seen counts once. 0 lets every read through.
	Debounce time.Duration
	// FrameTimeout: line and uid drop a line that has had no byte for
	// this long and has no end yet (0: DefaultFrameTimeout), so a cut
	// line does not spoil the next one.
	FrameTimeout time.Duration
	Backoff      Backoff
	Now          func() time.Time // the clock of Read.At; nil: time.Now
	Log          *slog.Logger     // nil: no logs
	// OnReject is called for everything read and not delivered,
	// duplicates included, on Run's goroutine; it must not block.
	OnReject func(Reject)
	// OnStatus is called on Run's goroutine whenever the status changes;
	// it must not block. A UI hands it on to its own goroutine.
	OnStatus func(Status)
}

// State is whether a reader's port is open.
type State uint8

// States.
const (
	Disconnected State = iota
	Connected
)

func (s State) String() string {
	if s == Connected {
		return "connected"
	}
	return "disconnected"
}

// Status is what the UI shows about a reader.
type Status struct {
	State  State
	Port   string    // the port as configured
	Device string    // Connected: the device the port resolved to
	Since  time.Time // when the state began
	// Err is why the port was lost or could not be opened; nil while
	// connected and before the first attempt.
	Err     error
	RetryIn time.Duration // Disconnected with Err: the wait before the next attempt
}

// Serial is a card reader on a serial port. It opens the port, runs the
// protocol, delivers reads, and when the port fails or goes away it
// reopens it with capped exponential backoff, for as long as Run runs.
type Serial struct {
	cfg    Config
	port   Port
	source string
	now    func() time.Time
	log    *slog.Logger
	open   func(Port) (conn, error)
	stats  counters

	// Used only on Run's goroutine.
	debounce Debouncer
	healthy  bool // the current session got somewhere, so the backoff starts over

	mu     sync.Mutex // guards status
	status Status
}

var _ Reader = (*Serial)(nil)

// NewSerial checks c and returns a reader for it.
func NewSerial(c Config) (*Serial, error) {
	if _, err := ParseProtocol(string(c.Protocol)); err != nil {
		return nil, err
	}
	port, err := c.Port.withDefaults(c.Protocol)
	if err != nil {
		return nil, fmt.Errorf("serial reader: %w", err)
	}
	if c.Backoff.Min <= 0 {
		c.Backoff.Min = DefaultBackoffMin
	}
	if c.Backoff.Max < c.Backoff.Min {
		c.Backoff.Max = max(DefaultBackoffMax, c.Backoff.Min)
	}
	if c.FrameTimeout <= 0 {
		c.FrameTimeout = DefaultFrameTimeout
	}
	c.PN532 = c.PN532.withDefaults()
	s := &Serial{
		cfg:      c,
		port:     port,
		source:   string(c.Protocol) + ":" + port.Name,
		now:      c.Now,
		log:      c.Log,
		open:     openSerial,
		debounce: Debouncer{Window: c.Debounce},
		status:   Status{State: Disconnected, Port: port.Name},
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.log = s.log.With("reader", s.source)
	return s, nil
}

// Source is what the reader puts in Read.Source: protocol and port.
func (s *Serial) Source() string { return s.source }

// Port is the port with its defaults filled in.
func (s *Serial) Port() Port { return s.port }

// Status returns the current status.
func (s *Serial) Status() Status {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.status
}

// Stats returns a snapshot of the counters.
func (s *Serial) Stats() Stats { return s.stats.snapshot() }

// Run opens the port and delivers reads on out until ctx ends. Call it
// once at a time.
func (s *Serial) Run(ctx context.Context, out chan<- Read) error {
	delay := s.cfg.Backoff.Min
	everConnected := false
	var lastErr string
	for {
		c, err := s.open(s.port)
		if err == nil {
			if everConnected {
				s.stats.add(func(st *Stats) { st.Reconnects++ })
			}
			everConnected = true
			device := s.port.Name
			if d, err := filepath.EvalSymlinks(device); err == nil {
				device = d
			}
			if lastErr != "" {
				s.log.Info("reader: port back", "port", s.port.String(), "device", device)
			} else {
				s.log.Info("reader: port open", "port", s.port.String(), "device", device)
			}
			lastErr = ""
			s.setStatus(Status{State: Connected, Device: device})
			s.healthy = false
			err = s.session(ctx, c, out)
			c.Close()
			if s.healthy {
				delay = s.cfg.Backoff.Min
			}
		}
		if ctx.Err() != nil {
			s.setStatus(Status{State: Disconnected})
			return nil
		}
		// Say it once per kind of failure, not once per attempt.
		if msg := err.Error(); msg != lastErr {
			s.log.Warn("reader: port unavailable, retrying", "err", err, "retry_in", delay)
			lastErr = msg
		} else {
			s.log.Debug("reader: port still unavailable", "err", err, "retry_in", delay)
		}
		s.setStatus(Status{State: Disconnected, Err: err, RetryIn: delay})
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			s.setStatus(Status{State: Disconnected})
			return nil
		case <-t.C:
		}
		delay = min(2*delay, s.cfg.Backoff.Max)
	}
}

func (s *Serial) setStatus(st Status) {
	st.Port = s.port.Name
	s.mu.Lock()
	if st.State == s.status.State && !s.status.Since.IsZero() {
		st.Since = s.status.Since // still lost since then
	} else {
		st.Since = s.now()
	}
	s.status = st
	s.mu.Unlock()
	if s.cfg.OnStatus != nil {
		s.cfg.OnStatus(st)
	}
}

func (s *Serial) session(ctx context.Context, c conn, out chan<- Read) error {
	switch s.cfg.Protocol {
	case ProtocolPN532:
		return s.runPN532(ctx, c, out)
	case ProtocolUID:
		return s.runLines(ctx, c, out, func(line []byte) (Read, error) {
			u, err := ParseUIDLine(line, s.cfg.UID)
			return Read{Chip: u}, err
		})
	default:
		return s.runLines(ctx, c, out, func(line []byte) (Read, error) {
			n, err := ParseNumberLine(line)
			return Read{Number: n}, err
		})
	}
}

// runLines reads lines until the port fails or ctx ends.
func (s *Serial) runLines(ctx context.Context, c conn, out chan<- Read, decode func([]byte) (Read, error)) error {
	sp := NewSplitter(s.cfg.Line)
	buf := make([]byte, 512)
	var last time.Time
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, err := c.Read(buf)
		if n > 0 {
			s.healthy = true
			last = time.Now()
			sp.Write(buf[:n])
			for {
				l, ok := sp.Next()
				if !ok {
					break
				}
				if l.Reason != "" {
					s.reject(l.Reason, l.Detail, l.Raw)
					continue
				}
				r, derr := decode(l.Data)
				if derr != nil {
					s.reject(ReasonOf(derr), detailOf(derr), l.Raw)
					continue
				}
				if err := s.deliver(ctx, out, r); err != nil {
					return err
				}
			}
		}
		if err != nil {
			if l, ok := sp.Reset(); ok {
				s.reject(l.Reason, l.Detail, l.Raw)
			}
			return err
		}
		if n == 0 && sp.Pending() > 0 && time.Since(last) >= s.cfg.FrameTimeout {
			if l, ok := sp.Reset(); ok {
				s.reject(l.Reason, l.Detail, l.Raw)
			}
		}
	}
}

// deliver hands r on unless it repeats the last card within the
// debounce window.
func (s *Serial) deliver(ctx context.Context, out chan<- Read, r Read) error {
	r.Source, r.At = s.source, s.now()
	if s.debounce.Duplicate(r) {
		s.reject(ReasonDuplicate, "the same card again within the debounce window", []byte(r.String()))
		return nil
	}
	// Counted before the hand-over, so a receiver that looks at Stats
	// right after it got the read sees it counted.
	s.stats.add(func(st *Stats) { st.Accepted++ })
	select {
	case out <- r:
	case <-ctx.Done():
		s.stats.add(func(st *Stats) { st.Accepted-- })
		return ctx.Err()
	}
	s.log.Debug("reader: read", "read", r.String())
	return nil
}

// reject counts, logs and reports input that is not delivered.
func (s *Serial) reject(r Reason, detail string, raw []byte) {
	if r == ReasonDuplicate {
		s.stats.add(func(st *Stats) { st.Duplicates++ })
		s.log.Debug("reader: duplicate skipped", "detail", detail)
	} else {
		s.stats.reject(r)
		s.log.Warn("reader: input rejected", "reason", r, "detail", detail, "raw", fmt.Sprintf("%q", raw))
	}
	if s.cfg.OnReject != nil {
		s.cfg.OnReject(Reject{Reason: r, Detail: detail, Raw: raw, Source: s.source, At: s.now()})
	}
}

// conn is an open port. Read returns 0, nil when nothing came within
// the port's read timeout, so a session can look at its context and its
// deadlines between reads.
type conn interface {
	io.Reader
	io.Writer
	Close() error
}

// readTimeout is how long one read waits for a byte: the finest a serial
// port's VTIME can do. It bounds how late a session notices that its
// context ended.
const readTimeout = 100 * time.Millisecond

// errHangup says the port went away: a hung-up tty (an unplugged USB
// adapter, a closed pty) answers every read at once with nothing.
var errHangup = errors.New("the port hung up (unplugged?)")

// serialConn is a port opened with the serial package.
type serialConn struct {
	p     *serial.Port
	name  string
	quick int // reads in a row that returned nothing long before the timeout
}

func openSerial(p Port) (conn, error) {
	sp, err := serial.OpenPort(&serial.Config{
		Name:        p.Name,
		Baud:        p.Baud,
		ReadTimeout: readTimeout,
		Size:        byte(p.DataBits),
		Parity:      serial.Parity(p.Parity),
		StopBits:    serial.StopBits(p.StopBits),
	})
	if err != nil {
		return nil, named("open", p.Name, err)
	}
	// Whatever the port held from before is stale.
	_ = sp.Flush()
	return &serialConn{p: sp, name: p.Name}, nil
}

func (c *serialConn) Read(b []byte) (int, error) {
	start := time.Now()
	n, err := c.p.Read(b)
	if n > 0 {
		c.quick = 0
		return n, nil
	}
	// The serial package reports a read timeout as io.EOF.
	if err == nil || errors.Is(err, io.EOF) {
		if time.Since(start) < readTimeout/2 {
			if c.quick++; c.quick >= 3 {
				return 0, fmt.Errorf("read %s: %w", c.name, errHangup)
			}
		} else {
			c.quick = 0
		}
		return 0, nil
	}
	return 0, named("read", c.name, err)
}

func (c *serialConn) Write(b []byte) (int, error) {
	n, err := c.p.Write(b)
	if err != nil {
		return n, named("write", c.name, err)
	}
	return n, nil
}

func (c *serialConn) Close() error { return c.p.Close() }

// named wraps err with the operation and the port, unless it already
// says them (errors from os do).
func named(op, name string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return err
	}
	return fmt.Errorf("%s %s: %w", op, name, err)
}

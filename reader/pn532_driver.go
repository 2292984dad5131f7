package reader

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// PN532Options tunes the PN532 driver; zero fields take the defaults.
type PN532Options struct {
	// AckTimeout: how long the PN532 may take to ACK a command (200 ms).
	AckTimeout time.Duration
	// ResponseTimeout: how long a command other than a poll may take to
	// answer after its ACK (1 s).
	ResponseTimeout time.Duration
	// PollTimeout: how long one InListPassiveTarget waits for a card
	// before it is aborted and sent again (1 s). Each new poll also
	// checks that the PN532 still answers.
	PollTimeout time.Duration
	// PollInterval: the pause after a card was read before the next poll
	// (150 ms), so a card on the reader is not hammered.
	PollInterval time.Duration
	// Retries: attempts per command, and NACKs per response, before the
	// port is given up and reopened (3).
	Retries int
}

func (o PN532Options) withDefaults() PN532Options {
	if o.AckTimeout <= 0 {
		o.AckTimeout = 200 * time.Millisecond
	}
	if o.ResponseTimeout <= 0 {
		o.ResponseTimeout = time.Second
	}
	if o.PollTimeout <= 0 {
		o.PollTimeout = time.Second
	}
	if o.PollInterval <= 0 {
		o.PollInterval = 150 * time.Millisecond
	}
	if o.Retries <= 0 {
		o.Retries = 3
	}
	return o
}

// appendWakeUp appends what wakes a PN532 from power-down on its HSU: 0x55 0x55 then
// zeros long enough for its oscillator to start, as the user manual's HSU
// section asks; the first command follows at once.
func appendWakeUp(dst []byte) []byte {
	dst = append(dst, 0x55, 0x55)
	for range 14 {
		dst = append(dst, 0x00)
	}
	return dst
}

// Errors of one PN532 exchange.
var (
	errTimeout = errors.New("pn532: no answer in time")
	errIdle    = errors.New("pn532: no card in the field")
	errNACK    = errors.New("pn532: asked for the command again")
	errRefused = errors.New("pn532: refused the command")
)

// pn532Session is one run of the protocol on an open port.
type pn532Session struct {
	s    *Serial
	c    conn
	o    PN532Options
	d    PN532Decoder
	buf  []byte
	sent [256]bool // commands sent this session, to tell a late response from a wrong one
	busy bool      // a command was sent and is not answered or aborted yet
}

// stale reports whether f is the response to a command sent earlier: a
// retried command answered twice, or a poll answered just as it was
// aborted. It carries nothing the next exchange needs.
func (p *pn532Session) stale(f PN532Frame) bool {
	if f.TFI != TFIPN532 || len(f.Data) == 0 || !p.sent[f.Data[0]-1] {
		return false
	}
	p.s.log.Debug("reader: pn532 late response dropped", "code", fmt.Sprintf("%#02x", f.Data[0]))
	return true
}

// runPN532 wakes the PN532, sets it up and polls for cards until the
// port fails, the PN532 stops answering, or ctx ends.
func (s *Serial) runPN532(ctx context.Context, c conn, out chan<- Read) error {
	p := &pn532Session{s: s, c: c, o: s.cfg.PN532, buf: make([]byte, 512)}
	defer func() {
		// Leave no poll running in the PN532 for the next session to trip on.
		if p.busy {
			p.c.Write(AppendPN532ACK(nil))
		}
	}()
	// SAMConfiguration: normal mode (no SAM), timeout 1 s (0x14 x 50 ms),
	// IRQ pin used. It also wakes a PN532 that was powered down.
	if _, err := p.exchange(ctx, CmdSAMConfiguration, []byte{0x01, 0x14, 0x01}, p.o.ResponseTimeout, true, false); err != nil {
		return fmt.Errorf("pn532 setup: %w", err)
	}
	s.healthy = true
	s.log.Info("reader: pn532 ready")
	for {
		// MaxTg 1, BrTy 0x00: one ISO/IEC 14443 type A target at 106 kbps.
		data, err := p.exchange(ctx, CmdInListPassiveTarget, []byte{0x01, 0x00}, p.o.PollTimeout, false, true)
		if errors.Is(err, errIdle) {
			continue
		}
		if err != nil {
			return fmt.Errorf("pn532 poll: %w", err)
		}
		uid, err := ParseTargetUID(data)
		if errors.Is(err, ErrNoTarget) {
			continue
		}
		if err != nil {
			s.reject(ReasonOf(err), detailOf(err), clip(data))
			continue
		}
		if err := s.deliver(ctx, out, Read{Chip: uid}); err != nil {
			return err
		}
		t := time.NewTimer(p.o.PollInterval)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// exchange sends a command and returns the data of its response (from
// the response code on). A command that is not ACKed, is NACKed or is
// refused with an error frame is sent again, up to Retries times; a
// response with a bad checksum is asked again with a NACK, up to Retries
// times, and never used. With idleOK, a response that does not come
// within timeout is no failure: the command is aborted with an ACK and
// errIdle returned, which is how a poll without a card ends.
func (p *pn532Session) exchange(ctx context.Context, cmd byte, params []byte, timeout time.Duration, wake, idleOK bool) ([]byte, error) {
	frame := AppendPN532Frame(nil, TFIHost, append([]byte{cmd}, params...))
	if wake {
		frame = append(appendWakeUp(nil), frame...)
	}
	var last error
	for attempt := range p.o.Retries {
		if attempt > 0 {
			p.s.stats.add(func(st *Stats) { st.Retries++ })
			p.s.log.Debug("reader: pn532 command again", "cmd", fmt.Sprintf("%#02x", cmd), "after", last)
		}
		if _, err := p.c.Write(frame); err != nil {
			return nil, err
		}
		p.sent[cmd], p.busy = true, true
		err := p.awaitACK(ctx)
		if err == nil {
			var data []byte
			data, err = p.awaitResponse(ctx, cmd, timeout)
			if err == nil {
				p.busy = false
				return data, nil
			}
			if errors.Is(err, errTimeout) && idleOK {
				return nil, p.abort()
			}
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if !errors.Is(err, errTimeout) && !errors.Is(err, errNACK) && !errors.Is(err, errRefused) {
			return nil, err // the port itself failed
		}
		last = err
	}
	return nil, fmt.Errorf("command %#02x: %w (%d attempts)", cmd, last, p.o.Retries)
}

// abort cancels the command in progress, as the user manual says an ACK
// from the host does, and drops whatever the PN532 had sent.
func (p *pn532Session) abort() error {
	if _, err := p.c.Write(AppendPN532ACK(nil)); err != nil {
		return err
	}
	p.busy = false
	p.d.Reset()
	return errIdle
}

// awaitACK waits for the PN532 to acknowledge a command.
func (p *pn532Session) awaitACK(ctx context.Context) error {
	deadline := time.Now().Add(p.o.AckTimeout)
	for {
		f, err := p.next(ctx, deadline)
		if err != nil {
			return err
		}
		switch f.Kind {
		case FrameACK:
			return nil
		case FrameNACK:
			return errNACK
		case FrameError:
			p.s.reject(ReasonPN532Error, "error frame instead of an ACK", nil)
			return errRefused
		case FrameInfo:
			// A card in a late poll response is seen again by the next poll.
			if !p.stale(f) {
				p.s.reject(ReasonUnexpected, fmt.Sprintf("frame TFI %#02x code %#x while waiting for an ACK", f.TFI, first(f.Data)), clip(f.Data))
			}
		default:
			p.s.reject(f.Reason, f.Detail, f.Raw)
		}
	}
}

// awaitResponse waits for the response to cmd, asking again with a NACK
// when one arrives damaged.
func (p *pn532Session) awaitResponse(ctx context.Context, cmd byte, timeout time.Duration) ([]byte, error) {
	deadline := time.Now().Add(timeout)
	nacks := 0
	for {
		f, err := p.next(ctx, deadline)
		if err != nil {
			return nil, err
		}
		switch f.Kind {
		case FrameInfo:
			if f.TFI == TFIPN532 && len(f.Data) > 0 && f.Data[0] == cmd+1 {
				return f.Data, nil
			}
			if p.stale(f) {
				continue
			}
			p.s.reject(ReasonUnexpected, fmt.Sprintf("frame TFI %#02x code %#x while waiting for the response to %#02x", f.TFI, first(f.Data), cmd), clip(f.Data))
		case FrameError:
			p.s.reject(ReasonPN532Error, "error frame instead of a response", nil)
			return nil, errRefused
		case FrameNACK:
			return nil, errNACK
		case FrameACK:
			// A second ACK carries nothing.
		default:
			p.s.reject(f.Reason, f.Detail, f.Raw)
			if f.Reason != ReasonLengthChecksum && f.Reason != ReasonDataChecksum && f.Reason != ReasonFrameLength {
				continue // stray bytes; the response may still come
			}
			if nacks == p.o.Retries {
				return nil, fmt.Errorf("%w: response damaged %d times", errTimeout, nacks+1)
			}
			nacks++
			p.s.stats.add(func(st *Stats) { st.Retries++ })
			if _, err := p.c.Write(AppendPN532NACK(nil)); err != nil {
				return nil, err
			}
			deadline = time.Now().Add(p.o.AckTimeout + timeout)
		}
	}
}

func first(b []byte) int {
	if len(b) == 0 {
		return -1
	}
	return int(b[0])
}

// next returns the next frame before deadline, reading the port as
// needed.
func (p *pn532Session) next(ctx context.Context, deadline time.Time) (PN532Frame, error) {
	for {
		if f, ok := p.d.Next(); ok {
			return f, nil
		}
		if err := ctx.Err(); err != nil {
			return PN532Frame{}, err
		}
		if !time.Now().Before(deadline) {
			return PN532Frame{}, errTimeout
		}
		n, err := p.c.Read(p.buf)
		if err != nil {
			return PN532Frame{}, err
		}
		p.d.Write(p.buf[:n])
	}
}

package reader

import (
	"bytes"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

// emulator is a PN532 on the far side of a pty. It answers the frame
// sequence a real one does: ACK to every command, then the response;
// the response again on a NACK; an InListPassiveTarget stays pending
// until a card is presented or the host aborts it with an ACK.
type emulator struct {
	dev   *device
	cards chan []byte // UIDs presented, one per poll

	corrupt atomic.Int32 // card responses still to send with a broken data checksum
	ignore  atomic.Int32 // commands still to leave without any answer
	refuse  atomic.Int32 // commands still to answer with an error frame
	twice   atomic.Int32 // commands still to answer twice, as after a retry crossed a slow answer
	woken   atomic.Int32 // wake-up sequences seen
	nacks   atomic.Int32 // NACKs from the host
	events  chan string  // "wake", "ack", "nack", "abort", "cmd 14", "cmd 4a"
}

func newEmulator(t *testing.T) *emulator {
	t.Helper()
	e := &emulator{dev: newDevice(t), cards: make(chan []byte, 10), events: make(chan string, 1000)}
	go e.serve()
	return e
}

func (e *emulator) note(s string) {
	select {
	case e.events <- s:
	default:
	}
}

// await waits until the host did what is named.
func (e *emulator) await(t *testing.T, what string) {
	t.Helper()
	timeout := time.After(wait)
	for {
		select {
		case ev := <-e.events:
			if ev == what {
				return
			}
		case <-timeout:
			t.Fatalf("the host did not %s within %v", what, wait)
		}
	}
}

func (e *emulator) write(p []byte) { e.dev.master.Write(p) }

func targetResponse(uid []byte) []byte {
	// Tg 1, SENS_RES 00 04 (or 00 44 for a double-size UID), SEL_RES 08.
	sens := byte(0x04)
	if len(uid) > 4 {
		sens = 0x44
	}
	data := append([]byte{CmdInListPassiveTarget + 1, 0x01, 0x01, 0x00, sens, 0x08, byte(len(uid))}, uid...)
	return AppendPN532Frame(nil, TFIPN532, data)
}

func (e *emulator) serve() {
	chunks := make(chan []byte)
	go func() {
		defer close(chunks)
		buf := make([]byte, 512)
		for {
			n, err := e.dev.master.Read(buf)
			if err != nil {
				return
			}
			chunks <- bytes.Clone(buf[:n])
		}
	}()
	var d PN532Decoder
	var last []byte // the last response, for a NACK
	polling := false
	for {
		var cards chan []byte
		if polling {
			cards = e.cards
		}
		select {
		case c, ok := <-chunks:
			if !ok {
				return
			}
			d.Write(c)
			for {
				f, ok := d.Next()
				if !ok {
					break
				}
				switch f.Kind {
				case FrameInvalid:
					if f.Reason == ReasonGarbage && bytes.HasPrefix(f.Raw, []byte{0x55, 0x55}) {
						e.woken.Add(1)
						e.note("wake")
					}
				case FrameACK:
					e.note("ack")
					if polling {
						polling = false
						e.note("abort")
					}
				case FrameNACK:
					e.nacks.Add(1)
					e.note("nack")
					e.write(last)
				case FrameInfo:
					if f.TFI != TFIHost || len(f.Data) == 0 {
						continue
					}
					if e.ignore.Load() > 0 {
						e.ignore.Add(-1)
						continue
					}
					e.write(AppendPN532ACK(nil))
					if e.refuse.Load() > 0 {
						e.refuse.Add(-1)
						e.write([]byte{0x00, 0x00, 0xFF, 0x01, 0xFF, 0x7F, 0x81, 0x00})
						continue
					}
					switch f.Data[0] {
					case CmdSAMConfiguration:
						e.note("cmd 14")
						last = AppendPN532Frame(nil, TFIPN532, []byte{CmdSAMConfiguration + 1})
						e.write(last)
						if e.twice.Load() > 0 {
							e.twice.Add(-1)
							e.write(AppendPN532ACK(nil))
							e.write(last)
						}
					case CmdInListPassiveTarget:
						e.note("cmd 4a")
						polling = true
					}
				}
			}
		case uid := <-cards:
			polling = false
			last = targetResponse(uid)
			out := last
			if e.corrupt.Load() > 0 {
				e.corrupt.Add(-1)
				out = bytes.Clone(last)
				out[len(out)-3] ^= 0x5A // a UID byte; the checksum no longer adds up
			}
			e.write(out)
		}
	}
}

func fastPN532() PN532Options {
	return PN532Options{AckTimeout: 250 * time.Millisecond, ResponseTimeout: 500 * time.Millisecond,
		PollTimeout: 300 * time.Millisecond, PollInterval: 10 * time.Millisecond, Retries: 2}
}

func startPN532(t *testing.T, e *emulator) *harness {
	t.Helper()
	return start(t, Config{Port: Port{Name: e.dev.path}, Protocol: ProtocolPN532, PN532: fastPN532()})
}

func TestPN532_ReadsCards(t *testing.T) {
	e := newEmulator(t)
	h := startPN532(t, e)
	e.await(t, "cmd 14")
	e.cards <- []byte{0x04, 0xA2, 0x2B, 0x1A}
	if r := h.read(t); r.Chip != "04A22B1A" || r.Number != "" || r.Source != "pn532:"+e.dev.path {
		t.Errorf("read = %+v, want chip 04A22B1A", r)
	}
	e.cards <- []byte{0x04, 0x52, 0x6B, 0x2A, 0x9C, 0x5D, 0x80}
	if r := h.read(t); r.Chip != "04526B2A9C5D80" {
		t.Errorf("read = %+v, want chip 04526B2A9C5D80", r)
	}
	if e.woken.Load() < 1 {
		t.Error("the PN532 was never woken up")
	}
	if st := h.s.Stats(); st.Accepted != 2 || st.RejectedTotal() != 0 {
		t.Errorf("stats = %v", st)
	}
}

// TestPN532_BadChecksumRetried: a response damaged on the line is asked
// again with a NACK; the damaged UID is never delivered.
func TestPN532_BadChecksumRetried(t *testing.T) {
	e := newEmulator(t)
	e.corrupt.Store(1)
	h := startPN532(t, e)
	e.cards <- []byte{0x04, 0xA2, 0x2B, 0x1A}
	if r := h.read(t); r.Chip != "04A22B1A" {
		t.Errorf("read = %+v, want the UID as the card has it", r)
	}
	if rj := h.reject(t); rj.Reason != ReasonDataChecksum {
		t.Errorf("reject %q, want data_checksum", rj.Reason)
	}
	h.noRead(t)
	st := h.s.Stats()
	if st.Accepted != 1 || st.Rejected[ReasonDataChecksum] != 1 || st.Retries != 1 || e.nacks.Load() != 1 {
		t.Errorf("stats = %v, NACKs %d; want 1 accepted, 1 data_checksum, 1 retry, 1 NACK", st, e.nacks.Load())
	}
}

// TestPN532_IdlePollAborted: with no card, a poll is aborted with an ACK
// after PollTimeout and sent again; that is no failure.
func TestPN532_IdlePollAborted(t *testing.T) {
	e := newEmulator(t)
	h := startPN532(t, e)
	e.await(t, "abort")
	e.await(t, "cmd 4a")
	e.cards <- []byte{0x04, 0xA2, 0x2B, 0x1A}
	if r := h.read(t); r.Chip != "04A22B1A" {
		t.Errorf("read = %+v", r)
	}
	if st := h.s.Stats(); st.RejectedTotal() != 0 || st.Retries != 0 || st.Reconnects != 0 {
		t.Errorf("stats = %v, want nothing wrong", st)
	}
}

// TestPN532_SilentThenAnswers: a command that gets no ACK is sent again.
func TestPN532_SilentThenAnswers(t *testing.T) {
	e := newEmulator(t)
	e.ignore.Store(1)
	h := startPN532(t, e)
	e.cards <- []byte{0x04, 0xA2, 0x2B, 0x1A}
	if r := h.read(t); r.Chip != "04A22B1A" {
		t.Errorf("read = %+v", r)
	}
	if st := h.s.Stats(); st.Retries != 1 || e.woken.Load() != 2 {
		t.Errorf("stats = %v, woken %d; want 1 retry and the wake-up sent again", st, e.woken.Load())
	}
}

// TestPN532_ErrorFrameRetried: an application error frame is rejected
// and the command sent again.
func TestPN532_ErrorFrameRetried(t *testing.T) {
	e := newEmulator(t)
	e.refuse.Store(1)
	h := startPN532(t, e)
	e.cards <- []byte{0x04, 0xA2, 0x2B, 0x1A}
	if r := h.read(t); r.Chip != "04A22B1A" {
		t.Errorf("read = %+v", r)
	}
	if st := h.s.Stats(); st.Rejected[ReasonPN532Error] != 1 || st.Retries != 1 {
		t.Errorf("stats = %v, want 1 pn532_error and 1 retry", st)
	}
}

// TestPN532_DeadReopened: a PN532 that never answers makes the driver
// give the port up, say so, and open it again until it does answer.
func TestPN532_DeadReopened(t *testing.T) {
	e := newEmulator(t)
	e.ignore.Store(1000)
	h := startPN532(t, e)
	st := h.waitState(t, Disconnected)
	if st.Err == nil || !errors.Is(st.Err, errTimeout) {
		t.Errorf("status = %+v, want the PN532's silence as the error", st)
	}
	e.ignore.Store(0)
	h.waitState(t, Connected)
	e.cards <- []byte{0x04, 0xA2, 0x2B, 0x1A}
	if r := h.read(t); r.Chip != "04A22B1A" {
		t.Errorf("read = %+v", r)
	}
	if st := h.s.Stats(); st.Reconnects < 1 {
		t.Errorf("stats = %v, want a reconnect", st)
	}
}

// TestPN532_LateResponseDropped: a response that comes again after its
// command was done with is protocol noise, not a rejected frame.
func TestPN532_LateResponseDropped(t *testing.T) {
	e := newEmulator(t)
	e.twice.Store(1)
	h := startPN532(t, e)
	e.cards <- []byte{0x04, 0xA2, 0x2B, 0x1A}
	if r := h.read(t); r.Chip != "04A22B1A" {
		t.Errorf("read = %+v", r)
	}
	if st := h.s.Stats(); st.RejectedTotal() != 0 || st.Retries != 0 {
		t.Errorf("stats = %v, want nothing rejected", st)
	}
}

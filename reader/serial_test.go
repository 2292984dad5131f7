package reader

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/creack/pty"
)

// wait bounds every wait in these tests; a healthy run needs a fraction.
const wait = 5 * time.Second

// device is a pseudo-terminal standing in for a reader: the test writes
// to master what the reader sends, and the driver opens the slave by its
// path, exactly as it opens /dev/ttyACM0.
type device struct {
	master *os.File
	tty    *os.File // held open so the master never reads EIO before the driver opens the slave
	path   string
	once   sync.Once
}

func newDevice(t testing.TB) *device {
	t.Helper()
	m, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	d := &device{master: m, tty: tty, path: tty.Name()}
	t.Cleanup(d.unplug)
	return d
}

// unplug closes both ends, as pulling the USB plug does.
func (d *device) unplug() {
	d.once.Do(func() {
		d.master.Close()
		d.tty.Close()
	})
}

func (d *device) send(t testing.TB, s string) {
	t.Helper()
	if _, err := d.master.Write([]byte(s)); err != nil {
		t.Fatalf("write to the pty: %v", err)
	}
}

// link makes a stable name for the device, as udev does in
// /dev/serial/by-id, or points it at another device.
func link(t *testing.T, name string, d *device) {
	t.Helper()
	tmp := name + ".new"
	os.Remove(tmp)
	if err := os.Symlink(d.path, tmp); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, name); err != nil {
		t.Fatal(err)
	}
}

// harness runs a Serial and collects what it reports.
type harness struct {
	s       *Serial
	reads   chan Read
	status  chan Status
	rejects chan Reject
	cancel  context.CancelFunc
	done    chan error
}

func start(t testing.TB, cfg Config) *harness {
	t.Helper()
	h := &harness{
		reads:   make(chan Read, 100),
		status:  make(chan Status, 1000),
		rejects: make(chan Reject, 1000),
		done:    make(chan error, 1),
	}
	cfg.OnStatus = func(s Status) {
		select {
		case h.status <- s:
		default:
			t.Error("status channel full")
		}
	}
	cfg.OnReject = func(r Reject) {
		select {
		case h.rejects <- r:
		default:
			t.Error("reject channel full")
		}
	}
	if cfg.Backoff.Min == 0 {
		cfg.Backoff = Backoff{Min: 10 * time.Millisecond, Max: 80 * time.Millisecond}
	}
	s, err := NewSerial(cfg)
	if err != nil {
		t.Fatal(err)
	}
	h.s = s
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	go func() { h.done <- s.Run(ctx, h.reads) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-h.done:
			if err != nil {
				t.Errorf("Run: %v", err)
			}
		case <-time.After(wait):
			t.Error("Run did not return after its context ended")
		}
	})
	return h
}

func (h *harness) waitState(t testing.TB, want State) Status {
	t.Helper()
	timeout := time.After(wait)
	for {
		select {
		case s := <-h.status:
			if s.State == want && (want == Connected || s.Err != nil) {
				return s
			}
		case <-timeout:
			t.Fatalf("no %v status within %v; now %+v", want, wait, h.s.Status())
		}
	}
}

func (h *harness) read(t testing.TB) Read {
	t.Helper()
	select {
	case r := <-h.reads:
		return r
	case <-time.After(wait):
		t.Fatalf("no read within %v; stats %v", wait, h.s.Stats())
	}
	return Read{}
}

func (h *harness) reject(t *testing.T) Reject {
	t.Helper()
	select {
	case r := <-h.rejects:
		return r
	case <-time.After(wait):
		t.Fatalf("no reject within %v; stats %v", wait, h.s.Stats())
	}
	return Reject{}
}

// noRead checks that nothing was delivered beyond what was read.
func (h *harness) noRead(t *testing.T) {
	t.Helper()
	select {
	case r := <-h.reads:
		t.Errorf("unexpected read %v", r)
	default:
	}
}

// clock is a settable clock for Read.At and debouncing.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func TestSerial_Line(t *testing.T) {
	dev := newDevice(t)
	clk := newClock()
	h := start(t, Config{Port: Port{Name: dev.path}, Protocol: ProtocolLine, Now: clk.Now})
	st := h.waitState(t, Connected)
	if st.Device != dev.path {
		t.Errorf("Device = %q, want %q", st.Device, dev.path)
	}
	dev.send(t, "0900000095902\r\n")
	r := h.read(t)
	if r.Number != "0900000095902" || r.Chip != "" || r.Source != "line:"+dev.path || !r.At.Equal(clk.Now()) {
		t.Errorf("read = %+v", r)
	}

	// Rejected lines come out as rejects, in order, and never as reads.
	dev.send(t, "0900000095903\r")   // wrong check digit
	dev.send(t, "#garbage#\n")       // not digits
	dev.send(t, "1000000520006\r\n") // fine
	for _, want := range []Reason{"card_number_check", "card_number_chars"} {
		if rj := h.reject(t); rj.Reason != want {
			t.Errorf("reject %q (%s), want %q", rj.Reason, rj.Raw, want)
		}
	}
	if r := h.read(t); r.Number != "1000000520006" {
		t.Errorf("read = %v, want 1000000520006", r)
	}
	h.noRead(t)
	st2 := h.s.Stats()
	if st2.Accepted != 2 || st2.Rejected["card_number_check"] != 1 || st2.Rejected["card_number_chars"] != 1 || st2.RejectedTotal() != 2 {
		t.Errorf("stats = %v", st2)
	}
}

func TestSerial_LineSTXETXPrefix(t *testing.T) {
	dev := newDevice(t)
	h := start(t, Config{Port: Port{Name: dev.path, Baud: 19200, Parity: ParityEven, StopBits: 2, DataBits: 7}, Protocol: ProtocolLine,
		Line: LineFormat{STXETX: true, Prefix: "A"}})
	h.waitState(t, Connected)
	dev.send(t, "\x02A0900000095902\x03\r\nnoise\x02B1000000520006\x03")
	if r := h.read(t); r.Number != "0900000095902" {
		t.Errorf("read = %v", r)
	}
	for _, want := range []Reason{ReasonOutsideFrame, ReasonPrefix} {
		if rj := h.reject(t); rj.Reason != want {
			t.Errorf("reject %q (%q), want %q", rj.Reason, rj.Raw, want)
		}
	}
}

func TestSerial_PartialLineTimesOut(t *testing.T) {
	dev := newDevice(t)
	h := start(t, Config{Port: Port{Name: dev.path}, Protocol: ProtocolLine, FrameTimeout: 150 * time.Millisecond})
	h.waitState(t, Connected)
	// A scan cut off halfway, then a good one: the half must not spoil it.
	dev.send(t, "0900000")
	if rj := h.reject(t); rj.Reason != ReasonPartial || string(rj.Raw) != "0900000" {
		t.Errorf("reject %q %q, want partial 0900000", rj.Reason, rj.Raw)
	}
	dev.send(t, "0900000095902\r")
	if r := h.read(t); r.Number != "0900000095902" {
		t.Errorf("read = %v", r)
	}
}

func TestSerial_Debounce(t *testing.T) {
	dev := newDevice(t)
	clk := newClock()
	h := start(t, Config{Port: Port{Name: dev.path}, Protocol: ProtocolLine, Now: clk.Now, Debounce: time.Second})
	h.waitState(t, Connected)
	dev.send(t, "0900000095902\r")
	h.read(t)
	clk.Add(400 * time.Millisecond)
	dev.send(t, "0900000095902\r") // the scanner saw it again
	if rj := h.reject(t); rj.Reason != ReasonDuplicate {
		t.Errorf("reject %q, want duplicate", rj.Reason)
	}
	clk.Add(2 * time.Second)
	dev.send(t, "0900000095902\r") // shown again on purpose
	if r := h.read(t); r.Number != "0900000095902" {
		t.Errorf("read = %v", r)
	}
	h.noRead(t)
	if st := h.s.Stats(); st.Accepted != 2 || st.Duplicates != 1 || st.RejectedTotal() != 0 {
		t.Errorf("stats = %v, want 2 accepted, 1 duplicate, 0 rejected", st)
	}
}

func TestSerial_UID(t *testing.T) {
	dev := newDevice(t)
	h := start(t, Config{Port: Port{Name: dev.path}, Protocol: ProtocolUID, UID: UIDFormat{Prefix: "UID:", Reverse: true}})
	h.waitState(t, Connected)
	dev.send(t, "RFID reader ready\r\nUID: 1A 2B A2 04\r\nUID: 0102\r\n")
	r := h.read(t)
	if r.Chip != "04A22B1A" || r.Number != "" || r.Source != "uid:"+dev.path {
		t.Errorf("read = %+v, want chip 04A22B1A", r)
	}
	for _, want := range []Reason{ReasonPrefix, "chip_uid_length"} {
		if rj := h.reject(t); rj.Reason != want {
			t.Errorf("reject %q (%q), want %q", rj.Reason, rj.Raw, want)
		}
	}
}

// TestSerial_Replug pulls the reader out and puts another one in: the
// driver sees the port hang up, says so, and finds the new device
// behind the same stable name, as /dev/serial/by-id links behave.
func TestSerial_Replug(t *testing.T) {
	byID := filepath.Join(t.TempDir(), "usb-Datalogic_Scanner_1234-if00")
	dev1 := newDevice(t)
	link(t, byID, dev1)
	h := start(t, Config{Port: Port{Name: byID}, Protocol: ProtocolLine})
	if st := h.waitState(t, Connected); st.Device != dev1.path || st.Port != byID {
		t.Errorf("status = %+v, want %s via %s", st, dev1.path, byID)
	}
	dev1.send(t, "0900000095902\r")
	h.read(t)

	dev1.unplug()
	lost := h.waitState(t, Disconnected)
	if lost.Err == nil || lost.RetryIn <= 0 {
		t.Errorf("lost status = %+v, want an error and a retry delay", lost)
	}
	// The retries fail while nothing is plugged in.
	if again := h.waitState(t, Disconnected); !errors.Is(again.Err, fs.ErrNotExist) || !again.Since.Equal(lost.Since) {
		t.Errorf("retry status = %+v (err %v), want the device missing since %v", again, again.Err, lost.Since)
	}

	dev2 := newDevice(t)
	link(t, byID, dev2)
	if st := h.waitState(t, Connected); st.Device != dev2.path {
		t.Errorf("Device = %q, want the new device %q", st.Device, dev2.path)
	}
	dev2.send(t, "1000000520006\r")
	if r := h.read(t); r.Number != "1000000520006" {
		t.Errorf("read = %v, want 1000000520006", r)
	}
	st := h.s.Stats()
	if st.Reconnects != 1 || st.Accepted != 2 {
		t.Errorf("stats = %v, want 1 reconnect, 2 accepted", st)
	}
}

func TestSerial_MissingAtStart(t *testing.T) {
	byID := filepath.Join(t.TempDir(), "usb-not-plugged-in")
	h := start(t, Config{Port: Port{Name: byID}, Protocol: ProtocolLine})
	if st := h.waitState(t, Disconnected); !errors.Is(st.Err, fs.ErrNotExist) {
		t.Errorf("status = %+v, want the port missing", st)
	}
	dev := newDevice(t)
	link(t, byID, dev)
	h.waitState(t, Connected)
	if st := h.s.Stats(); st.Reconnects != 0 {
		t.Errorf("Reconnects = %d, want 0: the first connection is no reconnection", st.Reconnects)
	}
}

func TestNewSerial_Refuses(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
	}{
		{"no port", Config{Protocol: ProtocolLine}},
		{"no protocol", Config{Port: Port{Name: "/dev/ttyUSB0"}}},
		{"odd baud", Config{Port: Port{Name: "/dev/ttyUSB0", Baud: 9601}, Protocol: ProtocolLine}},
		{"mark parity", Config{Port: Port{Name: "/dev/ttyUSB0", Parity: 'M'}, Protocol: ProtocolLine}},
		{"3 stop bits", Config{Port: Port{Name: "/dev/ttyUSB0", StopBits: 3}, Protocol: ProtocolLine}},
		{"9 data bits", Config{Port: Port{Name: "/dev/ttyUSB0", DataBits: 9}, Protocol: ProtocolLine}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewSerial(tt.cfg); err == nil {
				t.Error("no error")
			}
		})
	}
	s, err := NewSerial(Config{Port: Port{Name: "/dev/ttyUSB0"}, Protocol: ProtocolPN532})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := s.Port().String(), "/dev/ttyUSB0 115200 8N1"; got != want {
		t.Errorf("Port() = %q, want %q", got, want)
	}
}

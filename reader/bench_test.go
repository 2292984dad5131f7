package reader

import (
	"slices"
	"testing"
	"time"
)

// The decoding benchmarks measure the cost of one read from bytes to a
// validated card read, framing included; the target is 50 µs.

func BenchmarkDecodeLine(b *testing.B) {
	s := NewSplitter(LineFormat{})
	in := []byte("0900000095902\r\n")
	b.ReportAllocs()
	for b.Loop() {
		s.Write(in)
		l, ok := s.Next()
		if !ok {
			b.Fatal("no line")
		}
		if _, err := ParseNumberLine(l.Data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeLineSTXETX(b *testing.B) {
	s := NewSplitter(LineFormat{STXETX: true, Prefix: "]E0"})
	in := []byte("\x02]E00900000095902\x03\r\n")
	b.ReportAllocs()
	for b.Loop() {
		s.Write(in)
		l, ok := s.Next()
		if !ok {
			b.Fatal("no line")
		}
		if _, err := ParseNumberLine(l.Data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeUIDLine(b *testing.B) {
	s := NewSplitter(LineFormat{})
	f := UIDFormat{Prefix: "UID:", Reverse: true}
	in := []byte("UID: 80 5D 9C 2A 6B 52 04\r\n")
	b.ReportAllocs()
	for b.Loop() {
		s.Write(in)
		l, ok := s.Next()
		if !ok {
			b.Fatal("no line")
		}
		if _, err := ParseUIDLine(l.Data, f); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodePN532(b *testing.B) {
	var d PN532Decoder
	in := append(AppendPN532ACK(nil), targetResponse([]byte{0x04, 0x52, 0x6B, 0x2A, 0x9C, 0x5D, 0x80})...)
	b.ReportAllocs()
	for b.Loop() {
		d.Write(in)
		if f, ok := d.Next(); !ok || f.Kind != FrameACK {
			b.Fatal("no ACK")
		}
		f, ok := d.Next()
		if !ok || f.Kind != FrameInfo {
			b.Fatal("no response")
		}
		if _, err := ParseTargetUID(f.Data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodeWedge(b *testing.B) {
	w := NewWedge(WedgeConfig{})
	at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	b.ReportAllocs()
	for b.Loop() {
		for _, r := range "0900000095902" {
			at = at.Add(4 * time.Millisecond)
			w.Feed(Key{Rune: r, At: at})
		}
		at = at.Add(4 * time.Millisecond)
		if v, _ := w.Feed(Key{Rune: KeyEnter, At: at}); v.Kind != Scanned {
			b.Fatal(v.Kind)
		}
		at = at.Add(time.Second)
	}
}

// byteTime is one byte on a 9600 baud line: a start bit, 8 data bits and
// a stop bit.
const byteTime = time.Second * 10 / 9600

// latency writes codes to a pty at the pace of a 9600 baud line and
// measures from the moment the last byte was written to the moment the
// read came out of the reader's channel; it reports the median, the 90th
// and 99th percentile and the worst. The tail is the kernel's: bare reads
// of the same pty without this package show the same p99.
func latency(b *testing.B, cfg Config, codes []string) {
	dev := newDevice(b)
	cfg.Port = Port{Name: dev.path, Baud: 9600}
	h := start(b, cfg)
	h.waitState(b, Connected)
	var lat []time.Duration
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		code := codes[i%len(codes)]
		next := time.Now()
		for j := range len(code) {
			// Pace the bytes as the line would; this waits for the clock,
			// not for an outcome.
			time.Sleep(time.Until(next))
			if _, err := dev.master.Write([]byte{code[j]}); err != nil {
				b.Fatal(err)
			}
			next = next.Add(byteTime)
		}
		last := time.Now()
		h.read(b)
		lat = append(lat, time.Since(last))
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "median-µs")
	b.ReportMetric(float64(lat[len(lat)*9/10].Microseconds()), "p90-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
	b.ReportMetric(float64(lat[len(lat)-1].Microseconds()), "max-µs")
}

func BenchmarkLatencyLine9600(b *testing.B) {
	latency(b, Config{Protocol: ProtocolLine}, []string{"0900000095902\r", "1000000520006\r"})
}

func BenchmarkLatencyUID9600(b *testing.B) {
	latency(b, Config{Protocol: ProtocolUID, UID: UIDFormat{Prefix: "UID:"}}, []string{"UID:04A22B1A\r", "UID:04526B2A9C5D80\r"})
}

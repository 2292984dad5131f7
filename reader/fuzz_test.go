package reader

import (
	"bytes"
	"encoding/hex"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/balie/balie"
)

// The fuzzers check properties that must hold for any input, not only
// that nothing panics. Run each for a minute with, for example:
//
//	go test ./reader -run '^$' -fuzz '^FuzzSplitter$' -fuzztime 60s -fuzzminimizetime 1000x
//
// (the cap on minimizing keeps the workers fuzzing; see golang/go#48820).
// Their seed corpus is in testdata/fuzz and runs with every go test.

// formatFor derives a LineFormat from one byte, so the fuzzer explores
// every framing.
func formatFor(mode byte) LineFormat {
	f := LineFormat{Terminator: Terminator(mode & 3), STXETX: mode&4 != 0}
	if mode&8 != 0 {
		f.Prefix = "]E0"
	}
	if mode&16 != 0 {
		f.Suffix = "#"
	}
	if mode&32 != 0 {
		f.MaxLen = 16
	}
	return f
}

func splitChunks(f LineFormat, in []byte, chunks ...int) []Line {
	s := NewSplitter(f)
	var got []Line
	rest := in
	for _, n := range chunks {
		n = min(n, len(rest))
		s.Write(rest[:n])
		rest = rest[n:]
		for l, ok := s.Next(); ok; l, ok = s.Next() {
			got = append(got, l)
		}
	}
	s.Write(rest)
	for l, ok := s.Next(); ok; l, ok = s.Next() {
		got = append(got, l)
	}
	if l, ok := s.Reset(); ok {
		got = append(got, l)
	}
	return got
}

func FuzzSplitter(f *testing.F) {
	f.Add([]byte("0900000095902\r\n1000000520006\r"), uint8(3), byte(0))
	f.Add([]byte("\x02]E00900000095902#\x03\r\nxx\x02"), uint8(5), byte(4|8|16))
	f.Add([]byte("abc\r\r\n\n\rdef"), uint8(1), byte(3))
	f.Add([]byte(strings.Repeat("9", 40)+"\r1\r"), uint8(17), byte(32))
	f.Fuzz(func(t *testing.T, in []byte, cut uint8, mode byte) {
		format := formatFor(mode)
		whole := splitChunks(format, in)
		halves := splitChunks(format, in, int(cut))
		if !reflect.DeepEqual(whole, halves) {
			t.Fatalf("cut at %d changes the result:\n%q\n%q", cut, whole, halves)
		}
		ones := make([]int, len(in))
		for i := range ones {
			ones[i] = 1
		}
		if bytewise := splitChunks(format, in, ones...); !reflect.DeepEqual(whole, bytewise) {
			t.Fatalf("byte by byte changes the result:\n%q\n%q", whole, bytewise)
		}
		max := format.MaxLen
		if max == 0 {
			max = DefaultMaxLen
		}
		for _, l := range whole {
			if len(l.Raw) > maxRaw {
				t.Fatalf("Raw of %d bytes", len(l.Raw))
			}
			if l.Reason != "" {
				if l.Data != nil {
					t.Fatalf("refused line %q carries data %q", l.Reason, l.Data)
				}
				continue
			}
			// Empty only when the reader sent its prefix and suffix with
			// nothing between: the decoder refuses that as an empty code.
			if len(l.Data) == 0 && format.Prefix == "" && format.Suffix == "" || len(l.Data) > max {
				t.Fatalf("line of %d bytes (max %d)", len(l.Data), max)
			}
			if bytes.IndexByte(l.Data, stx) >= 0 && format.STXETX || bytes.IndexByte(l.Data, etx) >= 0 && format.STXETX {
				t.Fatalf("framing byte in %q", l.Data)
			}
			switch {
			case format.STXETX:
			case format.Terminator == TermAuto && bytes.ContainsAny(l.Data, "\r\n"),
				format.Terminator == TermCR && bytes.IndexByte(l.Data, cr) >= 0,
				format.Terminator == TermLF && bytes.IndexByte(l.Data, lf) >= 0,
				format.Terminator == TermCRLF && bytes.Contains(l.Data, []byte("\r\n")):
				t.Fatalf("terminator in %q", l.Data)
			}
			if !bytes.Contains(in, l.Data) {
				t.Fatalf("line %q is not in the input", l.Data)
			}
			// A line that passes for a card number is one.
			if n, err := ParseNumberLine(l.Data); err == nil {
				if len(n) != 13 || strings.Trim(string(n), "0123456789") != "" {
					t.Fatalf("card number %q from %q", n, l.Data)
				}
			}
		}
	})
}

func FuzzUIDLine(f *testing.F) {
	f.Add("UID: 04 A2 2B 1A", "UID:", false)
	f.Add("0x04526b2a9c5d80", "", true)
	f.Add("uid:01:02:03:04:05:06:07:08:09:0a", "UID:", true)
	f.Add("ATQA: 0004", "UID:", false)
	f.Fuzz(func(t *testing.T, line, prefix string, reverse bool) {
		u, err := ParseUIDLine([]byte(line), UIDFormat{Prefix: prefix, Reverse: reverse})
		if err != nil {
			if u != "" {
				t.Fatalf("error %v with a UID %q", err, u)
			}
			if ReasonOf(err) == ReasonInvalid {
				t.Fatalf("error without a reason: %v", err)
			}
			return
		}
		if n := len(u); n != 8 && n != 14 && n != 20 {
			t.Fatalf("UID %q of %d hex digits", u, n)
		}
		if b, err := hex.DecodeString(string(u)); err != nil || strings.ToUpper(string(u)) != string(u) || len(b)*2 != len(u) {
			t.Fatalf("UID %q is not upper-case hex", u)
		}
		if again, err := balie.ParseChipUID(string(u)); err != nil || again != u {
			t.Fatalf("UID %q does not parse back: %q, %v", u, again, err)
		}
		other, err := ParseUIDLine([]byte(line), UIDFormat{Prefix: prefix, Reverse: !reverse})
		if err != nil || other.Reverse() != u {
			t.Fatalf("the other byte order gives %q, %v; want %q reversed", other, err, u)
		}
	})
}

func decodeChunks(in []byte, chunks ...int) []PN532Frame {
	var d PN532Decoder
	var got []PN532Frame
	rest := in
	feed := func(p []byte) {
		d.Write(p)
		for f, ok := d.Next(); ok; f, ok = d.Next() {
			got = append(got, f)
		}
	}
	for _, n := range chunks {
		n = min(n, len(rest))
		feed(rest[:n])
		rest = rest[n:]
	}
	feed(rest)
	return got
}

func FuzzPN532Decoder(f *testing.F) {
	resp := AppendPN532Frame(nil, TFIPN532, []byte{0x4B, 0x01, 0x01, 0x00, 0x04, 0x08, 0x04, 0x04, 0xA2, 0x2B, 0x1A})
	f.Add(append(AppendPN532ACK(nil), resp...), uint8(7))
	f.Add(append([]byte{0x55, 0x55, 0, 0, 0}, AppendPN532Frame(nil, TFIHost, []byte{0x14, 0x01, 0x14, 0x01})...), uint8(3))
	f.Add([]byte{0x00, 0x00, 0xFF, 0x02, 0xFE, 0xD5, 0x15, 0x17, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0x00, 0x00}, uint8(9))
	f.Add([]byte{0x00, 0x00, 0xFF, 0xFF, 0xFF, 0x00, 0x02, 0xFE, 0xD5, 0x15, 0x16, 0x00}, uint8(5))
	f.Add([]byte{0x00, 0x00, 0xFF, 0x01, 0xFF, 0x7F, 0x81, 0x00}, uint8(2))
	f.Fuzz(func(t *testing.T, in []byte, cut uint8) {
		whole := decodeChunks(in)
		if halves := decodeChunks(in, int(cut)); !reflect.DeepEqual(whole, halves) {
			t.Fatalf("cut at %d changes the result:\n%v\n%v", cut, whole, halves)
		}
		ones := make([]int, len(in))
		for i := range ones {
			ones[i] = 1
		}
		if bytewise := decodeChunks(in, ones...); !reflect.DeepEqual(whole, bytewise) {
			t.Fatalf("byte by byte changes the result:\n%v\n%v", whole, bytewise)
		}
		for _, fr := range whole {
			switch fr.Kind {
			case FrameInvalid:
				if fr.Reason == "" || len(fr.Raw) > maxRaw || fr.Data != nil {
					t.Fatalf("invalid frame %+v", fr)
				}
			case FrameInfo:
				// A frame is only ever what a sender with correct checksums
				// could have sent: its encoding is in the input, checksums and all.
				enc := AppendPN532Frame(nil, fr.TFI, fr.Data)
				body := enc[1 : len(enc)-1] // without preamble and postamble
				if len(fr.Data)+1 < 0xFF && !bytes.Contains(in, body) {
					ext := append([]byte{0x00, 0xFF, 0xFF, 0xFF, 0x00, byte(len(fr.Data) + 1), -byte(len(fr.Data) + 1)}, enc[5:len(enc)-1]...)
					if !bytes.Contains(in, ext) {
						t.Fatalf("frame % X is not in the input % X", body, in)
					}
				}
				if again := decodeChunks(enc); len(again) != 1 || !reflect.DeepEqual(again[0], fr) {
					t.Fatalf("frame does not round-trip: %+v -> %+v", fr, again)
				}
				if fr.TFI == TFIPN532 {
					checkTarget(t, fr.Data)
				}
			}
		}
	})
}

func FuzzPN532Target(f *testing.F) {
	f.Add([]byte{0x4B, 0x01, 0x01, 0x00, 0x04, 0x08, 0x04, 0x04, 0xA2, 0x2B, 0x1A})
	f.Add([]byte{0x4B, 0x01, 0x01, 0x00, 0x44, 0x00, 0x07, 0x04, 0x52, 0x6B, 0x2A, 0x9C, 0x5D, 0x80, 0x05, 0x75, 0x77, 0x81, 0x02, 0x80})
	f.Add([]byte{0x4B, 0x00})
	f.Add([]byte{0x4B, 0x01, 0x01, 0x00, 0x04, 0x08, 0x0A, 0x88})
	f.Fuzz(func(t *testing.T, data []byte) { checkTarget(t, data) })
}

// checkTarget: a UID from ParseTargetUID is exactly the NFCID1 bytes of
// the first target, of a size ISO/IEC 14443-3 allows.
func checkTarget(t *testing.T, data []byte) {
	u, err := ParseTargetUID(data)
	if err != nil {
		if u != "" || (err != ErrNoTarget && ReasonOf(err) == ReasonInvalid) {
			t.Fatalf("error %v with UID %q", err, u)
		}
		return
	}
	n := int(data[6])
	want := strings.ToUpper(hex.EncodeToString(data[7 : 7+n]))
	if string(u) != want || (n != 4 && n != 7 && n != 10) {
		t.Fatalf("UID %q from % X, want %q", u, data, want)
	}
}

func FuzzWedge(f *testing.F) {
	f.Add("0900000095902\n", []byte{4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4})
	f.Add("12\b3\r", []byte{100, 100, 100, 100, 100})
	f.Add("ABC-12345\n0900000095903\n", []byte{5})
	f.Fuzz(func(t *testing.T, keys string, gaps []byte) {
		if !utf8.ValidString(keys) {
			return
		}
		w := NewWedge(WedgeConfig{Debounce: 50 * time.Millisecond})
		at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		i := 0
		for _, r := range keys {
			if len(gaps) > 0 {
				at = at.Add(time.Duration(int8(gaps[i%len(gaps)])) * time.Millisecond) // negative gaps too
			}
			i++
			b, ok := w.Feed(Key{Rune: r, At: at})
			if !ok {
				continue
			}
			switch b.Kind {
			case Scanned:
				if _, err := balie.ParseCardNumber(string(b.Read.Number)); err != nil || string(b.Read.Number) != strings.TrimSpace(b.Scan) || !b.Read.At.Equal(at) {
					t.Fatalf("scan %+v is not a valid read", b)
				}
			case BadScan:
				if b.Err == nil || b.Reason == "" || b.Read != (Read{}) {
					t.Fatalf("bad scan %+v", b)
				}
			case Typed:
				if b.Scan != "" || b.Read != (Read{}) {
					t.Fatalf("typed %+v", b)
				}
			}
			if !strings.HasSuffix(b.Text, b.Scan) {
				t.Fatalf("scan %q is not the end of %q", b.Scan, b.Text)
			}
		}
	})
}

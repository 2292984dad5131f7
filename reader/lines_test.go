package reader

import (
	"fmt"
	"strings"
	"testing"

	"github.com/balie/balie"
)

// splitAll feeds in to a Splitter in one piece and returns what came out,
// good lines as their text and refused ones as "!reason:raw".
func splitAll(f LineFormat, in string) []string {
	s := NewSplitter(f)
	s.Write([]byte(in))
	return drain(s)
}

func drain(s *Splitter) []string {
	var got []string
	for {
		l, ok := s.Next()
		if !ok {
			return got
		}
		got = append(got, lineString(l))
	}
}

func lineString(l Line) string {
	if l.Reason != "" {
		return fmt.Sprintf("!%s:%s", l.Reason, l.Raw)
	}
	return string(l.Data)
}

func TestSplitter_Lines(t *testing.T) {
	long := strings.Repeat("7", 70)
	tests := []struct {
		name string
		f    LineFormat
		in   string
		want []string
	}{
		{"CR", LineFormat{}, "0900000095902\r", []string{"0900000095902"}},
		{"LF", LineFormat{}, "0900000095902\n", []string{"0900000095902"}},
		{"CRLF is one end", LineFormat{}, "0900000095902\r\n1000000520006\r\n", []string{"0900000095902", "1000000520006"}},
		{"LFCR is two ends, no empty line", LineFormat{}, "a\n\rb\n", []string{"a", "b"}},
		{"blank lines skipped", LineFormat{}, "\r\n\r\n\n\ra\r", []string{"a"}},
		{"no end yet", LineFormat{}, "0900000", nil},
		{"CR only: LF is data", LineFormat{Terminator: TermCR}, "a\nb\r", []string{"a\nb"}},
		{"LF only: CR is data", LineFormat{Terminator: TermLF}, "a\rb\n", []string{"a\rb"}},
		{"CRLF only", LineFormat{Terminator: TermCRLF}, "a\rb\nc\r\n", []string{"a\rb\nc"}},
		{"CRLF only: CR CR LF", LineFormat{Terminator: TermCRLF}, "a\r\r\n", []string{"a\r"}},
		{"prefix and suffix", LineFormat{Prefix: "]E0", Suffix: "#"}, "]E00900000095902#\r", []string{"0900000095902"}},
		{"prefix missing", LineFormat{Prefix: "S"}, "0900000095902\rS1\r", []string{"!prefix_missing:0900000095902", "1"}},
		{"suffix missing", LineFormat{Suffix: "E"}, "12\r", []string{"!suffix_missing:12"}},
		{"too long, tail dropped", LineFormat{}, long + "\r1\r", []string{"!too_long:" + long[:maxRaw], "1"}},
		{"exactly max", LineFormat{MaxLen: 3}, "123\r1234\r", []string{"123", "!too_long:1234"}},
		{"CRLF mode: max then CR LF", LineFormat{Terminator: TermCRLF, MaxLen: 3}, "123\r\n", []string{"123"}},
		{"STX/ETX", LineFormat{STXETX: true}, "\x020900000095902\x03\r\n", []string{"0900000095902"}},
		{"STX/ETX garbage between", LineFormat{STXETX: true}, "xy\x02a\x03zz\r\x02b\x03", []string{"!outside_frame:xy", "a", "!outside_frame:zz", "b"}},
		{"STX/ETX restart", LineFormat{STXETX: true}, "\x02abc\x02d\x03", []string{"!partial:abc", "d"}},
		{"STX/ETX line ends inside", LineFormat{STXETX: true}, "\x02a\r\nb\x03", []string{"a\r\nb"}},
		{"STX/ETX with prefix", LineFormat{STXETX: true, Prefix: "P"}, "\x02Pa\x03\x02b\x03", []string{"a", "!prefix_missing:b"}},
		{"STX/ETX too long", LineFormat{STXETX: true, MaxLen: 2}, "\x02abc\x03\x02d\x03", []string{"!too_long:abc", "d"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := splitAll(tt.f, tt.in)
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			// Byte by byte must give the same.
			s := NewSplitter(tt.f)
			var one []string
			for i := range len(tt.in) {
				s.Write([]byte{tt.in[i]})
				one = append(one, drain(s)...)
			}
			if fmt.Sprint(one) != fmt.Sprint(tt.want) {
				t.Errorf("byte by byte: got %q, want %q", one, tt.want)
			}
		})
	}
}

func TestSplitter_Reset(t *testing.T) {
	tests := []struct {
		name   string
		f      LineFormat
		in     string
		want   string // "" when nothing was pending
		reason Reason
	}{
		{"partial line", LineFormat{}, "090000", "090000", ReasonPartial},
		{"nothing pending", LineFormat{}, "0900000095902\r", "", ""},
		{"partial frame", LineFormat{STXETX: true}, "\x02abc", "abc", ReasonPartial},
		{"garbage outside frame", LineFormat{STXETX: true}, "zz", "zz", ReasonOutsideFrame},
		{"rest of a long line", LineFormat{MaxLen: 2}, "12345", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := NewSplitter(tt.f)
			s.Write([]byte(tt.in))
			drain(s)
			l, ok := s.Reset()
			if got := string(l.Raw); ok != (tt.want != "") || got != tt.want || l.Reason != tt.reason {
				t.Errorf("Reset() = %q %q %v, want %q %q", got, l.Reason, ok, tt.want, tt.reason)
			}
			if s.Pending() != 0 {
				t.Errorf("Pending() = %d after Reset, want 0", s.Pending())
			}
			// What follows is read afresh.
			next := "1\r"
			if tt.f.STXETX {
				next = "\x021\x03"
			}
			s.Write([]byte(next))
			if got := drain(s); len(got) != 1 || got[0] != "1" {
				t.Errorf("after Reset: got %q, want [1]", got)
			}
		})
	}
}

func TestParseNumberLine(t *testing.T) {
	tests := []struct {
		in     string
		want   balie.CardNumber
		reason Reason
	}{
		{"0900000095902", "0900000095902", ""},
		{" 0900000095902 ", "0900000095902", ""},
		{"0900000095903", "", "card_number_check"},
		{"090000009590", "", "card_number_length"},
		{"09000000959O2", "", "card_number_chars"},
		{"", "", "card_number_empty"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseNumberLine([]byte(tt.in))
			if got != tt.want || (err == nil) != (tt.reason == "") || (err != nil && ReasonOf(err) != tt.reason) {
				t.Errorf("ParseNumberLine(%q) = %q, %v (reason %q), want %q, reason %q", tt.in, got, err, ReasonOf(err), tt.want, tt.reason)
			}
		})
	}
}

func TestParseUIDLine(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		f      UIDFormat
		want   balie.ChipUID
		reason Reason
	}{
		{"plain", "04A22B1A", UIDFormat{}, "04A22B1A", ""},
		{"lower with colons", "04:a2:2b:1a", UIDFormat{}, "04A22B1A", ""},
		{"seven bytes", "04 52 6B 2A 9C 5D 80", UIDFormat{}, "04526B2A9C5D80", ""},
		{"prefix", "UID: 04A22B1A", UIDFormat{Prefix: "UID:"}, "04A22B1A", ""},
		{"prefix in other case", "uid:04a22b1a", UIDFormat{Prefix: "UID:"}, "04A22B1A", ""},
		{"prefix missing", "ATQA: 0004", UIDFormat{Prefix: "UID:"}, "", ReasonPrefix},
		{"prefix only", "UID:", UIDFormat{Prefix: "UID:"}, "", "chip_uid_invalid"},
		{"reversed", "1A2BA204", UIDFormat{Reverse: true}, "04A22B1A", ""},
		{"reversed with prefix", "UID: 0x1a2ba204", UIDFormat{Prefix: "UID:", Reverse: true}, "04A22B1A", ""},
		{"five bytes", "0102030405", UIDFormat{}, "", "chip_uid_length"},
		{"odd", "04A22B1", UIDFormat{}, "", "chip_uid_invalid"},
		{"not hex", "04A22B1G", UIDFormat{}, "", "chip_uid_invalid"},
		{"banner", "Reader v1.2 ready", UIDFormat{}, "", "chip_uid_invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseUIDLine([]byte(tt.in), tt.f)
			if got != tt.want || (err == nil) != (tt.reason == "") || (err != nil && ReasonOf(err) != tt.reason) {
				t.Errorf("ParseUIDLine(%q) = %q, %v (reason %q), want %q, reason %q", tt.in, got, err, ReasonOf(err), tt.want, tt.reason)
			}
		})
	}
}

func TestParseTerminator(t *testing.T) {
	for in, want := range map[string]Terminator{"": TermAuto, "auto": TermAuto, "CR": TermCR, "lf": TermLF, "crlf": TermCRLF} {
		if got, err := ParseTerminator(in); err != nil || got != want {
			t.Errorf("ParseTerminator(%q) = %v, %v, want %v", in, got, err, want)
		}
	}
	if _, err := ParseTerminator("tab"); err == nil {
		t.Error("ParseTerminator(tab): no error")
	}
}

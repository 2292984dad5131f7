package reader

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/balie/balie"
)

// hx turns "00 00 ff" into bytes.
func hx(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatalf("hex %q: %v", s, err)
	}
	return b
}

// decodeAll feeds in to a decoder in one piece and describes each frame.
func decodeAll(in []byte) []string {
	var d PN532Decoder
	d.Write(in)
	return frames(&d)
}

func frames(d *PN532Decoder) []string {
	var got []string
	for {
		f, ok := d.Next()
		if !ok {
			return got
		}
		got = append(got, frameString(f))
	}
}

func frameString(f PN532Frame) string {
	switch f.Kind {
	case FrameInfo:
		return fmt.Sprintf("%02X:% X", f.TFI, f.Data)
	case FrameInvalid:
		return "!" + string(f.Reason)
	}
	return f.Kind.String()
}

func TestAppendPN532Frame(t *testing.T) {
	tests := []struct {
		name string
		tfi  byte
		data string
		want string
	}{
		// The examples of the PN532 user manual.
		{"SAMConfiguration", TFIHost, "14 01 14 01", "00 00 FF 05 FB D4 14 01 14 01 02 00"},
		{"InListPassiveTarget", TFIHost, "4A 01 00", "00 00 FF 04 FC D4 4A 01 00 E1 00"},
		{"GetFirmwareVersion", TFIHost, "02", "00 00 FF 02 FE D4 02 2A 00"},
		{"SAMConfiguration response", TFIPN532, "15", "00 00 FF 02 FE D5 15 16 00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := AppendPN532Frame(nil, tt.tfi, hx(t, tt.data))
			if want := hx(t, tt.want); !bytes.Equal(got, want) {
				t.Errorf("got % X, want % X", got, want)
			}
		})
	}
	if got, want := AppendPN532ACK(nil), hx(t, "00 00 FF 00 FF 00"); !bytes.Equal(got, want) {
		t.Errorf("ACK = % X, want % X", got, want)
	}
	if got, want := AppendPN532NACK(nil), hx(t, "00 00 FF FF 00 00"); !bytes.Equal(got, want) {
		t.Errorf("NACK = % X, want % X", got, want)
	}
}

func TestPN532Decoder(t *testing.T) {
	sam := "00 00 FF 02 FE D5 15 16 00"
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"ACK", "00 00 FF 00 FF 00", []string{"ACK"}},
		{"NACK", "00 00 FF FF 00 00", []string{"NACK"}},
		{"error frame", "00 00 FF 01 FF 7F 81 00", []string{"error"}},
		{"response", sam, []string{"D5:15"}},
		{"ACK then response", "00 00 FF 00 FF 00 " + sam, []string{"ACK", "D5:15"}},
		{"long preamble, no postamble", "00 00 00 00 00 FF 02 FE D5 15 16", []string{"D5:15"}},
		{"bad data checksum", "00 00 FF 02 FE D5 15 17 00 " + sam, []string{"!data_checksum", "D5:15"}},
		{"bad length checksum", "00 00 FF 02 FD D5 15 16 00 " + sam, []string{"!length_checksum", "D5:15"}},
		{"zero length", "00 00 FF 00 00 " + sam, []string{"!frame_length", "D5:15"}},
		{"garbage before", "55 55 12 00 00 FF 00 FF 00", []string{"!garbage", "ACK"}},
		{"garbage without start code is held", "55 55 12", nil},
		{"extended frame", "00 00 FF FF FF 00 02 FE D5 15 16 00", []string{"D5:15"}},
		{"extended frame, bad LCS", "00 00 FF FF FF 00 02 FD D5 15 16 00", []string{"!length_checksum"}},
		{"extended frame too long", "00 00 FF FF FF 10 00 F0", []string{"!frame_length"}},
		{"cut short", "00 00 FF 02 FE D5", nil},
		{"target", "00 00 FF 0C F4 D5 4B 01 01 00 04 08 04 04 A2 2B 1A E3 00", []string{"D5:4B 01 01 00 04 08 04 04 A2 2B 1A"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := hx(t, tt.in)
			if got := decodeAll(in); fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			var d PN532Decoder
			var one []string
			for _, b := range in {
				d.Write([]byte{b})
				one = append(one, frames(&d)...)
			}
			if fmt.Sprint(one) != fmt.Sprint(tt.want) {
				t.Errorf("byte by byte: got %q, want %q", one, tt.want)
			}
		})
	}
}

func TestPN532Decoder_GarbageCapped(t *testing.T) {
	in := bytes.Repeat([]byte{0x55}, 150)
	got := decodeAll(in)
	if want := []string{"!garbage", "!garbage"}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %q, want %q (two of 64, 22 held)", got, want)
	}
}

func TestPN532Decoder_RoundTrip(t *testing.T) {
	for _, n := range []int{0, 1, 100, 253, 254, 255, 299} {
		data := bytes.Repeat([]byte{0xA5}, n)
		enc := AppendPN532Frame(nil, TFIPN532, data)
		var d PN532Decoder
		d.Write(enc)
		f, ok := d.Next()
		if !ok || f.Kind != FrameInfo || f.TFI != TFIPN532 || !bytes.Equal(f.Data, data) {
			t.Errorf("%d bytes: got %v %v (%s), want the data back", n, f.Kind, ok, f.Reason)
		}
		if _, ok := d.Next(); ok {
			t.Errorf("%d bytes: a second frame out of one", n)
		}
	}
}

func TestParseTargetUID(t *testing.T) {
	tests := []struct {
		name   string
		data   string
		want   balie.ChipUID
		reason Reason
	}{
		{"4-byte UID (MIFARE Classic)", "4B 01 01 00 04 08 04 04 A2 2B 1A", "04A22B1A", ""},
		{"7-byte UID (NTAG) with ATS", "4B 01 01 00 44 00 07 04 52 6B 2A 9C 5D 80 05 75 77 81 02 80", "04526B2A9C5D80", ""},
		{"10-byte UID", "4B 01 01 00 44 00 0A 01 02 03 04 05 06 07 08 09 0A", "0102030405060708090A", ""},
		{"no target", "4B 00", "", ""},
		{"wrong response code", "15", "", ReasonUnexpected},
		{"cut short", "4B 01 01 00 04 08", "", ReasonTargetData},
		{"UID cut short", "4B 01 01 00 04 08 07 04 A2 2B", "", ReasonTargetData},
		{"5-byte UID", "4B 01 01 00 04 08 05 04 A2 2B 1A 00", "", ReasonTargetData},
		{"cascade tag left in", "4B 01 01 00 04 08 04 88 A2 2B 1A", "", ReasonTargetData},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseTargetUID(hx(t, tt.data))
			if tt.name == "no target" {
				if err != ErrNoTarget {
					t.Fatalf("err = %v, want ErrNoTarget", err)
				}
				return
			}
			if got != tt.want || (err == nil) != (tt.reason == "") || (err != nil && ReasonOf(err) != tt.reason) {
				t.Errorf("got %q, %v (reason %q), want %q, reason %q", got, err, ReasonOf(err), tt.want, tt.reason)
			}
		})
	}
}

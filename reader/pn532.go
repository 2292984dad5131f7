package reader

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/balie/balie"
)

// Frame identifiers (TFI) of the PN532 frame protocol (NXP UM0701-02,
// chapter 6.2).
const (
	TFIHost  byte = 0xD4 // from the host to the PN532
	TFIPN532 byte = 0xD5 // from the PN532 to the host
	tfiError byte = 0x7F // the PN532's application-level error frame
)

// PN532 command codes this package uses (UM0701-02, chapter 7). A
// response carries the command code plus one.
const (
	CmdGetFirmwareVersion  byte = 0x02
	CmdSAMConfiguration    byte = 0x14
	CmdInListPassiveTarget byte = 0x4A
)

// maxPN532Len is the longest TFI + data accepted. The PN532 sends at most
// 264 data bytes; anything longer is a corrupted length.
const maxPN532Len = 300

// FrameKind is what a PN532 frame is.
type FrameKind uint8

// Frame kinds.
const (
	FrameInvalid FrameKind = iota // refused; see Reason
	FrameACK                      // 00 00 FF 00 FF 00
	FrameNACK                     // 00 00 FF FF 00 00: the sender asks for the last frame again
	FrameInfo                     // a normal or extended information frame
	FrameError                    // 00 00 FF 01 FF 7F 81 00: a syntax error at application level
)

func (k FrameKind) String() string {
	switch k {
	case FrameACK:
		return "ACK"
	case FrameNACK:
		return "NACK"
	case FrameInfo:
		return "information"
	case FrameError:
		return "error"
	}
	return "invalid"
}

// PN532Frame is one frame out of a PN532Decoder.
type PN532Frame struct {
	Kind FrameKind
	TFI  byte   // FrameInfo: TFIHost or TFIPN532
	Data []byte // FrameInfo: the command code and its parameters, after the TFI
	// FrameInvalid: why, and the bytes concerned.
	Reason Reason
	Detail string
	Raw    []byte
}

// AppendPN532Frame appends an information frame carrying tfi and data
// to dst: preamble, start code, length and its checksum, TFI, data, data
// checksum, postamble. Data of 255 bytes or more gets an extended frame.
func AppendPN532Frame(dst []byte, tfi byte, data []byte) []byte {
	n := len(data) + 1
	dst = append(dst, 0x00, 0x00, 0xFF)
	if n < 0xFF {
		dst = append(dst, byte(n), byte(-n))
	} else {
		hi, lo := byte(n>>8), byte(n)
		dst = append(dst, 0xFF, 0xFF, hi, lo, -(hi + lo))
	}
	sum := tfi
	dst = append(dst, tfi)
	for _, b := range data {
		sum += b
	}
	dst = append(dst, data...)
	return append(dst, -sum, 0x00)
}

// AppendPN532ACK appends an ACK frame to dst.
func AppendPN532ACK(dst []byte) []byte { return append(dst, 0x00, 0x00, 0xFF, 0x00, 0xFF, 0x00) }

// AppendPN532NACK appends a NACK frame to dst.
func AppendPN532NACK(dst []byte) []byte { return append(dst, 0x00, 0x00, 0xFF, 0xFF, 0x00, 0x00) }

// PN532Decoder finds PN532 frames in a byte stream, however it is
// chunked. A frame whose length or data checksum does not add up is
// returned as FrameInvalid, never as data; bytes between frames other
// than preamble and postamble zeros are returned as FrameInvalid with
// ReasonGarbage, at most 64 at a time. The zero value is ready to use.
// Not safe for concurrent use.
type PN532Decoder struct {
	buf []byte
	// resync: the last frame was refused, so bytes up to the next start
	// code belong to it and are not reported again as garbage.
	resync bool
}

// Write adds bytes from the port.
func (d *PN532Decoder) Write(p []byte) { d.buf = append(d.buf, p...) }

// Pending is the number of bytes held that are not yet a frame.
func (d *PN532Decoder) Pending() int { return len(d.buf) }

// Reset drops everything held.
func (d *PN532Decoder) Reset() { d.buf, d.resync = d.buf[:0], false }

// Next returns the next frame, or false when more bytes are needed.
func (d *PN532Decoder) Next() (PN532Frame, bool) {
	i := bytes.Index(d.buf, []byte{0x00, 0xFF})
	lead := i
	if i < 0 {
		// Keep a last 0x00: it may be the first half of a start code.
		lead = len(d.buf)
		if lead > 0 && d.buf[lead-1] == 0x00 {
			lead--
		}
	}
	if f, ok := d.skip(lead, i >= 0); ok {
		return f, true
	}
	if i < 0 || len(d.buf) < 4 {
		return PN532Frame{}, false
	}
	// d.buf starts with the start code: whatever was refused before it
	// is behind us.
	d.resync = false
	b2, b3 := d.buf[2], d.buf[3]
	switch {
	case b2 == 0x00 && b3 == 0xFF:
		d.consume(4)
		return PN532Frame{Kind: FrameACK}, true
	case b2 == 0xFF && b3 == 0x00:
		d.consume(4)
		return PN532Frame{Kind: FrameNACK}, true
	}
	head, n := 4, int(b2)
	if b2 == 0xFF && b3 == 0xFF {
		if len(d.buf) < 7 {
			return PN532Frame{}, false
		}
		hi, lo, lcs := d.buf[4], d.buf[5], d.buf[6]
		if hi+lo+lcs != 0 {
			return d.refuse(2, ReasonLengthChecksum, "extended length checksum does not add up"), true
		}
		head, n = 7, int(hi)<<8|int(lo)
	} else if b2+b3 != 0 {
		return d.refuse(2, ReasonLengthChecksum, fmt.Sprintf("length checksum does not add up (LEN %#02x, LCS %#02x)", b2, b3)), true
	}
	if n == 0 || n > maxPN532Len {
		return d.refuse(2, ReasonFrameLength, fmt.Sprintf("length %d", n)), true
	}
	if len(d.buf) < head+n+1 {
		return PN532Frame{}, false
	}
	body := d.buf[head : head+n]
	var sum byte
	for _, b := range body {
		sum += b
	}
	if sum+d.buf[head+n] != 0 {
		// The length passed its checksum, so the whole frame is skipped.
		return d.refuse(head+n+1, ReasonDataChecksum, "data checksum does not add up"), true
	}
	f := PN532Frame{Kind: FrameInfo, TFI: body[0], Data: append([]byte(nil), body[1:]...)}
	if n == 1 && body[0] == tfiError {
		f = PN532Frame{Kind: FrameError}
	}
	d.consume(head + n + 1)
	return f, true
}

// skip drops the first n bytes, which come before any start code. Zeros
// are preambles and postambles and go silently, and so does the rest of
// a refused frame; anything else is reported as garbage, at most 64
// bytes at a time. Garbage with no start code after it yet is held until
// 64 bytes of it are there, so that what is reported does not depend on
// how the bytes arrived.
func (d *PN532Decoder) skip(n int, found bool) (PN532Frame, bool) {
	z := 0
	for z < n && d.buf[z] == 0 {
		z++
	}
	d.consume(z)
	n -= z
	if n == 0 {
		return PN532Frame{}, false
	}
	if d.resync {
		d.consume(n)
		return PN532Frame{}, false
	}
	if n > maxRaw {
		n = maxRaw
	} else if n < maxRaw && !found {
		return PN532Frame{}, false
	}
	f := PN532Frame{Kind: FrameInvalid, Reason: ReasonGarbage, Detail: fmt.Sprintf("%d bytes outside any frame", n), Raw: clip(d.buf[:n])}
	d.consume(n)
	return f, true
}

func (d *PN532Decoder) refuse(n int, r Reason, detail string) PN532Frame {
	f := PN532Frame{Kind: FrameInvalid, Reason: r, Detail: detail, Raw: clip(d.buf[:min(n, len(d.buf))])}
	d.consume(n)
	d.resync = true
	return f
}

func (d *PN532Decoder) consume(n int) {
	m := copy(d.buf, d.buf[n:])
	d.buf = d.buf[:m]
}

// ErrNoTarget is what ParseTargetUID returns when the PN532 found no card.
var ErrNoTarget = errors.New("pn532: no target in the field")

// ParseTargetUID reads the UID of the first target from the data of an
// InListPassiveTarget response for 106 kbps type A (UM0701-02, 7.3.5):
// 0x4B, NbTg, then per target Tg, SENS_RES (2 bytes), SEL_RES,
// NFCIDLength, NFCID1 and an optional ATS. The UID must be 4, 7 or 10
// bytes, as ISO/IEC 14443-3 allows, and must not start with the cascade
// tag 0x88, which the PN532 strips from a well-formed UID.
func ParseTargetUID(data []byte) (balie.ChipUID, error) {
	if len(data) < 2 || data[0] != CmdInListPassiveTarget+1 {
		return "", rejectf(ReasonUnexpected, "not an InListPassiveTarget response")
	}
	if data[1] == 0 {
		return "", ErrNoTarget
	}
	t := data[2:]
	if len(t) < 5 {
		return "", rejectf(ReasonTargetData, "target data cut short (%d bytes)", len(t))
	}
	n := int(t[4])
	switch n {
	case 4, 7, 10:
	default:
		return "", rejectf(ReasonTargetData, "NFCID1 of %d bytes", n)
	}
	if len(t) < 5+n {
		return "", rejectf(ReasonTargetData, "NFCID1 cut short: %d of %d bytes", len(t)-5, n)
	}
	uid := t[5 : 5+n]
	if uid[0] == 0x88 {
		return "", rejectf(ReasonTargetData, "UID starts with the cascade tag 0x88")
	}
	return balie.ParseChipUID(hex.EncodeToString(uid))
}

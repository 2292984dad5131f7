// Command gensounds writes the two short sounds of the counter app as 16-bit mono WAV.
package main

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
)

const rate = 22050

func tone(buf []int16, freq float64, start, dur float64, vol float64) []int16 {
	n0, n := int(start*rate), int(dur*rate)
	for len(buf) < n0+n {
		buf = append(buf, 0)
	}
	for i := 0; i < n; i++ {
		t := float64(i) / rate
		// A short fade in and out, so the tone starts and stops without a click.
		env := math.Min(1, math.Min(t/0.005, (dur-t)/0.02))
		buf[n0+i] += int16(vol * env * 32767 * math.Sin(2*math.Pi*freq*t))
	}
	return buf
}

func wav(path string, s []int16) {
	var b bytes.Buffer
	data := len(s) * 2
	b.WriteString("RIFF")
	binary.Write(&b, binary.LittleEndian, uint32(36+data))
	b.WriteString("WAVEfmt ")
	for _, v := range []any{uint32(16), uint16(1), uint16(1), uint32(rate), uint32(rate * 2), uint16(2), uint16(16)} {
		binary.Write(&b, binary.LittleEndian, v)
	}
	b.WriteString("data")
	binary.Write(&b, binary.LittleEndian, uint32(data))
	binary.Write(&b, binary.LittleEndian, s)
	os.WriteFile(path, b.Bytes(), 0o644)
}

func main() {
	ok := tone(nil, 1320, 0, 0.09, 0.35)
	wav(os.Args[1]+"/ok.wav", ok)
	var bad []int16
	bad = tone(bad, 330, 0, 0.16, 0.45)
	bad = tone(bad, 220, 0.2, 0.24, 0.45)
	wav(os.Args[1]+"/error.wav", bad)
}

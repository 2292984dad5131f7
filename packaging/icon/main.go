// Command icon draws Balie's icon, a pass card with a barcode on a blue
// tile, and writes it where the packages want it: PNG files for the
// Linux desktop and one .ico with every size for the Windows exe.
//
//	go run ./packaging/icon -o DIR
//
// writes DIR/balie-16.png ... DIR/balie-256.png and DIR/balie.ico. The
// icon is drawn here rather than committed as an image, so that it is
// made from source like everything else in a package.
package main

import (
	"bytes"
	"encoding/binary"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"

	"golang.org/x/image/vector"
)

// sizes are the sizes Windows picks from (16 to 256) and the hicolor
// theme's usual ones.
var sizes = [...]int{16, 24, 32, 48, 64, 128, 256}

func main() {
	out := flag.String("o", ".", "the folder to write the icons to")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "icon:", err)
		os.Exit(1)
	}
}

func run(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write icons: %w", err)
	}
	var pngs [][]byte
	for _, n := range sizes {
		var b bytes.Buffer
		if err := png.Encode(&b, Draw(n)); err != nil {
			return fmt.Errorf("encode %d: %w", n, err)
		}
		pngs = append(pngs, b.Bytes())
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("balie-%d.png", n)), b.Bytes(), 0o644); err != nil {
			return fmt.Errorf("write icons: %w", err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "balie.ico"), ico(sizes[:], pngs), 0o644); err != nil {
		return fmt.Errorf("write icons: %w", err)
	}
	return nil
}

// Draw draws the icon n pixels square. It is drawn on a grid of 256
// units: a rounded blue tile, a white card on it, and the card's
// barcode. Below 32 pixels the barcode has fewer, wider bars, so that
// it still reads as one.
func Draw(n int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, n, n))
	s := float32(n) / 256
	fill := func(c color.RGBA, x0, y0, x1, y1, r float32) {
		z := vector.NewRasterizer(n, n)
		roundRect(z, x0*s, y0*s, x1*s, y1*s, r*s)
		z.Draw(img, img.Bounds(), image.NewUniform(c), image.Point{})
	}
	blue := color.RGBA{0x1d, 0x4f, 0x91, 0xff}
	fill(blue, 8, 8, 248, 248, 48)
	fill(color.RGBA{0xff, 0xff, 0xff, 0xff}, 28, 60, 228, 196, 18)
	// A code 128 look: bars of one to three units, the start and stop
	// bars longer.
	bars := []int{2, 1, 1, 2, 3, 1, 1, 3, 2, 2, 1, 1, 3, 1, 2, 1, 1, 2, 3, 2}
	unit := float32(3)
	if n < 32 {
		bars, unit = []int{2, 1, 2, 1, 2, 1, 2}, 10
	}
	x := float32(128)
	width := float32(0)
	for _, b := range bars {
		width += float32(b) * unit * 1.5
	}
	x -= width / 2
	for i, b := range bars {
		w := float32(b) * unit
		if i%2 == 0 {
			fill(blue, x, 88, x+w, 168, 0)
		}
		x += w * 1.5
	}
	return img
}

// roundRect adds a rectangle with round corners of radius r to z.
func roundRect(z *vector.Rasterizer, x0, y0, x1, y1, r float32) {
	z.MoveTo(x0+r, y0)
	z.LineTo(x1-r, y0)
	z.QuadTo(x1, y0, x1, y0+r)
	z.LineTo(x1, y1-r)
	z.QuadTo(x1, y1, x1-r, y1)
	z.LineTo(x0+r, y1)
	z.QuadTo(x0, y1, x0, y1-r)
	z.LineTo(x0, y0+r)
	z.QuadTo(x0, y0, x0+r, y0)
	z.ClosePath()
}

// ico makes a Windows icon file of PNG images, which Windows reads since
// Vista: a header, one directory entry per image, then the images.
func ico(sizes []int, pngs [][]byte) []byte {
	var b bytes.Buffer
	le := func(v any) { _ = binary.Write(&b, binary.LittleEndian, v) }
	le(uint16(0)) // reserved
	le(uint16(1)) // an icon, not a cursor
	le(uint16(len(pngs)))
	offset := 6 + 16*len(pngs)
	for i, p := range pngs {
		dim := uint8(sizes[i] % 256) // 0 means 256
		le([4]uint8{dim, dim, 0, 0}) // width, height, no palette, reserved
		le(uint16(1))                // colour planes
		le(uint16(32))               // bits per pixel
		le(uint32(len(p)))
		le(uint32(offset))
		offset += len(p)
	}
	for _, p := range pngs {
		b.Write(p)
	}
	return b.Bytes()
}

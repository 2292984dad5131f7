package report

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"html"
	"io"
	"math"
	"strconv"

	"github.com/balie/balie"
	"github.com/balie/balie/ledger"
)

// FigureCSV writes a figure's table: its label column, then one column
// per value, cents in cents and shares in basis points, so a sum of a
// column is the figure's.
func FigureCSV(w io.Writer, t ledger.Table, lang string) error {
	cw := csv.NewWriter(w)
	head := []string{tr(lang, "rij", "row")}
	for _, c := range t.Columns {
		name := c.Name(lang)
		switch c.Unit {
		case ledger.UnitCents:
			name += " (cent)"
		case ledger.UnitBP:
			name += tr(lang, " (basispunten)", " (basis points)")
		}
		head = append(head, name)
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	for _, r := range t.Rows {
		rec := []string{r.Label}
		for _, v := range r.Values {
			rec = append(rec, strconv.FormatInt(v, 10))
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// FormatValue writes a value of a column for a person: an amount as
// "€ 1.234,50", a share as "22,0%", a count as it is.
func FormatValue(v int64, unit, lang string) string {
	switch unit {
	case ledger.UnitCents:
		return money(balie.Cents(v), lang)
	case ledger.UnitBP:
		s := fmt.Sprintf("%d.%d%%", v/100, (abs(v)%100)/10)
		if lang != "en" {
			s = fmt.Sprintf("%d,%d%%", v/100, (abs(v)%100)/10)
		}
		if v < 0 && v > -100 {
			s = "-" + s
		}
		return s
	}
	if v < 0 {
		return "-"
	}
	return strconv.FormatInt(v, 10)
}

func abs(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

// The charts' colours: distinguishable, and readable printed in grey.
var palette = []string{"#21406e", "#d9822b", "#3a8f5c", "#a23b72", "#6b7a8f", "#c8b02c", "#2c8fc8", "#8c564b"}

// SVG draws a figure as a chart, on the server, as a self-contained SVG
// (no script, no external font or style): grouped bars per row for
// "bar", stacked bars for "stacked", lines over the rows for "line".
// Rows are on the horizontal axis, up to 40; values are the table's
// (an amount in euro on the axis).
func SVG(t ledger.Table, lang string) []byte {
	const w, h = 760.0, 380.0
	const left, right, top, bottom = 110.0, 20.0, 56.0, 110.0
	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %.0f %.0f" width="%.0f" height="%.0f" role="img" aria-label="%s" font-family="Helvetica, Arial, sans-serif" font-size="11">`,
		w, h, w, h, esc(t.Title(lang)))
	fmt.Fprintf(&b, `<title>%s</title><rect width="100%%" height="100%%" fill="#ffffff"/>`, esc(t.Title(lang)))
	fmt.Fprintf(&b, `<text x="20" y="22" font-size="15" font-weight="bold" fill="#1a1a1a">%s</text>`, esc(t.Title(lang)))
	rows := t.Rows
	if len(rows) > 40 {
		rows = rows[len(rows)-40:]
	}
	series := t.Series
	if len(series) == 0 || len(rows) == 0 {
		fmt.Fprintf(&b, `<text x="%.0f" y="%.0f" fill="#555555">%s</text></svg>`, left, h/2, tr(lang, "Geen gegevens in deze periode.", "No data in this period."))
		return b.Bytes()
	}
	unit := t.Columns[series[0]].Unit
	val := func(r ledger.Row, s int) float64 {
		v := float64(max(r.Values[s], 0))
		if unit == ledger.UnitCents {
			v /= 100
		}
		return v
	}
	var top1 float64
	for _, r := range rows {
		sum := 0.0
		for _, s := range series {
			if t.Chart == "stacked" {
				sum += val(r, s)
			} else {
				sum = math.Max(sum, val(r, s))
			}
		}
		top1 = math.Max(top1, sum)
	}
	step := niceStep(top1 / 5)
	ymax := math.Max(step*math.Ceil(top1/step), step)
	plotW, plotH := w-left-right, h-top-bottom
	y := func(v float64) float64 { return top + plotH - v/ymax*plotH }
	// Grid and axis labels.
	for v := 0.0; v <= ymax+step/2; v += step {
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#e3e3e3"/>`, left, y(v), w-right, y(v))
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="end" fill="#444444">%s</text>`, left-6, y(v)+4, esc(axisLabel(v, unit, lang)))
	}
	slot := plotW / float64(len(rows))
	for i, r := range rows {
		x0 := left + float64(i)*slot
		switch t.Chart {
		case "line":
		case "stacked":
			acc := 0.0
			for k, s := range series {
				v := val(r, s)
				fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s: %s</title></rect>`,
					x0+slot*0.15, y(acc+v), slot*0.7, y(acc)-y(acc+v), palette[k%len(palette)], esc(r.Label+" "+t.Columns[s].Name(lang)),
					esc(FormatValue(r.Values[s], t.Columns[s].Unit, lang)))
				acc += v
			}
		default:
			bw := slot * 0.8 / float64(len(series))
			for k, s := range series {
				v := val(r, s)
				fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s: %s</title></rect>`,
					x0+slot*0.1+float64(k)*bw, y(v), bw*0.92, y(0)-y(v), palette[k%len(palette)], esc(r.Label+" "+t.Columns[s].Name(lang)),
					esc(FormatValue(r.Values[s], t.Columns[s].Unit, lang)))
			}
		}
		if len(rows) <= 16 || i%((len(rows)+15)/16) == 0 {
			lx, ly := x0+slot/2, top+plotH+12
			fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="end" transform="rotate(-35 %.1f %.1f)" fill="#333333">%s</text>`,
				lx, ly, lx, ly, esc(shorten(r.Label, 24)))
		}
	}
	if t.Chart == "line" {
		for k, s := range series {
			var pts bytes.Buffer
			for i, r := range rows {
				fmt.Fprintf(&pts, "%.1f,%.1f ", left+float64(i)*slot+slot/2, y(val(r, s)))
			}
			fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"/>`, pts.String(), palette[k%len(palette)])
		}
	}
	fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#888888"/>`, left, y(0), w-right, y(0))
	// Legend.
	lx := 20.0
	for k, s := range series {
		name := t.Columns[s].Name(lang)
		fmt.Fprintf(&b, `<rect x="%.1f" y="28" width="10" height="10" fill="%s"/><text x="%.1f" y="37" fill="#333333">%s</text>`,
			lx, palette[k%len(palette)], lx+14, esc(name))
		lx += 22 + float64(len(name))*6
	}
	b.WriteString(`</svg>`)
	return b.Bytes()
}

func esc(s string) string { return html.EscapeString(s) }

func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// niceStep rounds a step up to 1, 2 or 5 times a power of ten.
func niceStep(x float64) float64 {
	if x <= 0 {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(x)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= x {
			return m * p
		}
	}
	return 10 * p
}

func axisLabel(v float64, unit, lang string) string {
	switch unit {
	case ledger.UnitCents:
		return money(balie.Cents(math.Round(v))*100, lang)[:len(money(balie.Cents(math.Round(v))*100, lang))-3]
	case ledger.UnitBP:
		return strconv.FormatFloat(v/100, 'f', 0, 64) + "%"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

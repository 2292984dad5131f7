package receipt

import (
	"fmt"
	"io"
	"time"

	"github.com/go-pdf/fpdf"

	"github.com/balie/balie"
)

// RollCall is who is present at a childcare desk at one moment: the
// list the fire service asks for, printed.
type RollCall struct {
	Desk     string
	At       time.Time
	Children []RollCallChild // by group, then name
}

// RollCallChild is one child present.
type RollCallChild struct {
	Name  string
	Group string
	Since time.Time
}

// RollCallTitle is the roll call's title: "Appel 25/11/2026 15:42".
func RollCallTitle(r RollCall, lang string) string {
	return tr(lang, "Appel ", "Roll call ") + when(r.At)
}

// RollCallPDF writes the roll call as an A4 PDF: the desk, the moment,
// the count, and each child with their group and since when, with a box
// to tick at the assembly point.
func RollCallPDF(w io.Writer, r RollCall, lang string) error {
	d := newDoc(&fpdf.InitType{OrientationStr: "P", UnitStr: "mm", SizeStr: "A4"}, r.At, RollCallTitle(r, lang))
	const margin = 20.0
	width := 210 - 2*margin
	d.SetMargins(margin, 18, margin)
	d.SetAutoPageBreak(true, 20)
	d.AddPage()
	d.font("B", 18)
	d.cell(width, 10, RollCallTitle(r, lang), "L", 1)
	d.font("", 12)
	d.cell(width, 7, r.Desk, "L", 1)
	d.font("B", 14)
	d.cell(width, 9, fmt.Sprintf(tr(lang, "Aanwezig: %d", "Present: %d"), len(r.Children)), "L", 1)
	d.Ln(3)
	d.font("B", 11)
	cols := []float64{10, width*0.5 - 10, width * 0.3, width * 0.2}
	for i, h := range []string{"", tr(lang, "Naam", "Name"), tr(lang, "Groep", "Group"), tr(lang, "Sinds", "Since")} {
		d.cell(cols[i], 7, h, "L", 0)
	}
	d.Ln(8)
	d.font("", 11)
	for _, c := range r.Children {
		x, y := d.GetX(), d.GetY()
		d.Rect(x+2, y+1.5, 4, 4, "D") // ticked at the assembly point
		d.SetX(x + cols[0])
		d.cell(cols[1], 7, fit(d, c.Name, cols[1]), "L", 0)
		d.cell(cols[2], 7, fit(d, c.Group, cols[2]), "L", 0)
		since := c.Since.In(balie.Brussels()).Format("15:04")
		if y1, m1, d1 := c.Since.In(balie.Brussels()).Date(); y1 != r.At.In(balie.Brussels()).Year() || m1 != r.At.In(balie.Brussels()).Month() || d1 != r.At.In(balie.Brussels()).Day() {
			since = c.Since.In(balie.Brussels()).Format("02/01 15:04")
		}
		d.cell(cols[3], 7, since, "L", 1)
	}
	if len(r.Children) == 0 {
		d.cell(width, 7, tr(lang, "Er is niemand aanwezig.", "No one is present."), "L", 1)
	}
	if err := d.Output(w); err != nil {
		return fmt.Errorf("roll call pdf: %w", err)
	}
	return nil
}

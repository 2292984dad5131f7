package pos

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// walk visits o and everything inside it, depth first.
func walk(o fyne.CanvasObject, visit func(fyne.CanvasObject)) {
	visit(o)
	switch o := o.(type) {
	case *panel:
		walk(o.content, visit)
	case *container.Scroll:
		walk(o.Content, visit)
	case *container.ThemeOverride:
		walk(o.Content, visit)
	case *container.Split:
		walk(o.Leading, visit)
		walk(o.Trailing, visit)
	case *fyne.Container:
		for _, c := range o.Objects {
			walk(c, visit)
		}
	}
}

// labelTexts returns the texts of the labels in o, in order.
func labelTexts(o fyne.CanvasObject) []string {
	var out []string
	walk(o, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok {
			out = append(out, l.Text)
		}
	})
	return out
}

// allTexts returns every text in o a person can read, hidden or not:
// labels, buttons, pickers and their options, fields and their hints.
func allTexts(o fyne.CanvasObject) []string {
	var out []string
	walk(o, func(o fyne.CanvasObject) {
		switch o := o.(type) {
		case *widget.Label:
			out = append(out, o.Text)
		case *widget.Button:
			out = append(out, o.Text)
		case *keyButton:
			out = append(out, o.Text)
		case *widget.Select:
			out = append(append(out, o.Selected, o.PlaceHolder), o.Options...)
		case *keySelect:
			out = append(append(out, o.Selected, o.PlaceHolder), o.Options...)
		case *scanEntry:
			out = append(out, o.Text, o.PlaceHolder)
		}
	})
	return out
}

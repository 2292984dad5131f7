package pos

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// ccFlag is the flag over the childcare desk for the children still
// present after closing time: never signed out by the desk itself, never
// billed a guess, shown until staff sign each one out.
type ccFlag struct {
	a     *App
	box   *fyne.Container
	shown string // the children flagged as last drawn, to redraw only on a change
}

func newCCFlag(a *App) *ccFlag { return &ccFlag{a: a, box: container.NewVBox()} }

// show flags the children named (none: no flag).
func (f *ccFlag) show(names []string) {
	f.shown = strings.Join(names, ",")
	f.box.Objects = f.view(names)
}

func (f *ccFlag) view(names []string) []fyne.CanvasObject {
	if len(names) == 0 {
		return nil
	}
	l := f.a.lang
	title := widget.NewLabelWithStyle(l.t(msgCCFlagTitle, len(names), strings.Join(names, ", ")),
		fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	title.Importance = widget.DangerImportance
	title.Wrapping = fyne.TextWrapWord
	hint := widget.NewLabel(l.t(msgCCFlagHint))
	hint.Wrapping = fyne.TextWrapWord
	hint.SizeName = theme.SizeNameCaptionText
	icon := container.NewGridWrap(fyne.NewSquareSize(36), widget.NewIcon(theme.NewErrorThemedResource(theme.WarningIcon())))
	return []fyne.CanvasObject{newAlertPanel(container.NewBorder(nil, nil, container.NewVBox(icon), nil,
		container.NewVBox(title, hint)), theme.ColorNameError)}
}

const (
	msgCCFlagTitle msg = "childcare.flag.title"
	msgCCFlagHint  msg = "childcare.flag.hint"
)

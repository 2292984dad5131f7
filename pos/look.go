package pos

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// screenTheme is the app's theme with text a clerk reads at arm's length,
// standing at the counter. The app sets it as its theme (Theme); the few
// fields with larger text have an override of their own, made once and
// never refreshed: Fyne loads a whole set of fonts for each override
// scope, and a ThemeOverride's Refresh makes a new scope every time, so a
// refresh per scan cost megabytes per scan. It asks the app for its theme on every call,
// so it follows a change of theme or of light and dark variant. Not
// theme.Current: while an override renders, that is the override itself.
//
// text is the body text size. The scan field and the holder's name have
// overrides of their own with larger text, rather than size names of our
// own: a widget built after its override was applied meets the app's
// theme for a moment, and that theme knows only Fyne's names.
type screenTheme struct {
	text  float32
	under fyne.Theme // set for the app's own theme: what it builds on
}

// Theme is the app's theme: Fyne's, with the text sizes of a counter,
// so that what opens outside the screen's overrides (a drop-down list, a
// dialog) is as readable as the rest.
func Theme() fyne.Theme { return screenTheme{text: bodyTextSize, under: theme.DefaultTheme()} }

func (t screenTheme) base() fyne.Theme {
	if t.under != nil {
		return t.under
	}
	return base()
}

func (t screenTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	return t.base().Color(n, v)
}

func (t screenTheme) Font(s fyne.TextStyle) fyne.Resource { return t.base().Font(s) }

func (t screenTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return t.base().Icon(n) }

func (t screenTheme) Size(n fyne.ThemeSizeName) float32 {
	switch n {
	case theme.SizeNameText:
		return t.text
	case theme.SizeNameCaptionText:
		return 15
	case theme.SizeNameSubHeadingText:
		return 22
	case theme.SizeNameHeadingText:
		return 28
	case theme.SizeNameInlineIcon:
		return 24
	case sizeHolderName:
		return holderTextSize
	case sizeReceipt:
		return receiptTextSize
	}
	return t.base().Size(n)
}

func base() fyne.Theme {
	if a := fyne.CurrentApp(); a != nil {
		if th := a.Settings().Theme(); th != nil {
			return th
		}
	}
	return theme.DefaultTheme()
}

// panel is a rounded box behind part of the screen. Its colours are theme
// names, resolved at each refresh, so it follows the theme like a widget.
type panel struct {
	widget.BaseWidget
	content fyne.CanvasObject
	fill    fyne.ThemeColorName
	edge    fyne.ThemeColorName
	tinted  bool // fill is the edge colour, faint
}

func newPanel(content fyne.CanvasObject, fill, edge fyne.ThemeColorName) *panel {
	p := &panel{content: content, fill: fill, edge: edge}
	p.ExtendBaseWidget(p)
	return p
}

// newAlertPanel is a panel tinted with the colour c, for a refusal.
func newAlertPanel(content fyne.CanvasObject, c fyne.ThemeColorName) *panel {
	p := &panel{content: content, edge: c, tinted: true}
	p.ExtendBaseWidget(p)
	return p
}

func (p *panel) CreateRenderer() fyne.WidgetRenderer {
	r := &panelRenderer{p: p, box: canvas.NewRectangle(color.Transparent)}
	r.Refresh()
	return r
}

type panelRenderer struct {
	p   *panel
	box *canvas.Rectangle
}

func (r *panelRenderer) pad() float32 { return 2 * r.p.Theme().Size(theme.SizeNameInnerPadding) }

func (r *panelRenderer) Layout(size fyne.Size) {
	r.box.Resize(size)
	pad := r.pad()
	r.p.content.Move(fyne.NewPos(pad, pad))
	r.p.content.Resize(size.SubtractWidthHeight(2*pad, 2*pad))
}

func (r *panelRenderer) MinSize() fyne.Size {
	pad := r.pad()
	return r.p.content.MinSize().AddWidthHeight(2*pad, 2*pad)
}

func (r *panelRenderer) Refresh() {
	th := r.p.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	edge := th.Color(r.p.edge, v)
	if r.p.tinted {
		r.box.FillColor = faint(edge)
	} else {
		r.box.FillColor = th.Color(r.p.fill, v)
	}
	r.box.StrokeColor = edge
	r.box.StrokeWidth = 2
	r.box.CornerRadius = th.Size(theme.SizeNameInputRadius) * 2
	r.box.Refresh()
	r.p.content.Refresh()
	r.Layout(r.p.Size())
}

func (r *panelRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.box, r.p.content}
}

func (r *panelRenderer) Destroy() {}

// faint returns c at an eighth of its opacity, a tint that keeps text on
// it readable in a light and a dark theme.
func faint(c color.Color) color.Color {
	n := color.NRGBAModel.Convert(c).(color.NRGBA)
	n.A /= 8
	return n
}

// Text sizes of the screen, larger than Fyne's default 14: the clerk
// reads them standing, the holder's name first.
const (
	bodyTextSize    = 18
	scanTextSize    = 30
	holderTextSize  = 44
	receiptTextSize = 14 // the receipt on screen: paper's small print, glanced at
)

// Size names of the app's own theme, for labels (a label takes a size
// name; an entry does not, so the scan field keeps an override).
const (
	sizeHolderName fyne.ThemeSizeName = "balieHolderName"
	sizeReceipt    fyne.ThemeSizeName = "balieReceipt"
)

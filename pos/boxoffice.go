package pos

import "fyne.io/fyne/v2"

// BoxOfficeDesk is what the box office asks of the terminal.
type BoxOfficeDesk interface{}

// boxOfficePanel is the box office's actions. (Being built.)
type boxOfficePanel struct{ a *App }

func newBoxOfficePanel(a *App, desk BoxOfficeDesk) *boxOfficePanel { return &boxOfficePanel{a: a} }

func (p *boxOfficePanel) content() fyne.CanvasObject { return nil }
func (p *boxOfficePanel) setHolder(h *HolderView)    {}
func (p *boxOfficePanel) key(name fyne.KeyName) bool { return false }

package pos

import "fyne.io/fyne/v2"

// ChildcareDesk is what the childcare desk asks of the terminal.
type ChildcareDesk interface{}

// childcarePanel is the childcare desk's actions. (Being built.)
type childcarePanel struct{ a *App }

func newChildcarePanel(a *App, desk ChildcareDesk) *childcarePanel { return &childcarePanel{a: a} }

func (p *childcarePanel) content() fyne.CanvasObject { return nil }
func (p *childcarePanel) setHolder(h *HolderView)    {}
func (p *childcarePanel) key(name fyne.KeyName) bool { return false }

package pos

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/balie/balie"
	"github.com/balie/balie/pos/receipt"
)

// receiptWidth is the receipt's width in characters, that of a common
// 80 mm receipt printer.
const receiptWidth = 42

// boxSlip is the outcome of the box office's last act: a sale's
// confirmation with the change to give and its receipt on screen (sent
// to the printer, saved as a PDF with F11), or why it was refused.
type boxSlip struct {
	a *App

	// Only touched on the Fyne goroutine.
	receipt *receipt.Receipt // the last sale's, for F11; nil before
	forCard string           // the card looked up after the sale on screen

	outcome *fyne.Container
}

func newBoxSlip(a *App) *boxSlip { return &boxSlip{a: a, outcome: container.NewVBox()} }

func (s *boxSlip) t(id msg, args ...any) string { return s.a.lang.t(id, args...) }

func (s *boxSlip) content() fyne.CanvasObject { return s.outcome }

// shown reports whether an outcome is on screen.
func (s *boxSlip) shown() bool { return len(s.outcome.Objects) > 0 }

// clear takes the outcome away: the next customer does not see it.
func (s *boxSlip) clear() {
	s.outcome.RemoveAll()
	s.forCard = ""
}

// of is the receipt of a sale recorded at at as journal event ref, by
// staff. A cash payment shows what was received and the change.
func (s *boxSlip) of(at time.Time, ref string, pay balie.PaymentMethod, total, tendered balie.Cents, lines []receipt.Line) receipt.Receipt {
	r := receipt.Receipt{Desk: s.a.cfg.Desk.Name, Time: at, Lines: lines, Total: total, Payment: pay,
		Reference: ref, Footer: s.t(msgBoxReceiptThanks)}
	if s.a.staff != nil {
		r.Staff, _, _ = strings.Cut(s.a.staff.Name, " ")
	}
	if pay == balie.PayCash {
		r.Tendered, r.Change = tendered, max(tendered-total, 0)
	}
	return r
}

// sold shows a sale's outcome and receipt, and prints it.
func (s *boxSlip) sold(text string, r receipt.Receipt, card string) {
	s.forCard = card
	s.receipt = &r
	lang := string(s.a.lang)
	if print := s.a.deps.Print; print != nil {
		b := receipt.ReceiptESCPOS(r, lang, receiptWidth)
		s.a.run(func(ctx context.Context) func() {
			err := print(b)
			return func() {
				if err != nil {
					s.a.log.Warn("print receipt", "err", err)
					s.a.notice(s.t(msgBoxPrintFailed), false)
				}
			}
		})
	}
	head := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	head.Wrapping = fyne.TextWrapWord
	head.Importance = widget.SuccessImportance
	rows := []fyne.CanvasObject{container.NewBorder(nil, nil, widget.NewIcon(theme.NewSuccessThemedResource(theme.ConfirmIcon())), nil, head)}
	if r.Payment == balie.PayCash {
		change := widget.NewLabelWithStyle(s.t(msgBoxChange, r.Change.Format(lang)), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		change.SizeName = theme.SizeNameHeadingText
		change.Importance = widget.SuccessImportance
		if r.Tendered < r.Total {
			// Priced by the store in the act: the cash typed was short.
			change.SetText(s.t(msgBoxTooLittle, (r.Total - r.Tendered).Format(lang)))
			change.Importance = widget.DangerImportance
		}
		rows = append(rows, change)
	}
	slip := widget.NewLabelWithStyle(strings.TrimRight(receipt.ReceiptText(r, lang, receiptWidth), "\n"), fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	slip.SizeName = sizeReceipt
	rows = append(rows, container.NewHBox(newPanel(slip, theme.ColorNameInputBackground, theme.ColorNameInputBorder)),
		container.NewHBox(s.a.button(keyLabel(s.t(msgBoxReceiptPDF), fyne.KeyF11), theme.DocumentSaveIcon(), s.save)))
	s.outcome.Objects = []fyne.CanvasObject{newAlertPanel(container.NewVBox(rows...), theme.ColorNameSuccess)}
	s.outcome.Refresh()
}

// refused shows why an act or the lists could not be done.
func (s *boxSlip) refused(text string) {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.Wrapping = fyne.TextWrapWord
	l.Importance = widget.DangerImportance
	icon := widget.NewIcon(theme.NewErrorThemedResource(theme.ErrorIcon()))
	s.outcome.Objects = []fyne.CanvasObject{newAlertPanel(container.NewBorder(nil, nil, icon, nil, l), theme.ColorNameError)}
	s.outcome.Refresh()
}

// save writes the last sale's receipt as a PDF to the receipts folder,
// for a customer who wants it by mail or printed elsewhere, and says so.
func (s *boxSlip) save() {
	if s.receipt == nil {
		return
	}
	r, lang := *s.receipt, string(s.a.lang)
	dir := s.a.cfg.ReceiptDir
	if dir == "" {
		dir = os.TempDir()
	}
	name := filepath.Join(dir, fmt.Sprintf("bon-%s-%s.pdf", r.Time.In(balie.Brussels()).Format("2006-01-02-150405"), receipt.ShortRef(r.Reference)))
	var buf bytes.Buffer
	err := receipt.ReceiptPDF(&buf, r, lang)
	if err == nil {
		if err = os.MkdirAll(dir, 0o700); err == nil {
			err = os.WriteFile(name, buf.Bytes(), 0o600)
		}
	}
	if err != nil {
		s.a.log.Error("save receipt", "err", err)
		s.a.notice(s.t(msgBoxReceiptFailed), false)
		return
	}
	s.a.log.Info("receipt saved", "path", name)
	// The folder is the desk's own (bonnen/ next to the store); the name
	// is enough to find it.
	s.a.notice(s.t(msgBoxReceiptSaved, filepath.Base(name)), true)
}

const (
	msgBoxChange        msg = "box.change"
	msgBoxReceiptThanks msg = "box.receipt.thanks"
	msgBoxReceiptPDF    msg = "box.receipt.pdf"
	msgBoxReceiptSaved  msg = "box.receipt.saved"
	msgBoxReceiptFailed msg = "box.receipt.failed"
	msgBoxPrintFailed   msg = "box.print.failed"
	msgBoxSoldTickets   msg = "box.sold.tickets"
	msgBoxSoldTicket    msg = "box.sold.ticket"
)

package pos

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/balie/balie"
	"github.com/balie/balie/pos/receipt"
)

// Reviews lists the events a person must look at: adjusted or rejected
// by the ledger, or parked.
type Reviews interface {
	Review(ctx context.Context) ([]balie.ReviewItem, error)
}

// reviewScreen is the review list, for a supervisor.
type reviewScreen struct {
	a    *App
	list Reviews
}

func newReviewScreen(a *App, list Reviews) *reviewScreen { return &reviewScreen{a: a, list: list} }

func (r *reviewScreen) t(id msg, args ...any) string { return r.a.lang.t(id, args...) }

func (r *reviewScreen) show() {
	r.a.run(func(ctx context.Context) func() {
		items, err := r.list.Review(ctx)
		return func() {
			if err != nil {
				r.a.notice(r.a.sentence("read review", err), false)
				return
			}
			r.a.overlay(r.build(items), nil, nil)
		}
	})
}

func (r *reviewScreen) build(items []balie.ReviewItem) fyne.CanvasObject {
	lang := string(r.a.lang)
	rows := container.NewVBox()
	if len(items) == 0 {
		rows.Add(widget.NewLabel(r.t(msgReviewNone)))
	}
	for _, it := range items {
		sentence := it.NL
		if lang == "en" {
			sentence = it.EN
		}
		head := strings.Join([]string{it.Time.In(balie.Brussels()).Format("02/01 15:04"), actName(r.a.lang, it.Kind), r.status(it.Status), r.t(msgReviewRef, receipt.ShortRef(it.ID))}, " · ")
		h := widget.NewLabelWithStyle(head, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		body := widget.NewLabel(sentence)
		body.Wrapping = fyne.TextWrapWord
		parts := []fyne.CanvasObject{h, body}
		if it.Outcome != "" {
			// How the back office resolved it: the clerk sees the act
			// is done with.
			done := widget.NewLabelWithStyle(r.t(msgReviewOutcome, it.By, balie.OutcomeName(it.Outcome, lang), it.Note), fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
			done.Wrapping = fyne.TextWrapWord
			parts = append(parts, done)
		}
		edge := theme.ColorNameWarning
		if it.Status != balie.VerdictAdjusted {
			edge = theme.ColorNameError
		}
		if it.Outcome != "" {
			edge = theme.ColorNameSuccess
		}
		rows.Add(newAlertPanel(container.NewVBox(parts...), edge))
	}
	back := r.a.button(keyLabel(r.t(msgReviewBack), fyne.KeyEscape), nil, r.a.closeOverlay)
	return container.NewBorder(container.NewVBox(heading(r.t(msgReviewTitle, len(items))), hint(r.t(msgReviewHint))),
		container.NewHBox(back), nil, nil, container.NewVScroll(container.NewPadded(rows)))
}

func (r *reviewScreen) status(s string) string {
	switch s {
	case balie.VerdictAdjusted:
		return r.t(msgReviewAdjusted)
	case balie.VerdictRejected:
		return r.t(msgReviewRejected)
	}
	return r.t(msgReviewParked)
}

const (
	msgReviewTitle    msg = "review.title"
	msgReviewHint     msg = "review.hint"
	msgReviewNone     msg = "review.none"
	msgReviewBack     msg = "review.back"
	msgReviewAdjusted msg = "review.adjusted"
	msgReviewRejected msg = "review.rejected"
	msgReviewParked   msg = "review.parked"
	msgReviewRef      msg = "review.ref"
	msgReviewOutcome  msg = "review.outcome"
)

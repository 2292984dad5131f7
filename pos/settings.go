package pos

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/balie/balie"
)

// DeskList lists the desks a terminal can serve.
type DeskList interface {
	Desks(ctx context.Context) ([]balie.Desk, error)
}

// Settings is what the terminal does when the settings change: keep them
// and show the app again in the new language or at the new desk.
type Settings func(lang, deskID string)

// showSettings shows the settings (F1): the language of the screen, and
// the desk the terminal serves, which only a supervisor may change.
func (a *App) showSettings() {
	if a.deps.Settings == nil {
		return
	}
	a.run(func(ctx context.Context) func() {
		var desks []balie.Desk
		var err error
		if a.deps.Desks != nil {
			desks, err = a.deps.Desks.Desks(ctx)
		}
		return func() {
			if err != nil {
				a.notice(a.sentence("list desks", err), false)
				return
			}
			a.showOverlay(overlay{o: a.settingsView(desks), keys: func(k fyne.KeyName) bool {
				// F9 applies, as it confirms everywhere else.
				if k == fyne.KeyF9 && a.settingsApply != nil {
					a.settingsApply()
					return true
				}
				return false
			}})
		}
	})
}

func (a *App) settingsView(desks []balie.Desk) fyne.CanvasObject {
	t := func(id msg, args ...any) string { return a.lang.t(id, args...) }
	langs := []string{"Nederlands", "English"}
	lang := newChoice(a.route, langs, nil)
	lang.SetSelected(langs[0])
	if a.lang == "en" {
		lang.SetSelected(langs[1])
	}
	var names []string
	chosen := -1
	for i, k := range desks {
		names = append(names, k.Name)
		if k.ID == a.cfg.Desk.ID {
			chosen = i
		}
	}
	desk := a.pick(names, nil)
	if chosen >= 0 {
		desk.SetSelectedIndex(chosen)
	}
	apply := func() {
		l := "nl"
		if lang.Selected == langs[1] {
			l = "en"
		}
		i := desk.SelectedIndex()
		if i < 0 || desks[i].ID == a.cfg.Desk.ID {
			a.log.Info("settings changed", "lang", l)
			a.deps.Settings(l, a.cfg.Desk.ID)
			return
		}
		// Another desk changes what this terminal sells and for whom: a
		// supervisor approves on the spot.
		a.approve(t(msgSettingsApprove, desks[i].Name), func(sup balie.Staff) {
			a.log.Info("desk changed", "desk", desks[i].ID, "supervisor", sup.ID)
			a.deps.Settings(l, desks[i].ID)
		})
	}
	a.settingsApply = apply
	return container.NewPadded(container.NewVBox(
		heading(t(msgSettingsTitle)),
		widget.NewLabelWithStyle(t(msgSettingsLang), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), lang.content(),
		widget.NewLabelWithStyle(t(msgSettingsDesk), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), desk,
		hint(t(msgSettingsDeskHint)),
		container.NewHBox(a.bigButton(keyLabel(t(msgSettingsApply), fyne.KeyF9), theme.ConfirmIcon(), apply),
			a.button(keyLabel(a.lang.t(msgReviewBack), fyne.KeyEscape), nil, a.closeOverlay))))
}

const (
	msgSettingsTitle    msg = "settings.title"
	msgSettingsLang     msg = "settings.lang"
	msgSettingsDesk     msg = "settings.desk"
	msgSettingsDeskHint msg = "settings.desk.hint"
	msgSettingsApply    msg = "settings.apply"
	msgSettingsApprove  msg = "settings.approve"
)

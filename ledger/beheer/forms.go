package beheer

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/balie/balie"
)

// A form is described once, as fields, and drawn by one template
// (_form.html): every field with its label, its help and the form's
// refusal tied to it for screen readers, in the order a keyboard walks.

type option struct {
	Value, Label string
	Selected     bool
}

type field struct {
	Name, Label, Type string // text, number, date, datetime-local, select, checkbox, checks, textarea, password, email, tel
	Value             string
	Checked           bool
	Options           []option
	Help              string
	Required          bool
	Autocomplete      string
	Inputmode         string
	Group             string // a legend that starts a group of fields
}

type form struct {
	Action   string
	Fields   []field
	Error    string
	Submit   string
	Readonly bool
	Name     string // the form's accessible name
	Preview  bool   // a tariff form: the share preview and its button
	// PreviewData is the preview's content; PreviewLabel its button's.
	PreviewData  *preview
	PreviewLabel string
}

// Prefix makes the ids of the form's fields unique on a page of several
// forms: the action's path as an id.
func (f *form) Prefix() string {
	var b strings.Builder
	for _, r := range strings.TrimPrefix(f.Action, "/beheer/") {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
	}
	return "f-" + b.String()
}

func text(lang, name, label, value string) field {
	return field{Name: name, Label: tr(lang, label), Type: "text", Value: value}
}

func required(f field) field { f.Required = true; return f }

func help(f field, lang, key string) field { f.Help = tr(lang, key); return f }

func typed(f field, t string) field { f.Type = t; return f }

func number(lang, name, label string, v int) field {
	return field{Name: name, Label: tr(lang, label), Type: "text", Inputmode: "numeric", Value: strconv.Itoa(v)}
}

func moneyField(lang, name, label string, c balie.Cents) field {
	v := strings.TrimPrefix(c.Format("nl"), "€ ")
	return field{Name: name, Label: tr(lang, label), Type: "text", Inputmode: "decimal", Value: v}
}

// pctField is a percentage as typed: "20", "12,5".
func pctField(lang, name, label string, bp int) field {
	v := strings.TrimSuffix(balie.FormatPercent(bp, "nl"), "%")
	return field{Name: name, Label: tr(lang, label), Type: "text", Inputmode: "decimal", Value: v}
}

func dateField(lang, name, label string, t time.Time) field {
	v := ""
	if !t.IsZero() {
		v = t.In(balie.Brussels()).Format("2006-01-02")
	}
	return field{Name: name, Label: tr(lang, label), Type: "date", Value: v}
}

func dateTimeField(lang, name, label string, t time.Time) field {
	v := ""
	if !t.IsZero() {
		v = t.In(balie.Brussels()).Format("2006-01-02T15:04")
	}
	return field{Name: name, Label: tr(lang, label), Type: "datetime-local", Value: v}
}

func selectField(lang, name, label, value string, opts []option) field {
	for i := range opts {
		opts[i].Selected = opts[i].Value == value
	}
	return field{Name: name, Label: tr(lang, label), Type: "select", Value: value, Options: opts}
}

func checkbox(lang, name, label string, on bool) field {
	return field{Name: name, Label: tr(lang, label), Type: "checkbox", Checked: on}
}

func checks(lang, name, label string, chosen []string, opts []option) field {
	for i := range opts {
		for _, c := range chosen {
			if opts[i].Value == c {
				opts[i].Selected = true
			}
		}
	}
	return field{Name: name, Label: tr(lang, label), Type: "checks", Options: opts}
}

func kindOptions(lang string, values ...string) []option {
	out := make([]option, len(values))
	for i, v := range values {
		out[i] = option{Value: v, Label: tr(lang, "kind."+v)}
	}
	return out
}

func periodOptions(lang string) []option {
	var out []option
	for _, p := range []balie.Period{balie.PeriodDay, balie.PeriodWeek, balie.PeriodMonth, balie.PeriodQuarter, balie.PeriodYear, balie.PeriodAbsolute} {
		out = append(out, option{Value: string(p), Label: tr(lang, "period."+string(p))})
	}
	return out
}

func triOptions(lang string) []option {
	return []option{{Value: "0", Label: tr(lang, "either")}, {Value: "1", Label: tr(lang, "yes")}, {Value: "2", Label: tr(lang, "no")}}
}

// Reading a form: each reader refuses what is not what its field takes
// with a sentence that names the field; the first refusal is the form's.

type reader struct {
	r    *http.Request
	lang string
	err  error
}

func (q *req) form() *reader {
	q.r.ParseForm()
	return &reader{r: q.r, lang: q.lang}
}

func (f *reader) str(name string) string { return strings.TrimSpace(f.r.PostFormValue(name)) }

func (f *reader) all(name string) []string {
	var out []string
	for _, v := range f.r.PostForm[name] {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func (f *reader) on(name string) bool { return f.r.PostFormValue(name) != "" }

func (f *reader) fail(err error) {
	if f.err == nil {
		f.err = err
	}
}

func (f *reader) int(name, label string) int {
	s := f.str(name)
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		f.fail(&balie.Error{Code: balie.CodeNumberInvalid, NL: tr("nl", "err.number", tr("nl", label)), EN: tr("en", "err.number", tr("en", label))})
	}
	return n
}

func (f *reader) money(name string) balie.Cents {
	s := f.str(name)
	if s == "" {
		return 0
	}
	c, err := balie.ParseAmount(s)
	f.failIf(err)
	return c
}

// percent reads a part of a key; an empty field is 0%, which the key's
// own rules then refuse where it matters.
func (f *reader) percent(name string) int {
	if f.str(name) == "" {
		return 0
	}
	bp, err := balie.ParsePercent(f.str(name))
	f.failIf(err)
	return bp
}

func (f *reader) failIf(err error) {
	if err != nil {
		f.fail(err)
	}
}

func (f *reader) date(name, label string) time.Time {
	s := f.str(name)
	if s == "" {
		return time.Time{}
	}
	for _, layout := range []string{"2006-01-02", "02/01/2006", "2/1/2006"} {
		if t, err := time.ParseInLocation(layout, s, balie.Brussels()); err == nil {
			return t
		}
	}
	f.fail(&balie.Error{Code: balie.CodeDateInvalid, NL: tr("nl", "err.date", tr("nl", label)), EN: tr("en", "err.date", tr("en", label))})
	return time.Time{}
}

func (f *reader) dateTime(name, label string) time.Time {
	s := f.str(name)
	if s == "" {
		return time.Time{}
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02 15:04", "02/01/2006 15:04"} {
		if t, err := time.ParseInLocation(layout, s, balie.Brussels()); err == nil {
			return t
		}
	}
	f.fail(&balie.Error{Code: balie.CodeDateInvalid, NL: tr("nl", "err.datetime", tr("nl", label)), EN: tr("en", "err.datetime", tr("en", label))})
	return time.Time{}
}

func (f *reader) limit(vol, period string) balie.Limit {
	l := balie.Limit{Volume: f.int(vol, "f.limit")}
	if l.Volume > 0 {
		l.Period = balie.Period(f.str(period))
	}
	return l
}

// message is a refusal's sentence for the page's language.
func message(lang string, err error) string {
	if e, ok := balie.AsError(err); ok {
		return e.Message(lang)
	}
	return tr(lang, "err.internal")
}

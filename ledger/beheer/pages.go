package beheer

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/balie/balie"
	"github.com/balie/balie/ledger"
)

type cell struct {
	Text, URL string
	Num       bool // an amount: kept on one line
}

type table struct {
	Caption string
	Cols    []string
	Rows    [][]cell
	Empty   string
}

type section struct {
	Title string
	Table *table
	Form  *form
	Text  string
}

// page data of a list and of a form.
func (q *req) list(title, newURL string, t *table) {
	search := q.r.URL.Query().Get("q")
	if s := balie.SearchKey(search); s != "" {
		var rows [][]cell
		for _, r := range t.Rows {
			var all []string
			for _, c := range r {
				all = append(all, c.Text)
			}
			if strings.Contains(balie.SearchKey(strings.Join(all, " ")), s) {
				rows = append(rows, r)
			}
		}
		t.Rows = rows
	}
	t.Caption, t.Empty = tr(q.lang, title), tr(q.lang, "none")
	q.render("list", map[string]any{"Title": tr(q.lang, title), "New": newURL, "Table": t, "Search": search})
}

func (q *req) edit(title, back string, f *form, sections ...section) {
	for _, sc := range sections {
		if sc.Table != nil && sc.Table.Empty == "" {
			sc.Table.Empty = tr(q.lang, "none")
		}
	}
	q.render("edit", map[string]any{"Title": title, "Back": back, "Form": f, "Sections": sections})
}

// sees and manages answer what the page shows of organiser org.
func (q *req) sees(org string) bool {
	a := q.access()
	return a.City() || a.SeesOrganiser(org)
}

func (q *req) manages(org string) bool { return q.access().ManagesOrganiser(org) }

// city is for the coordinator's pages (and the steering group's, which
// only read them).
func (q *req) city() error {
	if a := q.access(); a.City() || a.Role == balie.OfficeSteering {
		return nil
	}
	return errForbidden
}

func (q *req) organiserList() ([]balie.Organiser, error) {
	all, err := ledger.List[balie.Organiser](q.ctx, q.s.l, balie.ChangeOrganiser, "")
	var out []balie.Organiser
	for _, o := range all {
		if q.sees(o.ID) {
			out = append(out, o)
		}
	}
	return out, err
}

// orgOptions are the organisers the user may choose for a new item:
// those they manage.
func (q *req) orgOptions() []option {
	orgs, _ := q.organiserList()
	var out []option
	for _, o := range orgs {
		if q.manages(o.ID) {
			out = append(out, option{Value: o.ID, Label: o.Name})
		}
	}
	return out
}

func (q *req) cardSystemOptions() []option {
	cs, _ := ledger.List[balie.CardSystem](q.ctx, q.s.l, balie.ChangeCardSystem, "")
	var out []option
	for _, c := range cs {
		out = append(out, option{Value: c.ID, Label: c.Name})
	}
	return out
}

func orgName(orgs []balie.Organiser, id string) string {
	for _, o := range orgs {
		if o.ID == id {
			return o.Name
		}
	}
	return id
}

// load reads an entity a page names, 404 when it is not there and 403
// when the user may not see its organiser's.
func load[T any](q *req, kind, id string) (T, string, error) {
	var v T
	org, ok, err := q.s.l.OrganiserOf(q.ctx, kind, id)
	if err != nil {
		return v, "", err
	}
	if !ok {
		return v, "", errNotFound
	}
	if kind != balie.ChangeOrganiser && !q.sees(org) || kind == balie.ChangeOrganiser && !q.sees(id) {
		return v, "", errForbidden
	}
	if _, err := q.s.l.Entity(q.ctx, kind, id, &v); err != nil {
		return v, "", err
	}
	return v, org, nil
}

// identify gives a new item its id (the one typed, else a slug of its
// name) or, for a change, checks that the stored item exists and that
// the user may see it (404, 403): the start of every save of an item
// with an id of its own.
func identify[T any](q *req, f *reader, create bool, id *string, kind, prefix, name string) error {
	if create {
		if *id = f.str("id"); *id == "" {
			*id = balie.Slug(prefix, name)
		}
		return nil
	}
	_, _, err := load[T](q, kind, *id)
	return err
}

// refused re-renders a form with the refusal and what was typed: nothing
// typed is lost.
func refused(f *form, lang string, err error) error {
	if balie.ErrorCode(err) == balie.CodeForbidden {
		return errForbidden
	}
	if _, ok := balie.AsError(err); !ok {
		return err
	}
	f.Error = message(lang, err)
	return nil
}

// answer ends a form's POST: a refusal shows the form (formOf) again
// with the rule's sentence and what was typed (422); a change made goes
// to next, so that a reload sends nothing twice.
func (q *req) answer(err error, formOf func() *form, titleKey, list, next string) error {
	if err == nil {
		return q.saved(next)
	}
	f := formOf()
	if err := refused(f, q.lang, err); err != nil {
		return err
	}
	q.w.WriteHeader(http.StatusUnprocessableEntity)
	q.edit(tr(q.lang, titleKey), list, f)
	return nil
}

// Home.

func (q *req) openFlags() int {
	items, err := q.s.l.ReviewQueue(q.ctx, q.actor, false, 500)
	if err != nil {
		return 0
	}
	return len(items)
}

func (s *Server) home(q *req) error {
	data := map[string]any{"Title": tr(q.lang, "home.title")}
	if q.access().Role != balie.OfficeWelfare {
		data["Open"] = q.openFlags()
	}
	if a := q.access(); a.Reports() {
		// The steering group's headline is the dashboard's holders
		// figure: one count, the same on both pages.
		year := strconv.Itoa(q.now().In(balie.Brussels()).Year())
		d, err := s.dashboard(q.ctx, year)
		if err != nil {
			return err
		}
		if t, ok := d.Table("holders"); ok {
			data["Holders"] = figureOf(t, year, q.lang)
		}
		data["FiguresURL"] = "/beheer/figures?period=" + year
	}
	q.render("home", data)
	return nil
}

// Organisers.

func (s *Server) organisers(q *req) error {
	a := q.access()
	if !a.City() && a.Role != balie.OfficeSteering && a.Role != balie.OfficeOrganiser {
		return errForbidden
	}
	orgs, err := q.organiserList()
	if err != nil {
		return err
	}
	t := &table{Cols: []string{tr(q.lang, "col.code"), tr(q.lang, "col.name"), tr(q.lang, "col.kind"), tr(q.lang, "col.cardsystem")}}
	for _, o := range orgs {
		t.Rows = append(t.Rows, []cell{{Text: o.ID, URL: "/beheer/organisers/" + o.ID}, {Text: o.Name}, {Text: balie.OrganiserKindName(o.Kind, q.lang)}, {Text: o.CardSystem}})
	}
	newURL := ""
	if a.City() {
		newURL = "/beheer/organisers/new"
	}
	q.list("organisers.title", newURL, t)
	return nil
}

func (q *req) organiserFormOf(o balie.Organiser, create bool) *form {
	l := q.lang
	kinds := []option{}
	for _, k := range balie.OrganiserKinds() {
		kinds = append(kinds, option{Value: k, Label: balie.OrganiserKindName(k, l)})
	}
	f := &form{Name: tr(l, "organiser.title"), Submit: tr(l, "save"), Readonly: !q.access().City()}
	if create {
		f.Action = "/beheer/organisers/new"
		f.Fields = append(f.Fields, help(text(l, "id", "f.id", o.ID), l, "f.id.help"))
	} else {
		f.Action = "/beheer/organisers/" + o.ID
	}
	f.Fields = append(f.Fields,
		required(text(l, "name", "f.name", o.Name)),
		required(selectField(l, "kind", "f.kind", o.Kind, kinds)),
		required(selectField(l, "cardsystem", "f.cardsystem", o.CardSystem, q.cardSystemOptions())),
		text(l, "contact", "f.contact", o.Contact.Name),
		typed(text(l, "email", "f.email", o.Contact.Email), "email"),
		typed(text(l, "phone", "f.phone", o.Contact.Phone), "tel"),
		text(l, "iban", "f.iban", o.IBAN.String()),
		text(l, "accountholder", "f.accountholder", o.AccountHolder),
	)
	return f
}

func (s *Server) organiserForm(q *req) error {
	id := q.r.PathValue("id")
	if id == "" {
		if !q.access().City() {
			return errForbidden
		}
		q.edit(tr(q.lang, "organiser.new"), "/beheer/organisers", q.organiserFormOf(balie.Organiser{Kind: balie.OrganiserDepartment}, true))
		return nil
	}
	o, _, err := load[balie.Organiser](q, balie.ChangeOrganiser, id)
	if err != nil {
		return err
	}
	q.edit(tr(q.lang, "organiser.title")+": "+o.Name, "/beheer/organisers", q.organiserFormOf(o, false), q.organiserSections(o)...)
	return nil
}

// organiserSections list what belongs to an organiser: its desks, its
// events, its staff.
func (q *req) organiserSections(o balie.Organiser) []section {
	desks, _ := ledger.List[balie.Desk](q.ctx, q.s.l, balie.ChangeDesk, o.ID)
	dt := &table{Caption: tr(q.lang, "desks.title"), Cols: []string{tr(q.lang, "col.code"), tr(q.lang, "col.name"), tr(q.lang, "col.mode")}}
	for _, d := range desks {
		dt.Rows = append(dt.Rows, []cell{{Text: d.ID, URL: "/beheer/desks/" + d.ID}, {Text: d.Name}, {Text: tr(q.lang, "kind."+string(d.Mode))}})
	}
	return []section{{Title: tr(q.lang, "desks.title"), Table: dt}}
}

func (s *Server) organiserSave(q *req) error {
	id := q.r.PathValue("id")
	create := id == ""
	f := q.form()
	o := balie.Organiser{ID: id, Name: f.str("name"), Kind: f.str("kind"), CardSystem: f.str("cardsystem"),
		Contact: balie.Contact{Name: f.str("contact"), Email: f.str("email"), Phone: f.str("phone")}, IBAN: balie.IBAN(f.str("iban")), AccountHolder: f.str("accountholder")}
	if err := identify[balie.Organiser](q, f, create, &o.ID, balie.ChangeOrganiser, "org", o.Name); err != nil {
		return err
	}
	err := s.l.SaveOrganiser(q.ctx, q.actor, o, create)
	return q.answer(err, func() *form { return q.organiserFormOf(o, create) }, "organiser.title", "/beheer/organisers", "/beheer/organisers/"+o.ID)
}

// Card systems, municipalities and card prices.

func (s *Server) cardSystems(q *req) error {
	if err := q.city(); err != nil {
		return err
	}
	cs, err := ledger.List[balie.CardSystem](q.ctx, s.l, balie.ChangeCardSystem, "")
	if err != nil {
		return err
	}
	t := &table{Cols: []string{tr(q.lang, "col.code"), tr(q.lang, "col.name"), tr(q.lang, "col.postal")}}
	for _, c := range cs {
		t.Rows = append(t.Rows, []cell{{Text: c.ID, URL: "/beheer/cardsystems/" + c.ID}, {Text: c.Name}, {Text: strings.Join(c.PostalCodes, ", ")}})
	}
	newURL := ""
	if q.access().City() {
		newURL = "/beheer/cardsystems/new"
	}
	q.list("cardsystems.title", newURL, t)
	return nil
}

func (q *req) cardSystemFormOf(c balie.CardSystem, create bool) *form {
	l := q.lang
	f := &form{Name: tr(l, "cardsystem.title"), Submit: tr(l, "save"), Readonly: !q.access().City(), Action: "/beheer/cardsystems/" + c.ID}
	if create {
		f.Action = "/beheer/cardsystems/new"
		f.Fields = append(f.Fields, help(text(l, "id", "f.id", c.ID), l, "f.id.help"))
	}
	f.Fields = append(f.Fields, required(text(l, "name", "f.name", c.Name)))
	return f
}

func (s *Server) cardSystemForm(q *req) error {
	if err := q.city(); err != nil {
		return err
	}
	id := q.r.PathValue("id")
	if id == "" {
		if !q.access().City() {
			return errForbidden
		}
		q.edit(tr(q.lang, "cardsystem.new"), "/beheer/cardsystems", q.cardSystemFormOf(balie.CardSystem{}, true))
		return nil
	}
	var c balie.CardSystem
	ok, err := s.l.Entity(q.ctx, balie.ChangeCardSystem, id, &c)
	if err != nil {
		return err
	}
	if !ok {
		return errNotFound
	}
	q.edit(tr(q.lang, "cardsystem.title")+": "+c.Name, "/beheer/cardsystems", q.cardSystemFormOf(c, false), q.cardSystemSections(c, nil)...)
	return nil
}

func (q *req) cardSystemSections(c balie.CardSystem, priceErr error) []section {
	l := q.lang
	ms, _ := ledger.List[balie.Municipality](q.ctx, q.s.l, ledger.KindMunicipality, c.ID)
	mt := &table{Caption: tr(l, "municipalities"), Cols: []string{tr(l, "col.name"), tr(l, "col.postal"), tr(l, "col.population")}}
	for _, m := range ms {
		mt.Rows = append(mt.Rows, []cell{{Text: m.Name, URL: "/beheer/municipalities/" + m.ID}, {Text: strings.Join(m.PostalCodes, ", ")}, {Text: strconv.Itoa(m.Population)}})
	}
	var prices balie.CardPrices
	q.s.l.Entity(q.ctx, balie.ChangeCardPrices, c.ID, &prices)
	tri := func(t balie.Tri) string {
		return map[balie.Tri]string{balie.Any: tr(l, "either"), balie.Yes: tr(l, "yes"), balie.No: tr(l, "no")}[t]
	}
	pt := &table{Caption: tr(l, "prices.title"), Cols: []string{"#", tr(l, "f.resident"), tr(l, "f.under18"), tr(l, "f.social"), tr(l, "f.reasons"), tr(l, "col.price")}}
	for i, r := range prices.Rules {
		reasons := tr(l, "prices.reasons.all")
		if len(r.Reasons) > 0 {
			var rs []string
			for _, x := range r.Reasons {
				rs = append(rs, tr(l, "kind."+string(x)))
			}
			reasons = strings.Join(rs, ", ")
		}
		pt.Rows = append(pt.Rows, []cell{{Text: strconv.Itoa(i + 1)}, {Text: tri(r.Resident)}, {Text: tri(r.Under18)}, {Text: tri(r.SocialTariff)}, {Text: reasons}, {Text: r.Price.Format(l)}})
	}
	var reasons []option
	for _, r := range []balie.PurchaseReason{balie.ReasonFirstCard, balie.ReasonReplaceLost, balie.ReasonReplaceStolen, balie.ReasonReplaceDefect, balie.ReasonSocialObtained, balie.ReasonSocialLost} {
		reasons = append(reasons, option{Value: string(r), Label: tr(l, "kind."+string(r))})
	}
	pf := &form{Name: tr(l, "prices.add"), Action: "/beheer/cardsystems/" + c.ID + "/prices", Submit: tr(l, "prices.add"), Readonly: !q.access().City(),
		Fields: []field{
			selectField(l, "resident", "f.resident", "0", triOptions(l)),
			selectField(l, "under18", "f.under18", "0", triOptions(l)),
			selectField(l, "social", "f.social", "0", triOptions(l)),
			checks(l, "reasons", "f.reasons", nil, reasons),
			required(moneyField(l, "price", "f.price", 0)),
		}}
	if priceErr != nil {
		pf.Error = message(l, priceErr)
	}
	secs := []section{{Title: tr(l, "municipalities"), Table: mt}, {Title: tr(l, "prices.title"), Table: pt, Form: pf}}
	if q.access().City() {
		secs[0].Text = "/beheer/municipalities/new?cardsystem=" + c.ID
	}
	return secs
}

func (s *Server) cardSystemSave(q *req) error {
	id := q.r.PathValue("id")
	create := id == ""
	f := q.form()
	c := balie.CardSystem{ID: id, Name: f.str("name")}
	if create {
		if c.ID = f.str("id"); c.ID == "" {
			c.ID = balie.Slug("cs", c.Name)
		}
	} else {
		var old balie.CardSystem
		ok, err := s.l.Entity(q.ctx, balie.ChangeCardSystem, id, &old)
		if err != nil {
			return err
		}
		if !ok {
			return errNotFound
		}
		c.PostalCodes = old.PostalCodes
	}
	err := s.l.SaveCardSystem(q.ctx, q.actor, c, create)
	return q.answer(err, func() *form { return q.cardSystemFormOf(c, create) }, "cardsystem.title", "/beheer/cardsystems", "/beheer/cardsystems/"+c.ID)
}

func (s *Server) cardPricesSave(q *req) error {
	id := q.r.PathValue("id")
	var c balie.CardSystem
	ok, err := s.l.Entity(q.ctx, balie.ChangeCardSystem, id, &c)
	if err != nil {
		return err
	}
	if !ok {
		return errNotFound
	}
	var prices balie.CardPrices
	if _, err := s.l.Entity(q.ctx, balie.ChangeCardPrices, id, &prices); err != nil {
		return err
	}
	f := q.form()
	tri := func(name string) balie.Tri { n, _ := strconv.Atoi(f.str(name)); return balie.Tri(n) }
	r := balie.CardPriceRule{CardSystem: id, Resident: tri("resident"), Under18: tri("under18"), SocialTariff: tri("social"), Price: f.money("price")}
	for _, x := range f.all("reasons") {
		r.Reasons = append(r.Reasons, balie.PurchaseReason(x))
	}
	err = f.err
	if err == nil {
		// A new rule goes before the last one, which is usually the
		// general price: a more specific rule must come first to count.
		rules := slices.Clone([]balie.CardPriceRule(prices.Rules))
		at := max(len(rules)-1, 0)
		rules = slices.Insert(rules, at, r)
		err = s.l.SaveCardPrices(q.ctx, q.actor, id, rules)
	}
	if err != nil {
		if _, ok := balie.AsError(err); !ok || balie.ErrorCode(err) == balie.CodeForbidden {
			return refused(&form{}, q.lang, err)
		}
		q.w.WriteHeader(http.StatusUnprocessableEntity)
		q.edit(tr(q.lang, "cardsystem.title")+": "+c.Name, "/beheer/cardsystems", q.cardSystemFormOf(c, false), q.cardSystemSections(c, err)...)
		return nil
	}
	return q.saved("/beheer/cardsystems/" + id)
}

func (q *req) municipalityFormOf(m balie.Municipality, create bool) *form {
	l := q.lang
	f := &form{Name: tr(l, "municipality.title"), Submit: tr(l, "save"), Readonly: !q.access().City(), Action: "/beheer/municipalities/" + m.ID}
	if create {
		f.Action = "/beheer/municipalities/new"
		f.Fields = append(f.Fields, help(text(l, "id", "f.id", m.ID), l, "f.id.help"))
	}
	f.Fields = append(f.Fields,
		required(text(l, "name", "f.name", m.Name)),
		required(selectField(l, "cardsystem", "f.cardsystem", m.CardSystem, q.cardSystemOptions())),
		required(text(l, "postals", "f.postals", strings.Join(m.PostalCodes, ", "))),
		number(l, "population", "f.population", m.Population))
	return f
}

func (s *Server) municipalityForm(q *req) error {
	if err := q.city(); err != nil {
		return err
	}
	id := q.r.PathValue("id")
	if id == "" {
		if !q.access().City() {
			return errForbidden
		}
		q.edit(tr(q.lang, "municipality.new"), "/beheer/cardsystems", q.municipalityFormOf(balie.Municipality{CardSystem: q.r.URL.Query().Get("cardsystem")}, true))
		return nil
	}
	var m balie.Municipality
	ok, err := s.l.Entity(q.ctx, ledger.KindMunicipality, id, &m)
	if err != nil {
		return err
	}
	if !ok {
		return errNotFound
	}
	q.edit(tr(q.lang, "municipality.title")+": "+m.Name, "/beheer/cardsystems/"+m.CardSystem, q.municipalityFormOf(m, false))
	return nil
}

func (s *Server) municipalitySave(q *req) error {
	id := q.r.PathValue("id")
	create := id == ""
	f := q.form()
	m := balie.Municipality{ID: id, Name: f.str("name"), CardSystem: f.str("cardsystem"), Population: f.int("population", "f.population")}
	codes, err := balie.ParsePostalCodes(f.str("postals"))
	f.failIf(err)
	m.PostalCodes = codes
	if create {
		if m.ID = f.str("id"); m.ID == "" {
			m.ID = balie.Slug("gem", m.Name)
		}
	}
	err = f.err
	if err == nil {
		err = s.l.SaveMunicipality(q.ctx, q.actor, m)
	}
	return q.answer(err, func() *form {
		fm := q.municipalityFormOf(m, create)
		fm.Fields[len(fm.Fields)-2].Value = f.str("postals")
		return fm
	}, "municipality.title", "/beheer/cardsystems", "/beheer/cardsystems/"+m.CardSystem)
}

// Desks.

func (s *Server) desks(q *req) error {
	orgs, err := q.organiserList()
	if err != nil {
		return err
	}
	if q.access().Role == balie.OfficeWelfare {
		return errForbidden
	}
	all, err := ledger.List[balie.Desk](q.ctx, s.l, balie.ChangeDesk, "")
	if err != nil {
		return err
	}
	t := &table{Cols: []string{tr(q.lang, "col.code"), tr(q.lang, "col.name"), tr(q.lang, "col.organiser"), tr(q.lang, "col.mode")}}
	for _, d := range all {
		if q.sees(d.OrganiserID) {
			t.Rows = append(t.Rows, []cell{{Text: d.ID, URL: "/beheer/desks/" + d.ID}, {Text: d.Name}, {Text: orgName(orgs, d.OrganiserID)}, {Text: tr(q.lang, "kind."+string(d.Mode))}})
		}
	}
	newURL := ""
	if len(q.orgOptions()) > 0 {
		newURL = "/beheer/desks/new"
	}
	q.list("desks.title", newURL, t)
	return nil
}

func (q *req) deskFormOf(d balie.Desk, create bool) *form {
	l := q.lang
	f := &form{Name: tr(l, "desk.title"), Submit: tr(l, "save"), Readonly: !create && !q.manages(d.OrganiserID), Action: "/beheer/desks/" + d.ID}
	if create {
		f.Action = "/beheer/desks/new"
		f.Fields = append(f.Fields, help(text(l, "id", "f.id", d.ID), l, "f.id.help"))
	}
	orgs, _ := ledger.List[balie.Organiser](q.ctx, q.s.l, balie.ChangeOrganiser, "")
	var all []option
	for _, o := range orgs {
		if o.ID != d.OrganiserID {
			all = append(all, option{Value: o.ID, Label: o.Name})
		}
	}
	f.Fields = append(f.Fields,
		required(text(l, "name", "f.name", d.Name)),
		required(selectField(l, "organiser", "f.organiser", d.OrganiserID, q.orgOptions())),
		required(selectField(l, "mode", "f.mode", string(d.Mode), kindOptions(l, string(balie.DeskBoxOffice), string(balie.DeskSports), string(balie.DeskChildcare)))),
		required(selectField(l, "cardsystem", "f.cardsystem", d.CardSystem, q.cardSystemOptions())),
		checks(l, "sellsfor", "f.sellsfor", d.SellsFor, all))
	return f
}

func (s *Server) deskForm(q *req) error {
	id := q.r.PathValue("id")
	if id == "" {
		if len(q.orgOptions()) == 0 {
			return errForbidden
		}
		q.edit(tr(q.lang, "desk.new"), "/beheer/desks", q.deskFormOf(balie.Desk{Mode: balie.DeskBoxOffice, OrganiserID: q.access().Organiser}, true))
		return nil
	}
	d, _, err := load[balie.Desk](q, balie.ChangeDesk, id)
	if err != nil {
		return err
	}
	q.edit(tr(q.lang, "desk.title")+": "+d.Name, "/beheer/desks", q.deskFormOf(d, false))
	return nil
}

func (s *Server) deskSave(q *req) error {
	id := q.r.PathValue("id")
	create := id == ""
	f := q.form()
	d := balie.Desk{ID: id, Name: f.str("name"), OrganiserID: f.str("organiser"), Mode: balie.DeskMode(f.str("mode")), CardSystem: f.str("cardsystem"), SellsFor: f.all("sellsfor")}
	if err := identify[balie.Desk](q, f, create, &d.ID, balie.ChangeDesk, "desk", d.Name); err != nil {
		return err
	}
	err := s.l.SaveDesk(q.ctx, q.actor, d, create)
	return q.answer(err, func() *form { return q.deskFormOf(d, create) }, "desk.title", "/beheer/desks", "/beheer/desks/"+d.ID)
}

// Terminals.

func (s *Server) terminals(q *req) error {
	if q.access().Role == balie.OfficeWelfare {
		return errForbidden
	}
	ts, err := s.l.TerminalStates(q.ctx)
	if err != nil {
		return err
	}
	l := q.lang
	var rows []ledger.TerminalState
	for _, t := range ts {
		if q.sees(t.Organiser) {
			rows = append(rows, t)
		}
	}
	newURL := ""
	if len(q.orgOptions()) > 0 {
		newURL = "/beheer/terminals/new"
	}
	q.render("terminals", map[string]any{"Title": tr(l, "terminals.title"), "Terminals": rows, "New": newURL})
	return nil
}

func (q *req) terminalFormOf(name, desk string) *form {
	l := q.lang
	desks, _ := ledger.List[balie.Desk](q.ctx, q.s.l, balie.ChangeDesk, "")
	var opts []option
	for _, d := range desks {
		if q.manages(d.OrganiserID) {
			opts = append(opts, option{Value: d.ID, Label: d.Name + " (" + d.ID + ")"})
		}
	}
	return &form{Name: tr(l, "terminal.new"), Action: "/beheer/terminals/new", Submit: tr(l, "terminal.new"),
		Fields: []field{required(text(l, "name", "f.terminalname", name)), required(selectField(l, "desk", "f.desk", desk, opts))}}
}

func (s *Server) terminalForm(q *req) error {
	if len(q.orgOptions()) == 0 {
		return errForbidden
	}
	q.edit(tr(q.lang, "terminal.new"), "/beheer/terminals", q.terminalFormOf("", q.r.URL.Query().Get("desk")))
	return nil
}

func (s *Server) terminalAdd(q *req) error {
	f := q.form()
	name, deskID := f.str("name"), f.str("desk")
	d, org, err := load[balie.Desk](q, balie.ChangeDesk, deskID)
	if errors.Is(err, errNotFound) {
		err = balie.Errorf(ledger.CodeDeskUnknown, "Kies de balie van de kassa.", "Choose the terminal's desk.")
	}
	var t ledger.Terminal
	var token string
	if err == nil {
		t, token, err = s.l.AddTerminalAs(q.ctx, q.actor, name, org, d.ID)
	}
	if err != nil {
		form := q.terminalFormOf(name, deskID)
		if err := refused(form, q.lang, err); err != nil {
			return err
		}
		q.w.WriteHeader(http.StatusUnprocessableEntity)
		q.edit(tr(q.lang, "terminal.new"), "/beheer/terminals", form)
		return nil
	}
	qr, err := qrPNG(token)
	if err != nil {
		return err
	}
	scheme := "http"
	if q.r.TLS != nil {
		scheme = "https"
	}
	q.render("token", map[string]any{"Title": tr(q.lang, "terminal.token"), "Terminal": t, "Token": token, "QR": qr,
		"Command": "balie --ledger " + scheme + "://" + q.r.Host + " --enrol " + token})
	return nil
}

func (s *Server) terminalRevoke(q *req) error {
	id := q.r.PathValue("id")
	t, err := s.l.Terminal(q.ctx, id)
	if err != nil {
		if balie.ErrorCode(err) == ledger.CodeTerminalUnknown {
			return errNotFound
		}
		return err
	}
	if !q.sees(t.Organiser) {
		return errForbidden
	}
	if err := s.l.RevokeTerminalAs(q.ctx, q.actor, id); err != nil {
		return err
	}
	return q.saved("/beheer/terminals")
}

// Users.

func (s *Server) users(q *req) error {
	if !q.access().City() {
		return errForbidden
	}
	us, err := s.l.Users(q.ctx)
	if err != nil {
		return err
	}
	t := &table{Cols: []string{tr(q.lang, "f.username"), tr(q.lang, "f.fullname"), tr(q.lang, "col.role"), tr(q.lang, "col.organiser"), tr(q.lang, "col.status")}}
	for _, u := range us {
		st := tr(q.lang, "kind.ACTIVE")
		if u.Disabled {
			st = tr(q.lang, "f.disabled")
		}
		t.Rows = append(t.Rows, []cell{{Text: u.Name, URL: "/beheer/users/" + u.ID}, {Text: u.FullName}, {Text: u.Role.Name(q.lang)}, {Text: u.Organiser}, {Text: st}})
	}
	q.list("users.title", "/beheer/users/new", t)
	return nil
}

func (q *req) userFormOf(u ledger.UserRow) *form {
	l := q.lang
	var roles []option
	for _, r := range balie.OfficeRoles() {
		roles = append(roles, option{Value: string(r), Label: r.Name(l)})
	}
	orgs, _ := q.organiserList()
	orgOpts := []option{{Value: "", Label: "—"}}
	for _, o := range orgs {
		orgOpts = append(orgOpts, option{Value: o.ID, Label: o.Name})
	}
	f := &form{Name: tr(l, "user.title"), Submit: tr(l, "save"), Action: "/beheer/users/" + u.ID}
	pw := typed(text(l, "password", "f.password", ""), "password")
	pw.Autocomplete = "new-password"
	if u.ID == "" {
		f.Action = "/beheer/users/new"
		pw.Required = true
	} else {
		pw = help(pw, l, "f.password.help")
	}
	name := required(text(l, "name", "f.username", u.Name))
	name.Autocomplete = "off"
	f.Fields = []field{name, text(l, "fullname", "f.fullname", u.FullName),
		required(selectField(l, "role", "f.role", string(u.Role), roles)), selectField(l, "organiser", "f.organiser", u.Organiser, orgOpts), pw,
		checkbox(l, "disabled", "f.disabled", u.Disabled)}
	return f
}

func (s *Server) userForm(q *req) error {
	if !q.access().City() {
		return errForbidden
	}
	id := q.r.PathValue("id")
	if id == "" {
		q.edit(tr(q.lang, "user.new"), "/beheer/users", q.userFormOf(ledger.UserRow{Role: balie.OfficeOrganiser}))
		return nil
	}
	u, ok, err := s.l.User(q.ctx, id)
	if err != nil {
		return err
	}
	if !ok {
		return errNotFound
	}
	q.edit(tr(q.lang, "user.title")+": "+u.Name, "/beheer/users", q.userFormOf(u))
	return nil
}

func (s *Server) userSave(q *req) error {
	if !q.access().City() {
		return errForbidden
	}
	f := q.form()
	in := ledger.UserInput{ID: q.r.PathValue("id"), Name: f.str("name"), FullName: f.str("fullname"), Role: balie.OfficeRole(f.str("role")),
		Organiser: f.str("organiser"), Password: q.r.PostFormValue("password"), Disabled: f.on("disabled")}
	u, err := s.l.SaveUser(q.ctx, q.actor, in)
	return q.answer(err, func() *form {
		return q.userFormOf(ledger.UserRow{ID: in.ID, Name: in.Name, FullName: in.FullName, Role: in.Role, Organiser: in.Organiser, Disabled: in.Disabled})
	}, "user.title", "/beheer/users", "/beheer/users/"+u.ID)
}

// Audit log.

func (s *Server) audit(q *req) error {
	before, _ := strconv.ParseInt(q.r.URL.Query().Get("before"), 10, 64)
	var entries []ledger.AuditEntry
	err := s.l.AuditLog(q.ctx, q.actor, before, 50, func(e ledger.AuditEntry) error {
		entries = append(entries, e)
		return nil
	})
	if balie.ErrorCode(err) == balie.CodeForbidden {
		return errForbidden
	}
	if err != nil {
		return err
	}
	older := ""
	if len(entries) == 50 {
		older = "/beheer/audit?before=" + strconv.FormatInt(entries[len(entries)-1].ID, 10)
	}
	q.render("audit", map[string]any{"Title": tr(q.lang, "audit.title"), "Entries": entries, "Older": older})
	return nil
}

// Review queue.

func (s *Server) review(q *req) error { return s.reviewPage(q, "", "") }

// reviewPage shows the queue, with a refusal at the flag errKey.
func (s *Server) reviewPage(q *req, errKey, errMsg string) error {
	if q.access().Role == balie.OfficeWelfare {
		return errForbidden
	}
	open, err := s.l.ReviewQueue(q.ctx, q.actor, false, 200)
	if err != nil {
		return err
	}
	done, err := s.l.ReviewQueue(q.ctx, q.actor, true, 50)
	if err != nil {
		return err
	}
	l := q.lang
	outcomes := func() []option {
		return []option{{Value: balie.OutcomeAccepted, Label: balie.OutcomeName(balie.OutcomeAccepted, l)},
			{Value: balie.OutcomeCorrected, Label: balie.OutcomeName(balie.OutcomeCorrected, l)},
			{Value: balie.OutcomeWrittenOff, Label: balie.OutcomeName(balie.OutcomeWrittenOff, l)}}
	}
	type item struct {
		ledger.ReviewItem
		Form *form
	}
	var items []item
	for _, it := range open {
		f := &form{Name: tr(l, "review.resolve") + " " + it.EventID, Action: "/beheer/review/" + it.Key, Submit: tr(l, "review.resolve"), Readonly: !q.access().Review(it.Organiser),
			Fields: []field{
				{Name: "outcome-" + it.Key, Label: tr(l, "f.outcome"), Type: "select", Options: outcomes()},
				required(field{Name: "note-" + it.Key, Label: tr(l, "f.note"), Type: "text"}),
			}}
		if it.Key == errKey {
			f.Error = errMsg
			f.Fields[0].Value = q.r.PostFormValue("outcome-" + it.Key)
			f.Fields[1].Value = q.r.PostFormValue("note-" + it.Key)
			for i := range f.Fields[0].Options {
				f.Fields[0].Options[i].Selected = f.Fields[0].Options[i].Value == f.Fields[0].Value
			}
		}
		items = append(items, item{it, f})
	}
	q.render("review", map[string]any{"Title": tr(l, "review.title"), "Open": items, "Done": done})
	return nil
}

func (s *Server) resolve(q *req) error {
	key := q.r.PathValue("key")
	f := q.form()
	err := s.l.ResolveFlag(q.ctx, q.actor, key, f.str("outcome-"+key), f.str("note-"+key))
	if err != nil {
		if balie.ErrorCode(err) == balie.CodeForbidden {
			return errForbidden
		}
		if _, ok := balie.AsError(err); !ok {
			return err
		}
		q.w.WriteHeader(http.StatusUnprocessableEntity)
		return s.reviewPage(q, key, message(q.lang, err))
	}
	return q.saved("/beheer/review")
}

// now is the ledger's clock.
func (q *req) now() time.Time { return q.s.l.Now() }

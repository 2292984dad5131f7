package beheer

import (
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/balie/balie"
	"github.com/balie/balie/ledger"
)

// Cost-sharing agreements (Afspraken) and budgets (Budgetten): the
// coordinator makes and changes them, the steering group reads them.
// An agreement is versioned by date: "Nieuwe versie" opens the form
// filled with it from today, under a new code, and the new one wins
// from its first day on (balie.ChooseAgreement).

// readsAgreements is for the agreements' and budgets' pages.
func (q *req) readsAgreements() error {
	if !q.access().Reports() {
		return errForbidden
	}
	return nil
}

// payerOptions are the governments a payer can be: the municipalities
// and card systems of the back office and the payers agreements name.
func (q *req) payerOptions(none string) []option {
	seen := map[string]bool{}
	out := []option{{Value: "", Label: none}}
	add := func(id, name string) {
		if id != "" && !seen[id] {
			seen[id] = true
			out = append(out, option{Value: id, Label: name + " (" + id + ")"})
		}
	}
	as, _ := q.s.l.Agreements(q.ctx)
	for _, a := range as {
		n := a.PayerName
		if n == "" {
			n = a.Payer
		}
		add(a.Payer, n)
	}
	ms, _ := ledger.List[balie.Municipality](q.ctx, q.s.l, ledger.KindMunicipality, "")
	for _, m := range ms {
		add(m.ID, m.Name)
	}
	for _, c := range q.cardSystemOptions() {
		add(c.Value, c.Label)
	}
	sort.SliceStable(out[1:], func(i, j int) bool { return out[1+i].Label < out[1+j].Label })
	return out
}

func withNone(lang string, opts []option) []option {
	return append([]option{{Value: "", Label: tr(lang, "agreement.any")}}, opts...)
}

// departmentsText writes a department key one line a department:
// "dienst-welzijn = 50".
func departmentsText(ds []balie.DepartmentPart) string {
	var b strings.Builder
	for _, d := range ds {
		b.WriteString(d.Department + " = " + strings.TrimSuffix(balie.FormatPercent(d.BP, "nl"), "%") + "\n")
	}
	return b.String()
}

// departments reads the key as typed: one department a line, its code
// and its percentage with "=" or ":" between.
func (f *reader) departments(name string) []balie.DepartmentPart {
	var out []balie.DepartmentPart
	for _, line := range strings.FieldsFunc(f.r.PostFormValue(name), func(r rune) bool { return r == '\n' || r == ';' }) {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		dep, pct, ok := strings.Cut(strings.Replace(line, ":", "=", 1), "=")
		if !ok {
			f.fail(&balie.Error{Code: balie.CodeAgreementInvalid, NL: tr("nl", "err.departments", line), EN: tr("en", "err.departments", line)})
			return out
		}
		bp, err := balie.ParsePercent(pct)
		f.failIf(err)
		out = append(out, balie.DepartmentPart{Department: strings.TrimSpace(dep), BP: bp})
	}
	return out
}

func (s *Server) agreements(q *req) error {
	if err := q.readsAgreements(); err != nil {
		return err
	}
	as, err := s.l.Agreements(q.ctx)
	if err != nil {
		return err
	}
	l := q.lang
	sort.Slice(as, func(i, j int) bool {
		if !as[i].From.Equal(as[j].From) {
			return as[i].From.After(as[j].From)
		}
		return as[i].ID < as[j].ID
	})
	t := &table{Cols: []string{tr(l, "col.code"), tr(l, "col.name"), tr(l, "f.from"), tr(l, "f.until"), tr(l, "agreement.scope"), tr(l, "f.payer"), tr(l, "agreement.decision")}}
	for _, a := range as {
		t.Rows = append(t.Rows, []cell{{Text: a.ID, URL: "/beheer/agreements/" + a.ID}, {Text: a.Name}, {Text: fmtDate(a.From), Num: true}, {Text: fmtDate(a.Until), Num: true},
			{Text: scopeText(l, a)}, {Text: firstOf(a.PayerName, a.Payer, tr(l, "agreement.payer.default"))}, {Text: decisionText(l, a)}})
	}
	newURL := ""
	if q.access().Agreements() {
		newURL = "/beheer/agreements/new"
	}
	q.list("agreements.title", newURL, t)
	return nil
}

func fmtDate(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(balie.Brussels()).Format("02/01/2006")
}

func firstOf(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}

// scopeText says which acts an agreement is for.
func scopeText(l string, a balie.CostAgreement) string {
	var parts []string
	if a.Kind != "" {
		parts = append(parts, tr(l, "agreement.kind."+a.Kind))
	}
	if a.TariffKind != "" {
		parts = append(parts, tr(l, "kind."+string(a.TariffKind)))
	}
	for _, f := range []struct{ key, v string }{{"f.organiser", a.Organiser}, {"f.cardsystem", a.CardSystem}, {"f.program", a.Program}} {
		if f.v != "" {
			parts = append(parts, strings.ToLower(tr(l, f.key))+" "+f.v)
		}
	}
	if len(a.PostalCodes) > 0 {
		parts = append(parts, strings.ToLower(tr(l, "col.postal"))+" "+strings.Join(a.PostalCodes, ", "))
	}
	if len(parts) == 0 {
		return tr(l, "agreement.scope.all")
	}
	return strings.Join(parts, "; ")
}

// decisionText says what an agreement decides besides the payer.
func decisionText(l string, a balie.CostAgreement) string {
	var parts []string
	if a.OrganiserSet {
		parts = append(parts, tr(l, "agreement.orgpart", balie.FormatPercent(a.OrganiserPart, l)))
	}
	if a.OrganiserMin > 0 {
		parts = append(parts, tr(l, "agreement.orgmin", a.OrganiserMin.Format(l)))
	}
	if len(a.Departments) > 0 {
		var ds []string
		for _, d := range a.Departments {
			ds = append(ds, d.Department+" "+balie.FormatPercent(d.BP, l))
		}
		parts = append(parts, tr(l, "agreement.key", strings.Join(ds, ", ")))
	}
	if len(parts) == 0 {
		return tr(l, "agreement.tariffkey")
	}
	return strings.Join(parts, "; ")
}

func (q *req) agreementFormOf(a balie.CostAgreement, create bool, deps string) *form {
	l := q.lang
	f := &form{Name: tr(l, "agreement.title"), Submit: tr(l, "save"), Readonly: !q.access().Agreements(), Action: "/beheer/agreements/" + a.ID}
	if create {
		f.Action = "/beheer/agreements/new"
		f.Fields = append(f.Fields, help(text(l, "id", "f.id", a.ID), l, "f.id.help"))
	}
	progs, _ := ledger.List[balie.MembershipProgram](q.ctx, q.s.l, balie.ChangeProgram, "")
	var progOpts []option
	for _, p := range progs {
		progOpts = append(progOpts, option{Value: p.ID, Label: p.Name})
	}
	orgs, _ := ledger.List[balie.Organiser](q.ctx, q.s.l, balie.ChangeOrganiser, "")
	var orgOpts []option
	for _, o := range orgs {
		orgOpts = append(orgOpts, option{Value: o.ID, Label: o.Name})
	}
	kinds := withNone(l, []option{{Value: balie.SettleTicket, Label: tr(l, "agreement.kind.TICKET")}, {Value: balie.SettleMembership, Label: tr(l, "agreement.kind.MEMBERSHIP")}})
	tariffs := withNone(l, kindOptions(l, string(balie.TariffSocial), string(balie.TariffCoupon)))
	from := required(dateField(l, "from", "f.from", a.From))
	from.Group = tr(l, "agreement.group.when")
	kind := selectField(l, "kind", "f.agreementkind", a.Kind, kinds)
	kind.Group = tr(l, "agreement.group.scope")
	payer := selectField(l, "payer", "f.payer", a.Payer, q.payerOptions(tr(l, "agreement.payer.default")))
	payer.Group = tr(l, "agreement.group.decision")
	orgSet := checkbox(l, "orgset", "f.orgset", a.OrganiserSet)
	key := field{Name: "departments", Label: tr(l, "f.departments"), Type: "textarea", Value: deps, Help: tr(l, "f.departments.help")}
	f.Fields = append(f.Fields,
		required(text(l, "name", "f.name", a.Name)),
		from,
		help(dateField(l, "until", "f.until", a.Until), l, "f.until.help"),
		kind,
		selectField(l, "tariffkind", "f.tariffkind", string(a.TariffKind), tariffs),
		selectField(l, "organiser", "f.organiser", a.Organiser, withNone(l, orgOpts)),
		selectField(l, "cardsystem", "f.cardsystem", a.CardSystem, withNone(l, q.cardSystemOptions())),
		help(text(l, "postals", "f.postals", strings.Join(a.PostalCodes, ", ")), l, "f.agreementpostals.help"),
		selectField(l, "program", "f.program", a.Program, withNone(l, progOpts)),
		payer,
		help(text(l, "payername", "f.payername", a.PayerName), l, "f.payername.help"),
		orgSet,
		help(pctField(l, "orgpart", "f.orgpart", a.OrganiserPart), l, "f.orgpart.help"),
		help(moneyField(l, "orgmin", "f.orgmin", a.OrganiserMin), l, "f.orgmin.help"),
		key,
	)
	return f
}

func (s *Server) agreementForm(q *req) error {
	if err := q.readsAgreements(); err != nil {
		return err
	}
	l := q.lang
	id := q.r.PathValue("id")
	if id == "" {
		if !q.access().Agreements() {
			return errForbidden
		}
		a := balie.CostAgreement{From: q.now()}
		if src := q.r.URL.Query().Get("version"); src != "" {
			// A new version: the same agreement from today, under a
			// new code; the old one stays for the days before.
			var old balie.CostAgreement
			ok, err := s.l.Entity(q.ctx, ledger.KindAgreement, src, &old)
			if err != nil {
				return err
			}
			if !ok {
				return errNotFound
			}
			a = old
			a.ID = old.ID + "-" + q.now().In(balie.Brussels()).Format("20060102")
			a.From, a.Until = q.now(), old.Until
			if !a.Until.IsZero() && !a.Until.After(a.From) {
				a.Until = time.Time{}
			}
		}
		q.edit(tr(l, "agreement.new"), "/beheer/agreements", q.agreementFormOf(a, true, departmentsText(a.Departments)))
		return nil
	}
	var a balie.CostAgreement
	ok, err := s.l.Entity(q.ctx, ledger.KindAgreement, id, &a)
	if err != nil {
		return err
	}
	if !ok {
		return errNotFound
	}
	var secs []section
	if q.access().Agreements() {
		secs = append(secs, section{Title: tr(l, "agreement.version"), Text: "/beheer/agreements/new?version=" + a.ID})
	}
	q.edit(tr(l, "agreement.title")+": "+firstOf(a.Name, a.ID), "/beheer/agreements", q.agreementFormOf(a, false, departmentsText(a.Departments)), secs...)
	return nil
}

func (s *Server) agreementSave(q *req) error {
	if !q.access().Agreements() {
		return errForbidden
	}
	l := q.lang
	id := q.r.PathValue("id")
	create := id == ""
	f := q.form()
	a := balie.CostAgreement{ID: id, Name: f.str("name"), From: f.date("from", "f.from"), Until: f.date("until", "f.until"),
		Kind: f.str("kind"), TariffKind: balie.TariffKind(f.str("tariffkind")), Organiser: f.str("organiser"), CardSystem: f.str("cardsystem"),
		Program: f.str("program"), Payer: f.str("payer"), PayerName: f.str("payername"), OrganiserSet: f.on("orgset"),
		OrganiserPart: f.percent("orgpart"), OrganiserMin: f.money("orgmin"), Departments: f.departments("departments")}
	if pcs := f.str("postals"); pcs != "" {
		codes, err := balie.ParsePostalCodes(pcs)
		f.failIf(err)
		a.PostalCodes = codes
	}
	if create {
		if a.ID = f.str("id"); a.ID == "" {
			a.ID = balie.Slug("afspraak", a.Name)
		}
	} else {
		var old balie.CostAgreement
		ok, err := s.l.Entity(q.ctx, ledger.KindAgreement, id, &old)
		if err != nil {
			return err
		}
		if !ok {
			return errNotFound
		}
	}
	err := f.err
	if err == nil && create {
		// A new agreement never overwrites one: a new version has a
		// code of its own.
		var old balie.CostAgreement
		if ok, rerr := s.l.Entity(q.ctx, ledger.KindAgreement, a.ID, &old); rerr != nil {
			return rerr
		} else if ok {
			err = balie.Errorf(balie.CodeIDTaken, "Een afspraak met code %[1]q bestaat al; kies een andere code.", "An agreement with code %[1]q exists already; choose another code.", a.ID)
		}
	}
	if err == nil {
		err = s.l.SaveAgreement(q.ctx, q.actor, a)
	}
	if err != nil {
		form := q.agreementFormOf(a, create, q.r.PostFormValue("departments"))
		for i := range form.Fields {
			switch form.Fields[i].Name {
			case "postals", "orgpart", "orgmin", "from", "until":
				// What was typed, also when it did not read.
				form.Fields[i].Value = f.str(form.Fields[i].Name)
			}
		}
		if err := refused(form, l, err); err != nil {
			return err
		}
		q.w.WriteHeader(http.StatusUnprocessableEntity)
		q.edit(tr(l, "agreement.title"), "/beheer/agreements", form)
		return nil
	}
	return q.saved("/beheer/agreements/" + a.ID)
}

// Budgets.

func (s *Server) budgets(q *req) error { return s.budgetsPage(q, ledger.Budget{}, nil) }

// budgetsPage lists a year's budgets, with the form to set one (and
// its refusal).
func (s *Server) budgetsPage(q *req, in ledger.Budget, refusal error) error {
	if err := q.readsAgreements(); err != nil {
		return err
	}
	l := q.lang
	year, err := strconv.Atoi(q.r.URL.Query().Get("year"))
	if err != nil || year < 2000 || year > 9999 {
		year = q.now().In(balie.Brussels()).Year()
	}
	if in.Year == 0 {
		in.Year = year
	}
	bs, err := s.l.Budgets(q.ctx, year)
	if err != nil {
		return err
	}
	payers := q.payerOptions("")
	name := func(id string) string {
		for _, o := range payers {
			if o.Value == id {
				return o.Label
			}
		}
		return id
	}
	orgs, err := ledger.List[balie.Organiser](q.ctx, s.l, balie.ChangeOrganiser, "")
	if err != nil {
		return err
	}
	sort.Slice(bs, func(i, j int) bool { return bs[i].Key() < bs[j].Key() })
	t := &table{Caption: tr(l, "budgets.title"), Cols: []string{tr(l, "f.payer"), tr(l, "f.department"), tr(l, "f.year"), tr(l, "f.budget")}}
	for _, b := range bs {
		dep := b.Department
		switch {
		case dep == "":
			dep = tr(l, "budget.whole")
		case slices.ContainsFunc(orgs, func(o balie.Organiser) bool { return o.ID == dep }):
			dep = orgName(orgs, dep) + " (" + dep + ")"
		default:
			dep = name(dep)
		}
		t.Rows = append(t.Rows, []cell{{Text: name(b.Payer)}, {Text: dep}, {Text: strconv.Itoa(b.Year)}, {Text: b.Cents.Format(l), Num: true}})
	}
	f := &form{Name: tr(l, "budget.set"), Action: "/beheer/budgets", Submit: tr(l, "budget.set"), Readonly: !q.access().Agreements(),
		Fields: []field{
			required(selectField(l, "payer", "f.payer", in.Payer, payers[1:])),
			help(text(l, "department", "f.department", in.Department), l, "f.department.help"),
			required(number(l, "year", "f.year", in.Year)),
			required(moneyField(l, "amount", "f.budget", in.Cents)),
		}}
	if refusal != nil {
		f.Error = message(l, refusal)
		f.Fields[2].Value, f.Fields[3].Value = q.r.PostFormValue("year"), q.r.PostFormValue("amount")
	}
	var years []option
	now := q.now().In(balie.Brussels()).Year()
	for y := now + 1; y >= now-3; y-- {
		years = append(years, option{Value: strconv.Itoa(y), Label: strconv.Itoa(y), Selected: y == year})
	}
	q.render("budgets", map[string]any{"Title": tr(l, "budgets.title") + " " + strconv.Itoa(year), "Table": t, "Form": f, "Years": years,
		"Figures": "/beheer/figures?period=" + strconv.Itoa(year) + "#fig-social-cost"})
	return nil
}

func (s *Server) budgetSave(q *req) error {
	if !q.access().Agreements() {
		return errForbidden
	}
	f := q.form()
	b := ledger.Budget{Payer: f.str("payer"), Department: f.str("department"), Year: f.int("year", "f.year"), Cents: f.money("amount")}
	err := f.err
	if err == nil {
		err = s.l.SaveBudget(q.ctx, q.actor, b)
	}
	if err != nil {
		if _, ok := balie.AsError(err); !ok || balie.ErrorCode(err) == balie.CodeForbidden {
			return refused(&form{}, q.lang, err)
		}
		q.w.WriteHeader(http.StatusUnprocessableEntity)
		return s.budgetsPage(q, b, err)
	}
	return q.saved("/beheer/budgets?year=" + strconv.Itoa(b.Year))
}

package beheer

import (
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/balie/balie"
	"github.com/balie/balie/ledger"
)

// The catalogue, staff and childcare: what an organiser runs.

// ownedList lists the entities of kind that the user sees, as rows.
func ownedList[T any](q *req, kind string, org func(T) string, row func(T) []cell) ([][]cell, error) {
	all, err := ledger.List[T](q.ctx, q.s.l, kind, "")
	if err != nil {
		return nil, err
	}
	var rows [][]cell
	for _, v := range all {
		if q.sees(org(v)) {
			rows = append(rows, row(v))
		}
	}
	return rows, nil
}

// orgPage refuses the welfare officer the organisers' pages.
func (q *req) orgPage() error {
	if q.access().Role == balie.OfficeWelfare {
		return errForbidden
	}
	return nil
}

func (q *req) newURL(path string) string {
	if len(q.orgOptions()) == 0 {
		return ""
	}
	return path
}

// Events and tariffs.

func (s *Server) events(q *req) error {
	if err := q.orgPage(); err != nil {
		return err
	}
	orgs, _ := q.organiserList()
	l := q.lang
	rows, err := ownedList(q, balie.ChangeEvent, func(e balie.Event) string { return e.OrganiserID }, func(e balie.Event) []cell {
		return []cell{{Text: e.Name, URL: "/beheer/events/" + e.ID}, {Text: orgName(orgs, e.OrganiserID)},
			{Text: e.Start.In(balie.Brussels()).Format("02/01/2006 15:04")}, {Text: strconv.Itoa(e.PointsPerCheckin)}}
	})
	if err != nil {
		return err
	}
	// Newest first: the coming season matters, not last year's.
	slices.Reverse(rows)
	q.list("events.title", q.newURL("/beheer/events/new"), &table{Cols: []string{tr(l, "col.name"), tr(l, "col.organiser"), tr(l, "col.start"), tr(l, "col.points")}, Rows: rows})
	return nil
}

func (q *req) eventFormOf(e balie.Event, create bool) *form {
	l := q.lang
	f := &form{Name: tr(l, "event.title"), Submit: tr(l, "save"), Readonly: !create && !q.manages(e.OrganiserID), Action: "/beheer/events/" + e.ID}
	if create {
		f.Action = "/beheer/events/new"
		f.Fields = append(f.Fields, help(text(l, "id", "f.id", e.ID), l, "f.id.help"))
	}
	f.Fields = append(f.Fields,
		required(text(l, "name", "f.name", e.Name)),
		required(selectField(l, "organiser", "f.organiser", e.OrganiserID, q.orgOptions())),
		required(dateTimeField(l, "start", "f.start", e.Start)),
		required(dateTimeField(l, "end", "f.end", e.End)),
		number(l, "points", "f.points", e.PointsPerCheckin),
		number(l, "limit", "f.limit", e.CheckinLimit.Volume),
		selectField(l, "period", "f.period", string(e.CheckinLimit.Period), periodOptions(l)),
		number(l, "before", "f.marginbefore", int(e.MarginBefore/time.Minute)),
		number(l, "after", "f.marginafter", int(e.MarginAfter/time.Minute)))
	return f
}

func (s *Server) eventForm(q *req) error {
	if err := q.orgPage(); err != nil {
		return err
	}
	id := q.r.PathValue("id")
	if id == "" {
		if len(q.orgOptions()) == 0 {
			return errForbidden
		}
		start := time.Date(q.now().Year(), q.now().Month(), q.now().Day()+7, 20, 0, 0, 0, balie.Brussels())
		e := balie.Event{OrganiserID: q.access().Organiser, Start: start, End: start.Add(2 * time.Hour), PointsPerCheckin: 1,
			CheckinLimit: balie.Limit{Volume: 1, Period: balie.PeriodDay}, MarginBefore: time.Hour, MarginAfter: 30 * time.Minute}
		q.edit(tr(q.lang, "event.new"), "/beheer/events", q.eventFormOf(e, true))
		return nil
	}
	e, _, err := load[balie.Event](q, balie.ChangeEvent, id)
	if err != nil {
		return err
	}
	q.edit(tr(q.lang, "event.title")+": "+e.Name, "/beheer/events", q.eventFormOf(e, false), q.tariffSections(e, nil)...)
	return nil
}

// tariffSections are an event's tariffs and the form of a new one (f,
// when it comes back refused).
func (q *req) tariffSections(e balie.Event, f *form) []section {
	l := q.lang
	ts, _ := ledger.List[balie.Tariff](q.ctx, q.s.l, balie.ChangeTariff, e.ID)
	t := &table{Caption: tr(l, "tariffs.title"), Cols: []string{tr(l, "col.name"), tr(l, "col.kind"), tr(l, "col.price"), tr(l, "col.holder.share"), tr(l, "col.organiser.share"), tr(l, "col.city.share")}}
	for _, x := range ts {
		sh, _ := x.Shares()
		t.Rows = append(t.Rows, []cell{{Text: x.Name, URL: "/beheer/tariffs/" + x.ID}, {Text: tr(l, "kind."+string(x.Kind))}, {Text: x.Regular.Format(l), Num: true},
			{Text: sh.Holder.Format(l), Num: true}, {Text: sh.Organiser.Format(l), Num: true}, {Text: sh.City.Format(l), Num: true}})
	}
	if f == nil {
		f = q.tariffFormOf(balie.Tariff{EventID: e.ID, Kind: balie.TariffSocial, Name: "UiTPAS-tarief", Key: balie.CommonKey()}, true, !q.manages(e.OrganiserID))
	}
	if f.Readonly {
		return []section{{Title: tr(l, "tariffs.title"), Table: t}}
	}
	return []section{{Title: tr(l, "tariffs.title"), Table: t}, {Title: tr(l, "tariff.new"), Form: f}}
}

// preview is the split of a tariff's regular price, from the root
// package's rules, or the refusal of a key outside its bounds.
type preview struct {
	Lang   string
	Shares balie.Shares
	Err    string
	Empty  bool
}

func tariffPreviewOf(lang string, t balie.Tariff) *preview {
	if t.Regular == 0 && t.Kind != balie.TariffRegular {
		return &preview{Lang: lang, Empty: true}
	}
	sh, err := t.Shares()
	if err != nil {
		return &preview{Lang: lang, Err: message(lang, err)}
	}
	return &preview{Lang: lang, Shares: sh}
}

func (q *req) tariffFormOf(t balie.Tariff, create, readonly bool) *form {
	l := q.lang
	f := &form{Name: tr(l, "tariff.title"), Submit: tr(l, "save"), Readonly: readonly, Preview: true, Action: "/beheer/tariffs/" + t.ID}
	if create {
		f.Action = "/beheer/events/" + t.EventID + "/tariffs"
		f.Name = tr(l, "tariff.new")
		f.Fields = append(f.Fields, help(text(l, "id", "f.id", t.ID), l, "f.id.help"))
	}
	f.Fields = append(f.Fields,
		required(text(l, "name", "f.name", t.Name)),
		required(selectField(l, "kind", "f.tariffkind", string(t.Kind), kindOptions(l, string(balie.TariffRegular), string(balie.TariffSocial), string(balie.TariffCoupon)))),
		required(moneyField(l, "regular", "f.regular", t.Regular)),
		pctField(l, "holder", "f.keyholder", t.Key.Holder),
		pctField(l, "organiser", "f.keyorganiser", t.Key.Organiser),
		pctField(l, "city", "f.keycity", t.Key.City),
		number(l, "step", "f.step", int(t.Step)),
		moneyField(l, "coupon", "f.coupon", t.CouponPrice),
		number(l, "limit", "f.limit", t.Limit.Volume),
		selectField(l, "period", "f.period", string(t.Limit.Period), periodOptions(l)))
	f.PreviewData, f.PreviewLabel = tariffPreviewOf(l, t), tr(l, "tariff.preview")
	return f
}

// tariffFromForm reads a tariff as typed; a key part typed empty is 0.
func tariffFromForm(f *reader, id, event string) balie.Tariff {
	t := balie.Tariff{ID: id, EventID: event, Name: f.str("name"), Kind: balie.TariffKind(f.str("kind")), Regular: f.money("regular"),
		Step: balie.Cents(f.int("step", "f.step")), CouponPrice: f.money("coupon"), Limit: f.limit("limit", "period")}
	if t.Kind == balie.TariffSocial {
		t.Key = balie.DistributionKey{Holder: f.percent("holder"), Organiser: f.percent("organiser"), City: f.percent("city")}
	}
	return t
}

func (s *Server) tariffForm(q *req) error {
	t, org, err := load[balie.Tariff](q, balie.ChangeTariff, q.r.PathValue("id"))
	if err != nil {
		return err
	}
	f := q.tariffFormOf(t, false, !q.manages(org))
	q.edit(tr(q.lang, "tariff.title")+": "+t.Name, "/beheer/events/"+t.EventID, f, section{Form: &form{Name: tr(q.lang, "delete"),
		Action: "/beheer/tariffs/" + t.ID + "/delete", Submit: tr(q.lang, "delete"), Readonly: !q.manages(org)}})
	return nil
}

func (s *Server) tariffCreate(q *req) error { return s.saveTariff(q, true) }

func (s *Server) tariffUpdate(q *req) error { return s.saveTariff(q, false) }

// saveTariff makes (on the event of the path) or changes (the tariff of
// the path) a tariff; with "preview" it only shows the split of what was
// typed, so that the form works without JavaScript.
func (s *Server) saveTariff(q *req, create bool) error {
	id, event := "", ""
	var e balie.Event
	var err error
	if create {
		if e, _, err = load[balie.Event](q, balie.ChangeEvent, q.r.PathValue("id")); err != nil {
			return err
		}
	} else {
		id = q.r.PathValue("id")
	}
	f := q.form()
	if create {
		event = e.ID
		if id = f.str("id"); id == "" {
			id = balie.Slug("t", e.ID+" "+f.str("name"))
		}
	} else {
		old, _, err := load[balie.Tariff](q, balie.ChangeTariff, id)
		if err != nil {
			return err
		}
		event = old.EventID
		if e, _, err = load[balie.Event](q, balie.ChangeEvent, event); err != nil {
			return err
		}
	}
	t := tariffFromForm(f, id, event)
	err = f.err
	if err == nil && f.on("preview") {
		err = errPreview
	}
	if err == nil {
		err = s.l.SaveTariff(q.ctx, q.actor, t, create)
	}
	if err == nil {
		return q.saved("/beheer/events/" + event)
	}
	form := q.tariffFormOf(t, create, false)
	// What was typed stays as typed, also where it does not parse.
	for i := range form.Fields {
		if v, ok := q.r.PostForm[form.Fields[i].Name]; ok && form.Fields[i].Type != "select" {
			form.Fields[i].Value = v[0]
		}
	}
	if err != errPreview {
		if err := refused(form, q.lang, err); err != nil {
			return err
		}
		q.w.WriteHeader(http.StatusUnprocessableEntity)
	}
	if f.err != nil {
		form.PreviewData = &preview{Lang: q.lang, Err: message(q.lang, f.err)}
	}
	if create {
		q.edit(tr(q.lang, "event.title")+": "+e.Name, "/beheer/events", q.eventFormOf(e, false), q.tariffSections(e, form)...)
	} else {
		q.edit(tr(q.lang, "tariff.title")+": "+t.Name, "/beheer/events/"+event, form)
	}
	return nil
}

// errPreview is a tariff form sent to see its split, not to save it.
var errPreview = balie.Errorf("preview", "", "")

// tariffPreview answers the share preview of what is typed, as a
// fragment the form's script puts in place.
func (s *Server) tariffPreview(q *req) error {
	if err := q.orgPage(); err != nil {
		return err
	}
	q.r.PostForm = q.r.URL.Query()
	f := &reader{r: q.r, lang: q.lang}
	t := tariffFromForm(f, "t-preview", "ev-preview")
	p := tariffPreviewOf(q.lang, t)
	if f.err != nil {
		p = &preview{Lang: q.lang, Err: message(q.lang, f.err)}
	}
	q.w.Header().Set("Content-Type", "text/html; charset=utf-8")
	return q.s.tpl["edit"].ExecuteTemplate(q.w, "preview", p)
}

func (s *Server) tariffDelete(q *req) error {
	id := q.r.PathValue("id")
	t, _, err := load[balie.Tariff](q, balie.ChangeTariff, id)
	if err != nil {
		return err
	}
	if err := s.l.DeleteTariff(q.ctx, q.actor, id); err != nil {
		return err
	}
	return q.saved("/beheer/events/" + t.EventID)
}

func (s *Server) eventSave(q *req) error {
	id := q.r.PathValue("id")
	create := id == ""
	f := q.form()
	e := balie.Event{ID: id, Name: f.str("name"), OrganiserID: f.str("organiser"), Start: f.dateTime("start", "f.start"), End: f.dateTime("end", "f.end"),
		PointsPerCheckin: f.int("points", "f.points"), CheckinLimit: f.limit("limit", "period"),
		MarginBefore: time.Duration(f.int("before", "f.marginbefore")) * time.Minute, MarginAfter: time.Duration(f.int("after", "f.marginafter")) * time.Minute}
	if err := identify[balie.Event](q, f, create, &e.ID, balie.ChangeEvent, "ev", e.Start.In(balie.Brussels()).Format("20060102")+" "+e.Name); err != nil {
		return err
	}
	err := f.err
	if err == nil {
		err = s.l.SaveEvent(q.ctx, q.actor, e, create)
	}
	return q.answer(err, func() *form {
		fm := q.eventFormOf(e, create)
		for i := range fm.Fields {
			if v, ok := q.r.PostForm[fm.Fields[i].Name]; ok && fm.Fields[i].Type != "select" {
				fm.Fields[i].Value = v[0]
			}
		}
		return fm
	}, "event.title", "/beheer/events", "/beheer/events/"+e.ID)
}

// Rewards.

func (s *Server) rewards(q *req) error {
	if err := q.orgPage(); err != nil {
		return err
	}
	orgs, _ := q.organiserList()
	l := q.lang
	rows, err := ownedList(q, balie.ChangeReward, func(r balie.Reward) string { return r.OrganiserID }, func(r balie.Reward) []cell {
		return []cell{{Text: r.Name, URL: "/beheer/rewards/" + r.ID}, {Text: orgName(orgs, r.OrganiserID)}, {Text: tr(l, "kind."+string(r.Kind))}, {Text: strconv.Itoa(r.Points)}}
	})
	if err != nil {
		return err
	}
	q.list("rewards.title", q.newURL("/beheer/rewards/new"), &table{Cols: []string{tr(l, "col.name"), tr(l, "col.organiser"), tr(l, "col.kind"), tr(l, "col.points")}, Rows: rows})
	return nil
}

func (q *req) rewardFormOf(r balie.Reward, create bool) *form {
	l := q.lang
	f := &form{Name: tr(l, "reward.title"), Submit: tr(l, "save"), Readonly: !create && !q.manages(r.OrganiserID), Action: "/beheer/rewards/" + r.ID}
	if create {
		f.Action = "/beheer/rewards/new"
		f.Fields = append(f.Fields, help(text(l, "id", "f.id", r.ID), l, "f.id.help"))
	}
	f.Fields = append(f.Fields,
		required(text(l, "name", "f.name", r.Name)),
		required(selectField(l, "organiser", "f.organiser", r.OrganiserID, q.orgOptions())),
		required(selectField(l, "kind", "f.rewardkind", string(r.Kind), kindOptions(l, string(balie.RewardPoints), string(balie.RewardWelcome)))),
		number(l, "points", "f.rewardpoints", r.Points),
		dateField(l, "from", "f.redeemfrom", r.RedeemFrom),
		dateField(l, "until", "f.redeemuntil", r.RedeemUntil),
		number(l, "units", "f.units", r.TotalUnits),
		number(l, "limit", "f.perholder", r.PerHolder.Volume),
		selectField(l, "period", "f.period", string(r.PerHolder.Period), periodOptions(l)))
	return f
}

func (s *Server) rewardForm(q *req) error {
	if err := q.orgPage(); err != nil {
		return err
	}
	id := q.r.PathValue("id")
	if id == "" {
		if len(q.orgOptions()) == 0 {
			return errForbidden
		}
		q.edit(tr(q.lang, "reward.new"), "/beheer/rewards", q.rewardFormOf(balie.Reward{Kind: balie.RewardPoints, Points: 5, OrganiserID: q.access().Organiser,
			PerHolder: balie.Limit{Volume: 1, Period: balie.PeriodMonth}}, true))
		return nil
	}
	r, _, err := load[balie.Reward](q, balie.ChangeReward, id)
	if err != nil {
		return err
	}
	q.edit(tr(q.lang, "reward.title")+": "+r.Name, "/beheer/rewards", q.rewardFormOf(r, false))
	return nil
}

func (s *Server) rewardSave(q *req) error {
	id := q.r.PathValue("id")
	create := id == ""
	f := q.form()
	r := balie.Reward{ID: id, Name: f.str("name"), OrganiserID: f.str("organiser"), Kind: balie.RewardKind(f.str("kind")), Points: f.int("points", "f.rewardpoints"),
		RedeemFrom: f.date("from", "f.redeemfrom"), RedeemUntil: f.date("until", "f.redeemuntil"), TotalUnits: f.int("units", "f.units"), PerHolder: f.limit("limit", "period")}
	if r.Kind == balie.RewardWelcome {
		r.Points = 0
	}
	if err := identify[balie.Reward](q, f, create, &r.ID, balie.ChangeReward, "rw", r.Name); err != nil {
		return err
	}
	err := f.err
	if err == nil {
		err = s.l.SaveReward(q.ctx, q.actor, r, create)
	}
	return q.answer(err, func() *form { return q.rewardFormOf(r, create) }, "reward.title", "/beheer/rewards", "/beheer/rewards/"+r.ID)
}

// Membership programs.

func (s *Server) programs(q *req) error {
	if err := q.orgPage(); err != nil {
		return err
	}
	orgs, _ := q.organiserList()
	l := q.lang
	rows, err := ownedList(q, balie.ChangeProgram, func(p balie.MembershipProgram) string { return p.OrganiserID }, func(p balie.MembershipProgram) []cell {
		return []cell{{Text: p.Name, URL: "/beheer/programs/" + p.ID}, {Text: orgName(orgs, p.OrganiserID)}, {Text: p.Price.Format(l), Num: true}, {Text: tr(l, "kind."+string(p.EndKind))}}
	})
	if err != nil {
		return err
	}
	q.list("programs.title", q.newURL("/beheer/programs/new"), &table{Cols: []string{tr(l, "col.name"), tr(l, "col.organiser"), tr(l, "col.price"), tr(l, "f.endkind")}, Rows: rows})
	return nil
}

func (q *req) programFormOf(p balie.MembershipProgram, create bool) *form {
	l := q.lang
	f := &form{Name: tr(l, "program.title"), Submit: tr(l, "save"), Readonly: !create && !q.manages(p.OrganiserID), Action: "/beheer/programs/" + p.ID}
	if create {
		f.Action = "/beheer/programs/new"
		f.Fields = append(f.Fields, help(text(l, "id", "f.id", p.ID), l, "f.id.help"))
	}
	f.Fields = append(f.Fields,
		required(text(l, "name", "f.name", p.Name)),
		required(selectField(l, "organiser", "f.organiser", p.OrganiserID, q.orgOptions())),
		required(moneyField(l, "price", "f.price", p.Price)),
		moneyField(l, "discount", "f.passdiscount", p.PassDiscount),
		checkbox(l, "hassocial", "f.hassocial", p.HasSocialPrice),
		moneyField(l, "social", "f.socialprice", p.SocialPrice),
		required(selectField(l, "endkind", "f.endkind", string(p.EndKind), kindOptions(l, string(balie.EndFixed), string(balie.EndPeriod), string(balie.EndAge)))),
		dateField(l, "fixedend", "f.fixedend", p.FixedEnd),
		number(l, "months", "f.months", p.PeriodMonths),
		number(l, "age", "f.agelimit", p.AgeLimit))
	return f
}

func (s *Server) programForm(q *req) error {
	if err := q.orgPage(); err != nil {
		return err
	}
	id := q.r.PathValue("id")
	if id == "" {
		if len(q.orgOptions()) == 0 {
			return errForbidden
		}
		q.edit(tr(q.lang, "program.new"), "/beheer/programs", q.programFormOf(balie.MembershipProgram{EndKind: balie.EndPeriod, PeriodMonths: 12, OrganiserID: q.access().Organiser}, true))
		return nil
	}
	p, _, err := load[balie.MembershipProgram](q, balie.ChangeProgram, id)
	if err != nil {
		return err
	}
	q.edit(tr(q.lang, "program.title")+": "+p.Name, "/beheer/programs", q.programFormOf(p, false))
	return nil
}

func (s *Server) programSave(q *req) error {
	id := q.r.PathValue("id")
	create := id == ""
	f := q.form()
	p := balie.MembershipProgram{ID: id, Name: f.str("name"), OrganiserID: f.str("organiser"), Price: f.money("price"), PassDiscount: f.money("discount"),
		HasSocialPrice: f.on("hassocial"), SocialPrice: f.money("social"), EndKind: balie.EndKind(f.str("endkind")), FixedEnd: f.date("fixedend", "f.fixedend"),
		PeriodMonths: f.int("months", "f.months"), AgeLimit: f.int("age", "f.agelimit")}
	if !p.HasSocialPrice {
		p.SocialPrice = 0
	}
	if err := identify[balie.MembershipProgram](q, f, create, &p.ID, balie.ChangeProgram, "prog", p.Name); err != nil {
		return err
	}
	err := f.err
	if err == nil {
		err = s.l.SaveProgram(q.ctx, q.actor, p, create)
	}
	return q.answer(err, func() *form { return q.programFormOf(p, create) }, "program.title", "/beheer/programs", "/beheer/programs/"+p.ID)
}

// Staff.

func (s *Server) staffList(q *req) error {
	if err := q.orgPage(); err != nil {
		return err
	}
	orgs, _ := q.organiserList()
	l := q.lang
	rows, err := ownedList(q, balie.ChangeStaff, func(st balie.Staff) string { return st.OrganiserID }, func(st balie.Staff) []cell {
		return []cell{{Text: st.Name, URL: "/beheer/staff/" + st.ID}, {Text: orgName(orgs, st.OrganiserID)}, {Text: tr(l, "kind."+string(st.Role))}, {Text: string(st.CardNumber)}}
	})
	if err != nil {
		return err
	}
	q.list("staff.title", q.newURL("/beheer/staff/new"), &table{Cols: []string{tr(l, "col.name"), tr(l, "col.organiser"), tr(l, "col.role"), tr(l, "col.card")}, Rows: rows})
	return nil
}

func (q *req) staffFormOf(st balie.Staff, create bool) *form {
	l := q.lang
	f := &form{Name: tr(l, "staffmember.title"), Submit: tr(l, "save"), Readonly: !create && !q.manages(st.OrganiserID), Action: "/beheer/staff/" + st.ID}
	if create {
		f.Action = "/beheer/staff/new"
		f.Fields = append(f.Fields, help(text(l, "id", "f.id", st.ID), l, "f.id.help"))
	}
	orgs := q.orgOptions()
	if q.access().City() {
		orgs = append([]option{{Value: "", Label: "—"}}, orgs...)
	}
	desks, _ := ledger.List[balie.Desk](q.ctx, q.s.l, balie.ChangeDesk, "")
	var deskOpts []option
	for _, d := range desks {
		if q.manages(d.OrganiserID) {
			deskOpts = append(deskOpts, option{Value: d.ID, Label: d.Name})
		}
	}
	pin := typed(text(l, "pin", "f.pin", ""), "password")
	pin.Inputmode, pin.Autocomplete = "numeric", "new-password"
	if create {
		pin.Required = true
	} else {
		pin = help(pin, l, "f.pin.help")
	}
	card := required(text(l, "card", "f.staffcard", string(st.CardNumber)))
	card.Inputmode = "numeric"
	f.Fields = append(f.Fields,
		required(text(l, "name", "f.name", st.Name)),
		selectField(l, "organiser", "f.organiser", st.OrganiserID, orgs),
		card,
		required(selectField(l, "role", "f.role", string(st.Role), kindOptions(l, string(balie.RoleClerk), string(balie.RoleSupervisor)))),
		checks(l, "desks", "f.desks", st.Desks, deskOpts),
		pin)
	return f
}

func (s *Server) staffForm(q *req) error {
	if err := q.orgPage(); err != nil {
		return err
	}
	id := q.r.PathValue("id")
	if id == "" {
		if len(q.orgOptions()) == 0 {
			return errForbidden
		}
		q.edit(tr(q.lang, "staff.new"), "/beheer/staff", q.staffFormOf(balie.Staff{Role: balie.RoleClerk, OrganiserID: q.access().Organiser}, true))
		return nil
	}
	st, _, err := load[balie.Staff](q, balie.ChangeStaff, id)
	if err != nil {
		return err
	}
	q.edit(tr(q.lang, "staffmember.title")+": "+st.Name, "/beheer/staff", q.staffFormOf(st, false))
	return nil
}

func (s *Server) staffSave(q *req) error {
	id := q.r.PathValue("id")
	create := id == ""
	f := q.form()
	st := balie.Staff{ID: id, Name: f.str("name"), OrganiserID: f.str("organiser"), CardNumber: balie.CardNumber(f.str("card")), Role: balie.Role(f.str("role")), Desks: f.all("desks")}
	if err := identify[balie.Staff](q, f, create, &st.ID, balie.ChangeStaff, "staff", st.Name); err != nil {
		return err
	}
	pin := q.r.PostFormValue("pin")
	var err error
	if create && pin == "" {
		err = balie.Errorf(balie.CodeStaffPIN, "Kies een pincode voor de medewerker.", "Choose a PIN for the staff member.")
	}
	if err == nil {
		err = s.l.SaveStaff(q.ctx, q.actor, ledger.StaffInput{Staff: st, PIN: pin}, create)
	}
	return q.answer(err, func() *form { return q.staffFormOf(st, create) }, "staffmember.title", "/beheer/staff", "/beheer/staff/"+st.ID)
}

// Children.

func (s *Server) children(q *req) error {
	if err := q.orgPage(); err != nil {
		return err
	}
	orgs, _ := q.organiserList()
	l := q.lang
	all, err := ledger.List[balie.Child](q.ctx, s.l, balie.ChangeChild, "")
	if err != nil {
		return err
	}
	var rows [][]cell
	for _, c := range all {
		if !q.sees(c.ProviderID) {
			continue
		}
		h, err := s.l.Holder(q.ctx, c.HolderID)
		name := c.HolderID
		if err == nil {
			name = h.FirstName + " " + h.LastName
		}
		rows = append(rows, []cell{{Text: name, URL: "/beheer/children/" + c.HolderID}, {Text: orgName(orgs, c.ProviderID)}, {Text: c.Group}, {Text: strconv.Itoa(len(c.Authorised))}})
	}
	q.list("children.title", q.newURL("/beheer/children/new"), &table{Cols: []string{tr(l, "col.name"), tr(l, "f.provider"), tr(l, "col.group"), tr(l, "col.adults")}, Rows: rows})
	return nil
}

// maxAdults is how many authorised adults the form offers.
const maxAdults = 4

func (q *req) childFormOf(c balie.Child, child string, create bool, cards []string) *form {
	l := q.lang
	f := &form{Name: tr(l, "child.title"), Submit: tr(l, "save"), Readonly: !create && !q.manages(c.ProviderID), Action: "/beheer/children/" + c.HolderID}
	if create {
		f.Action = "/beheer/children/new"
		ch := required(text(l, "child", "f.child", child))
		f.Fields = append(f.Fields, ch)
	}
	f.Fields = append(f.Fields,
		required(selectField(l, "provider", "f.provider", c.ProviderID, q.orgOptions())),
		required(text(l, "group", "f.group", c.Group)),
		typed(text(l, "notes", "f.notes", c.Notes), "textarea"))
	for i := range maxAdults {
		var a balie.AuthorisedAdult
		if i < len(c.Authorised) {
			a = c.Authorised[i]
		}
		card := ""
		if i < len(cards) {
			card = cards[i]
		}
		n := strconv.Itoa(i + 1)
		name := text(l, "adult"+n, "f.adultname", a.Name)
		name.Group = tr(l, "f.adult", i+1)
		cardF := text(l, "card"+n, "f.adultcard", card)
		cardF.Inputmode = "numeric"
		code := typed(text(l, "code"+n, "f.adultcode", a.Code), "password")
		code.Inputmode, code.Autocomplete = "numeric", "off"
		f.Fields = append(f.Fields, name, cardF, code)
	}
	return f
}

// adultCards are the card numbers of the authorised adults who have one.
func (q *req) adultCards(c balie.Child) []string {
	var out []string
	for _, a := range c.Authorised {
		card := ""
		if a.HolderID != "" {
			if cs, err := q.s.l.HolderCards(q.ctx, a.HolderID); err == nil {
				for _, x := range cs {
					if x.Status == balie.CardActive {
						card = string(x.Number)
					}
				}
			}
		}
		out = append(out, card)
	}
	return out
}

func (s *Server) childForm(q *req) error {
	if err := q.orgPage(); err != nil {
		return err
	}
	id := q.r.PathValue("id")
	if id == "" {
		if len(q.orgOptions()) == 0 {
			return errForbidden
		}
		q.edit(tr(q.lang, "child.new"), "/beheer/children", q.childFormOf(balie.Child{ProviderID: q.access().Organiser}, "", true, nil))
		return nil
	}
	c, org, err := load[balie.Child](q, balie.ChangeChild, id)
	if err != nil {
		return err
	}
	h, _ := s.l.Holder(q.ctx, id)
	q.edit(tr(q.lang, "child.title")+": "+h.FirstName+" "+h.LastName, "/beheer/children", q.childFormOf(c, "", false, q.adultCards(c)),
		section{Form: &form{Name: tr(q.lang, "child.delete"), Action: "/beheer/children/" + id + "/delete", Submit: tr(q.lang, "child.delete"), Readonly: !q.manages(org)}})
	return nil
}

// holderOf finds a holder by card number or id, as typed in a form.
func (s *Server) holderOf(q *req, v string) (string, error) {
	if n, err := balie.ParseCardNumber(v); err == nil {
		c, err := s.l.Card(q.ctx, n)
		if err != nil {
			return "", err
		}
		if c.HolderID == "" {
			return "", balie.Errorf(balie.CodeCardNotSold, "Kaart %s is nog niet verkocht.", "Card %s has not been sold yet.", n)
		}
		return c.HolderID, nil
	}
	if _, err := s.l.Holder(q.ctx, v); err != nil {
		return "", balie.Errorf(balie.CodeHolderUnknown, "%[1]q is geen UiTPAS-nummer of pashouder die de ledger kent.", "%[1]q is not a UiTPAS number or holder the ledger knows.", v)
	}
	return v, nil
}

func (s *Server) childSave(q *req) error {
	id := q.r.PathValue("id")
	create := id == ""
	f := q.form()
	c := balie.Child{HolderID: id, ProviderID: f.str("provider"), Group: f.str("group"), Notes: f.str("notes")}
	var err error
	if create {
		c.HolderID, err = s.holderOf(q, f.str("child"))
	} else if _, _, err = load[balie.Child](q, balie.ChangeChild, id); err != nil {
		return err
	}
	var cards []string
	for i := range maxAdults {
		n := strconv.Itoa(i + 1)
		a := balie.AuthorisedAdult{Name: f.str("adult" + n), Code: f.str("code" + n)}
		card := f.str("card" + n)
		cards = append(cards, card)
		if a.Name == "" && card == "" && a.Code == "" {
			continue
		}
		if card != "" && err == nil {
			a.HolderID, err = s.holderOf(q, card)
		}
		c.Authorised = append(c.Authorised, a)
	}
	if err == nil {
		err = s.l.SaveChild(q.ctx, q.actor, c)
	}
	return q.answer(err, func() *form { return q.childFormOf(c, f.str("child"), create, cards) }, "child.title", "/beheer/children", "/beheer/children/"+c.HolderID)
}

func (s *Server) childDelete(q *req) error {
	id := q.r.PathValue("id")
	if _, _, err := load[balie.Child](q, balie.ChangeChild, id); err != nil {
		return err
	}
	if err := s.l.DeleteChild(q.ctx, q.actor, id); err != nil {
		return err
	}
	return q.saved("/beheer/children")
}

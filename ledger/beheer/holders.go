package beheer

import (
	"bytes"
	"encoding/base64"
	"html/template"
	"net/http"

	"github.com/balie/balie"
	"github.com/balie/balie/ledger"
	"rsc.io/qr"
)

// Holders: search, register, a holder's file, the social-tariff status,
// the national register number, blocking and replacing a card.

func (q *req) holderAccess() error {
	if a := q.access(); a.Holders() || a.Role == balie.OfficeOrganiser {
		return nil
	}
	return errForbidden
}

func (s *Server) holders(q *req) error {
	if err := q.holderAccess(); err != nil {
		return err
	}
	query := q.r.URL.Query().Get("q")
	var found []balie.Holder
	var searchErr string
	if query != "" {
		var err error
		if found, err = s.l.SearchHolders(q.ctx, q.actor, query, 50); err != nil {
			if balie.ErrorCode(err) == balie.CodeForbidden {
				return errForbidden
			}
			return err
		}
		if len(found) == 0 {
			searchErr = tr(q.lang, "holders.none")
		}
	}
	newURL := ""
	if q.access().Holders() {
		newURL = "/beheer/holders/new"
	}
	q.render("holders", map[string]any{"Title": tr(q.lang, "holders.title"), "Query": query, "Found": found, "None": searchErr, "New": newURL})
	return nil
}

func (q *req) holderFormOf(h balie.Holder, card, insz string) *form {
	l := q.lang
	cs := ""
	if len(h.CardSystems) > 0 {
		cs = h.CardSystems[0]
	}
	first := required(text(l, "first", "f.firstname", h.FirstName))
	first.Autocomplete = "off"
	cardF := required(text(l, "card", "f.card", card))
	cardF.Inputmode = "numeric"
	f := &form{Name: tr(l, "holder.new"), Action: "/beheer/holders/new", Submit: tr(l, "save"), Fields: []field{
		first, required(text(l, "last", "f.lastname", h.LastName)),
		required(dateField(l, "birth", "f.birth", h.BirthDate)),
		required(text(l, "postal", "f.postal", h.PostalCode)),
		required(selectField(l, "cardsystem", "f.cardsystem", cs, q.cardSystemOptions())),
		cardF}}
	if q.access().SocialTariff() {
		in := text(l, "insz", "f.insz", insz)
		in.Inputmode, in.Autocomplete = "numeric", "off"
		f.Fields = append(f.Fields, in)
	}
	return f
}

func (s *Server) holderNewForm(q *req) error {
	if !q.access().Holders() {
		return errForbidden
	}
	q.edit(tr(q.lang, "holder.new"), "/beheer/holders", q.holderFormOf(balie.Holder{}, "", ""))
	return nil
}

func (s *Server) holderRegister(q *req) error {
	if !q.access().Holders() {
		return errForbidden
	}
	f := q.form()
	h := balie.Holder{FirstName: f.str("first"), LastName: f.str("last"), BirthDate: f.date("birth", "f.birth"), PostalCode: f.str("postal")}
	if cs := f.str("cardsystem"); cs != "" {
		h.CardSystems = []string{cs}
	}
	err := f.err
	id := ""
	if err == nil {
		id, err = s.l.RegisterHolder(q.ctx, q.actor, ledger.NewHolder{Holder: h, Card: f.str("card"), INSZ: f.str("insz")})
	}
	return q.answer(err, func() *form { return q.holderFormOf(h, f.str("card"), f.str("insz")) }, "holder.new", "/beheer/holders", "/beheer/holders/"+id)
}

func (s *Server) holder(q *req) error { return s.holderPage(q, "", nil) }

// holderPage shows a holder's file, with a refusal at the form formName.
func (s *Server) holderPage(q *req, formName string, formErr error) error {
	if err := q.holderAccess(); err != nil {
		return err
	}
	id := q.r.PathValue("id")
	file, err := s.l.HolderFile(q.ctx, q.actor, id)
	if balie.ErrorCode(err) == balie.CodeHolderUnknown {
		return errNotFound
	}
	if err != nil {
		return err
	}
	l := q.lang
	programs, _ := ledger.List[balie.MembershipProgram](q.ctx, s.l, balie.ChangeProgram, "")
	progName := map[string]string{}
	for _, p := range programs {
		progName[p.ID] = p.Name
	}
	type membership struct {
		balie.Membership
		Program string
		Valid   bool
	}
	var ms []membership
	for _, m := range file.Memberships {
		ms = append(ms, membership{m, progName[m.ProgramID], m.Valid(q.now())})
	}
	data := map[string]any{"Title": tr(l, "holder.title") + ": " + file.Holder.FirstName + " " + file.Holder.LastName, "File": file, "Memberships": ms}
	a := q.access()
	if a.SocialTariff() {
		st := file.Holder.SocialTariff
		state := string(st.State)
		social := &form{Name: tr(l, "holder.social"), Action: "/beheer/holders/" + id + "/social", Submit: tr(l, "save"), Fields: []field{
			required(selectField(l, "state", "f.socialstate", state, kindOptions(l, "", string(balie.SocialActive), string(balie.SocialExpired), string(balie.SocialSuspended)))),
			dateField(l, "end", "f.socialend", st.EndDate),
			dateField(l, "grace", "f.grace", st.GraceEnd),
			required(text(l, "reason", "f.reason", ""))}}
		in := text(l, "insz", "f.insz", string(file.INSZ))
		in.Inputmode, in.Autocomplete = "numeric", "off"
		insz := &form{Name: tr(l, "holder.insz"), Action: "/beheer/holders/" + id + "/insz", Submit: tr(l, "save"), Fields: []field{in}}
		data["Social"], data["INSZ"] = social, insz
	}
	if a.Holders() {
		var active []option
		for _, c := range file.Cards {
			if c.Status == balie.CardActive {
				active = append(active, option{Value: string(c.Number), Label: string(c.Number)})
			}
		}
		if len(active) > 0 {
			data["Block"] = &form{Name: tr(l, "holder.block"), Action: "/beheer/holders/" + id + "/block", Submit: tr(l, "holder.block"),
				Fields: []field{selectField(l, "card", "f.card", active[0].Value, active)}}
		}
		var all []option
		for _, c := range file.Cards {
			if c.Status != balie.CardDeleted {
				all = append(all, option{Value: string(c.Number), Label: string(c.Number) + " (" + tr(l, "kind."+string(c.Status)) + ")"})
			}
		}
		if len(all) > 0 {
			nc := required(text(l, "new", "f.newcard", ""))
			nc.Inputmode = "numeric"
			data["Replace"] = &form{Name: tr(l, "holder.replace"), Action: "/beheer/holders/" + id + "/replace", Submit: tr(l, "holder.replace"),
				Fields: []field{selectField(l, "card", "f.card", all[0].Value, all), nc,
					selectField(l, "reason", "f.replacereason", string(balie.ReasonReplaceLost), kindOptions(l, string(balie.ReasonReplaceLost), string(balie.ReasonReplaceStolen), string(balie.ReasonReplaceDefect)))}}
		}
	}
	if formErr != nil {
		if f, ok := data[formName].(*form); ok {
			f.Error = message(l, formErr)
			for i := range f.Fields {
				if v, ok := q.r.PostForm[f.Fields[i].Name]; ok {
					f.Fields[i].Value = v[0]
					for k := range f.Fields[i].Options {
						f.Fields[i].Options[k].Selected = f.Fields[i].Options[k].Value == v[0]
					}
				}
			}
		}
		q.w.WriteHeader(http.StatusUnprocessableEntity)
	}
	q.render("holder", data)
	return nil
}

// holderChange runs a change of a holder's file and shows the file again,
// with the refusal at its form.
func (s *Server) holderChange(q *req, formName string, fn func(f *reader, id string) error) error {
	if err := q.holderAccess(); err != nil {
		return err
	}
	id := q.r.PathValue("id")
	f := q.form()
	err := fn(f, id)
	if err == nil {
		err = f.err
	}
	if err != nil {
		if balie.ErrorCode(err) == balie.CodeForbidden {
			return errForbidden
		}
		if _, ok := balie.AsError(err); !ok {
			return err
		}
		return s.holderPage(q, formName, err)
	}
	return q.saved("/beheer/holders/" + id)
}

func (s *Server) holderSocial(q *req) error {
	return s.holderChange(q, "Social", func(f *reader, id string) error {
		st := balie.SocialTariff{State: balie.SocialTariffState(f.str("state")), EndDate: f.date("end", "f.socialend"), GraceEnd: f.date("grace", "f.grace")}
		if f.err != nil {
			return f.err
		}
		return s.l.SetSocialTariff(q.ctx, q.actor, id, st, f.str("reason"))
	})
}

func (s *Server) holderINSZ(q *req) error {
	return s.holderChange(q, "INSZ", func(f *reader, id string) error { return s.l.SetINSZ(q.ctx, q.actor, id, f.str("insz")) })
}

func (s *Server) holderBlock(q *req) error {
	return s.holderChange(q, "Block", func(f *reader, id string) error { return s.l.BlockCard(q.ctx, q.actor, f.str("card")) })
}

func (s *Server) holderReplace(q *req) error {
	return s.holderChange(q, "Replace", func(f *reader, id string) error {
		return s.l.ReplaceCard(q.ctx, q.actor, f.str("card"), f.str("new"), balie.PurchaseReason(f.str("reason")))
	})
}

// qrPNG draws a terminal's enrolment token as a QR code, for the page's
// img (a data: URL, so that the token never has an address of its own).
func qrPNG(token string) (template.URL, error) {
	c, err := qr.Encode(token, qr.M)
	if err != nil {
		return "", err
	}
	c.Scale = 6
	var b bytes.Buffer
	b.WriteString("data:image/png;base64,")
	b.WriteString(base64.StdEncoding.EncodeToString(c.PNG()))
	return template.URL(b.String()), nil
}

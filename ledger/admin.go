package ledger

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"slices"
	"sort"

	"github.com/balie/balie"
	balisync "github.com/balie/balie/sync"
)

// The directory and the catalogue as the back office changes them. Each
// operation is an officeTx method, so that the Loader (the demo seed, a
// first load) runs the very same checks and writes in its batched
// transactions, and an exported Ledger method that runs it in a
// transaction of its own.

// KindMunicipality is the entity kind of a municipality: the back
// office's alone, never served to a terminal.
const KindMunicipality = "municipality"

func taken(nl, en, id string) error {
	return balie.Errorf(balie.CodeIDTaken, nl+" met code %[1]q bestaat al; kies een andere code.", en+" with code %[1]q exists already; choose another code.", id)
}

// Card systems and municipalities.

func (o *officeTx) saveCardSystem(c balie.CardSystem, create bool) error {
	if !o.a.Access.City() {
		return forbidden()
	}
	if err := c.Validate(); err != nil {
		return err
	}
	old, exists, err := lookup[balie.CardSystem](o, balie.ChangeCardSystem, c.ID)
	if err != nil {
		return err
	}
	if create && exists {
		return taken("Een kaartsysteem", "A card system", c.ID)
	}
	codes, n, err := o.municipalityCodes(c.ID)
	if err != nil {
		return err
	}
	if n > 0 {
		// A card system's residents live in its municipalities.
		c.PostalCodes = codes
	}
	var before any
	if exists {
		before = old
	}
	if err := o.put(balie.ChangeCardSystem, c.ID, "", c, c, ""); err != nil {
		return err
	}
	return o.audit("card_system.save", balie.ChangeCardSystem, c.ID, "", before, c)
}

// municipalityCodes is the union of the postal codes of a card system's
// municipalities, sorted, and how many municipalities there are.
func (o *officeTx) municipalityCodes(cs string) ([]string, int, error) {
	var codes []string
	n := 0
	err := o.tx.Entities(KindMunicipality, cs, func(_ string, data []byte) error {
		var m balie.Municipality
		if err := jsonUnmarshal(data, &m); err != nil {
			return err
		}
		n++
		for _, p := range m.PostalCodes {
			if !slices.Contains(codes, p) {
				codes = append(codes, p)
			}
		}
		return nil
	})
	sort.Strings(codes)
	return codes, n, err
}

func (o *officeTx) saveMunicipality(m balie.Municipality) error {
	if !o.a.Access.City() {
		return forbidden()
	}
	if err := m.Validate(); err != nil {
		return err
	}
	cs, err := must[balie.CardSystem](o, balie.ChangeCardSystem, m.CardSystem, "Kaartsysteem", "Card system")
	if err != nil {
		return err
	}
	old, exists, err := lookup[balie.Municipality](o, KindMunicipality, m.ID)
	if err != nil {
		return err
	}
	var before any
	if exists {
		before = old
	}
	if err := o.put(KindMunicipality, m.ID, m.CardSystem, m, nil, ""); err != nil {
		return err
	}
	if err := o.audit("municipality.save", KindMunicipality, m.ID, "", before, m); err != nil {
		return err
	}
	// The card systems it left and joined take their postal codes from
	// their municipalities again.
	systems := []balie.CardSystem{cs}
	if exists && old.CardSystem != m.CardSystem {
		if prev, ok, err := lookup[balie.CardSystem](o, balie.ChangeCardSystem, old.CardSystem); err != nil {
			return err
		} else if ok {
			systems = append(systems, prev)
		}
	}
	for _, c := range systems {
		if err := o.saveCardSystem(c, false); err != nil {
			return err
		}
	}
	return nil
}

// Organisers.

func (o *officeTx) saveOrganiser(org balie.Organiser, create bool) error {
	if !o.a.Access.City() {
		return forbidden()
	}
	if org.IBAN != "" {
		iban, err := balie.ParseIBAN(string(org.IBAN))
		if err != nil {
			return err
		}
		org.IBAN = iban
	}
	if err := org.Validate(); err != nil {
		return err
	}
	if _, err := must[balie.CardSystem](o, balie.ChangeCardSystem, org.CardSystem, "Kaartsysteem", "Card system"); err != nil {
		return err
	}
	old, exists, err := lookup[balie.Organiser](o, balie.ChangeOrganiser, org.ID)
	if err != nil {
		return err
	}
	if create && exists {
		return taken("Een organisator", "An organiser", org.ID)
	}
	var before any
	if exists {
		before = old
	}
	// A terminal gets the organiser's name and kind, never its account.
	if err := o.put(balie.ChangeOrganiser, org.ID, "", org, org.Public(), ""); err != nil {
		return err
	}
	return o.audit("organiser.save", balie.ChangeOrganiser, org.ID, org.ID, before, org)
}

// Desks.

func (o *officeTx) saveDesk(d balie.Desk, create bool) error {
	if !o.a.Access.ManagesOrganiser(d.OrganiserID) {
		return forbidden()
	}
	if err := d.Validate(); err != nil {
		return err
	}
	if _, err := must[balie.Organiser](o, balie.ChangeOrganiser, d.OrganiserID, "Organisator", "Organiser"); err != nil {
		return err
	}
	if _, err := must[balie.CardSystem](o, balie.ChangeCardSystem, d.CardSystem, "Kaartsysteem", "Card system"); err != nil {
		return err
	}
	for _, f := range d.SellsFor {
		if f == d.OrganiserID {
			continue
		}
		if _, err := must[balie.Organiser](o, balie.ChangeOrganiser, f, "Organisator", "Organiser"); err != nil {
			return err
		}
	}
	old, exists, err := lookup[balie.Desk](o, balie.ChangeDesk, d.ID)
	if err != nil {
		return err
	}
	if create && exists {
		return taken("Een balie", "A desk", d.ID)
	}
	var before any
	if exists {
		if !o.a.Access.ManagesOrganiser(old.OrganiserID) {
			return forbidden()
		}
		before = old
	}
	if err := o.put(balie.ChangeDesk, d.ID, d.OrganiserID, d, d, ""); err != nil {
		return err
	}
	return o.audit("desk.save", balie.ChangeDesk, d.ID, d.OrganiserID, before, d)
}

// Catalogue.

// ownedBy checks that the actor manages org and, for a change, the
// organiser the item had.
func (o *officeTx) ownedBy(org string, old string, exists bool) error {
	if !o.a.Access.ManagesOrganiser(org) || exists && !o.a.Access.ManagesOrganiser(old) {
		return forbidden()
	}
	return nil
}

// saveOwned is the save of a catalogue item an organiser owns (an
// event, a reward, a product, a membership program): checked by its
// rule, refused when the actor does not manage its organiser (the new
// one, or the old one of a change), when new with a taken id, or when
// its organiser is unknown; then stored with its change for the
// terminals (wire, what they get of it) and audited.
func saveOwned[T interface{ Validate() error }](o *officeTx, kind, action string, v T, id string, orgOf func(T) string, create bool,
	what [2]string, wire func() (any, error)) error {
	if err := v.Validate(); err != nil {
		return err
	}
	old, exists, err := lookup[T](o, kind, id)
	if err != nil {
		return err
	}
	org := orgOf(v)
	if err := o.ownedBy(org, orgOf(old), exists); err != nil {
		return err
	}
	if create && exists {
		return taken(what[0], what[1], id)
	}
	if _, err := must[balie.Organiser](o, balie.ChangeOrganiser, org, "Organisator", "Organiser"); err != nil {
		return err
	}
	w, err := wire()
	if err != nil {
		return err
	}
	var before any
	if exists {
		before = old
	}
	if err := o.put(kind, id, org, v, w, ""); err != nil {
		return err
	}
	return o.audit(action, kind, id, org, before, v)
}

func (o *officeTx) saveEvent(e balie.Event, create bool) error {
	return saveOwned(o, balie.ChangeEvent, "event.save", e, e.ID, func(e balie.Event) string { return e.OrganiserID }, create,
		[2]string{"Een evenement", "An event"}, func() (any, error) { return e, nil })
}

func (o *officeTx) saveTariff(t balie.Tariff, create bool) error {
	if err := t.Validate(); err != nil {
		return err
	}
	ev, err := must[balie.Event](o, balie.ChangeEvent, t.EventID, "Evenement", "Event")
	if err != nil {
		return err
	}
	old, exists, err := lookup[balie.Tariff](o, balie.ChangeTariff, t.ID)
	if err != nil {
		return err
	}
	oldOrg := ev.OrganiserID
	if exists && old.EventID != t.EventID {
		prev, ok, err := lookup[balie.Event](o, balie.ChangeEvent, old.EventID)
		if err != nil {
			return err
		}
		if ok {
			oldOrg = prev.OrganiserID
		}
	}
	if err := o.ownedBy(ev.OrganiserID, oldOrg, exists); err != nil {
		return err
	}
	if create && exists {
		return taken("Een tarief", "A tariff", t.ID)
	}
	var before any
	if exists {
		before = old
	}
	if err := o.put(balie.ChangeTariff, t.ID, t.EventID, t, t, ""); err != nil {
		return err
	}
	return o.audit("tariff.save", balie.ChangeTariff, t.ID, ev.OrganiserID, before, t)
}

func (o *officeTx) deleteTariff(id string) error {
	t, err := must[balie.Tariff](o, balie.ChangeTariff, id, "Tarief", "Tariff")
	if err != nil {
		return err
	}
	ev, _, err := lookup[balie.Event](o, balie.ChangeEvent, t.EventID)
	if err != nil {
		return err
	}
	if !o.a.Access.ManagesOrganiser(ev.OrganiserID) {
		return forbidden()
	}
	if err := o.tx.DeleteEntity(balie.ChangeTariff, id); err != nil {
		return err
	}
	if err := o.tx.Change(Change{Kind: balie.ChangeTariff, Key: id, Deleted: true}); err != nil {
		return err
	}
	return o.audit("tariff.delete", balie.ChangeTariff, id, ev.OrganiserID, t, nil)
}

func (o *officeTx) saveReward(r balie.Reward, create bool) error {
	// The terminals get the reward with the units redeemed so far.
	return saveOwned(o, balie.ChangeReward, "reward.save", r, r.ID, func(r balie.Reward) string { return r.OrganiserID }, create,
		[2]string{"Een voordeel", "A reward"}, func() (any, error) {
			units, err := o.tx.RewardUnits(r.ID)
			return balisync.RewardState{Reward: r, UnitsRedeemed: units}, err
		})
}

func (o *officeTx) saveProduct(p balie.Product, create bool) error {
	return saveOwned(o, balie.ChangeProduct, "product.save", p, p.ID, func(p balie.Product) string { return p.OrganiserID }, create,
		[2]string{"Een product", "A product"}, func() (any, error) { return p, nil })
}

func (o *officeTx) saveProgram(p balie.MembershipProgram, create bool) error {
	return saveOwned(o, balie.ChangeProgram, "program.save", p, p.ID, func(p balie.MembershipProgram) string { return p.OrganiserID }, create,
		[2]string{"Een lidmaatschap", "A membership"}, func() (any, error) { return p, nil })
}

// saveCardPrices replaces a card system's price table; order matters,
// the first rule that matches sets the price.
func (o *officeTx) saveCardPrices(cs string, rules []balie.CardPriceRule) error {
	if !o.a.Access.City() {
		return forbidden()
	}
	if _, err := must[balie.CardSystem](o, balie.ChangeCardSystem, cs, "Kaartsysteem", "Card system"); err != nil {
		return err
	}
	table := balisync.CardPrices{CardSystem: cs, Rules: make(balie.CardPriceTable, len(rules))}
	for i, r := range rules {
		r.CardSystem = cs
		if err := r.Validate(); err != nil {
			return err
		}
		table.Rules[i] = r
	}
	old, exists, err := lookup[balisync.CardPrices](o, balie.ChangeCardPrices, cs)
	if err != nil {
		return err
	}
	var before any
	if exists {
		before = old
	}
	if err := o.put(balie.ChangeCardPrices, cs, "", table, table, ""); err != nil {
		return err
	}
	return o.audit("card_prices.save", balie.ChangeCardPrices, cs, "", before, table)
}

func (o *officeTx) saveRates(provider string, r balie.ChildcareRates) error {
	if !o.a.Access.ManagesOrganiser(provider) {
		return forbidden()
	}
	if err := r.Validate(); err != nil {
		return err
	}
	if _, err := must[balie.Organiser](o, balie.ChangeOrganiser, provider, "Organisator", "Organiser"); err != nil {
		return err
	}
	state := balisync.RatesState{ProviderID: provider, Rates: r}
	old, exists, err := lookup[balisync.RatesState](o, balie.ChangeRates, provider)
	if err != nil {
		return err
	}
	var before any
	if exists {
		before = old
	}
	if err := o.put(balie.ChangeRates, provider, provider, state, state, ""); err != nil {
		return err
	}
	return o.audit("rates.save", balie.ChangeRates, provider, provider, before, state)
}

func (o *officeTx) saveLimits(lim balisync.OfflineLimits) error {
	if !o.a.Access.City() {
		return forbidden()
	}
	if lim.RedeemPointsPerDay < 0 || lim.RedeemPointsPerDay > balie.MaxActPoints {
		return balie.Errorf(balie.CodeNumberInvalid, "De offline limiet ligt tussen 0 (geen) en %[1]d punten per dag.",
			"The offline limit is between 0 (none) and %[1]d points a day.", balie.MaxActPoints)
	}
	old, exists, err := lookup[balisync.OfflineLimits](o, balie.ChangeLimits, "offline")
	if err != nil {
		return err
	}
	var before any
	if exists {
		before = old
	}
	if err := o.put(balie.ChangeLimits, "offline", "", lim, lim, ""); err != nil {
		return err
	}
	return o.audit("limits.save", balie.ChangeLimits, "offline", "", before, lim)
}

// Staff.

// StaffInput is a staff member as the back office saves them; PIN "" keeps
// the PIN they have (a new staff member needs one). The PIN is hashed at
// once and never kept or shown.
type StaffInput struct {
	balie.Staff
	PIN string
}

// staffView is a staff member in the audit log: never the PIN's hash.
type staffView struct {
	ID, Name, OrganiserID string
	CardNumber            balie.CardNumber
	Role                  balie.Role
	Desks                 []string
	PINChanged            bool `json:",omitempty"`
}

func viewStaff(s balie.Staff, pin bool) staffView {
	return staffView{ID: s.ID, Name: s.Name, OrganiserID: s.OrganiserID, CardNumber: s.CardNumber, Role: s.Role, Desks: s.Desks, PINChanged: pin}
}

func (o *officeTx) saveStaff(in StaffInput, create bool) error {
	s := in.Staff
	n, err := balie.ParseCardNumber(string(s.CardNumber))
	if err != nil {
		return err
	}
	s.CardNumber = n
	old, exists, err := lookup[balie.Staff](o, balie.ChangeStaff, s.ID)
	if err != nil {
		return err
	}
	if err := o.ownedBy(s.OrganiserID, old.OrganiserID, exists); err != nil {
		return err
	}
	if create && exists {
		return taken("Een medewerker", "A staff member", s.ID)
	}
	if s.OrganiserID != "" {
		if _, err := must[balie.Organiser](o, balie.ChangeOrganiser, s.OrganiserID, "Organisator", "Organiser"); err != nil {
			return err
		}
	}
	for _, d := range s.Desks {
		desk, err := must[balie.Desk](o, balie.ChangeDesk, d, "Balie", "Desk")
		if err != nil {
			return err
		}
		if s.OrganiserID != "" && !desk.Serves(s.OrganiserID) && desk.OrganiserID != s.OrganiserID {
			return balie.Errorf(balie.CodeNotAllowed, "Balie %[1]s hoort niet bij organisator %[2]s.", "Desk %[1]s does not belong to organiser %[2]s.", d, s.OrganiserID)
		}
	}
	switch {
	case in.PIN != "":
		if err := balie.ValidPIN(in.PIN); err != nil {
			return err
		}
		salt := make([]byte, 8)
		if _, err := rand.Read(salt); err != nil {
			return fmt.Errorf("make PIN salt: %w", err)
		}
		s.PINSalt = hex.EncodeToString(salt)
		s.PINHash = balie.HashPIN(s.PINSalt, in.PIN)
	case exists:
		s.PINSalt, s.PINHash = old.PINSalt, old.PINHash
	}
	if err := s.Validate(); err != nil {
		return err
	}
	// One card, one staff member: a scan at the desk must name one.
	err = o.tx.Entities(balie.ChangeStaff, "", func(id string, data []byte) error {
		var other balie.Staff
		if err := jsonUnmarshal(data, &other); err != nil {
			return err
		}
		if id != s.ID && other.CardNumber == s.CardNumber {
			return balie.Errorf(balie.CodeIDTaken, "Kaart %[1]s is al de personeelskaart van %[2]s.", "Card %[1]s is already the staff card of %[2]s.", s.CardNumber, other.Name)
		}
		return nil
	})
	if err != nil {
		return err
	}
	var before any
	if exists {
		before = viewStaff(old, false)
	}
	// The terminals check a PIN themselves, offline: they get its salted
	// hash, never the PIN.
	if err := o.put(balie.ChangeStaff, s.ID, s.OrganiserID, s, s, ""); err != nil {
		return err
	}
	return o.audit("staff.save", balie.ChangeStaff, s.ID, s.OrganiserID, before, viewStaff(s, in.PIN != "" && exists))
}

// Children.

// childView is a child in the audit log: pick-up codes masked.
func childView(c balie.Child) balie.Child {
	c.Authorised = slices.Clone(c.Authorised)
	for i := range c.Authorised {
		if c.Authorised[i].Code != "" {
			c.Authorised[i].Code = "****"
		}
	}
	return c
}

func (o *officeTx) saveChild(c balie.Child) error {
	if err := c.Validate(); err != nil {
		return err
	}
	old, exists, err := lookup[balie.Child](o, balie.ChangeChild, c.HolderID)
	if err != nil {
		return err
	}
	if err := o.ownedBy(c.ProviderID, old.ProviderID, exists); err != nil {
		return err
	}
	if exists && old.ProviderID != c.ProviderID {
		return balie.Errorf(balie.CodeNotAllowed, "Dit kind is al ingeschreven bij %[1]s.", "This child is already enrolled at %[1]s.", old.ProviderID)
	}
	if _, err := must[balie.Organiser](o, balie.ChangeOrganiser, c.ProviderID, "Organisator", "Organiser"); err != nil {
		return err
	}
	if _, ok, err := o.tx.Holder(c.HolderID); err != nil {
		return err
	} else if !ok {
		return refUnknown("Pashouder", "Pass holder", c.HolderID)
	}
	for _, a := range c.Authorised {
		if a.HolderID == "" {
			continue
		}
		if _, ok, err := o.tx.Holder(a.HolderID); err != nil {
			return err
		} else if !ok {
			return refUnknown("Pashouder", "Pass holder", a.HolderID)
		}
	}
	var before any
	if exists {
		before = childView(old)
	}
	// A child's data and pick-up codes go to the provider's childcare
	// desks only.
	if err := o.put(balie.ChangeChild, c.HolderID, c.ProviderID, c, c, ChildAudience(c.ProviderID)); err != nil {
		return err
	}
	return o.audit("child.save", balie.ChangeChild, c.HolderID, c.ProviderID, before, childView(c))
}

func (o *officeTx) deleteChild(holder string) error {
	c, err := must[balie.Child](o, balie.ChangeChild, holder, "Kind", "Child")
	if err != nil {
		return err
	}
	if !o.a.Access.ManagesOrganiser(c.ProviderID) {
		return forbidden()
	}
	if err := o.tx.DeleteEntity(balie.ChangeChild, holder); err != nil {
		return err
	}
	if err := o.tx.Change(Change{Kind: balie.ChangeChild, Key: holder, Deleted: true, Audience: ChildAudience(c.ProviderID)}); err != nil {
		return err
	}
	return o.audit("child.delete", balie.ChangeChild, holder, c.ProviderID, childView(c), nil)
}

// The exported operations, each one change in a transaction of its own.

// SaveCardSystem makes (create) or changes a card system.
func (l *Ledger) SaveCardSystem(ctx context.Context, a Actor, c balie.CardSystem, create bool) error {
	return l.office(ctx, a, "save card system", func(o *officeTx) error { return o.saveCardSystem(c, create) })
}

// SaveMunicipality makes or changes a municipality; its card system's
// postal codes become those of its municipalities.
func (l *Ledger) SaveMunicipality(ctx context.Context, a Actor, m balie.Municipality) error {
	return l.office(ctx, a, "save municipality", func(o *officeTx) error { return o.saveMunicipality(m) })
}

// SaveOrganiser makes (create) or changes an organiser.
func (l *Ledger) SaveOrganiser(ctx context.Context, a Actor, org balie.Organiser, create bool) error {
	return l.office(ctx, a, "save organiser", func(o *officeTx) error { return o.saveOrganiser(org, create) })
}

// SaveDesk makes (create) or changes a desk.
func (l *Ledger) SaveDesk(ctx context.Context, a Actor, d balie.Desk, create bool) error {
	return l.office(ctx, a, "save desk", func(o *officeTx) error { return o.saveDesk(d, create) })
}

// SaveEvent makes (create) or changes an event of the catalogue.
func (l *Ledger) SaveEvent(ctx context.Context, a Actor, e balie.Event, create bool) error {
	return l.office(ctx, a, "save event", func(o *officeTx) error { return o.saveEvent(e, create) })
}

// SaveTariff makes (create) or changes a tariff of an event.
func (l *Ledger) SaveTariff(ctx context.Context, a Actor, t balie.Tariff, create bool) error {
	return l.office(ctx, a, "save tariff", func(o *officeTx) error { return o.saveTariff(t, create) })
}

// DeleteTariff removes a tariff; the terminals drop it at their next sync.
func (l *Ledger) DeleteTariff(ctx context.Context, a Actor, id string) error {
	return l.office(ctx, a, "delete tariff", func(o *officeTx) error { return o.deleteTariff(id) })
}

// SaveReward makes (create) or changes a reward.
func (l *Ledger) SaveReward(ctx context.Context, a Actor, r balie.Reward, create bool) error {
	return l.office(ctx, a, "save reward", func(o *officeTx) error { return o.saveReward(r, create) })
}

// SaveProduct makes (create) or changes a product.
func (l *Ledger) SaveProduct(ctx context.Context, a Actor, p balie.Product, create bool) error {
	return l.office(ctx, a, "save product", func(o *officeTx) error { return o.saveProduct(p, create) })
}

// SaveProgram makes (create) or changes a membership program.
func (l *Ledger) SaveProgram(ctx context.Context, a Actor, p balie.MembershipProgram, create bool) error {
	return l.office(ctx, a, "save program", func(o *officeTx) error { return o.saveProgram(p, create) })
}

// SaveCardPrices replaces a card system's price table.
func (l *Ledger) SaveCardPrices(ctx context.Context, a Actor, cs string, rules []balie.CardPriceRule) error {
	return l.office(ctx, a, "save card prices", func(o *officeTx) error { return o.saveCardPrices(cs, rules) })
}

// SaveRates sets a childcare provider's rates.
func (l *Ledger) SaveRates(ctx context.Context, a Actor, provider string, r balie.ChildcareRates) error {
	return l.office(ctx, a, "save rates", func(o *officeTx) error { return o.saveRates(provider, r) })
}

// SaveStaff makes (create) or changes a staff member, with a new PIN when
// one is given.
func (l *Ledger) SaveStaff(ctx context.Context, a Actor, in StaffInput, create bool) error {
	return l.office(ctx, a, "save staff", func(o *officeTx) error { return o.saveStaff(in, create) })
}

// SaveChild enrols a child in childcare or changes the enrolment.
func (l *Ledger) SaveChild(ctx context.Context, a Actor, c balie.Child) error {
	return l.office(ctx, a, "save child", func(o *officeTx) error { return o.saveChild(c) })
}

// DeleteChild ends a child's enrolment.
func (l *Ledger) DeleteChild(ctx context.Context, a Actor, holder string) error {
	return l.office(ctx, a, "delete child", func(o *officeTx) error { return o.deleteChild(holder) })
}

// SetOfflineLimits sets the offline limits every terminal enforces.
func (l *Ledger) SetOfflineLimits(ctx context.Context, lim balisync.OfflineLimits) error {
	return l.office(ctx, Operator(""), "set offline limits", func(o *officeTx) error { return o.saveLimits(lim) })
}

// Reads for the back office.

// Entity reads one entity of the directory or catalogue, decoded into v.
func (l *Ledger) Entity(ctx context.Context, kind, id string, v any) (bool, error) {
	var ok bool
	err := l.store.Read(ctx, func(tx ReadTx) error {
		data, found, err := tx.Entity(kind, id)
		if err != nil || !found {
			return err
		}
		ok = true
		return jsonUnmarshal(data, v)
	})
	return ok, wrap("read "+kind, err)
}

// List reads every entity of kind (of one owner, when owner is not
// empty), decoded, by id.
func List[T any](ctx context.Context, l *Ledger, kind, owner string) ([]T, error) {
	var out []T
	err := l.store.Read(ctx, func(tx ReadTx) error {
		return tx.Entities(kind, owner, func(_ string, data []byte) error {
			var v T
			if err := jsonUnmarshal(data, &v); err != nil {
				return err
			}
			out = append(out, v)
			return nil
		})
	})
	return out, wrap("list "+kind, err)
}

// OrganiserOf is the organiser an entity belongs to, for the back office
// to decide who may see it: the organiser itself, a desk's, an event's,
// a tariff's event's, a reward's, a program's, a staff member's, a
// child's provider's. ok is false for an entity that is not there.
func (l *Ledger) OrganiserOf(ctx context.Context, kind, id string) (string, bool, error) {
	var org string
	var ok bool
	err := l.store.Read(ctx, func(tx ReadTx) error {
		data, found, err := tx.Entity(kind, id)
		if err != nil || !found {
			return err
		}
		ok = true
		var v struct{ ID, OrganiserID, ProviderID, EventID string }
		if err := jsonUnmarshal(data, &v); err != nil {
			return err
		}
		switch kind {
		case balie.ChangeOrganiser:
			org = v.ID
		case balie.ChangeChild:
			org = v.ProviderID
		case balie.ChangeTariff:
			ev, _, err := entity[balie.Event](tx, balie.ChangeEvent, v.EventID)
			org = ev.OrganiserID
			return err
		default:
			org = v.OrganiserID
		}
		return nil
	})
	return org, ok, wrap("read "+kind, err)
}

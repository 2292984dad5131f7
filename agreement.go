package balie

import (
	"slices"
	"strings"
	"time"
)

// CodeAgreementInvalid is a cost-sharing agreement that cannot be kept:
// parts outside 0 to 100%, a department key that does not add up, an
// end before its start.
const CodeAgreementInvalid Code = "agreement_invalid"

// Kinds of money a settlement knows, as the ledger writes them.
const (
	SettleTicket     = "TICKET"
	SettleCard       = "CARD"
	SettleMembership = "MEMBERSHIP"
)

// OrganisingDepartment stands, in an agreement's department key, for the
// organiser of the act itself: "welfare pays half, the organising
// department the other half" is one key for every department of a city.
const OrganisingDepartment = "@organiser"

// CostAgreement says who pays the part of an act's regular price that
// the holder does not pay. Agreements are versioned by date: each is in
// force from From (inclusive) to Until (exclusive, zero for no end), days
// in the Brussels calendar, and a new version is a new agreement with a
// later From; an act is settled by the agreements in force on its
// business day, so a new version never changes an act before it.
//
// The scope fields say which acts an agreement is for; an empty field
// matches every act. Of the agreements in force that match, the most
// specific wins (the one with the most scope fields set), then the one
// in force from the latest day, then the lowest ID. Without any, the
// tariff's distribution key decides and the card system that issued the
// holder's card pays (see SettleAct).
type CostAgreement struct {
	ID   string
	Name string
	From time.Time
	// Until is the first day the agreement no longer applies.
	Until time.Time

	// Scope.
	Kind        string     // SettleTicket or SettleMembership; "" both
	TariffKind  TariffKind // SOCIAL or COUPON for tickets; "" both
	Organiser   string     // the act's organiser (an association, a partner)
	CardSystem  string     // the card system that issued the holder's card
	PostalCodes []string   // the holder's postal code (their municipality)
	Program     string     // a membership program

	// Decision.
	//
	// Payer is the government that pays the rest (a municipality, a
	// region, a city): the addressee of the organiser's expense note.
	// Empty: the card system that issued the card.
	Payer     string
	PayerName string
	// OrganiserPart, when OrganiserSet, is the organiser's part of the
	// regular price in basis points, instead of the tariff's key (0 for
	// a region that carries the whole discount).
	OrganiserSet  bool
	OrganiserPart int
	// OrganiserMin is the least the organiser carries of one unit,
	// whatever the key says (an association's fixed minimum), never
	// more than the discount.
	OrganiserMin Cents
	// Departments split the payer's part inside the payer, in basis
	// points adding up to 10000: the city's "solidary cost distribution"
	// (welfare 50%, the organising department 50%), or a region's share
	// and its municipality's. Empty: the payer carries it alone.
	Departments []DepartmentPart
}

// DepartmentPart is one department's part of a payer's share, in basis
// points. Department may be OrganisingDepartment.
type DepartmentPart struct {
	Department string
	BP         int
}

// DepartmentCents is a department's part of one unit of an act.
type DepartmentCents struct {
	Department string
	Cents      Cents
}

// Validate refuses an agreement that cannot be applied.
func (a CostAgreement) Validate() error {
	bad := func(nl, en string, args ...any) error {
		return Errorf(CodeAgreementInvalid, "Deze afspraak over de kostendeling klopt niet: "+nl+".",
			"This cost-sharing agreement is not right: "+en+".", args...)
	}
	if strings.TrimSpace(a.ID) == "" {
		return bad("ze heeft geen id", "it has no id")
	}
	if err := ValidID("De code van de afspraak", "The agreement's code", a.ID); err != nil {
		return err
	}
	if err := optionalText("de naam van de afspraak", "the agreement's name", a.Name, maxShortText); err != nil {
		return err
	}
	if a.From.IsZero() {
		return bad("ze heeft geen begindatum", "it has no start date")
	}
	if !a.Until.IsZero() && !a.Until.After(a.From) {
		return bad("ze eindigt niet na haar begin", "it does not end after its start")
	}
	switch a.Kind {
	case "", SettleTicket, SettleMembership:
	default:
		return bad("soort %q is geen TICKET of MEMBERSHIP", "kind %q is not TICKET or MEMBERSHIP", a.Kind)
	}
	if a.OrganiserSet && (a.OrganiserPart < 0 || a.OrganiserPart > keyTotal) {
		return bad("het deel van de organisator ligt niet tussen 0%% en 100%%", "the organiser's part is not between 0%% and 100%%")
	}
	if a.OrganiserMin < 0 || a.OrganiserMin > MaxActCents {
		return bad("het minimum van de organisator kan niet", "the organiser's minimum is impossible")
	}
	if len(a.Departments) > 0 {
		sum := 0
		seen := map[string]bool{}
		for _, d := range a.Departments {
			if d.Department == "" || d.BP < 0 || d.BP > keyTotal || seen[d.Department] {
				return bad("een dienst in de interne sleutel is leeg, dubbel of buiten 0-100%%", "a department of the internal key is empty, repeated or outside 0-100%%")
			}
			seen[d.Department] = true
			sum += d.BP
		}
		if sum != keyTotal {
			return bad("de interne sleutel telt op tot %[1]s, niet 100%%", "the internal key adds up to %[2]s, not 100%%", bpNL(sum), bpEN(sum))
		}
	}
	return nil
}

// InForce reports whether the agreement applies to an act on day.
func (a CostAgreement) InForce(day time.Time) bool {
	d := startOfDay(day)
	return !d.Before(startOfDay(a.From)) && (a.Until.IsZero() || d.Before(startOfDay(a.Until)))
}

func startOfDay(t time.Time) time.Time {
	y, m, d := t.In(Brussels()).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, Brussels())
}

// matches reports whether the agreement's scope takes the act.
func (a CostAgreement) matches(x SettlementAct) bool {
	return (a.Kind == "" || a.Kind == x.Kind) &&
		(a.TariffKind == "" || a.TariffKind == x.TariffKind) &&
		(a.Organiser == "" || a.Organiser == x.Organiser) &&
		(a.CardSystem == "" || a.CardSystem == x.CardSystem) &&
		(len(a.PostalCodes) == 0 || slices.Contains(a.PostalCodes, strings.TrimSpace(x.PostalCode))) &&
		(a.Program == "" || a.Program == x.Program)
}

func (a CostAgreement) specificity() int {
	n := 0
	for _, set := range []bool{a.Kind != "", a.TariffKind != "", a.Organiser != "", a.CardSystem != "", len(a.PostalCodes) > 0, a.Program != ""} {
		if set {
			n++
		}
	}
	return n
}

// SettlementAct is one unit of a money act as the ledger recorded it,
// what its settlement depends on.
type SettlementAct struct {
	Kind       string     // SettleTicket, SettleCard, SettleMembership
	TariffKind TariffKind // a ticket's
	Day        time.Time  // the act's business day
	Organiser  string     // the organiser of the event, the owner of the program, the desk's for a card
	CardSystem string     // the card system that issued the holder's card
	PostalCode string     // the holder's, at the time of the act
	Program    string     // a membership's program
	Regular    Cents      // the regular price of one unit (a program's full price)
	Holder     Cents      // what the holder paid for one unit
	// KeyOrganiser is the organiser's share of one unit under the
	// tariff's key, as the sale recorded it.
	KeyOrganiser Cents
}

// Settlement is the split of one unit of an act: Holder + Organiser +
// Payer is Regular, to the cent, and the departments' cents add up to
// Payer.
type Settlement struct {
	Agreement   string // the agreement applied; "" for none
	Regular     Cents
	Holder      Cents
	Organiser   Cents
	Payer       Cents
	PayerID     string // who pays Payer; "" when Payer is 0
	OwedTo      string // whom the money the holder paid belongs to
	Departments []DepartmentCents
}

// ChooseAgreement returns the agreement that settles x, if any.
func ChooseAgreement(x SettlementAct, agreements []CostAgreement) (CostAgreement, bool) {
	var best CostAgreement
	found := false
	for _, a := range agreements {
		if !a.InForce(x.Day) || !a.matches(x) {
			continue
		}
		if !found {
			best, found = a, true
			continue
		}
		sa, sb := a.specificity(), best.specificity()
		switch {
		case sa > sb,
			sa == sb && a.From.After(best.From),
			sa == sb && a.From.Equal(best.From) && a.ID < best.ID:
			best = a
		}
	}
	return best, found
}

// SettleAct splits one unit of an act between the holder, the organiser
// and a payer, by the agreements in force on its day. The rules, each
// decided here once:
//
//   - A card sale: the holder paid the price, which is owed to the card
//     system that issued the card; nobody else carries anything.
//   - A ticket at the regular tariff: the holder paid it all, owed to the
//     organiser.
//   - A ticket at the social tariff or with a coupon, and a membership:
//     the holder's part is what they paid (a fact of the sale, never
//     changed afterwards). The rest is the discount. The organiser
//     carries what the tariff's key gave it (for a coupon and a
//     membership: the whole discount), unless the chosen agreement sets
//     its part in basis points of the regular price (rounded to the
//     cent, halves up) or a minimum; never less than 0, never more than
//     the discount. The payer carries the rest: the agreement's Payer,
//     else the card system that issued the card.
//   - The payer's part is split over the agreement's departments: each
//     gets its basis points of it rounded down, and the cents left over
//     go one by one to the departments in the agreement's order, so the
//     parts add up to the payer's to the cent.
func SettleAct(x SettlementAct, agreements []CostAgreement) (Settlement, error) {
	if x.Regular < 0 || x.Holder < 0 || x.Regular > MaxActCents || x.Holder > MaxActCents {
		return Settlement{}, Errorf(CodeAmountInvalid, "Een bedrag van deze handeling kan niet.", "An amount of this act is impossible.")
	}
	s := Settlement{Regular: x.Regular, Holder: x.Holder, OwedTo: x.Organiser}
	if s.Regular < s.Holder {
		// Paid more than the list price (a price the ledger flagged):
		// what was paid is the price.
		s.Regular = s.Holder
	}
	switch {
	case x.Kind == SettleCard:
		s.Regular, s.OwedTo = x.Holder, x.CardSystem
		return s, nil
	case x.Kind == SettleTicket && (x.TariffKind == TariffRegular || x.TariffKind == ""):
		s.Regular = x.Holder
		return s, nil
	}
	discount := s.Regular - s.Holder
	org := discount
	if x.Kind == SettleTicket && x.TariffKind == TariffSocial {
		org = min(max(x.KeyOrganiser, 0), discount)
	}
	payer := x.CardSystem
	a, ok := ChooseAgreement(x, agreements)
	if ok {
		s.Agreement = a.ID
		if a.OrganiserSet {
			org = (2*s.Regular*Cents(a.OrganiserPart) + keyTotal) / (2 * keyTotal)
		}
		org = max(org, a.OrganiserMin)
		org = min(max(org, 0), discount)
		if a.Payer != "" {
			payer = a.Payer
		}
	}
	s.Organiser = org
	s.Payer = discount - org
	if s.Payer == 0 {
		return s, nil
	}
	s.PayerID = payer
	if !ok || len(a.Departments) == 0 {
		return s, nil
	}
	s.Departments = splitDepartments(s.Payer, a.Departments, x.Organiser)
	return s, nil
}

// splitDepartments divides cents by the key; the cents the rounding
// down leaves go one by one to the departments in the key's order.
func splitDepartments(cents Cents, key []DepartmentPart, organiser string) []DepartmentCents {
	out := make([]DepartmentCents, len(key))
	var given Cents
	for i, d := range key {
		dep := d.Department
		if dep == OrganisingDepartment {
			dep = organiser
		}
		part := cents * Cents(d.BP) / keyTotal
		out[i] = DepartmentCents{Department: dep, Cents: part}
		given += part
	}
	for i := 0; given < cents; i = (i + 1) % len(out) {
		if key[i].BP == 0 {
			continue
		}
		out[i].Cents++
		given++
	}
	return out
}

// ValidateBudget checks what a payer (or a department of it) sets aside
// for the social tariff in a year: a payer, a year of this era and an
// amount of 0 or more.
func ValidateBudget(payer string, year int, c Cents) error {
	if strings.TrimSpace(payer) == "" || year < 2000 || year > 9999 || c < 0 || c > MaxAmount {
		return Errorf(CodeAmountInvalid, "Dit budget kan niet: een betaler, een jaar en een bedrag van 0 of meer.",
			"This budget is impossible: it needs a payer, a year and an amount of 0 or more.")
	}
	return nil
}

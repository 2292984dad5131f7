package balie

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// The rules of the city's back office: who may do what, and what makes an
// organiser, a desk, a catalogue item, a staff member or a child valid
// before the ledger keeps it. The back office's forms, the operator's
// commands and the demo city are all checked by these, so a rule is
// decided here once.

// Codes of the back office's refusals.
const (
	CodeIDInvalid        Code = "id_invalid"
	CodeIDTaken          Code = "id_taken"
	CodeNameMissing      Code = "name_missing"
	CodeTextTooLong      Code = "text_too_long"
	CodeIBANInvalid      Code = "iban_invalid"
	CodeEmailInvalid     Code = "email_invalid"
	CodeKindInvalid      Code = "kind_invalid"
	CodePostalInvalid    Code = "postal_code_invalid"
	CodeNumberInvalid    Code = "number_invalid"
	CodeDateInvalid      Code = "date_invalid"
	CodePercentInvalid   Code = "percent_invalid"
	CodeLimitInvalid     Code = "limit_invalid"
	CodePickupCode       Code = "pickup_code_invalid"
	CodePasswordWeak     Code = "password_weak"
	CodeUserNameInvalid  Code = "user_name_invalid"
	CodeRoleInvalid      Code = "role_invalid"
	CodeForbidden        Code = "forbidden"
	CodeReasonMissing    Code = "reason_missing"
	CodeOutcomeInvalid   Code = "outcome_invalid"
	CodeReferenceUnknown Code = "reference_unknown"
	CodeINSZOffline      Code = "insz_offline"
)

// INSZNeedsNetwork is what the desk says when a national register number
// is typed while it has no link with the ledger: the number is looked up
// online only, never kept on a terminal.
func INSZNeedsNetwork() *Error {
	return Errorf(CodeINSZOffline,
		"Opzoeken op rijksregisternummer kan alleen met een verbinding met de centrale, en die is er nu niet. Scan de kaart of zoek op naam.",
		"Looking up a national register number needs the link with the ledger, which is down now. Scan the card or search by name.")
}

// Organiser kinds: a city department, an association (vereniging), a
// private partner, another municipality of the region.
const (
	OrganiserDepartment   = "DEPARTMENT"
	OrganiserAssociation  = "ASSOCIATION"
	OrganiserPartner      = "PARTNER"
	OrganiserMunicipality = "MUNICIPALITY"
)

// OrganiserKinds lists the kinds in the order the back office offers them.
func OrganiserKinds() []string {
	return []string{OrganiserDepartment, OrganiserAssociation, OrganiserPartner, OrganiserMunicipality}
}

// OrganiserKindName names a kind for people.
func OrganiserKindName(kind, lang string) string {
	n, ok := map[string][2]string{
		OrganiserDepartment:   {"Stadsdienst", "City department"},
		OrganiserAssociation:  {"Vereniging", "Association"},
		OrganiserPartner:      {"Private partner", "Private partner"},
		OrganiserMunicipality: {"Gemeente van de regio", "Municipality of the region"},
	}[kind]
	switch {
	case !ok:
		return kind
	case lang == "en":
		return n[1]
	}
	return n[0]
}

// Contact is who to reach at an organiser.
type Contact struct {
	Name  string `json:",omitempty"`
	Email string `json:",omitempty"`
	Phone string `json:",omitempty"`
}

// Public is what a terminal needs of an organiser: its name and kind,
// never its account or its contact.
func (o Organiser) Public() Organiser {
	return Organiser{ID: o.ID, Name: o.Name, Kind: o.Kind, CardSystem: o.CardSystem}
}

// Municipality is a municipality of a card system, with its postal codes
// and its population (for the steering group's share of residents).
type Municipality struct {
	ID          string
	Name        string
	CardSystem  string
	PostalCodes []string
	Population  int
}

// maxShortText bounds names and other one-line texts of the back office.
const maxShortText = 200

// ValidID checks an identifier an administrator chooses: 2 to 64
// characters, lower-case letters, digits and dashes, starting with a
// letter. field names it in the sentence ("de code van de organisator").
func ValidID(fieldNL, fieldEN, id string) error {
	ok := len(id) >= 2 && len(id) <= 64 && id[0] >= 'a' && id[0] <= 'z'
	for i := 0; ok && i < len(id); i++ {
		c := id[i]
		ok = c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-'
	}
	if !ok {
		return Errorf(CodeIDInvalid,
			"%[1]s bestaat uit 2 tot 64 kleine letters, cijfers en streepjes en begint met een letter, bijvoorbeeld org-cc.",
			"%[2]s is 2 to 64 lower-case letters, digits and dashes, starting with a letter, for example org-cc.", fieldNL, fieldEN)
	}
	return nil
}

// Slug makes an identifier from a prefix and a name: "org", "CC Lier"
// gives "org-cc-lier". It always passes ValidID for a prefix of letters.
func Slug(prefix, name string) string {
	key := SearchKey(name)
	var b strings.Builder
	b.WriteString(prefix)
	dash := true
	for _, r := range key {
		switch {
		case r >= 'a' && r <= 'z' || r >= '0' && r <= '9':
			if dash {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		default:
			dash = true
		}
		if b.Len() >= 56 {
			break
		}
	}
	s := b.String()
	if s == prefix {
		s += "-1"
	}
	return s
}

// requiredText refuses an empty or over-long one-line text.
func requiredText(fieldNL, fieldEN, s string) error {
	if strings.TrimSpace(s) == "" {
		return Errorf(CodeNameMissing, "Vul %[1]s in.", "Fill in %[2]s.", fieldNL, fieldEN)
	}
	return optionalText(fieldNL, fieldEN, s, maxShortText)
}

func optionalText(fieldNL, fieldEN, s string, max int) error {
	if utf8.RuneCountInString(s) > max {
		return Errorf(CodeTextTooLong, "%[1]s is te lang: hoogstens %[3]d tekens.", "%[2]s is too long: at most %[3]d characters.", capital(fieldNL), capital(fieldEN), max)
	}
	for _, r := range s {
		if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f {
			return Errorf(CodeTextTooLong, "%[1]s bevat onzichtbare stuurtekens.", "%[2]s holds invisible control characters.", capital(fieldNL), capital(fieldEN))
		}
	}
	return nil
}

func capital(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}

// ValidEmail checks an e-mail address loosely: one @ with text on both
// sides and a dot in the domain. An empty address is allowed.
func ValidEmail(s string) error {
	if s == "" {
		return nil
	}
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" || !strings.Contains(domain, ".") || strings.ContainsAny(s, " \t<>,;") || strings.HasSuffix(domain, ".") || len(s) > 254 {
		return Errorf(CodeEmailInvalid, "%[1]q is geen e-mailadres (zoals naam@lier.be).", "%[1]q is not an e-mail address (such as name@lier.be).", s)
	}
	return nil
}

// Validate checks an organiser before the ledger keeps it: a valid id, a
// name, one of the four kinds, a card system, a contact's e-mail that is
// one, and an IBAN that passes its check (an organiser without one yet
// may be kept: it cannot be paid until it has one).
func (o Organiser) Validate() error {
	if err := ValidID("De code van de organisator", "The organiser's code", o.ID); err != nil {
		return err
	}
	if err := requiredText("de naam van de organisator", "the organiser's name", o.Name); err != nil {
		return err
	}
	switch o.Kind {
	case OrganiserDepartment, OrganiserAssociation, OrganiserPartner, OrganiserMunicipality:
	default:
		return Errorf(CodeKindInvalid,
			"Kies de soort organisator: stadsdienst, vereniging, private partner of gemeente van de regio.",
			"Choose the kind of organiser: city department, association, private partner or municipality of the region.")
	}
	if strings.TrimSpace(o.CardSystem) == "" {
		return Errorf(CodeReferenceUnknown, "Kies het kaartsysteem van de organisator.", "Choose the organiser's card system.")
	}
	for _, f := range []struct{ nl, en, v string }{
		{"de naam van de contactpersoon", "the contact's name", o.Contact.Name},
		{"het telefoonnummer", "the phone number", o.Contact.Phone},
		{"de rekeninghouder", "the account holder", o.AccountHolder},
	} {
		if err := optionalText(f.nl, f.en, f.v, maxShortText); err != nil {
			return err
		}
	}
	if err := ValidEmail(o.Contact.Email); err != nil {
		return err
	}
	if o.IBAN != "" {
		if _, err := ParseIBAN(string(o.IBAN)); err != nil {
			return err
		}
	}
	return nil
}

// Validate checks a card system: a valid id and a name.
func (c CardSystem) Validate() error {
	if err := ValidID("De code van het kaartsysteem", "The card system's code", c.ID); err != nil {
		return err
	}
	return requiredText("de naam van het kaartsysteem", "the card system's name", c.Name)
}

// ValidPostalCode checks a Belgian postal code: four digits, 1000 to 9999.
func ValidPostalCode(s string) error {
	if len(s) != 4 || s[0] < '1' || s[0] > '9' || strings.Trim(s, "0123456789") != "" {
		return Errorf(CodePostalInvalid, "%[1]q is geen postcode: een Belgische postcode heeft 4 cijfers, zoals 2500.",
			"%[1]q is not a postal code: a Belgian postal code has 4 digits, such as 2500.", s)
	}
	return nil
}

// ParsePostalCodes reads postal codes typed with commas or spaces between
// them, each checked, without repeats.
func ParsePostalCodes(s string) ([]string, error) {
	var out []string
	seen := map[string]bool{}
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || unicode.IsSpace(r) }) {
		if err := ValidPostalCode(f); err != nil {
			return nil, err
		}
		if !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	return out, nil
}

// Validate checks a municipality: a valid id, a name, its card system,
// at least one postal code, a population that is not negative.
func (m Municipality) Validate() error {
	if err := ValidID("De code van de gemeente", "The municipality's code", m.ID); err != nil {
		return err
	}
	if err := requiredText("de naam van de gemeente", "the municipality's name", m.Name); err != nil {
		return err
	}
	if m.CardSystem == "" {
		return Errorf(CodeReferenceUnknown, "Kies het kaartsysteem van de gemeente.", "Choose the municipality's card system.")
	}
	if len(m.PostalCodes) == 0 {
		return Errorf(CodePostalInvalid, "Geef minstens één postcode van de gemeente.", "Give at least one postal code of the municipality.")
	}
	for _, p := range m.PostalCodes {
		if err := ValidPostalCode(p); err != nil {
			return err
		}
	}
	if m.Population < 0 || m.Population > 10_000_000 {
		return Errorf(CodeNumberInvalid, "Het inwonersaantal ligt tussen 0 en 10.000.000.", "The population is between 0 and 10,000,000.")
	}
	return nil
}

// ValidDeskMode reports whether m is a desk mode.
func ValidDeskMode(m DeskMode) bool {
	return m == DeskBoxOffice || m == DeskSports || m == DeskChildcare
}

// Validate checks a desk: a valid id, a name, its organiser, a mode and
// a card system.
func (d Desk) Validate() error {
	if err := ValidID("De code van de balie", "The desk's code", d.ID); err != nil {
		return err
	}
	if err := requiredText("de naam van de balie", "the desk's name", d.Name); err != nil {
		return err
	}
	if d.OrganiserID == "" {
		return Errorf(CodeReferenceUnknown, "Kies de organisator van de balie.", "Choose the desk's organiser.")
	}
	if !ValidDeskMode(d.Mode) {
		return Errorf(CodeKindInvalid, "Kies wat de balie doet: ticketbalie, sportonthaal of kinderopvang.",
			"Choose what the desk does: box office, sports counter or childcare.")
	}
	if d.CardSystem == "" {
		return Errorf(CodeReferenceUnknown, "Kies het kaartsysteem van de balie.", "Choose the desk's card system.")
	}
	return nil
}

// validLimit checks a limit: a volume of 0 (none) to 1000 and, with a
// volume, a period.
func validLimit(whatNL, whatEN string, l Limit) error {
	if l.Volume < 0 || l.Volume > 1000 {
		return Errorf(CodeLimitInvalid, "De limiet van %[1]s ligt tussen 0 (geen) en 1000.", "The limit of %[2]s is between 0 (none) and 1000.", whatNL, whatEN)
	}
	if l.Volume > 0 && !l.Period.Valid() {
		return Errorf(CodeLimitInvalid, "Kies de periode van de limiet van %[1]s.", "Choose the period of the limit of %[2]s.", whatNL, whatEN)
	}
	return nil
}

// maxMargin is the widest check-in margin before or after an event.
const maxMargin = 12 * time.Hour

// Validate checks an event: a valid id, its organiser, a name, an end
// after its start (at most a year later), points per check-in within an
// act's bounds, a valid check-in limit and margins of 0 to 12 hours.
func (e Event) Validate() error {
	if err := ValidID("De code van het evenement", "The event's code", e.ID); err != nil {
		return err
	}
	if e.OrganiserID == "" {
		return Errorf(CodeReferenceUnknown, "Kies de organisator van het evenement.", "Choose the event's organiser.")
	}
	if err := requiredText("de naam van het evenement", "the event's name", e.Name); err != nil {
		return err
	}
	if e.Start.IsZero() || e.End.IsZero() {
		return Errorf(CodeDateInvalid, "Vul het begin en het einde van het evenement in.", "Fill in the event's start and end.")
	}
	if !e.End.After(e.Start) || e.End.Sub(e.Start) > 366*24*time.Hour {
		return Errorf(CodeDateInvalid, "Het einde van het evenement ligt na het begin, hoogstens een jaar later.",
			"The event ends after it starts, at most a year later.")
	}
	if e.PointsPerCheckin < 0 || e.PointsPerCheckin > 100 {
		return Errorf(CodeNumberInvalid, "Het aantal punten per check-in ligt tussen 0 en 100.", "The points per check-in are between 0 and 100.")
	}
	if err := validLimit("de check-in", "the check-in", e.CheckinLimit); err != nil {
		return err
	}
	if e.MarginBefore < 0 || e.MarginBefore > maxMargin || e.MarginAfter < 0 || e.MarginAfter > maxMargin {
		return Errorf(CodeNumberInvalid, "De marge voor en na het evenement ligt tussen 0 en 12 uur.", "The margin before and after the event is between 0 and 12 hours.")
	}
	return nil
}

// Shares splits the tariff's regular price as a sale at it does: the
// holder pays it all at REGULAR, the holder's share under the key at
// SOCIAL (rounded to Step, DefaultRoundingStep when 0), the coupon price
// at COUPON with the organiser carrying the rest. It is the share preview
// of the back office and what QuoteTicket charges.
func (t Tariff) Shares() (Shares, error) {
	switch t.Kind {
	case TariffRegular:
		return Shares{Holder: t.Regular}, nil
	case TariffSocial:
		step := t.Step
		if step == 0 {
			step = DefaultRoundingStep
		}
		return t.Key.Split(t.Regular, step)
	case TariffCoupon:
		if t.CouponPrice > t.Regular {
			return Shares{}, Errorf(CodeAmountInvalid,
				"De couponprijs (%[1]s) is hoger dan de gewone prijs (%[2]s); kijk de instellingen na.",
				"The coupon price (%[3]s) is higher than the regular price (%[4]s); check the settings.",
				t.CouponPrice.String(), t.Regular.String(), t.CouponPrice.Format("en"), t.Regular.Format("en"))
		}
		return Shares{Holder: t.CouponPrice, Organiser: t.Regular - t.CouponPrice}, nil
	}
	return Shares{}, Errorf(CodeTariffUnknown,
		"Dit tarief heeft een onbekende soort (%[1]q); kijk de instellingen na.",
		"This tariff has an unknown kind (%[1]q); check the settings.", string(t.Kind))
}

// Validate checks a tariff: a valid id, its event, a name, a kind, prices
// within an act's bounds, a rounding step of 0 to 1 euro, a valid limit,
// and shares that Shares can give (a key within its bounds, a price the
// social tariff can split, a coupon price not above the regular one).
func (t Tariff) Validate() error {
	if err := ValidID("De code van het tarief", "The tariff's code", t.ID); err != nil {
		return err
	}
	if t.EventID == "" {
		return Errorf(CodeReferenceUnknown, "Kies het evenement van het tarief.", "Choose the tariff's event.")
	}
	if err := requiredText("de naam van het tarief", "the tariff's name", t.Name); err != nil {
		return err
	}
	if t.Regular < 0 || t.Regular > MaxActCents || t.CouponPrice < 0 || t.CouponPrice > MaxActCents {
		return Errorf(CodeAmountInvalid, "Een prijs ligt tussen € 0,00 en %[1]s.", "A price is between €0.00 and %[2]s.", MaxActCents.String(), MaxActCents.Format("en"))
	}
	if t.Step < 0 || t.Step > 100 {
		return Errorf(CodeAmountInvalid, "De afronding van het deel van de pashouder ligt tussen 0 en 100 cent.", "The rounding of the holder's share is between 0 and 100 cents.")
	}
	if err := validLimit("het tarief", "the tariff", t.Limit); err != nil {
		return err
	}
	_, err := t.Shares()
	return err
}

// Validate checks a reward: a valid id, its organiser, a name, a kind,
// points of 1 to MaxActPoints for a POINTS reward (none for a welcome
// gift), a redeem period that ends after it starts, units and a
// per-holder limit within bounds.
func (r Reward) Validate() error {
	if err := ValidID("De code van het voordeel", "The reward's code", r.ID); err != nil {
		return err
	}
	if r.OrganiserID == "" {
		return Errorf(CodeReferenceUnknown, "Kies de organisator van het voordeel.", "Choose the reward's organiser.")
	}
	if err := requiredText("de naam van het voordeel", "the reward's name", r.Name); err != nil {
		return err
	}
	switch r.Kind {
	case RewardPoints:
		if r.Points < 1 || r.Points > MaxActPoints {
			return Errorf(CodeNumberInvalid, "Een omruilvoordeel kost 1 tot %[1]d punten.", "A reward costs 1 to %[1]d points.", MaxActPoints)
		}
	case RewardWelcome:
		if r.Points != 0 {
			return Errorf(CodeNumberInvalid, "Een welkomstvoordeel kost geen punten.", "A welcome gift costs no points.")
		}
	default:
		return Errorf(CodeKindInvalid, "Kies de soort voordeel: omruilvoordeel of welkomstvoordeel.", "Choose the kind of reward: for points or a welcome gift.")
	}
	if !r.RedeemUntil.IsZero() && !r.RedeemUntil.After(r.RedeemFrom) {
		return Errorf(CodeDateInvalid, "Het einde van de omruilperiode ligt na het begin.", "The end of the redeem period is after its start.")
	}
	if r.TotalUnits < 0 || r.TotalUnits > 1_000_000 {
		return Errorf(CodeNumberInvalid, "Het aantal stuks ligt tussen 0 (onbeperkt) en 1.000.000.", "The number of units is between 0 (unlimited) and 1,000,000.")
	}
	return validLimit("het voordeel per pashouder", "the reward per holder", r.PerHolder)
}

// Validate checks a membership program: a valid id, its organiser, a
// name, prices within an act's bounds (the discount not above the price,
// the social price not above the price), and an end rule that gives an
// end: a fixed date, 1 to 120 months, or an age limit of 1 to 120.
func (p MembershipProgram) Validate() error {
	if err := ValidID("De code van het lidmaatschap", "The membership's code", p.ID); err != nil {
		return err
	}
	if p.OrganiserID == "" {
		return Errorf(CodeReferenceUnknown, "Kies de organisator van het lidmaatschap.", "Choose the membership's organiser.")
	}
	if err := requiredText("de naam van het lidmaatschap", "the membership's name", p.Name); err != nil {
		return err
	}
	if p.Price < 0 || p.Price > MaxActCents || p.PassDiscount < 0 || p.PassDiscount > p.Price || p.SocialPrice < 0 || p.SocialPrice > p.Price {
		return Errorf(CodeAmountInvalid,
			"De prijs ligt tussen € 0,00 en %[1]s; de korting met de pas en de prijs met kansentarief zijn niet hoger dan de prijs.",
			"The price is between €0.00 and %[2]s; the pass discount and the social-tariff price are not above the price.", MaxActCents.String(), MaxActCents.Format("en"))
	}
	switch p.EndKind {
	case EndFixed:
		if p.FixedEnd.IsZero() {
			return Errorf(CodeDateInvalid, "Vul de einddatum van het lidmaatschap in.", "Fill in the membership's end date.")
		}
	case EndPeriod:
		if p.PeriodMonths < 1 || p.PeriodMonths > 120 {
			return Errorf(CodeNumberInvalid, "Een lidmaatschap loopt 1 tot 120 maanden.", "A membership runs 1 to 120 months.")
		}
	case EndAge:
		if p.AgeLimit < 1 || p.AgeLimit > 120 {
			return Errorf(CodeNumberInvalid, "De leeftijdsgrens ligt tussen 1 en 120 jaar.", "The age limit is between 1 and 120 years.")
		}
	default:
		return Errorf(CodeKindInvalid, "Kies hoe het lidmaatschap eindigt: op een vaste datum, na een aantal maanden of op een leeftijd.",
			"Choose how the membership ends: on a fixed date, after a number of months or at an age.")
	}
	return nil
}

// ValidRole reports whether r is a desk role.
func ValidRole(r Role) bool { return r == RoleClerk || r == RoleSupervisor }

// Validate checks a staff member: a valid id, a name, a valid card
// number, a role and a PIN kept as a hash.
func (s Staff) Validate() error {
	if err := ValidID("De code van de medewerker", "The staff member's code", s.ID); err != nil {
		return err
	}
	if err := requiredText("de naam van de medewerker", "the staff member's name", s.Name); err != nil {
		return err
	}
	if _, err := ParseCardNumber(string(s.CardNumber)); err != nil {
		return err
	}
	if !ValidRole(s.Role) {
		return Errorf(CodeRoleInvalid, "Kies de rol van de medewerker: medewerker of verantwoordelijke.", "Choose the staff member's role: clerk or supervisor.")
	}
	if len(s.PINHash) != 64 || s.PINSalt == "" {
		return Errorf(CodeStaffPIN, "Kies een pincode voor de medewerker.", "Choose a PIN for the staff member.")
	}
	return nil
}

// ValidPickupCode checks a pick-up code: 4 to 8 digits, like a PIN, so
// that it is typed at the desk's keypad.
func ValidPickupCode(code string) error {
	if len(code) < 4 || len(code) > 8 || strings.Trim(code, "0123456789") != "" {
		return Errorf(CodePickupCode, "Een ophaalcode heeft 4 tot 8 cijfers.", "A pick-up code has 4 to 8 digits.")
	}
	return nil
}

// Validate checks a child's enrolment: the child, the provider, a group,
// notes of at most MaxTextLength, and every authorised adult named with
// their own card or a pick-up code (never a name alone), no code twice.
func (c Child) Validate() error {
	if c.HolderID == "" {
		return Errorf(CodeReferenceUnknown, "Kies het kind (een pashouder).", "Choose the child (a pass holder).")
	}
	if c.ProviderID == "" {
		return Errorf(CodeReferenceUnknown, "Kies de opvang van het kind.", "Choose the child's childcare.")
	}
	if err := requiredText("de groep van het kind", "the child's group", c.Group); err != nil {
		return err
	}
	if err := optionalText("de notities", "the notes", c.Notes, MaxTextLength); err != nil {
		return err
	}
	codes := map[string]bool{}
	for _, a := range c.Authorised {
		if err := requiredText("de naam van de volwassene die het kind mag ophalen", "the name of the adult who may pick the child up", a.Name); err != nil {
			return err
		}
		if a.HolderID == "" && a.Code == "" {
			return Errorf(CodePickupCode, "%[1]s heeft een eigen kaart of een ophaalcode nodig: een naam alleen bewijst niets.",
				"%[1]s needs their own card or a pick-up code: a name alone proves nothing.", a.Name)
		}
		if a.Code != "" {
			if err := ValidPickupCode(a.Code); err != nil {
				return err
			}
			if codes[a.Code] {
				return Errorf(CodePickupCode, "Twee volwassenen hebben dezelfde ophaalcode; geef elk een eigen code.",
					"Two adults have the same pick-up code; give each their own.")
			}
			codes[a.Code] = true
		}
	}
	return nil
}

// ValidateSocialTariff checks a social-tariff status the welfare officer
// sets: a known state; an active status with its end date (and a grace
// end, if any, after it); and a reason, which the audit log keeps.
func ValidateSocialTariff(s SocialTariff, reason string) error {
	switch s.State {
	case SocialActive, SocialExpired, SocialSuspended, SocialNone:
	default:
		return Errorf(CodeKindInvalid, "Kies de toestand van het kansenstatuut.", "Choose the state of the social-tariff status.")
	}
	if s.State == SocialActive && s.EndDate.IsZero() {
		return Errorf(CodeDateInvalid, "Een actief kansenstatuut heeft een einddatum.", "An active social-tariff status has an end date.")
	}
	if !s.GraceEnd.IsZero() && s.GraceEnd.Before(s.EndDate) {
		return Errorf(CodeDateInvalid, "Het einde van de overgangsperiode ligt na de einddatum.", "The end of the grace period is after the end date.")
	}
	if strings.TrimSpace(reason) == "" {
		return Errorf(CodeReasonMissing, "Geef de reden van deze wijziging; ze komt in het auditlog.", "Give the reason for this change; it goes into the audit log.")
	}
	return optionalText("de reden", "the reason", reason, MaxTextLength)
}

// ParsePercent reads a percentage as typed, "20", "12,5", "12.5" or
// "20 %", into basis points (hundredths of a percent): 0 to 100%, at most
// two decimals.
func ParsePercent(s string) (int, error) {
	t := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	t = strings.Replace(t, ",", ".", 1)
	bad := Errorf(CodePercentInvalid, "%[1]q is geen percentage tussen 0 en 100 (zoals 20 of 12,5).",
		"%[1]q is not a percentage between 0 and 100 (such as 20 or 12.5).", s)
	whole, frac, _ := strings.Cut(t, ".")
	if whole == "" || len(frac) > 2 || strings.Trim(whole, "0123456789") != "" || strings.Trim(frac, "0123456789") != "" || len(whole) > 3 {
		return 0, bad
	}
	w, _ := strconv.Atoi(whole)
	f := 0
	if frac != "" {
		f, _ = strconv.Atoi((frac + "0")[:2])
	}
	bp := w*100 + f
	if bp > 10000 {
		return 0, bad
	}
	return bp, nil
}

// FormatPercent writes basis points as a percentage for the language:
// "12,5%" or "12.5%".
func FormatPercent(bp int, lang string) string {
	if lang == "en" {
		return bpEN(bp)
	}
	return bpNL(bp)
}

// SearchKey is how names are compared when searched: lower case, without
// accents (é is e, ß is ss), letters and digits kept and everything else
// one space. "Van Dyck, Élise" and "van dyck elise" have the same key, so
// a prefix of it finds either.
func SearchKey(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range strings.ToLower(s) {
		if f, ok := foldRune[r]; ok {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteString(f)
			continue
		}
		if r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= '0' && r <= '9') || r >= utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
			continue
		}
		space = true
	}
	return b.String()
}

// foldRune maps the accented letters of the names of Flanders and its
// neighbours to their plain forms.
var foldRune = func() map[rune]string {
	m := map[rune]string{'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "o", 'ł': "l", 'đ': "d", 'ı': "i", 'ĳ': "ij"}
	for plain, accented := range map[string]string{
		"a": "àáâãäåāăą", "c": "çćĉċč", "d": "ď", "e": "èéêëēĕėęě", "g": "ĝğġģ", "h": "ĥ",
		"i": "ìíîïĩīĭįİ", "j": "ĵ", "k": "ķ", "l": "ĺļľŀ", "n": "ñńņňŉ", "o": "òóôõöōŏő",
		"r": "ŕŗř", "s": "śŝşšș", "t": "ţťț", "u": "ùúûüũūŭůűų", "w": "ŵ", "y": "ýÿŷ", "z": "źżž",
	} {
		for _, r := range accented {
			m[r] = plain
		}
	}
	return m
}()

// Office roles: who signs in to the back office.
type OfficeRole string

// The back office's roles.
const (
	// OfficeCoordinator runs the city's pass: everything in the city.
	OfficeCoordinator OfficeRole = "COORDINATOR"
	// OfficeWelfare grants the social tariff: holders' status, INSZ.
	OfficeWelfare OfficeRole = "WELFARE"
	// OfficeOrganiser runs one organiser's events, tariffs, rewards,
	// desks, staff, children and reports; nothing of another's.
	OfficeOrganiser OfficeRole = "ORGANISER_ADMIN"
	// OfficeSteering reads figures and reports; changes nothing.
	OfficeSteering OfficeRole = "STEERING"
)

// OfficeRoles lists the roles in the order the back office offers them.
func OfficeRoles() []OfficeRole {
	return []OfficeRole{OfficeCoordinator, OfficeWelfare, OfficeOrganiser, OfficeSteering}
}

// Valid reports whether r is a role of the back office.
func (r OfficeRole) Valid() bool {
	switch r {
	case OfficeCoordinator, OfficeWelfare, OfficeOrganiser, OfficeSteering:
		return true
	}
	return false
}

// Name names the role for people.
func (r OfficeRole) Name(lang string) string {
	names := map[OfficeRole][2]string{
		OfficeCoordinator: {"Coördinator", "Coordinator"},
		OfficeWelfare:     {"Welzijnsmedewerker", "Welfare officer"},
		OfficeOrganiser:   {"Beheerder van een organisator", "Organiser administrator"},
		OfficeSteering:    {"Stuurgroep", "Steering group"},
	}
	n, ok := names[r]
	if !ok {
		return string(r)
	}
	if lang == "en" {
		return n[1]
	}
	return n[0]
}

// Access is what a signed-in back-office user may do: their role and,
// for an organiser administrator, their organiser.
type Access struct {
	Role      OfficeRole
	Organiser string
}

// City reports whether the user manages the whole city: the card systems,
// municipalities, organisers, users and the audit log.
func (a Access) City() bool { return a.Role == OfficeCoordinator }

// ManagesOrganiser reports whether the user may change what belongs to
// organiser org: its desks, terminals, catalogue, staff and children.
func (a Access) ManagesOrganiser(org string) bool {
	return a.Role == OfficeCoordinator || a.Role == OfficeOrganiser && a.Organiser != "" && a.Organiser == org
}

// SeesOrganiser reports whether the user may see organiser org's pages:
// the steering group reads every organiser's; an administrator only
// their own.
func (a Access) SeesOrganiser(org string) bool {
	return a.ManagesOrganiser(org) || a.Role == OfficeSteering
}

// Holders reports whether the user may search and change holders:
// register, block and replace a card.
func (a Access) Holders() bool { return a.Role == OfficeCoordinator || a.Role == OfficeWelfare }

// SocialTariff reports whether the user may set a holder's social-tariff
// status and see their national register number.
func (a Access) SocialTariff() bool { return a.Role == OfficeCoordinator || a.Role == OfficeWelfare }

// Reports reports whether the user may read the steering group's
// figures (the dashboard): the coordinator and the steering group. They
// are the whole city's (other organisers' participation, every payer's
// cost against its budget), so an organiser administrator reads their
// own organiser's settlement instead (SettlementOf), not the dashboard.
func (a Access) Reports() bool { return a.Role == OfficeCoordinator || a.Role == OfficeSteering }

// Settlement reports whether the user may open the settlement at all:
// the coordinator and the steering group read every organiser's, an
// organiser administrator their own; the welfare officer none (the
// holders' status is theirs, the city's money is not).
func (a Access) Settlement() bool {
	return a.Reports() || a.Role == OfficeOrganiser && a.Organiser != ""
}

// SettlementOf reports whether the user may read organiser org's
// settlement lines and expense notes.
func (a Access) SettlementOf(org string) bool {
	return a.Reports() || a.Role == OfficeOrganiser && a.Organiser != "" && a.Organiser == org
}

// SettlementCards reports whether the user may see the card numbers of
// organiser org's settlement lines (the CSV's card column, the expense
// note's): the coordinator, and the organiser's administrator, whose
// note lists the sales it claims. The steering group reads the same
// lines with the numbers left out: a figure needs no person.
func (a Access) SettlementCards(org string) bool {
	return a.Role == OfficeCoordinator || a.Role == OfficeOrganiser && a.Organiser != "" && a.Organiser == org
}

// Agreements reports whether the user may make and change cost-sharing
// agreements and budgets, and close a settlement period: the
// coordinator's alone. The steering group reads them.
func (a Access) Agreements() bool { return a.Role == OfficeCoordinator }

// Review reports whether the user may resolve a flag of organiser org
// ("" for a flag of no organiser's, which only the coordinator takes).
func (a Access) Review(org string) bool {
	return a.Role == OfficeCoordinator || org != "" && a.ManagesOrganiser(org)
}

// ValidUserName checks a back-office account's sign-in name: 3 to 64
// lower-case letters, digits and . _ @ -.
func ValidUserName(s string) error {
	ok := len(s) >= 3 && len(s) <= 64
	for i := 0; ok && i < len(s); i++ {
		c := s[i]
		ok = c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte("._@-", c) >= 0
	}
	if !ok {
		return Errorf(CodeUserNameInvalid, "Een gebruikersnaam heeft 3 tot 64 kleine letters, cijfers of . _ @ -, zoals els.vandyck.",
			"A user name has 3 to 64 lower-case letters, digits or . _ @ -, such as els.vandyck.")
	}
	return nil
}

// Password length bounds: long enough that a guessed list does not find
// it, short enough that hashing it costs what it should.
const (
	passwordMin = 12
	passwordMax = 200
)

// ValidPassword checks a new password: 12 to 200 characters. The
// sentence never repeats the password.
func ValidPassword(pw string) error {
	if n := utf8.RuneCountInString(pw); n < passwordMin || n > passwordMax {
		return Errorf(CodePasswordWeak, "Een wachtwoord heeft minstens 12 tekens (een zin van een paar woorden is goed), deze heeft er %[1]d.",
			"A password has at least 12 characters (a sentence of a few words is good), this one has %[1]d.", n)
	}
	return nil
}

// Review outcomes: how a coordinator or organiser resolves a flag.
const (
	OutcomeAccepted   = "ACCEPTED"    // the act stands as the ledger applied it
	OutcomeCorrected  = "CORRECTED"   // corrected with a new act
	OutcomeWrittenOff = "WRITTEN_OFF" // the difference is written off
)

// ValidateResolution checks a flag's resolution: a known outcome and a
// note saying why, which the desk's review list shows.
func ValidateResolution(outcome, note string) error {
	switch outcome {
	case OutcomeAccepted, OutcomeCorrected, OutcomeWrittenOff:
	default:
		return Errorf(CodeOutcomeInvalid, "Kies hoe dit afgehandeld is: aanvaard, gecorrigeerd met een nieuwe handeling, of afgeschreven.",
			"Choose how this is resolved: accepted, corrected with a new act, or written off.")
	}
	if strings.TrimSpace(note) == "" {
		return Errorf(CodeReasonMissing, "Schrijf een korte notitie: ze staat bij de handeling op de kassa.", "Write a short note: the desk shows it with the act.")
	}
	return optionalText("de notitie", "the note", note, MaxTextLength)
}

// OutcomeName names an outcome for people.
func OutcomeName(outcome, lang string) string {
	n := map[string][2]string{
		OutcomeAccepted:   {"aanvaard", "accepted"},
		OutcomeCorrected:  {"gecorrigeerd met een nieuwe handeling", "corrected with a new act"},
		OutcomeWrittenOff: {"afgeschreven", "written off"},
	}[outcome]
	if n[0] == "" {
		return outcome
	}
	if lang == "en" {
		return n[1]
	}
	return n[0]
}

// ReviewOutcome is how the back office resolved an act a desk recorded:
// served to that terminal, which shows it on its review list.
type ReviewOutcome struct {
	EventID string
	Outcome string
	Note    string
	By      string // the name of who resolved it
	At      time.Time
}

// Validate checks a provider's childcare rates: no negative price, the
// reductions between 0 and 100 percent.
func (r ChildcareRates) Validate() error { return checkChildcareRates(r) }

// Validate checks a product: a valid id, its organiser, a name and a
// price within an act's bounds.
func (p Product) Validate() error {
	if err := ValidID("De code van het product", "The product's code", p.ID); err != nil {
		return err
	}
	if p.OrganiserID == "" {
		return Errorf(CodeReferenceUnknown, "Kies de organisator van het product.", "Choose the product's organiser.")
	}
	if err := requiredText("de naam van het product", "the product's name", p.Name); err != nil {
		return err
	}
	if p.Price < 0 || p.Price > MaxActCents {
		return Errorf(CodeAmountInvalid, "Een prijs ligt tussen € 0,00 en %[1]s.", "A price is between €0.00 and %[2]s.", MaxActCents.String(), MaxActCents.Format("en"))
	}
	return nil
}

// Validate checks a card price rule: a known reason, a price that is not
// negative.
func (r CardPriceRule) Validate() error {
	for _, x := range r.Reasons {
		if !x.Valid() {
			return Errorf(CodeReasonInvalid, "De reden %[1]q bestaat niet.", "The reason %[1]q does not exist.", string(x))
		}
	}
	if r.Price < 0 || r.Price > MaxActCents {
		return Errorf(CodeAmountInvalid, "Een kaartprijs ligt tussen € 0,00 en %[1]s.", "A card price is between €0.00 and %[2]s.", MaxActCents.String(), MaxActCents.Format("en"))
	}
	for _, t := range []Tri{r.Resident, r.Under18, r.SocialTariff} {
		if t != Any && t != Yes && t != No {
			return Errorf(CodeKindInvalid, "Een voorwaarde van een kaartprijs is ja, nee of om het even.", "A condition of a card price is yes, no or either.")
		}
	}
	return nil
}

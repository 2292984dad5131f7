package balie

import (
	"bytes"
	"encoding/json"
	"strings"
	"time"
	"unicode/utf8"
)

// Bounds on what one act may carry. A desk never makes more; a figure
// beyond them is a fault or a forgery, and the act is refused before any
// rule reads it, so no sum can overflow and no date can land in another
// century. The store refuses to record such an act, the ledger refuses
// to apply one.
const (
	// MaxActPoints is the most points one check-in may earn or one
	// redemption spend.
	MaxActPoints = 10_000
	// MaxActCents is the most one act may cost: € 100.000,00.
	MaxActCents Cents = 10_000_000
	// MaxTicketLines is the most tariffs one ticket sale may hold.
	MaxTicketLines = 20
	// MaxIDLength bounds every identifier in an act.
	MaxIDLength = 128
	// MaxTextLength bounds every free text in an act: a reason, a name.
	MaxTextLength = 500
	// MaxMembershipTerm is the longest membership term an act may carry:
	// a youth card bought at birth runs until 26.
	MaxMembershipTerm = 30 * 366 * 24 * time.Hour
	// MaxActAge is how long before the ledger's clock an act may have
	// happened: a desk offline for a quarter still syncs; an act older
	// than that is a wrong clock or a forgery.
	MaxActAge = 92 * 24 * time.Hour
	// MaxClockAhead is how far after the ledger's clock an act may be
	// dated: desks keep their clocks by NTP, an hour covers a late sync.
	MaxClockAhead = time.Hour
)

// CodePayloadInvalid is an act whose payload does not decode or breaks a
// bound; CodeTimeOutOfRange an act dated too far from the ledger's clock.
const (
	CodePayloadInvalid Code = "payload_invalid"
	CodeTimeOutOfRange Code = "time_out_of_range"
)

// Payload is the decoded payload of one kind of journal event.
type Payload interface {
	// Validate checks the payload on its own: required fields, bounds,
	// sums that must add up. The rules that need the directory run later.
	Validate() error
}

// NewPayload returns an empty payload of kind k, ready to decode into;
// ok is false for a kind this version does not know.
func NewPayload(k Kind) (p Payload, ok bool) {
	switch k {
	case KindCheckin:
		return &CheckinPayload{}, true
	case KindTicketSale:
		return &TicketSalePayload{}, true
	case KindCardSale:
		return &CardSalePayload{}, true
	case KindMembershipPayment:
		return &MembershipPaymentPayload{}, true
	case KindRewardRedemption:
		return &RewardRedemptionPayload{}, true
	case KindChildSignIn, KindChildSignOut:
		return &ChildcarePayload{}, true
	case KindPickupRefused:
		return &PickupRefusedPayload{}, true
	case KindChildCorrection:
		return &ChildCorrectionPayload{}, true
	case KindVoid:
		return &VoidPayload{}, true
	case KindShiftOpen:
		return &ShiftOpenPayload{}, true
	case KindShiftClose:
		return &ShiftClosePayload{}, true
	}
	return nil, false
}

// DecodePayload decodes and validates the payload of an event of kind k:
// valid UTF-8, one JSON object, the kind's fields within their bounds.
// Every refusal is a CodePayloadInvalid error that says what is wrong.
// Fields this version does not know are ignored, so a newer desk's act
// still reads.
func DecodePayload(k Kind, raw []byte) (Payload, error) {
	p, ok := NewPayload(k)
	if !ok {
		return nil, invalidPayload("onbekende soort %q", "unknown kind %q", string(k))
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '{' {
		return nil, invalidPayload("de inhoud ontbreekt of is geen object", "the payload is missing or not an object")
	}
	if !utf8.Valid(raw) {
		return nil, invalidPayload("de inhoud is geen geldige UTF-8", "the payload is not valid UTF-8")
	}
	if err := json.Unmarshal(raw, p); err != nil {
		return nil, invalidPayload("de inhoud kan niet gelezen worden", "the payload cannot be read")
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return p, nil
}

// CheckEnvelope checks what every event carries besides its payload: an
// id, a staff member, a time within the bounds of the ledger's clock now.
func CheckEnvelope(e JournalEvent, now time.Time) error {
	if err := checkID("id", e.ID, true); err != nil {
		return err
	}
	if err := checkID("staff", e.Staff, true); err != nil {
		return err
	}
	return CheckActTime(e.Time, now)
}

// CheckActTime refuses an act dated more than MaxActAge before now or
// more than MaxClockAhead after it.
func CheckActTime(at, now time.Time) error {
	if at.Before(now.Add(-MaxActAge)) || at.After(now.Add(MaxClockAhead)) {
		return Errorf(CodeTimeOutOfRange,
			"Deze handeling is gedateerd op %[1]s: meer dan %[2]d dagen geleden of later dan nu. Kijk de klok van de kassa na.",
			"This act is dated %[3]s: more than %[2]d days ago or later than now. Check the terminal's clock.",
			at.In(Brussels()).Format("02/01/2006 15:04"), int(MaxActAge/(24*time.Hour)), at.UTC().Format("2006-01-02 15:04 UTC"))
	}
	return nil
}

// Voidable reports whether an act of kind k can be voided. Childcare
// records are corrected by a new record, never voided; shifts are closed,
// not voided.
func (k Kind) Voidable() bool {
	switch k {
	case KindCheckin, KindTicketSale, KindCardSale, KindMembershipPayment, KindRewardRedemption:
		return true
	}
	return false
}

// BusinessDay is the Brussels calendar day, YYYY-MM-DD, an act at t
// counts in: the day of the till, the totals and the settlement.
func BusinessDay(t time.Time) string { return t.In(Brussels()).Format("2006-01-02") }

// CheckPayment refuses a payment method that does not fit the amount: a
// paid act is paid in cash, by card or by invoice, never with "none". A
// free act takes any method (the screen may not know it is free before
// it is priced); SettledPayment records it as none.
func CheckPayment(total Cents, m PaymentMethod) error {
	if total == 0 && (m == "" || m.Valid()) {
		return nil
	}
	if total > 0 && m.Valid() && m != PayNone {
		return nil
	}
	return Errorf(CodeAmountInvalid,
		"Kies hoe er betaald wordt: cash, kaart of factuur.", "Choose how it is paid: cash, card or invoice.")
}

// SettledPayment is the method an act of total is recorded with: none
// for a free act.
func SettledPayment(total Cents, m PaymentMethod) PaymentMethod {
	if total == 0 {
		return PayNone
	}
	return m
}

// ReplacedCardStatus is what becomes of the card a new one replaces: a
// lost or stolen card is blocked so a finder cannot use it; a card
// replaced for any other reason is simply no longer valid.
func ReplacedCardStatus(r PurchaseReason) CardStatus {
	if r == ReasonReplaceLost || r == ReasonReplaceStolen {
		return CardBlocked
	}
	return CardDeleted
}

// UsableCard refuses a card that cannot be used for an act: blocked,
// replaced, or never sold.
func UsableCard(c Card) error {
	switch c.Status {
	case CardActive:
		return nil
	case CardBlocked:
		return Errorf(CodeCardBlocked,
			"Kaart %s is geblokkeerd (verloren of gestolen). Gebruik ze niet; de pashouder kan een vervangkaart kopen.",
			"Card %s is blocked (lost or stolen). Do not use it; the holder can buy a replacement.", c.Number)
	case CardLocalStock:
		return Errorf(CodeCardNotSold,
			"Kaart %s is nog niet verkocht. Verkoop ze eerst aan een pashouder.",
			"Card %s has not been sold yet. Sell it to a holder first.", c.Number)
	}
	return Errorf(CodeCardDeleted, "Kaart %s is niet meer geldig.", "Card %s is no longer valid.", c.Number)
}

// ValidateNewHolder checks the details of a holder registered at a desk
// at time at: a first and a last name, a birth date in the past and
// within a lifetime, and a postal code when one is given.
func ValidateNewHolder(h Holder, at time.Time) error {
	first, last := strings.TrimSpace(h.FirstName), strings.TrimSpace(h.LastName)
	if first == "" || last == "" || h.BirthDate.IsZero() {
		return Errorf(CodeHolderUnknown,
			"Vul voornaam, familienaam en geboortedatum van de nieuwe pashouder in.",
			"Fill in the new holder's first name, last name and date of birth.")
	}
	if len(first) > MaxTextLength || len(last) > MaxTextLength || len(h.PostalCode) > 10 {
		return Errorf(CodeHolderUnknown,
			"Een naam of de postcode van de nieuwe pashouder is te lang.",
			"A name or the postal code of the new holder is too long.")
	}
	if h.BirthDate.After(at) || Age(h.BirthDate, at) > 120 {
		return Errorf(CodeHolderUnknown,
			"De geboortedatum %[1]s kan niet kloppen.", "The date of birth %[2]s cannot be right.",
			h.BirthDate.In(Brussels()).Format("02/01/2006"), h.BirthDate.In(Brussels()).Format("2006-01-02"))
	}
	for _, r := range strings.TrimSpace(h.PostalCode) {
		if !(r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r == ' ' || r == '-') {
			return Errorf(CodeHolderUnknown,
				"De postcode %[1]q bestaat uit cijfers en letters.", "The postal code %[1]q is made of digits and letters.", h.PostalCode)
		}
	}
	return nil
}

// Serves reports whether the desk acts for organiser org: its own, or one
// it sells for (a cultural centre's box office sells the cinema's and the
// associations' tickets).
func (d Desk) Serves(org string) bool {
	if org == d.OrganiserID {
		return true
	}
	for _, o := range d.SellsFor {
		if o == org {
			return true
		}
	}
	return false
}

func invalidPayload(nl, en string, args ...any) *Error {
	return Errorf(CodePayloadInvalid, "De inhoud van deze handeling klopt niet: "+nl+".",
		"The content of this act is not right: "+en+".", args...)
}

// checkID refuses an identifier that is empty (when required), too long
// or holds control characters.
func checkID(field, id string, required bool) error {
	if id == "" {
		if required {
			return invalidPayload("%[1]s ontbreekt", "%[1]s is missing", field)
		}
		return nil
	}
	if len(id) > MaxIDLength {
		return invalidPayload("%[1]s is langer dan %[2]d tekens", "%[1]s is longer than %[2]d characters", field, MaxIDLength)
	}
	for _, r := range id {
		if r < 0x20 || r == 0x7f {
			return invalidPayload("%[1]s bevat stuurtekens", "%[1]s holds control characters", field)
		}
	}
	return nil
}

func checkText(field, s string) error {
	if len(s) > MaxTextLength {
		return invalidPayload("%[1]s is langer dan %[2]d tekens", "%[1]s is longer than %[2]d characters", field, MaxTextLength)
	}
	return nil
}

func checkCard(field string, n CardNumber, required bool) error {
	if n == "" {
		if required {
			return invalidPayload("%[1]s ontbreekt", "%[1]s is missing", field)
		}
		return nil
	}
	if _, err := ParseCardNumber(string(n)); err != nil {
		return invalidPayload("%[1]s %[2]q is geen geldig kaartnummer", "%[1]s %[2]q is not a valid card number", field, string(n))
	}
	return nil
}

func checkPoints(p int) error {
	if p < 0 || p > MaxActPoints {
		return invalidPayload("%[1]d punten ligt niet tussen 0 en %[2]d", "%[1]d points is not between 0 and %[2]d", p, MaxActPoints)
	}
	return nil
}

func checkAmount(field string, c Cents) error {
	if c < 0 || c > MaxActCents {
		return invalidPayload("%[1]s %[2]d cent ligt niet tussen 0 en %[3]d", "%[1]s %[2]d cents is not between 0 and %[3]d", field, int64(c), int64(MaxActCents))
	}
	return nil
}

func checkPay(total Cents, m PaymentMethod) error {
	if CheckPayment(total, m) != nil {
		return invalidPayload("betaalwijze %[1]q past niet bij %[2]d cent", "payment method %[1]q does not fit %[2]d cents", string(m), int64(total))
	}
	return nil
}

func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// Validate checks a check-in on its own.
func (p *CheckinPayload) Validate() error {
	return firstError(checkID("holder", p.HolderID, true), checkCard("card", p.Card, false),
		checkID("event", p.EventID, true), checkID("organiser", p.OrganiserID, false), checkPoints(p.Points))
}

// Validate checks a ticket sale on its own: the lines' shares add up to
// their regular price, the totals to the sum of the lines, and a reduced
// tariff names its holder.
func (p *TicketSalePayload) Validate() error {
	if err := firstError(checkID("holder", p.HolderID, false), checkCard("card", p.Card, false),
		checkID("event", p.EventID, true), checkID("organiser", p.OrganiserID, false)); err != nil {
		return err
	}
	if p.Card != "" && p.HolderID == "" {
		return invalidPayload("een kaart zonder pashouder", "a card without holder")
	}
	if len(p.Lines) == 0 || len(p.Lines) > MaxTicketLines {
		return invalidPayload("%[1]d lijnen, niet tussen 1 en %[2]d", "%[1]d lines, not between 1 and %[2]d", len(p.Lines), MaxTicketLines)
	}
	var sum Cents
	for _, l := range p.Lines {
		if err := firstError(checkID("tariff", l.TariffID, true), checkAmount("regular", l.Regular),
			checkAmount("holder share", l.Shares.Holder), checkAmount("organiser share", l.Shares.Organiser),
			checkAmount("city share", l.Shares.City), checkAmount("line total", l.Total)); err != nil {
			return err
		}
		if l.Quantity < 1 || l.Quantity > MaxTicketsPerSale {
			return invalidPayload("%[1]d tickets, niet tussen 1 en %[2]d", "%[1]d tickets, not between 1 and %[2]d", l.Quantity, MaxTicketsPerSale)
		}
		switch l.Kind {
		case TariffRegular:
		case TariffSocial, TariffCoupon:
			if p.HolderID == "" {
				return invalidPayload("een verminderd tarief zonder pashouder", "a reduced tariff without holder")
			}
		default:
			return invalidPayload("onbekend tarief %[1]q", "unknown tariff kind %[1]q", string(l.Kind))
		}
		total, err := l.Shares.Holder.Mul(l.Quantity)
		if l.Shares.Total() != l.Regular || err != nil || total != l.Total {
			return invalidPayload("de prijzen van tarief %[1]s tellen niet op", "the prices of tariff %[1]s do not add up", l.TariffID)
		}
		sum += l.Total
	}
	if sum != p.Total {
		return invalidPayload("het totaal is niet de som van de lijnen", "the total is not the sum of the lines")
	}
	return firstError(checkAmount("total", p.Total), checkPay(p.Total, p.Payment))
}

// Validate checks a card sale on its own; a first card carries the new
// holder's details, checked in full by ValidateNewHolder with the act's
// time.
func (p *CardSalePayload) Validate() error {
	if err := firstError(checkCard("card", p.Card, true), checkID("holder", p.HolderID, true),
		checkID("card system", p.CardSystem, false), checkID("organiser", p.OrganiserID, false),
		checkCard("replaced card", p.Replaces, false), checkAmount("price", p.Price), checkPay(p.Price, p.Payment)); err != nil {
		return err
	}
	if !p.Reason.Valid() {
		return invalidPayload("onbekende reden %[1]q", "unknown reason %[1]q", string(p.Reason))
	}
	if p.Reason == ReasonFirstCard && (p.NewHolder == nil || (p.NewHolder.ID != "" && p.NewHolder.ID != p.HolderID)) {
		return invalidPayload("een eerste kaart zonder de gegevens van de nieuwe pashouder", "a first card without the new holder's details")
	}
	if p.Reason != ReasonFirstCard && p.Replaces == "" {
		return invalidPayload("een vervangkaart zonder de kaart die ze vervangt", "a replacement card without the card it replaces")
	}
	return nil
}

// Validate checks a membership payment on its own.
func (p *MembershipPaymentPayload) Validate() error {
	if err := firstError(checkID("holder", p.HolderID, true), checkCard("card", p.Card, false),
		checkID("program", p.ProgramID, true), checkID("organiser", p.OrganiserID, false),
		checkAmount("price", p.Price), checkPay(p.Price, p.Payment)); err != nil {
		return err
	}
	if p.Start.IsZero() || !p.End.After(p.Start) || p.End.Sub(p.Start) > MaxMembershipTerm {
		return invalidPayload("de looptijd van %[1]s tot %[2]s kan niet", "a term from %[1]s to %[2]s is impossible",
			p.Start.UTC().Format("2006-01-02"), p.End.UTC().Format("2006-01-02"))
	}
	return nil
}

// Validate checks a redemption on its own.
func (p *RewardRedemptionPayload) Validate() error {
	return firstError(checkID("holder", p.HolderID, true), checkCard("card", p.Card, false),
		checkID("reward", p.RewardID, true), checkID("organiser", p.OrganiserID, false),
		checkID("override", p.OverrideBy, false), checkPoints(p.Points))
}

// Validate checks a childcare sign-in or sign-out on its own.
func (p *ChildcarePayload) Validate() error {
	return firstError(checkID("child", p.ChildID, true), checkID("provider", p.ProviderID, false),
		checkText("picked up by", p.PickedUpBy), checkText("correction", p.Correction))
}

// Validate checks a refused pick-up on its own: a child, and how the
// adult tried (never the code typed).
func (p *PickupRefusedPayload) Validate() error {
	if err := firstError(checkID("child", p.ChildID, true), checkID("provider", p.ProviderID, false), checkID("holder", p.HolderID, false)); err != nil {
		return err
	}
	if p.Method != "CARD" && p.Method != "CODE" {
		return invalidPayload("onbekende manier van ophalen %[1]q", "unknown pick-up method %[1]q", p.Method)
	}
	return nil
}

// Validate checks a register correction on its own: the record it
// corrects and why.
func (p *ChildCorrectionPayload) Validate() error {
	if err := firstError(checkID("child", p.ChildID, true), checkID("provider", p.ProviderID, false),
		checkID("target", p.Target, true), checkText("reason", p.Reason)); err != nil {
		return err
	}
	if strings.TrimSpace(p.Reason) == "" {
		return invalidPayload("een correctie zonder reden", "a correction without reason")
	}
	return nil
}

// Validate checks a void on its own: it names its act and its reason.
func (p *VoidPayload) Validate() error {
	if err := firstError(checkID("target", p.Target, true), checkID("approver", p.Approver, false), checkText("reason", p.Reason)); err != nil {
		return err
	}
	if strings.TrimSpace(p.Reason) == "" {
		return invalidPayload("een annulering zonder reden", "a void without reason")
	}
	return nil
}

// Validate checks a shift opening on its own.
func (p *ShiftOpenPayload) Validate() error {
	return firstError(checkID("shift", p.ShiftID, true), checkID("desk", p.DeskID, false), checkAmount("float", p.Float))
}

// Validate checks a shift close on its own; the difference may be
// negative, a count may not.
func (p *ShiftClosePayload) Validate() error {
	if err := firstError(checkID("shift", p.ShiftID, true), checkID("override", p.OverrideBy, false),
		checkAmount("counted", p.CountedTotal), checkAmount("expected", p.ExpectedCash), checkText("reason", p.Reason)); err != nil {
		return err
	}
	if p.Difference < -MaxActCents || p.Difference > MaxActCents || p.Unsynced < 0 || len(p.Counted) > 100 {
		return invalidPayload("de telling kan niet", "the count is impossible")
	}
	for _, c := range p.Counted {
		if c.Count < 0 || c.Count > 1_000_000 || !isDenomination(c.Value) {
			return invalidPayload("de telling kan niet", "the count is impossible")
		}
	}
	return nil
}

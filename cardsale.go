package balie

import (
	"slices"
	"strings"
)

// Valid reports whether r is one of the known purchase reasons.
func (r PurchaseReason) Valid() bool {
	switch r {
	case ReasonFirstCard, ReasonReplaceLost, ReasonReplaceStolen, ReasonReplaceDefect,
		ReasonSocialObtained, ReasonSocialLost:
		return true
	}
	return false
}

// IsResident reports whether someone living at postalCode is a resident
// of the card system. Surrounding spaces are ignored, as a typed postal
// code often carries one; an empty code is never resident.
func (c CardSystem) IsResident(postalCode string) bool {
	pc := strings.TrimSpace(postalCode)
	return pc != "" && slices.Contains(c.PostalCodes, pc)
}

// Price returns the price of a card for q: the price of the first rule of
// the table that matches. A rule matches when it is for q's card system,
// its residence, under-18 and social-tariff conditions hold (age in
// completed years at q.At; an unknown, zero BirthDate counts as an adult)
// and its reasons are empty or hold q.Reason. Order the table from the
// most specific rule to the most general.
func (t CardPriceTable) Price(q CardSaleQuery) (Cents, error) {
	if !q.Reason.Valid() {
		return 0, Errorf(CodeReasonInvalid,
			"De reden van deze kaartverkoop is onbekend (%[1]q).",
			"The reason for this card sale is unknown (%[1]q).", string(q.Reason))
	}
	resident := q.CardSystem.IsResident(q.PostalCode)
	under18 := !q.BirthDate.IsZero() && Age(q.BirthDate, q.At) < 18
	for _, r := range t {
		if r.CardSystem != q.CardSystem.ID ||
			!r.Resident.matches(resident) ||
			!r.Under18.matches(under18) ||
			!r.SocialTariff.matches(q.SocialTariff) {
			continue
		}
		if len(r.Reasons) > 0 && !slices.Contains(r.Reasons, q.Reason) {
			continue
		}
		if r.Price < 0 {
			return 0, Errorf(CodeAmountNegative,
				"De kaartprijs voor deze situatie is negatief; kijk de prijstabel na.",
				"The card price for this case is negative; check the price table.")
		}
		return r.Price, nil
	}
	name := q.CardSystem.Name
	if name == "" {
		name = q.CardSystem.ID
	}
	return 0, Errorf(CodeCardPriceUnknown,
		"Er is geen kaartprijs ingesteld voor deze situatie in kaartsysteem %[1]s.",
		"No card price is set for this case in card system %[1]s.", name)
}

// matches reports whether v meets the condition. An unknown Tri value
// matches nothing, so a corrupt rule is skipped rather than applied.
func (c Tri) matches(v bool) bool {
	switch c {
	case Any:
		return true
	case Yes:
		return v
	case No:
		return !v
	}
	return false
}

package balie

// The card looks the same for everyone, so that using it singles no one
// out; so must everything a customer sees at the desk. These rules decide
// what a desk shows and prints so that a holder with the social tariff
// and one without see the same lines, with other amounts.

// PassTariff is the tariff a pass holder gets when the clerk chooses
// chosen for them: the UiTPAS-tarief is every pass holder's, at the
// reduced price for one whose social tariff applies and at the event's
// regular price for anyone else. Refusing it to a holder without the
// social tariff would tell the queue who has it. Any other tariff is
// itself; so is the UiTPAS-tarief of an event without a regular tariff
// (QuoteTicket then refuses it).
func PassTariff(chosen Tariff, eventTariffs []Tariff, h Holder) Tariff {
	if chosen.Kind != TariffSocial || h.ID == "" || h.SocialTariff.Applies() {
		return chosen
	}
	for _, t := range eventTariffs {
		if t.Kind == TariffRegular && t.EventID == chosen.EventID {
			return t
		}
	}
	return chosen
}

// PassLine reports whether a ticket line reads "UiTPAS-tarief" for the
// customer: every regular or UiTPAS line sold to a pass holder does, so
// the line of a holder with the social tariff and of one without read the
// same and only the amount differs. A coupon keeps its own name (any
// holder can have one); a customer without a card buys the regular
// tariff, named as such.
func PassLine(kind TariffKind, passHolder bool) bool {
	return passHolder && (kind == TariffRegular || kind == TariffSocial)
}

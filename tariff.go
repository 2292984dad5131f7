package balie

// MaxTicketsPerSale is the most tickets one sale line may hold; more is
// almost always a typing error at the desk (an extra zero).
const MaxTicketsPerSale = 50

// QuoteTicket prices quantity tickets at tariff t for holder h (the zero
// Holder for a customer without a card, who can only buy REGULAR).
// usedInWindow is how many tickets the holder already bought at t inside
// t.Limit.Window(now); the caller counts them.
//
// REGULAR: the holder pays Regular; it has no per-holder limit.
// SOCIAL: only when h's social tariff applies; the holder pays the
// holder's share of Regular under t.Key, rounded to t.Step (0 means
// DefaultRoundingStep), and the organiser and the city carry the rest.
// COUPON: the holder pays CouponPrice and the organiser carries the rest.
// SOCIAL and COUPON count against t.Limit.
func QuoteTicket(t Tariff, h Holder, quantity, usedInWindow int) (TicketQuote, error) {
	if quantity < 1 || quantity > MaxTicketsPerSale {
		return TicketQuote{}, Errorf(CodeQuantityInvalid,
			"Het aantal tickets moet tussen 1 en %[1]d liggen (ingegeven: %[2]d).",
			"The number of tickets must be between 1 and %[1]d (entered: %[2]d).",
			MaxTicketsPerSale, quantity)
	}
	if t.Regular < 0 || t.CouponPrice < 0 {
		return TicketQuote{}, Errorf(CodeAmountNegative,
			"De prijs van dit tarief is negatief; kijk de instellingen na.",
			"The price of this tariff is negative; check the settings.")
	}

	// The shares are the tariff's own (Tariff.Shares, the back office's
	// preview too); what depends on the holder is checked here.
	switch t.Kind {
	case TariffRegular:
	case TariffSocial:
		// Neutral wording: the clerk may read it aloud, and the card looks
		// the same for everyone so that nobody is singled out.
		if !h.SocialTariff.Applies() {
			return TicketQuote{}, Errorf(CodeSocialTariffNeeded,
				"Dit UiTPAS-tarief geldt niet voor deze kaart.",
				"This UiTPAS price does not apply to this card.")
		}
		if err := ticketLimitError(t.Limit, usedInWindow, quantity); err != nil {
			return TicketQuote{}, err
		}
	case TariffCoupon:
		if _, err := t.Shares(); err != nil {
			return TicketQuote{}, err
		}
		if err := ticketLimitError(t.Limit, usedInWindow, quantity); err != nil {
			return TicketQuote{}, err
		}
	}
	shares, err := t.Shares()
	if err != nil {
		return TicketQuote{}, err
	}

	total, err := shares.Holder.Mul(quantity)
	if err != nil {
		return TicketQuote{}, err
	}
	return TicketQuote{
		TariffID: t.ID,
		Kind:     t.Kind,
		Quantity: quantity,
		Regular:  t.Regular,
		Shares:   shares,
		Total:    total,
	}, nil
}

// ticketLimitError returns nil when quantity more tickets fit in limit
// after used, and otherwise a refusal that says how many are left.
func ticketLimitError(limit Limit, used, quantity int) error {
	if limit.Allows(used, quantity) {
		return nil
	}
	pnl, pen := periodWords(limit.Period)
	if pnl != "" {
		pnl, pen = " "+pnl, " "+pen
	}
	left := max(limit.Volume-used, 0)
	if left == 0 {
		return Errorf(CodeTicketLimit,
			"Deze pashouder kan%[1]s geen tickets meer kopen aan dit tarief (maximum %[3]d).",
			"This pass holder cannot buy any more tickets at this price%[2]s (maximum %[3]d).",
			pnl, pen, limit.Volume)
	}
	return Errorf(CodeTicketLimit,
		"Deze pashouder kan%[1]s nog %[3]s kopen aan dit tarief, geen %[4]d.",
		"This pass holder can buy only %[3]s more at this price%[2]s, not %[4]d.",
		pnl, pen, countNoun(left, "ticket", "tickets"), quantity)
}

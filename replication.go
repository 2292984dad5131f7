package balie

import "encoding/json"

// The vocabulary of replication between a terminal and the ledger: the
// ledger's verdicts on a terminal's events and the changes it serves
// back. Both sides apply them, so they are domain types; the sync
// package carries them over HTTP.

// Verdict statuses.
const (
	VerdictAccepted = "ACCEPTED" // applied as recorded
	VerdictAdjusted = "ADJUSTED" // applied, with an adjustment flagged for review
	VerdictRejected = "REJECTED" // kept, not applied; a person must look at it
)

// Verdict is the ledger's answer to one event. The same event sent again
// gets the same verdict.
type Verdict struct {
	ID     string `json:"id"`
	Seq    int64  `json:"seq"`
	Status string `json:"status"`
	Code   string `json:"code,omitempty"` // why, for ADJUSTED and REJECTED
	NL     string `json:"message_nl,omitempty"`
	EN     string `json:"message_en,omitempty"`
}

// Balance is a holder's authoritative points balance.
type Balance struct {
	HolderID string `json:"holder"`
	Points   int    `json:"points"`
}

// Change kinds: what the ledger serves a terminal.
const (
	ChangeCardSystem = "card_system"
	ChangeOrganiser  = "organiser"
	ChangeDesk       = "desk"
	ChangeStaff      = "staff"
	ChangeHolder     = "holder" // Holder with its points balance; never a national number
	ChangeCard       = "card"   // Card: status changes are the block list
	ChangeMembership = "membership"
	ChangeEvent      = "event"
	ChangeTariff     = "tariff"
	ChangeReward     = "reward" // RewardState
	ChangeProduct    = "product"
	ChangeProgram    = "program"
	ChangeCardPrices = "card_prices" // CardPrices: a card system's whole table
	ChangeRates      = "rates"       // RatesState
	ChangeChild      = "child"
	ChangeBalance    = "balance" // Balance
	ChangeLimits     = "limits"  // OfflineLimits
)

// Change is one row of the ledger's change log. Data is the JSON of the
// kind's type; Deleted means the entity with Key is gone.
type Change struct {
	Seq     int64           `json:"seq"`
	Kind    string          `json:"kind"`
	Key     string          `json:"key"`
	Deleted bool            `json:"deleted,omitempty"`
	Data    json.RawMessage `json:"data,omitempty"`
}

// MembershipKey is the change-log key of a membership.
func MembershipKey(m Membership) string {
	return m.HolderID + "/" + m.ProgramID + "/" + m.Start.In(Brussels()).Format("2006-01-02")
}

// RewardState is a reward with the units redeemed at every desk so far.
type RewardState struct {
	Reward
	UnitsRedeemed int `json:"units_redeemed"`
}

// CardPrices is a card system's price table, in order.
type CardPrices struct {
	CardSystem string         `json:"card_system"`
	Rules      CardPriceTable `json:"rules"`
}

// RatesState is a childcare provider's rates.
type RatesState struct {
	ProviderID string         `json:"provider"`
	Rates      ChildcareRates `json:"rates"`
}

// OfflineLimits bound what a terminal may do before the ledger confirms
// it: what offline can get wrong stays small and is flagged.
type OfflineLimits struct {
	// RedeemPointsPerDay is how many points one holder may spend at one
	// terminal per day in events the ledger has not acknowledged yet; 0
	// means no limit.
	RedeemPointsPerDay int `json:"redeem_points_per_day"`
}

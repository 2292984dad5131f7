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
	ChangeReview     = "review"  // ReviewOutcome: to the terminal that recorded the act
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

// A snapshot is the directory at one moment, for a terminal's first
// download: a SQLite file in the format below that the terminal copies
// into its replica at the speed of SQLite itself, instead of millions of
// changes decoded one by one. Its holders, cards and memberships tables
// and their indexes are the replica's exactly (a test in the store holds
// them to it), so that SQLite copies them page by page. The snapshot's
// cursor (in its snapshot table) is the change log's seq it reflects; the
// terminal goes on from there with the log. Both sides hold to this
// schema, so it lives here.
const (
	// SnapshotFormat names the format, in the snapshot table's format row.
	SnapshotFormat = "balie-snapshot-2"
	// SnapshotSchema makes an empty snapshot. Dates are Brussels days
	// YYYY-MM-DD ('' for none) and card systems comma separated, as in
	// the replica; changes holds every other entity as the change log
	// serves it, in seq order.
	SnapshotSchema = `
CREATE TABLE snapshot (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE holders (
	id               TEXT PRIMARY KEY,
	first_name       TEXT NOT NULL,
	last_name        TEXT NOT NULL,
	birth_date       TEXT NOT NULL,
	postal_code      TEXT NOT NULL,
	card_systems     TEXT NOT NULL,
	social_state     TEXT NOT NULL,
	social_end       TEXT NOT NULL,
	social_grace_end TEXT NOT NULL,
	points           INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE cards (
	number      TEXT PRIMARY KEY,
	chip_uid    TEXT NOT NULL,
	status      TEXT NOT NULL,
	card_system TEXT NOT NULL,
	holder_id   TEXT NOT NULL,
	stock_desk  TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE memberships (
	holder_id  TEXT NOT NULL,
	program_id TEXT NOT NULL,
	start      TEXT NOT NULL,
	end        TEXT NOT NULL,
	seq        INTEGER
);
CREATE TABLE changes (seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, key TEXT NOT NULL, data BLOB NOT NULL);`
	// SnapshotIndexes are made once the rows are in, as the replica has
	// them.
	SnapshotIndexes = `
CREATE INDEX cards_chip ON cards(chip_uid) WHERE chip_uid <> '';
CREATE INDEX cards_holder ON cards(holder_id) WHERE holder_id <> '';
CREATE INDEX cards_stock ON cards(stock_desk, status) WHERE stock_desk <> '';
CREATE INDEX memberships_holder ON memberships(holder_id);
CREATE INDEX holders_name ON holders(last_name COLLATE NOCASE, first_name COLLATE NOCASE);`
)

// Package sync is the protocol between a terminal and the central ledger
// (docs/sync-protocol.md): its wire types, and the terminal's sync worker
// and HTTP client. It shadows the standard library's sync: import it as
// balisync where both are needed.
package sync

import (
	"encoding/json"

	"github.com/balie/balie"
)

// Version is the protocol's path prefix.
const Version = "/v1"

// Paths of the protocol's endpoints.
const (
	PathEnrol   = Version + "/enrol"
	PathEvents  = Version + "/events"
	PathChanges = Version + "/changes"
	PathHealth  = "/healthz"
)

// ContentProblem is the media type of an error answer (RFC 9457).
const ContentProblem = "application/problem+json"

// Problem is every error answer: a stable code, and a message for a person
// in Dutch and in English. Resume is set with CodeSequenceGap: the seq the
// ledger expects next from this terminal.
type Problem struct {
	Type   string `json:"type"`   // "about:blank" or a URL naming the code
	Title  string `json:"title"`  // the English message
	Status int    `json:"status"` // the HTTP status
	Code   string `json:"code"`
	NL     string `json:"message_nl"`
	EN     string `json:"message_en"`
	Seq    int64  `json:"seq,omitempty"`    // the event it is about, when it is about one
	Resume int64  `json:"resume,omitempty"` // with sequence_gap: send from this seq
}

// Problem codes.
const (
	CodeBadRequest    = "bad_request"      // 400: the body is not what the endpoint takes
	CodeUnauthorized  = "unauthorized"     // 401: no or wrong credentials
	CodeRevoked       = "terminal_revoked" // 403: the terminal was revoked
	CodeTokenInvalid  = "token_invalid"    // 403: enrolment token unknown, used or expired
	CodeWrongTerminal = "wrong_terminal"   // 403: an event of another terminal
	CodeSequenceGap   = "sequence_gap"     // 409: see Problem.Resume
	CodeEventConflict = "event_conflict"   // 409: an id or seq already stored with other content
	CodeChainBroken   = "chain_broken"     // 422: prev_hash or hash does not verify
	CodeCursorInvalid = "cursor_invalid"   // 400: a cursor the ledger never gave
	CodeTooLarge      = "too_large"        // 413: a batch over MaxBatch events or MaxBody bytes
	CodeUnavailable   = "unavailable"      // 503: shutting down or overloaded; retry later
	CodeInternal      = "internal"         // 500
)

// Limits of a request.
const (
	MaxBatch = 1000     // events in one upload
	MaxBody  = 16 << 20 // bytes in one upload
	MaxPage  = 10000    // changes in one download page
)

// EnrolRequest trades a one-time enrolment token for credentials.
type EnrolRequest struct {
	Token string `json:"token"`
}

// EnrolResponse gives a terminal its identity and its secret. The secret
// is shown once; the ledger keeps only its hash.
type EnrolResponse struct {
	TerminalID string `json:"terminal_id"` // the terminal's journal carries this id
	Secret     string `json:"secret"`      // sent as "Authorization: Bearer <terminal_id>.<secret>"
	Name       string `json:"name"`
	Organiser  string `json:"organiser"`
	Location   string `json:"location"` // the desk id
}

// UploadRequest is a batch of one terminal's journal events, in sequence
// order without gaps.
type UploadRequest struct {
	Events []balie.JournalEvent `json:"events"`
}

// Verdict statuses.
const (
	Accepted = "ACCEPTED" // applied as recorded
	Adjusted = "ADJUSTED" // applied, with an adjustment flagged for review
	Rejected = "REJECTED" // kept, not applied; a person must look at it
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

// Balance is a holder's authoritative points balance after a batch.
type Balance struct {
	HolderID string `json:"holder"`
	Points   int    `json:"points"`
}

// UploadResponse answers a batch: a verdict per event, in order, and the
// balances of the holders the batch touched, as the ledger has them now.
type UploadResponse struct {
	Verdicts []Verdict `json:"verdicts"`
	Acked    int64     `json:"acked"` // every event up to this seq is stored
	Balances []Balance `json:"balances,omitempty"`
}

// Change kinds: what a download carries.
const (
	ChangeCardSystem = "card_system"
	ChangeOrganiser  = "organiser"
	ChangeDesk       = "desk"
	ChangeStaff      = "staff"
	ChangeHolder     = "holder" // balie.Holder with its points balance; never a national number
	ChangeCard       = "card"   // balie.Card: status changes are the block list
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

// Change is one row of the ledger's change log. Data is the kind's JSON;
// Deleted means the entity with Key is gone.
type Change struct {
	Seq     int64           `json:"seq"`
	Kind    string          `json:"kind"`
	Key     string          `json:"key"`
	Deleted bool            `json:"deleted,omitempty"`
	Data    json.RawMessage `json:"data,omitempty"`
}

// ChangesResponse is one page of changes after a cursor. More says
// whether another page follows at once.
type ChangesResponse struct {
	Changes []Change `json:"changes"`
	Next    string   `json:"next"` // the cursor to ask from next time
	More    bool     `json:"more"`
}

// RewardState is a reward with the units redeemed at every desk so far.
type RewardState struct {
	balie.Reward
	UnitsRedeemed int `json:"units_redeemed"`
}

// CardPrices is a card system's price table, in order.
type CardPrices struct {
	CardSystem string               `json:"card_system"`
	Rules      balie.CardPriceTable `json:"rules"`
}

// RatesState is a childcare provider's rates.
type RatesState struct {
	ProviderID string               `json:"provider"`
	Rates      balie.ChildcareRates `json:"rates"`
}

// OfflineLimits bound what a terminal may do before the ledger confirms
// it: what offline can get wrong stays small and is flagged.
type OfflineLimits struct {
	// RedeemPointsPerDay is how many points one holder may spend at this
	// terminal per day in events the ledger has not yet acknowledged; 0
	// means no limit.
	RedeemPointsPerDay int `json:"redeem_points_per_day"`
}

// Package sync is the protocol between a terminal and the central ledger
// (docs/sync-protocol.md): its wire types, and the terminal's sync worker
// and HTTP client. It shadows the standard library's sync: import it as
// balisync where both are needed.
package sync

import (
	"github.com/balie/balie"
)

// Version is the protocol's path prefix.
const Version = "/v1"

// Paths of the protocol's endpoints.
const (
	PathEnrol   = Version + "/enrol"
	PathKey     = Version + "/key"
	PathEvents  = Version + "/events"
	PathChanges = Version + "/changes"
	// PathSnapshot serves the directory as one file for a first download
	// (balie.SnapshotSchema); the header HeaderSnapshotCursor says the
	// change log's seq it reflects.
	PathSnapshot = Version + "/snapshot"
	// PathINSZ finds a holder's card by their national register number
	// (INSZRequest, INSZResponse): online only, rate-limited, and never
	// answering anything of the number itself.
	PathINSZ   = Version + "/insz"
	PathHealth = "/healthz"
)

// The protocol's revision travels in a header on every request and
// answer, so that a desk and a ledger of different releases know where
// they stand: a ledger refuses a desk older than MinProtocol with
// CodeProtocolOld and a sentence that says to update it; a newer desk
// talks to an older ledger as long as the ledger's MinProtocol allows,
// and fields either side does not know are ignored.
const (
	HeaderProtocol       = "Balie-Protocol"
	HeaderSnapshotCursor = "Balie-Snapshot-Cursor"
	// HeaderQueue and HeaderVersion, on a terminal's requests, say how
	// many acts it still has to send and its software's version, for the
	// back office's list of terminals; both optional.
	HeaderQueue   = "Balie-Queue"
	HeaderVersion = "Balie-Version"
	// Protocol is this release's revision: 2 signs journals.
	Protocol = 2
	// MinProtocol is the oldest revision this ledger serves.
	MinProtocol = 2
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

	CodeMediaType        = "unsupported_media_type" // 415: the body is not application/json
	CodeSignatureInvalid = "signature_invalid"      // 422: the batch's signature is missing or does not verify
	CodeKeyMissing       = "key_missing"            // 403: the terminal has given no public key yet (POST /v1/key)
	CodeKeyKnown         = "key_known"              // 409: the terminal already has a public key
	CodeProtocolOld      = "protocol_too_old"       // 426: the desk speaks an older protocol than the ledger serves
	CodeTooManyAttempts  = "too_many_attempts"      // 429: too many failed sign-ins from this address; wait
	CodeTerminalBusy     = "terminal_busy"          // 429: the ledger is still serving this terminal's previous upload or download
	CodeINSZInvalid      = "insz_invalid"           // 400: not a national register number
	CodeINSZUnknown      = "insz_unknown"           // 404: no holder with an active card has this number
)

// Limits of a request.
const (
	MaxBatch = 1000     // events in one upload
	MaxBody  = 16 << 20 // bytes in one upload
	MaxPage  = 50000    // changes in one download page
)

// EnrolRequest trades a one-time enrolment token for credentials. The
// terminal sends the public half of the Ed25519 key it just made
// (balie.EncodePublicKey); the private half never leaves it.
type EnrolRequest struct {
	Token     string `json:"token"`
	PublicKey string `json:"public_key"`
}

// KeyRequest gives the ledger the public key of a terminal that was
// enrolled before journals were signed; it is taken once.
type KeyRequest struct {
	PublicKey string `json:"public_key"`
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
	// Signature is the terminal's signature of its journal up to the
	// batch's last event (balie.SignJournal).
	Signature string `json:"signature"`
}

// Verdict statuses.
const (
	Accepted = balie.VerdictAccepted
	Adjusted = balie.VerdictAdjusted
	Rejected = balie.VerdictRejected
)

// Verdict is the ledger's answer to one event.
type Verdict = balie.Verdict

// Balance is a holder's authoritative points balance after a batch.
type Balance = balie.Balance

// UploadResponse answers a batch: a verdict per event, in order, and the
// balances of the holders the batch touched, as the ledger has them now.
type UploadResponse struct {
	Verdicts []Verdict `json:"verdicts"`
	Acked    int64     `json:"acked"` // every event up to this seq is stored
	Balances []Balance `json:"balances,omitempty"`
}

// Change kinds: what a download carries (see the root package).
const (
	ChangeCardSystem = balie.ChangeCardSystem
	ChangeOrganiser  = balie.ChangeOrganiser
	ChangeDesk       = balie.ChangeDesk
	ChangeStaff      = balie.ChangeStaff
	ChangeHolder     = balie.ChangeHolder
	ChangeCard       = balie.ChangeCard
	ChangeMembership = balie.ChangeMembership
	ChangeEvent      = balie.ChangeEvent
	ChangeTariff     = balie.ChangeTariff
	ChangeReward     = balie.ChangeReward
	ChangeProduct    = balie.ChangeProduct
	ChangeProgram    = balie.ChangeProgram
	ChangeCardPrices = balie.ChangeCardPrices
	ChangeRates      = balie.ChangeRates
	ChangeChild      = balie.ChangeChild
	ChangeBalance    = balie.ChangeBalance
	ChangeLimits     = balie.ChangeLimits
)

// Change is one row of the ledger's change log.
type Change = balie.Change

// ChangesResponse is one page of changes after a cursor. More says
// whether another page follows at once.
type ChangesResponse struct {
	Changes []Change `json:"changes"`
	Next    string   `json:"next"` // the cursor to ask from next time
	More    bool     `json:"more"`
}

// The data types of some change kinds, from the root package.
type (
	RewardState   = balie.RewardState
	CardPrices    = balie.CardPrices
	RatesState    = balie.RatesState
	OfflineLimits = balie.OfflineLimits
)

// INSZRequest asks for the card of the holder with a national register
// number, typed at the desk.
type INSZRequest struct {
	INSZ string `json:"insz"`
}

// INSZResponse is the holder's id and their active card: what the desk
// then scans as if the card had been shown. Nothing of the number.
type INSZResponse struct {
	Holder string `json:"holder"`
	Card   string `json:"card"`
}

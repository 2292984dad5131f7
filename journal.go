package balie

import (
	"encoding/json"
	"time"
)

// Kind is the kind of act a journal event records.
type Kind string

// Kinds of journal events. Each has a payload type below.
const (
	KindCheckin           Kind = "CHECKIN"
	KindTicketSale        Kind = "TICKET_SALE"
	KindCardSale          Kind = "CARD_SALE"
	KindMembershipPayment Kind = "MEMBERSHIP_PAYMENT"
	KindRewardRedemption  Kind = "REWARD_REDEMPTION"
	KindChildSignIn       Kind = "CHILD_SIGN_IN"
	KindChildSignOut      Kind = "CHILD_SIGN_OUT"
	KindVoid              Kind = "VOID"
	KindShiftOpen         Kind = "SHIFT_OPEN"
	KindShiftClose        Kind = "SHIFT_CLOSE"
	// KindPickupRefused records a child the desk did not let go: the
	// adult showed no card or code of the child's list.
	KindPickupRefused Kind = "CHILD_PICKUP_REFUSED"
	// KindChildCorrection corrects a wrong sign-in or sign-out: the
	// register is never voided, a correction is a new record.
	KindChildCorrection Kind = "CHILD_CORRECTION"
)

// JournalEvent is one immutable act as the terminal recorded it. Hash is
// the SHA-256 of the previous event's hash and this event's canonical
// fields, so a journal verifies end to end.
type JournalEvent struct {
	ID       string          `json:"id"` // UUIDv7, made on the terminal
	Terminal string          `json:"terminal"`
	Seq      int64           `json:"seq"`  // gap-free per terminal, from 1
	Time     time.Time       `json:"time"` // device time
	Staff    string          `json:"staff"`
	Kind     Kind            `json:"kind"`
	Payload  json.RawMessage `json:"payload"` // JSON of the kind's payload type
	PrevHash string          `json:"prev_hash"`
	Hash     string          `json:"hash"`
}

// CheckinPayload records points saved at an event.
type CheckinPayload struct {
	HolderID    string     `json:"holder"`
	Card        CardNumber `json:"card"`
	EventID     string     `json:"event"`
	OrganiserID string     `json:"organiser"`
	Points      int        `json:"points"`
}

// TicketLine is tickets at one tariff.
type TicketLine struct {
	TariffID string     `json:"tariff"`
	Kind     TariffKind `json:"kind"`
	Quantity int        `json:"quantity"`
	Regular  Cents      `json:"regular"`
	Shares   Shares     `json:"shares"`
	Total    Cents      `json:"total"`
}

// TicketSalePayload records a sale of tickets for one event.
type TicketSalePayload struct {
	HolderID    string        `json:"holder,omitempty"`
	Card        CardNumber    `json:"card,omitempty"`
	EventID     string        `json:"event"`
	OrganiserID string        `json:"organiser"`
	Lines       []TicketLine  `json:"lines"`
	Total       Cents         `json:"total"`
	Payment     PaymentMethod `json:"payment"`
}

// CardSalePayload records a card sold from this desk's stock. A first
// card creates the holder, with the id the terminal made.
type CardSalePayload struct {
	Card        CardNumber     `json:"card"`
	HolderID    string         `json:"holder"`
	NewHolder   *Holder        `json:"new_holder,omitempty"`
	CardSystem  string         `json:"card_system"`
	Reason      PurchaseReason `json:"reason"`
	OrganiserID string         `json:"organiser"`
	Price       Cents          `json:"price"`
	Payment     PaymentMethod  `json:"payment"`
	Replaces    CardNumber     `json:"replaces,omitempty"`
}

// MembershipPaymentPayload records a membership paid or renewed.
type MembershipPaymentPayload struct {
	HolderID    string        `json:"holder"`
	Card        CardNumber    `json:"card"`
	ProgramID   string        `json:"program"`
	OrganiserID string        `json:"organiser"`
	Price       Cents         `json:"price"`
	Start       time.Time     `json:"start"`
	End         time.Time     `json:"end"`
	Payment     PaymentMethod `json:"payment"`
}

// RewardRedemptionPayload records points exchanged for a reward.
type RewardRedemptionPayload struct {
	HolderID    string     `json:"holder"`
	Card        CardNumber `json:"card"`
	RewardID    string     `json:"reward"`
	OrganiserID string     `json:"organiser"`
	Points      int        `json:"points"`
	// OverrideBy is the supervisor who let the redemption pass the
	// offline limit; empty when it was within it.
	OverrideBy string `json:"override_by,omitempty"`
}

// ChildcarePayload records a child signing in or out, at the moment it
// happens.
type ChildcarePayload struct {
	ChildID    string `json:"child"`
	ProviderID string `json:"provider"`
	PickedUpBy string `json:"picked_up_by,omitempty"` // sign-out only
	Correction string `json:"correction,omitempty"`   // the reason, when this corrects an earlier record
}

// VoidPayload cancels an earlier event of the same terminal. The earlier
// event stays in the journal; the projections undo its effect.
type VoidPayload struct {
	Target   string `json:"target"`
	Reason   string `json:"reason"`
	Approver string `json:"approver"` // the supervisor who approved
}

// ChildCorrectionPayload corrects an earlier sign-in or sign-out of the
// same terminal: a sign-in made by mistake strikes that stay, a sign-out
// made by mistake reopens it (the child is inside again). The reason is
// the clerk's; who corrected and when are the event's staff and time.
type ChildCorrectionPayload struct {
	ChildID    string `json:"child"`
	ProviderID string `json:"provider"`
	Target     string `json:"target"` // the id of the record corrected
	Reason     string `json:"reason"`
}

package balie

import "time"

// What a desk's acts take and give back: the requests the screen makes
// and the results it shows. The terminal's store implements the acts;
// the screens declare the small interfaces they use in these terms.

// Recorded identifies the journal event an act left.
type Recorded struct {
	ID  string
	Seq int64
	At  time.Time
}

// CheckinResult is what the screen shows after a check-in.
type CheckinResult struct {
	Recorded
	Event   Event
	Points  int // saved now
	Balance int // the holder's points after
	Holder  Holder
}

// TicketOrder is a number of tickets at one tariff.
type TicketOrder struct {
	TariffID string
	Quantity int
}

// TicketRequest is a sale of tickets for one event. Card may be empty for
// regular tickets sold to someone without a pass.
type TicketRequest struct {
	Card    CardNumber
	EventID string
	Lines   []TicketOrder
	Payment PaymentMethod
}

// TicketResult is what the screen and the receipt show.
type TicketResult struct {
	Recorded
	Event  Event
	Quotes []TicketQuote
	Total  Cents
}

// CardSaleRequest sells a card from this desk's stock: a first card to a
// new holder, or a new card to a holder who has one (replacement, a
// change of social-tariff status).
type CardSaleRequest struct {
	Card       CardNumber // the stock card handed over
	HolderCard CardNumber // the holder's current card; empty for a first card
	NewHolder  *Holder    // for a first card: names, birth date, postal code
	Reason     PurchaseReason
	Payment    PaymentMethod
}

// CardSaleResult is what the screen and the receipt show.
type CardSaleResult struct {
	Recorded
	Card   CardNumber
	Holder Holder
	Price  Cents
}

// MembershipRequest pays (or renews) a membership.
type MembershipRequest struct {
	Card      CardNumber
	ProgramID string
	Payment   PaymentMethod
	// RenewAgain is the clerk's explicit yes to a second payment of the
	// same membership for the same holder on one day.
	RenewAgain bool
}

// MembershipResult is what the screen and the receipt show.
type MembershipResult struct {
	Recorded
	Program MembershipProgram
	Price   Cents
	Start   time.Time
	End     time.Time
	Renewal bool
}

// RewardResult is what the screen shows: the points before and after.
type RewardResult struct {
	Recorded
	Reward Reward
	Points int // spent
	Before int
	After  int
}

// Notice is something the clerk should see about a holder. Notices are
// for the clerk's side of the screen only.
type Notice struct {
	Code Code
	NL   string
	EN   string
	// Staff marks a note for the clerk alone (a social tariff that
	// ends): the desk shows it apart from the holder's card, in small
	// print, and never on anything the customer takes home.
	Staff bool
}

// MembershipView is a membership with its program's name.
type MembershipView struct {
	Membership
	Program string
	Valid   bool
}

// HolderLookup is what a scan shows: the card, its holder with the points they
// have now, their memberships and the notices for the clerk.
type HolderLookup struct {
	Card        Card
	Holder      Holder
	Memberships []MembershipView
	Child       bool // enrolled in childcare
	Notices     []Notice
}

// AttendanceResult is what the childcare desk shows after a sign-in or
// sign-out: who, when, and how many children are present now.
type AttendanceResult struct {
	Recorded
	Child      Holder
	PickedUpBy string
	Present    int
}

// PresentChild is a child present now.
type PresentChild struct {
	HolderID  string
	FirstName string
	LastName  string
	Group     string
	Since     time.Time
}

// VoidResult is what the screen shows after a void.
type VoidResult struct {
	Recorded
	Target JournalEvent
}

// ReviewItem is an event a person must look at: adjusted or rejected by
// the ledger, or parked.
type ReviewItem struct {
	Seq    int64
	ID     string
	Kind   Kind
	Time   time.Time
	Status string
	Code   string
	NL     string
	EN     string
	// Outcome is how the back office resolved it (OutcomeAccepted, ...),
	// empty while it is open; Note says why and By who.
	Outcome string
	Note    string
	By      string
}

// TotalLine is the money of one kind, payment method and organiser.
type TotalLine struct {
	Kind        Kind
	Payment     PaymentMethod
	OrganiserID string
	Count       int
	Amount      Cents
}

// RecentAct is one of a terminal's last acts, for a void or, for the
// childcare register, a correction.
type RecentAct struct {
	JournalEvent
	Voided     bool   // voided, or for a sign-in or sign-out corrected
	HolderName string // the holder or child the act was for; "" for none
	Waiting    bool   // the ledger has not acknowledged it yet
}

package balie

import (
	"crypto/subtle"
	"strings"
	"time"
)

// What the childcare desk shows of its children: the day's list, with
// who is present now. The terminal's store reads it from its attendance
// register; the screen shows it.

// ChildStay is one stay of a child from sign-in to sign-out.
type ChildStay struct {
	In         time.Time
	Out        time.Time // zero while the child is present
	PickedUpBy string    // the authorised adult who came; empty while present
}

// ChildToday is a child enrolled at the desk's childcare, as the desk
// shows it on a day.
type ChildToday struct {
	HolderID   string
	FirstName  string
	LastName   string
	Group      string
	Authorised []AuthorisedAdult
	Notes      string // for staff, see Child.Notes
	// Present is true while the child is signed in, whatever day the
	// stay began: a child forgotten yesterday is still inside for the
	// register until staff sign them out.
	Present bool
	Since   time.Time // the sign-in of the open stay, when Present
	// Stays are the stays that began on the day, by sign-in.
	Stays []ChildStay
}

// PickupProof is what the adult who collects a child shows at the desk:
// their own card (HolderID, its holder's id), or the child's pick-up code
// (Code). A name alone is never proof: anyone can say a name.
type PickupProof struct {
	HolderID string
	Code     string
}

// PickupMethod names how a pick-up was proved, for the journal.
func (p PickupProof) PickupMethod() string {
	if p.HolderID != "" {
		return PickupByCard
	}
	return PickupByCode
}

// How an adult proved they may pick a child up.
const (
	PickupByCard = "CARD"
	PickupByCode = "CODE"
)

// PickupAdult returns the authorised adult the proof names: the adult
// whose own card was scanned, or whose pick-up code was typed. ok is false
// for anyone else, for an empty proof and for an adult on the list who
// has neither card nor code: such an adult cannot be checked at the desk.
func (c Child) PickupAdult(p PickupProof) (a AuthorisedAdult, ok bool) {
	id, code := strings.TrimSpace(p.HolderID), strings.TrimSpace(p.Code)
	for _, a := range c.Authorised {
		if id != "" && a.HolderID != "" && a.HolderID == id {
			return a, true
		}
		// Compared in constant time: a code is a secret of the family's.
		if id == "" && code != "" && a.Code != "" && subtle.ConstantTimeCompare([]byte(a.Code), []byte(code)) == 1 {
			return a, true
		}
	}
	return AuthorisedAdult{}, false
}

// PickupRefusedPayload records a pick-up the desk refused: who tried
// (the holder of the card scanned, or a code that did not match; the code
// itself is never kept) and, by the event's time and staff, when and at
// whose desk.
type PickupRefusedPayload struct {
	ChildID    string `json:"child"`
	ProviderID string `json:"provider"`
	Method     string `json:"method"`           // CARD or CODE
	HolderID   string `json:"holder,omitempty"` // the card's holder, for CARD
}

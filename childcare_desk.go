package balie

import "time"

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
	// Present is true while the child is signed in, whatever day the
	// stay began: a child forgotten yesterday is still inside for the
	// register until staff sign them out.
	Present bool
	Since   time.Time // the sign-in of the open stay, when Present
	// Stays are the stays that began on the day, by sign-in.
	Stays []ChildStay
}

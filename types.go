// Package balie holds the domain of a city leisure pass at the counter:
// cards, holders, tariffs, points, rewards, memberships, childcare and
// money, with the pure rules that decide on them. It imports nothing
// outside the standard library, so every rule can be tested on its own
// and every other package speaks in these terms.
package balie

import "time"

// CardStatus is the state of a physical card in the directory.
type CardStatus string

// Card states, as the public UiTPAS system names them.
const (
	CardActive     CardStatus = "ACTIVE"
	CardBlocked    CardStatus = "BLOCKED"     // lost or stolen
	CardLocalStock CardStatus = "LOCAL_STOCK" // unsold, held at a desk
	CardDeleted    CardStatus = "DELETED"
)

// Card is one physical card. HolderID is empty while the card is in stock.
type Card struct {
	Number     CardNumber
	ChipUID    ChipUID // empty when the card has no chip on record
	Status     CardStatus
	CardSystem string
	HolderID   string
	StockDesk  string // the desk that holds an unsold card
}

// SocialTariffState is the state of a holder's social-tariff status.
type SocialTariffState string

// Social-tariff states. The tariff is decided by the state alone: a status
// stays ACTIVE during its grace period even after its end date.
const (
	SocialActive    SocialTariffState = "ACTIVE"
	SocialExpired   SocialTariffState = "EXPIRED"
	SocialSuspended SocialTariffState = "SUSPENDED"
	SocialNone      SocialTariffState = ""
)

// SocialTariff is a holder's social-tariff status in one card system.
type SocialTariff struct {
	State    SocialTariffState
	EndDate  time.Time // the date the right ends; zero when unknown
	GraceEnd time.Time // the end of the grace period after EndDate; zero when none
}

// Holder is a pass holder with the minimal fields a terminal keeps. A
// national register number is never part of it.
type Holder struct {
	ID           string
	FirstName    string
	LastName     string
	BirthDate    time.Time
	PostalCode   string
	CardSystems  []string
	SocialTariff SocialTariff
	Points       int
}

// Organiser is a department, association or partner that runs events and
// desks; money is attributed to it.
type Organiser struct {
	ID   string
	Name string
	Kind string // DEPARTMENT, ASSOCIATION, PARTNER, MUNICIPALITY
	// CardSystem is the card system the organiser belongs to.
	CardSystem string `json:",omitempty"`
	// What the back office keeps for invoicing and contact; never served
	// to a terminal (see Public).
	Contact       Contact `json:",omitzero"`
	IBAN          IBAN    `json:",omitempty"`
	AccountHolder string  `json:",omitempty"`
}

// CardSystem is a city or region that issues cards.
type CardSystem struct {
	ID          string
	Name        string
	PostalCodes []string // residents live at these postal codes
}

// Membership is a membership a holder carries.
type Membership struct {
	HolderID  string
	ProgramID string
	Start     time.Time
	End       time.Time
}

// Valid reports whether the membership is valid on day at.
func (m Membership) Valid(at time.Time) bool {
	return !at.Before(m.Start) && at.Before(m.End)
}

// Role is what a staff member may do.
type Role string

// Roles at a desk.
const (
	RoleClerk      Role = "CLERK"
	RoleSupervisor Role = "SUPERVISOR"
)

// Staff is a person who works at a desk.
type Staff struct {
	ID         string
	Name       string
	CardNumber CardNumber
	PINHash    string // hex SHA-256 of salt and PIN; see HashPIN
	PINSalt    string
	Role       Role
	// OrganiserID is the organiser the staff member works for; "" for
	// the city's own (a supervisor of every desk).
	OrganiserID string `json:",omitempty"`
	// Desks are the desks the staff member works at, as the back office
	// records them.
	Desks []string `json:",omitempty"`
}

// DeskMode is the kind of desk a terminal serves.
type DeskMode string

// Desk modes.
const (
	DeskBoxOffice DeskMode = "BOX_OFFICE"
	DeskSports    DeskMode = "SPORTS"
	DeskChildcare DeskMode = "CHILDCARE"
)

// Product is something sold at a desk that is not a ticket (a drink, a
// sports session without an event).
type Product struct {
	ID          string
	OrganiserID string
	Name        string
	Price       Cents
}

// PaymentMethod is how a customer paid.
type PaymentMethod string

// Payment methods.
const (
	PayCash    PaymentMethod = "CASH"
	PayCard    PaymentMethod = "CARD"
	PayInvoice PaymentMethod = "INVOICE"
	PayNone    PaymentMethod = "NONE" // nothing to pay
)

// Valid reports whether m is a known payment method.
func (m PaymentMethod) Valid() bool {
	switch m {
	case PayCash, PayCard, PayInvoice, PayNone:
		return true
	}
	return false
}

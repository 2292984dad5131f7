package balie

import "time"

// CardNumber is a validated 13-digit UiTPAS number; make one with
// ParseCardNumber.
type CardNumber string

// ChipUID is a validated NFC chip UID: upper-case hex of 4, 7 or 10 bytes,
// without separators; make one with ParseChipUID.
type ChipUID string

// INSZ is a validated Belgian national register number (11 digits). It is
// looked up online only and never stored on a terminal.
type INSZ string

// Cents is an amount of money in euro cents. All money is integer cents.
type Cents int64

// DistributionKey splits a regular price between the holder, the organiser
// and the city, in basis points (hundredths of a percent) that add up to
// 10000. The common key 20/40/40 is {2000, 4000, 4000}.
type DistributionKey struct {
	Holder    int
	Organiser int
	City      int
}

// Shares is a regular price split by a distribution key. The three always
// add up to the regular price, to the cent.
type Shares struct {
	Holder    Cents
	Organiser Cents
	City      Cents
}

// Period is the calendar period a limit counts in, in the Europe/Brussels
// calendar.
type Period string

// Periods of a limit. ABSOLUTE counts over all time.
const (
	PeriodAbsolute Period = "ABSOLUTE"
	PeriodDay      Period = "DAY"
	PeriodWeek     Period = "WEEK" // Monday to Sunday
	PeriodMonth    Period = "MONTH"
	PeriodQuarter  Period = "QUARTER"
	PeriodYear     Period = "YEAR"
)

// Limit is a volume per period. A zero Volume means no limit.
type Limit struct {
	Volume int
	Period Period
}

// Event is something a holder takes part in: a performance, a sports
// session, a day of childcare.
type Event struct {
	ID               string
	OrganiserID      string
	Name             string
	Start            time.Time
	End              time.Time
	PointsPerCheckin int
	CheckinLimit     Limit         // per holder
	MarginBefore     time.Duration // check-in opens this long before Start
	MarginAfter      time.Duration // and closes this long after End
}

// TariffKind is the kind of price a ticket is sold at.
type TariffKind string

// Tariff kinds. What the customer sees of SOCIAL is only "UiTPAS-tarief".
const (
	TariffRegular TariffKind = "REGULAR"
	TariffSocial  TariffKind = "SOCIAL"
	TariffCoupon  TariffKind = "COUPON"
)

// Tariff is one price of an event. For REGULAR the holder pays Regular.
// For SOCIAL the holder pays the holder's share of Regular under Key,
// rounded to Step. For COUPON the holder pays CouponPrice and the
// organiser carries the rest.
type Tariff struct {
	ID          string
	EventID     string
	Name        string
	Kind        TariffKind
	Regular     Cents
	Key         DistributionKey
	Step        Cents // rounding step of the holder's share; 0 means 10 cents
	CouponPrice Cents
	Limit       Limit // per holder; zero Volume means none
}

// TicketQuote is what a sale of tickets at one tariff costs.
type TicketQuote struct {
	TariffID string
	Kind     TariffKind
	Quantity int
	Regular  Cents  // per ticket
	Shares   Shares // per ticket; Shares.Holder is what the holder pays
	Total    Cents  // what the holder pays for all tickets
}

// RewardKind is the kind of reward.
type RewardKind string

// Reward kinds.
const (
	RewardPoints  RewardKind = "POINTS"
	RewardWelcome RewardKind = "WELCOME" // free, once per holder
)

// Reward is exchanged for points, or given once as a welcome gift.
type Reward struct {
	ID          string
	OrganiserID string
	Name        string
	Kind        RewardKind
	Points      int
	RedeemFrom  time.Time
	RedeemUntil time.Time // exclusive; zero means no end
	TotalUnits  int       // zero means unlimited
	PerHolder   Limit
}

// RewardUsage is what has been redeemed of a reward so far.
type RewardUsage struct {
	UnitsRedeemed  int // by all holders
	HolderInWindow int // by this holder inside PerHolder's period
	HolderEver     int // by this holder, ever
}

// PurchaseReason is why a card is sold.
type PurchaseReason string

// Purchase reasons of a card sale.
const (
	ReasonFirstCard      PurchaseReason = "FIRST_CARD"
	ReasonReplaceLost    PurchaseReason = "REPLACEMENT_LOST"
	ReasonReplaceStolen  PurchaseReason = "REPLACEMENT_STOLEN"
	ReasonReplaceDefect  PurchaseReason = "REPLACEMENT_DEFECT"
	ReasonSocialObtained PurchaseReason = "SOCIAL_TARIFF_OBTAINED"
	ReasonSocialLost     PurchaseReason = "SOCIAL_TARIFF_LOST"
)

// Tri is a condition that can be required true, required false, or not
// cared about.
type Tri int8

// Values of Tri.
const (
	Any Tri = iota
	Yes
	No
)

// CardPriceRule is one line of a card system's price table. Reasons empty
// means every reason.
type CardPriceRule struct {
	CardSystem   string
	Resident     Tri
	Under18      Tri
	SocialTariff Tri
	Reasons      []PurchaseReason
	Price        Cents
}

// CardPriceTable is a list of rules; the first that matches sets the price.
type CardPriceTable []CardPriceRule

// CardSaleQuery is what the price of a card depends on.
type CardSaleQuery struct {
	CardSystem   CardSystem
	PostalCode   string
	BirthDate    time.Time
	SocialTariff bool
	Reason       PurchaseReason
	At           time.Time
}

// EndKind is how a membership's end date is set.
type EndKind string

// Membership end kinds.
const (
	EndFixed  EndKind = "FIXED"  // a fixed date
	EndPeriod EndKind = "PERIOD" // a number of months from payment
	EndAge    EndKind = "AGE"    // until the holder reaches an age
)

// MembershipProgram is a membership a desk can sell: the friends' circle,
// the sports pass, the youth card.
type MembershipProgram struct {
	ID             string
	OrganiserID    string
	Name           string
	Price          Cents
	PassDiscount   Cents // off Price for pass holders
	SocialPrice    Cents // the price with the social tariff, when HasSocialPrice
	HasSocialPrice bool
	EndKind        EndKind
	FixedEnd       time.Time
	PeriodMonths   int
	AgeLimit       int
}

// DayKind is the kind of day for childcare billing.
type DayKind string

// Day kinds.
const (
	SchoolDay      DayKind = "SCHOOL_DAY"  // per started unit
	SchoolFreeDay  DayKind = "SCHOOL_FREE" // by duration blocks
	WednesdayAfter DayKind = "WEDNESDAY"   // the cheaper of the two
)

// ChildcareRates are a provider's prices, indexed each 1 September.
type ChildcareRates struct {
	Unit        time.Duration // default 30 minutes
	UnitPrice   Cents         // per started unit on school days
	BlockShort  Cents         // school-free day, under 3 h
	BlockMedium Cents         // 3 h to under 6 h
	BlockLong   Cents         // 6 h or more
	SiblingPct  int           // off for siblings present the same day, e.g. 25
	SocialPct   int           // off with the social tariff, e.g. 50 (100 in exceptional cases)
	LateUnit    time.Duration // late pick-up unit, default 30 minutes
	LateFee     Cents         // per started late unit after closing; 0 means none
}

// ChildcareSession is one stay from sign-in to sign-out.
type ChildcareSession struct {
	In  time.Time
	Out time.Time
}

// ChildcareDay is what one child's bill for one day depends on.
type ChildcareDay struct {
	Day      DayKind
	Sessions []ChildcareSession
	Sibling  bool      // a sibling was present the same day
	Social   bool      // the social tariff applies
	Closing  time.Time // the closing time that day; zero when none
}

// ChildcareBill is one child's bill for one day.
type ChildcareBill struct {
	Units           int    // started units (school days) or 0
	Block           string // "SHORT", "MEDIUM", "LONG" on school-free days
	Base            Cents
	SiblingDiscount Cents
	SocialDiscount  Cents
	LateUnits       int
	LateFee         Cents
	Total           Cents
}

// AuthorisedAdult may pick a child up.
type AuthorisedAdult struct {
	Name     string
	HolderID string // their own card, when they have one
	Code     string // a pick-up code, when they have none
}

// Child is a holder enrolled in childcare at a provider.
type Child struct {
	HolderID   string
	ProviderID string // the organiser
	Group      string
	Authorised []AuthorisedAdult
	SiblingKey string // children with the same key are siblings
	// Notes are for the staff of the childcare (an allergy, a parent who
	// may not pick up): shown on the child's card at the desk.
	Notes string
}

// Desk is a counter with its terminal.
type Desk struct {
	ID          string
	Name        string
	OrganiserID string
	Mode        DeskMode
	CardSystem  string
	// SellsFor are the organisers besides its own whose events, rewards
	// and memberships the desk handles (see Serves).
	SellsFor []string `json:",omitempty"`
}

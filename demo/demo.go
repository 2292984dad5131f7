// Package demo generates a realistic, deterministic Flemish city for the
// demo terminal, for tests and for benchmarks: the card system of Lier
// (postal code 2500) and a fictional region around it ("UiTPAS Regio
// Netevallei"), its organisers, desks, staff, a season of events with
// their tariffs, rewards, products, membership programs, card prices,
// childcare rates, thousands to millions of pass holders, the children in
// after-school care and the unsold cards in stock at the desks.
//
// The same Config (seed and Today included) always gives the same city,
// byte for byte, so a benchmark or a bug report can be reproduced
// anywhere. Holders are streamed to a Sink one at a time; the generator
// keeps only a bounded handful (a pool of recent parents, the 60
// enrolled children), so a million holders cost the memory of one.
//
// # Cards to type at the demo desk
//
// The first holders and the staff are fixed: the same names and numbers
// for every seed and every Today (their dates move with Today), so a
// README, a test or a newcomer at the desk can rely on them. WellKnown
// returns them.
//
//	0900000095902  h-0000000    Tom Peeters: regular holder, ACTIVE, no social
//	                            tariff, member of the Vriendenkring CC Lier,
//	                            23 points; father of the two children below
//	1000000520006  h-0000001    Kevin Janssens: social tariff ACTIVE
//	0930529476598  h-0000002    Marleen Wouters: social tariff in its grace
//	                            period (end date 20 days ago, still ACTIVE)
//	0931268758204  h-0000003    Jonas Vermeulen (Nijlen): BLOCKED card,
//	                            reported lost; his new card 0930268758206
//	                            is ACTIVE
//	0930008039818  h-0000004    Lotte Peeters, 8: child in the after-school
//	                            care of BKO De Speelvogel, with her brother
//	                            Noah (h-0000005); picked up by Tom Peeters
//	                            (own card), Sofie Verhoeven (code 2580) or
//	                            Rita Peeters (code 7310)
//	0930486603036  h-0000006    Georges Claes, 79: social tariff EXPIRED
//	0990000000010  staff-sup    Els Van Dyck, SUPERVISOR
//	0990000000028  staff-box-1  Pieter Maes, CLERK at the box office
//
// The holders' cards also carry chip UIDs (WellKnownCard.ChipUID); the
// staff cards have none.
//
// Every staff member's PIN is DemoPIN (1234). The two public test numbers
// 0900000095902 and 1000000520006 are the ones the UiTPAS documentation
// uses.
//
// # Number ranges
//
// Card numbers come from NewCardNumber over reserved 12-digit prefixes,
// so they never collide: 0930 + 8 digits for each holder's current card
// (a fixed permutation of the holder's index, so numbers look scattered
// but stay unique), 0931 + the same 8 digits for a blocked older card,
// 0940 + desk + 6 digits for stock, 0990 + 8 digits for staff. Chip UIDs
// are 7-byte NXP-style UIDs (04 and six bytes), unique by construction.
// Holder IDs are h- and seven digits, so at most MaxHolders holders.
package demo

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"time"

	"github.com/balie/balie"
)

// DemoPIN is the PIN of every demo staff member.
const DemoPIN = "1234"

// The demo city's coordinator in the back office (/beheer/ on the demo
// ledger): for a demo only, printed where the demo starts.
const (
	CoordinatorName     = "coordinator"
	CoordinatorPassword = "demo-beheer-lier"
)

// MaxHolders is the most holders Generate makes: holder IDs have seven
// digits.
const MaxHolders = 10_000_000

// Defaults of Config, from the figures of the city the domain is modelled
// on: 8,200 holders, 45% of them with the social tariff, most of the
// others combining the card with a membership.
const (
	DefaultHolders       = 8200
	DefaultSocialPct     = 45
	DefaultMembershipPct = 70
	DefaultSeed          = 1
)

// IDs of the fixed parts of the city, for callers that wire a terminal to
// one desk or look up the childcare provider.
const (
	CardSystemLier  = "cs-lier"
	CardSystemRegio = "cs-regio"

	OrgCulture   = "org-cc"
	OrgSports    = "org-sport"
	OrgChildcare = "org-bko"
	OrgYouth     = "org-jeugd"
	OrgTheatre   = "org-toneel"
	OrgCinema    = "org-cinema"

	BoxOfficeDesk = "desk-box"
	SportsDesk    = "desk-sport"
	ChildcareDesk = "desk-bko"

	ProgramFriends = "prog-vriendenkring"
	ProgramSports  = "prog-sportpas"
	ProgramYouth   = "prog-jongerenkaart"
)

// Config sets the size and the randomness of the generated city. A zero
// field takes its default.
type Config struct {
	// Holders is the number of pass holders, at least the fixed ones
	// (len of the holders in WellKnown) and at most MaxHolders. Default
	// DefaultHolders.
	Holders int
	// SocialPct is the percentage of holders with an ACTIVE social
	// tariff; negative means none. Default DefaultSocialPct.
	SocialPct int
	// MembershipPct is the percentage of the holders without an active
	// social tariff who carry one or two memberships; negative means
	// none. Default DefaultMembershipPct.
	MembershipPct int
	// Seed selects the city; the fixed holders and staff do not depend
	// on it. Default DefaultSeed.
	Seed int64
	// Today is the demo's today: events, memberships and social-tariff
	// dates are placed around it. It is required (pass time.Now() for a
	// live demo, a fixed date for reproducible tests), because a
	// generator that read the clock itself would not be deterministic.
	Today time.Time
}

// Sink receives the city, in the order of its methods: everything a
// holder refers to comes before the holders, and the children (which
// refer to holders) and the stock come after them. Holders are streamed
// one by one; the slices passed to Holder are fresh for each call and the
// sink may keep them.
type Sink interface {
	CardSystem(balie.CardSystem) error
	Organiser(balie.Organiser) error
	Desk(balie.Desk) error
	Staff(s balie.Staff) error
	Event(balie.Event) error
	Tariff(balie.Tariff) error
	Reward(balie.Reward) error
	Product(balie.Product) error
	Program(balie.MembershipProgram) error
	CardPrice(balie.CardPriceRule) error
	Rates(providerID string, r balie.ChildcareRates) error
	Holder(h balie.Holder, cards []balie.Card, ms []balie.Membership) error
	Child(balie.Child) error
	StockCard(balie.Card) error
}

// MunicipalitySink is a Sink that also takes the municipalities of the
// card systems, with their populations (the steering group's share of
// residents), after the card systems.
type MunicipalitySink interface {
	Municipality(balie.Municipality) error
}

// WellKnownCard is a card of the generated city with a documented role,
// to type or scan at the demo desk.
type WellKnownCard struct {
	Number      balie.CardNumber
	ChipUID     balie.ChipUID // empty for staff cards, which have no chip on record
	Description string        // in Dutch, for the people at the desk
	HolderID    string        // empty for a staff card
	StaffID     string        // set for a staff card
}

// WellKnown returns the fixed cards of every generated city, whatever the
// seed: a regular holder, a social-tariff holder, one in grace, a blocked
// card, a child in childcare, one with an expired social tariff, a
// supervisor's and a clerk's staff card.
func WellKnown() []WellKnownCard {
	var out []WellKnownCard
	for i, f := range fixedHolders {
		if f.wellKnown == "" {
			continue
		}
		n, chip := mustNumber(holderFirst12(i)), chipUID(chipSerialHolder+uint64(i))
		if f.blocked {
			n, chip = mustNumber(blockedFirst12(i)), chipUID(chipSerialBlocked+uint64(i))
		}
		out = append(out, WellKnownCard{Number: n, ChipUID: chip, Description: f.wellKnown, HolderID: holderID(i)})
	}
	for k, s := range staffMembers {
		if s.wellKnown == "" {
			continue
		}
		out = append(out, WellKnownCard{Number: mustNumber(staffFirst12(k)), Description: s.wellKnown, StaffID: s.id})
	}
	return out
}

// mustNumber completes a 12-digit prefix made by this package. It cannot
// fail, because the prefixes are digits of the right length by
// construction; a failure is a bug here, not a condition to handle.
func mustNumber(first12 string) balie.CardNumber {
	n, err := balie.NewCardNumber(first12)
	if err != nil {
		panic("demo: " + err.Error())
	}
	return n
}

// Generate makes the city cfg describes and hands it to sink, in the
// order of Sink's methods. It stops at the first error of the sink and
// returns it wrapped with what was being passed.
func Generate(cfg Config, sink Sink) error {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return err
	}
	g := newGenerator(cfg)

	for _, cs := range g.cardSystems() {
		if err := sink.CardSystem(cs); err != nil {
			return fmt.Errorf("demo: card system %s: %w", cs.ID, err)
		}
	}
	if ms, ok := sink.(MunicipalitySink); ok {
		for _, m := range g.municipalities() {
			if err := ms.Municipality(m); err != nil {
				return fmt.Errorf("demo: municipality %s: %w", m.ID, err)
			}
		}
	}
	for _, o := range organisers {
		if err := sink.Organiser(o); err != nil {
			return fmt.Errorf("demo: organiser %s: %w", o.ID, err)
		}
	}
	for _, d := range desks {
		if err := sink.Desk(d); err != nil {
			return fmt.Errorf("demo: desk %s: %w", d.ID, err)
		}
	}
	for k := range staffMembers {
		s, err := staff(k)
		if err != nil {
			return err
		}
		if err := sink.Staff(s); err != nil {
			return fmt.Errorf("demo: staff %s: %w", s.ID, err)
		}
	}
	plans := g.events()
	for _, p := range plans {
		if err := sink.Event(p.event); err != nil {
			return fmt.Errorf("demo: event %s: %w", p.event.ID, err)
		}
	}
	for _, p := range plans {
		for _, t := range p.tariffs {
			if err := sink.Tariff(t); err != nil {
				return fmt.Errorf("demo: tariff %s: %w", t.ID, err)
			}
		}
	}
	for _, r := range g.rewards() {
		if err := sink.Reward(r); err != nil {
			return fmt.Errorf("demo: reward %s: %w", r.ID, err)
		}
	}
	for _, p := range products {
		if err := sink.Product(p); err != nil {
			return fmt.Errorf("demo: product %s: %w", p.ID, err)
		}
	}
	for _, p := range g.programs() {
		if err := sink.Program(p); err != nil {
			return fmt.Errorf("demo: program %s: %w", p.ID, err)
		}
	}
	for i, r := range cardPrices() {
		if err := sink.CardPrice(r); err != nil {
			return fmt.Errorf("demo: card price rule %d: %w", i, err)
		}
	}
	if err := sink.Rates(OrgChildcare, childcareRates()); err != nil {
		return fmt.Errorf("demo: childcare rates %s: %w", OrgChildcare, err)
	}
	for i := range cfg.Holders {
		h, cards, ms, err := g.holder(i)
		if err != nil {
			return fmt.Errorf("demo: holder %d: %w", i, err)
		}
		if err := sink.Holder(h, cards, ms); err != nil {
			return fmt.Errorf("demo: holder %d: %w", i, err)
		}
	}
	for _, c := range g.children {
		if err := sink.Child(c); err != nil {
			return fmt.Errorf("demo: child %s: %w", c.HolderID, err)
		}
	}
	for _, s := range stockPlan {
		for k := range s.count {
			c, err := stockCard(s, k)
			if err != nil {
				return err
			}
			if err := sink.StockCard(c); err != nil {
				return fmt.Errorf("demo: stock card %s: %w", c.Number, err)
			}
		}
	}
	return nil
}

// withDefaults fills in the zero fields and refuses what cannot be made.
func (c Config) withDefaults() (Config, error) {
	if c.Holders == 0 {
		c.Holders = DefaultHolders
	}
	if c.Holders < len(fixedHolders) || c.Holders > MaxHolders {
		return c, fmt.Errorf("demo: %d holders: want %d to %d", c.Holders, len(fixedHolders), MaxHolders)
	}
	var err error
	if c.SocialPct, err = percent("SocialPct", c.SocialPct, DefaultSocialPct); err != nil {
		return c, err
	}
	if c.MembershipPct, err = percent("MembershipPct", c.MembershipPct, DefaultMembershipPct); err != nil {
		return c, err
	}
	if c.Seed == 0 {
		c.Seed = DefaultSeed
	}
	if c.Today.IsZero() {
		return c, errors.New("demo: Config.Today is not set")
	}
	return c, nil
}

// percent applies the zero-means-default, negative-means-none rule.
func percent(name string, v, def int) (int, error) {
	switch {
	case v == 0:
		return def, nil
	case v < 0:
		return 0, nil
	case v > 100:
		return 0, fmt.Errorf("demo: %s %d: want at most 100", name, v)
	}
	return v, nil
}

// Fixed parts of the city.

var organisers = [...]balie.Organiser{
	{ID: OrgCulture, Name: "CC Lier", Kind: balie.OrganiserDepartment, CardSystem: CardSystemLier, IBAN: "BE68539007547034",
		AccountHolder: "Stad Lier", Contact: balie.Contact{Name: "Els Van Dyck", Email: "ccl@lier.example"}},
	{ID: OrgSports, Name: "Sportdienst Lier", Kind: balie.OrganiserDepartment, CardSystem: CardSystemLier},
	{ID: OrgChildcare, Name: "BKO De Speelvogel", Kind: balie.OrganiserDepartment, CardSystem: CardSystemLier},
	{ID: OrgYouth, Name: "Jeugddienst Lier", Kind: balie.OrganiserDepartment, CardSystem: CardSystemLier},
	{ID: OrgTheatre, Name: "Toneelkring Pallieter vzw", Kind: balie.OrganiserAssociation, CardSystem: CardSystemLier},
	{ID: OrgCinema, Name: "Cinema Zimmer", Kind: balie.OrganiserPartner, CardSystem: CardSystemLier},
}

var desks = [...]balie.Desk{
	{ID: BoxOfficeDesk, Name: "Ticketbalie CC Lier", OrganiserID: OrgCulture, Mode: balie.DeskBoxOffice, CardSystem: CardSystemLier},
	{ID: SportsDesk, Name: "Onthaal sporthal en zwembad", OrganiserID: OrgSports, Mode: balie.DeskSports, CardSystem: CardSystemLier},
	{ID: ChildcareDesk, Name: "Onthaal BKO De Speelvogel", OrganiserID: OrgChildcare, Mode: balie.DeskChildcare, CardSystem: CardSystemLier},
}

var products = [...]balie.Product{
	{ID: "prod-koffie", OrganiserID: OrgCulture, Name: "Koffie", Price: 220},
	{ID: "prod-frisdrank", OrganiserID: OrgCulture, Name: "Frisdrank", Price: 250},
	{ID: "prod-programmaboek", OrganiserID: OrgCulture, Name: "Programmaboek seizoen", Price: 300},
	{ID: "prod-locker", OrganiserID: OrgSports, Name: "Locker zwembad", Price: 100},
	{ID: "prod-badmuts", OrganiserID: OrgSports, Name: "Badmuts", Price: 350},
	{ID: "prod-10-beurten", OrganiserID: OrgSports, Name: "10-beurtenkaart zwemmen", Price: 4000},
}

// staffMember is a fixed staff member; two per desk and one supervisor.
type staffMember struct {
	id, name  string
	role      balie.Role
	wellKnown string
	org, desk string // "" for the city's supervisor of every desk
}

var staffMembers = [...]staffMember{
	{"staff-sup", "Els Van Dyck", balie.RoleSupervisor,
		"Personeelskaart van Els Van Dyck, verantwoordelijke (SUPERVISOR). Pincode 1234.", "", ""},
	{"staff-box-1", "Pieter Maes", balie.RoleClerk,
		"Personeelskaart van Pieter Maes, medewerker van de ticketbalie (CLERK). Pincode 1234.", OrgCulture, BoxOfficeDesk},
	{"staff-box-2", "Nathalie Hermans", balie.RoleClerk, "", OrgCulture, BoxOfficeDesk},
	{"staff-sport-1", "Bram Goossens", balie.RoleClerk, "", OrgSports, SportsDesk},
	{"staff-sport-2", "Ilse Michiels", balie.RoleClerk, "", OrgSports, SportsDesk},
	{"staff-bko-1", "Annelies De Smet", balie.RoleClerk, "", OrgChildcare, ChildcareDesk},
	{"staff-bko-2", "Jeroen Smets", balie.RoleClerk, "", OrgChildcare, ChildcareDesk},
}

// staff builds staff member k. The salt is derived from the ID rather
// than drawn, so the fixed staff cards work with every seed.
func staff(k int) (balie.Staff, error) {
	s := staffMembers[k]
	n, err := balie.NewCardNumber(staffFirst12(k))
	if err != nil {
		return balie.Staff{}, fmt.Errorf("demo: staff %s: %w", s.id, err)
	}
	sum := sha256.Sum256([]byte("balie demo salt " + s.id))
	salt := hex.EncodeToString(sum[:8])
	st := balie.Staff{
		ID:          s.id,
		Name:        s.name,
		CardNumber:  n,
		PINSalt:     salt,
		PINHash:     balie.HashPIN(salt, DemoPIN),
		Role:        s.role,
		OrganiserID: s.org,
	}
	if s.desk != "" {
		st.Desks = []string{s.desk}
	}
	return st, nil
}

// stockBatch is the unsold cards one desk holds, so it can sell a card
// with no network.
type stockBatch struct {
	desk  string
	code  string // two digits of the card number that name the desk
	count int
}

var stockPlan = [...]stockBatch{
	{BoxOfficeDesk, "01", 200},
	{SportsDesk, "02", 100},
}

func stockCard(s stockBatch, k int) (balie.Card, error) {
	n, err := balie.NewCardNumber("0940" + s.code + pad(k+1, 6))
	if err != nil {
		return balie.Card{}, fmt.Errorf("demo: stock card %s %d: %w", s.desk, k, err)
	}
	desk, _ := strconv.Atoi(s.code)
	return balie.Card{
		Number:     n,
		ChipUID:    chipUID(chipSerialStock | uint64(desk)<<24 | uint64(k)),
		Status:     balie.CardLocalStock,
		CardSystem: CardSystemLier,
		StockDesk:  s.desk,
	}, nil
}

func (g *generator) cardSystems() []balie.CardSystem {
	var region []string
	for _, p := range postalCodes {
		if p.region {
			region = append(region, p.code)
		}
	}
	return []balie.CardSystem{
		{ID: CardSystemLier, Name: "UiTPAS Lier", PostalCodes: []string{"2500"}},
		{ID: CardSystemRegio, Name: "UiTPAS Regio Netevallei", PostalCodes: region},
	}
}

// municipalities are the card systems' municipalities: Lier in both, the
// region's other postal codes one municipality each. Populations are
// round figures of the size of those places.
func (g *generator) municipalities() []balie.Municipality {
	out := []balie.Municipality{{ID: "gem-lier", Name: "Lier", CardSystem: CardSystemLier, PostalCodes: []string{"2500"}, Population: population["2500"]}}
	for _, p := range postalCodes {
		if p.region {
			pop := population[p.code]
			if pop == 0 {
				pop = 10000
			}
			out = append(out, balie.Municipality{ID: "gem-regio-" + p.code, Name: p.place, CardSystem: CardSystemRegio, PostalCodes: []string{p.code}, Population: pop})
		}
	}
	return out
}

// population is the number of residents of the municipalities, rounded.
var population = map[string]int{"2500": 37000, "2560": 23000, "2547": 9000, "2590": 11800, "2570": 17700, "2580": 17500, "2520": 19500, "2530": 13500}

// cardPrices is Lier's card price table, most specific rule first: with
// the social tariff a card always costs 1 euro (a replacement too, so
// that losing a card never costs a family in poverty 5 euro), then
// replacements, then residents under 18, then everyone else.
func cardPrices() []balie.CardPriceRule {
	return []balie.CardPriceRule{
		{CardSystem: CardSystemLier, SocialTariff: balie.Yes, Price: 100},
		{CardSystem: CardSystemLier, Reasons: []balie.PurchaseReason{
			balie.ReasonReplaceLost, balie.ReasonReplaceStolen, balie.ReasonReplaceDefect}, Price: 500},
		{CardSystem: CardSystemLier, Resident: balie.Yes, Under18: balie.Yes, Price: 0},
		{CardSystem: CardSystemLier, Price: 500},
	}
}

// childcareRates are the provider's prices of the current school year.
func childcareRates() balie.ChildcareRates {
	return balie.ChildcareRates{
		Unit:        30 * time.Minute,
		UnitPrice:   105,
		BlockShort:  354,
		BlockMedium: 531,
		BlockLong:   1052,
		SiblingPct:  25,
		SocialPct:   50,
		LateUnit:    30 * time.Minute,
		LateFee:     1500,
	}
}

// generator holds what stays the same for the whole city, plus the small,
// bounded state that links holders to each other (recent parents, the
// children enrolled so far).
type generator struct {
	cfg   Config
	loc   *time.Location
	today time.Time // midnight of Today in Brussels
	ty    int
	tm    time.Month
	td    int

	seasonStart, seasonEnd time.Time // the cultural season, 1 September to 1 September
	friends, sports, youth balie.MembershipProgram

	seedHi, seedLo uint64
	pcg            *rand.PCG
	r              *rand.Rand

	parents  [parentPool]parent // recent adults who could be a child's parent
	nParents int
	next     int // where the next parent goes once the pool is full
	family   family
	children []balie.Child
}

func newGenerator(cfg Config) *generator {
	loc := balie.Brussels()
	y, m, d := cfg.Today.In(loc).Date()
	g := &generator{
		cfg:      cfg,
		loc:      loc,
		today:    time.Date(y, m, d, 0, 0, 0, 0, loc),
		ty:       y,
		tm:       m,
		td:       d,
		seedHi:   mix64(uint64(cfg.Seed)),
		seedLo:   mix64(uint64(cfg.Seed) ^ 0x5bd1e9955bd1e995),
		pcg:      rand.NewPCG(0, 0),
		children: make([]balie.Child, 0, maxChildren),
	}
	g.r = rand.New(g.pcg)
	sy := y
	if m < time.September {
		sy--
	}
	g.seasonStart = time.Date(sy, time.September, 1, 0, 0, 0, 0, loc)
	g.seasonEnd = time.Date(sy+1, time.September, 1, 0, 0, 0, 0, loc)
	ps := g.programs()
	g.friends, g.sports, g.youth = ps[0], ps[1], ps[2]
	return g
}

// day returns midnight n days after today, in calendar days so that a
// DST change does not shift it by an hour.
func (g *generator) day(n int) time.Time {
	return time.Date(g.ty, g.tm, g.td+n, 0, 0, 0, 0, g.loc)
}

// at returns the wall-clock time hh:mm on the day n days after today.
func (g *generator) at(n, hh, mm int) time.Time {
	return time.Date(g.ty, g.tm, g.td+n, hh, mm, 0, 0, g.loc)
}

// programs are the memberships the desks sell. The friends' circle ends
// with the season: FixedEnd is 1 September 00:00, exclusive, so a
// membership is valid through 31 August (Membership.Valid and
// MembershipProgram.Term treat the end as exclusive).
func (g *generator) programs() []balie.MembershipProgram {
	return []balie.MembershipProgram{
		{ID: ProgramFriends, OrganiserID: OrgCulture, Name: "Vriendenkring CC Lier",
			Price: 1000, PassDiscount: 500, EndKind: balie.EndFixed, FixedEnd: g.seasonEnd},
		{ID: ProgramSports, OrganiserID: OrgSports, Name: "Sportpas",
			Price: 6000, PassDiscount: 1000, SocialPrice: 1500, HasSocialPrice: true,
			EndKind: balie.EndPeriod, PeriodMonths: 12},
		{ID: ProgramYouth, OrganiserID: OrgYouth, Name: "Jongerenkaart",
			Price: 500, SocialPrice: 0, HasSocialPrice: true, EndKind: balie.EndAge, AgeLimit: 26},
	}
}

func (g *generator) rewards() []balie.Reward {
	return []balie.Reward{
		{ID: "rw-koffie", OrganiserID: OrgCulture, Name: "Gratis koffie in de foyer", Kind: balie.RewardPoints,
			Points: 5, RedeemFrom: g.seasonStart, PerHolder: balie.Limit{Volume: 1, Period: balie.PeriodWeek}},
		{ID: "rw-popcorn", OrganiserID: OrgCinema, Name: "Gratis popcorn bij een film", Kind: balie.RewardPoints,
			Points: 8, RedeemFrom: g.seasonStart, PerHolder: balie.Limit{Volume: 1, Period: balie.PeriodMonth}},
		{ID: "rw-zwembeurt", OrganiserID: OrgSports, Name: "Gratis zwembeurt", Kind: balie.RewardPoints,
			Points: 10, RedeemFrom: g.seasonStart, RedeemUntil: g.seasonEnd,
			PerHolder: balie.Limit{Volume: 2, Period: balie.PeriodMonth}},
		{ID: "rw-drinkbus", OrganiserID: OrgSports, Name: "UiTPAS-drinkbus", Kind: balie.RewardPoints,
			Points: 15, RedeemFrom: g.seasonStart, TotalUnits: 250,
			PerHolder: balie.Limit{Volume: 1, Period: balie.PeriodAbsolute}},
		{ID: "rw-theaterticket", OrganiserID: OrgCulture, Name: "Gratis theaterticket naar keuze", Kind: balie.RewardPoints,
			Points: 20, RedeemFrom: g.seasonStart, RedeemUntil: g.seasonEnd, TotalUnits: 100,
			PerHolder: balie.Limit{Volume: 1, Period: balie.PeriodYear}},
		{ID: "rw-welkom", OrganiserID: OrgCulture, Name: "Welkomstgeschenk: een drankje in de foyer", Kind: balie.RewardWelcome,
			RedeemFrom: g.seasonStart, PerHolder: balie.Limit{Volume: 1, Period: balie.PeriodAbsolute}},
	}
}

// Events.

// eventPlan is an event with its tariffs, so that all events can be
// passed before all tariffs.
type eventPlan struct {
	event   balie.Event
	tariffs []balie.Tariff
}

// Days of events around Today: a week back (for history and reports) and
// four weeks ahead.
const (
	eventDaysBefore = 7
	eventDaysAfter  = 28
)

// events lays out the programme from a week before Today to four weeks
// after. Today always has an afternoon and an evening performance, the
// pool and the gym, and a day of childcare, whatever the weekday, so the
// demo works any day it is started.
func (g *generator) events() []eventPlan {
	// The programme has its own stream, so the number of holders never
	// changes it.
	r := rand.New(rand.NewPCG(g.seedHi, 0x70726f6772616d6d))
	var out []eventPlan
	for n := -eventDaysBefore; n < eventDaysAfter; n++ {
		wd := g.day(n).Weekday()
		ymd := g.day(n).Format("20060102")
		id := func(slug string) string { return "ev-" + ymd + "-" + slug }

		if n == 0 || (wd != time.Saturday && wd != time.Sunday) {
			ev := balie.Event{ID: id("bko"), OrganiserID: OrgChildcare, Name: "Buitenschoolse opvang",
				Start: g.at(n, 7, 0), End: g.at(n, 18, 30),
				MarginBefore: 30 * time.Minute, MarginAfter: 30 * time.Minute}
			out = append(out, eventPlan{event: ev})
		}
		out = append(out,
			g.sportsEvent(id("zwemmen"), "Vrij zwemmen – stedelijk zwembad", n, 7, 0, 22, 0, 450),
			g.sportsEvent(id("fitness"), "Fitness – sporthal", n, 7, 0, 22, 0, 600))
		if wd == time.Tuesday || wd == time.Thursday {
			out = append(out, g.sportsEvent(id("aquagym"), "Aquagym", n, 19, 0, 20, 0, 600))
		}

		switch {
		case n == 0:
			out = append(out,
				g.show(id("cc-middag"), familyShows[r.IntN(len(familyShows))], n, 14, 30, 15, 45),
				g.show(id("cc-avond"), eveningShows[r.IntN(len(eveningShows))], n, 20, 15, 22, 15))
		case wd == time.Thursday || wd == time.Friday || wd == time.Saturday:
			out = append(out, g.show(id("cc-avond"), eveningShows[r.IntN(len(eveningShows))], n, 20, 15, 22, 15))
		case wd == time.Wednesday || wd == time.Sunday:
			out = append(out, g.show(id("cc-middag"), familyShows[r.IntN(len(familyShows))], n, 14, 30, 15, 45))
		}

		if wd == time.Wednesday || wd == time.Sunday {
			ev := balie.Event{ID: id("cinema"), OrganiserID: OrgCinema, Name: films[r.IntN(len(films))],
				Start: g.at(n, 20, 0), End: g.at(n, 22, 0), PointsPerCheckin: 1,
				CheckinLimit: balie.Limit{Volume: 1, Period: balie.PeriodDay},
				MarginBefore: 30 * time.Minute, MarginAfter: 30 * time.Minute}
			out = append(out, eventPlan{event: ev, tariffs: []balie.Tariff{
				regular(ev.ID, 950), social(ev.ID, 950, balie.Limit{Volume: 1, Period: balie.PeriodMonth}),
			}})
		}

		// The association plays its yearly production on the Friday and
		// Saturday of the second week ahead; associations give 2 points to
		// draw a new audience.
		if n >= 7 && n < 14 && (wd == time.Friday || wd == time.Saturday) {
			ev := balie.Event{ID: id("toneel"), OrganiserID: OrgTheatre,
				Name:  "Toneelkring Pallieter: De Witte van Zichem",
				Start: g.at(n, 20, 0), End: g.at(n, 22, 30), PointsPerCheckin: 2,
				CheckinLimit: balie.Limit{Volume: 1, Period: balie.PeriodAbsolute},
				MarginBefore: 60 * time.Minute, MarginAfter: 30 * time.Minute}
			out = append(out, eventPlan{event: ev, tariffs: []balie.Tariff{
				regular(ev.ID, 1000), social(ev.ID, 1000, balie.Limit{Volume: 1, Period: balie.PeriodMonth}),
			}})
		}
	}
	return out
}

func (g *generator) sportsEvent(id, name string, n, h1, m1, h2, m2 int, price balie.Cents) eventPlan {
	ev := balie.Event{ID: id, OrganiserID: OrgSports, Name: name,
		Start: g.at(n, h1, m1), End: g.at(n, h2, m2), PointsPerCheckin: 1,
		CheckinLimit: balie.Limit{Volume: 1, Period: balie.PeriodDay},
		MarginBefore: 30 * time.Minute, MarginAfter: 30 * time.Minute}
	// The social tariff at the pool has no per-holder limit: the city
	// wants people to swim as often as they like.
	return eventPlan{event: ev, tariffs: []balie.Tariff{regular(id, price), social(id, price, balie.Limit{})}}
}

func (g *generator) show(id string, p production, n, h1, m1, h2, m2 int) eventPlan {
	ev := balie.Event{ID: id, OrganiserID: OrgCulture, Name: p.title,
		Start: g.at(n, h1, m1), End: g.at(n, h2, m2), PointsPerCheckin: 1,
		CheckinLimit: balie.Limit{Volume: 1, Period: balie.PeriodAbsolute},
		MarginBefore: 60 * time.Minute, MarginAfter: 30 * time.Minute}
	price := balie.Cents(p.price)
	ts := []balie.Tariff{regular(id, price), social(id, price, balie.Limit{Volume: 1, Period: balie.PeriodMonth})}
	if p.coupon {
		// A third off, rounded down to 50 cents: the centre's own coupon,
		// whose discount the centre carries alone.
		ts = append(ts, balie.Tariff{ID: id + "-bon", EventID: id, Name: "Kortingsbon CC Lier",
			Kind: balie.TariffCoupon, Regular: price, CouponPrice: price * 2 / 3 / 50 * 50,
			Limit: balie.Limit{Volume: 1, Period: balie.PeriodQuarter}})
	}
	return eventPlan{event: ev, tariffs: ts}
}

func regular(eventID string, price balie.Cents) balie.Tariff {
	return balie.Tariff{ID: eventID + "-normaal", EventID: eventID, Name: "Normaal tarief",
		Kind: balie.TariffRegular, Regular: price}
}

// social is the social tariff; its name is what the customer may see, so
// it says "UiTPAS-tarief", never "kansentarief".
func social(eventID string, price balie.Cents, limit balie.Limit) balie.Tariff {
	return balie.Tariff{ID: eventID + "-uitpas", EventID: eventID, Name: "UiTPAS-tarief",
		Kind: balie.TariffSocial, Regular: price, Key: balie.CommonKey(), Limit: limit}
}

// Holders.

// Shares of the population, per thousand or per hundred, from the
// domain's figures where there are any and plausible guesses otherwise.
const (
	gracePct        = 5  // of the social-tariff holders: in the grace period
	expiredPct      = 6  // of the others: a social tariff that expired
	twoMembersPct   = 25 // of the members: a second membership
	socialSportsPct = 10 // of the social-tariff holders: a sports pass at the social price
	chipPct         = 92 // of the cards: a chip UID on record (older cards have none)
	blockedPerMille = 10 // of the holders: an older card, blocked
	regionPct       = 15 // of the residents: also in the region's card system
	graceMonths     = 3  // the grace period after a social tariff's end date

	maxChildren     = 60 // enrolled in childcare, the fixed two included
	enrolPerMille   = 65 // of the resident children aged 3-12: enrolled (about 60 in 8,200 holders)
	siblingPct      = 30 // of the enrolled: a sibling of the previous child
	parentPool      = 16 // recent adults a child's parent is drawn from
	partnerPct      = 70 // of the families: a second adult with a pick-up code
	grandparentPct  = 40 // of the families: a grandparent with a pick-up code
	familyMaxKids   = 3
	childGroupsFrom = 3
	childGroupsTo   = 12
)

// ageBands is the age pyramid of the holders, in percent: families with
// children and seniors use the pass most.
var ageBands = [...]struct{ from, to, pct int }{
	{0, 2, 2},
	{3, 12, 16},
	{13, 17, 8},
	{18, 25, 10},
	{26, 44, 24},
	{45, 64, 22},
	{65, 94, 18},
}

// parent is an adult who may become a child's parent: their ID and
// surname, which the child inherits.
type parent struct {
	id, first, last string
}

// family is the last enrolled child's family, so a next child can be a
// sibling with the same adults.
type family struct {
	parent     parent
	authorised []balie.AuthorisedAdult
	kids       int
}

// holder makes holder i. Each random holder draws from a stream seeded
// by the seed and its index alone, so one holder's draws never shift
// another's; only the parent pool and the count of enrolled children
// link a holder to the ones before it, which makes a smaller city an
// exact prefix of a bigger one with the same seed.
func (g *generator) holder(i int) (balie.Holder, []balie.Card, []balie.Membership, error) {
	if i < len(fixedHolders) {
		return g.fixedHolder(i)
	}
	g.pcg.Seed(g.seedHi, mix64(uint64(i)+g.seedLo))
	r := g.r

	age := drawAge(r)
	birth := time.Date(g.ty-age, g.tm, g.td-r.IntN(365), 0, 0, 0, 0, g.loc)
	female := r.IntN(2) == 0
	pc := drawPostalCode(r)
	h := balie.Holder{
		ID:         holderID(i),
		FirstName:  firstName(r, age, female),
		LastName:   surnames[r.IntN(len(surnames))],
		BirthDate:  birth,
		PostalCode: pc.code,
	}
	switch {
	case !pc.region:
		h.CardSystems = []string{CardSystemLier}
	case pc.code != "2500" || r.IntN(100) < regionPct:
		h.CardSystems = []string{CardSystemLier, CardSystemRegio}
	default:
		h.CardSystems = []string{CardSystemLier}
	}

	var ms []balie.Membership
	var err error
	if r.IntN(100) < g.cfg.SocialPct {
		if r.IntN(100) < gracePct {
			end := g.day(-1 - r.IntN(60))
			h.SocialTariff = balie.SocialTariff{State: balie.SocialActive, EndDate: end, GraceEnd: end.AddDate(0, graceMonths, 0)}
		} else {
			end := g.day(15 + r.IntN(700))
			h.SocialTariff = balie.SocialTariff{State: balie.SocialActive, EndDate: end, GraceEnd: end.AddDate(0, graceMonths, 0)}
		}
		if r.IntN(100) < socialSportsPct {
			ms, err = g.addMembership(ms, g.sports, h, g.day(-r.IntN(420)))
		}
	} else {
		if r.IntN(100) < expiredPct {
			end := g.day(-100 - r.IntN(600))
			h.SocialTariff = balie.SocialTariff{State: balie.SocialExpired, EndDate: end, GraceEnd: end.AddDate(0, graceMonths, 0)}
		}
		if r.IntN(100) < g.cfg.MembershipPct {
			ms, err = g.memberships(r, h, age)
		}
	}
	if err != nil {
		return balie.Holder{}, nil, nil, err
	}
	h.Points = drawPoints(r)

	cards, err := holderCards(i, r.IntN(100) < chipPct, r.IntN(1000) < blockedPerMille)
	if err != nil {
		return balie.Holder{}, nil, nil, err
	}
	switch {
	case age >= childGroupsFrom && age <= childGroupsTo && pc.code == "2500":
		g.maybeEnrol(r, &h, age)
	case age >= 30 && age <= 50 && pc.code == "2500":
		g.addParent(parent{id: h.ID, first: h.FirstName, last: h.LastName})
	}
	return h, cards, ms, nil
}

// memberships gives a holder without the social tariff one membership
// that fits their age, and sometimes a second one.
func (g *generator) memberships(r *rand.Rand, h balie.Holder, age int) ([]balie.Membership, error) {
	var first, second balie.MembershipProgram
	switch {
	case age < 12:
		first = g.sports
	case age < 26:
		first, second = g.youth, g.sports
		if r.IntN(100) >= 65 {
			first, second = second, first
		}
	default:
		first, second = g.friends, g.sports
		if r.IntN(100) >= 55 {
			first, second = second, first
		}
	}
	ms, err := g.addMembership(make([]balie.Membership, 0, 2), first, h, g.paidAt(r, first, h.BirthDate))
	if err != nil || second.ID == "" || r.IntN(100) >= twoMembersPct {
		return ms, err
	}
	return g.addMembership(ms, second, h, g.paidAt(r, second, h.BirthDate))
}

// paidAt draws when a membership was paid: during this season for the
// friends' circle, in the last 14 months for the sports pass (so some
// have lapsed and wait for renewal), in the last two years but not
// before the 12th birthday for the youth card.
func (g *generator) paidAt(r *rand.Rand, p balie.MembershipProgram, birth time.Time) time.Time {
	switch p.EndKind {
	case balie.EndFixed:
		days := int(g.today.Sub(g.seasonStart).Hours()/24 + 0.5)
		return g.day(-r.IntN(days + 1))
	case balie.EndAge:
		at := g.day(-r.IntN(700))
		if twelve := birth.AddDate(12, 0, 0); at.Before(twelve) {
			at = twelve
		}
		return at
	}
	return g.day(-r.IntN(420))
}

// addMembership uses the program's own rule for the term, so generated
// memberships end exactly where a sale at the desk would end them.
func (g *generator) addMembership(ms []balie.Membership, p balie.MembershipProgram, h balie.Holder, paid time.Time) ([]balie.Membership, error) {
	start, end, err := p.Term(paid, h.BirthDate, nil)
	if err != nil {
		return ms, fmt.Errorf("membership %s: %w", p.ID, err)
	}
	return append(ms, balie.Membership{HolderID: h.ID, ProgramID: p.ID, Start: start, End: end}), nil
}

func (g *generator) addParent(p parent) {
	if g.nParents < parentPool {
		g.parents[g.nParents] = p
		g.nParents++
		return
	}
	g.parents[g.next] = p
	g.next = (g.next + 1) % parentPool
}

// maybeEnrol enrols a resident child in childcare, as the child of a
// recent adult holder (whose surname the child takes) or as a sibling of
// the previous enrolled child. The cap keeps the provider the size of one
// real after-school centre however big the city is.
func (g *generator) maybeEnrol(r *rand.Rand, h *balie.Holder, age int) {
	if len(g.children) >= maxChildren || r.IntN(1000) >= enrolPerMille {
		return
	}
	if g.family.kids == 0 || g.family.kids >= familyMaxKids || r.IntN(100) >= siblingPct {
		if g.nParents == 0 {
			return
		}
		// A parent leaves the pool when picked, so each family is made
		// once and siblings always share the same adults.
		k := r.IntN(g.nParents)
		p := g.parents[k]
		g.nParents--
		g.parents[k] = g.parents[g.nParents]
		g.family = family{parent: p, authorised: authorisedFor(r, p)}
	}
	g.family.kids++
	h.LastName = g.family.parent.last
	g.children = append(g.children, balie.Child{
		HolderID:   h.ID,
		ProviderID: OrgChildcare,
		Group:      childGroup(age),
		Authorised: slices.Clone(g.family.authorised),
		SiblingKey: "fam-" + g.family.parent.id,
	})
}

// authorisedFor lists who may pick up the children of p: p with their own
// card, often a partner and sometimes a grandparent with a pick-up code.
func authorisedFor(r *rand.Rand, p parent) []balie.AuthorisedAdult {
	a := []balie.AuthorisedAdult{{Name: p.first + " " + p.last, HolderID: p.id}}
	if r.IntN(100) < partnerPct {
		// Belgian partners usually keep their own surname.
		name := firstName(r, 40, r.IntN(2) == 0) + " " + surnames[r.IntN(len(surnames))]
		a = append(a, balie.AuthorisedAdult{Name: name, Code: pad(r.IntN(10000), 4)})
	}
	if r.IntN(100) < grandparentPct {
		name := firstName(r, 70, r.IntN(2) == 0) + " " + p.last
		code := r.IntN(10000)
		if len(a) > 1 && a[1].Code == pad(code, 4) {
			code = (code + 1) % 10000 // each adult a code of their own
		}
		a = append(a, balie.AuthorisedAdult{Name: name, Code: pad(code, 4)})
	}
	return a
}

func childGroup(age int) string {
	switch {
	case age <= 5:
		return "Kleuters"
	case age <= 8:
		return "Lager 1-3"
	}
	return "Lager 4-6"
}

func drawAge(r *rand.Rand) int {
	u := r.IntN(100)
	for _, b := range ageBands {
		if u < b.pct {
			return b.from + r.IntN(b.to-b.from+1)
		}
		u -= b.pct
	}
	return 40 // unreachable while the bands add up to 100
}

func drawPostalCode(r *rand.Rand) postalCode {
	u := r.IntN(1000)
	for _, p := range postalCodes {
		if u < p.weight {
			return p
		}
		u -= p.weight
	}
	return postalCodes[0]
}

// firstName picks a name that was fashionable when someone of that age
// was born.
func firstName(r *rand.Rand, age int, female bool) string {
	switch {
	case age < 20 && female:
		return girlsChildren[r.IntN(len(girlsChildren))]
	case age < 20:
		return boysChildren[r.IntN(len(boysChildren))]
	case age < 65 && female:
		return womenAdults[r.IntN(len(womenAdults))]
	case age < 65:
		return menAdults[r.IntN(len(menAdults))]
	case female:
		return womenSeniors[r.IntN(len(womenSeniors))]
	}
	return menSeniors[r.IntN(len(menSeniors))]
}

// drawPoints is skewed low: most holders save a few points and spend
// them, a few collect dozens.
func drawPoints(r *rand.Rand) int {
	u := r.Float64()
	return min(int(61*u*u*u), 60)
}

// holderCards makes holder i's current card and, when blocked, an older
// card that was reported lost.
func holderCards(i int, chip, blocked bool) ([]balie.Card, error) {
	id := holderID(i)
	n, err := balie.NewCardNumber(holderFirst12(i))
	if err != nil {
		return nil, fmt.Errorf("card number: %w", err)
	}
	c := balie.Card{Number: n, Status: balie.CardActive, CardSystem: CardSystemLier, HolderID: id}
	if chip {
		c.ChipUID = chipUID(chipSerialHolder + uint64(i))
	}
	if !blocked {
		return []balie.Card{c}, nil
	}
	old, err := balie.NewCardNumber(blockedFirst12(i))
	if err != nil {
		return nil, fmt.Errorf("card number: %w", err)
	}
	return []balie.Card{c, {Number: old, ChipUID: chipUID(chipSerialBlocked + uint64(i)),
		Status: balie.CardBlocked, CardSystem: CardSystemLier, HolderID: id}}, nil
}

// Fixed holders.

// fixedHolder is one of the first holders, the same in every city.
type fixedHolder struct {
	first, last string
	age, days   int // age in years and days past the last birthday, at Today
	postalCode  string
	regio       bool
	points      int
	social      balie.SocialTariffState
	endDays     int  // social tariff end date, in days from Today
	friends     bool // member of the friends' circle
	blocked     bool // has an older, blocked card; the well-known card is that one
	childOf     int  // index of the parent holder, for a child in childcare; -1 otherwise
	group       string
	wellKnown   string // the description in WellKnown; empty when not listed
}

var fixedHolders = [...]fixedHolder{
	{first: "Tom", last: "Peeters", age: 38, days: 120, postalCode: "2500", points: 23, friends: true, childOf: -1,
		wellKnown: "Gewone pashouder Tom Peeters: kaart actief, geen kansentarief, lid van de Vriendenkring CC Lier, 23 punten. Vader van Lotte en Noah in de BKO."},
	{first: "Kevin", last: "Janssens", age: 44, days: 200, postalCode: "2500", points: 12,
		social: balie.SocialActive, endDays: 240, childOf: -1,
		wellKnown: "Pashouder met kansentarief (actief): Kevin Janssens, 12 punten."},
	{first: "Marleen", last: "Wouters", age: 61, days: 30, postalCode: "2500", regio: true, points: 41,
		social: balie.SocialActive, endDays: -20, childOf: -1,
		wellKnown: "Kansentarief in de respijtperiode: Marleen Wouters, einddatum 20 dagen geleden verstreken, status nog actief (ACTIVE), 41 punten."},
	{first: "Jonas", last: "Vermeulen", age: 29, days: 250, postalCode: "2560", regio: true, points: 7,
		blocked: true, childOf: -1,
		wellKnown: "Geblokkeerde kaart (verloren gemeld) van Jonas Vermeulen uit Nijlen; zijn nieuwe kaart is actief."},
	{first: "Lotte", last: "Peeters", age: 8, days: 60, postalCode: "2500", points: 3, childOf: 0, group: "Lager 1-3",
		wellKnown: "Kind in de buitenschoolse opvang (BKO De Speelvogel): Lotte Peeters, 8 jaar, met haar broer Noah. Ophalen: Tom Peeters (eigen kaart), Sofie Verhoeven (code 2580) of Rita Peeters (code 7310)."},
	{first: "Noah", last: "Peeters", age: 5, days: 300, postalCode: "2500", points: 0, childOf: 0, group: "Kleuters"},
	{first: "Georges", last: "Claes", age: 79, days: 10, postalCode: "2500", points: 0,
		social: balie.SocialExpired, endDays: -150, childOf: -1,
		wellKnown: "Kansentarief vervallen (EXPIRED): Georges Claes, 79 jaar, betaalt het gewone tarief."},
}

// fixedAuthorised are the adults who may pick up the fixed children.
var fixedAuthorised = [...]balie.AuthorisedAdult{
	{Name: "Tom Peeters", HolderID: "h-0000000"},
	{Name: "Sofie Verhoeven", Code: "2580"},
	{Name: "Rita Peeters", Code: "7310"},
}

func (g *generator) fixedHolder(i int) (balie.Holder, []balie.Card, []balie.Membership, error) {
	f := fixedHolders[i]
	h := balie.Holder{
		ID:          holderID(i),
		FirstName:   f.first,
		LastName:    f.last,
		BirthDate:   time.Date(g.ty-f.age, g.tm, g.td-f.days, 0, 0, 0, 0, g.loc),
		PostalCode:  f.postalCode,
		CardSystems: []string{CardSystemLier},
		Points:      f.points,
	}
	if f.regio {
		h.CardSystems = append(h.CardSystems, CardSystemRegio)
	}
	if f.social != balie.SocialNone {
		end := g.day(f.endDays)
		h.SocialTariff = balie.SocialTariff{State: f.social, EndDate: end, GraceEnd: end.AddDate(0, graceMonths, 0)}
	}
	var ms []balie.Membership
	if f.friends {
		// Paid halfway through the season so far: valid today whatever
		// day Today is.
		half := int(g.today.Sub(g.seasonStart).Hours()/24) / 2
		var err error
		if ms, err = g.addMembership(nil, g.friends, h, g.day(-half)); err != nil {
			return balie.Holder{}, nil, nil, err
		}
	}
	cards, err := holderCards(i, true, f.blocked)
	if err != nil {
		return balie.Holder{}, nil, nil, err
	}
	if f.childOf >= 0 {
		g.children = append(g.children, balie.Child{
			HolderID:   h.ID,
			ProviderID: OrgChildcare,
			Group:      f.group,
			Authorised: slices.Clone(fixedAuthorised[:]),
			SiblingKey: "fam-" + holderID(f.childOf),
		})
	}
	return h, cards, ms, nil
}

// Numbers.

// publicNumbers are the first 12 digits of the two public UiTPAS test
// numbers, given to holders 0 and 1 so the documentation's examples work
// at the demo desk.
var publicNumbers = [...]string{"090000009590", "100000052000"}

// Chip serials: disjoint ranges below 2^48 that chipUID permutes, so the
// UIDs look random and are still unique.
const (
	chipSerialHolder  = 0
	chipSerialBlocked = 1 << 44
	chipSerialStock   = 1 << 45
)

func holderFirst12(i int) string {
	if i < len(publicNumbers) {
		return publicNumbers[i]
	}
	return "0930" + scatter8(i)
}

func blockedFirst12(i int) string { return "0931" + scatter8(i) }

func staffFirst12(k int) string { return "0990" + pad(k+1, 8) }

// scatter8 permutes 0..10^8-1: a multiplier coprime with 10 makes
// i*a+b mod 10^8 a bijection, so numbers of neighbouring holders look
// unrelated (as real card numbers do) and never collide.
func scatter8(i int) string {
	const a, b, m = 73_928_161, 5_091_337, 100_000_000
	return pad(int((int64(i)*a+b)%m), 8)
}

// pad formats v with leading zeros to width digits.
func pad(v, width int) string {
	var buf [20]byte
	n := len(buf)
	for ; v > 0 || n > len(buf)-width; v /= 10 {
		n--
		buf[n] = byte('0' + v%10)
	}
	return string(buf[n:])
}

// holderID is "h-" and the index in seven digits.
func holderID(i int) string { return "h-" + pad(i, 7) }

// chipUID makes a 7-byte NXP-style UID (manufacturer byte 04) from a
// serial below 2^48 through a bijection of 48 bits, in upper-case hex.
func chipUID(serial uint64) balie.ChipUID {
	const mask = 1<<48 - 1
	x := serial & mask
	x = (x ^ 0x9c3a_51e7_2d4b) * 0x5_deec_e66d & mask // odd multiplier: a bijection mod 2^48
	x ^= x >> 23
	x = x * 0xa5_a5a5_a5a5_a5a7 & mask
	x ^= x >> 19
	const digits = "0123456789ABCDEF"
	var b [14]byte
	b[0], b[1] = '0', '4'
	for k := 13; k >= 2; k-- {
		b[k] = digits[x&0xf]
		x >>= 4
	}
	return balie.ChipUID(b[:])
}

// mix64 is SplitMix64's finaliser: it spreads neighbouring seeds and
// indices over the whole state space, so the streams of holder i and
// holder i+1 are unrelated.
func mix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

package demo

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/balie/balie"
)

// testToday is a fixed Tuesday, so the programme and every date are
// reproducible; it is in the season 2025-2026.
var testToday = time.Date(2025, time.November, 18, 10, 30, 0, 0, time.UTC)

// holderRec is one Holder call.
type holderRec struct {
	h     balie.Holder
	cards []balie.Card
	ms    []balie.Membership
}

// city records everything a Generate call passes, and the order of the
// kinds of calls.
type city struct {
	order     []string // the kind of each call, consecutive repeats folded
	systems   []balie.CardSystem
	orgs      []balie.Organiser
	desks     []balie.Desk
	staff     []balie.Staff
	events    []balie.Event
	tariffs   []balie.Tariff
	rewards   []balie.Reward
	products  []balie.Product
	programs  []balie.MembershipProgram
	prices    []balie.CardPriceRule
	rates     map[string]balie.ChildcareRates
	holders   []holderRec
	byID      map[string]holderRec
	children  []balie.Child
	stock     []balie.Card
	failAfter int // the holder call that fails, counting from 0; -1 never
}

var errSinkFull = errors.New("sink full")

func (c *city) saw(kind string) {
	if len(c.order) == 0 || c.order[len(c.order)-1] != kind {
		c.order = append(c.order, kind)
	}
}

func (c *city) CardSystem(s balie.CardSystem) error {
	c.saw("CardSystem")
	c.systems = append(c.systems, s)
	return nil
}
func (c *city) Organiser(o balie.Organiser) error {
	c.saw("Organiser")
	c.orgs = append(c.orgs, o)
	return nil
}
func (c *city) Desk(d balie.Desk) error {
	c.saw("Desk")
	c.desks = append(c.desks, d)
	return nil
}
func (c *city) Staff(s balie.Staff) error {
	c.saw("Staff")
	c.staff = append(c.staff, s)
	return nil
}
func (c *city) Event(e balie.Event) error {
	c.saw("Event")
	c.events = append(c.events, e)
	return nil
}
func (c *city) Tariff(t balie.Tariff) error {
	c.saw("Tariff")
	c.tariffs = append(c.tariffs, t)
	return nil
}
func (c *city) Reward(r balie.Reward) error {
	c.saw("Reward")
	c.rewards = append(c.rewards, r)
	return nil
}
func (c *city) Product(p balie.Product) error {
	c.saw("Product")
	c.products = append(c.products, p)
	return nil
}
func (c *city) Program(p balie.MembershipProgram) error {
	c.saw("Program")
	c.programs = append(c.programs, p)
	return nil
}
func (c *city) CardPrice(r balie.CardPriceRule) error {
	c.saw("CardPrice")
	c.prices = append(c.prices, r)
	return nil
}
func (c *city) Rates(id string, r balie.ChildcareRates) error {
	c.saw("Rates")
	if c.rates == nil {
		c.rates = map[string]balie.ChildcareRates{}
	}
	c.rates[id] = r
	return nil
}
func (c *city) Holder(h balie.Holder, cards []balie.Card, ms []balie.Membership) error {
	c.saw("Holder")
	if c.failAfter >= 0 && len(c.holders) == c.failAfter {
		return errSinkFull
	}
	rec := holderRec{h, cards, ms}
	c.holders = append(c.holders, rec)
	if c.byID == nil {
		c.byID = map[string]holderRec{}
	}
	c.byID[h.ID] = rec
	return nil
}
func (c *city) Child(ch balie.Child) error {
	c.saw("Child")
	c.children = append(c.children, ch)
	return nil
}
func (c *city) StockCard(card balie.Card) error {
	c.saw("StockCard")
	c.stock = append(c.stock, card)
	return nil
}

// generate builds a city and fails the test on an error.
func generate(t testing.TB, cfg Config) *city {
	t.Helper()
	c := &city{failAfter: -1}
	if err := Generate(cfg, c); err != nil {
		t.Fatalf("Generate: %v", err)
	}
	return c
}

// hashSink digests every call, to compare whole cities cheaply.
type hashSink struct {
	h       hash.Hash
	holders []string // the digest after each holder
}

func newHashSink() *hashSink { return &hashSink{h: sha256.New()} }

func (s *hashSink) put(kind string, v ...any) error {
	fmt.Fprintf(s.h, "%s %+v\n", kind, v)
	return nil
}
func (s *hashSink) sum() string                                   { return fmt.Sprintf("%x", s.h.Sum(nil)) }
func (s *hashSink) CardSystem(v balie.CardSystem) error           { return s.put("cs", v) }
func (s *hashSink) Organiser(v balie.Organiser) error             { return s.put("org", v) }
func (s *hashSink) Desk(v balie.Desk) error                       { return s.put("desk", v) }
func (s *hashSink) Staff(v balie.Staff) error                     { return s.put("staff", v) }
func (s *hashSink) Event(v balie.Event) error                     { return s.put("ev", v) }
func (s *hashSink) Tariff(v balie.Tariff) error                   { return s.put("tf", v) }
func (s *hashSink) Reward(v balie.Reward) error                   { return s.put("rw", v) }
func (s *hashSink) Product(v balie.Product) error                 { return s.put("prod", v) }
func (s *hashSink) Program(v balie.MembershipProgram) error       { return s.put("prog", v) }
func (s *hashSink) CardPrice(v balie.CardPriceRule) error         { return s.put("price", v) }
func (s *hashSink) Rates(id string, v balie.ChildcareRates) error { return s.put("rates", id, v) }
func (s *hashSink) Child(v balie.Child) error                     { return s.put("child", v) }
func (s *hashSink) StockCard(v balie.Card) error                  { return s.put("stock", v) }
func (s *hashSink) Holder(h balie.Holder, cards []balie.Card, ms []balie.Membership) error {
	one := sha256.Sum256(fmt.Appendf(nil, "%+v %+v %+v", h, cards, ms))
	s.holders = append(s.holders, fmt.Sprintf("%x", one))
	return s.put("holder", h, cards, ms)
}

func digest(t *testing.T, cfg Config) *hashSink {
	t.Helper()
	s := newHashSink()
	if err := Generate(cfg, s); err != nil {
		t.Fatalf("Generate: %v", err)
	}
	return s
}

func TestGenerate_Deterministic(t *testing.T) {
	base := Config{Holders: 3000, Seed: 7, Today: testToday}
	other := base
	other.Seed = 8
	sameDay := base
	sameDay.Today = testToday.Add(5 * time.Hour) // another moment of the same Brussels day

	tests := []struct {
		name string
		a, b Config
		same bool
	}{
		{"same config", base, base, true},
		{"same Brussels day", base, sameDay, true},
		{"other seed", base, other, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := digest(t, tt.a), digest(t, tt.b)
			if got := a.sum() == b.sum(); got != tt.same {
				t.Errorf("same digest = %v, want %v", got, tt.same)
			}
		})
	}

	t.Run("smaller city is a prefix", func(t *testing.T) {
		small := base
		small.Holders = 1000
		a, b := digest(t, small), digest(t, base)
		if !slices.Equal(a.holders, b.holders[:len(a.holders)]) {
			t.Errorf("the first %d holders differ between a city of %d and one of %d", small.Holders, small.Holders, base.Holders)
		}
	})

	t.Run("fixed holders do not depend on the seed", func(t *testing.T) {
		a, b := digest(t, base), digest(t, other)
		if !slices.Equal(a.holders[:len(fixedHolders)], b.holders[:len(fixedHolders)]) {
			t.Error("the fixed holders differ between seeds")
		}
	})
}

func TestGenerate_Order(t *testing.T) {
	c := generate(t, Config{Holders: 500, Today: testToday})
	want := []string{"CardSystem", "Organiser", "Desk", "Staff", "Event", "Tariff", "Reward",
		"Product", "Program", "CardPrice", "Rates", "Holder", "Child", "StockCard"}
	if !slices.Equal(c.order, want) {
		t.Errorf("call order = %v, want %v", c.order, want)
	}
}

func TestGenerate_Percentages(t *testing.T) {
	c := generate(t, Config{Today: testToday}) // the defaults: 8,200 holders
	if got := len(c.holders); got != DefaultHolders {
		t.Fatalf("holders = %d, want %d", got, DefaultHolders)
	}
	var social, grace, others, expired, members, two, blocked, resident, chips, minors, seniors, points int
	today := testToday
	for _, r := range c.holders {
		h := r.h
		if h.SocialTariff.Applies() {
			social++
			if h.SocialTariff.InGrace(today) {
				grace++
			}
		} else {
			others++
			if h.SocialTariff.State == balie.SocialExpired {
				expired++
			}
			if len(r.ms) > 0 {
				members++
			}
			if len(r.ms) == 2 {
				two++
			}
		}
		if slices.ContainsFunc(r.cards, func(c balie.Card) bool { return c.Status == balie.CardBlocked }) {
			blocked++
		}
		if h.PostalCode == "2500" {
			resident++
		}
		if r.cards[0].ChipUID != "" {
			chips++
		}
		switch age := balie.Age(h.BirthDate, today); {
		case age < 18:
			minors++
		case age >= 65:
			seniors++
		}
		if h.Points < 0 || h.Points > 60 {
			t.Errorf("%s has %d points, want 0 to 60", h.ID, h.Points)
		}
		points += h.Points
	}
	n := len(c.holders)
	pct := func(a, b int) float64 { return 100 * float64(a) / float64(b) }
	tests := []struct {
		name     string
		got      float64
		from, to float64
	}{
		{"social tariff of all", pct(social, n), 43, 47},
		{"in grace of social", pct(grace, social), 3, 7},
		{"expired of the others", pct(expired, others), 4, 8},
		{"members of the others", pct(members, others), 67, 73},
		{"two memberships of the others", pct(two, others), 5, 25},
		{"blocked card", pct(blocked, n), 0.5, 1.6},
		{"resident of Lier", pct(resident, n), 79, 85},
		{"chip on record", pct(chips, n), 89, 95},
		{"under 18", pct(minors, n), 22, 30},
		{"65 or older", pct(seniors, n), 15, 21},
		{"mean points", float64(points) / float64(n), 10, 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got < tt.from || tt.got > tt.to {
				t.Errorf("%s = %.2f, want %.0f to %.0f", tt.name, tt.got, tt.from, tt.to)
			}
		})
	}
}

func TestGenerate_Config(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		wantErr string
	}{
		{"no today", Config{Holders: 100}, "Today"},
		{"too few holders", Config{Holders: 3, Today: testToday}, "3 holders"},
		{"too many holders", Config{Holders: MaxHolders + 1, Today: testToday}, "holders"},
		{"negative holders", Config{Holders: -5, Today: testToday}, "holders"},
		{"social above 100", Config{Holders: 100, SocialPct: 101, Today: testToday}, "SocialPct"},
		{"membership above 100", Config{Holders: 100, MembershipPct: 150, Today: testToday}, "MembershipPct"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Generate(tt.cfg, &city{failAfter: -1})
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Generate error = %v, want one mentioning %q", err, tt.wantErr)
			}
		})
	}

	t.Run("negative percentages mean none", func(t *testing.T) {
		c := generate(t, Config{Holders: 2000, SocialPct: -1, MembershipPct: -1, Today: testToday})
		for _, r := range c.holders[len(fixedHolders):] {
			if r.h.SocialTariff.Applies() || len(r.ms) > 0 {
				t.Fatalf("%s has social tariff %q and %d memberships, want none", r.h.ID, r.h.SocialTariff.State, len(r.ms))
			}
		}
	})
}

func TestGenerate_SinkError(t *testing.T) {
	c := &city{failAfter: 123}
	err := Generate(Config{Holders: 500, Today: testToday}, c)
	if !errors.Is(err, errSinkFull) {
		t.Fatalf("Generate error = %v, want it to wrap %v", err, errSinkFull)
	}
	if want := "demo: holder 123: sink full"; err.Error() != want {
		t.Errorf("error = %q, want %q", err, want)
	}
	if len(c.children) > 0 || len(c.stock) > 0 {
		t.Errorf("Generate went on after the sink failed: %d children, %d stock cards", len(c.children), len(c.stock))
	}
}

func TestGenerate_CardNumbers(t *testing.T) {
	c := generate(t, Config{Today: testToday})
	numbers := map[balie.CardNumber]string{}
	chips := map[balie.ChipUID]string{}
	check := func(who string, n balie.CardNumber, chip balie.ChipUID) {
		t.Helper()
		if _, err := balie.ParseCardNumber(string(n)); err != nil {
			t.Errorf("%s: card number %q: %v", who, n, err)
		}
		if prev, dup := numbers[n]; dup {
			t.Errorf("%s: card number %s already given to %s", who, n, prev)
		}
		numbers[n] = who
		if chip == "" {
			return
		}
		if got, err := balie.ParseChipUID(string(chip)); err != nil || got != chip || len(chip) != 14 {
			t.Errorf("%s: chip UID %q: parsed %q, %v; want 7 upper-case hex bytes", who, chip, got, err)
		}
		if prev, dup := chips[chip]; dup {
			t.Errorf("%s: chip UID %s already given to %s", who, chip, prev)
		}
		chips[chip] = who
	}
	for _, r := range c.holders {
		active := 0
		for _, card := range r.cards {
			check(r.h.ID, card.Number, card.ChipUID)
			if card.HolderID != r.h.ID || card.CardSystem != CardSystemLier {
				t.Errorf("%s: card %s has holder %q in %q", r.h.ID, card.Number, card.HolderID, card.CardSystem)
			}
			if card.Status == balie.CardActive {
				active++
			}
		}
		if active != 1 {
			t.Errorf("%s has %d active cards, want 1", r.h.ID, active)
		}
	}
	for _, s := range c.staff {
		check(s.ID, s.CardNumber, "")
	}
	perDesk := map[string]int{}
	for _, card := range c.stock {
		check("stock", card.Number, card.ChipUID)
		if card.Status != balie.CardLocalStock || card.HolderID != "" {
			t.Errorf("stock card %s: status %s, holder %q", card.Number, card.Status, card.HolderID)
		}
		perDesk[card.StockDesk]++
	}
	if want := map[string]int{BoxOfficeDesk: 200, SportsDesk: 100}; !mapsEqual(perDesk, want) {
		t.Errorf("stock per desk = %v, want %v", perDesk, want)
	}
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestWellKnown(t *testing.T) {
	c := generate(t, Config{Holders: 50, Seed: 99, Today: testToday})
	today := testToday
	cardOf := func(n balie.CardNumber) (holderRec, balie.Card, bool) {
		for _, r := range c.holders {
			for _, card := range r.cards {
				if card.Number == n {
					return r, card, true
				}
			}
		}
		return holderRec{}, balie.Card{}, false
	}
	childOf := func(id string) (balie.Child, bool) {
		i := slices.IndexFunc(c.children, func(ch balie.Child) bool { return ch.HolderID == id })
		if i < 0 {
			return balie.Child{}, false
		}
		return c.children[i], true
	}
	staffOf := func(id string) balie.Staff {
		i := slices.IndexFunc(c.staff, func(s balie.Staff) bool { return s.ID == id })
		if i < 0 {
			t.Fatalf("no staff %s", id)
		}
		return c.staff[i]
	}

	// The numbers are in the package documentation; they must not move.
	holderTests := []struct {
		number balie.CardNumber
		id     string
		check  func(r holderRec, card balie.Card) string
	}{
		{"0900000095902", "h-0000000", func(r holderRec, card balie.Card) string {
			if card.Status != balie.CardActive || r.h.SocialTariff.State != balie.SocialNone || r.h.Points == 0 {
				return "want an active card, no social tariff and some points"
			}
			if len(r.ms) != 1 || r.ms[0].ProgramID != ProgramFriends || !r.ms[0].Valid(today) {
				return fmt.Sprintf("memberships %+v, want a valid friends' circle", r.ms)
			}
			return ""
		}},
		{"1000000520006", "h-0000001", func(r holderRec, card balie.Card) string {
			if card.Status != balie.CardActive || !r.h.SocialTariff.Applies() || r.h.SocialTariff.InGrace(today) {
				return "want an active card and an active social tariff, not in grace"
			}
			return ""
		}},
		{"0930529476598", "h-0000002", func(r holderRec, card balie.Card) string {
			if card.Status != balie.CardActive || !r.h.SocialTariff.InGrace(today) {
				return fmt.Sprintf("social tariff %+v, want one in grace", r.h.SocialTariff)
			}
			return ""
		}},
		{"0931268758204", "h-0000003", func(r holderRec, card balie.Card) string {
			if card.Status != balie.CardBlocked || len(r.cards) != 2 || r.cards[0].Status != balie.CardActive ||
				r.cards[0].Number != "0930268758206" {
				return fmt.Sprintf("cards %+v, want this one blocked and 0930268758206 active", r.cards)
			}
			return ""
		}},
		{"0930008039818", "h-0000004", func(r holderRec, card balie.Card) string {
			ch, ok := childOf(r.h.ID)
			if !ok || ch.ProviderID != OrgChildcare {
				return "want a child enrolled at " + OrgChildcare
			}
			if age := balie.Age(r.h.BirthDate, today); age != 8 {
				return fmt.Sprintf("age %d, want 8", age)
			}
			sib, ok := childOf("h-0000005")
			if !ok || sib.SiblingKey != ch.SiblingKey {
				return "want Noah (h-0000005) enrolled as a sibling"
			}
			want := []balie.AuthorisedAdult{{Name: "Tom Peeters", HolderID: "h-0000000"},
				{Name: "Sofie Verhoeven", Code: "2580"}, {Name: "Rita Peeters", Code: "7310"}}
			if !slices.Equal(ch.Authorised, want) {
				return fmt.Sprintf("authorised %+v, want %+v", ch.Authorised, want)
			}
			return ""
		}},
		{"0930486603036", "h-0000006", func(r holderRec, card balie.Card) string {
			if r.h.SocialTariff.State != balie.SocialExpired || r.h.SocialTariff.Applies() {
				return fmt.Sprintf("social tariff %+v, want EXPIRED", r.h.SocialTariff)
			}
			return ""
		}},
	}
	staffTests := []struct {
		number balie.CardNumber
		id     string
		role   balie.Role
	}{
		{"0990000000010", "staff-sup", balie.RoleSupervisor},
		{"0990000000028", "staff-box-1", balie.RoleClerk},
	}

	wk := WellKnown()
	if got, want := len(wk), len(holderTests)+len(staffTests); got != want {
		t.Fatalf("WellKnown has %d cards, want %d", got, want)
	}
	for k, tt := range holderTests {
		t.Run(string(tt.number), func(t *testing.T) {
			if wk[k].Number != tt.number || wk[k].HolderID != tt.id || wk[k].Description == "" {
				t.Errorf("WellKnown()[%d] = %+v, want %s of %s with a description", k, wk[k], tt.number, tt.id)
			}
			r, card, ok := cardOf(tt.number)
			if !ok {
				t.Fatalf("no holder has card %s", tt.number)
			}
			if r.h.ID != tt.id || card.ChipUID != wk[k].ChipUID {
				t.Errorf("card %s belongs to %s with chip %q, want %s with %q", tt.number, r.h.ID, card.ChipUID, tt.id, wk[k].ChipUID)
			}
			if msg := tt.check(r, card); msg != "" {
				t.Error(msg)
			}
		})
	}
	for k, tt := range staffTests {
		t.Run(tt.id, func(t *testing.T) {
			w := wk[len(holderTests)+k]
			if w.Number != tt.number || w.StaffID != tt.id || w.HolderID != "" {
				t.Errorf("WellKnown = %+v, want %s of %s", w, tt.number, tt.id)
			}
			s := staffOf(tt.id)
			if s.CardNumber != tt.number || s.Role != tt.role || !s.CheckPIN(DemoPIN) {
				t.Errorf("staff %+v, want card %s, role %s and PIN %s", s, tt.number, tt.role, DemoPIN)
			}
		})
	}
}

func TestGenerate_Staff(t *testing.T) {
	c := generate(t, Config{Holders: 10, Today: testToday})
	roles := map[balie.Role]int{}
	salts := map[string]bool{}
	for _, s := range c.staff {
		roles[s.Role]++
		if s.PINHash != balie.HashPIN(s.PINSalt, DemoPIN) || s.CheckPIN("0000") {
			t.Errorf("%s: the PIN is not %s alone", s.ID, DemoPIN)
		}
		if s.PINSalt == "" || salts[s.PINSalt] {
			t.Errorf("%s: salt %q empty or shared", s.ID, s.PINSalt)
		}
		salts[s.PINSalt] = true
	}
	if roles[balie.RoleSupervisor] != 1 || roles[balie.RoleClerk] != 2*len(c.desks) {
		t.Errorf("roles = %v, want 1 supervisor and 2 clerks per desk", roles)
	}
}

func TestGenerate_Children(t *testing.T) {
	c := generate(t, Config{Today: testToday})
	if n := len(c.children); n < 50 || n > maxChildren {
		t.Errorf("%d children in childcare, want about 60", n)
	}
	families := map[string]int{}
	var byCard, byCode int
	code := regexp.MustCompile(`^[0-9]{4}$`)
	for _, ch := range c.children {
		r, ok := c.byID[ch.HolderID]
		if !ok {
			t.Errorf("child %s is not a holder", ch.HolderID)
			continue
		}
		if age := balie.Age(r.h.BirthDate, testToday); age < 3 || age > 12 {
			t.Errorf("child %s is %d, want 3 to 12", ch.HolderID, age)
		}
		if ch.ProviderID != OrgChildcare || ch.Group == "" || ch.SiblingKey == "" {
			t.Errorf("child %+v: want provider %s, a group and a family key", ch, OrgChildcare)
		}
		families[ch.SiblingKey]++
		if n := len(ch.Authorised); n < 1 || n > 3 {
			t.Errorf("child %s has %d authorised adults, want 1 to 3", ch.HolderID, n)
		}
		for _, a := range ch.Authorised {
			switch {
			case a.HolderID != "":
				byCard++
				p, ok := c.byID[a.HolderID]
				if !ok {
					t.Errorf("child %s: authorised %q is holder %s, who does not exist", ch.HolderID, a.Name, a.HolderID)
					continue
				}
				if age := balie.Age(p.h.BirthDate, testToday); age < 18 {
					t.Errorf("child %s: authorised %s is %d", ch.HolderID, a.HolderID, age)
				}
				if a.Name != p.h.FirstName+" "+p.h.LastName || p.h.LastName != r.h.LastName {
					t.Errorf("child %s %s: parent %q is holder %s %s", ch.HolderID, r.h.LastName, a.Name, p.h.FirstName, p.h.LastName)
				}
			case code.MatchString(a.Code):
				byCode++
			default:
				t.Errorf("child %s: authorised %+v has neither a holder nor a 4-digit code", ch.HolderID, a)
			}
		}
	}
	siblings := 0
	for _, n := range families {
		if n > 1 {
			siblings++
		}
	}
	if byCard == 0 || byCode == 0 || siblings < 2 {
		t.Errorf("%d adults by card, %d by code, %d families with siblings; want some of each", byCard, byCode, siblings)
	}
}

func TestGenerate_Programme(t *testing.T) {
	c := generate(t, Config{Holders: 10, Today: testToday})
	loc := balie.Brussels()
	orgs := map[string]bool{}
	for _, o := range c.orgs {
		orgs[o.ID] = true
	}
	events := map[string]balie.Event{}
	for _, ev := range c.events {
		if _, dup := events[ev.ID]; dup {
			t.Errorf("event %s twice", ev.ID)
		}
		events[ev.ID] = ev
		if !orgs[ev.OrganiserID] || !ev.End.After(ev.Start) || ev.Start.Location() != loc {
			t.Errorf("event %+v: want a known organiser, an end after the start, Brussels times", ev)
		}
		if ev.MarginBefore < 30*time.Minute || ev.MarginBefore > time.Hour || ev.MarginAfter < 30*time.Minute || ev.MarginAfter > time.Hour {
			t.Errorf("event %s: margins %v and %v, want 30 to 60 minutes", ev.ID, ev.MarginBefore, ev.MarginAfter)
		}
	}

	// Today is Tuesday 18 November 2025.
	today := []struct {
		id         string
		org        string
		start, end string
	}{
		{"ev-20251118-cc-middag", OrgCulture, "14:30", "15:45"},
		{"ev-20251118-cc-avond", OrgCulture, "20:15", "22:15"},
		{"ev-20251118-zwemmen", OrgSports, "07:00", "22:00"},
		{"ev-20251118-fitness", OrgSports, "07:00", "22:00"},
		{"ev-20251118-bko", OrgChildcare, "07:00", "18:30"},
	}
	for _, tt := range today {
		t.Run(tt.id, func(t *testing.T) {
			ev, ok := events[tt.id]
			if !ok {
				t.Fatalf("no event %s", tt.id)
			}
			if ev.OrganiserID != tt.org || ev.Start.Format("15:04") != tt.start || ev.End.Format("15:04") != tt.end ||
				ev.Start.Format("2006-01-02") != "2025-11-18" {
				t.Errorf("%s: %s %s-%s, want %s %s-%s", tt.id, ev.OrganiserID,
					ev.Start.Format("2006-01-02 15:04"), ev.End.Format("15:04"), tt.org, tt.start, tt.end)
			}
		})
	}
	if len(c.events) < 100 {
		t.Errorf("%d events, want the weeks around today filled", len(c.events))
	}

	socialHolder := balie.Holder{ID: "h", SocialTariff: balie.SocialTariff{State: balie.SocialActive}}
	kinds := map[balie.TariffKind]int{}
	for _, tf := range c.tariffs {
		kinds[tf.Kind]++
		if _, ok := events[tf.EventID]; !ok {
			t.Errorf("tariff %s is for unknown event %s", tf.ID, tf.EventID)
		}
		if tf.Kind == balie.TariffSocial {
			if err := tf.Key.Validate(); err != nil {
				t.Errorf("tariff %s: key %+v: %v", tf.ID, tf.Key, err)
			}
		}
		q, err := balie.QuoteTicket(tf, socialHolder, 1, 0)
		if err != nil {
			t.Errorf("tariff %s: quote: %v", tf.ID, err)
			continue
		}
		if got := q.Shares.Holder + q.Shares.Organiser + q.Shares.City; got != tf.Regular {
			t.Errorf("tariff %s: shares add up to %d, want %d", tf.ID, got, tf.Regular)
		}
	}
	if kinds[balie.TariffRegular] == 0 || kinds[balie.TariffSocial] == 0 || kinds[balie.TariffCoupon] == 0 {
		t.Errorf("tariff kinds = %v, want all three", kinds)
	}
}

func TestGenerate_Catalogue(t *testing.T) {
	c := generate(t, Config{Holders: 10, Today: testToday})
	loc := balie.Brussels()

	t.Run("rewards", func(t *testing.T) {
		var welcome int
		for _, r := range c.rewards {
			if r.Kind == balie.RewardWelcome {
				welcome++
			} else if r.Points <= 0 {
				t.Errorf("reward %s costs %d points", r.ID, r.Points)
			}
			if _, err := balie.DecideRedeem(r, 60, testToday, balie.RewardUsage{}); err != nil {
				t.Errorf("reward %s cannot be redeemed today with 60 points: %v", r.ID, err)
			}
		}
		if welcome != 1 {
			t.Errorf("%d welcome rewards, want 1", welcome)
		}
	})

	t.Run("programs", func(t *testing.T) {
		want := map[string]balie.EndKind{ProgramFriends: balie.EndFixed, ProgramSports: balie.EndPeriod, ProgramYouth: balie.EndAge}
		for _, p := range c.programs {
			if want[p.ID] != p.EndKind {
				t.Errorf("program %s ends by %s, want %s", p.ID, p.EndKind, want[p.ID])
			}
		}
		friends := c.programs[0]
		if end := time.Date(2026, time.September, 1, 0, 0, 0, 0, loc); !friends.FixedEnd.Equal(end) {
			t.Errorf("friends' circle ends %v, want %v (valid through 31 August)", friends.FixedEnd, end)
		}
		if got := friends.PriceFor(true, false); got != 500 {
			t.Errorf("friends' circle for a pass holder = %d, want 500", got)
		}
	})

	t.Run("card prices", func(t *testing.T) {
		lier := c.systems[0]
		table := balie.CardPriceTable(c.prices)
		adult := testToday.AddDate(-40, 0, 0)
		child := testToday.AddDate(-10, 0, 0)
		tests := []struct {
			name string
			q    balie.CardSaleQuery
			want balie.Cents
		}{
			{"social tariff", balie.CardSaleQuery{PostalCode: "2500", BirthDate: adult, SocialTariff: true, Reason: balie.ReasonFirstCard}, 100},
			{"social tariff, lost", balie.CardSaleQuery{PostalCode: "2500", BirthDate: adult, SocialTariff: true, Reason: balie.ReasonReplaceLost}, 100},
			{"resident child", balie.CardSaleQuery{PostalCode: "2500", BirthDate: child, Reason: balie.ReasonFirstCard}, 0},
			{"child from Nijlen", balie.CardSaleQuery{PostalCode: "2560", BirthDate: child, Reason: balie.ReasonFirstCard}, 500},
			{"resident child, stolen", balie.CardSaleQuery{PostalCode: "2500", BirthDate: child, Reason: balie.ReasonReplaceStolen}, 500},
			{"adult", balie.CardSaleQuery{PostalCode: "2500", BirthDate: adult, Reason: balie.ReasonFirstCard}, 500},
		}
		for _, tt := range tests {
			tt.q.CardSystem, tt.q.At = lier, testToday
			got, err := table.Price(tt.q)
			if err != nil || got != tt.want {
				t.Errorf("%s: price %d, %v; want %d", tt.name, got, err, tt.want)
			}
		}
	})

	t.Run("childcare rates", func(t *testing.T) {
		r, ok := c.rates[OrgChildcare]
		if !ok || r.UnitPrice != 105 || r.LateFee != 1500 {
			t.Fatalf("rates = %+v, %v", r, ok)
		}
		bill, err := balie.BillChildcareDay(r, balie.ChildcareDay{Day: balie.SchoolDay, Sessions: []balie.ChildcareSession{
			{In: time.Date(2025, 11, 18, 15, 30, 0, 0, loc), Out: time.Date(2025, 11, 18, 17, 10, 0, 0, loc)}}})
		if err != nil || bill.Total != 4*105 {
			t.Errorf("1 h 40 on a school day: %+v, %v; want 4 half hours", bill, err)
		}
	})
}

func TestGenerate_Memberships(t *testing.T) {
	c := generate(t, Config{Holders: 4000, Today: testToday})
	lapsed := 0
	for _, r := range c.holders {
		for _, m := range r.ms {
			if m.HolderID != r.h.ID || !m.End.After(m.Start) || m.Start.After(testToday) {
				t.Errorf("%s: membership %+v", r.h.ID, m)
			}
			if m.ProgramID == ProgramYouth && balie.Age(r.h.BirthDate, testToday) >= 26 {
				t.Errorf("%s: youth card at %d", r.h.ID, balie.Age(r.h.BirthDate, testToday))
			}
			if !m.Valid(testToday) {
				lapsed++
			}
		}
		if r.h.SocialTariff.Applies() && slices.ContainsFunc(r.ms, func(m balie.Membership) bool { return m.ProgramID != ProgramSports }) {
			t.Errorf("%s: social-tariff holder with memberships %+v, want a sports pass at most", r.h.ID, r.ms)
		}
	}
	if lapsed == 0 {
		t.Error("no lapsed membership, want a few sports passes waiting for renewal")
	}
}

// TestGenerate_MemoryFlat checks that the heap does not grow with the
// number of holders: nothing may keep a reference to every holder.
func TestGenerate_MemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("generates 300,000 holders")
	}
	var heap []uint64
	s := &countSink{every: 100_000, at: func() {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		heap = append(heap, m.HeapAlloc)
	}}
	if err := Generate(Config{Holders: 300_000, Today: testToday}, s); err != nil {
		t.Fatal(err)
	}
	if len(heap) != 3 {
		t.Fatalf("%d samples", len(heap))
	}
	if grew := int64(heap[2]) - int64(heap[0]); grew > 1<<20 {
		t.Errorf("heap grew by %d bytes between holder 100,000 and 300,000 (samples %v)", grew, heap)
	}
}

// countSink counts and drops everything, as a benchmark's sink should.
type countSink struct {
	holders, cards int
	every          int    // call at every this many holders, when set
	at             func() // called then
}

func (s *countSink) CardSystem(balie.CardSystem) error        { return nil }
func (s *countSink) Organiser(balie.Organiser) error          { return nil }
func (s *countSink) Desk(balie.Desk) error                    { return nil }
func (s *countSink) Staff(balie.Staff) error                  { return nil }
func (s *countSink) Event(balie.Event) error                  { return nil }
func (s *countSink) Tariff(balie.Tariff) error                { return nil }
func (s *countSink) Reward(balie.Reward) error                { return nil }
func (s *countSink) Product(balie.Product) error              { return nil }
func (s *countSink) Program(balie.MembershipProgram) error    { return nil }
func (s *countSink) CardPrice(balie.CardPriceRule) error      { return nil }
func (s *countSink) Rates(string, balie.ChildcareRates) error { return nil }
func (s *countSink) Child(balie.Child) error                  { return nil }
func (s *countSink) StockCard(balie.Card) error               { return nil }
func (s *countSink) Holder(_ balie.Holder, cards []balie.Card, _ []balie.Membership) error {
	s.holders++
	s.cards += len(cards)
	if s.every > 0 && s.holders%s.every == 0 {
		s.at()
	}
	return nil
}

func BenchmarkGenerate1M(b *testing.B) {
	const n = 1_000_000
	b.ReportAllocs()
	for b.Loop() {
		s := &countSink{}
		if err := Generate(Config{Holders: n, Today: testToday}, s); err != nil {
			b.Fatal(err)
		}
		if s.holders != n {
			b.Fatalf("%d holders, want %d", s.holders, n)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/holder")
}

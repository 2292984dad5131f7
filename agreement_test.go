package balie

import (
	"math/rand/v2"
	"reflect"
	"testing"
	"time"
)

func day(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02", s, Brussels())
	if err != nil {
		panic(err)
	}
	return t
}

// The agreements of a city, a region, an association and a coupon, as
// the domain describes them.
var testAgreements = []CostAgreement{
	// Lier's solidary cost distribution: the city's part of the social
	// tariff, welfare half, the organising department half.
	{ID: "lier-solidair", From: day("2026-01-01"), Kind: SettleTicket, TariffKind: TariffSocial, CardSystem: "cs-lier",
		Payer: "gem-lier", Departments: []DepartmentPart{{"dienst-welzijn", 5000}, {OrganisingDepartment, 5000}}},
	// The region: holder 20%, region and municipality together 80%, half
	// each; the organiser carries nothing.
	{ID: "regio-nijlen", From: day("2026-01-01"), Kind: SettleTicket, TariffKind: TariffSocial, CardSystem: "cs-regio",
		PostalCodes: []string{"2560"}, Payer: "gem-nijlen", OrganiserSet: true, OrganiserPart: 0,
		Departments: []DepartmentPart{{"regio-netevallei", 5000}, {"gem-nijlen", 5000}}},
	// An association carries at least 2 euro a ticket, from March on.
	{ID: "toneel-min", From: day("2026-03-01"), Kind: SettleTicket, TariffKind: TariffSocial, Organiser: "org-toneel",
		CardSystem: "cs-lier", Payer: "gem-lier", OrganiserMin: 200},
	// The city pays half of the centre's coupon.
	{ID: "bon-stad", From: day("2026-01-01"), Kind: SettleTicket, TariffKind: TariffCoupon, Organiser: "org-cc",
		Payer: "gem-lier", OrganiserSet: true, OrganiserPart: 1650},
	// The sports pass's discount with the social tariff is the city's.
	{ID: "sportpas", From: day("2026-01-01"), Kind: SettleMembership, Program: "prog-sportpas", Payer: "gem-lier",
		OrganiserSet: true, OrganiserPart: 0},
}

func TestSettleAct(t *testing.T) {
	key := CommonKey()
	social := func(regular Cents) Shares {
		s, err := key.Split(regular, 0)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	s1500 := social(1500) // 300 / 600 / 600
	s1000 := social(1000) // 200 / 400 / 400
	cases := []struct {
		name string
		act  SettlementAct
		want Settlement
	}{
		{"city internal key: welfare half, the organising department half",
			SettlementAct{Kind: SettleTicket, TariffKind: TariffSocial, Day: day("2026-11-12"), Organiser: "org-cc", CardSystem: "cs-lier",
				PostalCode: "2500", Regular: 1500, Holder: s1500.Holder, KeyOrganiser: s1500.Organiser},
			Settlement{Agreement: "lier-solidair", Regular: 1500, Holder: 300, Organiser: 600, Payer: 600, PayerID: "gem-lier", OwedTo: "org-cc",
				Departments: []DepartmentCents{{"dienst-welzijn", 300}, {"org-cc", 300}}}},
		{"an odd cent goes to the first department",
			SettlementAct{Kind: SettleTicket, TariffKind: TariffSocial, Day: day("2026-11-12"), Organiser: "org-sport", CardSystem: "cs-lier",
				PostalCode: "2500", Regular: 450, Holder: 90, KeyOrganiser: 143},
			Settlement{Agreement: "lier-solidair", Regular: 450, Holder: 90, Organiser: 143, Payer: 217, PayerID: "gem-lier", OwedTo: "org-sport",
				Departments: []DepartmentCents{{"dienst-welzijn", 109}, {"org-sport", 108}}}},
		{"region key: the organiser carries nothing, region and municipality half each",
			SettlementAct{Kind: SettleTicket, TariffKind: TariffSocial, Day: day("2026-11-12"), Organiser: "org-cc", CardSystem: "cs-regio",
				PostalCode: "2560", Regular: 1000, Holder: 200, KeyOrganiser: 320},
			Settlement{Agreement: "regio-nijlen", Regular: 1000, Holder: 200, Organiser: 0, Payer: 800, PayerID: "gem-nijlen", OwedTo: "org-cc",
				Departments: []DepartmentCents{{"regio-netevallei", 400}, {"gem-nijlen", 400}}}},
		{"region: a postal code without an agreement is paid by the card system",
			SettlementAct{Kind: SettleTicket, TariffKind: TariffSocial, Day: day("2026-11-12"), Organiser: "org-cc", CardSystem: "cs-regio",
				PostalCode: "2220", Regular: 1000, Holder: 200, KeyOrganiser: 320},
			Settlement{Regular: 1000, Holder: 200, Organiser: 320, Payer: 480, PayerID: "cs-regio", OwedTo: "org-cc"}},
		{"association minimum: 2 euro instead of the key's 1,60",
			SettlementAct{Kind: SettleTicket, TariffKind: TariffSocial, Day: day("2026-11-12"), Organiser: "org-toneel", CardSystem: "cs-lier",
				PostalCode: "2500", Regular: 500, Holder: 100, KeyOrganiser: 160},
			Settlement{Agreement: "toneel-min", Regular: 500, Holder: 100, Organiser: 200, Payer: 200, PayerID: "gem-lier", OwedTo: "org-toneel"}},
		{"association minimum: nothing changes when the key gives more",
			SettlementAct{Kind: SettleTicket, TariffKind: TariffSocial, Day: day("2026-11-12"), Organiser: "org-toneel", CardSystem: "cs-lier",
				PostalCode: "2500", Regular: 1000, Holder: s1000.Holder, KeyOrganiser: s1000.Organiser},
			Settlement{Agreement: "toneel-min", Regular: 1000, Holder: 200, Organiser: 400, Payer: 400, PayerID: "gem-lier", OwedTo: "org-toneel"}},
		{"association minimum never above the discount",
			SettlementAct{Kind: SettleTicket, TariffKind: TariffSocial, Day: day("2026-11-12"), Organiser: "org-toneel", CardSystem: "cs-lier",
				PostalCode: "2500", Regular: 200, Holder: 40, KeyOrganiser: 64},
			Settlement{Agreement: "toneel-min", Regular: 200, Holder: 40, Organiser: 160, Payer: 0, OwedTo: "org-toneel"}},
		{"before the association's agreement the city's key applies",
			SettlementAct{Kind: SettleTicket, TariffKind: TariffSocial, Day: day("2026-02-27"), Organiser: "org-toneel", CardSystem: "cs-lier",
				PostalCode: "2500", Regular: 500, Holder: 100, KeyOrganiser: 160},
			Settlement{Agreement: "lier-solidair", Regular: 500, Holder: 100, Organiser: 160, Payer: 240, PayerID: "gem-lier", OwedTo: "org-toneel",
				Departments: []DepartmentCents{{"dienst-welzijn", 120}, {"org-toneel", 120}}}},
		{"coupon: the organiser carries the discount alone",
			SettlementAct{Kind: SettleTicket, TariffKind: TariffCoupon, Day: day("2026-11-12"), Organiser: "org-jeugd", CardSystem: "cs-lier",
				PostalCode: "2500", Regular: 1500, Holder: 1000},
			Settlement{Regular: 1500, Holder: 1000, Organiser: 500, Payer: 0, OwedTo: "org-jeugd"}},
		{"coupon the city pays half of: 16,5% of the price for the centre",
			SettlementAct{Kind: SettleTicket, TariffKind: TariffCoupon, Day: day("2026-11-12"), Organiser: "org-cc", CardSystem: "cs-lier",
				PostalCode: "2500", Regular: 1500, Holder: 1000},
			Settlement{Agreement: "bon-stad", Regular: 1500, Holder: 1000, Organiser: 248, Payer: 252, PayerID: "gem-lier", OwedTo: "org-cc"}},
		{"regular tariff: the holder pays it all",
			SettlementAct{Kind: SettleTicket, TariffKind: TariffRegular, Day: day("2026-11-12"), Organiser: "org-cc", CardSystem: "cs-lier", Regular: 1500, Holder: 1500},
			Settlement{Regular: 1500, Holder: 1500, OwedTo: "org-cc"}},
		{"card sale: owed to the card system that issued the card",
			SettlementAct{Kind: SettleCard, Day: day("2026-11-12"), Organiser: "org-sport", CardSystem: "cs-lier", Regular: 500, Holder: 500},
			Settlement{Regular: 500, Holder: 500, OwedTo: "cs-lier"}},
		{"membership: the pass discount carried by the program's owner",
			SettlementAct{Kind: SettleMembership, Day: day("2026-11-12"), Organiser: "org-cc", CardSystem: "cs-lier", Program: "prog-vriendenkring", Regular: 1000, Holder: 500},
			Settlement{Regular: 1000, Holder: 500, Organiser: 500, OwedTo: "org-cc"}},
		{"membership: the program says the city carries the social discount",
			SettlementAct{Kind: SettleMembership, Day: day("2026-11-12"), Organiser: "org-sport", CardSystem: "cs-lier", Program: "prog-sportpas", Regular: 6000, Holder: 1500},
			Settlement{Agreement: "sportpas", Regular: 6000, Holder: 1500, Organiser: 0, Payer: 4500, PayerID: "gem-lier", OwedTo: "org-sport"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := SettleAct(c.act, testAgreements)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("got  %+v\nwant %+v", got, c.want)
			}
			if got.Holder+got.Organiser+got.Payer != got.Regular {
				t.Errorf("shares %d + %d + %d do not add up to %d", got.Holder, got.Organiser, got.Payer, got.Regular)
			}
		})
	}
}

func TestChooseAgreement_versions(t *testing.T) {
	v1 := CostAgreement{ID: "a-v1", From: day("2026-01-01"), Until: day("2026-07-01"), CardSystem: "cs-lier", Payer: "gem-lier"}
	v2 := CostAgreement{ID: "a-v2", From: day("2026-07-01"), CardSystem: "cs-lier", Payer: "stad-lier"}
	general := CostAgreement{ID: "all", From: day("2025-01-01"), Payer: "vlaanderen"}
	x := SettlementAct{Kind: SettleTicket, TariffKind: TariffSocial, CardSystem: "cs-lier"}
	cases := []struct {
		day  string
		want string
	}{
		{"2025-06-30", "all"},
		{"2026-06-30", "a-v1"},
		{"2026-07-01", "a-v2"},
		{"2027-02-01", "a-v2"},
	}
	for _, c := range cases {
		x.Day = day(c.day)
		a, ok := ChooseAgreement(x, []CostAgreement{general, v2, v1})
		if !ok || a.ID != c.want {
			t.Errorf("%s: got %q (%v), want %q", c.day, a.ID, ok, c.want)
		}
	}
}

func TestCostAgreement_Validate(t *testing.T) {
	ok := CostAgreement{ID: "lier-solidair", From: day("2026-01-01")}
	cases := []struct {
		name string
		edit func(*CostAgreement)
		bad  bool
	}{
		{"fine", func(a *CostAgreement) {}, false},
		{"no id", func(a *CostAgreement) { a.ID = " " }, true},
		{"an id that is no code", func(a *CostAgreement) { a.ID = "Lier Solidair" }, true},
		{"a name with a control character", func(a *CostAgreement) { a.Name = "Lier\x00" }, true},
		{"no start", func(a *CostAgreement) { a.From = time.Time{} }, true},
		{"ends before it starts", func(a *CostAgreement) { a.Until = day("2025-12-31") }, true},
		{"organiser above 100%", func(a *CostAgreement) { a.OrganiserSet, a.OrganiserPart = true, 10001 }, true},
		{"negative minimum", func(a *CostAgreement) { a.OrganiserMin = -1 }, true},
		{"key of 90%", func(a *CostAgreement) { a.Departments = []DepartmentPart{{"a", 4000}, {"b", 5000}} }, true},
		{"key twice the same department", func(a *CostAgreement) { a.Departments = []DepartmentPart{{"a", 5000}, {"a", 5000}} }, true},
		{"unknown kind", func(a *CostAgreement) { a.Kind = "CARD" }, true},
	}
	for _, c := range cases {
		a := ok
		c.edit(&a)
		if err := a.Validate(); (err != nil) != c.bad {
			t.Errorf("%s: err %v, want bad %v", c.name, err, c.bad)
		}
	}
}

// TestSettleAct_addsUp settles random acts under random agreements: the
// three shares add up to the regular price and the departments to the
// payer's, to the cent, and no share is negative.
func TestSettleAct_addsUp(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	kinds := []TariffKind{TariffSocial, TariffCoupon, TariffRegular}
	for i := range 100_000 {
		regular := Cents(4 + r.IntN(20000))
		key := DistributionKey{Holder: 1 + r.IntN(2500)}
		key.Organiser = 1000 + r.IntN(10000-key.Holder-1000+1)
		key.City = 10000 - key.Holder - key.Organiser
		sh, err := key.Split(regular, Cents(r.IntN(60)))
		if err != nil {
			t.Fatal(err)
		}
		x := SettlementAct{Kind: SettleTicket, TariffKind: kinds[r.IntN(3)], Day: day("2026-05-01"), Organiser: "o", CardSystem: "c",
			Regular: regular, Holder: sh.Holder, KeyOrganiser: sh.Organiser}
		if r.IntN(4) == 0 {
			x.Kind, x.Holder = SettleMembership, Cents(r.IntN(int(regular)+1))
		}
		a := CostAgreement{ID: "random", From: day("2026-01-01"), OrganiserSet: r.IntN(2) == 0, OrganiserPart: r.IntN(10001),
			OrganiserMin: Cents(r.IntN(500)), Payer: "p"}
		if n := r.IntN(4); n > 0 {
			left := 10000
			for k := range n {
				bp := left
				if k < n-1 {
					bp = r.IntN(left + 1)
				}
				a.Departments = append(a.Departments, DepartmentPart{string(rune('a' + k)), bp})
				left -= bp
			}
		}
		if err := a.Validate(); err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		s, err := SettleAct(x, []CostAgreement{a})
		if err != nil {
			t.Fatal(err)
		}
		if s.Holder+s.Organiser+s.Payer != s.Regular || s.Organiser < 0 || s.Payer < 0 {
			t.Fatalf("case %d: %+v does not add up (act %+v, agreement %+v)", i, s, x, a)
		}
		var deps Cents
		for _, d := range s.Departments {
			if d.Cents < 0 {
				t.Fatalf("case %d: negative department %+v", i, s)
			}
			deps += d.Cents
		}
		if len(s.Departments) > 0 && deps != s.Payer {
			t.Fatalf("case %d: departments %d, payer %d", i, deps, s.Payer)
		}
	}
}

// TestAssignMonth: acts in an open month stay there, acts after a close
// (late ones, voids) land in the first month still open when they came.
func TestAssignMonth(t *testing.T) {
	closed := map[string]int64{"2026-10": 100, "2026-11": 250, "2026-12": 240}
	cases := []struct {
		name   string
		day    string
		ingest int64
		month  string
		late   bool
	}{
		{"an act before the close", "2026-11-30", 249, "2026-11", false},
		{"the last act the close covered", "2026-11-30", 250, "2026-11", false},
		{"a late act of an offline terminal", "2026-11-29", 251, "2027-01", true},
		{"a void after the close nets out in its own month", "2026-12-02", 251, "2027-01", true},
		{"a November act that came before December closed", "2026-11-03", 120, "2026-11", false},
		{"an October act after October's close", "2026-10-31", 101, "2026-11", true},
		{"an October act after two closes", "2026-10-31", 251, "2027-01", true},
		{"an open month", "2027-01-05", 300, "2027-01", false},
	}
	for _, c := range cases {
		m, late := AssignMonth(c.day, c.ingest, closed)
		if m != c.month || late != c.late {
			t.Errorf("%s: got %s late=%v, want %s late=%v", c.name, m, late, c.month, c.late)
		}
	}
}

func TestParseSettlementPeriod(t *testing.T) {
	cases := []struct {
		in     string
		months []string
		bad    bool
	}{
		{"2026-11", []string{"2026-11"}, false},
		{"2026-Q4", []string{"2026-10", "2026-11", "2026-12"}, false},
		{"2026-Q1", []string{"2026-01", "2026-02", "2026-03"}, false},
		{"2026-Q5", nil, true},
		{"2026-13", nil, true},
		{"26-11", nil, true},
		{"november", nil, true},
	}
	for _, c := range cases {
		p, err := ParseSettlementPeriod(c.in)
		if (err != nil) != c.bad || !c.bad && !reflect.DeepEqual(p.Months, c.months) {
			t.Errorf("%s: got %+v, %v", c.in, p, err)
		}
	}
	p, _ := ParseSettlementPeriod("2026-Q4")
	if !p.End().Equal(day("2027-01-01")) || !p.Start().Equal(day("2026-10-01")) {
		t.Errorf("Q4 runs %v to %v", p.Start(), p.End())
	}
}

package store

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/balie/balie"
)

// clock is a settable test clock.
type clock struct{ t time.Time }

func (c *clock) Now() time.Time          { return c.t }
func (c *clock) Set(t time.Time)         { c.t = t }
func (c *clock) Advance(d time.Duration) { c.t = c.t.Add(d) }

func at(y int, m time.Month, d, hh, mm int) time.Time {
	return time.Date(y, m, d, hh, mm, 0, 0, balie.Brussels())
}

func mustCard(t testing.TB, first12 string) balie.CardNumber {
	t.Helper()
	n, err := balie.NewCardNumber(first12)
	if err != nil {
		t.Fatalf("NewCardNumber(%s): %v", first12, err)
	}
	return n
}

// The fixture's well-known cards and ids.
const (
	cardRegular = balie.CardNumber("0900000095902") // h-regular, 12 points, friends' circle until 31/08/2026 (expired by the fixture's today)
	cardSocial  = balie.CardNumber("1000000520006") // h-social, social tariff ACTIVE
	staffClerk  = "st-clerk"
	staffSuper  = "st-super"
	pin         = "1234"
)

type fixture struct {
	db      *DB
	clock   *clock
	blocked balie.CardNumber
	stock   []balie.CardNumber
	child   balie.CardNumber
	sibling balie.CardNumber
	expired balie.CardNumber // holder with an EXPIRED social tariff
}

// newFixture opens a store in a temp dir with a small city, at the box
// office desk, on Wednesday 25 November 2026 at 19:30.
func newFixture(t testing.TB, desk string) *fixture {
	t.Helper()
	ctx := context.Background()
	clk := &clock{t: at(2026, 11, 25, 19, 30)}
	d, err := Open(ctx, filepath.Join(t.TempDir(), "balie.db"), Options{Now: clk.Now, Logger: quiet()})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	f := &fixture{db: d, clock: clk,
		blocked: mustCard(t, "200000000001"), child: mustCard(t, "200000000002"),
		sibling: mustCard(t, "200000000003"), expired: mustCard(t, "200000000004")}
	l, err := d.NewLoader(ctx)
	if err != nil {
		t.Fatalf("NewLoader: %v", err)
	}
	check := func(err error) {
		t.Helper()
		if err != nil {
			l.Abort()
			t.Fatalf("load fixture: %v", err)
		}
	}
	check(l.CardSystem(balie.CardSystem{ID: "lier", Name: "UiTPAS Lier", PostalCodes: []string{"2500"}}))
	for _, o := range []balie.Organiser{{ID: "org-cc", Name: "CC Lier", Kind: "DEPARTMENT"}, {ID: "org-sport", Name: "Sportdienst", Kind: "DEPARTMENT"}, {ID: "org-bko", Name: "BKO De Speelvogel", Kind: "DEPARTMENT"}} {
		check(l.Organiser(o))
	}
	for _, k := range []balie.Desk{
		// The centre's box office sells the pool's tickets too.
		{ID: "desk-box", Name: "Onthaal CC", OrganiserID: "org-cc", Mode: balie.DeskBoxOffice, CardSystem: "lier", SellsFor: []string{"org-sport"}},
		{ID: "desk-sport", Name: "Sporthal", OrganiserID: "org-sport", Mode: balie.DeskSports, CardSystem: "lier"},
		{ID: "desk-bko", Name: "BKO", OrganiserID: "org-bko", Mode: balie.DeskChildcare, CardSystem: "lier"},
	} {
		check(l.Desk(k))
	}
	check(l.Staff(balie.Staff{ID: staffClerk, Name: "An Clerk", CardNumber: mustCard(t, "300000000001"), PINSalt: "s1", PINHash: balie.HashPIN("s1", pin), Role: balie.RoleClerk}))
	check(l.Staff(balie.Staff{ID: staffSuper, Name: "Bart Super", CardNumber: mustCard(t, "300000000002"), PINSalt: "s2", PINHash: balie.HashPIN("s2", pin), Role: balie.RoleSupervisor}))

	check(l.Event(balie.Event{ID: "ev-show", OrganiserID: "org-cc", Name: "Theater: De Storm", Start: at(2026, 11, 25, 20, 0), End: at(2026, 11, 25, 22, 0),
		PointsPerCheckin: 1, CheckinLimit: balie.Limit{Volume: 1, Period: balie.PeriodDay}, MarginBefore: time.Hour, MarginAfter: 30 * time.Minute}))
	check(l.Event(balie.Event{ID: "ev-swim", OrganiserID: "org-sport", Name: "Zwemmen", Start: at(2026, 11, 25, 7, 0), End: at(2026, 11, 25, 22, 0),
		PointsPerCheckin: 2, CheckinLimit: balie.Limit{Volume: 1, Period: balie.PeriodDay}}))
	check(l.Tariff(balie.Tariff{ID: "t-reg", EventID: "ev-show", Name: "Normaal", Kind: balie.TariffRegular, Regular: 1800}))
	check(l.Tariff(balie.Tariff{ID: "t-soc", EventID: "ev-show", Name: "UiTPAS-tarief", Kind: balie.TariffSocial, Regular: 1800, Key: balie.CommonKey(), Limit: balie.Limit{Volume: 1, Period: balie.PeriodMonth}}))
	check(l.Tariff(balie.Tariff{ID: "t-cpn", EventID: "ev-show", Name: "Bon", Kind: balie.TariffCoupon, Regular: 1800, CouponPrice: 1200, Limit: balie.Limit{Volume: 2, Period: balie.PeriodYear}}))
	check(l.Reward(balie.Reward{ID: "r-coffee", OrganiserID: "org-cc", Name: "Gratis koffie", Kind: balie.RewardPoints, Points: 5, RedeemFrom: at(2026, 1, 1, 0, 0), TotalUnits: 2}))
	check(l.Reward(balie.Reward{ID: "r-welcome", OrganiserID: "org-cc", Name: "Welkomstgeschenk", Kind: balie.RewardWelcome, RedeemFrom: at(2026, 1, 1, 0, 0)}))
	check(l.Program(balie.MembershipProgram{ID: "p-friends", OrganiserID: "org-cc", Name: "Vriendenkring CC", Price: 1000, PassDiscount: 500, EndKind: balie.EndFixed, FixedEnd: at(2027, 8, 31, 0, 0)}))
	check(l.Program(balie.MembershipProgram{ID: "p-sport", OrganiserID: "org-sport", Name: "Sportpas", Price: 4000, SocialPrice: 1000, HasSocialPrice: true, EndKind: balie.EndPeriod, PeriodMonths: 12}))
	for _, r := range []balie.CardPriceRule{
		{CardSystem: "lier", SocialTariff: balie.Yes, Price: 100},
		{CardSystem: "lier", Resident: balie.Yes, Under18: balie.Yes, Price: 0},
		{CardSystem: "lier", Price: 500},
	} {
		check(l.CardPrice(r))
	}
	check(l.Rates("org-bko", balie.ChildcareRates{Unit: 30 * time.Minute, UnitPrice: 105, BlockShort: 354, BlockMedium: 531, BlockLong: 1052, SiblingPct: 25, SocialPct: 50, LateUnit: 30 * time.Minute, LateFee: 1500}))

	holders := []struct {
		h     balie.Holder
		cards []balie.Card
		ms    []balie.Membership
	}{
		{balie.Holder{ID: "h-regular", FirstName: "Els", LastName: "Peeters", BirthDate: at(1980, 3, 14, 0, 0), PostalCode: "2500", CardSystems: []string{"lier"}, Points: 12},
			[]balie.Card{{Number: cardRegular, ChipUID: "04A1B2C3D4E5F6", Status: balie.CardActive, CardSystem: "lier", HolderID: "h-regular"}},
			[]balie.Membership{{HolderID: "h-regular", ProgramID: "p-friends", Start: at(2025, 9, 1, 0, 0), End: at(2026, 8, 31, 0, 0)}}},
		{balie.Holder{ID: "h-social", FirstName: "Mohamed", LastName: "El Amrani", BirthDate: at(1975, 6, 1, 0, 0), PostalCode: "2500", CardSystems: []string{"lier"}, Points: 3,
			SocialTariff: balie.SocialTariff{State: balie.SocialActive, EndDate: at(2026, 12, 10, 0, 0)}},
			[]balie.Card{{Number: cardSocial, Status: balie.CardActive, CardSystem: "lier", HolderID: "h-social"}}, nil},
		{balie.Holder{ID: "h-blocked", FirstName: "Jan", LastName: "Wouters", BirthDate: at(1990, 1, 1, 0, 0), PostalCode: "2500", CardSystems: []string{"lier"}},
			[]balie.Card{{Number: f.blocked, Status: balie.CardBlocked, CardSystem: "lier", HolderID: "h-blocked"}}, nil},
		{balie.Holder{ID: "h-child", FirstName: "Lotte", LastName: "Janssens", BirthDate: at(2018, 5, 5, 0, 0), PostalCode: "2500", CardSystems: []string{"lier"}},
			[]balie.Card{{Number: f.child, Status: balie.CardActive, CardSystem: "lier", HolderID: "h-child"}}, nil},
		{balie.Holder{ID: "h-sibling", FirstName: "Wout", LastName: "Janssens", BirthDate: at(2016, 2, 2, 0, 0), PostalCode: "2500", CardSystems: []string{"lier"}},
			[]balie.Card{{Number: f.sibling, Status: balie.CardActive, CardSystem: "lier", HolderID: "h-sibling"}}, nil},
		{balie.Holder{ID: "h-expired", FirstName: "Rita", LastName: "Claes", BirthDate: at(1950, 7, 7, 0, 0), PostalCode: "2560", CardSystems: []string{"lier"},
			SocialTariff: balie.SocialTariff{State: balie.SocialExpired, EndDate: at(2026, 6, 30, 0, 0)}},
			[]balie.Card{{Number: f.expired, Status: balie.CardActive, CardSystem: "lier", HolderID: "h-expired"}}, nil},
	}
	for _, h := range holders {
		check(l.Holder(h.h, h.cards, h.ms))
	}
	adults := []balie.AuthorisedAdult{{Name: "Sofie Janssens", Code: "4321"}, {Name: "Els Peeters", HolderID: "h-regular"}}
	check(l.Child(balie.Child{HolderID: "h-child", ProviderID: "org-bko", Group: "Kleuters", Authorised: adults, SiblingKey: "janssens"}))
	check(l.Child(balie.Child{HolderID: "h-sibling", ProviderID: "org-bko", Group: "Lagere school", Authorised: adults, SiblingKey: "janssens"}))
	for i := 0; i < 3; i++ {
		n := mustCard(t, "40000000000"+string(rune('1'+i)))
		f.stock = append(f.stock, n)
		check(l.StockCard(balie.Card{Number: n, Status: balie.CardLocalStock, CardSystem: "lier", StockDesk: "desk-box"}))
	}
	check(l.Close())
	if _, err := d.TerminalID(ctx); err != nil {
		t.Fatalf("TerminalID: %v", err)
	}
	if err := d.SetDesk(ctx, desk); err != nil {
		t.Fatalf("SetDesk: %v", err)
	}
	return f
}

// quiet is a logger for tests: what the store logs is not what they check.
func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// wantCode fails unless err is a domain error with code.
func wantCode(t *testing.T, err error, code balie.Code) {
	t.Helper()
	if got := balie.ErrorCode(err); got != code {
		t.Fatalf("error = %v, want code %s", err, code)
	}
	if e, ok := balie.AsError(err); ok && (e.NL == "" || e.EN == "") {
		t.Errorf("error %s has no sentence for the clerk: %+v", code, e)
	}
}

// journalLen counts the journal's events.
func journalLen(t *testing.T, d *DB) int {
	t.Helper()
	n, err := countRows(context.Background(), d.db, `SELECT count(*) FROM journal`)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// verify fails unless the journal's chain verifies with want events.
func verify(t *testing.T, d *DB, want int64) {
	t.Helper()
	n, err := d.VerifyJournal(context.Background())
	if err != nil {
		t.Fatalf("VerifyJournal: %v", err)
	}
	if n != want {
		t.Fatalf("VerifyJournal verified %d events, want %d", n, want)
	}
}

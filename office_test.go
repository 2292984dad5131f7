package balie

import (
	"testing"
	"time"
)

func TestParseIBAN(t *testing.T) {
	tests := []struct {
		in   string
		want IBAN
		code Code
	}{
		{"BE68 5390 0754 7034", "BE68539007547034", ""},
		{"be68539007547034", "BE68539007547034", ""},
		{"NL91ABNA0417164300", "NL91ABNA0417164300", ""},
		{"BE68 5390 0754 7035", "", CodeIBANInvalid}, // check digits
		{"BE68 5390 0754 703", "", CodeIBANInvalid},  // length
		{"XX68539007547034", "", CodeIBANInvalid},    // country
		{"BE68-5390", "", CodeIBANInvalid},           // character
		{"", "", CodeIBANInvalid},
	}
	for _, tt := range tests {
		got, err := ParseIBAN(tt.in)
		if got != tt.want || ErrorCode(err) != tt.code {
			t.Errorf("ParseIBAN(%q) = %q, %v; want %q, %s", tt.in, got, err, tt.want, tt.code)
		}
	}
	if s := IBAN("BE68539007547034").String(); s != "BE68 5390 0754 7034" {
		t.Errorf("String: got %q", s)
	}
}

func TestParsePercent(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"20", 2000, true}, {"12,5", 1250, true}, {"12.5", 1250, true}, {"20 %", 2000, true},
		{"0", 0, true}, {"100", 10000, true}, {"33,33", 3333, true},
		{"101", 0, false}, {"1,234", 0, false}, {"-5", 0, false}, {"", 0, false}, {"abc", 0, false},
	}
	for _, tt := range tests {
		got, err := ParsePercent(tt.in)
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("ParsePercent(%q) = %d, %v; want %d, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestSearchKey(t *testing.T) {
	tests := map[string]string{
		"Van Dyck, Élise":  "van dyck elise",
		"  PEETERS   tom ": "peeters tom",
		"D'Hondt-Müller":   "d hondt muller",
		"Straße":           "strasse",
		"Œuvre Çà":         "oeuvre ca",
		"0900000095902":    "0900000095902",
	}
	for in, want := range tests {
		if got := SearchKey(in); got != want {
			t.Errorf("SearchKey(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSlugAndValidID(t *testing.T) {
	for name, want := range map[string]string{"CC Lier": "org-cc-lier", "Toneelkring Pallieter vzw": "org-toneelkring-pallieter-vzw", "!!!": "org-1"} {
		got := Slug("org", name)
		if got != want {
			t.Errorf("Slug(%q) = %q, want %q", name, got, want)
		}
		if err := ValidID("x", "x", got); err != nil {
			t.Errorf("Slug(%q) = %q does not pass ValidID: %v", name, got, err)
		}
	}
	for _, bad := range []string{"", "a", "Org", "1org", "org cc", "org_cc"} {
		if ValidID("x", "x", bad) == nil {
			t.Errorf("ValidID(%q) passed", bad)
		}
	}
}

func TestOrganiserValidate(t *testing.T) {
	ok := Organiser{ID: "org-cc", Name: "CC Lier", Kind: OrganiserDepartment, CardSystem: "cs-lier", IBAN: "BE68539007547034",
		Contact: Contact{Email: "cc@lier.be"}}
	tests := []struct {
		name string
		edit func(*Organiser)
		code Code
	}{
		{"valid", func(*Organiser) {}, ""},
		{"no IBAN yet", func(o *Organiser) { o.IBAN = "" }, ""},
		{"municipality", func(o *Organiser) { o.Kind = OrganiserMunicipality }, ""},
		{"bad id", func(o *Organiser) { o.ID = "Org CC" }, CodeIDInvalid},
		{"no name", func(o *Organiser) { o.Name = " " }, CodeNameMissing},
		{"bad kind", func(o *Organiser) { o.Kind = "CLUB" }, CodeKindInvalid},
		{"no card system", func(o *Organiser) { o.CardSystem = "" }, CodeReferenceUnknown},
		{"bad IBAN", func(o *Organiser) { o.IBAN = "BE68539007547035" }, CodeIBANInvalid},
		{"bad e-mail", func(o *Organiser) { o.Contact.Email = "cc at lier" }, CodeEmailInvalid},
	}
	for _, tt := range tests {
		o := ok
		tt.edit(&o)
		if got := ErrorCode(o.Validate()); got != tt.code {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.code)
		}
	}
	if p := ok.Public(); p.IBAN != "" || p.Contact != (Contact{}) || p.Name != ok.Name {
		t.Errorf("Public keeps what a terminal must not get: %+v", p)
	}
}

func TestTariffShares(t *testing.T) {
	tests := []struct {
		name string
		t    Tariff
		want Shares
		code Code
	}{
		{"regular", Tariff{Kind: TariffRegular, Regular: 1200}, Shares{Holder: 1200}, ""},
		// 20/40/40 of € 12,00: the holder € 2,40, the rest halved.
		{"social common key", Tariff{Kind: TariffSocial, Regular: 1200, Key: CommonKey()}, Shares{Holder: 240, Organiser: 480, City: 480}, ""},
		// € 9,50: the holder's 1,90; organiser and city share 7,60.
		{"social 9,50", Tariff{Kind: TariffSocial, Regular: 950, Key: CommonKey()}, Shares{Holder: 190, Organiser: 380, City: 380}, ""},
		{"social holder over 25%", Tariff{Kind: TariffSocial, Regular: 1200, Key: DistributionKey{3000, 3500, 3500}}, Shares{}, CodeKeyInvalid},
		{"social organiser under 10%", Tariff{Kind: TariffSocial, Regular: 1200, Key: DistributionKey{2000, 500, 7500}}, Shares{}, CodeKeyInvalid},
		{"coupon", Tariff{Kind: TariffCoupon, Regular: 1200, CouponPrice: 800}, Shares{Holder: 800, Organiser: 400}, ""},
		{"coupon above regular", Tariff{Kind: TariffCoupon, Regular: 800, CouponPrice: 1200}, Shares{}, CodeAmountInvalid},
	}
	for _, tt := range tests {
		got, err := tt.t.Shares()
		if got != tt.want || ErrorCode(err) != tt.code {
			t.Errorf("%s: got %+v, %v; want %+v, %s", tt.name, got, err, tt.want, tt.code)
		}
		if err == nil && got.Total() != tt.t.Regular {
			t.Errorf("%s: shares add up to %d, not %d", tt.name, got.Total(), tt.t.Regular)
		}
	}
}

func TestValidateCatalogue(t *testing.T) {
	start := time.Date(2026, 12, 1, 20, 0, 0, 0, Brussels())
	ev := Event{ID: "ev-1", OrganiserID: "org-cc", Name: "Concert", Start: start, End: start.Add(2 * time.Hour), PointsPerCheckin: 1,
		CheckinLimit: Limit{Volume: 1, Period: PeriodDay}, MarginBefore: time.Hour}
	tests := []struct {
		name string
		err  error
		code Code
	}{
		{"event", ev.Validate(), ""},
		{"event ends first", func() error { e := ev; e.End = e.Start; return e.Validate() }(), CodeDateInvalid},
		{"event limit without period", func() error { e := ev; e.CheckinLimit = Limit{Volume: 1}; return e.Validate() }(), CodeLimitInvalid},
		{"tariff", Tariff{ID: "t-1", EventID: "ev-1", Name: "UiTPAS", Kind: TariffSocial, Regular: 1000, Key: CommonKey()}.Validate(), ""},
		{"tariff too cheap to split", Tariff{ID: "t-1", EventID: "ev-1", Name: "UiTPAS", Kind: TariffSocial, Regular: 3, Key: CommonKey()}.Validate(), CodeSplitImpossible},
		{"reward", Reward{ID: "rw-1", OrganiserID: "org-cc", Name: "Koffie", Kind: RewardPoints, Points: 5}.Validate(), ""},
		{"reward free", Reward{ID: "rw-1", OrganiserID: "org-cc", Name: "Koffie", Kind: RewardPoints}.Validate(), CodeNumberInvalid},
		{"welcome with points", Reward{ID: "rw-1", OrganiserID: "org-cc", Name: "Welkom", Kind: RewardWelcome, Points: 3}.Validate(), CodeNumberInvalid},
		{"program", MembershipProgram{ID: "p-1", OrganiserID: "org-cc", Name: "Vrienden", Price: 1000, PassDiscount: 500, EndKind: EndPeriod, PeriodMonths: 12}.Validate(), ""},
		{"program discount above price", MembershipProgram{ID: "p-1", OrganiserID: "org-cc", Name: "Vrienden", Price: 1000, PassDiscount: 1500, EndKind: EndPeriod, PeriodMonths: 12}.Validate(), CodeAmountInvalid},
		{"program without end", MembershipProgram{ID: "p-1", OrganiserID: "org-cc", Name: "Vrienden", Price: 1000}.Validate(), CodeKindInvalid},
		{"desk", Desk{ID: "desk-1", Name: "Balie", OrganiserID: "org-cc", Mode: DeskBoxOffice, CardSystem: "cs-lier"}.Validate(), ""},
		{"desk mode", Desk{ID: "desk-1", Name: "Balie", OrganiserID: "org-cc", Mode: "BAR", CardSystem: "cs-lier"}.Validate(), CodeKindInvalid},
		{"staff", Staff{ID: "staff-1", Name: "Els", CardNumber: "0900000095902", Role: RoleClerk, PINSalt: "s", PINHash: HashPIN("s", "1234")}.Validate(), ""},
		{"staff card", Staff{ID: "staff-1", Name: "Els", CardNumber: "0900000095903", Role: RoleClerk, PINSalt: "s", PINHash: HashPIN("s", "1234")}.Validate(), CodeCardNumberCheck},
		{"municipality", Municipality{ID: "gem-lier", Name: "Lier", CardSystem: "cs-lier", PostalCodes: []string{"2500"}, Population: 37000}.Validate(), ""},
		{"municipality postal code", Municipality{ID: "gem-lier", Name: "Lier", CardSystem: "cs-lier", PostalCodes: []string{"250"}}.Validate(), CodePostalInvalid},
	}
	for _, tt := range tests {
		if got := ErrorCode(tt.err); got != tt.code {
			t.Errorf("%s: got %q (%v), want %q", tt.name, got, tt.err, tt.code)
		}
	}
}

func TestChildValidate(t *testing.T) {
	ok := Child{HolderID: "h-1", ProviderID: "org-bko", Group: "Kleuters", Authorised: []AuthorisedAdult{{Name: "Tom", HolderID: "h-0"}, {Name: "Sofie", Code: "2580"}}}
	tests := []struct {
		name string
		edit func(*Child)
		code Code
	}{
		{"valid", func(*Child) {}, ""},
		{"no group", func(c *Child) { c.Group = "" }, CodeNameMissing},
		{"a name alone", func(c *Child) { c.Authorised = append(c.Authorised, AuthorisedAdult{Name: "Oma"}) }, CodePickupCode},
		{"short code", func(c *Child) { c.Authorised[1].Code = "12" }, CodePickupCode},
		{"code twice", func(c *Child) { c.Authorised = append(c.Authorised, AuthorisedAdult{Name: "Rita", Code: "2580"}) }, CodePickupCode},
	}
	for _, tt := range tests {
		c := ok
		c.Authorised = append([]AuthorisedAdult(nil), ok.Authorised...)
		tt.edit(&c)
		if got := ErrorCode(c.Validate()); got != tt.code {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.code)
		}
	}
}

func TestAccess(t *testing.T) {
	coord := Access{Role: OfficeCoordinator}
	admin := Access{Role: OfficeOrganiser, Organiser: "org-cc"}
	welfare := Access{Role: OfficeWelfare}
	steering := Access{Role: OfficeSteering}
	tests := []struct {
		name      string
		got, want bool
	}{
		{"coordinator manages any organiser", coord.ManagesOrganiser("org-sport"), true},
		{"admin manages their own", admin.ManagesOrganiser("org-cc"), true},
		{"admin not another's", admin.ManagesOrganiser("org-sport"), false},
		{"admin does not see another's", admin.SeesOrganiser("org-sport"), false},
		{"admin without organiser manages nothing", Access{Role: OfficeOrganiser}.ManagesOrganiser(""), false},
		{"steering sees", steering.SeesOrganiser("org-sport"), true},
		{"steering changes nothing", steering.ManagesOrganiser("org-sport") || steering.Holders() || steering.City(), false},
		{"welfare sets the social tariff", welfare.SocialTariff(), true},
		{"welfare does not manage organisers", welfare.ManagesOrganiser("org-cc"), false},
		{"admin does not set the social tariff", admin.SocialTariff(), false},
		{"admin resolves their own flags", admin.Review("org-cc"), true},
		{"admin does not resolve a flag of no organiser", admin.Review(""), false},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %v", tt.name, tt.got)
		}
	}
}

func TestValidateSocialTariffAndResolution(t *testing.T) {
	end := time.Date(2027, 6, 30, 0, 0, 0, 0, Brussels())
	tests := []struct {
		name string
		err  error
		code Code
	}{
		{"active", ValidateSocialTariff(SocialTariff{State: SocialActive, EndDate: end}, "attest OCMW"), ""},
		{"active without end", ValidateSocialTariff(SocialTariff{State: SocialActive}, "attest"), CodeDateInvalid},
		{"without reason", ValidateSocialTariff(SocialTariff{State: SocialSuspended}, " "), CodeReasonMissing},
		{"grace before end", ValidateSocialTariff(SocialTariff{State: SocialActive, EndDate: end, GraceEnd: end.AddDate(0, -1, 0)}, "x"), CodeDateInvalid},
		{"resolution", ValidateResolution(OutcomeAccepted, "klopt"), ""},
		{"resolution without note", ValidateResolution(OutcomeWrittenOff, ""), CodeReasonMissing},
		{"resolution unknown", ValidateResolution("MAYBE", "x"), CodeOutcomeInvalid},
		{"password short", ValidPassword("kort"), CodePasswordWeak},
		{"password", ValidPassword("een lange zin als wachtwoord"), ""},
		{"user name", ValidUserName("els.vandyck"), ""},
		{"user name upper", ValidUserName("Els"), CodeUserNameInvalid},
	}
	for _, tt := range tests {
		if got := ErrorCode(tt.err); got != tt.code {
			t.Errorf("%s: got %q (%v), want %q", tt.name, got, tt.err, tt.code)
		}
	}
}

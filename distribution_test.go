package balie

import (
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
)

func TestCommonKey(t *testing.T) {
	got := CommonKey()
	want := DistributionKey{Holder: 2000, Organiser: 4000, City: 4000}
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if err := got.Validate(); err != nil {
		t.Errorf("Validate() = %v, want nil", err)
	}
}

func TestDistributionKey_Validate(t *testing.T) {
	const maxInt = int(^uint(0) >> 1)
	tests := []struct {
		name string
		k    DistributionKey
		ok   bool
	}{
		{name: "common", k: DistributionKey{2000, 4000, 4000}, ok: true},
		{name: "holder at 25%", k: DistributionKey{2500, 1000, 6500}, ok: true},
		{name: "holder at 0.01%", k: DistributionKey{1, 1000, 8999}, ok: true},
		{name: "city nothing", k: DistributionKey{2500, 7500, 0}, ok: true},
		{name: "zero key", k: DistributionKey{}},
		{name: "holder zero", k: DistributionKey{0, 5000, 5000}},
		{name: "holder over 25%", k: DistributionKey{2501, 4000, 3499}},
		{name: "organiser under 10%", k: DistributionKey{2000, 999, 7001}},
		{name: "negative city", k: DistributionKey{2000, 8500, -500}},
		{name: "sum under 100%", k: DistributionKey{2000, 4000, 3999}},
		{name: "sum over 100%", k: DistributionKey{2000, 4000, 4001}},
		{name: "huge parts", k: DistributionKey{2000, maxInt, maxInt}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.k.Validate()
			if tt.ok {
				if err != nil {
					t.Fatalf("err = %v, want nil", err)
				}
				return
			}
			assertRefusal(t, err, CodeKeyInvalid)
		})
	}
}

// TestDistributionKey_Validate_message checks the sentence names the bound
// that was broken, with the percentage written the reader's way.
func TestDistributionKey_Validate_message(t *testing.T) {
	err := DistributionKey{Holder: 2550, Organiser: 4000, City: 3450}.Validate()
	e, ok := AsError(err)
	if !ok {
		t.Fatalf("err = %v, want a domain error", err)
	}
	if want := "Het deel van de pashouder in de verdeelsleutel is hoogstens 25%; hier is het 25,5%."; e.NL != want {
		t.Errorf("NL: got %q, want %q", e.NL, want)
	}
	if want := "The holder's part of the distribution key is at most 25%; here it is 25.5%."; e.EN != want {
		t.Errorf("EN: got %q, want %q", e.EN, want)
	}
}

func TestDistributionKey_Split(t *testing.T) {
	common := CommonKey()
	max := DistributionKey{Holder: 2500, Organiser: 1000, City: 6500}
	tests := []struct {
		name    string
		k       DistributionKey
		regular Cents
		step    Cents
		want    Shares
		code    Code
	}{
		{name: "10 euro", k: common, regular: 1000, want: Shares{200, 400, 400}},
		{name: "default step when negative", k: common, regular: 1000, step: -5, want: Shares{200, 400, 400}},
		// 149 rounds up to 150; the rest 595 splits 297,5 / 297,5 and the
		// organiser's half cent rounds up.
		{name: "7,45 euro", k: common, regular: 745, want: Shares{150, 298, 297}},
		{name: "7,45 euro, step 1", k: common, regular: 745, step: 1, want: Shares{149, 298, 298}},
		{name: "7,45 euro, step 50", k: common, regular: 745, step: 50, want: Shares{150, 298, 297}},
		{name: "7,45 euro, step 100", k: common, regular: 745, step: 100, want: Shares{100, 323, 322}},
		{name: "0,50 euro", k: common, regular: 50, want: Shares{10, 20, 20}},
		// 105 is exactly half way between 100 and 110: halves go up.
		{name: "5,25 euro, half up", k: common, regular: 525, want: Shares{110, 208, 207}},
		{name: "1 euro, step 1", k: common, regular: 100, step: 1, want: Shares{20, 40, 40}},
		{name: "12 euro", k: common, regular: 1200, want: Shares{240, 480, 480}},
		{name: "maximum amount", k: common, regular: MaxAmount, want: Shares{20_000_000_00, 40_000_000_00, 40_000_000_00}},
		{name: "25% key, 10 euro", k: max, regular: 1000, want: Shares{250, 100, 650}},
		// 186,25 rounds to 190, above floor(25%) = 186: the nearest
		// multiple of 10 inside is 180.
		{name: "25% key, 7,45 euro, clamped to a step", k: max, regular: 745, want: Shares{180, 75, 490}},
		// 8,75 rounds to 10 > floor(25%) = 8, no multiple of 10 in
		// [1, 8]: the bound 8 itself.
		{name: "25% key, 35 cents, clamped to the bound", k: max, regular: 35, want: Shares{8, 4, 23}},
		// The organiser's 3,2 cents round to 3, below ceil(10%) = 4.
		{name: "25% key, 31 cents, organiser raised", k: max, regular: 31, step: 1, want: Shares{7, 4, 20}},
		// 0,8 cents rounds to 0; no multiple of 10 in [1, 1]: 1 cent.
		{name: "4 cents, the smallest price", k: common, regular: 4, want: Shares{1, 2, 1}},
		// 1% of 1 euro rounds to 0; the smallest multiple of 10 above
		// 1 cent is 10 cents.
		{name: "tiny holder part raised to a step", k: DistributionKey{100, 4000, 5900}, regular: 100, want: Shares{10, 36, 54}},
		{name: "step above the price", k: common, regular: 500, step: 1000, want: Shares{1, 250, 249}},
		{name: "city nothing", k: DistributionKey{2000, 8000, 0}, regular: 1000, want: Shares{200, 800, 0}},
		{name: "free event", k: common, regular: 0, want: Shares{}},

		{name: "3 cents", k: common, regular: 3, code: CodeSplitImpossible},
		{name: "1 cent", k: common, regular: 1, code: CodeSplitImpossible},
		{name: "negative price", k: common, regular: -100, code: CodeAmountNegative},
		{name: "above maximum", k: common, regular: MaxAmount + 1, code: CodeAmountOverflow},
		{name: "invalid key", k: DistributionKey{3000, 3500, 3500}, regular: 1000, code: CodeKeyInvalid},
		{name: "invalid key, free event", k: DistributionKey{}, regular: 0, code: CodeKeyInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.k.Split(tt.regular, tt.step)
			if !checkOutcome(t, got, err, tt.want, tt.code) {
				return
			}
			if got.Total() != tt.regular {
				t.Errorf("Total() = %d, want %d", got.Total(), tt.regular)
			}
		})
	}
}

// TestDistributionKey_Split_property checks the rules of the social
// tariff over many random prices, keys and steps. Set BALIE_SPLIT_SEED
// to replay or vary a run; the seed is printed with every failure.
func TestDistributionKey_Split_property(t *testing.T) {
	seed := uint64(20260101)
	if s := os.Getenv("BALIE_SPLIT_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("BALIE_SPLIT_SEED=%q: %v", s, err)
		}
		seed = v
	}
	n := 250_000
	if testing.Short() {
		n = 20_000
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	steps := []Cents{1, 5, 10, 50, 100}
	failures := 0
	for i := 0; i < n && failures < 10; i++ {
		// Prices from 4 cents to 10.000 euro, most of them small, as at a
		// real desk, but the whole range covered.
		var regular Cents
		if rng.IntN(2) == 0 {
			regular = 4 + Cents(rng.IntN(5000))
		} else {
			regular = 4 + Cents(rng.Int64N(1_000_000-4+1))
		}
		holderBP := 1 + rng.IntN(2500)
		organiserBP := 1000 + rng.IntN(10000-holderBP-1000+1)
		k := DistributionKey{Holder: holderBP, Organiser: organiserBP, City: 10000 - holderBP - organiserBP}
		step := steps[rng.IntN(len(steps))]

		s, err := k.Split(regular, step)
		fail := func(why string) {
			t.Helper()
			failures++
			t.Errorf("seed %d, case %d: Split(%d, %d) with key %+v = %+v: %s", seed, i, regular, step, k, s, why)
		}
		if err != nil {
			fail("refused: " + err.Error())
			continue
		}
		hi := regular * 2500 / 10000
		minOrg := (regular*1000 + 9999) / 10000
		switch {
		case s.Total() != regular:
			fail("the shares do not add up to the regular price")
		case s.Holder <= 0:
			fail("the holder pays nothing")
		case s.Holder > hi:
			fail("the holder pays more than 25%")
		case s.Organiser < minOrg:
			fail("the organiser carries less than 10%")
		case s.City < 0:
			fail("the city's share is negative")
		case s.Holder%step != 0 && (hi/step*step >= 1):
			// A multiple of step lies in [1, hi], so one must be used.
			fail("the holder's share is not a multiple of the step although one fits")
		}
	}
}

func TestShares_Total(t *testing.T) {
	tests := []struct {
		name string
		s    Shares
		want Cents
	}{
		{name: "zero", s: Shares{}, want: 0},
		{name: "common key on 10 euro", s: Shares{200, 400, 400}, want: 1000},
		{name: "uneven", s: Shares{150, 298, 297}, want: 745},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.s.Total(); got != tt.want {
				t.Errorf("got %d, want %d", got, tt.want)
			}
		})
	}
}

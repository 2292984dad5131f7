package store

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/balie/balie"
)

// TestDB_Lookup_socialEnds: the clerk is told when a holder's social
// tariff ends: all through its grace period (which may end months away)
// and within 60 days of its end date; as a note for staff, not a notice
// on the holder's card.
func TestDB_Lookup_socialEnds(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, "desk-box")
	// Marleen: her end date passed 20 days ago, her grace ends in 70.
	grace := mustCard(t, "300000000001")
	l, err := f.db.NewLoader(ctx)
	if err != nil {
		t.Fatal(err)
	}
	today := at(2026, 11, 25, 10, 0)
	if err := l.Holder(balie.Holder{ID: "h-grace", FirstName: "Marleen", LastName: "Wouters", PostalCode: "2500", CardSystems: []string{"lier"},
		SocialTariff: balie.SocialTariff{State: balie.SocialActive, EndDate: today.AddDate(0, 0, -20), GraceEnd: today.AddDate(0, 0, 70)}},
		[]balie.Card{{Number: grace, Status: balie.CardActive, CardSystem: "lier", HolderID: "h-grace"}}, nil); err != nil {
		l.Abort()
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		card balie.CardNumber
		at   time.Time
		day  string // the end the note names; "" for no note
	}{
		{"in the grace period, 70 days left", grace, today, today.AddDate(0, 0, 70).Format("02/01/2006")},
		{"90 days before the end date", cardSocial, at(2026, 12, 10, 0, 0).AddDate(0, 0, -90), ""},
		{"45 days before the end date", cardSocial, at(2026, 12, 10, 0, 0).AddDate(0, 0, -45), "10/12/2026"},
		{"no social tariff", cardRegular, today, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f.clock.Set(c.at)
			l, err := f.db.LookupCard(ctx, c.card)
			if err != nil {
				t.Fatal(err)
			}
			var notes []balie.Notice
			for _, n := range l.Notices {
				if n.Code == "social_ending" {
					notes = append(notes, n)
				}
			}
			if c.day == "" {
				if len(notes) != 0 {
					t.Errorf("notes %+v, want none", notes)
				}
				return
			}
			if len(notes) != 1 || !notes[0].Staff || !strings.Contains(notes[0].NL, c.day) || !strings.Contains(notes[0].EN, c.day) {
				t.Errorf("notes %+v, want one for staff naming %s", notes, c.day)
			}
			if strings.Contains(strings.ToLower(notes[0].NL), "kansen") {
				t.Errorf("the note names the social tariff aloud: %q", notes[0].NL)
			}
		})
	}
}

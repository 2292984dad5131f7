package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/balie/balie"
)

// describeChild is a child of the day's list in one line, in Brussels
// time: "Kleuters/Lotte Janssens: present since 25/11 15:40; 15:40–17:05 Sofie Janssens".
func describeChild(c balie.ChildToday) string {
	clock := func(t time.Time) string { return t.In(balie.Brussels()).Format("15:04") }
	var b strings.Builder
	fmt.Fprintf(&b, "%s/%s %s: ", c.Group, c.FirstName, c.LastName)
	if c.Present {
		fmt.Fprintf(&b, "present since %s", c.Since.In(balie.Brussels()).Format("02/01 15:04"))
	} else {
		b.WriteString("absent")
	}
	for _, s := range c.Stays {
		fmt.Fprintf(&b, "; %s–", clock(s.In))
		if !s.Out.IsZero() {
			fmt.Fprintf(&b, "%s %s", clock(s.Out), s.PickedUpBy)
		}
	}
	return b.String()
}

// addEvent puts an event in the fixture's replica.
func addEvent(t *testing.T, f *fixture, e balie.Event) {
	t.Helper()
	l, err := f.db.NewLoader(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Event(e); err != nil {
		l.Abort()
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestDB_Children(t *testing.T) {
	ctx := context.Background()
	signIn := func(t *testing.T, f *fixture, at time.Time, child string) {
		t.Helper()
		f.clock.Set(at)
		if _, err := f.db.SignIn(ctx, staffClerk, child); err != nil {
			t.Fatalf("SignIn %s: %v", child, err)
		}
	}
	signOut := func(t *testing.T, f *fixture, at time.Time, child string, who balie.PickupProof) {
		t.Helper()
		f.clock.Set(at)
		if _, err := f.db.SignOut(ctx, staffClerk, child, who); err != nil {
			t.Fatalf("SignOut %s: %v", child, err)
		}
	}
	today := at(2026, 11, 25, 18, 0)
	cases := []struct {
		name  string
		desk  string
		setup func(t *testing.T, f *fixture)
		want  []string
	}{
		{"nobody came yet", "desk-bko", func(*testing.T, *fixture) {}, []string{
			"Kleuters/Lotte Janssens: absent",
			"Lagere school/Wout Janssens: absent",
		}},
		{"signed in", "desk-bko", func(t *testing.T, f *fixture) {
			signIn(t, f, at(2026, 11, 25, 15, 40), "h-child")
		}, []string{
			"Kleuters/Lotte Janssens: present since 25/11 15:40; 15:40–",
			"Lagere school/Wout Janssens: absent",
		}},
		{"came, left and came back", "desk-bko", func(t *testing.T, f *fixture) {
			signIn(t, f, at(2026, 11, 25, 7, 30), "h-child")
			signOut(t, f, at(2026, 11, 25, 8, 15), "h-child", balie.PickupProof{Code: "4321"})
			signIn(t, f, at(2026, 11, 25, 15, 40), "h-child")
			signIn(t, f, at(2026, 11, 25, 15, 45), "h-sibling")
			signOut(t, f, at(2026, 11, 25, 17, 5), "h-sibling", balie.PickupProof{HolderID: "h-regular"})
		}, []string{
			"Kleuters/Lotte Janssens: present since 25/11 15:40; 07:30–08:15 Sofie Janssens; 15:40–",
			"Lagere school/Wout Janssens: absent; 15:45–17:05 Els Peeters",
		}},
		{"forgotten yesterday is still present, with no stay today", "desk-bko", func(t *testing.T, f *fixture) {
			signIn(t, f, at(2026, 11, 24, 16, 0), "h-sibling")
		}, []string{
			"Kleuters/Lotte Janssens: absent",
			"Lagere school/Wout Janssens: present since 24/11 16:00",
		}},
		{"yesterday's closed stays stay out of today", "desk-bko", func(t *testing.T, f *fixture) {
			signIn(t, f, at(2026, 11, 24, 16, 0), "h-child")
			signOut(t, f, at(2026, 11, 24, 17, 0), "h-child", balie.PickupProof{Code: "4321"})
		}, []string{
			"Kleuters/Lotte Janssens: absent",
			"Lagere school/Wout Janssens: absent",
		}},
		{"a desk of another organiser has no children", "desk-box", func(*testing.T, *fixture) {}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, "desk-bko")
			c.setup(t, f)
			if err := f.db.SetDesk(ctx, c.desk); err != nil {
				t.Fatal(err)
			}
			kids, err := f.db.Children(ctx, today)
			if err != nil {
				t.Fatalf("Children: %v", err)
			}
			var got []string
			for _, k := range kids {
				got = append(got, describeChild(k))
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("Children =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(c.want, "\n"))
			}
		})
	}
}

func TestDB_Children_authorised(t *testing.T) {
	f := newFixture(t, "desk-bko")
	kids, err := f.db.Children(context.Background(), at(2026, 11, 25, 12, 0))
	if err != nil || len(kids) == 0 {
		t.Fatalf("Children = %v, %v", kids, err)
	}
	want := []balie.AuthorisedAdult{{Name: "Sofie Janssens", Code: "4321"}, {Name: "Els Peeters", HolderID: "h-regular"}}
	if got := kids[0].Authorised; !slices.Equal(got, want) {
		t.Errorf("authorised = %+v, want %+v", got, want)
	}
}

func TestDB_Child(t *testing.T) {
	f := newFixture(t, "desk-box")
	cases := []struct {
		name, id string
		group    string
		code     balie.Code
	}{
		{"enrolled", "h-child", "Kleuters", ""},
		{"at any desk", "h-sibling", "Lagere school", ""},
		{"an adult", "h-regular", "", balie.CodeChildUnknown},
		{"no one", "h-nobody", "", balie.CodeChildUnknown},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := f.db.Child(context.Background(), c.id)
			if c.code != "" {
				wantCode(t, err, c.code)
				return
			}
			if err != nil {
				t.Fatalf("Child: %v", err)
			}
			if got.Group != c.group || got.ProviderID != "org-bko" || len(got.Authorised) != 2 {
				t.Errorf("Child = %+v, want group %s at org-bko with 2 adults", got, c.group)
			}
		})
	}
}

func TestDB_ClosingTime(t *testing.T) {
	bko := func(id string, day, h1, h2 int) balie.Event {
		return balie.Event{ID: id, OrganiserID: "org-bko", Name: "Buitenschoolse opvang", Start: at(2026, 11, day, h1, 0), End: at(2026, 11, day, h2, 30)}
	}
	cases := []struct {
		name   string
		desk   string
		events []balie.Event
		day    time.Time
		want   time.Time
		ok     bool
	}{
		{"the day's event", "desk-bko", []balie.Event{bko("ev-25", 25, 7, 18)}, at(2026, 11, 25, 16, 0), at(2026, 11, 25, 18, 30), true},
		{"asked at midnight", "desk-bko", []balie.Event{bko("ev-25", 25, 7, 18)}, at(2026, 11, 25, 0, 0), at(2026, 11, 25, 18, 30), true},
		{"the later of a morning and an afternoon", "desk-bko", []balie.Event{bko("ev-am", 25, 7, 8), bko("ev-pm", 25, 15, 18)}, at(2026, 11, 25, 9, 0), at(2026, 11, 25, 18, 30), true},
		{"not the next day's", "desk-bko", []balie.Event{bko("ev-26", 26, 7, 18)}, at(2026, 11, 25, 16, 0), time.Time{}, false},
		{"each desk its own organiser's", "desk-sport", []balie.Event{bko("ev-25", 25, 7, 18)}, at(2026, 11, 25, 16, 0), at(2026, 11, 25, 22, 0), true},
		{"a day without childcare, other organisers' events aside", "desk-bko", nil, at(2026, 11, 25, 16, 0), time.Time{}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, c.desk)
			for _, e := range c.events {
				addEvent(t, f, e)
			}
			got, ok, err := f.db.ClosingTime(context.Background(), c.day)
			if err != nil {
				t.Fatalf("ClosingTime: %v", err)
			}
			if ok != c.ok || !got.Equal(c.want) {
				t.Errorf("ClosingTime = %v, %v; want %v, %v", got, ok, c.want, c.ok)
			}
		})
	}
}

func TestDB_ChildcareRates(t *testing.T) {
	cases := []struct {
		desk  string
		price balie.Cents
		code  balie.Code
	}{
		{"desk-bko", 105, ""},
		{"desk-box", 0, balie.CodeChildcareInvalid},
	}
	for _, c := range cases {
		t.Run(c.desk, func(t *testing.T) {
			f := newFixture(t, c.desk)
			r, err := f.db.ChildcareRates(context.Background())
			if c.code != "" {
				wantCode(t, err, c.code)
				return
			}
			if err != nil || r.UnitPrice != c.price || r.Unit != 30*time.Minute {
				t.Errorf("ChildcareRates = %+v, %v; want € 1,05 per 30 minutes", r, err)
			}
		})
	}
}

package balie

import (
	"strings"
	"testing"
	"time"
)

// concert is an evening event on the eve of the spring DST change: doors
// (check-in) open 30 minutes early and close an hour after the end.
func concert() Event {
	return Event{
		ID:               "ev-1",
		Name:             "Concert",
		Start:            inBrussels(2026, time.March, 28, 20, 0),
		End:              inBrussels(2026, time.March, 28, 22, 30),
		PointsPerCheckin: 1,
		CheckinLimit:     Limit{Volume: 1, Period: PeriodDay},
		MarginBefore:     30 * time.Minute,
		MarginAfter:      time.Hour,
	}
}

func TestDecideCheckin(t *testing.T) {
	withLimit := func(l Limit) Event { ev := concert(); ev.CheckinLimit = l; return ev }
	noPoints := concert()
	noPoints.PointsPerCheckin = 0
	twoPoints := concert()
	twoPoints.PointsPerCheckin = 2
	// A night event across the spring change: 03:30 CEST minus 2 h is
	// 00:30 CET, which is what the clerk must read.
	night := Event{
		Start:            inBrussels(2026, time.March, 29, 3, 30),
		End:              inBrussels(2026, time.March, 29, 6, 0),
		PointsPerCheckin: 1,
		MarginBefore:     2 * time.Hour,
	}

	cases := []struct {
		name       string
		ev         Event
		at         time.Time
		inWindow   int
		wantPoints int
		wantCode   Code
		wantNL     []string
	}{
		{"inside the event", concert(), inBrussels(2026, time.March, 28, 21, 0), 0, 1, "", nil},
		{"opening bound is included", concert(), inBrussels(2026, time.March, 28, 19, 30), 0, 1, "", nil},
		{"a second before closing", concert(), time.Date(2026, time.March, 28, 23, 29, 59, 0, Brussels()), 0, 1, "", nil},
		{"a second before opening", concert(), time.Date(2026, time.March, 28, 19, 29, 59, 0, Brussels()), 0, 0,
			CodeOutsideWindow, []string{"pas vanaf 19:30"}},
		{"the day before names the date", concert(), inBrussels(2026, time.March, 27, 12, 0), 0, 0,
			CodeOutsideWindow, []string{"pas vanaf 28/03/2026 19:30"}},
		{"closing bound is excluded", concert(), inBrussels(2026, time.March, 28, 23, 30), 0, 0,
			CodeOutsideWindow, []string{"afgesloten sinds 23:30"}},
		{"the window is checked before the limit", concert(), inBrussels(2026, time.March, 28, 19, 0), 5, 0,
			CodeOutsideWindow, nil},
		{"opening time in local time across DST", night, inBrussels(2026, time.March, 29, 0, 15), 0, 0,
			CodeOutsideWindow, []string{"00:30"}},
		{"open across DST", night, inBrussels(2026, time.March, 29, 0, 30), 0, 1, "", nil},
		{"repeat scan on the same day", concert(), inBrussels(2026, time.March, 28, 21, 0), 1, 0,
			CodeCheckinLimit, []string{"vandaag al ingecheckt", "geen punt"}},
		{"no points at stake, no word about points", noPoints, inBrussels(2026, time.March, 28, 21, 0), 1, 0,
			CodeCheckinLimit, []string{"vandaag al ingecheckt"}},
		{"check-in without points", noPoints, inBrussels(2026, time.March, 28, 21, 0), 0, 0, "", nil},
		{"two points per check-in", twoPoints, inBrussels(2026, time.March, 28, 21, 0), 0, 2, "", nil},
		{"no limit", withLimit(Limit{}), inBrussels(2026, time.March, 28, 21, 0), 100, 1, "", nil},
		{"second of two this week", withLimit(Limit{Volume: 2, Period: PeriodWeek}), inBrussels(2026, time.March, 28, 21, 0), 1, 1, "", nil},
		{"third of two this week", withLimit(Limit{Volume: 2, Period: PeriodWeek}), inBrussels(2026, time.March, 28, 21, 0), 2, 0,
			CodeCheckinLimit, []string{"deze week al 2 keer ingecheckt", "maximum"}},
		{"month", withLimit(Limit{Volume: 1, Period: PeriodMonth}), inBrussels(2026, time.March, 28, 21, 0), 1, 0,
			CodeCheckinLimit, []string{"deze maand al ingecheckt"}},
		{"quarter", withLimit(Limit{Volume: 1, Period: PeriodQuarter}), inBrussels(2026, time.March, 28, 21, 0), 1, 0,
			CodeCheckinLimit, []string{"dit kwartaal al ingecheckt"}},
		{"year", withLimit(Limit{Volume: 1, Period: PeriodYear}), inBrussels(2026, time.March, 28, 21, 0), 1, 0,
			CodeCheckinLimit, []string{"dit jaar al ingecheckt"}},
		{"absolute", withLimit(Limit{Volume: 1, Period: PeriodAbsolute}), inBrussels(2026, time.March, 28, 21, 0), 1, 0,
			CodeCheckinLimit, []string{"al eerder ingecheckt"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			points, err := DecideCheckin(c.ev, c.at, c.inWindow)
			if c.wantCode != "" {
				assertRefusal(t, err, c.wantCode, c.wantNL...)
				if c.ev.PointsPerCheckin == 0 {
					if e, _ := AsError(err); strings.Contains(e.NL, "punt") {
						t.Errorf("NL = %q, want no mention of points for an event without points", e.NL)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("got error %v, want none", err)
			}
			if points != c.wantPoints {
				t.Errorf("points got %d, want %d", points, c.wantPoints)
			}
		})
	}
}

func TestCheckinWindow(t *testing.T) {
	opens, closes := CheckinWindow(concert())
	if want := inBrussels(2026, time.March, 28, 19, 30); !opens.Equal(want) {
		t.Errorf("opens got %v, want %v", opens, want)
	}
	if want := inBrussels(2026, time.March, 28, 23, 30); !closes.Equal(want) {
		t.Errorf("closes got %v, want %v", closes, want)
	}
}

func TestCheckinMayEnter(t *testing.T) {
	ev := Event{Start: time.Date(2026, 11, 25, 7, 0, 0, 0, Brussels()), End: time.Date(2026, 11, 25, 22, 0, 0, 0, Brussels()),
		PointsPerCheckin: 1, CheckinLimit: Limit{Volume: 1, Period: PeriodDay}}
	_, again := DecideCheckin(ev, time.Date(2026, 11, 25, 10, 0, 0, 0, Brussels()), 1)
	_, early := DecideCheckin(ev, time.Date(2026, 11, 25, 5, 0, 0, 0, Brussels()), 0)
	for _, c := range []struct {
		name string
		err  error
		want bool
	}{{"already checked in today", again, true}, {"before opening", early, false}, {"a blocked card", Errorf(CodeCardBlocked, "x", "x"), false}} {
		if got := CheckinMayEnter(c.err); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

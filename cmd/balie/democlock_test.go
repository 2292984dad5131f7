package main

import (
	"testing"
	"time"

	"github.com/balie/balie"
)

// TestDemoClock: --demo-time runs the demo at that time of day, the
// latest such moment, never ahead of the wall clock.
func TestDemoClock(t *testing.T) {
	bxl := balie.Brussels()
	cases := []struct {
		wall time.Time
		hhmm string
		want time.Time // what the clock reads at wall
		err  bool
	}{
		{time.Date(2026, 12, 1, 23, 30, 0, 0, bxl), "14:00", time.Date(2026, 12, 1, 14, 0, 0, 0, bxl), false},
		{time.Date(2026, 12, 1, 3, 0, 0, 0, bxl), "14:00", time.Date(2026, 11, 30, 14, 0, 0, 0, bxl), false},
		{time.Date(2026, 3, 29, 12, 0, 0, 0, bxl), "09:15", time.Date(2026, 3, 29, 9, 15, 0, 0, bxl), false}, // the day the clocks go forward
		{time.Date(2026, 12, 1, 12, 0, 0, 0, bxl), "2pm", time.Time{}, true},
		{time.Date(2026, 12, 1, 12, 0, 0, 0, bxl), "25:00", time.Time{}, true},
	}
	for _, c := range cases {
		now, err := demoClock(c.hhmm, c.wall)
		if c.err {
			if err == nil {
				t.Errorf("demoClock(%q) took it", c.hhmm)
			}
			continue
		}
		if err != nil {
			t.Fatalf("demoClock(%q): %v", c.hhmm, err)
		}
		// The clock ticks from the wall clock's now, so compare the
		// offset it applies.
		got := now().Add(c.wall.Sub(time.Now()))
		if d := got.Sub(c.want); d < -time.Second || d > time.Second {
			t.Errorf("demoClock(%q) at %v reads %v, want %v", c.hhmm, c.wall, got, c.want)
		}
	}
}

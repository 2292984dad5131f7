package ratelimit

import (
	"net/http/httptest"
	"testing"
	"time"
)

func TestWindow(t *testing.T) {
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	w := New(3, time.Minute, func() time.Time { return now })
	steps := []struct {
		advance time.Duration
		count   string
		key     string
		want    bool
	}{
		{0, "", "10.0.0.1", true},
		{0, "10.0.0.1", "10.0.0.1", true},
		{0, "10.0.0.1", "10.0.0.1", true},
		{0, "10.0.0.1", "10.0.0.1", false}, // three in the window
		{0, "", "10.0.0.2", true},          // another key is its own
		{59 * time.Second, "", "10.0.0.1", false},
		{time.Second, "", "10.0.0.1", true}, // a new window forgets
		{0, "10.0.0.1", "10.0.0.1", true},
		{-time.Hour, "", "10.0.0.1", true}, // a clock set back starts one too
	}
	for i, s := range steps {
		now = now.Add(s.advance)
		if s.count != "" {
			w.Count(s.count)
		}
		if got := w.Allowed(s.key); got != s.want {
			t.Errorf("step %d: Allowed(%s) = %v, want %v", i, s.key, got, s.want)
		}
	}
}

func TestWindow_boundedKeys(t *testing.T) {
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	w := New(1, time.Minute, func() time.Time { return now })
	w.Count("known")
	for i := range maxTracked + 10 {
		w.Count(string(rune(i)) + "x")
	}
	if len(w.counts) > maxTracked {
		t.Errorf("%d keys kept, want at most %d", len(w.counts), maxTracked)
	}
	w.Count("known")
	if w.Allowed("known") || w.counts["known"] != 2 {
		t.Errorf("a key counted before the bound is still counted: %d", w.counts["known"])
	}
}

func TestRemote(t *testing.T) {
	for _, c := range []struct{ addr, want string }{
		{"192.0.2.7:51234", "192.0.2.7"},
		{"[2001:db8::1]:443", "2001:db8::1"},
		{"pipe", "pipe"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.addr
		if got := Remote(r); got != c.want {
			t.Errorf("Remote(%q) = %q, want %q", c.addr, got, c.want)
		}
	}
}

package reader

import (
	"testing"
	"time"
)

// typeKeys feeds text to w as keys gap apart from start, then an Enter
// enterGap after the last key, and returns the verdict.
func typeKeys(t *testing.T, w *Wedge, start time.Time, text string, gap, enterGap time.Duration) Burst {
	t.Helper()
	at := start
	for i, r := range text {
		if i > 0 {
			at = at.Add(gap)
		}
		if _, ok := w.Feed(Key{Rune: r, At: at}); ok {
			t.Fatalf("verdict before Enter at key %d", i)
		}
	}
	b, ok := w.Feed(Key{Rune: KeyEnter, At: at.Add(enterGap)})
	if !ok {
		t.Fatal("no verdict at Enter")
	}
	return b
}

func TestWedge_Feed(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	ms := time.Millisecond
	tests := []struct {
		name     string
		text     string
		gap      time.Duration
		enterGap time.Duration
		kind     BurstKind
		scan     string
		reason   Reason
	}{
		{"scanner, 4 ms a key", "0900000095902", 4 * ms, 4 * ms, Scanned, "0900000095902", ""},
		{"scanner at the limit", "0900000095902", 29 * ms, 29 * ms, Scanned, "0900000095902", ""},
		{"person, 120 ms a key", "0900000095902", 120 * ms, 150 * ms, Typed, "", ""},
		{"just too slow for a scanner", "0900000095902", 30 * ms, 10 * ms, Typed, "", ""},
		{"fast keys, slow Enter", "0900000095902", 5 * ms, 300 * ms, Typed, "", ""},
		{"scanner, wrong check digit", "0900000095903", 5 * ms, 5 * ms, BadScan, "0900000095903", "card_number_check"},
		{"scanner, EAN-8 barcode", "96385074", 5 * ms, 5 * ms, BadScan, "96385074", "card_number_length"},
		{"scanner, letters", "ABC-12345", 5 * ms, 5 * ms, BadScan, "ABC-12345", "card_number_chars"},
		{"short fast burst is typing", "1234", 5 * ms, 5 * ms, Typed, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := NewWedge(WedgeConfig{})
			b := typeKeys(t, w, t0, tt.text, tt.gap, tt.enterGap)
			if b.Kind != tt.kind || b.Scan != tt.scan || b.Reason != tt.reason || b.Text != tt.text {
				t.Errorf("got %v scan %q reason %q text %q, want %v scan %q reason %q", b.Kind, b.Scan, b.Reason, b.Text, tt.kind, tt.scan, tt.reason)
			}
			if b.Kind == Scanned && (b.Read.Number != "0900000095902" || b.Read.Source != "keyboard" || !b.Read.At.Equal(t0.Add(12*tt.gap+tt.enterGap))) {
				t.Errorf("read = %+v", b.Read)
			}
			if b.Kind == BadScan && b.Err == nil {
				t.Error("bad scan without its error")
			}
		})
	}
}

func TestWedge_ScanAfterTyping(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	w := NewWedge(WedgeConfig{})
	// A person typed "12" slowly, then the scanner fired into the same field.
	w.Feed(Key{Rune: '1', At: t0})
	w.Feed(Key{Rune: '2', At: t0.Add(200 * time.Millisecond)})
	b := typeKeys(t, w, t0.Add(time.Second), "1000000520006", 3*time.Millisecond, 3*time.Millisecond)
	if b.Kind != Scanned || b.Read.Number != "1000000520006" || b.Text != "121000000520006" || b.Scan != "1000000520006" {
		t.Errorf("got %v %q text %q scan %q, want the scan apart from the typing", b.Kind, b.Read.Number, b.Text, b.Scan)
	}
}

func TestWedge_Backspace(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	w := NewWedge(WedgeConfig{})
	at := t0
	for _, r := range "09000000959022" {
		w.Feed(Key{Rune: r, At: at})
		at = at.Add(5 * time.Millisecond)
	}
	w.Feed(Key{Rune: KeyBackspace, At: at})
	b, _ := w.Feed(Key{Rune: '\r', At: at.Add(5 * time.Millisecond)})
	if b.Kind != Typed || b.Text != "0900000095902" {
		t.Errorf("got %v %q, want typed 0900000095902: a correction is a person", b.Kind, b.Text)
	}
}

func TestWedge_Debounce(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	w := NewWedge(WedgeConfig{Debounce: time.Second})
	kinds := []BurstKind{}
	for _, off := range []time.Duration{0, 300 * time.Millisecond, 600 * time.Millisecond, 3 * time.Second} {
		kinds = append(kinds, typeKeys(t, w, t0.Add(off), "0900000095902", 4*time.Millisecond, 4*time.Millisecond).Kind)
	}
	want := []BurstKind{Scanned, Repeat, Repeat, Scanned}
	for i := range want {
		if kinds[i] != want[i] {
			t.Fatalf("kinds = %v, want %v", kinds, want)
		}
	}
	st := w.Stats()
	if st.Accepted != 2 || st.Duplicates != 2 {
		t.Errorf("stats = %+v, want 2 accepted, 2 duplicates", st)
	}
}

func TestDebouncer_Duplicate(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	a := Read{Number: "0900000095902"}
	b := Read{Chip: "04A22B1A"}
	at := func(r Read, d time.Duration) Read { r.At = t0.Add(d); return r }
	tests := []struct {
		name   string
		window time.Duration
		reads  []Read
		want   []bool
	}{
		{"no window", 0, []Read{at(a, 0), at(a, 1)}, []bool{false, false}},
		{"within window", time.Second, []Read{at(a, 0), at(a, 500*time.Millisecond)}, []bool{false, true}},
		{"after window", time.Second, []Read{at(a, 0), at(a, time.Second)}, []bool{false, false}},
		{"window slides while the card stays", time.Second, []Read{at(a, 0), at(a, 800*time.Millisecond), at(a, 1600*time.Millisecond), at(a, 2400*time.Millisecond)}, []bool{false, true, true, true}},
		{"another card in between", time.Second, []Read{at(a, 0), at(b, 100*time.Millisecond), at(a, 200*time.Millisecond)}, []bool{false, false, false}},
		{"clock stepped back", time.Second, []Read{at(a, time.Second), at(a, 0)}, []bool{false, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Debouncer{Window: tt.window}
			for i, r := range tt.reads {
				if got := d.Duplicate(r); got != tt.want[i] {
					t.Errorf("read %d: Duplicate = %v, want %v", i, got, tt.want[i])
				}
			}
		})
	}
}

func TestStats_String(t *testing.T) {
	s := Stats{Accepted: 3, Duplicates: 1, Rejected: map[Reason]int64{"too_long": 1, "card_number_check": 2}, Reconnects: 1}
	want := "3 accepted, 1 duplicate, 3 rejected (card_number_check 2, too_long 1), 1 reconnect, 0 retry"
	if got := s.String(); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

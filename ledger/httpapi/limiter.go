package httpapi

import (
	"sync"
	"time"
)

// limiter counts failed sign-ins per address in fixed windows: an
// address that failed max times in a window is refused until the window
// ends. It forgets every address at the start of a window, so a flood of
// addresses cannot grow it past one window's worth.
type limiter struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	now    func() time.Time
	start  time.Time
	fails  map[string]int
}

// maxTracked bounds the addresses one window remembers.
const maxTracked = 100_000

func newLimiter(max int, window time.Duration, now func() time.Time) *limiter {
	return &limiter{max: max, window: window, now: now, fails: map[string]int{}}
}

func (l *limiter) roll() {
	if t := l.now(); t.Sub(l.start) >= l.window || t.Before(l.start) {
		l.start = t
		clear(l.fails)
	}
}

// allowed reports whether addr may try to sign in now.
func (l *limiter) allowed(addr string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.roll()
	return l.fails[addr] < l.max
}

// failed counts a failed sign-in of addr.
func (l *limiter) failed(addr string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.roll()
	if len(l.fails) >= maxTracked {
		if _, ok := l.fails[addr]; !ok {
			return
		}
	}
	l.fails[addr]++
}

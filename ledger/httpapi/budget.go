package httpapi

import (
	"context"
	"sync"
	"time"
)

// budget bounds the bytes held by request and page bodies at once: a
// request takes its share before it reads or builds a body and gives it
// back after its answer, and waits (a while) when there is not enough.
// One request larger than the whole budget takes all of it.
type budget struct {
	mu    sync.Mutex
	free  int64
	total int64
	wake  chan struct{} // closed and replaced whenever bytes come back
}

func newBudget(total int64) *budget {
	return &budget{free: total, total: total, wake: make(chan struct{})}
}

// acquire takes n bytes, waiting at most wait; false when it could not.
func (b *budget) acquire(ctx context.Context, n int64, wait time.Duration) bool {
	n = min(n, b.total)
	deadline := time.NewTimer(wait)
	defer deadline.Stop()
	for {
		b.mu.Lock()
		if b.free >= n {
			b.free -= n
			b.mu.Unlock()
			return true
		}
		wake := b.wake
		b.mu.Unlock()
		select {
		case <-wake:
		case <-deadline.C:
			return false
		case <-ctx.Done():
			return false
		}
	}
}

// used is the bytes taken now.
func (b *budget) used() int64 {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.total - b.free
}

func (b *budget) release(n int64) {
	n = min(n, b.total)
	b.mu.Lock()
	b.free += n
	close(b.wake)
	b.wake = make(chan struct{})
	b.mu.Unlock()
}

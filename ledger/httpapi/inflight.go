package httpapi

import "sync"

// inflight lets each terminal have one request of a kind (an upload, a
// download page) served at a time. A desk sends one at a time; without
// this bound, one terminal's credentials in a loop (a retrying client
// whose earlier request is still queued, a copied secret) could take
// every share of the memory budget and the honest terminals none.
type inflight struct {
	mu sync.Mutex
	m  map[inflightKey]struct{}
}

type inflightKey struct{ terminal, kind string }

func newInflight() *inflight { return &inflight{m: map[inflightKey]struct{}{}} }

// enter reports whether the terminal may start a request of kind; leave
// must follow a true.
func (f *inflight) enter(terminal, kind string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	k := inflightKey{terminal, kind}
	if _, busy := f.m[k]; busy {
		return false
	}
	f.m[k] = struct{}{}
	return true
}

func (f *inflight) leave(terminal, kind string) {
	f.mu.Lock()
	delete(f.m, inflightKey{terminal, kind})
	f.mu.Unlock()
}

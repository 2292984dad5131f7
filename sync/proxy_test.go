package sync_test

import (
	"bytes"
	"errors"
	"io"
	"maps"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	gosync "sync"
	"testing"
	"time"

	balisync "github.com/balie/balie/sync"
)

// fault is what the proxy does to one request on its way to the ledger.
type fault int

const (
	pass       fault = iota // forward as it is
	drop                    // close the connection; the ledger never sees the request
	loseReply               // forward, then close the connection instead of answering
	twice                   // deliver the request to the ledger twice, answer the second
	delay                   // wait a little, then forward
	cutBody                 // forward a body cut off half-way, then reset
	everywhere              // deliver the request to every target at the same moment, answer one
)

func (f fault) String() string {
	return [...]string{"pass", "drop", "lose reply", "twice", "delay", "cut body", "everywhere"}[f]
}

// faultProxy stands between a terminal and the ledger on 127.0.0.1 and
// misbehaves on the requests its plan picks, as a bad network does.
type faultProxy struct {
	srv    *httptest.Server
	target string
	client *http.Client

	mu    gosync.Mutex // guards what follows
	plan  func(n int, r *http.Request) fault
	seen  map[fault]int
	calls int
	// targets, when set, are several ledger processes: each request goes
	// to one of them at random (rng's pick), and everywhere to all.
	targets []string
	rng     *rand.Rand
	sent    map[string]int // uploads delivered, by target
}

func newFaultProxy(t *testing.T, target string, plan func(n int, r *http.Request) fault) *faultProxy {
	t.Helper()
	p := &faultProxy{target: target, plan: plan, seen: map[fault]int{}, sent: map[string]int{},
		client: &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}}
	p.srv = httptest.NewServer(p)
	t.Cleanup(p.srv.Close)
	return p
}

func (p *faultProxy) URL() string { return p.srv.URL }

// setTarget points the proxy at another ledger address (after a restart).
func (p *faultProxy) setTarget(target string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.target = target
}

// spread sends the requests to several ledger processes, one at random
// each, and the everywhere fault to all of them at once.
func (p *faultProxy) spread(targets []string, seed uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.targets, p.rng = targets, rand.New(rand.NewPCG(seed, 3))
}

// uploads is how many uploads reached each target.
func (p *faultProxy) uploads() map[string]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return maps.Clone(p.sent)
}

func (p *faultProxy) count(f fault) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.seen[f]
}

func (p *faultProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	p.mu.Lock()
	p.calls++
	f := pass
	if p.plan != nil {
		f = p.plan(p.calls, r)
	}
	p.seen[f]++
	target := p.target
	all := []string{target}
	if len(p.targets) > 0 {
		target, all = p.targets[p.rng.IntN(len(p.targets))], p.targets
	}
	if r.URL.Path == balisync.PathEvents && f != drop {
		if f == everywhere {
			for _, t := range all {
				p.sent[t]++
			}
		} else {
			p.sent[target]++
		}
	}
	p.mu.Unlock()

	switch f {
	case drop:
		hangUp(w)
		return
	case delay:
		// A slow network: the wait is the fault, bounded and short.
		time.Sleep(50 * time.Millisecond)
	case cutBody:
		// The ledger gets half the body and then a reset: it must apply
		// nothing of it.
		p.forward(r, target, &cutReader{data: body, cut: len(body) / 2})
		hangUp(w)
		return
	case twice:
		if res, err := p.forward(r, target, bytes.NewReader(body)); err == nil {
			res.Body.Close()
		}
	case everywhere:
		// The same batch reaches every ledger process at once, as a
		// terminal's retry through a load balancer may while the first
		// try is still in hand; the terminal hears the last target's answer.
		var wg gosync.WaitGroup
		for _, t := range all[:len(all)-1] {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if res, err := p.forward(r, t, bytes.NewReader(body)); err == nil {
					io.Copy(io.Discard, res.Body)
					res.Body.Close()
				}
			}()
		}
		defer wg.Wait()
		target = all[len(all)-1]
	}
	res, err := p.forward(r, target, bytes.NewReader(body))
	if err != nil {
		hangUp(w)
		return
	}
	defer res.Body.Close()
	answer, err := io.ReadAll(res.Body)
	if err != nil || f == loseReply {
		// The ledger has done its work; the terminal never hears of it.
		hangUp(w)
		return
	}
	for k, vs := range res.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	w.WriteHeader(res.StatusCode)
	w.Write(answer)
}

func (p *faultProxy) forward(r *http.Request, target string, body io.Reader) (*http.Response, error) {
	req, err := http.NewRequestWithContext(r.Context(), r.Method, target+r.URL.RequestURI(), body)
	if err != nil {
		return nil, err
	}
	req.Header = r.Header.Clone()
	if _, ok := body.(*cutReader); ok {
		req.ContentLength = r.ContentLength
	}
	return p.client.Do(req)
}

// hangUp closes the client's connection without an answer.
func hangUp(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			if tc, ok := conn.(*net.TCPConn); ok {
				tc.SetLinger(0) // a reset, not a polite close
			}
			conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

// cutReader gives the first cut bytes of data, then fails.
type cutReader struct {
	data []byte
	cut  int
	off  int
}

func (c *cutReader) Read(b []byte) (int, error) {
	if c.off >= c.cut {
		return 0, errors.New("connection reset mid-body")
	}
	n := copy(b, c.data[c.off:c.cut])
	c.off += n
	return n, nil
}

package sync

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/balie/balie"
)

// ProblemError is a ledger's refusal: the HTTP status and its problem.
type ProblemError struct {
	Problem
}

func (e *ProblemError) Error() string {
	return fmt.Sprintf("ledger: %d %s: %s", e.Status, e.Code, e.EN)
}

// Retryable reports whether the same request may succeed later: the
// ledger failed or was busy, as opposed to refusing what was sent.
func (e *ProblemError) Retryable() bool {
	return e.Status >= 500 || e.Status == http.StatusTooManyRequests
}

// AsProblem returns the ledger's problem inside err, if there is one.
func AsProblem(err error) (*ProblemError, bool) {
	var p *ProblemError
	ok := errors.As(err, &p)
	return p, ok
}

// Retryable reports whether err is worth trying again: the network, a
// timeout or a 5xx. A refusal by the ledger is not.
func Retryable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) {
		return false
	}
	if p, ok := AsProblem(err); ok {
		return p.Retryable()
	}
	return true // transport errors: offline, reset, timeout
}

// Client speaks the protocol for one enrolled terminal.
type Client struct {
	base     *url.URL
	http     *http.Client
	terminal string
	secret   string

	// Version is this terminal's software version, said on every
	// request (HeaderVersion); empty says nothing.
	Version string
	queue   atomic.Int64 // the acts still to send, said on every request; -1 until known
}

// NewClient returns a client for the ledger at base. hc may be nil for a
// client with a 30 s timeout per request.
func NewClient(base, terminal, secret string, hc *http.Client) (*Client, error) {
	u, err := parseBase(base)
	if err != nil {
		return nil, err
	}
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	c := &Client{base: u, http: hc, terminal: terminal, secret: secret}
	c.queue.Store(-1)
	return c, nil
}

// SetQueue says how many acts the terminal still has to send, from the
// next request on: the back office shows it with the terminal.
func (c *Client) SetQueue(n int) { c.queue.Store(int64(n)) }

// LookupINSZ asks the ledger for the card of the holder with a national
// register number. It needs the network: offline, it fails like any
// request, and the desk says so.
func (c *Client) LookupINSZ(ctx context.Context, insz string) (INSZResponse, error) {
	var resp INSZResponse
	err := c.do(ctx, http.MethodPost, PathINSZ, INSZRequest{INSZ: insz}, &resp)
	return resp, err
}

func parseBase(base string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimRight(base, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("ledger address %q: want http://host:port or https://host:port", base)
	}
	return u, nil
}

// Enrol trades a one-time token and the terminal's public key
// (balie.EncodePublicKey) for the terminal's credentials.
func Enrol(ctx context.Context, hc *http.Client, base, token, publicKey string) (EnrolResponse, error) {
	var resp EnrolResponse
	u, err := parseBase(base)
	if err != nil {
		return resp, err
	}
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	c := &Client{base: u, http: hc}
	c.queue.Store(-1)
	err = c.do(ctx, http.MethodPost, PathEnrol, EnrolRequest{Token: token, PublicKey: publicKey}, &resp)
	return resp, err
}

// RegisterKey gives the ledger the public key of a terminal enrolled
// before journals were signed.
func (c *Client) RegisterKey(ctx context.Context, publicKey string) error {
	var resp struct{}
	return c.do(ctx, http.MethodPost, PathKey, KeyRequest{PublicKey: publicKey}, &resp)
}

// Upload sends a batch of events with the terminal's signature of its
// journal up to the last of them, and returns the ledger's verdicts.
func (c *Client) Upload(ctx context.Context, events []balie.JournalEvent, signature string) (UploadResponse, error) {
	var resp UploadResponse
	err := c.do(ctx, http.MethodPost, PathEvents, UploadRequest{Events: events, Signature: signature}, &resp)
	return resp, err
}

// Changes downloads a page of changes after cursor.
func (c *Client) Changes(ctx context.Context, cursor string, limit int) (ChangesResponse, error) {
	var resp ChangesResponse
	q := url.Values{"cursor": {cursor}}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	err := c.do(ctx, http.MethodGet, PathChanges+"?"+q.Encode(), nil, &resp)
	return resp, err
}

// Snapshot downloads the directory as one file into w (for a first
// download) and returns the cursor the change log goes on from. A ledger
// without snapshots answers 404.
func (c *Client) Snapshot(ctx context.Context, w io.Writer) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base.String()+PathSnapshot, nil)
	if err != nil {
		return "", fmt.Errorf("GET %s: %w", PathSnapshot, err)
	}
	c.headers(req)
	res, err := c.http.Do(req)
	if err != nil {
		return "", fmt.Errorf("GET %s: %w", PathSnapshot, err)
	}
	defer res.Body.Close()
	if res.StatusCode/100 != 2 {
		return "", problemOf(res)
	}
	cursor := res.Header.Get(HeaderSnapshotCursor)
	if _, err := strconv.ParseInt(cursor, 10, 64); err != nil {
		return "", fmt.Errorf("GET %s: the answer has no cursor (%q)", PathSnapshot, cursor)
	}
	if _, err := io.Copy(w, res.Body); err != nil {
		return "", fmt.Errorf("GET %s: %w", PathSnapshot, err)
	}
	return cursor, nil
}

// headers sets what every request of the protocol carries.
func (c *Client) headers(req *http.Request) {
	req.Header.Set("Accept", "application/json")
	req.Header.Set(HeaderProtocol, strconv.Itoa(Protocol))
	if c.terminal != "" {
		req.Header.Set("Authorization", "Bearer "+c.terminal+"."+c.secret)
	}
	if n := c.queue.Load(); n >= 0 {
		req.Header.Set(HeaderQueue, strconv.FormatInt(n, 10))
	}
	if c.Version != "" {
		req.Header.Set(HeaderVersion, c.Version)
	}
}

// problemOf reads an error answer as a *ProblemError.
func problemOf(res *http.Response) error {
	p := Problem{Status: res.StatusCode}
	b, _ := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if json.Unmarshal(b, &p) != nil || p.Code == "" {
		// Not a problem document: a proxy or a server that is not a
		// ledger answered.
		p = Problem{Status: res.StatusCode, Code: CodeInternal,
			NL: fmt.Sprintf("De centrale antwoordde onverwacht (%s).", res.Status),
			EN: fmt.Sprintf("The ledger answered unexpectedly (%s).", res.Status)}
	}
	p.Status = res.StatusCode
	return &ProblemError{Problem: p}
}

// do sends one request and decodes the answer into out, or the problem
// into a *ProblemError.
func (c *Client) do(ctx context.Context, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("encode request: %w", err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base.String()+path, body)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	c.headers(req)
	res, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer res.Body.Close()
	if res.StatusCode/100 != 2 {
		return problemOf(res)
	}
	if err := json.NewDecoder(res.Body).Decode(out); err != nil {
		return fmt.Errorf("%s %s: decode answer: %w", method, path, err)
	}
	return nil
}

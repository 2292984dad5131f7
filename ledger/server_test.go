package ledger

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/balie/balie"
	"github.com/balie/balie/demo"
	balisync "github.com/balie/balie/sync"
)

// startServer serves l on 127.0.0.1 for the test.
func startServer(t *testing.T, l *Ledger) *Server {
	t.Helper()
	s := NewServer(l, ServerOptions{})
	if err := s.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		s.Shutdown(ctx)
	})
	return s
}

// call makes one request and decodes the answer into out (a Problem for
// an error status).
func call(t *testing.T, method, url, bearer string, body any, out any) int {
	t.Helper()
	var r io.Reader
	if b, ok := body.([]byte); ok {
		r = bytes.NewReader(b)
	} else if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		t.Fatal(err)
	}
	if bearer != "" {
		req.Header.Set("Authorization", bearer)
	}
	req.Header.Set("Content-Type", "application/json")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	resp, err := http.DefaultClient.Do(req.WithContext(ctx))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 400 && resp.Header.Get("Content-Type") != balisync.ContentProblem {
		t.Errorf("%s %s: status %d with content type %q, want %s", method, url, resp.StatusCode, resp.Header.Get("Content-Type"), balisync.ContentProblem)
	}
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			t.Fatalf("%s %s: decode: %v", method, url, err)
		}
	}
	return resp.StatusCode
}

func TestServer_protocol(t *testing.T) {
	l, _ := newLedger(t)
	c := seed(t, l, 100)
	s := startServer(t, l)
	u := s.URL()
	ctx := context.Background()

	_, token, err := l.AddTerminal(ctx, "Kassa 1", demo.OrgCulture, demo.BoxOfficeDesk)
	if err != nil {
		t.Fatal(err)
	}
	var enrolled balisync.EnrolResponse
	if st := call(t, "POST", u+balisync.PathEnrol, "", balisync.EnrolRequest{Token: token}, &enrolled); st != 200 {
		t.Fatalf("enrol: %d", st)
	}
	var p balisync.Problem
	if st := call(t, "POST", u+balisync.PathEnrol, "", balisync.EnrolRequest{Token: token}, &p); st != 403 || p.Code != balisync.CodeTokenInvalid {
		t.Errorf("enrol twice: %d %+v", st, p)
	}
	tm := &term{id: enrolled.TerminalID, secret: enrolled.Secret, prev: balie.GenesisHash, at: today.Add(19 * time.Hour)}
	other := enrolTerminal(t, l, demo.BoxOfficeDesk)
	ev := c.eventToday(t, func(e balie.Event) bool { return e.PointsPerCheckin > 0 })
	h := c.holder(t, tom)

	t.Run("auth", func(t *testing.T) {
		for _, bearer := range []string{"", "Bearer nonsense", "Bearer " + tm.id + ".wrong", "Basic abc"} {
			p := balisync.Problem{}
			if st := call(t, "POST", u+balisync.PathEvents, bearer, balisync.UploadRequest{}, &p); st != 401 || p.Code != balisync.CodeUnauthorized {
				t.Errorf("%q: %d %+v", bearer, st, p)
			}
		}
		p := balisync.Problem{}
		e := other.next(balie.KindCheckin, checkin(h, ev))
		if st := call(t, "POST", u+balisync.PathEvents, tm.bearer(), balisync.UploadRequest{Events: []balie.JournalEvent{e}}, &p); st != 403 || p.Code != balisync.CodeWrongTerminal {
			t.Errorf("another terminal's event: %d %+v", st, p)
		}
	})
	t.Run("upload", func(t *testing.T) {
		batch := []balie.JournalEvent{tm.next(balie.KindCheckin, checkin(h, ev))}
		var resp balisync.UploadResponse
		if st := call(t, "POST", u+balisync.PathEvents, tm.bearer(), balisync.UploadRequest{Events: batch}, &resp); st != 200 {
			t.Fatalf("upload: %d", st)
		}
		if resp.Acked != 1 || len(resp.Verdicts) != 1 || len(resp.Balances) != 1 || resp.Balances[0].HolderID != h.ID {
			t.Errorf("upload: %+v", resp)
		}
		var again balisync.UploadResponse
		call(t, "POST", u+balisync.PathEvents, tm.bearer(), balisync.UploadRequest{Events: batch}, &again)
		if again.Verdicts[0] != resp.Verdicts[0] || again.Balances[0] != resp.Balances[0] {
			t.Errorf("repeat: %+v, first %+v", again, resp)
		}
	})
	t.Run("bad bodies", func(t *testing.T) {
		p := balisync.Problem{}
		if st := call(t, "POST", u+balisync.PathEvents, tm.bearer(), []byte(`{"events":[{`), &p); st != 400 || p.Code != balisync.CodeBadRequest {
			t.Errorf("broken JSON: %d %+v", st, p)
		}
		many := make([]balie.JournalEvent, balisync.MaxBatch+1)
		for i := range many {
			many[i] = balie.JournalEvent{Terminal: tm.id, Seq: int64(i + 2), Kind: balie.KindCheckin, Payload: json.RawMessage(`{}`)}
		}
		p = balisync.Problem{}
		if st := call(t, "POST", u+balisync.PathEvents, tm.bearer(), balisync.UploadRequest{Events: many}, &p); st != 413 || p.Code != balisync.CodeTooLarge {
			t.Errorf("too many events: %d %+v", st, p)
		}
		huge := append([]byte(`{"events":[],"pad":"`), bytes.Repeat([]byte("x"), balisync.MaxBody)...)
		huge = append(huge, `"}`...)
		p = balisync.Problem{}
		if st := call(t, "POST", u+balisync.PathEvents, tm.bearer(), huge, &p); st != 413 || p.Code != balisync.CodeTooLarge {
			t.Errorf("too many bytes: %d %+v", st, p)
		}
		p = balisync.Problem{}
		if st := call(t, "GET", u+balisync.PathEvents, tm.bearer(), nil, &p); st != 405 {
			t.Errorf("GET events: %d %+v", st, p)
		}
	})
	t.Run("changes", func(t *testing.T) {
		if err := l.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		stats, err := l.Stats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var all []balisync.Change
		cursor, pages := "", 0
		for {
			var page balisync.ChangesResponse
			if st := call(t, "GET", u+balisync.PathChanges+"?limit=500&cursor="+cursor, tm.bearer(), nil, &page); st != 200 {
				t.Fatalf("changes: %d", st)
			}
			pages++
			all = append(all, page.Changes...)
			if page.Next == cursor && len(page.Changes) > 0 {
				t.Fatal("the cursor does not move")
			}
			cursor = page.Next
			if !page.More {
				break
			}
			if len(page.Changes) != 500 {
				t.Errorf("a page with more after it holds %d changes", len(page.Changes))
			}
		}
		if len(all) != stats.Changes || pages < 2 {
			t.Errorf("downloaded %d changes in %d pages, the log holds %d", len(all), pages, stats.Changes)
		}
		kinds := map[string]int{}
		var last int64
		for _, ch := range all {
			if ch.Seq <= last {
				t.Fatalf("seq %d after %d", ch.Seq, last)
			}
			last = ch.Seq
			kinds[ch.Kind]++
			if !ch.Deleted && !json.Valid(ch.Data) {
				t.Errorf("change %d: invalid data", ch.Seq)
			}
		}
		for _, k := range []string{balisync.ChangeCardSystem, balisync.ChangeOrganiser, balisync.ChangeDesk, balisync.ChangeStaff, balisync.ChangeHolder,
			balisync.ChangeCard, balisync.ChangeMembership, balisync.ChangeEvent, balisync.ChangeTariff, balisync.ChangeReward, balisync.ChangeProduct,
			balisync.ChangeProgram, balisync.ChangeCardPrices, balisync.ChangeRates, balisync.ChangeChild, balisync.ChangeBalance, balisync.ChangeLimits} {
			if kinds[k] == 0 {
				t.Errorf("no %s change in the first download", k)
			}
		}
		// An idle poll is one small answer.
		req, _ := http.NewRequest("GET", u+balisync.PathChanges+"?cursor="+cursor, nil)
		req.Header.Set("Authorization", tm.bearer())
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		want := `{"changes":[],"next":"` + cursor + `","more":false}`
		if strings.TrimSpace(string(body)) != want {
			t.Errorf("idle poll: got %s, want %s", body, want)
		}
		// A new balance shows up after the cursor.
		var up balisync.UploadResponse
		call(t, "POST", u+balisync.PathEvents, tm.bearer(), balisync.UploadRequest{Events: []balie.JournalEvent{
			tm.next(balie.KindRewardRedemption, balie.RewardRedemptionPayload{HolderID: h.ID, Card: h.Card, RewardID: "rw-koffie", Points: 5})}}, &up)
		var page balisync.ChangesResponse
		call(t, "GET", u+balisync.PathChanges+"?cursor="+cursor, tm.bearer(), nil, &page)
		var sawBalance, sawReward bool
		for _, ch := range page.Changes {
			if ch.Kind == balisync.ChangeBalance && ch.Key == h.ID {
				var b balisync.Balance
				json.Unmarshal(ch.Data, &b)
				sawBalance = b.Points == up.Balances[0].Points
			}
			if ch.Kind == balisync.ChangeReward && ch.Key == "rw-koffie" {
				var r balisync.RewardState
				json.Unmarshal(ch.Data, &r)
				sawReward = r.UnitsRedeemed == 1 && r.Points == 5
			}
		}
		if !sawBalance || !sawReward {
			t.Errorf("after a redemption: balance %v, reward %v in %+v", sawBalance, sawReward, page)
		}
		n, _ := strconv.ParseInt(page.Next, 10, 64)
		for _, bad := range []string{"abc", "-1", "01", strconv.FormatInt(n+1, 10)} {
			p := balisync.Problem{}
			if st := call(t, "GET", u+balisync.PathChanges+"?cursor="+bad, tm.bearer(), nil, &p); st != 400 || p.Code != balisync.CodeCursorInvalid {
				t.Errorf("cursor %q: %d %+v", bad, st, p)
			}
		}
		p := balisync.Problem{}
		if st := call(t, "GET", u+balisync.PathChanges, "", nil, &p); st != 401 {
			t.Errorf("changes without credentials: %d", st)
		}
	})
	t.Run("health and metrics", func(t *testing.T) {
		resp, err := http.Get(u + balisync.PathHealth)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || strings.TrimSpace(string(body)) != "ok" {
			t.Errorf("healthz: %d %q", resp.StatusCode, body)
		}
		resp, err = http.Get(u + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		body, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		for _, want := range []string{`ledger_events_ingested_total{verdict="ACCEPTED"}`, "ledger_batches_total", "ledger_event_conflicts_total",
			"ledger_sequence_gaps_total", "ledger_change_pages_total", "ledger_http_request_duration_seconds_bucket", "go_goroutines"} {
			if !strings.Contains(string(body), want) {
				t.Errorf("metrics lack %s", want)
			}
		}
	})
	t.Run("revoked", func(t *testing.T) {
		if err := l.RevokeTerminal(ctx, tm.id); err != nil {
			t.Fatal(err)
		}
		p := balisync.Problem{}
		if st := call(t, "GET", u+balisync.PathChanges, tm.bearer(), nil, &p); st != 403 || p.Code != balisync.CodeRevoked {
			t.Errorf("revoked: %d %+v", st, p)
		}
	})
}

// TestServer_shutdownFinishesTheBatchInHand stops the server while a
// batch is being written: the batch commits and its caller gets its
// verdicts; then the server is gone.
func TestServer_shutdownFinishesTheBatchInHand(t *testing.T) {
	l, _ := newLedger(t)
	c := seed(t, l, 50)
	tm := enrolTerminal(t, l, demo.BoxOfficeDesk)
	inCommit, release := make(chan struct{}), make(chan struct{})
	l.beforeCommit = func() {
		close(inCommit)
		<-release
	}
	s := NewServer(l, ServerOptions{})
	if err := s.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	ev := c.eventToday(t, func(e balie.Event) bool { return e.PointsPerCheckin > 0 })
	e := tm.next(balie.KindCheckin, checkin(c.holder(t, tom), ev))
	type result struct {
		status int
		resp   balisync.UploadResponse
	}
	got := make(chan result, 1)
	go func() {
		var r result
		r.status = call(t, "POST", s.URL()+balisync.PathEvents, tm.bearer(), balisync.UploadRequest{Events: []balie.JournalEvent{e}}, &r.resp)
		got <- r
	}()
	<-inCommit
	stopped := make(chan error, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		stopped <- s.Shutdown(ctx)
	}()
	select {
	case err := <-stopped:
		t.Fatalf("shutdown returned before the batch finished: %v", err)
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	r := <-got
	if r.status != 200 || r.resp.Acked != 1 {
		t.Errorf("the batch in hand: %d %+v", r.status, r.resp)
	}
	if err := <-stopped; err != nil {
		t.Errorf("shutdown: %v", err)
	}
	if _, err := http.Get(s.URL() + balisync.PathHealth); err == nil {
		t.Error("the server still answers after shutdown")
	}
	l.beforeCommit = nil
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	l2, err := Open(context.Background(), l.Path(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l2.Close()
	if se, err := l2.Event(context.Background(), e.ID); err != nil || se.Verdict != balisync.Accepted {
		t.Errorf("stored: %+v %v", se, err)
	}
}

// TestLedger_recoversUsageAfterACrash: a check-in kept only in memory
// when the process dies still counts against the limit after a restart.
func TestLedger_recoversUsageAfterACrash(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ledger.db")
	ctx := context.Background()
	l, err := Open(ctx, path, Options{FlushInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	c := seed(t, l, 50)
	tm := enrolTerminal(t, l, demo.BoxOfficeDesk)
	ev := c.eventToday(t, func(e balie.Event) bool { return e.PointsPerCheckin > 0 && e.CheckinLimit.Volume == 1 })
	tm.at = ev.Start
	ingest(t, l, tm, tm.next(balie.KindCheckin, checkin(c.holder(t, tom), ev)))
	l.crash()
	l2, err := Open(ctx, path, Options{FlushInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer l2.Close()
	if v := verdictOf(t, l2, tm, tm.next(balie.KindCheckin, checkin(c.holder(t, tom), ev))); v.Code != string(balie.CodeCheckinLimit) {
		t.Errorf("second check-in after the crash: %+v", v)
	}
	if got, want := balance(t, l2, tom), c.holder(t, tom).Points+ev.PointsPerCheckin; got != want {
		t.Errorf("balance after the crash: %d, want %d", got, want)
	}
}

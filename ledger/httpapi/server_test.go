package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/balie/balie"
	"github.com/balie/balie/demo"
	"github.com/balie/balie/ledger"
	"github.com/balie/balie/ledger/httpapi"
	"github.com/balie/balie/ledger/ledgertest"
	balisync "github.com/balie/balie/sync"
)

// request is one HTTP request as a desk (or an attacker) would make it.
type request struct {
	method, path string
	bearer       string
	contentType  string // "application/json" unless set; "-" for none
	protocol     string // balisync.Protocol unless set; "-" for none
	body         any    // []byte as is, anything else as JSON
}

// do sends r to base and decodes the answer into out; every error answer
// must be problem+json.
func do(t *testing.T, base string, r request, out any) int {
	t.Helper()
	var body io.Reader
	switch b := r.body.(type) {
	case nil:
	case []byte:
		body = bytes.NewReader(b)
	default:
		j, _ := json.Marshal(b)
		body = bytes.NewReader(j)
	}
	req, err := http.NewRequest(r.method, base+r.path, body)
	if err != nil {
		t.Fatal(err)
	}
	if r.bearer != "" {
		req.Header.Set("Authorization", r.bearer)
	}
	switch r.contentType {
	case "":
		req.Header.Set("Content-Type", "application/json")
	case "-":
	default:
		req.Header.Set("Content-Type", r.contentType)
	}
	switch r.protocol {
	case "":
		req.Header.Set(balisync.HeaderProtocol, strconv.Itoa(balisync.Protocol))
	case "-":
	default:
		req.Header.Set(balisync.HeaderProtocol, r.protocol)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	resp, err := http.DefaultClient.Do(req.WithContext(ctx))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 400 && resp.Header.Get("Content-Type") != balisync.ContentProblem {
		t.Errorf("%s %s: status %d with content type %q, want %s", r.method, r.path, resp.StatusCode, resp.Header.Get("Content-Type"), balisync.ContentProblem)
	}
	if resp.Header.Get(balisync.HeaderProtocol) != strconv.Itoa(balisync.Protocol) {
		t.Errorf("%s %s: the answer does not say its protocol", r.method, r.path)
	}
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			t.Fatalf("%s %s: decode: %v", r.method, r.path, err)
		}
	}
	return resp.StatusCode
}

// firstEvent is an event of today that gives points, of org.
func firstEvent(t *testing.T, lt *ledgertest.Ledger, org string) balie.Event {
	t.Helper()
	var found balie.Event
	err := lt.Store().Read(context.Background(), func(tx ledger.ReadTx) error {
		return tx.Entities(balie.ChangeEvent, org, func(id string, data []byte) error {
			var e balie.Event
			json.Unmarshal(data, &e)
			if open, closes := balie.CheckinWindow(e); found.ID == "" && e.PointsPerCheckin > 0 && !evening.Before(open) && evening.Before(closes) {
				found = e
			}
			return nil
		})
	})
	if err != nil || found.ID == "" {
		t.Fatalf("no event of %s open for check-in at %s: %v", org, evening, err)
	}
	return found
}

// evening is a moment of the demo's today when the evening show lets
// holders check in: the tests' clock.
var evening = time.Date(2026, 3, 10, 21, 0, 0, 0, balie.Brussels())

func fixed() time.Time { return evening }

func TestServer_protocol(t *testing.T) {
	lt := ledgertest.Start(t, ledgertest.Options{Holders: 100, Today: evening, Now: fixed})
	u, ctx := lt.URL, context.Background()
	_, token := lt.AddTerminal(t, demo.BoxOfficeDesk)
	tm := &ledgertest.Terminal{Key: ledgertest.NewKey(t), Prev: balie.GenesisHash}
	var enrolled balisync.EnrolResponse
	if st := do(t, u, request{method: "POST", path: balisync.PathEnrol, body: balisync.EnrolRequest{Token: token, PublicKey: tm.PublicKey()}}, &enrolled); st != 200 {
		t.Fatalf("enrol: %d", st)
	}
	tm.ID, tm.Secret = enrolled.TerminalID, enrolled.Secret
	var p balisync.Problem
	if st := do(t, u, request{method: "POST", path: balisync.PathEnrol, body: balisync.EnrolRequest{Token: token, PublicKey: tm.PublicKey()}}, &p); st != 403 || p.Code != balisync.CodeTokenInvalid {
		t.Errorf("enrol twice: %d %+v", st, p)
	}
	other := ledgertest.Enrol(t, lt.Ledger, demo.BoxOfficeDesk)
	ev := firstEvent(t, lt, demo.OrgCulture)
	tom := balie.CheckinPayload{HolderID: "h-0000000", Card: "0900000095902", EventID: ev.ID, OrganiserID: ev.OrganiserID, Points: ev.PointsPerCheckin}
	at := func() time.Time { return evening.Add(-time.Minute) }

	t.Run("auth", func(t *testing.T) {
		for _, bearer := range []string{"", "Bearer nonsense", "Bearer " + tm.ID + ".wrong", "Basic abc"} {
			p := balisync.Problem{}
			if st := do(t, u, request{method: "POST", path: balisync.PathEvents, bearer: bearer, body: balisync.UploadRequest{}}, &p); st != 401 || p.Code != balisync.CodeUnauthorized {
				t.Errorf("%q: %d %+v", bearer, st, p)
			}
		}
		p := balisync.Problem{}
		e := other.Event(balie.KindCheckin, "staff-box-1", at(), tom)
		if st := do(t, u, request{method: "POST", path: balisync.PathEvents, bearer: tm.Bearer(), body: other.Request(e)}, &p); st != 403 || p.Code != balisync.CodeWrongTerminal {
			t.Errorf("another terminal's event: %d %+v", st, p)
		}
	})
	t.Run("upload", func(t *testing.T) {
		req := tm.Request(tm.Event(balie.KindCheckin, "staff-box-1", at(), tom))
		var resp balisync.UploadResponse
		if st := do(t, u, request{method: "POST", path: balisync.PathEvents, bearer: tm.Bearer(), body: req}, &resp); st != 200 {
			t.Fatalf("upload: %d", st)
		}
		if resp.Acked != 1 || len(resp.Verdicts) != 1 || resp.Verdicts[0].Status != balisync.Accepted || len(resp.Balances) != 1 || resp.Balances[0].HolderID != tom.HolderID {
			t.Errorf("upload: %+v", resp)
		}
		var again balisync.UploadResponse
		do(t, u, request{method: "POST", path: balisync.PathEvents, bearer: tm.Bearer(), body: req}, &again)
		if again.Verdicts[0] != resp.Verdicts[0] || again.Balances[0] != resp.Balances[0] {
			t.Errorf("repeat: %+v, first %+v", again, resp)
		}
	})
	t.Run("bad requests", func(t *testing.T) {
		many := make([]balie.JournalEvent, balisync.MaxBatch+1)
		for i := range many {
			many[i] = balie.JournalEvent{Terminal: tm.ID, Seq: int64(i + 2), Kind: balie.KindCheckin, Payload: json.RawMessage(`{}`)}
		}
		huge := append([]byte(`{"events":[],"pad":"`), bytes.Repeat([]byte("x"), balisync.MaxBody)...)
		huge = append(huge, `"}`...)
		events := request{method: "POST", path: balisync.PathEvents, bearer: tm.Bearer()}
		with := func(r request, f func(*request)) request { f(&r); return r }
		tests := []struct {
			name   string
			r      request
			status int
			code   string
		}{
			{"broken JSON", with(events, func(r *request) { r.body = []byte(`{"events":[{`) }), 400, balisync.CodeBadRequest},
			{"a null body", with(events, func(r *request) { r.body = []byte(`null`) }), 400, balisync.CodeBadRequest},
			{"an array", with(events, func(r *request) { r.body = []byte(`[]`) }), 400, balisync.CodeBadRequest},
			{"no events", with(events, func(r *request) { r.body = []byte(`{"events":[]}`) }), 400, balisync.CodeBadRequest},
			{"two objects", with(events, func(r *request) { r.body = []byte(`{"events":[]} {}`) }), 400, balisync.CodeBadRequest},
			{"invalid UTF-8", with(events, func(r *request) { r.body = []byte("{\"events\":[],\"x\":\"\xff\xfe\"}") }), 400, balisync.CodeBadRequest},
			{"too many events", with(events, func(r *request) { r.body = balisync.UploadRequest{Events: many} }), 413, balisync.CodeTooLarge},
			{"too many bytes", with(events, func(r *request) { r.body = huge }), 413, balisync.CodeTooLarge},
			{"text/plain", with(events, func(r *request) { r.contentType, r.body = "text/plain", []byte(`{}`) }), 415, balisync.CodeMediaType},
			{"no content type", with(events, func(r *request) { r.contentType, r.body = "-", []byte(`{}`) }), 415, balisync.CodeMediaType},
			{"JSON with a charset", with(events, func(r *request) { r.contentType, r.body = "application/json; charset=utf-8", []byte(`{"events":[]}`) }), 400, balisync.CodeBadRequest},
			{"GET events", with(events, func(r *request) { r.method = "GET" }), 405, balisync.CodeBadRequest},
			{"an unknown path", request{method: "GET", path: "/v1/nothing"}, 404, balisync.CodeBadRequest},
			{"no protocol", with(events, func(r *request) { r.protocol, r.body = "-", balisync.UploadRequest{} }), 426, balisync.CodeProtocolOld},
			{"protocol 1", with(events, func(r *request) { r.protocol, r.body = "1", balisync.UploadRequest{} }), 426, balisync.CodeProtocolOld},
			{"a newer protocol", with(events, func(r *request) { r.protocol, r.body = strconv.Itoa(balisync.Protocol+1), []byte(`{"events":[]}`) }), 400, balisync.CodeBadRequest},
			{"no signature", with(events, func(r *request) {
				e := *tm
				ev := e.Event(balie.KindCheckin, "staff-box-1", at(), tom)
				r.body = balisync.UploadRequest{Events: []balie.JournalEvent{ev}}
			}), 422, balisync.CodeSignatureInvalid},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				p := balisync.Problem{}
				if st := do(t, u, tt.r, &p); st != tt.status || p.Code != tt.code {
					t.Errorf("got %d %s (%s), want %d %s", st, p.Code, p.EN, tt.status, tt.code)
				}
				if p.NL == "" || p.EN == "" {
					t.Errorf("a problem without sentences: %+v", p)
				}
			})
		}
		// A desk that is too old is told what to do.
		p := balisync.Problem{}
		do(t, u, request{method: "GET", path: balisync.PathChanges, bearer: tm.Bearer(), protocol: "-"}, &p)
		if !strings.Contains(p.NL, "Installeer de nieuwste versie van Balie") {
			t.Errorf("too old: %q", p.NL)
		}
	})
	t.Run("changes", func(t *testing.T) {
		if err := lt.Store().Flush(ctx); err != nil {
			t.Fatal(err)
		}
		stats, err := lt.Stats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var all []balisync.Change
		cursor, pages := "", 0
		for {
			var page balisync.ChangesResponse
			if st := do(t, u, request{method: "GET", path: balisync.PathChanges + "?limit=500&cursor=" + cursor, bearer: tm.Bearer()}, &page); st != 200 {
				t.Fatalf("changes: %d", st)
			}
			pages++
			all = append(all, page.Changes...)
			cursor = page.Next
			if !page.More {
				break
			}
			if len(page.Changes) != 500 {
				t.Errorf("a page with more after it holds %d changes", len(page.Changes))
			}
		}
		// A box office gets every change but the children's, which go
		// to the childcare desks alone.
		children, err := ledger.List[balie.Child](ctx, lt.Ledger, balisync.ChangeChild, "")
		if err != nil {
			t.Fatal(err)
		}
		if len(children) == 0 || len(all) != stats.Changes-len(children) || pages < 2 {
			t.Errorf("downloaded %d changes in %d pages, the log holds %d of which %d children", len(all), pages, stats.Changes, len(children))
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
			balisync.ChangeProgram, balisync.ChangeCardPrices, balisync.ChangeRates, balisync.ChangeBalance, balisync.ChangeLimits} {
			if kinds[k] == 0 {
				t.Errorf("no %s change in the first download", k)
			}
		}
		if kinds[balisync.ChangeChild] != 0 {
			t.Errorf("a box office downloaded %d children", kinds[balisync.ChangeChild])
		}
		// An idle poll is one small answer.
		req, _ := http.NewRequest("GET", u+balisync.PathChanges+"?cursor="+cursor, nil)
		req.Header.Set("Authorization", tm.Bearer())
		req.Header.Set(balisync.HeaderProtocol, strconv.Itoa(balisync.Protocol))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if want := `{"changes":[],"next":"` + cursor + `","more":false}`; strings.TrimSpace(string(body)) != want {
			t.Errorf("idle poll: got %s, want %s", body, want)
		}
		n, _ := strconv.ParseInt(cursor, 10, 64)
		for _, bad := range []string{"abc", "-1", "01", strconv.FormatInt(n+1, 10)} {
			p := balisync.Problem{}
			if st := do(t, u, request{method: "GET", path: balisync.PathChanges + "?cursor=" + bad, bearer: tm.Bearer()}, &p); st != 400 || p.Code != balisync.CodeCursorInvalid {
				t.Errorf("cursor %q: %d %+v", bad, st, p)
			}
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
		for _, want := range []string{`ledger_events_ingested_total{verdict="ACCEPTED"} 1`, "ledger_batches_total", "ledger_event_conflicts_total",
			"ledger_sequence_gaps_total", "ledger_change_pages_total", "ledger_http_request_duration_seconds_bucket", "go_goroutines",
			"ledger_auth_failures_total", `ledger_engine_info{engine="sqlite"} 1`} {
			if !strings.Contains(string(body), want) {
				t.Errorf("metrics lack %s", want)
			}
		}
	})
	t.Run("revoked", func(t *testing.T) {
		if err := lt.RevokeTerminal(ctx, tm.ID); err != nil {
			t.Fatal(err)
		}
		p := balisync.Problem{}
		if st := do(t, u, request{method: "GET", path: balisync.PathChanges, bearer: tm.Bearer()}, &p); st != 403 || p.Code != balisync.CodeRevoked {
			t.Errorf("revoked: %d %+v", st, p)
		}
	})
}

// TestServer_failedSignInsAreLimited: wrong secrets from one address are
// refused after a few and counted; the right secret from there waits too,
// and other addresses are not affected.
func TestServer_failedSignInsAreLimited(t *testing.T) {
	lt := ledgertest.Start(t, ledgertest.Options{Holders: 20, Today: evening, Now: fixed, Server: httpapi.Options{AuthFailures: 5}})
	tm := ledgertest.Enrol(t, lt.Ledger, demo.SportsDesk)
	wrong := request{method: "GET", path: balisync.PathChanges, bearer: "Bearer " + tm.ID + ".guess"}
	codes := map[int]int{}
	for range 12 {
		p := balisync.Problem{}
		codes[do(t, lt.URL, wrong, &p)]++
	}
	if codes[401] != 5 || codes[429] != 7 {
		t.Errorf("answers to 12 wrong secrets: %v, want 5 × 401 then 429", codes)
	}
	p := balisync.Problem{}
	if st := do(t, lt.URL, request{method: "GET", path: balisync.PathChanges, bearer: tm.Bearer()}, &p); st != 429 || p.Code != balisync.CodeTooManyAttempts || !strings.Contains(p.NL, "Wacht een minuut") {
		t.Errorf("the right secret from the same address: %d %+v", st, p)
	}
	resp, err := http.Get(lt.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{"ledger_auth_failures_total 5", "ledger_auth_refused_total 8"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

// waitMetric polls /metrics until the gauge name is at least min.
func waitMetric(t *testing.T, base, name string, min float64) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(base + "/metrics")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		for _, line := range strings.Split(string(body), "\n") {
			if v, ok := strings.CutPrefix(line, name+" "); ok {
				if f, err := strconv.ParseFloat(v, 64); err == nil && f >= min {
					return
				}
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s never reached %.0f", name, min)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestServer_slowReadersDoNotHoldMemory: downloads whose client never
// reads hold their share of the download budget only until the write
// timeout; meanwhile a download that finds no budget is told to come
// back (503) rather than piling up memory, a terminal's second download
// at once is refused (429 terminal_busy), uploads go on (their budget is
// apart), and afterwards the ledger serves downloads again.
func TestServer_slowReadersDoNotHoldMemory(t *testing.T) {
	lt := ledgertest.Start(t, ledgertest.Options{Holders: 15000, Server: httpapi.Options{
		DownloadBudget: 40 << 20, BudgetWait: 300 * time.Millisecond, WriteTimeout: 2 * time.Second}})
	host := strings.TrimPrefix(lt.URL, "http://")
	var conns []net.Conn
	stall := func(tm *ledgertest.Terminal) {
		c, err := net.Dial("tcp", host)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
		// A first download of the whole log, and then never a byte read.
		io.WriteString(c, "GET "+balisync.PathChanges+" HTTP/1.1\r\nHost: "+host+"\r\nAuthorization: "+tm.Bearer()+
			"\r\n"+balisync.HeaderProtocol+": "+strconv.Itoa(balisync.Protocol)+"\r\n\r\n")
	}
	var stalled []*ledgertest.Terminal
	for range 4 {
		tm := ledgertest.Enrol(t, lt.Ledger, demo.SportsDesk)
		stalled = append(stalled, tm)
		stall(tm)
	}
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	waitMetric(t, lt.URL, "ledger_memory_budget_used_bytes", 32<<20)
	tm := ledgertest.Enrol(t, lt.Ledger, demo.SportsDesk)
	p := balisync.Problem{}
	if st := do(t, lt.URL, request{method: "GET", path: balisync.PathChanges, bearer: tm.Bearer()}, &p); st != 503 || p.Code != balisync.CodeUnavailable {
		t.Errorf("a download while the budget is held: %d %+v", st, p)
	}
	p = balisync.Problem{}
	if st := do(t, lt.URL, request{method: "GET", path: balisync.PathChanges + "?limit=10", bearer: stalled[0].Bearer()}, &p); st != 429 || p.Code != balisync.CodeTerminalBusy || p.NL == "" {
		t.Errorf("a terminal's second download at once: %d %+v", st, p)
	}
	up := ledgertest.Enrol(t, lt.Ledger, demo.BoxOfficeDesk)
	e := up.Event(balie.KindRewardRedemption, "staff-box-1", time.Now(),
		balie.RewardRedemptionPayload{HolderID: "h-0000000", Card: "0900000095902", RewardID: "rw-koffie", Points: 5})
	var ur balisync.UploadResponse
	if st := up.Post(t, lt.URL, balisync.PathEvents, up.Request(e), &ur); st != 200 || ur.Acked != 1 {
		t.Errorf("an upload while downloads hold their budget: %d %+v", st, ur)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		var page balisync.ChangesResponse
		req, _ := http.NewRequest("GET", lt.URL+balisync.PathChanges+"?limit=10", nil)
		req.Header.Set("Authorization", tm.Bearer())
		req.Header.Set(balisync.HeaderProtocol, strconv.Itoa(balisync.Protocol))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if resp.StatusCode == 200 && len(page.Changes) == 10 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the ledger still refuses after the write timeout: %d", resp.StatusCode)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

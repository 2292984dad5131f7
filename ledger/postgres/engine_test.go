package postgres_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/balie/balie"
	"github.com/balie/balie/demo"
	"github.com/balie/balie/ledger"
	"github.com/balie/balie/ledger/ledgertest"
	"github.com/balie/balie/ledger/postgres"
	balisync "github.com/balie/balie/sync"
	"github.com/jackc/pgx/v5"
)

// today is the demo city's today in these tests.
var today = time.Date(2026, 3, 10, 0, 0, 0, 0, balie.Brussels())

// ledgerAt opens a ledger on url, closed when the test ends; its clock
// stands at 23:30 today, when the day's events are over.
func ledgerAt(t testing.TB, url string, readOnly bool) *ledger.Ledger {
	t.Helper()
	s, err := postgres.Open(context.Background(), url, postgres.Options{ReadOnly: readOnly})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	now := today.Add(23*time.Hour + 30*time.Minute)
	l := ledger.New(s, ledger.Options{Now: func() time.Time { return now }})
	t.Cleanup(func() { l.Close() })
	return l
}

// seeded makes a database with a demo city of n holders.
func seeded(t testing.TB, n int) (string, *ledger.Ledger) {
	t.Helper()
	url := pg.NewDatabase(t)
	l := ledgerAt(t, url, false)
	ld, err := l.NewLoader(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := demo.Generate(demo.Config{Holders: n, Today: today}, ld); err != nil {
		t.Fatal(err)
	}
	if err := ld.Close(); err != nil {
		t.Fatal(err)
	}
	return url, l
}

// conn is a plain connection to url, for what the ledger does not show.
func conn(t testing.TB, url string) *pgx.Conn {
	t.Helper()
	c, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}

// activeCards lists holders with an active card, by holder id.
func activeCards(t testing.TB, url string, n int) []balie.CheckinPayload {
	t.Helper()
	rows, err := conn(t, url).Query(context.Background(),
		`SELECT holder_id, number FROM cards WHERE status = 'ACTIVE' AND holder_id LIKE 'h-%' ORDER BY holder_id LIMIT $1`, n)
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (balie.CheckinPayload, error) {
		var p balie.CheckinPayload
		var card string
		err := r.Scan(&p.HolderID, &card)
		p.Card = balie.CardNumber(card)
		return p, err
	})
	if err != nil || len(out) < n {
		t.Fatalf("%d active cards, want %d: %v", len(out), n, err)
	}
	return out
}

// swim is today's swimming: one point a check-in, once a day.
func swim() (id, organiser string) {
	return "ev-" + today.Format("20060102") + "-zwemmen", demo.OrgSports
}

func checkinAt(tm *ledgertest.Terminal, h balie.CheckinPayload, at time.Time) balie.JournalEvent {
	id, org := swim()
	h.EventID, h.OrganiserID, h.Points = id, org, 1
	return tm.Event(balie.KindCheckin, "staff-sport-1", at, h)
}

// TestOpen_twoProcessesStartingTogether: four stores open one new
// database at the same moment, as ledger processes started together do;
// every one opens, and each migration is applied once.
func TestOpen_twoProcessesStartingTogether(t *testing.T) {
	url := pg.NewDatabase(t)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := postgres.Open(context.Background(), url, postgres.Options{})
			if err == nil {
				s.Close()
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("open %d: %v", i, err)
		}
	}
	var applied int
	if err := conn(t, url).QueryRow(context.Background(), `SELECT count(*) FROM schema_migrations WHERE version > 0`).Scan(&applied); err != nil {
		t.Fatal(err)
	}
	files, err := os.ReadDir("migrations")
	if err != nil {
		t.Fatal(err)
	}
	if applied != len(files) {
		t.Errorf("%d migrations recorded, want %d (each once)", applied, len(files))
	}
}

// TestOpen_refusals: a read-only open never writes, not even a
// migration, and says what to do; a database that is someone else's or
// newer than this program is refused.
func TestOpen_refusals(t *testing.T) {
	ctx := context.Background()
	t.Run("read-only on an empty database", func(t *testing.T) {
		url := pg.NewDatabase(t)
		_, err := postgres.Open(ctx, url, postgres.Options{ReadOnly: true})
		if err == nil || !strings.Contains(err.Error(), "ledger init") {
			t.Errorf("got %v, want a sentence naming ledger init", err)
		}
		var tables int
		conn(t, url).QueryRow(ctx, `SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'`).Scan(&tables)
		if tables != 0 {
			t.Errorf("a read-only open made %d tables", tables)
		}
	})
	t.Run("someone else's database", func(t *testing.T) {
		url := pg.NewDatabase(t)
		if _, err := conn(t, url).Exec(ctx, `CREATE TABLE events (id int)`); err != nil {
			t.Fatal(err)
		}
		if _, err := postgres.Open(ctx, url, postgres.Options{}); err == nil || !strings.Contains(err.Error(), "not a Balie ledger") {
			t.Errorf("got %v, want a refusal", err)
		}
	})
	t.Run("a newer schema", func(t *testing.T) {
		url := pg.NewDatabase(t)
		s, err := postgres.Open(ctx, url, postgres.Options{})
		if err != nil {
			t.Fatal(err)
		}
		s.Close()
		if _, err := conn(t, url).Exec(ctx, `INSERT INTO schema_migrations VALUES (99, '0099_future.sql', '')`); err != nil {
			t.Fatal(err)
		}
		for _, ro := range []bool{false, true} {
			if _, err := postgres.Open(ctx, url, postgres.Options{ReadOnly: ro}); err == nil || !strings.Contains(err.Error(), "newer") {
				t.Errorf("read-only %v: got %v, want a refusal of a newer schema", ro, err)
			}
		}
	})
}

// TestChanges_gapFreeAcrossStores: three stores on one database take
// uploads from six terminals at once while a terminal follows the change
// log by cursor in small pages. A commit that made its changes visible
// after the follower's cursor had passed their seqs would leave it with a
// stale balance for good; afterwards the follower holds exactly the
// compacted log a first download gives.
func TestChanges_gapFreeAcrossStores(t *testing.T) {
	url, first := seeded(t, 400)
	ctx := context.Background()
	ls := []*ledger.Ledger{first, ledgerAt(t, url, false), ledgerAt(t, url, false)}
	cards := activeCards(t, url, 300)
	start := today.Add(8 * time.Hour)

	seen := map[string]string{}
	follow := func(cursor string) string {
		for {
			resp, p := first.Changes(ctx, cursor, 37)
			if p != nil {
				t.Fatalf("download after %q: %s", cursor, p.EN)
			}
			for _, c := range resp.Changes {
				seen[c.Kind+"/"+c.Key] = string(c.Data)
			}
			cursor = resp.Next
			if !resp.More {
				return cursor
			}
		}
	}
	cursor := follow("")

	var wg sync.WaitGroup
	errs := make(chan error, 6)
	for i := range 6 {
		tm := ledgertest.Enrol(t, first, demo.SportsDesk)
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(i), 1))
			at := start
			for b := range 15 {
				var evs []balie.JournalEvent
				for range 10 {
					at = at.Add(time.Second)
					evs = append(evs, checkinAt(tm, cards[rng.IntN(len(cards))], at))
				}
				l := ls[rng.IntN(len(ls))]
				if _, _, p := l.Ingest(ctx, tm.ID, tm.Request(evs...)); p != nil {
					errs <- fmt.Errorf("terminal %d batch %d: %s", i, b, p.EN)
					return
				}
			}
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	polls := 0
	for running := true; running; polls++ {
		select {
		case <-done:
			running = false
		default:
		}
		cursor = follow(cursor)
	}
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	follow(cursor)

	want := map[string]string{}
	for c := ""; ; {
		resp, p := first.Changes(ctx, c, 0)
		if p != nil {
			t.Fatal(p.EN)
		}
		for _, ch := range resp.Changes {
			want[ch.Kind+"/"+ch.Key] = string(ch.Data)
		}
		if c = resp.Next; !resp.More {
			break
		}
	}
	for k, v := range want {
		if seen[k] != v {
			t.Errorf("the follower has %s = %s, the log %s: a change was skipped", k, seen[k], v)
		}
	}
	t.Logf("%d polls while uploading, %d changes in the log", polls, len(want))
}

// TestBatch_busy: an upload that cannot lock its holder in time (another
// process holds the row) is answered 503 unavailable, which the terminal
// retries, and nothing of it is stored; the retry after is accepted.
func TestBatch_busy(t *testing.T) {
	url, l := seeded(t, 50)
	ctx := context.Background()
	impatient := ledgerAt(t, url+"&lock_timeout=200ms", false)
	tm := ledgertest.Enrol(t, l, demo.SportsDesk)
	h := activeCards(t, url, 1)[0]
	req := tm.Request(checkinAt(tm, h, today.Add(9*time.Hour)))

	holder := conn(t, url)
	tx, err := holder.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `SELECT 1 FROM holders WHERE id = $1 FOR UPDATE`, h.HolderID); err != nil {
		t.Fatal(err)
	}
	_, _, p := impatient.Ingest(ctx, tm.ID, req)
	if p == nil || p.Status != 503 || p.Code != balisync.CodeUnavailable {
		t.Errorf("upload while the holder is locked: %+v, want 503 unavailable", p)
	}
	tx.Rollback(ctx)
	resp, _, p := impatient.Ingest(ctx, tm.ID, req)
	if p != nil || len(resp.Verdicts) != 1 || resp.Verdicts[0].Status != balisync.Accepted {
		t.Fatalf("the retry: %+v %+v", resp, p)
	}
}

// TestChanges_balanceInTheLog: an upload's balance is in the change log
// when the upload is answered, with exactly the data the SQLite engine
// writes.
func TestChanges_balanceInTheLog(t *testing.T) {
	url, l := seeded(t, 50)
	ctx := context.Background()
	tm := ledgertest.Enrol(t, l, demo.SportsDesk)
	h := activeCards(t, url, 1)[0]
	var before int64
	conn(t, url).QueryRow(ctx, `SELECT n FROM change_counter`).Scan(&before)
	resp, _, p := l.Ingest(ctx, tm.ID, tm.Request(checkinAt(tm, h, today.Add(9*time.Hour))))
	if p != nil || len(resp.Balances) != 1 {
		t.Fatalf("upload: %+v %+v", resp, p)
	}
	var buf bytes.Buffer
	if _, p := l.WriteChanges(ctx, fmt.Sprint(before), 0, &buf); p != nil {
		t.Fatal(p.EN)
	}
	var page struct {
		Changes []struct {
			Kind, Key string
			Data      json.RawMessage
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &page); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf(`{"holder":%q,"points":%d}`, h.HolderID, resp.Balances[0].Points)
	if len(page.Changes) != 1 || page.Changes[0].Kind != balie.ChangeBalance || string(page.Changes[0].Data) != want {
		t.Errorf("changes after the upload: %s, want one balance %s", buf.String(), want)
	}
}

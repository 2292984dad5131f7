package postgres_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/balie/balie"
	"github.com/balie/balie/ledger"
	"github.com/balie/balie/ledger/postgres"
)

// TestOpen_oldMoneyLinesSettle: the SQLite engine's test of the same
// name on PostgreSQL. A database of schema 1 (before settlement) with a
// social-tariff sale, its void in the night the clocks go back, a regular
// sale and a card sale is opened with this version: migration 3 derives
// what settlement needs, and October settles and adds up.
func TestOpen_oldMoneyLinesSettle(t *testing.T) {
	ctx := context.Background()
	url := pg.NewDatabase(t)
	c := conn(t, url)
	init, err := os.ReadFile("migrations/0001_init.sql")
	if err != nil {
		t.Fatal(err)
	}
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := c.Exec(ctx, q, args...); err != nil {
			t.Fatalf("%.80s: %v", q, err)
		}
	}
	exec(string(init))
	exec(`CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied text NOT NULL)`)
	exec(`INSERT INTO schema_migrations VALUES (0, 'lock', ''), (1, '0001_init.sql', '')`)
	exec(`INSERT INTO terminals(id, name, organiser_id, location, status, created, token_hash, token_expires, last_hash) VALUES ('t1', 'Kassa', 'org-cc', 'desk-box', 'ACTIVE', '', 'x', '', '')`)
	exec(`INSERT INTO holders VALUES ('h-1', 'Kevin', 'Janssens', '1980-01-01', '2560', 'cs-lier', 'ACTIVE', '', '', 0, 0)`)
	exec(`INSERT INTO cards VALUES ('1000000520006', '', 'ACTIVE', 'cs-lier', 'h-1', '')`)
	exec(`INSERT INTO entities VALUES ('event', 'ev-1', 'org-cc', '{"ID":"ev-1","Name":"Theater","Start":"2026-10-25T20:15:00+01:00","End":"2026-10-25T22:15:00+01:00"}')`)
	exec(`INSERT INTO entities VALUES ('tariff', 'ev-1-uitpas', 'ev-1', '{"ID":"ev-1-uitpas","Name":"UiTPAS-tarief"}')`)
	ev := func(ingest int, id, at, kind, payload string) {
		exec(`INSERT INTO events(ingest, id, terminal, seq, time, staff, kind, payload, prev_hash, hash, status, received) VALUES ($1,$2,'t1',$3,$4,'s',$5,$6,'p',$7,'ACCEPTED',0)`,
			ingest, id, ingest, at, kind, []byte(payload), "h"+id)
	}
	ev(1, "e1", "2026-10-25T18:00:00Z", "TICKET_SALE", `{"holder":"h-1","card":"1000000520006","event":"ev-1","lines":[{"tariff":"ev-1-uitpas","kind":"SOCIAL"},{"tariff":"ev-1-normaal","kind":"REGULAR"}]}`)
	ev(2, "e2", "2026-10-25T23:30:00Z", "VOID", `{"target":"e1","reason":"fout"}`)
	ev(3, "e3", "2026-10-26T09:00:00Z", "CARD_SALE", `{"card":"1000000520006","holder":"h-1","reason":"FIRST_CARD"}`)
	money := `INSERT INTO money_lines(ingest, line, kind, event_id, tariff_id, organiser_id, payment, day, quantity, regular, holder_share, organiser_share, city_share, amount, void_of)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15)`
	exec(money, 1, 0, "TICKET", "ev-1", "ev-1-uitpas", "org-cc", "CASH", "2026-10-25", 1, 1500, 300, 600, 600, 300, nil)
	exec(money, 1, 1, "TICKET", "ev-1", "ev-1-normaal", "org-cc", "CASH", "2026-10-25", 2, 1500, 1500, 0, 0, 3000, nil)
	exec(money, 2, 0, "TICKET", "ev-1", "ev-1-uitpas", "org-cc", "CASH", "2026-10-25", -1, 1500, 300, 600, 600, -300, 1)
	exec(money, 3, 0, "CARD", "", "", "org-cc", "CASH", "2026-10-26", 1, 500, 500, 0, 0, 500, nil)

	s, err := postgres.Open(ctx, url, postgres.Options{})
	if err != nil {
		t.Fatalf("migrate: %v", err)
	}
	l := ledger.New(s, ledger.Options{Now: func() time.Time { return time.Date(2026, 12, 1, 0, 0, 0, 0, balie.Brussels()) }})
	defer l.Close()
	var lines []ledger.SettlementLine
	sum, err := l.Settle(ctx, "2026-10", "", func(x ledger.SettlementLine) error { lines = append(lines, x); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if len(lines) != 4 {
		t.Fatalf("%d lines: %+v", len(lines), lines)
	}
	social, regular, void, card := lines[0], lines[1], lines[2], lines[3]
	if social.Facts.Card != "1000000520006" || social.Facts.HolderID != "h-1" || social.Facts.PostalCode != "2560" || social.Facts.CardSystem != "cs-lier" ||
		social.Facts.TariffKind != balie.TariffSocial || social.Facts.TariffName != "UiTPAS-tarief" || social.Facts.EventName != "Theater" || social.Facts.Desk != "desk-box" {
		t.Errorf("the social sale's facts: %+v", social.Facts)
	}
	if s := social.Settlement; s.Regular != 1500 || s.Holder != 300 || s.Organiser != 600 || s.Payer != 600 || s.PayerID != "cs-lier" || s.OwedTo != "org-cc" {
		t.Errorf("the social sale's split: %+v", s)
	}
	if s := regular.Settlement; regular.Facts.TariffKind != balie.TariffRegular || s.Regular != 1500 || s.Holder != 1500 || s.Payer != 0 || s.PayerID != "" {
		t.Errorf("the regular sale: %+v %+v", regular.Facts, s)
	}
	if void.VoidOfID != "e1" || void.Facts.Booked != "2026-10-26" || void.Month != "2026-10" || void.Facts.Card != "1000000520006" || void.Quantity != -1 {
		t.Errorf("the void's line: %+v", void)
	}
	if card.Settlement.OwedTo != "cs-lier" || card.Facts.TariffName != "FIRST_CARD" || card.Settlement.Regular != 500 {
		t.Errorf("the card sale: %+v", card)
	}
	if sum.All.Regular != 1500+3000-1500+500 || sum.All.Holder+sum.All.Organiser+sum.All.Payer != sum.All.Regular {
		t.Errorf("October: %+v", sum.All)
	}
	var tickets int64
	s.Read(ctx, func(tx ledger.ReadTx) error {
		return tx.Figures([]string{ledger.FigureTickets}, "2026-10", "2026-11", func(f ledger.FigureRow) error {
			tickets += f.N
			return nil
		})
	})
	if tickets != 2 {
		t.Errorf("the counters of the old lines: %d tickets, want 2 (3 sold, 1 voided)", tickets)
	}
}

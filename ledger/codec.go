package ledger

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/balie/balie"
)

// dbDate is how calendar dates (birth dates, social-tariff ends) are
// stored: the Brussels day.
const dbDate = "2006-01-02"

func fmtDate(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(balie.Brussels()).Format(dbDate)
}

func parseDate(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.ParseInLocation(dbDate, s, balie.Brussels())
	if err != nil {
		return time.Time{}, fmt.Errorf("parse date %q: %w", s, err)
	}
	return t, nil
}

// fmtInstant stores an instant with its offset, so that it reads back as
// the same JSON.
func fmtInstant(t time.Time) string { return t.Format(time.RFC3339Nano) }

func parseInstant(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("parse time %q: %w", s, err)
	}
	return t, nil
}

// nanos is how usage tables store instants: integers compare fast. The
// zero time of an ABSOLUTE window maps below every real act.
func nanos(t time.Time) int64 {
	if t.IsZero() || t.Year() < 1678 {
		return -1 << 63
	}
	if t.Year() > 2261 {
		return 1<<63 - 1
	}
	return t.UnixNano()
}

func joinIDs(ids []string) string { return strings.Join(ids, ",") }

func splitIDs(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// mustJSON encodes a value the ledger made itself: balie types and wire
// types always encode.
func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("ledger: encode %T: %v", v, err))
	}
	return b
}

// querier is the database or a transaction.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// holderColumns is the holders table's column list, in scanHolder's order.
const holderColumns = `id, first_name, last_name, birth_date, postal_code, card_systems, social_state, social_end, social_grace_end, points`

func scanHolder(row interface{ Scan(...any) error }) (balie.Holder, error) {
	var h balie.Holder
	var birth, systems, state, end, grace string
	if err := row.Scan(&h.ID, &h.FirstName, &h.LastName, &birth, &h.PostalCode, &systems, &state, &end, &grace, &h.Points); err != nil {
		return h, err
	}
	var err error
	if h.BirthDate, err = parseDate(birth); err != nil {
		return h, err
	}
	if h.SocialTariff.EndDate, err = parseDate(end); err != nil {
		return h, err
	}
	if h.SocialTariff.GraceEnd, err = parseDate(grace); err != nil {
		return h, err
	}
	h.CardSystems = splitIDs(systems)
	h.SocialTariff.State = balie.SocialTariffState(state)
	return h, nil
}

func holderArgs(h balie.Holder) []any {
	return []any{h.ID, h.FirstName, h.LastName, fmtDate(h.BirthDate), h.PostalCode, joinIDs(h.CardSystems),
		string(h.SocialTariff.State), fmtDate(h.SocialTariff.EndDate), fmtDate(h.SocialTariff.GraceEnd)}
}

func scanCard(row interface{ Scan(...any) error }) (balie.Card, error) {
	var c balie.Card
	var n, chip, status string
	err := row.Scan(&n, &chip, &status, &c.CardSystem, &c.HolderID, &c.StockDesk)
	c.Number, c.ChipUID, c.Status = balie.CardNumber(n), balie.ChipUID(chip), balie.CardStatus(status)
	return c, err
}

const cardColumns = `number, chip_uid, status, card_system, holder_id, stock_desk`

// membershipKey is the change-log key of a membership: holder, program
// and the Brussels day it starts.
func membershipKey(m balie.Membership) string {
	return m.HolderID + "/" + m.ProgramID + "/" + fmtDate(m.Start)
}

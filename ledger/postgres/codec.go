package postgres

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/balie/balie"
	"github.com/balie/balie/ledger"
)

// Dates and instants are stored as the SQLite engine stores them, as
// text: a calendar date as the Brussels day, an instant in RFC 3339 with
// its offset, so that they read back as the same JSON.
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

func fmtInstant(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339Nano)
}

func parseInstant(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("parse time %q: %w", s, err)
	}
	return t, nil
}

type scanner interface{ Scan(...any) error }

const holderColumns = `id, first_name, last_name, birth_date, postal_code, card_systems, social_state, social_end, social_grace_end, points`

func scanHolder(row scanner) (balie.Holder, error) {
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
	if systems != "" {
		h.CardSystems = strings.Split(systems, ",")
	}
	h.SocialTariff.State = balie.SocialTariffState(state)
	return h, nil
}

const cardColumns = `number, chip_uid, status, card_system, holder_id, stock_desk`

func scanCard(row scanner) (balie.Card, error) {
	var c balie.Card
	var n, chip, status string
	err := row.Scan(&n, &chip, &status, &c.CardSystem, &c.HolderID, &c.StockDesk)
	c.Number, c.ChipUID, c.Status = balie.CardNumber(n), balie.ChipUID(chip), balie.CardStatus(status)
	return c, err
}

const terminalColumns = `id, name, organiser_id, location, status, created, token_hash, token_expires, token_used, secret_hash, public_key, enrolled, revoked, last_seq, last_hash`

func scanTerminal(row scanner) (ledger.TerminalRow, error) {
	var t ledger.TerminalRow
	var created, expires, enrolled, revoked string
	if err := row.Scan(&t.ID, &t.Name, &t.Organiser, &t.Location, &t.Status, &created, &t.TokenHash, &expires, &t.TokenUsed,
		&t.SecretHash, &t.PublicKey, &enrolled, &revoked, &t.LastSeq, &t.LastHash); err != nil {
		return t, err
	}
	var err error
	for _, f := range []struct {
		dst *time.Time
		s   string
	}{{&t.Created, created}, {&t.TokenExpires, expires}, {&t.Enrolled, enrolled}, {&t.Revoked, revoked}} {
		if *f.dst, err = parseInstant(f.s); err != nil {
			return t, err
		}
	}
	return t, nil
}

func terminalArgs(t ledger.TerminalRow) []any {
	return []any{t.ID, t.Name, t.Organiser, t.Location, t.Status, fmtInstant(t.Created), t.TokenHash, fmtInstant(t.TokenExpires),
		t.TokenUsed, t.SecretHash, t.PublicKey, fmtInstant(t.Enrolled), fmtInstant(t.Revoked), t.LastSeq, t.LastHash}
}

// storedColumns read a StoredEvent with scanStored; the signatures of an
// event are joined by a space, in their key's order.
const storedColumns = `e.ingest, e.id, e.terminal, e.seq, e.time, e.staff, e.kind, e.payload, e.prev_hash, e.hash, e.status, e.code, e.message_nl, e.message_en, e.received, e.holder_id, e.points,
	coalesce((SELECT string_agg(s.signature, ' ' ORDER BY s.signature) FROM signatures s WHERE s.terminal = e.terminal AND s.seq = e.seq), '')`

func scanStored(row scanner) (ledger.StoredEvent, error) {
	var e ledger.StoredEvent
	var at, kind string
	var payload []byte
	var received int64
	if err := row.Scan(&e.Ingest, &e.ID, &e.Terminal, &e.Seq, &at, &e.Staff, &kind, &payload, &e.PrevHash, &e.Hash,
		&e.Verdict, &e.Code, &e.MessageNL, &e.MessageEN, &received, &e.Holder, &e.Points, &e.Signature); err != nil {
		return e, err
	}
	var err error
	if e.Time, err = time.Parse(balie.TimeFormat, at); err != nil {
		return e, fmt.Errorf("read event %s: %w", e.ID, err)
	}
	e.Kind, e.Payload, e.Received = balie.Kind(kind), payload, time.Unix(0, received).UTC()
	return e, nil
}

const targetColumns = `e.id, e.ingest, e.seq, e.kind, e.payload, e.time, e.status, e.holder_id, e.points, e.item, e.undo,
	EXISTS (SELECT 1 FROM voids v WHERE v.target = e.ingest)`

func scanTarget(row scanner) (string, ledger.Target, error) {
	var id, kind, at string
	var t ledger.Target
	if err := row.Scan(&id, &t.Ingest, &t.Seq, &kind, &t.Payload, &at, &t.Status, &t.Holder, &t.Points, &t.Item, &t.Undo, &t.Voided); err != nil {
		return id, t, err
	}
	t.Kind = balie.Kind(kind)
	var err error
	t.Time, err = time.Parse(balie.TimeFormat, at)
	return id, t, err
}

// balanceJSON is the data of a balance change, exactly as the SQLite
// engine writes it: {"holder":"<id>","points":<n>}.
func balanceJSON(id string, points int) []byte {
	b := make([]byte, 0, 48)
	b = append(b, `{"holder":`...)
	b = appendJSONString(b, id)
	b = append(b, `,"points":`...)
	b = strconv.AppendInt(b, int64(points), 10)
	return append(b, '}')
}

// appendJSONString appends s as a JSON string: ids, which are plain
// ASCII, are copied; anything else goes through encoding/json.
func appendJSONString(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' || c >= 0x80 {
			b, _ := json.Marshal(s)
			return append(dst, b...)
		}
	}
	dst = append(dst, '"')
	dst = append(dst, s...)
	return append(dst, '"')
}

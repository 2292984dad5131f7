package ledger

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/balie/balie"
	balisync "github.com/balie/balie/sync"
	"github.com/google/uuid"
)

// TokenTTL is how long an enrolment token can be used.
const TokenTTL = 7 * 24 * time.Hour

// Codes of the operator's refusals.
const (
	CodeTerminalUnknown  balie.Code = "terminal_unknown"
	CodeOrganiserUnknown balie.Code = "organiser_unknown"
	CodeDeskUnknown      balie.Code = "desk_unknown"
	CodeNameMissing      balie.Code = "name_missing"
)

// Terminal is a terminal as the ledger knows it; never its secret.
type Terminal struct {
	ID           string
	Name         string
	Organiser    string
	Location     string // the desk id
	Status       string // TerminalActive or TerminalRevoked
	Created      time.Time
	TokenExpires time.Time
	Enrolled     time.Time // zero until the terminal traded its token
	LastSeq      int64     // the last event stored
}

func hashSecret(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func randomToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("make token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// AddTerminal creates a terminal for a desk and returns it with its
// one-time enrolment token, which the ledger keeps only as a hash: show
// it to the installer once. The organiser and the desk must be in the
// directory.
func (l *Ledger) AddTerminal(ctx context.Context, name, organiser, location string) (Terminal, string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return Terminal{}, "", balie.Errorf(CodeNameMissing, "Geef de kassa een naam.", "Give the terminal a name.")
	}
	var n int
	if err := l.r.QueryRowContext(ctx, `SELECT count(*) FROM organisers WHERE id = ?`, organiser).Scan(&n); err != nil {
		return Terminal{}, "", l.classify("add terminal", err)
	}
	if n == 0 {
		return Terminal{}, "", balie.Errorf(CodeOrganiserUnknown,
			"Organisator %q staat niet in de ledger.", "Organiser %q is not in the ledger.", organiser)
	}
	if err := l.r.QueryRowContext(ctx, `SELECT count(*) FROM desks WHERE id = ?`, location).Scan(&n); err != nil {
		return Terminal{}, "", l.classify("add terminal", err)
	}
	if n == 0 {
		return Terminal{}, "", balie.Errorf(CodeDeskUnknown,
			"Balie %q staat niet in de ledger.", "Desk %q is not in the ledger.", location)
	}
	id, err := uuid.NewV7()
	if err != nil {
		return Terminal{}, "", fmt.Errorf("add terminal: %w", err)
	}
	token, err := randomToken()
	if err != nil {
		return Terminal{}, "", err
	}
	now := l.now().UTC()
	t := Terminal{ID: id.String(), Name: name, Organiser: organiser, Location: location, Status: TerminalActive,
		Created: now, TokenExpires: now.Add(TokenTTL)}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return Terminal{}, "", errors.New("add terminal: ledger closed")
	}
	_, err = l.w.ExecContext(ctx, `INSERT INTO terminals(id, name, organiser_id, location, token_hash, token_expires, created) VALUES (?,?,?,?,?,?,?)`,
		t.ID, t.Name, t.Organiser, t.Location, hashSecret(token), fmtInstant(t.TokenExpires), fmtInstant(t.Created))
	if err != nil {
		return Terminal{}, "", l.classify("add terminal", err)
	}
	l.log.Info("terminal added", "terminal", t.ID, "name", t.Name, "organiser", organiser, "location", location)
	return t, token, nil
}

const terminalColumns = `id, name, organiser_id, location, status, created, token_expires, enrolled, last_seq`

func scanTerminal(row interface{ Scan(...any) error }) (Terminal, error) {
	var t Terminal
	var created, expires, enrolled string
	if err := row.Scan(&t.ID, &t.Name, &t.Organiser, &t.Location, &t.Status, &created, &expires, &enrolled, &t.LastSeq); err != nil {
		return t, err
	}
	var err error
	if t.Created, err = parseInstant(created); err == nil {
		t.TokenExpires, err = parseInstant(expires)
	}
	if err == nil && enrolled != "" {
		t.Enrolled, err = parseInstant(enrolled)
	}
	return t, err
}

// Terminals lists every terminal, in the order they were added.
func (l *Ledger) Terminals(ctx context.Context) ([]Terminal, error) {
	rows, err := l.r.QueryContext(ctx, `SELECT `+terminalColumns+` FROM terminals ORDER BY created, id`)
	if err != nil {
		return nil, l.classify("list terminals", err)
	}
	defer rows.Close()
	var out []Terminal
	for rows.Next() {
		t, err := scanTerminal(rows)
		if err != nil {
			return nil, l.classify("list terminals", err)
		}
		out = append(out, t)
	}
	return out, l.classify("list terminals", rows.Err())
}

// Terminal reads one terminal.
func (l *Ledger) Terminal(ctx context.Context, id string) (Terminal, error) {
	t, err := scanTerminal(l.r.QueryRowContext(ctx, `SELECT `+terminalColumns+` FROM terminals WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return t, balie.Errorf(CodeTerminalUnknown, "Kassa %s bestaat niet in de ledger.", "Terminal %s does not exist in the ledger.", id)
	}
	return t, l.classify("read terminal", err)
}

// RevokeTerminal refuses the terminal from now on, on every request. Its
// events stay.
func (l *Ledger) RevokeTerminal(ctx context.Context, id string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return errors.New("revoke terminal: ledger closed")
	}
	res, err := l.w.ExecContext(ctx, `UPDATE terminals SET status = ?, revoked = ? WHERE id = ?`, TerminalRevoked, fmtInstant(l.now().UTC()), id)
	if err != nil {
		return l.classify("revoke terminal", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return balie.Errorf(CodeTerminalUnknown, "Kassa %s bestaat niet in de ledger.", "Terminal %s does not exist in the ledger.", id)
	}
	l.log.Info("terminal revoked", "terminal", id)
	return nil
}

// Enrol trades a one-time enrolment token for the terminal's identity
// and a new secret.
func (l *Ledger) Enrol(ctx context.Context, token string) (balisync.EnrolResponse, *balisync.Problem) {
	if token == "" {
		return balisync.EnrolResponse{}, problemTokenInvalid()
	}
	secret, err := randomToken()
	if err != nil {
		l.log.Error("enrol", "err", err)
		return balisync.EnrolResponse{}, problemInternal()
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return balisync.EnrolResponse{}, problemUnavailable()
	}
	ctx = context.WithoutCancel(ctx)
	tx, err := l.w.BeginTx(ctx, nil)
	if err != nil {
		l.log.Error("enrol", "err", l.classify("enrol", err))
		return balisync.EnrolResponse{}, problemInternal()
	}
	defer tx.Rollback()
	var resp balisync.EnrolResponse
	var expires, status string
	var used bool
	err = tx.QueryRowContext(ctx, `SELECT id, name, organiser_id, location, token_expires, token_used, status FROM terminals WHERE token_hash = ?`, hashSecret(token)).
		Scan(&resp.TerminalID, &resp.Name, &resp.Organiser, &resp.Location, &expires, &used, &status)
	if errors.Is(err, sql.ErrNoRows) {
		return resp, problemTokenInvalid()
	}
	if err != nil {
		l.log.Error("enrol", "err", l.classify("enrol", err))
		return resp, problemInternal()
	}
	exp, err := parseInstant(expires)
	if err != nil {
		l.log.Error("enrol", "err", err)
		return resp, problemInternal()
	}
	if status != TerminalActive {
		return balisync.EnrolResponse{}, problemRevoked()
	}
	if used || !l.now().Before(exp) {
		return balisync.EnrolResponse{}, problemTokenInvalid()
	}
	if _, err := tx.ExecContext(ctx, `UPDATE terminals SET token_used = 1, secret_hash = ?, enrolled = ? WHERE id = ?`,
		hashSecret(secret), fmtInstant(l.now().UTC()), resp.TerminalID); err != nil {
		l.log.Error("enrol", "err", l.classify("enrol", err))
		return balisync.EnrolResponse{}, problemInternal()
	}
	if err := tx.Commit(); err != nil {
		l.log.Error("enrol", "err", l.classify("enrol", err))
		return balisync.EnrolResponse{}, problemInternal()
	}
	resp.Secret = secret
	l.log.Info("terminal enrolled", "terminal", resp.TerminalID, "name", resp.Name)
	return resp, nil
}

// Authenticate checks an Authorization header, "Bearer
// <terminal_id>.<secret>", and returns the terminal's id. The secret's
// hash is compared in constant time; a wrong secret and an unknown id get
// the same answer.
func (l *Ledger) Authenticate(ctx context.Context, header string) (string, *balisync.Problem) {
	scheme, cred, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", problemUnauthorized()
	}
	id, secret, ok := strings.Cut(strings.TrimSpace(cred), ".")
	if !ok || id == "" || secret == "" {
		return "", problemUnauthorized()
	}
	var stored, status string
	err := l.r.QueryRowContext(ctx, `SELECT secret_hash, status FROM terminals WHERE id = ?`, id).Scan(&stored, &status)
	if errors.Is(err, sql.ErrNoRows) {
		stored = "" // compare anyway, so an unknown id takes as long as a wrong secret
	} else if err != nil {
		l.log.Error("authenticate", "err", l.classify("authenticate", err))
		return "", problemInternal()
	}
	want := make([]byte, sha256.Size*2)
	copy(want, stored)
	if subtle.ConstantTimeCompare([]byte(hashSecret(secret)), want) != 1 || stored == "" {
		return "", problemUnauthorized()
	}
	if status != TerminalActive {
		return "", problemRevoked()
	}
	return id, nil
}

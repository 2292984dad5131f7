package ledger

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
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

// Terminal is a terminal as the ledger shows it; never its secret.
type Terminal struct {
	ID           string
	Name         string
	Organiser    string
	Location     string // the desk id
	Status       string // TerminalActive or TerminalRevoked
	Created      time.Time
	TokenExpires time.Time
	Enrolled     time.Time // zero until the terminal traded its token
	Signed       bool      // the terminal gave its public key
	LastSeq      int64     // the last event stored
}

func terminalOf(t TerminalRow) Terminal {
	return Terminal{ID: t.ID, Name: t.Name, Organiser: t.Organiser, Location: t.Location, Status: t.Status, Created: t.Created,
		TokenExpires: t.TokenExpires, Enrolled: t.Enrolled, Signed: t.PublicKey != "", LastSeq: t.LastSeq}
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

func terminalUnknown(id string) error {
	return balie.Errorf(CodeTerminalUnknown, "Kassa %s bestaat niet in de ledger.", "Terminal %s does not exist in the ledger.", id)
}

// AddTerminal creates a terminal for a desk and returns it with its
// one-time enrolment token, which the ledger keeps only as a hash: show
// it to the installer once. The organiser and the desk must be in the
// directory, and the desk must be the organiser's.
func (l *Ledger) AddTerminal(ctx context.Context, name, organiser, location string) (Terminal, string, error) {
	return l.AddTerminalAs(ctx, Operator(""), name, organiser, location)
}

// AddTerminalAs is AddTerminal by an actor of the back office, who must
// manage the organiser; the audit log keeps it (never the token).
func (l *Ledger) AddTerminalAs(ctx context.Context, a Actor, name, organiser, location string) (Terminal, string, error) {
	if !a.Access.ManagesOrganiser(organiser) {
		return Terminal{}, "", forbidden()
	}
	name = strings.TrimSpace(name)
	if name == "" {
		return Terminal{}, "", balie.Errorf(CodeNameMissing, "Geef de kassa een naam.", "Give the terminal a name.")
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
	row := TerminalRow{ID: id.String(), Name: name, Organiser: organiser, Location: location, Status: TerminalActive,
		Created: now, TokenHash: hashSecret(token), TokenExpires: now.Add(TokenTTL), LastHash: balie.GenesisHash}
	err = l.store.Write(ctx, func(tx WriteTx) error {
		if _, ok, err := tx.Entity(balie.ChangeOrganiser, organiser); err != nil || !ok {
			if err == nil {
				err = balie.Errorf(CodeOrganiserUnknown, "Organisator %q staat niet in de ledger.", "Organiser %q is not in the ledger.", organiser)
			}
			return err
		}
		d, ok, err := entity[balie.Desk](tx, balie.ChangeDesk, location)
		if err != nil {
			return err
		}
		if !ok {
			return balie.Errorf(CodeDeskUnknown, "Balie %q staat niet in de ledger.", "Desk %q is not in the ledger.", location)
		}
		if d.OrganiserID != organiser {
			return balie.Errorf(CodeDeskUnknown, "Balie %[1]q hoort bij organisator %[2]s, niet bij %[3]s.",
				"Desk %[1]q belongs to organiser %[2]s, not to %[3]s.", location, d.OrganiserID, organiser)
		}
		if err := tx.AddTerminal(row); err != nil {
			return err
		}
		o := &officeTx{tx: tx, a: a, now: now}
		return o.audit("terminal.add", "terminal", row.ID, organiser, nil, terminalOf(row))
	})
	if err != nil {
		return Terminal{}, "", wrap("add terminal", err)
	}
	l.log.Info("terminal added", "terminal", row.ID, "name", name, "organiser", organiser, "location", location)
	return terminalOf(row), token, nil
}

// Terminals lists every terminal, in the order they were added.
func (l *Ledger) Terminals(ctx context.Context) ([]Terminal, error) {
	var out []Terminal
	err := l.store.Read(ctx, func(tx ReadTx) error {
		rows, err := tx.Terminals()
		for _, r := range rows {
			out = append(out, terminalOf(r))
		}
		return err
	})
	return out, wrap("list terminals", err)
}

// Terminal reads one terminal.
func (l *Ledger) Terminal(ctx context.Context, id string) (Terminal, error) {
	var t Terminal
	err := l.store.Read(ctx, func(tx ReadTx) error {
		r, ok, err := tx.Terminal(id)
		if err != nil {
			return err
		}
		if !ok {
			return terminalUnknown(id)
		}
		t = terminalOf(r)
		return nil
	})
	return t, wrap("read terminal", err)
}

// PublicKey is a terminal's public key, "" before it gave one.
func (l *Ledger) PublicKey(ctx context.Context, id string) (string, error) {
	var key string
	err := l.store.Read(ctx, func(tx ReadTx) error {
		r, ok, err := tx.Terminal(id)
		if err == nil && !ok {
			err = terminalUnknown(id)
		}
		key = r.PublicKey
		return err
	})
	return key, wrap("read terminal", err)
}

// RevokeTerminal refuses the terminal from now on, on every request. Its
// events stay.
func (l *Ledger) RevokeTerminal(ctx context.Context, id string) error {
	return l.RevokeTerminalAs(ctx, Operator(""), id)
}

// RevokeTerminalAs is RevokeTerminal by an actor of the back office, who
// must manage the terminal's organiser.
func (l *Ledger) RevokeTerminalAs(ctx context.Context, a Actor, id string) error {
	err := l.store.Write(ctx, func(tx WriteTx) error {
		r, ok, err := tx.Terminal(id)
		if err != nil {
			return err
		}
		if !ok {
			return terminalUnknown(id)
		}
		if !a.Access.ManagesOrganiser(r.Organiser) {
			return forbidden()
		}
		before := terminalOf(r)
		r.Status, r.Revoked = TerminalRevoked, l.now().UTC()
		if err := tx.UpdateTerminal(r); err != nil {
			return err
		}
		o := &officeTx{tx: tx, a: a, now: l.now().UTC()}
		return o.audit("terminal.revoke", "terminal", r.ID, r.Organiser, before, terminalOf(r))
	})
	if err != nil {
		return wrap("revoke terminal", err)
	}
	l.log.Info("terminal revoked", "terminal", id)
	return nil
}

// Enrol trades a one-time enrolment token and the terminal's public key
// for the terminal's identity and a new secret.
func (l *Ledger) Enrol(ctx context.Context, req balisync.EnrolRequest) (balisync.EnrolResponse, *Problem) {
	if req.Token == "" {
		return balisync.EnrolResponse{}, problemTokenInvalid()
	}
	if _, err := balie.ParsePublicKey(req.PublicKey); err != nil {
		return balisync.EnrolResponse{}, problemBadRequest("de publieke sleutel van de kassa ontbreekt of is geen Ed25519-sleutel.",
			"the terminal's public key is missing or not an Ed25519 key.")
	}
	secret, err := randomToken()
	if err != nil {
		l.log.Error("enrol", "err", err)
		return balisync.EnrolResponse{}, problemInternal()
	}
	var resp balisync.EnrolResponse
	var refused *Problem
	ctx = context.WithoutCancel(ctx)
	err = l.store.Write(ctx, func(tx WriteTx) error {
		refused = nil
		t, ok, err := tx.TerminalByToken(hashSecret(req.Token))
		if err != nil {
			return err
		}
		switch {
		case !ok:
			refused = problemTokenInvalid()
			return nil
		case t.Status != TerminalActive:
			refused = problemRevoked()
			return nil
		case t.TokenUsed || !l.now().Before(t.TokenExpires):
			refused = problemTokenInvalid()
			return nil
		}
		t.TokenUsed, t.SecretHash, t.PublicKey, t.Enrolled = true, hashSecret(secret), req.PublicKey, l.now().UTC()
		resp = balisync.EnrolResponse{TerminalID: t.ID, Secret: secret, Name: t.Name, Organiser: t.Organiser, Location: t.Location}
		return tx.UpdateTerminal(t)
	})
	if err != nil {
		l.log.Error("enrol", "err", err)
		return balisync.EnrolResponse{}, problemInternal()
	}
	if refused != nil {
		return balisync.EnrolResponse{}, refused
	}
	l.log.Info("terminal enrolled", "terminal", resp.TerminalID, "name", resp.Name)
	return resp, nil
}

// RegisterKey takes the public key of a terminal enrolled before
// journals were signed. It is taken once: a key, once known, is never
// replaced, or whoever holds the secret could sign in its place.
func (l *Ledger) RegisterKey(ctx context.Context, terminalID, key string) *Problem {
	if _, err := balie.ParsePublicKey(key); err != nil {
		return problemBadRequest("de publieke sleutel is geen Ed25519-sleutel.", "the public key is not an Ed25519 key.")
	}
	var refused *Problem
	err := l.store.Write(context.WithoutCancel(ctx), func(tx WriteTx) error {
		refused = nil
		t, ok, err := tx.Terminal(terminalID)
		if err != nil {
			return err
		}
		if !ok {
			refused = problemUnauthorized()
			return nil
		}
		if t.PublicKey != "" {
			if t.PublicKey != key {
				refused = problemKeyKnown()
			}
			return nil
		}
		t.PublicKey = key
		return tx.UpdateTerminal(t)
	})
	if err != nil {
		l.log.Error("register key", "err", err)
		return problemInternal()
	}
	if refused == nil {
		l.log.Info("terminal key registered", "terminal", terminalID)
	}
	return refused
}

// Authenticate checks an Authorization header, "Bearer
// <terminal_id>.<secret>", and returns the terminal's id. The secret's
// hash is compared in constant time; a wrong secret and an unknown id get
// the same answer.
func (l *Ledger) Authenticate(ctx context.Context, header string) (string, *Problem) {
	scheme, cred, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", problemUnauthorized()
	}
	id, secret, ok := strings.Cut(strings.TrimSpace(cred), ".")
	if !ok || id == "" || secret == "" || len(id) > balie.MaxIDLength {
		return "", problemUnauthorized()
	}
	var t TerminalRow
	var found bool
	err := l.store.Read(ctx, func(tx ReadTx) error {
		var err error
		t, found, err = tx.Terminal(id)
		return err
	})
	if err != nil {
		l.log.Error("authenticate", "err", err)
		return "", problemInternal()
	}
	want := make([]byte, sha256.Size*2)
	copy(want, t.SecretHash) // an unknown id compares too, so it takes as long as a wrong secret
	if subtle.ConstantTimeCompare([]byte(hashSecret(secret)), want) != 1 || !found || t.SecretHash == "" {
		return "", problemUnauthorized()
	}
	if t.Status != TerminalActive {
		return "", problemRevoked()
	}
	return id, nil
}

// entity reads one entity of the directory and decodes it.
func entity[T any](tx ReadTx, kind, id string) (T, bool, error) {
	var v T
	data, ok, err := tx.Entity(kind, id)
	if err != nil || !ok {
		return v, ok, err
	}
	if err := json.Unmarshal(data, &v); err != nil {
		return v, false, fmt.Errorf("read %s %s: %w", kind, id, err)
	}
	return v, true, nil
}

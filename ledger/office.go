package ledger

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/balie/balie"
	"github.com/google/uuid"
	"golang.org/x/crypto/argon2"
)

// The back office's write path: every change the back office, an
// operator's command or the demo seed makes to the directory and the
// catalogue goes through an officeTx, in one write transaction with its
// change-log entries for the terminals and its entry in the audit log.
// Who may make it is decided here too, by the root package's rules
// (balie.Access), so that no caller can skip it.

// Actor is who makes a change: a signed-in user, or an operator's command
// or a seed, which act with the coordinator's rights.
type Actor struct {
	ID     string // a user id, "cli:USER" or "seed"
	Name   string
	Access balie.Access
}

// Operator is an operator's command at the machine: the coordinator's
// rights (whoever can run the command can open the database).
func Operator(who string) Actor {
	if who == "" {
		who = "operator"
	}
	return Actor{ID: "cli:" + who, Name: who + " (ledger-commando)", Access: balie.Access{Role: balie.OfficeCoordinator}}
}

// Seed is the demo city's generator.
func Seed() Actor {
	return Actor{ID: "seed", Name: "demostad (ledger seed --demo)", Access: balie.Access{Role: balie.OfficeCoordinator}}
}

// ActorOf is a signed-in user as an Actor.
func ActorOf(u UserRow) Actor {
	name := u.FullName
	if name == "" {
		name = u.Name
	}
	return Actor{ID: u.ID, Name: name, Access: balie.Access{Role: u.Role, Organiser: u.Organiser}}
}

func forbidden() error {
	return balie.Errorf(balie.CodeForbidden, "Dit mag u niet doen met uw rol.", "Your role does not allow this.")
}

// officeTx is one change of the back office inside a write transaction.
type officeTx struct {
	tx  WriteTx
	a   Actor
	now time.Time
}

// office runs fn as one change in a write transaction of its own.
func (l *Ledger) office(ctx context.Context, a Actor, op string, fn func(*officeTx) error) error {
	err := l.store.Write(ctx, func(tx WriteTx) error {
		return fn(&officeTx{tx: tx, a: a, now: l.now().UTC()})
	})
	if err != nil {
		return wrap(op, err)
	}
	l.log.Info("back office change", "op", op, "actor", a.ID)
	return nil
}

// audit writes the audit entry of a change: before and after as JSON,
// nil for nothing.
func (o *officeTx) audit(action, kind, entity, org string, before, after any) error {
	enc := func(v any) []byte {
		if v == nil {
			return nil
		}
		return mustJSON(v)
	}
	return o.tx.AddAudit(AuditEntry{At: o.now, Actor: o.a.ID, ActorName: o.a.Name, Action: action, Kind: kind, Entity: entity,
		Organiser: org, Before: enc(before), After: enc(after)})
}

// lookup reads an entity, decoded, into v; ok is false when it is not
// there.
func lookup[T any](o *officeTx, kind, id string) (T, bool, error) { return entity[T](o.tx, kind, id) }

// put stores an entity and, when change is not nil, its change-log entry
// for the audience ("" for every terminal).
func (o *officeTx) put(kind, id, owner string, v any, change any, audience string) error {
	if err := o.tx.PutEntity(kind, id, owner, mustJSON(v)); err != nil {
		return err
	}
	if change == nil {
		return nil
	}
	return o.tx.Change(Change{Kind: kind, Key: id, Data: mustJSON(change), Audience: audience})
}

func refUnknown(nl, en, id string) error {
	return balie.Errorf(balie.CodeReferenceUnknown, nl+" %[1]q staat niet in de ledger.", en+" %[1]q is not in the ledger.", id)
}

// must reads an entity that must be there, refusing with what it is.
func must[T any](o *officeTx, kind, id, nl, en string) (T, error) {
	v, ok, err := lookup[T](o, kind, id)
	if err == nil && !ok {
		err = refUnknown(nl, en, id)
	}
	return v, err
}

// Passwords.

// PasswordParams are argon2id's costs. The zero value is RFC 9106's
// second recommendation: 3 passes over 64 MiB, 2 lanes.
type PasswordParams struct {
	Time    uint32
	MemoryK uint32
	Threads uint8
}

func (p PasswordParams) withDefaults() PasswordParams {
	if p.Time == 0 {
		p.Time = 3
	}
	if p.MemoryK == 0 {
		p.MemoryK = 64 << 10
	}
	if p.Threads == 0 {
		p.Threads = 2
	}
	return p
}

// HashPassword hashes a password with argon2id into the PHC string
// format ($argon2id$v=19$m=...,t=...,p=...$salt$hash), which carries its
// costs, so that they can be raised later without breaking sign-ins.
func HashPassword(pw string, p PasswordParams) (string, error) {
	p = p.withDefaults()
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.MemoryK, p.Threads, 32)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.MemoryK, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// CheckPassword reports whether pw matches a hash made by HashPassword,
// comparing in constant time.
func CheckPassword(hash, pw string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" || parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return false
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m == 0 || t == 0 || p == 0 || m > 1<<21 || t > 20 {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is checked against when a sign-in names no account, so that
// an unknown name takes as long as a wrong password.
func (l *Ledger) dummyHash() string {
	l.dummyOnce.Do(func() { l.dummy, _ = HashPassword("no such account", l.passwords) })
	return l.dummy
}

// Users.

// UserInput is an account as the back office or `ledger user add` makes
// or changes it. Password "" keeps the one there is.
type UserInput struct {
	ID        string // "" for a new account
	Name      string
	FullName  string
	Role      balie.OfficeRole
	Organiser string
	Password  string
	Disabled  bool
}

// userView is an account in the audit log: never its password hash.
type userView struct {
	ID, Name, FullName, Role, Organiser string
	Disabled                            bool
	PasswordChanged                     bool `json:",omitempty"`
}

func viewUser(u UserRow, pwChanged bool) userView {
	return userView{ID: u.ID, Name: u.Name, FullName: u.FullName, Role: string(u.Role), Organiser: u.Organiser, Disabled: u.Disabled, PasswordChanged: pwChanged}
}

// SaveUser makes or changes a back-office account: the coordinator's to
// do. The first account of a ledger is made by an operator's command.
func (l *Ledger) SaveUser(ctx context.Context, a Actor, in UserInput) (UserRow, error) {
	if !a.Access.City() {
		return UserRow{}, forbidden()
	}
	in.Name = strings.ToLower(strings.TrimSpace(in.Name))
	in.FullName = strings.TrimSpace(in.FullName)
	if err := balie.ValidUserName(in.Name); err != nil {
		return UserRow{}, err
	}
	if !in.Role.Valid() {
		return UserRow{}, balie.Errorf(balie.CodeRoleInvalid, "Kies een rol: coördinator, welzijnsmedewerker, beheerder van een organisator of stuurgroep.",
			"Choose a role: coordinator, welfare officer, organiser administrator or steering group.")
	}
	if in.Role == balie.OfficeOrganiser && in.Organiser == "" {
		return UserRow{}, balie.Errorf(balie.CodeReferenceUnknown, "Een beheerder van een organisator hoort bij een organisator: kies er een.",
			"An organiser administrator belongs to an organiser: choose one.")
	}
	if in.Role != balie.OfficeOrganiser {
		in.Organiser = ""
	}
	var hash string
	if in.Password != "" || in.ID == "" {
		if err := balie.ValidPassword(in.Password); err != nil {
			return UserRow{}, err
		}
		var err error
		if hash, err = l.hashPassword(ctx, in.Password); err != nil {
			return UserRow{}, err
		}
	}
	var out UserRow
	err := l.office(ctx, a, "save user", func(o *officeTx) error {
		var before any
		u := UserRow{ID: in.ID, Created: o.now}
		if in.ID != "" {
			old, ok, err := o.tx.User(in.ID)
			if err != nil {
				return err
			}
			if !ok {
				return refUnknown("Gebruiker", "User", in.ID)
			}
			u, before = old, viewUser(old, false)
		} else {
			u.ID = uuid.Must(uuid.NewV7()).String()
		}
		if in.Organiser != "" {
			if _, err := must[balie.Organiser](o, balie.ChangeOrganiser, in.Organiser, "Organisator", "Organiser"); err != nil {
				return err
			}
		}
		u.Name, u.FullName, u.Role, u.Organiser, u.Disabled, u.Updated = in.Name, in.FullName, in.Role, in.Organiser, in.Disabled, o.now
		if hash != "" {
			u.PasswordHash = hash
		}
		if err := o.tx.PutUser(u); err != nil {
			if errors.Is(err, ErrIDTaken) {
				return balie.Errorf(balie.CodeIDTaken, "De gebruikersnaam %[1]q is al in gebruik.", "The user name %[1]q is taken.", in.Name)
			}
			return err
		}
		if hash != "" || u.Disabled {
			// A new password or a disabled account signs out every browser.
			if err := o.tx.DeleteSessions(u.ID); err != nil {
				return err
			}
		}
		out = u
		return o.audit("user.save", "user", u.ID, u.Organiser, before, viewUser(u, hash != "" && in.ID != ""))
	})
	return out, err
}

// hashPassword hashes with the ledger's costs, at most two at a time:
// each takes its 64 MiB.
func (l *Ledger) hashPassword(ctx context.Context, pw string) (string, error) {
	select {
	case l.hashing <- struct{}{}:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	defer func() { <-l.hashing }()
	return HashPassword(pw, l.passwords)
}

func (l *Ledger) checkPassword(ctx context.Context, hash, pw string) (bool, error) {
	select {
	case l.hashing <- struct{}{}:
	case <-ctx.Done():
		return false, ctx.Err()
	}
	defer func() { <-l.hashing }()
	return CheckPassword(hash, pw), nil
}

// Users lists the back-office accounts.
func (l *Ledger) Users(ctx context.Context) ([]UserRow, error) {
	var out []UserRow
	err := l.store.Read(ctx, func(tx ReadTx) error {
		var err error
		out, err = tx.Users()
		return err
	})
	return out, wrap("list users", err)
}

// User reads one account.
func (l *Ledger) User(ctx context.Context, id string) (UserRow, bool, error) {
	var u UserRow
	var ok bool
	err := l.store.Read(ctx, func(tx ReadTx) error {
		var err error
		u, ok, err = tx.User(id)
		return err
	})
	return u, ok, wrap("read user", err)
}

// Sessions.

// SessionTTL is how long a sign-in lasts: a working day.
const SessionTTL = 10 * time.Hour

// ErrSignIn is a sign-in refused: an unknown name, a wrong password or a
// disabled account get the same answer.
var ErrSignIn = balie.Errorf(balie.CodeForbidden, "De gebruikersnaam of het wachtwoord klopt niet.", "The user name or the password is wrong.")

// SignIn checks a name and password and opens a session: it returns the
// token for the browser's cookie (the ledger keeps its hash) and the
// account.
func (l *Ledger) SignIn(ctx context.Context, name, password string) (string, UserRow, error) {
	name = strings.ToLower(strings.TrimSpace(name))
	var u UserRow
	var found bool
	err := l.store.Read(ctx, func(tx ReadTx) error {
		var err error
		u, found, err = tx.UserByName(name)
		return err
	})
	if err != nil {
		return "", UserRow{}, wrap("sign in", err)
	}
	hash := u.PasswordHash
	if !found {
		hash = l.dummyHash()
	}
	ok, err := l.checkPassword(ctx, hash, password)
	if err != nil {
		return "", UserRow{}, err
	}
	if !found || !ok || u.Disabled {
		return "", UserRow{}, ErrSignIn
	}
	token, err := randomToken()
	if err != nil {
		return "", UserRow{}, err
	}
	now := l.now().UTC()
	err = l.store.Write(context.WithoutCancel(ctx), func(tx WriteTx) error {
		if err := tx.PruneSessions(now); err != nil {
			return err
		}
		return tx.PutSession(SessionRow{TokenHash: hashSecret(token), User: u.ID, Created: now, Expires: now.Add(SessionTTL)})
	})
	if err != nil {
		return "", UserRow{}, wrap("sign in", err)
	}
	l.log.Info("back office sign-in", "user", u.Name)
	return token, u, nil
}

// Session returns the account of a session's token; ok is false for a
// token that is unknown, expired, or whose account was disabled.
func (l *Ledger) Session(ctx context.Context, token string) (UserRow, bool, error) {
	if token == "" {
		return UserRow{}, false, nil
	}
	var u UserRow
	var ok bool
	err := l.store.Read(ctx, func(tx ReadTx) error {
		s, found, err := tx.Session(hashSecret(token))
		if err != nil || !found || !l.now().Before(s.Expires) {
			return err
		}
		u, ok, err = tx.User(s.User)
		ok = ok && !u.Disabled
		return err
	})
	if err != nil {
		return UserRow{}, false, wrap("read session", err)
	}
	return u, ok, nil
}

// SignOut ends a session.
func (l *Ledger) SignOut(ctx context.Context, token string) error {
	err := l.store.Write(context.WithoutCancel(ctx), func(tx WriteTx) error { return tx.DeleteSession(hashSecret(token)) })
	return wrap("sign out", err)
}

// Audit log.

// AuditLog calls fn for the audit log, newest first; an organiser
// administrator reads their organiser's entries only.
func (l *Ledger) AuditLog(ctx context.Context, a Actor, before int64, limit int, fn func(AuditEntry) error) error {
	q := AuditQuery{Before: before, Limit: limit}
	switch {
	case a.Access.City():
	case a.Access.Role == balie.OfficeOrganiser && a.Access.Organiser != "":
		q.Organiser = a.Access.Organiser
	default:
		return forbidden()
	}
	return wrap("read audit log", l.store.Read(ctx, func(tx ReadTx) error { return tx.Audit(q, fn) }))
}

// ExportAudit calls fn for the whole audit log, oldest first, in pages:
// for `ledger export --audit`.
func (l *Ledger) ExportAudit(ctx context.Context, fn func(AuditEntry) error) error {
	// Read newest first in pages, then give them oldest first: the log is
	// small beside the events (a change is a person's act).
	var all []AuditEntry
	before := int64(0)
	for {
		n := 0
		err := l.store.Read(ctx, func(tx ReadTx) error {
			return tx.Audit(AuditQuery{Before: before, Limit: 5000}, func(e AuditEntry) error {
				all = append(all, e)
				before, n = e.ID, n+1
				return nil
			})
		})
		if err != nil {
			return wrap("export audit log", err)
		}
		if n < 5000 {
			break
		}
	}
	for i := len(all) - 1; i >= 0; i-- {
		if err := fn(all[i]); err != nil {
			return err
		}
	}
	return nil
}

package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/balie/balie"
	"github.com/balie/balie/ledger"
)

// The back office's part of the seam (ledger.OfficeReader and
// ledger.OfficeWriter).

const userColumns = `id, name, full_name, role, organiser_id, password_hash, disabled, created, updated`

func scanUser(row scanner) (ledger.UserRow, error) {
	var u ledger.UserRow
	var role, created, updated string
	if err := row.Scan(&u.ID, &u.Name, &u.FullName, &role, &u.Organiser, &u.PasswordHash, &u.Disabled, &created, &updated); err != nil {
		return u, err
	}
	u.Role = balie.OfficeRole(role)
	var err error
	if u.Created, err = parseInstant(created); err == nil {
		u.Updated, err = parseInstant(updated)
	}
	return u, err
}

func (r *reader) userWhere(where string, arg any) (ledger.UserRow, bool, error) {
	u, err := scanUser(r.q.QueryRowContext(r.ctx, `SELECT `+userColumns+` FROM users WHERE `+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return u, false, nil
	}
	return u, err == nil, r.s.classify("read user", err)
}

func (r *reader) User(id string) (ledger.UserRow, bool, error) { return r.userWhere(`id = ?`, id) }

func (r *reader) UserByName(name string) (ledger.UserRow, bool, error) {
	return r.userWhere(`name = ?`, name)
}

func (r *reader) Users() ([]ledger.UserRow, error) {
	rows, err := r.q.QueryContext(r.ctx, `SELECT `+userColumns+` FROM users ORDER BY name`)
	if err != nil {
		return nil, r.s.classify("list users", err)
	}
	defer rows.Close()
	var out []ledger.UserRow
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, r.s.classify("list users", err)
		}
		out = append(out, u)
	}
	return out, r.s.classify("list users", rows.Err())
}

func (r *reader) Session(hash string) (ledger.SessionRow, bool, error) {
	s := ledger.SessionRow{TokenHash: hash}
	var created, expires string
	err := r.q.QueryRowContext(r.ctx, `SELECT user_id, created, expires FROM sessions WHERE token_hash = ?`, hash).Scan(&s.User, &created, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return s, false, nil
	}
	if err != nil {
		return s, false, r.s.classify("read session", err)
	}
	if s.Created, err = parseInstant(created); err == nil {
		s.Expires, err = parseInstant(expires)
	}
	return s, err == nil, err
}

func (r *reader) Audit(q ledger.AuditQuery, fn func(ledger.AuditEntry) error) error {
	where, args := []string{"1 = 1"}, []any{}
	if q.Organiser != "" {
		where, args = append(where, "organiser_id = ?"), append(args, q.Organiser)
	}
	if q.Before > 0 {
		where, args = append(where, "id < ?"), append(args, q.Before)
	}
	limit := q.Limit
	if limit <= 0 {
		limit = -1
	}
	rows, err := r.q.QueryContext(r.ctx, `SELECT id, at, actor, actor_name, action, kind, entity, organiser_id, coalesce(before, x''), coalesce(after, x'')
		FROM audit_log WHERE `+strings.Join(where, " AND ")+` ORDER BY id DESC LIMIT ?`, append(args, limit)...)
	if err != nil {
		return r.s.classify("read audit log", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e ledger.AuditEntry
		var at string
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.ActorName, &e.Action, &e.Kind, &e.Entity, &e.Organiser, &e.Before, &e.After); err != nil {
			return r.s.classify("read audit log", err)
		}
		if e.At, err = parseInstant(at); err != nil {
			return err
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return r.s.classify("read audit log", rows.Err())
}

func (r *reader) SearchHolders(prefix string, limit int) ([]balie.Holder, error) {
	lo := []byte(prefix)
	hi := ledger.PrefixEnd(lo)
	if hi == nil {
		hi = []byte{0xff, 0xff, 0xff, 0xff}
	}
	// Each key by its own index, at most limit rows each; the union is
	// sorted by last name, then cut.
	rows, err := r.q.QueryContext(r.ctx, `SELECT `+holderColumns+` FROM holders WHERE id IN (
			SELECT id FROM (SELECT id FROM holders WHERE key_last >= ?1 AND key_last < ?2 ORDER BY key_last LIMIT ?3)
			UNION SELECT id FROM (SELECT id FROM holders WHERE key_first >= ?1 AND key_first < ?2 ORDER BY key_first LIMIT ?3))
		ORDER BY key_last, id LIMIT ?3`, lo, hi, limit)
	if err != nil {
		return nil, r.s.classify("search holders", err)
	}
	defer rows.Close()
	var out []balie.Holder
	for rows.Next() {
		h, err := scanHolder(rows)
		if err != nil {
			return nil, r.s.classify("search holders", err)
		}
		out = append(out, h)
	}
	return out, r.s.classify("search holders", rows.Err())
}

func (r *reader) HolderByINSZ(n balie.INSZ) (string, bool, error) {
	var id string
	err := r.q.QueryRowContext(r.ctx, `SELECT holder_id FROM holder_insz WHERE insz = ?`, string(n)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return id, err == nil, r.s.classify("read national number", err)
}

func (r *reader) HolderINSZ(holder string) (balie.INSZ, bool, error) {
	var n string
	err := r.q.QueryRowContext(r.ctx, `SELECT insz FROM holder_insz WHERE holder_id = ?`, holder).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return balie.INSZ(n), err == nil, r.s.classify("read national number", err)
}

const reviewColumns = `f.id, f.ingest, e.id, e.terminal, e.seq, e.time, e.staff, e.kind, e.status, e.message_nl, e.message_en, f.code, f.holder_id, f.detail,
	coalesce(x.outcome, ''), coalesce(x.note, ''), coalesce(x.by_user, ''), coalesce(x.by_name, ''), coalesce(x.at, '')`

func scanReview(row scanner) (ledger.ReviewRow, error) {
	var f ledger.ReviewRow
	var id int64
	var at, kind, outcome, note, by, byName, resolved string
	if err := row.Scan(&id, &f.Ingest, &f.EventID, &f.Terminal, &f.Seq, &at, &f.Staff, &kind, &f.Status, &f.MessageNL, &f.MessageEN,
		&f.Code, &f.Holder, &f.Detail, &outcome, &note, &by, &byName, &resolved); err != nil {
		return f, err
	}
	f.Key, f.Kind = strconv.FormatInt(id, 10), balie.Kind(kind)
	var err error
	if f.Time, err = time.Parse(balie.TimeFormat, at); err != nil {
		return f, err
	}
	if outcome != "" {
		res := &ledger.FlagResolution{Flag: f.Key, Outcome: outcome, Note: note, By: by, ByName: byName}
		if res.At, err = parseInstant(resolved); err != nil {
			return f, err
		}
		f.Resolution = res
	}
	return f, nil
}

func (r *reader) reviews(q string, args ...any) ([]ledger.ReviewRow, error) {
	rows, err := r.q.QueryContext(r.ctx, `SELECT `+reviewColumns+` FROM review_flags f JOIN events e ON e.ingest = f.ingest
		LEFT JOIN flag_resolutions x ON x.flag_id = f.id `+q, args...)
	if err != nil {
		return nil, r.s.classify("read review flags", err)
	}
	defer rows.Close()
	var out []ledger.ReviewRow
	for rows.Next() {
		f, err := scanReview(rows)
		if err != nil {
			return nil, r.s.classify("read review flags", err)
		}
		out = append(out, f)
	}
	return out, r.s.classify("read review flags", rows.Err())
}

func (r *reader) ReviewFlags(q ledger.FlagQuery) ([]ledger.ReviewRow, error) {
	limit := q.Limit
	if limit <= 0 {
		limit = -1
	}
	if q.Resolved {
		return r.reviews(`WHERE f.resolved = 1 ORDER BY f.id DESC LIMIT ?`, limit)
	}
	return r.reviews(`WHERE f.resolved = 0 ORDER BY f.id LIMIT ?`, limit)
}

func (r *reader) ReviewFlag(key string) (ledger.ReviewRow, bool, error) {
	id, err := strconv.ParseInt(key, 10, 64)
	if err != nil {
		return ledger.ReviewRow{}, false, nil
	}
	out, err := r.reviews(`WHERE f.id = ?`, id)
	if err != nil || len(out) == 0 {
		return ledger.ReviewRow{}, false, err
	}
	return out[0], true, nil
}

func (r *reader) TerminalContacts() ([]ledger.TerminalContact, error) {
	rows, err := r.q.QueryContext(r.ctx, `SELECT terminal, at, queue, version FROM terminal_contact ORDER BY terminal`)
	if err != nil {
		return nil, r.s.classify("read terminal contact", err)
	}
	defer rows.Close()
	var out []ledger.TerminalContact
	for rows.Next() {
		var c ledger.TerminalContact
		var at string
		if err := rows.Scan(&c.Terminal, &at, &c.Queue, &c.Version); err != nil {
			return nil, r.s.classify("read terminal contact", err)
		}
		if c.At, err = parseInstant(at); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, r.s.classify("read terminal contact", rows.Err())
}

// inList is "?, ?, ..." for n values.
func inList(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

func (r *reader) ChangesFor(after int64, limit int, audiences []string, fn func(seq int64, kind, key []byte, deleted bool, data []byte)) error {
	if len(audiences) == 0 {
		return nil
	}
	args := []any{after}
	for _, a := range audiences {
		args = append(args, a)
	}
	return r.changes(`SELECT seq, kind, key, deleted, data FROM changes WHERE seq > ? AND audience IN (`+inList(len(audiences))+`)
		ORDER BY seq LIMIT ?`, append(args, limit), fn)
}

func (r *reader) RestrictedChanges(upTo int64, fn func(ledger.Change) error) error {
	rows, err := r.q.QueryContext(r.ctx, `SELECT kind, key, deleted, data, audience FROM changes WHERE audience <> '' AND seq <= ? ORDER BY seq`, upTo)
	if err != nil {
		return r.s.classify("read changes", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c ledger.Change
		if err := rows.Scan(&c.Kind, &c.Key, &c.Deleted, &c.Data, &c.Audience); err != nil {
			return r.s.classify("read changes", err)
		}
		if err := fn(c); err != nil {
			return err
		}
	}
	return r.s.classify("read changes", rows.Err())
}

func (w *writeTx) PutUser(u ledger.UserRow) error {
	err := w.exec("store user", `INSERT INTO users(`+userColumns+`) VALUES (?,?,?,?,?,?,?,?,?)
		ON CONFLICT(id) DO UPDATE SET name = excluded.name, full_name = excluded.full_name, role = excluded.role, organiser_id = excluded.organiser_id,
		password_hash = excluded.password_hash, disabled = excluded.disabled, updated = excluded.updated`,
		u.ID, u.Name, u.FullName, string(u.Role), u.Organiser, u.PasswordHash, u.Disabled, fmtInstant(u.Created), fmtInstant(u.Updated))
	if isUnique(errors.Unwrap(err)) {
		return ledger.ErrIDTaken
	}
	return err
}

func (w *writeTx) PutSession(s ledger.SessionRow) error {
	return w.exec("store session", `INSERT OR REPLACE INTO sessions(token_hash, user_id, created, expires) VALUES (?,?,?,?)`,
		s.TokenHash, s.User, fmtFixed(s.Created), fmtFixed(s.Expires))
}

func (w *writeTx) DeleteSession(hash string) error {
	return w.exec("delete session", `DELETE FROM sessions WHERE token_hash = ?`, hash)
}

func (w *writeTx) DeleteSessions(user string) error {
	return w.exec("delete sessions", `DELETE FROM sessions WHERE user_id = ?`, user)
}

func (w *writeTx) PruneSessions(before time.Time) error {
	return w.exec("prune sessions", `DELETE FROM sessions WHERE expires < ?`, fmtFixed(before))
}

func (w *writeTx) AddAudit(e ledger.AuditEntry) error {
	return w.exec("write audit log", `INSERT INTO audit_log(at, actor, actor_name, action, kind, entity, organiser_id, before, after) VALUES (?,?,?,?,?,?,?,?,?)`,
		fmtInstant(e.At), e.Actor, e.ActorName, e.Action, e.Kind, e.Entity, e.Organiser, nilIfEmpty(e.Before), nilIfEmpty(e.After))
}

func nilIfEmpty(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
}

func (w *writeTx) SetINSZ(holder string, n balie.INSZ) error {
	if err := w.exec("store national number", `DELETE FROM holder_insz WHERE holder_id = ?`, holder); err != nil {
		return err
	}
	if n == "" {
		return nil
	}
	err := w.exec("store national number", `INSERT INTO holder_insz(insz, holder_id) VALUES (?, ?)`, string(n), holder)
	if isUnique(errors.Unwrap(err)) {
		return ledger.ErrIDTaken
	}
	return err
}

func (w *writeTx) ResolveFlag(x ledger.FlagResolution) error {
	id, err := strconv.ParseInt(x.Flag, 10, 64)
	if err != nil {
		return ledger.ErrNotOpen
	}
	res, err := w.tx.ExecContext(w.ctx, `UPDATE review_flags SET resolved = 1 WHERE id = ? AND resolved = 0`, id)
	if err != nil {
		return w.s.classify("resolve flag", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return ledger.ErrNotOpen
	}
	return w.exec("resolve flag", `INSERT INTO flag_resolutions(flag_id, outcome, note, by_user, by_name, at) VALUES (?,?,?,?,?,?)`,
		id, x.Outcome, x.Note, x.By, x.ByName, fmtInstant(x.At))
}

func (w *writeTx) PutTerminalContacts(cs []ledger.TerminalContact) error {
	for _, c := range cs {
		if err := w.exec("store terminal contact", `INSERT INTO terminal_contact(terminal, at, queue, version) VALUES (?,?,?,?)
			ON CONFLICT(terminal) DO UPDATE SET at = excluded.at, queue = excluded.queue, version = excluded.version WHERE excluded.at > terminal_contact.at`,
			c.Terminal, fmtFixed(c.At), c.Queue, c.Version); err != nil {
			return err
		}
	}
	return nil
}

// fillSearchKeys gives the holders stored before migration 3 their search
// keys, which SQL cannot compute (the accents), once, in transactions of
// a few thousand.
func (s *Store) fillSearchKeys(ctx context.Context) error {
	var n int
	if err := s.w.QueryRowContext(ctx, `SELECT count(*) FROM holders WHERE key_last = x'' AND (first_name <> '' OR last_name <> '')`).Scan(&n); err != nil || n == 0 {
		return s.classify("fill search keys", err)
	}
	s.log.Info("filling holder search keys", "holders", n)
	for {
		rows, err := s.w.QueryContext(ctx, `SELECT id, first_name, last_name FROM holders WHERE key_last = x'' AND (first_name <> '' OR last_name <> '') LIMIT 5000`)
		if err != nil {
			return s.classify("fill search keys", err)
		}
		var hs []balie.Holder
		for rows.Next() {
			var h balie.Holder
			if err := rows.Scan(&h.ID, &h.FirstName, &h.LastName); err != nil {
				rows.Close()
				return s.classify("fill search keys", err)
			}
			hs = append(hs, h)
		}
		rows.Close()
		if len(hs) == 0 {
			return nil
		}
		tx, err := s.w.BeginTx(ctx, nil)
		if err != nil {
			return s.classify("fill search keys", err)
		}
		for _, h := range hs {
			last := ledger.KeyLast(h)
			if len(last) == 0 {
				last = []byte{' '} // a name of punctuation only: filled, so never read again
			}
			if _, err := tx.ExecContext(ctx, `UPDATE holders SET key_last = ?, key_first = ? WHERE id = ?`, last, ledger.KeyFirst(h), h.ID); err != nil {
				tx.Rollback()
				return s.classify("fill search keys", err)
			}
		}
		if err := tx.Commit(); err != nil {
			return s.classify("fill search keys", err)
		}
	}
}

// fmtFixed writes an instant that is compared as text (a session's
// expiry, a terminal's last contact): UTC with nine decimals always, so
// that text order is time order.
func fmtFixed(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000000Z") }

func (r *reader) HolderEvents(holder string, limit int, fn func(ledger.StoredEvent) error) error {
	// The condition of the index events_holder is repeated for SQLite.
	return r.events(`SELECT `+storedColumns+` FROM events e WHERE e.holder_id = ? AND e.points <> 0 AND (e.item <> '' OR e.points <> 0)
		ORDER BY e.ingest DESC LIMIT ?`, []any{holder, limit}, fn)
}

package postgres

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/balie/balie"
	"github.com/balie/balie/ledger"
	"github.com/jackc/pgx/v5"
)

// The back office's part of the seam (ledger.OfficeReader and
// ledger.OfficeWriter). Its writes go to the database at once, in the
// write's transaction; the directory rows a write keeps for its bulk
// send are sent first where a read could see them.

const userColumns = `id, name, full_name, role, organiser_id, password_hash, disabled, created, updated`

func scanUser(row pgx.Row) (ledger.UserRow, error) {
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
	u, err := scanUser(r.q.QueryRow(r.ctx, `SELECT `+userColumns+` FROM users WHERE `+where, arg))
	if errors.Is(err, pgx.ErrNoRows) {
		return u, false, nil
	}
	return u, err == nil, wrapErr("read user", err)
}

func (r *reader) User(id string) (ledger.UserRow, bool, error) { return r.userWhere(`id = $1`, id) }

func (r *reader) UserByName(name string) (ledger.UserRow, bool, error) {
	return r.userWhere(`name = $1`, name)
}

func (r *reader) Users() ([]ledger.UserRow, error) {
	rows, err := r.q.Query(r.ctx, `SELECT `+userColumns+` FROM users ORDER BY name`)
	if err != nil {
		return nil, wrapErr("list users", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (ledger.UserRow, error) { return scanUser(row) })
	return out, wrapErr("list users", err)
}

func (r *reader) Session(hash string) (ledger.SessionRow, bool, error) {
	s := ledger.SessionRow{TokenHash: hash}
	var created, expires string
	err := r.q.QueryRow(r.ctx, `SELECT user_id, created, expires FROM sessions WHERE token_hash = $1`, hash).Scan(&s.User, &created, &expires)
	if errors.Is(err, pgx.ErrNoRows) {
		return s, false, nil
	}
	if err != nil {
		return s, false, wrapErr("read session", err)
	}
	if s.Created, err = parseInstant(created); err == nil {
		s.Expires, err = parseInstant(expires)
	}
	return s, err == nil, err
}

func (r *reader) Audit(q ledger.AuditQuery, fn func(ledger.AuditEntry) error) error {
	where, args := []string{"true"}, []any{}
	if q.Organiser != "" {
		args = append(args, q.Organiser)
		where = append(where, fmt.Sprintf("organiser_id = $%d", len(args)))
	}
	if q.Before > 0 {
		args = append(args, q.Before)
		where = append(where, fmt.Sprintf("id < $%d", len(args)))
	}
	sql := `SELECT id, at, actor, actor_name, action, kind, entity, organiser_id, coalesce(before, '\x'), coalesce(after, '\x')
		FROM audit_log WHERE ` + strings.Join(where, " AND ") + ` ORDER BY id DESC`
	if q.Limit > 0 {
		args = append(args, q.Limit)
		sql += fmt.Sprintf(" LIMIT $%d", len(args))
	}
	rows, err := r.q.Query(r.ctx, sql, args...)
	if err != nil {
		return wrapErr("read audit log", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e ledger.AuditEntry
		var at string
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.ActorName, &e.Action, &e.Kind, &e.Entity, &e.Organiser, &e.Before, &e.After); err != nil {
			return wrapErr("read audit log", err)
		}
		if e.At, err = parseInstant(at); err != nil {
			return err
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return wrapErr("read audit log", rows.Err())
}

func (r *reader) SearchHolders(prefix string, limit int) ([]balie.Holder, error) {
	if err := r.sync(pendingHolder, ""); err != nil {
		return nil, err
	}
	lo := []byte(prefix)
	hi := ledger.PrefixEnd(lo)
	if hi == nil {
		hi = []byte{0xff, 0xff, 0xff, 0xff}
	}
	rows, err := r.q.Query(r.ctx, `SELECT `+holderColumns+` FROM holders WHERE id IN (
			SELECT id FROM (SELECT id FROM holders WHERE key_last >= $1 AND key_last < $2 ORDER BY key_last LIMIT $3) AS a
			UNION SELECT id FROM (SELECT id FROM holders WHERE key_first >= $1 AND key_first < $2 ORDER BY key_first LIMIT $3) AS b)
		ORDER BY key_last, id LIMIT $3`, lo, hi, limit)
	if err != nil {
		return nil, wrapErr("search holders", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (balie.Holder, error) { return scanHolder(row) })
	return out, wrapErr("search holders", err)
}

func (r *reader) HolderByINSZ(n balie.INSZ) (string, bool, error) {
	var id string
	err := r.q.QueryRow(r.ctx, `SELECT holder_id FROM holder_insz WHERE insz = $1`, string(n)).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", false, nil
	}
	return id, err == nil, wrapErr("read national number", err)
}

func (r *reader) HolderINSZ(holder string) (balie.INSZ, bool, error) {
	var n string
	err := r.q.QueryRow(r.ctx, `SELECT insz FROM holder_insz WHERE holder_id = $1`, holder).Scan(&n)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", false, nil
	}
	return balie.INSZ(n), err == nil, wrapErr("read national number", err)
}

const reviewColumns = `f.ingest, f.pos, e.id, e.terminal, e.seq, e.time, e.staff, e.kind, e.status, e.message_nl, e.message_en, f.code, f.holder_id, f.detail,
	coalesce(x.outcome, ''), coalesce(x.note, ''), coalesce(x.by_user, ''), coalesce(x.by_name, ''), coalesce(x.at, '')`

func scanReview(row pgx.Row) (ledger.ReviewRow, error) {
	var f ledger.ReviewRow
	var pos int
	var at, kind, outcome, note, by, byName, resolved string
	if err := row.Scan(&f.Ingest, &pos, &f.EventID, &f.Terminal, &f.Seq, &at, &f.Staff, &kind, &f.Status, &f.MessageNL, &f.MessageEN,
		&f.Code, &f.Holder, &f.Detail, &outcome, &note, &by, &byName, &resolved); err != nil {
		return f, err
	}
	f.Key, f.Kind = strconv.FormatInt(f.Ingest, 10)+"."+strconv.Itoa(pos), balie.Kind(kind)
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
	rows, err := r.q.Query(r.ctx, `SELECT `+reviewColumns+` FROM review_flags f JOIN events e ON e.ingest = f.ingest
		LEFT JOIN flag_resolutions x ON x.ingest = f.ingest AND x.pos = f.pos `+q, args...)
	if err != nil {
		return nil, wrapErr("read review flags", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (ledger.ReviewRow, error) { return scanReview(row) })
	return out, wrapErr("read review flags", err)
}

func (r *reader) ReviewFlags(q ledger.FlagQuery) ([]ledger.ReviewRow, error) {
	limit := int64(q.Limit)
	if limit <= 0 {
		limit = 1 << 62
	}
	if q.Resolved {
		return r.reviews(`WHERE f.resolved ORDER BY f.ingest DESC, f.pos DESC LIMIT $1`, limit)
	}
	return r.reviews(`WHERE NOT f.resolved ORDER BY f.ingest, f.pos LIMIT $1`, limit)
}

// flagKey reads a flag's key, "ingest.pos".
func flagKey(key string) (int64, int, bool) {
	a, b, ok := strings.Cut(key, ".")
	ingest, err1 := strconv.ParseInt(a, 10, 64)
	pos, err2 := strconv.Atoi(b)
	return ingest, pos, ok && err1 == nil && err2 == nil
}

func (r *reader) ReviewFlag(key string) (ledger.ReviewRow, bool, error) {
	ingest, pos, ok := flagKey(key)
	if !ok {
		return ledger.ReviewRow{}, false, nil
	}
	out, err := r.reviews(`WHERE f.ingest = $1 AND f.pos = $2`, ingest, pos)
	if err != nil || len(out) == 0 {
		return ledger.ReviewRow{}, false, err
	}
	return out[0], true, nil
}

func (r *reader) TerminalContacts() ([]ledger.TerminalContact, error) {
	rows, err := r.q.Query(r.ctx, `SELECT terminal, at, queue, version FROM terminal_contact ORDER BY terminal`)
	if err != nil {
		return nil, wrapErr("read terminal contact", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (ledger.TerminalContact, error) {
		var c ledger.TerminalContact
		var at string
		if err := row.Scan(&c.Terminal, &at, &c.Queue, &c.Version); err != nil {
			return c, err
		}
		var err error
		c.At, err = parseInstant(at)
		return c, err
	})
	return out, wrapErr("read terminal contact", err)
}

func (r *reader) ChangesFor(after int64, limit int, audiences []string, fn func(seq int64, kind, key []byte, deleted bool, data []byte)) error {
	if err := r.sync(pendingAll, ""); err != nil {
		return err
	}
	// As Changes walks the commits after the cursor, with the rows of
	// the other audiences left out.
	rows, err := r.q.Query(r.ctx, `SELECT o.first + c.pos - 1, c.kind, c.key, c.deleted, c.data
		FROM change_commits o
		CROSS JOIN LATERAL (SELECT pos, kind, key, deleted, data FROM changes WHERE tx = o.tx AND pos > $1 - o.first + 1 AND audience = ANY($3) ORDER BY pos OFFSET 0) AS c
		WHERE o.last > $1 ORDER BY o.last, c.pos LIMIT $2`, after, limit, audiences)
	return scanChanges(rows, err, fn)
}

func (r *reader) RestrictedChanges(upTo int64, fn func(ledger.Change) error) error {
	if err := r.sync(pendingAll, ""); err != nil {
		return err
	}
	rows, err := r.q.Query(r.ctx, `SELECT c.kind, c.key, c.deleted, coalesce(c.data, '\x'), c.audience FROM changes c JOIN change_commits o ON o.tx = c.tx
		WHERE c.audience <> '' AND o.first + c.pos - 1 <= $1 ORDER BY o.first + c.pos - 1`, upTo)
	if err != nil {
		return wrapErr("read changes", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c ledger.Change
		if err := rows.Scan(&c.Kind, &c.Key, &c.Deleted, &c.Data, &c.Audience); err != nil {
			return wrapErr("read changes", err)
		}
		if err := fn(c); err != nil {
			return err
		}
	}
	return wrapErr("read changes", rows.Err())
}

func (w *writeTx) PutUser(u ledger.UserRow) error {
	_, err := w.tx.Exec(w.ctx, `INSERT INTO users (`+userColumns+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)
		ON CONFLICT (id) DO UPDATE SET name = excluded.name, full_name = excluded.full_name, role = excluded.role, organiser_id = excluded.organiser_id,
		password_hash = excluded.password_hash, disabled = excluded.disabled, updated = excluded.updated`,
		u.ID, u.Name, u.FullName, string(u.Role), u.Organiser, u.PasswordHash, u.Disabled, fmtInstant(u.Created), fmtInstant(u.Updated))
	if pgCode(err) == codeUnique {
		return ledger.ErrIDTaken
	}
	return wrapErr("store user", err)
}

func (w *writeTx) PutSession(s ledger.SessionRow) error {
	_, err := w.tx.Exec(w.ctx, `INSERT INTO sessions (token_hash, user_id, created, expires) VALUES ($1,$2,$3,$4)
		ON CONFLICT (token_hash) DO UPDATE SET user_id = excluded.user_id, created = excluded.created, expires = excluded.expires`,
		s.TokenHash, s.User, fmtFixed(s.Created), fmtFixed(s.Expires))
	return wrapErr("store session", err)
}

func (w *writeTx) DeleteSession(hash string) error {
	_, err := w.tx.Exec(w.ctx, `DELETE FROM sessions WHERE token_hash = $1`, hash)
	return wrapErr("delete session", err)
}

func (w *writeTx) DeleteSessions(user string) error {
	_, err := w.tx.Exec(w.ctx, `DELETE FROM sessions WHERE user_id = $1`, user)
	return wrapErr("delete sessions", err)
}

func (w *writeTx) PruneSessions(before time.Time) error {
	_, err := w.tx.Exec(w.ctx, `DELETE FROM sessions WHERE expires < $1`, fmtFixed(before))
	return wrapErr("prune sessions", err)
}

func (w *writeTx) AddAudit(e ledger.AuditEntry) error {
	_, err := w.tx.Exec(w.ctx, `INSERT INTO audit_log (at, actor, actor_name, action, kind, entity, organiser_id, before, after) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`,
		fmtInstant(e.At), e.Actor, e.ActorName, e.Action, e.Kind, e.Entity, e.Organiser, nilIfEmpty(e.Before), nilIfEmpty(e.After))
	return wrapErr("write audit log", err)
}

func nilIfEmpty(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}

func (w *writeTx) SetINSZ(holder string, n balie.INSZ) error {
	if _, err := w.tx.Exec(w.ctx, `DELETE FROM holder_insz WHERE holder_id = $1`, holder); err != nil {
		return wrapErr("store national number", err)
	}
	if n == "" {
		return nil
	}
	// A savepoint, so that a number another holder has leaves the
	// transaction usable for the refusal.
	sp, err := w.tx.Begin(w.ctx)
	if err != nil {
		return wrapErr("store national number", err)
	}
	if _, err := sp.Exec(w.ctx, `INSERT INTO holder_insz (insz, holder_id) VALUES ($1, $2)`, string(n), holder); err != nil {
		sp.Rollback(w.ctx)
		if pgCode(err) == codeUnique {
			return ledger.ErrIDTaken
		}
		return wrapErr("store national number", err)
	}
	return wrapErr("store national number", sp.Commit(w.ctx))
}

func (w *writeTx) ResolveFlag(x ledger.FlagResolution) error {
	ingest, pos, ok := flagKey(x.Flag)
	if !ok {
		return ledger.ErrNotOpen
	}
	tag, err := w.tx.Exec(w.ctx, `UPDATE review_flags SET resolved = true WHERE ingest = $1 AND pos = $2 AND NOT resolved`, ingest, pos)
	if err != nil {
		return wrapErr("resolve flag", err)
	}
	if tag.RowsAffected() != 1 {
		return ledger.ErrNotOpen
	}
	_, err = w.tx.Exec(w.ctx, `INSERT INTO flag_resolutions (ingest, pos, outcome, note, by_user, by_name, at) VALUES ($1,$2,$3,$4,$5,$6,$7)`,
		ingest, pos, x.Outcome, x.Note, x.By, x.ByName, fmtInstant(x.At))
	return wrapErr("resolve flag", err)
}

func (w *writeTx) PutTerminalContacts(cs []ledger.TerminalContact) error {
	if len(cs) == 0 {
		return nil
	}
	var ids, ats, versions []string
	var queues []int32
	for _, c := range cs {
		ids, ats, versions, queues = append(ids, c.Terminal), append(ats, fmtFixed(c.At)), append(versions, c.Version), append(queues, int32(c.Queue))
	}
	_, err := w.tx.Exec(w.ctx, `INSERT INTO terminal_contact (terminal, at, queue, version)
		SELECT * FROM unnest($1::text[], $2::text[], $3::integer[], $4::text[])
		ON CONFLICT (terminal) DO UPDATE SET at = excluded.at, queue = excluded.queue, version = excluded.version WHERE excluded.at > terminal_contact.at`,
		ids, ats, queues, versions)
	return wrapErr("store terminal contact", err)
}

// fmtFixed writes an instant that is compared as text (a session's
// expiry, a terminal's last contact): UTC with nine decimals always, so
// that text order is time order.
func fmtFixed(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000000Z") }

// fillSearchKeys gives the holders stored before migration 2 their search
// keys, which SQL cannot compute (the accents), in transactions of a few
// thousand. Two processes doing it at once write the same keys.
func (s *Store) fillSearchKeys(ctx context.Context) error {
	for {
		rows, err := s.pool.Query(ctx, `SELECT id, first_name, last_name FROM holders WHERE key_last = '\x' AND (first_name <> '' OR last_name <> '') LIMIT 5000`)
		if err != nil {
			return classify("fill search keys", err)
		}
		hs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (balie.Holder, error) {
			var h balie.Holder
			err := row.Scan(&h.ID, &h.FirstName, &h.LastName)
			return h, err
		})
		if err != nil {
			return classify("fill search keys", err)
		}
		if len(hs) == 0 {
			return nil
		}
		var ids []string
		var last, first [][]byte
		for _, h := range hs {
			k := ledger.KeyLast(h)
			if len(k) == 0 {
				k = []byte{' '} // a name of punctuation only: filled, so never read again
			}
			ids, last, first = append(ids, h.ID), append(last, k), append(first, ledger.KeyFirst(h))
		}
		if _, err := s.pool.Exec(ctx, `UPDATE holders h SET key_last = u.l, key_first = u.f FROM unnest($1::text[], $2::bytea[], $3::bytea[]) AS u(id, l, f)
			WHERE h.id = u.id AND h.id = ANY($1)`, ids, last, first); err != nil {
			return classify("fill search keys", err)
		}
	}
}

func (r *reader) HolderEvents(holder string, limit int, fn func(ledger.StoredEvent) error) error {
	return r.events(`SELECT `+storedColumns+` FROM events e WHERE e.holder_id = $1 AND e.points <> 0 ORDER BY e.ingest DESC LIMIT $2`, []any{holder, limit}, fn)
}

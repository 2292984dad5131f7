-- Balie central ledger, version 3: the city's back office.
-- Accounts and their sessions, the audit log, the national register
-- numbers (kept here alone, never in the change log), holder search keys,
-- the resolutions of the review queue, the terminals' last contact, and
-- an audience for the change log (who may download a change).

CREATE TABLE users (
	id            TEXT PRIMARY KEY,
	name          TEXT NOT NULL UNIQUE, -- what they sign in with
	full_name     TEXT NOT NULL,
	role          TEXT NOT NULL,        -- balie.OfficeRole
	organiser_id  TEXT NOT NULL DEFAULT '',
	password_hash TEXT NOT NULL,        -- argon2id, PHC string
	disabled      INTEGER NOT NULL DEFAULT 0,
	created       TEXT NOT NULL,
	updated       TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE sessions (
	token_hash TEXT PRIMARY KEY, -- hex SHA-256 of the cookie's token
	user_id    TEXT NOT NULL,
	created    TEXT NOT NULL,
	expires    TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_user ON sessions(user_id);

-- Every change the back office, an operator's command or a seed made:
-- who, when, what before and after. Append-only, as the events are.
CREATE TABLE audit_log (
	id           INTEGER PRIMARY KEY,
	at           TEXT NOT NULL,
	actor        TEXT NOT NULL,
	actor_name   TEXT NOT NULL,
	action       TEXT NOT NULL,
	kind         TEXT NOT NULL,
	entity       TEXT NOT NULL,
	organiser_id TEXT NOT NULL DEFAULT '',
	before       BLOB,
	after        BLOB
);
CREATE INDEX audit_organiser ON audit_log(organiser_id, id);
CREATE TRIGGER audit_append_only_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_append_only_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;

-- National register numbers: in the ledger alone, looked up online.
CREATE TABLE holder_insz (
	insz      TEXT PRIMARY KEY,
	holder_id TEXT NOT NULL UNIQUE
) WITHOUT ROWID;

-- Search keys (balie.SearchKey) of "last first" and "first last", for a
-- prefix search by index. The program fills them for the holders already
-- there when it opens the file (SQL cannot take the accents off).
ALTER TABLE holders ADD COLUMN key_last BLOB NOT NULL DEFAULT x'';
ALTER TABLE holders ADD COLUMN key_first BLOB NOT NULL DEFAULT x'';
CREATE INDEX holders_key_last ON holders(key_last);
CREATE INDEX holders_key_first ON holders(key_first);

CREATE TABLE flag_resolutions (
	flag_id INTEGER PRIMARY KEY REFERENCES review_flags(id),
	outcome TEXT NOT NULL,
	note    TEXT NOT NULL,
	by_user TEXT NOT NULL,
	by_name TEXT NOT NULL,
	at      TEXT NOT NULL
);

CREATE TABLE terminal_contact (
	terminal TEXT PRIMARY KEY,
	at       TEXT NOT NULL,
	queue    INTEGER NOT NULL,
	version  TEXT NOT NULL
) WITHOUT ROWID;

-- Who may download a change: '' every terminal, else an audience a desk
-- belongs to (ledger.Audiences).
ALTER TABLE changes ADD COLUMN audience TEXT NOT NULL DEFAULT '';
CREATE INDEX changes_audience ON changes(audience, seq) WHERE audience <> '';

-- A holder's points history, newest first.
CREATE INDEX events_holder ON events (holder_id, ingest) WHERE points <> 0;

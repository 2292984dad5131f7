-- Balie central ledger on PostgreSQL, version 2: the city's back office,
-- as the SQLite engine's migration 3 (see there). Search keys are bytea,
-- which every engine compares byte by byte whatever its collation.

CREATE TABLE users (
	id            text PRIMARY KEY,
	name          text NOT NULL UNIQUE,
	full_name     text NOT NULL,
	role          text NOT NULL,
	organiser_id  text NOT NULL DEFAULT '',
	password_hash text NOT NULL,
	disabled      boolean NOT NULL DEFAULT false,
	created       text NOT NULL,
	updated       text NOT NULL
);

CREATE TABLE sessions (
	token_hash text PRIMARY KEY,
	user_id    text NOT NULL,
	created    text NOT NULL,
	expires    text NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Ids from a sequence: several processes append at once. The log is read
-- newest first by id; entries are never updated or deleted.
CREATE SEQUENCE audit_ids AS bigint;
CREATE TABLE audit_log (
	id           bigint PRIMARY KEY DEFAULT nextval('audit_ids'),
	at           text NOT NULL,
	actor        text NOT NULL,
	actor_name   text NOT NULL,
	action       text NOT NULL,
	kind         text NOT NULL,
	entity       text NOT NULL,
	organiser_id text NOT NULL DEFAULT '',
	before       bytea,
	after        bytea
);
CREATE INDEX audit_organiser ON audit_log (organiser_id, id);

CREATE TABLE holder_insz (
	insz      text PRIMARY KEY,
	holder_id text NOT NULL UNIQUE
);

ALTER TABLE holders ADD COLUMN key_last bytea NOT NULL DEFAULT '\x';
ALTER TABLE holders ADD COLUMN key_first bytea NOT NULL DEFAULT '\x';
CREATE INDEX holders_key_last ON holders (key_last);
CREATE INDEX holders_key_first ON holders (key_first);

CREATE TABLE flag_resolutions (
	ingest  bigint NOT NULL,
	pos     integer NOT NULL,
	outcome text NOT NULL,
	note    text NOT NULL,
	by_user text NOT NULL,
	by_name text NOT NULL,
	at      text NOT NULL,
	PRIMARY KEY (ingest, pos)
);

CREATE TABLE terminal_contact (
	terminal text PRIMARY KEY,
	at       text NOT NULL,
	queue    integer NOT NULL,
	version  text NOT NULL
);

ALTER TABLE changes ADD COLUMN audience text NOT NULL DEFAULT '';
CREATE INDEX changes_audience ON changes (audience) WHERE audience <> '';

-- A holder's points history, newest first.
CREATE INDEX events_holder ON events (holder_id, ingest) WHERE points <> 0;

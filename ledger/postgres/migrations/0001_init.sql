-- Balie central ledger on PostgreSQL, version 1: the tables of the SQLite
-- engine's schema after its migration 2, in PostgreSQL's types.
-- The events table is the truth: every journal event every terminal sent,
-- with the verdict the ledger gave it. The directory, the usage counts,
-- the money lines and the change log are what applying those events (and
-- the operator's seeds and imports) left behind, in the same transactions.
-- Instants are text in RFC 3339 with the offset they came with, so that
-- they read back as the same bytes the terminal hashed; the SQL stays
-- within what CockroachDB and YugabyteDB also accept (docs/postgres.md).

CREATE TABLE meta (
	key   text PRIMARY KEY,
	value text NOT NULL
);

-- Terminals an operator created. The token and the secret are kept as
-- hex SHA-256 hashes only. An upload locks its terminal's row first, so
-- one terminal's batches are stored one after the other whichever ledger
-- process receives them.
CREATE TABLE terminals (
	id            text PRIMARY KEY, -- UUIDv7, the id of the terminal's journal
	name          text NOT NULL,
	organiser_id  text NOT NULL,
	location      text NOT NULL,    -- the desk id
	status        text NOT NULL,    -- ACTIVE or REVOKED
	created       text NOT NULL,
	token_hash    text NOT NULL UNIQUE,
	token_expires text NOT NULL,
	token_used    boolean NOT NULL DEFAULT false,
	secret_hash   text NOT NULL DEFAULT '',
	public_key    text NOT NULL DEFAULT '',
	enrolled      text NOT NULL DEFAULT '',
	revoked       text NOT NULL DEFAULT '',
	last_seq      bigint NOT NULL DEFAULT 0,
	last_hash     text NOT NULL
);

-- Ingest numbers come in blocks of 1000 (balisync.MaxBatch): an upload
-- takes one value, after its row locks, and numbers its events from it.
-- CACHE 1 keeps the numbers of uploads that meet on a row in the order
-- they were decided.
CREATE SEQUENCE ingest_blocks AS bigint START WITH 1 INCREMENT BY 1000 CACHE 1;

-- Every ingested journal event. id is unique across all terminals;
-- holder_id and points are the points the event applied, item the
-- catalogue item its usage counts, undo what a void must restore.
CREATE TABLE events (
	ingest     bigint PRIMARY KEY,
	id         text NOT NULL UNIQUE,
	terminal   text NOT NULL,
	seq        bigint NOT NULL,
	time       text NOT NULL, -- balie.TimeFormat, UTC
	staff      text NOT NULL,
	kind       text NOT NULL,
	payload    bytea NOT NULL, -- the bytes the terminal hashed, as received
	prev_hash  text NOT NULL,
	hash       text NOT NULL,
	status     text NOT NULL, -- ACCEPTED, ADJUSTED, REJECTED
	code       text NOT NULL DEFAULT '',
	message_nl text NOT NULL DEFAULT '',
	message_en text NOT NULL DEFAULT '',
	received   bigint NOT NULL, -- unix nanoseconds
	holder_id  text NOT NULL DEFAULT '',
	points     bigint NOT NULL DEFAULT 0,
	undo       text NOT NULL DEFAULT '',
	item       text NOT NULL DEFAULT '',
	UNIQUE (terminal, seq)
);

-- The terminal's signature of its journal up to seq: one per upload.
CREATE TABLE signatures (
	terminal  text NOT NULL,
	seq       bigint NOT NULL,
	signature text NOT NULL,
	PRIMARY KEY (terminal, seq, signature)
);

-- Events a later VOID cancelled.
CREATE TABLE voids (
	target bigint PRIMARY KEY,
	void   bigint NOT NULL
);

-- The catalogue and the directory's small entities, as the JSON of their
-- balie type, with the organiser (or the event, for a tariff) that owns
-- them.
CREATE TABLE entities (
	kind  text NOT NULL, -- a balie.Change* kind
	id    text NOT NULL,
	owner text NOT NULL DEFAULT '',
	data  bytea NOT NULL,
	PRIMARY KEY (kind, id)
);
CREATE INDEX entities_owner ON entities (kind, owner, id);

-- Units of a reward redeemed by all holders at every desk. An upload
-- that redeems a reward locks its row (making it first when there is
-- none), so that the last unit is sold once.
CREATE TABLE reward_units (
	id    text PRIMARY KEY,
	units bigint NOT NULL DEFAULT 0
);

-- Holders with their authoritative points, written through by every
-- upload. initial_points is the balance a seed or an import gave, so that
-- a replay of the events can check points. The room left on each page
-- (fillfactor) lets a new balance stay on its page without a new index
-- entry (a HOT update): points are not indexed.
CREATE TABLE holders (
	id               text PRIMARY KEY,
	first_name       text NOT NULL,
	last_name        text NOT NULL,
	birth_date       text NOT NULL, -- YYYY-MM-DD, Brussels
	postal_code      text NOT NULL,
	card_systems     text NOT NULL, -- comma separated ids
	social_state     text NOT NULL,
	social_end       text NOT NULL,
	social_grace_end text NOT NULL,
	points           bigint NOT NULL,
	initial_points   bigint NOT NULL
) WITH (fillfactor = 85);

CREATE TABLE cards (
	number      text PRIMARY KEY,
	chip_uid    text NOT NULL,
	status      text NOT NULL,
	card_system text NOT NULL,
	holder_id   text NOT NULL,
	stock_desk  text NOT NULL
);
CREATE INDEX cards_holder ON cards (holder_id) WHERE holder_id <> '';

-- ingest is the payment that made the membership; NULL for a seed.
CREATE TABLE memberships (
	id         bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
	holder_id  text NOT NULL,
	program_id text NOT NULL,
	starts     text NOT NULL, -- RFC 3339
	ends       text NOT NULL,
	ingest     bigint
);
CREATE INDEX memberships_holder ON memberships (holder_id, program_id, starts);
CREATE INDEX memberships_ingest ON memberships (ingest) WHERE ingest IS NOT NULL;

-- Usage that limits count, one row per applied act; at is unix
-- nanoseconds. The primary keys put the columns a limit counts by first.
CREATE TABLE checkin_usage (
	holder_id text NOT NULL,
	event_id  text NOT NULL,
	at        bigint NOT NULL,
	ingest    bigint NOT NULL,
	PRIMARY KEY (holder_id, event_id, at, ingest)
);
CREATE TABLE ticket_usage (
	holder_id text NOT NULL,
	tariff_id text NOT NULL,
	at        bigint NOT NULL,
	ingest    bigint NOT NULL,
	line      integer NOT NULL,
	quantity  integer NOT NULL,
	PRIMARY KEY (holder_id, tariff_id, at, ingest, line)
);
CREATE TABLE reward_usage (
	holder_id text NOT NULL,
	reward_id text NOT NULL,
	at        bigint NOT NULL,
	ingest    bigint NOT NULL,
	PRIMARY KEY (holder_id, reward_id, at, ingest)
);

-- Money: one line per sale line, attributed to its organiser. The three
-- shares are per unit and add up to regular; a void adds the same line
-- under its own ingest with the quantity and amount negated (a void has
-- one target and no lines of its own, so ingest and line are a key).
CREATE TABLE money_lines (
	ingest          bigint NOT NULL,
	line            integer NOT NULL,
	kind            text NOT NULL, -- TICKET, CARD, MEMBERSHIP
	event_id        text NOT NULL, -- the catalogue event of a ticket
	tariff_id       text NOT NULL,
	organiser_id    text NOT NULL,
	payment         text NOT NULL,
	day             text NOT NULL, -- Brussels business day, YYYY-MM-DD
	quantity        integer NOT NULL,
	regular         bigint NOT NULL,
	holder_share    bigint NOT NULL,
	organiser_share bigint NOT NULL,
	city_share      bigint NOT NULL,
	amount          bigint NOT NULL, -- what the holder paid for the line
	void_of         bigint,
	PRIMARY KEY (ingest, line),
	CHECK (holder_share + organiser_share + city_share = regular)
);
CREATE INDEX money_lines_organiser ON money_lines (organiser_id, day);

-- What a person must look at: every ADJUSTED and REJECTED event, and a
-- balance left below zero; pos orders the flags of one event.
CREATE TABLE review_flags (
	ingest    bigint NOT NULL,
	pos       integer NOT NULL,
	code      text NOT NULL,
	holder_id text NOT NULL DEFAULT '',
	detail    text NOT NULL DEFAULT '',
	resolved  boolean NOT NULL DEFAULT false,
	PRIMARY KEY (ingest, pos)
);
CREATE INDEX review_flags_open ON review_flags (ingest) WHERE NOT resolved;

-- The change log terminals download, compacted: a new change of an
-- entity takes the row of the older one (PRIMARY KEY (kind, key)), so a
-- first download costs the size of the directory, not of its history.
--
-- A change's seq is its transaction's first seq plus its place in the
-- transaction, less one: the rows are written with the transaction (tx)
-- and their place (pos) only, and the seqs are given at the very end, by
-- one row in change_commits, under change_counter's one row, which every
-- transaction that writes changes locks as its last step. Commits that
-- write changes are thus ordered by seq, so a download by cursor never
-- skips a change committed after it read, whichever process wrote it; and
-- the lock is held for two one-row statements and the commit, never for
-- the rows.
CREATE SEQUENCE change_txs AS bigint;
CREATE TABLE changes (
	kind    text NOT NULL,
	key     text NOT NULL,
	deleted boolean NOT NULL DEFAULT false,
	data    bytea, -- compact JSON; NULL when deleted
	tx      bigint NOT NULL, -- a value of change_txs
	pos     integer NOT NULL, -- 1, 2, ... in the transaction
	PRIMARY KEY (kind, key)
);
CREATE INDEX changes_tx ON changes (tx, pos);
CREATE TABLE change_commits (
	tx    bigint PRIMARY KEY,
	first bigint NOT NULL, -- the seq of pos 1
	last  bigint NOT NULL UNIQUE -- the transaction's last seq; commits are ordered by it
);
CREATE TABLE change_counter (
	id integer PRIMARY KEY CHECK (id = 1),
	n  bigint NOT NULL -- the last seq given
);
INSERT INTO change_counter (id, n) VALUES (1, 0);

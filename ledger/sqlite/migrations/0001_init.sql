-- Balie central ledger, version 1.
-- The events table is the truth: every journal event every terminal sent,
-- with the verdict the ledger gave it. The directory, the usage counts,
-- the money lines and the change log are what applying those events (and
-- the operator's seeds and imports) left behind, in the same transactions.

CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) WITHOUT ROWID;

-- Terminals an operator created. The token and the secret are kept as
-- hex SHA-256 hashes only.
CREATE TABLE terminals (
	id            TEXT PRIMARY KEY, -- UUIDv7, the id of the terminal's journal
	name          TEXT NOT NULL,
	organiser_id  TEXT NOT NULL,
	location      TEXT NOT NULL,    -- the desk id
	token_hash    TEXT NOT NULL UNIQUE,
	token_expires TEXT NOT NULL,
	token_used    INTEGER NOT NULL DEFAULT 0,
	secret_hash   TEXT NOT NULL DEFAULT '',
	status        TEXT NOT NULL DEFAULT 'ACTIVE', -- ACTIVE or REVOKED
	created       TEXT NOT NULL,
	enrolled      TEXT NOT NULL DEFAULT '',
	revoked       TEXT NOT NULL DEFAULT '',
	last_seq      INTEGER NOT NULL DEFAULT 0,
	last_hash     TEXT NOT NULL DEFAULT '0000000000000000000000000000000000000000000000000000000000000000'
) WITHOUT ROWID;

-- Every ingested journal event, in ingest order. ingest is an explicit
-- INTEGER PRIMARY KEY (not the implicit rowid) so that the order survives
-- a VACUUM; id is unique across all terminals. holder_id and points are
-- the points the event applied, undo what a void must restore.
CREATE TABLE events (
	ingest     INTEGER PRIMARY KEY,
	id         TEXT NOT NULL UNIQUE,
	terminal   TEXT NOT NULL,
	seq        INTEGER NOT NULL,
	time       TEXT NOT NULL, -- balie.TimeFormat, UTC
	staff      TEXT NOT NULL,
	kind       TEXT NOT NULL,
	payload    BLOB NOT NULL, -- the bytes the terminal hashed, as received
	prev_hash  TEXT NOT NULL,
	hash       TEXT NOT NULL,
	status     TEXT NOT NULL, -- ACCEPTED, ADJUSTED, REJECTED
	code       TEXT NOT NULL DEFAULT '',
	message_nl TEXT NOT NULL DEFAULT '',
	message_en TEXT NOT NULL DEFAULT '',
	received   INTEGER NOT NULL, -- unix nanoseconds
	holder_id  TEXT NOT NULL DEFAULT '',
	points     INTEGER NOT NULL DEFAULT 0,
	undo       TEXT NOT NULL DEFAULT '',
	UNIQUE (terminal, seq)
);
CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

-- Events a later VOID cancelled.
CREATE TABLE voids (
	target INTEGER PRIMARY KEY REFERENCES events(ingest),
	void   INTEGER NOT NULL REFERENCES events(ingest)
);

-- The directory and the catalogue. Entities the rules only read whole
-- are kept as the JSON of their balie type.
CREATE TABLE card_systems (id TEXT PRIMARY KEY, data TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE organisers   (id TEXT PRIMARY KEY, data TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE desks        (id TEXT PRIMARY KEY, organiser_id TEXT NOT NULL, data TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE staff        (id TEXT PRIMARY KEY, data TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE catalogue_events (id TEXT PRIMARY KEY, data TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE tariffs      (id TEXT PRIMARY KEY, event_id TEXT NOT NULL, data TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE rewards (
	id             TEXT PRIMARY KEY,
	data           TEXT NOT NULL,
	units_redeemed INTEGER NOT NULL DEFAULT 0 -- by all holders, at every desk
) WITHOUT ROWID;
CREATE TABLE products     (id TEXT PRIMARY KEY, data TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE programs     (id TEXT PRIMARY KEY, data TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE card_prices (
	card_system TEXT NOT NULL,
	pos         INTEGER NOT NULL, -- the order of the table: first match wins
	data        TEXT NOT NULL,
	PRIMARY KEY (card_system, pos)
) WITHOUT ROWID;
CREATE TABLE childcare_rates (provider_id TEXT PRIMARY KEY, data TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE children (holder_id TEXT PRIMARY KEY, provider_id TEXT NOT NULL, data TEXT NOT NULL) WITHOUT ROWID;

-- Holders with their authoritative points. initial_points is the balance
-- a seed or an import gave, so that a replay of the events can check
-- points.
CREATE TABLE holders (
	id               TEXT PRIMARY KEY,
	first_name       TEXT NOT NULL,
	last_name        TEXT NOT NULL,
	birth_date       TEXT NOT NULL, -- YYYY-MM-DD, Brussels
	postal_code      TEXT NOT NULL,
	card_systems     TEXT NOT NULL, -- comma separated ids
	social_state     TEXT NOT NULL,
	social_end       TEXT NOT NULL,
	social_grace_end TEXT NOT NULL,
	points           INTEGER NOT NULL,
	initial_points   INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE cards (
	number      TEXT PRIMARY KEY,
	chip_uid    TEXT NOT NULL,
	status      TEXT NOT NULL,
	card_system TEXT NOT NULL,
	holder_id   TEXT NOT NULL,
	stock_desk  TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX cards_holder ON cards(holder_id) WHERE holder_id <> '';

-- ingest is the payment that made the membership; NULL for a seed.
CREATE TABLE memberships (
	id         INTEGER PRIMARY KEY,
	holder_id  TEXT NOT NULL,
	program_id TEXT NOT NULL,
	start      TEXT NOT NULL, -- RFC 3339
	end        TEXT NOT NULL,
	ingest     INTEGER REFERENCES events(ingest)
);
CREATE INDEX memberships_holder ON memberships(holder_id, program_id, start);
CREATE INDEX memberships_ingest ON memberships(ingest) WHERE ingest IS NOT NULL;

-- Usage that limits count, one row per applied act; at is unix
-- nanoseconds. The primary keys put the columns a limit counts by first.
CREATE TABLE checkin_usage (
	holder_id TEXT NOT NULL,
	event_id  TEXT NOT NULL,
	at        INTEGER NOT NULL,
	ingest    INTEGER NOT NULL,
	PRIMARY KEY (holder_id, event_id, at, ingest)
) WITHOUT ROWID;
CREATE TABLE ticket_usage (
	holder_id TEXT NOT NULL,
	tariff_id TEXT NOT NULL,
	at        INTEGER NOT NULL,
	ingest    INTEGER NOT NULL,
	line      INTEGER NOT NULL,
	quantity  INTEGER NOT NULL,
	PRIMARY KEY (holder_id, tariff_id, at, ingest, line)
) WITHOUT ROWID;
CREATE TABLE reward_usage (
	holder_id TEXT NOT NULL,
	reward_id TEXT NOT NULL,
	at        INTEGER NOT NULL,
	ingest    INTEGER NOT NULL,
	PRIMARY KEY (holder_id, reward_id, at, ingest)
) WITHOUT ROWID;

-- Money: one line per sale line, attributed to its organiser. The three
-- shares are per unit and add up to regular; a void adds the same line
-- with the quantity and amount negated.
CREATE TABLE money_lines (
	id              INTEGER PRIMARY KEY,
	ingest          INTEGER NOT NULL REFERENCES events(ingest),
	line            INTEGER NOT NULL,
	kind            TEXT NOT NULL, -- TICKET, CARD, MEMBERSHIP
	event_id        TEXT NOT NULL, -- the catalogue event of a ticket
	tariff_id       TEXT NOT NULL,
	organiser_id    TEXT NOT NULL,
	payment         TEXT NOT NULL,
	day             TEXT NOT NULL, -- Brussels business day, YYYY-MM-DD
	quantity        INTEGER NOT NULL,
	regular         INTEGER NOT NULL,
	holder_share    INTEGER NOT NULL,
	organiser_share INTEGER NOT NULL,
	city_share      INTEGER NOT NULL,
	amount          INTEGER NOT NULL, -- what the holder paid for the line
	void_of         INTEGER REFERENCES events(ingest),
	CHECK (holder_share + organiser_share + city_share = regular)
);
CREATE INDEX money_lines_ingest ON money_lines(ingest);
CREATE INDEX money_lines_organiser ON money_lines(organiser_id, day);

-- What a person must look at: every ADJUSTED and REJECTED event, and a
-- balance left below zero.
CREATE TABLE review_flags (
	id        INTEGER PRIMARY KEY,
	ingest    INTEGER NOT NULL REFERENCES events(ingest),
	code      TEXT NOT NULL,
	holder_id TEXT NOT NULL DEFAULT '',
	detail    TEXT NOT NULL DEFAULT '',
	resolved  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX review_flags_open ON review_flags(ingest) WHERE resolved = 0;

-- The change log terminals download. A new change of an entity replaces
-- the older one (UNIQUE(kind, key) with INSERT OR REPLACE), so a first
-- download costs the size of the directory, not of its history. The
-- replacing row takes its seq before the old row is deleted, so the
-- highest seq is never deleted and never given twice: every cursor up to
-- max(seq) is one the ledger gave.
CREATE TABLE changes (
	seq     INTEGER PRIMARY KEY,
	kind    TEXT NOT NULL,
	key     TEXT NOT NULL,
	deleted INTEGER NOT NULL DEFAULT 0,
	data    BLOB, -- compact JSON; NULL when deleted
	UNIQUE (kind, key)
);

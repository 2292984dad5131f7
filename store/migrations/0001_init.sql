-- Balie terminal store, version 1.
-- The journal is the truth; every other table is either the replica of
-- what the ledger serves or a projection of the journal that can be
-- rebuilt from it.

CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) WITHOUT ROWID;

-- The journal: one immutable row per act, gap-free seq from 1.
CREATE TABLE journal (
	seq       INTEGER PRIMARY KEY,
	id        TEXT NOT NULL UNIQUE,
	terminal  TEXT NOT NULL,
	time      TEXT NOT NULL,
	staff     TEXT NOT NULL,
	kind      TEXT NOT NULL,
	payload   BLOB NOT NULL,
	prev_hash TEXT NOT NULL,
	hash      TEXT NOT NULL
);
CREATE TRIGGER journal_append_only_update BEFORE UPDATE ON journal
BEGIN SELECT RAISE(ABORT, 'journal is append-only'); END;
CREATE TRIGGER journal_append_only_delete BEFORE DELETE ON journal
BEGIN SELECT RAISE(ABORT, 'journal is append-only'); END;

-- Upload state: a row per event; status PENDING until the ledger answers
-- with its verdict (ACCEPTED, ADJUSTED, REJECTED), or PARKED when the
-- ledger refused the event in a way only a person can resolve.
CREATE TABLE upload (
	seq        INTEGER PRIMARY KEY REFERENCES journal(seq),
	status     TEXT NOT NULL DEFAULT 'PENDING',
	code       TEXT NOT NULL DEFAULT '',
	message_nl TEXT NOT NULL DEFAULT '',
	message_en TEXT NOT NULL DEFAULT '',
	updated    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX upload_pending ON upload(status) WHERE status = 'PENDING';

-- Replica of the ledger's directory and catalogue.
CREATE TABLE card_systems (
	id           TEXT PRIMARY KEY,
	name         TEXT NOT NULL,
	postal_codes TEXT NOT NULL -- JSON array
) WITHOUT ROWID;

CREATE TABLE organisers (
	id   TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	kind TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE desks (
	id           TEXT PRIMARY KEY,
	name         TEXT NOT NULL,
	organiser_id TEXT NOT NULL,
	mode         TEXT NOT NULL,
	card_system  TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE staff (
	id          TEXT PRIMARY KEY,
	name        TEXT NOT NULL,
	card_number TEXT NOT NULL UNIQUE,
	pin_hash    TEXT NOT NULL,
	pin_salt    TEXT NOT NULL,
	role        TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE holders (
	id               TEXT PRIMARY KEY,
	first_name       TEXT NOT NULL,
	last_name        TEXT NOT NULL,
	birth_date       TEXT NOT NULL, -- YYYY-MM-DD
	postal_code      TEXT NOT NULL,
	card_systems     TEXT NOT NULL, -- comma separated ids
	social_state     TEXT NOT NULL,
	social_end       TEXT NOT NULL, -- YYYY-MM-DD or ''
	social_grace_end TEXT NOT NULL,
	points           INTEGER NOT NULL -- the ledger's balance as served
) WITHOUT ROWID;

CREATE TABLE cards (
	number      TEXT PRIMARY KEY,
	chip_uid    TEXT NOT NULL,
	status      TEXT NOT NULL,
	card_system TEXT NOT NULL,
	holder_id   TEXT NOT NULL,
	stock_desk  TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX cards_chip ON cards(chip_uid) WHERE chip_uid <> '';
CREATE INDEX cards_holder ON cards(holder_id) WHERE holder_id <> '';
CREATE INDEX cards_stock ON cards(stock_desk, status) WHERE stock_desk <> '';

-- seq is NULL for memberships served by the ledger and the journal seq
-- for those this terminal sold and the ledger has not served back yet.
CREATE TABLE memberships (
	holder_id  TEXT NOT NULL,
	program_id TEXT NOT NULL,
	start      TEXT NOT NULL,
	end        TEXT NOT NULL,
	seq        INTEGER
);
CREATE INDEX memberships_holder ON memberships(holder_id);

CREATE TABLE events (
	id              TEXT PRIMARY KEY,
	organiser_id    TEXT NOT NULL,
	name            TEXT NOT NULL,
	start           TEXT NOT NULL,
	end             TEXT NOT NULL,
	points          INTEGER NOT NULL,
	limit_volume    INTEGER NOT NULL,
	limit_period    TEXT NOT NULL,
	margin_before_s INTEGER NOT NULL,
	margin_after_s  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX events_start ON events(start);

CREATE TABLE tariffs (
	id           TEXT PRIMARY KEY,
	event_id     TEXT NOT NULL,
	name         TEXT NOT NULL,
	kind         TEXT NOT NULL,
	regular      INTEGER NOT NULL,
	key_holder   INTEGER NOT NULL,
	key_org      INTEGER NOT NULL,
	key_city     INTEGER NOT NULL,
	step         INTEGER NOT NULL,
	coupon_price INTEGER NOT NULL,
	limit_volume INTEGER NOT NULL,
	limit_period TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX tariffs_event ON tariffs(event_id);

CREATE TABLE rewards (
	id           TEXT PRIMARY KEY,
	organiser_id TEXT NOT NULL,
	name         TEXT NOT NULL,
	kind         TEXT NOT NULL,
	points       INTEGER NOT NULL,
	redeem_from  TEXT NOT NULL,
	redeem_until TEXT NOT NULL,
	total_units  INTEGER NOT NULL,
	units_redeemed INTEGER NOT NULL DEFAULT 0, -- by all holders, as served
	limit_volume INTEGER NOT NULL,
	limit_period TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE products (
	id           TEXT PRIMARY KEY,
	organiser_id TEXT NOT NULL,
	name         TEXT NOT NULL,
	price        INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE programs (
	id               TEXT PRIMARY KEY,
	organiser_id     TEXT NOT NULL,
	name             TEXT NOT NULL,
	price            INTEGER NOT NULL,
	pass_discount    INTEGER NOT NULL,
	social_price     INTEGER NOT NULL,
	has_social_price INTEGER NOT NULL,
	end_kind         TEXT NOT NULL,
	fixed_end        TEXT NOT NULL,
	period_months    INTEGER NOT NULL,
	age_limit        INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE card_prices (
	pos         INTEGER PRIMARY KEY, -- the order of the table: first match wins
	card_system TEXT NOT NULL,
	resident    INTEGER NOT NULL,
	under18     INTEGER NOT NULL,
	social      INTEGER NOT NULL,
	reasons     TEXT NOT NULL, -- comma separated, '' for all
	price       INTEGER NOT NULL
);

CREATE TABLE childcare_rates (
	provider_id TEXT PRIMARY KEY,
	rates       TEXT NOT NULL -- JSON of balie.ChildcareRates
) WITHOUT ROWID;

CREATE TABLE children (
	holder_id   TEXT PRIMARY KEY,
	provider_id TEXT NOT NULL,
	grp         TEXT NOT NULL,
	authorised  TEXT NOT NULL, -- JSON array of balie.AuthorisedAdult
	sibling_key TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX children_provider ON children(provider_id);

-- Projections of this terminal's own journal.

-- Points this terminal saved or spent that the ledger has not served back.
CREATE TABLE pending_points (
	seq       INTEGER PRIMARY KEY REFERENCES journal(seq),
	holder_id TEXT NOT NULL,
	delta     INTEGER NOT NULL
);
CREATE INDEX pending_points_holder ON pending_points(holder_id);

CREATE TABLE checkins (
	seq       INTEGER PRIMARY KEY REFERENCES journal(seq),
	holder_id TEXT NOT NULL,
	event_id  TEXT NOT NULL,
	at        TEXT NOT NULL
);
CREATE INDEX checkins_holder_event ON checkins(holder_id, event_id, at);

CREATE TABLE ticket_usage (
	seq       INTEGER NOT NULL REFERENCES journal(seq),
	holder_id TEXT NOT NULL,
	tariff_id TEXT NOT NULL,
	at        TEXT NOT NULL,
	quantity  INTEGER NOT NULL,
	PRIMARY KEY (seq, tariff_id)
);
CREATE INDEX ticket_usage_holder ON ticket_usage(holder_id, tariff_id, at);

CREATE TABLE reward_usage (
	seq       INTEGER PRIMARY KEY REFERENCES journal(seq),
	holder_id TEXT NOT NULL,
	reward_id TEXT NOT NULL,
	at        TEXT NOT NULL
);
CREATE INDEX reward_usage_holder ON reward_usage(holder_id, reward_id, at);
CREATE INDEX reward_usage_reward ON reward_usage(reward_id);

-- Childcare attendance: one row per stay; out_seq is NULL while present.
CREATE TABLE attendance (
	in_seq      INTEGER PRIMARY KEY REFERENCES journal(seq),
	child_id    TEXT NOT NULL,
	provider_id TEXT NOT NULL,
	in_at       TEXT NOT NULL,
	out_seq     INTEGER REFERENCES journal(seq),
	out_at      TEXT,
	picked_up_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX attendance_present ON attendance(provider_id, child_id) WHERE out_seq IS NULL;
CREATE INDEX attendance_child ON attendance(child_id, in_at);

-- Money taken, per business day (Brussels), kind, payment method and
-- organiser: what a shift close adds up.
CREATE TABLE totals (
	day          TEXT NOT NULL,
	kind         TEXT NOT NULL,
	payment      TEXT NOT NULL,
	organiser_id TEXT NOT NULL,
	count        INTEGER NOT NULL,
	amount       INTEGER NOT NULL,
	PRIMARY KEY (day, kind, payment, organiser_id)
) WITHOUT ROWID;

-- Events that a later VOID cancelled.
CREATE TABLE voided (
	target_seq INTEGER PRIMARY KEY REFERENCES journal(seq),
	void_seq   INTEGER NOT NULL REFERENCES journal(seq)
);

-- Balie central ledger, version 2: the storage seam.
-- The catalogue and the directory's small entities move into one table,
-- kept as the JSON of their balie type, with the organiser (or the event,
-- for a tariff) that owns them; terminals keep their public key; every
-- upload's signature is kept with the events it covers; an event names the
-- catalogue item its usage counts.

CREATE TABLE entities (
	kind  TEXT NOT NULL, -- a balie.Change* kind
	id    TEXT NOT NULL,
	owner TEXT NOT NULL DEFAULT '',
	data  BLOB NOT NULL,
	PRIMARY KEY (kind, id)
) WITHOUT ROWID;
CREATE INDEX entities_owner ON entities(kind, owner, id);

INSERT INTO entities SELECT 'card_system', id, '', data FROM card_systems;
INSERT INTO entities SELECT 'organiser', id, '', data FROM organisers;
INSERT INTO entities SELECT 'desk', id, organiser_id, data FROM desks;
INSERT INTO entities SELECT 'staff', id, '', data FROM staff;
INSERT INTO entities SELECT 'event', id, coalesce(json_extract(data, '$.OrganiserID'), ''), data FROM catalogue_events;
INSERT INTO entities SELECT 'tariff', id, event_id, data FROM tariffs;
INSERT INTO entities SELECT 'reward', id, coalesce(json_extract(data, '$.OrganiserID'), ''), data FROM rewards;
INSERT INTO entities SELECT 'product', id, coalesce(json_extract(data, '$.OrganiserID'), ''), data FROM products;
INSERT INTO entities SELECT 'program', id, coalesce(json_extract(data, '$.OrganiserID'), ''), data FROM programs;
INSERT INTO entities SELECT 'card_prices', card_system, '',
	json_object('card_system', card_system, 'rules', json_group_array(json(data) ORDER BY pos))
	FROM card_prices GROUP BY card_system;
INSERT INTO entities SELECT 'rates', provider_id, provider_id, data FROM childcare_rates;
INSERT INTO entities SELECT 'child', holder_id, provider_id, data FROM children;
INSERT INTO entities SELECT 'limits', 'offline', '', value FROM meta WHERE key = 'offline_limits';
DELETE FROM meta WHERE key = 'offline_limits';

CREATE TABLE reward_units (
	id    TEXT PRIMARY KEY,
	units INTEGER NOT NULL -- redeemed by all holders, at every desk
) WITHOUT ROWID;
INSERT INTO reward_units SELECT id, units_redeemed FROM rewards WHERE units_redeemed <> 0;

DROP TABLE card_systems;
DROP TABLE organisers;
DROP TABLE desks;
DROP TABLE staff;
DROP TABLE catalogue_events;
DROP TABLE tariffs;
DROP TABLE rewards;
DROP TABLE products;
DROP TABLE programs;
DROP TABLE card_prices;
DROP TABLE childcare_rates;
DROP TABLE children;

ALTER TABLE terminals ADD COLUMN public_key TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN item TEXT NOT NULL DEFAULT '';

-- The terminal's signature of its journal up to seq: one per upload.
CREATE TABLE signatures (
	terminal  TEXT NOT NULL,
	seq       INTEGER NOT NULL,
	signature TEXT NOT NULL,
	PRIMARY KEY (terminal, seq, signature)
) WITHOUT ROWID;

-- The item of the events already stored, so that a replay reads it
-- without decoding payloads; the one update the events table ever takes.
DROP TRIGGER events_append_only_update;
UPDATE events SET item = coalesce(json_extract(payload, '$.event'), '') WHERE kind = 'CHECKIN' AND json_valid(payload);
UPDATE events SET item = coalesce(json_extract(payload, '$.reward'), '') WHERE kind = 'REWARD_REDEMPTION' AND json_valid(payload);
CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

-- The check-ins a limit counts are the events themselves (item names the
-- catalogue event of a counted check-in; a void in voids takes one out),
-- found by holder and item: no table of usage to keep, and nothing of it
-- in memory.
CREATE INDEX events_usage ON events(holder_id, item) WHERE item <> '';
DROP TABLE checkin_usage;

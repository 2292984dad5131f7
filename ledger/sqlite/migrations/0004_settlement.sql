-- Balie central ledger, version 4: settlement and the steering group's
-- figures (issue 10). It needs nothing of version 3 (the back office's),
-- whose number it leaves free.
--
-- Every money line keeps what settlement needs, as it stood at the act:
-- the card, the holder and their postal code, the card system that issued
-- the card, the desk, the tariff's kind and name, the event with its
-- dates, the split of one unit between holder, organiser and payer by the
-- agreements in force on its day (s_*), the department key of the
-- payer's part, whom the money belongs to, and the settlement month the
-- line counts in (a void's counter-line: the void's own month and day).

ALTER TABLE money_lines ADD COLUMN card        TEXT NOT NULL DEFAULT '';
ALTER TABLE money_lines ADD COLUMN holder_id   TEXT NOT NULL DEFAULT '';
ALTER TABLE money_lines ADD COLUMN postal_code TEXT NOT NULL DEFAULT '';
ALTER TABLE money_lines ADD COLUMN card_system TEXT NOT NULL DEFAULT '';
ALTER TABLE money_lines ADD COLUMN desk        TEXT NOT NULL DEFAULT '';
ALTER TABLE money_lines ADD COLUMN tariff_kind TEXT NOT NULL DEFAULT '';
ALTER TABLE money_lines ADD COLUMN tariff_name TEXT NOT NULL DEFAULT '';
ALTER TABLE money_lines ADD COLUMN event_name  TEXT NOT NULL DEFAULT '';
ALTER TABLE money_lines ADD COLUMN event_start TEXT NOT NULL DEFAULT '';
ALTER TABLE money_lines ADD COLUMN event_end   TEXT NOT NULL DEFAULT '';
ALTER TABLE money_lines ADD COLUMN booked      TEXT NOT NULL DEFAULT ''; -- the business day of the act that wrote the line
ALTER TABLE money_lines ADD COLUMN month       TEXT NOT NULL DEFAULT ''; -- the settlement month, YYYY-MM
ALTER TABLE money_lines ADD COLUMN late        INTEGER NOT NULL DEFAULT 0;
ALTER TABLE money_lines ADD COLUMN renewal     INTEGER NOT NULL DEFAULT 0;
ALTER TABLE money_lines ADD COLUMN agreement   TEXT NOT NULL DEFAULT '';
ALTER TABLE money_lines ADD COLUMN payer       TEXT NOT NULL DEFAULT '';
ALTER TABLE money_lines ADD COLUMN owed_to     TEXT NOT NULL DEFAULT '';
ALTER TABLE money_lines ADD COLUMN departments TEXT NOT NULL DEFAULT ''; -- "department=cents;..." of one unit
ALTER TABLE money_lines ADD COLUMN s_regular   INTEGER NOT NULL DEFAULT 0;
ALTER TABLE money_lines ADD COLUMN s_holder    INTEGER NOT NULL DEFAULT 0;
ALTER TABLE money_lines ADD COLUMN s_organiser INTEGER NOT NULL DEFAULT 0;
ALTER TABLE money_lines ADD COLUMN s_payer     INTEGER NOT NULL DEFAULT 0
	CHECK (s_holder + s_organiser + s_payer = s_regular);

-- The lines written before this version: their facts from the stored
-- events' payloads (the card, the holder, a ticket line's tariff kind)
-- and, for what the payloads do not hold, from the directory and the
-- catalogue as they are at this migration (the holder's postal code, the
-- card's card system, names and dates), fixed from now on. No agreement
-- existed, so each is split as the sale recorded it, the card system
-- paying the city's share; their month is their day's (nothing was
-- closed), a void's counter-line the void's own day in Brussels time.
UPDATE money_lines SET
	card = coalesce((SELECT json_extract(e.payload, '$.card') FROM events e WHERE e.ingest = coalesce(money_lines.void_of, money_lines.ingest) AND json_valid(e.payload)), ''),
	holder_id = coalesce((SELECT json_extract(e.payload, '$.holder') FROM events e WHERE e.ingest = coalesce(money_lines.void_of, money_lines.ingest) AND json_valid(e.payload)), ''),
	tariff_kind = CASE WHEN kind = 'TICKET' THEN coalesce((SELECT json_extract(e.payload, '$.lines[' || money_lines.line || '].kind')
		FROM events e WHERE e.ingest = coalesce(money_lines.void_of, money_lines.ingest) AND json_valid(e.payload)), 'REGULAR') ELSE '' END,
	desk = coalesce((SELECT t.location FROM events e JOIN terminals t ON t.id = e.terminal WHERE e.ingest = money_lines.ingest), ''),
	booked = CASE WHEN void_of IS NULL THEN day ELSE coalesce((SELECT date(e.time, CASE
		WHEN e.time >= date(substr(e.time, 1, 4) || '-03-31', '-6 days', 'weekday 0') || 'T01:00:00'
			AND e.time < date(substr(e.time, 1, 4) || '-10-31', '-6 days', 'weekday 0') || 'T01:00:00' THEN '+2 hours'
		ELSE '+1 hours' END) FROM events e WHERE e.ingest = money_lines.ingest), day) END;
UPDATE money_lines SET
	postal_code = coalesce((SELECT h.postal_code FROM holders h WHERE h.id = money_lines.holder_id), ''),
	card_system = coalesce((SELECT c.card_system FROM cards c WHERE c.number = money_lines.card), ''),
	event_name = coalesce((SELECT json_extract(x.data, '$.Name') FROM entities x WHERE x.kind = 'event' AND x.id = money_lines.event_id), ''),
	event_start = coalesce((SELECT json_extract(x.data, '$.Start') FROM entities x WHERE x.kind = 'event' AND x.id = money_lines.event_id), ''),
	event_end = coalesce((SELECT json_extract(x.data, '$.End') FROM entities x WHERE x.kind = 'event' AND x.id = money_lines.event_id), ''),
	tariff_name = CASE kind
		WHEN 'TICKET' THEN coalesce((SELECT json_extract(x.data, '$.Name') FROM entities x WHERE x.kind = 'tariff' AND x.id = money_lines.tariff_id), '')
		WHEN 'MEMBERSHIP' THEN coalesce((SELECT json_extract(x.data, '$.Name') FROM entities x WHERE x.kind = 'program' AND x.id = money_lines.tariff_id), '')
		ELSE coalesce((SELECT json_extract(e.payload, '$.reason') FROM events e WHERE e.ingest = coalesce(money_lines.void_of, money_lines.ingest) AND json_valid(e.payload)), '') END,
	month = substr(booked, 1, 7),
	s_regular = CASE WHEN kind = 'TICKET' AND tariff_kind <> 'REGULAR' THEN regular ELSE holder_share END,
	s_holder = holder_share,
	s_organiser = CASE WHEN kind = 'TICKET' AND tariff_kind <> 'REGULAR' THEN organiser_share ELSE 0 END,
	s_payer = CASE WHEN kind = 'TICKET' AND tariff_kind <> 'REGULAR' THEN regular - holder_share - organiser_share ELSE 0 END;
UPDATE money_lines SET
	payer = CASE WHEN s_payer <> 0 THEN card_system ELSE '' END,
	owed_to = CASE WHEN kind = 'CARD' THEN card_system ELSE organiser_id END;

CREATE INDEX money_lines_month ON money_lines(month, ingest, line);

-- Closed months: the highest ingest number at the close (the mark), the
-- hash of their lines and the events they came from, and their totals.
CREATE TABLE settlement_periods (
	month     TEXT PRIMARY KEY, -- YYYY-MM
	period    TEXT NOT NULL,    -- the period closed: the month, or its quarter
	mark      INTEGER NOT NULL,
	closed_at TEXT NOT NULL,
	closed_by TEXT NOT NULL,
	hash      TEXT NOT NULL,
	lines     INTEGER NOT NULL,
	totals    TEXT NOT NULL
) WITHOUT ROWID;
CREATE TRIGGER settlement_periods_frozen_update BEFORE UPDATE ON settlement_periods
BEGIN SELECT RAISE(ABORT, 'a closed period is frozen'); END;
CREATE TRIGGER settlement_periods_frozen_delete BEFORE DELETE ON settlement_periods
BEGIN SELECT RAISE(ABORT, 'a closed period is frozen'); END;

-- The steering group's counters, moved by every upload in its own
-- transaction: by figure, period (YYYY-MM, or a day for the daily ones)
-- and two keys.
CREATE TABLE figures (
	figure TEXT NOT NULL,
	period TEXT NOT NULL,
	k1     TEXT NOT NULL,
	k2     TEXT NOT NULL,
	n      INTEGER NOT NULL,
	cents  INTEGER NOT NULL,
	PRIMARY KEY (figure, period, k1, k2)
) WITHOUT ROWID;

-- The counters of what was stored before this version, from the events
-- and the money lines.
INSERT INTO figures (figure, period, k1, k2, n, cents)
SELECT 'tickets', substr(booked, 1, 7), organiser_id, tariff_kind, sum(quantity), sum(amount) FROM money_lines WHERE kind = 'TICKET'
GROUP BY substr(booked, 1, 7), organiser_id, tariff_kind;
INSERT INTO figures (figure, period, k1, k2, n, cents)
SELECT 'cards', substr(booked, 1, 7), desk, tariff_name, sum(quantity), sum(amount) FROM money_lines WHERE kind = 'CARD'
GROUP BY substr(booked, 1, 7), desk, tariff_name;
INSERT INTO figures (figure, period, k1, k2, n, cents)
SELECT 'memberships', substr(booked, 1, 7), tariff_id, 'new', sum(quantity), sum(amount) FROM money_lines WHERE kind = 'MEMBERSHIP'
GROUP BY substr(booked, 1, 7), tariff_id;
INSERT INTO figures (figure, period, k1, k2, n, cents)
SELECT 'cost', month, payer, '', sum(quantity), sum(quantity * s_payer) FROM money_lines WHERE s_payer <> 0
GROUP BY month, payer;
INSERT INTO figures (figure, period, k1, k2, n, cents)
SELECT 'checkins', m, coalesce(x.owner, ''), c.item, sum(c.sign), 0 FROM (
	SELECT e.item, e.sign, substr(date(e.time, CASE
		WHEN e.time >= date(substr(e.time, 1, 4) || '-03-31', '-6 days', 'weekday 0') || 'T01:00:00'
			AND e.time < date(substr(e.time, 1, 4) || '-10-31', '-6 days', 'weekday 0') || 'T01:00:00' THEN '+2 hours'
		ELSE '+1 hours' END), 1, 7) AS m
	FROM (SELECT e.item, e.time, 1 AS sign FROM events e WHERE e.kind = 'CHECKIN' AND e.item <> '' AND e.status <> 'REJECTED'
		UNION ALL SELECT t.item, v.time, -1 FROM voids d JOIN events t ON t.ingest = d.target JOIN events v ON v.ingest = d.void
		WHERE t.kind = 'CHECKIN' AND t.item <> '' AND t.status <> 'REJECTED') e
) c LEFT JOIN entities x ON x.kind = 'event' AND x.id = c.item
GROUP BY m, coalesce(x.owner, ''), c.item HAVING sum(c.sign) <> 0;
INSERT INTO figures (figure, period, k1, k2, n, cents)
SELECT 'activity', period, k1, coalesce((SELECT json_extract(x.data, '$.Name') FROM entities x WHERE x.kind = 'event' AND x.id = figures.k2), k2), n, 0
FROM figures WHERE figure = 'checkins' AND true
ON CONFLICT (figure, period, k1, k2) DO UPDATE SET n = n + excluded.n;
INSERT INTO figures (figure, period, k1, k2, n, cents)
SELECT 'activity', substr(booked, 1, 7), organiser_id, event_name, sum(quantity), 0 FROM money_lines WHERE kind = 'TICKET'
GROUP BY substr(booked, 1, 7), organiser_id, event_name HAVING true
ON CONFLICT (figure, period, k1, k2) DO UPDATE SET n = n + excluded.n;
INSERT INTO figures (figure, period, k1, k2, n, cents)
SELECT 'points', m, cat, '', sum(CASE cat WHEN 'saved' THEN pts ELSE -pts END), 0 FROM (
	SELECT e.points AS pts, substr(date(e.time, CASE
		WHEN e.time >= date(substr(e.time, 1, 4) || '-03-31', '-6 days', 'weekday 0') || 'T01:00:00'
			AND e.time < date(substr(e.time, 1, 4) || '-10-31', '-6 days', 'weekday 0') || 'T01:00:00' THEN '+2 hours'
		ELSE '+1 hours' END), 1, 7) AS m,
		CASE WHEN e.kind = 'CHECKIN' OR (e.kind = 'VOID' AND (SELECT t.kind FROM voids d JOIN events t ON t.ingest = d.target WHERE d.void = e.ingest) = 'CHECKIN')
		THEN 'saved' ELSE 'exchanged' END AS cat
	FROM events e WHERE e.points <> 0
) GROUP BY m, cat;
INSERT INTO figures (figure, period, k1, k2, n, cents)
SELECT 'rewards', m, r.item, coalesce((SELECT json_extract(x.data, '$.Kind') FROM entities x WHERE x.kind = 'reward' AND x.id = r.item), ''), sum(r.sign), 0 FROM (
	SELECT e.item, 1 AS sign, substr(date(e.time, CASE
		WHEN e.time >= date(substr(e.time, 1, 4) || '-03-31', '-6 days', 'weekday 0') || 'T01:00:00'
			AND e.time < date(substr(e.time, 1, 4) || '-10-31', '-6 days', 'weekday 0') || 'T01:00:00' THEN '+2 hours'
		ELSE '+1 hours' END), 1, 7) AS m FROM events e WHERE e.kind = 'REWARD_REDEMPTION' AND e.item <> '' AND e.status <> 'REJECTED'
	UNION ALL SELECT t.item, -1, substr(date(v.time, CASE
		WHEN v.time >= date(substr(v.time, 1, 4) || '-03-31', '-6 days', 'weekday 0') || 'T01:00:00'
			AND v.time < date(substr(v.time, 1, 4) || '-10-31', '-6 days', 'weekday 0') || 'T01:00:00' THEN '+2 hours'
		ELSE '+1 hours' END), 1, 7) FROM voids d JOIN events t ON t.ingest = d.target JOIN events v ON v.ingest = d.void
	WHERE t.kind = 'REWARD_REDEMPTION' AND t.item <> '' AND t.status <> 'REJECTED'
) r GROUP BY m, r.item HAVING sum(r.sign) <> 0;
INSERT INTO figures (figure, period, k1, k2, n, cents)
SELECT 'childcare', d, coalesce(json_extract(x.data, '$.Group'), ''), coalesce(x.owner, ''), count(*), 0 FROM (
	SELECT date(e.time, CASE
		WHEN e.time >= date(substr(e.time, 1, 4) || '-03-31', '-6 days', 'weekday 0') || 'T01:00:00'
			AND e.time < date(substr(e.time, 1, 4) || '-10-31', '-6 days', 'weekday 0') || 'T01:00:00' THEN '+2 hours'
		ELSE '+1 hours' END) AS d, json_extract(e.payload, '$.child') AS child FROM events e
	WHERE e.kind = 'CHILD_SIGN_IN' AND e.status <> 'REJECTED' AND json_valid(e.payload)
) c LEFT JOIN entities x ON x.kind = 'child' AND x.id = c.child
GROUP BY d, coalesce(json_extract(x.data, '$.Group'), ''), coalesce(x.owner, '');

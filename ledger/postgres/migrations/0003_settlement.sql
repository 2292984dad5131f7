-- Balie central ledger on PostgreSQL, version 3: settlement and the
-- steering group's figures (issue 10), as the SQLite engine's migration
-- 4. It needs nothing of version 2 (the back office's), whose number it
-- leaves free.

ALTER TABLE money_lines ADD COLUMN card        text NOT NULL DEFAULT '';
ALTER TABLE money_lines ADD COLUMN holder_id   text NOT NULL DEFAULT '';
ALTER TABLE money_lines ADD COLUMN postal_code text NOT NULL DEFAULT '';
ALTER TABLE money_lines ADD COLUMN card_system text NOT NULL DEFAULT '';
ALTER TABLE money_lines ADD COLUMN desk        text NOT NULL DEFAULT '';
ALTER TABLE money_lines ADD COLUMN tariff_kind text NOT NULL DEFAULT '';
ALTER TABLE money_lines ADD COLUMN tariff_name text NOT NULL DEFAULT '';
ALTER TABLE money_lines ADD COLUMN event_name  text NOT NULL DEFAULT '';
ALTER TABLE money_lines ADD COLUMN event_start text NOT NULL DEFAULT '';
ALTER TABLE money_lines ADD COLUMN event_end   text NOT NULL DEFAULT '';
ALTER TABLE money_lines ADD COLUMN booked      text NOT NULL DEFAULT ''; -- the business day of the act that wrote the line
ALTER TABLE money_lines ADD COLUMN month       text NOT NULL DEFAULT ''; -- the settlement month, YYYY-MM
ALTER TABLE money_lines ADD COLUMN late        boolean NOT NULL DEFAULT false;
ALTER TABLE money_lines ADD COLUMN renewal     boolean NOT NULL DEFAULT false;
ALTER TABLE money_lines ADD COLUMN agreement   text NOT NULL DEFAULT '';
ALTER TABLE money_lines ADD COLUMN payer       text NOT NULL DEFAULT '';
ALTER TABLE money_lines ADD COLUMN owed_to     text NOT NULL DEFAULT '';
ALTER TABLE money_lines ADD COLUMN departments text NOT NULL DEFAULT ''; -- JSON of one unit's department parts
ALTER TABLE money_lines ADD COLUMN s_regular   bigint NOT NULL DEFAULT 0;
ALTER TABLE money_lines ADD COLUMN s_holder    bigint NOT NULL DEFAULT 0;
ALTER TABLE money_lines ADD COLUMN s_organiser bigint NOT NULL DEFAULT 0;
ALTER TABLE money_lines ADD COLUMN s_payer     bigint NOT NULL DEFAULT 0;

-- The lines written before this version, as the SQLite migration says:
-- facts from the events' payloads, the rest from the directory and the
-- catalogue at this migration; split as the sale recorded it, the card
-- system paying; the month of their day (a void's, in Brussels time).
UPDATE money_lines m SET
	card = coalesce(convert_from(e.payload, 'UTF8')::jsonb ->> 'card', ''),
	holder_id = coalesce(convert_from(e.payload, 'UTF8')::jsonb ->> 'holder', ''),
	tariff_kind = CASE WHEN m.kind = 'TICKET' THEN coalesce(convert_from(e.payload, 'UTF8')::jsonb -> 'lines' -> m.line ->> 'kind', 'REGULAR') ELSE '' END,
	tariff_name = CASE WHEN m.kind = 'CARD' THEN coalesce(convert_from(e.payload, 'UTF8')::jsonb ->> 'reason', '') ELSE '' END
FROM events e WHERE e.ingest = coalesce(m.void_of, m.ingest);
UPDATE money_lines m SET
	desk = t.location,
	booked = CASE WHEN m.void_of IS NULL THEN m.day ELSE to_char(e.time::timestamptz AT TIME ZONE 'Europe/Brussels', 'YYYY-MM-DD') END
FROM events e JOIN terminals t ON t.id = e.terminal WHERE e.ingest = m.ingest;
UPDATE money_lines m SET booked = m.day WHERE m.booked = '';
UPDATE money_lines m SET postal_code = h.postal_code FROM holders h WHERE h.id = m.holder_id;
UPDATE money_lines m SET card_system = c.card_system FROM cards c WHERE c.number = m.card;
UPDATE money_lines m SET
	event_name = coalesce(convert_from(x.data, 'UTF8')::jsonb ->> 'Name', ''),
	event_start = coalesce(convert_from(x.data, 'UTF8')::jsonb ->> 'Start', ''),
	event_end = coalesce(convert_from(x.data, 'UTF8')::jsonb ->> 'End', '')
FROM entities x WHERE x.kind = 'event' AND x.id = m.event_id;
UPDATE money_lines m SET tariff_name = coalesce(convert_from(x.data, 'UTF8')::jsonb ->> 'Name', '')
FROM entities x WHERE m.kind IN ('TICKET', 'MEMBERSHIP') AND x.kind = CASE m.kind WHEN 'TICKET' THEN 'tariff' ELSE 'program' END AND x.id = m.tariff_id;
UPDATE money_lines SET
	month = substr(booked, 1, 7),
	s_regular = CASE WHEN kind = 'TICKET' AND tariff_kind <> 'REGULAR' THEN regular ELSE holder_share END,
	s_holder = holder_share,
	s_organiser = CASE WHEN kind = 'TICKET' AND tariff_kind <> 'REGULAR' THEN organiser_share ELSE 0 END,
	s_payer = CASE WHEN kind = 'TICKET' AND tariff_kind <> 'REGULAR' THEN regular - holder_share - organiser_share ELSE 0 END,
	owed_to = CASE WHEN kind = 'CARD' THEN card_system ELSE organiser_id END;
UPDATE money_lines SET payer = card_system WHERE s_payer <> 0;
ALTER TABLE money_lines ADD CONSTRAINT money_lines_settled CHECK (s_holder + s_organiser + s_payer = s_regular);

CREATE INDEX money_lines_month ON money_lines (month, ingest, line);

-- Closed months (see the SQLite migration). Nothing in the ledger
-- updates or deletes them.
CREATE TABLE settlement_periods (
	month     text PRIMARY KEY,
	period    text NOT NULL,
	mark      bigint NOT NULL,
	closed_at text NOT NULL,
	closed_by text NOT NULL,
	hash      text NOT NULL,
	lines     integer NOT NULL,
	totals    text NOT NULL
);

-- The steering group's counters.
CREATE TABLE figures (
	figure text NOT NULL,
	period text NOT NULL,
	k1     text NOT NULL,
	k2     text NOT NULL,
	n      bigint NOT NULL,
	cents  bigint NOT NULL,
	PRIMARY KEY (figure, period, k1, k2)
);

INSERT INTO figures (figure, period, k1, k2, n, cents)
SELECT 'tickets', substr(booked, 1, 7), organiser_id, tariff_kind, sum(quantity), sum(amount) FROM money_lines WHERE kind = 'TICKET'
GROUP BY 2, 3, 4;
INSERT INTO figures (figure, period, k1, k2, n, cents)
SELECT 'cards', substr(booked, 1, 7), desk, tariff_name, sum(quantity), sum(amount) FROM money_lines WHERE kind = 'CARD' GROUP BY 2, 3, 4;
INSERT INTO figures (figure, period, k1, k2, n, cents)
SELECT 'memberships', substr(booked, 1, 7), tariff_id, 'new', sum(quantity), sum(amount) FROM money_lines WHERE kind = 'MEMBERSHIP' GROUP BY 2, 3, 4;
INSERT INTO figures (figure, period, k1, k2, n, cents)
SELECT 'cost', month, payer, '', sum(quantity), sum(quantity * s_payer) FROM money_lines WHERE s_payer <> 0 GROUP BY 2, 3, 4;
INSERT INTO figures (figure, period, k1, k2, n, cents)
SELECT 'checkins', c.m, coalesce(x.owner, ''), c.item, sum(c.sign), 0 FROM (
	SELECT e.item, 1 AS sign, to_char(e.time::timestamptz AT TIME ZONE 'Europe/Brussels', 'YYYY-MM') AS m FROM events e
	WHERE e.kind = 'CHECKIN' AND e.item <> '' AND e.status <> 'REJECTED'
	UNION ALL SELECT t.item, -1, to_char(v.time::timestamptz AT TIME ZONE 'Europe/Brussels', 'YYYY-MM') FROM voids d
	JOIN events t ON t.ingest = d.target JOIN events v ON v.ingest = d.void WHERE t.kind = 'CHECKIN' AND t.item <> '' AND t.status <> 'REJECTED'
) c LEFT JOIN entities x ON x.kind = 'event' AND x.id = c.item GROUP BY 2, 3, 4 HAVING sum(c.sign) <> 0;
INSERT INTO figures (figure, period, k1, k2, n, cents)
SELECT 'activity', a.period, a.k1, a.k2, sum(a.n), 0 FROM (
	SELECT f.period, f.k1, coalesce(convert_from(x.data, 'UTF8')::jsonb ->> 'Name', f.k2) AS k2, f.n FROM figures f
	LEFT JOIN entities x ON x.kind = 'event' AND x.id = f.k2 WHERE f.figure = 'checkins'
	UNION ALL SELECT substr(booked, 1, 7), organiser_id, event_name, quantity FROM money_lines WHERE kind = 'TICKET'
) a GROUP BY 2, 3, 4;
INSERT INTO figures (figure, period, k1, k2, n, cents)
SELECT 'points', p.m, p.cat, '', sum(CASE p.cat WHEN 'saved' THEN p.pts ELSE -p.pts END), 0 FROM (
	SELECT e.points AS pts, to_char(e.time::timestamptz AT TIME ZONE 'Europe/Brussels', 'YYYY-MM') AS m,
		CASE WHEN e.kind = 'CHECKIN' OR (e.kind = 'VOID' AND t.kind = 'CHECKIN') THEN 'saved' ELSE 'exchanged' END AS cat
	FROM events e LEFT JOIN voids d ON d.void = e.ingest LEFT JOIN events t ON t.ingest = d.target WHERE e.points <> 0
) p GROUP BY 2, 3;
INSERT INTO figures (figure, period, k1, k2, n, cents)
SELECT 'rewards', r.m, r.item, coalesce(convert_from(x.data, 'UTF8')::jsonb ->> 'Kind', ''), sum(r.sign), 0 FROM (
	SELECT e.item, 1 AS sign, to_char(e.time::timestamptz AT TIME ZONE 'Europe/Brussels', 'YYYY-MM') AS m FROM events e
	WHERE e.kind = 'REWARD_REDEMPTION' AND e.item <> '' AND e.status <> 'REJECTED'
	UNION ALL SELECT t.item, -1, to_char(v.time::timestamptz AT TIME ZONE 'Europe/Brussels', 'YYYY-MM') FROM voids d
	JOIN events t ON t.ingest = d.target JOIN events v ON v.ingest = d.void WHERE t.kind = 'REWARD_REDEMPTION' AND t.item <> '' AND t.status <> 'REJECTED'
) r LEFT JOIN entities x ON x.kind = 'reward' AND x.id = r.item GROUP BY 2, 3, 4 HAVING sum(r.sign) <> 0;
INSERT INTO figures (figure, period, k1, k2, n, cents)
SELECT 'childcare', c.d, coalesce(convert_from(x.data, 'UTF8')::jsonb ->> 'Group', ''), coalesce(x.owner, ''), count(*), 0 FROM (
	SELECT to_char(e.time::timestamptz AT TIME ZONE 'Europe/Brussels', 'YYYY-MM-DD') AS d, convert_from(e.payload, 'UTF8')::jsonb ->> 'child' AS child
	FROM events e WHERE e.kind = 'CHILD_SIGN_IN' AND e.status <> 'REJECTED'
) c LEFT JOIN entities x ON x.kind = 'child' AND x.id = c.child GROUP BY 2, 3, 4;

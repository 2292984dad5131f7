-- How the city's back office resolved an act the ledger flagged: the
-- ledger serves it to the terminal that recorded the act, and the review
-- list shows it with the act.
CREATE TABLE review_outcomes (
	event_id TEXT PRIMARY KEY,
	outcome  TEXT NOT NULL, -- balie.Outcome*
	note     TEXT NOT NULL,
	by_name  TEXT NOT NULL,
	at       TEXT NOT NULL
) WITHOUT ROWID;

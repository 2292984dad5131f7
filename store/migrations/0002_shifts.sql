-- Balie terminal store, version 2: cash-drawer shifts (kassa-afsluiting).
-- A projection of the journal's SHIFT_OPEN and SHIFT_CLOSE events: the
-- range of sequence numbers each shift covers. The events stay the truth:
-- a Z report is computed from the journal between open_seq and close_seq.
CREATE TABLE shifts (
	id        TEXT PRIMARY KEY,
	open_seq  INTEGER NOT NULL UNIQUE REFERENCES journal(seq),
	close_seq INTEGER UNIQUE REFERENCES journal(seq) -- NULL while open
);

-- A terminal has one cash drawer, so at most one shift is open at a time.
CREATE UNIQUE INDEX shifts_one_open ON shifts(close_seq IS NULL) WHERE close_seq IS NULL;

-- The back office lists the resolved flags newest first. Without an
-- index of them SQLite walked every flag from the newest back to find
-- fifty resolved ones, which at a busy ledger (a flag for every check-in
-- past its limit) took the review page past 100 ms; resolved flags are
-- few, so their index is small.
CREATE INDEX review_flags_resolved ON review_flags(id) WHERE resolved = 1;

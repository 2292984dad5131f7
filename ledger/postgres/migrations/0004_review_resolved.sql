-- Balie central ledger on PostgreSQL, version 4, as the SQLite engine's
-- migration 6: the back office lists the resolved flags newest first,
-- and without an index of them the primary key was walked back over
-- every open flag to find fifty resolved ones.
CREATE INDEX review_flags_resolved ON review_flags (ingest DESC, pos DESC) WHERE resolved;

-- The journal's signatures: the terminal signs its journal up to the last
-- event of every upload with its Ed25519 key (kept in meta, never sent),
-- and keeps each signature, so that `balie verify` checks them and an
-- auditor can check the ledger's copy against them.
CREATE TABLE signatures (
	seq       INTEGER NOT NULL REFERENCES journal(seq),
	signature TEXT NOT NULL,
	PRIMARY KEY (seq, signature)
) WITHOUT ROWID;

-- Holders by name: the desk finds a holder who lost their card.
CREATE INDEX holders_name ON holders(last_name COLLATE NOCASE, first_name COLLATE NOCASE);

-- The organisers a desk acts for besides its own (balie.Desk.SellsFor):
-- a cultural centre's box office sells the cinema's tickets.
ALTER TABLE desks ADD COLUMN sells_for TEXT NOT NULL DEFAULT '';

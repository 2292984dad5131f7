-- Notes for staff on a child's enrolment (an allergy, who must never
-- pick up): the childcare desk shows them on the child's card.
ALTER TABLE children ADD COLUMN notes TEXT NOT NULL DEFAULT '';

-- The queue page shows the earliest open deadlines in scope, ordered by due date and then id.
-- These indexes keep open deadlines in exactly that order, for one embassy and for all of
-- them, so the page reads the first twenty and sorts nothing.
DROP INDEX case_deadlines_open_by_embassy;
CREATE INDEX case_deadlines_open_by_embassy ON case_deadlines (embassy_id, due_on, id) WHERE done_at IS NULL;
CREATE INDEX case_deadlines_open ON case_deadlines (due_on, id) WHERE done_at IS NULL;

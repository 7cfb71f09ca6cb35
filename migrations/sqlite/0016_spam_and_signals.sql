-- Junk closed as spam, intake per hour and the insider signal. See
-- docs/decisions/0020-spam-intake-per-hour-and-insider-signal.md.

-- A case a lead closed as spam (1) rather than in the ordinary way (0); reopening clears it.
ALTER TABLE cases ADD COLUMN spam INTEGER NOT NULL DEFAULT 0;

-- Distinct cases a person may open in an hour before the dashboard flags them.
ALTER TABLE embassies ADD COLUMN insider_threshold INTEGER NOT NULL DEFAULT 40 CHECK (insider_threshold BETWEEN 1 AND 10000);

-- Cases opened per hour (the dashboard's last 48 hours), by embassy and time; covering, so
-- the count reads no case row.
CREATE INDEX cases_by_opening ON cases (embassy_id, created_at, queue_id);

-- Cases opened by the desk in the last hour, per person: only the successful `case.view`
-- rows, by time (the literal terms are what lets SQLite use a partial index).
CREATE INDEX audit_case_views ON audit_log (at, actor, object_id) WHERE action = 'case.view' AND outcome = 'ok';

-- A purged spam case is remembered as `spam`, so that it counts neither as closed nor as
-- resolved. SQLite changes a CHECK only by rebuilding the table.
CREATE TABLE past_cases_new (
    embassy_id           TEXT NOT NULL REFERENCES embassies(id),
    queue_id             TEXT NOT NULL REFERENCES queues(id),
    categories           TEXT NOT NULL,
    opened_month         TEXT NOT NULL,
    closed_month         TEXT NOT NULL,
    outcome              TEXT NOT NULL CHECK (outcome IN ('resolved', 'closed', 'withdrawn', 'spam')),
    first_response_day   INTEGER,
    first_response_took  INTEGER,
    resolved_day         INTEGER,
    resolution_took      INTEGER
) STRICT;
INSERT INTO past_cases_new SELECT embassy_id, queue_id, categories, opened_month, closed_month, outcome,
    first_response_day, first_response_took, resolved_day, resolution_took FROM past_cases;
DROP TABLE past_cases;
ALTER TABLE past_cases_new RENAME TO past_cases;
CREATE INDEX past_cases_by_first_response ON past_cases (embassy_id, first_response_day, queue_id, first_response_took)
    WHERE first_response_day IS NOT NULL;
CREATE INDEX past_cases_by_resolution ON past_cases (embassy_id, resolved_day, queue_id, resolution_took)
    WHERE resolved_day IS NOT NULL;

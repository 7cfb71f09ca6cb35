-- Retention: how long each embassy keeps a closed case (NULL: the server's default,
-- EMBASSY_DESK_RETENTION_DAYS), the index the purge walks, and the anonymous rows a purged
-- case leaves behind. A purge deletes the case row and every row of its own; the counts of
-- the past stay (a deleted case no longer takes itself out of `case_days` and
-- `category_days`), and the dashboard's medians read the durations kept here beside those of
-- the cases still stored. See docs/decisions/0014-retention-purge.md.

ALTER TABLE embassies ADD COLUMN retention_days INTEGER CHECK (retention_days BETWEEN 1 AND 3650);

-- Closed cases per embassy in closing order: the purge reads those whose time is up.
CREATE INDEX cases_closed_by_embassy ON cases (embassy_id, closed_at) WHERE status = 'closed';

-- What stays of a purged case: no id, no reference, no exact time. Months are UTC `YYYY-MM`;
-- `outcome` is `resolved`, `closed` (closed without a resolution) or `withdrawn` (deleted by
-- the requester). The dashboard's medians need, for each purged case that had a first
-- response or a resolution, the UTC day it came (days since the Unix epoch) and how long
-- it took in seconds.
CREATE TABLE past_cases (
    embassy_id           TEXT NOT NULL REFERENCES embassies(id),
    queue_id             TEXT NOT NULL REFERENCES queues(id),
    categories           TEXT NOT NULL,
    opened_month         TEXT NOT NULL,
    closed_month         TEXT NOT NULL,
    outcome              TEXT NOT NULL CHECK (outcome IN ('resolved', 'closed', 'withdrawn')),
    first_response_day   INTEGER,
    first_response_took  INTEGER,
    resolved_day         INTEGER,
    resolution_took      INTEGER
) STRICT;
CREATE INDEX past_cases_by_first_response ON past_cases (embassy_id, first_response_day, queue_id, first_response_took)
    WHERE first_response_day IS NOT NULL;
CREATE INDEX past_cases_by_resolution ON past_cases (embassy_id, resolved_day, queue_id, resolution_took)
    WHERE resolved_day IS NOT NULL;

-- A purged case's opening and resolution stay counted in the charts of the past.
DROP TRIGGER case_days_delete;

-- Requests deleted by their requesters before deletion purged kept their case row (marked by
-- `retain_until`, which only that deletion set) with its notes, timeline and deadlines. They
-- are purged now, as a deletion purges today; the audit log already holds each deletion.
INSERT INTO past_cases (embassy_id, queue_id, categories, opened_month, closed_month, outcome,
                        first_response_day, first_response_took, resolved_day, resolution_took)
    SELECT embassy_id, queue_id, categories, strftime('%Y-%m', created_at, 'unixepoch'), strftime('%Y-%m', retain_until, 'unixepoch'), 'withdrawn',
           first_response_at / 86400, first_response_at - created_at, resolved_at / 86400, resolved_at - created_at
    FROM cases WHERE retain_until IS NOT NULL;
DELETE FROM case_keys WHERE case_id IN (SELECT id FROM cases WHERE retain_until IS NOT NULL);
DELETE FROM case_fields WHERE case_id IN (SELECT id FROM cases WHERE retain_until IS NOT NULL);
DELETE FROM case_messages WHERE case_id IN (SELECT id FROM cases WHERE retain_until IS NOT NULL);
DELETE FROM case_notes WHERE case_id IN (SELECT id FROM cases WHERE retain_until IS NOT NULL);
DELETE FROM case_events WHERE case_id IN (SELECT id FROM cases WHERE retain_until IS NOT NULL);
DELETE FROM case_deadlines WHERE case_id IN (SELECT id FROM cases WHERE retain_until IS NOT NULL);
DELETE FROM receipts WHERE case_id IN (SELECT id FROM cases WHERE retain_until IS NOT NULL);
DELETE FROM requester_sessions WHERE case_id IN (SELECT id FROM cases WHERE retain_until IS NOT NULL);
DELETE FROM cases WHERE retain_until IS NOT NULL;

-- Nothing else set or read `retain_until`: the end of a case's retention follows from its closing
-- time and its embassy's retention, which an admin may change.
DROP INDEX cases_by_retention;
ALTER TABLE cases DROP COLUMN retain_until;

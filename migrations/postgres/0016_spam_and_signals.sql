-- Junk closed as spam, intake per hour and the insider signal. See
-- docs/decisions/0020-spam-intake-per-hour-and-insider-signal.md.

-- A case a lead closed as spam (1) rather than in the ordinary way (0); reopening clears it.
ALTER TABLE cases ADD COLUMN spam BIGINT NOT NULL DEFAULT 0;

-- Distinct cases a person may open in an hour before the dashboard flags them.
ALTER TABLE embassies ADD COLUMN insider_threshold BIGINT NOT NULL DEFAULT 40 CHECK (insider_threshold BETWEEN 1 AND 10000);

-- Cases opened per hour (the dashboard's last 48 hours), by embassy and time; covering, so
-- the count reads no case row.
CREATE INDEX cases_by_opening ON cases (embassy_id, created_at, queue_id);

-- Cases opened by the desk in the last hour, per person: only the successful `case.view`
-- rows, by time.
CREATE INDEX audit_case_views ON audit_log (at, actor, object_id) WHERE action = 'case.view' AND outcome = 'ok';

-- A purged spam case is remembered as `spam`, so that it counts neither as closed nor as
-- resolved.
ALTER TABLE past_cases DROP CONSTRAINT past_cases_outcome_check;
ALTER TABLE past_cases ADD CONSTRAINT past_cases_outcome_check CHECK (outcome IN ('resolved', 'closed', 'withdrawn', 'spam'));

-- The leads' dashboard: cases opened and resolved per queue and UTC day, and opened per
-- category, kept in step with `cases` by triggers so that no chart counts case rows; the
-- indexes behind the medians, the overdue count, workload and the audit viewer; and each
-- embassy's workload threshold.

ALTER TABLE embassies ADD COLUMN overload_threshold BIGINT NOT NULL DEFAULT 15;

-- Day = UTC days since the Unix epoch.
CREATE TABLE case_days (
    queue_id  TEXT NOT NULL,
    day       BIGINT NOT NULL,
    opened    BIGINT NOT NULL,
    resolved  BIGINT NOT NULL,
    PRIMARY KEY (queue_id, day)
);

CREATE TABLE category_days (
    queue_id  TEXT NOT NULL,
    day       BIGINT NOT NULL,
    category  TEXT NOT NULL,
    opened    BIGINT NOT NULL,
    PRIMARY KEY (queue_id, day, category)
);

-- The category names a case's comma-separated `categories` may hold.
CREATE TABLE category_names (name TEXT PRIMARY KEY);
INSERT INTO category_names (name) VALUES
    ('legal_status'), ('documents'), ('housing'), ('work'), ('medical'), ('urgent_money'), ('other');

INSERT INTO case_days (queue_id, day, opened, resolved)
    SELECT queue_id, day, SUM(opened), SUM(resolved) FROM (
        SELECT queue_id, created_at / 86400 AS day, 1 AS opened, 0 AS resolved FROM cases
        UNION ALL
        SELECT queue_id, resolved_at / 86400, 0, 1 FROM cases WHERE resolved_at IS NOT NULL
    ) AS d GROUP BY queue_id, day;
INSERT INTO category_days (queue_id, day, category, opened)
    SELECT c.queue_id, c.created_at / 86400, n.name, COUNT(*) FROM cases c
        JOIN category_names n ON n.name = ANY (string_to_array(c.categories, ','))
    GROUP BY 1, 2, 3;

CREATE FUNCTION case_days_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE case_days SET opened = opened - 1 WHERE queue_id = OLD.queue_id AND day = OLD.created_at / 86400;
        IF OLD.resolved_at IS NOT NULL THEN
            UPDATE case_days SET resolved = resolved - 1 WHERE queue_id = OLD.queue_id AND day = OLD.resolved_at / 86400;
        END IF;
        UPDATE category_days SET opened = opened - 1
            WHERE queue_id = OLD.queue_id AND day = OLD.created_at / 86400
              AND category = ANY (string_to_array(OLD.categories, ','));
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO case_days (queue_id, day, opened, resolved) VALUES (NEW.queue_id, NEW.created_at / 86400, 1, 0)
            ON CONFLICT (queue_id, day) DO UPDATE SET opened = case_days.opened + 1;
        IF NEW.resolved_at IS NOT NULL THEN
            INSERT INTO case_days (queue_id, day, opened, resolved) VALUES (NEW.queue_id, NEW.resolved_at / 86400, 0, 1)
                ON CONFLICT (queue_id, day) DO UPDATE SET resolved = case_days.resolved + 1;
        END IF;
        INSERT INTO category_days (queue_id, day, category, opened)
            SELECT NEW.queue_id, NEW.created_at / 86400, name, 1 FROM category_names
                WHERE name = ANY (string_to_array(NEW.categories, ','))
            ON CONFLICT (queue_id, day, category) DO UPDATE SET opened = category_days.opened + 1;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER case_days_insert AFTER INSERT ON cases FOR EACH ROW EXECUTE FUNCTION case_days_count();
CREATE TRIGGER case_days_update AFTER UPDATE OF queue_id, created_at, resolved_at, categories ON cases FOR EACH ROW
    WHEN (OLD.queue_id IS DISTINCT FROM NEW.queue_id OR OLD.created_at IS DISTINCT FROM NEW.created_at
          OR OLD.resolved_at IS DISTINCT FROM NEW.resolved_at OR OLD.categories IS DISTINCT FROM NEW.categories)
    EXECUTE FUNCTION case_days_count();
CREATE TRIGGER case_days_delete AFTER DELETE ON cases FOR EACH ROW EXECUTE FUNCTION case_days_count();

-- Medians of time to first response and to resolution over a window of days.
CREATE INDEX cases_by_first_response ON cases (embassy_id, first_response_at, created_at, queue_id)
    WHERE first_response_at IS NOT NULL;
CREATE INDEX cases_by_resolution ON cases (embassy_id, resolved_at, created_at, queue_id)
    WHERE resolved_at IS NOT NULL;
-- Open cases still waiting for their first response, by due time, for the overdue count
-- (covering: the count reads no case row). `priority >= 0` is stated only by that count:
-- the queue page's overdue list, which does not state it, keeps walking its indexes in
-- page order instead of sorting this one.
CREATE INDEX cases_awaiting_response ON cases (embassy_id, first_response_due_at, queue_id, status, priority, first_response_at)
    WHERE first_response_at IS NULL AND priority >= 0 AND status IN ('new', 'triaged', 'in_progress', 'waiting');
-- Each person's last activity, and the audit viewer's filters (newest first).
CREATE INDEX audit_by_actor ON audit_log (actor, seq);
CREATE INDEX audit_by_action ON audit_log (action, seq);
CREATE INDEX audit_by_time ON audit_log (at, seq);

-- The leads' dashboard: cases opened and resolved per queue and UTC day, and opened per
-- category, kept in step with `cases` by triggers so that no chart counts case rows; the
-- indexes behind the medians, the overdue count, workload and the audit viewer; and each
-- embassy's workload threshold.

ALTER TABLE embassies ADD COLUMN overload_threshold INTEGER NOT NULL DEFAULT 15;

-- Day = UTC days since the Unix epoch.
CREATE TABLE case_days (
    queue_id  TEXT NOT NULL,
    day       INTEGER NOT NULL,
    opened    INTEGER NOT NULL,
    resolved  INTEGER NOT NULL,
    PRIMARY KEY (queue_id, day)
) STRICT;

CREATE TABLE category_days (
    queue_id  TEXT NOT NULL,
    day       INTEGER NOT NULL,
    category  TEXT NOT NULL,
    opened    INTEGER NOT NULL,
    PRIMARY KEY (queue_id, day, category)
) STRICT;

-- The category names a case's comma-separated `categories` may hold.
CREATE TABLE category_names (name TEXT PRIMARY KEY) STRICT;
INSERT INTO category_names (name) VALUES
    ('legal_status'), ('documents'), ('housing'), ('work'), ('medical'), ('urgent_money'), ('other');

INSERT INTO case_days (queue_id, day, opened, resolved)
    SELECT queue_id, day, SUM(opened), SUM(resolved) FROM (
        SELECT queue_id, created_at / 86400 AS day, 1 AS opened, 0 AS resolved FROM cases
        UNION ALL
        SELECT queue_id, resolved_at / 86400, 0, 1 FROM cases WHERE resolved_at IS NOT NULL
    ) GROUP BY queue_id, day;
INSERT INTO category_days (queue_id, day, category, opened)
    SELECT c.queue_id, c.created_at / 86400, n.name, COUNT(*) FROM cases c JOIN category_names n
        ON instr(',' || c.categories || ',', ',' || n.name || ',') > 0
    GROUP BY 1, 2, 3;

CREATE TRIGGER case_days_insert AFTER INSERT ON cases BEGIN
    INSERT INTO case_days (queue_id, day, opened, resolved) VALUES (NEW.queue_id, NEW.created_at / 86400, 1, 0)
        ON CONFLICT (queue_id, day) DO UPDATE SET opened = opened + 1;
    INSERT INTO case_days (queue_id, day, opened, resolved)
        SELECT NEW.queue_id, NEW.resolved_at / 86400, 0, 1 WHERE NEW.resolved_at IS NOT NULL
        ON CONFLICT (queue_id, day) DO UPDATE SET resolved = resolved + 1;
    INSERT INTO category_days (queue_id, day, category, opened)
        SELECT NEW.queue_id, NEW.created_at / 86400, name, 1 FROM category_names
            WHERE instr(',' || NEW.categories || ',', ',' || name || ',') > 0
        ON CONFLICT (queue_id, day, category) DO UPDATE SET opened = opened + 1;
END;

CREATE TRIGGER case_days_delete AFTER DELETE ON cases BEGIN
    UPDATE case_days SET opened = opened - 1 WHERE queue_id = OLD.queue_id AND day = OLD.created_at / 86400;
    UPDATE case_days SET resolved = resolved - 1
        WHERE OLD.resolved_at IS NOT NULL AND queue_id = OLD.queue_id AND day = OLD.resolved_at / 86400;
    UPDATE category_days SET opened = opened - 1
        WHERE queue_id = OLD.queue_id AND day = OLD.created_at / 86400
          AND instr(',' || OLD.categories || ',', ',' || category || ',') > 0;
END;

CREATE TRIGGER case_days_update AFTER UPDATE OF queue_id, created_at, resolved_at, categories ON cases
    WHEN OLD.queue_id IS NOT NEW.queue_id OR OLD.created_at IS NOT NEW.created_at
      OR OLD.resolved_at IS NOT NEW.resolved_at OR OLD.categories IS NOT NEW.categories
BEGIN
    UPDATE case_days SET opened = opened - 1 WHERE queue_id = OLD.queue_id AND day = OLD.created_at / 86400;
    UPDATE case_days SET resolved = resolved - 1
        WHERE OLD.resolved_at IS NOT NULL AND queue_id = OLD.queue_id AND day = OLD.resolved_at / 86400;
    UPDATE category_days SET opened = opened - 1
        WHERE queue_id = OLD.queue_id AND day = OLD.created_at / 86400
          AND instr(',' || OLD.categories || ',', ',' || category || ',') > 0;
    INSERT INTO case_days (queue_id, day, opened, resolved) VALUES (NEW.queue_id, NEW.created_at / 86400, 1, 0)
        ON CONFLICT (queue_id, day) DO UPDATE SET opened = opened + 1;
    INSERT INTO case_days (queue_id, day, opened, resolved)
        SELECT NEW.queue_id, NEW.resolved_at / 86400, 0, 1 WHERE NEW.resolved_at IS NOT NULL
        ON CONFLICT (queue_id, day) DO UPDATE SET resolved = resolved + 1;
    INSERT INTO category_days (queue_id, day, category, opened)
        SELECT NEW.queue_id, NEW.created_at / 86400, name, 1 FROM category_names
            WHERE instr(',' || NEW.categories || ',', ',' || name || ',') > 0
        ON CONFLICT (queue_id, day, category) DO UPDATE SET opened = opened + 1;
END;

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

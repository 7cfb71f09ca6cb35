-- Open cases still waiting for their first response, per queue and UTC day of their
-- first-response due time, kept in step with `cases` by triggers. The dashboard's overdue count
-- sums the days before today here and counts only today's from the covering index
-- `cases_awaiting_response`, instead of reading every overdue case's index entry.

CREATE TABLE awaiting_days (
    queue_id  TEXT NOT NULL,
    due_day   INTEGER NOT NULL,
    n         INTEGER NOT NULL,
    PRIMARY KEY (queue_id, due_day)
) STRICT;

INSERT INTO awaiting_days (queue_id, due_day, n)
    SELECT queue_id, first_response_due_at / 86400, COUNT(*) FROM cases
    WHERE first_response_at IS NULL AND first_response_due_at IS NOT NULL
      AND status IN ('new', 'triaged', 'in_progress', 'waiting')
    GROUP BY 1, 2;

CREATE TRIGGER awaiting_days_insert AFTER INSERT ON cases
    WHEN NEW.first_response_at IS NULL AND NEW.first_response_due_at IS NOT NULL
      AND NEW.status IN ('new', 'triaged', 'in_progress', 'waiting')
BEGIN
    INSERT INTO awaiting_days (queue_id, due_day, n) VALUES (NEW.queue_id, NEW.first_response_due_at / 86400, 1)
        ON CONFLICT (queue_id, due_day) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER awaiting_days_delete AFTER DELETE ON cases
    WHEN OLD.first_response_at IS NULL AND OLD.first_response_due_at IS NOT NULL
      AND OLD.status IN ('new', 'triaged', 'in_progress', 'waiting')
BEGIN
    UPDATE awaiting_days SET n = n - 1 WHERE queue_id = OLD.queue_id AND due_day = OLD.first_response_due_at / 86400;
END;

CREATE TRIGGER awaiting_days_update AFTER UPDATE OF queue_id, status, first_response_at, first_response_due_at ON cases
    WHEN OLD.queue_id IS NOT NEW.queue_id OR OLD.status IS NOT NEW.status
      OR OLD.first_response_at IS NOT NEW.first_response_at OR OLD.first_response_due_at IS NOT NEW.first_response_due_at
BEGIN
    UPDATE awaiting_days SET n = n - 1
        WHERE OLD.first_response_at IS NULL AND OLD.first_response_due_at IS NOT NULL
          AND OLD.status IN ('new', 'triaged', 'in_progress', 'waiting')
          AND queue_id = OLD.queue_id AND due_day = OLD.first_response_due_at / 86400;
    INSERT INTO awaiting_days (queue_id, due_day, n)
        SELECT NEW.queue_id, NEW.first_response_due_at / 86400, 1
        WHERE NEW.first_response_at IS NULL AND NEW.first_response_due_at IS NOT NULL
          AND NEW.status IN ('new', 'triaged', 'in_progress', 'waiting')
        ON CONFLICT (queue_id, due_day) DO UPDATE SET n = n + 1;
END;

-- Open cases still waiting for their first response, per queue and UTC day of their
-- first-response due time, kept in step with `cases` by triggers. The dashboard's overdue count
-- sums the days before today here and counts only today's from the covering index
-- `cases_awaiting_response`, instead of reading every overdue case's index entry.

CREATE TABLE awaiting_days (
    queue_id  TEXT NOT NULL,
    due_day   BIGINT NOT NULL,
    n         BIGINT NOT NULL,
    PRIMARY KEY (queue_id, due_day)
);

INSERT INTO awaiting_days (queue_id, due_day, n)
    SELECT queue_id, first_response_due_at / 86400, COUNT(*) FROM cases
    WHERE first_response_at IS NULL AND first_response_due_at IS NOT NULL
      AND status IN ('new', 'triaged', 'in_progress', 'waiting')
    GROUP BY 1, 2;

CREATE FUNCTION awaiting_days_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.first_response_at IS NULL AND OLD.first_response_due_at IS NOT NULL
       AND OLD.status IN ('new', 'triaged', 'in_progress', 'waiting') THEN
        UPDATE awaiting_days SET n = n - 1 WHERE queue_id = OLD.queue_id AND due_day = OLD.first_response_due_at / 86400;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.first_response_at IS NULL AND NEW.first_response_due_at IS NOT NULL
       AND NEW.status IN ('new', 'triaged', 'in_progress', 'waiting') THEN
        INSERT INTO awaiting_days (queue_id, due_day, n) VALUES (NEW.queue_id, NEW.first_response_due_at / 86400, 1)
            ON CONFLICT (queue_id, due_day) DO UPDATE SET n = awaiting_days.n + 1;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER awaiting_days_insert AFTER INSERT ON cases FOR EACH ROW EXECUTE FUNCTION awaiting_days_count();
CREATE TRIGGER awaiting_days_update AFTER UPDATE OF queue_id, status, first_response_at, first_response_due_at ON cases FOR EACH ROW
    WHEN (OLD.queue_id IS DISTINCT FROM NEW.queue_id OR OLD.status IS DISTINCT FROM NEW.status
          OR OLD.first_response_at IS DISTINCT FROM NEW.first_response_at
          OR OLD.first_response_due_at IS DISTINCT FROM NEW.first_response_due_at)
    EXECUTE FUNCTION awaiting_days_count();
CREATE TRIGGER awaiting_days_delete AFTER DELETE ON cases FOR EACH ROW EXECUTE FUNCTION awaiting_days_count();

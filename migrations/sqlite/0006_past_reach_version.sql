-- A number that moves whenever a first response or resolution before the current UTC day
-- appears, disappears or moves (its time, its case's opening time, queue or embassy). The
-- dashboard keeps the middle of each median window's settled days between page loads and
-- reads this number to know whether what it kept still holds; today's part is always read
-- afresh. Today's first responses and resolutions, the usual writes, leave it alone.

CREATE TABLE past_reach_version (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    version  INTEGER NOT NULL
) STRICT;
INSERT INTO past_reach_version (id, version) VALUES (1, 0);

CREATE TRIGGER past_reach_insert AFTER INSERT ON cases
    WHEN NEW.first_response_at < CAST(strftime('%s', 'now') AS INTEGER) / 86400 * 86400
      OR NEW.resolved_at < CAST(strftime('%s', 'now') AS INTEGER) / 86400 * 86400
BEGIN
    UPDATE past_reach_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER past_reach_delete AFTER DELETE ON cases
    WHEN OLD.first_response_at < CAST(strftime('%s', 'now') AS INTEGER) / 86400 * 86400
      OR OLD.resolved_at < CAST(strftime('%s', 'now') AS INTEGER) / 86400 * 86400
BEGIN
    UPDATE past_reach_version SET version = version + 1 WHERE id = 1;
END;

CREATE TRIGGER past_reach_update AFTER UPDATE OF embassy_id, queue_id, created_at, first_response_at, resolved_at ON cases
    WHEN ((OLD.embassy_id IS NOT NEW.embassy_id OR OLD.queue_id IS NOT NEW.queue_id OR OLD.created_at IS NOT NEW.created_at
           OR OLD.first_response_at IS NOT NEW.first_response_at)
          AND (OLD.first_response_at < CAST(strftime('%s', 'now') AS INTEGER) / 86400 * 86400
               OR NEW.first_response_at < CAST(strftime('%s', 'now') AS INTEGER) / 86400 * 86400))
      OR ((OLD.embassy_id IS NOT NEW.embassy_id OR OLD.queue_id IS NOT NEW.queue_id OR OLD.created_at IS NOT NEW.created_at
           OR OLD.resolved_at IS NOT NEW.resolved_at)
          AND (OLD.resolved_at < CAST(strftime('%s', 'now') AS INTEGER) / 86400 * 86400
               OR NEW.resolved_at < CAST(strftime('%s', 'now') AS INTEGER) / 86400 * 86400))
BEGIN
    UPDATE past_reach_version SET version = version + 1 WHERE id = 1;
END;

-- A number that moves whenever a first response or resolution before the current UTC day
-- appears, disappears or moves (its time, its case's opening time, queue or embassy). The
-- dashboard keeps the middle of each median window's settled days between page loads and
-- reads this number to know whether what it kept still holds; today's part is always read
-- afresh. Today's first responses and resolutions, the usual writes, leave it alone.

CREATE TABLE past_reach_version (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    version  BIGINT NOT NULL
);
INSERT INTO past_reach_version (id, version) VALUES (1, 0);

CREATE FUNCTION past_reach_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    today BIGINT := floor(extract(epoch FROM now()) / 86400)::BIGINT * 86400;
    moved BOOLEAN;
    changed BOOLEAN := false;
BEGIN
    IF TG_OP = 'INSERT' THEN
        changed := COALESCE(NEW.first_response_at < today, false) OR COALESCE(NEW.resolved_at < today, false);
    ELSIF TG_OP = 'DELETE' THEN
        changed := COALESCE(OLD.first_response_at < today, false) OR COALESCE(OLD.resolved_at < today, false);
    ELSE
        moved := OLD.embassy_id IS DISTINCT FROM NEW.embassy_id OR OLD.queue_id IS DISTINCT FROM NEW.queue_id
            OR OLD.created_at IS DISTINCT FROM NEW.created_at;
        changed := ((moved OR OLD.first_response_at IS DISTINCT FROM NEW.first_response_at)
                    AND (COALESCE(OLD.first_response_at < today, false) OR COALESCE(NEW.first_response_at < today, false)))
                OR ((moved OR OLD.resolved_at IS DISTINCT FROM NEW.resolved_at)
                    AND (COALESCE(OLD.resolved_at < today, false) OR COALESCE(NEW.resolved_at < today, false)));
    END IF;
    IF changed THEN
        UPDATE past_reach_version SET version = version + 1 WHERE id = 1;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER past_reach_insert_delete AFTER INSERT OR DELETE ON cases
    FOR EACH ROW EXECUTE FUNCTION past_reach_changed();
CREATE TRIGGER past_reach_update AFTER UPDATE OF embassy_id, queue_id, created_at, first_response_at, resolved_at ON cases
    FOR EACH ROW EXECUTE FUNCTION past_reach_changed();

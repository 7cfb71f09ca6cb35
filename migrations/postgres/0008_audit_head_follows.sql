-- The audit head follows the row appended under the next sequence number, within the
-- inserting statement. A change's transaction takes the number first (the head's `seq`
-- already equals the row's) and the insert sets the MAC; an event recorded alone is one
-- guarded insert (the head is one behind) that moves both.
CREATE FUNCTION audit_head_follows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE audit_head SET seq = NEW.seq, mac = NEW.mac WHERE id = 1 AND NEW.seq - seq IN (0, 1);
    RETURN NULL;
END
$$;
CREATE TRIGGER audit_head_follows AFTER INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_head_follows();

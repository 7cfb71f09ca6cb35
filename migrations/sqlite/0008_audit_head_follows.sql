-- The audit head follows the row appended under the next sequence number, within the
-- inserting statement. A change's transaction takes the number first (the head's `seq`
-- already equals the row's) and the insert sets the MAC; an event recorded alone is one
-- guarded insert (the head is one behind) that moves both.
CREATE TRIGGER audit_head_follows AFTER INSERT ON audit_log
BEGIN
    UPDATE audit_head SET seq = NEW.seq, mac = NEW.mac WHERE id = 1 AND NEW.seq - seq IN (0, 1);
END;

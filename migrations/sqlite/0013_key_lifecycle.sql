-- Key lifecycle: when every wrapped key and keyring-sealed secret had been re-wrapped
-- under a key (the end of its rotation), and when a key was retired (removed from the key
-- file but for the subkeys that check look-up tags and audit MACs).
ALTER TABLE key_checks ADD COLUMN rewrapped_at INTEGER;
ALTER TABLE key_checks ADD COLUMN retired_at INTEGER;

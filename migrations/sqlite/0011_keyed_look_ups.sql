-- Bearer tokens (desk and requester sessions, invitation and setup links) are stored as an
-- HMAC tag under the keyring's token look-up key instead of a plain SHA-256 (the column
-- keeps its name: a keyed hash). Values written before cannot match any more: live
-- sessions end (people sign in again) and unused invitations go (operators issue new
-- ones). Spent invitations stay as the record of who accepted them; their old value is
-- never looked up.
DELETE FROM staff_sessions;
DELETE FROM requester_sessions;
DELETE FROM invitations WHERE used_at IS NULL;

-- A receipt code is random: its HMAC tag (with the key id that made it) is all that
-- verification needs. The Argon2id hash goes.
ALTER TABLE receipts DROP COLUMN code_hash;

-- Accounts: every role gives a second factor, so the per-embassy switch that let
-- volunteers sign in without one goes; one-time password reset links, of which, as of
-- invitations, only the keyed tag of the link's token is stored.

ALTER TABLE embassies DROP COLUMN volunteers_need_totp;

CREATE TABLE password_resets (
    token_hash  BLOB PRIMARY KEY,
    person_id   TEXT NOT NULL REFERENCES people(id),
    issued_by   TEXT REFERENCES people(id),       -- NULL: the operator, on the command line
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER
) STRICT;
CREATE INDEX password_resets_by_person ON password_resets (person_id);

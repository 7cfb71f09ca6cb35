-- Passkeys (WebAuthn) as a second factor beside TOTP.
--
-- Each row is one credential of a person: its id as the authenticator made it (unique
-- across accounts: a credential serves one account only), and, sealed under the keyring
-- (bound to the row), the name its owner gave it and the credential itself (public key,
-- counter) as JSON. Sealing keeps write access to the database alone from planting a
-- credential.
CREATE TABLE passkeys (
    id             TEXT PRIMARY KEY,
    person_id      TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    credential_id  BYTEA NOT NULL UNIQUE,
    name           BYTEA NOT NULL,     -- sealed under the keyring
    credential     BYTEA NOT NULL,     -- sealed under the keyring
    created_at     BIGINT NOT NULL,
    last_used_at   BIGINT
);
CREATE INDEX passkeys_by_person ON passkeys (person_id);

-- A passkey ceremony under way: the challenge and what it may be answered with, kept on
-- the server between the page that offers it and the post that answers it, one per
-- session and kind, used once, and gone with its session. Sealed under the keyring.
CREATE TABLE passkey_ceremonies (
    token_hash  BYTEA NOT NULL REFERENCES staff_sessions(token_hash) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('register', 'authenticate')),
    state       BYTEA NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (token_hash, kind)
);

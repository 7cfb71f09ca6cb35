-- Requester receipts: the secret code is kept only as an HMAC (for look-up, with the key id
-- that made it) and an Argon2id hash (for verification).
CREATE TABLE receipts (
    case_id     TEXT PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
    key_id      BIGINT NOT NULL,
    lookup_tag  BYTEA NOT NULL UNIQUE,
    code_hash   TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

-- Attempt counters in fixed time windows. The scope is "global" or a blind index of a
-- reference, so known and unknown references are throttled alike.
CREATE TABLE throttle (
    scope         TEXT PRIMARY KEY,
    window_start  BIGINT NOT NULL,
    count         BIGINT NOT NULL
);

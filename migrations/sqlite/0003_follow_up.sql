-- The conversation of a case: messages from volunteers to the requester and the
-- requester's replies and added information. The body is sealed with the case's data key;
-- only who wrote it (a kind, and a person id for volunteers) and when stay clear.
CREATE TABLE case_messages (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    author      TEXT NOT NULL CHECK (author IN ('requester', 'volunteer')),
    kind        TEXT NOT NULL CHECK (kind IN ('reply', 'information')),
    person_id   TEXT REFERENCES people(id),
    created_at  INTEGER NOT NULL,
    sealed      BLOB NOT NULL
) STRICT;
CREATE INDEX case_messages_by_case ON case_messages (case_id, created_at);

-- Requester sessions opened with a reference and secret code: only a hash of the token.
CREATE TABLE requester_sessions (
    token_hash    BLOB PRIMARY KEY,
    case_id       TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    created_at    INTEGER NOT NULL,
    last_seen_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX requester_sessions_by_case ON requester_sessions (case_id);

-- Intake forms already submitted (a hash of their one-time token), so that a replayed post
-- cannot open a second case. Kept until the token would have expired anyway.
CREATE TABLE used_form_tokens (
    token_hash  BLOB PRIMARY KEY,
    used_at     INTEGER NOT NULL
) STRICT;
CREATE INDEX used_form_tokens_by_time ON used_form_tokens (used_at);

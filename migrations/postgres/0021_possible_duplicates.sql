-- Possible duplicates: a keyed blind index (truncated HMAC) of a request's normalised
-- contact handle and document number, one row per keyring key, so that requests indexed
-- before a key rotation still meet those indexed after it; the values stay sealed with the
-- case. Linked cases: a lead marks two requests as the same person's, one row each way.
CREATE TABLE case_look_ups (
    case_id  TEXT NOT NULL REFERENCES cases(id),
    kind     TEXT NOT NULL,                    -- contact | document_number
    key_id   BIGINT NOT NULL,
    tag      BYTEA NOT NULL,
    PRIMARY KEY (case_id, kind, key_id)
);
CREATE INDEX case_look_ups_by_tag ON case_look_ups (kind, key_id, tag);

CREATE TABLE case_links (
    case_id    TEXT NOT NULL REFERENCES cases(id),
    other_id   TEXT NOT NULL REFERENCES cases(id),
    linked_by  TEXT,
    linked_at  BIGINT NOT NULL,
    PRIMARY KEY (case_id, other_id)
);
CREATE INDEX case_links_by_other ON case_links (other_id);

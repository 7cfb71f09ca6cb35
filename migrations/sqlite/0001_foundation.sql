-- Foundation: embassies and their queues, cases with clear metadata only, wrapped case keys,
-- sealed case fields, people, and the hash-chained audit log.
-- Times are UTC seconds since the Unix epoch; ids are random UUIDs.

CREATE TABLE embassies (
    id          TEXT PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,          -- short name, e.g. the host country's ISO code
    country     TEXT NOT NULL,                 -- ISO 3166-1 alpha-2 of the host country
    name        TEXT NOT NULL,
    is_default  INTEGER NOT NULL DEFAULT 0,    -- receives cases from countries without an embassy
    created_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE queues (
    id          TEXT PRIMARY KEY,
    embassy_id  TEXT NOT NULL REFERENCES embassies(id),
    slug        TEXT NOT NULL,
    name        TEXT NOT NULL,
    category    TEXT,                          -- category routed here; NULL for the catch-all queue
    created_at  INTEGER NOT NULL,
    UNIQUE (embassy_id, slug)
) STRICT;

CREATE TABLE people (
    id                   TEXT PRIMARY KEY,
    login                TEXT NOT NULL UNIQUE,
    password_hash        TEXT NOT NULL,
    role                 TEXT NOT NULL CHECK (role IN ('volunteer', 'lead', 'admin')),
    embassy_id           TEXT REFERENCES embassies(id),
    active               INTEGER NOT NULL DEFAULT 1,
    created_at           INTEGER NOT NULL,
    password_changed_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE cases (
    id                      TEXT PRIMARY KEY,
    reference               TEXT NOT NULL UNIQUE,
    embassy_id              TEXT NOT NULL REFERENCES embassies(id),
    queue_id                TEXT NOT NULL REFERENCES queues(id),
    categories              TEXT NOT NULL,     -- comma-separated category names
    status                  TEXT NOT NULL,
    priority                INTEGER NOT NULL,  -- 0 urgent … 3 low
    language                TEXT NOT NULL,
    assignee_id             TEXT REFERENCES people(id),
    created_at              INTEGER NOT NULL,
    updated_at              INTEGER NOT NULL,
    first_response_due_at   INTEGER,
    first_response_at       INTEGER,
    resolved_at             INTEGER,
    closed_at               INTEGER,
    retain_until            INTEGER
) STRICT;
CREATE INDEX cases_by_queue ON cases (queue_id, status, priority, created_at);
CREATE INDEX cases_by_embassy ON cases (embassy_id, status, priority, created_at);
CREATE INDEX cases_by_assignee ON cases (assignee_id, status) WHERE assignee_id IS NOT NULL;
CREATE INDEX cases_by_retention ON cases (retain_until) WHERE retain_until IS NOT NULL;

-- A case's data key, wrapped by each holder that may open it. Deleting a case's rows here
-- destroys the case for good (crypto-shredding), in backups too.
CREATE TABLE case_keys (
    case_id     TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    holder      TEXT NOT NULL,
    wrapped     BLOB NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (case_id, holder)
) STRICT;

-- Sealed values of a case: one row per field, sealed with the case's data key.
CREATE TABLE case_fields (
    case_id  TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    name     TEXT NOT NULL,
    sealed   BLOB NOT NULL,
    PRIMARY KEY (case_id, name)
) STRICT;

-- Check values of the master keys this database was sealed with (not the keys).
CREATE TABLE key_checks (
    key_id      INTEGER PRIMARY KEY,
    check_value BLOB NOT NULL,
    created_at  INTEGER NOT NULL
) STRICT;

-- Append-only; each row's MAC covers the previous row's MAC. Never personal data or free text.
CREATE TABLE audit_log (
    seq        INTEGER PRIMARY KEY,
    at         INTEGER NOT NULL,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    object_id  TEXT,
    outcome    TEXT NOT NULL,
    key_id     INTEGER NOT NULL,
    mac        BLOB NOT NULL
) STRICT;
CREATE INDEX audit_by_object ON audit_log (object_id, seq);

-- The chain's head: the last sequence number and MAC, updated with every append, so that
-- removing rows from the end is detected too.
CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    mac  BLOB NOT NULL
) STRICT;
INSERT INTO audit_head (id, seq, mac) VALUES (1, 0, X'');

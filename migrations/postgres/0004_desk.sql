-- The volunteer desk: staff sessions, invitations, second factor, queue membership,
-- per-embassy service levels, internal notes, a clear timeline of changes, dated deadlines,
-- per-queue counters kept by triggers, and the indexes the queue pages page through.

ALTER TABLE people ADD COLUMN totp_secret BYTEA;              -- sealed under the keyring
ALTER TABLE people ADD COLUMN totp_last_step BIGINT;          -- last accepted step (replay guard)
ALTER TABLE people ADD COLUMN last_login_at BIGINT;
ALTER TABLE people ADD COLUMN deactivated_at BIGINT;

-- Service levels: hours to first response by priority; whether volunteers need a second factor.
ALTER TABLE embassies ADD COLUMN sla_urgent_hours BIGINT NOT NULL DEFAULT 4;
ALTER TABLE embassies ADD COLUMN sla_high_hours BIGINT NOT NULL DEFAULT 24;
ALTER TABLE embassies ADD COLUMN sla_normal_hours BIGINT NOT NULL DEFAULT 72;
ALTER TABLE embassies ADD COLUMN sla_low_hours BIGINT NOT NULL DEFAULT 120;
ALTER TABLE embassies ADD COLUMN volunteers_need_totp BIGINT NOT NULL DEFAULT 0;

-- Desk sessions: only a hash of the token. `stage` is 'password' until the second factor
-- is given (or enrolled), then 'full'.
CREATE TABLE staff_sessions (
    token_hash    BYTEA PRIMARY KEY,
    person_id     TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
    stage         TEXT NOT NULL CHECK (stage IN ('password', 'full')),
    created_at    BIGINT NOT NULL,
    last_seen_at  BIGINT NOT NULL
);
CREATE INDEX staff_sessions_by_person ON staff_sessions (person_id);

-- One-time invitations: only a hash of the link's token.
CREATE TABLE invitations (
    token_hash   BYTEA PRIMARY KEY,
    role         TEXT NOT NULL CHECK (role IN ('volunteer', 'lead', 'admin')),
    embassy_id   TEXT REFERENCES embassies(id),
    queue_ids    TEXT NOT NULL DEFAULT '',     -- comma-separated
    invited_by   TEXT REFERENCES people(id),      -- NULL: the setup link of the first admin
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    used_at      BIGINT,
    person_id    TEXT REFERENCES people(id)
);

CREATE TABLE queue_members (
    queue_id   TEXT NOT NULL REFERENCES queues(id),
    person_id  TEXT NOT NULL REFERENCES people(id),
    PRIMARY KEY (queue_id, person_id)
);
CREATE INDEX queue_members_by_person ON queue_members (person_id, queue_id);

-- Internal notes: sealed with the case's data key; never shown to the requester.
CREATE TABLE case_notes (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    person_id   TEXT NOT NULL REFERENCES people(id),
    created_at  BIGINT NOT NULL,
    sealed      BYTEA NOT NULL
);
CREATE INDEX case_notes_by_case ON case_notes (case_id, created_at);

-- What happened to a case, in clear vocabulary only (statuses, priorities, queue and
-- person ids, deadline kinds): never free text.
CREATE TABLE case_events (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    at          BIGINT NOT NULL,
    person_id   TEXT REFERENCES people(id),
    kind        TEXT NOT NULL,
    old_value   TEXT,
    new_value   TEXT
);
CREATE INDEX case_events_by_case ON case_events (case_id, at);

-- Dated deadlines of a case (appeal, permit expiry, …). `due_on` is a calendar date.
CREATE TABLE case_deadlines (
    id          TEXT PRIMARY KEY,
    case_id     TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    embassy_id  TEXT NOT NULL REFERENCES embassies(id),
    kind        TEXT NOT NULL,
    due_on      TEXT NOT NULL,
    created_by  TEXT NOT NULL REFERENCES people(id),
    created_at  BIGINT NOT NULL,
    done_at     BIGINT
);
CREATE INDEX case_deadlines_by_case ON case_deadlines (case_id, due_on);
CREATE INDEX case_deadlines_open_by_embassy ON case_deadlines (embassy_id, due_on) WHERE done_at IS NULL;

-- Queue pages: keyset pagination in (priority, created_at, id) order, for open cases per
-- embassy, per queue, per assignee and unassigned, and per exact status.
DROP INDEX cases_by_queue;
DROP INDEX cases_by_embassy;
CREATE INDEX cases_by_queue ON cases (queue_id, status, priority, created_at, id);
CREATE INDEX cases_by_embassy ON cases (embassy_id, status, priority, created_at, id);
CREATE INDEX cases_open_by_embassy ON cases (embassy_id, priority, created_at, id)
    WHERE status IN ('new', 'triaged', 'in_progress', 'waiting');
CREATE INDEX cases_open ON cases (priority, created_at, id)
    WHERE status IN ('new', 'triaged', 'in_progress', 'waiting');
CREATE INDEX cases_by_status ON cases (status, priority, created_at, id);
CREATE INDEX cases_open_by_queue ON cases (queue_id, priority, created_at, id)
    WHERE status IN ('new', 'triaged', 'in_progress', 'waiting');
CREATE INDEX cases_open_by_assignee ON cases (assignee_id, priority, created_at, id)
    WHERE status IN ('new', 'triaged', 'in_progress', 'waiting');
CREATE INDEX cases_open_unassigned ON cases (embassy_id, priority, created_at, id)
    WHERE assignee_id IS NULL AND status IN ('new', 'triaged', 'in_progress', 'waiting');
CREATE INDEX cases_open_unassigned_by_queue ON cases (queue_id, priority, created_at, id)
    WHERE assignee_id IS NULL AND status IN ('new', 'triaged', 'in_progress', 'waiting');

-- Counts per queue, status and whether assigned, kept in step with `cases` by triggers so
-- that the queue list never counts rows.
CREATE TABLE queue_counts (
    queue_id  TEXT NOT NULL,
    status    TEXT NOT NULL,
    assigned  BIGINT NOT NULL,
    n         BIGINT NOT NULL,
    PRIMARY KEY (queue_id, status, assigned)
);
INSERT INTO queue_counts (queue_id, status, assigned, n)
    SELECT queue_id, status, (assignee_id IS NOT NULL)::int, COUNT(*) FROM cases GROUP BY 1, 2, 3;

CREATE FUNCTION cases_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE queue_counts SET n = n - 1
            WHERE queue_id = OLD.queue_id AND status = OLD.status AND assigned = (OLD.assignee_id IS NOT NULL)::int;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO queue_counts (queue_id, status, assigned, n)
            VALUES (NEW.queue_id, NEW.status, (NEW.assignee_id IS NOT NULL)::int, 1)
            ON CONFLICT (queue_id, status, assigned) DO UPDATE SET n = queue_counts.n + 1;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER cases_count_insert AFTER INSERT ON cases FOR EACH ROW EXECUTE FUNCTION cases_count();
CREATE TRIGGER cases_count_update AFTER UPDATE OF queue_id, status, assignee_id ON cases FOR EACH ROW
    WHEN (OLD.queue_id IS DISTINCT FROM NEW.queue_id OR OLD.status IS DISTINCT FROM NEW.status
          OR (OLD.assignee_id IS NULL) IS DISTINCT FROM (NEW.assignee_id IS NULL))
    EXECUTE FUNCTION cases_count();
CREATE TRIGGER cases_count_delete AFTER DELETE ON cases FOR EACH ROW EXECUTE FUNCTION cases_count();

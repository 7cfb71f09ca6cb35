-- Notifications by e-mail. A person's address is sealed under the keyring (`people.email`,
-- re-wrapped on rotation like a second-factor secret) with the language their e-mails are
-- written in; their choice per kind is now, a daily digest, or off. `notifications` holds
-- what is still to be told (a kind and a queue, never a case), kept until an e-mail saying
-- it was accepted by the SMTP server, with its attempts and the time of the next one.
-- `notify_told` remembers which deadlines and overdue first responses were told, so each
-- is told once; `requester_notices` the requesters who asked for "there is a new message"
-- by e-mail, and whether one is waiting to be sent. Both go with their case when it is purged.
ALTER TABLE people ADD COLUMN email BYTEA;
ALTER TABLE people ADD COLUMN email_language TEXT;

CREATE TABLE notify_choices (
    person_id  TEXT NOT NULL REFERENCES people(id),
    kind       TEXT NOT NULL,
    mode       TEXT NOT NULL CHECK (mode IN ('now', 'digest', 'off')),
    PRIMARY KEY (person_id, kind)
);

CREATE TABLE notifications (
    id               TEXT PRIMARY KEY,
    person_id        TEXT NOT NULL REFERENCES people(id),
    kind             TEXT NOT NULL,
    queue_id         TEXT,
    created_at       BIGINT NOT NULL,
    attempts         BIGINT NOT NULL DEFAULT 0,
    next_attempt_at  BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX notifications_by_person ON notifications (person_id, created_at);

CREATE TABLE notify_told (
    case_id  TEXT NOT NULL REFERENCES cases(id),
    what     TEXT NOT NULL,                    -- overdue | deadline:<deadline id>
    told_at  BIGINT NOT NULL,
    PRIMARY KEY (case_id, what)
);

CREATE TABLE requester_notices (
    case_id          TEXT PRIMARY KEY REFERENCES cases(id),
    pending_since    BIGINT,
    attempts         BIGINT NOT NULL DEFAULT 0,
    next_attempt_at  BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX requester_notices_pending ON requester_notices (next_attempt_at) WHERE pending_since IS NOT NULL;

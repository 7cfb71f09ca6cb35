-- Canned replies: an embassy's standard texts in each language, kept by its leads, which a
-- volunteer puts into a reply and adapts. They are the desk's own wording, never what a
-- requester wrote, so they are stored clear like the names of queues.
CREATE TABLE canned_replies (
    id          TEXT PRIMARY KEY,
    embassy_id  TEXT NOT NULL REFERENCES embassies(id),
    language    TEXT NOT NULL,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;
CREATE INDEX canned_replies_by_embassy ON canned_replies (embassy_id, language, title);

-- The automatic acknowledgement: an embassy's text per language, posted to a new case's
-- thread at intake while the embassy has it switched on.
CREATE TABLE acknowledgements (
    embassy_id  TEXT NOT NULL REFERENCES embassies(id),
    language    TEXT NOT NULL,
    body        TEXT NOT NULL,
    PRIMARY KEY (embassy_id, language)
) STRICT;
ALTER TABLE embassies ADD COLUMN acknowledge INTEGER NOT NULL DEFAULT 0;

-- A message the desk posted by itself (the acknowledgement): it is not a first response.
ALTER TABLE case_messages ADD COLUMN automatic INTEGER NOT NULL DEFAULT 0;

-- Documents: scans and photos sent by a requester (at intake or from the follow-up page) or
-- attached by a volunteer to a reply.
--
-- Each document has its own random key. While a document is staged (uploaded with a form
-- that has not been accepted yet) the key is sealed under the keyring (`staged_key`) and the
-- row names the upload that staged it by a keyed tag (`staged_by`); when the form is
-- accepted, in the same transaction, the key is sealed under the case key (`wrapped_key`),
-- `case_id` is set and both staging columns are cleared. Name, type, true size and what
-- was removed from the file are sealed under the file's key (`sealed_meta`). The bytes are
-- in `document_chunks`: the stripped file padded to its size bucket, sealed in 64 KiB
-- chunks (STREAM), so `padded_size` tells only the bucket.
CREATE TABLE documents (
    id            TEXT PRIMARY KEY,
    case_id       TEXT REFERENCES cases(id),
    origin        TEXT NOT NULL CHECK (origin IN ('requester', 'desk')),
    person_id     TEXT REFERENCES people(id),
    message_id    TEXT,
    staged_by     BLOB,
    staged_key    BLOB,                -- sealed under the keyring while staged
    wrapped_key   BLOB,                -- sealed under the case key once attached
    nonce_prefix  BLOB NOT NULL,
    sealed_meta   BLOB,                -- set when the last chunk is stored
    padded_size   INTEGER NOT NULL DEFAULT 0,
    chunks        INTEGER NOT NULL DEFAULT 0,
    created_at    INTEGER NOT NULL,
    CHECK ((case_id IS NULL) = (wrapped_key IS NULL)),
    CHECK ((staged_key IS NULL) = (staged_by IS NULL)),
    CHECK (case_id IS NOT NULL OR staged_key IS NOT NULL)
) STRICT;
CREATE INDEX documents_by_case ON documents (case_id, created_at);
CREATE INDEX documents_staged ON documents (staged_by);

CREATE TABLE document_chunks (
    document_id  TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
    seq          INTEGER NOT NULL,
    sealed       BLOB NOT NULL,
    PRIMARY KEY (document_id, seq)
) STRICT, WITHOUT ROWID;

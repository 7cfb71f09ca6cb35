-- A case's wrapped keys and sealed fields are always read by case: the queue page reads the
-- server's wrapped key and the sealed chosen name of each of its fifty cases, a case opening
-- all fields of one case. Stored with a rowid, each such read went down the primary-key index
-- and then down the table (two searches of a tree of millions of rows, on pages scattered in
-- the order the rows were written). Without a rowid the primary key is the table: one search,
-- and a case's rows sit together. (At a million cases, with pages read from the operating
-- system rather than SQLite's cache, as after a restart, the queue page's list read 0.8 ms
-- before and 0.25–0.3 ms after.)
CREATE TABLE case_keys_by_case (
    case_id     TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    holder      TEXT NOT NULL,
    wrapped     BLOB NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (case_id, holder)
) STRICT, WITHOUT ROWID;
INSERT INTO case_keys_by_case (case_id, holder, wrapped, created_at)
    SELECT case_id, holder, wrapped, created_at FROM case_keys ORDER BY case_id, holder;
DROP TABLE case_keys;
ALTER TABLE case_keys_by_case RENAME TO case_keys;

CREATE TABLE case_fields_by_case (
    case_id  TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
    name     TEXT NOT NULL,
    sealed   BLOB NOT NULL,
    PRIMARY KEY (case_id, name)
) STRICT, WITHOUT ROWID;
INSERT INTO case_fields_by_case (case_id, name, sealed)
    SELECT case_id, name, sealed FROM case_fields ORDER BY case_id, name;
DROP TABLE case_fields;
ALTER TABLE case_fields_by_case RENAME TO case_fields;

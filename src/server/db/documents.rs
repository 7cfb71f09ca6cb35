//! Document rows: `documents` (clear: case, origin, staging, sizes; sealed: keys and
//! metadata) and `document_chunks` (the sealed bytes, one row per 64 KiB chunk). Chunks are
//! written one statement at a time while a file arrives, so no transaction is held open for
//! the length of an upload; a document is part of a case only once `attach` has run in the
//! transaction of the change that brought it.

use super::{arguments, now, placeholder_list, Arg, Conn, Db, DbError, Tx};
use sqlx::Row;

/// A staged document as first written, before its bytes arrive.
pub struct NewStaged<'a> {
    pub id: &'a str,
    pub origin: &'a str,
    pub person_id: Option<&'a str>,
    pub staged_by: &'a [u8],
    pub staged_key: &'a [u8],
    pub nonce_prefix: &'a [u8],
}

pub async fn insert_staged(db: &Db, new: &NewStaged<'_>) -> Result<(), DbError> {
    sqlx::query("INSERT INTO documents (id, origin, person_id, staged_by, staged_key, nonce_prefix, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(new.id)
        .bind(new.origin)
        .bind(new.person_id)
        .bind(new.staged_by)
        .bind(new.staged_key)
        .bind(new.nonce_prefix)
        .bind(now())
        .execute(db.pool())
        .await?;
    Ok(())
}

pub async fn insert_chunk(db: &Db, document_id: &str, seq: i64, sealed: &[u8]) -> Result<(), DbError> {
    sqlx::query("INSERT INTO document_chunks (document_id, seq, sealed) VALUES ($1, $2, $3)")
        .bind(document_id)
        .bind(seq)
        .bind(sealed)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Marks a staged document complete: its sealed metadata, padded size and chunk count.
pub async fn complete(db: &Db, document_id: &str, sealed_meta: &[u8], padded_size: i64, chunks: i64) -> Result<(), DbError> {
    sqlx::query("UPDATE documents SET sealed_meta = $1, padded_size = $2, chunks = $3 WHERE id = $4 AND case_id IS NULL")
        .bind(sealed_meta)
        .bind(padded_size)
        .bind(chunks)
        .bind(document_id)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Removes a document that was refused or abandoned while staged, chunks first.
pub async fn discard(db: &Db, document_id: &str) -> Result<(), DbError> {
    let mut tx = db.begin().await?;
    drop_staged(&mut tx, document_id).await?;
    tx.commit().await?;
    Ok(())
}

/// A complete staged document of one upload.
#[derive(sqlx::FromRow)]
pub struct StagedRow {
    pub id: String,
    pub staged_key: Vec<u8>,
    pub sealed_meta: Vec<u8>,
}

/// The complete documents staged by the upload whose token has one of `tags`, oldest first.
pub async fn staged(conn: &mut Conn, tags: &[Vec<u8>]) -> Result<Vec<StagedRow>, DbError> {
    let args: Vec<Arg> = tags.iter().cloned().map(Arg::Bytes).collect();
    let sql = format!(
        "SELECT id, staged_key, sealed_meta FROM documents WHERE staged_by IN ({}) AND sealed_meta IS NOT NULL ORDER BY created_at, id",
        placeholder_list(1, args.len())
    );
    Ok(sqlx::query_as_with(&sql, arguments(&args)).fetch_all(&mut *conn).await?)
}

/// Makes a staged document part of its case: its key now sealed under the case key, the
/// staging columns cleared. False if it was no longer staged (attached by another request).
pub async fn attach(tx: &mut Tx, document_id: &str, case_id: &str, wrapped_key: &[u8], message_id: Option<&str>) -> Result<bool, DbError> {
    let done = sqlx::query(
        "UPDATE documents SET case_id = $1, wrapped_key = $2, message_id = $3, staged_by = NULL, staged_key = NULL, created_at = $4 \
         WHERE id = $5 AND case_id IS NULL",
    )
    .bind(case_id)
    .bind(wrapped_key)
    .bind(message_id)
    .bind(now())
    .bind(document_id)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Drops staged documents in `tx` (those the person chose not to send).
pub async fn drop_staged(tx: &mut Tx, document_id: &str) -> Result<(), DbError> {
    sqlx::query("DELETE FROM document_chunks WHERE document_id = $1").bind(document_id).execute(&mut **tx).await?;
    sqlx::query("DELETE FROM documents WHERE id = $1 AND case_id IS NULL").bind(document_id).execute(&mut **tx).await?;
    Ok(())
}

/// A document of a case as stored.
#[derive(sqlx::FromRow)]
pub struct DocumentRow {
    pub id: String,
    pub origin: String,
    pub person_id: Option<String>,
    pub message_id: Option<String>,
    pub wrapped_key: Vec<u8>,
    pub nonce_prefix: Vec<u8>,
    pub sealed_meta: Vec<u8>,
    pub padded_size: i64,
    pub chunks: i64,
    pub created_at: i64,
}

const DOCUMENT_COLUMNS: &str = "id, origin, person_id, message_id, wrapped_key, nonce_prefix, sealed_meta, padded_size, chunks, created_at";

/// The documents of a case, oldest first.
pub async fn of_case(conn: &mut Conn, case_id: &str) -> Result<Vec<DocumentRow>, DbError> {
    Ok(sqlx::query_as(&format!("SELECT {DOCUMENT_COLUMNS} FROM documents WHERE case_id = $1 ORDER BY created_at, id"))
        .bind(case_id)
        .fetch_all(&mut *conn)
        .await?)
}

/// One document of a case; `None` if the case has no such document.
pub async fn one(conn: &mut Conn, case_id: &str, document_id: &str) -> Result<Option<DocumentRow>, DbError> {
    Ok(sqlx::query_as(&format!("SELECT {DOCUMENT_COLUMNS} FROM documents WHERE case_id = $1 AND id = $2"))
        .bind(case_id)
        .bind(document_id)
        .fetch_optional(&mut *conn)
        .await?)
}

/// Bytes of padded documents a case holds.
pub async fn bytes_of_case(conn: &mut Conn, case_id: &str) -> Result<i64, DbError> {
    let row = sqlx::query("SELECT CAST(COALESCE(SUM(padded_size), 0) AS BIGINT) FROM documents WHERE case_id = $1").bind(case_id).fetch_one(&mut *conn).await?;
    Ok(row.try_get(0)?)
}

/// One sealed chunk of a document.
pub async fn chunk(db: &Db, document_id: &str, seq: i64) -> Result<Option<Vec<u8>>, DbError> {
    Ok(sqlx::query_scalar("SELECT sealed FROM document_chunks WHERE document_id = $1 AND seq = $2")
        .bind(document_id)
        .bind(seq)
        .fetch_optional(db.pool())
        .await?)
}

/// Deletes every document of a case and its chunks (purge and deletion).
pub async fn delete_of_case(tx: &mut Tx, case_id: &str) -> Result<(), DbError> {
    sqlx::query("DELETE FROM document_chunks WHERE document_id IN (SELECT id FROM documents WHERE case_id = $1)").bind(case_id).execute(&mut **tx).await?;
    sqlx::query("DELETE FROM documents WHERE case_id = $1").bind(case_id).execute(&mut **tx).await?;
    Ok(())
}

/// Forgets documents staged before `before` and never attached (a form abandoned after a
/// refusal, an upload cut off). Returns how many.
pub async fn prune_staged(db: &Db, before: i64) -> Result<u64, DbError> {
    let mut tx = db.begin().await?;
    sqlx::query("DELETE FROM document_chunks WHERE document_id IN (SELECT id FROM documents WHERE case_id IS NULL AND created_at < $1)")
        .bind(before)
        .execute(&mut *tx)
        .await?;
    let done = sqlx::query("DELETE FROM documents WHERE case_id IS NULL AND created_at < $1").bind(before).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(done.rows_affected())
}

/// The padded sizes of the complete documents staged under one of `tags`.
pub async fn staged_sizes(conn: &mut Conn, tags: &[Vec<u8>]) -> Result<Vec<i64>, DbError> {
    let args: Vec<Arg> = tags.iter().cloned().map(Arg::Bytes).collect();
    let sql = format!("SELECT padded_size FROM documents WHERE staged_by IN ({}) AND sealed_meta IS NOT NULL", placeholder_list(1, args.len()));
    Ok(sqlx::query_scalar_with(&sql, arguments(&args)).fetch_all(&mut *conn).await?)
}

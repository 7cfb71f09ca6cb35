//! Check values of the master keys: recorded on first use, compared at every start-up;
//! and each key's lifecycle (when its rotation's re-wrap ended, when it was retired).

use super::{now, Conn, DbError, Tx};
use crate::server::crypto::{Keyring, KeyringMismatch};
use sqlx::Row as _;

/// Why the keyring cannot be used with this database.
#[derive(Debug, thiserror::Error)]
pub enum KeyCheckError {
    #[error(transparent)]
    Mismatch(#[from] KeyringMismatch),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Refuses a keyring that is not the one this database was sealed with, then records the
/// check values of keys the database has not seen yet (a new database, or a rotation) in
/// the caller's transaction; returns the ids of the keys recorded now (for its audit rows).
pub async fn verify_and_record(tx: &mut Tx, keyring: &Keyring) -> Result<Vec<u32>, KeyCheckError> {
    let mut added_ids = Vec::new();
    // A retired key is no longer in the key file as a key; its row stays for the record.
    let stored: Vec<(u32, Vec<u8>)> = sqlx::query("SELECT key_id, check_value FROM key_checks WHERE retired_at IS NULL")
        .fetch_all(&mut **tx)
        .await
        .map_err(DbError::from)?
        .into_iter()
        .map(|row| Ok((u32::try_from(row.try_get::<i64, _>(0)?).unwrap_or(u32::MAX), row.try_get::<Vec<u8>, _>(1)?)))
        .collect::<Result<_, sqlx::Error>>()
        .map_err(DbError::from)?;
    keyring.verify_against(&stored)?;
    for id in keyring.key_ids().into_iter().filter(|id| !stored.iter().any(|(s, _)| s == id)) {
        let value = keyring.check_value(id).expect("id comes from the keyring");
        // Two instances starting together: one records, the other skips and compares next start.
        let added = sqlx::query("INSERT INTO key_checks (key_id, check_value, created_at) VALUES ($1, $2, $3) ON CONFLICT (key_id) DO NOTHING")
            .bind(i64::from(id))
            .bind(value)
            .bind(now())
            .execute(&mut **tx)
            .await
            .map_err(DbError::from)?
            .rows_affected();
        if added == 1 {
            added_ids.push(id);
        }
    }
    Ok(added_ids)
}

/// One key as the database knows it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct KeyRecord {
    pub key_id: i64,
    pub created_at: i64,
    pub rewrapped_at: Option<i64>,
    pub retired_at: Option<i64>,
}

/// Every key the database has seen, oldest first.
pub async fn all(conn: &mut Conn) -> Result<Vec<KeyRecord>, DbError> {
    Ok(sqlx::query_as("SELECT key_id, created_at, rewrapped_at, retired_at FROM key_checks ORDER BY key_id").fetch_all(&mut *conn).await?)
}

/// Records that nothing wrapped or sealed under an older key remained when `key_id` was
/// active (the end of its rotation).
pub async fn mark_rewrapped(tx: &mut Tx, key_id: u32) -> Result<(), DbError> {
    sqlx::query("UPDATE key_checks SET rewrapped_at = $2 WHERE key_id = $1 AND rewrapped_at IS NULL")
        .bind(i64::from(key_id))
        .bind(now())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Records that `key_id` is retired; returns whether it was not already.
pub async fn mark_retired(tx: &mut Tx, key_id: u32) -> Result<bool, DbError> {
    let marked = sqlx::query("UPDATE key_checks SET retired_at = $2 WHERE key_id = $1 AND retired_at IS NULL")
        .bind(i64::from(key_id))
        .bind(now())
        .execute(&mut **tx)
        .await?;
    Ok(marked.rows_affected() == 1)
}

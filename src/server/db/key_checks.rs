//! Check values of the master keys: recorded on first use, compared at every start-up.

use super::{now, DbError, Tx};
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
    let stored: Vec<(u32, Vec<u8>)> = sqlx::query("SELECT key_id, check_value FROM key_checks")
        .fetch_all(&mut **tx)
        .await
        .map_err(DbError::from)?
        .into_iter()
        .map(|row| Ok((u32::try_from(row.try_get::<i64, _>(0)?).unwrap_or(u32::MAX), row.try_get::<Vec<u8>, _>(1)?)))
        .collect::<Result<_, sqlx::Error>>()
        .map_err(DbError::from)?;
    keyring.verify_against(&stored)?;
    for id in keyring.key_ids().filter(|id| !stored.iter().any(|(s, _)| s == id)) {
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

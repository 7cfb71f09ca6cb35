//! Check values of the master keys: recorded on first use, compared at every start-up.

use super::{now, Db, DbError};
use crate::server::crypto::{Keyring, KeyringMismatch};
use sqlx::Row;

/// Why the keyring cannot be used with this database.
#[derive(Debug, thiserror::Error)]
pub enum KeyCheckError {
    #[error(transparent)]
    Mismatch(#[from] KeyringMismatch),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Refuses a keyring that is not the one this database was sealed with, then records the
/// check values of keys the database has not seen yet (a new database, or a rotation).
pub async fn verify_and_record(db: &Db, keyring: &Keyring) -> Result<(), KeyCheckError> {
    let mut tx = db.begin().await?;
    let stored: Vec<(u32, Vec<u8>)> = sqlx::query("SELECT key_id, check_value FROM key_checks")
        .fetch_all(&mut *tx)
        .await
        .map_err(DbError::from)?
        .into_iter()
        .map(|row| (row.get::<i64, _>(0) as u32, row.get::<Vec<u8>, _>(1)))
        .collect();
    keyring.verify_against(&stored)?;
    for id in keyring.key_ids().filter(|id| !stored.iter().any(|(s, _)| s == id)) {
        let value = keyring.check_value(id).expect("id comes from the keyring");
        sqlx::query("INSERT INTO key_checks (key_id, check_value, created_at) VALUES ($1, $2, $3)")
            .bind(i64::from(id))
            .bind(value)
            .bind(now())
            .execute(&mut *tx)
            .await
            .map_err(DbError::from)?;
    }
    tx.commit().await.map_err(DbError::from)?;
    Ok(())
}

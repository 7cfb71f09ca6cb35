//! Check values of the master keys: recorded on first use, compared at every start-up.

use super::{now, Db, DbError};
use crate::domain::AuditAction;
use crate::server::{
    audit::{self, AuditEvent, Outcome},
    crypto::{Keyring, KeyringMismatch},
};
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
/// check values of keys the database has not seen yet (a new database, or a rotation).
pub async fn verify_and_record(db: &Db, keyring: &Keyring) -> Result<(), KeyCheckError> {
    let mut tx = db.begin().await?;
    let stored: Vec<(u32, Vec<u8>)> = sqlx::query("SELECT key_id, check_value FROM key_checks")
        .fetch_all(&mut *tx)
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
            .execute(&mut *tx)
            .await
            .map_err(DbError::from)?
            .rows_affected();
        if added == 1 {
            let key = id.to_string();
            audit::append(&mut tx, keyring, &AuditEvent::new("system", AuditAction::KeyAdd, Some(&key), Outcome::Ok)).await?;
        }
    }
    tx.commit().await.map_err(DbError::from)?;
    Ok(())
}

//! Re-wrapping: every wrapped case key and every keyring-sealed secret that names an older
//! key is opened and sealed again under the active key, a batch per transaction (with its
//! audit row), so that an interrupted run loses nothing and the next run goes on with what
//! still names an older key.

use crate::domain::AuditAction;
use crate::server::{
    audit::{self, AuditEvent, Outcome},
    crypto::{key_id_of, Keyring, Place, SERVER_HOLDER},
    db::{key_checks, Db, DbError},
};
use sqlx::Row;

/// Rows read and re-wrapped per transaction.
const BATCH: i64 = 500;

/// A column of values sealed under the keyring (not under a case key), and the place each
/// value is bound to: `{case: "", table, column, row: <id>}`.
pub struct KeyringSealedColumn {
    pub table: &'static str,
    pub id: &'static str,
    pub column: &'static str,
}

/// Every column sealed under the keyring. A new one is added here, or rotation would leave
/// it under a key that retirement then removes.
pub const KEYRING_SEALED: &[KeyringSealedColumn] = &[KeyringSealedColumn { table: "people", id: "id", column: "totp_secret" }];

/// How many values name each key, or were re-wrapped.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Counts {
    pub case_keys: u64,
    pub secrets: u64,
}

impl Counts {
    pub fn total(&self) -> u64 {
        self.case_keys + self.secrets
    }
}

/// One stored value that names a keyring key.
struct Stored {
    /// Keyset position: the case id and holder of a case key, or a row's id.
    after: (String, String),
    value: Vec<u8>,
}

async fn case_key_batch(db: &Db, after: &(String, String)) -> Result<Vec<Stored>, DbError> {
    let rows =
        sqlx::query("SELECT case_id, holder, wrapped FROM case_keys WHERE case_id > $1 OR (case_id = $1 AND holder > $2) ORDER BY case_id, holder LIMIT $3")
            .bind(&after.0)
            .bind(&after.1)
            .bind(BATCH)
            .fetch_all(db.pool())
            .await?;
    rows.iter().map(|r| Ok(Stored { after: (r.try_get(0)?, r.try_get(1)?), value: r.try_get(2)? })).collect::<Result<_, sqlx::Error>>().map_err(DbError::from)
}

async fn secret_batch(db: &Db, column: &KeyringSealedColumn, after: &str) -> Result<Vec<Stored>, DbError> {
    let KeyringSealedColumn { table, id, column } = column;
    let rows = sqlx::query(&format!("SELECT {id}, {column} FROM {table} WHERE {column} IS NOT NULL AND {id} > $1 ORDER BY {id} LIMIT $2"))
        .bind(after)
        .bind(BATCH)
        .fetch_all(db.pool())
        .await?;
    rows.iter().map(|r| Ok(Stored { after: (r.try_get(0)?, String::new()), value: r.try_get(1)? })).collect::<Result<_, sqlx::Error>>().map_err(DbError::from)
}

/// Counts the values that name key `key_id` (all keys when `None` but the active one).
pub async fn uses(db: &Db, keyring: &Keyring, key_id: Option<u32>) -> Result<Counts, DbError> {
    let names = |value: &[u8]| key_id_of(value).is_ok_and(|id| key_id.map_or(id != keyring.active_key_id(), |k| id == k));
    let mut counts = Counts::default();
    let mut after = (String::new(), String::new());
    loop {
        let batch = case_key_batch(db, &after).await?;
        let Some(last) = batch.last() else { break };
        after = last.after.clone();
        counts.case_keys += batch.iter().filter(|s| names(&s.value)).count() as u64;
    }
    for column in KEYRING_SEALED {
        let mut after = String::new();
        loop {
            let batch = secret_batch(db, column, &after).await?;
            let Some(last) = batch.last() else { break };
            after = last.after.0.clone();
            counts.secrets += batch.iter().filter(|s| names(&s.value)).count() as u64;
        }
    }
    Ok(counts)
}

/// Re-wraps under the active key everything that names an older key; logs its progress
/// and, when nothing older is left, records the end of the rotation. Values an older key
/// cannot open (damaged, or under a key the file no longer holds) are left and counted.
pub async fn run(db: &Db, keyring: &Keyring) -> Result<Counts, DbError> {
    let active = keyring.active_key_id();
    let actor_key = active.to_string();
    let mut done = Counts::default();
    let mut unreadable = 0u64;
    let mut after = (String::new(), String::new());
    loop {
        let batch = case_key_batch(db, &after).await?;
        let Some(last) = batch.last() else { break };
        after = last.after.clone();
        let mut tx = db.begin().await?;
        let mut changed = 0u64;
        for stored in batch.iter().filter(|s| key_id_of(&s.value).is_ok_and(|id| id != active)) {
            let (case_id, holder) = &stored.after;
            if holder != SERVER_HOLDER {
                continue;
            }
            let Ok(key) = keyring.unwrap_case_key(case_id, &stored.value) else {
                unreadable += 1;
                continue;
            };
            // Compared with the value read: a case shredded meanwhile is not brought back.
            changed += sqlx::query("UPDATE case_keys SET wrapped = $1 WHERE case_id = $2 AND holder = $3 AND wrapped = $4")
                .bind(keyring.wrap_case_key(case_id, &key))
                .bind(case_id)
                .bind(holder)
                .bind(&stored.value)
                .execute(&mut *tx)
                .await?
                .rows_affected();
        }
        if changed > 0 {
            audit::append(&mut tx, keyring, &AuditEvent::new("system", AuditAction::KeyRewrap, Some(&actor_key), Outcome::Ok)).await?;
            done.case_keys += changed;
            tracing::info!(key_id = active, case_keys = done.case_keys, "re-wrapping case keys under the active key");
        }
        tx.commit().await?;
    }
    for column in KEYRING_SEALED {
        let mut after = String::new();
        loop {
            let batch = secret_batch(db, column, &after).await?;
            let Some(last) = batch.last() else { break };
            after = last.after.0.clone();
            let mut tx = db.begin().await?;
            let mut changed = 0u64;
            for stored in batch.iter().filter(|s| key_id_of(&s.value).is_ok_and(|id| id != active)) {
                let place = Place { case: "", table: column.table, column: column.column, row: &stored.after.0 };
                let Ok(plain) = keyring.open_secret(&place, &stored.value) else {
                    unreadable += 1;
                    continue;
                };
                let sql = format!("UPDATE {} SET {col} = $1 WHERE {} = $2 AND {col} = $3", column.table, column.id, col = column.column);
                changed += sqlx::query(&sql)
                    .bind(keyring.seal_secret(&place, &plain))
                    .bind(&stored.after.0)
                    .bind(&stored.value)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
            }
            if changed > 0 {
                audit::append(&mut tx, keyring, &AuditEvent::new("system", AuditAction::KeyRewrap, Some(&actor_key), Outcome::Ok)).await?;
                done.secrets += changed;
                tracing::info!(key_id = active, secrets = done.secrets, "re-sealing keyring secrets under the active key");
            }
            tx.commit().await?;
        }
    }
    if unreadable > 0 {
        tracing::warn!(unreadable, "values under a key this key file cannot open were left as they are");
    } else if uses(db, keyring, None).await?.total() == 0 {
        let mut tx = db.begin().await?;
        key_checks::mark_rewrapped(&mut tx, active).await?;
        tx.commit().await?;
    }
    tracing::info!(key_id = active, case_keys = done.case_keys, secrets = done.secrets, "re-wrap finished");
    Ok(done)
}

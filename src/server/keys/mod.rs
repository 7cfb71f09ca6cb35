//! The master keys' lifecycle: new keys recorded (and audited) when the key file gains
//! them, rotation (a new active key, then everything re-wrapped under it), retirement (an
//! old key removed from the key file once nothing uses it), and the server's schedule for
//! both. Retirement is what makes a deleted or purged case unreadable in every copy of the
//! database made before: those copies hold its data key only wrapped under retired keys.

pub mod rewrap;

use crate::domain::AuditAction;
use crate::server::{
    audit::{self, AuditEvent, Outcome},
    config::Config,
    crypto::{KeyFileError, Keyring},
    db::{key_checks, now, Db, DbError},
    AppState,
};
use rewrap::Counts;
use std::{path::Path, time::Duration};

/// How often a running server reads the key file again, to take up a rotation or a
/// retirement done with the command line.
pub const RELOAD_EVERY: Duration = Duration::from_secs(60);
/// A key is retired only when the active key was recorded this long ago, so that every
/// running server has read the key file since and wraps nothing new under the old key.
pub const RETIRE_GRACE_SECS: i64 = 3 * RELOAD_EVERY.as_secs() as i64;
/// How often the server looks whether a rotation or retirement is due.
const SCHEDULE_EVERY: Duration = Duration::from_secs(60 * 60);
const DAY_SECS: i64 = 24 * 60 * 60;

/// Why a lifecycle step did not happen; each message is one line an operator can act on.
#[derive(Debug, thiserror::Error)]
pub enum KeyLifecycleError {
    #[error("{0}")]
    KeyFile(#[from] KeyFileError),
    #[error("{0}")]
    Db(#[from] DbError),
    #[error("{0}")]
    KeyCheck(#[from] key_checks::KeyCheckError),
    #[error("key {id} is still used by {case_keys} case keys and {secrets} second-factor secrets; run `embassy-desk keygen rewrap` (or let the server finish its re-wrap) first", case_keys = .counts.case_keys, secrets = .counts.secrets)]
    InUse { id: u32, counts: Counts },
    #[error("the database knows key {known}, which this key file lacks (it was rotated with another copy of the key file); use that copy here")]
    Elsewhere { known: i64 },
    #[error("key {0} is the active key; rotate first (`embassy-desk keygen rotate`)")]
    Active(u32),
    #[error("the key file holds no key {0}")]
    Unknown(u32),
    #[error("key {active} became active less than {minutes} minutes ago; wait until every running server has read the key file, then retire key {id}", minutes = RETIRE_GRACE_SECS / 60)]
    TooSoon { id: u32, active: u32 },
}

/// Checks the keyring against the database and records keys it has not seen, each with an
/// audit row, in one transaction; returns their ids.
pub async fn record_new_keys(db: &Db, keyring: &Keyring) -> Result<Vec<u32>, KeyLifecycleError> {
    let mut tx = db.begin().await?;
    let added = key_checks::verify_and_record(&mut tx, keyring).await?;
    for id in &added {
        audit::append(&mut tx, keyring, &AuditEvent::new("system", AuditAction::KeyAdd, Some(&id.to_string()), Outcome::Ok)).await?;
    }
    tx.commit().await.map_err(DbError::from)?;
    Ok(added)
}

/// Adds a new active key to the key file, takes it up, and re-wraps everything under it.
/// Interrupted, it is resumed by `keygen rewrap` or by the server at its next start.
pub async fn rotate(db: &Db, keyring: &Keyring, key_file: &Path) -> Result<(u32, Counts), KeyLifecycleError> {
    keyring.reload(key_file)?;
    // A key the database knows beyond this file's was added with another copy of the key
    // file; adding one here would give that id a second, different key.
    let known = key_checks::all(&mut *db.acquire().await?).await?.iter().map(|r| r.key_id).max().unwrap_or(0);
    if known > i64::from(keyring.highest_key_id()) {
        return Err(KeyLifecycleError::Elsewhere { known });
    }
    let id = Keyring::rotate_file(key_file)?;
    keyring.reload(key_file)?;
    record_new_keys(db, keyring).await?;
    let counts = rewrap::run(db, keyring).await?;
    Ok((id, counts))
}

/// Removes key `id` from the key file once nothing uses it, keeping only the subkeys that
/// check receipt tags and audit MACs made under it. Marked in the database (with its audit
/// row) before the file changes, so a failure in between leaves a key file that still
/// opens everything; retiring again finishes it.
pub async fn retire(db: &Db, keyring: &Keyring, key_file: &Path, id: u32) -> Result<(), KeyLifecycleError> {
    keyring.reload(key_file)?;
    let active = keyring.active_key_id();
    if id == active {
        return Err(KeyLifecycleError::Active(id));
    }
    let retired_in_file = keyring.retired_key_ids().contains(&id);
    if !retired_in_file && !keyring.key_ids().contains(&id) {
        return Err(KeyLifecycleError::Unknown(id));
    }
    record_new_keys(db, keyring).await?;
    let records = key_checks::all(&mut *db.acquire().await?).await?;
    let active_since = records.iter().find(|r| r.key_id == i64::from(active)).map_or(i64::MAX, |r| r.created_at);
    if active_since > now() - RETIRE_GRACE_SECS {
        return Err(KeyLifecycleError::TooSoon { id, active });
    }
    if !retired_in_file {
        let counts = rewrap::uses(db, keyring, Some(id)).await?;
        if counts.total() > 0 {
            return Err(KeyLifecycleError::InUse { id, counts });
        }
    }
    let mut tx = db.begin().await?;
    crate::server::cases::look_ups::forget_key(&mut tx, id).await?;
    if key_checks::mark_retired(&mut tx, id).await? {
        audit::append(&mut tx, keyring, &AuditEvent::new("system", AuditAction::KeyRetire, Some(&id.to_string()), Outcome::Ok)).await?;
    }
    tx.commit().await.map_err(DbError::from)?;
    Keyring::retire_in_file(key_file, id)?;
    keyring.reload(key_file)?;
    Ok(())
}

/// Reads the key file again and, if it changed and the database accepts it (no key of it
/// differs from the one recorded under its id), uses it from now on and finishes its rotation.
pub async fn take_up_key_file(db: &Db, keyring: &Keyring, key_file: &Path) -> Result<(), KeyLifecycleError> {
    let fresh = Keyring::load(key_file)?;
    if fresh.key_ids() == keyring.key_ids() && fresh.retired_key_ids() == keyring.retired_key_ids() {
        return Ok(());
    }
    record_new_keys(db, &fresh).await?;
    keyring.take(fresh);
    tracing::info!(active = keyring.active_key_id(), "took up the changed key file");
    finish_rotation(db, keyring).await
}

/// Re-wraps when the active key's rotation has not ended (a new key, or an interrupted run).
async fn finish_rotation(db: &Db, keyring: &Keyring) -> Result<(), KeyLifecycleError> {
    let records = key_checks::all(&mut *db.acquire().await?).await?;
    let active = i64::from(keyring.active_key_id());
    if records.iter().any(|r| r.key_id == active && r.rewrapped_at.is_none()) {
        rewrap::run(db, keyring).await?;
    }
    Ok(())
}

/// What the schedule does now: rotate when the active key is older than the rotation
/// period, retire older keys once the active key's re-wrap ended the grace period ago.
pub async fn scheduled(db: &Db, keyring: &Keyring, config: &Config) -> Result<(), KeyLifecycleError> {
    let records = key_checks::all(&mut *db.acquire().await?).await?;
    let Some(active) = records.iter().find(|r| r.key_id == i64::from(keyring.active_key_id())) else { return Ok(()) };
    if config.rotate_days > 0 && active.created_at + i64::from(config.rotate_days) * DAY_SECS <= now() {
        let (id, counts) = rotate(db, keyring, &config.key_file).await?;
        tracing::info!(key_id = id, case_keys = counts.case_keys, secrets = counts.secrets, "rotated the master key on schedule");
        return Ok(());
    }
    let grace_ended = active.rewrapped_at.is_some_and(|at| config.retire_after_days > 0 && at + i64::from(config.retire_after_days) * DAY_SECS <= now());
    if grace_ended {
        for id in keyring.key_ids().into_iter().filter(|id| *id != keyring.active_key_id()) {
            retire(db, keyring, &config.key_file, id).await?;
            tracing::info!(key_id = id, "retired a master key on schedule");
        }
    }
    Ok(())
}

/// The server's key tasks: finish a pending rotation, read the key file again every
/// [`RELOAD_EVERY`], and keep the rotation schedule. Failures are logged (one line, no key
/// material) and tried again on the next tick; requests never wait for any of it.
pub fn spawn_tasks(state: &AppState) -> tokio::task::JoinHandle<()> {
    let (db, keyring, config) = (state.db.clone(), state.keyring.clone(), state.config.clone());
    tokio::spawn(async move {
        let log = |what: &str, result: Result<(), KeyLifecycleError>| {
            if let Err(e) = result {
                tracing::warn!(error = %e, "{what}");
            }
        };
        log("re-wrap under the active key failed", finish_rotation(&db, &keyring).await);
        let mut reload = tokio::time::interval(RELOAD_EVERY);
        let mut schedule = tokio::time::interval(SCHEDULE_EVERY);
        reload.tick().await;
        loop {
            tokio::select! {
                _ = reload.tick() => log("the changed key file was not taken up; the keys loaded before stay in use", take_up_key_file(&db, &keyring, &config.key_file).await),
                _ = schedule.tick() => log("the key rotation schedule could not run", scheduled(&db, &keyring, &config).await),
            }
        }
    })
}

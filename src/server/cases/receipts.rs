//! Receipts: the reference and secret code a requester uses to come back. The code is
//! stored only as an HMAC (look-up) and an Argon2id hash (verification). Wrong and unknown
//! codes get the same answer after the same work, and attempts are throttled per reference
//! (known or not) and globally.

use crate::domain::AuditAction;
use crate::domain::{CaseId, CaseRef, ReceiptCode};
use crate::server::{
    audit::{self, AuditEvent, Outcome},
    crypto::{self, Keyring},
    db::throttle::{self, Limit},
    db::{now, Db, DbError, Tx},
    staff::passwords::{self, PasswordError},
};
use rand::RngCore;
use secrecy::SecretString;
use sqlx::Row;
use tokio::sync::OnceCell;

/// A code's stored forms, computed before the transaction that stores them (hashing is slow).
pub struct PreparedReceipt {
    key_id: u32,
    lookup_tag: Vec<u8>,
    code_hash: String,
}

/// Draws a new code and computes what is stored of it.
pub async fn prepare(keyring: &Keyring) -> Result<(ReceiptCode, PreparedReceipt), PasswordError> {
    let code = loop {
        let mut bytes = [0u8; 48];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        if let Some(code) = ReceiptCode::from_random_bytes(&bytes) {
            break code;
        }
    };
    let key_id = keyring.active_key_id();
    let lookup_tag = keyring.receipt_tag(key_id, code.digits().as_bytes()).expect("the active key is in the keyring");
    let code_hash = passwords::hash(SecretString::from(code.digits().to_owned())).await?;
    Ok((code, PreparedReceipt { key_id, lookup_tag, code_hash }))
}

/// Stores a prepared receipt for a case, inside the transaction that opens the case.
pub async fn store(tx: &mut Tx, case_id: &CaseId, receipt: &PreparedReceipt) -> Result<(), DbError> {
    sqlx::query("INSERT INTO receipts (case_id, key_id, lookup_tag, code_hash, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(case_id.as_str())
        .bind(i64::from(receipt.key_id))
        .bind(receipt.lookup_tag.as_slice())
        .bind(&receipt.code_hash)
        .bind(now())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// How many attempts are allowed.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Per reference, whether or not it exists.
    pub per_reference: Limit,
    /// All references together: slows down guessing across many references.
    pub global: Limit,
}

impl Default for Limits {
    fn default() -> Self {
        Self { per_reference: Limit { max: 5, window_secs: 15 * 60 }, global: Limit { max: 600, window_secs: 60 } }
    }
}

/// Why a follow-up was refused. `Refused` covers wrong codes and unknown references alike.
#[derive(Debug, thiserror::Error)]
pub enum FollowUpError {
    #[error("reference or code not recognised")]
    Refused,
    #[error("too many attempts")]
    Throttled,
    #[error(transparent)]
    Db(#[from] DbError),
    #[error(transparent)]
    Hash(#[from] PasswordError),
}

/// A hash to verify against when the reference is unknown, so that path costs the same.
async fn decoy_hash() -> Result<&'static str, PasswordError> {
    static DECOY: OnceCell<String> = OnceCell::const_new();
    DECOY.get_or_try_init(|| passwords::hash(SecretString::from("decoy receipt code".to_owned()))).await.map(String::as_str)
}

/// Checks a reference and code; on success returns the case and resets the reference's
/// counter. Every attempt is audited (never with the reference or code).
pub async fn verify(db: &Db, keyring: &Keyring, limits: &Limits, reference: &CaseRef, code: &ReceiptCode) -> Result<CaseId, FollowUpError> {
    let scope = {
        let index = keyring.blind_index(keyring.active_key_id(), "receipt reference", reference.as_str().as_bytes()).expect("active key");
        format!("ref:{}", crypto::hex(&index))
    };
    let at = now();
    let mut tx = db.begin().await?;
    let global_ok = throttle::hit(&mut tx, "global:receipt", limits.global, at).await?;
    let reference_ok = throttle::hit(&mut tx, &scope, limits.per_reference, at).await?;
    if !(global_ok && reference_ok) {
        audit::append(&mut tx, keyring, &AuditEvent::new("requester", AuditAction::ReceiptVerify, None, Outcome::Denied)).await?;
        tx.commit().await.map_err(DbError::from)?;
        return Err(FollowUpError::Throttled);
    }
    tx.commit().await.map_err(DbError::from)?;

    let row = sqlx::query("SELECT r.case_id, r.code_hash FROM cases c JOIN receipts r ON r.case_id = c.id WHERE c.reference = $1")
        .bind(reference.as_str())
        .fetch_optional(db.pool())
        .await
        .map_err(DbError::from)?;
    let (case_id, stored_hash) = match row {
        Some(row) => (Some(row.try_get::<String, _>(0).map_err(DbError::from)?), row.try_get::<String, _>(1).map_err(DbError::from)?),
        None => (None, decoy_hash().await?.to_owned()),
    };
    let matches = passwords::verify(SecretString::from(code.digits().to_owned()), stored_hash).await?;
    let case_id = case_id.filter(|_| matches).and_then(|id| CaseId::parse(&id));

    let mut tx = db.begin().await?;
    let outcome = if case_id.is_some() { Outcome::Ok } else { Outcome::Failed };
    if case_id.is_some() {
        throttle::clear(&mut tx, &scope).await?;
    }
    audit::append(&mut tx, keyring, &AuditEvent::new("requester", AuditAction::ReceiptVerify, case_id.as_ref().map(CaseId::as_str), outcome)).await?;
    tx.commit().await.map_err(DbError::from)?;
    case_id.ok_or(FollowUpError::Refused)
}

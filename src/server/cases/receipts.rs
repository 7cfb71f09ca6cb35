//! Receipts: the reference and secret code a requester uses to come back. The code is
//! random (83 bits), so it is stored only as an HMAC tag under the keyring's receipt look-up
//! key, with the id of the key that made it: a slow hash would add nothing to a random
//! secret, and without the key file a copy of the database cannot test a guess.
//!
//! Coming back costs a guesser more than it costs the desk, and nobody can lock a requester
//! out: an unknown reference costs one indexed read and a timer (nothing is written); a
//! wrong code for a known reference is counted against that reference and, past the limit,
//! answered only after a longer wait; the right code always opens, however many wrong ones
//! came before it. There is no cap over all references that a flood could use up. Every
//! answer comes no earlier than a fixed time after the attempt began.

use crate::domain::AuditAction;
use crate::domain::{CaseId, CaseRef, ReceiptCode};
use crate::server::{
    audit::{self, AuditEvent, Outcome},
    crypto::{self, Keyring},
    db::throttle::{self, Limit},
    db::{now, Db, DbError, Tx},
};
use rand::RngCore;
use sqlx::Row;
use std::time::Duration;
use subtle::ConstantTimeEq;

/// A code's stored form: its tag and the id of the key that made it.
pub struct PreparedReceipt {
    key_id: u32,
    lookup_tag: Vec<u8>,
}

/// Draws a new code and computes what is stored of it.
pub fn prepare(keyring: &Keyring) -> (ReceiptCode, PreparedReceipt) {
    let code = loop {
        let mut bytes = [0u8; 48];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        if let Some(code) = ReceiptCode::from_random_bytes(&bytes) {
            break code;
        }
    };
    let key_id = keyring.active_key_id();
    let lookup_tag = keyring.receipt_tag(key_id, code.digits().as_bytes()).expect("the active key is in the keyring");
    (code, PreparedReceipt { key_id, lookup_tag })
}

/// Stores a prepared receipt for a case, inside the transaction that opens the case.
pub async fn store(tx: &mut Tx, case_id: &CaseId, receipt: &PreparedReceipt) -> Result<(), DbError> {
    sqlx::query("INSERT INTO receipts (case_id, key_id, lookup_tag, created_at) VALUES ($1, $2, $3, $4)")
        .bind(case_id.as_str())
        .bind(i64::from(receipt.key_id))
        .bind(receipt.lookup_tag.as_slice())
        .bind(now())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// How attempts are slowed, and how soon an attempt is answered.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Wrong codes per known reference before its wrong answers are slowed.
    pub per_reference: Limit,
    /// Every attempt is answered no earlier than this after it began, whatever the answer,
    /// so that its timing does not tell a known reference from an unknown one.
    pub min_answer: Duration,
    /// A wrong code for a reference past its limit is answered no earlier than this.
    pub slowed_answer: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self { per_reference: Limit { max: 5, window_secs: 15 * 60 }, min_answer: Duration::from_millis(250), slowed_answer: Duration::from_secs(3) }
    }
}

/// Why a follow-up was refused. `Refused` covers wrong codes and unknown references alike.
#[derive(Debug, thiserror::Error)]
pub enum FollowUpError {
    #[error("reference or code not recognised")]
    Refused,
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Checks a reference and code; on success returns the case and resets the reference's
/// count of wrong codes. Attempts on a known reference are audited (never with the
/// reference or code); every answer comes no earlier than [`Limits::min_answer`] after the
/// attempt began, and a wrong code past the reference's limit no earlier than
/// [`Limits::slowed_answer`].
pub async fn verify(db: &Db, keyring: &Keyring, limits: &Limits, reference: &CaseRef, code: &ReceiptCode) -> Result<CaseId, FollowUpError> {
    let began = tokio::time::Instant::now();
    let (answer, slowed) = match check(db, keyring, limits, reference, code).await {
        Ok(Checked::Opens(case_id)) => (Ok(case_id), false),
        Ok(Checked::Refused { slowed }) => (Err(FollowUpError::Refused), slowed),
        Err(e) => (Err(e), false),
    };
    // A timer rather than equal work: an unknown reference computes no tag and writes nothing.
    tokio::time::sleep_until(began + if slowed { limits.slowed_answer } else { limits.min_answer }).await;
    answer
}

enum Checked {
    Opens(CaseId),
    Refused { slowed: bool },
}

async fn check(db: &Db, keyring: &Keyring, limits: &Limits, reference: &CaseRef, code: &ReceiptCode) -> Result<Checked, FollowUpError> {
    let row = sqlx::query("SELECT r.case_id, r.key_id, r.lookup_tag FROM cases c JOIN receipts r ON r.case_id = c.id WHERE c.reference = $1")
        .bind(reference.as_str())
        .fetch_optional(db.pool())
        .await
        .map_err(DbError::from)?;
    let Some(row) = row else { return Ok(Checked::Refused { slowed: false }) };
    let case_id: String = row.try_get(0).map_err(DbError::from)?;
    let key_id: i64 = row.try_get(1).map_err(DbError::from)?;
    let stored: Vec<u8> = row.try_get(2).map_err(DbError::from)?;
    // A tag made with a key the keyring no longer holds matches nothing.
    let expected = u32::try_from(key_id).ok().and_then(|id| keyring.receipt_tag(id, code.digits().as_bytes()));
    let matches = expected.is_some_and(|tag| bool::from(tag.ct_eq(&stored)));
    let opened = Some(case_id).filter(|_| matches).and_then(|id| CaseId::parse(&id));

    let scope = {
        let index = keyring.blind_index(keyring.active_key_id(), "receipt reference", reference.as_str().as_bytes()).expect("active key");
        format!("ref:{}", crypto::hex(&index))
    };
    let mut tx = db.begin().await?;
    let checked = match opened {
        Some(case_id) => {
            throttle::clear(&mut tx, &scope).await?;
            audit::append(&mut tx, keyring, &AuditEvent::new("requester", AuditAction::ReceiptVerify, Some(case_id.as_str()), Outcome::Ok)).await?;
            Checked::Opens(case_id)
        }
        None => {
            let within = throttle::hit(&mut tx, &scope, limits.per_reference, now()).await?;
            let outcome = if within { Outcome::Failed } else { Outcome::Denied };
            audit::append(&mut tx, keyring, &AuditEvent::new("requester", AuditAction::ReceiptVerify, None, outcome)).await?;
            Checked::Refused { slowed: !within }
        }
    };
    tx.commit().await.map_err(DbError::from)?;
    Ok(checked)
}

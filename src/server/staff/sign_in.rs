//! Signing in: login and password, then the second factor (TOTP), with its enrolment the
//! first time. Unknown logins cost what known ones do; attempts are throttled per account
//! and audited.

use super::totp::TotpSecret;
use super::{
    load_staff, passwords,
    session::{end_in, insert_session},
    totp, Staff, Stage, PER_ACCOUNT,
};
use crate::domain::AuditAction;

use crate::server::{
    audit::{self, AuditEvent, Outcome},
    crypto::{hex, Keyring, Place},
    db::throttle::{self},
    db::{now, Db, DbError},
};
use rand::RngCore;
use secrecy::SecretString;
use sqlx::Row;
use std::sync::LazyLock;

fn totp_place(person_id: &str) -> Place<'_> {
    Place { case: "", table: "people", column: "totp_secret", row: person_id }
}

/// A hash that unknown logins are checked against, so that they cost what known ones do.
static DECOY_HASH: LazyLock<tokio::sync::OnceCell<String>> = LazyLock::new(tokio::sync::OnceCell::new);

async fn decoy_hash() -> Result<String, DbError> {
    DECOY_HASH
        .get_or_try_init(|| async {
            let mut bytes = [0u8; 24];
            rand::rngs::OsRng.fill_bytes(&mut bytes);
            passwords::hash(SecretString::from(hex(&bytes))).await
        })
        .await
        .cloned()
        .map_err(|e| DbError::Sqlx(sqlx::Error::Protocol(e.to_string())))
}

/// What a sign-in step gave.
#[derive(Debug)]
pub enum SignIn {
    /// A new session (its token for the cookie) at this stage.
    Session { token: String, stage: Stage },
    /// Wrong login, password or code — one answer for all.
    Refused,
    /// Too many attempts for this account just now.
    Throttled,
}

fn account_scope(keyring: &Keyring, step: &str, login: &str) -> String {
    let index = keyring.blind_index(keyring.active_key_id(), "login-throttle", login.as_bytes()).unwrap_or_default();
    format!("{step}:{}", hex(&index))
}

/// First step: login and password. Unknown logins cost one hash check too, and give the
/// same answer as a wrong password. Throttled per account (never per address).
pub async fn sign_in(db: &Db, keyring: &Keyring, login: &str, password: SecretString) -> Result<SignIn, DbError> {
    let login = login.trim().to_lowercase();
    let at = now();
    let within = {
        let mut tx = db.begin().await?;
        let within = throttle::hit(&mut tx, &account_scope(keyring, "login", &login), PER_ACCOUNT, at).await?;
        tx.commit().await?;
        within
    };
    let row = sqlx::query("SELECT id, password_hash FROM people WHERE login = $1 AND active = 1").bind(&login).fetch_optional(db.pool()).await?;
    let (person_id, stored) = match &row {
        Some(r) => (Some(r.try_get::<String, _>(0)?), r.try_get::<String, _>(1)?),
        None => (None, decoy_hash().await?),
    };
    if !within {
        let mut tx = db.begin().await?;
        audit::append(&mut tx, keyring, &AuditEvent::new("anonymous", AuditAction::LoginPassword, person_id.as_deref(), Outcome::Denied)).await?;
        tx.commit().await?;
        return Ok(SignIn::Throttled);
    }
    let matches = passwords::verify(password, stored).await.map_err(|e| DbError::Sqlx(sqlx::Error::Protocol(e.to_string())))?;
    let mut tx = db.begin().await?;
    let person_id = match (person_id, matches) {
        (Some(id), true) => id,
        (person_id, _) => {
            audit::append(&mut tx, keyring, &AuditEvent::new("anonymous", AuditAction::LoginPassword, person_id.as_deref(), Outcome::Failed)).await?;
            tx.commit().await?;
            return Ok(SignIn::Refused);
        }
    };
    let Some(staff) = load_staff(&mut tx, db.backend(), &person_id).await? else {
        tx.rollback().await?;
        return Ok(SignIn::Refused);
    };
    throttle::clear(&mut tx, &account_scope(keyring, "login", &login)).await?;
    // Every role gives a second factor (or enrols one) before the desk opens.
    let stage = Stage::Password;
    let token = insert_session(&mut tx, keyring, &person_id, stage).await?;
    audit::append(&mut tx, keyring, &AuditEvent::new(&staff.actor(), AuditAction::LoginPassword, Some(&person_id), Outcome::Ok)).await?;
    tx.commit().await?;
    Ok(SignIn::Session { token, stage })
}

/// The person's second-factor secret while they enrol: the pending one, or a new one
/// stored (sealed) now. `None` when they have a confirmed factor already.
pub async fn enrolment_secret(db: &Db, keyring: &Keyring, staff: &Staff) -> Result<Option<TotpSecret>, DbError> {
    if staff.has_totp {
        return Ok(None);
    }
    let mut tx = db.begin().await?;
    let stored: Option<Vec<u8>> =
        sqlx::query_scalar("SELECT totp_secret FROM people WHERE id = $1 AND totp_last_step IS NULL").bind(&staff.id).fetch_optional(&mut *tx).await?.flatten();
    if let Some(sealed) = stored {
        if let Some(secret) = keyring.open_secret(&totp_place(&staff.id), &sealed).ok().and_then(|plain| TotpSecret::from_bytes(&plain)) {
            tx.commit().await?;
            return Ok(Some(secret));
        }
    }
    let secret = TotpSecret::generate();
    let sealed = keyring.seal_secret(&totp_place(&staff.id), secret.as_bytes());
    sqlx::query("UPDATE people SET totp_secret = $2, totp_last_step = NULL WHERE id = $1").bind(&staff.id).bind(sealed).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(Some(secret))
}

/// Second step: a TOTP code, for a session at the password stage. Confirms an enrolment
/// when the factor is new. Codes already used (or older) are refused. On success the
/// session is replaced by a new one at the full stage.
pub async fn second_factor(db: &Db, keyring: &Keyring, token: &str, staff: &Staff, code: &str) -> Result<SignIn, DbError> {
    let at = now();
    let mut tx = db.begin().await?;
    if !throttle::hit(&mut tx, &account_scope(keyring, "totp", &staff.login), PER_ACCOUNT, at).await? {
        audit::append(&mut tx, keyring, &AuditEvent::new(&staff.actor(), AuditAction::LoginTotp, Some(&staff.id), Outcome::Denied)).await?;
        tx.commit().await?;
        return Ok(SignIn::Throttled);
    }
    let row = sqlx::query("SELECT totp_secret, totp_last_step FROM people WHERE id = $1").bind(&staff.id).fetch_one(&mut *tx).await?;
    let sealed: Option<Vec<u8>> = row.try_get(0)?;
    let last_step: Option<i64> = row.try_get(1)?;
    let secret = sealed.and_then(|s| keyring.open_secret(&totp_place(&staff.id), &s).ok()).and_then(|p| TotpSecret::from_bytes(&p));
    let step = secret.as_ref().and_then(|s| totp::verify(s, code, at, last_step));
    let action = if last_step.is_some() { AuditAction::LoginTotp } else { AuditAction::TotpEnrol };
    let Some(step) = step else {
        audit::append(&mut tx, keyring, &AuditEvent::new(&staff.actor(), action, Some(&staff.id), Outcome::Failed)).await?;
        tx.commit().await?;
        return Ok(SignIn::Refused);
    };
    sqlx::query("UPDATE people SET totp_last_step = $2 WHERE id = $1").bind(&staff.id).bind(step).execute(&mut *tx).await?;
    throttle::clear(&mut tx, &account_scope(keyring, "totp", &staff.login)).await?;
    // A new token at the change of privilege; the half-signed one ends.
    end_in(&mut tx, keyring, token).await?;
    let token = insert_session(&mut tx, keyring, &staff.id, Stage::Full).await?;
    audit::append(&mut tx, keyring, &AuditEvent::new(&staff.actor(), action, Some(&staff.id), Outcome::Ok)).await?;
    tx.commit().await?;
    Ok(SignIn::Session { token, stage: Stage::Full })
}

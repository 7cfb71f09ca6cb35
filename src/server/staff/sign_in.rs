//! Signing in: login and password, then the second factor (TOTP), with its enrolment the
//! first time. Every attempt is audited, and nobody's failures keep anyone else out:
//! - an unknown login costs a timer and nothing else (no hash, no write): every answer to
//!   the password step comes no earlier than [`MIN_ANSWER`] after it began;
//! - passwords are checked on their own bounded pool, busy when full ([`passwords`]);
//! - wrong passwords are counted per account; past the limit the account is *guarded*: its
//!   password is checked only together with a second-factor code, the code first (cheap),
//!   the password only when the code is right. Someone who knows a login but not its code
//!   can neither test passwords nor make the hash pool work, and the person who has both
//!   gets in at once, however many failures others caused. An account with a passkey only
//!   is not guarded (decision 0021); one with no factor yet waits out the window, since a
//!   right password would let its guesser enrol a factor of their own.

use super::totp::TotpSecret;
use super::{
    actor_of, passwords,
    session::{end_in, insert_session},
    totp, Staff, Stage, PER_ACCOUNT,
};
use crate::domain::AuditAction;

use crate::server::{
    audit::{self, AuditEvent, Outcome},
    crypto::{hex, Keyring, Place},
    db::throttle::{self},
    db::{now, Db, DbError, Tx},
};
use secrecy::SecretString;
use sqlx::Row;
use std::time::Duration;

/// The password step answers no earlier than this after it began, so that an unknown login
/// (which costs only this timer) cannot be told from a known one by time.
pub const MIN_ANSWER: Duration = Duration::from_millis(250);

fn totp_place(person_id: &str) -> Place<'_> {
    Place { case: "", table: "people", column: "totp_secret", row: person_id }
}

/// What a sign-in step gave.
#[derive(Debug)]
pub enum SignIn {
    /// A new session (its token for the cookie) at this stage.
    Session { token: String, stage: Stage },
    /// Wrong login, password or code — one answer for all.
    Refused,
    /// Too many wrong attempts for this account just now: the second-factor step, or the
    /// password of an account with no factor yet.
    Throttled,
    /// The account had many failed attempts: send the password again with a code from the
    /// authenticator app (see the module's notes).
    CodeNeeded,
    /// Every password check is taken just now: try again in a minute.
    Busy,
}

pub(super) fn account_scope(keyring: &Keyring, step: &str, login: &str) -> String {
    let index = keyring.blind_index(keyring.active_key_id(), "login-throttle", login.as_bytes()).unwrap_or_default();
    format!("{step}:{}", hex(&index))
}

/// First step: login and password, with `code` when the account is guarded. Unknown logins
/// and wrong passwords give the same answer in the same minimum time.
pub async fn sign_in(db: &Db, keyring: &Keyring, login: &str, password: SecretString, code: Option<&str>) -> Result<SignIn, DbError> {
    let began = tokio::time::Instant::now();
    let answer = password_step(db, keyring, &login.trim().to_lowercase(), password, code).await;
    tokio::time::sleep_until(began + MIN_ANSWER).await;
    answer
}

async fn password_step(db: &Db, keyring: &Keyring, login: &str, password: SecretString, code: Option<&str>) -> Result<SignIn, DbError> {
    let row = sqlx::query(
        "SELECT id, password_hash, totp_secret, totp_last_step, (SELECT COUNT(*) FROM passkeys k WHERE k.person_id = p.id) \
         FROM people p WHERE login = $1 AND active = 1",
    )
    .bind(login)
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else { return Ok(SignIn::Refused) };
    let id: String = row.try_get(0)?;
    let stored_hash: String = row.try_get(1)?;
    let sealed: Option<Vec<u8>> = row.try_get(2)?;
    // Only a confirmed factor guards the password.
    let last_step: Option<i64> = row.try_get(3)?;
    let passkeys: i64 = row.try_get(4)?;
    let scope = account_scope(keyring, "login", login);
    let at = now();
    let mut confirmed_step = None;
    if !throttle::within(db, &scope, PER_ACCOUNT, at).await? {
        match (last_step.and(sealed), passkeys) {
            // Guarded: the code first, the password only with a right code.
            (Some(sealed), _) => {
                let Some(code) = code.filter(|c| !c.trim().is_empty()) else { return Ok(SignIn::CodeNeeded) };
                let secret = keyring.open_secret(&totp_place(&id), &sealed).ok().and_then(|p| TotpSecret::from_bytes(&p));
                match secret.and_then(|secret| totp::verify(&secret, code, at, last_step)) {
                    Some(step) => confirmed_step = Some(step),
                    None => return failed(db, keyring, &scope, &id, AuditAction::LoginTotp, at).await,
                }
            }
            // A passkey still stands behind a right password (decision 0021).
            (None, 1..) => {}
            // No factor at all yet (an invitation or a reset not finished): a right password
            // would lead to enrolling one, so guessing stops here until the window ends.
            (None, _) => return Ok(SignIn::Throttled),
        }
    }
    let matches = match passwords::verify(password, stored_hash).await {
        Ok(matches) => matches,
        Err(passwords::PasswordError::Busy) => return Ok(SignIn::Busy),
        Err(e) => return Err(DbError::Sqlx(sqlx::Error::Protocol(e.to_string()))),
    };
    if !matches {
        return failed(db, keyring, &scope, &id, AuditAction::LoginPassword, at).await;
    }
    let actor = actor_of(&id);
    let mut tx = db.begin().await?;
    throttle::clear(&mut tx, &scope).await?;
    audit::append(&mut tx, keyring, &AuditEvent::new(&actor, AuditAction::LoginPassword, Some(&id), Outcome::Ok)).await?;
    let stage = match confirmed_step {
        // A guarded account gave its code with the password: both factors at once.
        Some(step) => {
            sqlx::query("UPDATE people SET totp_last_step = $2 WHERE id = $1").bind(&id).bind(step).execute(&mut *tx).await?;
            audit::append(&mut tx, keyring, &AuditEvent::new(&actor, AuditAction::LoginTotp, Some(&id), Outcome::Ok)).await?;
            Stage::Full
        }
        // Every role gives a second factor (or enrols one) before the desk opens.
        None => Stage::Password,
    };
    let token = insert_session(&mut tx, keyring, &id, stage).await?;
    tx.commit().await?;
    Ok(SignIn::Session { token, stage })
}

/// A wrong password or code for a known account: counted against it and audited.
async fn failed(db: &Db, keyring: &Keyring, scope: &str, person_id: &str, action: AuditAction, at: i64) -> Result<SignIn, DbError> {
    let mut tx: Tx = db.begin().await?;
    throttle::hit(&mut tx, scope, PER_ACCOUNT, at).await?;
    audit::append(&mut tx, keyring, &AuditEvent::new("anonymous", action, Some(person_id), Outcome::Failed)).await?;
    tx.commit().await?;
    Ok(SignIn::Refused)
}

/// The person's second-factor secret while they enrol: the pending one, or a new one
/// stored (sealed) now. `None` when they have a confirmed factor already (a passkey too).
pub async fn enrolment_secret(db: &Db, keyring: &Keyring, staff: &Staff) -> Result<Option<TotpSecret>, DbError> {
    if staff.has_totp || staff.has_passkey {
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

//! Passkeys (WebAuthn, `webauthn-rs`) as a second factor beside TOTP: adding one (on the
//! security page, or as the first factor at enrolment), signing in with one at the second
//! step, removing one while another factor remains. Every change and every attempt is
//! audited in the transaction that makes it; sign-in attempts share the second step's
//! per-account throttle with TOTP codes.
//!
//! The relying party is the host of the public URL; its origin is the only one accepted.

mod ceremony;
mod store;

pub use ceremony::CEREMONY_SECS;
pub use store::{forget_all, Listed};

use super::{
    session::{end_in, insert_session},
    sign_in::account_scope,
    Session, SignIn, Staff, Stage, PER_ACCOUNT,
};
use crate::domain::{passkey::PasskeyName, AuditAction, RuleCode};
use crate::server::{
    audit::{self, AuditEvent, Outcome},
    config::Config,
    crypto::Keyring,
    db::{now, throttle, Db, DbError},
};
use ceremony::Kind;
use webauthn_rs::prelude::{
    PasskeyAuthentication, PasskeyRegistration, PublicKeyCredential, RegisterPublicKeyCredential, Url, Uuid, Webauthn, WebauthnBuilder,
};

/// The relying party of this desk: the public URL's host name with its origin. A loopback
/// address stands for `localhost` (browsers take no IP address as a relying party, and
/// treat http://localhost as secure); any other IP address has none, and passkeys are then
/// not offered.
pub fn relying_party(config: &Config) -> Option<Webauthn> {
    let mut origin = Url::parse(config.public_origin()).ok()?;
    if origin.domain().is_none() {
        if !matches!(origin.host_str(), Some("127.0.0.1" | "[::1]")) {
            return None;
        }
        origin.set_host(Some("localhost")).ok()?;
    }
    let rp_id = origin.domain()?.to_owned();
    WebauthnBuilder::new(&rp_id, &origin).ok()?.rp_name("embassy-desk").build().ok()
}

/// The user handle the authenticator keeps: the person's id (a random UUID).
fn user_handle(staff: &Staff) -> Uuid {
    Uuid::parse_str(&staff.id).unwrap_or_else(|_| Uuid::new_v4())
}

fn json_error(e: serde_json::Error) -> DbError {
    DbError::Sqlx(sqlx::Error::Encode(Box::new(e)))
}

/// The options for the browser to create a new passkey of `staff` (JSON for
/// `navigator.credentials.create`), the ceremony kept for the session of `token`. `None`
/// without a relying party.
pub async fn start_registration(db: &Db, keyring: &Keyring, rp: Option<&Webauthn>, token: &str, staff: &Staff) -> Result<Option<String>, DbError> {
    let Some(rp) = rp else { return Ok(None) };
    let mut tx = db.begin().await?;
    let existing = store::credentials(&mut tx, keyring, &staff.id).await?.into_iter().map(|(_, p)| p.cred_id().clone()).collect();
    let Ok((options, state)) = rp.start_passkey_registration(user_handle(staff), &staff.login, &staff.login, Some(existing)) else {
        tx.rollback().await?;
        return Ok(None);
    };
    ceremony::keep(&mut tx, keyring, token, Kind::Register, &state).await?;
    tx.commit().await?;
    serde_json::to_string(&options).map(Some).map_err(json_error)
}

/// The options for the browser to sign in with one of `staff`'s passkeys (JSON for
/// `navigator.credentials.get`), the ceremony kept for the session of `token`. `None` when
/// they have none, or without a relying party.
pub async fn start_authentication(db: &Db, keyring: &Keyring, rp: Option<&Webauthn>, token: &str, staff: &Staff) -> Result<Option<String>, DbError> {
    let Some(rp) = rp else { return Ok(None) };
    let mut tx = db.begin().await?;
    let passkeys: Vec<_> = store::credentials(&mut tx, keyring, &staff.id).await?.into_iter().map(|(_, p)| p).collect();
    let Ok((options, state)) = rp.start_passkey_authentication(&passkeys) else {
        tx.rollback().await?;
        return Ok(None);
    };
    ceremony::keep(&mut tx, keyring, token, Kind::Authenticate, &state).await?;
    tx.commit().await?;
    serde_json::to_string(&options).map(Some).map_err(json_error)
}

/// What adding a passkey gave.
#[derive(Debug)]
pub enum Added {
    /// Added; at enrolment, the new full session's token.
    Added { token: Option<String> },
    /// The name broke a rule.
    Invalid(RuleCode),
    /// No ceremony under way, or the answer did not verify, or the credential is registered
    /// already, or (at enrolment) the person has a factor already.
    Refused,
}

/// Adds the passkey the browser created in answer to the session's registration ceremony.
/// At the password stage this is the enrolment of a first factor, allowed only to a person
/// with none; it replaces the session with a full one, as a confirmed TOTP code does.
pub async fn finish_registration(
    db: &Db,
    keyring: &Keyring,
    rp: Option<&Webauthn>,
    token: &str,
    session: &Session,
    name: &str,
    credential: &str,
) -> Result<Added, DbError> {
    let name = match PasskeyName::parse(name) {
        Ok(name) => name,
        Err(rule) => return Ok(Added::Invalid(rule)),
    };
    let (staff, enrolment) = (&session.staff, session.stage == Stage::Password);
    let mut tx = db.begin().await?;
    let state: Option<PasskeyRegistration> = ceremony::take(&mut tx, keyring, token, Kind::Register).await?;
    let answer: Option<RegisterPublicKeyCredential> = serde_json::from_str(credential).ok();
    let passkey = match (rp, state, answer) {
        (Some(rp), Some(state), Some(answer)) => rp.finish_passkey_registration(&answer, &state).ok(),
        _ => None,
    };
    let allowed = !enrolment || store::lock_factors(&mut tx, &staff.id).await? == (false, 0);
    let passkey = match passkey {
        Some(passkey) if allowed && !store::is_registered(&mut tx, passkey.cred_id()).await? => passkey,
        _ => {
            audit::append(&mut tx, keyring, &AuditEvent::new(&staff.actor(), AuditAction::PersonPasskeyAdd, Some(&staff.id), Outcome::Failed)).await?;
            tx.commit().await?;
            return Ok(Added::Refused);
        }
    };
    store::insert(&mut tx, keyring, &staff.id, &name, &passkey).await?;
    let token = if enrolment {
        // A TOTP secret offered beside the passkey, never confirmed, can no longer be.
        sqlx::query("UPDATE people SET totp_secret = NULL WHERE id = $1 AND totp_last_step IS NULL").bind(&staff.id).execute(&mut *tx).await?;
        end_in(&mut tx, keyring, token).await?;
        Some(insert_session(&mut tx, keyring, &staff.id, Stage::Full).await?)
    } else {
        None
    };
    audit::append(&mut tx, keyring, &AuditEvent::new(&staff.actor(), AuditAction::PersonPasskeyAdd, Some(&staff.id), Outcome::Ok)).await?;
    tx.commit().await?;
    Ok(Added::Added { token })
}

/// Second step with a passkey, for a session at the password stage: the browser's answer
/// to the session's sign-in ceremony. On success the session is replaced by a new one at
/// the full stage, as with a TOTP code; the passkey's counter is kept (webauthn-rs refuses
/// an answer whose counter has not moved past it: a cloned authenticator).
pub async fn sign_in(db: &Db, keyring: &Keyring, rp: Option<&Webauthn>, token: &str, staff: &Staff, credential: &str) -> Result<SignIn, DbError> {
    let at = now();
    let mut tx = db.begin().await?;
    if !throttle::hit(&mut tx, &account_scope(keyring, "totp", &staff.login), PER_ACCOUNT, at).await? {
        audit::append(&mut tx, keyring, &AuditEvent::new(&staff.actor(), AuditAction::LoginPasskey, Some(&staff.id), Outcome::Denied)).await?;
        tx.commit().await?;
        return Ok(SignIn::Throttled);
    }
    let state: Option<PasskeyAuthentication> = ceremony::take(&mut tx, keyring, token, Kind::Authenticate).await?;
    let answer: Option<PublicKeyCredential> = serde_json::from_str(credential).ok();
    let result = match (rp, state, answer) {
        (Some(rp), Some(state), Some(answer)) => rp.finish_passkey_authentication(&answer, &state).ok(),
        _ => None,
    };
    let stored = match &result {
        Some(result) => store::credentials(&mut tx, keyring, &staff.id).await?.into_iter().find(|(_, p)| p.cred_id() == result.cred_id()),
        None => None,
    };
    let (Some(result), Some((id, mut passkey))) = (result, stored) else {
        audit::append(&mut tx, keyring, &AuditEvent::new(&staff.actor(), AuditAction::LoginPasskey, Some(&staff.id), Outcome::Failed)).await?;
        tx.commit().await?;
        return Ok(SignIn::Refused);
    };
    passkey.update_credential(&result);
    store::update_used(&mut tx, keyring, &id, &passkey, at).await?;
    throttle::clear(&mut tx, &account_scope(keyring, "totp", &staff.login)).await?;
    // A new token at the change of privilege; the half-signed one ends.
    end_in(&mut tx, keyring, token).await?;
    let token = insert_session(&mut tx, keyring, &staff.id, Stage::Full).await?;
    audit::append(&mut tx, keyring, &AuditEvent::new(&staff.actor(), AuditAction::LoginPasskey, Some(&staff.id), Outcome::Ok)).await?;
    tx.commit().await?;
    Ok(SignIn::Session { token, stage: Stage::Full })
}

/// What removing a passkey gave.
#[derive(Debug, PartialEq, Eq)]
pub enum Removed {
    Removed,
    /// It is the person's last second factor: a person always keeps one.
    LastFactor,
    /// Not a passkey of theirs.
    NotFound,
}

/// Removes one of `staff`'s own passkeys, unless it is their last second factor.
pub async fn remove(db: &Db, keyring: &Keyring, staff: &Staff, passkey_id: &str) -> Result<Removed, DbError> {
    let mut tx = db.begin().await?;
    let (has_totp, passkeys) = store::lock_factors(&mut tx, &staff.id).await?;
    let answer = if !store::is_theirs(&mut tx, &staff.id, passkey_id).await? {
        Removed::NotFound
    } else if !has_totp && passkeys <= 1 {
        Removed::LastFactor
    } else {
        store::delete(&mut tx, &staff.id, passkey_id).await?;
        Removed::Removed
    };
    let outcome = match answer {
        Removed::Removed => Outcome::Ok,
        Removed::LastFactor => Outcome::Denied,
        Removed::NotFound => Outcome::NotFound,
    };
    audit::append(&mut tx, keyring, &AuditEvent::new(&staff.actor(), AuditAction::PersonPasskeyRemove, Some(&staff.id), outcome)).await?;
    tx.commit().await?;
    Ok(answer)
}

/// The passkeys of `staff`, for their security page.
pub async fn list(db: &Db, keyring: &Keyring, staff: &Staff) -> Result<Vec<Listed>, DbError> {
    store::list(&mut *db.acquire().await?, keyring, &staff.id).await
}

//! A signed-in person changes their own password: the current one is checked (attempts
//! counted per account, as at sign-in), the new one follows the password rules, and every
//! session of theirs ends — this one too, replaced by a new token for this browser — in the
//! transaction that stores the new hash, with its audit row.

use super::{password_policy, passwords, session::replace_all, Staff, PER_ACCOUNT};
use crate::domain::{AuditAction, RuleCode};
use crate::server::{
    audit::{self, AuditEvent, Outcome},
    crypto::Keyring,
    db::{now, throttle, Db, DbError},
};
use secrecy::{ExposeSecret, SecretString};

/// What the person typed: the current password, the new one and the new one again.
pub struct PasswordChange {
    pub current: SecretString,
    pub new: SecretString,
    pub again: SecretString,
}

/// Why the password was not changed.
#[derive(Debug, thiserror::Error)]
pub enum PasswordChangeError {
    /// Fields and the rule each broke.
    #[error("invalid password change")]
    Invalid(Vec<(&'static str, RuleCode)>),
    /// Too many wrong current passwords just now.
    #[error("too many attempts")]
    Throttled,
    /// Every password check is taken just now: try again in a minute.
    #[error("busy")]
    Busy,
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<passwords::PasswordError> for PasswordChangeError {
    fn from(e: passwords::PasswordError) -> Self {
        match e {
            passwords::PasswordError::Busy => Self::Busy,
            e => Self::Db(e.into_db()),
        }
    }
}

impl From<sqlx::Error> for PasswordChangeError {
    fn from(e: sqlx::Error) -> Self {
        PasswordChangeError::Db(e.into())
    }
}

/// The field of the current password (the new one's are `password_policy::{NEW, AGAIN}`).
pub const CURRENT: &str = "current_password";

fn throttle_scope(person_id: &str) -> String {
    format!("password-change:{person_id}")
}

/// The rules the typed values break before any password is checked: every field filled,
/// the new password allowed for this login, typed the same twice.
fn shape_errors(login: &str, change: &PasswordChange) -> Vec<(&'static str, RuleCode)> {
    let mut errors = Vec::new();
    if change.current.expose_secret().is_empty() {
        errors.push((CURRENT, RuleCode::Required));
    }
    if let Err(broken) = password_policy::check_new(change.new.expose_secret(), change.again.expose_secret(), login) {
        errors.push(broken);
    }
    errors
}

/// Changes `staff`'s password, signed in with the session of `token`. Returns the token of
/// the one session left, which replaces `token` in this browser.
pub async fn change_password(db: &Db, keyring: &Keyring, staff: &Staff, token: &str, change: PasswordChange) -> Result<String, PasswordChangeError> {
    let errors = shape_errors(&staff.login, &change);
    if !errors.is_empty() {
        return Err(PasswordChangeError::Invalid(errors));
    }
    let actor = staff.actor();
    let event = |outcome| AuditEvent::new(&actor, AuditAction::PersonPasswordChange, Some(&staff.id), outcome);
    let stored: String = {
        let mut tx = db.begin().await?;
        if !throttle::hit(&mut tx, &throttle_scope(&staff.id), PER_ACCOUNT, now()).await? {
            audit::append(&mut tx, keyring, &event(Outcome::Denied)).await?;
            tx.commit().await?;
            return Err(PasswordChangeError::Throttled);
        }
        let stored = sqlx::query_scalar("SELECT password_hash FROM people WHERE id = $1 AND active = 1").bind(&staff.id).fetch_one(&mut *tx).await?;
        tx.commit().await?;
        stored
    };
    if !passwords::verify(change.current, stored.clone()).await? {
        let mut tx = db.begin().await?;
        audit::append(&mut tx, keyring, &event(Outcome::Failed)).await?;
        tx.commit().await?;
        return Err(PasswordChangeError::Invalid(vec![(CURRENT, RuleCode::WrongPassword)]));
    }
    let hash = passwords::hash(change.new).await?;
    let mut tx = db.begin().await?;
    // Only over the hash that was checked: a reset or another change in the meantime wins.
    let changed = sqlx::query("UPDATE people SET password_hash = $3, password_changed_at = $4 WHERE id = $1 AND password_hash = $2 AND active = 1")
        .bind(&staff.id)
        .bind(&stored)
        .bind(&hash)
        .bind(now())
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if changed != 1 {
        tx.rollback().await?;
        return Err(PasswordChangeError::Invalid(vec![(CURRENT, RuleCode::WrongPassword)]));
    }
    let token = replace_all(&mut tx, keyring, &staff.id, token).await?;
    throttle::clear(&mut tx, &throttle_scope(&staff.id)).await?;
    audit::append(&mut tx, keyring, &event(Outcome::Ok)).await?;
    tx.commit().await?;
    Ok(token)
}

#[cfg(test)]
mod tests {
    use super::password_policy::{AGAIN, NEW};
    use super::*;

    fn change(current: &str, new: &str, again: &str) -> PasswordChange {
        PasswordChange { current: SecretString::from(current), new: SecretString::from(new), again: SecretString::from(again) }
    }

    #[test]
    fn the_typed_values_are_checked_before_any_password() {
        let good = "a quiet river under old bridges";
        assert!(shape_errors("lena", &change("anything", good, good)).is_empty());
        assert_eq!(shape_errors("lena", &change("", "", "")), vec![(CURRENT, RuleCode::Required), (NEW, RuleCode::Required)]);
        assert_eq!(shape_errors("lena", &change("x", "short", "short")), vec![(NEW, RuleCode::TooShort)]);
        assert_eq!(shape_errors("lena", &change("x", good, "a quiet river under new bridges")), vec![(AGAIN, RuleCode::Mismatch)]);
    }
}

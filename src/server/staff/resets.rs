//! Password resets: a lead (for the volunteers of their embassy), an admin (for anyone but
//! themselves) or the operator on the command line issues a one-time link for a person who
//! lost their password or second factor. Issuing it takes both away at once and ends every session of the person; opening
//! the link, the person sets a new password and then enrols a second factor again. Each
//! step is one transaction with its audit row.

use super::invitations::AcceptError;
use super::one_time::{self, LinkTable};
use super::{password_policy, passwords, session::insert_session, sign_in::SignIn, Staff, Stage, RESET_SECS};
use crate::domain::{AuditAction, Role};
use crate::server::{
    audit::{self, AuditEvent, Outcome},
    crypto::Keyring,
    db::{arguments, now, Db, DbError},
};
use secrecy::{ExposeSecret, SecretString};
use sqlx::Row;

/// A reset link just issued: its token (for the link, shown once to the issuer) and whose
/// account it opens.
pub struct IssuedReset {
    pub token: String,
    pub login: String,
}

/// A live reset link, as its page shows it.
#[derive(Clone, Debug)]
pub struct Reset {
    pub login: String,
    pub expires_at: i64,
}

/// What a reset stores as the password until the person sets one: no PHC string, so no
/// password matches it (`passwords::verify` takes a malformed hash for a mismatch).
const NO_PASSWORD: &str = "!reset";

/// Whether `by` may reset the account of a person of `role` in `embassy`: the same people
/// a lead may deactivate (the volunteers of their embassy); admins anyone but themselves,
/// who change their password instead.
pub fn may_reset(by: &Staff, person_id: &str, role: Option<Role>, embassy: Option<&str>) -> bool {
    match by.role {
        Role::Admin => person_id != by.id,
        Role::Lead => role == Some(Role::Volunteer) && embassy.is_some() && embassy == by.embassy_id.as_deref(),
        Role::Volunteer => false,
    }
}

/// A person a reset link may be made for, as they are before it.
struct Target {
    id: String,
    login: String,
    role: Option<Role>,
    embassy: Option<String>,
}

/// The active person whose `column` (`id` or `login`) is `value`.
async fn active_person(db: &Db, column: &'static str, value: &str) -> Result<Option<Target>, DbError> {
    let sql = format!("SELECT id, login, role, embassy_id FROM people WHERE {column} = $1 AND active = 1");
    let Some(row) = sqlx::query(&sql).bind(value).fetch_optional(db.pool()).await? else { return Ok(None) };
    Ok(Some(Target { id: row.try_get(0)?, login: row.try_get(1)?, role: Role::parse(&row.try_get::<String, _>(2)?), embassy: row.try_get(3)? }))
}

/// Issues a reset link for `person_id`: their password is replaced by the hash of a secret
/// nobody knows (a sign-in with it costs what any other does), their second factor and
/// their sessions end, and any earlier reset link of theirs is spent. `None` when the
/// person is not active or not the caller's to reset.
pub async fn issue(db: &Db, keyring: &Keyring, by: &Staff, person_id: &str) -> Result<Option<IssuedReset>, DbError> {
    match active_person(db, "id", person_id).await? {
        Some(person) if may_reset(by, &person.id, person.role, person.embassy.as_deref()) => issue_for(db, keyring, &by.actor(), Some(&by.id), person).await,
        _ => Ok(None),
    }
}

/// A reset link made by the operator on the command line for the active person with
/// `login` (any role: this is how the last admin, having lost their second factor, gets
/// back in). `None` when there is no such person.
pub async fn operator_issue(db: &Db, keyring: &Keyring, actor: &str, login: &str) -> Result<Option<IssuedReset>, DbError> {
    match active_person(db, "login", login).await? {
        Some(person) => issue_for(db, keyring, actor, None, person).await,
        None => Ok(None),
    }
}

async fn issue_for(db: &Db, keyring: &Keyring, actor: &str, issued_by: Option<&str>, person: Target) -> Result<Option<IssuedReset>, DbError> {
    let (token, tag) = one_time::new_token(keyring);
    let at = now();
    let mut tx = db.begin().await?;
    // As they were when the caller's right was checked: still active, same role and embassy.
    let changed = sqlx::query(
        "UPDATE people SET password_hash = $2, password_changed_at = $3, totp_secret = NULL, totp_last_step = NULL \
         WHERE id = $1 AND active = 1 AND role = $4 AND COALESCE(embassy_id, '') = $5",
    )
    .bind(&person.id)
    .bind(NO_PASSWORD)
    .bind(at)
    .bind(person.role.map_or("", Role::as_str))
    .bind(person.embassy.as_deref().unwrap_or_default())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if changed != 1 {
        return Ok(None);
    }
    super::passkeys::forget_all(&mut tx, &person.id).await?;
    sqlx::query("DELETE FROM staff_sessions WHERE person_id = $1").bind(&person.id).execute(&mut *tx).await?;
    sqlx::query("UPDATE password_resets SET used_at = $2 WHERE person_id = $1 AND used_at IS NULL").bind(&person.id).bind(at).execute(&mut *tx).await?;
    sqlx::query("INSERT INTO password_resets (token_hash, person_id, issued_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(tag)
        .bind(&person.id)
        .bind(issued_by)
        .bind(at)
        .bind(at + RESET_SECS)
        .execute(&mut *tx)
        .await?;
    audit::append(&mut tx, keyring, &AuditEvent::new(actor, AuditAction::PersonReset, Some(&person.id), Outcome::Ok)).await?;
    tx.commit().await?;
    Ok(Some(IssuedReset { token, login: person.login }))
}

/// The live reset link behind `token` (unused, unexpired, its person still active): the
/// stored tag that matched, the person's id, and the link as its page shows it.
async fn live_reset(db: &Db, keyring: &Keyring, token: &str) -> Result<Option<(Vec<u8>, String, Reset)>, DbError> {
    let (live, args) = one_time::live_condition(keyring, "r.", token);
    let sql = format!(
        "SELECT r.token_hash, r.person_id, p.login, r.expires_at FROM password_resets r JOIN people p ON p.id = r.person_id AND p.active = 1 WHERE {live}"
    );
    let Some(row) = sqlx::query_with(&sql, arguments(&args)).fetch_optional(db.pool()).await? else { return Ok(None) };
    Ok(Some((row.try_get(0)?, row.try_get(1)?, Reset { login: row.try_get(2)?, expires_at: row.try_get(3)? })))
}

/// The live reset link behind `token`, as its page shows it.
pub async fn reset(db: &Db, keyring: &Keyring, token: &str) -> Result<Option<Reset>, DbError> {
    Ok(live_reset(db, keyring, token).await?.map(|(_, _, reset)| reset))
}

/// Sets the new password of a reset link's person: spends the link and opens a session at
/// the password stage, from which the person enrols a second factor again.
pub async fn complete(db: &Db, keyring: &Keyring, token: &str, password: SecretString, again: &SecretString) -> Result<SignIn, AcceptError> {
    // An unknown, used or expired link says so before anything else is checked.
    let (tag, person_id, reset) = live_reset(db, keyring, token).await?.ok_or(AcceptError::Gone)?;
    password_policy::check_new(password.expose_secret(), again.expose_secret(), &reset.login).map_err(|(field, rule)| AcceptError::Invalid(field, rule))?;
    let hash = passwords::hash(password).await?;
    let mut tx = db.begin().await?;
    if !one_time::spend(&mut tx, LinkTable::PasswordResets, &tag).await? {
        return Err(AcceptError::Gone);
    }
    let changed =
        sqlx::query("UPDATE people SET password_hash = $2, password_changed_at = $3, totp_secret = NULL, totp_last_step = NULL WHERE id = $1 AND active = 1")
            .bind(&person_id)
            .bind(&hash)
            .bind(now())
            .execute(&mut *tx)
            .await
            .map_err(DbError::from)?
            .rows_affected();
    if changed != 1 {
        return Err(AcceptError::Gone);
    }
    sqlx::query("DELETE FROM staff_sessions WHERE person_id = $1").bind(&person_id).execute(&mut *tx).await.map_err(DbError::from)?;
    let session = insert_session(&mut tx, keyring, &person_id, Stage::Password).await?;
    audit::append(&mut tx, keyring, &AuditEvent::new(&super::actor_of(&person_id), AuditAction::PersonResetAccept, Some(&person_id), Outcome::Ok)).await?;
    tx.commit().await.map_err(DbError::from)?;
    Ok(SignIn::Session { token: session, stage: Stage::Password })
}

//! Invitations: one-time links by which leads and admins bring people onto the desk (and
//! the first admin's setup link); accepting one creates the person and their session.

use super::one_time::{self, LinkTable};
use super::{password_policy, passwords, session::insert_session, sign_in::SignIn, valid_login, Staff, Stage, INVITATION_SECS};
use crate::domain::AuditAction;
use crate::domain::RuleCode;

use crate::domain::Role;
use crate::server::{
    audit::{self, AuditEvent, Outcome},
    crypto::Keyring,
    db::{arguments, now, Db, DbError},
};
use secrecy::SecretString;
use sqlx::Row;

/// An invitation, as its link shows it.
#[derive(Clone, Debug)]
pub struct Invitation {
    pub role: Role,
    pub embassy_id: Option<String>,
    pub embassy_name: Option<String>,
    pub queue_ids: Vec<String>,
    pub expires_at: i64,
}

/// Why an invitation cannot be made.
#[derive(Debug, thiserror::Error)]
pub enum InviteError {
    /// The inviter may not invite this role, to this embassy, or into these queues.
    #[error("not allowed")]
    NotAllowed,
    /// Field and rule code.
    #[error("invalid {0}")]
    Invalid(&'static str, RuleCode),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Creates a one-time invitation link token (only its keyed tag is stored). Admins invite
/// anyone; leads invite volunteers of their embassy. Queues must be the embassy's.
pub async fn invite(db: &Db, keyring: &Keyring, inviter: &Staff, role: Role, embassy_id: Option<&str>, queue_ids: &[String]) -> Result<String, InviteError> {
    let embassy_id = match (inviter.role, role) {
        (Role::Admin, Role::Admin) => None,
        (Role::Admin, _) => Some(embassy_id.filter(|e| !e.is_empty()).ok_or(InviteError::Invalid("embassy", RuleCode::Required))?.to_owned()),
        (Role::Lead, Role::Volunteer) => inviter.embassy_id.clone(),
        _ => return Err(InviteError::NotAllowed),
    };
    let mut tx = db.begin().await?;
    if let Some(embassy) = &embassy_id {
        let known: Option<String> =
            sqlx::query_scalar("SELECT id FROM embassies WHERE id = $1").bind(embassy).fetch_optional(&mut *tx).await.map_err(DbError::from)?;
        if known.is_none() {
            return Err(InviteError::Invalid("embassy", RuleCode::InvalidChoice));
        }
        for queue in queue_ids {
            let ok: Option<String> = sqlx::query_scalar("SELECT id FROM queues WHERE id = $1 AND embassy_id = $2 AND retired_at IS NULL")
                .bind(queue)
                .bind(embassy)
                .fetch_optional(&mut *tx)
                .await
                .map_err(DbError::from)?;
            if ok.is_none() {
                return Err(InviteError::Invalid("queues", RuleCode::InvalidChoice));
            }
        }
    } else if !queue_ids.is_empty() {
        return Err(InviteError::Invalid("queues", RuleCode::InvalidChoice));
    }
    if role == Role::Volunteer && queue_ids.is_empty() {
        return Err(InviteError::Invalid("queues", RuleCode::Required));
    }
    let (token, tag) = one_time::new_token(keyring);
    let at = now();
    sqlx::query("INSERT INTO invitations (token_hash, role, embassy_id, queue_ids, invited_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(tag)
        .bind(role.as_str())
        .bind(embassy_id.as_deref())
        .bind(queue_ids.join(","))
        .bind(&inviter.id)
        .bind(at)
        .bind(at + INVITATION_SECS)
        .execute(&mut *tx)
        .await
        .map_err(DbError::from)?;
    let object = embassy_id.as_deref().unwrap_or("admin");
    audit::append(&mut tx, keyring, &AuditEvent::new(&inviter.actor(), AuditAction::invitation_of(role), Some(object), Outcome::Ok)).await?;
    tx.commit().await.map_err(DbError::from)?;
    Ok(token)
}

/// The setup link of the first admin: an admin invitation nobody sent, made only while no
/// active admin exists. `None` once there is one.
pub async fn setup_invitation(db: &Db, keyring: &Keyring, actor: &str) -> Result<Option<String>, DbError> {
    let admins: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM people WHERE role = 'admin' AND active = 1").fetch_one(db.pool()).await?;
    if admins > 0 {
        return Ok(None);
    }
    Ok(Some(operator_invitation(db, keyring, actor, Role::Admin, None, &[]).await?))
}

/// An invitation made by the operator on the command line (no inviting person): a role,
/// for leads and volunteers an embassy id, for volunteers their queue ids.
pub async fn operator_invitation(
    db: &Db,
    keyring: &Keyring,
    actor: &str,
    role: Role,
    embassy_id: Option<&str>,
    queue_ids: &[String],
) -> Result<String, DbError> {
    let mut tx = db.begin().await?;
    let (token, tag) = one_time::new_token(keyring);
    let at = now();
    sqlx::query("INSERT INTO invitations (token_hash, role, embassy_id, queue_ids, invited_by, created_at, expires_at) VALUES ($1, $2, $3, $4, NULL, $5, $6)")
        .bind(tag)
        .bind(role.as_str())
        .bind(embassy_id)
        .bind(queue_ids.join(","))
        .bind(at)
        .bind(at + INVITATION_SECS)
        .execute(&mut *tx)
        .await?;
    let object = embassy_id.unwrap_or("setup");
    audit::append(&mut tx, keyring, &AuditEvent::new(actor, AuditAction::invitation_of(role), Some(object), Outcome::Ok)).await?;
    tx.commit().await?;
    Ok(token)
}

/// The live (unused, unexpired) invitation behind a link token.
pub async fn invitation(db: &Db, keyring: &Keyring, token: &str) -> Result<Option<Invitation>, DbError> {
    Ok(live_invitation(db, keyring, token).await?.map(|(_, invitation)| invitation))
}

/// The live invitation behind a link token and the stored tag that matched it (one of the
/// token's tags under each key of the keyring).
async fn live_invitation(db: &Db, keyring: &Keyring, token: &str) -> Result<Option<(Vec<u8>, Invitation)>, DbError> {
    let (live, args) = one_time::live_condition(keyring, "i.", token);
    let sql = format!(
        "SELECT i.token_hash, i.role, i.embassy_id, e.name, i.queue_ids, i.expires_at FROM invitations i LEFT JOIN embassies e ON e.id = i.embassy_id WHERE {live}"
    );
    let row = sqlx::query_with(&sql, arguments(&args)).fetch_optional(db.pool()).await?;
    let Some(row) = row else { return Ok(None) };
    let queues: String = row.try_get(4)?;
    let invitation = Invitation {
        role: Role::parse(&row.try_get::<String, _>(1)?).unwrap_or(Role::Volunteer),
        embassy_id: row.try_get(2)?,
        embassy_name: row.try_get(3)?,
        queue_ids: queues.split(',').filter(|q| !q.is_empty()).map(str::to_owned).collect(),
        expires_at: row.try_get(5)?,
    };
    Ok(Some((row.try_get(0)?, invitation)))
}

/// Why accepting an invitation failed.
#[derive(Debug, thiserror::Error)]
pub enum AcceptError {
    /// Unknown, used or expired link.
    #[error("invitation gone")]
    Gone,
    /// Field and rule code.
    #[error("invalid {0}")]
    Invalid(&'static str, RuleCode),
    /// Every password check is taken just now: try again in a minute.
    #[error("busy")]
    Busy,
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<passwords::PasswordError> for AcceptError {
    fn from(e: passwords::PasswordError) -> Self {
        match e {
            passwords::PasswordError::Busy => Self::Busy,
            e => Self::Db(e.into_db()),
        }
    }
}

/// Accepts an invitation: creates the person with their password, joins their queues,
/// spends the link and opens a session at the password stage (a second factor is enrolled
/// next) — one transaction, audited.
pub async fn accept(db: &Db, keyring: &Keyring, token: &str, login: &str, password: SecretString, again: &SecretString) -> Result<SignIn, AcceptError> {
    use secrecy::ExposeSecret;
    // An unknown, used or expired link says so before anything else is checked.
    let (tag, invitation) = live_invitation(db, keyring, token).await?.ok_or(AcceptError::Gone)?;
    let login = login.trim();
    if login.is_empty() {
        return Err(AcceptError::Invalid("login", RuleCode::Required));
    }
    if !valid_login(login) {
        return Err(AcceptError::Invalid("login", RuleCode::LoginShape));
    }
    password_policy::check_new(password.expose_secret(), again.expose_secret(), login).map_err(|(field, rule)| AcceptError::Invalid(field, rule))?;
    let hash = passwords::hash(password).await?;
    let mut tx = db.begin().await?;
    if !one_time::spend(&mut tx, LinkTable::Invitations, &tag).await? {
        return Err(AcceptError::Gone);
    }
    let person_id = match crate::server::db::people::insert(&mut tx, login, &hash, invitation.role, invitation.embassy_id.as_deref()).await {
        Ok(id) => id,
        Err(crate::server::db::people::NewPersonError::LoginTaken(_)) => return Err(AcceptError::Invalid("login", RuleCode::LoginTaken)),
        Err(crate::server::db::people::NewPersonError::Db(e)) => return Err(e.into()),
    };
    sqlx::query("UPDATE invitations SET person_id = $2 WHERE token_hash = $1").bind(&tag).bind(&person_id).execute(&mut *tx).await.map_err(DbError::from)?;
    for queue in &invitation.queue_ids {
        sqlx::query("INSERT INTO queue_members (queue_id, person_id) VALUES ($1, $2)")
            .bind(queue)
            .bind(&person_id)
            .execute(&mut *tx)
            .await
            .map_err(DbError::from)?;
    }
    // The new person enrols a second factor before the desk opens.
    let stage = Stage::Password;
    let session = insert_session(&mut tx, keyring, &person_id, stage).await?;
    let actor = super::actor_of(&person_id);
    audit::append(&mut tx, keyring, &AuditEvent::new(&actor, AuditAction::InvitationAccept, Some(&person_id), Outcome::Ok)).await?;
    tx.commit().await.map_err(DbError::from)?;
    Ok(SignIn::Session { token: session, stage })
}

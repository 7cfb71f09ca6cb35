//! People who work the desk: sign-in with a password and a second factor (TOTP), desk
//! sessions, invitations, and deactivation. Every sign-in attempt, enrolment, invitation
//! and deactivation is audited in the transaction that records it.

use super::{
    audit::{self, AuditEvent, Outcome},
    config::Backend,
    crypto::{hex, random_token, token_hash, Keyring, Place},
    db::{now, Conn, Db, DbError, Tx},
    password_policy, passwords, throttle,
    throttle::Limit,
    totp::{self, TotpSecret},
};
use crate::domain::Role;
use rand::RngCore;
use secrecy::SecretString;
use sqlx::Row;
use std::sync::LazyLock;

/// A desk session ends after this long without a request…
pub const IDLE_SECS: i64 = 30 * 60;
/// …and this long after sign-in, whatever happens.
pub const ABSOLUTE_SECS: i64 = 12 * 3600;
/// A session that has given its password but not yet its second factor lasts this long.
pub const HALF_SIGNED_SECS: i64 = 10 * 60;
/// Invitation links expire after this long.
pub const INVITATION_SECS: i64 = 72 * 3600;
/// Sign-in attempts per account (password and code steps each).
pub const PER_ACCOUNT: Limit = Limit { max: 5, window_secs: 15 * 60 };

/// Login names: 3–64 characters of a–z, 0–9, '.', '_' or '-' (a pseudonym is fine).
pub fn valid_login(login: &str) -> bool {
    (3..=64).contains(&login.len()) && login.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
}

/// A signed-in person and what they may reach.
#[derive(Clone, Debug)]
pub struct Staff {
    pub id: String,
    pub login: String,
    pub role: Role,
    pub embassy_id: Option<String>,
    /// The name of their embassy.
    pub embassy_name: Option<String>,
    /// Queues the person belongs to (what a volunteer sees).
    pub queue_ids: Vec<String>,
    /// A confirmed second factor.
    pub has_totp: bool,
    /// Their role or embassy requires a second factor.
    pub needs_totp: bool,
}

impl Staff {
    /// How the audit log names this person.
    pub fn actor(&self) -> String {
        actor_of(&self.id)
    }
    pub fn is_lead_or_admin(&self) -> bool {
        matches!(self.role, Role::Lead | Role::Admin)
    }
}

/// How the audit log names the person with `person_id`.
pub fn actor_of(person_id: &str) -> String {
    format!("person:{person_id}")
}

/// How far a session has signed in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Password given; the second factor (or its enrolment) is still due.
    Password,
    Full,
}

impl Stage {
    const fn as_str(self) -> &'static str {
        match self {
            Stage::Password => "password",
            Stage::Full => "full",
        }
    }
}

/// A live desk session.
#[derive(Clone, Debug)]
pub struct Session {
    pub staff: Staff,
    pub stage: Stage,
}

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

/// The columns of a person as a [`StaffRow`], from `people p LEFT JOIN embassies e`, with
/// their memberships folded into one column.
fn staff_columns(backend: Backend) -> String {
    let memberships = match backend {
        Backend::Sqlite => "group_concat(m.queue_id, ',')",
        Backend::Postgres => "string_agg(m.queue_id, ',')",
    };
    format!(
        "p.id, p.login, p.role, p.embassy_id, \
         CASE WHEN p.totp_secret IS NOT NULL AND p.totp_last_step IS NOT NULL THEN 1 ELSE 0 END AS has_totp, \
         COALESCE(e.volunteers_need_totp, 0) AS embassy_needs_totp, e.name AS embassy_name, \
         (SELECT {memberships} FROM queue_members m WHERE m.person_id = p.id) AS queue_ids"
    )
}

/// A person as [`staff_columns`] reads them.
#[derive(sqlx::FromRow)]
struct StaffRow {
    id: String,
    login: String,
    role: String,
    embassy_id: Option<String>,
    has_totp: i64,
    embassy_needs_totp: i64,
    embassy_name: Option<String>,
    queue_ids: Option<String>,
}

impl From<StaffRow> for Staff {
    fn from(row: StaffRow) -> Self {
        let role = Role::parse(&row.role).unwrap_or(Role::Volunteer);
        let mut queue_ids: Vec<String> = row.queue_ids.iter().flat_map(|m| m.split(',')).filter(|q| !q.is_empty()).map(str::to_owned).collect();
        queue_ids.sort();
        Staff {
            id: row.id,
            login: row.login,
            role,
            embassy_id: row.embassy_id,
            embassy_name: row.embassy_name,
            queue_ids,
            has_totp: row.has_totp != 0,
            needs_totp: role != Role::Volunteer || row.embassy_needs_totp != 0,
        }
    }
}

async fn load_staff(conn: &mut Conn, backend: Backend, person_id: &str) -> Result<Option<Staff>, DbError> {
    let sql = format!("SELECT {} FROM people p LEFT JOIN embassies e ON e.id = p.embassy_id WHERE p.id = $1 AND p.active = 1", staff_columns(backend));
    let row: Option<StaffRow> = sqlx::query_as(&sql).bind(person_id).fetch_optional(&mut *conn).await?;
    Ok(row.map(Staff::from))
}

async fn insert_session(tx: &mut Tx, person_id: &str, stage: Stage) -> Result<String, DbError> {
    let token = random_token();
    let at = now();
    sqlx::query("DELETE FROM staff_sessions WHERE person_id = $1 AND (last_seen_at < $2 OR created_at < $3)")
        .bind(person_id)
        .bind(at - IDLE_SECS)
        .bind(at - ABSOLUTE_SECS)
        .execute(&mut **tx)
        .await?;
    sqlx::query("INSERT INTO staff_sessions (token_hash, person_id, stage, created_at, last_seen_at) VALUES ($1, $2, $3, $4, $4)")
        .bind(token_hash(&token))
        .bind(person_id)
        .bind(stage.as_str())
        .bind(at)
        .execute(&mut **tx)
        .await?;
    if stage == Stage::Full {
        sqlx::query("UPDATE people SET last_login_at = $2 WHERE id = $1").bind(person_id).bind(at).execute(&mut **tx).await?;
    }
    Ok(token)
}

/// A session row with its (active) person.
#[derive(sqlx::FromRow)]
struct SessionRow {
    stage: String,
    created_at: i64,
    last_seen_at: i64,
    #[sqlx(flatten)]
    staff: StaffRow,
}

/// A session's idle timer is written again once this many seconds have passed since it last was.
const REFRESH_SECS: i64 = 60;

/// The statement reading the session whose token hash is `$1`, with its active person.
pub fn session_sql(backend: Backend) -> String {
    format!(
        "SELECT s.stage, s.created_at, s.last_seen_at, {} FROM staff_sessions s \
         JOIN people p ON p.id = s.person_id AND p.active = 1 LEFT JOIN embassies e ON e.id = p.embassy_id WHERE s.token_hash = $1",
        staff_columns(backend)
    )
}

/// The session behind `token`, refreshing its idle timer; `None` when it is unknown, idle,
/// expired, or its person was deactivated. One statement by the token's keyed hash (the
/// table's primary key); a second when the idle timer is refreshed or the session has ended.
pub async fn resume(db: &Db, token: &str) -> Result<Option<Session>, DbError> {
    resume_on(&mut *db.acquire().await?, db.backend(), token).await
}

/// [`resume`] on the request's connection.
pub async fn resume_on(conn: &mut Conn, backend: Backend, token: &str) -> Result<Option<Session>, DbError> {
    let hash = token_hash(token);
    let sql = session_sql(backend);
    let Some(row): Option<SessionRow> = sqlx::query_as(&sql).bind(&hash).fetch_optional(&mut *conn).await? else { return Ok(None) };
    let stage = if row.stage == Stage::Full.as_str() { Stage::Full } else { Stage::Password };
    let at = now();
    let lifetime = if stage == Stage::Full { ABSOLUTE_SECS } else { HALF_SIGNED_SECS };
    if at - row.last_seen_at > IDLE_SECS || at - row.created_at > lifetime {
        sqlx::query("DELETE FROM staff_sessions WHERE token_hash = $1").bind(&hash).execute(&mut *conn).await?;
        return Ok(None);
    }
    if at - row.last_seen_at >= REFRESH_SECS {
        sqlx::query("UPDATE staff_sessions SET last_seen_at = $1 WHERE token_hash = $2").bind(at).bind(&hash).execute(&mut *conn).await?;
    }
    Ok(Some(Session { staff: row.staff.into(), stage }))
}

/// Ends one session (log-out).
pub async fn end(db: &Db, token: &str) -> Result<(), DbError> {
    sqlx::query("DELETE FROM staff_sessions WHERE token_hash = $1").bind(token_hash(token)).execute(db.pool()).await?;
    Ok(())
}

/// Ends every session of a person ("log out everywhere"), audited.
pub async fn end_all(db: &Db, keyring: &Keyring, staff: &Staff) -> Result<(), DbError> {
    let mut tx = db.begin().await?;
    sqlx::query("DELETE FROM staff_sessions WHERE person_id = $1").bind(&staff.id).execute(&mut *tx).await?;
    audit::append(&mut tx, keyring, &AuditEvent::new(&staff.actor(), "session.end_all", Some(&staff.id), Outcome::Ok)).await?;
    tx.commit().await?;
    Ok(())
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
        audit::append(&mut tx, keyring, &AuditEvent::new("anonymous", "login.password", person_id.as_deref(), Outcome::Denied)).await?;
        tx.commit().await?;
        return Ok(SignIn::Throttled);
    }
    let matches = passwords::verify(password, stored).await.map_err(|e| DbError::Sqlx(sqlx::Error::Protocol(e.to_string())))?;
    let mut tx = db.begin().await?;
    let person_id = match (person_id, matches) {
        (Some(id), true) => id,
        (person_id, _) => {
            audit::append(&mut tx, keyring, &AuditEvent::new("anonymous", "login.password", person_id.as_deref(), Outcome::Failed)).await?;
            tx.commit().await?;
            return Ok(SignIn::Refused);
        }
    };
    let Some(staff) = load_staff(&mut tx, db.backend(), &person_id).await? else {
        tx.rollback().await?;
        return Ok(SignIn::Refused);
    };
    throttle::clear(&mut tx, &account_scope(keyring, "login", &login)).await?;
    let stage = if staff.has_totp || staff.needs_totp { Stage::Password } else { Stage::Full };
    let token = insert_session(&mut tx, &person_id, stage).await?;
    audit::append(&mut tx, keyring, &AuditEvent::new(&staff.actor(), "login.password", Some(&person_id), Outcome::Ok)).await?;
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
        audit::append(&mut tx, keyring, &AuditEvent::new(&staff.actor(), "login.totp", Some(&staff.id), Outcome::Denied)).await?;
        tx.commit().await?;
        return Ok(SignIn::Throttled);
    }
    let row = sqlx::query("SELECT totp_secret, totp_last_step FROM people WHERE id = $1").bind(&staff.id).fetch_one(&mut *tx).await?;
    let sealed: Option<Vec<u8>> = row.try_get(0)?;
    let last_step: Option<i64> = row.try_get(1)?;
    let secret = sealed.and_then(|s| keyring.open_secret(&totp_place(&staff.id), &s).ok()).and_then(|p| TotpSecret::from_bytes(&p));
    let step = secret.as_ref().and_then(|s| totp::verify(s, code, at, last_step));
    let action = if last_step.is_some() { "login.totp" } else { "totp.enrol" };
    let Some(step) = step else {
        audit::append(&mut tx, keyring, &AuditEvent::new(&staff.actor(), action, Some(&staff.id), Outcome::Failed)).await?;
        tx.commit().await?;
        return Ok(SignIn::Refused);
    };
    sqlx::query("UPDATE people SET totp_last_step = $2 WHERE id = $1").bind(&staff.id).bind(step).execute(&mut *tx).await?;
    throttle::clear(&mut tx, &account_scope(keyring, "totp", &staff.login)).await?;
    // A new token at the change of privilege; the half-signed one ends.
    sqlx::query("DELETE FROM staff_sessions WHERE token_hash = $1").bind(token_hash(token)).execute(&mut *tx).await?;
    let token = insert_session(&mut tx, &staff.id, Stage::Full).await?;
    audit::append(&mut tx, keyring, &AuditEvent::new(&staff.actor(), action, Some(&staff.id), Outcome::Ok)).await?;
    tx.commit().await?;
    Ok(SignIn::Session { token, stage: Stage::Full })
}

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
    Invalid(&'static str, &'static str),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Creates a one-time invitation link token (only its hash is stored). Admins invite
/// anyone; leads invite volunteers of their embassy. Queues must be the embassy's.
pub async fn invite(db: &Db, keyring: &Keyring, inviter: &Staff, role: Role, embassy_id: Option<&str>, queue_ids: &[String]) -> Result<String, InviteError> {
    let embassy_id = match (inviter.role, role) {
        (Role::Admin, Role::Admin) => None,
        (Role::Admin, _) => Some(embassy_id.filter(|e| !e.is_empty()).ok_or(InviteError::Invalid("embassy", "required"))?.to_owned()),
        (Role::Lead, Role::Volunteer) => inviter.embassy_id.clone(),
        _ => return Err(InviteError::NotAllowed),
    };
    let mut tx = db.begin().await?;
    if let Some(embassy) = &embassy_id {
        let known: Option<String> =
            sqlx::query_scalar("SELECT id FROM embassies WHERE id = $1").bind(embassy).fetch_optional(&mut *tx).await.map_err(DbError::from)?;
        if known.is_none() {
            return Err(InviteError::Invalid("embassy", "invalid_choice"));
        }
        for queue in queue_ids {
            let ok: Option<String> = sqlx::query_scalar("SELECT id FROM queues WHERE id = $1 AND embassy_id = $2")
                .bind(queue)
                .bind(embassy)
                .fetch_optional(&mut *tx)
                .await
                .map_err(DbError::from)?;
            if ok.is_none() {
                return Err(InviteError::Invalid("queues", "invalid_choice"));
            }
        }
    } else if !queue_ids.is_empty() {
        return Err(InviteError::Invalid("queues", "invalid_choice"));
    }
    if role == Role::Volunteer && queue_ids.is_empty() {
        return Err(InviteError::Invalid("queues", "required"));
    }
    let token = random_token();
    let at = now();
    sqlx::query("INSERT INTO invitations (token_hash, role, embassy_id, queue_ids, invited_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(token_hash(&token))
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
    audit::append(&mut tx, keyring, &AuditEvent::new(&inviter.actor(), &format!("invitation.create.{}", role.as_str()), Some(object), Outcome::Ok)).await?;
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
    let token = random_token();
    let at = now();
    sqlx::query("INSERT INTO invitations (token_hash, role, embassy_id, queue_ids, invited_by, created_at, expires_at) VALUES ($1, $2, $3, $4, NULL, $5, $6)")
        .bind(token_hash(&token))
        .bind(role.as_str())
        .bind(embassy_id)
        .bind(queue_ids.join(","))
        .bind(at)
        .bind(at + INVITATION_SECS)
        .execute(&mut *tx)
        .await?;
    let object = embassy_id.unwrap_or("setup");
    audit::append(&mut tx, keyring, &AuditEvent::new(actor, &format!("invitation.create.{}", role.as_str()), Some(object), Outcome::Ok)).await?;
    tx.commit().await?;
    Ok(token)
}

/// The live (unused, unexpired) invitation behind a link token.
pub async fn invitation(db: &Db, token: &str) -> Result<Option<Invitation>, DbError> {
    let row = sqlx::query(
        "SELECT i.role, i.embassy_id, e.name, i.queue_ids, i.expires_at FROM invitations i LEFT JOIN embassies e ON e.id = i.embassy_id \
         WHERE i.token_hash = $1 AND i.used_at IS NULL AND i.expires_at > $2",
    )
    .bind(token_hash(token))
    .bind(now())
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let queues: String = row.try_get(3)?;
    Ok(Some(Invitation {
        role: Role::parse(&row.try_get::<String, _>(0)?).unwrap_or(Role::Volunteer),
        embassy_id: row.try_get(1)?,
        embassy_name: row.try_get(2)?,
        queue_ids: queues.split(',').filter(|q| !q.is_empty()).map(str::to_owned).collect(),
        expires_at: row.try_get(4)?,
    }))
}

/// Why accepting an invitation failed.
#[derive(Debug, thiserror::Error)]
pub enum AcceptError {
    /// Unknown, used or expired link.
    #[error("invitation gone")]
    Gone,
    /// Field and rule code.
    #[error("invalid {0}")]
    Invalid(&'static str, &'static str),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Accepts an invitation: creates the person with their password, joins their queues,
/// spends the link and opens a session (at the password stage when a second factor must
/// be enrolled) — one transaction, audited.
pub async fn accept(db: &Db, keyring: &Keyring, token: &str, login: &str, password: SecretString, again: &SecretString) -> Result<SignIn, AcceptError> {
    use secrecy::ExposeSecret;
    // An unknown, used or expired link says so before anything else is checked.
    let invitation = invitation(db, token).await?.ok_or(AcceptError::Gone)?;
    let login = login.trim();
    if login.is_empty() {
        return Err(AcceptError::Invalid("login", "required"));
    }
    if !valid_login(login) {
        return Err(AcceptError::Invalid("login", "login_shape"));
    }
    if let Err(rule) = password_policy::check(password.expose_secret(), login) {
        return Err(AcceptError::Invalid("password", rule.code()));
    }
    if password.expose_secret() != again.expose_secret() {
        return Err(AcceptError::Invalid("password_again", "mismatch"));
    }
    let hash = passwords::hash(password).await.map_err(|e| DbError::Sqlx(sqlx::Error::Protocol(e.to_string())))?;
    let mut tx = db.begin().await?;
    let spent = sqlx::query("UPDATE invitations SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2")
        .bind(token_hash(token))
        .bind(now())
        .execute(&mut *tx)
        .await
        .map_err(DbError::from)?
        .rows_affected();
    if spent != 1 {
        return Err(AcceptError::Gone);
    }
    let person_id = match super::db::people::insert(&mut tx, login, &hash, invitation.role, invitation.embassy_id.as_deref()).await {
        Ok(id) => id,
        Err(super::db::people::NewPersonError::LoginTaken(_)) => return Err(AcceptError::Invalid("login", "login_taken")),
        Err(super::db::people::NewPersonError::Db(e)) => return Err(e.into()),
    };
    sqlx::query("UPDATE invitations SET person_id = $2 WHERE token_hash = $1")
        .bind(token_hash(token))
        .bind(&person_id)
        .execute(&mut *tx)
        .await
        .map_err(DbError::from)?;
    for queue in &invitation.queue_ids {
        sqlx::query("INSERT INTO queue_members (queue_id, person_id) VALUES ($1, $2)")
            .bind(queue)
            .bind(&person_id)
            .execute(&mut *tx)
            .await
            .map_err(DbError::from)?;
    }
    let staff = load_staff(&mut tx, db.backend(), &person_id).await?.ok_or(AcceptError::Gone)?;
    let stage = if staff.needs_totp { Stage::Password } else { Stage::Full };
    let session = insert_session(&mut tx, &person_id, stage).await?;
    let actor = staff.actor();
    audit::append(&mut tx, keyring, &AuditEvent::new(&actor, "invitation.accept", Some(&person_id), Outcome::Ok)).await?;
    tx.commit().await.map_err(DbError::from)?;
    Ok(SignIn::Session { token: session, stage })
}

/// Deactivates a person: they cannot sign in, every session of theirs ends at once, and
/// their open cases go back to the queue. Admins deactivate anyone but themselves; leads
/// the volunteers of their embassy. `false` when the person is not the caller's to change.
pub async fn deactivate(db: &Db, keyring: &Keyring, by: &Staff, person_id: &str) -> Result<bool, DbError> {
    let mut tx = db.begin().await?;
    let target = sqlx::query("SELECT role, embassy_id FROM people WHERE id = $1 AND active = 1").bind(person_id).fetch_optional(&mut *tx).await?;
    let Some(target) = target else { return Ok(false) };
    let role = Role::parse(&target.try_get::<String, _>(0)?);
    let embassy: Option<String> = target.try_get(1)?;
    let allowed = match by.role {
        Role::Admin => person_id != by.id,
        Role::Lead => role == Some(Role::Volunteer) && embassy.is_some() && embassy == by.embassy_id,
        Role::Volunteer => false,
    };
    if !allowed {
        return Ok(false);
    }
    let at = now();
    sqlx::query("UPDATE people SET active = 0, deactivated_at = $2 WHERE id = $1").bind(person_id).bind(at).execute(&mut *tx).await?;
    sqlx::query("DELETE FROM staff_sessions WHERE person_id = $1").bind(person_id).execute(&mut *tx).await?;
    let cases: Vec<String> = sqlx::query_scalar("SELECT id FROM cases WHERE assignee_id = $1 AND status IN ('new', 'triaged', 'in_progress', 'waiting')")
        .bind(person_id)
        .fetch_all(&mut *tx)
        .await?;
    for case_id in &cases {
        sqlx::query("UPDATE cases SET assignee_id = NULL, updated_at = $2 WHERE id = $1").bind(case_id).bind(at).execute(&mut *tx).await?;
        super::desk::record_event(&mut tx, case_id, Some(&by.id), "assignee", Some(person_id), None).await?;
    }
    audit::append(&mut tx, keyring, &AuditEvent::new(&by.actor(), "person.deactivate", Some(person_id), Outcome::Ok)).await?;
    tx.commit().await?;
    Ok(true)
}

//! Changing a person on the team: their role (admins: between volunteer and lead, and an
//! admin's down to either, into an embassy) and the queues they work, and deactivating them.
//! One transaction with its audit rows. A changed role ends the person's sessions (a
//! privilege change); a volunteer who leaves a queue hands its open cases back. No change
//! leaves the desk without an active admin.

use crate::domain::AuditAction;
use crate::domain::EventKind;
use crate::domain::RuleCode;
pub mod load;

use crate::domain::Role;
pub use crate::server::change::ChangeError;
use crate::server::db::{
    embassies::{self, EmbassyQueues},
    Tx,
};
use crate::server::{
    audit::{self, AuditEvent, Outcome},
    config::Backend,
    crypto::Keyring,
    db::cases::{record_event, OPEN},
    db::{now, Conn, Db, DbError},
    staff::Staff,
};
use sqlx::Row;

/// A person the caller may change, as they are now.
pub struct Changeable {
    pub id: String,
    pub login: String,
    pub role: Role,
    /// Their embassy (admins: none; a new role other than admin then names one).
    pub embassy_id: Option<String>,
    pub queue_ids: Vec<String>,
    /// Roles the caller may give them.
    pub roles: Vec<Role>,
}

/// The roles `by` may give a person of `role` in `embassy` (empty: not theirs to change).
/// Admins change anyone, themselves and other admins too (an admin down to lead or
/// volunteer); leads the volunteers of their embassy.
pub fn roles_for(by: &Staff, role: Role, embassy: Option<&str>) -> Vec<Role> {
    match by.role {
        Role::Admin if role == Role::Admin => vec![Role::Admin, Role::Lead, Role::Volunteer],
        Role::Admin if embassy.is_some() => vec![Role::Volunteer, Role::Lead],
        Role::Lead if role == Role::Volunteer && embassy.is_some() && embassy == by.embassy_id.as_deref() => vec![Role::Volunteer],
        _ => Vec::new(),
    }
}

/// The person `person_id` as `by` may change them; `None` when they are inactive or not
/// the caller's to change.
pub async fn changeable(conn: &mut Conn, by: &Staff, person_id: &str) -> Result<Option<Changeable>, DbError> {
    let row = sqlx::query("SELECT login, role, embassy_id FROM people WHERE id = $1 AND active = 1").bind(person_id).fetch_optional(&mut *conn).await?;
    let Some(row) = row else { return Ok(None) };
    let Some(role) = Role::parse(&row.try_get::<String, _>(1)?) else { return Ok(None) };
    let embassy_id: Option<String> = row.try_get(2)?;
    let roles = roles_for(by, role, embassy_id.as_deref());
    if roles.is_empty() {
        return Ok(None);
    }
    let queue_ids = sqlx::query_scalar("SELECT queue_id FROM queue_members WHERE person_id = $1").bind(person_id).fetch_all(&mut *conn).await?;
    Ok(Some(Changeable { id: person_id.to_owned(), login: row.try_get(0)?, role, embassy_id, queue_ids, roles }))
}

/// Whether an active admin other than `person_id` remains. On PostgreSQL the active admins'
/// rows are locked until the transaction ends, so that two admins who take each other's
/// role (or account) at the same moment cannot both succeed; SQLite's transactions write
/// one at a time already.
async fn another_admin_remains(tx: &mut Tx, backend: Backend, person_id: &str) -> Result<bool, DbError> {
    let lock = if backend == Backend::Postgres { " FOR UPDATE" } else { "" };
    let admins: Vec<String> = sqlx::query_scalar(&format!("SELECT id FROM people WHERE role = 'admin' AND active = 1{lock}")).fetch_all(&mut **tx).await?;
    Ok(admins.iter().any(|id| id != person_id))
}

/// Gives `person_id` the role `role` and exactly the queues `queue_ids` (of their embassy;
/// at least one for a volunteer). An admin given another role joins `embassy`; the last
/// active admin keeps their role.
pub async fn change(
    db: &Db,
    keyring: &Keyring,
    by: &Staff,
    person_id: &str,
    role: Role,
    embassy: Option<&str>,
    queue_ids: &[String],
) -> Result<(), ChangeError> {
    let mut tx = db.begin().await?;
    let person = changeable(&mut tx, by, person_id).await?.ok_or(ChangeError::NotFound)?;
    if !person.roles.contains(&role) {
        return Err(ChangeError::Invalid("role", if by.role == Role::Admin { RuleCode::InvalidChoice } else { RuleCode::NotAllowed }));
    }
    if person.role == Role::Admin && role != Role::Admin && !another_admin_remains(&mut tx, db.backend(), person_id).await? {
        return Err(ChangeError::Invalid("role", RuleCode::LastAdmin));
    }
    // An admin keeps no embassy; an admin given another role joins the one named.
    let embassy_id = match (&person.embassy_id, role) {
        (_, Role::Admin) => None,
        (Some(current), _) => Some(current.clone()),
        (None, _) => {
            let named = embassy.filter(|e| !e.is_empty()).ok_or(ChangeError::Invalid("embassy", RuleCode::Required))?;
            let known: Option<String> = sqlx::query_scalar("SELECT id FROM embassies WHERE id = $1").bind(named).fetch_optional(&mut *tx).await?;
            Some(known.ok_or(ChangeError::Invalid("embassy", RuleCode::InvalidChoice))?)
        }
    };
    let embassy_queues: Vec<String> = match &embassy_id {
        Some(e) => sqlx::query_scalar("SELECT id FROM queues WHERE embassy_id = $1 AND retired_at IS NULL").bind(e).fetch_all(&mut *tx).await?,
        None => Vec::new(),
    };
    if queue_ids.iter().any(|q| !embassy_queues.contains(q)) {
        return Err(ChangeError::Invalid("queues", RuleCode::InvalidChoice));
    }
    if role == Role::Volunteer && queue_ids.is_empty() {
        return Err(ChangeError::Invalid("queues", RuleCode::Required));
    }
    let at = now();
    let actor = by.actor();
    if role != person.role {
        sqlx::query("UPDATE people SET role = $2, embassy_id = $3 WHERE id = $1")
            .bind(person_id)
            .bind(role.as_str())
            .bind(embassy_id.as_deref())
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM staff_sessions WHERE person_id = $1").bind(person_id).execute(&mut *tx).await?;
        audit::append(&mut tx, keyring, &AuditEvent::new(&actor, AuditAction::PersonRole, Some(person_id), Outcome::Ok)).await?;
    }
    let removed: Vec<&String> = person.queue_ids.iter().filter(|q| !queue_ids.contains(q)).collect();
    let added: Vec<&String> = queue_ids.iter().filter(|q| !person.queue_ids.contains(q)).collect();
    for queue in &removed {
        sqlx::query("DELETE FROM queue_members WHERE person_id = $1 AND queue_id = $2").bind(person_id).bind(queue.as_str()).execute(&mut *tx).await?;
    }
    for queue in &added {
        sqlx::query("INSERT INTO queue_members (queue_id, person_id) VALUES ($1, $2)").bind(queue.as_str()).bind(person_id).execute(&mut *tx).await?;
    }
    if !removed.is_empty() || !added.is_empty() {
        audit::append(&mut tx, keyring, &AuditEvent::new(&actor, AuditAction::PersonQueues, Some(person_id), Outcome::Ok)).await?;
    }
    // A volunteer cannot see cases outside their queues: those they held go back.
    if role == Role::Volunteer {
        let held = sqlx::query(&format!("SELECT id, queue_id FROM cases WHERE assignee_id = $1 AND {OPEN}")).bind(person_id).fetch_all(&mut *tx).await?;
        for row in held {
            let (case_id, queue): (String, String) = (row.try_get(0)?, row.try_get(1)?);
            if !queue_ids.contains(&queue) {
                sqlx::query("UPDATE cases SET assignee_id = NULL, updated_at = $2 WHERE id = $1").bind(&case_id).bind(at).execute(&mut *tx).await?;
                record_event(&mut tx, &case_id, Some(&by.id), EventKind::Assignee, Some(person_id), None).await?;
            }
        }
    }
    tx.commit().await.map_err(DbError::from)?;
    Ok(())
}

/// Why a person was not deactivated.
#[derive(Debug, thiserror::Error)]
pub enum DeactivateError {
    /// Unknown, inactive, or not the caller's to deactivate: the same answer.
    #[error("not found")]
    NotFound,
    /// They are the last active admin.
    #[error("the last active admin")]
    LastAdmin,
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<sqlx::Error> for DeactivateError {
    fn from(e: sqlx::Error) -> Self {
        DeactivateError::Db(e.into())
    }
}

/// Deactivates a person: they cannot sign in, every session of theirs ends at once, and
/// their open cases go back to the queue. Admins deactivate anyone, themselves included,
/// but the last active admin; leads the volunteers of their embassy.
pub async fn deactivate(db: &Db, keyring: &Keyring, by: &Staff, person_id: &str) -> Result<(), DeactivateError> {
    let mut tx = db.begin().await?;
    let target = sqlx::query("SELECT role, embassy_id FROM people WHERE id = $1 AND active = 1").bind(person_id).fetch_optional(&mut *tx).await?;
    let Some(target) = target else { return Err(DeactivateError::NotFound) };
    let role = Role::parse(&target.try_get::<String, _>(0)?);
    let embassy: Option<String> = target.try_get(1)?;
    let allowed = match by.role {
        Role::Admin => true,
        Role::Lead => role == Some(Role::Volunteer) && embassy.is_some() && embassy == by.embassy_id,
        Role::Volunteer => false,
    };
    if !allowed {
        return Err(DeactivateError::NotFound);
    }
    if role == Some(Role::Admin) && !another_admin_remains(&mut tx, db.backend(), person_id).await? {
        return Err(DeactivateError::LastAdmin);
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
        crate::server::db::cases::record_event(&mut tx, case_id, Some(&by.id), EventKind::Assignee, Some(person_id), None).await?;
    }
    // Their address is kept no longer than their account.
    crate::server::notify::forget_person(&mut tx, person_id).await?;
    audit::append(&mut tx, keyring, &AuditEvent::new(&by.actor(), AuditAction::PersonDeactivate, Some(person_id), Outcome::Ok)).await?;
    tx.commit().await?;
    Ok(())
}

/// Creates the embassy and its queues unless one with `code` exists, audited as
/// `embassy.create` by `actor` in the same transaction; returns it. `name` is the English
/// name; the Belarusian and Russian ones and the time zone are those of the country (an
/// admin changes them on the embassies page).
pub async fn ensure_embassy(
    tx: &mut Tx,
    keyring: &Keyring,
    actor: &str,
    code: &str,
    country: &str,
    name: &str,
    is_default: bool,
) -> Result<EmbassyQueues, DbError> {
    let names = if is_default {
        embassies::Names { be: "Міжнародная прыёмная".into(), ru: "Международная приёмная".into(), en: name.to_owned() }
    } else {
        embassies::Names { en: name.to_owned(), ..embassies::Names::default_for(country) }
    };
    let zone = crate::domain::countries::home_zone(country).unwrap_or("UTC");
    let (embassy, created) = embassies::ensure(tx, code, country, &names, zone, is_default).await?;
    if created {
        audit::append(tx, keyring, &AuditEvent::new(actor, AuditAction::EmbassyCreate, Some(&embassy.embassy_id), Outcome::Ok)).await?;
    }
    Ok(embassy)
}

/// Makes sure a default desk exists (a fresh install has one from the first start), so
/// that every intake can be routed.
pub async fn ensure_default_desk(db: &Db, keyring: &Keyring) -> Result<(), DbError> {
    let exists: Option<String> = sqlx::query_scalar("SELECT id FROM embassies WHERE is_default = 1 LIMIT 1").fetch_optional(db.pool()).await?;
    if exists.is_none() {
        let mut tx = db.begin().await?;
        ensure_embassy(&mut tx, keyring, "system", embassies::DEFAULT_DESK_CODE, "ZZ", "International desk", true).await?;
        tx.commit().await?;
    }
    Ok(())
}

/// Sets how many days an embassy keeps a closed case (`None`: the server's default), audited
/// as `embassy.retention`. Admins only; `false` when the caller is not one or the embassy is
/// unknown.
pub async fn set_retention(db: &Db, keyring: &Keyring, by: &Staff, embassy_id: &str, days: Option<i64>) -> Result<bool, DbError> {
    if by.role != Role::Admin {
        return Ok(false);
    }
    let mut tx = db.begin().await?;
    let changed = embassies::set_retention(&mut tx, embassy_id, days).await?;
    let outcome = if changed { Outcome::Ok } else { Outcome::NotFound };
    audit::append(&mut tx, keyring, &AuditEvent::new(&by.actor(), AuditAction::EmbassyRetention, Some(embassy_id), outcome)).await?;
    tx.commit().await?;
    Ok(changed)
}

//! Notifications by e-mail: people are told that work arrived, never what it is.
//!
//! Each person may give an e-mail address (sealed under the keyring) and choose, per kind,
//! to hear at once, in a daily digest, or not at all. What happens is queued in the
//! transaction of the change that caused it (intake, a requester's answer, an assignment);
//! deadlines within 48 hours and first responses gone overdue are found by the sender's own
//! passes. The sender ([`send`]) runs in the background: a failed SMTP server delays
//! e-mails, never a request. An e-mail carries counts, the names of queues and a link to the
//! desk, never a case's content or reference. Requesters whose contact is an e-mail address
//! may ask for "there is a new message" (no content) on their follow-up page.

pub mod load;
pub mod mail;
pub mod send;

use crate::domain::{intake::handle_rule, AuditAction, NotifyKind, NotifyMode, Role, RuleCode};
use crate::server::{
    audit::{self, AuditEvent, Outcome},
    change::ChangeError,
    crypto::{Keyring, Place},
    db::{now, Conn, Db, DbError, Tx},
    staff::Staff,
};

/// The languages a person's e-mails may be written in (the desk's).
pub const DESK_LANGUAGES: [&str; 3] = ["be", "ru", "en"];

/// The kind of a queued test e-mail (the notifications page's "send a test").
pub const TEST: &str = "test";

/// Longest address taken, in characters (RFC 5321's path limit).
pub const EMAIL_MAX: usize = 254;

/// Where a person's address is sealed.
pub fn email_place(person_id: &str) -> Place<'_> {
    Place { case: "", table: "people", column: "email", row: person_id }
}

/// What a person hears of each kind until they choose otherwise: assignments, answers,
/// new cases and overdue first responses at once, deadlines in the digest.
pub fn default_mode(kind: NotifyKind) -> NotifyMode {
    match kind {
        NotifyKind::DeadlineNear => NotifyMode::Digest,
        _ => NotifyMode::Now,
    }
}

/// The kinds a person of `role` may choose: overdue first responses are told to leads.
pub fn kinds_for(role: Role) -> Vec<NotifyKind> {
    NotifyKind::ALL.iter().copied().filter(|k| *k != NotifyKind::Overdue || role == Role::Lead).collect()
}

/// A person's notification settings as stored (the address opened).
#[derive(Clone, Debug, Default)]
pub struct Settings {
    pub email: Option<String>,
    pub language: String,
    /// One mode per kind the person may choose.
    pub modes: Vec<(NotifyKind, NotifyMode)>,
    /// E-mails queued for them and not yet sent.
    pub waiting: i64,
}

/// `staff`'s settings; an address no key of the keyring opens reads as none.
pub async fn settings_of(conn: &mut Conn, keyring: &Keyring, staff: &Staff) -> Result<Settings, DbError> {
    let (sealed, language): (Option<Vec<u8>>, Option<String>) =
        sqlx::query_as("SELECT email, email_language FROM people WHERE id = $1").bind(&staff.id).fetch_one(&mut *conn).await?;
    let email = sealed.and_then(|s| keyring.open_secret(&email_place(&staff.id), &s).ok()).and_then(|p| String::from_utf8(p.to_vec()).ok());
    let stored: Vec<(String, String)> =
        sqlx::query_as("SELECT kind, mode FROM notify_choices WHERE person_id = $1").bind(&staff.id).fetch_all(&mut *conn).await?;
    let modes = kinds_for(staff.role)
        .into_iter()
        .map(|kind| {
            let mode = stored.iter().find(|(k, _)| k == kind.as_str()).and_then(|(_, m)| NotifyMode::parse(m)).unwrap_or_else(|| default_mode(kind));
            (kind, mode)
        })
        .collect();
    let waiting: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE person_id = $1").bind(&staff.id).fetch_one(&mut *conn).await?;
    Ok(Settings { email, language: language.filter(|l| DESK_LANGUAGES.contains(&l.as_str())).unwrap_or_else(|| "en".into()), modes, waiting })
}

/// An address as typed, checked: one line, an `@` between a name and a domain with a dot,
/// and what an SMTP server takes.
pub fn checked_email(typed: &str) -> Result<String, RuleCode> {
    let email = typed.trim();
    if email.chars().count() > EMAIL_MAX {
        return Err(RuleCode::TooLong);
    }
    if handle_rule("email", email).is_some() || email.parse::<lettre::Address>().is_err() {
        return Err(RuleCode::EmailShape);
    }
    Ok(email.to_owned())
}

/// What the notifications page posts to save.
pub struct Choices<'a> {
    pub email: &'a str,
    pub language: &'a str,
    /// `(kind, mode)` as posted, for the kinds the page offers.
    pub modes: Vec<(NotifyKind, &'a str)>,
}

/// Saves `staff`'s own address (left blank: the one stored is kept), language and modes,
/// with the audit row.
pub async fn save(db: &Db, keyring: &Keyring, staff: &Staff, choices: &Choices<'_>) -> Result<(), ChangeError> {
    let current = settings_of(&mut *db.acquire().await?, keyring, staff).await?;
    let email = if choices.email.trim().is_empty() {
        current.email.ok_or(ChangeError::Invalid("email", RuleCode::Required))?
    } else {
        checked_email(choices.email).map_err(|code| ChangeError::Invalid("email", code))?
    };
    let language = if choices.language.is_empty() { current.language.as_str() } else { choices.language };
    if !DESK_LANGUAGES.contains(&language) {
        return Err(ChangeError::Invalid("email_language", RuleCode::InvalidChoice));
    }
    let allowed = kinds_for(staff.role);
    let mut modes = current.modes.clone();
    for (kind, posted) in &choices.modes {
        // A mode not posted stays as it is.
        if posted.is_empty() {
            continue;
        }
        let Some(mode) = NotifyMode::parse(posted).filter(|_| allowed.contains(kind)) else {
            return Err(ChangeError::Invalid(kind.mode_field(), RuleCode::InvalidChoice));
        };
        modes.retain(|(k, _)| k != kind);
        modes.push((*kind, mode));
    }
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE people SET email = $2, email_language = $3 WHERE id = $1")
        .bind(&staff.id)
        .bind(keyring.seal_secret(&email_place(&staff.id), email.as_bytes()))
        .bind(language)
        .execute(&mut *tx)
        .await?;
    for kind in allowed {
        let mode = modes.iter().find(|(k, _)| *k == kind).map_or_else(|| default_mode(kind), |(_, m)| *m);
        sqlx::query("DELETE FROM notify_choices WHERE person_id = $1 AND kind = $2").bind(&staff.id).bind(kind.as_str()).execute(&mut *tx).await?;
        sqlx::query("INSERT INTO notify_choices (person_id, kind, mode) VALUES ($1, $2, $3)")
            .bind(&staff.id)
            .bind(kind.as_str())
            .bind(mode.as_str())
            .execute(&mut *tx)
            .await?;
    }
    // What a kind switched off still had waiting is not sent.
    sqlx::query("DELETE FROM notifications WHERE person_id = $1 AND kind IN (SELECT kind FROM notify_choices WHERE person_id = $1 AND mode = 'off')")
        .bind(&staff.id)
        .execute(&mut *tx)
        .await?;
    audit::append(&mut tx, keyring, &AuditEvent::new(&staff.actor(), AuditAction::PersonNotifications, Some(&staff.id), Outcome::Ok)).await?;
    tx.commit().await?;
    Ok(())
}

/// Removes `staff`'s address and choices; nothing waiting for them is sent.
pub async fn remove(db: &Db, keyring: &Keyring, staff: &Staff) -> Result<(), ChangeError> {
    let mut tx = db.begin().await?;
    forget_person(&mut tx, &staff.id).await?;
    audit::append(&mut tx, keyring, &AuditEvent::new(&staff.actor(), AuditAction::PersonNotifications, Some(&staff.id), Outcome::Ok)).await?;
    tx.commit().await?;
    Ok(())
}

/// Drops a person's address, choices and waiting e-mails (their own wish, or deactivation).
pub async fn forget_person(tx: &mut Tx, person_id: &str) -> Result<(), DbError> {
    sqlx::query("UPDATE people SET email = NULL, email_language = NULL WHERE id = $1").bind(person_id).execute(&mut **tx).await?;
    sqlx::query("DELETE FROM notify_choices WHERE person_id = $1").bind(person_id).execute(&mut **tx).await?;
    sqlx::query("DELETE FROM notifications WHERE person_id = $1").bind(person_id).execute(&mut **tx).await?;
    Ok(())
}

/// Queues a test e-mail to `staff`'s own address, sent at the sender's next pass; `NotFound`
/// without an address.
pub async fn test(db: &Db, staff: &Staff) -> Result<(), ChangeError> {
    let mut tx = db.begin().await?;
    let has: Option<i64> = sqlx::query_scalar("SELECT 1 FROM people WHERE id = $1 AND email IS NOT NULL").bind(&staff.id).fetch_optional(&mut *tx).await?;
    if has.is_none() {
        return Err(ChangeError::Invalid("email", RuleCode::Required));
    }
    insert(&mut tx, &staff.id, TEST, None, now()).await?;
    tx.commit().await?;
    Ok(())
}

async fn insert(tx: &mut Tx, person_id: &str, kind: &str, queue_id: Option<&str>, at: i64) -> Result<(), DbError> {
    sqlx::query("INSERT INTO notifications (id, person_id, kind, queue_id, created_at, attempts, next_attempt_at) VALUES ($1, $2, $3, $4, $5, 0, $5)")
        .bind(uuid::Uuid::new_v4().to_string())
        .bind(person_id)
        .bind(kind)
        .bind(queue_id)
        .bind(at)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Those of `candidates` (a condition on `p`, the people table, with `$1` bound to `arg`)
/// who have an address, are active and have not switched `kind` off: one read, so that a
/// change nobody is to hear of costs its transaction no more.
async fn wanting(tx: &mut Tx, candidates: &str, arg: &str, kind: NotifyKind) -> Result<Vec<String>, DbError> {
    let sql = format!(
        "SELECT p.id FROM people p JOIN notify_choices c ON c.person_id = p.id AND c.kind = $2 AND c.mode <> 'off' \
         WHERE p.active = 1 AND p.email IS NOT NULL AND ({candidates}) ORDER BY p.id"
    );
    Ok(sqlx::query_scalar(&sql).bind(arg).bind(kind.as_str()).fetch_all(&mut **tx).await?)
}

/// Queues `kind` for each of `people` who wants to hear of it.
async fn tell(tx: &mut Tx, people: &[String], kind: NotifyKind, queue_id: Option<&str>, at: i64) -> Result<(), DbError> {
    for person in people {
        for wanting in wanting(tx, "p.id = $1", person, kind).await? {
            insert(tx, &wanting, kind.as_str(), queue_id, at).await?;
        }
    }
    Ok(())
}

/// A new case in queue `queue_id`: told to the queue's members and the embassy's leads.
pub async fn new_case(tx: &mut Tx, queue_id: &str, at: i64) -> Result<(), DbError> {
    let candidates = "p.id IN (SELECT person_id FROM queue_members WHERE queue_id = $1) \
                      OR (p.role = 'lead' AND p.embassy_id = (SELECT embassy_id FROM queues WHERE id = $1))";
    for person in wanting(tx, candidates, queue_id, NotifyKind::NewCase).await? {
        insert(tx, &person, NotifyKind::NewCase.as_str(), Some(queue_id), at).await?;
    }
    Ok(())
}

/// A requester answered on case `case_id`: told to its assignee.
pub async fn answered(tx: &mut Tx, case_id: &str, at: i64) -> Result<(), DbError> {
    for person in wanting(tx, "p.id = (SELECT assignee_id FROM cases WHERE id = $1)", case_id, NotifyKind::Answered).await? {
        insert(tx, &person, NotifyKind::Answered.as_str(), None, at).await?;
    }
    Ok(())
}

/// A case was assigned to `person_id` by `by`: told to them unless they took it themselves.
pub async fn assigned(tx: &mut Tx, person_id: &str, by: &str, at: i64) -> Result<(), DbError> {
    if person_id == by {
        return Ok(());
    }
    tell(tx, &[person_id.to_owned()], NotifyKind::Assigned, None, at).await
}

/// The desk wrote to the requester of `case_id`: if they asked to be told by e-mail, an
/// e-mail "there is a new message" waits to be sent (several messages make one e-mail).
pub async fn requester_message(tx: &mut Tx, case_id: &str, at: i64) -> Result<(), DbError> {
    sqlx::query(
        "UPDATE requester_notices SET next_attempt_at = CASE WHEN pending_since IS NULL THEN $2 ELSE next_attempt_at END, \
         pending_since = COALESCE(pending_since, $2) WHERE case_id = $1",
    )
    .bind(case_id)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Whether the requester of `case_id` asked to be told of new messages by e-mail.
pub async fn requester_wants(conn: &mut Conn, case_id: &str) -> Result<bool, DbError> {
    Ok(sqlx::query_scalar::<_, i64>("SELECT 1 FROM requester_notices WHERE case_id = $1").bind(case_id).fetch_optional(&mut *conn).await?.is_some())
}

/// The requester of `case_id` asks for (`on`) or stops "there is a new message" by e-mail,
/// with the audit row. Only a case whose contact is an e-mail address may ask.
pub async fn requester_choose(db: &Db, keyring: &Keyring, case_id: &crate::domain::CaseId, on: bool) -> Result<(), ChangeError> {
    if on && send::requester_address(&mut *db.acquire().await?, keyring, case_id).await.ok().flatten().is_none() {
        return Err(ChangeError::Invalid("notify", RuleCode::NotAllowed));
    }
    let mut tx = db.begin().await?;
    sqlx::query("DELETE FROM requester_notices WHERE case_id = $1").bind(case_id.as_str()).execute(&mut *tx).await?;
    if on {
        sqlx::query("INSERT INTO requester_notices (case_id, pending_since, attempts, next_attempt_at) VALUES ($1, NULL, 0, 0)")
            .bind(case_id.as_str())
            .execute(&mut *tx)
            .await?;
    }
    audit::append(&mut tx, keyring, &AuditEvent::new("requester", AuditAction::CaseNotifyChoice, Some(case_id.as_str()), Outcome::Ok)).await?;
    tx.commit().await?;
    Ok(())
}

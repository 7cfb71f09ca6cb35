//! One case as the desk reads it: its facts, what the requester wrote, the timeline,
//! who it may be assigned to. Every decryption is audited before anything is returned.

use super::{in_scope, note_place, queue::DeadlineRow, utf8, CaseMeta, DeskError, MetaRow, META};
use crate::domain::AuditAction;
use crate::domain::{CaseId, Role};
use crate::server::{
    audit::{self, AuditEvent, Outcome},
    cases::{field_place, ReadError},
    crypto::{Keyring, SERVER_HOLDER},
    db::{Conn, Db, DbError},
    follow_up::{self, Author, MessageKind},
    staff::Staff,
};
use sqlx::Row;
use std::collections::HashMap;
use zeroize::Zeroizing;

/// People a case may be assigned to: active leads of its embassy and active volunteers of
/// its queue.
pub async fn assignable(conn: &mut Conn, meta: &CaseMeta) -> Result<Vec<(String, String)>, DbError> {
    let rows = sqlx::query(
        "SELECT p.id, p.login FROM people p WHERE p.active = 1 AND p.embassy_id = $1 AND \
         (p.role = 'lead' OR EXISTS (SELECT 1 FROM queue_members m WHERE m.person_id = p.id AND m.queue_id = $2)) ORDER BY p.login",
    )
    .bind(&meta.embassy_id)
    .bind(&meta.queue_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).collect::<Result<_, sqlx::Error>>().map_err(DbError::from)
}

/// A timeline entry in storage terms.
pub enum Happening {
    Event {
        kind: String,
        old: Option<String>,
        new: Option<String>,
    },
    Note {
        body: Zeroizing<String>,
    },
    /// `automatic`: the embassy's acknowledgement, posted by intake.
    Message {
        from_requester: bool,
        information: bool,
        automatic: bool,
        body: Zeroizing<String>,
    },
}

/// Everything the case page shows, decrypted.
pub struct CaseView {
    pub meta: CaseMeta,
    pub queue_name: String,
    pub deleted: bool,
    pub fields: Vec<(String, Zeroizing<String>)>,
    /// `(at, person id, what)`, oldest first.
    pub timeline: Vec<(i64, Option<String>, Happening)>,
    pub deadlines: Vec<DeadlineRow>,
    pub assignable: Vec<(String, String)>,
    pub queues: Vec<(String, String)>,
    /// `(at, actor, action, outcome)`, newest first; leads and admins only.
    pub access: Option<Vec<(i64, String, String, String)>>,
    /// Logins of the people named in the timeline, assignee and access history.
    pub logins: HashMap<String, String>,
    /// The case's documents, oldest first.
    pub documents: Vec<crate::server::documents::read::Listed>,
}

/// Opens a case for the desk, on the request's connection: the case in scope (else
/// `NotFound`), its fields, messages and notes decrypted, its events and deadlines. The
/// decryption is audited (`case.view`) before anything is returned; a failed decryption is
/// audited as failed, and a case out of reach as denied or not found.
pub async fn view_case(db: &Db, conn: &mut Conn, keyring: &Keyring, staff: &Staff, case_id: &str) -> Result<CaseView, DeskError> {
    let Some(id) = CaseId::parse(case_id) else { return Err(super::refused(db, conn, keyring, staff, AuditAction::CaseView, case_id).await) };
    let read = read_case(conn, keyring, staff, &id).await;
    let outcome = match &read {
        Ok(_) => Outcome::Ok,
        Err(DeskError::Read(ReadError::Crypto(_))) => Outcome::Failed,
        Err(DeskError::NotFound) => return Err(super::refused(db, conn, keyring, staff, AuditAction::CaseView, case_id).await),
        Err(_) => return read,
    };
    audit::record(db, conn, keyring, &AuditEvent::new(&staff.actor(), AuditAction::CaseView, Some(id.as_str()), outcome)).await?;
    read
}

/// A case with its assignee's login and its key wrapped for the server.
#[derive(sqlx::FromRow)]
struct CaseRow {
    #[sqlx(flatten)]
    meta: MetaRow,
    assignee_login: Option<String>,
    wrapped: Option<Vec<u8>>,
}

#[derive(sqlx::FromRow)]
struct FieldRow {
    name: String,
    sealed: Vec<u8>,
}

/// A message or a note: `author` and `kind` are the message's (a note has neither).
#[derive(sqlx::FromRow)]
struct WrittenRow {
    id: String,
    at: i64,
    person_id: Option<String>,
    login: Option<String>,
    author: Option<String>,
    kind: Option<String>,
    automatic: i64,
    sealed: Vec<u8>,
}

/// A clear timeline event, with the logins of the people it names.
#[derive(sqlx::FromRow)]
struct EventRow {
    id: String,
    at: i64,
    person_id: Option<String>,
    login: Option<String>,
    kind: String,
    old_value: Option<String>,
    new_value: Option<String>,
    old_login: Option<String>,
    new_login: Option<String>,
}

#[derive(sqlx::FromRow)]
struct QueueChoiceRow {
    id: String,
    name: String,
    code: String,
}

#[derive(sqlx::FromRow)]
struct AccessRow {
    at: i64,
    actor: String,
    action: String,
    outcome: String,
    person_id: Option<String>,
    login: Option<String>,
}

/// Reads and opens a case, statement by statement: the case, then (once it is known to be
/// in scope) its fields, messages, notes, events, deadlines and the queues it may move to;
/// for leads and admins the people it may be assigned to and its access history.
async fn read_case(conn: &mut Conn, keyring: &Keyring, staff: &Staff, case_id: &CaseId) -> Result<CaseView, DeskError> {
    let id = case_id.as_str();
    let case: Option<CaseRow> = sqlx::query_as(&format!(
        "SELECT {META}, a.login AS assignee_login, k.wrapped FROM cases c LEFT JOIN people a ON a.id = c.assignee_id \
         LEFT JOIN case_keys k ON k.case_id = c.id AND k.holder = $2 WHERE c.id = $1"
    ))
    .bind(id)
    .bind(SERVER_HOLDER)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(case) = case else { return Err(DeskError::NotFound) };
    let meta = CaseMeta::from(case.meta);
    if !in_scope(staff, &meta.embassy_id, &meta.queue_id) {
        return Err(DeskError::NotFound);
    }
    let mut logins = HashMap::new();
    if let (Some(assignee), Some(login)) = (&meta.assignee_id, case.assignee_login) {
        logins.insert(assignee.clone(), login);
    }
    // A case shredded by its requester has no key any more: its metadata and clear
    // timeline stay, nothing sealed is read.
    let key = case.wrapped.map(|w| keyring.unwrap_case_key(&meta.id, &w)).transpose()?;
    let mut fields = Vec::new();
    // `(at, rank, id, person, what)`: at the same second messages, then notes, then events.
    let mut timeline: Vec<(i64, u8, String, Option<String>, Happening)> = Vec::new();
    let mut documents = Vec::new();
    if let Some(key) = &key {
        documents = crate::server::documents::read::list(conn, key, case_id).await?;
        let rows: Vec<FieldRow> =
            sqlx::query_as("SELECT name, sealed FROM case_fields WHERE case_id = $1 ORDER BY name").bind(id).fetch_all(&mut *conn).await?;
        for row in rows {
            let value = utf8(&key.open(&field_place(&meta.id, &row.name), &row.sealed)?)?;
            fields.push((row.name, value));
        }
        let messages: Vec<WrittenRow> = sqlx::query_as(
            "SELECT m.id, m.created_at AS at, m.person_id, p.login, m.author, m.kind, m.automatic, m.sealed FROM case_messages m \
             LEFT JOIN people p ON p.id = m.person_id WHERE m.case_id = $1",
        )
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
        for m in messages {
            let body = utf8(&key.open(&follow_up::message_place(&meta.id, &m.id), &m.sealed)?)?;
            let from_requester = m.author.as_deref() != Some(Author::Volunteer.as_str());
            let information = m.kind.as_deref() == Some(MessageKind::Information.as_str());
            remember(&mut logins, &m.person_id, m.login);
            timeline.push((m.at, 0, m.id, m.person_id, Happening::Message { from_requester, information, automatic: m.automatic != 0, body }));
        }
        let notes: Vec<WrittenRow> = sqlx::query_as(
            "SELECT n.id, n.created_at AS at, n.person_id, p.login, NULL AS author, NULL AS kind, CAST(0 AS BIGINT) AS automatic, n.sealed FROM case_notes n \
             LEFT JOIN people p ON p.id = n.person_id WHERE n.case_id = $1",
        )
        .bind(id)
        .fetch_all(&mut *conn)
        .await?;
        for n in notes {
            let body = utf8(&key.open(&note_place(&meta.id, &n.id), &n.sealed)?)?;
            remember(&mut logins, &n.person_id, n.login);
            timeline.push((n.at, 1, n.id, n.person_id, Happening::Note { body }));
        }
    }
    let events: Vec<EventRow> = sqlx::query_as(
        "SELECT e.id, e.at, e.person_id, p.login, e.kind, e.old_value, e.new_value, po.login AS old_login, pn.login AS new_login \
         FROM case_events e LEFT JOIN people p ON p.id = e.person_id \
         LEFT JOIN people po ON e.kind = 'assignee' AND po.id = e.old_value LEFT JOIN people pn ON e.kind = 'assignee' AND pn.id = e.new_value \
         WHERE e.case_id = $1",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    for e in events {
        remember(&mut logins, &e.person_id, e.login);
        remember(&mut logins, &e.old_value, e.old_login);
        remember(&mut logins, &e.new_value, e.new_login);
        timeline.push((e.at, 2, e.id, e.person_id, Happening::Event { kind: e.kind, old: e.old_value, new: e.new_value }));
    }
    timeline.sort_by(|a, b| (a.0, a.1, &a.2).cmp(&(b.0, b.1, &b.2)));
    let timeline = timeline.into_iter().map(|(at, _, _, person, happening)| (at, person, happening)).collect();
    let deadlines: Vec<DeadlineRow> = sqlx::query_as(
        "SELECT d.id, d.case_id, c.reference, d.kind, d.due_on, d.done_at \
         FROM case_deadlines d JOIN cases c ON c.id = d.case_id WHERE d.case_id = $1 ORDER BY d.due_on, d.id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;

    // Admins may move a case to any embassy's queue, others within the case's embassy.
    let any_embassy = staff.role == Role::Admin;
    let within = if any_embassy { "WHERE q.retired_at IS NULL" } else { "WHERE q.retired_at IS NULL AND q.embassy_id = $1" };
    let sql = format!("SELECT q.id, q.name, e.code FROM queues q JOIN embassies e ON e.id = q.embassy_id {within} ORDER BY e.code, q.slug, q.id");
    let mut choices = sqlx::query_as::<_, QueueChoiceRow>(&sql);
    if !any_embassy {
        choices = choices.bind(&meta.embassy_id);
    }
    let choices = choices.fetch_all(&mut *conn).await?;
    let queue_name = choices.iter().find(|q| q.id == meta.queue_id).map(|q| q.name.clone()).unwrap_or_default();
    let queues = choices.into_iter().map(|q| (q.id, if any_embassy { format!("{} · {}", q.code, q.name) } else { q.name })).collect();

    let (assignable, access) = if staff.is_lead_or_admin() {
        let assignable = assignable(&mut *conn, &meta).await?;
        let rows: Vec<AccessRow> = sqlx::query_as(
            "SELECT a.at, a.actor, a.action, a.outcome, p.id AS person_id, p.login FROM audit_log a LEFT JOIN people p ON p.id = substr(a.actor, 8) \
             WHERE a.object_id = $1 ORDER BY a.seq DESC LIMIT 200",
        )
        .bind(&meta.id)
        .fetch_all(&mut *conn)
        .await?;
        let mut access = Vec::with_capacity(rows.len());
        for r in rows {
            if let (Some(person), Some(login)) = (r.person_id, r.login) {
                if r.actor.strip_prefix("person:") == Some(person.as_str()) {
                    logins.insert(person, login);
                }
            }
            access.push((r.at, r.actor, r.action, r.outcome));
        }
        (assignable, Some(access))
    } else {
        (Vec::new(), None)
    };
    Ok(CaseView { meta, queue_name, deleted: key.is_none(), fields, timeline, deadlines, assignable, queues, access, logins, documents })
}

/// Notes the login of a person a row names.
fn remember(logins: &mut HashMap<String, String>, person: &Option<String>, login: Option<String>) {
    if let (Some(person), Some(login)) = (person, login) {
        logins.insert(person.clone(), login);
    }
}

//! The desk's work on cases: scope, the queue list and its pages, take-next, the case with
//! its timeline, and every change (notes, replies, status, priority, re-routing,
//! assignment, deadlines). Each change is one transaction with its timeline event and its
//! audit row. Reads that decrypt are audited before anything is returned.

use super::{
    audit::{self, AuditEvent, Outcome},
    cases::{field_place, CaseField, ReadError},
    config::Backend,
    crypto::{CryptoError, Keyring, Place, SERVER_HOLDER},
    db::{now, Conn, Db, DbError, Tx},
    follow_up::{self, Author, MessageKind},
    staff::Staff,
};
use crate::domain::{CaseId, Category, Priority, Role, Status};
use sqlx::Row;
use std::collections::HashMap;
use zeroize::Zeroizing;

/// The SQL condition of an open case. Written exactly like the partial indexes' condition,
/// so that the planners use them.
pub const OPEN: &str = "status IN ('new', 'triaged', 'in_progress', 'waiting')";
/// Rows per page of the case list.
pub const PAGE_SIZE: usize = 50;
/// Kinds of dated deadline.
pub const DEADLINE_KINDS: [&str; 6] = ["appeal", "permit_expiry", "document_expiry", "housing_end", "hearing", "other"];

/// Why a desk action did not happen.
#[derive(Debug, thiserror::Error)]
pub enum DeskError {
    /// Unknown, or outside the caller's scope: the same answer.
    #[error("not found")]
    NotFound,
    /// In scope, but not the caller's to do (e.g. a volunteer assigning).
    #[error("not allowed")]
    NotAllowed,
    /// Field and rule code.
    #[error("invalid {0}: {1}")]
    Invalid(&'static str, &'static str),
    #[error(transparent)]
    Read(#[from] ReadError),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<sqlx::Error> for DeskError {
    fn from(e: sqlx::Error) -> Self {
        DeskError::Db(e.into())
    }
}

impl From<CryptoError> for DeskError {
    fn from(e: CryptoError) -> Self {
        DeskError::Read(e.into())
    }
}

impl From<DeskError> for crate::api::AppError {
    #[track_caller]
    fn from(e: DeskError) -> Self {
        use crate::api::AppError;
        match e {
            DeskError::NotFound => AppError::NotFound,
            DeskError::NotAllowed => AppError::Forbidden,
            DeskError::Invalid(field, code) => AppError::invalid(field, code),
            DeskError::Read(ReadError::Gone) => AppError::NotFound,
            other => AppError::internal(other),
        }
    }
}

/// The clear metadata of a case.
#[derive(Clone, Debug)]
pub struct CaseMeta {
    pub id: String,
    pub reference: String,
    pub embassy_id: String,
    pub queue_id: String,
    pub categories: Vec<Category>,
    pub status: Status,
    pub priority: Priority,
    pub language: String,
    pub assignee_id: Option<String>,
    pub created_at: i64,
    pub due_at: Option<i64>,
    pub first_response_at: Option<i64>,
}

impl CaseMeta {
    /// No first response yet and its due time passed.
    pub fn overdue(&self, at: i64) -> bool {
        self.status.is_open() && self.first_response_at.is_none() && self.due_at.is_some_and(|d| d < at)
    }
}

const META: &str = "c.id, c.reference, c.embassy_id, c.queue_id, c.categories, c.status, c.priority, c.language, c.assignee_id, \
                    c.created_at, c.first_response_due_at, c.first_response_at";

/// A case's clear metadata as stored (the columns of `META`).
#[derive(sqlx::FromRow)]
struct MetaRow {
    id: String,
    reference: String,
    embassy_id: String,
    queue_id: String,
    categories: String,
    status: String,
    priority: i64,
    language: String,
    assignee_id: Option<String>,
    created_at: i64,
    first_response_due_at: Option<i64>,
    first_response_at: Option<i64>,
}

impl From<MetaRow> for CaseMeta {
    fn from(row: MetaRow) -> Self {
        CaseMeta {
            id: row.id,
            reference: row.reference,
            embassy_id: row.embassy_id,
            queue_id: row.queue_id,
            categories: row.categories.split(',').filter_map(Category::parse).collect(),
            status: Status::parse(&row.status).unwrap_or(Status::New),
            priority: Priority::from_rank(row.priority).unwrap_or(Priority::Normal),
            language: row.language,
            assignee_id: row.assignee_id,
            created_at: row.created_at,
            due_at: row.first_response_due_at,
            first_response_at: row.first_response_at,
        }
    }
}

/// Whether a case of `embassy_id` in `queue_id` is within the person's scope: admins see
/// everything, leads their embassy, volunteers the queues they belong to.
pub fn in_scope(staff: &Staff, embassy_id: &str, queue_id: &str) -> bool {
    match staff.role {
        Role::Admin => true,
        Role::Lead => staff.embassy_id.as_deref() == Some(embassy_id),
        Role::Volunteer => staff.embassy_id.as_deref() == Some(embassy_id) && staff.queue_ids.iter().any(|q| q == queue_id),
    }
}

/// The case with `id` if it is in the person's scope; `None` for unknown ids, malformed
/// ids and cases outside scope alike.
pub async fn case_in_scope(conn: &mut Conn, staff: &Staff, id: &str) -> Result<Option<CaseMeta>, DbError> {
    let Some(id) = CaseId::parse(id) else { return Ok(None) };
    let row: Option<MetaRow> = sqlx::query_as(&format!("SELECT {META} FROM cases c WHERE c.id = $1")).bind(id.as_str()).fetch_optional(&mut *conn).await?;
    let Some(meta) = row.map(CaseMeta::from) else { return Ok(None) };
    Ok(in_scope(staff, &meta.embassy_id, &meta.queue_id).then_some(meta))
}

/// Adds one entry to a case's clear timeline.
pub async fn record_event(tx: &mut Tx, case_id: &str, person_id: Option<&str>, kind: &str, old: Option<&str>, new: Option<&str>) -> Result<(), DbError> {
    sqlx::query("INSERT INTO case_events (id, case_id, at, person_id, kind, old_value, new_value) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(uuid::Uuid::new_v4().to_string())
        .bind(case_id)
        .bind(now())
        .bind(person_id)
        .bind(kind)
        .bind(old)
        .bind(new)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Starts a change: the case in scope (else `NotFound`), not deleted by its requester (it
/// still has its wrapped key, which is returned for changes that seal), and the caller
/// allowed to work it (its assignee, or a lead or admin).
async fn begin_change(db: &Db, staff: &Staff, case_id: &str, need_work: bool) -> Result<(Tx, CaseMeta, Vec<u8>), DeskError> {
    let mut tx = db.begin().await?;
    let meta = case_in_scope(&mut tx, staff, case_id).await?.ok_or(DeskError::NotFound)?;
    let Some(wrapped) = super::db::cases::wrapped_key(&mut tx, &meta.id, super::crypto::SERVER_HOLDER).await? else {
        return Err(DeskError::NotAllowed);
    };
    if need_work && !may_work(staff, &meta) {
        return Err(DeskError::NotAllowed);
    }
    Ok((tx, meta, wrapped))
}

/// The assignee, leads and admins may change a case; other volunteers may read it and add
/// notes.
pub fn may_work(staff: &Staff, meta: &CaseMeta) -> bool {
    staff.is_lead_or_admin() || meta.assignee_id.as_deref() == Some(staff.id.as_str())
}

async fn finish(mut tx: Tx, keyring: &Keyring, staff: &Staff, action: &str, case_id: &str) -> Result<(), DeskError> {
    audit::append(&mut tx, keyring, &AuditEvent::new(&staff.actor(), action, Some(case_id), Outcome::Ok)).await?;
    tx.commit().await.map_err(DbError::from)?;
    Ok(())
}

fn note_place<'a>(case_id: &'a str, note_id: &'a str) -> Place<'a> {
    Place { case: case_id, table: "case_notes", column: "sealed", row: note_id }
}

/// Adds an internal note, sealed with the case's data key. Anyone who sees the case may.
pub async fn add_note(db: &Db, keyring: &Keyring, staff: &Staff, case_id: &str, body: &str) -> Result<(), DeskError> {
    let (mut tx, meta, wrapped) = begin_change(db, staff, case_id, false).await?;
    let key = keyring.unwrap_case_key(&meta.id, &wrapped)?;
    let note_id = uuid::Uuid::new_v4().to_string();
    let sealed = key.seal(&note_place(&meta.id, &note_id), body.as_bytes());
    sqlx::query("INSERT INTO case_notes (id, case_id, person_id, created_at, sealed) VALUES ($1, $2, $3, $4, $5)")
        .bind(&note_id)
        .bind(&meta.id)
        .bind(&staff.id)
        .bind(now())
        .bind(sealed)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE cases SET updated_at = $2 WHERE id = $1").bind(&meta.id).bind(now()).execute(&mut *tx).await?;
    finish(tx, keyring, staff, "case.note.add", &meta.id).await
}

/// Sends a message to the requester (shown on their follow-up page).
pub async fn reply(db: &Db, keyring: &Keyring, staff: &Staff, case_id: &str, body: &str) -> Result<(), DeskError> {
    // Scope and permission first, in their own short transaction; `post` writes the message,
    // the first-response time and the audit row in one.
    let (tx, meta, _) = begin_change(db, staff, case_id, true).await?;
    tx.rollback().await.map_err(DbError::from)?;
    let id = CaseId::parse(&meta.id).ok_or(DeskError::NotFound)?;
    follow_up::post(
        db,
        keyring,
        &id,
        follow_up::Sender { author: Author::Volunteer, person_id: Some(&staff.id), actor: &staff.actor() },
        MessageKind::Reply,
        body,
    )
    .await?;
    Ok(())
}

/// Moves a case along the workflow.
pub async fn change_status(db: &Db, keyring: &Keyring, staff: &Staff, case_id: &str, next: Status) -> Result<(), DeskError> {
    let (mut tx, meta, _) = begin_change(db, staff, case_id, true).await?;
    if !meta.status.can_become(next) {
        return Err(DeskError::Invalid("status", "invalid_choice"));
    }
    let at = now();
    let sql = match next {
        Status::Resolved => "UPDATE cases SET status = $2, updated_at = $3, resolved_at = $3 WHERE id = $1",
        Status::Closed => "UPDATE cases SET status = $2, updated_at = $3, closed_at = $3 WHERE id = $1",
        // Reopening clears the end times, so that dashboards count the case as open.
        _ if !meta.status.is_open() => "UPDATE cases SET status = $2, updated_at = $3, resolved_at = NULL, closed_at = NULL WHERE id = $1",
        _ => "UPDATE cases SET status = $2, updated_at = $3 WHERE id = $1",
    };
    sqlx::query(sql).bind(&meta.id).bind(next.as_str()).bind(at).execute(&mut *tx).await?;
    record_event(&mut tx, &meta.id, Some(&staff.id), "status", Some(meta.status.as_str()), Some(next.as_str())).await?;
    finish(tx, keyring, staff, "case.status", &meta.id).await
}

/// Hours to first response for `priority` at an embassy.
pub async fn sla_hours(tx: &mut Tx, embassy_id: &str, priority: Priority) -> Result<i64, DbError> {
    let column = match priority {
        Priority::Urgent => "sla_urgent_hours",
        Priority::High => "sla_high_hours",
        Priority::Normal => "sla_normal_hours",
        Priority::Low => "sla_low_hours",
    };
    let hours: Option<i64> = sqlx::query_scalar(&format!("SELECT {column} FROM embassies WHERE id = $1")).bind(embassy_id).fetch_optional(&mut **tx).await?;
    Ok(hours.unwrap_or(priority.first_response_hours()))
}

/// Changes the priority; the first-response due time follows the embassy's service level
/// for the new priority (until there is a first response).
pub async fn change_priority(db: &Db, keyring: &Keyring, staff: &Staff, case_id: &str, priority: Priority) -> Result<(), DeskError> {
    let (mut tx, meta, _) = begin_change(db, staff, case_id, true).await?;
    if meta.priority == priority {
        return Ok(());
    }
    let due = meta.created_at + sla_hours(&mut tx, &meta.embassy_id, priority).await? * 3600;
    sqlx::query("UPDATE cases SET priority = $2, updated_at = $3, first_response_due_at = CASE WHEN first_response_at IS NULL THEN $4 ELSE first_response_due_at END WHERE id = $1")
        .bind(&meta.id)
        .bind(priority.rank())
        .bind(now())
        .bind(due)
        .execute(&mut *tx)
        .await?;
    record_event(&mut tx, &meta.id, Some(&staff.id), "priority", Some(meta.priority.as_str()), Some(priority.as_str())).await?;
    finish(tx, keyring, staff, "case.priority", &meta.id).await
}

/// Re-routes a case: its queue (within its embassy; admins: any embassy's) and its
/// categories. A case that leaves its embassy leaves its assignee too.
pub async fn reroute(db: &Db, keyring: &Keyring, staff: &Staff, case_id: &str, queue_id: &str, categories: &[Category]) -> Result<(), DeskError> {
    if categories.is_empty() {
        return Err(DeskError::Invalid("categories", "required"));
    }
    let (mut tx, meta, _) = begin_change(db, staff, case_id, true).await?;
    let embassy: Option<String> = sqlx::query_scalar("SELECT embassy_id FROM queues WHERE id = $1").bind(queue_id).fetch_optional(&mut *tx).await?;
    let Some(embassy) = embassy else { return Err(DeskError::Invalid("queue", "invalid_choice")) };
    if embassy != meta.embassy_id && staff.role != Role::Admin {
        return Err(DeskError::Invalid("queue", "invalid_choice"));
    }
    let column = categories.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(",");
    let at = now();
    let leaves = embassy != meta.embassy_id;
    sqlx::query("UPDATE cases SET queue_id = $2, embassy_id = $3, categories = $4, updated_at = $5, assignee_id = CASE WHEN $6 = 1 THEN NULL ELSE assignee_id END WHERE id = $1")
        .bind(&meta.id)
        .bind(queue_id)
        .bind(&embassy)
        .bind(&column)
        .bind(at)
        .bind(i64::from(leaves))
        .execute(&mut *tx)
        .await?;
    if meta.queue_id != queue_id {
        record_event(&mut tx, &meta.id, Some(&staff.id), "queue", Some(&meta.queue_id), Some(queue_id)).await?;
    }
    let old = meta.categories.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(",");
    if old != column {
        record_event(&mut tx, &meta.id, Some(&staff.id), "categories", Some(&old), Some(&column)).await?;
    }
    if leaves && meta.assignee_id.is_some() {
        record_event(&mut tx, &meta.id, Some(&staff.id), "assignee", meta.assignee_id.as_deref(), None).await?;
    }
    finish(tx, keyring, staff, "case.route", &meta.id).await
}

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

/// Every embassy as `(id, name)`, the default desk first, then by country code.
pub async fn embassy_choices(conn: &mut Conn) -> Result<Vec<(String, String)>, DbError> {
    let rows = sqlx::query("SELECT id, name FROM embassies ORDER BY is_default, code").fetch_all(&mut *conn).await?;
    rows.iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).collect::<Result<_, sqlx::Error>>().map_err(DbError::from)
}

/// Leads and admins assign, reassign and unassign (`None`).
pub async fn assign(db: &Db, keyring: &Keyring, staff: &Staff, case_id: &str, person: Option<&str>) -> Result<(), DeskError> {
    if !staff.is_lead_or_admin() {
        // In scope or not, a volunteer learns nothing more than "no".
        let mut tx = db.begin().await?;
        let meta = case_in_scope(&mut tx, staff, case_id).await?;
        return Err(if meta.is_some() { DeskError::NotAllowed } else { DeskError::NotFound });
    }
    let (mut tx, meta, _) = begin_change(db, staff, case_id, true).await?;
    if let Some(person) = person {
        if !assignable(&mut tx, &meta).await?.iter().any(|(id, _)| id == person) {
            return Err(DeskError::Invalid("person", "invalid_choice"));
        }
    }
    if meta.assignee_id.as_deref() == person {
        return Ok(());
    }
    sqlx::query("UPDATE cases SET assignee_id = $2, updated_at = $3 WHERE id = $1").bind(&meta.id).bind(person).bind(now()).execute(&mut *tx).await?;
    record_event(&mut tx, &meta.id, Some(&staff.id), "assignee", meta.assignee_id.as_deref(), person).await?;
    let action = if person.is_some() { "case.assign" } else { "case.unassign" };
    finish(tx, keyring, staff, action, &meta.id).await
}

/// A volunteer (or lead) takes an unassigned open case they can see.
pub async fn take(db: &Db, keyring: &Keyring, staff: &Staff, case_id: &str) -> Result<(), DeskError> {
    let (mut tx, meta, _) = begin_change(db, staff, case_id, false).await?;
    if staff.role == Role::Admin || meta.assignee_id.is_some() || !meta.status.is_open() {
        return Err(DeskError::NotAllowed);
    }
    let taken = sqlx::query("UPDATE cases SET assignee_id = $2, updated_at = $3 WHERE id = $1 AND assignee_id IS NULL")
        .bind(&meta.id)
        .bind(&staff.id)
        .bind(now())
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if taken != 1 {
        return Err(DeskError::NotAllowed);
    }
    record_event(&mut tx, &meta.id, Some(&staff.id), "assignee", None, Some(&staff.id)).await?;
    finish(tx, keyring, staff, "case.take", &meta.id).await
}

/// The assignee hands a case back to its queue.
pub async fn hand_back(db: &Db, keyring: &Keyring, staff: &Staff, case_id: &str) -> Result<(), DeskError> {
    let (mut tx, meta, _) = begin_change(db, staff, case_id, false).await?;
    if meta.assignee_id.as_deref() != Some(staff.id.as_str()) {
        return Err(DeskError::NotAllowed);
    }
    sqlx::query("UPDATE cases SET assignee_id = NULL, updated_at = $2 WHERE id = $1").bind(&meta.id).bind(now()).execute(&mut *tx).await?;
    record_event(&mut tx, &meta.id, Some(&staff.id), "assignee", Some(&staff.id), None).await?;
    finish(tx, keyring, staff, "case.hand_back", &meta.id).await
}

/// The query that finds the case take-next claims: `$1` the embassy, then `queues` queue
/// ids (none: every queue of the embassy). PostgreSQL skips rows another claim holds.
pub fn take_next_query(queues: usize, backend: Backend) -> String {
    let mut sql = format!("SELECT c.id FROM cases c WHERE c.embassy_id = $1 AND c.assignee_id IS NULL AND c.{OPEN}");
    if queues > 0 {
        sql.push_str(" AND c.queue_id IN (");
        push_params(&mut sql, 2, queues);
        sql.push(')');
    }
    sql.push_str(" ORDER BY c.priority, c.created_at, c.id LIMIT 1");
    if backend == Backend::Postgres {
        sql.push_str(" FOR UPDATE SKIP LOCKED");
    }
    sql
}

/// Claims the most urgent, oldest unassigned open case of the caller's queues (leads: of
/// their embassy). Two people pressing at once never get the same case: the claim is a
/// conditional update, retried on the next case when another claim won.
pub async fn take_next(db: &Db, keyring: &Keyring, staff: &Staff) -> Result<Option<String>, DeskError> {
    let Some(embassy) = staff.embassy_id.as_deref() else { return Ok(None) };
    let queues = match staff.role {
        Role::Volunteer if staff.queue_ids.is_empty() => return Ok(None),
        Role::Volunteer => Some(&staff.queue_ids),
        _ => None,
    };
    let sql = take_next_query(queues.map_or(0, Vec::len), db.backend());
    for _ in 0..8 {
        let mut tx = db.begin().await?;
        let mut query = sqlx::query_scalar::<_, String>(&sql).bind(embassy);
        for q in queues.into_iter().flatten() {
            query = query.bind(q);
        }
        let Some(case_id) = query.fetch_optional(&mut *tx).await? else {
            tx.rollback().await.map_err(DbError::from)?;
            return Ok(None);
        };
        let taken = sqlx::query("UPDATE cases SET assignee_id = $2, updated_at = $3 WHERE id = $1 AND assignee_id IS NULL")
            .bind(&case_id)
            .bind(&staff.id)
            .bind(now())
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if taken == 1 {
            record_event(&mut tx, &case_id, Some(&staff.id), "assignee", None, Some(&staff.id)).await?;
            finish(tx, keyring, staff, "case.take_next", &case_id).await?;
            return Ok(Some(case_id));
        }
        tx.rollback().await.map_err(DbError::from)?;
    }
    Ok(None)
}

/// Adds a dated deadline (kind and calendar date, no free text).
pub async fn add_deadline(db: &Db, keyring: &Keyring, staff: &Staff, case_id: &str, kind: &str, due_on: &str) -> Result<(), DeskError> {
    if !DEADLINE_KINDS.contains(&kind) {
        return Err(DeskError::Invalid("kind", "invalid_choice"));
    }
    let date = match crate::domain::Date::parse(due_on.trim()) {
        Some(d) => d,
        None if due_on.trim().is_empty() => return Err(DeskError::Invalid("due_on", "required")),
        None => return Err(DeskError::Invalid("due_on", "invalid_date")),
    };
    let (mut tx, meta, _) = begin_change(db, staff, case_id, true).await?;
    let due_on = date.to_string();
    sqlx::query("INSERT INTO case_deadlines (id, case_id, embassy_id, kind, due_on, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(uuid::Uuid::new_v4().to_string())
        .bind(&meta.id)
        .bind(&meta.embassy_id)
        .bind(kind)
        .bind(&due_on)
        .bind(&staff.id)
        .bind(now())
        .execute(&mut *tx)
        .await?;
    record_event(&mut tx, &meta.id, Some(&staff.id), "deadline", Some(kind), Some(&due_on)).await?;
    finish(tx, keyring, staff, "case.deadline.add", &meta.id).await
}

/// Marks a deadline of the case met or no longer relevant.
pub async fn complete_deadline(db: &Db, keyring: &Keyring, staff: &Staff, case_id: &str, deadline_id: &str) -> Result<(), DeskError> {
    let (mut tx, meta, _) = begin_change(db, staff, case_id, true).await?;
    let row = sqlx::query("SELECT kind, due_on FROM case_deadlines WHERE id = $1 AND case_id = $2 AND done_at IS NULL")
        .bind(deadline_id)
        .bind(&meta.id)
        .fetch_optional(&mut *tx)
        .await?;
    let Some(row) = row else { return Err(DeskError::NotFound) };
    let (kind, due_on): (String, String) = (row.try_get(0)?, row.try_get(1)?);
    sqlx::query("UPDATE case_deadlines SET done_at = $2 WHERE id = $1").bind(deadline_id).bind(now()).execute(&mut *tx).await?;
    record_event(&mut tx, &meta.id, Some(&staff.id), "deadline_done", Some(&kind), Some(&due_on)).await?;
    finish(tx, keyring, staff, "case.deadline.done", &meta.id).await
}

fn push_params(sql: &mut String, first: usize, count: usize) {
    for i in 0..count {
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push('$');
        sql.push_str(&(first + i).to_string());
    }
}

/// Who the list shows (the page's own vocabulary).
pub use crate::api::desk::Assignee as AssigneeFilter;

/// A validated list filter.
#[derive(Clone, Debug, Default)]
pub struct ListFilter {
    /// One embassy (admins choose; anyone else may only name their own).
    pub embassy: Option<String>,
    pub queue: Option<String>,
    pub status: Option<Status>,
    pub priority: Option<Priority>,
    pub assignee: AssigneeFilter,
    /// The cases of one person (an id), whatever `assignee` says.
    pub person: Option<String>,
    pub overdue: bool,
    pub after: Option<Cursor>,
}

/// Position in the list's order: the last row of the previous page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cursor {
    pub priority: i64,
    pub created_at: i64,
    pub id: String,
}

impl Cursor {
    pub fn encode(&self) -> String {
        format!("{}.{}.{}", self.priority, self.created_at, self.id)
    }
    pub fn parse(s: &str) -> Option<Self> {
        let mut parts = s.splitn(3, '.');
        let priority = parts.next()?.parse().ok()?;
        let created_at = parts.next()?.parse().ok()?;
        let id = CaseId::parse(parts.next()?)?;
        Some(Self { priority, created_at, id: id.as_str().to_owned() })
    }
}

/// One listed case with the requester's chosen name decrypted.
pub struct ListedCase {
    pub meta: CaseMeta,
    pub assignee: Option<String>,
    pub requester_name: Zeroizing<String>,
}

/// A bound value of a built query.
pub enum Arg {
    Text(String),
    Int(i64),
    Bytes(Vec<u8>),
}

/// The list statement for `filter` within the person's scope, sorted by priority, then age,
/// one row more than a page; its arguments are appended to `args` (numbered after those
/// already there). Its rows are the case (`META`), its assignee's `login`, its `wrapped`
/// key and the `sealed` chosen name. `None` when the scope is empty (a volunteer without
/// queues, a queue outside scope).
pub fn list_sql(staff: &Staff, filter: &ListFilter, at: i64, backend: Backend, args: &mut Vec<Arg>) -> Option<String> {
    // Across all embassies (admins), SQLite's planner prefers probing the status index once
    // per open status and sorting; the partial index of open cases is already in order.
    let across = filter.queue.is_none() && filter.embassy.is_none() && filter.person.is_none();
    let hint = if backend == Backend::Sqlite && staff.role == Role::Admin && across && filter.status.is_none() && filter.assignee != AssigneeFilter::Me {
        " INDEXED BY cases_open"
    } else {
        ""
    };
    // Each listed row brings its requester's sealed chosen name and the case key wrapped for
    // the server (two primary-key probes per row), so the page is one statement.
    let mut sql = format!(
        "SELECT {META}, p.login, k.wrapped, f.sealed FROM cases c{hint} LEFT JOIN people p ON p.id = c.assignee_id \
         LEFT JOIN case_keys k ON k.case_id = c.id AND k.holder = '{holder}' \
         LEFT JOIN case_fields f ON f.case_id = c.id AND f.name = '{name}' WHERE ",
        holder = super::crypto::SERVER_HOLDER,
        name = CaseField::RequesterName.as_str(),
    );
    let mut conds: Vec<String> = Vec::new();
    let bind = |args: &mut Vec<Arg>, a: Arg| {
        args.push(a);
        format!("${}", args.len())
    };
    match staff.role {
        Role::Admin => {
            if let Some(embassy) = &filter.embassy {
                conds.push(format!("c.embassy_id = {}", bind(args, Arg::Text(embassy.clone()))));
            }
        }
        Role::Lead | Role::Volunteer => {
            let embassy = staff.embassy_id.clone()?;
            if filter.embassy.as_ref().is_some_and(|e| *e != embassy) {
                return None;
            }
            conds.push(format!("c.embassy_id = {}", bind(args, Arg::Text(embassy))));
        }
    }
    match &filter.queue {
        Some(queue) => {
            if staff.role == Role::Volunteer && !staff.queue_ids.contains(queue) {
                return None;
            }
            conds.push(format!("c.queue_id = {}", bind(args, Arg::Text(queue.clone()))));
        }
        None if staff.role == Role::Volunteer => {
            if staff.queue_ids.is_empty() {
                return None;
            }
            let list = staff.queue_ids.iter().map(|q| bind(args, Arg::Text(q.clone()))).collect::<Vec<_>>().join(", ");
            conds.push(format!("c.queue_id IN ({list})"));
        }
        None => {}
    }
    match filter.status {
        Some(status) => conds.push(format!("c.status = {}", bind(args, Arg::Text(status.as_str().to_owned())))),
        None => conds.push(format!("c.{OPEN}")),
    }
    if let Some(priority) = filter.priority {
        conds.push(format!("c.priority = {}", bind(args, Arg::Int(priority.rank()))));
    }
    match filter.assignee {
        AssigneeFilter::Anyone => {}
        AssigneeFilter::Me => conds.push(format!("c.assignee_id = {}", bind(args, Arg::Text(staff.id.clone())))),
        AssigneeFilter::Unassigned => conds.push("c.assignee_id IS NULL".into()),
    }
    if let Some(person) = &filter.person {
        conds.push(format!("c.assignee_id = {}", bind(args, Arg::Text(person.clone()))));
    }
    if filter.overdue {
        conds.push(format!("c.first_response_at IS NULL AND c.first_response_due_at < {}", bind(args, Arg::Int(at))));
    }
    if let Some(after) = &filter.after {
        let p = bind(args, Arg::Int(after.priority));
        let t = bind(args, Arg::Int(after.created_at));
        let i = bind(args, Arg::Text(after.id.clone()));
        conds.push(format!("(c.priority, c.created_at, c.id) > ({p}, {t}, {i})"));
    }
    sql.push_str(&conds.join(" AND "));
    sql.push_str(&format!(" ORDER BY c.priority, c.created_at, c.id LIMIT {}", PAGE_SIZE + 1));
    Some(sql)
}

/// Everything the queue page shows besides the person.
#[derive(Default)]
pub struct QueuePage {
    /// The queues in scope with their counts, in the embassies' and queues' order.
    pub queues: Vec<QueueSummary>,
    /// One page of the case list, in its order.
    pub cases: Vec<ListedCase>,
    /// Where the next page starts, if there is one.
    pub next: Option<Cursor>,
    /// Open deadlines of the coming week (and past ones) in scope, earliest first.
    pub deadlines: Vec<DeadlineRow>,
    /// Leads and admins: `(id, login)` of the active volunteers and leads whose cases the
    /// list can show (the lead's embassy; the chosen embassy or all for admins), by login.
    pub holders: Vec<(String, String)>,
    /// Admins: `(id, name)` of every embassy, the default one last.
    pub embassies: Vec<(String, String)>,
}

/// Built arguments as one argument list, for `sqlx::query_with` or `sqlx::query_as_with`.
pub fn arguments(args: &[Arg]) -> sqlx::any::AnyArguments<'_> {
    use sqlx::Arguments;
    let mut list = sqlx::any::AnyArguments::default();
    for a in args {
        // Adding a text, an integer or bytes to `Any`'s list cannot fail.
        let _ = match a {
            Arg::Text(s) => list.add(s.as_str()),
            Arg::Int(i) => list.add(*i),
            Arg::Bytes(b) => list.add(b.as_slice()),
        };
    }
    list
}

/// A row of the case list ([`list_sql`]): the case, its assignee's login, its key wrapped
/// for the server and the requester's sealed chosen name.
#[derive(sqlx::FromRow)]
struct ListedRow {
    #[sqlx(flatten)]
    meta: MetaRow,
    login: Option<String>,
    wrapped: Option<Vec<u8>>,
    sealed: Option<Vec<u8>>,
}

impl ListedRow {
    /// The case with the requester's chosen name opened. A case shredded by its requester
    /// has no key any more; its row shows no name.
    fn open(self, keyring: &Keyring) -> Result<ListedCase, DeskError> {
        let meta = CaseMeta::from(self.meta);
        let requester_name = match (self.wrapped, self.sealed) {
            (Some(wrapped), Some(sealed)) => {
                let key = keyring.unwrap_case_key(&meta.id, &wrapped)?;
                utf8(&key.open(&field_place(&meta.id, CaseField::RequesterName.as_str()), &sealed)?)?
            }
            _ => Zeroizing::new(String::new()),
        };
        Ok(ListedCase { assignee: self.login, meta, requester_name })
    }
}

/// A queue in scope with one of its open counts (none for a queue without open cases).
#[derive(sqlx::FromRow)]
struct QueueCountRow {
    id: String,
    embassy: String,
    embassy_id: String,
    name: String,
    category: Option<String>,
    status: Option<String>,
    assigned: Option<i64>,
    n: Option<i64>,
}

/// The queues in scope with their open counts (kept by the database's triggers, no
/// counting of cases), in the embassies' and queues' order.
async fn queues_in_scope(conn: &mut Conn, staff: &Staff) -> Result<Vec<QueueSummary>, DeskError> {
    let mut args = Vec::new();
    let mut scope = String::from("1 = 1");
    if staff.role != Role::Admin {
        let Some(embassy) = staff.embassy_id.clone() else { return Ok(Vec::new()) };
        args.push(Arg::Text(embassy));
        scope = "q.embassy_id = $1".into();
    }
    if staff.role == Role::Volunteer {
        args.push(Arg::Text(staff.id.clone()));
        scope.push_str(" AND q.id IN (SELECT queue_id FROM queue_members WHERE person_id = $2)");
    }
    let sql = format!(
        "SELECT q.id, e.name AS embassy, q.embassy_id, q.name, q.category, n.status, n.assigned, n.n \
         FROM queues q JOIN embassies e ON e.id = q.embassy_id LEFT JOIN queue_counts n ON n.queue_id = q.id AND n.n > 0 AND n.{OPEN} \
         WHERE {scope} ORDER BY e.is_default, e.code, q.slug, q.id"
    );
    let rows: Vec<QueueCountRow> = sqlx::query_as_with(&sql, arguments(&args)).fetch_all(&mut *conn).await?;
    let mut queues: Vec<QueueSummary> = Vec::new();
    for row in rows {
        if queues.last().is_none_or(|q| q.id != row.id) {
            queues.push(QueueSummary {
                id: row.id,
                embassy_id: row.embassy_id,
                embassy: row.embassy,
                name: row.name,
                category: row.category.as_deref().and_then(Category::parse),
                counts: Vec::new(),
            });
        }
        if let (Some(status), Some(assigned), Some(n)) = (row.status.as_deref().and_then(Status::parse), row.assigned, row.n) {
            queues.last_mut().expect("pushed above").counts.push((status, assigned != 0, n));
        }
    }
    Ok(queues)
}

/// The queue page for `filter`: the queues in scope, one page of the list with each
/// requester's chosen name opened, the deadlines of the week, and the filter's choices;
/// then the list's audit row (`case.list`, since it decrypts the listed names) before
/// anything is returned. A queue or embassy outside scope is `NotFound`.
pub async fn queue_page(db: &Db, conn: &mut Conn, keyring: &Keyring, staff: &Staff, filter: &ListFilter) -> Result<QueuePage, DeskError> {
    let at = now();
    let mut page = QueuePage { queues: queues_in_scope(conn, staff).await?, ..QueuePage::default() };
    if filter.queue.as_ref().is_some_and(|queue| !page.queues.iter().any(|q| q.id == *queue)) {
        return Err(DeskError::NotFound);
    }
    let mut args = Vec::new();
    let Some(sql) = list_sql(staff, filter, at, db.backend(), &mut args) else {
        return if filter.queue.is_some() || filter.embassy.is_some() { Err(DeskError::NotFound) } else { Ok(page) };
    };
    let listed: Vec<ListedRow> = sqlx::query_as_with(&sql, arguments(&args)).fetch_all(&mut *conn).await?;
    let more = listed.len() > PAGE_SIZE;
    page.cases = listed.into_iter().take(PAGE_SIZE).map(|row| row.open(keyring)).collect::<Result<_, _>>()?;
    page.next =
        more.then(|| page.cases.last()).flatten().map(|l| Cursor { priority: l.meta.priority.rank(), created_at: l.meta.created_at, id: l.meta.id.clone() });

    let until = crate::domain::Date::from_unix(at + 7 * 86400).to_string();
    let mut args = Vec::new();
    if let Some(sql) = deadlines_sql(staff, &until, &mut args) {
        page.deadlines = sqlx::query_as_with(&sql, arguments(&args)).fetch_all(&mut *conn).await?;
    }
    let holders_of = match staff.role {
        Role::Volunteer => None,
        Role::Lead => staff.embassy_id.clone(),
        Role::Admin => Some(filter.embassy.clone().unwrap_or_default()),
    };
    if let Some(embassy) = holders_of {
        page.holders =
            sqlx::query_as("SELECT id, login FROM people WHERE active = 1 AND role IN ('volunteer', 'lead') AND ($1 = '' OR embassy_id = $1) ORDER BY login")
                .bind(embassy)
                .fetch_all(&mut *conn)
                .await?;
    }
    if staff.role == Role::Admin {
        page.embassies = sqlx::query_as("SELECT id, name FROM embassies ORDER BY is_default, code").fetch_all(&mut *conn).await?;
    }
    let object = filter.queue.clone().or_else(|| staff.embassy_id.clone()).unwrap_or_else(|| "all".into());
    audit::record(db, conn, keyring, &AuditEvent::new(&staff.actor(), "case.list", Some(&object), Outcome::Ok)).await?;
    Ok(page)
}

/// A queue in scope with its counts of open cases by status and assignment.
pub struct QueueSummary {
    pub id: String,
    pub embassy_id: String,
    pub embassy: String,
    pub name: String,
    pub category: Option<Category>,
    /// `(status, assigned, count)` for open statuses.
    pub counts: Vec<(Status, bool, i64)>,
}

/// A deadline of a case.
#[derive(sqlx::FromRow)]
pub struct DeadlineRow {
    pub id: String,
    pub case_id: String,
    pub reference: String,
    pub kind: String,
    pub due_on: String,
    /// When it was marked done; `None` while it is open.
    pub done_at: Option<i64>,
}

/// How many deadlines the queue page shows.
pub const DEADLINES_SHOWN: usize = 20;

/// The statement of the queue page's deadlines: open deadlines due on or before `until`
/// (past ones included) of cases in scope, the earliest [`DEADLINES_SHOWN`], in index
/// order. The scope is part of the statement (a volunteer's queues too), so deadlines of
/// other queues never crowd out the person's own. Its arguments are appended to `args`.
/// `None` when the scope holds no queue.
pub fn deadlines_sql(staff: &Staff, until: &str, args: &mut Vec<Arg>) -> Option<String> {
    if staff.role == Role::Volunteer && staff.queue_ids.is_empty() {
        return None;
    }
    args.push(Arg::Text(until.to_owned()));
    let mut sql = format!(
        "SELECT d.id, d.case_id, c.reference, d.kind, d.due_on, d.done_at FROM case_deadlines d JOIN cases c ON c.id = d.case_id \
         WHERE d.done_at IS NULL AND d.due_on <= ${}",
        args.len()
    );
    if staff.role != Role::Admin {
        args.push(Arg::Text(staff.embassy_id.clone()?));
        sql.push_str(&format!(" AND d.embassy_id = ${}", args.len()));
    }
    if staff.role == Role::Volunteer {
        sql.push_str(" AND c.queue_id IN (");
        push_params(&mut sql, args.len() + 1, staff.queue_ids.len());
        sql.push(')');
        args.extend(staff.queue_ids.iter().cloned().map(Arg::Text));
    }
    sql.push_str(&format!(" ORDER BY d.due_on, d.id LIMIT {DEADLINES_SHOWN}"));
    Some(sql)
}

/// A timeline entry in storage terms.
pub enum Happening {
    Event { kind: String, old: Option<String>, new: Option<String> },
    Note { body: Zeroizing<String> },
    Message { from_requester: bool, information: bool, body: Zeroizing<String> },
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
}

/// Opens a case for the desk, on the request's connection: the case in scope (else
/// `NotFound`), its fields, messages and notes decrypted, its events and deadlines. The decryption is audited (`case.view`)
/// before anything is returned; a failed decryption is audited as failed.
pub async fn view_case(db: &Db, conn: &mut Conn, keyring: &Keyring, staff: &Staff, case_id: &str) -> Result<CaseView, DeskError> {
    let Some(id) = CaseId::parse(case_id) else { return Err(DeskError::NotFound) };
    let read = read_case(conn, keyring, staff, &id).await;
    let outcome = match &read {
        Ok(_) => Outcome::Ok,
        Err(DeskError::Read(ReadError::Crypto(_))) => Outcome::Failed,
        Err(_) => return read,
    };
    audit::record(db, conn, keyring, &AuditEvent::new(&staff.actor(), "case.view", Some(id.as_str()), outcome)).await?;
    read
}

fn utf8(plain: &[u8]) -> Result<Zeroizing<String>, CryptoError> {
    Ok(Zeroizing::new(std::str::from_utf8(plain).map_err(|_| CryptoError::Forged)?.to_owned()))
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
async fn read_case(conn: &mut Conn, keyring: &Keyring, staff: &Staff, id: &CaseId) -> Result<CaseView, DeskError> {
    let id = id.as_str();
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
    if let Some(key) = &key {
        let rows: Vec<FieldRow> =
            sqlx::query_as("SELECT name, sealed FROM case_fields WHERE case_id = $1 ORDER BY name").bind(id).fetch_all(&mut *conn).await?;
        for row in rows {
            let value = utf8(&key.open(&field_place(&meta.id, &row.name), &row.sealed)?)?;
            fields.push((row.name, value));
        }
        let messages: Vec<WrittenRow> = sqlx::query_as(
            "SELECT m.id, m.created_at AS at, m.person_id, p.login, m.author, m.kind, m.sealed FROM case_messages m \
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
            timeline.push((m.at, 0, m.id, m.person_id, Happening::Message { from_requester, information, body }));
        }
        let notes: Vec<WrittenRow> = sqlx::query_as(
            "SELECT n.id, n.created_at AS at, n.person_id, p.login, NULL AS author, NULL AS kind, n.sealed FROM case_notes n \
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
    let within = if any_embassy { "" } else { "WHERE q.embassy_id = $1" };
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
    Ok(CaseView { meta, queue_name, deleted: key.is_none(), fields, timeline, deadlines, assignable, queues, access, logins })
}

/// Notes the login of a person a row names.
fn remember(logins: &mut HashMap<String, String>, person: &Option<String>, login: Option<String>) {
    if let (Some(person), Some(login)) = (person, login) {
        logins.insert(person.clone(), login);
    }
}

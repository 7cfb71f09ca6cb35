//! The desk's work on cases: who may see and change which case, and the errors of a desk
//! action. The queue list ([`queue`]), one case ([`case`]) and every change ([`actions`])
//! live in their own modules.

pub mod actions;
pub mod case;
pub mod load;
pub mod queue;
pub mod spam;

pub use actions::{
    add_deadline, add_note, assign, canned_for_reply, change_priority, change_status, complete_deadline, hand_back, link, not_duplicate, reply, reply_room,
    reroute, take, take_next, take_next_query,
};
pub use case::{assignable, view_case, CaseView, Happening};
pub use queue::{deadlines_sql, list_sql, queue_page, AssigneeFilter, Cursor, DeadlineRow, ListFilter, ListedCase, QueuePage, QueueSummary, DEADLINES_SHOWN};
pub use spam::{mark_spam, MAX_SPAM_PER_POST};

use crate::domain::RuleCode;
use crate::domain::{AuditAction, CaseId, Category, Priority, Role, Status};
use crate::server::{
    audit::{self, AuditEvent, Outcome},
    cases::ReadError,
    crypto::{CryptoError, Keyring, Place},
    db::{Conn, Db, DbError},
    staff::Staff,
};
use zeroize::Zeroizing;

/// Rows per page of the case list.
pub const PAGE_SIZE: usize = 50;

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
    Invalid(&'static str, RuleCode),
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

/// Answers an attempt to reach a case the person may not — outside their scope, or no case
/// at all — as `NotFound` either way, and records it: `denied` with the case's id when it
/// exists, `not_found` when it does not (with the id when it has an id's shape; nothing else
/// that was typed). Only a failed write answers otherwise.
pub(crate) async fn refused(db: &Db, conn: &mut Conn, keyring: &Keyring, staff: &Staff, action: AuditAction, case_id: &str) -> DeskError {
    let id = CaseId::parse(case_id);
    let recorded = async {
        let exists = match &id {
            Some(id) => sqlx::query_scalar::<_, i64>("SELECT 1 FROM cases WHERE id = $1").bind(id.as_str()).fetch_optional(&mut *conn).await?.is_some(),
            None => false,
        };
        let outcome = if exists { Outcome::Denied } else { Outcome::NotFound };
        audit::record(db, conn, keyring, &AuditEvent::new(&staff.actor(), action, id.as_ref().map(CaseId::as_str), outcome)).await
    };
    match recorded.await {
        Ok(_) => DeskError::NotFound,
        Err(e) => e.into(),
    }
}

/// The case with `reference`, when it is in `staff`'s scope (the desk's find box); else
/// `None`, as for a reference that does not exist. Audited either way (`case.find`: ok,
/// denied or not found).
pub async fn find(db: &Db, keyring: &Keyring, staff: &Staff, reference: &crate::domain::CaseRef) -> Result<Option<String>, DbError> {
    let id = crate::server::follow_up::case_by_reference(db, reference).await?.map(|id| id.as_str().to_owned());
    let mut conn = db.acquire().await?;
    let in_scope = match &id {
        Some(id) => case_in_scope(&mut conn, staff, id).await?.is_some(),
        None => false,
    };
    let outcome = match (&id, in_scope) {
        (Some(_), true) => Outcome::Ok,
        (Some(_), false) => Outcome::Denied,
        (None, _) => Outcome::NotFound,
    };
    audit::record(db, &mut conn, keyring, &AuditEvent::new(&staff.actor(), AuditAction::CaseFind, id.as_deref(), outcome)).await?;
    Ok(id.filter(|_| in_scope))
}

/// The assignee, leads and admins may change a case; other volunteers may read it and add
/// notes.
pub fn may_work(staff: &Staff, meta: &CaseMeta) -> bool {
    staff.is_lead_or_admin() || meta.assignee_id.as_deref() == Some(staff.id.as_str())
}

/// Appends `count` numbered placeholders from `$first`, comma-separated.
pub(crate) fn push_params(sql: &mut String, first: usize, count: usize) {
    for i in 0..count {
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push('$');
        sql.push_str(&(first + i).to_string());
    }
}

/// Where a note of a case is sealed.
pub(crate) fn note_place<'a>(case_id: &'a str, note_id: &'a str) -> Place<'a> {
    Place { case: case_id, table: "case_notes", column: "sealed", row: note_id }
}

/// Decrypted bytes as text.
pub(crate) fn utf8(plain: &[u8]) -> Result<Zeroizing<String>, CryptoError> {
    Ok(Zeroizing::new(std::str::from_utf8(plain).map_err(|_| CryptoError::Forged)?.to_owned()))
}

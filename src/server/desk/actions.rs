//! Every change the desk makes to a case (notes, replies, status, priority, re-routing,
//! assignment, take-next, deadlines): one transaction each, with its timeline event and
//! its audit row.

use super::{assignable, case_in_scope, may_work, note_place, push_params, refused, CaseMeta, DeskError};
use crate::domain::AuditAction;
use crate::domain::RuleCode;
use crate::domain::{CaseId, Category, Priority, Role, Status};
use crate::domain::{DeadlineKind, EventKind};
use crate::server::db::cases::{record_event, OPEN};
use crate::server::{
    audit::{self, AuditEvent, Outcome},
    config::Backend,
    crypto::Keyring,
    db::{now, Db, DbError, Tx},
    documents::attach::Attaching,
    follow_up::{self, Author, MessageKind},
    staff::Staff,
};
use sqlx::Row;

/// Starts the change `action`: the case in scope (else `NotFound`, audited by [`refused`]),
/// not deleted by its requester (it still has its wrapped key, which is returned for
/// changes that seal), and the caller allowed to work it (its assignee, or a lead or admin).
async fn begin_change(
    db: &Db,
    keyring: &Keyring,
    staff: &Staff,
    case_id: &str,
    need_work: bool,
    action: AuditAction,
) -> Result<(Tx, CaseMeta, Vec<u8>), DeskError> {
    let mut tx = db.begin().await?;
    let Some(meta) = case_in_scope(&mut tx, staff, case_id).await? else {
        tx.rollback().await.map_err(DbError::from)?;
        return Err(refused(db, &mut *db.acquire().await?, keyring, staff, action, case_id).await);
    };
    let Some(wrapped) = crate::server::db::cases::wrapped_key(&mut tx, &meta.id, crate::server::crypto::SERVER_HOLDER).await? else {
        return Err(DeskError::NotAllowed);
    };
    if need_work && !may_work(staff, &meta) {
        return Err(DeskError::NotAllowed);
    }
    Ok((tx, meta, wrapped))
}

async fn finish(mut tx: Tx, keyring: &Keyring, staff: &Staff, action: AuditAction, case_id: &str) -> Result<(), DeskError> {
    audit::append(&mut tx, keyring, &AuditEvent::new(&staff.actor(), action, Some(case_id), Outcome::Ok)).await?;
    tx.commit().await.map_err(DbError::from)?;
    Ok(())
}

/// Adds an internal note, sealed with the case's data key. Anyone who sees the case may.
pub async fn add_note(db: &Db, keyring: &Keyring, staff: &Staff, case_id: &str, body: &str) -> Result<(), DeskError> {
    let (mut tx, meta, wrapped) = begin_change(db, keyring, staff, case_id, false, AuditAction::CaseNoteAdd).await?;
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
    finish(tx, keyring, staff, AuditAction::CaseNoteAdd, &meta.id).await
}

/// Sends a message to the requester (shown on their follow-up page).
/// A reply to the requester, with the documents `files` names attached to it.
pub async fn reply(db: &Db, keyring: &Keyring, staff: &Staff, case_id: &str, body: &str, files: Attaching<'_>) -> Result<(), DeskError> {
    // Scope and permission first, in their own short transaction; `post` writes the message,
    // the first-response time and the audit row in one.
    let (tx, meta, _) = begin_change(db, keyring, staff, case_id, true, AuditAction::CaseReplyVolunteer).await?;
    tx.rollback().await.map_err(DbError::from)?;
    let id = CaseId::parse(&meta.id).ok_or(DeskError::NotFound)?;
    follow_up::post(
        db,
        keyring,
        &id,
        follow_up::Sender { author: Author::Volunteer, person_id: Some(&staff.id), actor: &staff.actor() },
        MessageKind::Reply,
        body,
        files,
    )
    .await?;
    Ok(())
}

/// The bytes of documents case `case_id` holds, when `staff` may reply on it (so that a
/// reply's files may be taken); `None` when they may not: then nothing is read, and the
/// reply itself is refused and audited.
pub async fn reply_room(db: &Db, staff: &Staff, case_id: &str) -> Result<Option<u64>, DbError> {
    let mut conn = db.acquire().await?;
    let Some(meta) = case_in_scope(&mut conn, staff, case_id).await?.filter(|meta| may_work(staff, meta)) else {
        return Ok(None);
    };
    let held = crate::server::db::documents::bytes_of_case(&mut conn, &meta.id).await?;
    Ok(Some(u64::try_from(held).unwrap_or(0)))
}

/// The text of canned reply `canned` for a reply on case `case_id`: the caller may reply on
/// the case (else `NotFound` outside scope, `NotAllowed` in it, as a reply would be), and it
/// is one of the case's embassy (else refused next to the choice). Reads only.
pub async fn canned_for_reply(db: &Db, staff: &Staff, case_id: &str, canned: &str) -> Result<String, DeskError> {
    let mut conn = db.acquire().await?;
    let meta = case_in_scope(&mut conn, staff, case_id).await?.ok_or(DeskError::NotFound)?;
    if !may_work(staff, &meta) {
        return Err(DeskError::NotAllowed);
    }
    if canned.is_empty() {
        return Err(DeskError::Invalid("canned", RuleCode::Required));
    }
    crate::server::replies::text_of(&mut conn, &meta.embassy_id, canned).await?.ok_or(DeskError::Invalid("canned", RuleCode::InvalidChoice))
}

/// Moves a case along the workflow.
pub async fn change_status(db: &Db, keyring: &Keyring, staff: &Staff, case_id: &str, next: Status) -> Result<(), DeskError> {
    let (mut tx, meta, _) = begin_change(db, keyring, staff, case_id, true, AuditAction::CaseStatus).await?;
    if !meta.status.can_become(next) {
        return Err(DeskError::Invalid("status", RuleCode::InvalidChoice));
    }
    let at = now();
    let sql = match next {
        Status::Resolved => "UPDATE cases SET status = $2, updated_at = $3, resolved_at = $3 WHERE id = $1",
        Status::Closed => "UPDATE cases SET status = $2, updated_at = $3, closed_at = $3 WHERE id = $1",
        // Reopening clears the end times, so that dashboards count the case as open, and the
        // spam marker: a case reopened is a real case again.
        _ if !meta.status.is_open() => "UPDATE cases SET status = $2, updated_at = $3, resolved_at = NULL, closed_at = NULL, spam = 0 WHERE id = $1",
        _ => "UPDATE cases SET status = $2, updated_at = $3 WHERE id = $1",
    };
    sqlx::query(sql).bind(&meta.id).bind(next.as_str()).bind(at).execute(&mut *tx).await?;
    record_event(&mut tx, &meta.id, Some(&staff.id), EventKind::Status, Some(meta.status.as_str()), Some(next.as_str())).await?;
    finish(tx, keyring, staff, AuditAction::CaseStatus, &meta.id).await
}

/// Changes the priority; the first-response due time follows the embassy's service level
/// for the new priority (until there is a first response).
pub async fn change_priority(db: &Db, keyring: &Keyring, staff: &Staff, case_id: &str, priority: Priority) -> Result<(), DeskError> {
    let (mut tx, meta, _) = begin_change(db, keyring, staff, case_id, true, AuditAction::CasePriority).await?;
    if meta.priority == priority {
        return Ok(());
    }
    let due = crate::server::db::embassies::first_response_due(&mut tx, &meta.embassy_id, priority, meta.created_at).await?;
    sqlx::query("UPDATE cases SET priority = $2, updated_at = $3, first_response_due_at = CASE WHEN first_response_at IS NULL THEN $4 ELSE first_response_due_at END WHERE id = $1")
        .bind(&meta.id)
        .bind(priority.rank())
        .bind(now())
        .bind(due)
        .execute(&mut *tx)
        .await?;
    record_event(&mut tx, &meta.id, Some(&staff.id), EventKind::Priority, Some(meta.priority.as_str()), Some(priority.as_str())).await?;
    finish(tx, keyring, staff, AuditAction::CasePriority, &meta.id).await
}

/// Re-routes a case: its queue (within its embassy; admins: any embassy's) and its
/// categories. A case that leaves its embassy leaves its assignee too.
pub async fn reroute(db: &Db, keyring: &Keyring, staff: &Staff, case_id: &str, queue_id: &str, categories: &[Category]) -> Result<(), DeskError> {
    if categories.is_empty() {
        return Err(DeskError::Invalid("categories", RuleCode::Required));
    }
    let (mut tx, meta, _) = begin_change(db, keyring, staff, case_id, true, AuditAction::CaseRoute).await?;
    let embassy: Option<String> =
        sqlx::query_scalar("SELECT embassy_id FROM queues WHERE id = $1 AND retired_at IS NULL").bind(queue_id).fetch_optional(&mut *tx).await?;
    let Some(embassy) = embassy else { return Err(DeskError::Invalid("queue", RuleCode::InvalidChoice)) };
    if embassy != meta.embassy_id && staff.role != Role::Admin {
        return Err(DeskError::Invalid("queue", RuleCode::InvalidChoice));
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
        record_event(&mut tx, &meta.id, Some(&staff.id), EventKind::Queue, Some(&meta.queue_id), Some(queue_id)).await?;
    }
    let old = meta.categories.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(",");
    if old != column {
        record_event(&mut tx, &meta.id, Some(&staff.id), EventKind::Categories, Some(&old), Some(&column)).await?;
    }
    if leaves && meta.assignee_id.is_some() {
        record_event(&mut tx, &meta.id, Some(&staff.id), EventKind::Assignee, meta.assignee_id.as_deref(), None).await?;
    }
    finish(tx, keyring, staff, AuditAction::CaseRoute, &meta.id).await
}

/// Leads and admins assign, reassign and unassign (`None`).
pub async fn assign(db: &Db, keyring: &Keyring, staff: &Staff, case_id: &str, person: Option<&str>) -> Result<(), DeskError> {
    let action = if person.is_some() { AuditAction::CaseAssign } else { AuditAction::CaseUnassign };
    if !staff.is_lead_or_admin() {
        // In scope or not, a volunteer learns nothing more than "no".
        let mut conn = db.acquire().await?;
        return Err(match case_in_scope(&mut conn, staff, case_id).await? {
            Some(_) => DeskError::NotAllowed,
            None => refused(db, &mut conn, keyring, staff, action, case_id).await,
        });
    }
    let (mut tx, meta, _) = begin_change(db, keyring, staff, case_id, true, action).await?;
    if let Some(person) = person {
        if !assignable(&mut tx, &meta).await?.iter().any(|(id, _)| id == person) {
            return Err(DeskError::Invalid("person", RuleCode::InvalidChoice));
        }
    }
    if meta.assignee_id.as_deref() == person {
        return Ok(());
    }
    sqlx::query("UPDATE cases SET assignee_id = $2, updated_at = $3 WHERE id = $1").bind(&meta.id).bind(person).bind(now()).execute(&mut *tx).await?;
    record_event(&mut tx, &meta.id, Some(&staff.id), EventKind::Assignee, meta.assignee_id.as_deref(), person).await?;
    if let Some(person) = person {
        crate::server::notify::assigned(&mut tx, person, &staff.id, now()).await?;
    }
    finish(tx, keyring, staff, action, &meta.id).await
}

/// A volunteer (or lead) takes an unassigned open case they can see.
pub async fn take(db: &Db, keyring: &Keyring, staff: &Staff, case_id: &str) -> Result<(), DeskError> {
    let (mut tx, meta, _) = begin_change(db, keyring, staff, case_id, false, AuditAction::CaseTake).await?;
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
    record_event(&mut tx, &meta.id, Some(&staff.id), EventKind::Assignee, None, Some(&staff.id)).await?;
    finish(tx, keyring, staff, AuditAction::CaseTake, &meta.id).await
}

/// The assignee hands a case back to its queue.
pub async fn hand_back(db: &Db, keyring: &Keyring, staff: &Staff, case_id: &str) -> Result<(), DeskError> {
    let (mut tx, meta, _) = begin_change(db, keyring, staff, case_id, false, AuditAction::CaseHandBack).await?;
    if meta.assignee_id.as_deref() != Some(staff.id.as_str()) {
        return Err(DeskError::NotAllowed);
    }
    sqlx::query("UPDATE cases SET assignee_id = NULL, updated_at = $2 WHERE id = $1").bind(&meta.id).bind(now()).execute(&mut *tx).await?;
    record_event(&mut tx, &meta.id, Some(&staff.id), EventKind::Assignee, Some(&staff.id), None).await?;
    finish(tx, keyring, staff, AuditAction::CaseHandBack, &meta.id).await
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
            record_event(&mut tx, &case_id, Some(&staff.id), EventKind::Assignee, None, Some(&staff.id)).await?;
            finish(tx, keyring, staff, AuditAction::CaseTakeNext, &case_id).await?;
            return Ok(Some(case_id));
        }
        tx.rollback().await.map_err(DbError::from)?;
    }
    Ok(None)
}

/// Adds a dated deadline (kind and calendar date, no free text).
pub async fn add_deadline(db: &Db, keyring: &Keyring, staff: &Staff, case_id: &str, kind: &str, due_on: &str) -> Result<(), DeskError> {
    let Some(kind) = DeadlineKind::parse(kind) else {
        return Err(DeskError::Invalid("kind", RuleCode::InvalidChoice));
    };
    let date = match crate::domain::Date::parse(due_on.trim()) {
        Some(d) => d,
        None if due_on.trim().is_empty() => return Err(DeskError::Invalid("due_on", RuleCode::Required)),
        None => return Err(DeskError::Invalid("due_on", RuleCode::InvalidDate)),
    };
    let (mut tx, meta, _) = begin_change(db, keyring, staff, case_id, true, AuditAction::CaseDeadlineAdd).await?;
    let due_on = date.to_string();
    sqlx::query("INSERT INTO case_deadlines (id, case_id, embassy_id, kind, due_on, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(uuid::Uuid::new_v4().to_string())
        .bind(&meta.id)
        .bind(&meta.embassy_id)
        .bind(kind.as_str())
        .bind(&due_on)
        .bind(&staff.id)
        .bind(now())
        .execute(&mut *tx)
        .await?;
    record_event(&mut tx, &meta.id, Some(&staff.id), EventKind::Deadline, Some(kind.as_str()), Some(&due_on)).await?;
    finish(tx, keyring, staff, AuditAction::CaseDeadlineAdd, &meta.id).await
}

/// Marks a deadline of the case met or no longer relevant.
pub async fn complete_deadline(db: &Db, keyring: &Keyring, staff: &Staff, case_id: &str, deadline_id: &str) -> Result<(), DeskError> {
    let (mut tx, meta, _) = begin_change(db, keyring, staff, case_id, true, AuditAction::CaseDeadlineDone).await?;
    let row = sqlx::query("SELECT kind, due_on FROM case_deadlines WHERE id = $1 AND case_id = $2 AND done_at IS NULL")
        .bind(deadline_id)
        .bind(&meta.id)
        .fetch_optional(&mut *tx)
        .await?;
    let Some(row) = row else { return Err(DeskError::NotFound) };
    let (kind, due_on): (String, String) = (row.try_get(0)?, row.try_get(1)?);
    sqlx::query("UPDATE case_deadlines SET done_at = $2 WHERE id = $1").bind(deadline_id).bind(now()).execute(&mut *tx).await?;
    record_event(&mut tx, &meta.id, Some(&staff.id), EventKind::DeadlineDone, Some(&kind), Some(&due_on)).await?;
    finish(tx, keyring, staff, AuditAction::CaseDeadlineDone, &meta.id).await
}

/// Marks `other`, a possible duplicate of the case, as another person's request (leads:
/// both in their embassy; admins: any two): neither case lists the other any more. Audited
/// on both; a pair already linked as the same person's stays linked.
pub async fn not_duplicate(db: &Db, keyring: &Keyring, staff: &Staff, case_id: &str, other: &str) -> Result<(), DeskError> {
    if !staff.is_lead_or_admin() {
        let mut conn = db.acquire().await?;
        return Err(match case_in_scope(&mut conn, staff, case_id).await? {
            Some(_) => DeskError::NotAllowed,
            None => refused(db, &mut conn, keyring, staff, AuditAction::CaseNotDuplicate, case_id).await,
        });
    }
    let (mut tx, meta, _) = begin_change(db, keyring, staff, case_id, true, AuditAction::CaseNotDuplicate).await?;
    let Some(other) = case_in_scope(&mut tx, staff, other).await?.filter(|o| o.id != meta.id) else {
        return Err(DeskError::Invalid("other", RuleCode::InvalidChoice));
    };
    if !crate::server::cases::look_ups::mark_different(&mut tx, &meta.id, &other.id, &staff.id, now()).await? {
        return Ok(());
    }
    let actor = staff.actor();
    let events = [
        AuditEvent::new(&actor, AuditAction::CaseNotDuplicate, Some(&meta.id), Outcome::Ok),
        AuditEvent::new(&actor, AuditAction::CaseNotDuplicate, Some(&other.id), Outcome::Ok),
    ];
    audit::append_all(&mut tx, keyring, &events).await?;
    tx.commit().await.map_err(DbError::from)?;
    Ok(())
}

/// Links the case with `other`, another case of the same person (leads: both in their
/// embassy; admins: any two). Nothing merges: each keeps its requester, code and thread;
/// both timelines say so and both are audited. Linking twice changes nothing.
pub async fn link(db: &Db, keyring: &Keyring, staff: &Staff, case_id: &str, other: &str) -> Result<(), DeskError> {
    if !staff.is_lead_or_admin() {
        let mut conn = db.acquire().await?;
        return Err(match case_in_scope(&mut conn, staff, case_id).await? {
            Some(_) => DeskError::NotAllowed,
            None => refused(db, &mut conn, keyring, staff, AuditAction::CaseLink, case_id).await,
        });
    }
    let (mut tx, meta, _) = begin_change(db, keyring, staff, case_id, true, AuditAction::CaseLink).await?;
    let Some(other) = case_in_scope(&mut tx, staff, other).await?.filter(|o| o.id != meta.id) else {
        return Err(DeskError::Invalid("other", RuleCode::InvalidChoice));
    };
    if !crate::server::cases::look_ups::link(&mut tx, &meta.id, &other.id, &staff.id, now()).await? {
        return Ok(());
    }
    for (case, with) in [(&meta.id, &other.id), (&other.id, &meta.id)] {
        record_event(&mut tx, case, Some(&staff.id), EventKind::Link, None, Some(with)).await?;
    }
    let actor = staff.actor();
    let events = [
        AuditEvent::new(&actor, AuditAction::CaseLink, Some(&meta.id), Outcome::Ok),
        AuditEvent::new(&actor, AuditAction::CaseLink, Some(&other.id), Outcome::Ok),
    ];
    audit::append_all(&mut tx, keyring, &events).await?;
    tx.commit().await.map_err(DbError::from)?;
    Ok(())
}

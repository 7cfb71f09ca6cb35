//! Junk closed in bulk: a lead (of the cases' embassy) or an admin marks chosen cases as spam,
//! and each is closed with the spam marker, a timeline event and an audit row — all of them
//! in one transaction, or none when any case is outside the caller's scope or not junk.

use super::{case_in_scope, refused, DeskError, PAGE_SIZE};
use crate::domain::case::may_be_spam;
use crate::domain::{AuditAction, EventKind, RuleCode, Status};
use crate::server::db::cases::record_event;
use crate::server::{
    audit::{self, AuditEvent, Outcome},
    crypto::Keyring,
    db::{now, Db, DbError},
    staff::Staff,
};

/// The most cases one post may close: one page of the list.
pub const MAX_SPAM_PER_POST: usize = PAGE_SIZE;

/// Marks the cases `case_ids` as spam and closes them; returns how many. Volunteers get
/// `NotFound` (the action is not theirs, whatever the case). No case chosen, more than
/// [`MAX_SPAM_PER_POST`], or a case answered or no longer open is `Invalid("cases", …)`; a
/// case outside scope (or unknown) is `NotFound`, audited as [`refused`] does. In every
/// refusal nothing changes.
pub async fn mark_spam(db: &Db, keyring: &Keyring, staff: &Staff, case_ids: &[String]) -> Result<usize, DeskError> {
    if !staff.is_lead_or_admin() {
        return Err(DeskError::NotFound);
    }
    let mut ids: Vec<&str> = case_ids.iter().map(String::as_str).filter(|id| !id.is_empty()).collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Err(DeskError::Invalid("cases", RuleCode::Required));
    }
    if ids.len() > MAX_SPAM_PER_POST {
        return Err(DeskError::Invalid("cases", RuleCode::TooLong));
    }
    let mut tx = db.begin().await?;
    let mut metas = Vec::with_capacity(ids.len());
    for id in &ids {
        let Some(meta) = case_in_scope(&mut tx, staff, id).await? else {
            tx.rollback().await.map_err(DbError::from)?;
            return Err(refused(db, &mut *db.acquire().await?, keyring, staff, AuditAction::CaseSpam, id).await);
        };
        if !may_be_spam(meta.status, meta.first_response_at.is_some()) {
            tx.rollback().await.map_err(DbError::from)?;
            return Err(DeskError::Invalid("cases", RuleCode::NotAllowed));
        }
        metas.push(meta);
    }
    let at = now();
    let closed = Status::Closed.as_str();
    for meta in &metas {
        sqlx::query("UPDATE cases SET status = $2, spam = 1, closed_at = $3, updated_at = $3 WHERE id = $1")
            .bind(&meta.id)
            .bind(closed)
            .bind(at)
            .execute(&mut *tx)
            .await?;
        record_event(&mut tx, &meta.id, Some(&staff.id), EventKind::Spam, Some(meta.status.as_str()), Some(closed)).await?;
    }
    let actor = staff.actor();
    let events: Vec<AuditEvent> = metas.iter().map(|m| AuditEvent::new(&actor, AuditAction::CaseSpam, Some(&m.id), Outcome::Ok)).collect();
    audit::append_all(&mut tx, keyring, &events).await?;
    tx.commit().await.map_err(DbError::from)?;
    Ok(metas.len())
}

//! The audit log as leads (their embassy) and admins (everything) read it: filtered by
//! actor, action, case reference and dates, newest first, in keyset pages; and whether the
//! chain currently verifies, checked in the background at most every few minutes.

use crate::api::AppError;
use crate::domain::AuditAction;
use crate::domain::{Date, Role};
use crate::server::{
    audit::{self, ChainBreak},
    crypto::Keyring,
    db::{arguments, Arg},
    db::{now, Db, DbError},
    staff::{self, Staff},
};
use sqlx::Row;
use std::sync::{
    atomic::{AtomicBool, Ordering},
    Arc, Mutex,
};

/// Rows per page.
pub const PAGE_SIZE: usize = 50;
/// A check older than this is repeated when the page is read.
pub const CHECK_EVERY_SECS: i64 = 600;

/// The result of one full check of the chain.
#[derive(Clone, Debug)]
pub struct ChainCheck {
    pub checked_at: i64,
    /// Rows verified, or the first break.
    pub result: Result<i64, ChainBreak>,
}

/// The last check, and whether one is running.
#[derive(Clone, Default)]
pub struct ChainWatch {
    last: Arc<Mutex<Option<ChainCheck>>>,
    running: Arc<AtomicBool>,
}

impl ChainWatch {
    /// The last check. When there is none, or it is old, a new one starts in the background.
    pub fn status(&self, db: &Db, keyring: &Arc<Keyring>) -> (Option<ChainCheck>, bool) {
        let last = self.last.lock().map(|l| l.clone()).unwrap_or(None);
        let stale = last.as_ref().is_none_or(|c| now() - c.checked_at >= CHECK_EVERY_SECS);
        if stale && !self.running.swap(true, Ordering::SeqCst) {
            let (watch, db, keyring) = (self.clone(), db.clone(), Arc::clone(keyring));
            tokio::spawn(async move {
                let _ = watch.run(&db, &keyring).await;
            });
        }
        (last, self.running.load(Ordering::SeqCst))
    }

    /// Checks the whole chain now and keeps the result.
    pub async fn check_now(&self, db: &Db, keyring: &Keyring) -> Result<ChainCheck, DbError> {
        self.running.store(true, Ordering::SeqCst);
        self.run(db, keyring).await
    }

    async fn run(&self, db: &Db, keyring: &Keyring) -> Result<ChainCheck, DbError> {
        let outcome = audit::verify(db, keyring).await;
        self.running.store(false, Ordering::SeqCst);
        let check = ChainCheck { checked_at: now(), result: outcome? };
        if let Ok(mut last) = self.last.lock() {
            *last = Some(check.clone());
        }
        if let Err(e) = &check.result {
            tracing::error!(error = %e, "the audit chain does not verify");
        }
        Ok(check)
    }
}

/// The first row a break points at.
pub fn first_bad_row(e: &ChainBreak) -> i64 {
    match *e {
        ChainBreak::BadMac { seq } | ChainBreak::UnknownKey { seq, .. } => seq,
        ChainBreak::Gap { expected, .. } => expected,
        ChainBreak::Truncated { last, .. } => last + 1,
        ChainBreak::BeyondHead { head, .. } => head + 1,
    }
}

/// What to list. Every part is optional.
#[derive(Clone, Debug, Default)]
pub struct AuditFilter {
    /// A person's login.
    pub login: Option<String>,
    pub action: Option<AuditAction>,
    /// A case's public reference.
    pub reference: Option<String>,
    pub from: Option<Date>,
    pub to: Option<Date>,
    /// Rows before this sequence number (the next page).
    pub before: Option<i64>,
}

/// One row as the viewer shows it: people by login, cases by reference.
#[derive(Clone, Debug)]
pub struct ShownRow {
    pub seq: i64,
    pub at: i64,
    pub actor: String,
    pub action: String,
    pub object: Option<String>,
    pub outcome: String,
}

/// The rows of `filter` in the caller's scope, newest first, and the cursor of the next page.
/// A login or reference that matches nothing lists nothing.
pub async fn list(db: &Db, staff: &Staff, filter: &AuditFilter) -> Result<(Vec<ShownRow>, Option<i64>), AppError> {
    let embassy = match staff.role {
        Role::Admin => None,
        Role::Lead => Some(staff.embassy_id.clone().ok_or(AppError::NotFound)?),
        Role::Volunteer => return Err(AppError::NotFound),
    };
    let mut args: Vec<Arg> = Vec::new();
    let bind = |args: &mut Vec<Arg>, a: Arg| {
        args.push(a);
        format!("${}", args.len())
    };
    let mut conds: Vec<String> = Vec::new();
    if let Some(login) = &filter.login {
        let id: Option<String> =
            sqlx::query_scalar("SELECT id FROM people WHERE login = $1").bind(login).fetch_optional(db.pool()).await.map_err(DbError::from)?;
        let Some(id) = id else { return Ok((Vec::new(), None)) };
        conds.push(format!("a.actor = {}", bind(&mut args, Arg::Text(staff::actor_of(&id)))));
    }
    if let Some(action) = &filter.action {
        conds.push(format!("a.action = {}", bind(&mut args, Arg::Text(action.as_str().to_owned()))));
    }
    if let Some(reference) = &filter.reference {
        let id: Option<String> =
            sqlx::query_scalar("SELECT id FROM cases WHERE reference = $1").bind(reference).fetch_optional(db.pool()).await.map_err(DbError::from)?;
        let Some(id) = id else { return Ok((Vec::new(), None)) };
        conds.push(format!("a.object_id = {}", bind(&mut args, Arg::Text(id))));
    }
    // Dates become a range of sequence numbers (rows are appended in time order), so that
    // the page walks the log by its key.
    if let Some(from) = filter.from {
        let first: Option<i64> = sqlx::query_scalar("SELECT seq FROM audit_log WHERE at >= $1 ORDER BY at, seq LIMIT 1")
            .bind(from.unix_start())
            .fetch_optional(db.pool())
            .await
            .map_err(DbError::from)?;
        let Some(first) = first else { return Ok((Vec::new(), None)) };
        conds.push(format!("a.seq >= {}", bind(&mut args, Arg::Int(first))));
    }
    if let Some(to) = filter.to {
        let last: Option<i64> = sqlx::query_scalar("SELECT seq FROM audit_log WHERE at < $1 ORDER BY at DESC, seq DESC LIMIT 1")
            .bind(to.unix_start() + 86_400)
            .fetch_optional(db.pool())
            .await
            .map_err(DbError::from)?;
        let Some(last) = last else { return Ok((Vec::new(), None)) };
        conds.push(format!("a.seq <= {}", bind(&mut args, Arg::Int(last))));
    }
    if let Some(before) = filter.before {
        conds.push(format!("a.seq < {}", bind(&mut args, Arg::Int(before))));
    }
    if let Some(embassy) = embassy {
        // The embassy's rows: what its people did, and what was done to its cases, its
        // people and the embassy itself.
        let e = bind(&mut args, Arg::Text(embassy));
        conds.push(format!(
            "(a.actor IN (SELECT 'person:' || id FROM people WHERE embassy_id = {e}) \
             OR EXISTS (SELECT 1 FROM cases c WHERE c.id = a.object_id AND c.embassy_id = {e}) \
             OR EXISTS (SELECT 1 FROM people o WHERE o.id = a.object_id AND o.embassy_id = {e}) \
             OR a.object_id = {e})"
        ));
    }
    let mut sql = String::from(
        "SELECT a.seq, a.at, a.actor, a.action, a.object_id, a.outcome, pa.login, c.reference, po.login FROM audit_log a \
         LEFT JOIN people pa ON pa.id = substr(a.actor, 8) AND a.actor LIKE 'person:%' \
         LEFT JOIN cases c ON c.id = a.object_id \
         LEFT JOIN people po ON po.id = a.object_id",
    );
    if !conds.is_empty() {
        sql.push_str(" WHERE ");
        sql.push_str(&conds.join(" AND "));
    }
    sql.push_str(&format!(" ORDER BY a.seq DESC LIMIT {}", PAGE_SIZE + 1));
    let rows = sqlx::query_with(&sql, arguments(&args)).fetch_all(db.pool()).await.map_err(DbError::from)?;
    let mut out = Vec::new();
    for row in rows.iter().take(PAGE_SIZE) {
        let actor: String = row.try_get(2)?;
        let object: Option<String> = row.try_get(4)?;
        let actor_login: Option<String> = row.try_get(6)?;
        let reference: Option<String> = row.try_get(7)?;
        let object_login: Option<String> = row.try_get(8)?;
        out.push(ShownRow {
            seq: row.try_get(0)?,
            at: row.try_get(1)?,
            actor: actor_login.unwrap_or(actor),
            action: row.try_get(3)?,
            object: reference.or(object_login).or(object),
            outcome: row.try_get(5)?,
        });
    }
    let next = (rows.len() > PAGE_SIZE).then(|| out.last().map(|r| r.seq)).flatten();
    Ok((out, next))
}

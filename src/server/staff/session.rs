//! Desk sessions: opened at a sign-in stage, looked up by the keyed hash of their token
//! on every request, idle and absolute limits, log-out here and everywhere.

use super::{staff_columns, Session, Staff, StaffRow, Stage, ABSOLUTE_SECS, HALF_SIGNED_SECS, IDLE_SECS};
use crate::domain::AuditAction;

use crate::server::{
    audit::{self, AuditEvent, Outcome},
    config::Backend,
    crypto::{random_token, token_hash, Keyring},
    db::{now, Conn, Db, DbError, Tx},
};

pub(crate) async fn insert_session(tx: &mut Tx, person_id: &str, stage: Stage) -> Result<String, DbError> {
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
    audit::append(&mut tx, keyring, &AuditEvent::new(&staff.actor(), AuditAction::SessionEndAll, Some(&staff.id), Outcome::Ok)).await?;
    tx.commit().await?;
    Ok(())
}

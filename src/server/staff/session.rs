//! Desk sessions: opened at a sign-in stage, looked up on every request by the token's
//! HMAC tags under the keyring's token look-up key (the active key's and, until they
//! expire, those of sessions opened before a rotation), idle and absolute limits, log-out
//! here and everywhere.

use super::{staff_columns, Session, Staff, StaffRow, Stage, ABSOLUTE_SECS, HALF_SIGNED_SECS, IDLE_SECS};
use crate::domain::AuditAction;

use crate::server::{
    audit::{self, AuditEvent, Outcome},
    config::Backend,
    crypto::{random_token, Keyring},
    db::{arguments, now, placeholder_list, tag_args, Arg, Conn, Db, DbError, Tx},
};

pub(crate) async fn insert_session(tx: &mut Tx, keyring: &Keyring, person_id: &str, stage: Stage) -> Result<String, DbError> {
    let token = random_token();
    let at = now();
    sqlx::query("DELETE FROM staff_sessions WHERE person_id = $1 AND (last_seen_at < $2 OR created_at < $3)")
        .bind(person_id)
        .bind(at - IDLE_SECS)
        .bind(at - ABSOLUTE_SECS)
        .execute(&mut **tx)
        .await?;
    sqlx::query("INSERT INTO staff_sessions (token_hash, person_id, stage, created_at, last_seen_at) VALUES ($1, $2, $3, $4, $4)")
        .bind(keyring.token_tag(&token))
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
    /// The stored tag that matched, for the statements that follow.
    token_hash: Vec<u8>,
    stage: String,
    created_at: i64,
    last_seen_at: i64,
    #[sqlx(flatten)]
    staff: StaffRow,
}

/// A session's idle timer is written again once this many seconds have passed since it last was.
const REFRESH_SECS: i64 = 60;

/// The statement reading the session whose stored tag is one of `$1`…`$tags` (a token's
/// tags under each key of the keyring), with its active person.
pub fn session_sql(backend: Backend, tags: usize) -> String {
    format!(
        "SELECT s.token_hash, s.stage, s.created_at, s.last_seen_at, {} FROM staff_sessions s \
         JOIN people p ON p.id = s.person_id AND p.active = 1 LEFT JOIN embassies e ON e.id = p.embassy_id WHERE s.token_hash IN ({})",
        staff_columns(backend),
        placeholder_list(1, tags)
    )
}

/// The session behind `token`, refreshing its idle timer; `None` when it is unknown, idle,
/// expired, or its person was deactivated. One statement by the token's tags (probes of the
/// table's primary key); a second when the idle timer is refreshed or the session has ended.
pub async fn resume(db: &Db, keyring: &Keyring, token: &str) -> Result<Option<Session>, DbError> {
    resume_on(&mut *db.acquire().await?, db.backend(), keyring, token).await
}

/// [`resume`] on the request's connection.
pub async fn resume_on(conn: &mut Conn, backend: Backend, keyring: &Keyring, token: &str) -> Result<Option<Session>, DbError> {
    let tags = tag_args(keyring.token_tags(token));
    let sql = session_sql(backend, tags.len());
    let Some(row): Option<SessionRow> = sqlx::query_as_with(&sql, arguments(&tags)).fetch_optional(&mut *conn).await? else { return Ok(None) };
    let stage = if row.stage == Stage::Full.as_str() { Stage::Full } else { Stage::Password };
    let at = now();
    let lifetime = if stage == Stage::Full { ABSOLUTE_SECS } else { HALF_SIGNED_SECS };
    if at - row.last_seen_at > IDLE_SECS || at - row.created_at > lifetime {
        sqlx::query("DELETE FROM staff_sessions WHERE token_hash = $1").bind(&row.token_hash).execute(&mut *conn).await?;
        return Ok(None);
    }
    if at - row.last_seen_at >= REFRESH_SECS {
        sqlx::query("UPDATE staff_sessions SET last_seen_at = $1 WHERE token_hash = $2").bind(at).bind(&row.token_hash).execute(&mut *conn).await?;
    }
    Ok(Some(Session { staff: row.staff.into(), stage }))
}

/// Ends one session (log-out).
pub async fn end(db: &Db, keyring: &Keyring, token: &str) -> Result<(), DbError> {
    end_in(&mut *db.acquire().await?, keyring, token).await
}

/// Ends the session of `token` on a connection or in a transaction.
pub(crate) async fn end_in(conn: &mut Conn, keyring: &Keyring, token: &str) -> Result<(), DbError> {
    let tags = tag_args(keyring.token_tags(token));
    let sql = format!("DELETE FROM staff_sessions WHERE token_hash IN ({})", placeholder_list(1, tags.len()));
    sqlx::query_with(&sql, arguments(&tags)).execute(conn).await?;
    Ok(())
}

/// Ends every session of a person and opens one new full session in place of `token`'s
/// (the caller's), which keeps its sign-in time and so its absolute limit: after a change of
/// password no other device stays signed in, and the token sent before it is spent too.
pub(crate) async fn replace_all(tx: &mut Tx, keyring: &Keyring, person_id: &str, token: &str) -> Result<String, DbError> {
    let mut args = tag_args(keyring.token_tags(token));
    let sql = format!("SELECT created_at FROM staff_sessions WHERE token_hash IN ({}) AND person_id = ${}", placeholder_list(1, args.len()), args.len() + 1);
    args.push(Arg::Text(person_id.to_owned()));
    let at = now();
    let signed_in: Option<i64> = sqlx::query_scalar_with(&sql, arguments(&args)).fetch_optional(&mut **tx).await?;
    sqlx::query("DELETE FROM staff_sessions WHERE person_id = $1").bind(person_id).execute(&mut **tx).await?;
    let token = random_token();
    sqlx::query("INSERT INTO staff_sessions (token_hash, person_id, stage, created_at, last_seen_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(keyring.token_tag(&token))
        .bind(person_id)
        .bind(Stage::Full.as_str())
        .bind(signed_in.unwrap_or(at))
        .bind(at)
        .execute(&mut **tx)
        .await?;
    Ok(token)
}

/// Ends every session of a person ("log out everywhere"), audited.
pub async fn end_all(db: &Db, keyring: &Keyring, staff: &Staff) -> Result<(), DbError> {
    let mut tx = db.begin().await?;
    sqlx::query("DELETE FROM staff_sessions WHERE person_id = $1").bind(&staff.id).execute(&mut *tx).await?;
    audit::append(&mut tx, keyring, &AuditEvent::new(&staff.actor(), AuditAction::SessionEndAll, Some(&staff.id), Outcome::Ok)).await?;
    tx.commit().await?;
    Ok(())
}

//! Attempt counters in fixed windows, kept in the database so that every app instance
//! sees the same counts. Scopes are never client addresses: behind Tor every client is
//! 127.0.0.1.

use crate::server::db::{Db, DbError, Tx};

/// At most `max` attempts per `window_secs`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    pub max: i64,
    pub window_secs: i64,
}

/// Counts one attempt in `scope` at time `now`; returns whether it is within `limit`.
///
/// A window opens with the first attempt and lasts `window_secs`; the next attempt after
/// it opens a new one. Windows are never aligned to the clock, so a burst around a
/// boundary gets no fresh allowance.
pub async fn hit(tx: &mut Tx, scope: &str, limit: Limit, now: i64) -> Result<bool, DbError> {
    let count: i64 = sqlx::query_scalar(
        "INSERT INTO throttle (scope, window_start, count) VALUES ($1, $2, 1) \
         ON CONFLICT (scope) DO UPDATE SET \
           count = CASE WHEN throttle.window_start > $3 THEN throttle.count + 1 ELSE 1 END, \
           window_start = CASE WHEN throttle.window_start > $3 THEN throttle.window_start ELSE excluded.window_start END \
         RETURNING count",
    )
    .bind(scope)
    .bind(now)
    .bind(now - limit.window_secs)
    .fetch_one(&mut **tx)
    .await?;
    Ok(count <= limit.max)
}

/// Whether `scope` is still within `limit` at `now`, without counting anything (a read).
pub async fn within(db: &Db, scope: &str, limit: Limit, now: i64) -> Result<bool, DbError> {
    let count: Option<i64> = sqlx::query_scalar("SELECT count FROM throttle WHERE scope = $1 AND window_start > $2")
        .bind(scope)
        .bind(now - limit.window_secs)
        .fetch_optional(db.pool())
        .await?;
    Ok(count.unwrap_or(0) < limit.max)
}

/// Forgets every count whose window ended more than `older_than_secs` ago: the table holds
/// only live windows. Returns how many were forgotten.
pub async fn prune(db: &Db, older_than_secs: i64, now: i64) -> Result<u64, DbError> {
    let done = sqlx::query("DELETE FROM throttle WHERE window_start < $1").bind(now - older_than_secs).execute(db.pool()).await?;
    Ok(done.rows_affected())
}

/// Forgets the attempts in `scope` (after a success).
pub async fn clear(tx: &mut Tx, scope: &str) -> Result<(), DbError> {
    sqlx::query("DELETE FROM throttle WHERE scope = $1").bind(scope).execute(&mut **tx).await?;
    Ok(())
}

/// Counts older than this are forgotten by [`keep_pruned`]: every window is far shorter.
pub const KEPT_SECS: i64 = 3600;

/// Forgets ended counts now and every ten minutes, so the table holds only live windows
/// however many scopes a flood touched.
pub async fn keep_pruned(db: crate::server::db::Db) {
    let mut ticks = tokio::time::interval(std::time::Duration::from_secs(600));
    loop {
        ticks.tick().await;
        match prune(&db, KEPT_SECS, crate::server::db::now()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(forgotten = n, "ended attempt counts pruned"),
            Err(e) => tracing::warn!(error = %e, "pruning attempt counts failed; trying again in ten minutes"),
        }
    }
}

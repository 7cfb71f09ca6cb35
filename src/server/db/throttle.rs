//! Attempt counters in fixed windows, kept in the database so that every app instance
//! sees the same counts. Scopes are never client addresses: behind Tor every client is
//! 127.0.0.1.

use crate::server::db::{DbError, Tx};

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

/// Forgets the attempts in `scope` (after a success).
pub async fn clear(tx: &mut Tx, scope: &str) -> Result<(), DbError> {
    sqlx::query("DELETE FROM throttle WHERE scope = $1").bind(scope).execute(&mut **tx).await?;
    Ok(())
}

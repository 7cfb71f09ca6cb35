//! Purging a case: every row that belongs to it goes — its wrapped keys, sealed fields,
//! messages, notes, documents and their chunks, deadlines, timeline, receipt, requester
//! sessions, look-ups of possible duplicates and links, then the case row
//! itself with its reference and assignment — and one anonymous row stays in `past_cases`
//! (embassy, queue, categories, the months it was opened and closed, how it ended, and for
//! the dashboard's medians the day and duration of its first response and resolution).
//! The audit rows that name the case stay: they hold ids and action names only.

use super::{throttle, Conn, DbError, Tx};
use crate::domain::{Date, PastOutcome};
use crate::server::crypto::{self, Keyring};
use sqlx::Row;

/// Every table holding rows of a case by `case_id`, emptied of them before the case row
/// goes. A test compares this list with the schema, so a new table cannot be forgotten.
/// `documents` is emptied with its chunks (which name their document, not the case).
pub const CASE_TABLES: [&str; 13] = [
    "case_keys",
    "case_fields",
    "case_messages",
    "case_notes",
    "case_events",
    "case_deadlines",
    "receipts",
    "requester_sessions",
    "documents",
    "case_look_ups",
    "case_links",
    "notify_told",
    "requester_notices",
];

const DAY: i64 = 86_400;

/// The throttle scope of a reference under one key (as `cases::receipts::verify` counts
/// attempts at it).
pub fn reference_scope(keyring: &Keyring, key_id: u32, reference: &str) -> Option<String> {
    keyring.blind_index(key_id, "receipt reference", reference.as_bytes()).map(|index| format!("ref:{}", crypto::hex(&index)))
}

/// `YYYY-MM` of a UTC time.
fn month(at: i64) -> String {
    let d = Date::from_unix(at);
    format!("{:04}-{:02}", d.year, d.month)
}

/// Purges the case `case_id` in `tx` (the caller adds the audit row and commits). A case
/// deleted at its requester's wish is `withdrawn` and counts as closed at `at`. Returns the
/// case's embassy, or `None` when no such case exists (already purged by another instance).
pub async fn purge_case(tx: &mut Tx, keyring: &Keyring, case_id: &str, withdrawn: bool, at: i64) -> Result<Option<String>, DbError> {
    super::documents::delete_of_case(tx, case_id).await?;
    // A link is kept once each way: the other case's row goes too, and its timeline keeps
    // that it was linked, no longer with what.
    sqlx::query(
        "UPDATE case_events SET new_value = NULL \
         WHERE case_id IN (SELECT case_id FROM case_links WHERE other_id = $1) AND kind = 'link' AND new_value = $1",
    )
    .bind(case_id)
    .execute(&mut **tx)
    .await?;
    sqlx::query("DELETE FROM case_links WHERE other_id = $1").bind(case_id).execute(&mut **tx).await?;
    for table in CASE_TABLES {
        sqlx::query(&format!("DELETE FROM {table} WHERE case_id = $1")).bind(case_id).execute(&mut **tx).await?;
    }
    // Deleting first and reading what was deleted: of two instances purging the same case at
    // once, only the one whose delete removed the row writes the anonymous row.
    let row = sqlx::query(
        "DELETE FROM cases WHERE id = $1 \
         RETURNING embassy_id, queue_id, categories, reference, created_at, first_response_at, resolved_at, closed_at, spam",
    )
    .bind(case_id)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let embassy_id: String = row.try_get(0)?;
    let reference: String = row.try_get(3)?;
    let created_at: i64 = row.try_get(4)?;
    let first_response_at: Option<i64> = row.try_get(5)?;
    let resolved_at: Option<i64> = row.try_get(6)?;
    let closed_at: Option<i64> = row.try_get(7)?;
    let spam = row.try_get::<i64, _>(8)? != 0;
    let outcome = match (withdrawn, spam, resolved_at) {
        (true, _, _) => PastOutcome::Withdrawn,
        (false, true, _) => PastOutcome::Spam,
        (false, false, Some(_)) => PastOutcome::Resolved,
        (false, false, None) => PastOutcome::Closed,
    };
    let reached = |t: Option<i64>| (t.map(|t| t.div_euclid(DAY)), t.map(|t| t - created_at));
    let (first_response_day, first_response_took) = reached(first_response_at);
    let (resolved_day, resolution_took) = reached(resolved_at);
    sqlx::query(
        "INSERT INTO past_cases (embassy_id, queue_id, categories, opened_month, closed_month, outcome, \
         first_response_day, first_response_took, resolved_day, resolution_took) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&embassy_id)
    .bind(row.try_get::<String, _>(1)?)
    .bind(row.try_get::<String, _>(2)?)
    .bind(month(created_at))
    .bind(month(if withdrawn { at } else { closed_at.unwrap_or(at) }))
    .bind(outcome.as_str())
    .bind(first_response_day)
    .bind(first_response_took)
    .bind(resolved_day)
    .bind(resolution_took)
    .execute(&mut **tx)
    .await?;
    // Failed attempts at the reference are counted under a keyed hash of it; they go too.
    for key_id in keyring.key_ids() {
        if let Some(scope) = reference_scope(keyring, key_id, &reference) {
            throttle::clear(tx, &scope).await?;
        }
    }
    Ok(Some(embassy_id))
}

/// Up to `limit` closed cases of the embassy closed at or before `closed_by`, oldest first.
pub async fn due(conn: &mut Conn, embassy_id: &str, closed_by: i64, limit: i64) -> Result<Vec<String>, DbError> {
    Ok(sqlx::query_scalar("SELECT id FROM cases WHERE embassy_id = $1 AND status = 'closed' AND closed_at <= $2 ORDER BY closed_at LIMIT $3")
        .bind(embassy_id)
        .bind(closed_by)
        .bind(limit)
        .fetch_all(&mut *conn)
        .await?)
}

/// How many closed cases of the embassy were closed at or before `closed_by`.
pub async fn count_due(conn: &mut Conn, embassy_id: &str, closed_by: i64) -> Result<i64, DbError> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM cases WHERE embassy_id = $1 AND status = 'closed' AND closed_at <= $2")
        .bind(embassy_id)
        .bind(closed_by)
        .fetch_one(&mut *conn)
        .await?)
}

#[cfg(test)]
mod tests {
    #[test]
    fn months_are_utc_year_and_month() {
        assert_eq!(super::month(0), "1970-01");
        // 2024-02-29 23:59:59 UTC, and one second later.
        assert_eq!(super::month(1_709_251_199), "2024-02");
        assert_eq!(super::month(1_709_251_200), "2024-03");
    }
}

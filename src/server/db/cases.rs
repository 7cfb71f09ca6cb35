//! Case rows: clear metadata in `cases`, the wrapped data key in `case_keys`, sealed values
//! in `case_fields`. Inserts take many cases at once so that seeding a million is quick.

use super::{now, push_value_groups, Conn, DbError, Tx};
use crate::domain::EventKind;
use crate::server::cases::SealedCase;
use sqlx::Row;

/// Rows per INSERT statement. SQLite resolves `$n` parameters by name, at a cost that grows
/// with the square of their number, so statements stay at a few hundred bound values.
pub const INSERT_CHUNK: usize = 40;
const FIELD_ROWS_CHUNK: usize = 150;

/// The SQL condition of an open case: the statuses `Status::is_open` names, written exactly
/// like the partial indexes' condition so that the planners use them. A constant rather
/// than built from `Status`, because a new open status also needs those indexes rebuilt; a
/// test fails until both follow.
pub const OPEN: &str = "status IN ('new', 'triaged', 'in_progress', 'waiting')";

/// Adds one entry to a case's clear timeline.
pub async fn record_event(tx: &mut Tx, case_id: &str, person_id: Option<&str>, kind: EventKind, old: Option<&str>, new: Option<&str>) -> Result<(), DbError> {
    sqlx::query("INSERT INTO case_events (id, case_id, at, person_id, kind, old_value, new_value) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .bind(uuid::Uuid::new_v4().to_string())
        .bind(case_id)
        .bind(now())
        .bind(person_id)
        .bind(kind.as_str())
        .bind(old)
        .bind(new)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Inserts sealed cases with their key and field rows.
pub async fn insert_sealed(tx: &mut Tx, cases: &[SealedCase]) -> Result<(), DbError> {
    for chunk in cases.chunks(INSERT_CHUNK) {
        let mut sql = String::from(
            "INSERT INTO cases (id, reference, embassy_id, queue_id, categories, status, priority, language, \
             created_at, updated_at, first_response_due_at, first_response_at, resolved_at, closed_at) VALUES ",
        );
        push_value_groups(&mut sql, 1, chunk.len(), 14);
        let mut q = sqlx::query(&sql);
        for c in chunk {
            q = q
                .bind(c.id.as_str())
                .bind(c.reference.as_str())
                .bind(c.embassy_id.as_str())
                .bind(c.queue_id.as_str())
                .bind(c.categories_column())
                .bind(c.status.as_str())
                .bind(c.priority.rank())
                .bind(c.language.as_str())
                .bind(c.created_at)
                .bind(c.created_at)
                .bind(c.first_response_due_at)
                .bind(c.first_response_at)
                .bind(c.resolved_at)
                .bind(c.closed_at);
        }
        q.execute(&mut **tx).await?;

        let mut sql = String::from("INSERT INTO case_keys (case_id, holder, wrapped, created_at) VALUES ");
        push_value_groups(&mut sql, 1, chunk.len(), 4);
        let mut q = sqlx::query(&sql);
        for c in chunk {
            q = q.bind(c.id.as_str()).bind(c.holder).bind(c.wrapped_key.as_slice()).bind(c.created_at);
        }
        q.execute(&mut **tx).await?;

        let field_rows: Vec<_> = chunk.iter().flat_map(|c| c.fields.iter().map(move |(name, sealed)| (c.id.as_str(), name.as_str(), sealed))).collect();
        for rows in field_rows.chunks(FIELD_ROWS_CHUNK) {
            let mut sql = String::from("INSERT INTO case_fields (case_id, name, sealed) VALUES ");
            push_value_groups(&mut sql, 1, rows.len(), 3);
            let mut q = sqlx::query(&sql);
            for (case_id, name, sealed) in rows {
                q = q.bind(*case_id).bind(*name).bind(sealed.as_slice());
            }
            q.execute(&mut **tx).await?;
        }
    }
    Ok(())
}

/// The wrapped data key of a case for the server holder, if the case still has one.
pub async fn wrapped_key(conn: &mut Conn, case_id: &str, holder: &str) -> Result<Option<Vec<u8>>, DbError> {
    Ok(sqlx::query("SELECT wrapped FROM case_keys WHERE case_id = $1 AND holder = $2")
        .bind(case_id)
        .bind(holder)
        .fetch_optional(&mut *conn)
        .await?
        .map(|row| row.try_get::<Vec<u8>, _>(0))
        .transpose()?)
}

#[cfg(test)]
mod tests {
    use super::OPEN;
    use crate::domain::Status;

    #[test]
    fn open_names_the_open_statuses_as_the_partial_indexes_do() {
        let open: Vec<String> = Status::ALL.iter().filter(|s| s.is_open()).map(|s| format!("'{}'", s.as_str())).collect();
        assert_eq!(OPEN, format!("status IN ({})", open.join(", ")));
        for dir in ["migrations/sqlite", "migrations/postgres"] {
            let sql: String = std::fs::read_dir(dir).unwrap().map(|f| std::fs::read_to_string(f.unwrap().path()).unwrap()).collect();
            assert!(sql.contains(&format!("WHERE {OPEN}")), "{dir}: a partial index on the open cases");
        }
    }
}

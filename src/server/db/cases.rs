//! Case rows: clear metadata in `cases`, the wrapped data key in `case_keys`, sealed values
//! in `case_fields`. Inserts take many cases at once so that seeding a million is quick.

use super::{push_value_groups, DbError, Tx};
use crate::server::cases::SealedCase;
use sqlx::{any::AnyArguments, query::Query, Any, Row};

/// Largest number of cases per INSERT statement (keeps bound values under both limits).
pub const INSERT_CHUNK: usize = 500;

fn run<'q>(sql: &'q str) -> Query<'q, Any, AnyArguments<'q>> {
    sqlx::query(sql)
}

/// Inserts sealed cases with their key and field rows.
pub async fn insert_sealed(tx: &mut Tx, cases: &[SealedCase]) -> Result<(), DbError> {
    for chunk in cases.chunks(INSERT_CHUNK) {
        let mut sql = String::from(
            "INSERT INTO cases (id, reference, embassy_id, queue_id, categories, status, priority, language, \
             created_at, updated_at, first_response_due_at) VALUES ",
        );
        push_value_groups(&mut sql, 1, chunk.len(), 11);
        let mut q = run(&sql);
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
                .bind(c.first_response_due_at);
        }
        q.execute(&mut **tx).await?;

        let mut sql = String::from("INSERT INTO case_keys (case_id, holder, wrapped, created_at) VALUES ");
        push_value_groups(&mut sql, 1, chunk.len(), 4);
        let mut q = run(&sql);
        for c in chunk {
            q = q.bind(c.id.as_str()).bind(c.holder).bind(c.wrapped_key.as_slice()).bind(c.created_at);
        }
        q.execute(&mut **tx).await?;

        let field_count: usize = chunk.iter().map(|c| c.fields.len()).sum();
        if field_count > 0 {
            let mut sql = String::from("INSERT INTO case_fields (case_id, name, sealed) VALUES ");
            push_value_groups(&mut sql, 1, field_count, 3);
            let mut q = run(&sql);
            for c in chunk {
                for (name, sealed) in &c.fields {
                    q = q.bind(c.id.as_str()).bind(name.as_str()).bind(sealed.as_slice());
                }
            }
            q.execute(&mut **tx).await?;
        }
    }
    Ok(())
}

/// The wrapped data key of a case for the server holder, if the case still has one.
pub async fn wrapped_key(conn: &mut sqlx::AnyConnection, case_id: &str, holder: &str) -> Result<Option<Vec<u8>>, DbError> {
    Ok(sqlx::query("SELECT wrapped FROM case_keys WHERE case_id = $1 AND holder = $2")
        .bind(case_id)
        .bind(holder)
        .fetch_optional(conn)
        .await?
        .map(|row| row.get::<Vec<u8>, _>(0)))
}

/// All sealed fields of a case, by name.
pub async fn sealed_fields(conn: &mut sqlx::AnyConnection, case_id: &str) -> Result<Vec<(String, Vec<u8>)>, DbError> {
    Ok(sqlx::query("SELECT name, sealed FROM case_fields WHERE case_id = $1 ORDER BY name")
        .bind(case_id)
        .fetch_all(conn)
        .await?
        .into_iter()
        .map(|row| (row.get::<String, _>(0), row.get::<Vec<u8>, _>(1)))
        .collect())
}

/// Destroys a case's contents: its wrapped keys and sealed fields go; the clear metadata
/// row stays (for counts) but nothing can be read again. Returns whether the case had keys.
pub async fn shred(tx: &mut Tx, case_id: &str) -> Result<bool, DbError> {
    let keys = sqlx::query("DELETE FROM case_keys WHERE case_id = $1").bind(case_id).execute(&mut **tx).await?;
    sqlx::query("DELETE FROM case_fields WHERE case_id = $1").bind(case_id).execute(&mut **tx).await?;
    Ok(keys.rows_affected() > 0)
}

//! People who work the desk: accounts with a role and, for leads and volunteers, an embassy.

use super::{now, DbError, Tx};
use crate::domain::Role;

/// Error of creating a person.
#[derive(Debug, thiserror::Error)]
pub enum NewPersonError {
    #[error("the login {0:?} is taken")]
    LoginTaken(String),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Inserts a person; returns their id.
pub async fn insert(tx: &mut Tx, login: &str, password_hash: &str, role: Role, embassy_id: Option<&str>) -> Result<String, NewPersonError> {
    let id = uuid::Uuid::new_v4().to_string();
    let at = now();
    let result = sqlx::query(
        "INSERT INTO people (id, login, password_hash, role, embassy_id, active, created_at, password_changed_at) \
         VALUES ($1, $2, $3, $4, $5, 1, $6, $6)",
    )
    .bind(&id)
    .bind(login)
    .bind(password_hash)
    .bind(role.as_str())
    .bind(embassy_id)
    .bind(at)
    .execute(&mut **tx)
    .await;
    match result {
        Ok(_) => Ok(id),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Err(NewPersonError::LoginTaken(login.to_owned())),
        Err(e) => Err(DbError::from(e).into()),
    }
}

/// Number of active admins (start-up says how to create the first one when there is none).
pub async fn count_active_admins(pool: &sqlx::AnyPool) -> Result<i64, DbError> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM people WHERE role = 'admin' AND active = 1").fetch_one(pool).await?)
}

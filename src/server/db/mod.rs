//! The database: one pool over SQLite or PostgreSQL (sqlx `Any`), migrations, and one
//! module per table group. SQL is written once with `$n` placeholders, which both accept.

pub mod cases;
pub mod embassies;
pub mod key_checks;
pub mod people;

use super::config::Backend;
use sqlx::{
    any::{AnyPoolOptions, AnyConnectOptions},
    migrate::Migrator,
    Any, AnyPool, Executor, Transaction,
};
use std::{str::FromStr, sync::Once, time::Duration};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

/// Pragmas every SQLite connection runs: write-ahead log, enforced foreign keys, waiting
/// instead of failing on a busy database, and overwriting deleted content.
/// `journal_size_limit = 0` truncates the log after each checkpoint, so deleted content does
/// not linger there. A 64 MiB page cache per connection keeps the random-keyed indexes of a
/// million cases in memory.
const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
    PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA secure_delete = ON; \
    PRAGMA journal_size_limit = 0; PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY;";

/// A database error with the driver's cause. `Debug` prints what `Display` prints: the
/// driver's own `Debug` can include a PostgreSQL DETAIL line quoting row values.
#[derive(thiserror::Error)]
pub enum DbError {
    #[error("database: {0}")]
    Sqlx(#[from] sqlx::Error),
    #[error("database migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database: {0}")]
    Crypto(#[from] super::crypto::CryptoError),
}

impl std::fmt::Debug for DbError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(self, f)
    }
}

impl From<DbError> for crate::api::AppError {
    #[track_caller]
    fn from(e: DbError) -> Self {
        crate::api::AppError::internal(e)
    }
}

/// A pool of connections plus the backend it talks to.
#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
}

/// A transaction on either backend.
pub type Tx = Transaction<'static, Any>;

impl Db {
    /// Connects; SQLite files are created when missing.
    pub async fn connect(url: &str, backend: Backend) -> Result<Self, DbError> {
        static DRIVERS: Once = Once::new();
        DRIVERS.call_once(sqlx::any::install_default_drivers);
        let options = AnyConnectOptions::from_str(url)?;
        let pool = match backend {
            // A local file cannot drop a connection: no ping before each use (each one is a
            // round trip to the connection's worker thread).
            Backend::Sqlite => AnyPoolOptions::new()
                .max_connections(8)
                .test_before_acquire(false)
                .acquire_timeout(Duration::from_secs(10))
                .after_connect(|conn, _meta| Box::pin(async move { conn.execute(SQLITE_PRAGMAS).await.map(|_| ()) })),
            Backend::Postgres => AnyPoolOptions::new().max_connections(16).acquire_timeout(Duration::from_secs(10)),
        }
        .connect_with(options)
        .await?;
        Ok(Self { pool, backend })
    }

    /// Applies the migrations this binary embeds.
    pub async fn migrate(&self) -> Result<(), DbError> {
        match self.backend {
            Backend::Sqlite => SQLITE_MIGRATIONS.run(&self.pool).await?,
            Backend::Postgres => POSTGRES_MIGRATIONS.run(&self.pool).await?,
        }
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Starts a write transaction. On SQLite it takes the write lock at once (`BEGIN
    /// IMMEDIATE`), so two writers queue instead of failing when the second upgrades.
    pub async fn begin(&self) -> Result<Tx, DbError> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    pub async fn ping(&self) -> Result<(), DbError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Moves the SQLite write-ahead log into the database file and empties it, so that
    /// content just deleted (overwritten there by `secure_delete`) leaves the log too.
    pub async fn flush_deleted(&self) -> Result<(), DbError> {
        if self.backend == Backend::Sqlite {
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&self.pool).await?;
        }
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Appends `count` groups of `width` placeholders, numbered from `first`: `($1, $2), ($3, $4)`.
pub(crate) fn push_value_groups(sql: &mut String, first: usize, count: usize, width: usize) {
    let mut n = first;
    for g in 0..count {
        sql.push_str(if g == 0 { "(" } else { ", (" });
        for c in 0..width {
            if c > 0 {
                sql.push_str(", ");
            }
            sql.push('$');
            sql.push_str(&n.to_string());
            n += 1;
        }
        sql.push(')');
    }
}

/// Current time as UTC seconds since the epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

#[cfg(test)]
mod tests {
    #[test]
    fn value_groups_are_numbered_in_order() {
        let mut sql = String::from("INSERT INTO t (a, b) VALUES ");
        super::push_value_groups(&mut sql, 1, 2, 2);
        assert_eq!(sql, "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)");
    }
}

//! The database: one pool over SQLite or PostgreSQL (sqlx `Any`), migrations, and one
//! module per table group. SQL is written once with `$n` placeholders, which both accept.

pub mod cases;
pub mod documents;
pub mod embassies;
pub mod key_checks;
pub mod people;
pub mod purge;
pub mod throttle;

use super::config::Backend;
use sqlx::{
    any::{AnyConnectOptions, AnyPoolOptions},
    migrate::Migrator,
    Any, AnyPool, Executor, Transaction,
};
use std::{str::FromStr, sync::Once, time::Duration};

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

/// SQLite connections in the pool.
const SQLITE_CONNECTIONS: u32 = 4;

/// Pragmas every SQLite connection runs: write-ahead log, enforced foreign keys, waiting
/// instead of failing on a busy database, and overwriting deleted content.
/// `journal_size_limit = 0` truncates the log after each checkpoint, so deleted content does
/// not linger there. The page cache, which the process's connections share (see
/// `with_shared_cache`), takes up to 256 MiB: the random-keyed indexes of a million cases.
const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
    PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; PRAGMA secure_delete = ON; \
    PRAGMA journal_size_limit = 0; PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY;";

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

impl From<sqlx::Error> for crate::api::AppError {
    #[track_caller]
    fn from(e: sqlx::Error) -> Self {
        DbError::from(e).into()
    }
}

/// The SQLite migrations this binary applies, for checking a backup before it is restored.
pub fn sqlite_migrations() -> &'static Migrator {
    &SQLITE_MIGRATIONS
}

/// A pool of connections plus the backend it talks to.
#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
}

/// A transaction on either backend.
pub type Tx = Transaction<'static, Any>;

/// A connection on either backend, for reads that need no transaction. A `Tx` or a pooled
/// connection passes as one.
pub type Conn = sqlx::AnyConnection;

impl Db {
    /// Connects; SQLite files are created when missing.
    pub async fn connect(url: &str, backend: Backend) -> Result<Self, DbError> {
        static DRIVERS: Once = Once::new();
        DRIVERS.call_once(sqlx::any::install_default_drivers);
        let url = match backend {
            Backend::Sqlite => with_shared_cache(url),
            Backend::Postgres => url.to_owned(),
        };
        let options = AnyConnectOptions::from_str(&url)?;
        let pool = match backend {
            // A local file cannot drop a connection: no ping before each use (each one is a
            // round trip to the connection's worker thread). A few connections: their work
            // takes turns on the shared cache anyway.
            Backend::Sqlite => AnyPoolOptions::new()
                .max_connections(SQLITE_CONNECTIONS)
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

    /// One connection from the pool, for a few statements in a row.
    pub async fn acquire(&self) -> Result<sqlx::pool::PoolConnection<Any>, DbError> {
        Ok(self.pool.acquire().await?)
    }

    /// Starts a write transaction. On SQLite it takes the write lock at once (`BEGIN
    /// IMMEDIATE`), so two writers queue instead of failing when the second upgrades.
    pub async fn begin(&self) -> Result<Tx, DbError> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    /// `begin` on a connection the caller holds.
    pub async fn begin_on<'c>(&self, conn: &'c mut Conn) -> Result<Transaction<'c, Any>, DbError> {
        use sqlx::Connection;
        Ok(match self.backend {
            Backend::Sqlite => conn.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => conn.begin().await?,
        })
    }

    pub async fn ping(&self) -> Result<(), DbError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Moves the SQLite write-ahead log into the database file and empties it, so that
    /// content just deleted (overwritten there by `secure_delete`) leaves the log too.
    ///
    /// On the shared cache a checkpoint is refused ("locked") while any connection of the
    /// process is inside a statement, which passes within moments, so it is tried again for
    /// up to five seconds. A reader elsewhere that still needs the log is waited for by the
    /// busy timeout; if it outlasts that, the next checkpoint empties the log.
    pub async fn flush_deleted(&self) -> Result<(), DbError> {
        if self.backend != Backend::Sqlite {
            return Ok(());
        }
        for _ in 0..500 {
            match sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&self.pool).await {
                Err(sqlx::Error::Database(e)) if matches!(e.code().as_deref(), Some("6" | "262")) => {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                }
                done => return done.map(|_| ()).map_err(DbError::from),
            }
        }
        tracing::warn!("the write-ahead log could not be emptied after a deletion; the next checkpoint will");
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// The SQLite URL with the connections of this process sharing one page cache
/// (`cache=shared`), unless the URL chooses otherwise.
///
/// Every view of a case or a list writes its audit row. In WAL mode each connection drops its
/// whole page cache when it sees another connection's write, so with private caches every
/// request would read its pages afresh. Shared, the cache stays warm. Shared-cache
/// connections lock tables rather than snapshots: a writer waits for the readers of a table
/// it changes, and they for it, so the desk never holds a read-only transaction across
/// statements on SQLite (reads run statement by statement on a `Conn`; every transaction
/// writes and begins `IMMEDIATE`, see `Db::begin`), which leaves no cycle to wait in.
fn with_shared_cache(url: &str) -> String {
    if url.contains("cache=") {
        url.to_owned()
    } else if url.contains('?') {
        format!("{url}&cache=shared")
    } else {
        format!("{url}?cache=shared")
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

/// `count` numbered placeholders from `$first`, comma-separated: the inside of an `IN (…)`
/// list, such as a bearer token's look-up tags (one per key of the keyring).
pub fn placeholder_list(first: usize, count: usize) -> String {
    (first..first + count).map(|n| format!("${n}")).collect::<Vec<_>>().join(", ")
}

/// A bearer token's look-up tags as arguments (see `Keyring::token_tags`).
pub fn tag_args(tags: Vec<Vec<u8>>) -> Vec<Arg> {
    tags.into_iter().map(Arg::Bytes).collect()
}

/// Current time as UTC seconds since the epoch.
pub fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

/// A bound value of a built query.
pub enum Arg {
    Text(String),
    Int(i64),
    Bytes(Vec<u8>),
}

/// Built arguments as one argument list, for `sqlx::query_with` or `sqlx::query_as_with`.
pub fn arguments(args: &[Arg]) -> sqlx::any::AnyArguments<'_> {
    use sqlx::Arguments;
    let mut list = sqlx::any::AnyArguments::default();
    for a in args {
        // Adding a text, an integer or bytes to `Any`'s list cannot fail.
        let _ = match a {
            Arg::Text(s) => list.add(s.as_str()),
            Arg::Int(i) => list.add(*i),
            Arg::Bytes(b) => list.add(b.as_slice()),
        };
    }
    list
}

#[cfg(test)]
mod tests {
    #[test]
    fn sqlite_connections_share_their_cache_unless_told_otherwise() {
        assert_eq!(super::with_shared_cache("sqlite://./d/desk.sqlite?mode=rwc"), "sqlite://./d/desk.sqlite?mode=rwc&cache=shared");
        assert_eq!(super::with_shared_cache("sqlite://./d/desk.sqlite"), "sqlite://./d/desk.sqlite?cache=shared");
        assert_eq!(super::with_shared_cache("sqlite://./d/desk.sqlite?cache=private"), "sqlite://./d/desk.sqlite?cache=private");
    }

    /// A fresh SQLite database migrated up to, not including, migration `version`.
    async fn migrated_before(version: i64) -> (tempfile::TempDir, super::Db) {
        use super::{Backend, Db, SQLITE_MIGRATIONS};
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}/desk.sqlite?mode=rwc", dir.path().display());
        let db = Db::connect(&url, Backend::Sqlite).await.unwrap();
        let before = sqlx::migrate::Migrator {
            migrations: SQLITE_MIGRATIONS.migrations.iter().filter(|m| m.version < version).cloned().collect(),
            ..sqlx::migrate::Migrator::DEFAULT
        };
        before.run(db.pool()).await.unwrap();
        (dir, db)
    }

    /// Migration 10 rebuilds the case keys and sealed fields without a rowid: every row
    /// written before it comes through unchanged, and deleting a case still shreds its rows.
    #[tokio::test]
    async fn sealed_rows_survive_their_tables_rebuilt_without_rowid() {
        use sqlx::Executor;
        let (_dir, db) = migrated_before(10).await;
        db.pool()
            .execute(
                "INSERT INTO embassies (id, code, country, name, created_at) VALUES ('e1', 'pl', 'PL', 'Poland', 1); \
                 INSERT INTO queues (id, embassy_id, slug, name, created_at) VALUES ('q1', 'e1', 'general', 'General', 1); \
                 INSERT INTO cases (id, reference, embassy_id, queue_id, categories, status, priority, language, created_at, updated_at) \
                   VALUES ('c1', 'R-1', 'e1', 'q1', 'legal', 'new', 2, 'be', 1, 1), ('c2', 'R-2', 'e1', 'q1', 'work', 'new', 2, 'ru', 2, 2); \
                 INSERT INTO case_keys (case_id, holder, wrapped, created_at) VALUES ('c1', 'server', x'0102', 1), ('c2', 'server', x'0304', 2); \
                 INSERT INTO case_fields (case_id, name, sealed) VALUES ('c1', 'requester_name', x'aa'), ('c1', 'story', x'bbcc'), ('c2', 'requester_name', x'dd');",
            )
            .await
            .unwrap();
        db.migrate().await.unwrap();
        for table in ["case_keys", "case_fields"] {
            let sql: String =
                sqlx::query_scalar("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = $1").bind(table).fetch_one(db.pool()).await.unwrap();
            assert!(sql.ends_with("WITHOUT ROWID"), "{table}: {sql}");
        }
        let keys: Vec<(String, String, Vec<u8>, i64)> =
            sqlx::query_as("SELECT case_id, holder, wrapped, created_at FROM case_keys ORDER BY case_id").fetch_all(db.pool()).await.unwrap();
        assert_eq!(keys, vec![("c1".into(), "server".into(), vec![1, 2], 1), ("c2".into(), "server".into(), vec![3, 4], 2)]);
        let fields: Vec<(String, String, Vec<u8>)> =
            sqlx::query_as("SELECT case_id, name, sealed FROM case_fields ORDER BY case_id, name").fetch_all(db.pool()).await.unwrap();
        assert_eq!(
            fields,
            vec![
                ("c1".into(), "requester_name".into(), vec![0xaa]),
                ("c1".into(), "story".into(), vec![0xbb, 0xcc]),
                ("c2".into(), "requester_name".into(), vec![0xdd])
            ]
        );
        // The foreign keys came along: a case's rows go with it, and none without a case.
        db.pool().execute("DELETE FROM cases WHERE id = 'c1'").await.unwrap();
        let left: Vec<(String,)> =
            sqlx::query_as("SELECT case_id FROM case_keys UNION ALL SELECT case_id FROM case_fields").fetch_all(db.pool()).await.unwrap();
        assert_eq!(left, vec![("c2".into(),), ("c2".into(),)]);
        assert!(db.pool().execute("INSERT INTO case_fields (case_id, name, sealed) VALUES ('nobody', 'story', x'00')").await.is_err());
    }

    /// Migration 11: sessions and unused invitations stored under a plain SHA-256 can no
    /// longer match and go; spent invitations stay; receipts keep their tag and lose the hash.
    #[tokio::test]
    async fn keyed_look_ups_end_old_sessions_and_unused_links_and_keep_receipts() {
        use sqlx::Executor;
        let (_dir, db) = migrated_before(11).await;
        db.pool()
            .execute(
                "INSERT INTO embassies (id, code, country, name, created_at) VALUES ('e1', 'pl', 'PL', 'Poland', 1); \
                 INSERT INTO queues (id, embassy_id, slug, name, created_at) VALUES ('q1', 'e1', 'general', 'General', 1); \
                 INSERT INTO cases (id, reference, embassy_id, queue_id, categories, status, priority, language, created_at, updated_at) \
                   VALUES ('c1', 'R-1', 'e1', 'q1', 'legal', 'new', 2, 'be', 1, 1); \
                 INSERT INTO people (id, login, password_hash, role, created_at, password_changed_at) VALUES ('p1', 'root', 'x', 'admin', 1, 1); \
                 INSERT INTO staff_sessions (token_hash, person_id, stage, created_at, last_seen_at) VALUES (x'01', 'p1', 'full', 1, 1); \
                 INSERT INTO requester_sessions (token_hash, case_id, created_at, last_seen_at) VALUES (x'02', 'c1', 1, 1); \
                 INSERT INTO invitations (token_hash, role, created_at, expires_at) VALUES (x'03', 'admin', 1, 9999999999); \
                 INSERT INTO invitations (token_hash, role, created_at, expires_at, used_at, person_id) VALUES (x'04', 'admin', 1, 2, 2, 'p1'); \
                 INSERT INTO receipts (case_id, key_id, lookup_tag, code_hash, created_at) VALUES ('c1', 1, x'aabb', '$argon2id$', 1);",
            )
            .await
            .unwrap();
        db.migrate().await.unwrap();
        let sessions: i64 =
            sqlx::query_scalar("SELECT (SELECT COUNT(*) FROM staff_sessions) + (SELECT COUNT(*) FROM requester_sessions)").fetch_one(db.pool()).await.unwrap();
        assert_eq!(sessions, 0, "sessions under a plain hash end");
        let invitations: Vec<(Vec<u8>, Option<String>)> = sqlx::query_as("SELECT token_hash, person_id FROM invitations").fetch_all(db.pool()).await.unwrap();
        assert_eq!(invitations, vec![(vec![4], Some("p1".to_owned()))], "only the spent invitation stays");
        let receipt: (String, i64, Vec<u8>, i64) = sqlx::query_as("SELECT * FROM receipts").fetch_one(db.pool()).await.unwrap();
        assert_eq!(receipt, ("c1".to_owned(), 1, vec![0xaa, 0xbb], 1), "the receipt keeps its tag and key id, and nothing else");
    }

    #[test]
    fn value_groups_are_numbered_in_order() {
        let mut sql = String::from("INSERT INTO t (a, b) VALUES ");
        super::push_value_groups(&mut sql, 1, 2, 2);
        assert_eq!(sql, "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)");
        assert_eq!(super::placeholder_list(3, 2), "$3, $4");
    }
}

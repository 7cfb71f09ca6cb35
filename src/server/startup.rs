//! Start-up: configuration to a ready [`AppState`] — data dir, key file, database,
//! migrations and the key check — and serving it.

use crate::domain::AuditAction;
use crate::server::{
    audit::{self, AuditEvent, Outcome},
    config::{Backend, Config, Environment},
    crypto::{KeyFileError, Keyring},
    db::{self, key_checks::KeyCheckError, Db, DbError},
    http, AppState,
};
use leptos::config::{Env, LeptosOptions};
use std::sync::Arc;
use tokio::net::TcpListener;

/// Why the server cannot start; each message is one line.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("data directory {path} could not be created: {source}")]
    DataDir { path: String, source: std::io::Error },
    #[error("database file {path} could not be created: {source}")]
    DatabaseFile { path: String, source: std::io::Error },
    #[error("{0}")]
    KeyFile(#[from] KeyFileError),
    #[error("{0}")]
    Db(#[from] DbError),
    #[error("{0}")]
    KeyCheck(#[from] KeyCheckError),
    #[error("cannot listen on {addr}: {source}")]
    Listen { addr: std::net::SocketAddr, source: std::io::Error },
}

/// What start-up did that the person running it should hear about.
#[derive(Debug, Default)]
pub struct StartupNotes {
    pub key_file_created: bool,
}

/// Opens the keyring: development creates a missing key file, production requires one.
pub fn open_keyring(config: &Config) -> Result<(Keyring, bool), StartupError> {
    Ok(match config.environment {
        Environment::Development => Keyring::load_or_create(&config.key_file)?,
        Environment::Production => (Keyring::load(&config.key_file)?, false),
    })
}

/// Creates the data dir (mode 0700) when the SQLite database lives there.
fn ensure_data_dir(config: &Config) -> Result<(), StartupError> {
    if config.backend == Backend::Sqlite && !config.data_dir.exists() {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(&config.data_dir).map_err(|source| StartupError::DataDir { path: config.data_dir.display().to_string(), source })?;
    }
    Ok(())
}

/// The file of a `sqlite:` URL (`sqlite://path?options`), unless it is in memory.
fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then(|| path.into())
}

/// Creates a missing SQLite file readable by its owner only; SQLite gives its WAL and
/// shared-memory files the same permissions.
fn ensure_private_sqlite_file(config: &Config) -> Result<(), StartupError> {
    let Some(path) = sqlite_file(&config.database_url).filter(|_| config.backend == Backend::Sqlite) else { return Ok(()) };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(&path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(source) => Err(StartupError::DatabaseFile { path: path.display().to_string(), source }),
    }
}

/// Connects and migrates the database.
pub async fn open_db(config: &Config) -> Result<Db, StartupError> {
    ensure_data_dir(config)?;
    ensure_private_sqlite_file(config)?;
    let db = Db::connect(&config.database_url, config.backend).await?;
    db.migrate().await?;
    Ok(db)
}

fn leptos_options(config: &Config) -> LeptosOptions {
    // `cargo leptos watch` runs debug builds and reloads pages; release builds do not.
    let env = match std::env::var("LEPTOS_ENV").as_deref() {
        Ok("PROD") => Env::PROD,
        Ok("DEV") => Env::DEV,
        _ if cfg!(debug_assertions) => Env::DEV,
        _ => Env::PROD,
    };
    LeptosOptions::builder()
        .output_name("embassy-desk")
        .site_root(config.site_root.to_string_lossy().into_owned())
        .site_pkg_dir("pkg")
        .hash_files(http::assets::hashed_build())
        .site_addr(config.listen)
        .env(env)
        .build()
}

/// Everything the server needs, ready to serve.
pub async fn prepare(config: Config) -> Result<(AppState, StartupNotes), StartupError> {
    ensure_data_dir(&config)?;
    let (keyring, key_file_created) = open_keyring(&config)?;
    let db = open_db(&config).await?;
    record_keys(&db, &keyring).await?;
    crate::server::team::ensure_default_desk(&db, &keyring).await?;
    let state = AppState {
        leptos_options: leptos_options(&config),
        config: Arc::new(config),
        db,
        keyring: Arc::new(keyring),
        chain: Default::default(),
        medians: Default::default(),
    };
    Ok((state, StartupNotes { key_file_created }))
}

/// Binds the listen address.
pub async fn bind(config: &Config) -> Result<TcpListener, StartupError> {
    TcpListener::bind(config.listen).await.map_err(|source| StartupError::Listen { addr: config.listen, source })
}

/// Serves until `shutdown` resolves, writing an audit checkpoint now and at every interval
/// in the background meanwhile.
pub async fn serve(state: AppState, listener: TcpListener, shutdown: impl std::future::Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
    let checkpoints = tokio::spawn(audit::checkpoint::keep_writing(
        state.db.clone(),
        Arc::clone(&state.keyring),
        state.config.audit_checkpoints.clone(),
        state.config.audit_checkpoint_every,
    ));
    let served = axum::serve(listener, http::router(state).into_make_service()).with_graceful_shutdown(shutdown).await;
    checkpoints.abort();
    served
}

/// Checks the keyring against the database and records keys it has not seen, each with an
/// audit row, in one transaction.
async fn record_keys(db: &Db, keyring: &Keyring) -> Result<(), StartupError> {
    let mut tx = db.begin().await?;
    for id in db::key_checks::verify_and_record(&mut tx, keyring).await? {
        let key = id.to_string();
        audit::append(&mut tx, keyring, &AuditEvent::new("system", AuditAction::KeyAdd, Some(&key), Outcome::Ok)).await?;
    }
    tx.commit().await.map_err(DbError::from)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn sqlite_file_is_read_from_the_url() {
        assert_eq!(super::sqlite_file("sqlite://./data/x.sqlite?mode=rwc"), Some("./data/x.sqlite".into()));
        assert_eq!(super::sqlite_file("sqlite:/var/lib/desk.db"), Some("/var/lib/desk.db".into()));
        assert_eq!(super::sqlite_file("sqlite::memory:"), None);
        assert_eq!(super::sqlite_file("postgres://db/desk"), None);
    }
}

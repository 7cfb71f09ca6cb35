//! Start-up: configuration to a ready [`AppState`] — data dir, key file, database,
//! migrations and the key check — and serving it.

use crate::server::{
    config::{Backend, Config, Environment},
    crypto::{KeyFileError, Keyring},
    db::{key_checks::KeyCheckError, Db, DbError},
    http, retention, AppState,
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
    #[error(
        "a key file is at {old}, inside the data directory (the old default place); nothing was moved: move it out with `mv {old} {new}` \
         (or set EMBASSY_DESK_KEY_FILE to where it is), and keep it apart from the data directory's backups"
    )]
    KeyFileInOldPlace { old: String, new: String },
    #[error("key file {path} is inside the data directory {data_dir}; production keeps it elsewhere (set EMBASSY_DESK_KEY_FILE), so that a copy of the data holds no key")]
    KeyFileInDataDir { path: String, data_dir: String },
    #[error("{0}")]
    Db(#[from] DbError),
    #[error("{0}")]
    KeyCheck(#[from] KeyCheckError),
    #[error("{0}")]
    Keys(#[from] crate::server::keys::KeyLifecycleError),
    #[error("cannot listen on {addr}: {source}")]
    Listen { addr: std::net::SocketAddr, source: std::io::Error },
}

/// What start-up did that the person running it should hear about.
#[derive(Debug, Default)]
pub struct StartupNotes {
    pub key_file_created: bool,
}

/// `path` made absolute with its existing part resolved (symbolic links, `..`), so that two
/// spellings of one place compare equal.
fn resolved(path: &std::path::Path) -> std::path::PathBuf {
    if let Ok(real) = path.canonicalize() {
        return real;
    }
    match (path.parent(), path.file_name()) {
        (Some(parent), Some(name)) if !parent.as_os_str().is_empty() => resolved(parent).join(name),
        _ => std::env::current_dir().map(|cwd| cwd.join(path)).unwrap_or_else(|_| path.to_owned()),
    }
}

/// Refuses a key file left in the data dir by an older default while another path is
/// configured (starting would make a new key and leave the old one beside the data), and,
/// in production, a key file inside the data dir.
pub fn check_key_file_place(config: &Config) -> Result<(), StartupError> {
    let key_file = resolved(&config.key_file);
    let data_dir = resolved(&config.data_dir);
    let old = data_dir.join("keyring");
    if old.exists() && key_file != old {
        return Err(StartupError::KeyFileInOldPlace { old: config.data_dir.join("keyring").display().to_string(), new: config.key_file.display().to_string() });
    }
    if key_file.starts_with(&data_dir) {
        if config.environment == Environment::Production {
            return Err(StartupError::KeyFileInDataDir { path: config.key_file.display().to_string(), data_dir: config.data_dir.display().to_string() });
        }
        tracing::info!("the key file is inside the data directory; production refuses this (set EMBASSY_DESK_KEY_FILE to a path outside it)");
    }
    Ok(())
}

/// Opens the keyring: development creates a missing key file, production requires one.
pub fn open_keyring(config: &Config) -> Result<(Keyring, bool), StartupError> {
    check_key_file_place(config)?;
    Ok(match config.environment {
        Environment::Development => Keyring::load_or_create(&config.key_file)?,
        Environment::Production => (Keyring::load(&config.key_file)?, false),
    })
}

/// Creates the data dir (mode 0700) when the SQLite database lives there.
pub(crate) fn ensure_data_dir(config: &Config) -> Result<(), StartupError> {
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
pub(crate) fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
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
    crate::server::keys::record_new_keys(&db, &keyring).await?;
    crate::server::team::ensure_default_desk(&db, &keyring).await?;
    let state = AppState {
        leptos_options: leptos_options(&config),
        config: Arc::new(config),
        db,
        keyring: Arc::new(keyring),
        chain: Default::default(),
        medians: Default::default(),
        intake_store: Arc::new(crate::server::intake::store_bound()),
    };
    Ok((state, StartupNotes { key_file_created }))
}

/// Binds the listen address.
pub async fn bind(config: &Config) -> Result<TcpListener, StartupError> {
    TcpListener::bind(config.listen).await.map_err(|source| StartupError::Listen { addr: config.listen, source })
}

/// Serves until `shutdown` resolves, with the server's background tasks: the master keys'
/// schedule, pruning ended attempt counts and abandoned staged documents, purging closed cases past their retention at every
/// purge interval, the e-mail sender's passes, and an audit checkpoint now and at every checkpoint interval.
pub async fn serve(state: AppState, listener: TcpListener, shutdown: impl std::future::Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
    let config = &state.config;
    let tasks = [
        crate::server::keys::spawn_tasks(&state),
        tokio::spawn(crate::server::db::throttle::keep_pruned(state.db.clone())),
        tokio::spawn(crate::server::documents::keep_staged_pruned(state.db.clone())),
        tokio::spawn(retention::run_every(state.db.clone(), state.keyring.clone(), config.retention_days, config.purge_interval)),
        tokio::spawn(crate::server::notify::send::run_every(state.db.clone(), Arc::clone(&state.keyring), config.mail.clone(), config.public_url.clone())),
        tokio::spawn(crate::server::audit::checkpoint::keep_writing(
            state.db.clone(),
            Arc::clone(&state.keyring),
            config.audit_checkpoints.clone(),
            config.audit_checkpoint_every,
        )),
    ];
    let limits = config.connections;
    let served = http::serve::serve(listener, http::router(state), limits, shutdown).await;
    for task in tasks {
        task.abort();
    }
    served
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

//! Start-up: configuration to a ready [`AppState`] — data dir, key file, database,
//! migrations and the key check — and serving it.

use super::{
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
        builder
            .create(&config.data_dir)
            .map_err(|source| StartupError::DataDir { path: config.data_dir.display().to_string(), source })?;
    }
    Ok(())
}

/// Connects and migrates the database.
pub async fn open_db(config: &Config) -> Result<Db, StartupError> {
    ensure_data_dir(config)?;
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
        .site_addr(config.listen)
        .env(env)
        .build()
}

/// Everything the server needs, ready to serve.
pub async fn prepare(config: Config) -> Result<(AppState, StartupNotes), StartupError> {
    ensure_data_dir(&config)?;
    let (keyring, key_file_created) = open_keyring(&config)?;
    let db = open_db(&config).await?;
    db::key_checks::verify_and_record(&db, &keyring).await?;
    let state = AppState { leptos_options: leptos_options(&config), config: Arc::new(config), db, keyring: Arc::new(keyring) };
    Ok((state, StartupNotes { key_file_created }))
}

/// Binds the listen address.
pub async fn bind(config: &Config) -> Result<TcpListener, StartupError> {
    TcpListener::bind(config.listen).await.map_err(|source| StartupError::Listen { addr: config.listen, source })
}

/// Serves until `shutdown` resolves.
pub async fn serve(state: AppState, listener: TcpListener, shutdown: impl std::future::Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
    axum::serve(listener, http::router(state).into_make_service()).with_graceful_shutdown(shutdown).await
}

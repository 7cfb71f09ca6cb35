//! Spawns the real app for a test (fresh temp dir, fresh database, port 0, logs captured)
//! as a `TestApp` whose methods are the flows the tests go through: `page` the requests,
//! `requester` the intake form and follow-up, `desk` the desk's pages and forms, `world`
//! the people, embassies and cases a test starts from.

mod cases;
mod desk;
mod page;
mod requester;
mod smtp;
mod uploads;
mod world;

pub use cases::{list_cases, open_case, read_fields};
pub use page::{html_unescape, Page};
pub use requester::{valid_form, with};
pub use smtp::{free_port, Mail, SmtpServer};
pub use uploads::{fixture, multipart_body, Upload};
pub use world::{now, SignedIn, World, PASSWORD};

use embassy_desk::server::{config::Config, startup, AppState};
use std::{
    collections::HashMap,
    io::Write,
    net::SocketAddr,
    path::PathBuf,
    sync::{Mutex, OnceLock},
};

/// Which database a test runs against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Everything the app logged during this test run, from every test in the binary. The test
/// client (reqwest) logs at info only: its debug lines name the address it connects to.
static LOGS: Mutex<Vec<u8>> = Mutex::new(Vec::new());

struct Capture;
impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        LOGS.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn init_logs() {
    static ONCE: OnceLock<()> = OnceLock::new();
    ONCE.get_or_init(|| embassy_desk::server::telemetry::init("debug,hyper=info,h2=info,reqwest=info,hyper_util=info", false, || Capture).unwrap());
}

pub fn captured_logs() -> Vec<u8> {
    LOGS.lock().unwrap().clone()
}

/// The captured logs as text.
pub fn captured_log_text() -> String {
    String::from_utf8_lossy(&captured_logs()).into_owned()
}

/// PostgreSQL server the tests create databases on.
pub fn postgres_admin_url() -> String {
    std::env::var("EMBASSY_DESK_TEST_POSTGRES").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// Creates a fresh PostgreSQL database. `None` (with a loud note) when no server answers
/// locally; in CI (`CI` set) a missing server fails the test.
pub async fn fresh_postgres_database() -> Option<(String, String)> {
    use sqlx::Connection;
    let admin = postgres_admin_url();
    let mut conn = match sqlx::PgConnection::connect(&admin).await {
        Ok(c) => c,
        Err(e) => {
            if std::env::var_os("CI").is_some() {
                panic!("PostgreSQL is required in CI but {admin} does not answer: {e}");
            }
            eprintln!("SKIPPED: PostgreSQL test — no server at {admin} ({e}); set EMBASSY_DESK_TEST_POSTGRES");
            return None;
        }
    };
    let name = format!("embassy_desk_test_{}", uuid::Uuid::new_v4().simple());
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await.expect("create test database");
    let (base, _) = admin.rsplit_once('/').expect("admin URL has a database path");
    Some((format!("{base}/{name}"), name))
}

pub fn drop_postgres_database(name: String) {
    // Drop runs outside any runtime; a small one removes the database.
    let _ = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            use sqlx::Connection;
            if let Ok(mut conn) = sqlx::PgConnection::connect(&postgres_admin_url()).await {
                let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut conn).await;
            }
        });
    })
    .join();
}

pub struct TestApp {
    pub base: String,
    pub addr: SocketAddr,
    pub state: AppState,
    pub dir: tempfile::TempDir,
    pub client: reqwest::Client,
    pg_database: Option<String>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    server_runtime: Option<tokio::runtime::Runtime>,
}

impl TestApp {
    pub fn sqlite_path(&self) -> PathBuf {
        self.dir.path().join("embassy-desk.sqlite")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub fn vars(&self) -> HashMap<String, String> {
        base_vars(self.dir.path(), &self.state.config.database_url, self.addr)
    }

    /// The audit chain's verdict: `Ok` when every row verifies, else where it breaks.
    pub async fn audit_chain(&self) -> Result<(), String> {
        embassy_desk::server::audit::verify(&self.state.db, &self.state.keyring).await.unwrap().map(|_| ()).map_err(|e| format!("{e:?}"))
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(rt) = self.server_runtime.take() {
            rt.shutdown_background();
        }
        if let Some(name) = self.pg_database.take() {
            drop_postgres_database(name);
        }
    }
}

pub fn base_vars(dir: &std::path::Path, database_url: &str, addr: SocketAddr) -> HashMap<String, String> {
    HashMap::from([
        ("EMBASSY_DESK_DATA_DIR".into(), dir.display().to_string()),
        // Inside the data dir, which development allows (with a warning) and production refuses.
        ("EMBASSY_DESK_KEY_FILE".into(), dir.join("keyring").display().to_string()),
        // Test servers rotate no keys on their own; tests drive the schedule themselves.
        ("EMBASSY_DESK_ROTATE_DAYS".into(), "0".into()),
        ("EMBASSY_DESK_RETIRE_AFTER_DAYS".into(), "0".into()),
        ("DATABASE_URL".into(), database_url.to_owned()),
        ("EMBASSY_DESK_LISTEN".into(), addr.to_string()),
        ("EMBASSY_DESK_PUBLIC_URL".into(), format!("http://{addr}")),
        ("EMBASSY_DESK_SITE_ROOT".into(), concat!(env!("CARGO_MANIFEST_DIR"), "/public").into()),
        ("EMBASSY_DESK_MAX_BODY_BYTES".into(), "65536".into()),
    ])
}

/// Starts the app on `backend`; `None` only when PostgreSQL is absent outside CI.
pub async fn spawn_app(backend: Backend) -> Option<TestApp> {
    spawn_app_with(backend, &[]).await
}

/// Starts the app on `backend` with settings of its own (`(variable, value)`) over the
/// tests' usual ones.
pub async fn spawn_app_with(backend: Backend, settings: &[(&str, &str)]) -> Option<TestApp> {
    init_logs();
    let dir = tempfile::tempdir().unwrap();
    let (database_url, pg_database) = match backend {
        Backend::Sqlite => (format!("sqlite://{}?mode=rwc", dir.path().join("embassy-desk.sqlite").display()), None),
        Backend::Postgres => {
            let (url, name) = fresh_postgres_database().await?;
            (url, Some(name))
        }
    };
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let addr = listener.local_addr().unwrap();
    let mut vars = base_vars(dir.path(), &database_url, addr);
    vars.extend(settings.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let config = Config::from_lookup(|k| vars.get(k).cloned()).unwrap();
    // The server runs on a runtime of its own, built like the binary's (large stacks).
    let server_runtime = embassy_desk::server::runtime_builder().worker_threads(2).build().unwrap();
    let (shutdown, stopped) = tokio::sync::oneshot::channel();
    let handle = server_runtime.handle().clone();
    let state = tokio::task::spawn_blocking(move || {
        handle.block_on(async move {
            let (state, _) = startup::prepare(config).await.expect("app starts");
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            tokio::spawn(startup::serve(state.clone(), listener, async {
                let _ = stopped.await;
            }));
            state
        })
    })
    .await
    .unwrap();
    // No idle connections: a response such as 413 may close the connection it came on.
    // A request that never finishes fails its test (named) instead of hanging the whole run.
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .pool_max_idle_per_host(0)
        .timeout(std::time::Duration::from_secs(120))
        .build()
        .unwrap();
    Some(TestApp { base: format!("http://{addr}"), addr, state, dir, client, pg_database, shutdown: Some(shutdown), server_runtime: Some(server_runtime) })
}

/// Runs one check against both backends, as two tests named `sqlite` and `postgres`.
#[macro_export]
macro_rules! on_both_backends {
    ($($check:ident),* $(,)?) => {$(
        mod $check {
            use $crate::helpers::{spawn_app, Backend};
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$check(spawn_app(Backend::Sqlite).await.expect("SQLite always runs")).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                if let Some(app) = spawn_app(Backend::Postgres).await {
                    super::$check(app).await;
                }
            }
        }
    )*};
}

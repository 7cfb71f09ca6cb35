//! Configuration from environment variables, each with a documented default.

use std::{net::SocketAddr, path::PathBuf};

/// Development creates what is missing (data dir, key file); production refuses to start
/// without a key file and expects an https public URL (or a .onion address).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Environment {
    Development,
    Production,
}

/// Which database the URL points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The server's settings. The database URL may hold a password, so `Debug` hides it.
#[derive(Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub database_url: String,
    pub backend: Backend,
    pub data_dir: PathBuf,
    pub key_file: PathBuf,
    pub log_filter: String,
    pub public_url: String,
    pub retention_days: u32,
    /// Days the active master key serves before the server adds a new one; 0 = never.
    pub rotate_days: u32,
    /// Days after a rotation's re-wrap ends before older keys are retired; 0 = never.
    pub retire_after_days: u32,
    /// The server purges closed cases past their retention at every multiple of this since
    /// the Unix epoch (a day: at midnight UTC).
    pub purge_interval: std::time::Duration,
    pub environment: Environment,
    pub site_root: PathBuf,
    pub max_body_bytes: usize,
    /// The file the audit checkpoints are appended to.
    pub audit_checkpoints: PathBuf,
    /// How often the server writes an audit checkpoint.
    pub audit_checkpoint_every: std::time::Duration,
    /// The limits every connection and request is held to (see `http::serve`).
    pub connections: ConnectionLimits,
    /// How many documents a post, and how many bytes a file and a case, may carry.
    pub documents: crate::server::documents::Limits,
    /// Notifications by e-mail: the SMTP server, the sender, and the sender's schedule.
    pub mail: MailConfig,
}

/// How long a client may take and how many may be served at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// From the moment a connection waits for a request until its headers have all arrived
    /// (a slow or idle client is dropped after this).
    pub header_read: std::time::Duration,
    /// From a request's headers to its whole answer, body reading included (408 after it).
    pub request: std::time::Duration,
    /// Connections served at once; further ones wait in the listen backlog.
    pub max_connections: usize,
}

/// Where and how the desk sends e-mail. Without an SMTP URL it sends none.
#[derive(Clone)]
pub struct MailConfig {
    /// `smtp://` (STARTTLS where the server offers it; `?tls=required` to insist),
    /// `smtps://` (TLS from the start); may hold a user and password, so it is never printed.
    pub smtp_url: Option<String>,
    /// The `From:` of every e-mail.
    pub from: String,
    /// Seconds between the sender's passes (what is due is sent at the next one).
    pub interval: std::time::Duration,
    /// The wait after a first failed attempt; each further failure doubles it, up to an hour.
    pub retry: std::time::Duration,
    /// The hour of the day (in the person's embassy's time zone) the daily digest is sent.
    pub digest_hour: u8,
}

impl std::fmt::Debug for MailConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailConfig").field("smtp", &self.smtp_url.is_some()).field("interval", &self.interval).finish_non_exhaustive()
    }
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("listen", &self.listen)
            .field("backend", &self.backend)
            .field("data_dir", &self.data_dir)
            .field("key_file", &self.key_file)
            .field("audit_checkpoints", &self.audit_checkpoints)
            .field("public_url", &self.public_url)
            .field("environment", &self.environment)
            .finish_non_exhaustive()
    }
}

/// One line naming the variable and what is wrong with it.
#[derive(Debug, thiserror::Error)]
#[error("configuration: {name} {problem}")]
pub struct ConfigError {
    pub name: &'static str,
    pub problem: String,
}

fn bad(name: &'static str, problem: impl Into<String>) -> ConfigError {
    ConfigError { name, problem: problem.into() }
}

/// Every variable the server reads, with its default, for `--help` and the README.
pub const VARIABLES: &[(&str, &str, &str)] = &[
    ("EMBASSY_DESK_LISTEN", "127.0.0.1:3000", "address and port to listen on"),
    ("DATABASE_URL", "sqlite://<data dir>/embassy-desk.sqlite", "SQLite file, or postgres://user:pass@host/db"),
    ("EMBASSY_DESK_DATA_DIR", "./data", "directory for the SQLite database, the setup link and the audit checkpoints"),
    (
        "EMBASSY_DESK_KEY_FILE",
        "$CREDENTIALS_DIRECTORY/keyring, else ~/.config/embassy-desk/keyring",
        "key file holding the master keys; kept outside the data dir (production refuses one inside it)",
    ),
    ("EMBASSY_DESK_LOG", "info", "log filter (tracing EnvFilter syntax)"),
    ("EMBASSY_DESK_PUBLIC_URL", "http://<listen address>", "address people use to reach the desk (links, CSRF origin, the host passkeys are bound to)"),
    ("EMBASSY_DESK_ROTATE_DAYS", "30", "days before the server adds a new master key and re-wraps under it; 0 = only `keygen rotate`"),
    (
        "EMBASSY_DESK_RETIRE_AFTER_DAYS",
        "7",
        "days after a rotation before older keys are retired (backups older than that become unreadable); 0 = only `keygen retire`",
    ),
    ("EMBASSY_DESK_RETENTION_DAYS", "365", "days a closed case is kept before it is purged (an admin may set other days per embassy)"),
    ("EMBASSY_DESK_PURGE_INTERVAL_SECS", "86400", "seconds between purges of closed cases past their retention (runs at multiples of it since 1970, UTC)"),
    ("EMBASSY_DESK_ENV", "development", "development or production"),
    ("EMBASSY_DESK_SITE_ROOT", "target/site", "built static assets (WASM, JS, CSS); the build's hash.txt stays beside the binary"),
    ("EMBASSY_DESK_MAX_BODY_BYTES", "2097152", "largest request body accepted"),
    ("EMBASSY_DESK_AUDIT_CHECKPOINTS", "<data dir>/audit-checkpoints", "file the audit checkpoints are appended to (keep copies elsewhere too)"),
    ("EMBASSY_DESK_AUDIT_CHECKPOINT_SECS", "3600", "seconds between the server's audit checkpoints"),
    ("EMBASSY_DESK_HEADER_TIMEOUT_SECS", "10", "seconds a connection may take to send a request's headers (slow and idle clients are dropped)"),
    ("EMBASSY_DESK_REQUEST_TIMEOUT_SECS", "60", "seconds a request may take, reading its body included, before it is answered 408"),
    ("EMBASSY_DESK_MAX_CONNECTIONS", "256", "connections served at once; more wait in the listen backlog"),
    ("EMBASSY_DESK_DOCUMENTS_PER_POST", "10", "files one form may send"),
    ("EMBASSY_DESK_DOCUMENT_MB", "20", "largest file taken, in MiB"),
    ("EMBASSY_DESK_CASE_DOCUMENTS_MB", "100", "documents one case may hold in all, in MiB"),
    ("EMBASSY_DESK_MIN_FREE_DISK_MB", "1024", "documents are refused while the data dir's disk has less free than this, in MiB"),
    (
        "EMBASSY_DESK_SMTP_URL",
        "(none: no e-mail is sent)",
        "SMTP server for notifications: smtp://user:pass@host:587 (STARTTLS; add ?tls=required to insist) or smtps://user:pass@host:465 (TLS)",
    ),
    ("EMBASSY_DESK_SMTP_FROM", "embassy-desk@<public host>", "sender address of the desk's e-mails"),
    ("EMBASSY_DESK_NOTIFY_SECS", "30", "seconds between the passes of the e-mail sender"),
    ("EMBASSY_DESK_NOTIFY_RETRY_SECS", "60", "wait after a failed e-mail before trying again; doubled after each failure, up to an hour"),
    ("EMBASSY_DESK_DIGEST_HOUR", "8", "hour of the day the daily digest is sent, in the person's embassy's time zone (admins: UTC)"),
];

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads settings through `lookup` (the environment, or a map in tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());

        let listen: SocketAddr = match get("EMBASSY_DESK_LISTEN") {
            Some(v) => v.trim().parse().map_err(|_| bad("EMBASSY_DESK_LISTEN", format!("must be an address like 127.0.0.1:3000, got {v:?}")))?,
            None => "127.0.0.1:3000".parse().expect("valid default address"),
        };
        let environment = match get("EMBASSY_DESK_ENV").as_deref().map(str::trim) {
            None | Some("development") => Environment::Development,
            Some("production") => Environment::Production,
            Some(other) => return Err(bad("EMBASSY_DESK_ENV", format!("must be development or production, got {other:?}"))),
        };
        let data_dir = PathBuf::from(get("EMBASSY_DESK_DATA_DIR").unwrap_or_else(|| "./data".into()));
        let key_file = match get("EMBASSY_DESK_KEY_FILE") {
            Some(path) => PathBuf::from(path),
            None => default_key_file(&get).ok_or_else(|| {
                bad("EMBASSY_DESK_KEY_FILE", "has no default here (neither CREDENTIALS_DIRECTORY nor HOME is set); set it to a path outside the data dir")
            })?,
        };
        let database_url = get("DATABASE_URL").unwrap_or_else(|| format!("sqlite://{}?mode=rwc", data_dir.join("embassy-desk.sqlite").display()));
        let backend = if database_url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if database_url.starts_with("postgres://") || database_url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            // Only the scheme is echoed: the rest of a URL may hold a password.
            let scheme = database_url.split_once(':').map_or("(none)", |(scheme, _)| scheme);
            return Err(bad("DATABASE_URL", format!("must start with sqlite: or postgres://, got scheme {scheme:?}")));
        };
        let public_url = get("EMBASSY_DESK_PUBLIC_URL").unwrap_or_else(|| format!("http://{listen}"));
        let public_url = public_url.trim().trim_end_matches('/').to_owned();
        let host = public_url
            .strip_prefix("https://")
            .or_else(|| public_url.strip_prefix("http://"))
            .map(|rest| rest.split(['/', '?', '#']).next().unwrap_or_default())
            .filter(|h| !h.is_empty() && !h.contains('@'))
            // Not echoed: a URL with user:password@ would put the password on the screen.
            .ok_or_else(|| bad("EMBASSY_DESK_PUBLIC_URL", "must be an http:// or https:// URL without user or password"))?;
        if environment == Environment::Production && public_url.starts_with("http://") && !is_local_or_onion(host) {
            return Err(bad("EMBASSY_DESK_PUBLIC_URL", "must use https:// in production (http is accepted only for .onion and localhost)"));
        }
        let retention_days = match get("EMBASSY_DESK_RETENTION_DAYS") {
            Some(v) => v
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|d| crate::domain::RETENTION_DAYS.contains(&i64::from(*d)))
                .ok_or_else(|| bad("EMBASSY_DESK_RETENTION_DAYS", format!("must be a whole number of days from 1 to 3650, got {v:?}")))?,
            None => 365,
        };
        let days = |name: &'static str, default: u32| match get(name) {
            Some(v) => v
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|d| *d <= 3650)
                .ok_or_else(|| bad(name, format!("must be a whole number of days from 0 to 3650, got {v:?}"))),
            None => Ok(default),
        };
        let rotate_days = days("EMBASSY_DESK_ROTATE_DAYS", 30)?;
        let retire_after_days = days("EMBASSY_DESK_RETIRE_AFTER_DAYS", 7)?;
        let purge_interval = match get("EMBASSY_DESK_PURGE_INTERVAL_SECS") {
            Some(v) => v
                .trim()
                .parse::<u64>()
                .ok()
                .filter(|s| (1..=7 * 86_400).contains(s))
                .map(std::time::Duration::from_secs)
                .ok_or_else(|| bad("EMBASSY_DESK_PURGE_INTERVAL_SECS", format!("must be a whole number of seconds from 1 to 604800, got {v:?}")))?,
            None => std::time::Duration::from_secs(86_400),
        };
        let max_body_bytes = match get("EMBASSY_DESK_MAX_BODY_BYTES") {
            Some(v) => v
                .trim()
                .parse::<usize>()
                .ok()
                .filter(|b| (1024..=1 << 30).contains(b))
                .ok_or_else(|| bad("EMBASSY_DESK_MAX_BODY_BYTES", format!("must be a number of bytes from 1024 to 1073741824, got {v:?}")))?,
            None => 2 * 1024 * 1024,
        };
        let audit_checkpoints = get("EMBASSY_DESK_AUDIT_CHECKPOINTS").map(PathBuf::from).unwrap_or_else(|| data_dir.join("audit-checkpoints"));
        let audit_checkpoint_secs = match get("EMBASSY_DESK_AUDIT_CHECKPOINT_SECS") {
            Some(v) => v
                .trim()
                .parse::<u64>()
                .ok()
                .filter(|s| (1..=86_400).contains(s))
                .ok_or_else(|| bad("EMBASSY_DESK_AUDIT_CHECKPOINT_SECS", format!("must be a number of seconds from 1 to 86400, got {v:?}")))?,
            None => 3600,
        };
        let whole = |name: &'static str, default: u64, range: std::ops::RangeInclusive<u64>| match get(name) {
            Some(v) => v
                .trim()
                .parse::<u64>()
                .ok()
                .filter(|n| range.contains(n))
                .ok_or_else(|| bad(name, format!("must be a whole number from {} to {}, got {v:?}", range.start(), range.end()))),
            None => Ok(default),
        };
        let connections = ConnectionLimits {
            header_read: std::time::Duration::from_secs(whole("EMBASSY_DESK_HEADER_TIMEOUT_SECS", 10, 1..=600)?),
            request: std::time::Duration::from_secs(whole("EMBASSY_DESK_REQUEST_TIMEOUT_SECS", 60, 1..=3600)?),
            max_connections: usize::try_from(whole("EMBASSY_DESK_MAX_CONNECTIONS", 256, 1..=65_536)?).unwrap_or(256),
        };
        let documents = crate::server::documents::Limits {
            files_per_post: usize::try_from(whole("EMBASSY_DESK_DOCUMENTS_PER_POST", 10, 1..=100)?).unwrap_or(10),
            bytes_per_file: whole("EMBASSY_DESK_DOCUMENT_MB", 20, 1..=1024)? * crate::server::documents::MB,
            bytes_per_case: whole("EMBASSY_DESK_CASE_DOCUMENTS_MB", 100, 1..=100 * 1024)? * crate::server::documents::MB,
            min_free_disk: whole("EMBASSY_DESK_MIN_FREE_DISK_MB", 1024, 0..=1024 * 1024)? * crate::server::documents::MB,
        };
        let smtp_url = get("EMBASSY_DESK_SMTP_URL").map(|u| u.trim().to_owned());
        if let Some(url) = &smtp_url {
            let scheme = url.split_once("://").map(|(scheme, _)| scheme);
            if !matches!(scheme, Some("smtp" | "smtps")) {
                // Only the scheme is echoed: the rest may hold a password.
                return Err(bad("EMBASSY_DESK_SMTP_URL", format!("must start with smtp:// or smtps://, got scheme {:?}", scheme.unwrap_or("(none)"))));
            }
            let host = url.split_once("://").map(|(_, rest)| rest.rsplit_once('@').map_or(rest, |(_, host)| host)).unwrap_or_default();
            let host = host.split(['/', '?', ':']).next().unwrap_or_default();
            let encrypted = url.starts_with("smtps://") || url.contains("tls=required");
            if environment == Environment::Production && !encrypted && !is_local_or_onion(host) {
                return Err(bad(
                    "EMBASSY_DESK_SMTP_URL",
                    "must use TLS in production: smtps://, or smtp:// with ?tls=required (plain SMTP is accepted only to localhost)",
                ));
            }
        }
        let from =
            get("EMBASSY_DESK_SMTP_FROM").map(|f| f.trim().to_owned()).unwrap_or_else(|| format!("embassy-desk@{}", host.split(':').next().unwrap_or(host)));
        if !from.contains('@') || from.chars().any(char::is_whitespace) && !from.contains('<') {
            return Err(bad("EMBASSY_DESK_SMTP_FROM", format!("must be an e-mail address (or Name <address>), got {from:?}")));
        }
        let mail = MailConfig {
            smtp_url,
            from,
            interval: std::time::Duration::from_secs(whole("EMBASSY_DESK_NOTIFY_SECS", 30, 1..=3600)?),
            retry: std::time::Duration::from_secs(whole("EMBASSY_DESK_NOTIFY_RETRY_SECS", 60, 1..=3600)?),
            digest_hour: u8::try_from(whole("EMBASSY_DESK_DIGEST_HOUR", 8, 0..=23)?).unwrap_or(8),
        };
        Ok(Self {
            mail,
            connections,
            documents,
            listen,
            database_url,
            backend,
            data_dir,
            key_file,
            log_filter: get("EMBASSY_DESK_LOG").unwrap_or_else(|| "info".into()),
            public_url,
            retention_days,
            rotate_days,
            retire_after_days,
            purge_interval,
            environment,
            site_root: PathBuf::from(get("EMBASSY_DESK_SITE_ROOT").unwrap_or_else(|| "target/site".into())),
            max_body_bytes,
            audit_checkpoints,
            audit_checkpoint_every: std::time::Duration::from_secs(audit_checkpoint_secs),
        })
    }

    /// The origin (`scheme://host[:port]`) that same-site requests carry.
    pub fn public_origin(&self) -> &str {
        let after_scheme = self.public_url.find("://").map_or(0, |i| i + 3);
        match self.public_url[after_scheme..].find('/') {
            Some(i) => &self.public_url[..after_scheme + i],
            None => &self.public_url,
        }
    }
}

/// Where the key file is when `EMBASSY_DESK_KEY_FILE` is not set: the credential a systemd
/// unit passes in (`LoadCredential=keyring:…`), else the user's configuration directory —
/// never the data dir, so that a copy of the data dir holds no key.
fn default_key_file(get: &impl Fn(&str) -> Option<String>) -> Option<PathBuf> {
    if let Some(dir) = get("CREDENTIALS_DIRECTORY") {
        return Some(PathBuf::from(dir).join("keyring"));
    }
    let config_home = get("XDG_CONFIG_HOME").map(PathBuf::from).or_else(|| get("HOME").map(|home| PathBuf::from(home).join(".config")))?;
    Some(config_home.join("embassy-desk").join("keyring"))
}

fn is_local_or_onion(host_port: &str) -> bool {
    let host = host_port.rsplit_once(':').map_or(host_port, |(h, _)| h);
    host.ends_with(".onion") || matches!(host, "localhost" | "127.0.0.1" | "[::1]")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let mut map: HashMap<String, String> = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        map.entry("HOME".into()).or_insert_with(|| "/home/desk".into());
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_serve_sqlite_under_data() {
        let c = config(&[("HOME", "/home/desk")]).unwrap();
        assert_eq!(c.listen.to_string(), "127.0.0.1:3000");
        assert_eq!(c.backend, Backend::Sqlite);
        assert_eq!(c.database_url, "sqlite://./data/embassy-desk.sqlite?mode=rwc");
        assert_eq!(c.key_file, PathBuf::from("/home/desk/.config/embassy-desk/keyring"));
        assert_eq!(c.public_origin(), "http://127.0.0.1:3000");
        assert_eq!(c.retention_days, 365);
        assert_eq!((c.rotate_days, c.retire_after_days), (30, 7));
        assert_eq!(c.audit_checkpoints, PathBuf::from("./data/audit-checkpoints"));
        assert_eq!(c.audit_checkpoint_every, std::time::Duration::from_secs(3600));
    }

    #[test]
    fn the_key_file_defaults_to_a_place_outside_the_data_dir() {
        let c = config(&[("HOME", "/home/desk"), ("XDG_CONFIG_HOME", "/etc/xdg-desk")]).unwrap();
        assert_eq!(c.key_file, PathBuf::from("/etc/xdg-desk/embassy-desk/keyring"));
        let c = config(&[("HOME", "/home/desk"), ("CREDENTIALS_DIRECTORY", "/run/credentials/embassy-desk.service")]).unwrap();
        assert_eq!(c.key_file, PathBuf::from("/run/credentials/embassy-desk.service/keyring"), "systemd credentials come first");
        let c = config(&[("EMBASSY_DESK_KEY_FILE", "/srv/keys/desk"), ("CREDENTIALS_DIRECTORY", "/run/credentials/x")]).unwrap();
        assert_eq!(c.key_file, PathBuf::from("/srv/keys/desk"), "an explicit path wins");
        let err = Config::from_lookup(|_| None).unwrap_err().to_string();
        assert!(err.contains("EMBASSY_DESK_KEY_FILE") && !err.contains('\n'), "{err}");
        assert_eq!(c.purge_interval, std::time::Duration::from_secs(86_400));
        let c = config(&[("EMBASSY_DESK_PURGE_INTERVAL_SECS", "2")]).unwrap();
        assert_eq!(c.purge_interval, std::time::Duration::from_secs(2));
    }

    #[test]
    fn postgres_url_switches_backend() {
        let c = config(&[("HOME", "/h"), ("DATABASE_URL", "postgres://u:secret@db/desk")]).unwrap();
        assert_eq!(c.backend, Backend::Postgres);
        assert!(!format!("{c:?}").contains("secret"));
    }

    #[test]
    fn every_variable_is_listed_once() {
        let mut names: Vec<&str> = VARIABLES.iter().map(|(name, _, _)| *name).collect();
        names.sort_unstable();
        let count = names.len();
        names.dedup();
        assert_eq!(names.len(), count, "a variable is listed twice");
    }

    #[test]
    fn bad_values_name_the_variable_in_one_line() {
        for (vars, name) in [
            (vec![("EMBASSY_DESK_LISTEN", "nowhere")], "EMBASSY_DESK_LISTEN"),
            (vec![("DATABASE_URL", "mysql://root:hunter2@x/db")], "DATABASE_URL"),
            (vec![("EMBASSY_DESK_RETENTION_DAYS", "-3")], "EMBASSY_DESK_RETENTION_DAYS"),
            (vec![("EMBASSY_DESK_RETENTION_DAYS", "0")], "EMBASSY_DESK_RETENTION_DAYS"),
            (vec![("EMBASSY_DESK_ENV", "prod")], "EMBASSY_DESK_ENV"),
            (vec![("EMBASSY_DESK_ROTATE_DAYS", "monthly")], "EMBASSY_DESK_ROTATE_DAYS"),
            (vec![("EMBASSY_DESK_RETIRE_AFTER_DAYS", "-1")], "EMBASSY_DESK_RETIRE_AFTER_DAYS"),
            (vec![("EMBASSY_DESK_PUBLIC_URL", "desk.example.org")], "EMBASSY_DESK_PUBLIC_URL"),
            (vec![("EMBASSY_DESK_PUBLIC_URL", "https://me:hunter2@desk.example.org")], "EMBASSY_DESK_PUBLIC_URL"),
            (vec![("DATABASE_URL", "hunter2")], "DATABASE_URL"),
            (vec![("EMBASSY_DESK_ENV", "production"), ("EMBASSY_DESK_PUBLIC_URL", "http://desk.example.org")], "EMBASSY_DESK_PUBLIC_URL"),
            (vec![("EMBASSY_DESK_MAX_BODY_BYTES", "lots")], "EMBASSY_DESK_MAX_BODY_BYTES"),
            (vec![("EMBASSY_DESK_PURGE_INTERVAL_SECS", "0")], "EMBASSY_DESK_PURGE_INTERVAL_SECS"),
            (vec![("EMBASSY_DESK_PURGE_INTERVAL_SECS", "daily")], "EMBASSY_DESK_PURGE_INTERVAL_SECS"),
            (vec![("EMBASSY_DESK_AUDIT_CHECKPOINT_SECS", "0")], "EMBASSY_DESK_AUDIT_CHECKPOINT_SECS"),
        ] {
            let err = config(&vars).unwrap_err().to_string();
            assert!(err.contains(name) && !err.contains('\n'), "{err}");
            assert!(!err.contains("hunter2"), "{err}");
        }
    }

    #[test]
    fn production_accepts_https_and_onion() {
        for url in ["https://desk.example.org", "http://abcdefghijklmnop.onion"] {
            let c = config(&[("EMBASSY_DESK_ENV", "production"), ("EMBASSY_DESK_PUBLIC_URL", url)]).unwrap();
            assert_eq!(c.environment, Environment::Production);
        }
        let c = config(&[("EMBASSY_DESK_PUBLIC_URL", "https://desk.example.org/base/")]).unwrap();
        assert_eq!(c.public_origin(), "https://desk.example.org");
    }
}

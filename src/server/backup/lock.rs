//! The lock that keeps a restore away from a database in use.
//!
//! Every command that opens the SQLite database holds a shared advisory lock (`flock`) on a
//! file beside it for as long as it runs (`serve` for its whole life); a restore takes the
//! same lock exclusively and refuses at once if anyone holds it. The kernel drops the lock
//! when the process ends, however it ends, so a crash leaves no stale lock behind. The
//! file is keyed to the database file rather than the data dir: two data dirs can name
//! one database through `DATABASE_URL`, and the database is what a restore replaces.

use crate::server::config::{Backend, Config};
use std::{
    fs::{File, TryLockError},
    path::{Path, PathBuf},
};

/// A held lock; dropping it releases the lock.
#[derive(Debug)]
pub struct DatabaseLock {
    _file: File,
}

impl DatabaseLock {
    /// The lock of a command that uses the database: any number may hold it together.
    /// `None` when the database is not a SQLite file (PostgreSQL, or in memory).
    pub fn shared(config: &Config) -> Result<Option<Self>, String> {
        let Some(database) = sqlite_database(config) else { return Ok(None) };
        crate::server::startup::ensure_data_dir(config).map_err(|e| e.to_string())?;
        let file = open(&database)?;
        match file.try_lock_shared() {
            Ok(()) => Ok(Some(Self { _file: file })),
            Err(TryLockError::WouldBlock) => Err(format!("a restore of {} is in progress; try again when it has finished", database.display())),
            Err(TryLockError::Error(e)) => Err(format!("cannot lock {}: {e}", lock_path(&database).display())),
        }
    }

    /// The lock of a restore: refused while any command holds the lock of `database`.
    pub fn exclusive(database: &Path) -> Result<Self, String> {
        let file = open(database)?;
        match file.try_lock() {
            Ok(()) => Ok(Self { _file: file }),
            Err(TryLockError::WouldBlock) => Err(format!(
                "the database {} is in use (a server or another embassy-desk command is running on it); stop it before restoring",
                database.display()
            )),
            Err(TryLockError::Error(e)) => Err(format!("cannot lock {}: {e}", lock_path(database).display())),
        }
    }
}

/// The SQLite database file of the configuration, if it has one.
pub fn sqlite_database(config: &Config) -> Option<PathBuf> {
    (config.backend == Backend::Sqlite).then(|| crate::server::startup::sqlite_file(&config.database_url)).flatten()
}

/// `<database>-lock`, beside the database (SQLite's own files are `-wal`, `-shm`, `-journal`).
pub fn lock_path(database: &Path) -> PathBuf {
    let mut name = database.file_name().unwrap_or_default().to_os_string();
    name.push("-lock");
    database.with_file_name(name)
}

/// Opens (creating, readable by the owner only) the lock file of `database`.
fn open(database: &Path) -> Result<File, String> {
    let path = lock_path(database);
    let mut options = std::fs::OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(&path).map_err(|e| format!("cannot open the lock file {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(dir: &Path) -> Config {
        let url = format!("sqlite://{}?mode=rwc", dir.join("desk.sqlite").display());
        Config::from_lookup(|name| match name {
            "DATABASE_URL" => Some(url.clone()),
            "HOME" => Some("/home/desk".into()),
            _ => None,
        })
        .unwrap()
    }

    #[test]
    fn commands_share_the_lock_and_a_restore_waits_for_none_of_them() {
        let dir = tempfile::tempdir().unwrap();
        let config = config(dir.path());
        let database = dir.path().join("desk.sqlite");
        let first = DatabaseLock::shared(&config).unwrap().expect("a SQLite file is locked");
        let second = DatabaseLock::shared(&config).unwrap().expect("commands run side by side");
        assert!(DatabaseLock::exclusive(&database).unwrap_err().contains("is in use"));
        drop(first);
        assert!(DatabaseLock::exclusive(&database).is_err(), "one command still runs");
        drop(second);
        let restore = DatabaseLock::exclusive(&database).expect("nobody uses the database");
        assert!(DatabaseLock::shared(&config).unwrap_err().contains("restore"), "no command starts during a restore");
        drop(restore);
        assert!(DatabaseLock::shared(&config).is_ok());
    }

    #[test]
    fn postgres_and_memory_databases_take_no_lock() {
        for url in ["postgres://db/desk", "sqlite::memory:"] {
            let config = Config::from_lookup(|name| match name {
                "DATABASE_URL" => Some(url.to_owned()),
                "HOME" => Some("/home/desk".into()),
                _ => None,
            })
            .unwrap();
            assert!(DatabaseLock::shared(&config).unwrap().is_none(), "{url}");
        }
    }

    #[test]
    fn the_lock_file_sits_beside_the_database() {
        assert_eq!(lock_path(Path::new("/var/lib/desk/embassy-desk.sqlite")), Path::new("/var/lib/desk/embassy-desk.sqlite-lock"));
    }
}

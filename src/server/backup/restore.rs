//! `restore PATH`: a backup checked and swapped in for the live SQLite database.
//!
//! The backup is copied beside the live database (`<db>.restoring`), and that copy is what
//! gets checked — an SQLite file that passes `quick_check`, with embassy-desk's tables,
//! migrations this binary knows, and key check values that match the key file — and then
//! renamed over the live file, the one step that changes it. The old database's
//! write-ahead log, shared memory and rollback journal are set aside first (SQLite would
//! replay them into the restored file) and put back if the rename fails, so every failure
//! leaves the old database as it was. All of this happens under the exclusive lock
//! ([`DatabaseLock::exclusive`]): no embassy-desk process has the database open meanwhile.

use super::{lock, postgres_restore_advice, sync_file, DatabaseLock};
use crate::server::{config::Config, crypto::Keyring, db, startup};
use sqlx::{
    sqlite::{SqliteConnectOptions, SqliteJournalMode},
    ConnectOptions, Connection, SqliteConnection,
};
use std::path::{Path, PathBuf};

/// SQLite's files beside a database, which belong to the file they were written for.
const SIDECARS: [&str; 3] = ["-wal", "-shm", "-journal"];

/// Replaces the live SQLite database with the backup at `source`, and returns what to tell
/// the operator. Refuses, changing nothing, while any embassy-desk command uses the
/// database, and for a file that is not an embassy-desk database sealed with this key file.
pub async fn restore(config: &Config, source: &Path) -> Result<String, String> {
    let database = match lock::sqlite_database(config) {
        Some(database) => database,
        None if config.backend == crate::server::config::Backend::Postgres => return Err(postgres_restore_advice(source)),
        None => return Err("the database is in memory; there is nothing to restore into".into()),
    };
    let shown = source.display();
    let metadata = std::fs::metadata(source).map_err(|e| format!("cannot read the backup {shown}: {e}"))?;
    if !metadata.is_file() {
        return Err(format!("{shown} is not a file"));
    }
    if same_file(source, &database) {
        return Err(format!("{shown} is the live database itself"));
    }
    if beside(source, "-wal").exists() {
        return Err(format!("{shown} has a write-ahead log beside it: it is a live database, not a backup (make backups with `embassy-desk backup`)"));
    }
    let keyring = Keyring::load(&config.key_file).map_err(|e| e.to_string())?;
    startup::ensure_data_dir(config).map_err(|e| e.to_string())?;
    let _lock = DatabaseLock::exclusive(&database)?;
    remove_leftovers(&database)?;
    let staged = staged_path(&database);
    let result = async {
        copy_private(source, &staged)?;
        check(&staged, &keyring, source, &config.key_file).await?;
        sync_file(&staged)?;
        replace(&database, &staged)
    }
    .await;
    if result.is_err() {
        for file in [staged.clone(), beside(&staged, "-journal")] {
            let _ = std::fs::remove_file(file);
        }
    }
    result?;
    Ok(format!(
        "restored {shown} over {}. The server runs any newer migrations when it next starts; start it with the key file {}.",
        database.display(),
        config.key_file.display()
    ))
}

/// `<path><suffix>`, e.g. the write-ahead log `<db>-wal`.
fn beside(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push(suffix);
    name.into()
}

/// The copy of the backup being checked, beside the live database.
fn staged_path(database: &Path) -> PathBuf {
    beside(database, ".restoring")
}

/// Where a file of the old database waits until the rename is done.
fn set_aside_path(file: &Path) -> PathBuf {
    beside(file, ".replaced")
}

fn same_file(a: &Path, b: &Path) -> bool {
    matches!((std::fs::canonicalize(a), std::fs::canonicalize(b)), (Ok(a), Ok(b)) if a == b)
}

/// Removes what a restore cut off by a crash or a kill left behind: its staged copy, and
/// side files of the database it was replacing (the lock is held: nobody else is
/// restoring). The database about to be replaced has no use for them.
fn remove_leftovers(database: &Path) -> Result<(), String> {
    let staged = staged_path(database);
    let leftovers = SIDECARS.map(|suffix| set_aside_path(&beside(database, suffix)));
    for file in leftovers.iter().chain([&staged, &beside(&staged, "-journal")]) {
        match std::fs::remove_file(file) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(format!("cannot remove {}: {e}", file.display())),
            _ => {}
        }
    }
    Ok(())
}

/// Copies `from` to a new file `to`, readable by its owner only, flushed to disk.
fn copy_private(from: &Path, to: &Path) -> Result<(), String> {
    let mut reader = std::fs::File::open(from).map_err(|e| format!("cannot read the backup {}: {e}", from.display()))?;
    let mut writer = super::create_private(to).map_err(|e| format!("cannot create {}: {e}", to.display()))?;
    std::io::copy(&mut reader, &mut writer).map_err(|e| format!("cannot copy the backup to {}: {e}", to.display()))?;
    writer.sync_all().map_err(|e| format!("cannot flush {} to disk: {e}", to.display()))
}

/// Checks the staged copy; `shown` is the backup's path as the operator gave it.
async fn check(staged: &Path, keyring: &Keyring, shown: &Path, key_file: &Path) -> Result<(), String> {
    // A rollback journal, so that the checked file is complete in itself; the server
    // switches it back to a write-ahead log when it opens it.
    let options = SqliteConnectOptions::new().filename(staged).create_if_missing(false).journal_mode(SqliteJournalMode::Delete);
    let mut conn = options.connect().await.map_err(|e| format!("{} is not an SQLite database ({e})", shown.display()))?;
    let result = check_contents(&mut conn, keyring, shown, key_file).await;
    let _ = conn.close().await;
    result
}

async fn check_contents(conn: &mut SqliteConnection, keyring: &Keyring, shown: &Path, key_file: &Path) -> Result<(), String> {
    let shown = shown.display();
    let problems: Vec<String> = sqlx::query_scalar("PRAGMA quick_check").fetch_all(&mut *conn).await.map_err(|e| format!("{shown} cannot be read ({e})"))?;
    if problems != ["ok"] {
        return Err(format!("{shown} is damaged (SQLite quick_check: {})", problems.first().map_or("no answer", String::as_str)));
    }
    let tables: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('_sqlx_migrations', 'audit_log', 'key_checks')")
        .fetch_one(&mut *conn)
        .await
        .map_err(|e| format!("{shown} cannot be read ({e})"))?;
    if tables != 3 {
        return Err(format!("{shown} is not an embassy-desk database (it lacks the migrations, audit log or key check tables)"));
    }
    let applied: Vec<(i64, Vec<u8>)> = sqlx::query_as("SELECT version, checksum FROM _sqlx_migrations WHERE success ORDER BY version")
        .fetch_all(&mut *conn)
        .await
        .map_err(|e| format!("{shown} cannot be read ({e})"))?;
    let known = db::sqlite_migrations();
    for (version, checksum) in applied {
        match known.iter().find(|m| m.version == version) {
            None => return Err(format!("{shown} was made by a newer embassy-desk (migration {version} is unknown to this one); restore it with that version")),
            Some(m) if *m.checksum != *checksum => return Err(format!("{shown} holds a migration {version} that differs from this embassy-desk's")),
            Some(_) => {}
        }
    }
    let stored: Vec<(i64, Vec<u8>)> =
        sqlx::query_as("SELECT key_id, check_value FROM key_checks").fetch_all(&mut *conn).await.map_err(|e| format!("{shown} cannot be read ({e})"))?;
    let stored: Vec<(u32, Vec<u8>)> = stored.into_iter().map(|(id, value)| (u32::try_from(id).unwrap_or(u32::MAX), value)).collect();
    keyring.verify_against(&stored).map_err(|e| format!("{shown} cannot be opened with the key file {}: {e}", key_file.display()))
}

/// Renames `staged` over `database`, setting the old database's side files aside first
/// and putting them back if the rename fails.
fn replace(database: &Path, staged: &Path) -> Result<(), String> {
    let mut set_aside = Vec::new();
    let put_back = |set_aside: &[(PathBuf, PathBuf)]| {
        for (file, aside) in set_aside {
            let _ = std::fs::rename(aside, file);
        }
    };
    for suffix in SIDECARS {
        let file = beside(database, suffix);
        let aside = set_aside_path(&file);
        match std::fs::rename(&file, &aside) {
            Ok(()) => set_aside.push((file, aside)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                put_back(&set_aside);
                return Err(format!("cannot move {} aside: {e}", file.display()));
            }
        }
    }
    if let Err(e) = std::fs::rename(staged, database) {
        put_back(&set_aside);
        return Err(format!("cannot replace {}: {e}", database.display()));
    }
    for (_, aside) in &set_aside {
        std::fs::remove_file(aside)
            .map_err(|e| format!("restored, but the old database's {} could not be removed: {e}; remove it by hand", aside.display()))?;
    }
    sync_file(database).map_err(|e| format!("restored, but {e}"))
}

//! `backup PATH` and `restore PATH`: a consistent copy of the SQLite database taken while
//! the server runs, and its return in place of the live database, checked first and
//! swapped in one rename. Neither touches the key file, which is backed up apart.
//! PostgreSQL has its own tools (`pg_dump`, `pg_restore`); both commands name them and
//! refuse, since the file asked for was not made.

mod lock;
mod restore;

pub use lock::DatabaseLock;
pub use restore::restore;

use crate::server::config::{Backend, Config};
use sqlx::{sqlite::SqliteConnectOptions, ConnectOptions, Connection};
use std::path::Path;

/// Writes a copy of the SQLite database to `target`, a new file readable by its owner
/// only, and returns what to tell the operator.
///
/// `VACUUM INTO` copies from one read transaction, so the copy is consistent while the
/// server writes; it holds live rows only (deleted ones are not carried over).
pub async fn backup(config: &Config, target: &Path) -> Result<String, String> {
    let database = match lock::sqlite_database(config) {
        Some(database) => database,
        None if config.backend == Backend::Postgres => return Err(postgres_backup_advice(target)),
        None => return Err("the database is in memory; there is nothing to back up".into()),
    };
    if !database.is_file() {
        return Err(format!("there is no database at {}", database.display()));
    }
    let target_text = target.to_str().ok_or("the backup path must be valid UTF-8")?;
    // The empty file reserves the name and sets the mode; VACUUM INTO accepts an empty file.
    create_private(target).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => format!("{} already exists; a backup never overwrites a file, choose a new name", target.display()),
        _ => format!("cannot create {}: {e}", target.display()),
    })?;
    let written = async {
        let options = SqliteConnectOptions::new().filename(&database).create_if_missing(false);
        let mut conn = options.connect().await.map_err(|e| format!("cannot open the database {}: {e}", database.display()))?;
        let copied = sqlx::query("VACUUM INTO $1").bind(target_text).execute(&mut conn).await;
        let _ = conn.close().await;
        copied.map_err(|e| format!("the backup failed: {e}"))?;
        // SQLite does not flush the file VACUUM INTO writes.
        sync_file(target)?;
        std::fs::metadata(target).map(|m| m.len()).map_err(|e| e.to_string())
    }
    .await;
    match written {
        Ok(bytes) => Ok(format!(
            "wrote the backup {} ({bytes} bytes): a consistent copy of the database, readable by its owner only.\n\
             The key file {} is NOT in it: back the key file up apart (without it the backup cannot be read), and keep the two in different places.",
            target.display(),
            config.key_file.display()
        )),
        Err(e) => {
            let _ = std::fs::remove_file(target);
            Err(e)
        }
    }
}

/// A new file, mode 0600; fails if the path exists.
fn create_private(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// Flushes a file and the directory entry that names it to the disk.
fn sync_file(path: &Path) -> Result<(), String> {
    let flush = |p: &Path| std::fs::File::open(p).and_then(|f| f.sync_all());
    flush(path).map_err(|e| format!("cannot flush {} to disk: {e}", path.display()))?;
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    flush(dir).map_err(|e| format!("cannot flush {} to disk: {e}", dir.display()))
}

/// What to run instead of `backup` on PostgreSQL, in one line.
fn postgres_backup_advice(target: &Path) -> String {
    format!(
        "embassy-desk copies SQLite databases only; back up PostgreSQL with pg_dump: pg_dump --format=custom --file={} \"$DATABASE_URL\" \
         (the dump holds the sealed values, the metadata in clear and the audit log, never the keys: back up the key file apart)",
        shell_word(target)
    )
}

/// What to run instead of `restore` on PostgreSQL, in one line.
fn postgres_restore_advice(source: &Path) -> String {
    format!(
        "embassy-desk restores SQLite databases only; restore a pg_dump into an empty PostgreSQL database with pg_restore: \
         pg_restore --no-owner --dbname=\"$DATABASE_URL\" {} (psql -f for a plain SQL dump), then start the server with the key file \
         the dump was sealed with; it runs newer migrations as it starts",
        shell_word(source)
    )
}

/// `path` as one shell word: single-quoted unless it is plainly safe.
fn shell_word(path: &Path) -> String {
    let text = path.to_string_lossy();
    if !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric() || "/._-+:,@".contains(c)) {
        text.into_owned()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_in_printed_commands_are_one_shell_word() {
        assert_eq!(shell_word(Path::new("/backups/desk-2025.dump")), "/backups/desk-2025.dump");
        assert_eq!(shell_word(Path::new("my backups/it's.dump")), r"'my backups/it'\''s.dump'");
        assert_eq!(shell_word(Path::new("$(rm -rf x)")), "'$(rm -rf x)'");
    }

    #[test]
    fn postgres_advice_is_one_line_naming_the_tool_and_never_the_password() {
        for line in [postgres_backup_advice(Path::new("d.dump")), postgres_restore_advice(Path::new("d.dump"))] {
            assert!(!line.contains('\n'), "{line}");
            assert!(line.contains("\"$DATABASE_URL\" ") || line.contains("=\"$DATABASE_URL\""), "{line}");
        }
        assert!(postgres_backup_advice(Path::new("d.dump")).contains("pg_dump --format=custom --file=d.dump"));
        assert!(postgres_restore_advice(Path::new("d.dump")).contains("pg_restore --no-owner"));
    }
}

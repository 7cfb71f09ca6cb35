//! `backup` and `restore` as an operator runs them: a backup taken from a desk in use
//! brings that state back; every refused restore is one line, exit code 1, and leaves the
//! live database as it was; on PostgreSQL both name the tool to use instead.

use crate::cli::{run, text};
use std::{
    io::BufRead,
    path::{Path, PathBuf},
    process::{Child, Command, Output, Stdio},
};

const PASSPHRASE: &str = "a long enough passphrase\n";

/// Runs the binary on the data dir `dir`, its key file named explicitly.
fn desk(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let key_file = dir.join("keyring");
    run(dir, &[("EMBASSY_DESK_KEY_FILE", key_file.to_str().unwrap())], args, stdin)
}

/// Runs a command that must succeed; returns what it printed.
fn ok(dir: &Path, args: &[&str], stdin: Option<&str>) -> String {
    let out = desk(dir, args, stdin);
    assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
    text(&out.stdout)
}

/// Runs a command that must be refused with one line and exit code 1; returns the line.
fn refused(dir: &Path, args: &[&str]) -> String {
    let out = desk(dir, args, None);
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
    assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
    assert!(err.starts_with("error: ") && !err.contains("panicked"), "{err}");
    assert!(text(&out.stdout).is_empty(), "{args:?}: {}", text(&out.stdout));
    err
}

fn block_on<T>(f: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(f)
}

/// One number from the SQLite file `file`, read outside the binary.
fn number_in(file: &Path, sql: &str) -> i64 {
    block_on(async {
        use sqlx::Connection;
        let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", file.display())).await.unwrap();
        let n = sqlx::query_scalar(sql).fetch_one(&mut conn).await.unwrap();
        conn.close().await.unwrap();
        n
    })
}

fn live(dir: &Path) -> PathBuf {
    dir.join("embassy-desk.sqlite")
}

/// Cases and people in the live database of `dir`.
fn counts(dir: &Path) -> (i64, i64) {
    (number_in(&live(dir), "SELECT COUNT(*) FROM cases"), number_in(&live(dir), "SELECT COUNT(*) FROM people"))
}

/// A desk with an admin and five cases, and a backup of it (in a directory of its own).
fn desk_with_backup() -> (tempfile::TempDir, tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(d, &["create-admin", "--login", "lena", "--password-stdin"], Some(PASSPHRASE));
    ok(d, &["seed", "--cases", "5", "--embassies", "pl"], None);
    let backups = tempfile::tempdir().unwrap();
    let backup = backups.path().join("desk.backup");
    let said = ok(d, &["backup", backup.to_str().unwrap()], None);
    assert!(said.contains("wrote the backup") && said.contains("is NOT in it"), "{said}");
    (dir, backups, backup)
}

/// Files a restore may leave beside the database, which none must.
fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".restoring") || name.ends_with(".replaced") || name.contains(".restoring-"))
        .collect()
}

#[test]
fn restore_brings_back_the_state_the_backup_was_taken_in() {
    let (dir, _backups, backup) = desk_with_backup();
    let d = dir.path();
    ok(d, &["create-admin", "--login", "omar", "--password-stdin"], Some(PASSPHRASE));
    ok(d, &["seed", "--cases", "3", "--embassies", "pl"], None);
    assert_eq!(counts(d), (8, 2));

    let said = ok(d, &["restore", backup.to_str().unwrap()], None);
    assert!(said.contains("restored") && said.contains("newer migrations"), "{said}");
    assert_eq!(counts(d), (5, 1), "the cases and the admin made after the backup are gone");
    assert_eq!(number_in(&live(d), "SELECT COUNT(*) FROM people WHERE login = 'omar'"), 0);
    assert!(ok(d, &["audit", "verify"], None).contains("audit log intact"));
    assert!(leftovers(d).is_empty(), "{:?}", leftovers(d));
    ok(d, &["seed", "--cases", "1", "--embassies", "pl"], None);
    assert_eq!(counts(d), (6, 1), "the restored database takes writes");
}

#[test]
fn restore_on_a_new_machine_needs_only_the_backup_and_the_key_file() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, _backups, backup) = desk_with_backup();
    let machine = tempfile::tempdir().unwrap();
    let data = machine.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::copy(dir.path().join("keyring"), data.join("keyring")).unwrap();
    ok(&data, &["restore", backup.to_str().unwrap()], None);
    assert_eq!(counts(&data), (5, 1));
    assert_eq!(std::fs::metadata(live(&data)).unwrap().permissions().mode() & 0o777, 0o600, "the restored database is private");
    assert!(ok(&data, &["audit", "verify"], None).contains("audit log intact"));
}

#[test]
fn backup_is_private_never_overwrites_and_holds_no_key() {
    use base64::{engine::general_purpose::STANDARD, Engine};
    use std::os::unix::fs::PermissionsExt;
    let (dir, _backups, backup) = desk_with_backup();
    assert_eq!(std::fs::metadata(&backup).unwrap().permissions().mode() & 0o777, 0o600);
    assert_eq!(number_in(&backup, "SELECT COUNT(*) FROM cases"), 5, "the backup is a database of its own");

    let copy = std::fs::read(&backup).unwrap();
    let key_file = std::fs::read_to_string(dir.path().join("keyring")).unwrap();
    let key = key_file.lines().find_map(|l| l.strip_prefix("key 1 ")).unwrap().split(' ').next().unwrap();
    let raw = STANDARD.decode(key).unwrap();
    assert!(!copy.windows(key.len()).any(|w| w == key.as_bytes()) && !copy.windows(raw.len()).any(|w| w == raw), "no key in the backup");

    let err = refused(dir.path(), &["backup", backup.to_str().unwrap()]);
    assert!(err.contains("already exists"), "{err}");
    assert_eq!(std::fs::read(&backup).unwrap(), copy, "the existing file is untouched");
}

#[test]
fn restore_refuses_what_is_not_a_backup_of_this_desk_and_changes_nothing() {
    let (dir, backups, backup) = desk_with_backup();
    let d = dir.path();
    ok(d, &["seed", "--cases", "2", "--embassies", "pl"], None);
    let before = counts(d);
    let b = backups.path();

    let text_file = b.join("notes.txt");
    std::fs::write(&text_file, "not a database, but long enough to look like one".repeat(100)).unwrap();
    let other_sqlite = b.join("other.sqlite");
    std::fs::File::create(&other_sqlite).unwrap();
    tamper(&other_sqlite, &["CREATE TABLE notes (body TEXT)", "INSERT INTO notes VALUES ('hello')"]);
    let newer = b.join("newer.backup");
    std::fs::copy(&backup, &newer).unwrap();
    tamper(&newer, &["INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES (9999, 'future', TRUE, x'00', 0)"]);
    let live_copy = b.join("live-copy.sqlite");
    std::fs::copy(&backup, &live_copy).unwrap();
    std::fs::write(b.join("live-copy.sqlite-wal"), b"").unwrap();
    // A desk of its own, sealed with another key file.
    let elsewhere = tempfile::tempdir().unwrap();
    ok(elsewhere.path(), &["create-admin", "--login", "ines", "--password-stdin"], Some(PASSPHRASE));
    let foreign = b.join("foreign.backup");
    ok(elsewhere.path(), &["backup", foreign.to_str().unwrap()], None);

    let path = |p: &Path| p.to_str().unwrap().to_owned();
    for (source, expect) in [
        (path(&b.join("missing.backup")), "cannot read the backup"),
        (path(b), "is not a file"),
        (path(&text_file), "is not an SQLite database"),
        (path(&other_sqlite), "is not an embassy-desk database"),
        (path(&newer), "made by a newer embassy-desk"),
        (path(&live_copy), "write-ahead log beside it"),
        (path(&foreign), "cannot be opened with the key file"),
        (path(&live(d)), "is the live database itself"),
    ] {
        let err = refused(d, &["restore", &source]);
        assert!(err.contains(expect), "{source}: wanted {expect:?}, got {err}");
        assert_eq!(counts(d), before, "{source}");
        assert!(leftovers(d).is_empty(), "{source}: {:?}", leftovers(d));
    }
    assert!(ok(d, &["audit", "verify"], None).contains("audit log intact"));
}

/// Runs SQL against a SQLite file outside the binary.
fn tamper(file: &Path, statements: &[&str]) {
    block_on(async {
        use sqlx::Connection;
        let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", file.display())).await.unwrap();
        for sql in statements {
            sqlx::query(sql).execute(&mut conn).await.unwrap();
        }
        conn.close().await.unwrap();
    });
}

/// `serve` as a child process; killed when dropped, so a failing test leaves no server.
struct Server(Child);

impl Server {
    /// Starts `serve` on a free port and waits until it says it is serving.
    fn start(dir: &Path) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_embassy-desk"))
            .arg("serve")
            .env_clear()
            .env("EMBASSY_DESK_DATA_DIR", dir)
            .env("EMBASSY_DESK_KEY_FILE", dir.join("keyring"))
            .env("EMBASSY_DESK_LISTEN", "127.0.0.1:0")
            .env("EMBASSY_DESK_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let server = Self(child);
        for line in std::io::BufReader::new(stdout).lines() {
            if line.unwrap().contains("is serving on") {
                return server;
            }
        }
        panic!("serve ended without serving");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn restore_refuses_while_a_server_runs_on_the_database() {
    let (dir, _backups, backup) = desk_with_backup();
    let d = dir.path();
    ok(d, &["seed", "--cases", "2", "--embassies", "pl"], None);
    let server = Server::start(d);
    let err = refused(d, &["restore", backup.to_str().unwrap()]);
    assert!(err.contains("is in use") && err.contains("stop it before restoring"), "{err}");
    assert_eq!(counts(d), (7, 1));
    assert!(ok(d, &["audit", "verify"], None).contains("intact"), "other commands run beside the server");
    drop(server);
    ok(d, &["restore", backup.to_str().unwrap()], None);
    assert_eq!(counts(d), (5, 1), "the lock goes with the server");
}

#[test]
fn restore_discards_the_write_ahead_log_of_the_replaced_database() {
    let (dir, _backups, backup) = desk_with_backup();
    let live = live(dir.path());
    let wal = dir.path().join("embassy-desk.sqlite-wal");
    // What a killed server leaves: a log of changes that belong to the old database file.
    let log = block_on(async {
        use sqlx::Connection;
        let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", live.display())).await.unwrap();
        for sql in ["PRAGMA journal_mode = WAL", "PRAGMA wal_autocheckpoint = 0", "UPDATE people SET login = 'stale'", "DELETE FROM audit_log"] {
            sqlx::query(sql).execute(&mut conn).await.unwrap();
        }
        let log = std::fs::read(&wal).unwrap();
        conn.close().await.unwrap();
        log
    });
    assert!(!log.is_empty());
    std::fs::write(&wal, &log).unwrap();

    ok(dir.path(), &["restore", backup.to_str().unwrap()], None);
    assert_eq!(number_in(&live, "SELECT COUNT(*) FROM people WHERE login = 'lena'"), 1, "the old log was not replayed");
    assert!(ok(dir.path(), &["audit", "verify"], None).contains("audit log intact"));
}

#[test]
fn postgres_backup_and_restore_name_their_tools_in_one_line_and_fail() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let url = [("DATABASE_URL", "postgres://desk:hunter2@127.0.0.1:5432/desk")];
    let target = d.join("desk.dump");
    for (args, tool) in [(["backup", target.to_str().unwrap()], "pg_dump --format=custom"), (["restore", target.to_str().unwrap()], "pg_restore --no-owner")] {
        let out = run(d, &url, &args, None);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(tool) && err.contains("$DATABASE_URL") && !err.contains("hunter2"), "{err}");
    }
    assert!(!target.exists(), "no file was made");
}

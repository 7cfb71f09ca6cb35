//! The binary as an operator uses it: help, key generation, migration, first admin, seed,
//! audit verification, and one clear line for bad configuration.

use std::{
    io::Write,
    process::{Command, Output, Stdio},
};

const EXE: &str = env!("CARGO_BIN_EXE_embassy-desk");

pub(crate) fn run(dir: &std::path::Path, env: &[(&str, &str)], args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(EXE);
    cmd.args(args)
        .env_clear()
        .env("EMBASSY_DESK_DATA_DIR", dir)
        .env("EMBASSY_DESK_KEY_FILE", dir.join("keyring"))
        .env("EMBASSY_DESK_LOG", "warn")
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    if let Some(input) = stdin {
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

pub(crate) fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn every_command_answers_help() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["--help"][..],
        &["serve", "--help"],
        &["migrate", "--help"],
        &["keygen", "--help"],
        &["create-admin", "--help"],
        &["seed", "--help"],
        &["purge", "--help"],
        &["audit", "verify", "--help"],
        &["backup", "--help"],
        &["restore", "--help"],
        &["audit", "checkpoint", "--help"],
    ] {
        let out = run(dir.path(), &[], args, None);
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
        assert!(text(&out.stdout).contains("Usage: embassy-desk"), "{args:?}");
    }
    let out = run(dir.path(), &[], &["--help"], None);
    assert!(text(&out.stdout).contains("DATABASE_URL") && text(&out.stdout).contains("EMBASSY_DESK_RETENTION_DAYS"));
    assert!(text(&out.stdout).contains("EMBASSY_DESK_AUDIT_CHECKPOINTS"));
}

#[test]
fn bad_configuration_is_one_line_and_non_zero() {
    let dir = tempfile::tempdir().unwrap();
    for (name, value) in [
        ("EMBASSY_DESK_LISTEN", "not-an-address"),
        ("DATABASE_URL", "mysql://root:hunter2@db/desk"),
        ("EMBASSY_DESK_RETENTION_DAYS", "forever"),
        ("EMBASSY_DESK_LOG", "info,[[["),
        ("EMBASSY_DESK_ENV", "staging"),
    ] {
        let out = run(dir.path(), &[(name, value)], &["migrate"], None);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{name}: {err}");
        assert_eq!(err.lines().count(), 1, "{name}: {err}");
        assert!(err.starts_with("error: configuration: ") && err.contains(name), "{err}");
        assert!(!err.contains("hunter2") && !err.contains("panicked"), "{err}");
    }
}

#[test]
fn operator_flow_keygen_migrate_admin_seed_verify() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let out = run(d, &[], &["keygen"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let again = run(d, &[], &["keygen"], None);
    assert_eq!(again.status.code(), Some(1));
    assert!(text(&again.stderr).contains("already exists"));

    assert!(run(d, &[], &["migrate"], None).status.success());
    let weak = run(d, &[], &["create-admin", "--login", "lena", "--password-stdin"], Some("short\n"));
    assert_eq!(weak.status.code(), Some(1));
    assert!(text(&weak.stderr).contains("at least 12 characters"));
    let admin = run(d, &[], &["create-admin", "--login", "lena", "--password-stdin"], Some("a long enough passphrase\n"));
    assert!(admin.status.success(), "{}", text(&admin.stderr));
    let taken = run(d, &[], &["create-admin", "--login", "lena", "--password-stdin"], Some("a long enough passphrase\n"));
    assert!(text(&taken.stderr).contains("taken"), "{}", text(&taken.stderr));

    let seed = run(d, &[], &["seed", "--cases", "2500", "--embassies", "pl,lt"], None);
    assert!(seed.status.success(), "{}", text(&seed.stderr));
    assert!(text(&seed.stdout).contains("seeded 2500 cases"));
    let unknown = run(d, &[], &["seed", "--cases", "1", "--embassies", "xx"], None);
    assert!(text(&unknown.stderr).contains("unknown embassy code"));

    let verify = run(d, &[], &["audit", "verify"], None);
    assert!(verify.status.success(), "{}", text(&verify.stderr));
    // The key recorded at first start, the default desk, the admin, two embassies, one row
    // per batch of 2000.
    assert!(text(&verify.stdout).contains("intact: 7 rows"), "{}", text(&verify.stdout));

    let embassy = run(d, &[], &["add-embassy", "de"], None);
    assert!(embassy.status.success(), "{}", text(&embassy.stderr));
    assert!(text(&run(d, &[], &["add-embassy", "xx"], None).stderr).contains("unknown country code"));
    // Any country of ISO 3166-1, not only those with an embassy before.
    let belgium = run(d, &[], &["add-embassy", "be"], None);
    assert!(belgium.status.success(), "{}", text(&belgium.stderr));
    let reply = run(d, &[], &["reply", "--reference", "00000-00000"], Some("Hello from the embassy"));
    assert_eq!(reply.status.code(), Some(1));
    assert!(text(&reply.stderr).contains("no case has this reference"));

    // A copy of the database as a backup would hold it, before the rotation.
    let copy = tempfile::tempdir().unwrap();
    for file in ["embassy-desk.sqlite", "embassy-desk.sqlite-wal"] {
        if d.join(file).exists() {
            std::fs::copy(d.join(file), copy.path().join(file)).unwrap();
        }
    }
    let rotate = run(d, &[], &["keygen", "rotate"], None);
    assert!(text(&rotate.stdout).contains("added key 2") && text(&rotate.stdout).contains("re-wrapped 2500 case keys"), "{}", text(&rotate.stdout));
    let too_soon = run(d, &[], &["keygen", "retire", "1"], None);
    assert_eq!(too_soon.status.code(), Some(1));
    assert!(text(&too_soon.stderr).contains("wait until every running server"), "{}", text(&too_soon.stderr));
    tamper(d, &["UPDATE key_checks SET created_at = created_at - 3600"]);
    for (args, expected) in [(&["keygen", "retire", "2"][..], "is the active key"), (&["keygen", "retire", "7"], "holds no key 7")] {
        let refused = run(d, &[], args, None);
        assert_eq!(refused.status.code(), Some(1));
        let err = text(&refused.stderr);
        let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("error:")).collect();
        assert!(errors.len() == 1 && errors[0].contains(expected), "{err}");
    }
    let retire = run(d, &[], &["keygen", "retire", "1"], None);
    assert!(retire.status.success(), "{}", text(&retire.stderr));
    let status = text(&run(d, &[], &["keygen", "status"], None).stdout);
    assert!(status.contains("key 1: retired") && status.contains("key 2: active"), "{status}");
    assert!(run(d, &[], &["audit", "verify"], None).status.success(), "rows MAC'd under the retired key still verify");

    // The old copy, with the key file in force, does not open.
    let old = run(copy.path(), &[("EMBASSY_DESK_KEY_FILE", d.join("keyring").to_str().unwrap())], &["keygen", "status"], None);
    assert_eq!(old.status.code(), Some(1));
    assert!(text(&old.stderr).contains("sealed with key 1, which the key file does not hold"), "{}", text(&old.stderr));
}

#[test]
fn serve_refuses_a_key_file_others_can_read() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    assert!(run(dir.path(), &[], &["keygen"], None).status.success());
    std::fs::set_permissions(dir.path().join("keyring"), std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = run(dir.path(), &[("EMBASSY_DESK_LISTEN", "127.0.0.1:0")], &["serve"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("chmod 600"), "{}", text(&out.stderr));
}

/// Runs SQL against the data dir's SQLite file, outside the binary.
fn tamper(dir: &std::path::Path, statements: &[&str]) {
    let url = format!("sqlite://{}", dir.join("embassy-desk.sqlite").display());
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        use sqlx::Connection;
        let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
        for sql in statements {
            sqlx::query(sql).execute(&mut conn).await.unwrap();
        }
    });
}

#[test]
fn audit_verify_names_the_first_changed_removed_reordered_or_inserted_row() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert!(run(d, &[], &["create-admin", "--login", "lena", "--password-stdin"], Some("a long enough passphrase\n")).status.success());
    assert!(run(d, &[], &["add-embassy", "pl"], None).status.success());
    let invite = run(d, &[], &["invite", "--role", "volunteer", "--embassy", "pl", "--queues", "legal_status,housing"], None);
    assert!(invite.status.success(), "{}", text(&invite.stderr));
    assert!(text(&invite.stdout).contains("/desk/join/"), "the link is printed");
    assert!(text(&run(d, &[], &["invite", "--role", "volunteer", "--embassy", "pl"], None).stderr).contains("--queues"));
    assert!(run(d, &[], &["seed", "--cases", "10", "--embassies", "pl"], None).status.success());
    let verify = |expect: &str| {
        let out = run(d, &[], &["audit", "verify"], None);
        if expect.is_empty() {
            assert!(out.status.success(), "{}", text(&out.stderr));
        } else {
            assert_eq!(out.status.code(), Some(1), "{expect}");
            assert!(text(&out.stderr).contains(expect), "wanted {expect:?}, got {}", text(&out.stderr));
        }
    };
    verify("");
    let restore = ["DELETE FROM audit_log", "INSERT INTO audit_log SELECT * FROM saved"];
    tamper(d, &["CREATE TABLE saved AS SELECT * FROM audit_log"]);
    // Changed.
    tamper(d, &["UPDATE audit_log SET action = 'case.view' WHERE seq = 3"]);
    verify("audit row 3: its MAC does not match");
    tamper(d, &restore);
    verify("");
    // Removed (in the middle, and at the end).
    tamper(d, &["DELETE FROM audit_log WHERE seq = 4"]);
    verify("audit row 4 is missing");
    tamper(d, &restore);
    tamper(d, &["DELETE FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log)"]);
    verify("rows removed from the end");
    tamper(d, &restore);
    // Reordered: rows 3 and 4 swap places.
    tamper(d, &["UPDATE audit_log SET seq = -1 WHERE seq = 3", "UPDATE audit_log SET seq = 3 WHERE seq = 4", "UPDATE audit_log SET seq = 4 WHERE seq = -1"]);
    verify("audit row 3: its MAC does not match");
    tamper(d, &restore);
    // Inserted: a forged row 3 (a copy of row 2's fields), the rest moved up one.
    tamper(d, &[
        "UPDATE audit_log SET seq = seq + 1000 WHERE seq >= 3",
        "UPDATE audit_log SET seq = seq - 999 WHERE seq > 1000",
        "INSERT INTO audit_log (seq, at, actor, action, object_id, outcome, key_id, mac) SELECT 3, at, actor, action, object_id, outcome, key_id, mac FROM saved WHERE seq = 2",
    ]);
    verify("audit row 3: its MAC does not match");
    tamper(d, &restore);
    verify("");
}

#[test]
fn the_key_file_is_made_outside_the_data_dir_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let (data, home) = (dir.path().join("data"), dir.path().join("home"));
    let defaults = [("EMBASSY_DESK_KEY_FILE", ""), ("HOME", home.to_str().unwrap())];
    let migrate = run(&data, &defaults, &["migrate"], None);
    assert!(migrate.status.success(), "{}", text(&migrate.stderr));
    let keygen = run(&data, &defaults, &["keygen"], None);
    assert!(keygen.status.success(), "{}", text(&keygen.stderr));
    assert!(home.join(".config/embassy-desk/keyring").exists(), "{}", text(&keygen.stdout));
    assert!(!data.join("keyring").exists(), "nothing of the key is in the data dir");

    let credentials = dir.path().join("credentials");
    let systemd = [("EMBASSY_DESK_KEY_FILE", ""), ("HOME", home.to_str().unwrap()), ("CREDENTIALS_DIRECTORY", credentials.to_str().unwrap())];
    assert!(run(&data, &systemd, &["keygen"], None).status.success());
    assert!(credentials.join("keyring").exists(), "a systemd credential comes first");
}

#[test]
fn a_key_file_in_the_old_place_stops_start_up_with_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert!(run(d, &[], &["keygen"], None).status.success(), "a key file at <data dir>/keyring, the old default");
    let home = tempfile::tempdir().unwrap();
    let out = run(d, &[("EMBASSY_DESK_KEY_FILE", ""), ("HOME", home.path().to_str().unwrap()), ("EMBASSY_DESK_LISTEN", "127.0.0.1:0")], &["serve"], None);
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.contains("old default place") && err.contains("mv ") && err.lines().filter(|l| l.starts_with("error:")).count() == 1, "{err}");
    assert!(d.join("keyring").exists() && !home.path().join(".config/embassy-desk/keyring").exists(), "nothing was moved or made");
}

#[test]
fn production_refuses_a_key_file_inside_the_data_dir() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert!(run(d, &[], &["keygen"], None).status.success());
    let production = [("EMBASSY_DESK_ENV", "production"), ("EMBASSY_DESK_PUBLIC_URL", "https://desk.example.org"), ("EMBASSY_DESK_LISTEN", "127.0.0.1:0")];
    let out = run(d, &production, &["serve"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("inside the data directory"), "{}", text(&out.stderr));

    let outside = tempfile::tempdir().unwrap();
    let key_file = outside.path().join("keyring");
    std::fs::rename(d.join("keyring"), &key_file).unwrap();
    let mut moved = production.to_vec();
    moved.push(("EMBASSY_DESK_KEY_FILE", key_file.to_str().unwrap()));
    let out = run(d, &moved, &["audit", "verify"], None);
    assert!(out.status.success(), "a key file outside the data dir is used: {}", text(&out.stderr));
}

/// Counts from the data dir's SQLite file, outside the binary.
fn count(dir: &std::path::Path, sql: &str) -> i64 {
    let url = format!("sqlite://{}", dir.join("embassy-desk.sqlite").display());
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        use sqlx::Connection;
        let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
        sqlx::query_scalar(sql).fetch_one(&mut conn).await.unwrap()
    })
}

#[test]
fn purge_dry_run_counts_and_purge_removes() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert!(run(d, &[], &["seed", "--cases", "40", "--embassies", "pl,lt"], None).status.success());
    // Every Polish case closed two years ago.
    let two_years_ago = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64 - 730 * 86_400;
    let close = format!("UPDATE cases SET status = 'closed', closed_at = {two_years_ago} WHERE embassy_id = (SELECT id FROM embassies WHERE code = 'pl')");
    tamper(d, &[close.as_str()]);
    let polish = count(d, "SELECT COUNT(*) FROM cases WHERE embassy_id = (SELECT id FROM embassies WHERE code = 'pl')");
    let (cases, audit_rows) = (count(d, "SELECT COUNT(*) FROM cases"), count(d, "SELECT COUNT(*) FROM audit_log"));
    assert!(polish > 0);

    let dry = run(d, &[], &["purge", "--dry-run"], None);
    assert!(dry.status.success(), "{}", text(&dry.stderr));
    assert!(text(&dry.stdout).contains(&format!("pl: {polish} closed case(s) kept past 365 days would be purged")), "{}", text(&dry.stdout));
    assert_eq!((count(d, "SELECT COUNT(*) FROM cases"), count(d, "SELECT COUNT(*) FROM audit_log")), (cases, audit_rows), "a dry run changes nothing");
    assert_eq!(count(d, "SELECT COUNT(*) FROM past_cases"), 0);

    let done = run(d, &[], &["purge"], None);
    assert!(done.status.success(), "{}", text(&done.stderr));
    assert!(text(&done.stdout).contains(&format!("pl: {polish} closed case(s) kept past 365 days purged")), "{}", text(&done.stdout));
    assert_eq!(count(d, "SELECT COUNT(*) FROM cases"), cases - polish);
    assert_eq!(count(d, "SELECT COUNT(*) FROM past_cases"), polish);
    assert_eq!(count(d, "SELECT COUNT(*) FROM audit_log WHERE action = 'case.purge' AND actor = 'cli'"), polish);
    assert!(run(d, &[], &["audit", "verify"], None).status.success());

    // Mistakes: one line, exit code 1, nothing done.
    for (env, args) in [(&[][..], &["purge", "--everything"][..]), (&[("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")][..], &["purge", "--dry-run"][..])]
    {
        let out = run(d, env, args, None);
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.starts_with("error: "), "{err}");
    }
}

//! Sentinel strings written through the sealed path must not appear in the SQLite file,
//! its write-ahead log, or anything the app logged.

use crate::{
    helpers::{captured_logs, spawn_app, valid_form, with, Backend},
    storage::{open_case_with_receipt, open_sample_case},
};
use embassy_desk::server::staff::passwords;
use secrecy::SecretString;

const NAME: &str = "Канарэйка Сентынелава 7f3a";
const STORY: &str = "CANARY-NARRATIVE-c41d-пашпарт";
const PASSWORD: &str = "CANARY-PASSWORD-e9b0-long-enough";

/// Whether `needle` occurs in `haystack`. The search is std's (built optimised): the
/// captured logs of the whole test binary run to many megabytes, too many for a byte-window
/// loop in an unoptimised test build.
fn contains(haystack: &[u8], needle: &str) -> bool {
    let needle = needle.as_bytes();
    let mut rest = haystack;
    // Valid UTF-8 runs are searched as text; a needle never spans an invalid byte.
    loop {
        match std::str::from_utf8(rest) {
            Ok(text) => return text.contains(std::str::from_utf8(needle).expect("needles are text")),
            Err(e) => {
                let (valid, tail) = rest.split_at(e.valid_up_to());
                if std::str::from_utf8(valid).expect("valid prefix").contains(std::str::from_utf8(needle).expect("needles are text")) {
                    return true;
                }
                rest = &tail[e.error_len().unwrap_or(tail.len()).min(tail.len())..];
                if rest.is_empty() {
                    return false;
                }
            }
        }
    }
}

fn assert_absent(what: &str, bytes: &[u8]) {
    for sentinel in [NAME, STORY, PASSWORD, "Канарэйка", "CANARY-"] {
        assert!(!contains(bytes, sentinel), "{sentinel:?} found in {what}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sentinels_reach_neither_database_files_nor_logs() {
    let app = spawn_app(Backend::Sqlite).await.unwrap();
    let (code, receipt) = embassy_desk::server::cases::receipts::prepare(&app.state.keyring);
    let (id, reference) = open_case_with_receipt(&app, NAME, STORY, Some(&receipt)).await;
    let fields = crate::helpers::read_fields(&app, &id).await.unwrap();
    assert_eq!(fields["requester_name"].as_str(), NAME, "the sentinel went through the sealed path");
    let limits = embassy_desk::server::cases::receipts::Limits::default();
    assert!(embassy_desk::server::cases::receipts::verify(&app.state.db, &app.state.keyring, &limits, &reference, &code).await.is_ok());
    let code_digits = code.digits().to_owned();
    let hash = passwords::hash(SecretString::from(PASSWORD)).await.unwrap();
    let mut tx = app.state.db.begin().await.unwrap();
    embassy_desk::server::db::people::insert(&mut tx, "canary", &hash, embassy_desk::domain::Role::Admin, None).await.unwrap();
    tx.commit().await.unwrap();
    let page = app.client.get(app.url("/")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    // Nothing about the client reaches the logs: not the query string, the user agent or
    // a forwarded address, not even for a refused or failing request.
    for path in ["/?q=CANARY-QUERY-51aa", "/api/health?CANARY-QUERY-51aa=1", "/no/such/CANARY-PATH-77"] {
        app.client.get(app.url(path)).header("user-agent", "CANARY-AGENT-0b1c").header("x-forwarded-for", "203.0.113.77").send().await.unwrap();
    }
    app.client.post(app.url("/?q=CANARY-QUERY-51aa")).header("sec-fetch-site", "cross-site").header("user-agent", "CANARY-AGENT-0b1c").send().await.unwrap();

    let wal = app.dir.path().join("embassy-desk.sqlite-wal");
    let wal_bytes = std::fs::read(&wal).expect("SQLite runs in WAL mode");
    for (what, bytes) in [("the WAL", &wal_bytes), ("the database file", &std::fs::read(app.sqlite_path()).unwrap()), ("the logs", &captured_logs())] {
        assert!(!contains(bytes, &code_digits), "the receipt code is in {what}");
    }
    assert!(!wal_bytes.is_empty() && contains(&wal_bytes, id.as_str()), "the WAL holds the new case's rows");
    assert_absent("the WAL", &wal_bytes);
    assert_absent("the database file", &std::fs::read(app.sqlite_path()).unwrap());

    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(app.state.db.pool()).await.unwrap();
    let db_bytes = std::fs::read(app.sqlite_path()).unwrap();
    assert!(contains(&db_bytes, id.as_str()), "after a checkpoint the case is in the main file");
    assert_absent("the checkpointed database file", &db_bytes);

    let logs = captured_logs();
    assert!(contains(&logs, "served"), "request logs were captured");
    assert_absent("the logs", &logs);
    assert!(!contains(&logs, "203.0.113.77") && !contains(&logs, "127.0.0.1:"), "no client address in the logs");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shredded_case_key_leaves_neither_database_file_nor_wal() {
    let app = spawn_app(Backend::Sqlite).await.unwrap();
    let id = open_sample_case(&app, NAME, STORY).await;
    let wrapped: Vec<u8> =
        sqlx::query_scalar("SELECT wrapped FROM case_keys WHERE case_id = $1").bind(id.as_str()).fetch_one(app.state.db.pool()).await.unwrap();
    let files = || {
        let mut bytes = std::fs::read(app.sqlite_path()).unwrap();
        bytes.extend(std::fs::read(app.dir.path().join("embassy-desk.sqlite-wal")).unwrap_or_default());
        bytes
    };
    assert!(files().windows(wrapped.len()).any(|w| w == wrapped), "the wrapped key is on disk before the shred");
    embassy_desk::server::follow_up::delete_request(&app.state.db, &app.state.keyring, &id).await.unwrap();
    assert!(!files().windows(wrapped.len()).any(|w| w == wrapped), "the wrapped key is gone from the file and the WAL");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sentinels_reach_no_postgres_row() {
    let Some(app) = spawn_app(Backend::Postgres).await else { return };
    let id = open_sample_case(&app, NAME, STORY).await;
    let fields = crate::helpers::read_fields(&app, &id).await.unwrap();
    assert_eq!(fields["narrative"].as_str(), STORY);
    app.embassy_replies(id.as_str(), "CANARY-REPLY-pg").await;
    let tables = [
        "embassies",
        "queues",
        "people",
        "cases",
        "case_keys",
        "case_fields",
        "case_messages",
        "receipts",
        "requester_sessions",
        "used_form_tokens",
        "throttle",
        "key_checks",
        "audit_log",
        "audit_head",
    ];
    let mut everything = String::new();
    for table in tables {
        let rows: Option<String> = sqlx::query_scalar(&format!("SELECT string_agg(t::text, ' ') FROM {table} t")).fetch_one(app.state.db.pool()).await.unwrap();
        everything.push_str(&rows.unwrap_or_default());
    }
    assert!(everything.contains(id.as_str()), "the dump holds the case");
    let hex = |s: &str| s.bytes().map(|b| format!("{b:02x}")).collect::<String>();
    for sentinel in [NAME, STORY, "Канарэйка", "CANARY-"] {
        assert!(!everything.contains(sentinel) && !everything.contains(&hex(sentinel)), "{sentinel:?} in a row");
    }
}

/// The whole requester path over HTTP — intake, sign-in, reply, a refused reply — leaves no
/// sentinel in the database files, the WAL or the logs, and no code or reference in a URL.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requester_path_leaves_no_plaintext_behind() {
    let app = spawn_app(Backend::Sqlite).await.unwrap();
    let form = with(with(with(valid_form(), "name", NAME), "description", STORY), "contact_handle", "@CANARY_handle_9");
    let page = app.post_intake(&form).await;
    assert_eq!(page.status, 201);
    let (reference, code) = (page.text_of("receipt-reference").unwrap(), page.text_of("receipt-code").unwrap());
    let login = app.post_follow_up_login(&reference, &code).await;
    let cookie = format!("followup={}", login.cookie("followup").unwrap());
    assert!(!login.location.unwrap_or_default().contains(&reference));
    assert_eq!(app.post_message(&cookie, "reply", "CANARY-REPLY-31f0").await.status, 303);
    let refused = app.post_message(&cookie, "reply", &format!("CANARY-LONG-{}", "x".repeat(5000))).await;
    assert_eq!(refused.status, 422);

    let mut files = std::fs::read(app.sqlite_path()).unwrap();
    files.extend(std::fs::read(app.dir.path().join("embassy-desk.sqlite-wal")).unwrap_or_default());
    assert_absent("the database files", &files);
    let logs = captured_logs();
    assert_absent("the logs", &logs);
    for secret in [code.as_str(), &code.replace('-', ""), reference.as_str(), "CANARY_handle"] {
        assert!(!contains(&logs, secret), "{secret} in the logs");
        assert!(!contains(&files, secret) || secret == reference, "{secret} in the database files");
    }
}

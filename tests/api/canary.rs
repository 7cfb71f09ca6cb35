//! Sentinel strings written through the sealed path must not appear in the SQLite file,
//! its write-ahead log, or anything the app logged.

use crate::{
    helpers::{captured_logs, fixture, spawn_app, valid_form, with, Backend, Upload},
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
    let mut form = with(with(with(valid_form(), "name", NAME), "description", STORY), "contact_handle", "@CANARY_handle_9");
    // A document number: sealed with the answers; only a keyed index of it is kept for
    // finding duplicates, never the number.
    form.extend([("categories", "documents".to_owned()), ("document_kind", "passport_expired".to_owned()), ("document_number", "CANARYDOC4417".to_owned())]);
    let page = app.post_intake(&form).await;
    assert_eq!(page.status, 201);
    assert_eq!(app.count("SELECT COUNT(*) FROM case_look_ups").await, 2, "the contact and the document number are indexed");
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
    for secret in [code.as_str(), &code.replace('-', ""), reference.as_str(), "CANARY_handle", "canary_handle", "CANARYDOC4417"] {
        assert!(!contains(&logs, secret), "{secret} in the logs");
        assert!(!contains(&files, secret) || secret == reference, "{secret} in the database files");
    }
}

/// A one-page PDF whose page shows `text` in an uncompressed content stream (so the string
/// is plain in the file as sent and as stored before sealing), with `author` in its Info.
fn pdf_showing(text: &str, author: &str) -> Vec<u8> {
    use lopdf::{content::Content, content::Operation, dictionary, Document, Object, Stream};
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! { "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica" });
    let resources_id = doc.add_object(dictionary! { "Font" => dictionary! { "F1" => font_id } });
    let operations = vec![
        Operation::new("BT", vec![]),
        Operation::new("Tf", vec!["F1".into(), 12.into()]),
        Operation::new("Td", vec![50.into(), 700.into()]),
        Operation::new("Tj", vec![Object::string_literal(text)]),
        Operation::new("ET", vec![]),
    ];
    let content_id = doc.add_object(Stream::new(dictionary! {}, Content { operations }.encode().unwrap()));
    let page_id = doc.add_object(dictionary! { "Type" => "Page", "Parent" => pages_id, "Contents" => content_id });
    let pages = dictionary! {
        "Type" => "Pages",
        "Kids" => vec![page_id.into()],
        "Count" => 1,
        "Resources" => resources_id,
        "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
    };
    doc.objects.insert(pages_id, Object::Dictionary(pages));
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    let info_id = doc.add_object(dictionary! { "Author" => Object::string_literal(author) });
    doc.trailer.set("Info", info_id);
    let mut bytes = Vec::new();
    doc.save_to(&mut bytes).unwrap();
    bytes
}

/// Every file under `dir` (two levels deep) changed since `since`.
fn files_changed_since(dir: &std::path::Path, since: std::time::SystemTime, depth: u8, out: &mut Vec<(String, Vec<u8>)>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(meta) = entry.metadata() else { continue };
        if meta.is_dir() && depth > 0 {
            files_changed_since(&path, since, depth - 1, out);
        } else if meta.is_file() && meta.len() < 64 << 20 && meta.modified().is_ok_and(|m| m >= since) {
            if let Ok(bytes) = std::fs::read(&path) {
                out.push((path.display().to_string(), bytes));
            }
        }
    }
}

/// Documents through the whole path over HTTP: a text and a PDF whose page shows a sentinel
/// (plain in the file) with the intake form, a PNG with sentinels in its text chunks from the
/// follow-up page, each under a sentinel file name; then downloaded. The text and the PDF's
/// string come back whole (they went through the sealed path), yet no sentinel, no file name
/// and no removed metadata is in the database file, the WAL, the logs, or any file written
/// meanwhile in the data directory or the temp directory.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn document_bytes_and_names_stay_sealed() {
    let started = std::time::SystemTime::now() - std::time::Duration::from_secs(1);
    let app = spawn_app(Backend::Sqlite).await.unwrap();
    let text = "CANARY-DOCTEXT-8c2f пашпарт\n".repeat(3);
    let files = [
        Upload { name: "CANARY-DOCNAME-note-5d1e.txt", bytes: text.clone().into_bytes() },
        Upload { name: "CANARY-DOCNAME-letter-5d1e.pdf", bytes: pdf_showing("CANARY-DOCPDF-a7b3", "CANARY-DOCAUTHOR-19e4") },
    ];
    assert!(files[1].bytes.windows(18).any(|w| w == b"CANARY-DOCPDF-a7b3"), "the PDF's string is plain in the file");
    let page = app.post_intake_with_files(&valid_form(), &files).await;
    assert_eq!(page.status, 201, "{}", page.body);
    let (reference, code) = (page.text_of("receipt-reference").unwrap(), page.text_of("receipt-code").unwrap());
    let cookie = app.requester_sign_in(&reference, &code).await;
    let token = app.get_thread(&cookie, "en").await.input_value("upload").unwrap();
    let png = Upload { name: "CANARY-DOCNAME-scan-5d1e.png", bytes: fixture("scan.png") };
    assert_eq!(app.post_multipart("/follow-up/documents", &[("upload", &token)], &[png], Some(&cookie)).await.status, 303);

    let thread = app.get_thread(&cookie, "en").await;
    let hrefs: Vec<String> =
        thread.body.match_indices("href=\"/follow-up/documents/").filter_map(|(at, _)| thread.body[at + 6..].split('"').next().map(str::to_owned)).collect();
    assert_eq!(hrefs.len(), 3);
    let mut back = Vec::new();
    for href in &hrefs {
        let download = app.download(href, &cookie).await;
        assert_eq!(download.status, 200);
        back.extend(download.bytes);
    }
    assert!(contains(&back, &text) && contains(&back, "CANARY-DOCPDF-a7b3"), "the sentinels came back through the sealed path");
    assert!(!contains(&back, "CANARY-DOCAUTHOR") && !contains(&back, "PNG-SENTINEL"), "the metadata was removed");

    let mut written = vec![("the logs".to_owned(), captured_logs())];
    files_changed_since(app.dir.path(), started, 2, &mut written);
    files_changed_since(&std::env::temp_dir(), started, 1, &mut written);
    assert!(written.iter().any(|(name, _)| name.ends_with("embassy-desk.sqlite-wal")), "the WAL was read");
    for (what, bytes) in &written {
        for sentinel in ["CANARY-DOC", "PNG-SENTINEL", "scanned at the kitchen table"] {
            assert!(!contains(bytes, sentinel), "{sentinel:?} found in {what}");
        }
    }
}

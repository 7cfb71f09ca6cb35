//! Sealed storage on both backends: round trip, values moved between cases or fields,
//! tampering, unknown key ids, crypto-shredding and the audit chain.

use crate::{
    helpers::{open_case, read_fields, TestApp},
    on_both_backends,
};
use embassy_desk::{
    domain::{AuditAction, CaseId, CaseRef, Category, Priority},
    server::{
        audit::{self, AuditEvent, ChainBreak, Outcome},
        cases::receipts::PreparedReceipt,
        cases::{CaseField, NewCase, ReadError},
        crypto::CryptoError,
        db, follow_up,
    },
};
use zeroize::Zeroizing;

pub async fn open_sample_case(app: &TestApp, name: &str, narrative: &str) -> CaseId {
    open_case_with_receipt(app, name, narrative, None).await.0
}

pub async fn open_case_with_receipt(app: &TestApp, name: &str, narrative: &str, receipt: Option<&PreparedReceipt>) -> (CaseId, CaseRef) {
    let mut tx = app.state.db.begin().await.unwrap();
    let embassy = embassy_desk::server::team::ensure_embassy(&mut tx, &app.state.keyring, "cli", "pl", "PL", "People's Embassy of Belarus in Poland", false)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let new = NewCase {
        embassy_id: embassy.embassy_id.clone(),
        queue_id: embassy.queue_for(Some(Category::Documents)).to_owned(),
        categories: vec![Category::Documents, Category::Housing],
        priority: Priority::High,
        language: "be".into(),
        created_at: db::now(),
        first_response_due_at: Some(db::now() + 24 * 3600),
        fields: vec![(CaseField::RequesterName, Zeroizing::new(name.to_owned())), (CaseField::Narrative, Zeroizing::new(narrative.to_owned()))],
    };
    open_case(app, new, receipt).await
}

async fn read(app: &TestApp, id: &CaseId) -> Result<Vec<(String, String)>, ReadError> {
    read_fields(app, id).await.map(|m| m.into_iter().collect())
}

async fn exec(app: &TestApp, sql: &str, a: &str, b: &str) {
    sqlx::query(sql).bind(a).bind(b).execute(app.state.db.pool()).await.unwrap();
}

async fn sealed_case_values_round_trip(app: TestApp) {
    let id = open_sample_case(&app, "Алеся Каваленка", "Пашпарт скончыўся").await;
    let fields = read(&app, &id).await.unwrap();
    assert_eq!(fields, vec![("narrative".to_string(), "Пашпарт скончыўся".to_string()), ("requester_name".to_string(), "Алеся Каваленка".to_string())]);
    let stored: Vec<u8> = sqlx::query_scalar("SELECT sealed FROM case_fields WHERE case_id = $1 AND name = 'requester_name'")
        .bind(id.as_str())
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    assert!(!stored.windows("Алеся".len()).any(|w| w == "Алеся".as_bytes()));
    assert_eq!(stored[0], 2, "format version: padded");
    assert_eq!(stored.len(), 64 + 45, "a name takes the smallest bucket, whatever its length");
}

async fn value_moved_to_another_case_or_field_fails(app: TestApp) {
    let a = open_sample_case(&app, "Ales", "first story").await;
    let b = open_sample_case(&app, "Hanna", "second story").await;
    // Copy a's name over b's name: the same column, another case.
    exec(&app, "UPDATE case_fields SET sealed = (SELECT sealed FROM case_fields WHERE case_id = $1 AND name = 'requester_name') WHERE case_id = $2 AND name = 'requester_name'", a.as_str(), b.as_str()).await;
    assert!(matches!(read(&app, &b).await, Err(ReadError::Crypto(CryptoError::Forged))));
    // Within one case, swap the name into the narrative row.
    exec(&app, "UPDATE case_fields SET sealed = (SELECT sealed FROM case_fields WHERE case_id = $1 AND name = 'requester_name') WHERE case_id = $2 AND name = 'narrative'", a.as_str(), a.as_str()).await;
    assert!(matches!(read(&app, &a).await, Err(ReadError::Crypto(CryptoError::Forged))));
    // A wrapped key moved to another case does not open either.
    let c = open_sample_case(&app, "Pavel", "third story").await;
    exec(&app, "UPDATE case_keys SET wrapped = (SELECT wrapped FROM case_keys WHERE case_id = $1) WHERE case_id = $2", c.as_str(), b.as_str()).await;
    assert!(matches!(read(&app, &b).await, Err(ReadError::Crypto(CryptoError::Forged))));
    assert!(read(&app, &c).await.is_ok());
}

async fn tampered_or_unknown_key_values_are_errors(app: TestApp) {
    let id = open_sample_case(&app, "Ales", "story").await;
    let key_sql = "SELECT wrapped FROM case_keys WHERE case_id = $1";
    let wrapped: Vec<u8> = sqlx::query_scalar(key_sql).bind(id.as_str()).fetch_one(app.state.db.pool()).await.unwrap();
    for (byte, expected) in [(0usize, CryptoError::UnknownVersion(3)), (4, CryptoError::UnknownKeyId(0)), (40, CryptoError::Forged)] {
        let mut changed = wrapped.clone();
        changed[byte] = match byte {
            0 => 3,
            4 => 0,
            _ => changed[byte] ^ 0x01,
        };
        let expected = if byte == 4 { CryptoError::UnknownKeyId(u32::from_be_bytes([wrapped[1], wrapped[2], wrapped[3], 0])) } else { expected };
        sqlx::query("UPDATE case_keys SET wrapped = $1 WHERE case_id = $2").bind(changed).bind(id.as_str()).execute(app.state.db.pool()).await.unwrap();
        match read(&app, &id).await {
            Err(ReadError::Crypto(e)) => assert_eq!(e, expected),
            other => panic!("byte {byte}: expected {expected:?}, got {:?}", other.map(|_| "plaintext")),
        }
    }
}

async fn shredded_case_cannot_be_read_again(app: TestApp) {
    let id = open_sample_case(&app, "Ales", "story").await;
    let other = open_sample_case(&app, "Hanna", "story").await;
    follow_up::delete_request(&app.state.db, &app.state.keyring, &id).await.unwrap();
    assert!(matches!(read(&app, &id).await, Err(ReadError::Gone)));
    let keys: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM case_keys WHERE case_id = $1").bind(id.as_str()).fetch_one(app.state.db.pool()).await.unwrap();
    let fields: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM case_fields WHERE case_id = $1").bind(id.as_str()).fetch_one(app.state.db.pool()).await.unwrap();
    assert_eq!((keys, fields), (0, 0));
    assert!(read(&app, &other).await.is_ok(), "other cases are untouched");
}

async fn audit_chain_records_writes_and_detects_edits(app: TestApp) {
    let id = open_sample_case(&app, "Ales", "story").await;
    open_sample_case(&app, "Hanna", "story").await;
    follow_up::delete_request(&app.state.db, &app.state.keyring, &id).await.unwrap();
    let verify = || async { audit::verify(&app.state.db, &app.state.keyring).await.unwrap() };
    assert!(read(&app, &id).await.is_err());
    assert_eq!(verify().await, Ok(7));
    let rows: Vec<(String, String)> = sqlx::query_as("SELECT action, outcome FROM audit_log ORDER BY seq").fetch_all(app.state.db.pool()).await.unwrap();
    let expected = [
        ("key.add", "ok"),
        ("embassy.create", "ok"),
        ("embassy.create", "ok"),
        ("case.open", "ok"),
        ("case.open", "ok"),
        ("case.delete.requester", "ok"),
        ("case.view", "not_found"),
    ];
    assert_eq!(rows, expected.map(|(a, o)| (a.to_string(), o.to_string())));

    sqlx::query("UPDATE audit_log SET outcome = 'denied' WHERE seq = 5").execute(app.state.db.pool()).await.unwrap();
    assert_eq!(verify().await, Err(ChainBreak::BadMac { seq: 5 }));
    sqlx::query("UPDATE audit_log SET outcome = 'ok' WHERE seq = 5").execute(app.state.db.pool()).await.unwrap();
    assert_eq!(verify().await, Ok(7));
    // Swap two rows' contents (reordering).
    sqlx::query("UPDATE audit_log SET seq = 100 WHERE seq = 4").execute(app.state.db.pool()).await.unwrap();
    sqlx::query("UPDATE audit_log SET seq = 4 WHERE seq = 5").execute(app.state.db.pool()).await.unwrap();
    sqlx::query("UPDATE audit_log SET seq = 5 WHERE seq = 100").execute(app.state.db.pool()).await.unwrap();
    assert_eq!(verify().await, Err(ChainBreak::BadMac { seq: 4 }));
    sqlx::query("UPDATE audit_log SET seq = 100 WHERE seq = 4").execute(app.state.db.pool()).await.unwrap();
    sqlx::query("UPDATE audit_log SET seq = 4 WHERE seq = 5").execute(app.state.db.pool()).await.unwrap();
    sqlx::query("UPDATE audit_log SET seq = 5 WHERE seq = 100").execute(app.state.db.pool()).await.unwrap();
    assert_eq!(verify().await, Ok(7));
    // The head set back a row: the last row is past it.
    sqlx::query("UPDATE audit_head SET seq = 6, mac = (SELECT mac FROM audit_log WHERE seq = 6) WHERE id = 1").execute(app.state.db.pool()).await.unwrap();
    assert_eq!(verify().await, Err(ChainBreak::BeyondHead { last: 7, head: 6 }));
    sqlx::query("UPDATE audit_head SET seq = 7, mac = (SELECT mac FROM audit_log WHERE seq = 7) WHERE id = 1").execute(app.state.db.pool()).await.unwrap();
    assert_eq!(verify().await, Ok(7));
    sqlx::query("DELETE FROM audit_log WHERE seq = 7").execute(app.state.db.pool()).await.unwrap();
    assert_eq!(verify().await, Err(ChainBreak::Truncated { last: 6, head: 7 }));
    sqlx::query("DELETE FROM audit_log WHERE seq = 4").execute(app.state.db.pool()).await.unwrap();
    assert_eq!(verify().await, Err(ChainBreak::Gap { expected: 4, found: 5 }));
}

async fn concurrent_case_openings_all_land_with_an_unbroken_chain(app: TestApp) {
    let app = std::sync::Arc::new(app);
    let tasks: Vec<_> = (0..16)
        .map(|i| {
            let app = app.clone();
            tokio::spawn(async move { open_sample_case(&app, &format!("person {i}"), "story").await })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    // Sixteen openings, the embassy created once, the default desk and the key recorded at
    // start-up.
    assert_eq!(audit::verify(&app.state.db, &app.state.keyring).await.unwrap(), Ok(19));
}

async fn seeded_cases_are_sealed_and_routed_like_intake(app: TestApp) {
    embassy_desk::server::seed::run(&app.state.db, &app.state.keyring, 120, &["pl".into(), "de".into()]).await.unwrap();
    let pool = app.state.db.pool();
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM cases").fetch_one(pool).await.unwrap();
    assert_eq!(count, 120);
    let queues: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM queues q JOIN embassies e ON e.id = q.embassy_id WHERE e.code IN ('pl', 'de')").fetch_one(pool).await.unwrap();
    assert_eq!(queues, 2 * 7, "a general queue and one per category, per embassy");
    let misrouted: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM cases c JOIN queues q ON q.id = c.queue_id WHERE q.embassy_id <> c.embassy_id").fetch_one(pool).await.unwrap();
    assert_eq!(misrouted, 0);
    let ids: Vec<String> = sqlx::query_scalar("SELECT id FROM cases ORDER BY reference LIMIT 5").fetch_all(pool).await.unwrap();
    for id in ids {
        let fields = read(&app, &CaseId::parse(&id).unwrap()).await.unwrap();
        let names: Vec<&str> = fields.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(names, ["answers", "city", "contact", "narrative", "requester_name"]);
        assert!(fields.iter().all(|(_, v)| !v.is_empty()));
    }
}

on_both_backends!(
    seeded_cases_are_sealed_and_routed_like_intake,
    sealed_case_values_round_trip,
    value_moved_to_another_case_or_field_fails,
    tampered_or_unknown_key_values_are_errors,
    shredded_case_cannot_be_read_again,
    audit_chain_records_writes_and_detects_edits,
    concurrent_case_openings_all_land_with_an_unbroken_chain,
    events_recorded_alone_keep_the_chain_beside_other_writers,
    a_request_cut_off_leaves_its_connection_clean,
);

/// A request dropped halfway (its client gone) gives its connection back to the pool as it
/// stands (on SQLite with no check before its next use). The next request on it must find no
/// transaction still open and none of the cut-off statement's rows.
/// Its rows are counts of the current window, which the server's pruning keeps.
async fn a_request_cut_off_leaves_its_connection_clean(app: TestApp) {
    let db = &app.state.db;
    {
        let mut held = db.acquire().await.unwrap();
        let mut tx = db.begin_on(&mut held).await.unwrap();
        sqlx::query("INSERT INTO throttle (scope, window_start, count) VALUES ('cut-off', $1, 1)").bind(db::now()).execute(&mut *tx).await.unwrap();
        drop(tx);
    }
    {
        let mut held = db.acquire().await.unwrap();
        let mut tx = db.begin_on(&mut held).await.expect("no transaction is left open on the connection");
        let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM throttle WHERE scope = 'cut-off'").fetch_one(&mut *tx).await.unwrap();
        assert_eq!(left, 0, "the dropped transaction was rolled back");
        tx.commit().await.unwrap();
        // Read the first of five million rows, then drop the rest unread.
        let mut counting =
            sqlx::query_scalar::<_, i64>("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000000) SELECT CAST(i AS BIGINT) FROM n")
                .fetch(&mut *held);
        assert_eq!(futures::StreamExt::next(&mut counting).await.map(Result::unwrap), Some(1), "the statement is cut off after its first row");
    }
    let mut held = db.acquire().await.unwrap();
    let answer: i64 = sqlx::query_scalar("SELECT 42").fetch_one(&mut *held).await.unwrap();
    assert_eq!(answer, 42, "the next statement reads its own answer, not the cut-off one's rows");
    let mut tx = db.begin_on(&mut held).await.unwrap();
    sqlx::query("INSERT INTO throttle (scope, window_start, count) VALUES ('after', $1, 1)").bind(db::now()).execute(&mut *tx).await.unwrap();
    tx.commit().await.unwrap();
    drop(held);
    let written: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM throttle WHERE scope = 'after'").fetch_one(db.pool()).await.unwrap();
    assert_eq!(written, 1);
}

/// Views, lists and exports record their event alone, in a transaction of their own. Changes' transactions, a rolled-back change, and another
/// handle on the same database (as the command line is) append in between, one at a time
/// and all at once: every event lands once, numbered in order, and the chain verifies.
async fn events_recorded_alone_keep_the_chain_beside_other_writers(app: TestApp) {
    let (db, keyring) = (&app.state.db, &app.state.keyring);
    let other = db::Db::connect(&app.state.config.database_url, app.state.config.backend).await.unwrap();
    let start = audit::verify(db, keyring).await.unwrap().unwrap();
    let event = |action| AuditEvent::new("person:someone", action, Some("object"), Outcome::Ok);
    let in_transaction = |action: AuditAction, commit: bool| async move {
        let mut tx = db.begin().await.unwrap();
        let seq = audit::append(&mut tx, keyring, &event(action)).await.unwrap();
        if commit {
            tx.commit().await.unwrap();
        } else {
            tx.rollback().await.unwrap();
        }
        seq
    };
    let mut numbers = vec![audit::record(db, &mut db.acquire().await.unwrap(), keyring, &event(AuditAction::CaseView)).await.unwrap()];
    numbers.push(in_transaction(AuditAction::CaseNoteAdd, true).await);
    numbers.push(audit::record(&other, &mut other.acquire().await.unwrap(), keyring, &event(AuditAction::CaseView)).await.unwrap());
    numbers.push(audit::record(db, &mut db.acquire().await.unwrap(), keyring, &event(AuditAction::CaseList)).await.unwrap());
    in_transaction(AuditAction::CaseStatus, false).await;
    numbers.push(audit::record(db, &mut db.acquire().await.unwrap(), keyring, &event(AuditAction::CaseView)).await.unwrap());
    numbers.push(audit::record(db, &mut db.acquire().await.unwrap(), keyring, &event(AuditAction::CaseView)).await.unwrap());
    assert_eq!(numbers, (start + 1..=start + 6).collect::<Vec<_>>());
    assert_eq!(audit::verify(db, keyring).await.unwrap(), Ok(start + 6));

    let alone = (0..30).map(|i| {
        let handle = if i % 3 == 0 { &other } else { db };
        async move { audit::record(handle, &mut handle.acquire().await.unwrap(), keyring, &event(AuditAction::CaseView)).await }
    });
    let changes = (0..10).map(|_| in_transaction(AuditAction::CaseNoteAdd, true));
    let (alone, changes) = futures::future::join(futures::future::join_all(alone), futures::future::join_all(changes)).await;
    let mut numbers: Vec<i64> = alone.into_iter().map(Result::unwrap).chain(changes).collect();
    numbers.sort_unstable();
    assert_eq!(numbers, (start + 7..=start + 46).collect::<Vec<_>>());
    assert_eq!(audit::verify(db, keyring).await.unwrap(), Ok(start + 46));
    let (head, rows): (i64, i64) = (
        sqlx::query_scalar("SELECT seq FROM audit_head").fetch_one(db.pool()).await.unwrap(),
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log").fetch_one(db.pool()).await.unwrap(),
    );
    assert_eq!((head, rows), (start + 46, start + 46));
}

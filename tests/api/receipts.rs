//! Coming back with a reference and secret code: the right code opens, always; wrong codes and
//! unknown references get the same refusal no sooner than a fixed time; wrong codes are
//! slowed per reference; unknown references write nothing; and the code is stored only as
//! an HMAC tag with the id of its key.

use crate::{helpers::TestApp, on_both_backends, storage::open_case_with_receipt};
use embassy_desk::{
    domain::{CaseRef, ReceiptCode},
    server::{
        cases::receipts::{self, FollowUpError, Limits},
        config::Backend,
        db::throttle::{self, Limit},
    },
};
use std::time::{Duration, Instant};

/// The default limits without the minimum answer time, for the tests of everything else.
fn quick() -> Limits {
    Limits { min_answer: Duration::ZERO, ..Limits::default() }
}

async fn verify(app: &TestApp, limits: &Limits, reference: &CaseRef, code: &ReceiptCode) -> Result<String, FollowUpError> {
    receipts::verify(&app.state.db, &app.state.keyring, limits, reference, code).await.map(|id| id.to_string())
}

fn other_code(code: &ReceiptCode) -> ReceiptCode {
    let mut digits = code.digits().to_owned();
    let last = if digits.ends_with('0') { "1" } else { "0" };
    digits.replace_range(24.., last);
    ReceiptCode::parse(&digits).unwrap()
}

async fn requester_comes_back_with_reference_and_code(app: TestApp) {
    let (code, prepared) = receipts::prepare(&app.state.keyring);
    let (case_id, reference) = open_case_with_receipt(&app, "Ales", "story", Some(&prepared)).await;
    let limits = quick();
    assert_eq!(verify(&app, &limits, &reference, &code).await.unwrap(), case_id.to_string());
    // Typed as people type it.
    let typed = ReceiptCode::parse(&code.to_string().replace('-', " ")).unwrap();
    let lower_ref = CaseRef::parse(&reference.as_str().to_lowercase()).unwrap();
    assert_eq!(verify(&app, &limits, &lower_ref, &typed).await.unwrap(), case_id.to_string());

    assert!(matches!(verify(&app, &limits, &reference, &other_code(&code)).await, Err(FollowUpError::Refused)));
    let unknown = CaseRef::parse("00000-00000").unwrap();
    assert!(matches!(verify(&app, &limits, &unknown, &code).await, Err(FollowUpError::Refused)));

    // The row holds the tag under the key it names, and nothing else of the code.
    let (key_id, tag): (i64, Vec<u8>) =
        sqlx::query_as("SELECT key_id, lookup_tag FROM receipts WHERE case_id = $1").bind(case_id.as_str()).fetch_one(app.state.db.pool()).await.unwrap();
    assert_eq!(Some(tag), app.state.keyring.receipt_tag(u32::try_from(key_id).unwrap(), code.digits().as_bytes()));
    let columns_sql = match app.state.db.backend() {
        Backend::Sqlite => "SELECT name FROM pragma_table_info('receipts') ORDER BY name",
        Backend::Postgres => "SELECT column_name::text FROM information_schema.columns WHERE table_name = 'receipts' ORDER BY column_name",
    };
    let columns: Vec<String> = sqlx::query_scalar(columns_sql).fetch_all(app.state.db.pool()).await.unwrap();
    assert_eq!(columns, ["case_id", "created_at", "key_id", "lookup_tag"]);
    let outcomes: Vec<(String, String)> = sqlx::query_as("SELECT outcome, COALESCE(object_id, '') FROM audit_log WHERE action = 'receipt.verify' ORDER BY seq")
        .fetch_all(app.state.db.pool())
        .await
        .unwrap();
    let id = case_id.to_string();
    let expected = [("ok", id.as_str()), ("ok", id.as_str()), ("failed", "")];
    assert_eq!(outcomes, expected.map(|(o, i)| (o.to_string(), i.to_string())), "a failed attempt names no case; an unknown reference writes nothing");
}

/// Wrong codes for a known reference are slowed once past its limit, but never keep out the
/// right code: whoever floods a reference cannot lock its requester out.
async fn wrong_codes_are_slowed_but_the_right_code_always_opens(app: TestApp) {
    let (code, prepared) = receipts::prepare(&app.state.keyring);
    let (case_id, reference) = open_case_with_receipt(&app, "Ales", "story", Some(&prepared)).await;
    let slowed = Duration::from_millis(400);
    let limits = Limits { per_reference: Limit { max: 3, window_secs: 3600 }, slowed_answer: slowed, ..quick() };
    for _ in 0..40 {
        assert!(matches!(verify(&app, &quick_with(limits), &reference, &other_code(&code)).await, Err(FollowUpError::Refused)));
    }
    let began = Instant::now();
    assert!(matches!(verify(&app, &limits, &reference, &other_code(&code)).await, Err(FollowUpError::Refused)));
    assert!(began.elapsed() >= slowed, "a wrong code past the limit waits");
    assert_eq!(verify(&app, &limits, &reference, &code).await.unwrap(), case_id.to_string(), "the right code opens all the same");
    // A success resets the count: the next wrong code is answered at the usual time again.
    let outcomes: Vec<String> =
        sqlx::query_scalar("SELECT outcome FROM audit_log WHERE action = 'receipt.verify' ORDER BY seq").fetch_all(app.state.db.pool()).await.unwrap();
    assert_eq!(outcomes.iter().filter(|o| *o == "failed").count(), 3);
    assert_eq!(outcomes.iter().filter(|o| *o == "denied").count(), 38, "past the limit, attempts are audited as denied");
    assert_eq!(outcomes.last().map(String::as_str), Some("ok"));
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM throttle").fetch_one(app.state.db.pool()).await.unwrap();
    assert_eq!(count, 0, "the right code cleared the reference's count");
}

/// The same limits without the slowing, so a loop of wrong codes runs fast.
fn quick_with(limits: Limits) -> Limits {
    Limits { slowed_answer: Duration::ZERO, ..limits }
}

/// Unknown references cost a timer: a flood of them writes nothing and leaves no cap used up,
/// so the next requester with a real reference and code gets in.
async fn unknown_references_write_nothing_and_cap_nobody(app: TestApp) {
    let (code, prepared) = receipts::prepare(&app.state.keyring);
    let (case_id, reference) = open_case_with_receipt(&app, "Ales", "story", Some(&prepared)).await;
    let before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log").fetch_one(app.state.db.pool()).await.unwrap();
    for i in 0..1000 {
        let junk = CaseRef::parse(&format!("{:05}-{:05}", i % 100_000, (i * 7919) % 100_000)).unwrap();
        assert!(matches!(verify(&app, &quick(), &junk, &code).await, Err(FollowUpError::Refused)));
    }
    let after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log").fetch_one(app.state.db.pool()).await.unwrap();
    let throttled: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM throttle").fetch_one(app.state.db.pool()).await.unwrap();
    assert_eq!((after - before, throttled), (0, 0), "junk references wrote nothing");
    assert_eq!(verify(&app, &quick(), &reference, &code).await.unwrap(), case_id.to_string());
}

/// Every attempt is answered no sooner than the minimum after it began: a wrong code, an
/// unknown reference and the right code alike, whatever each costs the server.
async fn wrong_and_unknown_codes_take_the_same_minimum_time(app: TestApp) {
    let (code, prepared) = receipts::prepare(&app.state.keyring);
    let (_, reference) = open_case_with_receipt(&app, "Ales", "story", Some(&prepared)).await;
    let minimum = Duration::from_millis(300);
    let limits = Limits { min_answer: minimum, ..Limits::default() };
    let unknown = CaseRef::parse("00000-00000").unwrap();
    let wrong = other_code(&code);
    for (what, reference, code, refused) in
        [("wrong code", &reference, &wrong, true), ("unknown reference", &unknown, &code, true), ("right code", &reference, &code, false)]
    {
        let began = Instant::now();
        let answer = verify(&app, &limits, reference, code).await;
        let took = began.elapsed();
        assert_eq!(matches!(answer, Err(FollowUpError::Refused)), refused, "{what}");
        assert!(took >= minimum, "{what} answered after {took:?}");
    }
}

async fn throttle_windows_open_with_the_first_attempt(app: TestApp) {
    let limit = Limit { max: 3, window_secs: 900 };
    let mut hits = Vec::new();
    // Attempts just before and just after a quarter hour on the clock share one window.
    for at in [1_800_000_897, 1_800_000_898, 1_800_000_899, 1_800_000_901] {
        let mut tx = app.state.db.begin().await.unwrap();
        hits.push(throttle::hit(&mut tx, "test:boundary", limit, at).await.unwrap());
        tx.commit().await.unwrap();
    }
    assert_eq!(hits, [true, true, true, false], "crossing a clock boundary gives no fresh attempts");
    // The window ends 900 s after its first attempt, and the count starts again.
    let mut tx = app.state.db.begin().await.unwrap();
    assert!(!throttle::hit(&mut tx, "test:boundary", limit, 1_800_000_897 + 899).await.unwrap());
    assert!(throttle::hit(&mut tx, "test:boundary", limit, 1_800_000_897 + 900).await.unwrap());
    assert!(throttle::hit(&mut tx, "test:boundary", limit, 1_800_000_897 + 901).await.unwrap());
    tx.commit().await.unwrap();
}

on_both_backends!(
    throttle_windows_open_with_the_first_attempt,
    requester_comes_back_with_reference_and_code,
    wrong_codes_are_slowed_but_the_right_code_always_opens,
    unknown_references_write_nothing_and_cap_nobody,
    wrong_and_unknown_codes_take_the_same_minimum_time,
);

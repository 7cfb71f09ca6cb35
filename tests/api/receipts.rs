//! Coming back with a reference and secret code: the right code opens, wrong codes and
//! unknown references get the same refusal, attempts are throttled per reference and
//! globally, and the code is stored only as an HMAC and a hash.

use crate::{helpers::TestApp, on_both_backends, storage::open_case_with_receipt};
use embassy_desk::{
    domain::{CaseRef, ReceiptCode},
    server::{
        cases::receipts::{self, FollowUpError, Limits},
        db::throttle::{self, Limit},
    },
};

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
    let (code, prepared) = receipts::prepare(&app.state.keyring).await.unwrap();
    let (case_id, reference) = open_case_with_receipt(&app, "Ales", "story", Some(&prepared)).await;
    let limits = Limits::default();
    assert_eq!(verify(&app, &limits, &reference, &code).await.unwrap(), case_id.to_string());
    // Typed as people type it.
    let typed = ReceiptCode::parse(&code.to_string().replace('-', " ")).unwrap();
    let lower_ref = CaseRef::parse(&reference.as_str().to_lowercase()).unwrap();
    assert_eq!(verify(&app, &limits, &lower_ref, &typed).await.unwrap(), case_id.to_string());

    assert!(matches!(verify(&app, &limits, &reference, &other_code(&code)).await, Err(FollowUpError::Refused)));
    let unknown = CaseRef::parse("00000-00000").unwrap();
    assert!(matches!(verify(&app, &limits, &unknown, &code).await, Err(FollowUpError::Refused)));

    let stored: (Vec<u8>, String) =
        sqlx::query_as("SELECT lookup_tag, code_hash FROM receipts WHERE case_id = $1").bind(case_id.as_str()).fetch_one(app.state.db.pool()).await.unwrap();
    assert_eq!(stored.0.len(), 32);
    assert!(stored.1.starts_with("$argon2id$") && !stored.1.contains(code.digits()));
    let outcomes: Vec<(String, String)> = sqlx::query_as("SELECT outcome, COALESCE(object_id, '') FROM audit_log WHERE action = 'receipt.verify' ORDER BY seq")
        .fetch_all(app.state.db.pool())
        .await
        .unwrap();
    let id = case_id.to_string();
    let expected = [("ok", id.as_str()), ("ok", id.as_str()), ("failed", ""), ("failed", "")];
    assert_eq!(outcomes, expected.map(|(o, i)| (o.to_string(), i.to_string())), "a failed attempt names no case");
}

async fn attempts_are_throttled_per_reference_known_or_not(app: TestApp) {
    let (code, prepared) = receipts::prepare(&app.state.keyring).await.unwrap();
    let (_, reference) = open_case_with_receipt(&app, "Ales", "story", Some(&prepared)).await;
    let limits = Limits { per_reference: Limit { max: 3, window_secs: 3600 }, ..Limits::default() };
    let unknown = CaseRef::parse("00000-00000").unwrap();
    for target in [&reference, &unknown] {
        for _ in 0..3 {
            assert!(matches!(verify(&app, &limits, target, &other_code(&code)).await, Err(FollowUpError::Refused)));
        }
        assert!(matches!(verify(&app, &limits, target, &other_code(&code)).await, Err(FollowUpError::Throttled)), "{target}");
    }
    // Even the right code waits out the window once the reference is throttled…
    assert!(matches!(verify(&app, &limits, &reference, &code).await, Err(FollowUpError::Throttled)));
    // …while another reference is unaffected, and a success resets the count.
    let (code2, prepared2) = receipts::prepare(&app.state.keyring).await.unwrap();
    let (_, reference2) = open_case_with_receipt(&app, "Hanna", "story", Some(&prepared2)).await;
    for _ in 0..2 {
        assert!(verify(&app, &limits, &reference2, &other_code(&code2)).await.is_err());
    }
    assert!(verify(&app, &limits, &reference2, &code2).await.is_ok());
    for _ in 0..3 {
        assert!(matches!(verify(&app, &limits, &reference2, &other_code(&code2)).await, Err(FollowUpError::Refused)));
    }
}

async fn attempts_are_throttled_globally(app: TestApp) {
    let limits = Limits { global: Limit { max: 4, window_secs: 3600 }, ..Limits::default() };
    let (code, _) = receipts::prepare(&app.state.keyring).await.unwrap();
    for i in 0..4 {
        let reference = CaseRef::parse(&format!("0000{i}-00000")).unwrap();
        assert!(matches!(verify(&app, &limits, &reference, &code).await, Err(FollowUpError::Refused)));
    }
    let fresh = CaseRef::parse("11111-11111").unwrap();
    assert!(matches!(verify(&app, &limits, &fresh, &code).await, Err(FollowUpError::Throttled)));
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
    attempts_are_throttled_per_reference_known_or_not,
    attempts_are_throttled_globally,
);

//! Signing in: wrong passwords and unknown logins get the same refusal, failures throttle
//! their account only, and each second-factor code works once.

use crate::{
    helpers::{TestApp, PASSWORD},
    on_both_backends,
};
use embassy_desk::domain::Role;

on_both_backends!(sign_in_refuses_alike_and_throttles_per_account, second_factor_codes_are_single_use);

async fn sign_in_refuses_alike_and_throttles_per_account(app: TestApp) {
    let admin = app.add_person("root", Role::Admin, None, &[]).await;
    let wrong = app.post_desk_login("root", "not the password at all").await;
    let unknown = app.post_desk_login("nobody", "not the password at all").await;
    assert_eq!((wrong.status, unknown.status), (422, 422));
    assert_eq!(wrong.text_of("login-notice"), unknown.text_of("login-notice"), "same words for both");
    assert!(wrong.text_of("login-notice").is_some());
    assert_eq!(wrong.input_value("login").as_deref(), Some("root"), "the login is kept");
    let empty = app.post_desk_login("", "").await;
    assert_eq!(empty.status, 422);
    assert!(empty.body.contains("aria-invalid=\"true\""));
    for _ in 0..4 {
        app.post_desk_login("root", "guess guess guess").await;
    }
    // Five failures for this account: even the right password waits now.
    assert_eq!(app.post_desk_login("root", PASSWORD).await.status, 429);
    // Another account is not affected.
    let other = app.add_person("other", Role::Admin, None, &[]).await;
    app.sign_in("other", &other).await;
    let failed: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'login.password' AND outcome = 'failed' AND object_id = $1")
        .bind(&admin)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(failed, 5);
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'login.password' AND outcome = 'denied'").await, 1);
}

async fn second_factor_codes_are_single_use(app: TestApp) {
    let admin = app.add_person("root", Role::Admin, None, &[]).await;
    app.sign_in("root", &admin).await;
    // Steps counted from the code that enrolled, not from the clock: a step boundary may
    // fall between the enrolment and here.
    let used = app.last_used_step(&admin).await;
    let half = app.post_desk_login("root", PASSWORD).await.desk_cookie();
    // The code that enrolled is spent; the one before it too.
    assert_eq!(app.post_second_factor(&half, &app.code_at_step(&admin, used).await).await.status, 422, "replayed");
    assert_eq!(app.post_second_factor(&half, &app.code_at_step(&admin, used - 1).await).await.status, 422, "older");
    assert_eq!(app.post_second_factor(&half, "12ab56").await.status, 422);
    // The next step's code (a clock slightly ahead) works once.
    let ok = app.post_second_factor(&half, &app.code_at_step(&admin, used + 1).await).await;
    assert_eq!(ok.status, 303, "{}", ok.body);
}

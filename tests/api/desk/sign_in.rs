//! Signing in: wrong passwords and unknown logins get the same refusal; unknown logins cost
//! a timer and write nothing; failures guard their account only, and never keep out the
//! person who has both the password and the code; each second-factor code works once.

use crate::{
    helpers::{TestApp, PASSWORD},
    on_both_backends,
};
use embassy_desk::domain::Role;

on_both_backends!(
    sign_in_refuses_alike_and_unknown_logins_write_nothing,
    failures_of_others_never_keep_the_owner_out,
    second_factor_codes_are_single_use,
    an_account_without_a_factor_stops_taking_guesses,
);

async fn sign_in_refuses_alike_and_unknown_logins_write_nothing(app: TestApp) {
    app.add_person("root", Role::Admin, None, &[]).await;
    let wrong = app.post_desk_login("root", "not the password at all").await;
    let unknown = app.post_desk_login("nobody", "not the password at all").await;
    assert_eq!((wrong.status, unknown.status), (422, 422));
    assert_eq!(wrong.text_of("login-notice"), unknown.text_of("login-notice"), "same words for both");
    assert!(wrong.text_of("login-notice").is_some());
    assert_eq!(wrong.input_value("login").as_deref(), Some("root"), "the login is kept");
    let empty = app.post_desk_login("", "").await;
    assert_eq!(empty.status, 422);
    assert!(empty.body.contains("aria-invalid=\"true\""));
    // A spray of unknown logins: answered alike, and nothing is written for any of them.
    let audit_before = app.count("SELECT COUNT(*) FROM audit_log").await;
    let throttle_before = app.count("SELECT COUNT(*) FROM throttle").await;
    let sprayed = futures::future::join_all((0..40).map(|i| app.post_desk_login_owned(format!("sprayed-{i}"), "guess guess guess"))).await;
    assert!(sprayed.iter().all(|page| page.status == 422 && page.text_of("login-notice") == wrong.text_of("login-notice")));
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log").await, audit_before);
    assert_eq!(app.count("SELECT COUNT(*) FROM throttle").await, throttle_before);
}

async fn failures_of_others_never_keep_the_owner_out(app: TestApp) {
    let admin = app.add_person("root", Role::Admin, None, &[]).await;
    app.sign_in("root", &admin).await;
    let used = app.last_used_step(&admin).await;
    for _ in 0..5 {
        assert_eq!(app.post_desk_login("root", "guess guess guess").await.status, 422);
    }
    // The account is guarded now: a password alone is not checked, right or wrong, and the
    // form asks for the code with it — the same answer for both, so guessing learns nothing.
    let right_alone = app.post_desk_login("root", PASSWORD).await;
    let wrong_alone = app.post_desk_login("root", "guess guess guess").await;
    for page in [&right_alone, &wrong_alone] {
        assert_eq!(page.status, 422);
        assert!(page.body.contains("id=\"code\"") && page.body.contains("name=\"guarded\""), "{}", page.body);
        assert!(page.text_of("login-notice").unwrap().contains("authenticator app"));
    }
    assert_eq!(right_alone.text_of("login-notice"), wrong_alone.text_of("login-notice"));
    // The right password with a wrong code: refused.
    let bad_code = app.post("/desk/login", &[("login", "root"), ("password", PASSWORD), ("guarded", "1"), ("code", "000000")], None).await;
    assert_eq!(bad_code.status, 422);
    // The owner, with both, is in at once and fully signed in.
    let code = app.code_at_step(&admin, used + 1).await;
    let ok = app.post("/desk/login", &[("login", "root"), ("password", PASSWORD), ("guarded", "1"), ("code", &code)], None).await;
    assert_eq!((ok.status, ok.location.as_deref()), (303, Some("/desk")), "{}", ok.body);
    assert_eq!(app.get_queue(&ok.desk_cookie()).await.status, 200);
    // The code is spent, and the success ended the guard.
    assert_eq!(app.last_used_step(&admin).await, used + 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM throttle").await, 0);
    // Another account was never affected.
    let other = app.add_person("other", Role::Admin, None, &[]).await;
    app.sign_in("other", &other).await;
    let failed: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'login.password' AND outcome = 'failed' AND object_id = $1")
        .bind(&admin)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(failed, 5, "only checked passwords count");
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'login.totp' AND outcome = 'failed'").await, 1);
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

/// An account whose person has not enrolled a second factor yet (an invitation or a reset
/// not finished) has nothing to guard its password with: a right guess would let the
/// guesser enrol a factor of their own. Past the limit its password is not checked at all,
/// right or wrong, until the window ends; other accounts are not affected.
async fn an_account_without_a_factor_stops_taking_guesses(app: TestApp) {
    app.add_person("fresh", Role::Volunteer, None, &[]).await;
    for _ in 0..5 {
        assert_eq!(app.post_desk_login("fresh", "guess guess guess").await.status, 422);
    }
    let right = app.post_desk_login("fresh", PASSWORD).await;
    assert_eq!(right.status, 429, "{}", right.body);
    assert!(right.text_of("login-notice").unwrap().contains("Too many attempts"));
    assert!(right.cookie("desk").is_none(), "no session");
    assert_eq!(app.count("SELECT COUNT(*) FROM staff_sessions").await, 0);
    let failed = app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'login.password' AND outcome = 'failed'").await;
    assert_eq!(failed, 5, "the refused attempt checked nothing");
    let other = app.add_person("other", Role::Admin, None, &[]).await;
    app.sign_in("other", &other).await;
}

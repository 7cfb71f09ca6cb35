//! Invitations: a link shown once, a weak password refused next to its field, enrolment in
//! the second factor (every role), and links that are spent or expired.

use crate::{
    helpers::{captured_log_text, now, TestApp, PASSWORD},
    on_both_backends,
};
use embassy_desk::domain::{Category, Role};

on_both_backends!(invitations_lead_to_a_signed_in_volunteer);

async fn invitations_lead_to_a_signed_in_volunteer(app: TestApp) {
    let pl = app.add_embassy("pl", "PL").await;
    let legal = pl.queue_for(Some(Category::LegalStatus)).to_owned();
    let admin = app.add_person("root", Role::Admin, None, &[]).await;
    let admin = app.sign_in("root", &admin).await;

    // The admin invites a lead; the link is shown once.
    let path = app.invitation(&admin, "lead", &[("embassy", &pl.embassy_id)]).await;
    assert!(path.starts_with("/desk/join/"));
    let token = path.trim_start_matches("/desk/join/").to_owned();
    assert_eq!(app.get(&path, None, Some("en")).await.status, 200);

    // A common password is refused next to its field, the login kept; no person is created.
    let weak = app.post_join(&path, "lena", "password1234", "password1234").await;
    assert_eq!(weak.status, 422);
    assert_eq!(weak.input_value("login").as_deref(), Some("lena"));
    assert!(weak.body.contains("aria-invalid=\"true\""));
    assert!(!weak.body.contains("password1234"), "passwords are never given back");
    assert_eq!(app.count("SELECT COUNT(*) FROM people WHERE login = 'lena'").await, 0);
    assert_eq!(app.post_join(&path, "lena", PASSWORD, "something else entirely").await.status, 422);

    // Accepting leads to enrolment.
    let accepted = app.post_join(&path, "lena", PASSWORD, PASSWORD).await;
    assert_eq!((accepted.status, accepted.location.as_deref()), (303, Some("/desk/second-factor")), "{}", accepted.body);
    let half = accepted.desk_cookie();
    assert_eq!(app.get_queue(&half).await.status, 401, "no desk before the second factor");
    let enrol = app.get_desk(&half, "/desk/second-factor").await;
    assert!(enrol.body.contains("<svg"), "the QR code is drawn on the server");
    let lena: String = sqlx::query_scalar("SELECT id FROM people WHERE login = 'lena'").fetch_one(app.state.db.pool()).await.unwrap();
    let enrolled = app.post_second_factor(&half, &app.current_code(&lena).await).await;
    assert_eq!(enrolled.status, 303);
    let lead = enrolled.desk_cookie();
    assert_ne!(lead, half, "a new session token after the second factor");
    assert_eq!(app.get_queue(&half).await.status, 401, "the half-signed token ended");

    // The link is spent.
    assert_eq!(app.get(&path, None, Some("en")).await.status, 404);
    assert_eq!(app.post_join(&path, "other", PASSWORD, PASSWORD).await.status, 404);

    // The lead invites a volunteer into a queue; leads cannot invite leads.
    assert_eq!(app.post_invite(&lead, "lead", &[("embassy", &pl.embassy_id)]).await.status, 403);
    let path = app.invitation(&lead, "volunteer", &[("queues", &legal)]).await;
    let accepted = app.post_join(&path, "ales", PASSWORD, PASSWORD).await;
    // Volunteers enrol a second factor too before the desk opens.
    assert_eq!((accepted.status, accepted.location.as_deref()), (303, Some("/desk/second-factor")));
    let half = accepted.desk_cookie();
    assert_eq!(app.get_queue(&half).await.status, 401, "no desk before the second factor");
    assert!(app.get_desk(&half, "/desk/second-factor").await.body.contains("<svg"));
    let ales: String = sqlx::query_scalar("SELECT id FROM people WHERE login = 'ales'").fetch_one(app.state.db.pool()).await.unwrap();
    let enrolled = app.post_second_factor(&half, &app.current_code(&ales).await).await;
    assert_eq!(app.get_queue(&enrolled.desk_cookie()).await.status, 200);

    // An expired link is gone.
    let path = app.invitation(&lead, "volunteer", &[("queues", &legal)]).await;
    sqlx::query("UPDATE invitations SET expires_at = $1 WHERE used_at IS NULL").bind(now() - 1).execute(app.state.db.pool()).await.unwrap();
    assert_eq!(app.get(&path, None, Some("en")).await.status, 404);

    let logs = captured_log_text();
    assert!(!logs.contains(&token) && !logs.contains(PASSWORD), "invitation tokens and passwords are never logged");
    let actions: Vec<String> = sqlx::query_scalar("SELECT action FROM audit_log ORDER BY seq").fetch_all(app.state.db.pool()).await.unwrap();
    for expected in ["invitation.create.lead", "invitation.accept", "totp.enrol", "invitation.create.volunteer", "login.password"] {
        assert!(actions.iter().any(|a| a == expected), "{expected} audited: {actions:?}");
    }
    assert_eq!(app.audit_chain().await, Ok(()));
}

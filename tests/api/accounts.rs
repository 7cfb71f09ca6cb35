//! Accounts: every role gives a second factor; a person changes their own password (every
//! other session ends); a lead or admin issues a one-time reset link for a person of their
//! reach, which clears the password and second factor until the person sets both again;
//! the last active admin keeps their role and account.

use crate::{
    helpers::{captured_log_text, now, TestApp, World, PASSWORD},
    on_both_backends,
};
use embassy_desk::{domain::Role, server::team};

on_both_backends!(
    every_role_gives_a_second_factor,
    changing_the_password_ends_every_other_session,
    a_wrong_current_password_changes_nothing,
    a_reset_link_works_once_and_the_person_enrols_again,
    reset_links_expire_and_stay_within_reach,
    the_last_active_admin_is_neither_deactivated_nor_demoted,
);

const NEW_PASSWORD: &str = "seven quiet herons over the river";

async fn password_hash(app: &TestApp, person: &str) -> String {
    sqlx::query_scalar("SELECT password_hash FROM people WHERE id = $1").bind(person).fetch_one(app.state.db.pool()).await.unwrap()
}

async fn has_second_factor(app: &TestApp, person: &str) -> bool {
    let secret: Option<Vec<u8>> = sqlx::query_scalar("SELECT totp_secret FROM people WHERE id = $1").bind(person).fetch_one(app.state.db.pool()).await.unwrap();
    secret.is_some()
}

async fn every_role_gives_a_second_factor(app: TestApp) {
    let w = World::build(&app).await;
    // The switch that let an embassy's volunteers skip it is gone, with its column.
    assert!(sqlx::query("SELECT volunteers_need_totp FROM embassies").fetch_all(app.state.db.pool()).await.is_err());
    let team = app.get_desk(&w.lead_pl, "/desk/team").await;
    assert!(team.status == 200 && !team.body.contains("volunteers_need_totp"), "{}", team.status);
    // A volunteer's password opens only the second step; nothing of the desk before it.
    let volunteer = app.add_person("vol.new", Role::Volunteer, Some(&w.pl.embassy_id), &[&w.legal]).await;
    let page = app.post_desk_login("vol.new", PASSWORD).await;
    assert_eq!((page.status, page.location.as_deref()), (303, Some("/desk/second-factor")));
    let half = page.desk_cookie();
    assert_eq!(app.get_queue(&half).await.status, 401);
    assert_eq!(app.get_desk(&half, "/desk/password").await.status, 401);
    assert_eq!(app.post_take_next(&half).await.location.as_deref(), Some("/desk/login?ended=1"));
    assert_eq!(app.post_password_change(&half, PASSWORD, NEW_PASSWORD, NEW_PASSWORD).await.location.as_deref(), Some("/desk/login?ended=1"));
    // Enrolment opens the desk; the next sign-in asks for a code again.
    assert!(app.get_desk(&half, "/desk/second-factor").await.body.contains("<svg"));
    let done = app.post_second_factor(&half, &app.current_code(&volunteer).await).await;
    assert_eq!((done.status, done.location.as_deref()), (303, Some("/desk")));
    assert_eq!(app.post_desk_login("vol.new", PASSWORD).await.location.as_deref(), Some("/desk/second-factor"));
}

async fn changing_the_password_ends_every_other_session(app: TestApp) {
    let w = World::build(&app).await;
    let me = &w.vol_legal;
    let other_device = app.sign_in("vol.legal", &me.id).await;
    assert_eq!(app.get_queue(&other_device).await.status, 200);
    let page = app.get_desk(me, "/desk/password").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("id=\"password-form\""));
    assert!(app.get_queue(me).await.body.contains("href=\"/desk/password\""), "the desk's header links to it");

    let changed = app.post_password_change(me, PASSWORD, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!((changed.status, changed.location.as_deref()), (303, Some("/desk/password?saved=password")), "{}", changed.body);
    // This browser gets a new token; every earlier one ends, this browser's too.
    let renewed = changed.desk_cookie();
    assert_ne!(renewed, me.cookie);
    assert_eq!(app.get_queue(&renewed).await.status, 200);
    assert_eq!(app.get_queue(&other_device).await.status, 401);
    assert_eq!(app.get_queue(me).await.status, 401);
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM staff_sessions WHERE person_id = '{}'", me.id)).await, 1);
    let saved = app.get_desk(&renewed, "/desk/password?saved=password").await;
    assert!(saved.body.contains("class=\"notice success\""), "{}", saved.body);

    // The old password opens nothing now; the new one does (with the second factor).
    assert_eq!(app.post_desk_login("vol.legal", PASSWORD).await.status, 422);
    let half = app.post_desk_login("vol.legal", NEW_PASSWORD).await;
    assert_eq!(half.location.as_deref(), Some("/desk/second-factor"));
    let full = app.post_second_factor(&half.desk_cookie(), &app.next_code(&me.id).await).await;
    assert_eq!((full.status, full.location.as_deref()), (303, Some("/desk")));
    assert_eq!(app.audited("person.password_change", &me.id).await, 1);
    assert!(!captured_log_text().contains(NEW_PASSWORD), "passwords are never logged");
    assert_eq!(app.audit_chain().await, Ok(()));
}

async fn a_wrong_current_password_changes_nothing(app: TestApp) {
    let w = World::build(&app).await;
    let me = &w.vol_housing;
    let other_device = app.sign_in("vol.housing", &me.id).await;
    let before = password_hash(&app, &me.id).await;
    let wrong = app.post_password_change(me, "not my password at all", NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(wrong.status, 422, "{}", wrong.body);
    assert!(wrong.body.contains("id=\"current_password-error\""), "the error is next to the field");
    assert!(wrong.body.contains("This is not your current password."), "in the page's language");
    assert!(!wrong.body.contains(NEW_PASSWORD) && !wrong.body.contains("not my password"), "passwords are never given back");
    // Nothing changed: the hash, both sessions.
    assert_eq!(password_hash(&app, &me.id).await, before);
    assert_eq!(app.get_queue(me).await.status, 200);
    assert_eq!(app.get_queue(&other_device).await.status, 200);
    assert_eq!(app.audited("person.password_change", &me.id).await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'person.password_change' AND outcome = 'failed'").await, 1);

    // The rules for a new password, each next to its field, before any password is checked.
    for (current, new, again, field) in [
        ("", NEW_PASSWORD, NEW_PASSWORD, "current_password"),
        (PASSWORD, "short", "short", "password"),
        (PASSWORD, "password1234", "password1234", "password"),
        (PASSWORD, "vol.housing is my name here", "vol.housing is my name here", "password"),
        (PASSWORD, NEW_PASSWORD, "something else entirely", "password_again"),
    ] {
        let page = app.post_password_change(me, current, new, again).await;
        assert_eq!(page.status, 422, "{field}: {}", page.body);
        assert!(page.body.contains(&format!("id=\"{field}-error\"")), "{field}: {}", page.body);
    }
    assert_eq!(password_hash(&app, &me.id).await, before);

    // Wrong current passwords are counted per account: the sixth in a row waits.
    for _ in 0..4 {
        assert_eq!(app.post_password_change(me, "still not my password", NEW_PASSWORD, NEW_PASSWORD).await.status, 422);
    }
    let throttled = app.post_password_change(me, PASSWORD, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!(throttled.status, 429, "{}", throttled.body);
    assert_eq!(password_hash(&app, &me.id).await, before);
    // Another person is not affected.
    assert_eq!(app.post_password_change(&w.vol_legal, PASSWORD, NEW_PASSWORD, NEW_PASSWORD).await.status, 303);
}

async fn a_reset_link_works_once_and_the_person_enrols_again(app: TestApp) {
    let w = World::build(&app).await;
    let person = &w.vol_legal;
    // The lead finds it on the person's page, then issues it: shown once.
    let panel = app.get_desk(&w.lead_pl, &format!("/desk/team?person={}", person.id)).await;
    assert!(panel.body.contains("id=\"reset-form\""), "{}", panel.body);
    let path = app.reset_link(&w.lead_pl, &person.id).await;
    assert!(path.starts_with("/desk/reset/"), "{path}");
    let token = path.trim_start_matches("/desk/reset/").to_owned();
    let stored: Vec<Vec<u8>> = sqlx::query_scalar("SELECT token_hash FROM password_resets").fetch_all(app.state.db.pool()).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert!(!stored[0].windows(token.len()).any(|w| w == token.as_bytes()), "only a keyed tag is stored");

    // Issuing it signs the person out everywhere and takes their password and second factor.
    assert_eq!(app.get_queue(person).await.status, 401);
    assert_eq!(app.post_desk_login("vol.legal", PASSWORD).await.status, 422);
    assert!(!has_second_factor(&app, &person.id).await);
    assert_eq!(app.audited("person.reset", &person.id).await, 1);

    // The link names the account; a weak password is refused next to its field.
    let page = app.get(&path, None, Some("en")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert_eq!(page.text_of("reset-login").as_deref(), Some("vol.legal"));
    let weak = app.post_new_password(&path, "password1234", "password1234").await;
    assert_eq!(weak.status, 422);
    assert!(weak.body.contains("id=\"password-error\"") && !weak.body.contains("password1234"));
    assert_eq!(app.post_new_password(&path, NEW_PASSWORD, "something else entirely").await.status, 422);

    // A new password, then enrolment anew: no desk before it.
    let set = app.post_new_password(&path, NEW_PASSWORD, NEW_PASSWORD).await;
    assert_eq!((set.status, set.location.as_deref()), (303, Some("/desk/second-factor")), "{}", set.body);
    let half = set.desk_cookie();
    assert_eq!(app.get_queue(&half).await.status, 401);
    assert!(app.get_desk(&half, "/desk/second-factor").await.body.contains("<svg"), "a new factor is enrolled");
    let enrolled = app.post_second_factor(&half, &app.current_code(&person.id).await).await;
    assert_eq!((enrolled.status, enrolled.location.as_deref()), (303, Some("/desk")));
    assert_eq!(app.get_queue(&enrolled.desk_cookie()).await.status, 200);
    assert_eq!(app.audited("person.reset.accept", &person.id).await, 1);
    assert_eq!(app.audited("totp.enrol", &person.id).await, 2, "once at the start, once after the reset");

    // Used once: the link is gone now, and says so.
    let again = app.get(&path, None, Some("en")).await;
    assert_eq!(again.status, 404);
    assert!(again.text_of("reset-gone").is_some_and(|t| t.contains("already used")), "{}", again.body);
    assert_eq!(app.post_new_password(&path, "another long calm passphrase", "another long calm passphrase").await.status, 404);
    // The new password signs in.
    assert_eq!(app.post_desk_login("vol.legal", NEW_PASSWORD).await.location.as_deref(), Some("/desk/second-factor"));
    assert!(!captured_log_text().contains(&token), "reset tokens are never logged");
    assert_eq!(app.audit_chain().await, Ok(()));
}

async fn reset_links_expire_and_stay_within_reach(app: TestApp) {
    let w = World::build(&app).await;
    // Out of reach: another embassy's lead, a lead for a lead or an admin, a volunteer,
    // an admin for themselves — the same 404 as the rest of the team page.
    for (who, target) in [(&w.lead_lt, &w.vol_legal), (&w.lead_pl, &w.lead_lt), (&w.lead_pl, &w.admin), (&w.vol_housing, &w.vol_legal), (&w.admin, &w.admin)] {
        let answer = app.post_reset(who, &target.id).await;
        assert_eq!(answer.status, 404, "{}", answer.body);
    }
    assert_eq!(app.get_queue(&w.vol_legal).await.status, 200, "nothing happened to them");
    assert!(has_second_factor(&app, &w.vol_legal.id).await);
    assert_eq!(app.count("SELECT COUNT(*) FROM password_resets").await, 0);

    // An admin resets anyone else; a newer link spends the one before it.
    let first = app.reset_link(&w.admin, &w.lead_lt.id).await;
    let second = app.reset_link(&w.admin, &w.lead_lt.id).await;
    assert_eq!(app.get(&first, None, Some("en")).await.status, 404);
    assert_eq!(app.get(&second, None, Some("en")).await.status, 200);
    // An expired link is gone.
    sqlx::query("UPDATE password_resets SET expires_at = $1").bind(now() - 1).execute(app.state.db.pool()).await.unwrap();
    let expired = app.get(&second, None, Some("en")).await;
    assert_eq!(expired.status, 404);
    assert!(expired.text_of("reset-gone").is_some());
    assert_eq!(app.post_new_password(&second, NEW_PASSWORD, NEW_PASSWORD).await.status, 404);
    assert_eq!(app.post_desk_login("lead.lt", NEW_PASSWORD).await.status, 422);
    // A person deactivated after the link was made cannot use it.
    let third = app.reset_link(&w.lead_pl, &w.vol_housing.id).await;
    assert_eq!(app.post_deactivate(&w.lead_pl, &w.vol_housing.id).await.status, 303);
    assert_eq!(app.post_new_password(&third, NEW_PASSWORD, NEW_PASSWORD).await.status, 404);
    assert_eq!(app.audited("person.reset", &w.lead_lt.id).await, 2);
}

async fn the_last_active_admin_is_neither_deactivated_nor_demoted(app: TestApp) {
    let w = World::build(&app).await;
    let root = &w.admin;
    // The only admin: both refused, with the reason, and nothing changes.
    let deactivate = app.post_deactivate(root, &root.id).await;
    assert_eq!(deactivate.status, 422, "{}", deactivate.body);
    assert!(deactivate.text_of("deactivate-notice").is_some_and(|t| t.contains("last active administrator")), "{}", deactivate.body);
    let demote = app.post_team(root, "change", &[("person", &root.id), ("role", "lead"), ("embassy", &w.pl.embassy_id)]).await;
    assert_eq!(demote.status, 422, "{}", demote.body);
    assert!(demote.body.contains("id=\"change-role-error\"") && demote.body.contains("last active administrator"), "{}", demote.body);
    assert_eq!(app.get_queue(root).await.status, 200, "still signed in");
    let role: String = sqlx::query_scalar("SELECT role FROM people WHERE id = $1").bind(&root.id).fetch_one(app.state.db.pool()).await.unwrap();
    assert_eq!(role, "admin");
    assert_eq!(app.audited("person.deactivate", &root.id).await + app.audited("person.role", &root.id).await, 0);

    // With a second admin, one may be demoted into an embassy (signed out with it)…
    let second = app.add_person("root2", Role::Admin, None, &[]).await;
    let second_cookie = app.sign_in("root2", &second).await;
    let needs_embassy = app.post_team(root, "change", &[("person", &second), ("role", "lead")]).await;
    assert_eq!(needs_embassy.status, 422);
    assert!(needs_embassy.body.contains("id=\"change-embassy-error\""), "{}", needs_embassy.body);
    let demoted = app.post_team(root, "change", &[("person", &second), ("role", "lead"), ("embassy", &w.pl.embassy_id)]).await;
    assert_eq!((demoted.status, demoted.location.as_deref()), (303, Some("/desk/team?saved=change")), "{}", demoted.body);
    let (role, embassy): (String, Option<String>) =
        sqlx::query_as("SELECT role, embassy_id FROM people WHERE id = $1").bind(&second).fetch_one(app.state.db.pool()).await.unwrap();
    assert_eq!((role.as_str(), embassy.as_deref()), ("lead", Some(w.pl.embassy_id.as_str())));
    assert_eq!(app.get_queue(&second_cookie).await.status, 401);

    // …or deactivate themselves while another admin remains; that one is then the last.
    let third = app.add_person("root3", Role::Admin, None, &[]).await;
    let third_cookie = app.sign_in("root3", &third).await;
    let stale = app.session_staff(root).await;
    let gone = app.post_deactivate(root, &root.id).await;
    assert_eq!((gone.status, gone.location.as_deref()), (303, Some("/desk/login?ended=1")));
    assert_eq!(app.get_queue(root).await.status, 401);
    assert_eq!(app.post_deactivate(&third_cookie, &third).await.status, 422);
    // Checked in the transaction that acts, against the admins active then: a request
    // that read its admin before the change cannot remove the last one either.
    let err = team::deactivate(&app.state.db, &app.state.keyring, &stale, &third).await.unwrap_err();
    assert!(matches!(err, team::DeactivateError::LastAdmin), "{err:?}");
    let err = team::change(&app.state.db, &app.state.keyring, &stale, &third, Role::Lead, Some(&w.pl.embassy_id), &[]).await.unwrap_err();
    assert!(matches!(err, team::ChangeError::Invalid("role", _)), "{err:?}");
    assert_eq!(app.count("SELECT COUNT(*) FROM people WHERE role = 'admin' AND active = 1").await, 1);
}

/// The operator's way back in for a person (the last admin too) who lost their second
/// factor: a reset link on the command line, audited like any other.
#[test]
fn the_operator_prints_a_reset_link() {
    use crate::cli::{run, text};
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    assert!(run(d, &[], &["keygen"], None).status.success());
    assert!(run(d, &[], &["create-admin", "--login", "lena", "--password-stdin"], Some("a long enough passphrase\n")).status.success());
    let reset = run(d, &[], &["reset", "--login", "lena"], None);
    assert!(reset.status.success(), "{}", text(&reset.stderr));
    assert!(text(&reset.stdout).trim().contains("/desk/reset/"), "{}", text(&reset.stdout));
    let unknown = run(d, &[], &["reset", "--login", "nobody"], None);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(text(&unknown.stderr).contains("no active person has this login"), "{}", text(&unknown.stderr));
    let audit = run(d, &[], &["audit", "verify"], None);
    assert!(audit.status.success(), "{}", text(&audit.stderr));
    let url = format!("sqlite://{}", d.join("embassy-desk.sqlite").display());
    let (resets, audited): (i64, i64) = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        use sqlx::Connection;
        let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
        let resets = sqlx::query_scalar("SELECT COUNT(*) FROM password_resets WHERE issued_by IS NULL AND used_at IS NULL").fetch_one(&mut conn).await.unwrap();
        let audited = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'person.reset' AND actor = 'cli'").fetch_one(&mut conn).await.unwrap();
        (resets, audited)
    });
    assert_eq!((resets, audited), (1, 1));
}

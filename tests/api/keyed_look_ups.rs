//! Bearer tokens are found only by their HMAC tag under the key file's token look-up key:
//! a row written with SQL alone opens nothing, no stored value is a plain SHA-256 of its
//! token, and tokens issued before a key rotation still open after it.

use crate::{
    helpers::{now, TestApp, World},
    on_both_backends,
};
use embassy_desk::{
    domain::CaseId,
    server::{crypto::Keyring, follow_up, staff},
};
use sha2::{Digest, Sha256};

on_both_backends!(a_session_row_minted_with_sql_opens_nothing, stored_tokens_are_keyed_tags_not_sha256, tokens_issued_before_a_key_rotation_open_after_it);

fn sha256(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// A keyring from a key file the server never saw: what someone without the key file could
/// compute at best.
fn outsider_keyring() -> Keyring {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keyring");
    Keyring::generate_file(&path).unwrap();
    Keyring::load(&path).unwrap()
}

async fn insert_staff_session(app: &TestApp, stored: &[u8], person_id: &str) {
    sqlx::query("INSERT INTO staff_sessions (token_hash, person_id, stage, created_at, last_seen_at) VALUES ($1, $2, 'full', $3, $3)")
        .bind(stored)
        .bind(person_id)
        .bind(now())
        .execute(app.state.db.pool())
        .await
        .unwrap();
}

async fn insert_requester_session(app: &TestApp, stored: &[u8], case_id: &str) {
    sqlx::query("INSERT INTO requester_sessions (token_hash, case_id, created_at, last_seen_at) VALUES ($1, $2, $3, $3)")
        .bind(stored)
        .bind(case_id)
        .bind(now())
        .execute(app.state.db.pool())
        .await
        .unwrap();
}

/// Someone with write access to the database alone inserts a session for an admin, and
/// one for a requester's case, under a token they chose: the pages answer as to no session.
/// The same rows under the server's key would open them, so the key is all that differs.
async fn a_session_row_minted_with_sql_opens_nothing(app: TestApp) {
    let w = World::build(&app).await;
    let (reference, _) = app.open_request().await;
    let case = app.case_of(&reference).await;
    let token = "chosen-by-someone-who-can-write-to-the-database";
    let desk_cookie = format!("desk={token}");
    let followup_cookie = format!("followup={token}");
    let forged = [("SHA-256", sha256(token)), ("a tag under another key file", outsider_keyring().token_tag(token))];

    for (what, stored) in &forged {
        insert_staff_session(&app, stored, &w.admin.id).await;
        assert_eq!(app.get_queue(&desk_cookie).await.status, 401, "desk opened by {what}");
        insert_requester_session(&app, stored, &case).await;
        let page = app.get_thread(&followup_cookie, "en").await;
        assert!(page.body.contains("signed out") && !page.body.contains("id=\"case-status\""), "follow-up opened by {what}");
        sqlx::query("DELETE FROM staff_sessions WHERE token_hash = $1").bind(stored.as_slice()).execute(app.state.db.pool()).await.unwrap();
        sqlx::query("DELETE FROM requester_sessions WHERE token_hash = $1").bind(stored.as_slice()).execute(app.state.db.pool()).await.unwrap();
    }

    let keyed = app.state.keyring.token_tag(token);
    insert_staff_session(&app, &keyed, &w.admin.id).await;
    assert_eq!(app.get_queue(&desk_cookie).await.status, 200, "the keyed row opens the desk");
    insert_requester_session(&app, &keyed, &case).await;
    assert!(app.get_thread(&followup_cookie, "en").await.body.contains("id=\"case-status\""), "the keyed row opens the case");
}

/// The value stored of the token in a session cookie or an invitation link, read from the
/// rows after the real flows.
async fn stored_tokens_are_keyed_tags_not_sha256(app: TestApp) {
    let w = World::build(&app).await;
    let pool = app.state.db.pool();
    let keyring = &app.state.keyring;

    let desk_token = w.admin.cookie.strip_prefix("desk=").unwrap();
    let stored: Vec<Vec<u8>> =
        sqlx::query_scalar("SELECT token_hash FROM staff_sessions WHERE person_id = $1").bind(&w.admin.id).fetch_all(pool).await.unwrap();
    assert_eq!(stored, vec![keyring.token_tag(desk_token)], "desk session");
    assert_ne!(stored[0], sha256(desk_token));

    let (reference, code) = app.open_request().await;
    let case = app.case_of(&reference).await;
    let cookie = app.requester_sign_in(&reference, &code).await;
    let followup_token = cookie.strip_prefix("followup=").unwrap();
    let stored: Vec<Vec<u8>> = sqlx::query_scalar("SELECT token_hash FROM requester_sessions WHERE case_id = $1").bind(&case).fetch_all(pool).await.unwrap();
    assert_eq!(stored, vec![keyring.token_tag(followup_token)], "requester session");
    assert_ne!(stored[0], sha256(followup_token));

    let path = app.invitation(&w.admin, "lead", &[("embassy", &w.pl.embassy_id)]).await;
    let invitation_token = path.strip_prefix("/desk/join/").unwrap();
    let stored: Vec<Vec<u8>> = sqlx::query_scalar("SELECT token_hash FROM invitations").fetch_all(pool).await.unwrap();
    assert_eq!(stored, vec![keyring.token_tag(invitation_token)], "invitation");
    assert_ne!(stored[0], sha256(invitation_token));
}

/// `keygen --rotate` adds a new active key: sessions and invitation links issued under the
/// old one still open until they expire, and new ones are stored under the new key.
async fn tokens_issued_before_a_key_rotation_open_after_it(app: TestApp) {
    let w = World::build(&app).await;
    let db = &app.state.db;
    let (reference, code) = app.open_request().await;
    let case = CaseId::parse(&app.case_of(&reference).await).unwrap();
    let followup_cookie = app.requester_sign_in(&reference, &code).await;
    let path = app.invitation(&w.admin, "lead", &[("embassy", &w.pl.embassy_id)]).await;

    let key_file = app.dir.path().join("keyring");
    assert_eq!(Keyring::rotate_file(&key_file).unwrap(), 2);
    let rotated = Keyring::load(&key_file).unwrap();

    let desk_token = w.admin.cookie.strip_prefix("desk=").unwrap();
    let session = staff::resume(db, &rotated, desk_token).await.unwrap().expect("desk session from before the rotation");
    assert_eq!(session.staff.id, w.admin.id);
    let followup_token = followup_cookie.strip_prefix("followup=").unwrap();
    assert_eq!(follow_up::resume(db, &rotated, followup_token).await.unwrap().as_ref(), Some(&case), "requester session from before the rotation");
    let invitation_token = path.strip_prefix("/desk/join/").unwrap();
    assert!(staff::invitation(db, &rotated, invitation_token).await.unwrap().is_some(), "invitation from before the rotation");
    assert!(staff::resume(db, &rotated, "not a token anyone was given").await.unwrap().is_none());

    // A session opened now is stored under the new key, which the old key file lacks.
    let fresh = follow_up::open_session(db, &rotated, &case).await.unwrap();
    let stored: Vec<u8> = sqlx::query_scalar("SELECT token_hash FROM requester_sessions WHERE token_hash = $1")
        .bind(rotated.token_tag(&fresh))
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert!(!app.state.keyring.token_tags(&fresh).contains(&stored), "stored under the new active key");
    assert_eq!(follow_up::resume(db, &rotated, &fresh).await.unwrap().as_ref(), Some(&case));
    assert_eq!(follow_up::resume(db, &app.state.keyring, &fresh).await.unwrap(), None);
}

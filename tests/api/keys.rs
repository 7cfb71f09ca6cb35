//! The master keys' lifecycle: rotation re-wraps every case key and keyring-sealed secret
//! under the new key, retirement refuses while anything still uses the old key, and after
//! retirement a copy of the database made before opens nothing with the key file.

use crate::{helpers::TestApp, on_both_backends, storage::open_case_with_receipt};
use embassy_desk::{
    domain::Role,
    server::{
        crypto::{CryptoError, Keyring, Place},
        follow_up,
        keys::{self, KeyLifecycleError},
    },
};

/// The copy an attacker or an old backup holds: every wrapped case key, as stored now.
async fn copy_of_case_keys(app: &TestApp) -> Vec<(String, Vec<u8>)> {
    sqlx::query_as("SELECT case_id, wrapped FROM case_keys ORDER BY case_id").fetch_all(app.state.db.pool()).await.unwrap()
}

/// Makes the active key look recorded long enough ago for every server to have taken it up.
async fn age_active_key(app: &TestApp) {
    sqlx::query("UPDATE key_checks SET created_at = created_at - 3600").execute(app.state.db.pool()).await.unwrap();
}

async fn an_old_copy_after_retirement_opens_nothing(app: TestApp) {
    let (db, keyring) = (&app.state.db, &app.state.keyring);
    let key_file = app.state.config.key_file.clone();
    let (kept, _) = open_case_with_receipt(&app, "Kept Name", "the story that stays", None).await;
    let (deleted, _) = open_case_with_receipt(&app, "Deleted Name", "the story the requester takes back", None).await;
    let volunteer = app.add_person("vol.keys", Role::Admin, None, &[]).await;
    let place = Place { case: "", table: "people", column: "totp_secret", row: &volunteer };
    sqlx::query("UPDATE people SET totp_secret = $1 WHERE id = $2")
        .bind(keyring.seal_secret(&place, &[7u8; 20]))
        .bind(&volunteer)
        .execute(db.pool())
        .await
        .unwrap();

    let copy = copy_of_case_keys(&app).await;
    assert_eq!(copy.len(), 2);
    assert!(copy.iter().all(|(case, wrapped)| keyring.unwrap_case_key(case, wrapped).is_ok()), "before retirement the copy opens");

    follow_up::delete_request(db, keyring, &deleted).await.unwrap();
    let (new_key, counts) = keys::rotate(db, keyring, &key_file).await.unwrap();
    assert_eq!(new_key, 2);
    assert_eq!((counts.case_keys, counts.secrets), (1, 1), "the kept case's key and the second-factor secret were re-wrapped");
    assert!(matches!(keys::retire(db, keyring, &key_file, 1).await, Err(KeyLifecycleError::TooSoon { id: 1, active: 2 })));
    age_active_key(&app).await;
    assert!(matches!(keys::retire(db, keyring, &key_file, 2).await, Err(KeyLifecycleError::Active(2))));
    keys::retire(db, keyring, &key_file, 1).await.unwrap();

    let after = Keyring::load(&key_file).unwrap();
    for (case, wrapped) in &copy {
        assert_eq!(after.unwrap_case_key(case, wrapped).unwrap_err(), CryptoError::UnknownKeyId(1), "case {case} of the old copy");
    }
    assert!(crate::helpers::read_fields(&app, &kept).await.unwrap().values().any(|v| v.contains("the story that stays")), "the live case reads");
    let sealed: Vec<u8> = sqlx::query_scalar("SELECT totp_secret FROM people WHERE id = $1").bind(&volunteer).fetch_one(db.pool()).await.unwrap();
    assert_eq!(&after.open_secret(&place, &sealed).unwrap()[..], &[7u8; 20], "the second factor still opens");
    assert!(app.audit_chain().await.is_ok(), "rows MAC'd under the retired key still verify");
    let retired: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'key.retire' AND object_id = '1'").fetch_one(db.pool()).await.unwrap();
    assert_eq!(retired, 1);
}

async fn a_key_still_in_use_is_not_retired(app: TestApp) {
    let (db, keyring) = (&app.state.db, &app.state.keyring);
    let key_file = app.state.config.key_file.clone();
    let (case, _) = open_case_with_receipt(&app, "Name", "story", None).await;
    // A rotation interrupted before its re-wrap: the new key is in the file, nothing moved.
    Keyring::rotate_file(&key_file).unwrap();
    keyring.reload(&key_file).unwrap();
    keys::record_new_keys(db, keyring).await.unwrap();
    age_active_key(&app).await;
    match keys::retire(db, keyring, &key_file, 1).await {
        Err(e @ KeyLifecycleError::InUse { .. }) => assert!(e.to_string().contains("1 case keys") && !e.to_string().contains('\n'), "{e}"),
        other => panic!("retiring a key in use: {other:?}"),
    }
    assert_eq!(Keyring::load(&key_file).unwrap().key_ids(), vec![1, 2], "the key file is unchanged");
    let counts = keys::rewrap::run(db, keyring).await.unwrap();
    assert_eq!(counts.case_keys, 1, "the resumed re-wrap moves what the interrupted one left");
    keys::retire(db, keyring, &key_file, 1).await.unwrap();
    assert!(crate::helpers::read_fields(&app, &case).await.is_ok());
}

async fn the_server_takes_up_a_rotated_key_file(app: TestApp) {
    let (db, keyring, key_file) = (&app.state.db, &app.state.keyring, app.state.config.key_file.clone());
    let (case, _) = open_case_with_receipt(&app, "Name", "story", None).await;
    // `keygen rotate` run by hand adds a key to the file; the server's next read takes it up.
    Keyring::rotate_file(&key_file).unwrap();
    keys::take_up_key_file(db, keyring, &key_file).await.unwrap();
    assert_eq!(keyring.active_key_id(), 2);
    let wrapped: Vec<u8> = sqlx::query_scalar("SELECT wrapped FROM case_keys WHERE case_id = $1").bind(case.as_str()).fetch_one(db.pool()).await.unwrap();
    assert_eq!(embassy_desk::server::crypto::key_id_of(&wrapped).unwrap(), 2, "and finishes the rotation");
    let recorded: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM key_checks").fetch_one(db.pool()).await.unwrap();
    assert_eq!(recorded, 2);
    // A key file whose key 2 differs from the recorded one is refused, and the keys in use stay.
    std::fs::remove_file(&key_file).unwrap();
    Keyring::generate_file(&key_file).unwrap();
    Keyring::rotate_file(&key_file).unwrap();
    Keyring::rotate_file(&key_file).unwrap();
    let err = keys::take_up_key_file(db, keyring, &key_file).await.unwrap_err().to_string();
    assert!(err.contains("not the key this database was sealed with"), "{err}");
    assert_eq!(keyring.active_key_id(), 2);
    assert!(crate::helpers::read_fields(&app, &case).await.is_ok());
}

async fn the_schedule_rotates_a_month_old_key_and_retires_the_old_one_a_week_later(app: TestApp) {
    let (db, keyring) = (&app.state.db, &app.state.keyring);
    let config = &embassy_desk::server::config::Config { rotate_days: 30, retire_after_days: 7, ..(*app.state.config).clone() };
    let (case, _) = open_case_with_receipt(&app, "Name", "story", None).await;
    keys::scheduled(db, keyring, config).await.unwrap();
    assert_eq!(keyring.active_key_id(), 1, "a new key is not rotated");
    let day = 24 * 3600;
    sqlx::query("UPDATE key_checks SET created_at = created_at - $1").bind(31 * day).execute(db.pool()).await.unwrap();
    keys::scheduled(db, keyring, config).await.unwrap();
    assert_eq!((keyring.active_key_id(), Keyring::load(&config.key_file).unwrap().key_ids()), (2, vec![1, 2]), "rotated after 30 days");
    let wrapped: Vec<u8> = sqlx::query_scalar("SELECT wrapped FROM case_keys WHERE case_id = $1").bind(case.as_str()).fetch_one(db.pool()).await.unwrap();
    assert_eq!(embassy_desk::server::crypto::key_id_of(&wrapped).unwrap(), 2, "and re-wrapped");

    sqlx::query("UPDATE key_checks SET created_at = created_at - $1, rewrapped_at = rewrapped_at - $1").bind(6 * day).execute(db.pool()).await.unwrap();
    keys::scheduled(db, keyring, config).await.unwrap();
    assert_eq!(keyring.retired_key_ids(), Vec::<u32>::new(), "kept during the grace period");
    sqlx::query("UPDATE key_checks SET rewrapped_at = rewrapped_at - $1").bind(2 * day).execute(db.pool()).await.unwrap();
    keys::scheduled(db, keyring, config).await.unwrap();
    assert_eq!((keyring.key_ids(), keyring.retired_key_ids()), (vec![2], vec![1]), "retired 7 days after the re-wrap");
    assert!(crate::helpers::read_fields(&app, &case).await.is_ok());
}

on_both_backends!(
    an_old_copy_after_retirement_opens_nothing,
    a_key_still_in_use_is_not_retired,
    the_server_takes_up_a_rotated_key_file,
    the_schedule_rotates_a_month_old_key_and_retires_the_old_one_a_week_later
);

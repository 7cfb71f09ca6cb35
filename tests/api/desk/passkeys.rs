//! Passkeys as a second factor, the WebAuthn ceremony driven end to end by a software
//! authenticator: added on the security page or at enrolment, used at the second step,
//! refused when replayed or when it belongs to someone else, and removed only while
//! another factor remains — every step audited.

use crate::{
    helpers::{html_unescape, Page, SignedIn, TestApp, World, PASSWORD},
    on_both_backends,
};
use embassy_desk::{domain::Role, server::keys};
use webauthn_authenticator_rs::{softpasskey::SoftPasskey, WebauthnAuthenticator};
use webauthn_rs::prelude::{CreationChallengeResponse, RequestChallengeResponse, Url};

on_both_backends!(
    a_passkey_added_on_the_security_page_signs_in_once_per_challenge,
    a_first_passkey_enrols_instead_of_the_app,
    another_persons_passkey_is_refused,
    a_passkey_is_removed_only_while_another_factor_remains,
    passkeys_are_rewrapped_and_outlive_the_old_key,
    a_reset_takes_a_persons_passkeys,
);

/// A person's authenticator (a passkey on their device), speaking for the page's origin:
/// the desk's address with `localhost` for its loopback IP, as a browser would reach it.
struct Device {
    authenticator: SoftPasskey,
    origin: Url,
}

impl Device {
    fn new(app: &TestApp) -> Self {
        // `true`: the device checks its owner (PIN or screen lock), as the desk requires.
        let authenticator = SoftPasskey::new(true);
        Device { authenticator, origin: Url::parse(&format!("http://localhost:{}", app.addr.port())).unwrap() }
    }

    /// Creates a passkey as the browser would with the page's options; the answer as JSON.
    fn create(&mut self, options: &str) -> String {
        let options: CreationChallengeResponse = serde_json::from_str(options).unwrap();
        serde_json::to_string(&self.authenticator.do_registration(self.origin.clone(), options).unwrap()).unwrap()
    }

    /// Signs the page's challenge with a passkey; the answer as JSON.
    fn sign(&mut self, options: &str) -> String {
        let options: RequestChallengeResponse = serde_json::from_str(options).unwrap();
        serde_json::to_string(&self.authenticator.do_authentication(self.origin.clone(), options).unwrap()).unwrap()
    }
}

/// The WebAuthn options of the passkey form `form` on a page (the island's props).
fn options_of(page: &Page, form: &str) -> String {
    let mut rest = page.body.as_str();
    while let Some(at) = rest.find("data-props=\"") {
        let start = at + "data-props=\"".len();
        let end = start + rest[start..].find('"').unwrap();
        let props: serde_json::Value = serde_json::from_str(&html_unescape(&rest[start..end])).unwrap();
        if props["id"] == form {
            return props["options"].as_str().unwrap().to_owned();
        }
        rest = &rest[end..];
    }
    panic!("no passkey form {form} on the page ({}):\n{}", page.status, page.body)
}

impl TestApp {
    /// Adds a passkey on the security page; the page the post answers.
    async fn add_passkey(&self, who: &(impl SignedIn + ?Sized), device: &mut Device, name: &str) -> Page {
        let page = self.get_desk(who, "/desk/security").await;
        assert_eq!(page.status, 200, "{}", page.body);
        let credential = device.create(&options_of(&page, "passkey-add-form"));
        self.post("/desk/security", &[("action", "passkey-add"), ("name", name), ("credential", &credential)], Some(who.cookie())).await
    }

    /// The password step; the half-signed session's cookie.
    async fn half_signed(&self, login: &str) -> String {
        let page = self.post_desk_login(login, PASSWORD).await;
        assert_eq!((page.status, page.location.as_deref()), (303, Some("/desk/second-factor")), "{}", page.body);
        page.desk_cookie()
    }

    /// The second step's sign-in options for a half-signed session.
    async fn passkey_challenge(&self, half: &str) -> String {
        let page = self.get("/desk/second-factor", Some(half), Some("en")).await;
        assert_eq!(page.status, 200, "{}", page.body);
        options_of(&page, "passkey-form")
    }

    async fn post_passkey(&self, half: &str, fields: &[(&str, &str)]) -> Page {
        self.post("/desk/second-factor/passkey", fields, Some(half)).await
    }

    async fn audited_as(&self, action: &str, outcome: &str, person: &str) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = $1 AND outcome = $2 AND object_id = $3")
            .bind(action)
            .bind(outcome)
            .bind(person)
            .fetch_one(self.state.db.pool())
            .await
            .unwrap()
    }
}

async fn a_passkey_added_on_the_security_page_signs_in_once_per_challenge(app: TestApp) {
    let lead = app.add_person("lead.pk", Role::Admin, None, &[]).await;
    let cookie = app.sign_in("lead.pk", &lead).await;
    let mut device = Device::new(&app);
    let added = app.add_passkey(&cookie, &mut device, "blue key").await;
    assert_eq!((added.status, added.location.as_deref()), (303, Some("/desk/security?saved=passkey-add")), "{}", added.body);
    assert_eq!(app.audited_as("person.passkey_add", "ok", &lead).await, 1);
    let page = app.get_desk(&cookie, "/desk/security").await;
    assert!(page.text().contains("blue key"), "{}", page.body);
    // The name is sealed: it is nowhere in the database as typed.
    assert_eq!(app.count("SELECT COUNT(*) FROM passkeys").await, 1);
    let names: Vec<Vec<u8>> = sqlx::query_scalar("SELECT name FROM passkeys").fetch_all(app.state.db.pool()).await.unwrap();
    assert!(!names[0].windows(8).any(|w| w == b"blue key"));

    // Only a page that offers a passkey loads the islands' script.
    assert!(!app.get_queue(&cookie).await.body.contains("<script"));
    let other = app.add_person("other.pk", Role::Admin, None, &[]).await;
    app.sign_in("other.pk", &other).await;
    let app_only = app.get("/desk/second-factor", Some(&app.half_signed("other.pk").await), Some("en")).await;
    assert!(app_only.status == 200 && !app_only.body.contains("<script"), "{}", app_only.body);

    app.post("/desk/logout", &[], Some(&cookie)).await;
    let half = app.half_signed("lead.pk").await;
    let page = app.get("/desk/second-factor", Some(&half), Some("en")).await;
    assert!(page.body.contains("<leptos-island") && page.body.contains("<script") && page.body.contains("id=\"code\""), "{}", page.body);
    let challenge = app.passkey_challenge(&half).await;
    let answer = device.sign(&challenge);
    let done = app.post_passkey(&half, &[("credential", &answer)]).await;
    assert_eq!((done.status, done.location.as_deref()), (303, Some("/desk")), "{}", done.body);
    let full = done.desk_cookie();
    assert_eq!(app.get_queue(&full).await.status, 200);
    assert_ne!(app.get("/desk/second-factor", Some(&half), Some("en")).await.status, 200, "the half-signed session ended");
    assert_eq!(app.audited_as("login.passkey", "ok", &lead).await, 1);

    // The same answer again, to a new challenge: refused, and counted as a failure.
    let half = app.half_signed("lead.pk").await;
    app.passkey_challenge(&half).await;
    let replayed = app.post_passkey(&half, &[("credential", &answer)]).await;
    assert_eq!(replayed.status, 422, "{}", replayed.body);
    assert!(replayed.text_of("passkey-notice").is_some(), "{}", replayed.body);
    // Without a challenge of its own (the refused one is spent), nothing is accepted either.
    assert_eq!(app.post_passkey(&half, &[("credential", &answer)]).await.status, 422);
    assert_eq!(app.audited_as("login.passkey", "failed", &lead).await, 2);
    // A fresh answer to a fresh challenge still works.
    let challenge = app.passkey_challenge(&half).await;
    let done = app.post_passkey(&half, &[("credential", &device.sign(&challenge))]).await;
    assert_eq!((done.status, done.location.as_deref()), (303, Some("/desk")), "{}", done.body);
    let used: Option<i64> = sqlx::query_scalar("SELECT last_used_at FROM passkeys").fetch_one(app.state.db.pool()).await.unwrap();
    assert!(used.is_some());
    app.audit_chain().await.unwrap();
}

async fn a_first_passkey_enrols_instead_of_the_app(app: TestApp) {
    let admin = app.add_person("root.pk", Role::Admin, None, &[]).await;
    let half = app.half_signed("root.pk").await;
    let page = app.get("/desk/second-factor", Some(&half), Some("en")).await;
    assert!(page.body.contains("id=\"totp-secret\""), "the app is offered too");
    let mut device = Device::new(&app);
    let credential = device.create(&options_of(&page, "passkey-form"));
    // A name is required.
    let nameless = app.post_passkey(&half, &[("name", " "), ("credential", &credential)]).await;
    assert_eq!(nameless.status, 422, "{}", nameless.body);
    assert!(nameless.body.contains("aria-invalid=\"true\""));
    let page = app.get("/desk/second-factor", Some(&half), Some("en")).await;
    let credential = device.create(&options_of(&page, "passkey-form"));
    let done = app.post_passkey(&half, &[("name", "laptop"), ("credential", &credential)]).await;
    assert_eq!((done.status, done.location.as_deref()), (303, Some("/desk")), "{}", done.body);
    assert_eq!(app.get_queue(&done.desk_cookie()).await.status, 200);
    assert_eq!(app.audited_as("person.passkey_add", "ok", &admin).await, 1);
    // The app offered beside it can no longer be confirmed.
    let secret: Option<Vec<u8>> = sqlx::query_scalar("SELECT totp_secret FROM people WHERE id = $1").bind(&admin).fetch_one(app.state.db.pool()).await.unwrap();
    assert!(secret.is_none());

    // Next time the second step asks for the passkey, and offers no enrolment.
    let half = app.half_signed("root.pk").await;
    let page = app.get("/desk/second-factor", Some(&half), Some("en")).await;
    assert!(!page.body.contains("id=\"totp-secret\"") && !page.body.contains("id=\"code\""), "{}", page.body);
    // A half-signed session cannot add a second passkey of its own.
    let mut intruder = Device::new(&app);
    app.add_person("other.pk", Role::Admin, None, &[]).await;
    let other_half = app.half_signed("other.pk").await;
    let other_page = app.get("/desk/second-factor", Some(&other_half), Some("en")).await;
    let planted = intruder.create(&options_of(&other_page, "passkey-form"));
    let refused = app.post_passkey(&half, &[("name", "mine now"), ("credential", &planted)]).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert_eq!(app.count("SELECT COUNT(*) FROM passkeys").await, 1);
    let challenge = options_of(&page, "passkey-form");
    let done = app.post_passkey(&half, &[("credential", &device.sign(&challenge))]).await;
    assert_eq!(done.status, 422, "the refused post spent this page's challenge: {}", done.body);
    let done = app.post_passkey(&half, &[("credential", &device.sign(&app.passkey_challenge(&half).await))]).await;
    assert_eq!((done.status, done.location.as_deref()), (303, Some("/desk")), "{}", done.body);
}

async fn another_persons_passkey_is_refused(app: TestApp) {
    let anna = app.add_person("anna", Role::Admin, None, &[]).await;
    let boris = app.add_person("boris", Role::Admin, None, &[]).await;
    let (mut annas, mut boriss) = (Device::new(&app), Device::new(&app));
    assert_eq!(app.add_passkey(&app.sign_in("anna", &anna).await, &mut annas, "anna's").await.status, 303);
    assert_eq!(app.add_passkey(&app.sign_in("boris", &boris).await, &mut boriss, "boris's").await.status, 303);
    // Anna's passkey signs Boris's challenge (his options, naming her credential).
    let anna_half = app.half_signed("anna").await;
    let annas_options: serde_json::Value = serde_json::from_str(&app.passkey_challenge(&anna_half).await).unwrap();
    let boris_half = app.half_signed("boris").await;
    let mut boris_options: serde_json::Value = serde_json::from_str(&app.passkey_challenge(&boris_half).await).unwrap();
    boris_options["publicKey"]["allowCredentials"] = annas_options["publicKey"]["allowCredentials"].clone();
    let forged = annas.sign(&boris_options.to_string());
    let refused = app.post_passkey(&boris_half, &[("credential", &forged)]).await;
    assert_eq!(refused.status, 422, "{}", refused.body);
    assert_eq!(app.audited_as("login.passkey", "failed", &boris).await, 1);
    // Junk is refused alike.
    app.passkey_challenge(&boris_half).await;
    assert_eq!(app.post_passkey(&boris_half, &[("credential", "{\"id\":\"x\"}")]).await.status, 422);
    // His own passkey still works.
    let done = app.post_passkey(&boris_half, &[("credential", &boriss.sign(&app.passkey_challenge(&boris_half).await))]).await;
    assert_eq!((done.status, done.location.as_deref()), (303, Some("/desk")), "{}", done.body);
}

async fn a_passkey_is_removed_only_while_another_factor_remains(app: TestApp) {
    // With the app and a passkey: the passkey can go.
    let lead = app.add_person("lead.rm", Role::Admin, None, &[]).await;
    let cookie = app.sign_in("lead.rm", &lead).await;
    let mut device = Device::new(&app);
    assert_eq!(app.add_passkey(&cookie, &mut device, "old key").await.status, 303);
    let id: String = sqlx::query_scalar("SELECT id FROM passkeys WHERE person_id = $1").bind(&lead).fetch_one(app.state.db.pool()).await.unwrap();
    let removed = app.post("/desk/security", &[("action", "passkey-remove"), ("passkey", &id)], Some(&cookie)).await;
    assert_eq!((removed.status, removed.location.as_deref()), (303, Some("/desk/security?saved=passkey-remove")), "{}", removed.body);
    assert_eq!(app.audited_as("person.passkey_remove", "ok", &lead).await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM passkeys").await, 0);

    // A passkey as the only factor stays; a second one can go.
    let solo = app.add_person("solo", Role::Admin, None, &[]).await;
    let half = app.half_signed("solo").await;
    let page = app.get("/desk/second-factor", Some(&half), Some("en")).await;
    let mut solos = Device::new(&app);
    let credential = solos.create(&options_of(&page, "passkey-form"));
    let full = app.post_passkey(&half, &[("name", "only"), ("credential", &credential)]).await.desk_cookie();
    let only: String = sqlx::query_scalar("SELECT id FROM passkeys WHERE person_id = $1").bind(&solo).fetch_one(app.state.db.pool()).await.unwrap();
    let kept = app.post("/desk/security", &[("action", "passkey-remove"), ("passkey", &only)], Some(&full)).await;
    assert_eq!(kept.status, 403, "{}", kept.body);
    assert!(kept.text_of("passkey-remove-notice").is_some(), "{}", kept.body);
    assert_eq!(app.audited_as("person.passkey_remove", "denied", &solo).await, 1);
    let mut spare = Device::new(&app);
    assert_eq!(app.add_passkey(&full, &mut spare, "spare").await.status, 303);
    // Someone else's passkey is not theirs to remove.
    let spare_id: String =
        sqlx::query_scalar("SELECT id FROM passkeys WHERE person_id = $1 AND id <> $2").bind(&solo).bind(&only).fetch_one(app.state.db.pool()).await.unwrap();
    assert_eq!(app.post("/desk/security", &[("action", "passkey-remove"), ("passkey", &spare_id)], Some(&cookie)).await.status, 404);
    assert_eq!(app.post("/desk/security", &[("action", "passkey-remove"), ("passkey", &only)], Some(&full)).await.status, 303);
    assert_eq!(app.count("SELECT COUNT(*) FROM passkeys").await, 1);
    // The one left is the last: it stays.
    assert_eq!(app.post("/desk/security", &[("action", "passkey-remove"), ("passkey", &spare_id)], Some(&full)).await.status, 403);

    // Forgetting a person's passkeys (a reset) takes them all.
    let mut tx = app.state.db.begin().await.unwrap();
    embassy_desk::server::staff::passkeys::forget_all(&mut tx, &solo).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(app.count("SELECT COUNT(*) FROM passkeys").await, 0);
    app.audit_chain().await.unwrap();
}

async fn passkeys_are_rewrapped_and_outlive_the_old_key(app: TestApp) {
    let (db, keyring) = (&app.state.db, &app.state.keyring);
    let key_file = app.state.config.key_file.clone();
    let lead = app.add_person("lead.keys", Role::Admin, None, &[]).await;
    let cookie = app.sign_in("lead.keys", &lead).await;
    let mut device = Device::new(&app);
    assert_eq!(app.add_passkey(&cookie, &mut device, "kept key").await.status, 303);
    let (_, counts) = keys::rotate(db, keyring, &key_file).await.unwrap();
    // The app's secret, and the passkey's name and credential.
    assert_eq!(counts.secrets, 3);
    sqlx::query("UPDATE key_checks SET created_at = created_at - 3600").execute(db.pool()).await.unwrap();
    keys::retire(db, keyring, &key_file, 1).await.unwrap();
    let half = app.half_signed("lead.keys").await;
    let done = app.post_passkey(&half, &[("credential", &device.sign(&app.passkey_challenge(&half).await))]).await;
    assert_eq!((done.status, done.location.as_deref()), (303, Some("/desk")), "{}", done.body);
    assert!(app.get_desk(&done.desk_cookie(), "/desk/security").await.text().contains("kept key"));
}

async fn a_reset_takes_a_persons_passkeys(app: TestApp) {
    let w = World::build(&app).await;
    let mut device = Device::new(&app);
    assert_eq!(app.add_passkey(&w.vol_legal, &mut device, "phone").await.status, 303);
    let team = app.get_desk(&w.lead_pl, "/desk/team").await;
    assert_eq!(app.count("SELECT COUNT(*) FROM passkeys").await, 1);
    assert!(team.status == 200, "{}", team.body);
    app.reset_link(&w.lead_pl, &w.vol_legal.id).await;
    assert_eq!(app.count("SELECT COUNT(*) FROM passkeys").await, 0, "the reset stops the second factors, passkeys too");
    app.audit_chain().await.unwrap();
}

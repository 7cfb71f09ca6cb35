//! Notifications by e-mail, against a real SMTP server (aiosmtpd): a person saves their
//! address and choices (a wrong address refused next to the field, what was typed kept);
//! a new case, an assignment and a requester's answer each reach them within seconds,
//! saying how many and where, never what or whose; the daily digest waits for its hour; a
//! dead SMTP server delays e-mails and never a request, and they go once it answers; a
//! requester whose contact is an e-mail address may ask for "there is a new message".

use crate::helpers::{captured_log_text, free_port, spawn_app_with, valid_form, with, Backend, Mail, SmtpServer, TestApp, World};
use embassy_desk::server::notify::{mail::Mailer, send};

/// The app, sending through `smtp` with a pass every second and a first retry after one.
async fn app_with_mail(backend: Backend, smtp_url: &str) -> Option<TestApp> {
    spawn_app_with(backend, &[("EMBASSY_DESK_SMTP_URL", smtp_url), ("EMBASSY_DESK_NOTIFY_SECS", "1"), ("EMBASSY_DESK_NOTIFY_RETRY_SECS", "1")]).await
}

/// Saves `who`'s address and modes.
async fn save(app: &TestApp, cookie: &str, email: &str, modes: &[(&str, &str)]) -> crate::helpers::Page {
    let mut pairs = vec![("action", "notify-save"), ("email", email), ("email_language", "en")];
    pairs.extend_from_slice(modes);
    app.post("/desk/notifications", &pairs, Some(cookie)).await
}

/// No e-mail may carry what a case holds: its reference, the requester's name, words of
/// their story or messages.
fn assert_no_content(mail: &Mail, reference: &str) {
    for secret in [reference, "Алеся", "картай", "+48 600 100 200", "answering now"] {
        assert!(!mail.raw.contains(secret) && !mail.body.contains(secret) && !mail.subject.contains(secret), "{secret:?} in {mail:#?}");
    }
}

async fn work_reaches_people_without_content(backend: Backend) {
    let smtp = SmtpServer::start().await;
    let Some(app) = app_with_mail(backend, &smtp.url()).await else { return };
    let w = World::build(&app).await;

    // A wrong address: refused next to the field, what was typed kept.
    let page = save(&app, &w.vol_legal.cookie, "vol.legal at example", &[]).await;
    assert_eq!(page.status, 422, "{}", page.body);
    assert!(page.body.contains("id=\"notify-email-error\""), "{}", page.body);
    assert!(page.body.contains("value=\"vol.legal at example\""));
    assert!(page.text().contains("This is not an e-mail address"), "{}", page.text());
    assert_eq!(app.count("SELECT COUNT(*) FROM people WHERE email IS NOT NULL").await, 0);

    let page = save(&app, &w.vol_legal.cookie, "vol.legal@example.org", &[("mode_new_case", "now"), ("mode_answered", "now"), ("mode_assigned", "now")]).await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert_eq!(app.audited("person.notifications", &w.vol_legal.id).await, 1);
    // Sealed: the address is nowhere in the database in the clear.
    let stored: Vec<u8> = sqlx::query_scalar("SELECT email FROM people WHERE id = $1").bind(&w.vol_legal.id).fetch_one(app.state.db.pool()).await.unwrap();
    assert!(!String::from_utf8_lossy(&stored).contains("example.org"));
    // The page shows it masked, never whole.
    let page = app.get("/desk/notifications", Some(&w.vol_legal.cookie), Some("en")).await;
    assert!(page.body.contains("v•••@example.org"), "{}", page.body);
    assert!(!page.body.contains("vol.legal@example.org"));
    // The lead hears of new cases in the digest only.
    save(&app, &w.lead_pl.cookie, "lead.pl@example.org", &[("mode_new_case", "digest")]).await;

    // A new request in the volunteer's queue.
    let form = with(valid_form(), "categories", "legal_status");
    let page = app.post_intake(&form).await;
    assert_eq!(page.status, 201, "{}", page.body);
    let reference = page.text_of("receipt-reference").unwrap();
    let case = app.case_of(&reference).await;
    let mails = smtp.wait_for(1).await;
    let mail = &mails[0];
    assert_eq!(mail.to, "vol.legal@example.org");
    assert_eq!(mail.subject, "New work at the desk");
    let queue: String = sqlx::query_scalar("SELECT name FROM queues WHERE id = $1").bind(&w.legal).fetch_one(app.state.db.pool()).await.unwrap();
    assert!(mail.body.contains(&format!("1 new request in {queue}")), "{}", mail.body);
    assert!(mail.body.contains(&format!("{}/desk", app.base)), "{}", mail.body);
    assert_no_content(mail, &reference);

    // Assigned by the lead; the requester answers.
    assert_eq!(app.post_assign(&w.lead_pl, &case, &w.vol_legal.id).await.status, 303);
    let mails = smtp.wait_for(2).await;
    assert!(mails[1].body.contains("1 case assigned to you"), "{}", mails[1].body);
    app.requester_writes(&case, "answering now").await;
    let mails = smtp.wait_for(3).await;
    assert!(mails[2].body.contains("1 answer from a requester on your cases"), "{}", mails[2].body);
    for mail in &mails {
        assert_no_content(mail, &reference);
    }
    // Taking a case oneself tells nobody; the lead's digest waits for its hour.
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    assert_eq!(smtp.mails().len(), 3, "{:#?}", smtp.mails());
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM notifications WHERE person_id = '{}'", w.lead_pl.id)).await, 1);

    // A test e-mail from the page.
    let page = app.post("/desk/notifications", &[("action", "notify-test")], Some(&w.vol_legal.cookie)).await;
    assert_eq!(page.status, 303);
    let mails = smtp.wait_for(4).await;
    assert_eq!(mails[3].subject, "Test e-mail from the desk");

    // Removing the address: nothing is kept, nothing more is sent.
    let page = app.post("/desk/notifications", &[("action", "notify-remove")], Some(&w.vol_legal.cookie)).await;
    assert_eq!(page.status, 303);
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM people WHERE id = '{}' AND email IS NOT NULL", w.vol_legal.id)).await, 0);
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM notify_choices WHERE person_id = '{}'", w.vol_legal.id)).await, 0);
    assert!(app.audit_chain().await.is_ok());
    let logs = captured_log_text();
    assert!(!logs.contains("vol.legal@example.org") && !logs.contains("lead.pl@example.org"), "an address reached the log");
}

async fn the_digest_waits_and_a_dead_server_blocks_nothing(backend: Backend) {
    // Nothing listens on the port yet.
    let port = free_port();
    let Some(app) = app_with_mail(backend, &format!("smtp://127.0.0.1:{port}")).await else { return };
    let w = World::build(&app).await;
    save(&app, &w.lead_pl.cookie, "lead.pl@example.org", &[("mode_new_case", "digest"), ("mode_assigned", "now"), ("mode_overdue", "now")]).await;
    save(&app, &w.vol_legal.cookie, "vol.legal@example.org", &[("mode_new_case", "off"), ("mode_deadline_near", "digest"), ("mode_assigned", "now")]).await;

    // Requests are taken while the SMTP server is down.
    let mut cases = Vec::new();
    for _ in 0..2 {
        let page = app.post_intake(&with(valid_form(), "categories", "legal_status")).await;
        assert_eq!(page.status, 201, "{}", page.body);
        cases.push(app.case_of(&page.text_of("receipt-reference").unwrap()).await);
    }
    assert_eq!(app.post_assign(&w.lead_pl, &cases[0], &w.vol_legal.id).await.status, 303);
    // The volunteer's immediate e-mail was tried and failed, and waits for its next attempt.
    for _ in 0..100 {
        if app.count(&format!("SELECT COUNT(*) FROM notifications WHERE person_id = '{}' AND attempts > 0", w.vol_legal.id)).await > 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(app.count(&format!("SELECT COUNT(*) FROM notifications WHERE person_id = '{}' AND attempts > 0", w.vol_legal.id)).await > 0);
    assert!(
        app.count(&format!("SELECT COUNT(*) FROM notifications WHERE person_id = '{}' AND attempts > 0", w.lead_pl.id)).await == 0,
        "a digest is not tried before its hour"
    );

    // The server comes up: the retry delivers.
    let smtp = SmtpServer::start_on(port).await;
    let mails = smtp.wait_for(1).await;
    assert_eq!(mails[0].to, "vol.legal@example.org");
    assert!(mails[0].body.contains("1 case assigned to you"), "{}", mails[0].body);
    assert!(!captured_log_text().contains("vol.legal@example.org"), "a failed e-mail's log names no address");

    // A deadline tomorrow on the volunteer's case, and the first response of the other gone
    // overdue: the sender's pass finds both, each once.
    let tomorrow = embassy_desk::domain::Date::from_unix(crate::helpers::now() + 86_400).to_string();
    assert_eq!(app.post_deadline(&w.vol_legal, &cases[0], "hearing", &tomorrow).await.status, 303);
    sqlx::query("UPDATE cases SET first_response_due_at = $2 WHERE id = $1")
        .bind(&cases[1])
        .bind(crate::helpers::now() - 60)
        .execute(app.state.db.pool())
        .await
        .unwrap();
    let mails = smtp.wait_for(2).await;
    assert_eq!(mails[1].to, "lead.pl@example.org");
    assert!(mails[1].body.contains("1 request in your embassy has waited past its first-response time"), "{}", mails[1].body);
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    assert_eq!(smtp.mails().len(), 2, "told once: {:#?}", smtp.mails());

    // A day later the digests go: the lead's two new requests, the volunteer's deadline.
    let mailer = Mailer::new(&app.state.config.mail).unwrap();
    send::pass(&app.state.db, &app.state.keyring, Some(&mailer), &app.state.config.mail, &app.base, crate::helpers::now() + 86_400).await.unwrap();
    let mails = smtp.wait_for(4).await;
    let lead = mails.iter().skip(2).find(|m| m.to == "lead.pl@example.org").expect("the lead's digest");
    assert_eq!(lead.subject, "Your daily summary from the desk");
    let queue: String = sqlx::query_scalar("SELECT name FROM queues WHERE id = $1").bind(&w.legal).fetch_one(app.state.db.pool()).await.unwrap();
    assert!(lead.body.contains(&format!("2 new requests in {queue}")), "{}", lead.body);
    let vol = mails.iter().skip(2).find(|m| m.to == "vol.legal@example.org").expect("the volunteer's digest");
    assert!(vol.body.contains("1 deadline within 48 hours on your cases"), "{}", vol.body);
    assert_eq!(app.count("SELECT COUNT(*) FROM notifications").await, 0);
}

async fn a_requester_may_ask_to_hear_of_new_messages(backend: Backend) {
    let smtp = SmtpServer::start().await;
    let Some(app) = app_with_mail(backend, &smtp.url()).await else { return };
    let _w = World::build(&app).await;
    let form = with(with(with(valid_form(), "contact_channel", "email"), "contact_handle", "alesia@example.org"), "language", "uk");
    let page = app.post_intake(&form).await;
    assert_eq!(page.status, 201, "{}", page.body);
    let (reference, code) = (page.text_of("receipt-reference").unwrap(), page.text_of("receipt-code").unwrap());
    let case = app.case_of(&reference).await;
    let cookie = app.requester_sign_in(&reference, &code).await;
    let page = app.get_thread(&cookie, "uk").await;
    assert!(page.body.contains("id=\"notify-choice\""), "{}", page.body);
    assert_eq!(app.post("/follow-up/notify", &[("notify", "on")], Some(&cookie)).await.status, 303);
    assert_eq!(app.audited("case.notify.choice", &case).await, 1);

    // A reply: one e-mail, in Ukrainian, with no content.
    app.embassy_replies(&case, "Прыходзьце ў аўторак").await;
    let mails = smtp.wait_for(1).await;
    assert_eq!(mails[0].to, "alesia@example.org");
    assert!(mails[0].body.contains(&format!("{}/follow-up", app.base)), "{}", mails[0].body);
    assert!(!mails[0].body.contains("аўторак") && !mails[0].raw.contains(&reference));
    assert_ne!(mails[0].subject, "New message", "in the case's language");
    assert_eq!(app.audited("case.notify.requester", &case).await, 1);

    // Switched off: the next reply sends nothing.
    assert_eq!(app.post("/follow-up/notify", &[("notify", "off")], Some(&cookie)).await.status, 303);
    app.embassy_replies(&case, "Яшчэ адно").await;
    tokio::time::sleep(std::time::Duration::from_secs(3)).await;
    assert_eq!(smtp.mails().len(), 1);
    // Switched on again, then the request deleted: nothing of the wish is left.
    app.post("/follow-up/notify", &[("notify", "on")], Some(&cookie)).await;
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM requester_notices WHERE case_id = '{case}'")).await, 1);
    assert_eq!(app.post_delete_request(&cookie).await.status, 303);
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM requester_notices WHERE case_id = '{case}'")).await, 0);
    assert!(!captured_log_text().contains("alesia@example.org"), "the requester's address reached the log");

    // A requester who gave Signal cannot ask, and is not offered it.
    let page = app.post_intake(&valid_form()).await;
    let (reference, code) = (page.text_of("receipt-reference").unwrap(), page.text_of("receipt-code").unwrap());
    let other = app.case_of(&reference).await;
    let cookie = app.requester_sign_in(&reference, &code).await;
    assert!(!app.get_thread(&cookie, "en").await.body.contains("id=\"notify-choice\""));
    app.post("/follow-up/notify", &[("notify", "on")], Some(&cookie)).await;
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM requester_notices WHERE case_id = '{other}'")).await, 0);
}

macro_rules! with_smtp {
    ($($check:ident),* $(,)?) => {$(
        mod $check {
            use crate::helpers::Backend;
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$check(Backend::Sqlite).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$check(Backend::Postgres).await;
            }
        }
    )*};
}

with_smtp!(work_reaches_people_without_content, the_digest_waits_and_a_dead_server_blocks_nothing, a_requester_may_ask_to_hear_of_new_messages);

/// `embassy-desk notify test --to`: the operator checks the SMTP settings; a server that
/// does not answer is one line and a non-zero exit; a wrong address is refused; production
/// refuses plain SMTP to another host.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_line_sends_a_test_e_mail() {
    use crate::cli::{run, text};
    let smtp = SmtpServer::start().await;
    let dir = tempfile::tempdir().unwrap();
    let url = smtp.url();
    let out = run(dir.path(), &[("EMBASSY_DESK_SMTP_URL", &url)], &["notify", "test", "--to", "operator@example.org"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("accepted a test e-mail to operator@example.org"), "{}", text(&out.stdout));
    let mails = smtp.wait_for(1).await;
    assert_eq!((mails[0].to.as_str(), mails[0].subject.as_str()), ("operator@example.org", "Test e-mail from the desk"));

    let dead = format!("smtp://127.0.0.1:{}", free_port());
    let out = run(dir.path(), &[("EMBASSY_DESK_SMTP_URL", &dead)], &["notify", "test", "--to", "operator@example.org"], None);
    assert!(!out.status.success());
    assert_eq!(text(&out.stderr).lines().count(), 1, "{}", text(&out.stderr));
    let out = run(dir.path(), &[("EMBASSY_DESK_SMTP_URL", &url)], &["notify", "test", "--to", "not an address"], None);
    assert!(!out.status.success() && text(&out.stderr).contains("not an e-mail address"), "{}", text(&out.stderr));
    let out = run(dir.path(), &[], &["notify", "test", "--to", "operator@example.org"], None);
    assert!(!out.status.success() && text(&out.stderr).contains("EMBASSY_DESK_SMTP_URL"), "{}", text(&out.stderr));
    let out = run(
        dir.path(),
        &[
            ("EMBASSY_DESK_ENV", "production"),
            ("EMBASSY_DESK_PUBLIC_URL", "https://desk.example"),
            ("EMBASSY_DESK_SMTP_URL", "smtp://user:secret@mail.example:587"),
        ],
        &["notify", "test", "--to", "operator@example.org"],
        None,
    );
    assert!(!out.status.success() && text(&out.stderr).contains("must use TLS in production"), "{}", text(&out.stderr));
    assert!(!text(&out.stderr).contains("secret"), "the password is never echoed");
}

//! Coming back with the reference and code: a short session, the thread of messages, replies
//! and added information, log-out, throttling and deletion — over HTTP, without JavaScript.

use crate::{
    helpers::{captured_log_text, html_unescape, now, Page, TestApp, World},
    on_both_backends,
};
use embassy_desk::{domain::Date, server::follow_up::IDLE_SECS};

async fn requester_reads_the_reply_and_answers(app: TestApp) {
    let (reference, code) = app.open_request().await;
    let case = app.case_of(&reference).await;
    let cookie = app.requester_sign_in(&reference, &code).await;
    let page = app.get_thread(&cookie, "en").await;
    assert_eq!(page.status, 200);
    assert_eq!(page.text_of("case-status").as_deref(), Some("Received, waiting for a volunteer"));
    assert!(page.body.contains("No messages yet"));
    // What they submitted is never shown back.
    for private in ["Алеся", "картай побыту", "+48 600 100 200", "Białystok"] {
        assert!(!page.body.contains(private), "{private} shown back");
    }

    app.embassy_replies(&case, "Дзень добры! <b>Please</b> send a copy of your visa.").await;
    let page = app.get_thread(&cookie, "en").await;
    assert!(page.body.contains("&lt;b&gt;Please&lt;/b&gt; send a copy"), "messages are text, never markup");
    assert!(page.text().contains("(1 message)"));

    let answer = app.post_message(&cookie, "reply", "Дзякуй, дасылаю.").await;
    assert_eq!((answer.status, answer.location.as_deref()), (303, Some("/follow-up/case?sent=1")));
    let info = app.post_message(&cookie, "information", "My visa expires in March.").await;
    assert_eq!(info.status, 303);
    let page = app.get("/follow-up/case?sent=1", Some(&cookie), Some("ru")).await;
    assert!(page.body.contains("Дзякуй, дасылаю.") && page.body.contains("My visa expires in March."));
    assert!(page.text().contains("(3 сообщения)"), "Russian plural for 3");
    // Dates as Russian writes them: day, month in the genitive, year.
    const GENITIVE: [&str; 12] = ["января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября", "ноября", "декабря"];
    let today = Date::from_unix(now());
    assert!(page.text().contains(&format!("{} {} {} г.,", today.day, GENITIVE[today.month as usize - 1], today.year)), "Russian date");
    let be = app.get("/follow-up/case?lang=be", Some(&cookie), None).await;
    assert!(be.text().contains("(3 паведамленні)"), "Belarusian plural for 3");
    let actions: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_log WHERE object_id = $1 ORDER BY seq").bind(&case).fetch_all(app.state.db.pool()).await.unwrap();
    assert!(actions.contains(&"case.reply.requester".to_string()) && actions.contains(&"case.information.add".to_string()));
    assert!(actions.iter().filter(|a| *a == "case.thread.view").count() >= 3, "every reading is audited");
    let sealed: Vec<(Vec<u8>,)> = sqlx::query_as("SELECT sealed FROM case_messages").fetch_all(app.state.db.pool()).await.unwrap();
    assert!(sealed.iter().all(|(b,)| !String::from_utf8_lossy(b).contains("Дзякуй")), "messages are sealed");
    assert_eq!(app.audit_chain().await, Ok(()));
}

async fn bad_replies_come_back_with_the_text(app: TestApp) {
    let (reference, code) = app.open_request().await;
    let cookie = app.requester_sign_in(&reference, &code).await;
    let long = "ў".repeat(5001);
    let page = app.post_message(&cookie, "reply", &long).await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains(&long) && page.body.contains("id=\"message-error\""));
    let page = app.post_message(&cookie, "information", "   ").await;
    assert_eq!(page.status, 422);
    assert_eq!(app.count("SELECT COUNT(*) FROM case_messages").await, 0);
}

async fn wrong_code_and_unknown_reference_answer_the_same(app: TestApp) {
    let (reference, code) = app.open_request().await;
    let mut wrong = code.clone();
    let last = if wrong.ends_with('0') { "1" } else { "0" };
    wrong.replace_range(wrong.len() - 1.., last);
    let a = app.post("/follow-up", &[("reference", &reference), ("code", &wrong), ("ui_lang", "en")], None).await;
    let b = app.post("/follow-up", &[("reference", "00000-00000"), ("code", &code), ("ui_lang", "en")], None).await;
    assert_eq!((a.status, b.status), (422, 422));
    assert_eq!(a.text_of("login-problem"), b.text_of("login-problem"));
    assert!(a.text_of("login-problem").unwrap().contains("not correct"));
    assert_eq!(a.input_value("reference").as_deref(), Some(reference.as_str()), "the reference is kept");
    assert_eq!(a.input_value("code").as_deref(), Some(""), "the code is never sent back");
    assert!(a.cookie("followup").is_none() && b.cookie("followup").is_none());
    let shape = app.post_follow_up_login("hello", &code).await;
    assert_eq!(shape.status, 422);
    assert!(shape.body.contains("aria-invalid=\"true\""));
}

/// Whoever floods a reference with wrong codes slows only their own answers: its requester,
/// with the right code, still gets in, and so does everyone after a flood of junk references.
async fn floods_of_wrong_and_junk_codes_lock_nobody_out(app: TestApp) {
    let (reference, code) = app.open_request().await;
    let wrong = "1".repeat(25);
    for _ in 0..7 {
        let page = app.post_follow_up_login(&reference, &wrong).await;
        assert_eq!(page.status, 422);
        assert!(page.body.contains("id=\"login-problem\""));
    }
    let junk_references: Vec<String> = (0..60).map(|i| format!("{:05}-{:05}", 10_000 + i, 20_000 + i)).collect();
    let junk = futures::future::join_all(junk_references.iter().map(|junk| app.post_follow_up_login(junk, &wrong))).await;
    assert!(junk.iter().all(|page| page.status == 422));
    let page = app.post_follow_up_login(&reference, &code).await;
    assert_eq!(page.status, 303, "the right code opens after every wrong one");
    assert_eq!(page.location.as_deref(), Some("/follow-up/case"));
    let (other_reference, other_code) = app.open_request().await;
    assert_eq!(app.post_follow_up_login(&other_reference, &other_code).await.status, 303);
}

async fn session_cookie_is_strict_and_ends(app: TestApp) {
    let (reference, code) = app.open_request().await;
    let page = app.post_follow_up_login(&reference, &code).await;
    let cookie = page.set_cookies.iter().find(|c| c.starts_with("followup=")).unwrap();
    for attr in ["HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(attr), "{attr}");
    }
    assert_eq!(page.location.as_deref(), Some("/follow-up/case"));
    assert!(!page.location.as_deref().unwrap().contains(&code));
    let session = format!("followup={}", page.cookie("followup").unwrap());

    // Log-out ends it on the server, not only in the browser.
    let out = app.post("/follow-up/logout", &[], Some(&session)).await;
    assert_eq!(out.status, 303);
    assert!(out.set_cookies.iter().any(|c| c.starts_with("followup=;") && c.contains("Max-Age=0")));
    let page = app.get_thread(&session, "en").await;
    assert!(page.body.contains("signed out") && !page.body.contains("id=\"case-status\""));

    // An idle session ends by itself.
    let session = app.requester_sign_in(&reference, &code).await;
    sqlx::query("UPDATE requester_sessions SET last_seen_at = last_seen_at - $1").bind(IDLE_SECS + 1).execute(app.state.db.pool()).await.unwrap();
    let page = app.get_thread(&session, "en").await;
    assert!(page.body.contains("signed out"));
    let refused = app.post_message(&session, "reply", "hello").await;
    assert_eq!(refused.location.as_deref(), Some("/follow-up?ended=1"));
    assert_eq!(app.count("SELECT COUNT(*) FROM case_messages").await, 0);
}

async fn thread_server_function_needs_a_session(app: TestApp) {
    let response = app.client.post(app.url("/api/follow-up/thread")).header("content-type", "application/x-www-form-urlencoded").send().await.unwrap();
    let status = response.status();
    assert_eq!(status, 401, "{}", response.text().await.unwrap());
}

async fn requester_deletes_the_request(app: TestApp) {
    let (reference, code) = app.open_request().await;
    let id = app.case_of(&reference).await;
    app.embassy_replies(&id, "A reply").await;
    let cookie = app.requester_sign_in(&reference, &code).await;
    let confirm = app.get("/follow-up/delete", Some(&cookie), Some("en")).await;
    assert!(confirm.body.contains("name=\"confirm\""));
    // Without the confirmation nothing happens.
    let page = app.post("/follow-up/delete", &[], Some(&cookie)).await;
    assert_eq!(page.location.as_deref(), Some("/follow-up/case"));
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM case_keys WHERE case_id = '{id}'")).await, 1);

    let page = app.post_delete_request(&cookie).await;
    assert_eq!(page.location.as_deref(), Some("/follow-up/deleted"));
    // The case is purged at once (tests/api/retention.rs checks every table).
    for table in ["cases", "case_keys", "case_fields", "case_messages", "receipts", "requester_sessions"] {
        let column = if table == "cases" { "id" } else { "case_id" };
        assert_eq!(app.count(&format!("SELECT COUNT(*) FROM {table} WHERE {column} = '{id}'")).await, 0, "{table}");
    }
    let audit_rows =
        app.count(&format!("SELECT COUNT(*) FROM audit_log WHERE action = 'case.delete.requester' AND object_id = '{id}' AND actor = 'requester'")).await;
    assert_eq!(audit_rows, 1);
    // The code no longer opens anything, and the old session is gone.
    let again = app.post_follow_up_login(&reference, &code).await;
    assert_eq!(again.status, 422);
    let page = app.get_thread(&cookie, "en").await;
    assert!(page.body.contains("signed out"));
    let done = app.get("/follow-up/deleted", None, Some("en")).await;
    assert!(done.body.contains("has been deleted"));
    assert!(!captured_log_text().contains(&reference), "references stay out of the logs");
}

/// The part of the requester's page that says who opened the case.
fn openings(page: &Page) -> String {
    let start = page.body.find("id=\"openings\"").expect("the openings section");
    let end = start + page.body[start..].find("</section>").unwrap();
    html_unescape(&page.body[start..end]).replace("<!>", "")
}

/// The requester sees when the desk opened their case, by role and embassy in their own
/// language, never who; listing it on a queue page or a refused attempt is no opening.
async fn requester_sees_which_role_of_which_embassy_opened_the_case(app: TestApp) {
    let w = World::build(&app).await;
    let (reference, code) = app.open_request().await;
    let case = app.case_of(&reference).await;
    let queue: String = sqlx::query_scalar("SELECT queue_id FROM cases WHERE id = $1").bind(&case).fetch_one(app.state.db.pool()).await.unwrap();
    let (volunteer, other) = if queue == w.legal { (&w.vol_legal, &w.vol_housing) } else { (&w.vol_housing, &w.vol_legal) };
    let cookie = app.requester_sign_in(&reference, &code).await;
    let page = app.get_thread(&cookie, "en").await;
    assert!(openings(&page).contains("Nobody at the embassy has opened your request yet."), "{}", openings(&page));
    assert!(app.get_queue(volunteer).await.body.contains("Алеся"), "listed by name");
    assert_eq!(app.get_case(other, &case).await.status, 404);
    assert_eq!(app.get_case(&w.vol_lt, &case).await.status, 404);
    let page = app.get_thread(&cookie, "en").await;
    assert!(page.text_of("openings-none").is_some(), "neither a list nor a refusal opens it: {}", openings(&page));

    assert_eq!(app.get_case(volunteer, &case).await.status, 200);
    let login: String = sqlx::query_scalar("SELECT login FROM people WHERE id = $1").bind(&volunteer.id).fetch_one(app.state.db.pool()).await.unwrap();
    for (lang, shown) in
        [("ru", "Волонтёр, Народное посольство, Польша"), ("be", "Валанцёр, Народная амбасада, Польшча"), ("en", "Volunteer, People's Embassy in Poland")]
    {
        let page = app.get_thread(&cookie, lang).await;
        let part = openings(&page);
        assert!(part.contains(shown), "{lang}: {part}");
        assert_eq!(part.matches("<li").count(), 1, "one opening: {part}");
        assert!(page.text_of("openings-none").is_none(), "{lang}");
        assert!(!page.body.contains(&login) && !page.body.contains(&volunteer.id), "{lang}: never who it was");
    }
    // The lead of the embassy opens it too: newest first.
    assert_eq!(app.get_case(&w.lead_pl, &case).await.status, 200);
    let part = openings(&app.get_thread(&cookie, "en").await);
    let (lead, vol) = (part.find("Lead, People's Embassy in Poland").expect("the lead"), part.find("Volunteer, People's Embassy in Poland").unwrap());
    assert!(lead < vol, "{part}");
}

on_both_backends!(
    requester_sees_which_role_of_which_embassy_opened_the_case,
    requester_reads_the_reply_and_answers,
    bad_replies_come_back_with_the_text,
    wrong_code_and_unknown_reference_answer_the_same,
    floods_of_wrong_and_junk_codes_lock_nobody_out,
    session_cookie_is_strict_and_ends,
    thread_server_function_needs_a_session,
    requester_deletes_the_request,
);

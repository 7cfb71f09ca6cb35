//! The intake form over HTTP, as a browser without JavaScript uses it: languages, routing,
//! one transaction per request, bad input given back with errors, replays refused.

use crate::{
    helpers::{captured_log_text, valid_form, with, TestApp},
    on_both_backends,
};
use embassy_desk::{
    domain::{CaseId, Category},
    server::db::embassies::DEFAULT_DESK_CODE,
};

async fn start_page_speaks_the_browsers_language(app: TestApp) {
    for (accept, lang, phrase) in
        [("be-BY,be;q=0.9", "be", "Адправіць"), ("ru-RU,ru;q=0.9,en;q=0.5", "ru", "Отправить"), ("de-DE,en;q=0.5", "en", "Send my request")]
    {
        let page = app.get("/", None, Some(accept)).await;
        assert_eq!(page.status, 200);
        assert!(page.body.contains(&format!("<html lang=\"{lang}\"")), "{accept}: html lang");
        assert!(page.body.contains(phrase), "{accept}: {phrase}");
        assert!(page.body.contains("<title>Help desk</title>"), "the title stays neutral");
    }
    // A chosen language (the cookie) wins over the browser's.
    let page = app.get("/", Some("lang=ru"), Some("be")).await;
    assert!(page.body.contains("<html lang=\"ru\""));
}

async fn submission_opens_one_routed_sealed_case_and_shows_the_code_once(app: TestApp) {
    let poland = app.add_embassy("pl", "PL").await;
    let (reference, code) = app.open_request().await;
    assert_eq!(reference.len(), 11);
    assert_eq!(code.chars().filter(char::is_ascii_digit).count(), 25);

    let row: (String, String, String, String, String, i64, String) =
        sqlx::query_as("SELECT id, embassy_id, queue_id, categories, status, priority, language FROM cases WHERE reference = $1")
            .bind(&reference)
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
    assert_eq!(row.1, poland.embassy_id, "routed to the embassy of the host country");
    assert_eq!(row.2, poland.queue_for(Some(Category::LegalStatus)), "and to the queue of its first category");
    assert_eq!((row.3.as_str(), row.4.as_str(), row.5, row.6.as_str()), ("legal_status,housing", "new", 2, "be"));
    let id = CaseId::parse(&row.0).unwrap();
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM receipts WHERE case_id = '{id}'")).await, 1);
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM audit_log WHERE action = 'case.open' AND object_id = '{id}'")).await, 1);
    let fields = crate::helpers::read_fields(&app, &id).await.unwrap();
    assert_eq!(fields["requester_name"].as_str(), "Алеся");
    assert_eq!(fields["contact"].as_str(), "signal +48 600 100 200");
    assert!(fields["answers"].contains("\"household_size\":3"));
    let stored: Vec<(Vec<u8>,)> =
        sqlx::query_as("SELECT sealed FROM case_fields WHERE case_id = $1").bind(id.as_str()).fetch_all(app.state.db.pool()).await.unwrap();
    assert!(stored.iter().all(|(b,)| !String::from_utf8_lossy(b).contains("Алеся")), "fields are sealed");

    // The code is never shown again, logged, or put in a URL.
    let again = app.get("/", None, None).await;
    assert!(!again.body.contains(&code) && !again.body.contains(&reference));
    let logs = captured_log_text();
    assert!(!logs.contains(&code.replace('-', "")) && !logs.contains(&code));
}

async fn countries_without_an_embassy_go_to_the_default_desk(app: TestApp) {
    app.add_embassy("pl", "PL").await;
    let page = app.post_intake(&with(with(valid_form(), "country", "other"), "other_country", "Portugal")).await;
    assert_eq!(page.status, 201);
    let desk: String = sqlx::query_scalar("SELECT e.code FROM cases c JOIN embassies e ON e.id = c.embassy_id").fetch_one(app.state.db.pool()).await.unwrap();
    assert_eq!(desk, DEFAULT_DESK_CODE);
    let page = app.post_intake(&with(valid_form(), "country", "SE")).await;
    assert_eq!(page.status, 201);
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM cases c JOIN embassies e ON e.id = c.embassy_id WHERE e.code = '{DEFAULT_DESK_CODE}'")).await, 2);
}

async fn urgency_sets_the_priority(app: TestApp) {
    let mut form = valid_form();
    form.push(("urgency", "no_shelter".into()));
    assert_eq!(app.post_intake(&form).await.status, 201);
    let priority: i64 = sqlx::query_scalar("SELECT priority FROM cases").fetch_one(app.state.db.pool()).await.unwrap();
    assert_eq!(priority, 0, "urgent");
}

async fn bad_input_comes_back_with_errors_and_everything_typed(app: TestApp) {
    let payload = "<script>alert('x')</script><img src=x onerror=alert(1)>";
    let long = "ы".repeat(5001);
    let form = with(with(with(with(valid_form(), "name", payload), "description", &long), "permit_expiry", "2026-02-30"), "household_size", "");
    let page = app.post_intake(&form).await;
    assert_eq!(page.status, 422);
    for id in ["description-error", "permit_expiry-error", "household_size-error", "error-summary"] {
        assert!(page.body.contains(&format!("id=\"{id}\"")), "{id} shown");
    }
    assert!(!page.body.contains("name-error"), "the payload is a valid name");
    assert!(page.body.contains("aria-invalid=\"true\""));
    // Everything typed is back, inert.
    assert_eq!(page.input_value("name").as_deref(), Some(payload));
    assert!(!page.body.contains("<script>alert") && !page.body.contains("<img src=x"), "markup is escaped");
    assert!(page.body.contains(&long), "the long text is kept");
    assert_eq!(page.input_value("permit_expiry").as_deref(), Some("2026-02-30"));
    assert_eq!(page.input_value("city").as_deref(), Some("Białystok"));
    assert!(page.body.contains("value=\"legal_status\" checked"), "ticked boxes stay ticked");
    assert_eq!(app.count("SELECT COUNT(*) FROM cases").await, 0, "nothing stored");

    let empty = app.post_intake(&[]).await;
    assert_eq!(empty.status, 422);
    for id in ["categories-error", "country-error", "city-error", "description-error", "name-error", "contact_channel-error", "consent-error"] {
        assert!(empty.body.contains(&format!("id=\"{id}\"")), "{id} shown for an empty form");
    }
}

async fn errors_are_in_the_chosen_language(app: TestApp) {
    let token = app.form_token().await;
    let page = app.post("/", &[("form_token", &token), ("ui_lang", "be")], None).await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("<html lang=\"be\""));
    assert!(page.body.contains("Калі ласка"), "a Belarusian error message");
    assert_eq!(page.text_of("error-summary-title").as_deref(), Some("Калі ласка, праверце гэтыя адказы"));
    let city_error = &page.body[page.body.find("id=\"city-error\"").expect("the city's error")..];
    assert!(city_error[..city_error.find("</p>").unwrap()].contains("Калі ласка, запоўніце гэтае поле."), "next to the field");
}

async fn the_forms_island_carries_the_messages_of_the_pages_language_only(app: TestApp) {
    let page = app.get("/", Some("lang=ru"), None).await;
    let start = page.body.find("<leptos-island").expect("the form's island");
    let island = &page.body[start..start + page.body[start..].find('>').unwrap()];
    assert!(island.contains("data-props="));
    for message in ["Пожалуйста, заполните это поле.", "Пожалуйста, введите число, например 3."] {
        assert!(island.contains(message), "{message}");
    }
    for other in ["Калі ласка, запоўніце гэтае поле.", "Please fill this in."] {
        assert!(!page.body.contains(other), "{other}");
    }
    let token = page.input_value("form_token").unwrap();
    assert!(!island.contains(&token), "what the form holds is in the form, not in the props");
}

async fn a_replayed_post_opens_no_second_case(app: TestApp) {
    let token = app.form_token().await;
    let first = app.post_intake_with_token(&valid_form(), &token).await;
    assert_eq!(first.status, 201);
    let code = first.text_of("receipt-code").unwrap();
    let second = app.post_intake_with_token(&valid_form(), &token).await;
    assert_eq!(second.status, 409);
    assert!(!second.body.contains(&code), "the code is not shown again");
    assert_eq!(second.input_value("form_token"), None, "a short page, not the form again");
    assert!(second.body.contains("href=\"/follow-up\"") && second.body.contains("id=\"already-sent-title\""));
    assert_eq!(app.count("SELECT COUNT(*) FROM cases").await, 1);
}

async fn forged_or_missing_tokens_keep_what_was_typed(app: TestApp) {
    for token in ["", "forged-token"] {
        let page = app.post_intake_with_token(&valid_form(), token).await;
        assert_eq!(page.status, 422);
        assert_eq!(page.input_value("name").as_deref(), Some("Алеся"));
        assert_ne!(page.input_value("form_token").as_deref(), Some(token), "a fresh token to send again");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM cases").await, 0);
}

async fn switching_language_keeps_what_was_typed(app: TestApp) {
    let token = app.form_token().await;
    let mut form = with(valid_form(), "description", "line one\nline two");
    form.push(("switch_lang", "ru".into()));
    let page = app.post_intake_with_token(&form, &token).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("<html lang=\"ru\""));
    assert!(page.body.contains("Отправить"));
    assert_eq!(page.input_value("name").as_deref(), Some("Алеся"));
    assert_eq!(page.input_value("form_token").as_deref(), Some(token.as_str()), "the same form, still unsent");
    assert!(page.body.contains("line one\nline two"));
    assert!(!page.body.contains("error-summary"), "switching is not submitting");
    assert!(page.set_cookies.iter().any(|c| c.starts_with("lang=ru")), "the choice is remembered");
    assert_eq!(app.count("SELECT COUNT(*) FROM cases").await, 0);
}

async fn oversized_bodies_are_refused(app: TestApp) {
    let token = app.form_token().await;
    let huge = "x".repeat(70_000);
    let page = app.post("/", &[("form_token", &token), ("description", &huge)], None).await;
    assert_eq!(page.status, 413);
    assert_eq!(app.count("SELECT COUNT(*) FROM cases").await, 0);
}

/// One client replaying a sent form and forging tokens, as fast as it likes: every one is
/// refused, none of them writes anything or counts anywhere, and the next requester's valid
/// form is opened as if nothing had happened.
async fn replays_and_forged_tokens_count_nowhere(app: TestApp) {
    let token = app.form_token().await;
    assert_eq!(app.post_intake_with_token(&valid_form(), &token).await.status, 201);
    let audit_before = app.count("SELECT COUNT(*) FROM audit_log").await;
    let form = valid_form();
    for round in 0..4 {
        let replays = futures::future::join_all((0..20).map(|_| app.post_intake_with_token(&form, &token))).await;
        assert!(replays.iter().all(|page| page.status == 409), "round {round}");
        let forged = futures::future::join_all((0..10).map(|_| app.post_intake_with_token(&form, "Zm9yZ2Vk"))).await;
        assert!(forged.iter().all(|page| page.status == 422), "round {round}");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log").await, audit_before, "nothing written for a replay or a forgery");
    assert_eq!(app.count("SELECT COUNT(*) FROM throttle").await, 0);
    let fresh = app.post_intake(&valid_form()).await;
    assert_eq!(fresh.status, 201, "{}", fresh.body);
    assert_eq!(app.count("SELECT COUNT(*) FROM cases").await, 2);
}

/// When more forms are being stored at once than the desk takes, the next is answered
/// "busy" at once, with everything typed and its token kept, and goes through once the
/// line is free.
async fn a_full_store_answers_busy_without_losing_input(app: TestApp) {
    let bound = std::sync::Arc::clone(&app.state.intake_store);
    let gate = std::sync::Arc::new(tokio::sync::Semaphore::new(0));
    let places = bound.free();
    for _ in 0..places {
        let (bound, gate) = (std::sync::Arc::clone(&bound), std::sync::Arc::clone(&gate));
        tokio::spawn(async move {
            let _entered = bound.enter().await;
            let _ = gate.acquire().await;
        });
    }
    while bound.free() > 0 {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let token = app.form_token().await;
    let page = app.post_intake_with_token(&valid_form(), &token).await;
    assert_eq!(page.status, 429);
    assert!(page.body.contains("wait a minute"), "the busy notice");
    assert_eq!(page.input_value("name").as_deref(), Some("Алеся"));
    assert_eq!(page.input_value("form_token").as_deref(), Some(token.as_str()), "the same form can be sent again");
    assert_eq!(app.count("SELECT COUNT(*) FROM cases").await, 0);
    gate.close();
    while bound.free() < places {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    assert_eq!(app.post_intake_with_token(&valid_form(), &token).await.status, 201);
}

on_both_backends!(
    replays_and_forged_tokens_count_nowhere,
    a_full_store_answers_busy_without_losing_input,
    start_page_speaks_the_browsers_language,
    submission_opens_one_routed_sealed_case_and_shows_the_code_once,
    countries_without_an_embassy_go_to_the_default_desk,
    urgency_sets_the_priority,
    bad_input_comes_back_with_errors_and_everything_typed,
    errors_are_in_the_chosen_language,
    the_forms_island_carries_the_messages_of_the_pages_language_only,
    a_replayed_post_opens_no_second_case,
    forged_or_missing_tokens_keep_what_was_typed,
    switching_language_keeps_what_was_typed,
    oversized_bodies_are_refused,
);

//! Canned replies and the automatic acknowledgement: a lead keeps their embassy's texts per
//! language; the reply form of a case offers those in the requester's language and puts the
//! chosen one into the box after what was typed (JavaScript off: a post that renders the
//! form again); the acknowledgement reaches a new requester in their language and is not a
//! first response. Every change is audited; another embassy's lead reaches none of it.

use crate::{
    helpers::{valid_form, with, Page, SignedIn, TestApp, World},
    on_both_backends,
};

on_both_backends!(
    a_lead_keeps_canned_replies_and_a_volunteer_answers_with_one,
    a_refused_canned_reply_keeps_what_was_typed,
    the_acknowledgement_greets_new_requests_in_their_language_and_is_no_first_response
);

async fn post_replies(app: &TestApp, who: &impl SignedIn, action: &str, fields: &[(&str, &str)]) -> Page {
    let mut pairs = vec![("action", action)];
    pairs.extend_from_slice(fields);
    app.post("/desk/replies", &pairs, Some(who.cookie())).await
}

/// The id of the canned reply with this title.
async fn canned_id(app: &TestApp, title: &str) -> String {
    sqlx::query_scalar("SELECT id FROM canned_replies WHERE title = $1").bind(title).fetch_one(app.state.db.pool()).await.unwrap()
}

/// The text of the `<textarea>` with this id.
fn textarea(body: &str, id: &str) -> String {
    let at = body.find(&format!("<textarea id=\"{id}\"")).unwrap_or_else(|| panic!("no textarea {id}"));
    let start = at + body[at..].find('>').unwrap() + 1;
    let end = start + body[start..].find("</textarea>").unwrap();
    body[start..end].replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
}

/// Whether the first tag holding `marker` also holds `attribute`.
fn tag_has(body: &str, marker: &str, attribute: &str) -> bool {
    let at = body.find(marker).unwrap_or_else(|| panic!("no {marker}"));
    let start = body[..at].rfind('<').unwrap();
    let end = at + body[at..].find('>').unwrap();
    body[start..end].contains(attribute)
}

const UK_TEXT: &str = "Для посвідки на проживання потрібні паспорт і договір оренди.";

async fn a_lead_keeps_canned_replies_and_a_volunteer_answers_with_one(app: TestApp) {
    let w = World::build(&app).await;
    let pl = w.pl.embassy_id.as_str();
    for (language, title, body) in [("uk", "Посвідка", UK_TEXT), ("ru", "Вид на жительство", "Нужны паспорт и договор аренды."), ("uk", "Житло", "Про житло.")]
    {
        let added = post_replies(&app, &w.lead_pl, "canned-add", &[("language", language), ("title", title), ("body", body)]).await;
        assert_eq!(added.status, 303, "{}", added.body);
        assert_eq!(added.location.as_deref(), Some("/desk/replies?saved=canned-add"));
    }
    let page = app.get_desk(&w.lead_pl, "/desk/replies").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Посвідка") && page.body.contains("Вид на жительство"), "the lead sees the embassy's texts");
    assert!(page.duplicate_ids().is_empty(), "{:?}", page.duplicate_ids());
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'canned.add'").await, 3);

    // Another embassy's lead sees their own (empty) page and reaches nothing of Poland's.
    let other = app.get_desk(&w.lead_lt, "/desk/replies").await;
    assert_eq!(other.status, 200);
    assert!(!other.body.contains("Посвідка"));
    assert_eq!(app.get_desk(&w.lead_lt, &format!("/desk/replies?embassy={pl}")).await.status, 404);
    let housing = canned_id(&app, "Житло").await;
    let foreign = post_replies(&app, &w.lead_lt, "canned-change", &[("canned", &housing), ("language", "uk"), ("title", "x"), ("body", "x")]).await;
    assert_eq!(foreign.status, 404);
    assert_eq!(post_replies(&app, &w.lead_lt, "canned-remove", &[("canned", &housing)]).await.status, 404);
    assert_eq!(app.get_desk(&w.vol_legal, "/desk/replies").await.status, 404, "volunteers use canned replies, leads keep them");

    // A lead changes one and removes another.
    let permit = canned_id(&app, "Посвідка").await;
    let changed =
        post_replies(&app, &w.lead_pl, "canned-change", &[("canned", &permit), ("language", "uk"), ("title", "Посвідка на проживання"), ("body", UK_TEXT)])
            .await;
    assert_eq!(changed.status, 303, "{}", changed.body);
    assert_eq!(post_replies(&app, &w.lead_pl, "canned-remove", &[("canned", &housing)]).await.status, 303);
    assert_eq!(app.count("SELECT COUNT(*) FROM canned_replies").await, 2);
    assert_eq!(app.audited("canned.change", &permit).await, 1);
    assert_eq!(app.audited("canned.remove", &housing).await, 1);

    // A requester who reads Ukrainian; the volunteer of the queue takes the case.
    let opened = app.post_intake(&with(valid_form(), "language", "uk")).await;
    assert_eq!(opened.status, 201);
    let reference = opened.text_of("receipt-reference").unwrap();
    let code = opened.text_of("receipt-code").unwrap();
    let case = app.case_of(&reference).await;
    assert_eq!(app.post_take(&w.vol_legal, &case).await.status, 303);
    let case_page = app.get_case(&w.vol_legal, &case).await;
    assert!(case_page.body.contains("Посвідка на проживання"), "the Ukrainian text is offered");
    assert!(!case_page.body.contains("Вид на жительство"), "the Russian one is not: the requester reads Ukrainian");
    assert!(case_page.body.contains(&format!("formaction=\"/desk/cases/{case}/canned\"")));

    // Putting it in keeps what was typed before it, and sends nothing.
    let filled = app
        .post(&format!("/desk/cases/{case}/canned"), &[("action", "reply"), ("canned", &permit), ("body", "Добрий день!")], Some(w.vol_legal.cookie()))
        .await;
    assert_eq!(filled.status, 200, "{}", filled.body);
    assert_eq!(textarea(&filled.body, "reply-body"), format!("Добрий день!\n\n{UK_TEXT}"));
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM case_messages WHERE case_id = '{case}'")).await, 0, "nothing sent yet");
    assert!(filled.duplicate_ids().is_empty());

    // Another embassy's canned reply is not offered and not taken.
    let lt_added = post_replies(&app, &w.lead_lt, "canned-add", &[("language", "uk"), ("title", "Литва"), ("body", "Lietuva")]).await;
    assert_eq!(lt_added.status, 303);
    let lt_canned = canned_id(&app, "Литва").await;
    let refused = app.post(&format!("/desk/cases/{case}/canned"), &[("canned", &lt_canned), ("body", "Добрий день!")], Some(w.vol_legal.cookie())).await;
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("id=\"canned-error\""), "the reason is next to the choice");
    assert_eq!(textarea(&refused.body, "reply-body"), "Добрий день!");
    // Outside the caller's scope the case is not there; in scope but not theirs to answer, refused.
    assert_eq!(app.post(&format!("/desk/cases/{case}/canned"), &[("canned", &permit)], Some(w.vol_lt.cookie())).await.status, 404);
    assert_eq!(app.post(&format!("/desk/cases/{case}/canned"), &[("canned", &permit)], Some(w.vol_housing.cookie())).await.status, 404);

    // Sent, the requester reads it on their page.
    assert_eq!(app.post_reply(&w.vol_legal, &case, &format!("Добрий день!\n\n{UK_TEXT}")).await.status, 303);
    let requester = app.requester_sign_in(&reference, &code).await;
    let thread = app.get_thread(&requester, "uk").await;
    assert!(thread.body.contains(UK_TEXT));
    assert!(thread.body.contains("lang=\"uk\""), "the page speaks Ukrainian");
}

async fn a_refused_canned_reply_keeps_what_was_typed(app: TestApp) {
    let w = World::build(&app).await;
    let refused = post_replies(&app, &w.lead_pl, "canned-add", &[("language", "pl"), ("title", " "), ("body", "Proszę przynieść paszport.")]).await;
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains("id=\"add-title-error\""), "the reason is next to the title");
    assert_eq!(textarea(&refused.body, "add-body"), "Proszę przynieść paszport.", "the text stays");
    assert!(tag_has(&refused.body, "<option value=\"pl\"", "selected"), "the language stays chosen");
    let unknown_language = post_replies(&app, &w.lead_pl, "canned-add", &[("language", "de"), ("title", "t"), ("body", "b")]).await;
    assert_eq!(unknown_language.status, 422);
    assert_eq!(app.count("SELECT COUNT(*) FROM canned_replies").await, 0, "nothing half-written");
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'canned.add'").await, 0);
}

async fn the_acknowledgement_greets_new_requests_in_their_language_and_is_no_first_response(app: TestApp) {
    let w = World::build(&app).await;
    let uk = "Ми отримали ваше звернення. Волонтер відповість найближчим часом.";
    let ru = "Мы получили ваше обращение.";
    // Switched on without any text: refused, and nothing changes.
    let empty = post_replies(&app, &w.lead_pl, "acknowledgement", &[("acknowledge", "on")]).await;
    assert_eq!(empty.status, 422);
    assert!(empty.body.contains("id=\"ack-on-error\""));
    let on = post_replies(&app, &w.lead_pl, "acknowledgement", &[("acknowledge", "on"), ("ack_uk", uk), ("ack_ru", ru)]).await;
    assert_eq!(on.status, 303, "{}", on.body);
    assert_eq!(app.audited("embassy.acknowledgement", &w.pl.embassy_id).await, 1);
    let page = app.get_desk(&w.lead_pl, "/desk/replies").await;
    assert_eq!(textarea(&page.body, "ack-uk"), uk);
    assert!(tag_has(&page.body, "id=\"ack-on\"", "checked"), "shown as on");

    // Ukrainian reader: the Ukrainian text; Belarusian reader: none in Belarusian, so Russian.
    for (language, expected) in [("uk", uk), ("be", ru)] {
        let opened = app.post_intake(&with(valid_form(), "language", language)).await;
        assert_eq!(opened.status, 201);
        let (reference, code) = (opened.text_of("receipt-reference").unwrap(), opened.text_of("receipt-code").unwrap());
        let case = app.case_of(&reference).await;
        let requester = app.requester_sign_in(&reference, &code).await;
        assert!(app.get_thread(&requester, language).await.body.contains(expected), "{language}");
        let first: Option<i64> =
            sqlx::query_scalar("SELECT first_response_at FROM cases WHERE id = $1").bind(&case).fetch_one(app.state.db.pool()).await.unwrap();
        assert_eq!(first, None, "{language}: the acknowledgement is not a first response");
        assert_eq!(app.audited("case.acknowledge", &case).await, 1);
        let desk = app.get_case(&w.lead_pl, &case).await;
        assert!(desk.body.contains("Automatic acknowledgement"), "the desk sees it marked as automatic");
    }
    // Another embassy's new requests get nothing from Poland's setting.
    let lithuania = app.post_intake(&with(with(valid_form(), "country", "LT"), "language", "uk")).await;
    let lt_case = app.case_of(&lithuania.text_of("receipt-reference").unwrap()).await;
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM case_messages WHERE case_id = '{lt_case}'")).await, 0);

    // Switched off, new requests get nothing; the texts are kept for next time.
    let off = post_replies(&app, &w.lead_pl, "acknowledgement", &[("ack_uk", uk)]).await;
    assert_eq!(off.status, 303);
    let opened = app.post_intake(&with(valid_form(), "language", "uk")).await;
    let case = app.case_of(&opened.text_of("receipt-reference").unwrap()).await;
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM case_messages WHERE case_id = '{case}'")).await, 0);
    assert_eq!(textarea(&app.get_desk(&w.lead_pl, "/desk/replies").await.body, "ack-uk"), uk);
    assert_eq!(post_replies(&app, &w.lead_lt, "acknowledgement", &[("embassy", &w.pl.embassy_id), ("acknowledge", "on"), ("ack_uk", "x")]).await.status, 404);
}

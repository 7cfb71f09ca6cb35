//! Junk closed in bulk: a lead chooses cases on the queue page and marks them as spam; each
//! is closed with the marker, a timeline event and an audit row, all in one transaction. A
//! volunteer cannot; one case outside the lead's scope, or one already answered, refuses
//! the whole post and nothing changes.

use crate::{
    helpers::{now, TestApp, World},
    on_both_backends,
};
use embassy_desk::{
    domain::{Category, Priority},
    server::db::purge,
};

on_both_backends!(
    lead_marks_chosen_cases_as_spam_in_one_post,
    volunteer_cannot_mark_spam,
    one_case_out_of_scope_refuses_the_whole_post,
    answered_case_or_bad_choice_refuses_the_whole_post,
    recent_cases_can_be_listed_to_choose_a_flood
);

/// Presses "mark as spam" on the queue page with these cases chosen; `back` is the list's query.
async fn post_spam(app: &TestApp, who: &str, cases: &[&str], back: &str) -> crate::helpers::Page {
    let mut pairs = vec![("action", "spam"), ("back", back)];
    pairs.extend(cases.iter().map(|c| ("cases", *c)));
    app.post("/desk", &pairs, Some(who)).await
}

/// `(status, spam marker, closed)` of a case.
async fn state_of(app: &TestApp, case: &str) -> (String, i64, bool) {
    let (status, spam, closed_at): (String, i64, Option<i64>) =
        sqlx::query_as("SELECT status, spam, closed_at FROM cases WHERE id = $1").bind(case).fetch_one(app.state.db.pool()).await.unwrap();
    (status, spam, closed_at.is_some())
}

async fn spam_events(app: &TestApp, case: &str) -> i64 {
    app.count(&format!("SELECT COUNT(*) FROM case_events WHERE case_id = '{case}' AND kind = 'spam' AND old_value = 'new' AND new_value = 'closed'")).await
}

async fn lead_marks_chosen_cases_as_spam_in_one_post(app: TestApp) {
    let w = World::build(&app).await;
    let at = now() - 60;
    let junk1 = app.case_in(&w.pl, Category::LegalStatus, Priority::Normal, at, "asdf").await;
    let junk2 = app.case_in(&w.pl, Category::Housing, Priority::Normal, at, "qwer").await;
    let junk3 = app.case_in(&w.pl, Category::Other, Priority::Normal, at, "zxcv").await;
    let real = app.case_in(&w.pl, Category::LegalStatus, Priority::Normal, at, "Алеся").await;

    // The lead's list is a form with a box per case; a volunteer's is not.
    let queue = app.get_queue(&w.lead_pl).await;
    assert!(queue.body.contains(&format!("value=\"{junk1}\"")) && queue.body.contains("id=\"mark-spam\""), "{}", queue.body);
    assert!(!app.get_queue(&w.vol_legal).await.body.contains("id=\"mark-spam\""));

    let done = post_spam(&app, &w.lead_pl.cookie, &[&junk1, &junk2, &junk3, &junk1], "status=new&opened=1").await;
    assert_eq!((done.status, done.location.as_deref()), (303, Some("/desk?status=new&opened=1&spam=3")), "{}", done.body);
    for case in [&junk1, &junk2, &junk3] {
        assert_eq!(state_of(&app, case).await, ("closed".to_owned(), 1, true));
        assert_eq!(spam_events(&app, case).await, 1);
        assert_eq!(app.audited("case.spam", case).await, 1);
    }
    assert_eq!(state_of(&app, &real).await, ("new".to_owned(), 0, false), "a case not chosen is left alone");
    assert_eq!(app.audited("case.spam", &real).await, 0);

    // The list says so, in the page's language, and the case's timeline shows it.
    let after = app.get_desk(&w.lead_pl, "/desk?spam=3").await;
    assert!(after.text().contains("3 cases were marked as spam and closed."), "{}", after.body);
    assert!(app.get_case(&w.lead_pl, &junk1).await.text().contains("Marked as spam and closed"));

    // An admin may too, in any embassy.
    let lt_junk = app.case_in(&w.lt, Category::LegalStatus, Priority::Normal, at, "junk").await;
    assert_eq!(post_spam(&app, &w.admin.cookie, &[&lt_junk], "").await.location.as_deref(), Some("/desk?spam=1"));
    assert_eq!(state_of(&app, &lt_junk).await.1, 1);

    // Reopened, a case is real again.
    assert_eq!(app.post_status(&w.lead_pl, &junk3, "in_progress").await.status, 303);
    assert_eq!(state_of(&app, &junk3).await, ("in_progress".to_owned(), 0, false));

    // Purged, a spam case is remembered as spam, not as closed.
    let mut tx = app.state.db.begin().await.unwrap();
    purge::purge_case(&mut tx, &app.state.keyring, &junk2, false, now()).await.unwrap().unwrap();
    tx.commit().await.unwrap();
    assert_eq!(app.count("SELECT COUNT(*) FROM past_cases WHERE outcome = 'spam'").await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM past_cases WHERE outcome = 'closed'").await, 0);
    assert_eq!(app.audit_chain().await, Ok(()));
}

async fn volunteer_cannot_mark_spam(app: TestApp) {
    let w = World::build(&app).await;
    let case = app.case_in(&w.pl, Category::LegalStatus, Priority::Normal, now() - 60, "asdf").await;
    // Even the volunteer who holds the case, in their own queue.
    assert_eq!(app.post_take(&w.vol_legal, &case).await.status, 303);
    let refused = post_spam(&app, &w.vol_legal.cookie, &[&case], "").await;
    assert_eq!(refused.status, 404, "{}", refused.body);
    assert_eq!(state_of(&app, &case).await, ("new".to_owned(), 0, false));
    assert_eq!(spam_events(&app, &case).await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'case.spam'").await, 0);
}

async fn one_case_out_of_scope_refuses_the_whole_post(app: TestApp) {
    let w = World::build(&app).await;
    let at = now() - 60;
    let pl1 = app.case_in(&w.pl, Category::LegalStatus, Priority::Normal, at, "asdf").await;
    let pl2 = app.case_in(&w.pl, Category::Housing, Priority::Normal, at, "qwer").await;
    let lt = app.case_in(&w.lt, Category::LegalStatus, Priority::Normal, at, "zxcv").await;
    let refused = post_spam(&app, &w.lead_pl.cookie, &[&pl1, &pl2, &lt], "").await;
    assert_eq!(refused.status, 404, "outside scope is answered as unknown: {}", refused.body);
    for case in [&pl1, &pl2, &lt] {
        assert_eq!(state_of(&app, case).await, ("new".to_owned(), 0, false), "nothing changed");
        assert_eq!(spam_events(&app, case).await, 0);
        assert_eq!(app.audited("case.spam", case).await, 0);
    }
    // The attempt at the other embassy's case is recorded as denied.
    let denied = app.count(&format!("SELECT COUNT(*) FROM audit_log WHERE action = 'case.spam' AND object_id = '{lt}' AND outcome = 'denied'")).await;
    assert_eq!(denied, 1);
    // An unknown id refuses the post too.
    let unknown = post_spam(&app, &w.lead_pl.cookie, &[&pl1, "0b9d3a4e-1c2f-4a5b-8c6d-7e8f9a0b1c2d"], "").await;
    assert_eq!(unknown.status, 404);
    assert_eq!(state_of(&app, &pl1).await.1, 0);
}

async fn answered_case_or_bad_choice_refuses_the_whole_post(app: TestApp) {
    let w = World::build(&app).await;
    let at = now() - 60;
    let junk = app.case_in(&w.pl, Category::LegalStatus, Priority::Normal, at, "asdf").await;
    let answered = app.case_in(&w.pl, Category::LegalStatus, Priority::Normal, at, "Алеся").await;
    assert_eq!(app.post_reply(&w.lead_pl, &answered, "We are looking at it.").await.status, 303);
    let refused = post_spam(&app, &w.lead_pl.cookie, &[&junk, &answered], "status=new").await;
    assert_eq!(refused.status, 422);
    assert!(refused.text().contains("one of the chosen cases has been answered"), "{}", refused.body);
    // The list comes back as it was filtered, with the cases still chosen.
    assert!(refused.body.contains("name=\"back\" value=\"status=new\""), "{}", refused.body);
    let junk_box = &refused.body[refused.body.find(&format!("value=\"{junk}\"")).unwrap()..];
    assert!(junk_box[..junk_box.find('>').unwrap()].contains("checked"), "{junk_box:.200}");
    assert_eq!(state_of(&app, &junk).await, ("new".to_owned(), 0, false));
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'case.spam'").await, 0);

    // Nothing chosen, or more than a page at once.
    let none = post_spam(&app, &w.lead_pl.cookie, &[], "").await;
    assert_eq!(none.status, 422);
    assert!(none.text().contains("Choose at least one case"), "{}", none.body);
    let many: Vec<String> = (0..51).map(|_| uuid::Uuid::new_v4().to_string()).collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    let too_many = post_spam(&app, &w.lead_pl.cookie, &many, "").await;
    assert_eq!(too_many.status, 422);
    assert!(too_many.text().contains("at most 50 cases"), "{}", too_many.body);
    // A `back` that is not a list's query is dropped.
    let odd = post_spam(&app, &w.lead_pl.cookie, &[&junk], "//elsewhere.example/").await;
    assert_eq!(odd.location.as_deref(), Some("/desk?spam=1"));
}

async fn recent_cases_can_be_listed_to_choose_a_flood(app: TestApp) {
    let w = World::build(&app).await;
    let old = app.case_in(&w.pl, Category::LegalStatus, Priority::Normal, now() - 3 * 3600, "old").await;
    let fresh = app.case_in(&w.pl, Category::LegalStatus, Priority::Normal, now() - 60, "fresh").await;
    let (old, fresh) = (app.reference_of(&old).await, app.reference_of(&fresh).await);
    let hour = app.get_desk(&w.lead_pl, "/desk?status=new&opened=1").await;
    assert_eq!(hour.status, 200);
    assert!(hour.body.contains(&fresh) && !hour.body.contains(&old), "{}", hour.body);
    let six = app.get_desk(&w.lead_pl, "/desk?opened=6").await;
    assert!(six.body.contains(&fresh) && six.body.contains(&old));
    // An hour count the filter does not offer means any time.
    assert!(app.get_desk(&w.lead_pl, "/desk?opened=2").await.body.contains(&old));
}

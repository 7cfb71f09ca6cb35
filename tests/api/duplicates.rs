//! Possible duplicates: requests with the same contact or document number, however typed,
//! are shown on each other's case page within the reader's scope (by a keyed index, never
//! the values); a lead links two as the same person's — both timelines say so, both are
//! audited, both requesters' codes keep working. The indexes survive a key rotation and the
//! retirement of the old key, and leave with a deleted request.

use crate::{
    helpers::{valid_form, with, TestApp, World},
    on_both_backends,
};
use embassy_desk::server::keys;

on_both_backends!(requests_of_one_person_are_found_and_linked);

/// A request in Poland (or `country`) with this contact handle and document number; returns
/// (reference, code, case id).
async fn request(app: &TestApp, country: &str, handle: &str, document: Option<&str>) -> (String, String, String) {
    let mut form = with(with(valid_form(), "country", country), "contact_handle", handle);
    if let Some(number) = document {
        form.push(("categories", "documents".into()));
        form.push(("document_kind", "passport_expired".into()));
        form.push(("document_number", number.into()));
    }
    let page = app.post_intake(&form).await;
    assert_eq!(page.status, 201, "{}", page.body);
    let reference = page.text_of("receipt-reference").unwrap();
    let code = page.text_of("receipt-code").unwrap();
    let case = app.case_of(&reference).await;
    (reference, code, case)
}

/// The ids listed as possible duplicates on a case page.
fn listed(body: &str) -> Vec<String> {
    let Some(start) = body.find("id=\"possible-duplicates\"") else { return Vec::new() };
    let end = start + body[start..].find("</ul>").unwrap();
    body[start..end].split("data-case=\"").skip(1).map(|s| s[..36].to_owned()).collect()
}

async fn requests_of_one_person_are_found_and_linked(app: TestApp) {
    let w = World::build(&app).await;
    let (a_ref, a_code, a) = request(&app, "PL", "+48 600 100 200", Some("AB 123-45-67")).await;
    let (b_ref, b_code, b) = request(&app, "PL", "0048 600-100-200", None).await;
    let (_, _, c) = request(&app, "PL", "@someone_else", Some("ab1234567")).await;
    let (_, _, d) = request(&app, "LT", "+48600100200", None).await;
    let (_, _, unrelated) = request(&app, "PL", "+48 600 999 999", Some("XY 7654321")).await;
    assert_eq!(app.count("SELECT COUNT(*) FROM case_look_ups").await, 8, "an index per value and key, the values themselves nowhere");

    // The lead of Poland sees the Polish matches (the contact, the document number) but not
    // the Lithuanian one; an admin sees all three.
    let page = app.get_case(&w.lead_pl, &a).await;
    let mut found = listed(&page.body);
    found.sort();
    let mut expected = vec![b.clone(), c.clone()];
    expected.sort();
    assert_eq!(found, expected);
    assert!(page.body.contains("same contact") && page.body.contains("same document number"));
    assert!(!page.body.contains(&unrelated));
    assert_eq!(listed(&app.get_case(&w.admin, &a).await.body).len(), 3);
    assert!(listed(&app.get_case(&w.lead_lt, &d).await.body).is_empty(), "Lithuania's lead reaches no Polish request");

    // Linking: not for volunteers, not across the reader's scope, not with itself.
    assert_eq!(app.post_case(&w.vol_legal, &a, "link", &[("other", &b)]).await.status, 403);
    assert_eq!(app.post_case(&w.lead_pl, &a, "link", &[("other", &d)]).await.status, 422);
    assert_eq!(app.post_case(&w.lead_pl, &a, "link", &[("other", &a)]).await.status, 422);
    assert_eq!(app.post_case(&w.lead_lt, &a, "link", &[("other", &b)]).await.status, 404);
    let linked = app.post_case(&w.lead_pl, &a, "link", &[("other", &b)]).await;
    assert_eq!(linked.status, 303, "{}", linked.body);
    assert_eq!(app.post_case(&w.lead_pl, &b, "link", &[("other", &a)]).await.status, 303, "linking twice changes nothing");
    assert_eq!(app.count("SELECT COUNT(*) FROM case_links").await, 2);
    for (case, other_ref) in [(&a, &b_ref), (&b, &a_ref)] {
        assert_eq!(app.audited("case.link", case).await, 1);
        assert_eq!(app.count(&format!("SELECT COUNT(*) FROM case_events WHERE case_id = '{case}' AND kind = 'link'")).await, 1);
        let page = app.get_case(&w.lead_pl, case).await;
        assert!(page.body.contains("id=\"linked-cases\"") && page.body.contains(other_ref.as_str()), "both pages name the other");
    }
    // The same document number, another person: a lead says so, and neither case lists the
    // other any more (volunteers may not; the mark is audited on both).
    assert_eq!(app.post_case(&w.vol_legal, &a, "not-duplicate", &[("other", &c)]).await.status, 403);
    assert_eq!(app.post_case(&w.lead_pl, &a, "not-duplicate", &[("other", &c)]).await.status, 303);
    assert!(!listed(&app.get_case(&w.lead_pl, &a).await.body).contains(&c));
    assert!(!listed(&app.get_case(&w.lead_pl, &c).await.body).contains(&a));
    assert!(listed(&app.get_case(&w.lead_pl, &a).await.body).contains(&b), "the others stay listed");
    for case in [&a, &c] {
        assert_eq!(app.audited("case.not_duplicate", case).await, 1);
    }
    // A pair linked as one person's stays linked.
    assert_eq!(app.post_case(&w.lead_pl, &a, "not-duplicate", &[("other", &b)]).await.status, 303);
    assert!(app.get_case(&w.lead_pl, &a).await.body.contains("id=\"linked-cases\""));
    assert_eq!(app.count("SELECT COUNT(*) FROM case_links WHERE kind = 'same'").await, 2);
    // Both requesters still read their own request with their own code.
    for (reference, code) in [(&a_ref, &a_code), (&b_ref, &b_code)] {
        let cookie = app.requester_sign_in(reference, code).await;
        assert_eq!(app.get_thread(&cookie, "en").await.status, 200);
    }

    // A key rotation indexes the older requests under the new key; once the old key is
    // retired, they still meet a request that came after.
    let key_file = app.state.config.key_file.clone();
    keys::rotate(&app.state.db, &app.state.keyring, &key_file).await.unwrap();
    assert_eq!(app.count("SELECT COUNT(*) FROM case_look_ups WHERE key_id = 2").await, 8);
    sqlx::query("UPDATE key_checks SET created_at = created_at - 3600").execute(app.state.db.pool()).await.unwrap();
    keys::retire(&app.state.db, &app.state.keyring, &key_file, 1).await.unwrap();
    assert_eq!(app.count("SELECT COUNT(*) FROM case_look_ups WHERE key_id = 1").await, 0);
    let (_, _, e) = request(&app, "PL", "+48 600 100 200", None).await;
    // Sessions under the retired key ended with it: the lead signs in again.
    let lead = app.sign_in("lead.pl", &w.lead_pl.id).await;
    assert!(listed(&app.get_case(&lead, &a).await.body).contains(&e), "found across the rotation");

    // A request its requester deletes leaves no index and no link behind.
    let cookie = app.requester_sign_in(&b_ref, &b_code).await;
    assert_eq!(app.post_delete_request(&cookie).await.status, 303);
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM case_look_ups WHERE case_id = '{b}'")).await, 0);
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM case_links WHERE case_id = '{b}' OR other_id = '{b}'")).await, 0);
    let page = app.get_case(&lead, &a).await;
    assert_eq!(page.status, 200);
    assert!(!page.body.contains(&b_ref));
    assert!(app.audit_chain().await.is_ok());
}

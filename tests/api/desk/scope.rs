//! Scope: a case outside the reader's queues or embassy answers as an unknown one would,
//! for reading and for changing, and every read that decrypts is audited.

use crate::{
    helpers::{now, TestApp, World},
    on_both_backends,
};
use embassy_desk::domain::{Category, Priority};

on_both_backends!(cases_outside_scope_are_not_found, reaching_a_case_outside_scope_is_audited_as_denied);

/// A well-formed case id that names no case.
const UNKNOWN_CASE: &str = "0b9d3a4e-1c2f-4a5b-8c6d-7e8f9a0b1c2d";

async fn cases_outside_scope_are_not_found(app: TestApp) {
    let w = World::build(&app).await;
    let case = app.case_in(&w.pl, Category::LegalStatus, Priority::Normal, now() - 3600, "Сяргей").await;
    for (who, person, status) in [
        ("volunteer of the queue", &w.vol_legal, 200),
        ("volunteer of another queue", &w.vol_housing, 404),
        ("volunteer of another embassy", &w.vol_lt, 404),
        ("lead of the embassy", &w.lead_pl, 200),
        ("lead of another embassy", &w.lead_lt, 404),
        ("admin", &w.admin, 200),
    ] {
        let page = app.get_case(person, &case).await;
        assert_eq!(page.status, status, "{who}");
        assert_eq!(page.body.contains("Сяргей"), status == 200, "{who}");
    }
    // An unknown id answers exactly as a case outside scope.
    let unknown = app.get_case(&w.vol_housing, UNKNOWN_CASE).await;
    let outside = app.get_case(&w.vol_housing, &case).await;
    assert_eq!(unknown.status, outside.status);
    assert_eq!(app.get(&format!("/desk/cases/{case}"), None, Some("en")).await.status, 401);
    // Changes outside scope are 404 too, and change nothing.
    assert_eq!(app.post_note(&w.vol_lt, &case, "hello").await.status, 404);
    assert_eq!(app.count("SELECT COUNT(*) FROM case_notes").await, 0);
    // A volunteer's queue list names only their queues.
    assert!(app.get_queue(&w.vol_legal).await.body.contains("Сяргей"));
    assert_eq!(app.get_desk(&w.vol_legal, &format!("/desk?queue={}", w.housing)).await.status, 404);
    assert!(!app.get_queue(&w.vol_housing).await.body.contains("Сяргей"));
    // Every decryption was audited (and each refusal, as denied).
    assert_eq!(app.audited("case.view", &case).await, 3);
}

/// Every attempt to reach a case out of scope answers 404 as before, and is recorded:
/// `denied` with the case's id when it exists, `not_found` when it does not.
async fn reaching_a_case_outside_scope_is_audited_as_denied(app: TestApp) {
    let w = World::build(&app).await;
    let case = app.case_in(&w.pl, Category::LegalStatus, Priority::Normal, now() - 3600, "Сяргей").await;
    let rows = |actor: String| {
        let app = &app;
        async move {
            let rows: Vec<(String, Option<String>, String)> =
                sqlx::query_as("SELECT action, object_id, outcome FROM audit_log WHERE actor = $1 AND action LIKE 'case.%' ORDER BY seq")
                    .bind(actor)
                    .fetch_all(app.state.db.pool())
                    .await
                    .unwrap();
            rows
        }
    };
    let row = |action: &str, object: &str, outcome: &str| (action.to_owned(), Some(object.to_owned()), outcome.to_owned());

    // Another queue's volunteer opens it, and opens a case that does not exist.
    assert_eq!(app.get_case(&w.vol_housing, &case).await.status, 404);
    assert_eq!(app.get_case(&w.vol_housing, UNKNOWN_CASE).await.status, 404);
    assert_eq!(rows(format!("person:{}", w.vol_housing.id)).await, vec![row("case.view", &case, "denied"), row("case.view", UNKNOWN_CASE, "not_found")]);
    // Another embassy's volunteer posts to it: each change answers 404, changes nothing, and
    // is recorded under its own action.
    assert_eq!(app.post_note(&w.vol_lt, &case, "hello").await.status, 404);
    assert_eq!(app.post_reply(&w.vol_lt, &case, "hello").await.status, 404);
    assert_eq!(app.post_status(&w.vol_lt, &case, "closed").await.status, 404);
    assert_eq!(app.post_assign(&w.vol_lt, &case, &w.vol_lt.id).await.status, 404);
    assert_eq!(app.post_take(&w.vol_lt, &case).await.status, 404);
    assert_eq!(app.post_note(&w.vol_lt, UNKNOWN_CASE, "hello").await.status, 404);
    assert_eq!(
        rows(format!("person:{}", w.vol_lt.id)).await,
        vec![
            row("case.note.add", &case, "denied"),
            row("case.reply.volunteer", &case, "denied"),
            row("case.status", &case, "denied"),
            row("case.assign", &case, "denied"),
            row("case.take", &case, "denied"),
            row("case.note.add", UNKNOWN_CASE, "not_found"),
        ]
    );
    assert_eq!(app.count("SELECT COUNT(*) FROM case_notes").await + app.count("SELECT COUNT(*) FROM case_messages").await, 0);
    assert_eq!(app.assignee_of(&case).await, None);
    // A lead of another embassy too; the case's own volunteer is let in, as before.
    assert_eq!(app.get_case(&w.lead_lt, &case).await.status, 404);
    assert_eq!(rows(format!("person:{}", w.lead_lt.id)).await, vec![row("case.view", &case, "denied")]);
    assert_eq!(app.get_case(&w.vol_legal, &case).await.status, 200);
    assert_eq!(rows(format!("person:{}", w.vol_legal.id)).await, vec![row("case.view", &case, "ok")]);
    // A malformed id is recorded without it: nothing typed but an id reaches the log.
    assert_eq!(app.get_case(&w.vol_lt, "not-an-id").await.status, 404);
    let last: (String, Option<String>, String) =
        sqlx::query_as("SELECT action, object_id, outcome FROM audit_log ORDER BY seq DESC LIMIT 1").fetch_one(app.state.db.pool()).await.unwrap();
    assert_eq!(last, ("case.view".to_owned(), None, "not_found".to_owned()));
    assert_eq!(app.audit_chain().await, Ok(()));
}

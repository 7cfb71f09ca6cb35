//! Scope: a case outside the reader's queues or embassy answers as an unknown one would,
//! for reading and for changing, and every read that decrypts is audited.

use crate::{
    helpers::{now, TestApp, World},
    on_both_backends,
};
use embassy_desk::domain::{Category, Priority};

on_both_backends!(cases_outside_scope_are_not_found);

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
    // Every decryption was audited.
    assert_eq!(app.audited("case.view", &case).await, 3);
}

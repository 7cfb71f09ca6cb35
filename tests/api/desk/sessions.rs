//! Sessions end when they should, at once: log-out everywhere, deactivation, and whatever
//! another process changes in the database between two pages.

use crate::{
    helpers::{now, TestApp, World, PASSWORD},
    on_both_backends,
};
use embassy_desk::domain::{Category, Priority};

on_both_backends!(log_out_everywhere_and_deactivation_end_sessions_at_once, changes_made_elsewhere_apply_to_the_next_page_at_once);

async fn log_out_everywhere_and_deactivation_end_sessions_at_once(app: TestApp) {
    let w = World::build(&app).await;
    let second = app.sign_in("vol.legal", &w.vol_legal.id).await;
    assert_eq!(app.get_queue(&second).await.status, 200);
    assert_eq!(app.post_logout_everywhere(&w.vol_legal).await.status, 303);
    assert_eq!(app.get_queue(&second).await.status, 401);
    assert_eq!(app.get_queue(&w.vol_legal).await.status, 401);

    // A lead deactivates a volunteer: their session ends at once and their cases return.
    let case = app.case_in(&w.pl, Category::Housing, Priority::High, now() - 60, "Ала").await;
    assert_eq!(app.post_take(&w.vol_housing, &case).await.status, 303);
    assert_eq!(app.post_deactivate(&w.lead_pl, &w.vol_housing.id).await.status, 303);
    assert_eq!(app.get_queue(&w.vol_housing).await.status, 401);
    assert_eq!(app.post_desk_login("vol.housing", PASSWORD).await.status, 422);
    assert_eq!(app.assignee_of(&case).await, None);
    // A lead cannot deactivate another embassy's people, nor a volunteer anyone.
    assert_eq!(app.post_deactivate(&w.lead_pl, &w.vol_lt.id).await.status, 404);
    assert_eq!(app.post_deactivate(&w.vol_legal, &w.vol_lt.id).await.status, 303, "signed out above");
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'person.deactivate'").await, 1);
}

/// Every page reads its session and scope afresh: whatever changed them in the meantime, in
/// this process or another, is seen before anything is opened, shown or audited.
async fn changes_made_elsewhere_apply_to_the_next_page_at_once(app: TestApp) {
    let w = World::build(&app).await;
    let pool = app.state.db.pool();
    let case = app.case_in(&w.pl, Category::LegalStatus, Priority::Normal, now() - 3600, "Сяргей").await;
    // The housing volunteer's page lists this one (and audits it).
    app.case_in(&w.pl, Category::Housing, Priority::Normal, now() - 3600, "Зося").await;
    let volunteer = &w.vol_legal;
    for _ in 0..2 {
        let page = app.get_queue(volunteer).await;
        assert!(page.status == 200 && page.body.contains("Сяргей"), "{}", page.status);
        let opened = app.get_case(volunteer, &case).await;
        assert!(opened.status == 200 && opened.body.contains("Сяргей"), "{}", opened.status);
    }
    let audited = || app.count("SELECT COUNT(*) FROM audit_log WHERE action IN ('case.list', 'case.view')");

    // Another process takes the volunteer out of their queue: the next pages show the
    // scope the database holds now.
    sqlx::query("DELETE FROM queue_members WHERE person_id = $1").bind(&volunteer.id).execute(pool).await.unwrap();
    let page = app.get_queue(volunteer).await;
    assert!(page.status == 200 && !page.body.contains("Сяргей"), "{}", page.status);
    assert_eq!(app.get_case(volunteer, &case).await.status, 404);
    sqlx::query("INSERT INTO queue_members (queue_id, person_id) VALUES ($1, $2)").bind(&w.legal).bind(&volunteer.id).execute(pool).await.unwrap();
    assert_eq!(app.get_case(volunteer, &case).await.status, 200);

    // …and ends the session: refused at once, with nothing opened or audited.
    let before = audited().await;
    sqlx::query("DELETE FROM staff_sessions WHERE person_id = $1").bind(&volunteer.id).execute(pool).await.unwrap();
    assert_eq!(app.get_queue(volunteer).await.status, 401);
    assert_eq!(app.get_queue(&w.vol_housing).await.status, 200);
    sqlx::query("DELETE FROM staff_sessions WHERE person_id = $1").bind(&w.vol_housing.id).execute(pool).await.unwrap();
    assert_eq!(app.get_case(&w.vol_housing, &case).await.status, 401);
    assert_eq!(audited().await, before + 1, "the housing volunteer's one page");
}

//! Changing a case: status along the workflow, priority by the embassy's service level, a
//! deadline, a new queue; the timeline and the audit log keep every step.

use crate::{
    helpers::{now, TestApp, World},
    on_both_backends,
};
use embassy_desk::domain::{Category, Date, Priority};

on_both_backends!(status_follows_the_workflow_and_everything_is_audited);

async fn status_follows_the_workflow_and_everything_is_audited(app: TestApp) {
    let w = World::build(&app).await;
    let pool = app.state.db.pool();
    let case = app.case_in(&w.pl, Category::LegalStatus, Priority::Normal, now() - 100, "Ян").await;
    let volunteer = &w.vol_legal;
    // Not assigned: a volunteer may read and note, not change.
    assert_eq!(app.post_status(volunteer, &case, "triaged").await.status, 403);
    assert_eq!(app.post_take(volunteer, &case).await.status, 303);
    assert_eq!(app.post_status(volunteer, &case, "resolved").await.status, 422, "new cannot jump to resolved");
    for next in ["triaged", "in_progress", "waiting", "in_progress", "resolved", "closed", "in_progress"] {
        let r = app.post_status(volunteer, &case, next).await;
        assert_eq!(r.status, 303, "{next}: {}", r.body);
    }
    let (status, resolved, closed): (String, Option<i64>, Option<i64>) =
        sqlx::query_as("SELECT status, resolved_at, closed_at FROM cases WHERE id = $1").bind(&case).fetch_one(pool).await.unwrap();
    assert_eq!((status.as_str(), resolved, closed), ("in_progress", None, None), "reopened");
    // Priority follows the embassy's service level.
    sqlx::query("UPDATE embassies SET sla_urgent_hours = 2 WHERE id = $1").bind(&w.pl.embassy_id).execute(pool).await.unwrap();
    assert_eq!(app.post_priority(volunteer, &case, "urgent").await.status, 303);
    let (created, due): (i64, i64) =
        sqlx::query_as("SELECT created_at, first_response_due_at FROM cases WHERE id = $1").bind(&case).fetch_one(pool).await.unwrap();
    assert_eq!(due - created, 2 * 3600);
    // Deadlines: a bad date is refused next to the field; a good one shows on the queue page.
    assert_eq!(app.post_deadline(volunteer, &case, "appeal", "2026-02-30").await.status, 422);
    let soon = Date::from_unix(now() + 3 * 86400).to_string();
    assert_eq!(app.post_deadline(volunteer, &case, "appeal", &soon).await.status, 303);
    assert!(app.get_queue(volunteer).await.body.contains(&soon), "deadline within 7 days on the queue page");
    // Re-routing to housing: the legal volunteer no longer sees it.
    assert_eq!(app.post_route(&w.lead_pl, &case, &w.housing, "housing").await.status, 303);
    assert_eq!(app.get_case(&w.vol_housing, &case).await.status, 200);
    // The lead sees the timeline and who accessed the case.
    let lead_view = app.get_case(&w.lead_pl, &case).await;
    assert!(lead_view.body.contains("id=\"access-history\""));
    assert!(lead_view.body.contains("vol.legal"));
    assert!(!app.get_case(&w.vol_housing, &case).await.body.contains("id=\"access-history\""));
    let events = app.count(&format!("SELECT COUNT(*) FROM case_events WHERE case_id = '{case}'")).await;
    assert!(events >= 11, "{events}");
    assert_eq!(app.audited("case.status", &case).await, 7);
    assert_eq!(app.audit_chain().await, Ok(()));
}

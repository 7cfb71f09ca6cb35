//! Who holds a case: leads assign it to people who may see it, volunteers hand it back,
//! and each step is audited.

use crate::{
    helpers::{now, TestApp, World},
    on_both_backends,
};
use embassy_desk::domain::{Category, Priority};

on_both_backends!(leads_assign_and_volunteers_hand_back);

async fn leads_assign_and_volunteers_hand_back(app: TestApp) {
    let w = World::build(&app).await;
    let case = app.case_in(&w.pl, Category::LegalStatus, Priority::High, now() - 100, "Ірына").await;
    // A volunteer cannot assign; a lead can, only to people who may see the case.
    assert_eq!(app.post_assign(&w.vol_legal, &case, &w.vol_legal.id).await.status, 403);
    assert_eq!(app.post_assign(&w.lead_pl, &case, &w.vol_housing.id).await.status, 422);
    assert_eq!(app.post_assign(&w.lead_pl, &case, &w.vol_legal.id).await.status, 303);
    assert!(app.get_desk(&w.vol_legal, "/desk?assignee=me").await.body.contains("Ірына"));
    assert_eq!(app.post_hand_back(&w.vol_legal, &case).await.location.as_deref(), Some("/desk"));
    assert_eq!(app.assignee_of(&case).await, None);
    assert_eq!(app.post_assign(&w.lead_pl, &case, &w.lead_pl.id).await.status, 303);
    assert_eq!(app.post_assign(&w.lead_pl, &case, "").await.status, 303, "unassign");
    for action in ["case.assign", "case.hand_back", "case.unassign"] {
        assert!(app.audited(action, &case).await >= 1, "{action}");
    }
}

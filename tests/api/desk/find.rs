//! Finding a case by the reference a requester gives: the box on every desk page opens the
//! case in the caller's scope, however the reference is typed; outside the scope it answers
//! as for a reference that does not exist; every search is audited.

use crate::{
    helpers::{now, Page, SignedIn, TestApp, World},
    on_both_backends,
};
use embassy_desk::domain::{Category, Priority};

on_both_backends!(a_reference_finds_its_case_within_scope);

async fn find(app: &TestApp, who: &impl SignedIn, typed: &str) -> Page {
    app.post("/desk/find", &[("reference", typed)], Some(who.cookie())).await
}

async fn a_reference_finds_its_case_within_scope(app: TestApp) {
    let w = World::build(&app).await;
    let case = app.case_in(&w.pl, Category::LegalStatus, Priority::Normal, now() - 3600, "Сяргей").await;
    let reference: String = sqlx::query_scalar("SELECT reference FROM cases WHERE id = $1").bind(&case).fetch_one(app.state.db.pool()).await.unwrap();

    let queue = app.get_desk(&w.vol_legal, "/desk").await;
    assert!(queue.body.contains("action=\"/desk/find\""), "the box is on the desk's pages");
    let found = find(&app, &w.vol_legal, &reference).await;
    assert_eq!(found.status, 303);
    assert_eq!(found.location.as_deref(), Some(format!("/desk/cases/{case}").as_str()));
    // As read out on the phone: small letters, spaces, O for 0 and I for 1.
    let spoken = reference.to_lowercase().replace('-', " ").replace('0', "o").replace('1', "i");
    assert_eq!(find(&app, &w.lead_pl, &spoken).await.location.as_deref(), Some(format!("/desk/cases/{case}").as_str()));

    for (who, person) in [("volunteer of another queue", &w.vol_housing), ("volunteer of another embassy", &w.vol_lt), ("lead of another embassy", &w.lead_lt)]
    {
        let refused = find(&app, person, &reference).await;
        assert_eq!(refused.status, 404, "{who}");
        assert!(refused.body.contains("id=\"find-reference-error\""), "{who}: the reason is next to the box");
        assert!(!refused.body.contains(&case), "{who}: nothing of the case");
    }
    let unknown = find(&app, &w.vol_legal, "7KQ2M-9XH4D").await;
    assert_eq!(unknown.status, 404, "an unknown reference answers alike");
    assert_eq!(unknown.input_value("reference").as_deref(), Some("7KQ2M-9XH4D"), "what was typed stays in the box");
    let misshapen = find(&app, &w.vol_legal, "not a reference").await;
    assert_eq!(misshapen.status, 422);
    assert!(misshapen.body.contains("ten letters and digits"));

    for (outcome, n) in [("ok", 2), ("denied", 3), ("not_found", 1)] {
        let sql = format!("SELECT COUNT(*) FROM audit_log WHERE action = 'case.find' AND outcome = '{outcome}'");
        assert_eq!(app.count(&sql).await, n, "{outcome} searches audited");
    }
}

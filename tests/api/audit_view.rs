//! The audit viewer: each lead reads their embassy's part of the log and admins all of it;
//! the filters (person, action, case reference, dates) and keyset pages; and the integrity
//! check, before and after a row is tampered with.

use crate::{
    helpers::{now, TestApp, World},
    on_both_backends,
};
use embassy_desk::{
    domain::{AuditAction, Category, Date, Priority},
    server::audit::view::{self, AuditFilter},
};

on_both_backends!(each_lead_reads_their_embassy_and_filters_narrow_it, pages_follow_the_log_by_its_key, the_integrity_check_finds_a_changed_row);

async fn each_lead_reads_their_embassy_and_filters_narrow_it(app: TestApp) {
    let w = World::build(&app).await;
    let case = app.case_in(&w.pl, Category::LegalStatus, Priority::Normal, now() - 60, "Зміцер").await;
    let reference = app.reference_of(&case).await;
    assert_eq!(app.get_case(&w.vol_legal, &case).await.status, 200);

    let lead = app.session_staff(&w.lead_pl).await;
    let all = |f: AuditFilter| {
        let (app, lead) = (&app, &lead);
        async move { view::list(&app.state.db, lead, &f).await.unwrap().0 }
    };
    let rows = all(AuditFilter::default()).await;
    assert!(
        rows.iter().any(|r| r.actor == "vol.legal" && r.action == "case.view" && r.object.as_deref() == Some(reference.as_str())),
        "the view, by login and reference"
    );
    assert!(rows.iter().all(|r| r.actor != "vol.lt" && r.actor != "lead.lt"), "nothing of Lithuania's people");
    assert!(rows.windows(2).all(|p| p[0].seq > p[1].seq), "newest first");
    // Admins read Lithuania's sign-ins too.
    let admin = app.session_staff(&w.admin).await;
    let everything = view::list(&app.state.db, &admin, &AuditFilter::default()).await.unwrap().0;
    assert!(everything.iter().any(|r| r.actor == "vol.lt"));

    // Filters.
    let by_login = all(AuditFilter { login: Some("vol.legal".into()), ..Default::default() }).await;
    assert!(!by_login.is_empty() && by_login.iter().all(|r| r.actor == "vol.legal"));
    let by_action = all(AuditFilter { action: Some(AuditAction::CaseView), ..Default::default() }).await;
    assert_eq!(by_action.len(), 1);
    let by_case = all(AuditFilter { reference: Some(reference.clone()), ..Default::default() }).await;
    assert!(by_case.iter().all(|r| r.object.as_deref() == Some(reference.as_str())) && by_case.iter().any(|r| r.action == "case.open"));
    let today = Date::from_unix(now());
    let tomorrow = Date::from_unix(now() + 86_400);
    let yesterday = Date::from_unix(now() - 86_400);
    assert_eq!(all(AuditFilter { from: Some(today), to: Some(today), ..Default::default() }).await.len(), rows.len());
    assert!(all(AuditFilter { from: Some(tomorrow), ..Default::default() }).await.is_empty());
    assert!(all(AuditFilter { to: Some(yesterday), ..Default::default() }).await.is_empty());
    assert!(all(AuditFilter { login: Some("nobody".into()), ..Default::default() }).await.is_empty());

    // Over HTTP: the lead's page; a volunteer's 404; a bad date next to its field.
    let page = app.get_desk(&w.lead_pl, &format!("/desk/audit?reference={reference}")).await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.text().contains("case.view") && !page.text().contains("Зміцер"), "ids and names of actions, no case data");
    assert_eq!(app.get_desk(&w.vol_legal, "/desk/audit").await.status, 404);
    let bad = app.get_desk(&w.lead_pl, "/desk/audit?from=31.12.2026").await;
    assert!(bad.text().contains("a-from-error") && bad.text().contains("value=\"31.12.2026\""), "{}", bad.body);
    // Reading the log is itself audited.
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'audit.view'").await, 2);
}

async fn pages_follow_the_log_by_its_key(app: TestApp) {
    let w = World::build(&app).await;
    // Each page lists this case, and so writes one row.
    app.case_in(&w.pl, Category::LegalStatus, Priority::Normal, now() - 60, "Зміцер").await;
    for _ in 0..70 {
        assert_eq!(app.get_queue(&w.vol_legal).await.status, 200);
    }
    let lead = app.session_staff(&w.lead_pl).await;
    let filter = AuditFilter { login: Some("vol.legal".into()), ..Default::default() };
    let mut seen = Vec::new();
    let mut before = None;
    loop {
        let (rows, next) = view::list(&app.state.db, &lead, &AuditFilter { before, ..filter.clone() }).await.unwrap();
        assert!(rows.len() <= view::PAGE_SIZE);
        seen.extend(rows.iter().map(|r| r.seq));
        match next {
            Some(n) => before = Some(n),
            None => break,
        }
    }
    let all: Vec<i64> = sqlx::query_scalar("SELECT seq FROM audit_log WHERE actor = $1 ORDER BY seq DESC")
        .bind(format!("person:{}", w.vol_legal.id))
        .fetch_all(app.state.db.pool())
        .await
        .unwrap();
    assert!(all.len() > view::PAGE_SIZE, "{}", all.len());
    assert_eq!(seen, all, "every row once, newest first");
    // The page links to the next one.
    let page = app.get_desk(&w.lead_pl, "/desk/audit?login=vol.legal").await;
    assert!(page.text().contains("id=\"audit-next\""), "{}", page.body);
}

async fn the_integrity_check_finds_a_changed_row(app: TestApp) {
    let w = World::build(&app).await;
    let check = app.post_audit_check(&w.lead_pl).await;
    assert_eq!((check.status, check.location.as_deref()), (303, Some("/desk/audit?saved=check")));
    let page = app.get_desk(&w.lead_pl, "/desk/audit").await;
    assert!(page.text().contains("The log verifies"), "{}", page.body);
    // Someone with the database changes an old row: the next check names it.
    sqlx::query("UPDATE audit_log SET outcome = 'denied' WHERE seq = 3").execute(app.state.db.pool()).await.unwrap();
    app.post_audit_check(&w.admin).await;
    let page = app.get_desk(&w.lead_pl, "/desk/audit").await;
    assert!(page.text().contains("does not verify from row 3"), "{}", page.body);
    let checks: Vec<String> =
        sqlx::query_scalar("SELECT outcome FROM audit_log WHERE action = 'audit.check' ORDER BY seq").fetch_all(app.state.db.pool()).await.unwrap();
    assert_eq!(checks, vec!["ok", "failed"]);
    // Volunteers may not run it.
    assert_eq!(app.post_audit_check(&w.vol_legal).await.status, 404);
}

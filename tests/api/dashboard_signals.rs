//! What shows a flood or an insider on the dashboard: cases opened per hour over the last
//! 48 hours, in the reader's scope; and the people who opened more distinct cases in the
//! last hour than their embassy's threshold, with a link to their openings in the audit log.

use crate::{
    helpers::{html_unescape, now, SignedIn, TestApp, World},
    on_both_backends,
};
use embassy_desk::{
    domain::{Category, Priority},
    server::dashboard::{self, Range, INTAKE_HOURS},
};

const HOUR: i64 = 3_600;

on_both_backends!(intake_per_hour_counts_each_hour_in_scope, a_person_opening_more_than_the_threshold_is_flagged, insider_threshold_is_set_on_the_team_page);

async fn intake_per_hour_counts_each_hour_in_scope(app: TestApp) {
    let w = World::build(&app).await;
    let at = now();
    let h0 = at - at.rem_euclid(HOUR);
    // Poland: one this hour, two three hours ago, one 50 hours ago (outside the chart);
    // Lithuania: one this hour.
    for (embassy, category, created) in [
        (&w.pl, Category::LegalStatus, h0 + 1),
        (&w.pl, Category::Housing, h0 - 3 * HOUR + 10),
        (&w.pl, Category::LegalStatus, h0 - 2 * HOUR - 1),
        (&w.pl, Category::LegalStatus, h0 - 50 * HOUR),
        (&w.lt, Category::LegalStatus, h0 + 2),
    ] {
        app.case_in(embassy, category, Priority::Normal, created, "flood").await;
    }
    let lead = figures(&app, &w.lead_pl, at).await.intake;
    assert_eq!(lead.len(), INTAKE_HOURS as usize);
    assert_eq!(lead.first().unwrap().0, h0 - (INTAKE_HOURS - 1) * HOUR, "oldest hour first");
    assert_eq!(*lead.last().unwrap(), (h0, 1), "this hour: Poland's one");
    let three_ago = lead.iter().find(|(start, _)| *start == h0 - 3 * HOUR).unwrap().1;
    assert_eq!(three_ago, 2, "both cases of that hour, each in its own hour bucket");
    assert_eq!(lead.iter().map(|(_, n)| n).sum::<i64>(), 3, "the case 50 hours ago is outside the chart");
    let admin = figures(&app, &w.admin, at).await.intake;
    assert_eq!(*admin.last().unwrap(), (h0, 2), "an admin counts every embassy");
    let lt = figures(&app, &w.lead_lt, at).await.intake;
    assert_eq!(lt.iter().map(|(_, n)| n).sum::<i64>(), 1);

    // The page draws it with a table of the same numbers.
    let page = app.get_desk(&w.lead_pl, "/desk/dashboard").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("id=\"intake-table\""), "{}", page.body);
    assert!(page.text().contains("3 new cases in the last 48 hours."), "{}", page.body);
}

/// The dashboard's figures as `who` reads them at `at`.
async fn figures(app: &TestApp, who: &(impl SignedIn + ?Sized), at: i64) -> dashboard::Figures {
    let staff = app.session_staff(who).await;
    let scope = dashboard::scope(&app.state.db, &staff, None, None).await.unwrap();
    dashboard::figures(&app.state.db, &app.state.medians, &scope, Range::default_at(at), at).await.unwrap()
}

/// Opens each case's page as `who` (one `case.view` row each).
async fn open_cases(app: &TestApp, who: &(impl SignedIn + ?Sized), cases: &[String]) {
    for case in cases {
        assert_eq!(app.get_case(who, case).await.status, 200);
    }
}

async fn a_person_opening_more_than_the_threshold_is_flagged(app: TestApp) {
    let w = World::build(&app).await;
    let pool = app.state.db.pool();
    sqlx::query("UPDATE embassies SET insider_threshold = 3 WHERE id = $1").bind(&w.pl.embassy_id).execute(pool).await.unwrap();
    let mut legal = Vec::new();
    let mut housing = Vec::new();
    for _ in 0..4 {
        legal.push(app.case_in(&w.pl, Category::LegalStatus, Priority::Normal, now() - 600, "x").await);
        housing.push(app.case_in(&w.pl, Category::Housing, Priority::Normal, now() - 600, "y").await);
    }
    // vol.legal opens 4 distinct cases (one of them twice): over the threshold of 3.
    open_cases(&app, &w.vol_legal, &legal).await;
    open_cases(&app, &w.vol_legal, &legal[..1]).await;
    // vol.housing opens 3 distinct cases, each twice: at the threshold, not over it.
    open_cases(&app, &w.vol_housing, &housing[..3]).await;
    open_cases(&app, &w.vol_housing, &housing[..3]).await;

    let flagged = figures(&app, &w.lead_pl, now()).await.insiders;
    assert_eq!(flagged.iter().map(|p| (p.login.as_str(), p.opened, p.threshold)).collect::<Vec<_>>(), [("vol.legal", 4, 3)]);
    assert_eq!(figures(&app, &w.admin, now()).await.insiders.len(), 1, "admins see every embassy's");
    assert!(figures(&app, &w.lead_lt, now()).await.insiders.is_empty(), "another embassy's lead does not see Poland's people");
    assert!(figures(&app, &w.lead_pl, now() + 2 * HOUR).await.insiders.is_empty(), "openings older than an hour do not count");

    // The lead's dashboard names them with the count and links to their openings.
    let page = app.get_desk(&w.lead_pl, "/desk/dashboard").await;
    let body = html_unescape(&page.text());
    let table = &body[body.find("id=\"insiders-table\"").expect("the flagged people's table")..];
    let table = &table[..table.find("</table>").unwrap()];
    assert!(table.contains("vol.legal") && !table.contains("vol.housing"), "{table}");
    assert!(table.contains("<td>4 "), "{table}");
    assert!(table.contains("href=\"/desk/audit?login=vol.legal&action=case.view&from="), "{table}");
    // The link lists those openings.
    let href = &table[table.find("/desk/audit?").unwrap()..];
    let href = &href[..href.find('"').unwrap()];
    let audit = app.get_desk(&w.lead_pl, href).await;
    assert_eq!(audit.status, 200);
    for case in &legal {
        assert!(audit.body.contains(&app.reference_of(case).await), "{href}");
    }
    // Nobody over the limit: the section says so.
    sqlx::query("UPDATE embassies SET insider_threshold = 4 WHERE id = $1").bind(&w.pl.embassy_id).execute(pool).await.unwrap();
    assert!(app.get_desk(&w.lead_pl, "/desk/dashboard").await.body.contains("id=\"no-insiders\""));
}

async fn insider_threshold_is_set_on_the_team_page(app: TestApp) {
    let w = World::build(&app).await;
    let pl = w.pl.embassy_id.clone();
    let threshold = || async {
        sqlx::query_scalar::<_, i64>("SELECT insider_threshold FROM embassies WHERE id = $1").bind(&pl).fetch_one(app.state.db.pool()).await.unwrap()
    };
    assert_eq!(threshold().await, 40, "the default");
    let team = app.get_desk(&w.lead_pl, "/desk/team").await;
    assert_eq!(team.input_value("threshold").as_deref(), Some("40"));
    let set = app.post_team(&w.lead_pl, "insider", &[("embassy", &w.pl.embassy_id), ("threshold", "12")]).await;
    assert_eq!((set.status, set.location.as_deref()), (303, Some("/desk/team?saved=insider")));
    assert_eq!(threshold().await, 12);
    for bad in ["0", "10001", "many", ""] {
        let refused = app.post_team(&w.lead_pl, "insider", &[("embassy", &w.pl.embassy_id), ("threshold", bad)]).await;
        assert_eq!(refused.status, 422, "{bad}");
    }
    assert_eq!(threshold().await, 12);
    // Another embassy's lead, and volunteers, cannot.
    assert_eq!(app.post_team(&w.lead_lt, "insider", &[("embassy", &w.pl.embassy_id), ("threshold", "5")]).await.status, 404);
    assert_eq!(app.post_team(&w.vol_legal, "insider", &[("embassy", &w.pl.embassy_id), ("threshold", "5")]).await.status, 404);
    assert_eq!(app.post_team(&w.admin, "insider", &[("embassy", &w.pl.embassy_id), ("threshold", "7")]).await.status, 303);
    assert_eq!(threshold().await, 7);
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'embassy.settings' AND outcome = 'ok'").await, 2);
}

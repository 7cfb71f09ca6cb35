//! Retention and deletion: a closed case is purged once its embassy's retention has passed,
//! a requester's deletion purges at once, and a purge leaves nothing of the case but one
//! anonymous row and its audit rows — while the dashboard's past stays as it was.

use crate::{
    helpers::{fixture, now, valid_form, with, TestApp, Upload, World},
    on_both_backends,
};
use embassy_desk::{
    domain::{Category, Date, Priority},
    server::{
        config::{Backend, Config},
        dashboard::{self, medians::MedianCache, Range},
        db::purge::{reference_scope, CASE_TABLES},
        retention::{self, EmbassyPurge},
        staff::Staff,
        startup, team,
    },
};
use sqlx::Row;

const DAY: i64 = 86_400;

on_both_backends!(
    a_purge_leaves_nothing_of_the_case_but_the_anonymous_row,
    purge_dry_run_changes_nothing,
    a_case_within_retention_stays,
    embassy_retention_overrides_the_default,
    requester_deletion_leaves_only_the_anonymous_row,
    a_purge_leaves_the_dashboards_past_unchanged,
    every_table_with_a_case_id_is_purged,
    the_server_purges_on_its_schedule,
    an_admin_sets_an_embassys_retention_on_the_team_page,
);

/// Every text column of every table of the app, as `(table, column)`.
async fn text_columns(app: &TestApp) -> Vec<(String, String)> {
    let sql = match app.state.db.backend() {
        Backend::Sqlite => {
            "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p \
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_sqlx%' AND p.type = 'TEXT'"
        }
        Backend::Postgres => {
            "SELECT CAST(table_name AS TEXT), CAST(column_name AS TEXT) FROM information_schema.columns \
             WHERE table_schema = current_schema() AND data_type = 'text' AND table_name NOT LIKE '_sqlx%'"
        }
    };
    let rows = sqlx::query(sql).fetch_all(app.state.db.pool()).await.unwrap();
    rows.iter().map(|r| (r.get(0), r.get(1))).collect()
}

/// The `table.column`s holding `value` anywhere in the database.
async fn places_holding(app: &TestApp, value: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (table, column) in text_columns(app).await {
        let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table} WHERE {column} = $1")).bind(value).fetch_one(app.state.db.pool()).await.unwrap();
        if n > 0 {
            out.push(format!("{table}.{column}"));
        }
    }
    out
}

/// A case opened through intake (a receipt), read by its requester (a session, then a wrong
/// code: a throttle row), with a note, a deadline and a reply, resolved and closed.
/// Returns its id and reference.
async fn full_case(app: &TestApp, w: &World) -> (String, String) {
    let form = with(with(valid_form(), "contact_channel", "email"), "contact_handle", "alesia@example.org");
    let sent = app.post_intake_with_files(&form, &[Upload { name: "letter.pdf", bytes: fixture("letter.pdf") }]).await;
    assert_eq!(sent.status, 201, "{}", sent.body);
    let (reference, code) = (sent.text_of("receipt-reference").unwrap(), sent.text_of("receipt-code").unwrap());
    let id = app.case_of(&reference).await;
    let session = app.requester_sign_in(&reference, &code).await;
    assert_eq!(app.post_follow_up_login(&reference, "00000-00000-00000-00000-00000").await.status, 422);
    let lead = &w.lead_pl;
    // The same person asks again: a possible duplicate, linked.
    let (again, _) = app.open_request().await;
    let again = app.case_of(&again).await;
    assert_eq!(app.post_case(lead, &id, "link", &[("other", &again)]).await.status, 303);
    assert_eq!(app.post_note(lead, &id, "An internal note").await.status, 303);
    assert_eq!(app.post_deadline(lead, &id, "appeal", "2030-02-01").await.status, 303);
    assert_eq!(app.post_reply(lead, &id, "We will help").await.status, 303);
    // The requester asked to be e-mailed of new messages; a deadline within 48 hours was
    // told to the assignee by the sender's pass.
    assert_eq!(app.post("/follow-up/notify", &[("notify", "on")], Some(&session)).await.status, 303);
    assert_eq!(app.post_assign(lead, &id, &w.vol_legal.id).await.status, 303);
    let tomorrow = embassy_desk::domain::Date::from_unix(now() + DAY).to_string();
    assert_eq!(app.post_deadline(lead, &id, "hearing", &tomorrow).await.status, 303);
    embassy_desk::server::notify::send::pass(&app.state.db, &app.state.keyring, None, &app.state.config.mail, &app.base, now()).await.unwrap();
    for status in ["triaged", "in_progress", "resolved", "closed"] {
        assert_eq!(app.post_status(lead, &id, status).await.status, 303, "{status}");
    }
    (id, reference)
}

async fn close_days_ago(app: &TestApp, case: &str, days: i64) {
    sqlx::query("UPDATE cases SET status = 'closed', closed_at = $2 WHERE id = $1")
        .bind(case)
        .bind(now() - days * DAY)
        .execute(app.state.db.pool())
        .await
        .unwrap();
}

async fn exists(app: &TestApp, case: &str) -> bool {
    app.count(&format!("SELECT COUNT(*) FROM cases WHERE id = '{case}'")).await == 1
}

async fn purge(app: &TestApp, default_days: u32) -> Vec<EmbassyPurge> {
    retention::purge_due(&app.state.db, &app.state.keyring, "system", default_days, now()).await.unwrap()
}

fn purged_in(report: &[EmbassyPurge], code: &str) -> i64 {
    report.iter().find(|e| e.code == code).map_or(0, |e| e.cases)
}

async fn a_purge_leaves_nothing_of_the_case_but_the_anonymous_row(app: TestApp) {
    let w = World::build(&app).await;
    let (id, reference) = full_case(&app, &w).await;
    for table in CASE_TABLES {
        assert!(app.count(&format!("SELECT COUNT(*) FROM {table} WHERE case_id = '{id}'")).await > 0, "{table}: the case has rows here");
    }
    let scope = reference_scope(&app.state.keyring, app.state.keyring.active_key_id(), &reference).unwrap();
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM throttle WHERE scope = '{scope}'")).await, 1, "a failed attempt is counted");
    close_days_ago(&app, &id, 366).await;

    let report = purge(&app, 365).await;
    assert_eq!(purged_in(&report, "pl"), 1);
    assert_eq!(places_holding(&app, &id).await, vec!["audit_log.object_id"], "only the audit log names the case");
    assert_eq!(app.count("SELECT COUNT(*) FROM document_chunks").await, 0, "no chunk of its documents is left");
    assert!(places_holding(&app, &reference).await.is_empty(), "nothing holds the reference");
    assert!(places_holding(&app, &scope).await.is_empty(), "nor the keyed hash of it");
    let row = sqlx::query("SELECT embassy_id, categories, opened_month, closed_month, outcome, first_response_took, resolution_took FROM past_cases")
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    let month = |at: i64| Date::from_unix(at).to_string()[..7].to_owned();
    assert_eq!(row.get::<String, _>(0), w.pl.embassy_id);
    assert_eq!(row.get::<String, _>(1), "legal_status,housing");
    assert_eq!((row.get::<String, _>(2), row.get::<String, _>(3)), (month(now()), month(now() - 366 * DAY)));
    assert_eq!(row.get::<String, _>(4), "resolved");
    assert!(row.get::<Option<i64>, _>(5).is_some() && row.get::<Option<i64>, _>(6).is_some());
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM audit_log WHERE action = 'case.purge' AND object_id = '{id}' AND actor = 'system'")).await, 1);
    app.audit_chain().await.unwrap();
    // Nothing is left to purge.
    assert_eq!(purged_in(&purge(&app, 365).await, "pl"), 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM past_cases").await, 1);
}

async fn purge_dry_run_changes_nothing(app: TestApp) {
    let w = World::build(&app).await;
    let case = app.case_in(&w.pl, Category::Housing, Priority::Normal, now() - 800 * DAY, "Алеся").await;
    close_days_ago(&app, &case, 400).await;
    let audit_rows = app.count("SELECT COUNT(*) FROM audit_log").await;
    let due = retention::due(&app.state.db, 365, now()).await.unwrap();
    assert_eq!(due.iter().find(|e| e.code == "pl"), Some(&EmbassyPurge { code: "pl".into(), days: 365, cases: 1 }));
    assert_eq!(due.iter().find(|e| e.code == "lt").map(|e| e.cases), Some(0));
    assert!(exists(&app, &case).await);
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM case_fields WHERE case_id = '{case}'")).await, 2);
    assert_eq!(app.count("SELECT COUNT(*) FROM past_cases").await, 0);
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log").await, audit_rows, "a dry run writes no audit row");
}

async fn a_case_within_retention_stays(app: TestApp) {
    let w = World::build(&app).await;
    let old = now() - 900 * DAY;
    let new_case = || app.case_in(&w.pl, Category::LegalStatus, Priority::Normal, old, "Юрась");
    let (kept, due, open, resolved) = (new_case().await, new_case().await, new_case().await, new_case().await);
    close_days_ago(&app, &kept, 364).await;
    close_days_ago(&app, &due, 366).await;
    // An old case still open, and one resolved long ago but never closed: not purged.
    sqlx::query("UPDATE cases SET status = 'resolved', resolved_at = $2 WHERE id = $1")
        .bind(&resolved)
        .bind(old + DAY)
        .execute(app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(purged_in(&purge(&app, 365).await, "pl"), 1);
    assert!(!exists(&app, &due).await);
    for case in [&kept, &open, &resolved] {
        assert!(exists(&app, case).await);
        assert_eq!(app.count(&format!("SELECT COUNT(*) FROM case_keys WHERE case_id = '{case}'")).await, 1);
    }
}

async fn embassy_retention_overrides_the_default(app: TestApp) {
    let w = World::build(&app).await;
    let admin = app.session_staff(&w.admin).await;
    assert!(team::set_retention(&app.state.db, &app.state.keyring, &admin, &w.pl.embassy_id, Some(30)).await.unwrap());
    let old = now() - 900 * DAY;
    let pl_month = app.case_in(&w.pl, Category::Housing, Priority::Normal, old, "Алеся").await;
    let lt_month = app.case_in(&w.lt, Category::Housing, Priority::Normal, old, "Алеся").await;
    let lt_year = app.case_in(&w.lt, Category::Housing, Priority::Normal, old, "Алеся").await;
    for case in [&pl_month, &lt_month] {
        close_days_ago(&app, case, 31).await;
    }
    close_days_ago(&app, &lt_year, 366).await;
    let due = retention::due(&app.state.db, 365, now()).await.unwrap();
    let of = |code: &str| due.iter().find(|e| e.code == code).map(|e| (e.days, e.cases));
    assert_eq!((of("pl"), of("lt")), (Some((30, 1)), Some((365, 1))));
    let report = purge(&app, 365).await;
    assert_eq!((purged_in(&report, "pl"), purged_in(&report, "lt")), (1, 1));
    assert!(!exists(&app, &pl_month).await && !exists(&app, &lt_year).await);
    assert!(exists(&app, &lt_month).await, "Lithuania keeps the server's 365 days");
    // Back to the default: the next Polish case closed a month ago stays.
    assert!(team::set_retention(&app.state.db, &app.state.keyring, &admin, &w.pl.embassy_id, None).await.unwrap());
    let again = app.case_in(&w.pl, Category::Housing, Priority::Normal, old, "Алеся").await;
    close_days_ago(&app, &again, 31).await;
    assert_eq!(purged_in(&purge(&app, 365).await, "pl"), 0);
    // Only admins set it.
    let lead: Staff = app.session_staff(&w.lead_pl).await;
    assert!(!team::set_retention(&app.state.db, &app.state.keyring, &lead, &w.pl.embassy_id, Some(1)).await.unwrap());
    assert_eq!(app.audited("embassy.retention", &w.pl.embassy_id).await, 2);
}

async fn requester_deletion_leaves_only_the_anonymous_row(app: TestApp) {
    let w = World::build(&app).await;
    let (reference, code) = app.open_request().await;
    let id = app.case_of(&reference).await;
    assert_eq!(app.post_note(&w.lead_pl, &id, "An internal note").await.status, 303);
    assert_eq!(app.post_deadline(&w.lead_pl, &id, "hearing", "2030-02-01").await.status, 303);
    assert_eq!(app.post_take(&w.vol_legal, &id).await.status, 303);
    app.embassy_replies(&id, "A reply").await;
    let cookie = app.requester_sign_in(&reference, &code).await;
    assert_eq!(app.post_delete_request(&cookie).await.location.as_deref(), Some("/follow-up/deleted"));

    assert_eq!(places_holding(&app, &id).await, vec!["audit_log.object_id"]);
    assert!(places_holding(&app, &reference).await.is_empty());
    let (outcome, first_response): (String, Option<i64>) =
        sqlx::query_as("SELECT outcome, first_response_day FROM past_cases").fetch_one(app.state.db.pool()).await.unwrap();
    assert_eq!((outcome.as_str(), first_response), ("withdrawn", Some(now().div_euclid(DAY))));
    assert_eq!(app.audited("case.delete.requester", &id).await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM cases").await, 0);
    app.audit_chain().await.unwrap();
}

/// The figures of the past: the weekly chart, the category mix and the medians.
async fn past_figures(app: &TestApp, staff: &Staff, queue: Option<&str>, range: Range) -> String {
    let scope = dashboard::scope(&app.state.db, staff, None, queue).await.unwrap();
    // A fresh cache: the figures come from the database.
    let f = dashboard::figures(&app.state.db, &MedianCache::default(), &scope, range, now()).await.unwrap();
    format!("{:?} {:?} {:?} {:?}", f.weeks, f.categories, f.first_response, f.resolution)
}

async fn a_purge_leaves_the_dashboards_past_unchanged(app: TestApp) {
    let w = World::build(&app).await;
    let d0 = now() - now().rem_euclid(DAY);
    let shape = |case: String, created: i64, first: i64, resolved: i64, closed: Option<i64>| {
        let db = app.state.db.clone();
        async move {
            sqlx::query(
                "UPDATE cases SET created_at = $2, first_response_at = $3, resolved_at = $4, closed_at = $5, \
                 status = CASE WHEN $5 IS NULL THEN 'resolved' ELSE 'closed' END WHERE id = $1",
            )
            .bind(&case)
            .bind(created)
            .bind(first)
            .bind(resolved)
            .bind(closed)
            .execute(db.pool())
            .await
            .unwrap();
        }
    };
    // Five closed cases opened 170 to 138 days ago, answered after 1 to 5 hours, resolved
    // after 2 to 6 days and closed a day later; one resolved case stays.
    let categories = [Category::LegalStatus, Category::Housing, Category::Documents, Category::Work, Category::Housing];
    for (k, category) in categories.into_iter().enumerate() {
        let k = k as i64;
        let created = d0 - (170 - 8 * k) * DAY + 3_600 * k;
        let case = app.case_in(&w.pl, category, Priority::Normal, created, "Алеся").await;
        let resolved = created + (k + 2) * DAY + 600 * k;
        shape(case, created, created + (k + 1) * 3_600, resolved, Some(resolved + DAY)).await;
    }
    let stays = app.case_in(&w.pl, Category::Housing, Priority::Normal, d0, "Юрась").await;
    shape(stays, d0 - 150 * DAY, d0 - 150 * DAY + 5_400, d0 - 145 * DAY, None).await;
    // Today's: a first response today, then the requester deletes the request.
    let (reference, code) = app.open_request().await;
    let today = app.case_of(&reference).await;
    app.embassy_replies(&today, "A reply").await;

    let lead = app.session_staff(&w.lead_pl).await;
    let past = Range { from: Date::from_unix(d0 - 300 * DAY), to: Date::from_unix(d0 - 120 * DAY) };
    let recent = Range::default_at(now());
    let before = [
        past_figures(&app, &lead, None, past).await,
        past_figures(&app, &lead, Some(w.housing.as_str()), past).await,
        past_figures(&app, &lead, None, recent).await,
    ];
    assert!(before[0].contains("cases: 6"), "the medians count the six cases: {}", before[0]);

    assert_eq!(purged_in(&purge(&app, 100).await, "pl"), 5);
    let cookie = app.requester_sign_in(&reference, &code).await;
    assert_eq!(app.post_delete_request(&cookie).await.status, 303);
    assert_eq!(app.count("SELECT COUNT(*) FROM past_cases").await, 6);
    assert_eq!(app.count("SELECT COUNT(*) FROM cases").await, 1);

    let after = [
        past_figures(&app, &lead, None, past).await,
        past_figures(&app, &lead, Some(w.housing.as_str()), past).await,
        past_figures(&app, &lead, None, recent).await,
    ];
    assert_eq!(before, after);
    // The kept middles of the medians were dropped when the past changed.
    let scope = dashboard::scope(&app.state.db, &lead, None, None).await.unwrap();
    let f = dashboard::figures(&app.state.db, &app.state.medians, &scope, past, now()).await.unwrap();
    assert_eq!(format!("{:?} {:?} {:?} {:?}", f.weeks, f.categories, f.first_response, f.resolution), before[0]);
}

async fn every_table_with_a_case_id_is_purged(app: TestApp) {
    let mut tables: Vec<String> = text_columns(&app).await.into_iter().filter(|(t, c)| c == "case_id" && t != "past_cases").map(|(t, _)| t).collect();
    tables.sort();
    let mut purged: Vec<String> = CASE_TABLES.iter().map(|t| (*t).to_owned()).collect();
    purged.sort();
    assert_eq!(tables, purged, "a table holding rows of a case is missing from CASE_TABLES");
}

async fn the_server_purges_on_its_schedule(app: TestApp) {
    let w = World::build(&app).await;
    let case = app.case_in(&w.lt, Category::Work, Priority::Normal, now() - 900 * DAY, "Алеся").await;
    close_days_ago(&app, &case, 400).await;
    // A second instance on the same database, purging every second.
    let mut vars = app.vars();
    vars.insert("EMBASSY_DESK_LISTEN".into(), "127.0.0.1:0".into());
    vars.insert("EMBASSY_DESK_PURGE_INTERVAL_SECS".into(), "1".into());
    let config = Config::from_lookup(|k| vars.get(k).cloned()).unwrap();
    let listener = startup::bind(&config).await.unwrap();
    let (state, _) = startup::prepare(config).await.unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(startup::serve(state, listener, async {
        let _ = stopped.await;
    }));
    let mut waited = 0;
    while exists(&app, &case).await && waited < 100 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        waited += 1;
    }
    let _ = stop.send(());
    server.await.unwrap().unwrap();
    assert!(!exists(&app, &case).await, "purged within ten seconds");
    assert_eq!(app.count(&format!("SELECT COUNT(*) FROM audit_log WHERE action = 'case.purge' AND object_id = '{case}' AND actor = 'system'")).await, 1);
}

async fn an_admin_sets_an_embassys_retention_on_the_team_page(app: TestApp) {
    let w = World::build(&app).await;
    let pl = w.pl.embassy_id.clone();
    let field = format!("id=\"retention-{pl}-days\"");
    let page = app.get_desk(&w.lead_pl, "/desk/team").await;
    assert!(page.body.contains(&field) && page.body.contains("<strong>365</strong>"), "the lead sees the days: {}", page.body);
    assert!(!page.body.contains(&format!("id=\"retention-{pl}-form\"")), "but no form");
    assert_eq!(app.post_team(&w.lead_pl, "retention", &[("embassy", &pl), ("days", "30")]).await.status, 404);

    for (days, code) in [("0", "out_of_range"), ("3651", "out_of_range"), ("a year", "not_a_number")] {
        let page = app.post_team(&w.admin, "retention", &[("embassy", &pl), ("days", days)]).await;
        assert_eq!(page.status, 422, "{days}: {}", page.body);
        assert!(page.body.contains(&format!("id=\"retention-{pl}-days-error\"")), "{days} ({code}): {}", page.body);
        assert!(page.body.contains(&format!("value=\"{days}\"")), "the typed value stays");
    }
    assert_eq!(app.audited("embassy.retention", &pl).await, 0);
    let saved = app.post_team(&w.admin, "retention", &[("embassy", &pl), ("days", "30")]).await;
    assert_eq!(saved.location.as_deref(), Some("/desk/team?saved=retention"), "{}", saved.body);
    let stored: Option<i64> = sqlx::query_scalar("SELECT retention_days FROM embassies WHERE id = $1").bind(&pl).fetch_one(app.state.db.pool()).await.unwrap();
    assert_eq!(stored, Some(30));
    assert_eq!(app.audited("embassy.retention", &pl).await, 1);
    assert!(app.get_desk(&w.lead_pl, "/desk/team").await.body.contains("<strong>30</strong>"));
    // Blank: the server's default again.
    assert_eq!(app.post_team(&w.admin, "retention", &[("embassy", &pl), ("days", "")]).await.status, 303);
    let stored: Option<i64> = sqlx::query_scalar("SELECT retention_days FROM embassies WHERE id = $1").bind(&pl).fetch_one(app.state.db.pool()).await.unwrap();
    assert_eq!(stored, None);
    assert_eq!(app.post_team(&w.admin, "retention", &[("embassy", "no-such-embassy"), ("days", "30")]).await.status, 404);
}

//! The leads' dashboard against a small hand-built set of cases whose every figure is
//! known: open by queue and status, unassigned backlog and its oldest case, cases opened
//! and resolved per week, median times, overdue, deadlines, workload and category mix;
//! its scope; the page and the CSV export over HTTP.

use crate::{
    helpers::{now, TestApp, World},
    on_both_backends,
};
use embassy_desk::{
    domain::{Category, Date, Priority, Status},
    server::dashboard::{self, Range},
};

const DAY: i64 = 86_400;

/// Sets a case's clear columns as a test wants them.
#[allow(clippy::too_many_arguments)]
async fn shape(app: &TestApp, id: &str, status: Status, assignee: Option<&str>, created: i64, due: i64, first_response: Option<i64>, resolved: Option<i64>) {
    sqlx::query(
        "UPDATE cases SET status = $2, assignee_id = $3, created_at = $4, first_response_due_at = $5, first_response_at = $6, resolved_at = $7 WHERE id = $1",
    )
    .bind(id)
    .bind(status.as_str())
    .bind(assignee)
    .bind(created)
    .bind(due)
    .bind(first_response)
    .bind(resolved)
    .execute(app.state.db.pool())
    .await
    .unwrap();
}

async fn deadline(app: &TestApp, case: &str, embassy: &str, by: &str, due_on: Date, done: bool) {
    sqlx::query(
        "INSERT INTO case_deadlines (id, case_id, embassy_id, kind, due_on, created_by, created_at, done_at) VALUES ($1, $2, $3, 'appeal', $4, $5, $6, $7)",
    )
    .bind(uuid::Uuid::new_v4().to_string())
    .bind(case)
    .bind(embassy)
    .bind(due_on.to_string())
    .bind(by)
    .bind(now())
    .bind(done.then(now))
    .execute(app.state.db.pool())
    .await
    .unwrap();
}

/// Monday of the week of `day` (UTC days since the epoch; 1970-01-01 was a Thursday).
fn monday(day: i64) -> i64 {
    day - (day + 3).rem_euclid(7)
}

on_both_backends!(
    every_figure_matches_a_known_data_set,
    medians_follow_today_and_rewrites_of_the_past,
    scope_follows_the_role,
    page_and_export_show_aggregates_only
);

struct Known {
    w: World,
    today: i64,
    legal: String,
    housing: String,
}

/// Seven cases (six in Poland, one in Lithuania) with known times; see each line.
async fn known(app: &TestApp) -> Known {
    let w = World::build(app).await;
    let at = now();
    let d0 = at - at.rem_euclid(DAY);
    let today = d0 / DAY;
    let vol_legal = w.vol_legal.id.clone();
    let vol_housing = w.vol_housing.id.clone();
    let new_case = |category| app.case_in(&w.pl, category, Priority::Normal, at, "Алеся");
    // c1: legal, new, unassigned, 10 days old, overdue.
    let c1 = new_case(Category::LegalStatus).await;
    shape(app, &c1, Status::New, None, d0 - 10 * DAY, d0 - 9 * DAY, None, None).await;
    // c2: legal, in progress, vol.legal's, first response after 2 h.
    let c2 = new_case(Category::LegalStatus).await;
    shape(app, &c2, Status::InProgress, Some(&vol_legal), d0 - 20 * DAY, d0 - 19 * DAY, Some(d0 - 20 * DAY + 7_200), None).await;
    // c3: legal, waiting, vol.legal's, overdue (due an hour ago).
    let c3 = new_case(Category::LegalStatus).await;
    shape(app, &c3, Status::WaitingForRequester, Some(&vol_legal), d0 - 5 * DAY, at - 3_600, None, None).await;
    // c4: housing, resolved 3 days ago after 37 days; first response after 10 h.
    let c4 = new_case(Category::Housing).await;
    shape(app, &c4, Status::Resolved, Some(&vol_housing), d0 - 40 * DAY, d0 - 39 * DAY, Some(d0 - 40 * DAY + 36_000), Some(d0 - 3 * DAY)).await;
    // c5: housing, opened 100 days ago (before the range), resolved 60 days ago after 40 days.
    let c5 = new_case(Category::Housing).await;
    shape(app, &c5, Status::Resolved, None, d0 - 100 * DAY, d0 - 99 * DAY, Some(d0 - 100 * DAY + 14_400), Some(d0 - 60 * DAY)).await;
    // c6: housing, triaged, unassigned, opened yesterday, first response after 6 h.
    let c6 = new_case(Category::Housing).await;
    shape(app, &c6, Status::Triaged, None, d0 - DAY, d0 + 2 * DAY, Some(d0 - DAY + 21_600), None).await;
    // c2 is also about documents.
    sqlx::query("UPDATE cases SET categories = 'legal_status,documents' WHERE id = $1").bind(&c2).execute(app.state.db.pool()).await.unwrap();
    // c7: Lithuania, new, overdue.
    let c7 = app.case_in(&w.lt, Category::LegalStatus, Priority::Normal, at, "Юрась").await;
    shape(app, &c7, Status::New, None, d0 - 2 * DAY, d0 - DAY, None, None).await;

    // Deadlines: c1 in 3 days and c6 twice within the week count; c2's is in 10 days and
    // c3's is done.
    let by = &w.lead_pl.id;
    let pl = &w.pl.embassy_id;
    let day = |n: i64| Date::from_unix(d0 + n * DAY);
    deadline(app, &c1, pl, by, day(3), false).await;
    deadline(app, &c2, pl, by, day(10), false).await;
    deadline(app, &c3, pl, by, day(1), true).await;
    deadline(app, &c6, pl, by, day(2), false).await;
    deadline(app, &c6, pl, by, day(5), false).await;
    // One open case per person is the limit in Poland: vol.legal with two is over it.
    sqlx::query("UPDATE embassies SET overload_threshold = 1 WHERE id = $1").bind(pl).execute(app.state.db.pool()).await.unwrap();
    let (legal, housing) = (w.legal.clone(), w.housing.clone());
    Known { w, today, legal, housing }
}

async fn every_figure_matches_a_known_data_set(app: TestApp) {
    let k = known(&app).await;
    let lead = app.session_staff(&k.w.lead_pl).await;
    let scope = dashboard::scope(&app.state.db, &lead, None, None).await.unwrap();
    let at = now();
    let range = Range::default_at(at);
    let f = dashboard::figures(&app.state.db, &app.state.medians, &scope, range, at).await.unwrap();

    // Open by queue and status; unassigned and the oldest unassigned case.
    let queue = |id: &str| f.queues.iter().find(|q| q.queue.id == id).unwrap();
    let count = |id: &str, s: Status| queue(id).by_status.iter().find(|(st, _)| *st == s).unwrap().1;
    assert_eq!([count(&k.legal, Status::New), count(&k.legal, Status::InProgress), count(&k.legal, Status::WaitingForRequester)], [1, 1, 1]);
    assert_eq!([count(&k.housing, Status::Triaged), count(&k.housing, Status::New)], [1, 0]);
    assert!(queue(&k.legal).by_status.iter().all(|(s, _)| s.is_open()), "resolved cases are not open");
    assert_eq!((queue(&k.legal).unassigned, queue(&k.housing).unassigned), (1, 1));
    let d0 = k.today * DAY;
    assert_eq!(queue(&k.legal).oldest_unassigned_at, Some(d0 - 10 * DAY));
    assert_eq!(queue(&k.housing).oldest_unassigned_at, Some(d0 - DAY));

    // Opened and resolved per week over the last 12 weeks: c1–c4 and c6 opened, c4 and c5
    // resolved, each in its own week.
    let first = range.from.days_since_epoch();
    assert_eq!(f.weeks.first().unwrap().monday.days_since_epoch(), monday(first));
    assert_eq!(f.weeks.last().unwrap().monday.days_since_epoch(), monday(k.today));
    let mut expected: std::collections::BTreeMap<i64, (i64, i64)> = f.weeks.iter().map(|w| (w.monday.days_since_epoch(), (0, 0))).collect();
    for ago in [10, 20, 5, 40, 1] {
        expected.get_mut(&monday(k.today - ago)).unwrap().0 += 1;
    }
    for ago in [3, 60] {
        expected.get_mut(&monday(k.today - ago)).unwrap().1 += 1;
    }
    let got: std::collections::BTreeMap<i64, (i64, i64)> = f.weeks.iter().map(|w| (w.monday.days_since_epoch(), (w.opened, w.resolved))).collect();
    assert_eq!(got, expected);

    // Medians: first responses in 30 days 2 h and 6 h (median 4 h), in 90 days also 10 h
    // (median 6 h); resolutions in 30 days 37 days, in 90 days also 40 days (38.5 days).
    let secs = |m: &dashboard::Median| (m.window_days, m.cases, m.seconds);
    assert_eq!(secs(&f.first_response[0]), (30, 2, Some(4 * 3_600)));
    assert_eq!(secs(&f.first_response[1]), (90, 3, Some(6 * 3_600)));
    assert_eq!(secs(&f.resolution[0]), (30, 1, Some(37 * DAY)));
    assert_eq!(secs(&f.resolution[1]), (90, 2, Some(38 * DAY + DAY / 2)));

    assert_eq!(f.overdue, 2, "c1 and c3; Lithuania's c7 is not Poland's");
    assert_eq!(f.deadlines_soon, 2, "c1 and c6 (once)");

    // Workload: vol.legal holds c2 and c3 (c3 overdue), over the limit of 1.
    let person = |login: &str| f.workload.iter().find(|w| w.login == login).unwrap_or_else(|| panic!("{login} in workload"));
    let v = person("vol.legal");
    assert_eq!((v.open, v.overdue, v.threshold, v.overloaded()), (2, 1, 1, true));
    assert!(v.last_activity_at.is_some() && v.last_login_at.is_some(), "signed in, so active");
    let h = person("vol.housing");
    assert_eq!((h.open, h.overdue, h.overloaded()), (0, 0, false), "a resolved case is not load");
    assert!(f.workload.iter().all(|w| w.login != "vol.lt" && w.login != "root"), "only Poland's volunteers and leads");

    // Category mix of the cases opened in range (c5 is older): c2 counts twice.
    let mix = |c: Category| f.categories.iter().find(|(x, _)| *x == c).unwrap().1;
    assert_eq!([mix(Category::LegalStatus), mix(Category::Housing), mix(Category::Documents), mix(Category::Work)], [3, 2, 1, 0]);

    // One queue: housing only.
    let scope = dashboard::scope(&app.state.db, &lead, None, Some(&k.housing)).await.unwrap();
    let f = dashboard::figures(&app.state.db, &app.state.medians, &scope, range, at).await.unwrap();
    assert_eq!(f.queues.len(), 1);
    assert_eq!((f.overdue, f.deadlines_soon), (0, 1));
    assert_eq!(f.weeks.iter().map(|w| (w.opened, w.resolved)).fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1)), (2, 2));
    assert_eq!(secs(&f.first_response[1]), (90, 2, Some(8 * 3_600)), "6 h and 10 h");
    assert_eq!(person_open(&f, "vol.legal"), 0, "vol.legal has no housing cases");

    // A moved case moves its counts: re-routing c1 to housing.
    let c1: String = sqlx::query_scalar("SELECT id FROM cases WHERE created_at = $1").bind(d0 - 10 * DAY).fetch_one(app.state.db.pool()).await.unwrap();
    sqlx::query("UPDATE cases SET queue_id = $2, categories = 'housing' WHERE id = $1").bind(&c1).bind(&k.housing).execute(app.state.db.pool()).await.unwrap();
    let f = dashboard::figures(&app.state.db, &app.state.medians, &scope, range, at).await.unwrap();
    assert_eq!(f.weeks.iter().map(|w| w.opened).sum::<i64>(), 3);
    assert_eq!(f.categories.iter().find(|(c, _)| *c == Category::Housing).unwrap().1, 3);
    assert_eq!(f.overdue, 1, "c1, overdue since 9 days, came along");
    // c6 (housing, due in 2 days) falls due yesterday, then gets its answer: overdue, then not.
    let c6: String = sqlx::query_scalar("SELECT id FROM cases WHERE created_at = $1").bind(d0 - DAY).fetch_one(app.state.db.pool()).await.unwrap();
    sqlx::query("UPDATE cases SET first_response_at = NULL, first_response_due_at = $2 WHERE id = $1")
        .bind(&c6)
        .bind(d0 - DAY / 2)
        .execute(app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(dashboard::figures(&app.state.db, &app.state.medians, &scope, range, at).await.unwrap().overdue, 2);
    sqlx::query("UPDATE cases SET status = 'resolved' WHERE id = $1").bind(&c6).execute(app.state.db.pool()).await.unwrap();
    assert_eq!(dashboard::figures(&app.state.db, &app.state.medians, &scope, range, at).await.unwrap().overdue, 1, "a resolved case is not overdue");

    // A deleted case leaves the open figures; the weeks it was counted in keep it (a purge
    // deletes the case row: tests/api/retention.rs).
    sqlx::query("DELETE FROM cases WHERE id = $1").bind(&c1).execute(app.state.db.pool()).await.unwrap();
    let f = dashboard::figures(&app.state.db, &app.state.medians, &scope, range, at).await.unwrap();
    assert_eq!(f.weeks.iter().map(|w| w.opened).sum::<i64>(), 3);
    assert_eq!(f.overdue, 0);
    // The kept days agree with counting the cases themselves.
    let kept: i64 = sqlx::query_scalar("SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM awaiting_days").fetch_one(app.state.db.pool()).await.unwrap();
    let counted: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM cases WHERE first_response_at IS NULL AND first_response_due_at IS NOT NULL AND status IN ('new', 'triaged', 'in_progress', 'waiting')",
    )
    .fetch_one(app.state.db.pool())
    .await
    .unwrap();
    assert_eq!(kept, counted);
}

async fn past_reach_version(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT version FROM past_reach_version WHERE id = 1").fetch_one(app.state.db.pool()).await.unwrap()
}

/// The medians keep their settled days between loads: today's first responses join them
/// without a reread, and a rewrite of an earlier day is seen at once.
async fn medians_follow_today_and_rewrites_of_the_past(app: TestApp) {
    let k = known(&app).await;
    let lead = app.session_staff(&k.w.lead_pl).await;
    let scope = dashboard::scope(&app.state.db, &lead, None, None).await.unwrap();
    let figures = || async {
        let at = now();
        dashboard::figures(&app.state.db, &app.state.medians, &scope, Range::default_at(at), at).await.unwrap()
    };
    let secs = |m: &dashboard::Median| (m.cases, m.seconds);
    let d0 = k.today * DAY;
    let f = figures().await;
    assert_eq!(secs(&f.first_response[0]), (2, Some(4 * 3_600)), "2 h and 6 h");
    assert!(app.state.medians.kept() > 0, "the settled windows are kept");

    // c1 (opened 10 days ago) gets its first response now: the settled days stand, today
    // adds 10 days to 2 h and 6 h.
    let c1: String = sqlx::query_scalar("SELECT id FROM cases WHERE created_at = $1").bind(d0 - 10 * DAY).fetch_one(app.state.db.pool()).await.unwrap();
    let version = past_reach_version(&app).await;
    let responded = now();
    sqlx::query("UPDATE cases SET first_response_at = $2 WHERE id = $1").bind(&c1).bind(responded).execute(app.state.db.pool()).await.unwrap();
    assert_eq!(past_reach_version(&app).await, version, "today's first response leaves the past alone");
    let f = figures().await;
    assert_eq!(secs(&f.first_response[0]), (3, Some(6 * 3_600)), "2 h, 6 h and 10 days");
    assert_eq!(secs(&f.first_response[1]), (4, Some(8 * 3_600)), "2 h, 6 h, 10 h and 10 days");

    // c2's first response, 20 days ago, is corrected from 2 h to 12 h after opening.
    let c2: String = sqlx::query_scalar("SELECT id FROM cases WHERE created_at = $1").bind(d0 - 20 * DAY).fetch_one(app.state.db.pool()).await.unwrap();
    sqlx::query("UPDATE cases SET first_response_at = $2 WHERE id = $1").bind(&c2).bind(d0 - 20 * DAY + 12 * 3_600).execute(app.state.db.pool()).await.unwrap();
    assert!(past_reach_version(&app).await > version);
    let f = figures().await;
    assert_eq!(secs(&f.first_response[0]), (3, Some(12 * 3_600)), "6 h, 12 h and 10 days");

    // c4, resolved 3 days ago, is reopened: no resolution in 30 days is left.
    let c4: String = sqlx::query_scalar("SELECT id FROM cases WHERE created_at = $1").bind(d0 - 40 * DAY).fetch_one(app.state.db.pool()).await.unwrap();
    let version = past_reach_version(&app).await;
    sqlx::query("UPDATE cases SET resolved_at = NULL, status = 'in_progress' WHERE id = $1").bind(&c4).execute(app.state.db.pool()).await.unwrap();
    assert!(past_reach_version(&app).await > version);
    let f = figures().await;
    assert_eq!(secs(&f.resolution[0]), (0, None));
    assert_eq!(secs(&f.resolution[1]), (1, Some(40 * DAY)));

    // c6 (responded yesterday) moves to Lithuania's desk: it leaves Poland's medians.
    let c6: String = sqlx::query_scalar("SELECT id FROM cases WHERE created_at = $1").bind(d0 - DAY).fetch_one(app.state.db.pool()).await.unwrap();
    let lt_queue: String =
        sqlx::query_scalar("SELECT queue_id FROM cases WHERE embassy_id <> $1").bind(&k.w.pl.embassy_id).fetch_one(app.state.db.pool()).await.unwrap();
    let lt: String = sqlx::query_scalar("SELECT embassy_id FROM queues WHERE id = $1").bind(&lt_queue).fetch_one(app.state.db.pool()).await.unwrap();
    sqlx::query("UPDATE cases SET embassy_id = $2, queue_id = $3 WHERE id = $1")
        .bind(&c6)
        .bind(&lt)
        .bind(&lt_queue)
        .execute(app.state.db.pool())
        .await
        .unwrap();
    let f = figures().await;
    assert_eq!(secs(&f.first_response[0]), (2, Some((12 * 3_600 + responded - (d0 - 10 * DAY)) / 2)), "12 h and c1's");
}

fn person_open(f: &dashboard::Figures, login: &str) -> i64 {
    f.workload.iter().find(|w| w.login == login).unwrap().open
}

async fn scope_follows_the_role(app: TestApp) {
    let k = known(&app).await;
    let at = now();
    let range = Range::default_at(at);
    // Admins: every embassy at once (Lithuania's overdue c7 too), or one.
    let admin = app.session_staff(&k.w.admin).await;
    let all = dashboard::scope(&app.state.db, &admin, None, None).await.unwrap();
    assert_eq!(dashboard::figures(&app.state.db, &app.state.medians, &all, range, at).await.unwrap().overdue, 3);
    let pl = dashboard::scope(&app.state.db, &admin, Some(&k.w.pl.embassy_id), None).await.unwrap();
    assert_eq!(dashboard::figures(&app.state.db, &app.state.medians, &pl, range, at).await.unwrap().overdue, 2);
    // The lead of Lithuania sees Lithuania only; Poland is not found for them.
    let lead_lt = app.session_staff(&k.w.lead_lt).await;
    let lt = dashboard::scope(&app.state.db, &lead_lt, None, None).await.unwrap();
    assert_eq!(lt.embassies.len(), 1);
    assert_eq!(dashboard::figures(&app.state.db, &app.state.medians, &lt, range, at).await.unwrap().overdue, 1);
    assert!(dashboard::scope(&app.state.db, &lead_lt, Some(&k.w.pl.embassy_id), None).await.is_err());
    assert!(dashboard::scope(&app.state.db, &lead_lt, None, Some(&k.legal)).await.is_err());
    // Volunteers have no dashboard.
    let volunteer = app.session_staff(&k.w.vol_legal).await;
    assert!(dashboard::scope(&app.state.db, &volunteer, None, None).await.is_err());
    for (who, status) in [(&k.w.vol_legal, 404), (&k.w.lead_lt, 200), (&k.w.admin, 200)] {
        assert_eq!(app.get_desk(who, "/desk/dashboard").await.status, status);
    }
    let other = format!("/desk/dashboard?embassy={}", k.w.pl.embassy_id);
    assert_eq!(app.get_desk(&k.w.lead_lt, &other).await.status, 404);
    assert_eq!(app.get(&format!("/desk/dashboard.csv?{}", &other[16..]), Some(&k.w.lead_lt.cookie), None).await.status, 404);
}

async fn page_and_export_show_aggregates_only(app: TestApp) {
    let k = known(&app).await;
    let lead = &k.w.lead_pl;
    let page = app.get_desk(lead, "/desk/dashboard").await;
    assert_eq!(page.status, 200, "{}", page.body);
    let text = page.text();
    assert!(text.contains("Dashboard") && text.contains("class=\"weekly\""), "chart drawn on the server: {text}");
    assert!(text.contains("id=\"weeks-table\""), "with a table of the same numbers");
    assert!(text.contains(&format!("href=\"/desk?queue={}&amp;status=waiting\"", k.legal)), "counts link to the filtered queue");
    assert!(text.contains("href=\"/desk?overdue=1\""), "{text}");
    // vol.legal's two open cases and one overdue link to their cases on the queue page.
    let vol = &k.w.vol_legal.id;
    assert!(text.contains(&format!("href=\"/desk?assignee={vol}\" rel=\"external\" class=\"count\">2<")), "{text}");
    assert!(text.contains(&format!("href=\"/desk?assignee={vol}&amp;overdue=1\" rel=\"external\" class=\"count\">1<")), "{text}");
    assert!(!text.contains("Алеся"), "no requester data on the dashboard");
    // The queue page those links open shows the same two cases, one of them overdue.
    let listed = |body: &str| {
        let table = &body[body.find("id=\"cases-caption\"").unwrap_or(body.len())..];
        let table = &table[..table.find("</table>").unwrap_or(0)];
        table.split("href=\"/desk/cases/").skip(1).map(|rest| rest[..36].to_owned()).collect::<std::collections::BTreeSet<_>>().len()
    };
    assert_eq!(listed(&app.get_desk(lead, &format!("/desk?assignee={vol}")).await.body), 2);
    assert_eq!(listed(&app.get_desk(lead, &format!("/desk?assignee={vol}&overdue=1")).await.body), 1);
    // An admin's dashboard of one embassy links to that embassy's list.
    let admin = app.get_desk(&k.w.admin, &format!("/desk/dashboard?embassy={}", k.w.pl.embassy_id)).await;
    assert!(admin.text().contains(&format!("href=\"/desk?embassy={}&amp;overdue=1\"", k.w.pl.embassy_id)), "{}", admin.text());

    // A bad date: the error next to the field, the typed value kept, the default range used.
    let bad = app.get_desk(lead, "/desk/dashboard?from=2026-02-30").await;
    assert_eq!(bad.status, 200);
    assert!(bad.text().contains("d-from-error") && bad.text().contains("value=\"2026-02-30\""), "{}", bad.body);

    let csv = app.get("/desk/dashboard.csv", Some(&lead.cookie), None).await;
    assert_eq!(csv.status, 200);
    assert!(csv.body.starts_with("section,embassy,queue,key,value\n"), "{}", csv.body);
    assert!(csv.body.contains("\noverdue,People's Embassy of Belarus in Poland,all,count,2\n"), "{}", csv.body);
    assert!(csv.body.contains(",deadlines_next_7_days,") || csv.body.contains("\ndeadlines_next_7_days,"), "{}", csv.body);
    assert!(csv.body.contains("category,People's Embassy of Belarus in Poland,all,legal_status,3\n"), "{}", csv.body);
    for private in ["Алеся", "vol.legal", "lead.pl"] {
        assert!(!csv.body.contains(private), "{private} in the export");
    }
    let exports: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'dashboard.export' AND actor = $1")
        .bind(format!("person:{}", lead.id))
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(exports, 1, "the export is audited");
    // Signed out: to the sign-in page, nothing exported.
    let anonymous = app.get("/desk/dashboard.csv", None, None).await;
    assert_eq!((anonymous.status, anonymous.location.as_deref()), (303, Some("/desk/login?ended=1")));
}

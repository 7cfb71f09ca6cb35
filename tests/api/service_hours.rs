//! Local time: an embassy's service levels count calendar hours, or — for normal and low
//! priority — its business hours in its time zone less its holidays; due times are right
//! across a change of summer time and a holiday; the desk and the requester read times in
//! the embassy's zone, named.

use crate::{
    helpers::{Page, SignedIn, TestApp, World},
    on_both_backends,
};
use embassy_desk::domain::{
    service_hours::{self, Week},
    Category, Date, Priority,
};

on_both_backends!(due_times_count_business_hours_across_summer_time_and_holidays, times_are_shown_in_the_embassy_s_zone);

/// The service levels form of Poland's embassy with these fields besides the hours.
async fn post_levels(app: &TestApp, who: &impl SignedIn, embassy: &str, fields: &[(&str, &str)]) -> Page {
    let mut pairs = vec![("embassy", embassy), ("urgent", "4"), ("high", "24"), ("normal", "8"), ("low", "120")];
    pairs.extend_from_slice(fields);
    app.post_team(who, "sla", &pairs).await
}

const OFFICE: [(&str, &str); 5] =
    [("hours_mon", "09:00-17:00"), ("hours_tue", "09:00-17:00"), ("hours_wed", "09:00-17:00"), ("hours_thu", "09:00-17:00"), ("hours_fri", "09:00-17:00")];

async fn due_of(app: &TestApp, case: &str) -> i64 {
    sqlx::query_scalar("SELECT first_response_due_at FROM cases WHERE id = $1").bind(case).fetch_one(app.state.db.pool()).await.unwrap()
}

/// UTC seconds of a local time in Warsaw.
fn warsaw(y: i16, mo: i8, d: i8, h: i8, mi: i8) -> i64 {
    jiff::civil::date(y, mo, d).at(h, mi, 0, 0).to_zoned_datetime(service_hours::zone("Europe/Warsaw")).unwrap().timestamp().as_second()
}

async fn due_times_count_business_hours_across_summer_time_and_holidays(app: TestApp) {
    let w = World::build(&app).await;
    let pl = w.pl.embassy_id.clone();

    // Refused: a day's hours the wrong way round, a holiday that is no date, business hours
    // without any day; what was typed comes back.
    let backwards = post_levels(&app, &w.lead_pl, &pl, &[("counting", "business"), ("hours_mon", "17:00-09:00"), ("holidays", "2026-12-25 Christmas")]).await;
    assert_eq!(backwards.status, 422);
    assert!(backwards.body.contains(&format!("id=\"sla-{pl}-hours_mon-error\"")));
    assert!(backwards.body.contains("value=\"17:00-09:00\"") && backwards.body.contains("2026-12-25 Christmas"));
    let mut bad_holiday = OFFICE.to_vec();
    bad_holiday.extend([("counting", "business"), ("holidays", "25.12.2026 Christmas")]);
    let refused = post_levels(&app, &w.lead_pl, &pl, &bad_holiday).await;
    assert_eq!(refused.status, 422);
    assert!(refused.body.contains(&format!("id=\"sla-{pl}-holidays-error\"")));
    let closed = post_levels(&app, &w.lead_pl, &pl, &[("counting", "business")]).await;
    assert_eq!(closed.status, 422);
    assert!(closed.body.contains(&format!("id=\"sla-{pl}-hours_mon-error\"")));
    assert_eq!(app.count("SELECT COUNT(*) FROM embassies WHERE sla_business = 1").await, 0, "nothing was saved");
    // Another embassy's lead cannot set Poland's.
    assert_eq!(post_levels(&app, &w.lead_lt, &pl, &[("counting", "business")]).await.status, 404);

    let mut office = OFFICE.to_vec();
    office.extend([("counting", "business"), ("holidays", "2026-12-25 Christmas\n2026-12-26 Second day of Christmas")]);
    let saved = post_levels(&app, &w.lead_pl, &pl, &office).await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let team = app.get_desk(&w.lead_pl, "/desk/team").await;
    assert!(team.body.contains("2026-12-26 Second day of Christmas") && team.body.contains("value=\"09:00-17:00\""), "the form shows what is kept");

    // Friday 23 October 2026, 16:00 CEST; summer time ends on Sunday 25 October. Eight
    // business hours: one on Friday, seven on Monday, which ends at 16:00 CET.
    let friday = warsaw(2026, 10, 23, 16, 0);
    let case = app.case_in(&w.pl, Category::LegalStatus, Priority::Low, friday, "Friday").await;
    assert_eq!(app.post_priority(&w.lead_pl, &case, "normal").await.status, 303);
    assert_eq!(due_of(&app, &case).await, warsaw(2026, 10, 26, 16, 0));
    assert_eq!(due_of(&app, &case).await - friday, 73 * 3600, "the night of the change was an hour longer");
    // Urgent always counts calendar hours.
    assert_eq!(app.post_priority(&w.lead_pl, &case, "urgent").await.status, 303);
    assert_eq!(due_of(&app, &case).await, friday + 4 * 3600);

    // Thursday 24 December, 15:00: two hours that day; Christmas and the day after are
    // holidays and a weekend follows, so the other six end on Monday 28 December at 15:00.
    let christmas_eve = warsaw(2026, 12, 24, 15, 0);
    let case = app.case_in(&w.pl, Category::LegalStatus, Priority::Low, christmas_eve, "Eve").await;
    assert_eq!(app.post_priority(&w.lead_pl, &case, "normal").await.status, 303);
    assert_eq!(due_of(&app, &case).await, warsaw(2026, 12, 28, 15, 0));

    // A new request is due by the same rule from the moment it arrives.
    let (reference, _) = app.open_request().await;
    let opened = app.case_of(&reference).await;
    let created: i64 = sqlx::query_scalar("SELECT created_at FROM cases WHERE id = $1").bind(&opened).fetch_one(app.state.db.pool()).await.unwrap();
    let priority: i64 = sqlx::query_scalar("SELECT priority FROM cases WHERE id = $1").bind(&opened).fetch_one(app.state.db.pool()).await.unwrap();
    let week = Week::parse("mon=09:00-17:00;tue=09:00-17:00;wed=09:00-17:00;thu=09:00-17:00;fri=09:00-17:00").unwrap();
    let holidays = [Date { year: 2026, month: 12, day: 25 }, Date { year: 2026, month: 12, day: 26 }];
    let hours = if priority == Priority::Normal.rank() { 8 } else { 120 };
    let expected = service_hours::due_at(created, hours, &service_hours::zone("Europe/Warsaw"), Some(&week), &holidays);
    if priority == Priority::Normal.rank() || priority == Priority::Low.rank() {
        assert_eq!(due_of(&app, &opened).await, expected);
    }

    // Back to calendar hours: the schedule is kept for next time.
    let mut calendar = OFFICE.to_vec();
    calendar.push(("counting", "calendar"));
    assert_eq!(post_levels(&app, &w.lead_pl, &pl, &calendar).await.status, 303);
    assert_eq!(app.post_priority(&w.lead_pl, &case, "low").await.status, 303);
    assert_eq!(due_of(&app, &case).await, christmas_eve + 120 * 3600);
    assert_eq!(app.count("SELECT COUNT(*) FROM embassies WHERE business_hours <> ''").await, 1);
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'embassy.settings' AND outcome = 'ok'").await, 2);
}

async fn times_are_shown_in_the_embassy_s_zone(app: TestApp) {
    let w = World::build(&app).await;
    // 23 October 2026 at 14:00 UTC is 16:00 summer time in Warsaw; 30 October, 16:00 CET.
    let summer = app.case_in(&w.pl, Category::LegalStatus, Priority::Normal, warsaw(2026, 10, 23, 16, 0), "Summer").await;
    let winter = app.case_in(&w.pl, Category::LegalStatus, Priority::Normal, warsaw(2026, 10, 30, 16, 0), "Winter").await;
    let page = app.get_case(&w.lead_pl, &summer).await;
    assert!(page.body.contains("23 October 2026, 16:00 CEST"), "the lead reads Warsaw's time");
    assert!(app.get_case(&w.lead_pl, &winter).await.body.contains("30 October 2026, 16:00 CET"));
    // An admin reads a case in its embassy's zone too.
    assert!(app.get_case(&w.admin, &summer).await.body.contains("16:00 CEST"));
    // Lithuania's embassy keeps Vilnius time, an hour ahead.
    let vilnius = app.case_in(&w.lt, Category::LegalStatus, Priority::Normal, warsaw(2026, 10, 23, 16, 0), "Vilnius").await;
    assert!(app.get_case(&w.lead_lt, &vilnius).await.body.contains("23 October 2026, 17:00 EEST"));

    // The requester reads their page in the zone of the embassy that has the case.
    let (reference, code) = app.open_request().await;
    let requester = app.requester_sign_in(&reference, &code).await;
    let thread = app.get_thread(&requester, "en").await;
    assert!(thread.body.contains(" CET") || thread.body.contains(" CEST"), "named in Warsaw's zone");
    assert!(!thread.body.contains(" UTC</"), "not in UTC");
}

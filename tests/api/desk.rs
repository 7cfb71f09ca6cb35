//! The volunteer desk over HTTP, as a browser without JavaScript uses it: invitations and
//! sign-in with a second factor, scope, queues with keyset pages, take-next under
//! concurrency, notes and replies, status changes and the audit trail of all of it.

use crate::{
    desk_support::{add_embassy, case_in, code_at_step, current_code, desk_cookie, last_used_step, list_cases, person, sign_in, World, PASSWORD},
    helpers::{captured_logs, TestApp},
    on_both_backends,
    requester::{count, form_body, get, html_unescape, open_request, post, sign_in as requester_sign_in},
};
use embassy_desk::{
    domain::{Category, Priority, Role, Status},
    server::{
        audit,
        db::now,
        desk::{self, DeskError, Happening},
        follow_up::{self, Author, MessageKind},
        staff,
    },
};
use std::collections::HashSet;

/// A desk page's HTML, after checking that it is only HTML: no script, no WASM, nothing
/// carried for hydration.
fn plain_page(html: String) -> String {
    for sign in ["<script", ".wasm", "modulepreload", "__RESOLVED_RESOURCES", "leptos-island"] {
        assert!(!html.contains(sign), "a desk page holds {sign:?}: {html}");
    }
    html
}

on_both_backends!(
    invitations_lead_to_a_signed_in_volunteer,
    sign_in_refuses_alike_and_throttles_per_account,
    second_factor_codes_are_single_use,
    log_out_everywhere_and_deactivation_end_sessions_at_once,
    changes_made_elsewhere_apply_to_the_next_page_at_once,
    cases_outside_scope_are_not_found,
    queue_pages_follow_priority_then_age_without_offset,
    queue_pages_filter_by_embassy_and_person,
    queue_rows_say_everything_in_the_readers_language,
    deadlines_of_the_week_keep_to_the_readers_queues,
    take_next_never_gives_one_case_twice,
    views_and_changes_run_side_by_side,
    requesters_and_the_desk_work_side_by_side,
    notes_stay_internal_and_replies_reach_the_requester,
    status_follows_the_workflow_and_everything_is_audited,
    leads_assign_and_volunteers_hand_back,
    a_case_view_holds_its_whole_story,
);

async fn invitations_lead_to_a_signed_in_volunteer(app: TestApp) {
    let pl = crate::desk_support::add_embassy(&app, "pl", "PL").await;
    let legal = pl.queue_for(Some(Category::LegalStatus)).to_owned();
    let admin = person(&app, "root", Role::Admin, None, &[]).await;
    let admin_cookie = sign_in(&app, "root", &admin).await;

    // The admin invites a lead; the link is shown once.
    let page = post(&app, "/desk/team", form_body(&[("action", "invite"), ("role", "lead"), ("embassy", &pl.embassy_id)]), Some(&admin_cookie)).await;
    assert_eq!(page.status, 201, "{}", page.body);
    let link = page.input_value("invitation-link").expect("the new link is shown");
    let path = link.strip_prefix(&app.base).expect("link on this site").to_owned();
    assert!(path.starts_with("/desk/join/"));
    let token = path.trim_start_matches("/desk/join/").to_owned();
    let join = get(&app, &path, None, Some("en")).await;
    assert_eq!(join.status, 200);

    // A common password is refused next to its field, the login kept; no person is created.
    let weak = post(&app, &path, form_body(&[("login", "lena"), ("password", "password1234"), ("password_again", "password1234")]), None).await;
    assert_eq!(weak.status, 422);
    assert_eq!(weak.input_value("login").as_deref(), Some("lena"));
    assert!(weak.body.contains("aria-invalid=\"true\""));
    assert!(!weak.body.contains("password1234"), "passwords are never given back");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM people WHERE login = 'lena'").await, 0);
    let mismatch = post(&app, &path, form_body(&[("login", "lena"), ("password", PASSWORD), ("password_again", "something else entirely")]), None).await;
    assert_eq!(mismatch.status, 422);

    // Accepting leads to enrolment (leads must have a second factor).
    let accepted = post(&app, &path, form_body(&[("login", "lena"), ("password", PASSWORD), ("password_again", PASSWORD)]), None).await;
    assert_eq!((accepted.status, accepted.location.as_deref()), (303, Some("/desk/second-factor")), "{}", accepted.body);
    let half = desk_cookie(&accepted);
    assert_eq!(get(&app, "/desk", Some(&half), Some("en")).await.status, 401, "no desk before the second factor");
    let enrol = get(&app, "/desk/second-factor", Some(&half), Some("en")).await;
    assert!(enrol.body.contains("<svg"), "the QR code is drawn on the server");
    let lena: String = sqlx::query_scalar("SELECT id FROM people WHERE login = 'lena'").fetch_one(app.state.db.pool()).await.unwrap();
    let code = current_code(&app, &lena, 0).await;
    let enrolled = post(&app, "/desk/second-factor", form_body(&[("code", &code)]), Some(&half)).await;
    assert_eq!(enrolled.status, 303);
    let lead_cookie = desk_cookie(&enrolled);
    assert_ne!(lead_cookie, half, "a new session token after the second factor");
    assert_eq!(get(&app, "/desk", Some(&half), Some("en")).await.status, 401, "the half-signed token ended");

    // The link is spent.
    assert_eq!(get(&app, &path, None, Some("en")).await.status, 404);
    let again = post(&app, &path, form_body(&[("login", "other"), ("password", PASSWORD), ("password_again", PASSWORD)]), None).await;
    assert_eq!(again.status, 404);

    // The lead invites a volunteer into a queue; leads cannot invite leads.
    let refused = post(&app, "/desk/team", form_body(&[("action", "invite"), ("role", "lead"), ("embassy", &pl.embassy_id)]), Some(&lead_cookie)).await;
    assert_eq!(refused.status, 403);
    let page = post(&app, "/desk/team", form_body(&[("action", "invite"), ("role", "volunteer"), ("queues", &legal)]), Some(&lead_cookie)).await;
    assert_eq!(page.status, 201, "{}", page.body);
    let path = page.input_value("invitation-link").unwrap().strip_prefix(&app.base).unwrap().to_owned();
    let accepted = post(&app, &path, form_body(&[("login", "ales"), ("password", PASSWORD), ("password_again", PASSWORD)]), None).await;
    // Poland does not require a second factor of volunteers.
    assert_eq!((accepted.status, accepted.location.as_deref()), (303, Some("/desk")));
    let desk = get(&app, "/desk", Some(&desk_cookie(&accepted)), Some("en")).await;
    assert_eq!(desk.status, 200);

    // An expired link is gone.
    let page = post(&app, "/desk/team", form_body(&[("action", "invite"), ("role", "volunteer"), ("queues", &legal)]), Some(&lead_cookie)).await;
    let path = page.input_value("invitation-link").unwrap().strip_prefix(&app.base).unwrap().to_owned();
    sqlx::query("UPDATE invitations SET expires_at = $1 WHERE used_at IS NULL").bind(now() - 1).execute(app.state.db.pool()).await.unwrap();
    assert_eq!(get(&app, &path, None, Some("en")).await.status, 404);

    let logs = String::from_utf8_lossy(&captured_logs()).into_owned();
    assert!(!logs.contains(&token) && !logs.contains(PASSWORD), "invitation tokens and passwords are never logged");
    let actions: Vec<String> = sqlx::query_scalar("SELECT action FROM audit_log ORDER BY seq").fetch_all(app.state.db.pool()).await.unwrap();
    for expected in ["invitation.create.lead", "invitation.accept", "totp.enrol", "invitation.create.volunteer", "login.password"] {
        assert!(actions.iter().any(|a| a == expected), "{expected} audited: {actions:?}");
    }
    assert_eq!(audit::verify(&app.state.db, &app.state.keyring).await.unwrap().map(|_| ()), Ok(()));
}

async fn sign_in_refuses_alike_and_throttles_per_account(app: TestApp) {
    let admin = person(&app, "root", Role::Admin, None, &[]).await;
    let wrong = post(&app, "/desk/login", form_body(&[("login", "root"), ("password", "not the password at all")]), None).await;
    let unknown = post(&app, "/desk/login", form_body(&[("login", "nobody"), ("password", "not the password at all")]), None).await;
    assert_eq!((wrong.status, unknown.status), (422, 422));
    assert_eq!(wrong.text_of("login-notice"), unknown.text_of("login-notice"), "same words for both");
    assert!(wrong.text_of("login-notice").is_some());
    assert_eq!(wrong.input_value("login").as_deref(), Some("root"), "the login is kept");
    let empty = post(&app, "/desk/login", form_body(&[("login", ""), ("password", "")]), None).await;
    assert_eq!(empty.status, 422);
    assert!(empty.body.contains("aria-invalid=\"true\""));
    for _ in 0..4 {
        post(&app, "/desk/login", form_body(&[("login", "root"), ("password", "guess guess guess")]), None).await;
    }
    // Five failures for this account: even the right password waits now.
    let throttled = post(&app, "/desk/login", form_body(&[("login", "root"), ("password", PASSWORD)]), None).await;
    assert_eq!(throttled.status, 429);
    // Another account is not affected.
    let other = person(&app, "other", Role::Admin, None, &[]).await;
    sign_in(&app, "other", &other).await;
    let failed: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'login.password' AND outcome = 'failed' AND object_id = $1")
        .bind(&admin)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(failed, 5);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'login.password' AND outcome = 'denied'").await, 1);
}

async fn second_factor_codes_are_single_use(app: TestApp) {
    let admin = person(&app, "root", Role::Admin, None, &[]).await;
    sign_in(&app, "root", &admin).await;
    // Steps counted from the code that enrolled, not from the clock: a step boundary may
    // fall between the enrolment and here.
    let used = last_used_step(&app, &admin).await;
    let code = code_at_step(&app, &admin, used).await;
    let page = post(&app, "/desk/login", form_body(&[("login", "root"), ("password", PASSWORD)]), None).await;
    let half = desk_cookie(&page);
    // The code that enrolled is spent; the one before it too.
    let replay = post(&app, "/desk/second-factor", form_body(&[("code", &code)]), Some(&half)).await;
    assert_eq!(replay.status, 422);
    let older = post(&app, "/desk/second-factor", form_body(&[("code", &code_at_step(&app, &admin, used - 1).await)]), Some(&half)).await;
    assert_eq!(older.status, 422);
    let bad = post(&app, "/desk/second-factor", form_body(&[("code", "12ab56")]), Some(&half)).await;
    assert_eq!(bad.status, 422);
    // The next step's code (a clock slightly ahead) works once.
    let next = code_at_step(&app, &admin, used + 1).await;
    let ok = post(&app, "/desk/second-factor", form_body(&[("code", &next)]), Some(&half)).await;
    assert_eq!(ok.status, 303, "{}", ok.body);
}

async fn log_out_everywhere_and_deactivation_end_sessions_at_once(app: TestApp) {
    let w = World::build(&app).await;
    let second = sign_in(&app, "vol.legal", &w.vol_legal.0).await;
    assert_eq!(get(&app, "/desk", Some(&second), Some("en")).await.status, 200);
    let out = post(&app, "/desk/logout-everywhere", String::new(), Some(&w.vol_legal.1)).await;
    assert_eq!(out.status, 303);
    assert_eq!(get(&app, "/desk", Some(&second), Some("en")).await.status, 401);
    assert_eq!(get(&app, "/desk", Some(&w.vol_legal.1), Some("en")).await.status, 401);

    // A lead deactivates a volunteer: their session ends at once and their cases return.
    let case = case_in(&app, &w.pl, Category::Housing, Priority::High, now() - 60, "Ала").await;
    desk::take(&app.state.db, &app.state.keyring, &session_staff(&app, &w.vol_housing.1).await, &case).await.unwrap();
    let done = post(&app, "/desk/team", form_body(&[("action", "deactivate"), ("person", &w.vol_housing.0)]), Some(&w.lead_pl.1)).await;
    assert_eq!(done.status, 303);
    assert_eq!(get(&app, "/desk", Some(&w.vol_housing.1), Some("en")).await.status, 401);
    let refused = post(&app, "/desk/login", form_body(&[("login", "vol.housing"), ("password", PASSWORD)]), None).await;
    assert_eq!(refused.status, 422);
    let assignee: Option<String> = sqlx::query_scalar("SELECT assignee_id FROM cases WHERE id = $1").bind(&case).fetch_one(app.state.db.pool()).await.unwrap();
    assert_eq!(assignee, None);
    // A lead cannot deactivate another embassy's people, nor a volunteer anyone.
    assert_eq!(post(&app, "/desk/team", form_body(&[("action", "deactivate"), ("person", &w.vol_lt.0)]), Some(&w.lead_pl.1)).await.status, 404);
    assert_eq!(
        post(&app, "/desk/team", form_body(&[("action", "deactivate"), ("person", &w.vol_lt.0)]), Some(&w.vol_legal.1)).await.status,
        303,
        "signed out above"
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'person.deactivate'").await, 1);
}

/// Every page reads its session and scope afresh: whatever changed them in the meantime, in
/// this process or another, is seen before anything is opened, shown or audited.
async fn changes_made_elsewhere_apply_to_the_next_page_at_once(app: TestApp) {
    let w = World::build(&app).await;
    let db = &app.state.db;
    let case = case_in(&app, &w.pl, Category::LegalStatus, Priority::Normal, now() - 3600, "Сяргей").await;
    let (person, cookie) = &w.vol_legal;
    let case_path = format!("/desk/cases/{case}");
    for _ in 0..2 {
        let page = get(&app, "/desk", Some(cookie), Some("en")).await;
        assert!(page.status == 200 && page.body.contains("Сяргей"), "{}", page.status);
        let opened = get(&app, &case_path, Some(cookie), Some("en")).await;
        assert!(opened.status == 200 && opened.body.contains("Сяргей"), "{}", opened.status);
    }
    let audited = || count(&app, "SELECT COUNT(*) FROM audit_log WHERE action IN ('case.list', 'case.view')");

    // Another process takes the volunteer out of their queue: the next pages show the
    // scope the database holds now.
    sqlx::query("DELETE FROM queue_members WHERE person_id = $1").bind(person).execute(db.pool()).await.unwrap();
    let page = get(&app, "/desk", Some(cookie), Some("en")).await;
    assert!(page.status == 200 && !page.body.contains("Сяргей"), "{}", page.status);
    assert_eq!(get(&app, &case_path, Some(cookie), Some("en")).await.status, 404);
    let queue = w.pl.queue_for(Some(Category::LegalStatus)).to_owned();
    sqlx::query("INSERT INTO queue_members (queue_id, person_id) VALUES ($1, $2)").bind(&queue).bind(person).execute(db.pool()).await.unwrap();
    assert_eq!(get(&app, &case_path, Some(cookie), Some("en")).await.status, 200);

    // …and ends the session: refused at once, with nothing opened or audited.
    let before = audited().await;
    sqlx::query("DELETE FROM staff_sessions WHERE person_id = $1").bind(person).execute(db.pool()).await.unwrap();
    assert_eq!(get(&app, "/desk", Some(cookie), Some("en")).await.status, 401);
    let page = get(&app, "/desk", Some(&w.vol_housing.1), Some("en")).await;
    assert_eq!(page.status, 200);
    sqlx::query("DELETE FROM staff_sessions WHERE person_id = $1").bind(&w.vol_housing.0).execute(db.pool()).await.unwrap();
    assert_eq!(get(&app, &case_path, Some(&w.vol_housing.1), Some("en")).await.status, 401);
    assert_eq!(audited().await, before + 1, "the housing volunteer's one page");
}

/// The staff behind a desk cookie.
pub async fn session_staff(app: &TestApp, cookie: &str) -> staff::Staff {
    staff::resume(&app.state.db, cookie.strip_prefix("desk=").unwrap()).await.unwrap().unwrap().staff
}

async fn cases_outside_scope_are_not_found(app: TestApp) {
    let w = World::build(&app).await;
    let case = case_in(&app, &w.pl, Category::LegalStatus, Priority::Normal, now() - 3600, "Сяргей").await;
    let path = format!("/desk/cases/{case}");
    for (who, cookie, status) in [
        ("volunteer of the queue", &w.vol_legal.1, 200),
        ("volunteer of another queue", &w.vol_housing.1, 404),
        ("volunteer of another embassy", &w.vol_lt.1, 404),
        ("lead of the embassy", &w.lead_pl.1, 200),
        ("lead of another embassy", &w.lead_lt.1, 404),
        ("admin", &w.admin.1, 200),
    ] {
        let page = get(&app, &path, Some(cookie), Some("en")).await;
        assert_eq!(page.status, status, "{who}");
        assert_eq!(page.body.contains("Сяргей"), status == 200, "{who}");
    }
    // An unknown id answers exactly as a case outside scope.
    let unknown = get(&app, &format!("/desk/cases/{}", uuid_like()), Some(&w.vol_housing.1), Some("en")).await;
    let outside = get(&app, &path, Some(&w.vol_housing.1), Some("en")).await;
    assert_eq!(unknown.status, outside.status);
    assert_eq!(get(&app, &path, None, Some("en")).await.status, 401);
    // Changes outside scope are 404 too, and change nothing.
    let note = post(&app, &path, form_body(&[("action", "note"), ("body", "hello")]), Some(&w.vol_lt.1)).await;
    assert_eq!(note.status, 404);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM case_notes").await, 0);
    // A volunteer's queue list names only their queues.
    let page = get(&app, "/desk", Some(&w.vol_legal.1), Some("en")).await;
    assert!(page.body.contains("Сяргей"));
    let housing = w.pl.queue_for(Some(Category::Housing));
    assert_eq!(get(&app, &format!("/desk?queue={housing}"), Some(&w.vol_legal.1), Some("en")).await.status, 404);
    assert!(!get(&app, "/desk", Some(&w.vol_housing.1), Some("en")).await.body.contains("Сяргей"));
    // Every decryption was audited.
    let views = sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM audit_log WHERE action = 'case.view' AND object_id = $1")
        .bind(&case)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(views, 3);
}

fn uuid_like() -> String {
    "0b9d3a4e-1c2f-4a5b-8c6d-7e8f9a0b1c2d".into()
}

async fn queue_pages_follow_priority_then_age_without_offset(app: TestApp) {
    let w = World::build(&app).await;
    let lead = session_staff(&app, &w.lead_pl.1).await;
    let base = now() - 10 * 86400;
    let mut expected = Vec::new();
    for i in 0..130i64 {
        let priority = Priority::ALL[(i % 4) as usize];
        // Same creation second for some rows: the id breaks ties.
        let created = base + (i / 3) * 60;
        let id = case_in(&app, &w.pl, if i % 2 == 0 { Category::LegalStatus } else { Category::Housing }, priority, created, &format!("n{i}")).await;
        expected.push((priority.rank(), created, id));
    }
    expected.sort();
    let mut seen = Vec::new();
    let mut filter = desk::ListFilter::default();
    loop {
        let (rows, next) = list_cases(&app.state.db, &app.state.keyring, &lead, &filter).await.unwrap();
        assert!(rows.len() <= desk::PAGE_SIZE);
        seen.extend(rows.iter().map(|r| (r.meta.priority.rank(), r.meta.created_at, r.meta.id.clone())));
        match next {
            Some(cursor) => filter.after = Some(cursor),
            None => break,
        }
    }
    assert_eq!(seen, expected, "every open case once, most urgent first, then oldest");

    // Over HTTP: the next-page link carries the cursor; names are decrypted; overdue marked.
    let page = get(&app, "/desk", Some(&w.lead_pl.1), Some("en")).await;
    assert_eq!(page.status, 200);
    let next = page.body.find("after=").expect("a next-page link");
    let cursor_end = next + page.body[next..].find(['"', '&']).unwrap();
    let second = get(&app, &format!("/desk?{}", &page.body[next..cursor_end]), Some(&w.lead_pl.1), Some("en")).await;
    assert_eq!(second.status, 200);
    assert!(page.text().contains(">n0<"), "the requester's chosen name, decrypted");
    // Filters: unassigned, mine, overdue, status and priority.
    let vol = session_staff(&app, &w.vol_legal.1).await;
    let legal = w.pl.queue_for(Some(Category::LegalStatus)).to_owned();
    let first = desk::ListFilter { queue: Some(legal), assignee: desk::AssigneeFilter::Unassigned, ..Default::default() };
    let most_urgent = list_cases(&app.state.db, &app.state.keyring, &vol, &first).await.unwrap().0[0].meta.clone();
    assert_eq!(most_urgent.priority, Priority::Urgent);
    let taken = desk::take_next(&app.state.db, &app.state.keyring, &vol).await.unwrap().unwrap();
    assert_eq!(taken, most_urgent.id, "take-next claims the most urgent, oldest case of the volunteer's queues");
    let mine = desk::ListFilter { assignee: desk::AssigneeFilter::Me, ..Default::default() };
    let (rows, _) = list_cases(&app.state.db, &app.state.keyring, &vol, &mine).await.unwrap();
    assert_eq!(rows.iter().map(|r| r.meta.id.clone()).collect::<Vec<_>>(), vec![taken.clone()]);
    let unassigned = desk::ListFilter { assignee: desk::AssigneeFilter::Unassigned, priority: Some(Priority::Urgent), ..Default::default() };
    let (rows, _) = list_cases(&app.state.db, &app.state.keyring, &lead, &unassigned).await.unwrap();
    assert!(rows.iter().all(|r| r.meta.assignee_id.is_none() && r.meta.priority == Priority::Urgent));
    assert!(!rows.iter().any(|r| r.meta.id == taken));
    let overdue = desk::ListFilter { overdue: true, ..Default::default() };
    let (rows, _) = list_cases(&app.state.db, &app.state.keyring, &lead, &overdue).await.unwrap();
    assert!(!rows.is_empty() && rows.iter().all(|r| r.meta.overdue(now())));
    let resolved = desk::ListFilter { status: Some(Status::Resolved), ..Default::default() };
    assert!(list_cases(&app.state.db, &app.state.keyring, &lead, &resolved).await.unwrap().0.is_empty());
    let bad_cursor = get(&app, "/desk?after=1.2.nonsense", Some(&w.lead_pl.1), Some("en")).await;
    assert_eq!(bad_cursor.status, 422);
    assert!(count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'case.list'").await >= 4);
}

/// Admins narrow the list to one embassy; leads and admins to one person's cases (the
/// dashboard links its counts to these lists).
/// The text of the queue row that links to this case: tags dropped, spaces collapsed,
/// entities read back.
/// The reference a case was given.
async fn reference_of(app: &TestApp, case_id: &str) -> String {
    sqlx::query_scalar("SELECT reference FROM cases WHERE id = $1").bind(case_id).fetch_one(app.state.db.pool()).await.unwrap()
}

fn row_text(body: &str, case_id: &str) -> String {
    let at = body.find(&format!("/desk/cases/{case_id}\"")).expect("the case has a row");
    let start = body[..at].rfind("<tr").unwrap();
    let end = at + body[at..].find("</tr>").unwrap();
    let mut text = String::new();
    let mut in_tag = false;
    for c in body[start..end].chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    html_unescape(&text.split_whitespace().collect::<Vec<_>>().join(" "))
}

async fn queue_rows_say_everything_in_the_readers_language(app: TestApp) {
    let w = World::build(&app).await;
    let day = 86_400;
    if now() % day > day - 60 {
        // Ages count calendar days: stay clear of midnight.
        tokio::time::sleep(std::time::Duration::from_secs((day + 1 - now() % day) as u64)).await;
    }
    let today = now() - now() % day;
    let created = today - 3 * day + 3600;
    let fresh_at = now();
    // Urgent: its first response was due four hours after it came.
    let late = case_in(&app, &w.pl, Category::LegalStatus, Priority::Urgent, created, "<b>Ганна</b> & Co").await;
    sqlx::query("UPDATE cases SET assignee_id = $2 WHERE id = $1").bind(&late).bind(&w.vol_legal.0).execute(app.state.db.pool()).await.unwrap();
    let fresh = case_in(&app, &w.pl, Category::Housing, Priority::Normal, fresh_at, "Барыс").await;
    let (late_ref, fresh_ref) = (reference_of(&app, &late).await, reference_of(&app, &fresh).await);
    let due = |at: i64, lang: &str| {
        let d = embassy_desk::domain::Date::from_unix(at);
        let months: serde_json::Value = serde_json::from_str(match lang {
            "be" => include_str!("../../locales/be.json"),
            _ => include_str!("../../locales/en.json"),
        })
        .unwrap();
        let month = months["month"][format!("m{}", d.month)].as_str().unwrap().to_owned();
        let time = format!("{:02}:{:02}", at.rem_euclid(day) / 3600, at.rem_euclid(3600) / 60);
        match lang {
            "be" => format!("{} {month} {} г., {time} UTC", d.day, d.year),
            _ => format!("{} {month} {}, {time} UTC", d.day, d.year),
        }
    };
    let late_due = created + 4 * 3600;
    let fresh_due = fresh_at + 72 * 3600;

    let en = get(&app, "/desk", Some(&w.lead_pl.1), Some("en")).await;
    assert_eq!(en.status, 200);
    assert!(en.body.contains("&lt;b&gt;Ганна&lt;/b&gt; &amp; Co"), "the name is escaped, never markup");
    assert!(!en.text().contains("<b>Ганна"));
    assert_eq!(row_text(&en.body, &late), format!("{late_ref} <b>Ганна</b> & Co Legal status Urgent New 3 days Overdue {} vol.legal", due(late_due, "en")));
    assert_eq!(row_text(&en.body, &fresh), format!("{fresh_ref} Барыс Housing Normal New Today {} Unassigned", due(fresh_due, "en")));
    assert!(en.body.contains(r#"<tr class="overdue">"#), "overdue rows are marked for the eye too");

    let be = get(&app, "/desk", Some(&w.lead_pl.1), Some("be")).await;
    assert_eq!(
        row_text(&be.body, &late),
        format!("{late_ref} <b>Ганна</b> & Co Прававы статус Тэрмінова Новы 3 дні Пратэрмінавана {} vol.legal", due(late_due, "be"))
    );
    assert!(row_text(&be.body, &fresh).ends_with("Без выканаўцы"));
}

/// The deadlines listed under "Deadlines this week" on a queue page, as `(date, reference)`.
fn deadlines_shown(body: &str) -> Vec<(String, String)> {
    let Some(start) = body.find("<ul class=\"deadlines\">") else { return Vec::new() };
    let list = &body[start..start + body[start..].find("</ul>").unwrap()];
    list.split("<li>")
        .skip(1)
        .map(|item| {
            let date = item.split("datetime=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
            let reference = item.rsplit("\">").next().unwrap().split('<').next().unwrap().to_owned();
            (date, reference)
        })
        .collect()
}

async fn deadlines_of_the_week_keep_to_the_readers_queues(app: TestApp) {
    let w = World::build(&app).await;
    let legal = case_in(&app, &w.pl, Category::LegalStatus, Priority::Normal, now() - 3600, "Ala").await;
    let housing = case_in(&app, &w.pl, Category::Housing, Priority::Normal, now() - 3600, "Ola").await;
    let day = |offset: i64| embassy_desk::domain::Date::from_unix(now() + offset * 86_400).to_string();
    // The housing queue has far more (and earlier) open deadlines than a page shows; the
    // legal queue's one deadline comes after all of them.
    let mut tx = app.state.db.pool().begin().await.unwrap();
    let deadline = "INSERT INTO case_deadlines (id, case_id, embassy_id, kind, due_on, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)";
    for i in 0..230 {
        sqlx::query(deadline)
            .bind(format!("d-housing-{i:03}"))
            .bind(&housing)
            .bind(&w.pl.embassy_id)
            .bind("appeal")
            .bind(day(-3 + i / 100))
            .bind(&w.lead_pl.0)
            .bind(now())
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    sqlx::query(deadline)
        .bind("d-legal")
        .bind(&legal)
        .bind(&w.pl.embassy_id)
        .bind("hearing")
        .bind(day(2))
        .bind(&w.lead_pl.0)
        .bind(now())
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let (legal_ref, housing_ref) = (reference_of(&app, &legal).await, reference_of(&app, &housing).await);

    let shown = deadlines_shown(&get(&app, "/desk", Some(&w.vol_legal.1), Some("en")).await.body);
    assert_eq!(shown, [(day(2), legal_ref.clone())], "the legal volunteer sees their queue's deadline, and nothing of housing");
    let shown = deadlines_shown(&get(&app, "/desk", Some(&w.vol_housing.1), Some("en")).await.body);
    assert_eq!(shown.len(), desk::DEADLINES_SHOWN, "a page shows the earliest ones");
    assert!(shown.iter().all(|(date, r)| *date == day(-3) && *r == housing_ref), "past deadlines first: {shown:?}");
    let shown = deadlines_shown(&get(&app, "/desk", Some(&w.lead_pl.1), Some("en")).await.body);
    assert_eq!(shown.len(), desk::DEADLINES_SHOWN);
    assert!(shown.iter().all(|(_, r)| *r == housing_ref));
    assert!(deadlines_shown(&get(&app, "/desk", Some(&w.vol_lt.1), Some("en")).await.body).is_empty(), "another embassy's deadlines stay there");
    // Done deadlines leave the list.
    sqlx::query("UPDATE case_deadlines SET done_at = $1 WHERE case_id = $2").bind(now()).bind(&housing).execute(app.state.db.pool()).await.unwrap();
    let shown = deadlines_shown(&get(&app, "/desk", Some(&w.lead_pl.1), Some("en")).await.body);
    assert_eq!(shown, [(day(2), legal_ref)]);
}

async fn queue_pages_filter_by_embassy_and_person(app: TestApp) {
    let w = World::build(&app).await;
    let lt = add_embassy(&app, "lt", "LT").await;
    let at = now() - 3600;
    case_in(&app, &w.pl, Category::LegalStatus, Priority::Normal, at, "Анатоль").await;
    let held = case_in(&app, &w.pl, Category::LegalStatus, Priority::Normal, at, "Барыс").await;
    case_in(&app, &lt, Category::LegalStatus, Priority::Normal, at, "Вольга").await;
    sqlx::query("UPDATE cases SET assignee_id = $2 WHERE id = $1").bind(&held).bind(&w.vol_legal.0).execute(app.state.db.pool()).await.unwrap();
    let names = |body: &str| ["Анатоль", "Барыс", "Вольга"].into_iter().filter(|n| body.contains(n)).collect::<Vec<_>>();

    let all = get(&app, "/desk", Some(&w.admin.1), Some("en")).await;
    assert_eq!(names(&all.body), ["Анатоль", "Барыс", "Вольга"]);
    assert!(all.body.contains(r#"id="f-embassy""#), "admins choose an embassy");
    let only_lt = get(&app, &format!("/desk?embassy={}", lt.embassy_id), Some(&w.admin.1), Some("en")).await;
    assert_eq!(names(&only_lt.body), ["Вольга"]);
    assert!(!only_lt.body.contains(&format!("queue={}", w.pl.queue_for(Some(Category::LegalStatus)))), "only that embassy's queues are listed");
    let only_pl = get(&app, &format!("/desk?embassy={}", w.pl.embassy_id), Some(&w.admin.1), Some("en")).await;
    assert_eq!(names(&only_pl.body), ["Анатоль", "Барыс"]);

    // A lead has their embassy only: naming another is not found, and no embassy choice.
    let lead = get(&app, "/desk", Some(&w.lead_pl.1), Some("en")).await;
    assert!(!lead.body.contains(r#"id="f-embassy""#));
    assert_eq!(get(&app, &format!("/desk?embassy={}", lt.embassy_id), Some(&w.lead_pl.1), Some("en")).await.status, 404);
    assert_eq!(get(&app, &format!("/desk?embassy={}", w.pl.embassy_id), Some(&w.lead_pl.1), Some("en")).await.status, 200);

    // One person's cases, picked from the people of the lead's embassy.
    assert!(lead.body.contains(&format!(r#"value="{}""#, w.vol_legal.0)), "vol.legal is offered");
    assert!(!lead.body.contains(&format!(r#"value="{}""#, w.vol_lt.0)), "Lithuania's volunteer is not");
    let held_by = get(&app, &format!("/desk?assignee={}", w.vol_legal.0), Some(&w.lead_pl.1), Some("en")).await;
    assert_eq!(names(&held_by.body), ["Барыс"]);
    assert!(
        held_by.body.contains(&format!(r#"<option value="{}" selected"#, w.vol_legal.0))
            || held_by.body.contains(&format!(r#"value="{}" selected"#, w.vol_legal.0))
    );
    let nobody = get(&app, &format!("/desk?assignee={}", w.vol_housing.0), Some(&w.lead_pl.1), Some("en")).await;
    assert!(names(&nobody.body).is_empty());
    // Another embassy's person has no cases here to show.
    assert!(names(&get(&app, &format!("/desk?assignee={}", w.vol_lt.0), Some(&w.lead_pl.1), Some("en")).await.body).is_empty());
    // Volunteers get no list of people.
    let vol = get(&app, "/desk", Some(&w.vol_legal.1), Some("en")).await;
    assert!(!vol.body.contains(&format!(r#"value="{}""#, w.vol_housing.0)));
}

async fn take_next_never_gives_one_case_twice(app: TestApp) {
    let w = World::build(&app).await;
    let mut volunteers = vec![session_staff(&app, &w.vol_legal.1).await];
    let legal = w.pl.queue_for(Some(Category::LegalStatus)).to_owned();
    for i in 0..3 {
        let id = person(&app, &format!("vol.extra{i}"), Role::Volunteer, Some(&w.pl.embassy_id), &[&legal]).await;
        let cookie = sign_in(&app, &format!("vol.extra{i}"), &id).await;
        volunteers.push(session_staff(&app, &cookie).await);
    }
    const CASES: usize = 24;
    for i in 0..CASES {
        case_in(&app, &w.pl, Category::LegalStatus, Priority::ALL[i % 4], now() - 1000 + i as i64, &format!("c{i}")).await;
    }
    // Eight claims at a time from four people, until more claims than cases were made.
    let mut handles = Vec::new();
    for round in 0..8 {
        let staff = volunteers[round % volunteers.len()].clone();
        let (db, keyring) = (app.state.db.clone(), app.state.keyring.clone());
        handles.push(tokio::spawn(async move {
            let mut got = Vec::new();
            for _ in 0..4 {
                if let Some(id) = desk::take_next(&db, &keyring, &staff).await.unwrap() {
                    got.push((staff.id.clone(), id));
                }
            }
            got
        }));
    }
    let mut claimed = Vec::new();
    for h in handles {
        claimed.extend(h.await.unwrap());
    }
    let distinct: HashSet<&String> = claimed.iter().map(|(_, id)| id).collect();
    assert_eq!(distinct.len(), claimed.len(), "no case given twice");
    assert_eq!(claimed.len(), CASES, "every case taken once (32 claims for 24 cases)");
    for (person, case) in &claimed {
        let assignee: String = sqlx::query_scalar("SELECT assignee_id FROM cases WHERE id = $1").bind(case).fetch_one(app.state.db.pool()).await.unwrap();
        assert_eq!(&assignee, person, "the case belongs to whoever got it");
    }
    assert_eq!(count(&app, "SELECT COUNT(*) FROM audit_log WHERE action = 'case.take_next'").await, CASES as i64);
    // Nothing left: the button says so.
    let page = post(&app, "/desk", form_body(&[("action", "take-next")]), Some(&w.vol_legal.1)).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("id=\"nothing-to-take\""));
    assert_eq!(audit::verify(&app.state.db, &app.state.keyring).await.unwrap().map(|_| ()), Ok(()));
}

/// `n` cases in Poland's legal-status queue, of every priority in turn, the oldest first,
/// named "Імя 0", "Імя 1", …
async fn legal_status_cases(app: &TestApp, w: &World, n: usize) -> Vec<String> {
    let mut cases = Vec::new();
    for i in 0..n {
        cases.push(case_in(app, &w.pl, Category::LegalStatus, Priority::ALL[i % 4], now() - 5000 + i as i64, &format!("Імя {i}")).await);
    }
    cases
}

/// Lists, case views (a lead's, with the access history the appends keep growing),
/// sessions resumed, notes, replies, priority changes and take/hand-back, all at once from
/// several people, with the chain check running beside them: none fails or waits on another
/// for good, and the audit chain holds every one of them in order.
async fn views_and_changes_run_side_by_side(app: TestApp) {
    let w = World::build(&app).await;
    let cases = legal_status_cases(&app, &w, 6).await;
    let before = count(&app, "SELECT COUNT(*) FROM audit_log").await;
    let people = [w.vol_legal.1.clone(), w.lead_pl.1.clone(), w.admin.1.clone()];
    const ROUNDS: usize = 12;
    let mut handles = Vec::new();
    for task in 0..6usize {
        let cookie = people[task % people.len()].clone();
        let token = cookie.strip_prefix("desk=").unwrap().to_owned();
        let cases = cases.clone();
        let (db, keyring) = (app.state.db.clone(), app.state.keyring.clone());
        handles.push(tokio::spawn(async move {
            let mut audited = 0;
            for round in 0..ROUNDS {
                let staff = staff::resume(&db, &token).await.expect("session read").expect("session open").staff;
                let case = &cases[(task + round) % cases.len()];
                let (rows, _) = list_cases(&db, &keyring, &staff, &desk::ListFilter::default()).await.expect("list");
                assert!(rows.iter().any(|r| r.requester_name.starts_with("Імя")));
                let view = desk::view_case(&db, &mut db.acquire().await.unwrap(), &keyring, &staff, case).await.expect("case view");
                assert_eq!(&view.meta.id, case);
                // A volunteer may not change a case someone else holds, nor take it: refused,
                // but never a database error.
                let changed = match (task + round) % 4 {
                    0 => desk::add_note(&db, &keyring, &staff, case, &format!("note {task}.{round}")).await,
                    1 => desk::change_priority(&db, &keyring, &staff, case, Priority::ALL[round % 4]).await,
                    2 => desk::reply(&db, &keyring, &staff, case, &format!("reply {task}.{round}")).await,
                    _ => desk::take(&db, &keyring, &staff, case).await,
                };
                assert!(matches!(changed, Ok(()) | Err(desk::DeskError::NotAllowed)), "{changed:?}");
                // The list and the view are audited, and so is every note.
                audited += 2 + usize::from((task + round) % 4 == 0);
            }
            audited
        }));
    }
    // The chain check runs beside them and never mistakes their appends for a break.
    let (db, keyring) = (app.state.db.clone(), app.state.keyring.clone());
    let checks = tokio::spawn(async move {
        for _ in 0..5 {
            assert!(audit::verify(&db, &keyring).await.expect("chain read").is_ok());
        }
    });
    let mut audited = 0;
    for h in handles {
        audited += h.await.expect("no task failed");
    }
    checks.await.expect("every check passed");
    let after = count(&app, "SELECT COUNT(*) FROM audit_log").await;
    assert!(after - before >= audited as i64, "{before} → {after}, at least {audited} audited");
    assert_eq!(audit::verify(&app.state.db, &app.state.keyring).await.unwrap().map(|_| ()), Ok(()));
}

/// Requesters ask for help, come back, read and delete their requests over HTTP while
/// volunteers and a lead list, open and change cases on the desk pages: every request gets
/// its receipt, every deletion its page, every desk page its answer.
async fn requesters_and_the_desk_work_side_by_side(app: TestApp) {
    let w = World::build(&app).await;
    let cases = legal_status_cases(&app, &w, 4).await;
    let app = &app;
    let requesters = (0..3).map(|_| async {
        for _ in 0..3 {
            let (reference, code) = open_request(app).await;
            let cookie = requester_sign_in(app, &reference, &code).await;
            let page = get(app, "/follow-up/case", Some(&cookie), Some("en")).await;
            assert_eq!(page.status, 200, "{}", page.body);
            let page = post(app, "/follow-up/delete", form_body(&[("confirm", "yes")]), Some(&cookie)).await;
            assert_eq!(page.location.as_deref(), Some("/follow-up/deleted"), "{}", page.body);
        }
    });
    let people = [w.vol_legal.1.clone(), w.lead_pl.1.clone()];
    let desk = (0..4).map(|task| {
        let (cookie, cases) = (&people[task % 2], &cases);
        async move {
            for round in 0..6 {
                let case = &cases[(task + round) % cases.len()];
                let list = get(app, "/desk", Some(cookie), Some("en")).await;
                assert_eq!(list.status, 200, "{}", list.body);
                let path = format!("/desk/cases/{case}");
                let page = get(app, &path, Some(cookie), Some("en")).await;
                assert_eq!(page.status, 200, "{}", page.body);
                let body = form_body(&[("action", "note"), ("body", &format!("note {task}.{round}"))]);
                let page = post(app, &path, body, Some(cookie)).await;
                assert_eq!(page.status, 303, "{}", page.body);
            }
        }
    });
    futures::future::join(futures::future::join_all(requesters), futures::future::join_all(desk)).await;
    assert_eq!(audit::verify(&app.state.db, &app.state.keyring).await.unwrap().map(|_| ()), Ok(()));
}

async fn notes_stay_internal_and_replies_reach_the_requester(app: TestApp) {
    let w = World::build(&app).await;
    let (reference, code) = open_request(&app).await;
    let case: String = sqlx::query_scalar("SELECT id FROM cases WHERE reference = $1").bind(&reference).fetch_one(app.state.db.pool()).await.unwrap();
    // Intake routes Poland's legal-status requests to that queue; the volunteer takes it.
    let taken = post(&app, "/desk", form_body(&[("action", "take-next")]), Some(&w.vol_legal.1)).await;
    assert_eq!((taken.status, taken.location.clone()), (303, Some(format!("/desk/cases/{case}"))));
    let page = get(&app, &format!("/desk/cases/{case}"), Some(&w.vol_legal.1), Some("en")).await;
    assert!(page.body.contains("Мне трэба дапамога з картай побыту."), "intake answers decrypted");

    let note =
        post(&app, &format!("/desk/cases/{case}"), form_body(&[("action", "note"), ("body", "Internal: check the visa type first")]), Some(&w.vol_legal.1))
            .await;
    assert_eq!(note.status, 303);
    let reply =
        post(&app, &format!("/desk/cases/{case}"), form_body(&[("action", "reply"), ("body", "Please bring your passport on Monday.")]), Some(&w.vol_legal.1))
            .await;
    assert_eq!(reply.status, 303);
    // An empty reply is refused next to its field.
    let empty = post(&app, &format!("/desk/cases/{case}"), form_body(&[("action", "reply"), ("body", "   ")]), Some(&w.vol_legal.1)).await;
    assert_eq!(empty.status, 422);
    let long = "я".repeat(6000);
    let too_long = post(&app, &format!("/desk/cases/{case}"), form_body(&[("action", "note"), ("body", &long)]), Some(&w.vol_legal.1)).await;
    assert_eq!(too_long.status, 422);
    assert!(too_long.body.contains(&long), "what was typed is given back");

    let requester = requester_sign_in(&app, &reference, &code).await;
    let seen = get(&app, "/follow-up/case", Some(&requester), Some("en")).await;
    assert!(seen.body.contains("Please bring your passport on Monday."));
    assert!(!seen.body.contains("check the visa type"), "notes are never shown to the requester");

    let desk_page = get(&app, &format!("/desk/cases/{case}"), Some(&w.vol_legal.1), Some("en")).await;
    assert!(desk_page.body.contains("Internal: check the visa type first") && desk_page.body.contains("Please bring your passport on Monday."));
    let first_response: Option<i64> =
        sqlx::query_scalar("SELECT first_response_at FROM cases WHERE id = $1").bind(&case).fetch_one(app.state.db.pool()).await.unwrap();
    assert!(first_response.is_some(), "a reply is the first response");
    // Notes are sealed: the clear text is in no column.
    assert_eq!(count(&app, "SELECT COUNT(*) FROM case_notes").await, 1);
    let stored: Vec<u8> = sqlx::query_scalar("SELECT sealed FROM case_notes").fetch_one(app.state.db.pool()).await.unwrap();
    assert!(!String::from_utf8_lossy(&stored).contains("visa type"));
    // Nothing written on the desk reaches the log.
    let logs = String::from_utf8_lossy(&captured_logs()).into_owned();
    for private in ["check the visa type", "bring your passport", "картай побыту", "Алеся"] {
        assert!(!logs.contains(private), "{private} logged");
    }
    for action in ["case.take_next", "case.note.add", "case.reply.volunteer", "case.view"] {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = $1 AND object_id = $2")
            .bind(action)
            .bind(&case)
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
        assert!(n >= 1, "{action}");
    }
}

async fn status_follows_the_workflow_and_everything_is_audited(app: TestApp) {
    let w = World::build(&app).await;
    let case = case_in(&app, &w.pl, Category::LegalStatus, Priority::Normal, now() - 100, "Ян").await;
    let path = format!("/desk/cases/{case}");
    // Not assigned: a volunteer may read and note, not change.
    assert_eq!(post(&app, &path, form_body(&[("action", "status"), ("status", "triaged")]), Some(&w.vol_legal.1)).await.status, 403);
    assert_eq!(post(&app, &path, form_body(&[("action", "take")]), Some(&w.vol_legal.1)).await.status, 303);
    let skip = post(&app, &path, form_body(&[("action", "status"), ("status", "resolved")]), Some(&w.vol_legal.1)).await;
    assert_eq!(skip.status, 422, "new cannot jump to resolved");
    for next in ["triaged", "in_progress", "waiting", "in_progress", "resolved", "closed", "in_progress"] {
        let r = post(&app, &path, form_body(&[("action", "status"), ("status", next)]), Some(&w.vol_legal.1)).await;
        assert_eq!(r.status, 303, "{next}: {}", r.body);
    }
    let (status, resolved, closed): (String, Option<i64>, Option<i64>) =
        sqlx::query_as("SELECT status, resolved_at, closed_at FROM cases WHERE id = $1").bind(&case).fetch_one(app.state.db.pool()).await.unwrap();
    assert_eq!((status.as_str(), resolved, closed), ("in_progress", None, None), "reopened");
    // Priority follows the embassy's service level.
    sqlx::query("UPDATE embassies SET sla_urgent_hours = 2 WHERE id = $1").bind(&w.pl.embassy_id).execute(app.state.db.pool()).await.unwrap();
    assert_eq!(post(&app, &path, form_body(&[("action", "priority"), ("priority", "urgent")]), Some(&w.vol_legal.1)).await.status, 303);
    let (created, due): (i64, i64) =
        sqlx::query_as("SELECT created_at, first_response_due_at FROM cases WHERE id = $1").bind(&case).fetch_one(app.state.db.pool()).await.unwrap();
    assert_eq!(due - created, 2 * 3600);
    // Deadlines: a bad date is refused next to the field; a good one shows on the queue page.
    let bad = post(&app, &path, form_body(&[("action", "deadline"), ("kind", "appeal"), ("due_on", "2026-02-30")]), Some(&w.vol_legal.1)).await;
    assert_eq!(bad.status, 422);
    let soon = embassy_desk::domain::Date::from_unix(now() + 3 * 86400).to_string();
    assert_eq!(post(&app, &path, form_body(&[("action", "deadline"), ("kind", "appeal"), ("due_on", &soon)]), Some(&w.vol_legal.1)).await.status, 303);
    let queue = get(&app, "/desk", Some(&w.vol_legal.1), Some("en")).await;
    assert!(queue.body.contains(&soon), "deadline within 7 days on the queue page");
    // Re-routing to housing: the legal volunteer no longer sees it.
    let housing = w.pl.queue_for(Some(Category::Housing)).to_owned();
    let moved = post(&app, &path, form_body(&[("action", "route"), ("queue", &housing), ("categories", "housing")]), Some(&w.lead_pl.1)).await;
    assert_eq!(moved.status, 303);
    assert_eq!(get(&app, &path, Some(&w.vol_housing.1), Some("en")).await.status, 200);
    // The lead sees the timeline and who accessed the case.
    let lead_view = get(&app, &path, Some(&w.lead_pl.1), Some("en")).await;
    assert!(lead_view.body.contains("id=\"access-history\""));
    assert!(lead_view.body.contains("vol.legal"));
    let volunteer_view = get(&app, &path, Some(&w.vol_housing.1), Some("en")).await;
    assert!(!volunteer_view.body.contains("id=\"access-history\""));
    let events = count(&app, &format!("SELECT COUNT(*) FROM case_events WHERE case_id = '{case}'")).await;
    assert!(events >= 11, "{events}");
    let statuses: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'case.status' AND object_id = $1")
        .bind(&case)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(statuses, 7);
    assert_eq!(audit::verify(&app.state.db, &app.state.keyring).await.unwrap().map(|_| ()), Ok(()));
}

async fn leads_assign_and_volunteers_hand_back(app: TestApp) {
    let w = World::build(&app).await;
    let case = case_in(&app, &w.pl, Category::LegalStatus, Priority::High, now() - 100, "Ірына").await;
    let path = format!("/desk/cases/{case}");
    // A volunteer cannot assign; a lead can, only to people who may see the case.
    assert_eq!(post(&app, &path, form_body(&[("action", "assign"), ("person", &w.vol_legal.0)]), Some(&w.vol_legal.1)).await.status, 403);
    assert_eq!(post(&app, &path, form_body(&[("action", "assign"), ("person", &w.vol_housing.0)]), Some(&w.lead_pl.1)).await.status, 422);
    assert_eq!(post(&app, &path, form_body(&[("action", "assign"), ("person", &w.vol_legal.0)]), Some(&w.lead_pl.1)).await.status, 303);
    let mine = get(&app, "/desk?assignee=me", Some(&w.vol_legal.1), Some("en")).await;
    assert!(mine.body.contains("Ірына"));
    assert_eq!(post(&app, &path, form_body(&[("action", "hand-back")]), Some(&w.vol_legal.1)).await.location.as_deref(), Some("/desk"));
    let assignee: Option<String> = sqlx::query_scalar("SELECT assignee_id FROM cases WHERE id = $1").bind(&case).fetch_one(app.state.db.pool()).await.unwrap();
    assert_eq!(assignee, None);
    assert_eq!(post(&app, &path, form_body(&[("action", "assign"), ("person", &w.lead_pl.0)]), Some(&w.lead_pl.1)).await.status, 303);
    assert_eq!(post(&app, &path, form_body(&[("action", "assign"), ("person", "")]), Some(&w.lead_pl.1)).await.status, 303, "unassign");
    for action in ["case.assign", "case.hand_back", "case.unassign"] {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = $1 AND object_id = $2")
            .bind(action)
            .bind(&case)
            .fetch_one(app.state.db.pool())
            .await
            .unwrap();
        assert!(n >= 1, "{action}");
    }
}

/// What a case view reads, for each kind of reader: the fields, a timeline of messages,
/// notes and events in order with the logins of the people in it, deadlines by date, the
/// queue and the queues it may move to, and (leads) the access history. After the
/// requester deletes the case, only its clear timeline is left.
async fn a_case_view_holds_its_whole_story(app: TestApp) {
    let w = World::build(&app).await;
    let (db, keyring) = (&app.state.db, &app.state.keyring);
    let case = case_in(&app, &w.pl, Category::LegalStatus, Priority::Normal, now() - 100, "Ян").await;
    let path = format!("/desk/cases/{case}");
    let lead = session_staff(&app, &w.lead_pl.1).await;
    let volunteer = session_staff(&app, &w.vol_legal.1).await;
    let admin = session_staff(&app, &w.admin.1).await;
    // One statement reads a session: the embassy's name and the memberships come with it.
    assert_eq!(volunteer.queue_ids, vec![w.pl.queue_for(Some(Category::LegalStatus)).to_owned()]);
    let embassy: String = sqlx::query_scalar("SELECT name FROM embassies WHERE id = $1").bind(&w.pl.embassy_id).fetch_one(db.pool()).await.unwrap();
    assert_eq!(lead.embassy_name.as_deref(), Some(embassy.as_str()));
    assert!(lead.queue_ids.is_empty() && admin.embassy_name.is_none());

    assert_eq!(post(&app, &path, form_body(&[("action", "assign"), ("person", &w.vol_legal.0)]), Some(&w.lead_pl.1)).await.status, 303);
    let requester = follow_up::Sender { author: Author::Requester, person_id: None, actor: "requester" };
    follow_up::post(db, keyring, &embassy_desk::domain::CaseId::parse(&case).unwrap(), requester, MessageKind::Reply, "Дзякуй, чакаю.").await.unwrap();
    for (action, fields) in [
        ("note", vec![("body", "Check the visa type")]),
        ("reply", vec![("body", "Bring your passport")]),
        ("deadline", vec![("kind", "hearing"), ("due_on", "2031-05-02")]),
        ("deadline", vec![("kind", "appeal"), ("due_on", "2031-03-01")]),
    ] {
        let mut body = vec![("action", action)];
        body.extend(fields);
        assert_eq!(post(&app, &path, form_body(&body), Some(&w.vol_legal.1)).await.status, 303, "{action}");
    }

    let view = desk::view_case(db, &mut db.acquire().await.unwrap(), keyring, &lead, &case).await.unwrap();
    let fields: Vec<(&str, &str)> = view.fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    assert!(fields.contains(&("requester_name", "Ян")) && fields.contains(&("narrative", "story of Ян")), "{fields:?}");
    assert!(fields.windows(2).all(|p| p[0].0 < p[1].0), "fields by name");
    assert!(!view.deleted);
    assert!(view.timeline.windows(2).all(|p| p[0].0 <= p[1].0), "oldest first");
    let said: Vec<String> = view
        .timeline
        .iter()
        .filter_map(|(_, by, h)| match h {
            Happening::Note { body } => Some(format!("note {} by {}", body.as_str(), view.logins[by.as_ref()?])),
            Happening::Message { from_requester: true, body, .. } => Some(format!("requester: {}", body.as_str())),
            Happening::Message { from_requester: false, information: false, body } => Some(format!("reply {} by {}", body.as_str(), view.logins[by.as_ref()?])),
            Happening::Event { kind, new, .. } if kind == "assignee" => {
                Some(format!("assigned to {} by {}", view.logins[new.as_ref()?], view.logins[by.as_ref()?]))
            }
            _ => None,
        })
        .collect();
    for expected in
        ["requester: Дзякуй, чакаю.", "note Check the visa type by vol.legal", "reply Bring your passport by vol.legal", "assigned to vol.legal by lead.pl"]
    {
        assert!(said.iter().any(|s| s == expected), "{expected} in {said:?}");
    }
    let deadlines: Vec<(&str, &str, bool)> = view.deadlines.iter().map(|d| (d.kind.as_str(), d.due_on.as_str(), d.done_at.is_some())).collect();
    assert_eq!(deadlines, [("appeal", "2031-03-01", false), ("hearing", "2031-05-02", false)]);
    assert!(view.deadlines.iter().all(|d| d.case_id == case && d.reference == view.meta.reference));
    let queue_name: String = sqlx::query_scalar("SELECT name FROM queues WHERE id = $1").bind(&view.meta.queue_id).fetch_one(db.pool()).await.unwrap();
    assert_eq!(view.queue_name, queue_name);
    assert_eq!(view.queues.len(), w.pl.queues.len(), "the embassy's queues");
    assert!(view.queues.contains(&(view.meta.queue_id.clone(), queue_name.clone())));
    assert_eq!(view.meta.assignee_id.as_deref(), Some(w.vol_legal.0.as_str()));
    assert_eq!(view.logins[&w.vol_legal.0], "vol.legal");
    assert!(view.assignable.iter().any(|(id, login)| *id == w.vol_legal.0 && login == "vol.legal"));
    let access = view.access.as_ref().expect("leads see who opened the case");
    assert!(access.iter().any(|(_, actor, action, _)| *actor == format!("person:{}", w.vol_legal.0) && action == "case.note.add"));
    assert!(access.windows(2).all(|p| p[0].0 >= p[1].0), "newest first");

    // A volunteer of the queue: no access history, no one to assign; others: not found.
    let seen = desk::view_case(db, &mut db.acquire().await.unwrap(), keyring, &volunteer, &case).await.unwrap();
    assert!(seen.access.is_none() && seen.assignable.is_empty());
    assert_eq!(seen.fields.len(), view.fields.len());
    for outsider in [&w.vol_housing.1, &w.lead_lt.1, &w.vol_lt.1] {
        let outsider = session_staff(&app, outsider).await;
        assert!(matches!(desk::view_case(db, &mut db.acquire().await.unwrap(), keyring, &outsider, &case).await, Err(DeskError::NotFound)));
    }
    // An admin sees every embassy's queues, named with their embassy.
    let everywhere = desk::view_case(db, &mut db.acquire().await.unwrap(), keyring, &admin, &case).await.unwrap();
    let all_queues: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM queues").fetch_one(db.pool()).await.unwrap();
    assert_eq!(everywhere.queues.len() as i64, all_queues);
    assert!(everywhere.queues.contains(&(view.meta.queue_id.clone(), format!("pl · {queue_name}"))));
    assert_eq!(everywhere.queue_name, queue_name);

    // Each of the lead's desk pages is plain HTML that shows what it loaded.
    let page = plain_page(get(&app, &path, Some(&w.lead_pl.1), Some("en")).await.body);
    assert!(page.contains(&view.meta.reference) && page.contains(&queue_name) && page.contains("Ян"), "{page}");
    let queue = plain_page(get(&app, "/desk", Some(&w.lead_pl.1), Some("en")).await.body);
    assert!(queue.contains(&format!("/desk/cases/{case}")) && queue.contains("Ян") && queue.contains("vol.legal"), "{queue}");
    let team = plain_page(get(&app, "/desk/team", Some(&w.lead_pl.1), Some("en")).await.body);
    assert!(team.contains("vol.legal"), "{team}");
    let dashboard = plain_page(get(&app, "/desk/dashboard", Some(&w.lead_pl.1), Some("en")).await.body);
    assert!(dashboard.contains(&queue_name), "{dashboard}");
    let audit_page = plain_page(get(&app, &format!("/desk/audit?reference={}", view.meta.reference), Some(&w.lead_pl.1), Some("en")).await.body);
    assert!(audit_page.contains("case.view") || audit_page.contains(&view.meta.reference), "{audit_page}");

    // Deleted by the requester: the clear timeline and deadlines stay, nothing sealed is read.
    follow_up::delete_request(db, keyring, &embassy_desk::domain::CaseId::parse(&case).unwrap()).await.unwrap();
    let gone = desk::view_case(db, &mut db.acquire().await.unwrap(), keyring, &lead, &case).await.unwrap();
    assert!(gone.deleted && gone.fields.is_empty());
    assert!(gone.timeline.iter().all(|(_, _, h)| matches!(h, Happening::Event { .. })));
    assert!(gone.timeline.iter().any(|(_, _, h)| matches!(h, Happening::Event { kind, .. } if kind == "assignee")));
    assert_eq!(gone.deadlines.len(), 2);
    let views: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'case.view' AND object_id = $1 AND outcome = 'ok'")
        .bind(&case)
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(views, 5, "each view audited (the lead's full page load among them); outsiders' reads are not views");
    assert_eq!(audit::verify(db, keyring).await.unwrap().map(|_| ()), Ok(()));
}

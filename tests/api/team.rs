//! Changing a person's role and queues from the team page: who may change whom, what a
//! refused change shows, what a change does to sessions and held cases, and its audit rows.

use crate::{
    desk_support::{add_embassy, case_in, person, World},
    helpers::TestApp,
    on_both_backends,
    requester::{form_body, get, post},
};
use embassy_desk::{
    domain::{Category, Priority, Role},
    server::{db::now, desk, team},
};

on_both_backends!(a_lead_moves_a_volunteer_between_queues, refused_changes_keep_the_form, an_admin_changes_a_role_and_the_sessions_end);

async fn audited(app: &TestApp, action: &str, person: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = $1 AND object_id = $2")
        .bind(action)
        .bind(person)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap()
}

fn change_body(person: &str, role: &str, queues: &[&str]) -> String {
    let mut pairs = vec![("action", "change"), ("person", person), ("role", role)];
    pairs.extend(queues.iter().map(|q| ("queues", *q)));
    form_body(&pairs)
}

async fn a_lead_moves_a_volunteer_between_queues(app: TestApp) {
    let w = World::build(&app).await;
    let legal = w.pl.queue_for(Some(Category::LegalStatus)).to_owned();
    let housing = w.pl.queue_for(Some(Category::Housing)).to_owned();
    // The volunteer of legal status holds one of its cases.
    let case = case_in(&app, &w.pl, Category::LegalStatus, Priority::Normal, now() - 60, "Ганна").await;
    let vol = crate::desk::session_staff(&app, &w.vol_legal.1).await;
    desk::take(&app.state.db, &app.state.keyring, &vol, &case).await.unwrap();

    // The lead opens the volunteer's form: their queue is ticked.
    let form = get(&app, &format!("/desk/team?person={}", w.vol_legal.0), Some(&w.lead_pl.1), Some("en")).await;
    assert_eq!(form.status, 200, "{}", form.body);
    assert!(form.body.contains("id=\"change-form\""), "{}", form.body);
    let ticked = format!("id=\"change-queue-{legal}\" name=\"queues\" value=\"{legal}\" checked");
    assert!(form.body.contains(&ticked), "{}", form.body);

    let moved = post(&app, "/desk/team", change_body(&w.vol_legal.0, "volunteer", &[&housing]), Some(&w.lead_pl.1)).await;
    assert_eq!((moved.status, moved.location.as_deref()), (303, Some("/desk/team?saved=change")), "{}", moved.body);
    assert_eq!(audited(&app, "person.queues", &w.vol_legal.0).await, 1);
    assert_eq!(audited(&app, "person.role", &w.vol_legal.0).await, 0, "the role did not change");
    // The held case went back to its queue; the volunteer (still signed in) no longer sees it.
    let assignee: Option<String> = sqlx::query_scalar("SELECT assignee_id FROM cases WHERE id = $1").bind(&case).fetch_one(app.state.db.pool()).await.unwrap();
    assert_eq!(assignee, None);
    assert_eq!(get(&app, &format!("/desk/cases/{case}"), Some(&w.vol_legal.1), Some("en")).await.status, 404);
    assert_eq!(get(&app, &format!("/desk?queue={housing}"), Some(&w.vol_legal.1), Some("en")).await.status, 200);

    // Not the lead's to change: a lead, another embassy's volunteer, or anyone for a volunteer.
    for (cookie, target) in [(&w.lead_pl.1, &w.lead_pl.0), (&w.lead_pl.1, &w.vol_lt.0), (&w.lead_lt.1, &w.vol_housing.0), (&w.vol_housing.1, &w.vol_legal.0)] {
        let answer = post(&app, "/desk/team", change_body(target, "volunteer", &[&housing]), Some(cookie)).await;
        assert_eq!(answer.status, 404, "{}", answer.body);
        let page = get(&app, &format!("/desk/team?person={target}"), Some(cookie), Some("en")).await;
        assert_eq!(page.status, 404);
    }
}

async fn refused_changes_keep_the_form(app: TestApp) {
    let w = World::build(&app).await;
    let housing = w.pl.queue_for(Some(Category::Housing)).to_owned();
    let lt = add_embassy(&app, "lt", "LT").await;
    let lt_queue = lt.queue_for(Some(Category::Housing)).to_owned();
    let target = &w.vol_legal.0;
    for (body, field, code, status) in [
        // A lead may not make a lead.
        (change_body(target, "lead", &[&housing]), "role", "not_allowed", 422),
        // A volunteer works at least one queue.
        (change_body(target, "volunteer", &[]), "queues", "required", 422),
        // Only their embassy's queues.
        (change_body(target, "volunteer", &[&lt_queue]), "queues", "invalid_choice", 422),
        (change_body(target, "chief", &[&housing]), "role", "invalid_choice", 422),
    ] {
        let page = post(&app, "/desk/team", body, Some(&w.lead_pl.1)).await;
        assert_eq!(page.status, status, "{field}/{code}: {}", page.body);
        assert!(page.body.contains(&format!("id=\"change-{field}-error\"")), "{field}/{code}: {}", page.body);
        assert!(page.body.contains("id=\"change-form\""), "the form stays open");
    }
    // Nothing changed: still in legal status only, nothing audited.
    let queues: Vec<String> =
        sqlx::query_scalar("SELECT queue_id FROM queue_members WHERE person_id = $1").bind(target).fetch_all(app.state.db.pool()).await.unwrap();
    assert_eq!(queues, vec![w.pl.queue_for(Some(Category::LegalStatus)).to_owned()]);
    assert_eq!(audited(&app, "person.queues", target).await, 0);
    // The ticked box the lead chose is kept on the refused form.
    let page = post(&app, "/desk/team", change_body(target, "volunteer", &[&lt_queue, &housing]), Some(&w.lead_pl.1)).await;
    assert!(page.body.contains(&format!("id=\"change-queue-{housing}\" name=\"queues\" value=\"{housing}\" checked")), "{}", page.body);
}

async fn an_admin_changes_a_role_and_the_sessions_end(app: TestApp) {
    let w = World::build(&app).await;
    let housing = w.pl.queue_for(Some(Category::Housing)).to_owned();
    let answer = post(&app, "/desk/team", change_body(&w.vol_housing.0, "lead", &[&housing]), Some(&w.admin.1)).await;
    assert_eq!(answer.status, 303, "{}", answer.body);
    let role: String = sqlx::query_scalar("SELECT role FROM people WHERE id = $1").bind(&w.vol_housing.0).fetch_one(app.state.db.pool()).await.unwrap();
    assert_eq!(role, "lead");
    assert_eq!(audited(&app, "person.role", &w.vol_housing.0).await, 1);
    // A privilege change ends their sessions.
    let page = get(&app, "/desk", Some(&w.vol_housing.1), Some("en")).await;
    assert_eq!(page.status, 401, "{}", page.body);
    // Admins are not changed here, nor is the admin themself.
    let other_admin = person(&app, "root2", Role::Admin, None, &[]).await;
    for target in [&other_admin, &w.admin.0] {
        assert_eq!(post(&app, "/desk/team", change_body(target, "lead", &[]), Some(&w.admin.1)).await.status, 404);
    }
    // The server function refuses the same people.
    let admin = crate::desk::session_staff(&app, &w.admin.1).await;
    let err = team::change(&app.state.db, &app.state.keyring, &admin, &other_admin, Role::Volunteer, &[housing]).await.unwrap_err();
    assert!(matches!(err, team::ChangeError::NotFound));
}

//! Changing a person's role and queues from the team page: who may change whom, what a
//! refused change shows, what a change does to sessions and held cases, and its audit rows.

use crate::{
    helpers::{now, TestApp, World},
    on_both_backends,
};
use embassy_desk::{
    domain::{Category, Priority, Role},
    server::team,
};

on_both_backends!(a_lead_moves_a_volunteer_between_queues, refused_changes_keep_the_form, an_admin_changes_a_role_and_the_sessions_end);

async fn a_lead_moves_a_volunteer_between_queues(app: TestApp) {
    let w = World::build(&app).await;
    let (legal, housing) = (&w.legal, &w.housing);
    // The volunteer of legal status holds one of its cases.
    let case = app.case_in(&w.pl, Category::LegalStatus, Priority::Normal, now() - 60, "Ганна").await;
    assert_eq!(app.post_take(&w.vol_legal, &case).await.status, 303);

    // The lead opens the volunteer's form: their queue is ticked.
    let form = app.get_desk(&w.lead_pl, &format!("/desk/team?person={}", w.vol_legal.id)).await;
    assert_eq!(form.status, 200, "{}", form.body);
    assert!(form.body.contains("id=\"change-form\""), "{}", form.body);
    let ticked = format!("id=\"change-queue-{legal}\" name=\"queues\" value=\"{legal}\" checked");
    assert!(form.body.contains(&ticked), "{}", form.body);

    let moved = app.post_change_person(&w.lead_pl, &w.vol_legal.id, "volunteer", &[housing]).await;
    assert_eq!((moved.status, moved.location.as_deref()), (303, Some("/desk/team?saved=change")), "{}", moved.body);
    assert_eq!(app.audited("person.queues", &w.vol_legal.id).await, 1);
    assert_eq!(app.audited("person.role", &w.vol_legal.id).await, 0, "the role did not change");
    // The held case went back to its queue; the volunteer (still signed in) no longer sees it.
    assert_eq!(app.assignee_of(&case).await, None);
    assert_eq!(app.get_case(&w.vol_legal, &case).await.status, 404);
    assert_eq!(app.get_desk(&w.vol_legal, &format!("/desk?queue={housing}")).await.status, 200);

    // Not the lead's to change: a lead, another embassy's volunteer, or anyone for a volunteer.
    for (who, target) in [(&w.lead_pl, &w.lead_pl), (&w.lead_pl, &w.vol_lt), (&w.lead_lt, &w.vol_housing), (&w.vol_housing, &w.vol_legal)] {
        let answer = app.post_change_person(who, &target.id, "volunteer", &[housing]).await;
        assert_eq!(answer.status, 404, "{}", answer.body);
        assert_eq!(app.get_desk(who, &format!("/desk/team?person={}", target.id)).await.status, 404);
    }
}

async fn refused_changes_keep_the_form(app: TestApp) {
    let w = World::build(&app).await;
    let housing = w.housing.as_str();
    let lt_queue = w.lt.queue_for(Some(Category::Housing));
    let target = &w.vol_legal.id;
    for (role, queues, field, code) in [
        // A lead may not make a lead.
        ("lead", vec![housing], "role", "not_allowed"),
        // A volunteer works at least one queue.
        ("volunteer", vec![], "queues", "required"),
        // Only their embassy's queues.
        ("volunteer", vec![lt_queue], "queues", "invalid_choice"),
        ("chief", vec![housing], "role", "invalid_choice"),
    ] {
        let page = app.post_change_person(&w.lead_pl, target, role, &queues).await;
        assert_eq!(page.status, 422, "{field}/{code}: {}", page.body);
        assert!(page.body.contains(&format!("id=\"change-{field}-error\"")), "{field}/{code}: {}", page.body);
        assert!(page.body.contains("id=\"change-form\""), "the form stays open");
    }
    // Nothing changed: still in legal status only, nothing audited.
    let queues: Vec<String> =
        sqlx::query_scalar("SELECT queue_id FROM queue_members WHERE person_id = $1").bind(target).fetch_all(app.state.db.pool()).await.unwrap();
    assert_eq!(queues, vec![w.legal.clone()]);
    assert_eq!(app.audited("person.queues", target).await, 0);
    // The ticked box the lead chose is kept on the refused form.
    let page = app.post_change_person(&w.lead_pl, target, "volunteer", &[lt_queue, housing]).await;
    assert!(page.body.contains(&format!("id=\"change-queue-{housing}\" name=\"queues\" value=\"{housing}\" checked")), "{}", page.body);
}

async fn an_admin_changes_a_role_and_the_sessions_end(app: TestApp) {
    let w = World::build(&app).await;
    let answer = app.post_change_person(&w.admin, &w.vol_housing.id, "lead", &[&w.housing]).await;
    assert_eq!(answer.status, 303, "{}", answer.body);
    let role: String = sqlx::query_scalar("SELECT role FROM people WHERE id = $1").bind(&w.vol_housing.id).fetch_one(app.state.db.pool()).await.unwrap();
    assert_eq!(role, "lead");
    assert_eq!(app.audited("person.role", &w.vol_housing.id).await, 1);
    // A privilege change ends their sessions.
    let page = app.get_queue(&w.vol_housing).await;
    assert_eq!(page.status, 401, "{}", page.body);
    // A lead is not made an admin here (admins are invited).
    let answer = app.post_change_person(&w.admin, &w.lead_pl.id, "admin", &[]).await;
    assert_eq!(answer.status, 422, "{}", answer.body);
    let admin = app.session_staff(&w.admin).await;
    let err = team::change(&app.state.db, &app.state.keyring, &admin, &w.lead_pl.id, Role::Admin, None, &[]).await.unwrap_err();
    assert!(matches!(err, team::ChangeError::Invalid("role", _)));
}

//! Deadlines: set and marked done on the case page, and listed under "Deadlines this week"
//! on the queue page, earliest first, for the reader's queues only.

use crate::{
    helpers::{now, TestApp, World},
    on_both_backends,
};
use embassy_desk::{
    domain::{Category, Date, Priority},
    server::desk::DEADLINES_SHOWN,
};

on_both_backends!(a_deadline_is_set_and_marked_done_on_the_case_page, deadlines_of_the_week_keep_to_the_readers_queues);

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

/// The day `offset` days from today, as a deadline's date.
fn day(offset: i64) -> String {
    Date::from_unix(now() + offset * 86_400).to_string()
}

async fn a_deadline_is_set_and_marked_done_on_the_case_page(app: TestApp) {
    let w = World::build(&app).await;
    let case = app.case_in(&w.pl, Category::LegalStatus, Priority::Normal, now() - 3600, "Ala").await;
    let reference = app.reference_of(&case).await;
    assert_eq!(app.post_take(&w.vol_legal, &case).await.status, 303);

    // A date that does not exist is refused next to its field, as typed.
    let bad = app.post_deadline(&w.vol_legal, &case, "appeal", "2026-02-30").await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("id=\"deadline-due-on-error\"") && bad.body.contains("value=\"2026-02-30\""), "{}", bad.body);
    assert_eq!(app.post_deadline(&w.vol_legal, &case, "hearing", &day(2)).await.status, 303);
    assert_eq!(deadlines_shown(&app.get_queue(&w.vol_legal).await.body), [(day(2), reference)]);

    // Its "done" button names it; once done it leaves the week's list and has no button.
    let deadline = app.get_case(&w.vol_legal, &case).await.input_value("deadline").expect("a done button for the open deadline");
    let done = app.post_deadline_done(&w.vol_legal, &case, &deadline).await;
    assert_eq!(done.location, Some(format!("/desk/cases/{case}?saved=deadline-done")), "{}", done.body);
    assert!(deadlines_shown(&app.get_queue(&w.vol_legal).await.body).is_empty(), "done deadlines leave the list");
    let page = app.get_case(&w.vol_legal, &case).await;
    assert!(page.input_value("deadline").is_none() && page.body.contains("class=\"badge done\""), "{}", page.body);
    // Done is done: marking it again finds no open deadline, and nobody else's case has it.
    assert_eq!(app.post_deadline_done(&w.vol_legal, &case, &deadline).await.status, 404);
    assert_eq!(app.post_deadline_done(&w.vol_lt, &case, &deadline).await.status, 404);
    assert_eq!((app.audited("case.deadline.add", &case).await, app.audited("case.deadline.done", &case).await), (1, 1));
    let done_at: Option<i64> =
        sqlx::query_scalar("SELECT done_at FROM case_deadlines WHERE id = $1").bind(&deadline).fetch_one(app.state.db.pool()).await.unwrap();
    assert!(done_at.is_some());
}

async fn deadlines_of_the_week_keep_to_the_readers_queues(app: TestApp) {
    let w = World::build(&app).await;
    let legal = app.case_in(&w.pl, Category::LegalStatus, Priority::Normal, now() - 3600, "Ala").await;
    let housing = app.case_in(&w.pl, Category::Housing, Priority::Normal, now() - 3600, "Ola").await;
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
            .bind(&w.lead_pl.id)
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
        .bind(&w.lead_pl.id)
        .bind(now())
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let (legal_ref, housing_ref) = (app.reference_of(&legal).await, app.reference_of(&housing).await);

    let shown = deadlines_shown(&app.get_queue(&w.vol_legal).await.body);
    assert_eq!(shown, [(day(2), legal_ref.clone())], "the legal volunteer sees their queue's deadline, and nothing of housing");
    let shown = deadlines_shown(&app.get_queue(&w.vol_housing).await.body);
    assert_eq!(shown.len(), DEADLINES_SHOWN, "a page shows the earliest ones");
    assert!(shown.iter().all(|(date, r)| *date == day(-3) && *r == housing_ref), "past deadlines first: {shown:?}");
    let shown = deadlines_shown(&app.get_queue(&w.lead_pl).await.body);
    assert_eq!(shown.len(), DEADLINES_SHOWN);
    assert!(shown.iter().all(|(_, r)| *r == housing_ref));
    assert!(deadlines_shown(&app.get_queue(&w.vol_lt).await.body).is_empty(), "another embassy's deadlines stay there");
    // Done deadlines leave the list.
    sqlx::query("UPDATE case_deadlines SET done_at = $1 WHERE case_id = $2").bind(now()).bind(&housing).execute(app.state.db.pool()).await.unwrap();
    let shown = deadlines_shown(&app.get_queue(&w.lead_pl).await.body);
    assert_eq!(shown, [(day(2), legal_ref)]);
}

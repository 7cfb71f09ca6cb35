//! Deadlines listed under "Deadlines this week" on the queue page: earliest first, for the
//! reader's queues only.

use crate::{
    helpers::{now, TestApp, World},
    on_both_backends,
};
use embassy_desk::{
    domain::{Category, Date, Priority},
    server::desk::DEADLINES_SHOWN,
};

on_both_backends!(deadlines_of_the_week_keep_to_the_readers_queues);

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

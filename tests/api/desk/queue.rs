//! The queue page: every open case once, most urgent then oldest first, in keyset pages;
//! its filters by assignee, priority, status and lateness, and (for leads and admins) by
//! embassy and person.

use crate::{
    helpers::{now, TestApp, World},
    on_both_backends,
};
use embassy_desk::{
    domain::{Category, Priority, Status},
    server::desk::{self, AssigneeFilter, ListFilter},
};

on_both_backends!(queue_pages_follow_priority_then_age_without_offset, queue_pages_filter_by_embassy_and_person, queue_page_audits_the_cases_it_shows);

async fn queue_pages_follow_priority_then_age_without_offset(app: TestApp) {
    let w = World::build(&app).await;
    let (db, keyring) = (&app.state.db, &app.state.keyring);
    let lead = app.session_staff(&w.lead_pl).await;
    let base = now() - 10 * 86400;
    let mut expected = Vec::new();
    for i in 0..130i64 {
        let priority = Priority::ALL[(i % 4) as usize];
        // Same creation second for some rows: the id breaks ties.
        let created = base + (i / 3) * 60;
        let id = app.case_in(&w.pl, if i % 2 == 0 { Category::LegalStatus } else { Category::Housing }, priority, created, &format!("n{i}")).await;
        expected.push((priority.rank(), created, id));
    }
    expected.sort();
    let mut seen = Vec::new();
    let mut filter = ListFilter::default();
    loop {
        let (rows, next) = crate::helpers::list_cases(db, keyring, &lead, &filter).await.unwrap();
        assert!(rows.len() <= desk::PAGE_SIZE);
        seen.extend(rows.iter().map(|r| (r.meta.priority.rank(), r.meta.created_at, r.meta.id.clone())));
        match next {
            Some(cursor) => filter.after = Some(cursor),
            None => break,
        }
    }
    assert_eq!(seen, expected, "every open case once, most urgent first, then oldest");

    // Over HTTP: the next-page link carries the cursor; names are decrypted; overdue marked.
    let page = app.get_queue(&w.lead_pl).await;
    assert_eq!(page.status, 200);
    let next = page.body.find("after=").expect("a next-page link");
    let cursor_end = next + page.body[next..].find(['"', '&']).unwrap();
    assert_eq!(app.get_desk(&w.lead_pl, &format!("/desk?{}", &page.body[next..cursor_end])).await.status, 200);
    assert!(page.text().contains(">n0<"), "the requester's chosen name, decrypted");
    // Filters: unassigned, mine, overdue, status and priority.
    let vol = app.session_staff(&w.vol_legal).await;
    let first = ListFilter { queue: Some(w.legal.clone()), assignee: AssigneeFilter::Unassigned, ..Default::default() };
    let most_urgent = crate::helpers::list_cases(db, keyring, &vol, &first).await.unwrap().0[0].meta.clone();
    assert_eq!(most_urgent.priority, Priority::Urgent);
    let taken = app.post_take_next(&w.vol_legal).await;
    assert_eq!(taken.location, Some(format!("/desk/cases/{}", most_urgent.id)), "take-next claims the most urgent, oldest case of the volunteer's queues");
    let taken = most_urgent.id;
    let mine = ListFilter { assignee: AssigneeFilter::Me, ..Default::default() };
    let (rows, _) = crate::helpers::list_cases(db, keyring, &vol, &mine).await.unwrap();
    assert_eq!(rows.iter().map(|r| r.meta.id.clone()).collect::<Vec<_>>(), vec![taken.clone()]);
    let unassigned = ListFilter { assignee: AssigneeFilter::Unassigned, priority: Some(Priority::Urgent), ..Default::default() };
    let (rows, _) = crate::helpers::list_cases(db, keyring, &lead, &unassigned).await.unwrap();
    assert!(rows.iter().all(|r| r.meta.assignee_id.is_none() && r.meta.priority == Priority::Urgent));
    assert!(!rows.iter().any(|r| r.meta.id == taken));
    let overdue = ListFilter { overdue: true, ..Default::default() };
    let (rows, _) = crate::helpers::list_cases(db, keyring, &lead, &overdue).await.unwrap();
    assert!(!rows.is_empty() && rows.iter().all(|r| r.meta.overdue(now())));
    let resolved = ListFilter { status: Some(Status::Resolved), ..Default::default() };
    assert!(crate::helpers::list_cases(db, keyring, &lead, &resolved).await.unwrap().0.is_empty());
    assert_eq!(app.get_desk(&w.lead_pl, "/desk?after=1.2.nonsense").await.status, 422);
    assert!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'case.list'").await >= 4);
}

/// Admins narrow the list to one embassy; leads and admins to one person's cases (the
/// dashboard links its counts to these lists).
async fn queue_pages_filter_by_embassy_and_person(app: TestApp) {
    let w = World::build(&app).await;
    let at = now() - 3600;
    app.case_in(&w.pl, Category::LegalStatus, Priority::Normal, at, "Анатоль").await;
    let held = app.case_in(&w.pl, Category::LegalStatus, Priority::Normal, at, "Барыс").await;
    app.case_in(&w.lt, Category::LegalStatus, Priority::Normal, at, "Вольга").await;
    sqlx::query("UPDATE cases SET assignee_id = $2 WHERE id = $1").bind(&held).bind(&w.vol_legal.id).execute(app.state.db.pool()).await.unwrap();
    let names = |body: &str| ["Анатоль", "Барыс", "Вольга"].into_iter().filter(|n| body.contains(n)).collect::<Vec<_>>();
    let (pl, lt) = (&w.pl.embassy_id, &w.lt.embassy_id);

    let all = app.get_queue(&w.admin).await;
    assert_eq!(names(&all.body), ["Анатоль", "Барыс", "Вольга"]);
    assert!(all.body.contains(r#"id="f-embassy""#), "admins choose an embassy");
    let only_lt = app.get_desk(&w.admin, &format!("/desk?embassy={lt}")).await;
    assert_eq!(names(&only_lt.body), ["Вольга"]);
    assert!(!only_lt.body.contains(&format!("queue={}", w.legal)), "only that embassy's queues are listed");
    assert_eq!(names(&app.get_desk(&w.admin, &format!("/desk?embassy={pl}")).await.body), ["Анатоль", "Барыс"]);

    // A lead has their embassy only: naming another is not found, and no embassy choice.
    let lead = app.get_queue(&w.lead_pl).await;
    assert!(!lead.body.contains(r#"id="f-embassy""#));
    assert_eq!(app.get_desk(&w.lead_pl, &format!("/desk?embassy={lt}")).await.status, 404);
    assert_eq!(app.get_desk(&w.lead_pl, &format!("/desk?embassy={pl}")).await.status, 200);

    // One person's cases, picked from the people of the lead's embassy.
    assert!(lead.body.contains(&format!(r#"value="{}""#, w.vol_legal.id)), "vol.legal is offered");
    assert!(!lead.body.contains(&format!(r#"value="{}""#, w.vol_lt.id)), "Lithuania's volunteer is not");
    let held_by = app.get_desk(&w.lead_pl, &format!("/desk?assignee={}", w.vol_legal.id)).await;
    assert_eq!(names(&held_by.body), ["Барыс"]);
    assert!(
        held_by.body.contains(&format!(r#"<option value="{}" selected"#, w.vol_legal.id))
            || held_by.body.contains(&format!(r#"value="{}" selected"#, w.vol_legal.id))
    );
    assert!(names(&app.get_desk(&w.lead_pl, &format!("/desk?assignee={}", w.vol_housing.id)).await.body).is_empty());
    // Another embassy's person has no cases here to show.
    assert!(names(&app.get_desk(&w.lead_pl, &format!("/desk?assignee={}", w.vol_lt.id)).await.body).is_empty());
    // Volunteers get no list of people.
    assert!(!app.get_queue(&w.vol_legal).await.body.contains(&format!(r#"value="{}""#, w.vol_housing.id)));
}

/// Each render of the queue page records one `case.list` row per case whose name it opened,
/// naming the case by id and nothing else; a page that lists no case records nothing.
async fn queue_page_audits_the_cases_it_shows(app: TestApp) {
    let w = World::build(&app).await;
    let mut legal = Vec::new();
    for name in ["Алесь", "Марыся", "Янка"] {
        legal.push(app.case_in(&w.pl, Category::LegalStatus, Priority::Normal, now() - 3600, name).await);
    }
    let housing = app.case_in(&w.pl, Category::Housing, Priority::Normal, now() - 3600, "Зося").await;
    let listed = |who: String| {
        let app = &app;
        async move {
            let mut ids: Vec<String> = sqlx::query_scalar("SELECT object_id FROM audit_log WHERE action = 'case.list' AND actor = $1 AND outcome = 'ok'")
                .bind(who)
                .fetch_all(app.state.db.pool())
                .await
                .unwrap();
            ids.sort();
            ids
        }
    };
    let volunteer = format!("person:{}", w.vol_legal.id);
    let page = app.get_queue(&w.vol_legal).await;
    assert!(page.status == 200 && page.body.contains("Марыся") && !page.body.contains("Зося"));
    legal.sort();
    assert_eq!(listed(volunteer.clone()).await, legal, "one row per listed case, by id");
    app.get_queue(&w.vol_legal).await;
    assert_eq!(listed(volunteer.clone()).await.len(), 6, "every render");
    // The lead's page lists all four; a volunteer of another embassy lists none, and writes none.
    app.get_queue(&w.lead_pl).await;
    let mut all = [legal.clone(), vec![housing]].concat();
    all.sort();
    assert_eq!(listed(format!("person:{}", w.lead_pl.id)).await, all);
    assert_eq!(app.get_queue(&w.vol_lt).await.status, 200);
    assert!(listed(format!("person:{}", w.vol_lt.id)).await.is_empty());
    // The rows are the cases' own: the case page's access history shows who listed it.
    let access = app.get_case(&w.lead_pl, &legal[0]).await;
    assert!(access.text().contains("case.list"), "{}", access.body);
    assert_eq!(app.audit_chain().await, Ok(()));
}

//! Many people at once: desk views and changes beside the audit chain's check, and
//! requesters beside the desk pages. Nothing fails, nothing waits for good, and the audit
//! chain holds every step in order.

use crate::{
    helpers::{now, TestApp, World},
    on_both_backends,
};
use embassy_desk::{
    domain::{Category, Priority},
    server::{audit, desk, staff},
};

on_both_backends!(views_and_changes_run_side_by_side, requesters_and_the_desk_work_side_by_side);

/// `n` cases in Poland's legal-status queue, of every priority in turn, the oldest first,
/// named "Імя 0", "Імя 1", …
async fn legal_status_cases(app: &TestApp, w: &World, n: usize) -> Vec<String> {
    let mut cases = Vec::new();
    for i in 0..n {
        cases.push(app.case_in(&w.pl, Category::LegalStatus, Priority::ALL[i % 4], now() - 5000 + i as i64, &format!("Імя {i}")).await);
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
    let before = app.count("SELECT COUNT(*) FROM audit_log").await;
    let people = [&w.vol_legal, &w.lead_pl, &w.admin];
    const ROUNDS: usize = 12;
    let mut handles = Vec::new();
    for task in 0..6usize {
        let token = people[task % people.len()].cookie.strip_prefix("desk=").unwrap().to_owned();
        let cases = cases.clone();
        let (db, keyring) = (app.state.db.clone(), app.state.keyring.clone());
        handles.push(tokio::spawn(async move {
            let mut audited = 0;
            for round in 0..ROUNDS {
                let staff = staff::resume(&db, &keyring, &token).await.expect("session read").expect("session open").staff;
                let case = &cases[(task + round) % cases.len()];
                let (rows, _) = crate::helpers::list_cases(&db, &keyring, &staff, &desk::ListFilter::default()).await.expect("list");
                assert!(rows.iter().any(|r| r.requester_name.starts_with("Імя")));
                let view = desk::view_case(&db, &mut db.acquire().await.unwrap(), &keyring, &staff, case).await.expect("case view");
                assert_eq!(&view.meta.id, case);
                // A volunteer may not change a case someone else holds, nor take it: refused,
                // but never a database error.
                let changed = match (task + round) % 4 {
                    0 => desk::add_note(&db, &keyring, &staff, case, &format!("note {task}.{round}")).await,
                    1 => desk::change_priority(&db, &keyring, &staff, case, Priority::ALL[round % 4]).await,
                    2 => {
                        desk::reply(&db, &keyring, &staff, case, &format!("reply {task}.{round}"), embassy_desk::server::documents::attach::Attaching::NONE)
                            .await
                    }
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
    let after = app.count("SELECT COUNT(*) FROM audit_log").await;
    assert!(after - before >= audited as i64, "{before} → {after}, at least {audited} audited");
    assert_eq!(app.audit_chain().await, Ok(()));
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
            let (reference, code) = app.open_request().await;
            let cookie = app.requester_sign_in(&reference, &code).await;
            let page = app.get_thread(&cookie, "en").await;
            assert_eq!(page.status, 200, "{}", page.body);
            let page = app.post_delete_request(&cookie).await;
            assert_eq!(page.location.as_deref(), Some("/follow-up/deleted"), "{}", page.body);
        }
    });
    let people = [&w.vol_legal, &w.lead_pl];
    let desk = (0..4).map(|task| {
        let (person, cases) = (people[task % 2], &cases);
        async move {
            for round in 0..6 {
                let case = &cases[(task + round) % cases.len()];
                let list = app.get_queue(person).await;
                assert_eq!(list.status, 200, "{}", list.body);
                let page = app.get_case(person, case).await;
                assert_eq!(page.status, 200, "{}", page.body);
                let page = app.post_note(person, case, &format!("note {task}.{round}")).await;
                assert_eq!(page.status, 303, "{}", page.body);
            }
        }
    });
    futures::future::join(futures::future::join_all(requesters), futures::future::join_all(desk)).await;
    assert_eq!(app.audit_chain().await, Ok(()));
}

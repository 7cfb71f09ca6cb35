//! Take-next under concurrency: many claims at once from several people, and no case is
//! ever given twice.

use crate::{
    helpers::{now, TestApp, World},
    on_both_backends,
};
use embassy_desk::{
    domain::{Category, Priority, Role},
    server::desk,
};
use std::collections::HashSet;

on_both_backends!(take_next_never_gives_one_case_twice);

async fn take_next_never_gives_one_case_twice(app: TestApp) {
    let w = World::build(&app).await;
    let mut volunteers = vec![app.session_staff(&w.vol_legal).await];
    for i in 0..3 {
        let login = format!("vol.extra{i}");
        let id = app.add_person(&login, Role::Volunteer, Some(&w.pl.embassy_id), &[&w.legal]).await;
        let cookie = app.sign_in(&login, &id).await;
        volunteers.push(app.session_staff(&cookie).await);
    }
    const CASES: usize = 24;
    for i in 0..CASES {
        app.case_in(&w.pl, Category::LegalStatus, Priority::ALL[i % 4], now() - 1000 + i as i64, &format!("c{i}")).await;
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
        assert_eq!(app.assignee_of(case).await.as_ref(), Some(person), "the case belongs to whoever got it");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM audit_log WHERE action = 'case.take_next'").await, CASES as i64);
    // Nothing left: the button says so.
    let page = app.post_take_next(&w.vol_legal).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("id=\"nothing-to-take\""));
    assert_eq!(app.audit_chain().await, Ok(()));
}

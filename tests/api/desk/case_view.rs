//! What a case view reads, for each kind of reader, and what each of the lead's desk pages
//! shows of it as plain HTML.

use crate::{
    helpers::{now, TestApp, World},
    on_both_backends,
};
use embassy_desk::{
    domain::{CaseId, Category, Priority},
    server::desk::{self, DeskError, Happening},
};

on_both_backends!(a_case_view_holds_its_whole_story);

/// A desk page's HTML, after checking that it is only HTML: no script, no WASM, nothing
/// carried for hydration.
fn plain_page(html: String) -> String {
    for sign in ["<script", ".wasm", "modulepreload", "__RESOLVED_RESOURCES", "leptos-island"] {
        assert!(!html.contains(sign), "a desk page holds {sign:?}: {html}");
    }
    html
}

/// The fields, a timeline of messages, notes and events in order with the logins of the
/// people in it, deadlines by date, the queue and the queues it may move to, and (leads)
/// the access history. After the requester deletes the case, only its clear timeline is
/// left.
async fn a_case_view_holds_its_whole_story(app: TestApp) {
    let w = World::build(&app).await;
    let (db, keyring) = (&app.state.db, &app.state.keyring);
    let case = app.case_in(&w.pl, Category::LegalStatus, Priority::Normal, now() - 100, "Ян").await;
    let lead = app.session_staff(&w.lead_pl).await;
    let volunteer = app.session_staff(&w.vol_legal).await;
    let admin = app.session_staff(&w.admin).await;
    // One statement reads a session: the embassy's name and the memberships come with it.
    assert_eq!(volunteer.queue_ids, vec![w.legal.clone()]);
    let embassy: String = sqlx::query_scalar("SELECT name FROM embassies WHERE id = $1").bind(&w.pl.embassy_id).fetch_one(db.pool()).await.unwrap();
    assert_eq!(lead.embassy_name.as_deref(), Some(embassy.as_str()));
    assert!(lead.queue_ids.is_empty() && admin.embassy_name.is_none());

    assert_eq!(app.post_assign(&w.lead_pl, &case, &w.vol_legal.id).await.status, 303);
    app.requester_writes(&case, "Дзякуй, чакаю.").await;
    assert_eq!(app.post_note(&w.vol_legal, &case, "Check the visa type").await.status, 303);
    assert_eq!(app.post_reply(&w.vol_legal, &case, "Bring your passport").await.status, 303);
    assert_eq!(app.post_deadline(&w.vol_legal, &case, "hearing", "2031-05-02").await.status, 303);
    assert_eq!(app.post_deadline(&w.vol_legal, &case, "appeal", "2031-03-01").await.status, 303);

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
            Happening::Message { from_requester: false, information: false, body, .. } => {
                Some(format!("reply {} by {}", body.as_str(), view.logins[by.as_ref()?]))
            }
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
    assert_eq!(view.meta.assignee_id.as_deref(), Some(w.vol_legal.id.as_str()));
    assert_eq!(view.logins[&w.vol_legal.id], "vol.legal");
    assert!(view.assignable.iter().any(|(id, login)| *id == w.vol_legal.id && login == "vol.legal"));
    let access = view.access.as_ref().expect("leads see who opened the case");
    assert!(access.iter().any(|(_, actor, action, _)| *actor == format!("person:{}", w.vol_legal.id) && action == "case.note.add"));
    assert!(access.windows(2).all(|p| p[0].0 >= p[1].0), "newest first");

    // A volunteer of the queue: no access history, no one to assign; others: not found.
    let seen = desk::view_case(db, &mut db.acquire().await.unwrap(), keyring, &volunteer, &case).await.unwrap();
    assert!(seen.access.is_none() && seen.assignable.is_empty());
    assert_eq!(seen.fields.len(), view.fields.len());
    for outsider in [&w.vol_housing, &w.lead_lt, &w.vol_lt] {
        let outsider = app.session_staff(outsider).await;
        assert!(matches!(desk::view_case(db, &mut db.acquire().await.unwrap(), keyring, &outsider, &case).await, Err(DeskError::NotFound)));
    }
    // An admin sees every embassy's queues, named with their embassy.
    let everywhere = desk::view_case(db, &mut db.acquire().await.unwrap(), keyring, &admin, &case).await.unwrap();
    assert_eq!(everywhere.queues.len() as i64, app.count("SELECT COUNT(*) FROM queues").await);
    assert!(everywhere.queues.contains(&(view.meta.queue_id.clone(), format!("pl · {queue_name}"))));
    assert_eq!(everywhere.queue_name, queue_name);

    // Each of the lead's desk pages is plain HTML that shows what it loaded.
    let page = plain_page(app.get_case(&w.lead_pl, &case).await.body);
    assert!(page.contains(&view.meta.reference) && page.contains(&queue_name) && page.contains("Ян"), "{page}");
    let queue = plain_page(app.get_queue(&w.lead_pl).await.body);
    assert!(queue.contains(&format!("/desk/cases/{case}")) && queue.contains("Ян") && queue.contains("vol.legal"), "{queue}");
    let team = plain_page(app.get_desk(&w.lead_pl, "/desk/team").await.body);
    assert!(team.contains("vol.legal"), "{team}");
    let dashboard = plain_page(app.get_desk(&w.lead_pl, "/desk/dashboard").await.body);
    assert!(dashboard.contains(&queue_name), "{dashboard}");
    let audit_page = plain_page(app.get_desk(&w.lead_pl, &format!("/desk/audit?reference={}", view.meta.reference)).await.body);
    assert!(audit_page.contains("case.view") || audit_page.contains(&view.meta.reference), "{audit_page}");

    // Deleted by the requester: the case is purged at once, timeline and deadlines with it.
    embassy_desk::server::follow_up::delete_request(db, keyring, &CaseId::parse(&case).unwrap()).await.unwrap();
    assert!(matches!(desk::view_case(db, &mut db.acquire().await.unwrap(), keyring, &lead, &case).await, Err(DeskError::NotFound)));
    let views: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE action = 'case.view' AND object_id = $1 AND outcome = 'ok'")
        .bind(&case)
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(views, 4, "each view audited (the lead's full page load among them); outsiders' reads are not views");
    assert_eq!(app.audit_chain().await, Ok(()));
}

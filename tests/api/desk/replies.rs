//! Notes and replies: a note stays on the desk, sealed; a reply reaches the requester's
//! page and counts as the first response; refused text comes back as typed; none of it is
//! logged.

use crate::{
    helpers::{captured_log_text, TestApp, World},
    on_both_backends,
};

on_both_backends!(notes_stay_internal_and_replies_reach_the_requester);

async fn notes_stay_internal_and_replies_reach_the_requester(app: TestApp) {
    let w = World::build(&app).await;
    let (reference, code) = app.open_request().await;
    let case = app.case_of(&reference).await;
    // Intake routes Poland's legal-status requests to that queue; the volunteer takes it.
    let taken = app.post_take_next(&w.vol_legal).await;
    assert_eq!((taken.status, taken.location), (303, Some(format!("/desk/cases/{case}"))));
    assert!(app.get_case(&w.vol_legal, &case).await.body.contains("Мне трэба дапамога з картай побыту."), "intake answers decrypted");

    assert_eq!(app.post_note(&w.vol_legal, &case, "Internal: check the visa type first").await.status, 303);
    assert_eq!(app.post_reply(&w.vol_legal, &case, "Please bring your passport on Monday.").await.status, 303);
    // An empty reply is refused next to its field.
    assert_eq!(app.post_reply(&w.vol_legal, &case, "   ").await.status, 422);
    let long = "я".repeat(6000);
    let too_long = app.post_note(&w.vol_legal, &case, &long).await;
    assert_eq!(too_long.status, 422);
    assert!(too_long.body.contains(&long), "what was typed is given back");

    let requester = app.requester_sign_in(&reference, &code).await;
    let seen = app.get_thread(&requester, "en").await;
    assert!(seen.body.contains("Please bring your passport on Monday."));
    assert!(!seen.body.contains("check the visa type"), "notes are never shown to the requester");

    let desk_page = app.get_case(&w.vol_legal, &case).await;
    assert!(desk_page.body.contains("Internal: check the visa type first") && desk_page.body.contains("Please bring your passport on Monday."));
    let first_response: Option<i64> =
        sqlx::query_scalar("SELECT first_response_at FROM cases WHERE id = $1").bind(&case).fetch_one(app.state.db.pool()).await.unwrap();
    assert!(first_response.is_some(), "a reply is the first response");
    // Notes are sealed: the clear text is in no column.
    assert_eq!(app.count("SELECT COUNT(*) FROM case_notes").await, 1);
    let stored: Vec<u8> = sqlx::query_scalar("SELECT sealed FROM case_notes").fetch_one(app.state.db.pool()).await.unwrap();
    assert!(!String::from_utf8_lossy(&stored).contains("visa type"));
    // Nothing written on the desk reaches the log.
    let logs = captured_log_text();
    for private in ["check the visa type", "bring your passport", "картай побыту", "Алеся"] {
        assert!(!logs.contains(private), "{private} logged");
    }
    for action in ["case.take_next", "case.note.add", "case.reply.volunteer", "case.view"] {
        assert!(app.audited(action, &case).await >= 1, "{action}");
    }
}

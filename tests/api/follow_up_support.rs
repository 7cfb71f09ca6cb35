//! Acting for the embassy in tests: a volunteer's message to a requester.

use crate::helpers::TestApp;
use embassy_desk::{
    domain::CaseId,
    server::follow_up::{self, Author, MessageKind},
};

pub async fn post_reply(app: &TestApp, case_id: &CaseId, text: &str) {
    follow_up::post(
        &app.state.db,
        &app.state.keyring,
        case_id,
        follow_up::Sender { author: Author::Volunteer, person_id: None, actor: "person:test" },
        MessageKind::Reply,
        text,
    )
    .await
    .unwrap();
}

//! The requester's follow-up pages: the sign-in form (reference and code) and, inside a
//! session, the status and the message thread. Nothing the requester submitted at intake is
//! ever sent back.

use super::AppError;
use crate::domain::{intake::Rule, Status};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Why signing in did not work. Unknown references and wrong codes are the same answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum LoginProblem {
    /// The reference is not in the shape references have.
    ReferenceShape,
    /// The code is not 25 digits.
    CodeShape,
    /// Reference or code not recognised.
    NotRecognised,
    /// Too many attempts for this reference, or overall.
    TooManyAttempts,
    /// The session ended (idle, expired, or logged out).
    SessionEnded,
}

/// The sign-in form as typed (never the code) and what went wrong.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginView {
    pub reference: String,
    pub problem: Option<LoginProblem>,
}

/// Set by the server's form handler when it answers a failed sign-in.
#[derive(Clone, Debug)]
pub struct PostedLogin(pub LoginView);

/// Public. The state of a sign-in being answered, or an empty form.
#[server(endpoint = "follow-up/login-view")]
pub async fn load_login() -> Result<LoginView, AppError> {
    Ok(use_context::<PostedLogin>().map(|p| p.0).unwrap_or_default())
}

/// Which form on the case page a draft belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DraftKind {
    Reply,
    Information,
}

/// A message that was not accepted, given back with its error.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub kind: DraftKind,
    pub text: String,
    pub error: Rule,
}

/// Set by the server's form handler when it answers a refused message.
#[derive(Clone, Debug)]
pub struct PostedDraft(pub Draft);

/// One message as the requester sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageDto {
    /// Written by the embassy (else by the requester).
    pub from_embassy: bool,
    /// Information the requester added to their request (else a reply).
    pub information: bool,
    /// UTC seconds.
    pub at: i64,
    pub body: String,
}

/// The case page: status and conversation only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadView {
    pub status: Status,
    pub opened_at: i64,
    pub messages: Vec<MessageDto>,
    pub draft: Option<Draft>,
}

/// Requester session required: the session cookie names the one case it may read. Without
/// a live session: `Unauthorized`.
#[server(endpoint = "follow-up/thread")]
pub async fn load_thread() -> Result<ThreadView, AppError> {
    let state = crate::server::AppState::from_context()?;
    let case_id = crate::server::http::requester::session_case(&state).await?.ok_or(AppError::Unauthorized)?;
    let thread = match crate::server::follow_up::thread(&state.db, &state.keyring, &case_id, "requester").await {
        Ok(t) => t,
        Err(crate::server::cases::ReadError::Gone) => return Err(AppError::Unauthorized),
        Err(e) => return Err(AppError::internal(e)),
    };
    let messages = thread
        .messages
        .iter()
        .map(|m| MessageDto {
            from_embassy: m.author == crate::server::follow_up::Author::Volunteer,
            information: m.kind == crate::server::follow_up::MessageKind::Information,
            at: m.created_at,
            body: m.body.to_string(),
        })
        .collect();
    Ok(ThreadView { status: thread.status, opened_at: thread.created_at, messages, draft: use_context::<PostedDraft>().map(|d| d.0) })
}

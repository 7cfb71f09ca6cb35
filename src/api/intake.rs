//! The intake page's state: the form as typed, its errors, the one-time token, and — once,
//! right after a successful submission — the reference and secret code.

use super::AppError;
use crate::domain::intake::{FieldError, IntakeForm};

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Why the page shows a notice above the form instead of (or beside) field errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum IntakeNotice {
    /// The form was open too long (or its token was damaged): check and send again.
    StaleForm,
    /// This form was already sent; the request exists.
    AlreadySent,
    /// Fields need attention.
    FixErrors,
    /// Too many requests arrive right now: wait a minute and send again (nothing is lost).
    Busy,
}

/// Shown once, in the response to the submission that opened the case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptDto {
    pub reference: String,
    pub code: String,
}

/// Everything the intake page renders from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IntakeView {
    pub form: IntakeForm,
    pub errors: Vec<FieldError>,
    pub token: String,
    pub notice: Option<IntakeNotice>,
    pub receipt: Option<ReceiptDto>,
}

/// Set by the server's form handler when it renders the answer to a post.
#[derive(Clone, Debug)]
pub struct PostedIntake(pub IntakeView);

/// Public (a requester has no account). Returns the state of a post being answered, or a
/// blank form with a fresh token.
#[server(endpoint = "intake/view")]
pub async fn load_intake() -> Result<IntakeView, AppError> {
    if let Some(PostedIntake(view)) = use_context::<PostedIntake>() {
        return Ok(view);
    }
    let state = crate::server::AppState::from_context()?;
    let token = crate::server::form_token::issue(&state.keyring, crate::server::db::now());
    Ok(IntakeView { token, ..IntakeView::default() })
}

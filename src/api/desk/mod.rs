//! The volunteer desk: who is signed in, the queues and the case list, one case with its
//! timeline. Every function first establishes the caller's desk session and
//! scope; anything outside the caller's scope answers `NotFound`, exactly like an unknown id.
//!
//! Changes are plain HTML form posts (see `server::http::desk`), so the desk works with
//! JavaScript off; a refused post renders its page again with the input and the error,
//! which reaches the page through the `Posted*` contexts below.

mod dto;

pub use dto::*;

use crate::api::AppError;
use leptos::prelude::*;

/// Desk session required. The queues in scope with counts, one page of cases (audited as
/// `case.list`, with each listed case's name decrypted), and deadlines within 7 days.
#[server(endpoint = "desk/queue-page")]
pub async fn load_queue_page(filter: CaseFilter) -> Result<QueuePageDto, AppError> {
    let state = crate::server::AppState::from_context()?;
    crate::server::http::error::answered(crate::server::desk::load::queue_page(&state, filter).await)
}

/// Desk session and the case in scope required (else `NotFound`). Decrypts the case; the
/// decryption is audited (`case.view`) in the same transaction.
#[server(endpoint = "desk/case-page")]
pub async fn load_case_page(id: String) -> Result<CasePageDto, AppError> {
    let state = crate::server::AppState::from_context()?;
    crate::server::http::error::answered(crate::server::desk::load::case_page(&state, &id, crate::api::form::posted_form()).await)
}

//! The canned replies page: an embassy's standard texts per language and its automatic
//! acknowledgement, kept by its leads (admins: any embassy's).

mod dto;

pub use dto::*;

use crate::api::AppError;
use leptos::prelude::*;

/// Leads (their embassy) and admins (the embassy named, else the first); volunteers
/// `NotFound`.
#[server(endpoint = "desk/replies-page")]
pub async fn load_replies_page(embassy: Option<String>) -> Result<RepliesPageDto, AppError> {
    let state = crate::server::AppState::from_context()?;
    crate::server::http::error::answered(crate::server::replies::load::replies_page(&state, embassy, crate::api::form::posted_form()).await)
}

//! The embassies page: embassies in any country, the countries routed to them and their
//! queues, kept by admins (queues: also each embassy's leads).

mod dto;

pub use dto::*;

use crate::api::AppError;
use leptos::prelude::*;

/// Admins: every embassy; leads: their own; volunteers `NotFound`.
#[server(endpoint = "desk/embassies-page")]
pub async fn load_embassies_page() -> Result<EmbassiesPageDto, AppError> {
    let state = crate::server::AppState::from_context()?;
    crate::server::http::error::answered(crate::server::embassies::load::embassies_page(&state, crate::api::form::posted_form()).await)
}

//! The notifications page: a signed-in person's own e-mail address and, per kind of news,
//! whether they hear of it at once, in a daily digest, or not at all.

mod dto;

pub use dto::*;

use crate::api::AppError;
use leptos::prelude::*;

/// Any signed-in person (full session): their own settings.
#[server(endpoint = "desk/notifications-page")]
pub async fn load_notify_page() -> Result<NotifyPageDto, AppError> {
    let state = crate::server::AppState::from_context()?;
    crate::server::http::error::answered(crate::server::notify::load::notify_page(&state, crate::api::form::posted_form()).await)
}

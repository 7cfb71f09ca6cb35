//! The security page: a signed-in person's own second factors (passkeys beside the
//! authenticator app). Any full session; each person sees only their own.

mod dto;

pub use dto::*;

use crate::api::AppError;
use leptos::prelude::*;

/// Any signed-in person (full session): their own passkeys, with the options to add one.
#[server(endpoint = "desk/security-page")]
pub async fn load_security_page() -> Result<SecurityPageDto, AppError> {
    let state = crate::server::AppState::from_context()?;
    crate::server::http::error::answered(crate::server::staff::load::security_page(&state, crate::api::form::posted_form()).await)
}

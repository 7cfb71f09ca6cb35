//! Liveness and readiness: answers whether the server can reach its database.

mod dto;

pub use dto::*;

use crate::api::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;

/// Public: no caller is required. Touches the database so that a dead store shows as an error.
#[server(endpoint = "health", input = GetUrl)]
pub async fn health() -> Result<HealthDto, AppError> {
    let state = crate::server::AppState::from_context()?;
    state.db.ping().await?;
    Ok(HealthDto { ok: true })
}

//! Liveness and readiness: answers whether the server can reach its database.

use super::AppError;
use leptos::prelude::*;
use leptos::server_fn::codec::GetUrl;
use serde::{Deserialize, Serialize};

/// What a monitor may learn: that the service is up. Nothing about its contents.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthDto {
    pub ok: bool,
}

/// Public: no caller is required. Touches the database so that a dead store shows as an error.
#[server(endpoint = "health", input = GetUrl)]
pub async fn health() -> Result<HealthDto, AppError> {
    let state = crate::server::AppState::from_context()?;
    state.db.ping().await?;
    Ok(HealthDto { ok: true })
}

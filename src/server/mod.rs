//! Server-only code: configuration, storage, encryption, audit and the HTTP layers.

pub mod audit;
pub mod cases;
pub mod cli;
pub mod config;
pub mod crypto;
pub mod db;
pub mod http;
pub mod passwords;
pub mod receipts;
pub mod seed;
pub mod startup;
pub mod telemetry;
pub mod throttle;

use crate::api::AppError;
use axum::extract::FromRef;
use leptos::prelude::*;
use std::sync::Arc;

/// What every request handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub config: Arc<config::Config>,
    pub db: db::Db,
    pub keyring: Arc<crypto::Keyring>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

impl AppState {
    /// The state inside a server function or page render.
    pub fn from_context() -> Result<Self, AppError> {
        use_context::<Self>().ok_or_else(|| AppError::internal("AppState missing from context"))
    }
}

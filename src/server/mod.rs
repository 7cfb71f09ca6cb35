//! Server-only code: configuration, storage, encryption, audit and the HTTP layers.

pub mod audit;
pub mod backup;
pub mod bound;
pub mod cases;
pub mod change;
pub mod cli;
pub mod config;
pub mod cookies;
pub mod crypto;
pub mod dashboard;
pub mod db;
pub mod desk;
pub mod documents;
pub mod embassies;
pub mod follow_up;
pub mod http;
pub mod intake;
pub mod keys;
pub mod notify;
pub mod replies;
pub mod retention;
pub mod seed;
pub mod staff;
pub mod startup;
pub mod team;
pub mod telemetry;

use crate::api::AppError;
use axum::extract::FromRef;
use leptos::prelude::*;
use std::sync::Arc;

/// Stack of each runtime thread. Rendering a whole page is deep recursion over nested view
/// types, deeper still in unoptimised builds, so the default 2 MiB is not enough.
pub const THREAD_STACK_BYTES: usize = 16 * 1024 * 1024;

/// The async runtime the server runs on.
pub fn runtime_builder() -> tokio::runtime::Builder {
    let mut builder = tokio::runtime::Builder::new_multi_thread();
    builder.enable_all().thread_stack_size(THREAD_STACK_BYTES);
    builder
}

/// What every request handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub config: Arc<config::Config>,
    pub db: db::Db,
    pub keyring: Arc<crypto::Keyring>,
    /// The last check of the audit chain, shown on the audit page.
    pub chain: audit::view::ChainWatch,
    /// The settled middles of the dashboard's median windows.
    pub medians: dashboard::medians::MedianCache,
    /// The bound on intake's store step (see [`intake::store_bound`]).
    pub intake_store: Arc<bound::Bound>,
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

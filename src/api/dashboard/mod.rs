//! The leads' workload dashboard: where help is stuck and who is overloaded. Leads see their
//! embassy, admins every embassy or one; volunteers and anyone else get `NotFound`. Only
//! counts, medians and staff logins cross to the client — no case data.

mod dto;

pub use dto::*;

use crate::api::AppError;
use leptos::prelude::*;

/// Leads and admins; volunteers `NotFound`. The figures of the filter's embassy, queue and
/// range.
#[server(endpoint = "desk/dashboard")]
pub async fn load_dashboard(filter: DashboardFilter) -> Result<DashboardDto, AppError> {
    let state = crate::server::AppState::from_context()?;
    crate::server::http::error::answered(crate::server::dashboard::load::dashboard_page(&state, filter).await)
}

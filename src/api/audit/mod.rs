//! The audit viewer: leads read their embassy's part of the log, admins all of it, newest
//! first, filtered by person, action, case reference and dates; and whether the chain
//! currently verifies. Rows carry ids, logins, references and action names only.

mod dto;

pub use dto::*;

use crate::api::AppError;
use leptos::prelude::*;

/// Leads and admins; volunteers `NotFound`. Viewing the log is itself audited.
#[server(endpoint = "desk/audit-page")]
pub async fn load_audit_page(query: AuditQuery) -> Result<AuditPageDto, AppError> {
    let state = crate::server::AppState::from_context()?;
    crate::server::http::error::answered(crate::server::audit::load::audit_page(&state, query).await)
}

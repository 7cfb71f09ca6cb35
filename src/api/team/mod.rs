//! The team page: leads see their embassy, admins everyone; volunteers get `NotFound`.

mod dto;

pub use dto::*;

use crate::api::AppError;
use leptos::prelude::*;

/// Leads and admins. Volunteers: `NotFound`. With `person`, that person's role and queues
/// ready to change (`NotFound` when they are not the caller's to change).
#[server(endpoint = "desk/team-page")]
pub async fn load_team_page(person: Option<String>) -> Result<TeamPageDto, AppError> {
    let state = crate::server::AppState::from_context()?;
    let links = crate::server::team::load::NewLinks { invitation: use_context::<NewInvitationLink>().map(|l| l.0), reset: use_context::<NewResetLink>() };
    crate::server::http::error::answered(crate::server::team::load::team_page(&state, links, person, crate::api::form::posted_form()).await)
}

//! Signing in to the desk: the sign-in form, the second step (a code, or enrolment), and
//! an invitation as its link shows it. Public, or a half-signed session for the second step.

mod dto;

pub use dto::*;

use crate::api::AppError;
use leptos::prelude::*;

/// Public. The desk sign-in form, with the answer to a refused attempt.
#[server(endpoint = "desk/login-page")]
pub async fn load_desk_login() -> Result<LoginPageDto, AppError> {
    Ok(LoginPageDto { form: crate::api::form::posted_form() })
}

/// A session at the password stage only. What the second step asks for.
#[server(endpoint = "desk/second-factor")]
pub async fn load_second_factor() -> Result<SecondFactorDto, AppError> {
    let state = crate::server::AppState::from_context()?;
    crate::server::http::error::answered(crate::server::staff::load::second_factor_page(&state, crate::api::form::posted_form()).await)
}

/// Public, with the invitation's token. `NotFound` for unknown, used or expired links.
#[server(endpoint = "desk/invitation")]
pub async fn load_invitation(token: String) -> Result<InvitationDto, AppError> {
    let state = crate::server::AppState::from_context()?;
    crate::server::http::error::answered(crate::server::staff::load::invitation_page(&state, &token, crate::api::form::posted_form()).await)
}

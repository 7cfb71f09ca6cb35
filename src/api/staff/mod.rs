//! Signing in to the desk: the sign-in form, the second step (a code, or enrolment), an
//! invitation and a reset link as their links show them (public, or a half-signed session
//! for the second step); and changing one's password (a full session).

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

/// Public, with the reset link's token. `NotFound` for unknown, used or expired links.
#[server(endpoint = "desk/reset")]
pub async fn load_reset(token: String) -> Result<ResetDto, AppError> {
    let state = crate::server::AppState::from_context()?;
    crate::server::http::error::answered(crate::server::staff::load::reset_page(&state, &token, crate::api::form::posted_form()).await)
}

/// A full session: the signed-in person, for the form that changes their password.
#[server(endpoint = "desk/password-page")]
pub async fn load_password_page() -> Result<PasswordPageDto, AppError> {
    let state = crate::server::AppState::from_context()?;
    crate::server::http::error::answered(crate::server::staff::load::password_page(&state, crate::api::form::posted_form()).await)
}

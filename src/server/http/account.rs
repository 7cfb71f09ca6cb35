//! A person's own account: changing their password, and setting a new one by a reset link.
//! Passwords are never given back on a refused form.

use super::forms::{form_state, internal, read_form, refuse, see_other, session_at};
use crate::domain::NoticeCode;
use crate::server::staff::request::with_session;
use crate::{
    api::form::FormState,
    server::{
        staff::{
            self,
            password_change::{change_password, PasswordChange, PasswordChangeError},
            SignIn, Stage,
        },
        AppState,
    },
};
use axum::{
    extract::{Path, Request, State},
    http::StatusCode,
    response::Response,
};
use secrecy::SecretString;

/// Changes the signed-in person's password; this browser gets the one session left.
pub(super) async fn password_post(State(state): State<AppState>, request: Request) -> Response {
    let (parts, posted) = match read_form(&state, request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let (session, token) = match session_at(&state, &parts.headers, Stage::Full).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let change = PasswordChange {
        current: SecretString::from(posted.one("current_password")),
        new: SecretString::from(posted.one("password")),
        again: SecretString::from(posted.one("password_again")),
    };
    match change_password(&state.db, &state.keyring, &session.staff, &token, change).await {
        Ok(token) => with_session(&state, see_other("/desk/password?saved=password"), &token),
        Err(PasswordChangeError::Invalid(errors)) => {
            let errors = errors.into_iter().map(|(field, code)| (field.to_owned(), code)).collect();
            refuse(&state, parts, "/desk/password", StatusCode::UNPROCESSABLE_ENTITY, form_state("password", vec![], errors, None)).await
        }
        Err(PasswordChangeError::Throttled) => {
            refuse(&state, parts, "/desk/password", StatusCode::TOO_MANY_REQUESTS, form_state("password", vec![], vec![], Some(NoticeCode::TooManyAttempts)))
                .await
        }
        Err(PasswordChangeError::Busy) => {
            refuse(&state, parts, "/desk/password", StatusCode::TOO_MANY_REQUESTS, form_state("password", vec![], vec![], Some(NoticeCode::Busy))).await
        }
        Err(PasswordChangeError::Db(e)) => internal(e),
    }
}

/// Sets a new password by a reset link; the person enrols a second factor next.
pub(super) async fn reset_post(State(state): State<AppState>, Path(token): Path<String>, request: Request) -> Response {
    let (parts, posted) = match read_form(&state, request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let password = SecretString::from(posted.one("password"));
    let again = SecretString::from(posted.one("password_again"));
    let page = format!("/desk/reset/{token}");
    match staff::resets::complete(&state.db, &state.keyring, &token, password, &again).await {
        Ok(SignIn::Session { token, .. }) => with_session(&state, see_other("/desk/second-factor"), &token),
        Ok(_) => see_other("/desk/login"),
        Err(staff::AcceptError::Gone) => refuse(&state, parts, &page, StatusCode::NOT_FOUND, FormState::default()).await,
        Err(staff::AcceptError::Invalid(field, code)) => {
            refuse(&state, parts, &page, StatusCode::UNPROCESSABLE_ENTITY, form_state("reset", vec![], vec![(field.into(), code)], None)).await
        }
        Err(staff::AcceptError::Busy) => {
            refuse(&state, parts, &page, StatusCode::TOO_MANY_REQUESTS, form_state("reset", vec![], vec![], Some(NoticeCode::Busy))).await
        }
        Err(staff::AcceptError::Db(e)) => internal(e),
    }
}

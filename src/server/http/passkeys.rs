//! The passkey posts: the second step answered with a passkey (or, for a person with no
//! factor yet, a first passkey created), and the security page's changes (add, remove).
//! The browser's WebAuthn answer arrives as a plain form field, so these are ordinary form
//! posts behind the same cross-site check as every other.

use super::forms::{form_state, internal, read_form, refuse, see_other, session_at};
use crate::domain::{NoticeCode, SecurityAction};
use crate::server::staff::request::with_session;
use crate::{
    api::AppError,
    server::{
        staff::{
            passkeys::{self, Added, Removed},
            Session, SignIn, Stage,
        },
        AppState,
    },
};
use axum::{
    extract::{Request, State},
    http::{request::Parts, StatusCode},
    response::{IntoResponse, Response},
};

/// A post of a session at `stage`, with the session and its token.
async fn post_at(state: &AppState, request: Request, stage: Stage) -> Result<(Parts, super::forms::Posted, Session, String), Response> {
    let (parts, posted) = read_form(state, request).await?;
    let (session, token) = session_at(state, &parts.headers, stage).await?;
    Ok((parts, posted, session, token))
}

/// The second step with a passkey: a sign-in for a person who has a second factor, the
/// creation of a first passkey for a person who has none.
pub(super) async fn second_factor_passkey_post(State(state): State<AppState>, request: Request) -> Response {
    let (parts, posted, session, token) = match post_at(&state, request, Stage::Password).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let staff = &session.staff;
    let rp = passkeys::relying_party(&state.config);
    let credential = posted.one("credential");
    let page = "/desk/second-factor";
    if staff.has_totp || staff.has_passkey {
        return match passkeys::sign_in(&state.db, &state.keyring, rp.as_ref(), &token, staff, &credential).await {
            Ok(SignIn::Session { token, .. }) => with_session(&state, see_other("/desk"), &token),
            // The password step's answers; the passkey step gives none of them.
            Ok(SignIn::Refused | SignIn::CodeNeeded | SignIn::Busy) => {
                refuse(&state, parts, page, StatusCode::UNPROCESSABLE_ENTITY, form_state("passkey", vec![], vec![], Some(NoticeCode::PasskeyRefused))).await
            }
            Ok(SignIn::Throttled) => {
                refuse(&state, parts, page, StatusCode::TOO_MANY_REQUESTS, form_state("passkey", vec![], vec![], Some(NoticeCode::TooManyAttempts))).await
            }
            Err(e) => internal(e),
        };
    }
    let name = posted.one("name");
    match passkeys::finish_registration(&state.db, &state.keyring, rp.as_ref(), &token, &session, &name, &credential).await {
        Ok(Added::Added { token: Some(token) }) => with_session(&state, see_other("/desk"), &token),
        Ok(Added::Added { token: None }) => see_other("/desk"),
        Ok(Added::Invalid(rule)) => {
            refuse(&state, parts, page, StatusCode::UNPROCESSABLE_ENTITY, form_state("passkey", vec![("name".into(), name)], vec![("name".into(), rule)], None))
                .await
        }
        Ok(Added::Refused) => {
            refuse(
                &state,
                parts,
                page,
                StatusCode::UNPROCESSABLE_ENTITY,
                form_state("passkey", vec![("name".into(), name)], vec![], Some(NoticeCode::PasskeyRefused)),
            )
            .await
        }
        Err(e) => internal(e),
    }
}

/// Posts to the security page; the field `action` names the change.
pub(super) async fn security_post(State(state): State<AppState>, request: Request) -> Response {
    let (parts, posted, session, token) = match post_at(&state, request, Stage::Full).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let staff = &session.staff;
    let page = "/desk/security";
    match SecurityAction::parse(&posted.one("action")) {
        Some(SecurityAction::PasskeyAdd) => {
            let rp = passkeys::relying_party(&state.config);
            let name = posted.one("name");
            let credential = posted.one("credential");
            match passkeys::finish_registration(&state.db, &state.keyring, rp.as_ref(), &token, &session, &name, &credential).await {
                Ok(Added::Added { .. }) => see_other("/desk/security?saved=passkey-add"),
                Ok(Added::Invalid(rule)) => {
                    let form = form_state("passkey-add", vec![("name".into(), name)], vec![("name".into(), rule)], None);
                    refuse(&state, parts, page, StatusCode::UNPROCESSABLE_ENTITY, form).await
                }
                Ok(Added::Refused) => {
                    let form = form_state("passkey-add", vec![("name".into(), name)], vec![], Some(NoticeCode::PasskeyRefused));
                    refuse(&state, parts, page, StatusCode::UNPROCESSABLE_ENTITY, form).await
                }
                Err(e) => internal(e),
            }
        }
        Some(SecurityAction::PasskeyRemove) => match passkeys::remove(&state.db, &state.keyring, staff, &posted.one("passkey")).await {
            Ok(Removed::Removed) => see_other("/desk/security?saved=passkey-remove"),
            Ok(Removed::LastFactor) => {
                refuse(&state, parts, page, StatusCode::FORBIDDEN, form_state("passkey-remove", vec![], vec![], Some(NoticeCode::LastFactor))).await
            }
            Ok(Removed::NotFound) => AppError::NotFound.into_response(),
            Err(e) => internal(e),
        },
        None => AppError::NotFound.into_response(),
    }
}

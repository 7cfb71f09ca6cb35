//! Signing in and out of the desk, the second factor and joining by invitation. Passwords
//! and codes are never given back.

use super::forms::{form_state, internal, read_form, refuse, see_other, session_at};
use crate::domain::{NoticeCode, RuleCode};
use crate::server::cookies::cookie_value;
use crate::server::staff::request::{with_session, without_session};
use crate::{
    api::form::FormState,
    server::{
        staff::{self, request::session_of, SignIn, Stage},
        AppState,
    },
};
use axum::{
    extract::{Path, Request, State},
    http::{HeaderMap, StatusCode},
    response::Response,
};
use secrecy::SecretString;

pub(super) async fn login_post(State(state): State<AppState>, request: Request) -> Response {
    let (parts, posted) = match read_form(&state, request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let login = posted.one("login");
    let password = posted.one("password");
    let mut errors = Vec::new();
    if login.trim().is_empty() {
        errors.push(("login".to_owned(), RuleCode::Required));
    }
    if password.is_empty() {
        errors.push(("password".to_owned(), RuleCode::Required));
    }
    // A guarded account's form asks for the code with the password (see `staff::sign_in`).
    let code = posted.one("code");
    let guarded = posted.one("guarded") == "1";
    let kept = |login: &str, guarded: bool| {
        let mut values = vec![("login".to_owned(), login.to_owned())];
        if guarded {
            values.push(("guarded".to_owned(), "1".to_owned()));
        }
        values
    };
    if guarded && code.trim().is_empty() && !password.is_empty() {
        errors.push(("code".to_owned(), RuleCode::Required));
    }
    if !errors.is_empty() {
        return refuse(&state, parts, "/desk/login", StatusCode::UNPROCESSABLE_ENTITY, form_state("login", kept(&login, guarded), errors, None)).await;
    }
    match staff::sign_in(&state.db, &state.keyring, &login, SecretString::from(password), Some(code.as_str())).await {
        Ok(SignIn::Session { token, stage }) => {
            let next = if stage == Stage::Full { "/desk" } else { "/desk/second-factor" };
            with_session(&state, see_other(next), &token)
        }
        Ok(SignIn::Refused) => {
            refuse(
                &state,
                parts,
                "/desk/login",
                StatusCode::UNPROCESSABLE_ENTITY,
                form_state("login", kept(&login, guarded), vec![], Some(NoticeCode::NotRecognised)),
            )
            .await
        }
        // An account with no second factor yet, past its limit (see `staff::sign_in`).
        Ok(SignIn::Throttled) => {
            let notice = Some(NoticeCode::TooManyAttempts);
            refuse(&state, parts, "/desk/login", StatusCode::TOO_MANY_REQUESTS, form_state("login", kept(&login, guarded), vec![], notice)).await
        }
        Ok(SignIn::CodeNeeded) => {
            refuse(
                &state,
                parts,
                "/desk/login",
                StatusCode::UNPROCESSABLE_ENTITY,
                form_state("login", kept(&login, true), vec![], Some(NoticeCode::CodeWithPassword)),
            )
            .await
        }
        Ok(SignIn::Busy) => {
            refuse(&state, parts, "/desk/login", StatusCode::TOO_MANY_REQUESTS, form_state("login", kept(&login, guarded), vec![], Some(NoticeCode::Busy)))
                .await
        }
        Err(e) => internal(e),
    }
}

pub(super) async fn second_factor_post(State(state): State<AppState>, request: Request) -> Response {
    let (parts, posted) = match read_form(&state, request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let (session, token) = match session_at(&state, &parts.headers, Stage::Password).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let code = posted.one("code");
    if code.trim().is_empty() {
        return refuse(
            &state,
            parts,
            "/desk/second-factor",
            StatusCode::UNPROCESSABLE_ENTITY,
            form_state("code", vec![], vec![("code".into(), RuleCode::Required)], None),
        )
        .await;
    }
    match staff::second_factor(&state.db, &state.keyring, &token, &session.staff, &code).await {
        Ok(SignIn::Session { token, .. }) => with_session(&state, see_other("/desk"), &token),
        Ok(SignIn::Refused | SignIn::CodeNeeded) => {
            refuse(
                &state,
                parts,
                "/desk/second-factor",
                StatusCode::UNPROCESSABLE_ENTITY,
                form_state("code", vec![], vec![("code".into(), RuleCode::CodeWrong)], None),
            )
            .await
        }
        Ok(SignIn::Throttled | SignIn::Busy) => {
            refuse(&state, parts, "/desk/second-factor", StatusCode::TOO_MANY_REQUESTS, form_state("code", vec![], vec![], Some(NoticeCode::TooManyAttempts)))
                .await
        }
        Err(e) => internal(e),
    }
}

pub(super) async fn logout_post(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = cookie_value(&headers, staff::request::cookie_name(&state)) {
        if let Err(e) = staff::end(&state.db, &state.keyring, token).await {
            return internal(e);
        }
    }
    without_session(&state, see_other("/desk/login?ended=1"))
}

pub(super) async fn logout_everywhere_post(State(state): State<AppState>, headers: HeaderMap) -> Response {
    match session_of(&state, &headers).await {
        Ok(Some((session, _))) => {
            if let Err(e) = staff::end_all(&state.db, &state.keyring, &session.staff).await {
                return internal(e);
            }
        }
        Ok(None) => {}
        Err(e) => return internal(e),
    }
    without_session(&state, see_other("/desk/login?ended=1"))
}

pub(super) async fn join_post(State(state): State<AppState>, Path(token): Path<String>, request: Request) -> Response {
    let (parts, posted) = match read_form(&state, request).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    let login = posted.one("login");
    let password = SecretString::from(posted.one("password"));
    let again = SecretString::from(posted.one("password_again"));
    let page = format!("/desk/join/{token}");
    match staff::accept(&state.db, &state.keyring, &token, &login, password, &again).await {
        Ok(SignIn::Session { token, stage }) => {
            let next = if stage == Stage::Full { "/desk" } else { "/desk/second-factor" };
            with_session(&state, see_other(next), &token)
        }
        Ok(_) => see_other("/desk/login"),
        Err(staff::AcceptError::Gone) => refuse(&state, parts, &page, StatusCode::NOT_FOUND, FormState::default()).await,
        Err(staff::AcceptError::Invalid(field, code)) => {
            refuse(&state, parts, &page, StatusCode::UNPROCESSABLE_ENTITY, form_state("join", vec![("login".into(), login)], vec![(field.into(), code)], None))
                .await
        }
        Err(staff::AcceptError::Busy) => {
            let kept = vec![("login".into(), login)];
            refuse(&state, parts, &page, StatusCode::TOO_MANY_REQUESTS, form_state("join", kept, vec![], Some(NoticeCode::Busy))).await
        }
        Err(staff::AcceptError::Db(e)) => internal(e),
    }
}

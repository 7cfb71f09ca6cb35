//! The desk session of a request: read from its cookie, at the stage a page or post needs,
//! and the cookie written when a session starts or ends.

use crate::server::cookies::{cookie_value, host_cookie_name, session_cookie_value};
use crate::{
    api::AppError,
    server::{
        db::{self, DbError},
        staff::{self, Session, Stage},
        AppState,
    },
};
use axum::{
    http::{header, request::Parts, HeaderMap, HeaderValue},
    response::Response,
};

/// Name of the desk session cookie: `__Host-desk` behind https, `desk` on http://localhost.
pub fn cookie_name(state: &AppState) -> &'static str {
    host_cookie_name(state, "__Host-desk", "desk")
}

fn session_cookie(state: &AppState, token: &str, max_age: i64) -> HeaderValue {
    session_cookie_value(cookie_name(state), token, max_age)
}

pub fn with_session(state: &AppState, mut response: Response, token: &str) -> Response {
    response.headers_mut().append(header::SET_COOKIE, session_cookie(state, token, staff::ABSOLUTE_SECS));
    response
}

pub fn without_session(state: &AppState, mut response: Response) -> Response {
    response.headers_mut().append(header::SET_COOKIE, session_cookie(state, "", 0));
    response
}

/// The desk session of a request (any stage) and its token.
pub async fn session_of(state: &AppState, headers: &HeaderMap) -> Result<Option<(Session, String)>, DbError> {
    let Some(token) = cookie_value(headers, cookie_name(state)) else { return Ok(None) };
    Ok(staff::resume(&state.db, &state.keyring, token).await?.map(|s| (s, token.to_owned())))
}

/// The signed-in person of a page render or server function: a full session, else
/// `Unauthorized`.
pub async fn current_staff(state: &AppState) -> Result<staff::Staff, AppError> {
    staff_on(state, &mut *state.db.acquire().await?).await
}

/// [`current_staff`] on the request's connection, which the page goes on to use.
pub async fn staff_on(state: &AppState, conn: &mut db::Conn) -> Result<staff::Staff, AppError> {
    let token = desk_token(state)?;
    match staff::resume_on(conn, state.db.backend(), &state.keyring, &token).await? {
        Some(session) if session.stage == Stage::Full => Ok(session.staff),
        _ => Err(AppError::Unauthorized),
    }
}

/// The desk session token of a page render or server function; `Unauthorized` without
/// one, before any database work.
pub fn desk_token(state: &AppState) -> Result<String, AppError> {
    let parts = leptos::prelude::use_context::<Parts>().ok_or(AppError::Unauthorized)?;
    cookie_value(&parts.headers, cookie_name(state)).map(str::to_owned).ok_or(AppError::Unauthorized)
}

/// The half-signed session of a page render (password given, second factor due).
pub async fn pending_staff(state: &AppState) -> Result<staff::Staff, AppError> {
    let parts = leptos::prelude::use_context::<Parts>().ok_or(AppError::Unauthorized)?;
    match session_of(state, &parts.headers).await? {
        Some((session, _)) if session.stage == Stage::Password => Ok(session.staff),
        _ => Err(AppError::Unauthorized),
    }
}

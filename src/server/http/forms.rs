//! What every form post shares: reading the posted fields, rendering a page again with
//! what was typed and what went wrong, redirecting to the next page, and the language a
//! `?lang=` link chose.

use crate::domain::{NoticeCode, RuleCode};
use crate::{
    api::{
        form::{FormState, PostedForm},
        AppError,
    },
    app::shell,
    i18n::Locale,
    locale::{self, ChosenLang},
    server::{
        staff::{self, request::session_of, Stage},
        AppState,
    },
};
use axum::{
    body::{Body, Bytes},
    extract::Request,
    http::{header, request::Parts, HeaderMap, HeaderValue, StatusCode, Uri},
    response::{IntoResponse, Redirect, Response},
};
use leptos::prelude::provide_context;

/// A posted form: every value of every field, repeated keys kept.
pub(super) struct Posted(pub(super) Vec<(String, String)>);

impl Posted {
    pub(super) fn read(body: &Bytes) -> Self {
        Self(form_urlencoded::parse(body).into_owned().collect())
    }
    pub(super) fn one(&self, name: &str) -> String {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default()
    }
    pub(super) fn all(&self, name: &str) -> Vec<String> {
        self.0.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()).collect()
    }
}

/// Reads a posted form.
pub(super) async fn read_form(state: &AppState, request: Request) -> Result<(Parts, Posted), Response> {
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, state.config.max_body_bytes).await.map_err(|_| AppError::BadRequest.into_response())?;
    Ok((parts, Posted::read(&body)))
}

/// Renders the page at the request's path with `context` provided, in the language the
/// form names (a switch button, or the page's own language), else the usual choice.
pub(super) async fn render(
    state: &AppState,
    parts: Parts,
    lang: Option<Locale>,
    status: StatusCode,
    context: impl Fn() + Clone + Send + Sync + 'static,
) -> Response {
    let options = state.leptos_options.clone();
    let app_state = state.clone();
    let handler = leptos_axum::render_app_async_with_context(
        move || {
            provide_context(app_state.clone());
            super::headers::provide_request_nonce();
            if let Some(lang) = lang {
                provide_context(ChosenLang(lang));
            }
            context();
        },
        move || shell(options.clone()),
    );
    let mut response = handler(Request::from_parts(parts, Body::empty())).await;
    if response.status().is_success() {
        *response.status_mut() = status;
    }
    if let Some(value) = lang.and_then(|l| HeaderValue::from_str(&locale::remember_cookie(l)).ok()) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

pub(super) fn see_other(to: &str) -> Response {
    Redirect::to(to).into_response()
}

pub(super) fn internal(e: impl std::fmt::Display) -> Response {
    AppError::internal(e).into_response()
}

/// Renders the page at `path` (not the post's own path) with a refused form.
pub(super) async fn refuse(state: &AppState, mut parts: Parts, path: &str, status: StatusCode, form: FormState) -> Response {
    if let Ok(uri) = path.parse::<Uri>() {
        parts.uri = uri;
    }
    parts.method = axum::http::Method::GET;
    render(state, parts, None, status, move || provide_context(PostedForm(form.clone()))).await
}

pub(super) fn form_state(form: &str, values: Vec<(String, String)>, errors: Vec<(String, RuleCode)>, notice: Option<NoticeCode>) -> FormState {
    FormState { form: form.to_owned(), values, errors, notice }
}

/// The request's desk session at `stage`, with its token; without one, the answer is the
/// sign-in page.
pub(super) async fn session_at(state: &AppState, headers: &HeaderMap, stage: Stage) -> Result<(staff::Session, String), Response> {
    match session_of(state, headers).await.map_err(internal)? {
        Some((session, token)) if session.stage == stage => Ok((session, token)),
        _ => Err(see_other("/desk/login?ended=1")),
    }
}

/// A full session for a post; without one, to the sign-in page.
pub(super) async fn signed_in(state: &AppState, request: Request) -> Result<(Parts, Posted, staff::Staff), Response> {
    let (parts, posted) = read_form(state, request).await?;
    let (session, _) = session_at(state, &parts.headers, Stage::Full).await?;
    Ok((parts, posted, session.staff))
}

/// Remembers a language chosen with a `?lang=` link (pages without a form), so the next
/// page speaks it too.
pub(super) async fn remember_language(request: Request, next: axum::middleware::Next) -> Response {
    let chosen = request.uri().query().and_then(|q| form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == "lang").and_then(|(_, v)| locale::from_code(&v)));
    let mut response = next.run(request).await;
    if let Some(value) = chosen.and_then(|l| HeaderValue::from_str(&locale::remember_cookie(l)).ok()) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

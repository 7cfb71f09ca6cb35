//! The HTTP application: Leptos routes and server functions behind the layers every
//! response passes through — security headers, panic containment, request spans, CSRF
//! rejection, a body size limit and the compression of pages.

pub mod account;
pub mod assets;
pub mod compression;
pub mod csrf;
pub mod desk;
pub mod documents;
pub mod embassies;
pub mod error;
pub mod follow_up;
pub mod forms;
pub mod headers;
pub mod inert_scripts;
pub mod insider;
pub mod intake;
pub mod notify;
pub mod passkeys;
pub mod replies;
pub mod routes;
pub mod serve;
pub mod staff;
pub mod team;
pub mod trace;
mod uploads;

use super::AppState;
use crate::app::{shell, App};
use axum::{middleware, Router};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, AxumRouteListing, LeptosRoutes};
use std::sync::OnceLock;
use tower_http::{catch_panic::CatchPanicLayer, timeout::TimeoutLayer};

/// The application's page routes, listed once per process.
///
/// Listing runs the whole app with resource loading suppressed through a process-wide flag,
/// so a page rendering at that moment on another server in the same process would wait
/// forever for its data. Listing once, before any router exists, rules that out.
pub fn route_list() -> Vec<AxumRouteListing> {
    static ROUTES: OnceLock<Vec<AxumRouteListing>> = OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// Builds the whole application for `state`.
pub fn router(state: AppState) -> Router {
    let routes = route_list();
    let context = {
        let state = state.clone();
        move || {
            provide_context(state.clone());
            headers::provide_request_nonce();
        }
    };
    let page = {
        let options = state.leptos_options.clone();
        move || shell(options.clone())
    };
    let max_body = state.config.max_body_bytes;
    let body_limits = uploads::BodyLimits { form: max_body, upload: state.config.documents.upload_body(max_body) };
    let headers = headers::SecurityHeaders::new(&state.config, &state.leptos_options);
    let same_site = csrf::SameSite::new(&state.config);
    let request_timeout = state.config.connections.request;

    Router::new()
        .leptos_routes_with_context(&state, routes, context.clone(), page)
        .merge(routes::router())
        .merge(assets::pkg_routes(&state))
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(context, shell))
        .with_state(state)
        // Innermost first: the body limit and CSRF check run before any handler; the span
        // wraps them; panics become an opaque 500; headers go on every response (and the
        // nonce a page renders with is made there, before it); pages are compressed last.
        .layer(middleware::from_fn(forms::remember_language))
        .layer(middleware::from_fn(error::server_fn_status))
        // `limit_body` bounds every body (files too), so axum's own 2 MB default goes.
        .layer(axum::extract::DefaultBodyLimit::disable())
        .layer(middleware::from_fn_with_state(body_limits, uploads::limit_body))
        .layer(middleware::from_fn_with_state(same_site, csrf::reject_cross_site))
        .layer(TimeoutLayer::with_status_code(axum::http::StatusCode::REQUEST_TIMEOUT, request_timeout))
        .layer(middleware::from_fn(trace::request_span))
        .layer(CatchPanicLayer::custom(error::panic_response))
        .layer(middleware::from_fn(inert_scripts::drop_from_pages_without_islands))
        .layer(middleware::from_fn_with_state(headers, headers::add_security_headers))
        .layer(middleware::from_fn(compression::mark_secret_answers))
        .layer(compression::layer())
}

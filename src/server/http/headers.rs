//! Security headers on every response — pages, server functions, static files, errors.
//! Pages get a Content-Security-Policy with a per-response nonce for the hydration script;
//! every other response gets one that allows nothing.

use crate::server::config::Config;
use axum::{
    extract::{Request, State},
    http::{header, HeaderName, HeaderValue},
    middleware::Next,
    response::{IntoResponse, Response},
};
use leptos::prelude::*;

/// The policy for anything that is not a page.
pub const STRICT_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// Headers added to every response.
#[derive(Clone)]
pub struct SecurityHeaders {
    hsts: bool,
}

impl SecurityHeaders {
    pub fn new(config: &Config) -> Self {
        Self { hsts: config.public_url.starts_with("https://") }
    }
}

fn is_cacheable_asset(response: &Response) -> bool {
    let kind = response.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    response.status().is_success() && ["text/css", "javascript", "application/wasm", "image/", "font/"].iter().any(|k| kind.contains(k))
}

pub async fn add_security_headers(State(config): State<SecurityHeaders>, request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let mut response = ensure_page_policy(response).await;
    let cacheable = is_cacheable_asset(&response);
    let h = response.headers_mut();
    // Built files say how long they keep (`assets`); other static files may be kept but
    // must be revalidated; everything else is never stored.
    let cache = if !cacheable {
        Some("no-store")
    } else if h.contains_key(header::CACHE_CONTROL) {
        None
    } else {
        Some("no-cache")
    };
    let mut set = |name: HeaderName, value: &'static str| {
        h.insert(name, HeaderValue::from_static(value));
    };
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::REFERRER_POLICY, "no-referrer");
    set(header::X_FRAME_OPTIONS, "DENY");
    set(HeaderName::from_static("cross-origin-opener-policy"), "same-origin");
    set(HeaderName::from_static("cross-origin-resource-policy"), "same-origin");
    set(HeaderName::from_static("permissions-policy"), "camera=(), microphone=(), geolocation=(), payment=(), usb=()");
    if let Some(cache) = cache {
        set(header::CACHE_CONTROL, cache);
    }
    if config.hsts {
        set(header::STRICT_TRANSPORT_SECURITY, "max-age=63072000; includeSubDomains");
    }
    h.entry(header::CONTENT_SECURITY_POLICY).or_insert(HeaderValue::from_static(STRICT_CSP));
    response
}

/// A page whose render did not set its policy (seen rarely under concurrent renders) gets it
/// here, from the nonce its own inline scripts carry — never the strict policy, which would
/// block its stylesheet and scripts.
async fn ensure_page_policy(response: Response) -> Response {
    if !is_page(response.headers()) || response.headers().contains_key(header::CONTENT_SECURITY_POLICY) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 8 * 1024 * 1024).await else {
        return crate::api::AppError::Internal.into_response();
    };
    let html = String::from_utf8_lossy(&bytes);
    let nonce = html.split_once("nonce=\"").and_then(|(_, rest)| rest.split_once('"')).map(|(n, _)| n.to_owned());
    if let Ok(value) = HeaderValue::from_str(&page_policy(nonce.as_deref(), "")) {
        parts.headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// Whether a response with these headers is an HTML page.
pub fn is_page(headers: &axum::http::HeaderMap) -> bool {
    headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("text/html"))
}

/// The policy of a page that runs no script (no island on it).
pub fn scriptless_page_policy() -> String {
    page_policy(None, "").replace("script-src 'self' 'wasm-unsafe-eval'", "script-src 'none'")
}

/// The policy of a page: same-origin everything, plus inline scripts carrying `nonce`.
fn page_policy(nonce: Option<&str>, reload: &str) -> String {
    let nonce = nonce.map(|n| format!(" 'nonce-{n}'")).unwrap_or_default();
    format!(
        "default-src 'none'; script-src 'self'{nonce} 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; \
         font-src 'self'; connect-src 'self'{reload}; manifest-src 'self'; form-action 'self'; base-uri 'none'; \
         frame-ancestors 'none'"
    )
}

/// Called while rendering a page: sets its policy, allowing same-origin scripts and the
/// inline hydration script that carries this response's nonce.
pub fn set_page_csp(options: &LeptosOptions) {
    let Some(response) = use_context::<leptos_axum::ResponseOptions>() else { return };
    let nonce = use_nonce().map(|n| n.to_string());
    // `cargo leptos watch` reloads the page over a websocket on the reload port.
    let reload = match options.env {
        leptos::config::Env::DEV => format!(" ws://{}:{}", options.site_addr.ip(), options.reload_port),
        leptos::config::Env::PROD => String::new(),
    };
    let policy = page_policy(nonce.as_deref(), &reload);
    if let Ok(value) = HeaderValue::from_str(&policy) {
        response.insert_header(header::CONTENT_SECURITY_POLICY, value);
    }
}

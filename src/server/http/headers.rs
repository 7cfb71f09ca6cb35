//! Security headers on every response — pages, server functions, static files, errors.
//! Each request gets a fresh nonce here, before anything renders: the page renderer writes
//! it on its inline scripts ([`provide_request_nonce`]) and a page's Content-Security-Policy
//! names it; every other response gets a policy that allows nothing.

use crate::server::config::Config;
use axum::{
    extract::{Request, State},
    http::{header, request::Parts, HeaderName, HeaderValue},
    middleware::Next,
    response::Response,
};
use leptos::{nonce::Nonce, prelude::*};

/// The policy for anything that is not a page.
pub const STRICT_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/// Headers added to every response.
#[derive(Clone)]
pub struct SecurityHeaders {
    hsts: bool,
    /// Where `cargo leptos watch` reloads pages from (a websocket on the reload port); empty
    /// in production.
    reload: String,
}

impl SecurityHeaders {
    pub fn new(config: &Config, options: &LeptosOptions) -> Self {
        let reload = match options.env {
            leptos::config::Env::DEV => format!(" ws://{}:{}", options.site_addr.ip(), options.reload_port),
            leptos::config::Env::PROD => String::new(),
        };
        Self { hsts: config.public_url.starts_with("https://"), reload }
    }
}

fn is_cacheable_asset(response: &Response) -> bool {
    let kind = response.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    response.status().is_success() && ["text/css", "javascript", "application/wasm", "image/", "font/"].iter().any(|k| kind.contains(k))
}

pub async fn add_security_headers(State(config): State<SecurityHeaders>, mut request: Request, next: Next) -> Response {
    let nonce = Nonce::new();
    request.extensions_mut().insert(nonce.clone());
    let mut response = next.run(request).await;
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
    // A page names this request's nonce, unless it runs no script and already carries the
    // policy that says so (`inert_scripts`).
    let policy = if is_page(h) { HeaderValue::from_str(&page_policy(Some(&nonce), &config.reload)).ok() } else { None };
    h.entry(header::CONTENT_SECURITY_POLICY).or_insert(policy.unwrap_or(HeaderValue::from_static(STRICT_CSP)));
    response
}

/// Called before a page renders: the nonce [`add_security_headers`] made for this request
/// becomes the one Leptos writes on the page's inline scripts (in place of the one
/// leptos_axum draws for every render, which no policy names).
pub fn provide_request_nonce() {
    if let Some(nonce) = use_context::<Parts>().and_then(|parts| parts.extensions.get::<Nonce>().cloned()) {
        provide_context(nonce);
    }
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

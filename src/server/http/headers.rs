//! Security headers on every response — pages, server functions, static files, errors.
//! Pages get a Content-Security-Policy with a per-response nonce for the hydration script;
//! every other response gets one that allows nothing.

use crate::server::config::Config;
use axum::{
    extract::{Request, State},
    http::{header, HeaderName, HeaderValue},
    middleware::Next,
    response::Response,
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
    response.status().is_success()
        && ["text/css", "javascript", "application/wasm", "image/", "font/"].iter().any(|k| kind.contains(k))
}

pub async fn add_security_headers(State(config): State<SecurityHeaders>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let cacheable = is_cacheable_asset(&response);
    let h = response.headers_mut();
    let mut set = |name: HeaderName, value: &'static str| {
        h.insert(name, HeaderValue::from_static(value));
    };
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::REFERRER_POLICY, "no-referrer");
    set(header::X_FRAME_OPTIONS, "DENY");
    set(HeaderName::from_static("cross-origin-opener-policy"), "same-origin");
    set(HeaderName::from_static("cross-origin-resource-policy"), "same-origin");
    set(HeaderName::from_static("permissions-policy"), "camera=(), microphone=(), geolocation=(), payment=(), usb=()");
    // Static assets may be kept but must be revalidated; everything else is never stored.
    set(header::CACHE_CONTROL, if cacheable { "no-cache" } else { "no-store" });
    if config.hsts {
        set(header::STRICT_TRANSPORT_SECURITY, "max-age=63072000; includeSubDomains");
    }
    h.entry(header::CONTENT_SECURITY_POLICY).or_insert(HeaderValue::from_static(STRICT_CSP));
    response
}

/// Called while rendering a page: sets its policy, allowing same-origin scripts and the
/// inline hydration script that carries this response's nonce.
pub fn set_page_csp(options: &LeptosOptions) {
    let Some(response) = use_context::<leptos_axum::ResponseOptions>() else { return };
    let nonce = use_nonce().map(|n| format!(" 'nonce-{n}'")).unwrap_or_default();
    // `cargo leptos watch` reloads the page over a websocket on the reload port.
    let reload = match options.env {
        leptos::config::Env::DEV => format!(" ws://{}:{}", options.site_addr.ip(), options.reload_port),
        leptos::config::Env::PROD => String::new(),
    };
    let policy = format!(
        "default-src 'none'; script-src 'self'{nonce} 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; \
         font-src 'self'; connect-src 'self'{reload}; manifest-src 'self'; form-action 'self'; base-uri 'none'; \
         frame-ancestors 'none'"
    );
    if let Ok(value) = HeaderValue::from_str(&policy) {
        response.insert_header(header::CONTENT_SECURITY_POLICY, value);
    }
}

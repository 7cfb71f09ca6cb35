//! Rejects cross-site state changes. A browser says where a request comes from in
//! `Sec-Fetch-Site`; older ones send `Origin`. Requests carrying neither do not come from a
//! browser page, so they cannot ride on someone's session.

use crate::{api::AppError, server::config::Config};
use axum::{
    extract::{Request, State},
    http::{header, HeaderMap, Method},
    middleware::Next,
    response::{IntoResponse, Response},
};
use std::sync::Arc;

/// The origin same-site requests carry.
#[derive(Clone)]
pub struct SameSite {
    public_origin: Arc<str>,
}

impl SameSite {
    pub fn new(config: &Config) -> Self {
        Self { public_origin: config.public_origin().into() }
    }

    /// Whether a request with these headers may change state.
    pub fn allows(&self, method: &Method, headers: &HeaderMap) -> bool {
        if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
            return true;
        }
        if let Some(site) = headers.get("sec-fetch-site") {
            // "none": the person opened it themselves (address bar, bookmark).
            return matches!(site.to_str(), Ok("same-origin" | "none"));
        }
        match headers.get(header::ORIGIN).map(|o| o.to_str()) {
            None => true,
            Some(Ok(origin)) => origin == &*self.public_origin || Self::is_request_host(origin, headers),
            Some(Err(_)) => false,
        }
    }

    fn is_request_host(origin: &str, headers: &HeaderMap) -> bool {
        let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else { return false };
        let origin_host = origin.strip_prefix("https://").or_else(|| origin.strip_prefix("http://"));
        origin_host == Some(host)
    }
}

pub async fn reject_cross_site(State(rule): State<SameSite>, request: Request, next: Next) -> Response {
    if rule.allows(request.method(), request.headers()) {
        next.run(request).await
    } else {
        tracing::warn!(method = %request.method(), "cross-site request refused");
        AppError::Forbidden.into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn rule() -> SameSite {
        SameSite { public_origin: "https://desk.example.org".into() }
    }

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs.iter().map(|(k, v)| (header::HeaderName::from_static(k), HeaderValue::from_static(v))).collect()
    }

    #[test]
    fn fetch_metadata_decides_when_present() {
        let r = rule();
        assert!(r.allows(&Method::POST, &headers(&[("sec-fetch-site", "same-origin")])));
        assert!(r.allows(&Method::POST, &headers(&[("sec-fetch-site", "none")])));
        for site in ["cross-site", "same-site", "garbage"] {
            let h: HeaderMap = [(header::HeaderName::from_static("sec-fetch-site"), HeaderValue::from_str(site).unwrap())].into_iter().collect();
            assert!(!r.allows(&Method::POST, &h), "{site}");
        }
        // Fetch metadata wins over a matching Origin.
        assert!(!r.allows(&Method::POST, &headers(&[("sec-fetch-site", "cross-site"), ("origin", "https://desk.example.org")])));
        assert!(r.allows(&Method::GET, &headers(&[("sec-fetch-site", "cross-site")])));
    }

    #[test]
    fn origin_is_the_fallback() {
        let r = rule();
        assert!(r.allows(&Method::POST, &headers(&[("origin", "https://desk.example.org")])));
        assert!(!r.allows(&Method::POST, &headers(&[("origin", "https://evil.example")])));
        assert!(!r.allows(&Method::DELETE, &headers(&[("origin", "null")])));
        assert!(r.allows(&Method::POST, &headers(&[("origin", "http://127.0.0.1:4000"), ("host", "127.0.0.1:4000")])));
        assert!(r.allows(&Method::POST, &headers(&[])));
    }
}

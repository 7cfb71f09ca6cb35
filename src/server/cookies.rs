//! Session cookies: HttpOnly, SameSite=Strict, for the whole site, Secure with a `__Host-`
//! name behind https; and reading one back from a request.

use crate::server::AppState;
use axum::http::{header, HeaderMap, HeaderValue};

/// A session cookie's name: `secure` (a `__Host-` name) behind https, `plain` on http://localhost.
pub fn host_cookie_name(state: &AppState, secure: &'static str, plain: &'static str) -> &'static str {
    if state.config.public_url.starts_with("https://") {
        secure
    } else {
        plain
    }
}

/// A session cookie: HttpOnly, SameSite=Strict, whole site; Secure with a `__Host-` name.
pub fn session_cookie_value(name: &str, token: &str, max_age: i64) -> HeaderValue {
    let secure = if name.starts_with("__Host-") { "; Secure" } else { "" };
    HeaderValue::from_str(&format!("{name}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}")).expect("cookie is ASCII")
}

pub fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

//! Compression of pages. An HTML page is compressed (brotli or gzip, as the browser
//! accepts) unless it may carry a one-time secret: a compressed response that holds both a
//! secret and text an attacker chose leaks the secret through its length (BREACH). Those
//! are the answers to form posts (the receipt with the secret code, a new invitation or
//! reset link) and the invitation, reset and second-factor enrolment pages. Built files
//! under `/pkg` are compressed at build time ([`super::assets`]).

use axum::{
    extract::Request,
    http::{Extensions, HeaderMap, Method, StatusCode, Version},
    middleware::Next,
    response::Response,
};
use tower_http::compression::{
    predicate::{Predicate, SizeAbove},
    CompressionLayer,
};

/// Marks a response that must go uncompressed.
#[derive(Clone, Copy, Debug)]
struct Uncompressed;

/// Whether the answer to this request may carry a one-time secret.
pub fn may_carry_secret(method: &Method, path: &str) -> bool {
    method != Method::GET || path.starts_with("/desk/join/") || path.starts_with("/desk/reset/") || path == "/desk/second-factor"
}

/// Marks the responses of [`may_carry_secret`] requests, for [`layer`] to leave alone.
pub async fn mark_secret_answers(request: Request, next: Next) -> Response {
    let secret = may_carry_secret(request.method(), request.uri().path());
    let mut response = next.run(request).await;
    if secret {
        response.extensions_mut().insert(Uncompressed);
    }
    response
}

fn is_page(_: StatusCode, _: Version, headers: &HeaderMap, extensions: &Extensions) -> bool {
    super::headers::is_page(headers) && extensions.get::<Uncompressed>().is_none()
}

/// Compresses pages (see the module's rule), above a size where it pays.
pub fn layer() -> CompressionLayer<impl Predicate> {
    CompressionLayer::new().compress_when(SizeAbove::new(256).and(is_page as fn(StatusCode, Version, &HeaderMap, &Extensions) -> bool))
}

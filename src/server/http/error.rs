//! How errors become responses outside server functions: a status and an opaque message.

use crate::api::AppError;
use axum::{
    body::Body,
    http::{header, Response, StatusCode},
    response::IntoResponse,
};

impl IntoResponse for AppError {
    fn into_response(self) -> axum::response::Response {
        let status = StatusCode::from_u16(self.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], self.to_string()).into_response()
    }
}

/// A handler panicked: log that it happened (not the message, which may hold data) and
/// answer like any other internal error.
pub fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response<Body> {
    tracing::error!("request handler panicked");
    AppError::Internal.into_response()
}

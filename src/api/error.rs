//! The one error type that crosses the wire. Clients see a kind and, for validation, the
//! field and a message key — never an internal cause.

use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

/// What went wrong, as far as the client may know.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("sign-in required")]
    Unauthorized,
    #[error("not allowed")]
    Forbidden,
    #[error("not found")]
    NotFound,
    /// A field failed validation; `code` names the rule so the UI can translate it.
    #[error("invalid value in {field}")]
    Invalid { field: String, code: String },
    #[error("too many attempts, try again later")]
    TooManyRequests,
    #[error("the request could not be read")]
    BadRequest,
    #[error("something went wrong on our side")]
    Internal,
}

impl AppError {
    pub fn invalid(field: &str, code: crate::domain::RuleCode) -> Self {
        Self::Invalid { field: field.to_owned(), code: code.as_str().to_owned() }
    }

    /// HTTP status that goes with the error.
    pub const fn status(&self) -> u16 {
        match self {
            AppError::Unauthorized => 401,
            AppError::Forbidden => 403,
            AppError::NotFound => 404,
            AppError::Invalid { .. } => 422,
            AppError::TooManyRequests => 429,
            AppError::BadRequest => 400,
            AppError::Internal => 500,
        }
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// Logs the cause on the server and gives the client an opaque error. Causes are
    /// driver and I/O errors; they carry no plaintext because plaintext never reaches SQL.
    #[track_caller]
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        let at = std::panic::Location::caller();
        tracing::error!(%cause, location = %at, "internal error");
        Self::Internal
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::MissingArg(_)
            | ServerFnErrorErr::Deserialization(_)
            | ServerFnErrorErr::UnsupportedRequestMethod(_) => AppError::BadRequest,
            _ => AppError::Internal,
        }
    }
}

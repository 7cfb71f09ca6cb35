//! Why a change posted to a desk form did not happen: the answer of the team, canned
//! replies and embassies pages' changes.

use crate::domain::RuleCode;
use crate::server::db::DbError;

/// Why a change did not happen.
#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    /// Unknown, inactive, or not the caller's to change: the same answer.
    #[error("not found")]
    NotFound,
    /// Field and rule code.
    #[error("invalid {0}: {1}")]
    Invalid(&'static str, RuleCode),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<sqlx::Error> for ChangeError {
    fn from(e: sqlx::Error) -> Self {
        ChangeError::Db(e.into())
    }
}

impl From<ChangeError> for crate::api::AppError {
    #[track_caller]
    fn from(e: ChangeError) -> Self {
        use crate::api::AppError;
        match e {
            ChangeError::NotFound => AppError::NotFound,
            ChangeError::Invalid(field, code) => AppError::invalid(field, code),
            ChangeError::Db(e) => AppError::internal(e),
        }
    }
}

//! Server functions, one file per feature. Each one is a public HTTP endpoint: it first
//! establishes who is calling, and it answers with DTOs made for the client.

pub mod error;
pub mod health;

pub use error::AppError;

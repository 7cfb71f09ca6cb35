//! Server functions, one file per feature. Each one is a public HTTP endpoint: it first
//! establishes who is calling, and it answers with DTOs made for the client.

pub mod audit;
pub mod dashboard;
pub mod desk;
pub mod documents;
pub mod embassies;
pub mod error;
pub mod follow_up;
pub mod form;
pub mod health;
pub mod intake;
pub mod notify;
pub mod replies;
pub mod security;
pub mod staff;
pub mod team;

pub use error::AppError;

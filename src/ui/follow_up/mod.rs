//! The requester's pages after intake: signing in with the reference and code, the
//! request's status and messages, and deleting it.

pub mod case;
pub mod delete;
pub mod login;

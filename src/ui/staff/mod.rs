//! Signing in to the desk (password, then the second factor) and joining by invitation.

pub mod join;
pub mod login;
pub mod passkey;
pub mod second_factor;

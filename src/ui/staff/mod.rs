//! Signing in to the desk (password, then the second factor), joining by invitation,
//! changing one's password and setting a new one by a reset link.

pub mod join;
pub mod login;
pub mod passkey;
pub mod password;
pub mod reset;
pub mod second_factor;

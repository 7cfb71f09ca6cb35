//! The audit viewer.

pub mod page;

//! A signed-in person's security page: their own second factors.

pub mod page;

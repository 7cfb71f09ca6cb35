//! The embassies page.

pub mod page;

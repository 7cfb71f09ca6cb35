//! The start page: the intake form (the one island) and, once, the receipt.

pub mod form;
pub mod page;
pub mod receipt;
pub mod sections;

//! The intake form's parts.

pub mod form;
pub mod receipt;
pub mod sections;

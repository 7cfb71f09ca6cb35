//! The team page and its forms.

pub mod forms;
pub mod insider;
pub mod page;
pub mod reset;
pub mod retention;

//! Documents on the pages: the client types (the pages that show them load them).

mod dto;

pub use dto::*;

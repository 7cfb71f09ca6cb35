//! A signed-in person's notifications page: their e-mail address and what they hear of.

pub mod page;

//! Widgets shared by pages.

pub mod page_frame;
pub mod quick_exit;

//! One module per page.

pub mod desk;
pub mod follow_up_case;
pub mod follow_up_delete;
pub mod follow_up_login;
pub mod intake;
pub mod not_found;

//! Pages, one folder per feature, and the components they are built from.

pub mod audit;
pub mod browser;
pub mod components;
pub mod dashboard;
pub mod desk;
pub mod embassies;
pub mod follow_up;
pub mod intake;
pub mod not_found;
pub mod notify;
pub mod replies;
pub mod security;
pub mod staff;
pub mod team;
pub mod webauthn;

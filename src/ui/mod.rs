//! Pages and the components they are built from.

pub mod browser;
pub mod components;
pub mod pages;

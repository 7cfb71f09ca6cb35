//! Pages and the components they are built from.

pub mod components;
pub mod pages;

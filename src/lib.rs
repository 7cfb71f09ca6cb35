//! embassy-desk: the confidential case desk of the People's Embassies of Belarus.
//!
//! The crate builds twice: the server binary (`ssr`), which renders every page, and the
//! WASM library (`hydrate`), which holds only the `#[island]` components: the parts of a
//! page the browser runs. Server-only code lives in [`server`] and is gated here, once.
#![recursion_limit = "256"]

pub mod api;
pub mod app;
pub mod domain;
pub mod locale;
pub mod ui;

#[cfg(feature = "ssr")]
pub mod server;

// The `i18n` module generated from `locales/*.json` by build.rs (leptos_i18n). Its
// generated code is not held to this crate's lints.
#[allow(clippy::all)]
mod generated_i18n {
    include!(concat!(env!("OUT_DIR"), "/i18n/mod.rs"));
}
pub use generated_i18n::i18n;

/// Entry point of the WASM bundle: brings the islands of the server-rendered page to life.
/// Everything else on the page stays the HTML the server sent.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}

//! The scripts that bring a page's islands to life. Only a page that renders an island
//! includes them, next to it: every other page loads no script and no WASM.

use leptos::{config::LeptosOptions, hydration::HydrationScripts, prelude::*};

/// The WASM bundle's loader (hashed file names, the response's nonce). The shell provides
/// the options; without them (a test rendering a component alone) nothing is written.
#[component]
pub fn IslandScripts() -> impl IntoView {
    use_context::<LeptosOptions>().map(|options| view! { <HydrationScripts options islands=true /> })
}

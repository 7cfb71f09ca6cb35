//! The frame of a public page: header with the quick-exit link, main content.

use super::quick_exit::QuickExit;
use leptos::prelude::*;

#[component]
pub fn PageFrame(children: Children) -> impl IntoView {
    view! {
        <header class="site-header">
            <span class="site-name">"Help desk"</span>
            <QuickExit />
        </header>
        <main id="main" class="page">{children()}</main>
    }
}

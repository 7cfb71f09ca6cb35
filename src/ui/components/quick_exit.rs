//! The quick-exit link on every requester page: one tap leaves for an unrelated site.

use leptos::prelude::*;

/// Where quick exit goes: a busy, unremarkable site.
pub const QUICK_EXIT_URL: &str = "https://www.wikipedia.org/";

/// A plain link (works without JavaScript); `no-referrer` so the next site learns nothing.
#[component]
pub fn QuickExit() -> impl IntoView {
    view! {
        <a class="quick-exit" href=QUICK_EXIT_URL rel="noreferrer noopener" referrerpolicy="no-referrer">
            "Leave this site"
        </a>
    }
}

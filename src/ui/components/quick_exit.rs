//! The quick-exit link on every requester page: one tap leaves for an unrelated site.

use crate::i18n::{t, use_i18n};
use leptos::prelude::*;

/// Where quick exit goes: a busy, unremarkable site.
pub const QUICK_EXIT_URL: &str = "https://www.wikipedia.org/";

/// A plain link (works without JavaScript); `no-referrer` so the next site learns nothing.
#[component]
pub fn QuickExit() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <a class="quick-exit" href=QUICK_EXIT_URL rel="noreferrer noopener external" referrerpolicy="no-referrer">
            {t!(i18n, common.quick_exit)}
        </a>
    }
}

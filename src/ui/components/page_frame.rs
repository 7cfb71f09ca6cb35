//! The frame of a public page: header with the quick-exit link, main content.

use super::quick_exit::QuickExit;
use crate::i18n::{t, use_i18n};
use leptos::prelude::*;

#[component]
pub fn PageFrame(children: Children) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <header class="site-header">
            <QuickExit />
            <span class="site-name">{t!(i18n, common.site_name)}</span>
        </header>
        <main id="main" class="page">{children()}</main>
    }
}

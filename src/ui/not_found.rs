//! The page for any address the app does not know.

use crate::{
    i18n::{t, use_i18n},
    ui::components::page_frame::PageFrame,
};
use leptos::prelude::*;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
            res.set_status(http::StatusCode::NOT_FOUND);
        }
    }
    let i18n = use_i18n();
    view! {
        <PageFrame>
            <h1>{t!(i18n, not_found.title)}</h1>
            <p><a href="/" rel="external">{t!(i18n, not_found.back)}</a></p>
        </PageFrame>
    }
}

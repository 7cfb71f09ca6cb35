//! The page for any address the app does not know.

use crate::ui::components::page_frame::PageFrame;
use leptos::prelude::*;

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
            res.set_status(http::StatusCode::NOT_FOUND);
        }
    }
    view! {
        <PageFrame>
            <h1>"Page not found"</h1>
            <p><a href="/">"Go to the start page"</a></p>
        </PageFrame>
    }
}

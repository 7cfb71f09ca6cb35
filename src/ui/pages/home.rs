//! The start page.

use crate::ui::components::page_frame::PageFrame;
use leptos::prelude::*;

#[component]
pub fn HomePage() -> impl IntoView {
    view! {
        <PageFrame>
            <h1>"Help for people who left Belarus"</h1>
            <p>
                "People's Embassies help with legal status, documents, housing and work. "
                "What you write here is encrypted and read only by embassy volunteers."
            </p>
        </PageFrame>
    }
}

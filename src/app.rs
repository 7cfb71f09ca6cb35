//! The HTML shell, the root component and the route table.

use crate::ui::pages::{home::HomePage, not_found::NotFound};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    StaticSegment,
};

/// The document around every page. Runs on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    // The page's Content-Security-Policy allows exactly the scripts that carry this
    // response's nonce (the hydration script); everything else is same-origin.
    #[cfg(feature = "ssr")]
    crate::server::http::headers::set_page_csp(&options);
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="referrer" content="no-referrer" />
                <link rel="icon" type="image/svg+xml" href="/favicon.svg" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// Root component: stylesheet, neutral title and routes.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();

    view! {
        <Stylesheet id="leptos" href="/pkg/embassy-desk.css" />
        // Neutral on purpose: a title in browser history must not say what was asked.
        <Title text="Help desk" />
        <Router>
            <Routes fallback=NotFound>
                <Route path=StaticSegment("") view=HomePage />
            </Routes>
        </Router>
    }
}

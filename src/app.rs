//! The HTML shell, the root component and the route table.

use crate::{
    i18n::I18nContextProvider,
    locale::ApplyChosenLocale,
    ui::{
        audit::page::DeskAuditPage,
        dashboard::page::DeskDashboardPage,
        desk::{case::DeskCasePage, queue::DeskQueuePage},
        embassies::page::DeskEmbassiesPage,
        follow_up::{
            case::FollowUpCasePage,
            delete::{FollowUpDeletePage, FollowUpDeletedPage},
            login::FollowUpLoginPage,
        },
        intake::page::IntakePage,
        not_found::NotFound,
        notify::page::DeskNotifyPage,
        replies::page::DeskRepliesPage,
        security::page::DeskSecurityPage,
        staff::{join::DeskJoinPage, login::DeskLoginPage, password::DeskPasswordPage, reset::DeskResetPage, second_factor::DeskSecondFactorPage},
        team::page::DeskTeamPage,
    },
};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

/// The document around every page. Runs on the server only. `<html lang>` is set by the
/// i18n provider to the language the page is rendered in.
///
/// A page is rendered once, as HTML; nothing outside an `#[island]` is hydrated, so no page
/// carries its data for the browser. The scripts that load the islands are written by the
/// page that has one ([`IslandScripts`](crate::ui::components::island_scripts::IslandScripts)).
pub fn shell(options: LeptosOptions) -> impl IntoView {
    // Islands mode: outside an island nothing is rendered for hydration (no resource is
    // serialised, no hydration marker written).
    if let Some(context) = Owner::current_shared_context() {
        context.set_is_hydrating(false);
    }
    provide_context(options.clone());
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="referrer" content="no-referrer" />
                <link rel="icon" type="image/svg+xml" href="/favicon.svg" />
                <AutoReload options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The stylesheet's address, with the hash of its content when the build wrote one (the
/// build's `hash.txt` beside the binary, as leptos_meta's `HashedStylesheet` reads it), read
/// once per process instead of on every page.
fn stylesheet_href(options: &LeptosOptions) -> String {
    static HREF: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HREF.get_or_init(|| {
        let hash_file = std::env::current_exe().ok().and_then(|exe| Some(exe.parent()?.join(options.hash_file.as_ref())));
        let hashes = if options.hash_files { hash_file.and_then(|path| std::fs::read_to_string(path).ok()) } else { None };
        let css_hash = hashes.as_deref().and_then(|h| h.lines().find_map(|line| line.trim().strip_prefix("css:").map(str::trim)));
        let name = match css_hash {
            Some(hash) => format!("{}.{hash}.css", options.output_name),
            None => format!("{}.css", options.output_name),
        };
        format!("/{}/{name}", options.site_pkg_dir)
    })
    .clone()
}

/// Root component: language, stylesheet, neutral title and routes. Requester pages render
/// completely on the server before they are sent (`SsrMode::Async`), so they need no
/// JavaScript to show their content.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();

    view! {
        <I18nContextProvider cookie_name="lang">
            {use_context::<LeptosOptions>().map(|options| view! { <Stylesheet id="leptos" href=stylesheet_href(&options) /> })}
            // Neutral on purpose: a title in browser history must not say what was asked.
            <Title text="Help desk" />
            <Router>
                <ApplyChosenLocale />
                <Routes fallback=NotFound>
                    <Route path=path!("") view=IntakePage ssr=SsrMode::Async />
                    <Route path=path!("follow-up") view=FollowUpLoginPage ssr=SsrMode::Async />
                    <Route path=path!("follow-up/case") view=FollowUpCasePage ssr=SsrMode::Async />
                    <Route path=path!("follow-up/delete") view=FollowUpDeletePage ssr=SsrMode::Async />
                    <Route path=path!("follow-up/deleted") view=FollowUpDeletedPage ssr=SsrMode::Async />
                    <Route path=path!("desk") view=DeskQueuePage ssr=SsrMode::Async />
                    <Route path=path!("desk/login") view=DeskLoginPage ssr=SsrMode::Async />
                    <Route path=path!("desk/second-factor") view=DeskSecondFactorPage ssr=SsrMode::Async />
                    <Route path=path!("desk/join/:token") view=DeskJoinPage ssr=SsrMode::Async />
                    <Route path=path!("desk/reset/:token") view=DeskResetPage ssr=SsrMode::Async />
                    <Route path=path!("desk/password") view=DeskPasswordPage ssr=SsrMode::Async />
                    <Route path=path!("desk/cases/:id") view=DeskCasePage ssr=SsrMode::Async />
                    <Route path=path!("desk/team") view=DeskTeamPage ssr=SsrMode::Async />
                    <Route path=path!("desk/dashboard") view=DeskDashboardPage ssr=SsrMode::Async />
                    <Route path=path!("desk/audit") view=DeskAuditPage ssr=SsrMode::Async />
                    <Route path=path!("desk/security") view=DeskSecurityPage ssr=SsrMode::Async />
                    <Route path=path!("desk/notifications") view=DeskNotifyPage ssr=SsrMode::Async />
                    <Route path=path!("desk/replies") view=DeskRepliesPage ssr=SsrMode::Async />
                    <Route path=path!("desk/embassies") view=DeskEmbassiesPage ssr=SsrMode::Async />
                </Routes>
            </Router>
        </I18nContextProvider>
    }
}

//! The frame of a desk page: a skip link, the header (site name; for a signed-in person the
//! navigation, who they are, their password and the two ways to sign out) and the main
//! content.

use super::desk_form::{form_id, FieldError, Refused};
use super::messages::role_string;
use crate::{
    api::{form::PostedForm, staff::MeDto},
    domain::Role,
    i18n::{t_string, use_i18n},
};
use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// The box that finds a case by the reference a requester gives (on the phone, say). It
/// posts, so that references stay out of addresses; a refused search comes back with the
/// reference typed and the reason next to it.
#[component]
fn FindBox() -> impl IntoView {
    let i18n = use_i18n();
    let refused = Refused::of(&use_context::<PostedForm>().map(|p| p.0), "find");
    view! {
        <form id=form_id("find") class="desk-find" method="post" action="/desk/find" role="search" novalidate>
            <label for="find-reference">{t_string!(i18n, desk.find.label)}</label>
            <FieldError refused=refused.clone() field="reference" id="find-reference" />
            <input type="text" id="find-reference" name="reference" value=refused.value_or("reference", "") autocomplete="off" autocapitalize="characters"
                spellcheck="false" aria-invalid=refused.invalid("reference") aria-describedby=refused.described_by("reference", "find-reference", None) />
            <button type="submit">{t_string!(i18n, desk.find.submit)}</button>
        </form>
    }
}

#[component]
pub fn DeskFrame(#[prop(optional)] me: Option<MeDto>, children: Children) -> impl IntoView {
    let i18n = use_i18n();
    let path = use_location().pathname.get_untracked();
    let current = move |href: &str| (path == href).then_some("page");
    // Times on the page are in the person's embassy's zone (a case page sets its own).
    if let Some(me) = &me {
        provide_context(super::messages::ShownZone(me.zone.clone()));
    }
    let signed_in = me.map(|me| {
        let manages = matches!(me.role, Role::Lead | Role::Admin);
        let role = me.role;
        let language = leptos_i18n::Locale::as_str(i18n.get_locale_untracked());
        let embassy = me.embassy_in(language).map(|e| e.to_owned()).map(|e| view! { " · "{e} });
        view! {
            <nav class="desk-nav" aria-label=t_string!(i18n, desk.nav.label)>
                <ul>
                    <li><a href="/desk" rel="external" aria-current=current("/desk")>{t_string!(i18n, desk.nav.queues)}</a></li>
                    {manages.then(|| view! {
                        <li><a href="/desk/dashboard" rel="external" aria-current=current("/desk/dashboard")>{t_string!(i18n, desk.nav.dashboard)}</a></li>
                        <li><a href="/desk/team" rel="external" aria-current=current("/desk/team")>{t_string!(i18n, desk.nav.team)}</a></li>
                        <li><a href="/desk/replies" rel="external" aria-current=current("/desk/replies")>{t_string!(i18n, desk.nav.replies)}</a></li>
                        <li><a href="/desk/embassies" rel="external" aria-current=current("/desk/embassies")>{t_string!(i18n, desk.nav.embassies)}</a></li>
                        <li><a href="/desk/audit" rel="external" aria-current=current("/desk/audit")>{t_string!(i18n, desk.nav.audit)}</a></li>
                    })}
                    <li><a href="/desk/security" rel="external" aria-current=current("/desk/security")>{t_string!(i18n, desk.nav.security)}</a></li>
                    <li><a href="/desk/notifications" rel="external" aria-current=current("/desk/notifications")>{t_string!(i18n, desk.nav.notifications)}</a></li>
                </ul>
            </nav>
            <FindBox />
            <div class="desk-who">
                <p>
                    {t_string!(i18n, desk.nav.signed_in_as)}" "<strong>{me.login}</strong>
                    " · "{role_string(i18n, role)}{embassy}
                </p>
                <a href="/desk/password" rel="external" aria-current=current("/desk/password")>{t_string!(i18n, desk.nav.password)}</a>
                <form method="post" action="/desk/logout">
                    <button type="submit">{t_string!(i18n, desk.nav.logout)}</button>
                </form>
                <form method="post" action="/desk/logout-everywhere">
                    <button type="submit">{t_string!(i18n, desk.nav.logout_everywhere)}</button>
                </form>
            </div>
        }
    });
    view! {
        <a class="skip-link" href="#main">{t_string!(i18n, desk.nav.skip)}</a>
        <header class="desk-header">
            <a class="desk-site-name" href="/desk" rel="external">{t_string!(i18n, desk.site_name)}</a>
            {signed_in}
        </header>
        <main id="main" class="desk-page" tabindex="-1">{children()}</main>
    }
}

//! Joining the desk by an invitation link: what the link invites to, then choosing a login
//! and a passphrase.

use crate::ui::components::desk_form::{FieldError, FormNotice, Refused};
use crate::{
    api::{
        staff::{load_invitation, InvitationDto},
        AppError,
    },
    i18n::{t, use_i18n},
    ui::components::{
        desk_frame::DeskFrame,
        messages::{date_time_text, role_text},
    },
};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn DeskJoinPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let token = move || params.with(|p| p.get("token").unwrap_or_default());
    let page = Resource::new(token, load_invitation);
    view! {
        <DeskFrame>
            <Suspense fallback=|| view! { <crate::ui::components::desk_page::DeskLoading /> }>
                {move || page.get().map(|r| match r {
                    Ok(invitation) => view! { <Join invitation token=token() /> }.into_any(),
                    Err(AppError::NotFound) => view! {
                        <h1>{t!(i18n, desk.join.title)}</h1>
                        <p class="notice" role="alert">{t!(i18n, desk.join.gone)}</p>
                    }
                    .into_any(),
                    Err(error) => view! { <crate::ui::components::desk_page::LoadProblem error>{t!(i18n, desk.join.title)}</crate::ui::components::desk_page::LoadProblem> }.into_any(),
                })}
            </Suspense>
        </DeskFrame>
    }
}

#[component]
fn Join(invitation: InvitationDto, token: String) -> impl IntoView {
    let i18n = use_i18n();
    let refused = Refused::any(invitation.form.clone());
    let role = invitation.role;
    let expires = invitation.expires_at;
    let action = format!("/desk/join/{token}");
    let field = move |name: &'static str, hint: Option<&'static str>| (refused.invalid(name), refused.described_by(name, name, hint));
    let (login_invalid, login_described) = field("login", Some("login-hint"));
    let (password_invalid, password_described) = field("password", Some("password-hint"));
    let (again_invalid, again_described) = field("password_again", None);
    let refused = Refused::any(invitation.form.clone());
    view! {
        <h1>{t!(i18n, desk.join.title)}</h1>
        <FormNotice state=invitation.form />
        <dl class="case-facts">
            <dt>{t!(i18n, desk.join.role)}</dt>
            <dd>{role_text(i18n, role)}</dd>
            {invitation.embassy.map(|embassy| view! {
                <dt>{t!(i18n, desk.join.embassy)}</dt>
                <dd>{embassy}</dd>
            })}
            <dt>{t!(i18n, desk.join.expires)}</dt>
            <dd>{move || date_time_text(i18n, expires)}</dd>
        </dl>
        <form id="join-form" method="post" action=action novalidate>
            <div class="field">
                <label for="login">{t!(i18n, desk.join.login)}</label>
                <p class="hint" id="login-hint">{t!(i18n, desk.join.login_hint)}</p>
                <FieldError refused=refused.clone() field="login" id="login" />
                <input type="text" id="login" name="login" value=refused.value_or("login", "") autocomplete="username"
                    autocapitalize="none" spellcheck="false" aria-required="true" aria-invalid=login_invalid aria-describedby=login_described />
            </div>
            <div class="field">
                <label for="password">{t!(i18n, desk.join.password)}</label>
                <p class="hint" id="password-hint">{t!(i18n, desk.join.password_hint)}</p>
                <FieldError refused=refused.clone() field="password" id="password" />
                <input type="password" id="password" name="password" value="" autocomplete="new-password"
                    aria-required="true" aria-invalid=password_invalid aria-describedby=password_described />
            </div>
            <div class="field">
                <label for="password_again">{t!(i18n, desk.join.password_again)}</label>
                <FieldError refused=refused.clone() field="password_again" id="password_again" />
                <input type="password" id="password_again" name="password_again" value="" autocomplete="new-password"
                    aria-required="true" aria-invalid=again_invalid aria-describedby=again_described />
            </div>
            <button type="submit" class="primary">{t!(i18n, desk.join.submit)}</button>
        </form>
    }
}

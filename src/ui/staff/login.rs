//! Signing in to the desk: login and password (the second factor follows on its own page,
//! or, for an account with many failed attempts, comes on this one with the password).

use crate::domain::NoticeCode;
use crate::ui::components::desk_form::{FieldError, FormNotice, Refused};
use crate::ui::components::desk_text::notice_text;
use crate::{
    api::{form::FormState, staff::load_desk_login},
    i18n::{t, use_i18n},
    ui::components::desk_frame::DeskFrame,
};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn DeskLoginPage() -> impl IntoView {
    let page = Resource::new(|| (), |_| load_desk_login());
    view! {
        <DeskFrame>
            <Suspense fallback=|| view! { <crate::ui::components::desk_page::DeskLoading /> }>
                {move || page.get().map(|r| view! { <LoginForm state=r.ok().and_then(|p| p.form) /> })}
            </Suspense>
        </DeskFrame>
    }
}

#[component]
fn LoginForm(state: Option<FormState>) -> impl IntoView {
    let i18n = use_i18n();
    // Signed out (by hand, by a timeout, or a post without a session): say so once.
    let ended = use_query_map().with_untracked(|q| q.get("ended").is_some()) && state.is_none();
    let refused = Refused::any(state.clone());
    let login = refused.value_or("login", "");
    // A guarded account (many failed attempts) signs in with its code and password at once.
    let guarded = refused.value_or("guarded", "") == "1";
    let notice = refused.notice_id();
    // A notice ("not recognised") concerns both fields, on purpose: it does not say which.
    let describe = move |field: &str, id: &str| {
        let ids: Vec<String> = refused.described_by(field, id, None).into_iter().chain(notice.clone()).collect();
        (!ids.is_empty()).then(|| ids.join(" "))
    };
    let login_described = describe("login", "login");
    let password_described = describe("password", "password");
    let code_described = describe("code", "code");
    let refused_login = Refused::any(state.clone());
    view! {
        <h1>{t!(i18n, desk.login.title)}</h1>
        <FormNotice state />
        {ended.then(|| view! { <p class="notice" role="status">{notice_text(i18n, NoticeCode::SessionEnded)}</p> })}
        <form id="login-form" method="post" action="/desk/login" novalidate>
            <div class="field">
                <label for="login">{t!(i18n, desk.login.login)}</label>
                <FieldError refused=refused_login.clone() field="login" id="login" />
                <input type="text" id="login" name="login" value=login autocomplete="username" autocapitalize="none"
                    spellcheck="false" aria-required="true" aria-invalid=refused_login.invalid("login") aria-describedby=login_described />
            </div>
            <div class="field">
                <label for="password">{t!(i18n, desk.login.password)}</label>
                <FieldError refused=refused_login.clone() field="password" id="password" />
                <input type="password" id="password" name="password" value="" autocomplete="current-password"
                    aria-required="true" aria-invalid=refused_login.invalid("password") aria-describedby=password_described />
            </div>
            {guarded.then(|| {
                let refused = refused_login.clone();
                view! {
                    <input type="hidden" name="guarded" value="1" />
                    <div class="field">
                        <label for="code">{t!(i18n, desk.login.code)}</label>
                        <FieldError refused=refused.clone() field="code" id="code" />
                        <input type="text" id="code" name="code" value="" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]*"
                            aria-required="true" aria-invalid=refused.invalid("code") aria-describedby=code_described />
                    </div>
                }
            })}
            <button type="submit" class="primary">{t!(i18n, desk.login.submit)}</button>
        </form>
    }
}

//! Changing one's own password: the current one, the new one twice. Every other session
//! ends with it; this browser stays signed in.

use crate::ui::components::desk_form::{FieldError, FormNotice, NewPasswordFields, Refused, SavedNotice};
use crate::ui::components::desk_page::{DeskLoading, LoadProblem};
use crate::{
    api::staff::{load_password_page, PasswordPageDto},
    i18n::{t, use_i18n},
    ui::components::desk_frame::DeskFrame,
};
use leptos::prelude::*;

#[component]
pub fn DeskPasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    let page = Resource::new(|| (), |_| load_password_page());
    view! {
        <Suspense fallback=|| view! { <DeskFrame><DeskLoading /></DeskFrame> }>
            {move || page.get().map(|r| match r {
                Ok(page) => view! { <DeskFrame me=page.me.clone()><ChangePassword page /></DeskFrame> }.into_any(),
                Err(error) => view! { <DeskFrame><LoadProblem error>{t!(i18n, desk.password.title)}</LoadProblem></DeskFrame> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn ChangePassword(page: PasswordPageDto) -> impl IntoView {
    let i18n = use_i18n();
    let refused = Refused::any(page.form.clone());
    let notice = refused.notice_id();
    let current_described: Option<String> = {
        let ids: Vec<String> = refused.described_by("current_password", "current_password", None).into_iter().chain(notice).collect();
        (!ids.is_empty()).then(|| ids.join(" "))
    };
    view! {
        <h1>{t!(i18n, desk.password.title)}</h1>
        <FormNotice state=page.form.clone() />
        <SavedNotice />
        <p class="lead">{t!(i18n, desk.password.lead)}</p>
        <form id="password-form" method="post" action="/desk/password" novalidate>
            // Lets password managers tie the new password to this account.
            <input type="text" name="username" value=page.me.login.clone() autocomplete="username" hidden=true readonly=true />
            <div class="field">
                <label for="current_password">{t!(i18n, desk.password.current)}</label>
                <FieldError refused=refused.clone() field="current_password" id="current_password" />
                <input type="password" id="current_password" name="current_password" value="" autocomplete="current-password"
                    aria-required="true" aria-invalid=refused.invalid("current_password") aria-describedby=current_described />
            </div>
            <NewPasswordFields refused=refused.clone() />
            <button type="submit" class="primary">{t!(i18n, desk.password.submit)}</button>
        </form>
    }
}

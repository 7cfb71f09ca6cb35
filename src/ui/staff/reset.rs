//! A reset link: whose account it opens, then a new password; a second factor is enrolled
//! next, on the sign-in's second step.

use crate::ui::components::desk_form::{FormNotice, NewPasswordFields, Refused};
use crate::ui::components::desk_page::{DeskLoading, LoadProblem};
use crate::{
    api::{
        staff::{load_reset, ResetDto},
        AppError,
    },
    i18n::{t, use_i18n},
    ui::components::{desk_frame::DeskFrame, messages::date_time_text},
};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn DeskResetPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let token = move || params.with(|p| p.get("token").unwrap_or_default());
    let page = Resource::new(token, load_reset);
    view! {
        <DeskFrame>
            <Suspense fallback=|| view! { <DeskLoading /> }>
                {move || page.get().map(|r| match r {
                    Ok(reset) => view! { <Reset reset token=token() /> }.into_any(),
                    Err(AppError::NotFound) => view! {
                        <h1>{t!(i18n, desk.reset.title)}</h1>
                        <p class="notice" role="alert" id="reset-gone">{t!(i18n, desk.reset.gone)}</p>
                    }
                    .into_any(),
                    Err(error) => view! { <LoadProblem error>{t!(i18n, desk.reset.title)}</LoadProblem> }.into_any(),
                })}
            </Suspense>
        </DeskFrame>
    }
}

#[component]
fn Reset(reset: ResetDto, token: String) -> impl IntoView {
    let i18n = use_i18n();
    let refused = Refused::any(reset.form.clone());
    let expires = reset.expires_at;
    let action = format!("/desk/reset/{token}");
    view! {
        <h1>{t!(i18n, desk.reset.title)}</h1>
        <FormNotice state=reset.form.clone() />
        <p class="lead">{t!(i18n, desk.reset.lead)}</p>
        <dl class="case-facts">
            <dt>{t!(i18n, desk.reset.login)}</dt>
            <dd id="reset-login">{reset.login.clone()}</dd>
            <dt>{t!(i18n, desk.join.expires)}</dt>
            <dd>{move || date_time_text(i18n, expires)}</dd>
        </dl>
        <form id="reset-form" method="post" action=action novalidate>
            // Lets password managers tie the new password to this account.
            <input type="text" name="username" value=reset.login autocomplete="username" hidden=true readonly=true />
            <NewPasswordFields refused=refused.clone() />
            <button type="submit" class="primary">{t!(i18n, desk.reset.submit)}</button>
        </form>
    }
}

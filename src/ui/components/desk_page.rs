//! What every desk page shows while its data is on its way, and when it could not be loaded.

use crate::{
    api::AppError,
    i18n::{t, use_i18n},
};
use leptos::prelude::*;

/// While a page's data is on its way (only seen when navigating inside the browser).
#[component]
pub fn DeskLoading() -> impl IntoView {
    let i18n = use_i18n();
    view! { <p role="status">{t!(i18n, common.loading)}</p> }
}

/// A page whose data could not be loaded: its heading (`children`) and what to do now.
/// "Not found" and "not yours" read the same on purpose.
#[component]
pub fn LoadProblem(error: AppError, children: Children) -> impl IntoView {
    let i18n = use_i18n();
    let message = match error {
        AppError::Unauthorized => view! {
            <p class="notice" role="alert">{t!(i18n, desk.problem.session_ended)}</p>
            <p><a href="/desk/login" rel="external">{t!(i18n, desk.problem.sign_in)}</a></p>
        }
        .into_any(),
        AppError::NotFound | AppError::Forbidden => view! {
            <p class="notice" role="alert">{t!(i18n, desk.problem.not_found)}</p>
            <p><a href="/desk" rel="external">{t!(i18n, desk.problem.back)}</a></p>
        }
        .into_any(),
        _ => view! {
            <p class="notice" role="alert">{t!(i18n, common.failure)}</p>
            <p><a href="/desk" rel="external">{t!(i18n, desk.problem.back)}</a></p>
        }
        .into_any(),
    };
    view! {
        <h1>{children()}</h1>
        {message}
    }
}

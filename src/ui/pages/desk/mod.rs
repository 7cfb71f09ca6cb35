//! The volunteer desk's pages: signing in (password, second factor), joining by invitation,
//! the queues, one case, the team, the leads' dashboard and the audit log. Every change is a plain form post that the server
//! answers with a redirect or with the same page, the input and the error.

pub mod audit;
pub mod badges;
pub mod case;
pub mod case_forms;
pub mod dashboard;
pub mod dashboard_charts;
pub mod form;
pub mod join;
pub mod login;
pub mod queue;
pub mod second_factor;
pub mod team;
pub mod team_forms;
pub mod text;

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

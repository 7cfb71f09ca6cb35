//! Coming back: the reference and secret code open a short session.

use crate::{
    api::follow_up::{load_login, LoginProblem, LoginView},
    domain::intake::{Field, FieldError, Rule},
    i18n::{t, use_i18n},
    ui::components::{
        field::{described_by, invalid},
        lang_switch::{DefaultSubmit, LangSwitch},
        page_frame::PageFrame,
    },
};
use leptos::prelude::*;
use leptos_i18n::Locale as _;
use leptos_router::hooks::use_query_map;

#[component]
pub fn FollowUpLoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let view = Resource::new(|| (), |_| load_login());
    view! {
        <PageFrame>
            <Suspense fallback=move || view! { <p>{t!(i18n, common.loading)}</p> }>
                {move || view.get().map(|r| view! { <LoginForm view=r.unwrap_or_default() /> })}
            </Suspense>
        </PageFrame>
    }
}

#[component]
fn LoginForm(view: LoginView) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let ended = query.with_untracked(|q| q.get("ended").is_some()) && view.problem.is_none();
    let problem = view.problem.or(ended.then_some(LoginProblem::SessionEnded));
    // Shape errors belong to one field; "not recognised" to both, on purpose.
    let errors = RwSignal::new(match view.problem {
        Some(LoginProblem::ReferenceShape) => vec![FieldError { field: Field::Reference, rule: Rule::InvalidChoice }],
        Some(LoginProblem::CodeShape) => vec![FieldError { field: Field::Code, rule: Rule::InvalidChoice }],
        _ => vec![],
    });
    let message = problem.map(|p| {
        let text = match p {
            LoginProblem::ReferenceShape => t!(i18n, follow_up.reference_shape).into_any(),
            LoginProblem::CodeShape => t!(i18n, follow_up.code_shape).into_any(),
            LoginProblem::NotRecognised => t!(i18n, follow_up.not_recognised).into_any(),
            LoginProblem::SessionEnded => t!(i18n, follow_up.session_ended).into_any(),
        };
        view! { <p class="notice" id="login-problem" role="alert">{text}</p> }
    });
    let has_problem = problem.is_some_and(|p| p != LoginProblem::SessionEnded);
    let describe = move |field: Field, hint: &'static str| {
        let base = described_by(errors, field, Some(hint));
        move || {
            let mut ids = base().unwrap_or_default();
            if has_problem {
                ids.push_str(" login-problem");
            }
            ids
        }
    };
    view! {
        <form id="follow-up-login" method="post" action="/follow-up" novalidate>
            <DefaultSubmit>{t!(i18n, follow_up.open)}</DefaultSubmit>
            <LangSwitch form="follow-up-login" />
            <h1>{t!(i18n, follow_up.login_title)}</h1>
            <p class="lead">{t!(i18n, follow_up.login_lead)}</p>
            {message}
            <input type="hidden" name="ui_lang" value=move || i18n.get_locale().as_str() />
            <div class="field">
                <label for="reference">{t!(i18n, follow_up.reference)}</label>
                <p class="hint" id="reference-hint">{t!(i18n, follow_up.reference_hint)}</p>
                <input type="text" id="reference" name="reference" value=view.reference autocomplete="off" autocapitalize="characters"
                    spellcheck="false" aria-required="true" aria-invalid=invalid(errors, Field::Reference) aria-describedby=describe(Field::Reference, "reference-hint") />
            </div>
            <div class="field">
                <label for="code">{t!(i18n, follow_up.code)}</label>
                <p class="hint" id="code-hint">{t!(i18n, follow_up.code_hint)}</p>
                <input type="password" id="code" name="code" value="" autocomplete="off" inputmode="numeric"
                    aria-required="true" aria-invalid=invalid(errors, Field::Code) aria-describedby=describe(Field::Code, "code-hint") />
            </div>
            <button type="submit" class="primary">{t!(i18n, follow_up.open)}</button>
        </form>
        <p><a href="/" rel="external">{t!(i18n, follow_up.new_request)}</a></p>
    }
}

//! What the desk's forms share: the values and errors of a refused post, the error next to
//! a field, and the notice at the top of a page.

use crate::domain::NoticeCode;
use crate::ui::components::desk_text::{error_text, notice_text};
use crate::{
    api::form::FormState,
    i18n::{t, use_i18n},
};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The refused post of one form on the page, if it was this form that the server refused.
#[derive(Clone, Debug, Default)]
pub struct Refused(Option<FormState>);

impl Refused {
    /// The state when it belongs to the form named `form`.
    pub fn of(state: &Option<FormState>, form: &str) -> Self {
        Self(state.as_ref().filter(|s| s.form == form).cloned())
    }

    /// The state whatever form it names (pages with a single form).
    pub fn any(state: Option<FormState>) -> Self {
        Self(state)
    }

    /// Whether the server refused this form.
    pub fn is_some(&self) -> bool {
        self.0.is_some()
    }

    /// The value typed into `field`, or `current` when this form was not refused.
    pub fn value_or(&self, field: &str, current: impl Into<String>) -> String {
        match &self.0 {
            Some(state) => state.value(field),
            None => current.into(),
        }
    }

    /// Every value typed into `field` (check boxes), or `None` when this form was not refused.
    pub fn values(&self, field: &str) -> Option<Vec<String>> {
        self.0.as_ref().map(|s| s.values.iter().filter(|(k, _)| k == field).map(|(_, v)| v.clone()).collect())
    }

    /// The rule `field` broke.
    pub fn error(&self, field: &str) -> Option<crate::domain::RuleCode> {
        self.0.as_ref().and_then(|s| s.error(field))
    }

    /// `aria-invalid` for `field`.
    pub fn invalid(&self, field: &str) -> Option<&'static str> {
        self.error(field).map(|_| "true")
    }

    /// `aria-describedby` for the control `id` of `field`: its hint and its error.
    pub fn described_by(&self, field: &str, id: &str, hint: Option<&str>) -> Option<String> {
        let error = self.error(field).map(|_| error_id(id));
        let ids: Vec<String> = hint.map(str::to_owned).into_iter().chain(error).collect();
        (!ids.is_empty()).then(|| ids.join(" "))
    }

    /// Id of the element that shows the notice for the whole form, when there is one.
    pub fn notice_id(&self) -> Option<String> {
        self.0.as_ref().filter(|s| s.notice.is_some()).map(|s| notice_id(&s.form))
    }
}

/// Id of the error text of the control `id`.
pub fn error_id(id: &str) -> String {
    format!("{id}-error")
}

/// The error of `field` next to its control `id`, when the server refused it.
#[component]
pub fn FieldError(refused: Refused, field: &'static str, #[prop(into)] id: String) -> impl IntoView {
    let i18n = use_i18n();
    refused.error(field).map(|code| {
        view! {
            <p class="field-error" id=error_id(&id)>
                <span class="visually-hidden">{t!(i18n, errors.prefix)}" "</span>
                {error_text(i18n, code)}
            </p>
        }
    })
}

/// The page's notice about a refused or accepted post: the server's notice, or (for field
/// errors only) a pointer to the form that needs another look.
#[component]
pub fn FormNotice(state: Option<FormState>) -> impl IntoView {
    let i18n = use_i18n();
    state.and_then(|state| match state.notice {
        Some(code) if code.is_good() => Some(view! { <p class="notice success" role="status">{notice_text(i18n, code)}</p> }.into_any()),
        Some(code) => Some(view! { <p class="notice" role="alert" id=notice_id(&state.form)>{notice_text(i18n, code)}</p> }.into_any()),
        None if !state.errors.is_empty() => {
            let target = format!("#{}", form_id(&state.form));
            Some(view! { <p class="notice" role="alert"><a href=target>{t!(i18n, desk.notice.check_form)}</a></p> }.into_any())
        }
        None => None,
    })
}

/// Id of the notice for the whole form named `form`.
pub fn notice_id(form: &str) -> String {
    format!("{form}-notice")
}

/// Id of the `<form>` element of the form named `form`.
pub fn form_id(form: &str) -> String {
    format!("{form}-form")
}

/// "Saved", after a change the server accepted and answered with `?saved=…`.
#[component]
pub fn SavedNotice() -> impl IntoView {
    let i18n = use_i18n();
    let saved = use_query_map().with_untracked(|q| q.get("saved").is_some());
    saved.then(|| view! { <p class="notice success" role="status">{notice_text(i18n, NoticeCode::Saved)}</p> })
}

/// A new password and its repetition, with the password rules as a hint and each field's
/// error beside it (the password change and the reset link; never sent back filled).
#[component]
pub fn NewPasswordFields(refused: Refused) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="field">
            <label for="password">{t!(i18n, desk.password.new)}</label>
            <p class="hint" id="password-hint">{t!(i18n, desk.join.password_hint)}</p>
            <FieldError refused=refused.clone() field="password" id="password" />
            <input type="password" id="password" name="password" value="" autocomplete="new-password"
                aria-required="true" aria-invalid=refused.invalid("password") aria-describedby=refused.described_by("password", "password", Some("password-hint")) />
        </div>
        <div class="field">
            <label for="password_again">{t!(i18n, desk.join.password_again)}</label>
            <FieldError refused=refused.clone() field="password_again" id="password_again" />
            <input type="password" id="password_again" name="password_again" value="" autocomplete="new-password"
                aria-required="true" aria-invalid=refused.invalid("password_again") aria-describedby=refused.described_by("password_again", "password_again", None) />
        </div>
    }
}

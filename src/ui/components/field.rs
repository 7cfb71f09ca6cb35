//! Pieces every form field uses: its error message (announced, tied to the field by id)
//! and the attributes that mark a field invalid.

use super::messages::rule_text;
use crate::{
    domain::intake::{error_for, Field, FieldError, Rule},
    i18n::{t, use_i18n},
};
use leptos::prelude::*;

/// Id of the element that holds `field`'s error.
pub fn error_id(field: Field) -> String {
    format!("{}-error", field.name())
}

/// The error of `field` as a signal.
pub fn field_rule(errors: RwSignal<Vec<FieldError>>, field: Field) -> Signal<Option<Rule>> {
    Signal::derive(move || errors.with(|e| error_for(e, field)))
}

/// `aria-invalid` for a field.
pub fn invalid(errors: RwSignal<Vec<FieldError>>, field: Field) -> impl Fn() -> Option<&'static str> + Send + Sync + 'static {
    move || errors.with(|e| error_for(e, field)).map(|_| "true")
}

/// `aria-describedby` for a field: its hint (if any) and its error (when there is one).
pub fn described_by(errors: RwSignal<Vec<FieldError>>, field: Field, hint: Option<&'static str>) -> impl Fn() -> Option<String> + Send + Sync + 'static {
    move || {
        let ids: Vec<String> = hint.map(str::to_owned).into_iter().chain(errors.with(|e| error_for(e, field)).map(|_| error_id(field))).collect();
        (!ids.is_empty()).then(|| ids.join(" "))
    }
}

/// The error next to a field, when it has one.
#[component]
pub fn FieldErrorText(field: Field, errors: RwSignal<Vec<FieldError>>) -> impl IntoView {
    let i18n = use_i18n();
    let rule = field_rule(errors, field);
    move || {
        rule.get().map(|rule| {
            view! {
                <p class="field-error" id=error_id(field)>
                    <span class="visually-hidden">{t!(i18n, errors.prefix)}" "</span>
                    {rule_text(i18n, rule)}
                </p>
            }
        })
    }
}

//! Labelled form controls with their error next to them. Values come from what was typed
//! (so a re-rendered page gives everything back); errors come from a signal (so the
//! browser's checks and the server's show the same way).

use super::{
    field::{described_by, invalid, FieldErrorText},
    messages::choice_text,
};
use crate::{
    domain::intake::{Field, FieldError},
    i18n::{t, use_i18n},
};
use leptos::prelude::*;

/// A one-line text, number or date input.
#[component]
pub fn TextInput(
    field: Field,
    errors: RwSignal<Vec<FieldError>>,
    value: String,
    children: Children,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] hint: Option<(&'static str, AnyView)>,
    #[prop(optional)] required: bool,
    #[prop(optional)] inputmode: Option<&'static str>,
) -> impl IntoView {
    let name = field.name();
    let hint_id = hint.as_ref().map(|(id, _)| *id);
    view! {
        <div class="field">
            <label for=name>{children()}</label>
            {hint.map(|(id, text)| view! { <p class="hint" id=id>{text}</p> })}
            <FieldErrorText field errors />
            <input
                type=kind
                id=name
                name=name
                value=value
                autocomplete=autocomplete.unwrap_or("off")
                inputmode=inputmode
                aria-required=required.then_some("true")
                aria-invalid=invalid(errors, field)
                aria-describedby=described_by(errors, field, hint_id)
            />
        </div>
    }
}

/// A multi-line text.
#[component]
pub fn TextArea(
    field: Field,
    errors: RwSignal<Vec<FieldError>>,
    value: String,
    children: Children,
    #[prop(optional)] hint: Option<(&'static str, AnyView)>,
    #[prop(default = 6)] rows: u32,
) -> impl IntoView {
    let name = field.name();
    let hint_id = hint.as_ref().map(|(id, _)| *id);
    view! {
        <div class="field">
            <label for=name>{children()}</label>
            {hint.map(|(id, text)| view! { <p class="hint" id=id>{text}</p> })}
            <FieldErrorText field errors />
            <textarea
                id=name
                name=name
                rows=rows
                aria-required="true"
                aria-invalid=invalid(errors, field)
                aria-describedby=described_by(errors, field, hint_id)
            >
                {value}
            </textarea>
        </div>
    }
}

/// A drop-down list of `options` (translated by [`choice_text`] under `field`'s name).
#[component]
pub fn Select(
    field: Field,
    errors: RwSignal<Vec<FieldError>>,
    value: String,
    options: &'static [&'static str],
    children: Children,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let name = field.name();
    let options = options
        .iter()
        .map(|option| {
            let selected = value == *option;
            view! { <option value=*option selected=selected>{move || choice_text(i18n, name, option)}</option> }
        })
        .collect_view();
    view! {
        <div class="field">
            <label for=name>{children()}</label>
            <FieldErrorText field errors />
            <select
                id=name
                name=name
                aria-required=required.then_some("true")
                aria-invalid=invalid(errors, field)
                aria-describedby=described_by(errors, field, None)
            >
                <option value="" selected=value.is_empty()>{t!(i18n, common.choose)}</option>
                {options}
            </select>
        </div>
    }
}

/// A group of checkboxes (several answers) or radio buttons (one answer).
#[component]
pub fn Choices(
    field: Field,
    errors: RwSignal<Vec<FieldError>>,
    chosen: Vec<String>,
    options: &'static [&'static str],
    children: Children,
    #[prop(default = "checkbox")] kind: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    let name = field.name();
    let items = options
        .iter()
        .map(|option| {
            let id = format!("{name}-{option}");
            let checked = chosen.iter().any(|c| c == option);
            view! {
                <div class="choice">
                    <input
                        type=kind
                        id=id.clone()
                        name=name
                        value=*option
                        checked=checked
                    />
                    <label for=id>{move || choice_text(i18n, name, option)}</label>
                </div>
            }
        })
        .collect_view();
    view! {
        <fieldset class="field choices" id=name aria-describedby=described_by(errors, field, None)>
            <legend>{children()}</legend>
            <FieldErrorText field errors />
            {items}
        </fieldset>
    }
}

/// `<option>`s for `(value, label)` pairs, the one equal to `selected` marked selected (the
/// desk's filter forms, which keep their choice in the address).
pub fn options_of(items: impl IntoIterator<Item = (String, String)>, selected: Option<&str>) -> AnyView {
    items
        .into_iter()
        .map(|(value, label)| {
            let is_selected = selected == Some(value.as_str());
            view! { <option value=value selected=is_selected>{label}</option> }
        })
        .collect_view()
        .into_any()
}

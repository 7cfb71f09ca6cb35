//! The language switch. On a page with a form its buttons send that form (so nothing typed
//! is lost; the server answers with the same page in the new language); elsewhere they are
//! links. Works without JavaScript either way.

use crate::{
    i18n::{t_string, use_i18n},
    locale::SWITCH,
};
use leptos::prelude::*;
use leptos_i18n::Locale as _;

#[component]
pub fn LangSwitch(#[prop(optional)] form: Option<&'static str>) -> impl IntoView {
    let i18n = use_i18n();
    let items = SWITCH
        .into_iter()
        .map(|(locale, name)| {
            let code = locale.as_str();
            let current = move || i18n.get_locale() == locale;
            let control = match form {
                Some(form_id) => view! {
                    <button type="submit" class="link-button" form=form_id name="switch_lang" value=code formnovalidate=true
                        lang=code aria-current=move || current().then_some("true")>
                        {name}
                    </button>
                }
                .into_any(),
                None => view! {
                    <a href=format!("?lang={code}") lang=code hreflang=code rel="external" aria-current=move || current().then_some("true")>{name}</a>
                }
                .into_any(),
            };
            view! { <li>{control}</li> }
        })
        .collect_view();
    view! {
        <nav class="lang-switch" aria-label=move || t_string!(i18n, common.language_switch).to_string()>
            <ul>{items}</ul>
        </nav>
    }
}

/// The form's real submit action, placed before the language buttons: pressing Enter in a
/// field sends the form with its first submit button, which must not be a language switch.
/// Hidden from sight and from screen readers; the visible submit button is at the end.
#[component]
pub fn DefaultSubmit(children: Children) -> impl IntoView {
    view! {
        <button type="submit" class="default-submit" tabindex="-1" aria-hidden="true">{children()}</button>
    }
}

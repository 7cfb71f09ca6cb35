//! The list of problems at the top of a form: announced when it appears, each item a link
//! to its field. The browser moves focus here when its own checks fail.

use super::messages::{field_label, rule_text};
use crate::{
    domain::intake::FieldError,
    i18n::{t, use_i18n},
};
use leptos::prelude::*;

#[component]
pub fn ErrorSummary(errors: RwSignal<Vec<FieldError>>) -> impl IntoView {
    let i18n = use_i18n();
    move || {
        let list = errors.get();
        (!list.is_empty()).then(|| {
            let items = list
                .into_iter()
                .map(|e| {
                    view! {
                        <li><a href=format!("#{}", e.field.name())>{field_label(i18n, e.field)}": "{rule_text(i18n, e.rule)}</a></li>
                    }
                })
                .collect_view();
            view! {
                <div class="error-summary" id="error-summary" role="alert" tabindex="-1" aria-labelledby="error-summary-title">
                    <h2 id="error-summary-title">{t!(i18n, errors.summary_title)}</h2>
                    <ul>{items}</ul>
                </div>
            }
        })
    }
}

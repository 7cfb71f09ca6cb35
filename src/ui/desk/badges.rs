//! Small pieces the queue and case pages share: how urgent a case is and when it is due,
//! each said in words (colour only repeats it). Both render once per load, as plain text.

use crate::{
    domain::Priority,
    i18n::{td_string, use_i18n},
    ui::components::messages::{date_time_text, priority_string, Lang},
};
use leptos::{either::Either, prelude::*};

/// A priority as a badge whose text says it (colour only repeats it).
#[component]
pub fn PriorityBadge(priority: Priority) -> impl IntoView {
    priority_badge(use_i18n(), priority)
}

/// [`PriorityBadge`] in the language `lang` gives.
pub fn priority_badge(lang: impl Lang, priority: Priority) -> impl IntoView {
    view! { <span class=format!("badge priority-{}", priority.as_str())>{priority_string(lang, priority)}</span> }
}

/// When a first response is due, with an "Overdue" badge once it has passed.
#[component]
pub fn DueText(due_at: Option<i64>, overdue: bool) -> impl IntoView {
    due_text(use_i18n(), due_at, overdue)
}

/// [`DueText`] in the language `lang` gives.
pub fn due_text(lang: impl Lang, due_at: Option<i64>, overdue: bool) -> impl IntoView {
    let locale = lang.locale();
    match due_at {
        Some(at) => Either::Left(view! {
            {overdue.then(|| view! { <span class="badge overdue">{td_string!(locale, desk.queue.overdue).to_string()}</span>" " })}
            <time>{date_time_text(locale, at)}</time>
        }),
        None => Either::Right(view! { <span class="muted">"—"</span> }),
    }
}

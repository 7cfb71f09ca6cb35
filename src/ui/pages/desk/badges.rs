//! Small pieces the queue and case pages share: how urgent a case is and when it is due,
//! each said in words (colour only repeats it).

use crate::{
    domain::Priority,
    i18n::{t, use_i18n},
    ui::components::messages::{date_time_text, priority_text},
};
use leptos::prelude::*;

/// A priority as a badge whose text says it (colour only repeats it).
#[component]
pub fn PriorityBadge(priority: Priority) -> impl IntoView {
    let i18n = use_i18n();
    view! { <span class=format!("badge priority-{}", priority.as_str())>{priority_text(i18n, priority)}</span> }
}

/// When a first response is due, with an "Overdue" badge once it has passed.
#[component]
pub fn DueText(due_at: Option<i64>, overdue: bool) -> impl IntoView {
    let i18n = use_i18n();
    match due_at {
        Some(at) => view! {
            {overdue.then(|| view! { <span class="badge overdue">{t!(i18n, desk.queue.overdue)}</span>" " })}
            <time>{move || date_time_text(i18n, at)}</time>
        }
        .into_any(),
        None => view! { <span class="muted">"—"</span> }.into_any(),
    }
}

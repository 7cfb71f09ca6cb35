//! Small pieces the queue and case pages share: how urgent a case is and when it is due,
//! each said in words (colour only repeats it). Both render once per load, as plain text.

use crate::{
    domain::Priority,
    i18n::{t_string, use_i18n},
    ui::components::messages::{date_time_text, priority_string},
};
use leptos::{either::Either, prelude::*};

/// A priority as a badge whose text says it (colour only repeats it).
#[component]
pub fn PriorityBadge(priority: Priority) -> impl IntoView {
    let i18n = use_i18n();
    view! { <span class=format!("badge priority-{}", priority.as_str())>{priority_string(i18n, priority)}</span> }
}

/// When a first response is due, with an "Overdue" badge once it has passed.
#[component]
pub fn DueText(due_at: Option<i64>, overdue: bool) -> impl IntoView {
    let i18n = use_i18n();
    match due_at {
        Some(at) => Either::Left(view! {
            {overdue.then(|| view! { <span class="badge overdue">{t_string!(i18n, desk.queue.overdue).to_string()}</span>" " })}
            <time>{date_time_text(i18n, at)}</time>
        }),
        None => Either::Right(view! { <span class="muted">"—"</span> }),
    }
}

//! A person's reset link on the team page: the form that makes it, with what it does, and
//! the link just made, shown once.

use crate::domain::TeamAction;
use crate::ui::components::desk_form::form_id;
use crate::{
    api::team::NewResetLink,
    i18n::{t, use_i18n},
};
use leptos::prelude::*;

/// A reset link just issued, for the person whose account it opens. Like an invitation
/// link, it is shown this once.
#[component]
pub fn NewResetLinkNotice(reset: NewResetLink) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="notice success new-link" role="status">
            <label for="new-reset-link">{t!(i18n, desk.team.reset_link_label)}": "{reset.login}</label>
            <p class="hint" id="new-reset-link-hint">{t!(i18n, desk.team.reset_link_hint)}</p>
            <input type="text" id="new-reset-link" name="reset-link" readonly=true value=reset.link aria-describedby="new-reset-link-hint" spellcheck="false" />
        </div>
    }
}

/// Issuing a reset link for a person: what it does, and the button that does it.
#[component]
pub fn ResetForm(person_id: String, login: String) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h3 id="reset-title">{t!(i18n, desk.team.reset_title)}</h3>
        <p id="reset-hint">{t!(i18n, desk.team.reset_hint)}</p>
        <form id=form_id("reset") method="post" action="/desk/team" aria-labelledby="reset-title" novalidate>
            <input type="hidden" name="action" value=TeamAction::Reset.as_str() />
            <input type="hidden" name="person" value=person_id />
            <button type="submit" class="danger" aria-describedby="reset-hint">
                {t!(i18n, desk.team.reset_submit)}<span class="visually-hidden">": "{login}</span>
            </button>
        </form>
    }
}

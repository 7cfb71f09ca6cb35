//! An embassy's retention on the team page: how many days a closed case is kept before it
//! is purged. Leads see their embassy's; admins set any embassy's (blank: the server's default).

use crate::domain::TeamAction;
use crate::ui::components::desk_form::{form_id, FieldError, Refused};
use crate::{
    api::{form::FormState, team::EmbassyOption},
    i18n::{t, use_i18n},
};
use leptos::prelude::*;

#[component]
pub fn RetentionForm(embassy: EmbassyOption, default_days: i64, admin: bool, state: Option<FormState>) -> impl IntoView {
    let i18n = use_i18n();
    let refused = Refused::of(&state, TeamAction::Retention.as_str());
    // Several retention forms share a name: only the one whose embassy was posted is refused.
    let refused = if refused.value_or("embassy", "") == embassy.id { refused } else { Refused::default() };
    let prefix = format!("retention-{}", embassy.id);
    let title_id = format!("{prefix}-title");
    let title = view! { <h3 id=title_id.clone()>{t!(i18n, desk.team.retention_title)}": "{embassy.name.clone()}" ("{embassy.code.clone()}")"</h3> };
    if !admin {
        let days = embassy.retention_days.unwrap_or(default_days);
        let default = embassy.retention_days.is_none().then(|| view! { " "{t!(i18n, desk.team.retention_default)} });
        let days_id = format!("{prefix}-days");
        return view! {
            <div class="change">
                {title}
                <p id=days_id>{t!(i18n, desk.team.retention_days)}": "<strong>{days}</strong>{default}</p>
            </div>
        }
        .into_any();
    }
    let form_dom_id = if refused.is_some() { form_id("retention") } else { format!("{prefix}-form") };
    let id = format!("{prefix}-days");
    let hint = format!("{id}-hint");
    let current = embassy.retention_days.map(|d| d.to_string()).unwrap_or_default();
    view! {
        <div class="change">
            {title}
            <form id=form_dom_id method="post" action="/desk/team" aria-labelledby=title_id novalidate>
                <input type="hidden" name="action" value=TeamAction::Retention.as_str() />
                <input type="hidden" name="embassy" value=embassy.id.clone() />
                <div class="field">
                    <label for=id.clone()>{t!(i18n, desk.team.retention_days)}</label>
                    <p class="hint" id=hint.clone()>{t!(i18n, desk.team.retention_hint, days = move || default_days)}</p>
                    <FieldError refused=refused.clone() field="days" id=id.clone() />
                    <input type="number" id=id.clone() name="days" class="short" min="1" max="3650" step="1" inputmode="numeric"
                        value=refused.value_or("days", current)
                        aria-invalid=refused.invalid("days") aria-describedby=refused.described_by("days", &id, Some(&hint)) />
                </div>
                <button type="submit">{t!(i18n, desk.team.retention_submit)}</button>
            </form>
        </div>
    }
    .into_any()
}

//! An embassy's insider threshold on the team page: how many distinct cases a person may
//! open in an hour before the dashboard flags them. Its lead or an admin sets it.

use crate::domain::TeamAction;
use crate::ui::components::desk_form::{form_id, FieldError, Refused};
use crate::{
    api::{form::FormState, team::EmbassyOption},
    i18n::{t, use_i18n},
};
use leptos::prelude::*;

#[component]
pub fn InsiderForm(embassy: EmbassyOption, state: Option<FormState>) -> impl IntoView {
    let i18n = use_i18n();
    let refused = Refused::of(&state, TeamAction::Insider.as_str());
    // Several of these forms share a name: only the one whose embassy was posted is refused.
    let refused = if refused.value_or("embassy", "") == embassy.id { refused } else { Refused::default() };
    let prefix = format!("insider-{}", embassy.id);
    let title_id = format!("{prefix}-title");
    let form_dom_id = if refused.is_some() { form_id(TeamAction::Insider.as_str()) } else { format!("{prefix}-form") };
    let id = format!("{prefix}-threshold");
    let hint = format!("{id}-hint");
    view! {
        <div class="change">
            <h3 id=title_id.clone()>{t!(i18n, desk.team.insider_title)}": "{embassy.name.clone()}" ("{embassy.code.clone()}")"</h3>
            <form id=form_dom_id method="post" action="/desk/team" aria-labelledby=title_id novalidate>
                <input type="hidden" name="action" value=TeamAction::Insider.as_str() />
                <input type="hidden" name="embassy" value=embassy.id.clone() />
                <div class="field">
                    <label for=id.clone()>{t!(i18n, desk.team.insider_threshold)}</label>
                    <p class="hint" id=hint.clone()>{t!(i18n, desk.team.insider_hint)}</p>
                    <FieldError refused=refused.clone() field="threshold" id=id.clone() />
                    <input type="number" id=id.clone() name="threshold" class="short" min="1" max="10000" step="1" inputmode="numeric"
                        value=refused.value_or("threshold", embassy.insider_threshold.to_string()) aria-required="true"
                        aria-invalid=refused.invalid("threshold") aria-describedby=refused.described_by("threshold", &id, Some(&hint)) />
                </div>
                <button type="submit">{t!(i18n, desk.team.insider_submit)}</button>
            </form>
        </div>
    }
}

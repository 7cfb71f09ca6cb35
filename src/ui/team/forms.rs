//! The forms of the team page: inviting someone (and the link, shown once), adding an
//! embassy, an embassy's service levels, and a person's role and queues (with their reset
//! link's form, [`super::reset`]).

use crate::domain::TeamAction;
use crate::ui::components::desk_form::{form_id, FieldError, Refused};
use crate::ui::team::reset::ResetForm;
use crate::{
    api::{
        desk::QueueOption,
        form::FormState,
        team::{EmbassyOption, PersonEditDto},
    },
    domain::Role,
    i18n::{t, use_i18n},
    ui::components::messages::role_text,
};
use leptos::prelude::*;

/// The invitation link just made. The server keeps only its keyed tag, so this is the one
/// chance to copy it.
#[component]
pub fn NewLink(link: String) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="notice success new-link" role="status">
            <label for="new-link">{t!(i18n, desk.team.new_link_label)}</label>
            <p class="hint" id="new-link-hint">{t!(i18n, desk.team.new_link_hint)}</p>
            <input type="text" id="new-link" name="invitation-link" readonly=true value=link aria-describedby="new-link-hint" spellcheck="false" />
        </div>
    }
}

/// The embassy a queue group belongs to, by whatever the page names it with.
fn group_name(embassies: &[EmbassyOption], key: &str) -> String {
    embassies.iter().find(|e| e.id == key || e.code == key || e.name == key).map(|e| e.name.clone()).unwrap_or_else(|| key.to_owned())
}

/// Inviting a person: their role, (admins) their embassy, and their queues.
#[component]
pub fn InviteForm(roles: Vec<Role>, embassies: Vec<EmbassyOption>, queues: Vec<(String, QueueOption)>, admin: bool, state: Option<FormState>) -> impl IntoView {
    let i18n = use_i18n();
    let refused = Refused::of(&state, TeamAction::Invite.as_str());
    let chosen_role = refused.value_or("role", "");
    let role_options =
        roles.into_iter().map(|r| view! { <option value=r.as_str() selected=chosen_role == r.as_str()>{role_text(i18n, r)}</option> }).collect_view();
    let chosen_embassy = refused.value_or("embassy", "");
    let embassy = admin.then(|| {
        let options = embassies
            .iter()
            .map(|e| {
                let selected = chosen_embassy == e.id;
                view! { <option value=e.id.clone() selected=selected>{e.name.clone()}" ("{e.code.clone()}")"</option> }
            })
            .collect_view();
        view! {
            <div class="field">
                <label for="invite-embassy">{t!(i18n, desk.team.invite_embassy)}</label>
                <p class="hint" id="invite-embassy-hint">{t!(i18n, desk.team.invite_embassy_hint)}</p>
                <FieldError refused=refused.clone() field="embassy" id="invite-embassy" />
                <select id="invite-embassy" name="embassy" aria-invalid=refused.invalid("embassy")
                    aria-describedby=refused.described_by("embassy", "invite-embassy", Some("invite-embassy-hint"))>
                    <option value="" selected=chosen_embassy.is_empty()>{t!(i18n, desk.team.no_embassy)}</option>
                    {options}
                </select>
            </div>
        }
    });
    let chosen_queues = refused.values("queues").unwrap_or_default();
    // Queues grouped by embassy, in the order the page gives them.
    let mut groups: Vec<(String, Vec<QueueOption>)> = Vec::new();
    for (key, queue) in queues {
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, list)) => list.push(queue),
            None => groups.push((key, vec![queue])),
        }
    }
    let many_groups = groups.len() > 1;
    let queue_boxes = groups
        .into_iter()
        .map(|(key, list)| {
            let boxes = queue_boxes("invite-queue", list, &chosen_queues);
            let heading = many_groups.then(|| view! { <p class="group-name">{group_name(&embassies, &key)}</p> });
            view! { {heading}{boxes} }
        })
        .collect_view();
    view! {
            <section aria-labelledby="invite-title">
                <h2 id="invite-title">{t!(i18n, desk.team.invite_title)}</h2>
                <p class="lead">{t!(i18n, desk.team.invite_lead)}</p>
                <form id=form_id("invite") method="post" action="/desk/team" novalidate>
    <input type="hidden" name="action" value=TeamAction::Invite.as_str() />
                    <div class="field">
                        <label for="invite-role">{t!(i18n, desk.team.invite_role)}</label>
                        <FieldError refused=refused.clone() field="role" id="invite-role" />
                        <select id="invite-role" name="role" aria-required="true" aria-invalid=refused.invalid("role")
                            aria-describedby=refused.described_by("role", "invite-role", None)>{role_options}</select>
                    </div>
                    {embassy}
                    <fieldset class="group" id="invite-queues" aria-describedby=refused.described_by("queues", "invite-queues", None)>
                        <legend>{t!(i18n, desk.team.invite_queues)}</legend>
                        <FieldError refused=refused.clone() field="queues" id="invite-queues" />
                        {queue_boxes}
                    </fieldset>
                    <button type="submit" class="primary">{t!(i18n, desk.team.invite_submit)}</button>
                </form>
            </section>
        }
}

/// An embassy's hours to first response by priority, and its workload limit.
#[component]
pub fn SlaForm(embassy: EmbassyOption, state: Option<FormState>) -> impl IntoView {
    let i18n = use_i18n();
    let refused = Refused::of(&state, TeamAction::Sla.as_str());
    // Several SLA forms share a name: only the one whose embassy was posted is refused.
    let refused = if refused.value_or("embassy", "") == embassy.id { refused } else { Refused::default() };
    let form_dom_id = if refused.is_some() { form_id("sla") } else { format!("sla-{}-form", embassy.id) };
    let prefix = format!("sla-{}", embassy.id);
    let fields = [("urgent", 0usize), ("high", 1), ("normal", 2), ("low", 3)]
        .into_iter()
        .map(|(name, i)| {
            let id = format!("{prefix}-{name}");
            let label = match name {
                "urgent" => t!(i18n, desk.team.sla_urgent).into_any(),
                "high" => t!(i18n, desk.team.sla_high).into_any(),
                "normal" => t!(i18n, desk.team.sla_normal).into_any(),
                _ => t!(i18n, desk.team.sla_low).into_any(),
            };
            view! {
                <div class="field">
                    <label for=id.clone()>{label}</label>
                    <FieldError refused=refused.clone() field=name id=id.clone() />
                    <input type="number" id=id.clone() name=name class="short" min="1" max="2160" step="1" inputmode="numeric"
                        value=refused.value_or(name, embassy.sla_hours[i].to_string()) aria-required="true"
                        aria-invalid=refused.invalid(name) aria-describedby=refused.described_by(name, &id, None) />
                </div>
            }
        })
        .collect_view();
    let title_id = format!("{prefix}-title");
    let overload_id = format!("{prefix}-overload");
    let overload_hint = format!("{overload_id}-hint");
    view! {
        <div class="change">
            <h3 id=title_id.clone()>{t!(i18n, desk.team.sla_title)}": "{embassy.name.clone()}" ("{embassy.code.clone()}")"</h3>
            <form id=form_dom_id method="post" action="/desk/team" aria-labelledby=title_id novalidate>
                <input type="hidden" name="action" value=TeamAction::Sla.as_str() />
                <input type="hidden" name="embassy" value=embassy.id.clone() />
                <fieldset class="group sla-hours">
                    <legend>{t!(i18n, desk.team.sla_hours_legend)}</legend>
                    {fields}
                </fieldset>
                <BusinessHoursFields prefix=prefix.clone() embassy=embassy.clone() refused=refused.clone() />
                <div class="field">
                    <label for=overload_id.clone()>{t!(i18n, desk.team.overload)}</label>
                    <p class="hint" id=overload_hint.clone()>{t!(i18n, desk.team.overload_hint)}</p>
                    <FieldError refused=refused.clone() field="overload" id=overload_id.clone() />
                    <input type="number" id=overload_id.clone() name="overload" class="short" min="1" max="1000" step="1" inputmode="numeric"
                        value=refused.value_or("overload", embassy.overload_threshold.to_string())
                        aria-invalid=refused.invalid("overload") aria-describedby=refused.described_by("overload", &overload_id, Some(&overload_hint)) />
                </div>
                <button type="submit">{t!(i18n, desk.team.sla_submit)}</button>
            </form>
        </div>
    }
}

/// A person's role (admins: volunteer or lead; an admin's, into an embassy) and queues,
/// opened from the people table; below it, their reset link.
#[component]
pub fn ChangePersonForm(person: PersonEditDto, state: Option<FormState>) -> impl IntoView {
    let i18n = use_i18n();
    let refused = Refused::of(&state, TeamAction::Change.as_str());
    let role = refused.value_or("role", person.role.as_str());
    // Leads give one role only: the choice shows when there is one, or when a role was refused.
    let role_field = if person.roles.len() > 1 || refused.error("role").is_some() {
        let options = person.roles.iter().map(|r| view! { <option value=r.as_str() selected=role == r.as_str()>{role_text(i18n, *r)}</option> }).collect_view();
        view! {
            <div class="field">
                <label for="change-role">{t!(i18n, desk.team.col_role)}</label>
                <p class="hint" id="change-role-hint">{t!(i18n, desk.team.change_role_hint)}</p>
                <FieldError refused=refused.clone() field="role" id="change-role" />
                <select id="change-role" name="role" aria-invalid=refused.invalid("role")
                    aria-describedby=refused.described_by("role", "change-role", Some("change-role-hint"))>{options}</select>
            </div>
        }
        .into_any()
    } else {
        view! { <input type="hidden" name="role" value=role /> }.into_any()
    };
    // An admin given another role joins an embassy.
    let chosen_embassy = refused.value_or("embassy", "");
    let embassy_field = (!person.embassies.is_empty()).then(|| {
        let options =
            person.embassies.iter().map(|(id, name)| view! { <option value=id.clone() selected=chosen_embassy == *id>{name.clone()}</option> }).collect_view();
        view! {
            <div class="field">
                <label for="change-embassy">{t!(i18n, desk.team.invite_embassy)}</label>
                <p class="hint" id="change-embassy-hint">{t!(i18n, desk.team.change_embassy_hint)}</p>
                <FieldError refused=refused.clone() field="embassy" id="change-embassy" />
                <select id="change-embassy" name="embassy" aria-invalid=refused.invalid("embassy")
                    aria-describedby=refused.described_by("embassy", "change-embassy", Some("change-embassy-hint"))>
                    <option value="" selected=chosen_embassy.is_empty()>{t!(i18n, desk.team.no_embassy)}</option>
                    {options}
                </select>
            </div>
        }
    });
    let chosen = refused.values("queues").unwrap_or(person.member_of.clone());
    let many_groups = !person.embassies.is_empty();
    let mut groups: Vec<(String, Vec<QueueOption>)> = Vec::new();
    for (key, queue) in person.queues {
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, list)) => list.push(queue),
            None => groups.push((key, vec![queue])),
        }
    }
    let boxes = groups
        .into_iter()
        .map(|(key, list)| {
            let heading = many_groups.then(|| {
                let name = person.embassies.iter().find(|(id, _)| *id == key).map(|(_, name)| name.clone()).unwrap_or(key);
                view! { <p class="group-name">{name}</p> }
            });
            view! { {heading}{queue_boxes("change-queue", list, &chosen)} }
        })
        .collect_view();
    let reset = person.resettable.then(|| view! { <ResetForm person_id=person.id.clone() login=person.login.clone() /> });
    view! {
        <section aria-labelledby="change-title">
            <h2 id="change-title">{t!(i18n, desk.team.change_title)}": "{person.login.clone()}</h2>
            <form id=form_id("change") method="post" action="/desk/team" novalidate>
                <input type="hidden" name="action" value=TeamAction::Change.as_str() />
                <input type="hidden" name="person" value=person.id.clone() />
                {role_field}
                {embassy_field}
                <fieldset class="group" id="change-queues" aria-describedby=refused.described_by("queues", "change-queues", None)>
                    <legend>{t!(i18n, desk.team.invite_queues)}</legend>
                    <FieldError refused=refused.clone() field="queues" id="change-queues" />
                    {boxes}
                </fieldset>
                <button type="submit" class="primary">{t!(i18n, desk.team.change_submit)}</button>
                " "<a href="/desk/team" rel="external">{t!(i18n, desk.team.change_cancel)}</a>
            </form>
            {reset}
        </section>
    }
}

/// A check box named `queues` for each queue, ticked when chosen; ids are `{prefix}-{queue id}`.
fn queue_boxes(prefix: &str, queues: Vec<QueueOption>, chosen: &[String]) -> impl IntoView {
    queues
        .into_iter()
        .map(|q| {
            let id = format!("{prefix}-{}", q.id);
            let checked = chosen.contains(&q.id);
            view! {
                <div class="choice">
                    <input type="checkbox" id=id.clone() name="queues" value=q.id checked=checked />
                    <label for=id>{q.name}</label>
                </div>
            }
        })
        .collect_view()
}

/// How an embassy counts the hours to a first response: calendar or business hours, its
/// opening hours per day in its time zone, and its holidays.
#[component]
fn BusinessHoursFields(prefix: String, embassy: EmbassyOption, refused: Refused) -> impl IntoView {
    let i18n = use_i18n();
    let counting = refused.value_or("counting", if embassy.business { "business" } else { "calendar" });
    let (calendar_id, business_id, hint_id) = (format!("{prefix}-calendar"), format!("{prefix}-business"), format!("{prefix}-counting-hint"));
    let hours_hint = format!("{prefix}-hours-hint");
    let days = crate::domain::service_hours::HOURS_FIELDS
        .into_iter()
        .enumerate()
        .map(|(i, name)| {
            let id = format!("{prefix}-{name}");
            let label = match i {
                0 => t!(i18n, desk.team.day_mon).into_any(),
                1 => t!(i18n, desk.team.day_tue).into_any(),
                2 => t!(i18n, desk.team.day_wed).into_any(),
                3 => t!(i18n, desk.team.day_thu).into_any(),
                4 => t!(i18n, desk.team.day_fri).into_any(),
                5 => t!(i18n, desk.team.day_sat).into_any(),
                _ => t!(i18n, desk.team.day_sun).into_any(),
            };
            let current = embassy.hours.get(i).cloned().unwrap_or_default();
            view! {
                <div class="field">
                    <label for=id.clone()>{label}</label>
                    <FieldError refused=refused.clone() field=name id=id.clone() />
                    <input type="text" id=id.clone() name=name class="short" placeholder="09:00-17:00" autocomplete="off" spellcheck="false"
                        value=refused.value_or(name, current) aria-invalid=refused.invalid(name)
                        aria-describedby=refused.described_by(name, &id, Some(&hours_hint)) />
                </div>
            }
        })
        .collect_view();
    let holidays_id = format!("{prefix}-holidays");
    let holidays_hint = format!("{holidays_id}-hint");
    view! {
        <fieldset class="group sla-counting" aria-describedby=hint_id.clone()>
            <legend>{t!(i18n, desk.team.counting_legend)}</legend>
            <p class="hint" id=hint_id.clone()>{t!(i18n, desk.team.counting_hint)}</p>
            <div class="field radio">
                <input type="radio" id=calendar_id.clone() name="counting" value="calendar" checked=counting != "business" />
                <label for=calendar_id>{t!(i18n, desk.team.counting_calendar)}</label>
            </div>
            <div class="field radio">
                <input type="radio" id=business_id.clone() name="counting" value="business" checked=counting == "business" />
                <label for=business_id>{t!(i18n, desk.team.counting_business)}</label>
            </div>
        </fieldset>
        <fieldset class="group business-hours">
            <legend>{t!(i18n, desk.team.hours_legend)}" ("{embassy.time_zone.clone()}")"</legend>
            <p class="hint" id=hours_hint.clone()>{t!(i18n, desk.team.hours_hint)}</p>
            {days}
        </fieldset>
        <div class="field">
            <label for=holidays_id.clone()>{t!(i18n, desk.team.holidays)}</label>
            <p class="hint" id=holidays_hint.clone()>{t!(i18n, desk.team.holidays_hint)}</p>
            <FieldError refused=refused.clone() field="holidays" id=holidays_id.clone() />
            <textarea id=holidays_id.clone() name="holidays" rows="4" aria-invalid=refused.invalid("holidays")
                aria-describedby=refused.described_by("holidays", &holidays_id, Some(&holidays_hint))>{refused.value_or("holidays", embassy.holidays.clone())}</textarea>
        </div>
    }
}

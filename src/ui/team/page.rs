//! The team page (leads: their embassy; admins: everyone): the people with their state, a
//! way to change, reset or deactivate them, invitations, and the embassies' service levels
//! and retention (admins: every embassy, and adding one).

use crate::domain::TeamAction;
use crate::ui::components::desk_form::{FormNotice, SavedNotice};
use crate::ui::components::desk_page::DeskLoading;
use crate::ui::components::desk_page::LoadProblem;
use crate::ui::team::forms::{ChangePersonForm, InviteForm, NewLink, SlaForm};
use crate::ui::team::insider::InsiderForm;
use crate::ui::team::reset::NewResetLinkNotice;
use crate::ui::team::retention::RetentionForm;
use crate::{
    api::team::{load_team_page, PersonDto, TeamPageDto},
    domain::Role,
    i18n::{t, use_i18n},
    ui::components::{
        desk_frame::DeskFrame,
        desk_table::DeskTable,
        messages::{date_time_text, role_text},
    },
};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn DeskTeamPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let page = Resource::new(move || query.with(|q| q.get("person").filter(|p| !p.is_empty())), load_team_page);
    view! {
        <Suspense fallback=|| view! { <DeskFrame><DeskLoading /></DeskFrame> }>
            {move || page.get().map(|r| match r {
                Ok(page) => view! { <DeskFrame me=page.me.clone()><TeamView page /></DeskFrame> }.into_any(),
                Err(error) => view! { <DeskFrame><LoadProblem error>{t!(i18n, desk.team.title)}</LoadProblem></DeskFrame> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn TeamView(page: TeamPageDto) -> impl IntoView {
    let i18n = use_i18n();
    let admin = page.me.role == Role::Admin;
    let form = page.form.clone();
    // Leads see (and may set) their own embassy's service levels; admins every embassy's.
    let sla_forms = page.embassies.iter().cloned().map(|embassy| view! { <SlaForm embassy state=form.clone() /> }).collect_view();
    // Leads see their embassy's retention; admins set every embassy's.
    let default_days = page.default_retention_days;
    let retention_forms =
        page.embassies.iter().cloned().map(|embassy| view! { <RetentionForm embassy default_days admin state=form.clone() /> }).collect_view();
    // The insider threshold: leads set their embassy's, admins every embassy's.
    let insider_forms = page.embassies.iter().cloned().map(|embassy| view! { <InsiderForm embassy state=form.clone() /> }).collect_view();
    let has_embassies = !page.embassies.is_empty();
    view! {
        <h1>{t!(i18n, desk.team.title)}</h1>
        <FormNotice state=page.form.clone() />
        <SavedNotice />
        {page.new_link.map(|link| view! { <NewLink link /> })}
        {page.new_reset.map(|reset| view! { <NewResetLinkNotice reset /> })}
        {page.editing.map(|person| view! { <ChangePersonForm person state=form.clone() /> })}
        <People people=page.people />
        <InviteForm roles=page.roles embassies=page.embassies.clone() queues=page.queues admin state=form.clone() />
        {(admin || has_embassies).then(|| view! {
            <section aria-labelledby="embassies-title">
                <h2 id="embassies-title">{t!(i18n, desk.team.embassies_title)}</h2>
                {sla_forms}
                {retention_forms}
                {insider_forms}
                <p id="embassies-link"><a href="/desk/embassies" rel="external">{t!(i18n, desk.team.embassies_link)}</a></p>
            </section>
        })}
    }
}

#[component]
fn People(people: Vec<PersonDto>) -> impl IntoView {
    let i18n = use_i18n();
    let yes_no = move |yes: bool| if yes { t!(i18n, desk.team.yes).into_any() } else { t!(i18n, desk.team.no).into_any() };
    let rows = people
        .into_iter()
        .map(|person| {
            let last = person.last_login_at;
            let person_id = person.id.clone();
            let change = person.changeable.then(|| {
                let href = format!("/desk/team?person={}#change-title", person.id);
                let login = person.login.clone();
                view! {
                    <a href=href rel="external" class="change-link">
                        {t!(i18n, desk.team.change)}<span class="visually-hidden">": "{login}</span>
                    </a>
                }
            });
            let deactivate = person.active.then(|| {
                let login = person.login.clone();
                view! {
                    <form method="post" action="/desk/team" class="inline-form">
                        <input type="hidden" name="action" value=TeamAction::Deactivate.as_str() />
                        <input type="hidden" name="person" value=person_id />
                        <button type="submit" class="danger">
                            {t!(i18n, desk.team.deactivate)}<span class="visually-hidden">": "{login}</span>
                        </button>
                    </form>
                }
            });
            view! {
                <tr class:inactive=!person.active>
                    <th scope="row">{person.login}</th>
                    <td>{role_text(i18n, person.role)}</td>
                    <td>{person.embassy.unwrap_or_else(|| "—".to_owned())}</td>
                    <td>{if person.queues.is_empty() { "—".to_owned() } else { person.queues.join(", ") }}</td>
                    <td>{yes_no(person.totp)}</td>
                    <td>{yes_no(person.active)}</td>
                    <td>{match last {
                        Some(at) => view! { <time>{move || date_time_text(i18n, at)}</time> }.into_any(),
                        None => view! { <span class="muted">{t!(i18n, desk.team.never)}</span> }.into_any(),
                    }}</td>
                    <td>{change}" "{deactivate}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section aria-labelledby="people-title">
            <h2 id="people-title">{t!(i18n, desk.team.people_title)}</h2>
            <DeskTable caption_id="people-caption" caption=t!(i18n, desk.team.people_caption).into_any()
                head=view! {
                    <th scope="col">{t!(i18n, desk.team.col_login)}</th>
                    <th scope="col">{t!(i18n, desk.team.col_role)}</th>
                    <th scope="col">{t!(i18n, desk.team.col_embassy)}</th>
                    <th scope="col">{t!(i18n, desk.team.col_queues)}</th>
                    <th scope="col">{t!(i18n, desk.team.col_totp)}</th>
                    <th scope="col">{t!(i18n, desk.team.col_active)}</th>
                    <th scope="col">{t!(i18n, desk.team.col_last_login)}</th>
                    <th scope="col">{t!(i18n, desk.team.col_actions)}</th>
                }.into_any()>
                {rows}
            </DeskTable>
        </section>
    }
}

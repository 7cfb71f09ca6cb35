//! The embassies page. Admins open an embassy in any country, name it in Belarusian,
//! Russian and English, set its desk's time zone and route further countries to it; leads
//! (their embassy) and admins (any) rename, add and retire its queues.

use crate::domain::{countries, EmbassiesAction, Role};
use crate::ui::components::desk_form::{form_id, FieldError, FormNotice, Refused, SavedNotice};
use crate::ui::components::desk_page::{DeskLoading, LoadProblem};
use crate::{
    api::{
        embassies::{load_embassies_page, EmbassiesPageDto, EmbassyDto, EmbassyQueueDto},
        form::FormState,
    },
    i18n::{t, use_i18n},
    ui::components::{desk_frame::DeskFrame, messages::choice_text},
};
use leptos::prelude::*;

#[component]
pub fn DeskEmbassiesPage() -> impl IntoView {
    let i18n = use_i18n();
    let page = Resource::new(|| (), |()| load_embassies_page());
    view! {
        <Suspense fallback=|| view! { <DeskFrame><DeskLoading /></DeskFrame> }>
            {move || page.get().map(|r| match r {
                Ok(page) => view! { <DeskFrame me=page.me.clone()><EmbassiesView page /></DeskFrame> }.into_any(),
                Err(error) => view! { <DeskFrame><LoadProblem error>{t!(i18n, desk.embassies.title)}</LoadProblem></DeskFrame> }.into_any(),
            })}
        </Suspense>
    }
}

/// The reader's language code (be, ru, en, uk, pl, lt).
fn language() -> &'static str {
    leptos_i18n::Locale::as_str(use_i18n().get_locale_untracked())
}

/// `(code, name)` of `codes` in the reader's language, by name.
fn named_countries(codes: &[String]) -> Vec<(String, &'static str)> {
    let language = language();
    let mut named: Vec<(String, &'static str)> = codes.iter().map(|c| (c.clone(), countries::name(c, language).unwrap_or("?"))).collect();
    named.sort_by(|a, b| a.1.cmp(b.1));
    named
}

/// Options of a country select: `codes` by name in the reader's language, `chosen` selected.
fn country_options(codes: &[String], chosen: &str) -> impl IntoView {
    named_countries(codes)
        .into_iter()
        .map(|(code, name)| {
            let selected = code == chosen;
            let label = format!("{name} ({code})");
            view! { <option value=code selected=selected>{label}</option> }
        })
        .collect_view()
}

#[component]
fn EmbassiesView(page: EmbassiesPageDto) -> impl IntoView {
    let i18n = use_i18n();
    let admin = page.me.role == Role::Admin;
    let free = page.free_countries.clone();
    let sections =
        page.embassies.iter().cloned().map(|embassy| view! { <EmbassySection embassy admin free=free.clone() state=page.form.clone() /> }).collect_view();
    view! {
        <h1>{t!(i18n, desk.embassies.title)}</h1>
        <FormNotice state=page.form.clone() />
        <SavedNotice />
        <p class="lead">{if admin { t!(i18n, desk.embassies.lead_admin).into_any() } else { t!(i18n, desk.embassies.lead_lead).into_any() }}</p>
        {admin.then(|| view! {
            <datalist id="zones">{countries::zones().iter().map(|z| view! { <option value=*z></option> }).collect_view()}</datalist>
            <CreateEmbassy free=page.free_countries.clone() state=page.form.clone() />
        })}
        {sections}
    }
}

/// The three name fields and the zone of an embassy form, ids prefixed with `prefix`.
#[component]
fn NameFields(prefix: String, refused: Refused, be: String, ru: String, en: String, zone: String) -> impl IntoView {
    let i18n = use_i18n();
    let hint = format!("{prefix}-names-hint");
    let zone_hint = format!("{prefix}-zone-hint");
    let zone_id = format!("{prefix}-zone");
    let (field_hint, field_refused) = (hint.clone(), refused.clone());
    let field = move |name: &'static str, label: AnyView, current: String| {
        let (hint, refused) = (&field_hint, &field_refused);
        let id = format!("{prefix}-{name}");
        view! {
            <div class="field">
                <label for=id.clone()>{label}</label>
                <FieldError refused=refused.clone() field=name id=id.clone() />
                <input type="text" id=id.clone() name=name maxlength="120" value=refused.value_or(name, current)
                    aria-invalid=refused.invalid(name) aria-describedby=refused.described_by(name, &id, Some(hint)) />
            </div>
        }
    };
    view! {
        <p class="hint" id=hint.clone()>{t!(i18n, desk.embassies.names_hint)}</p>
        {field("name_be", t!(i18n, desk.embassies.name_be).into_any(), be)}
        {field("name_ru", t!(i18n, desk.embassies.name_ru).into_any(), ru)}
        {field("name_en", t!(i18n, desk.embassies.name_en).into_any(), en)}
        <div class="field">
            <label for=zone_id.clone()>{t!(i18n, desk.embassies.zone)}</label>
            <p class="hint" id=zone_hint.clone()>{t!(i18n, desk.embassies.zone_hint)}</p>
            <FieldError refused=refused.clone() field="zone" id=zone_id.clone() />
            <input type="text" id=zone_id.clone() name="zone" list="zones" autocomplete="off" spellcheck="false" value=refused.value_or("zone", zone)
                aria-invalid=refused.invalid("zone") aria-describedby=refused.described_by("zone", &zone_id, Some(&zone_hint)) />
        </div>
    }
}

/// Opening an embassy (admins): its country, names and zone.
#[component]
fn CreateEmbassy(free: Vec<String>, state: Option<FormState>) -> impl IntoView {
    let i18n = use_i18n();
    let name = EmbassiesAction::Create.as_str();
    let refused = Refused::of(&state, name);
    let chosen = refused.value_or("country", "");
    view! {
        <section aria-labelledby="create-title">
            <h2 id="create-title">{t!(i18n, desk.embassies.create_title)}</h2>
            <form id=form_id(name) method="post" action="/desk/embassies" novalidate>
                <input type="hidden" name="action" value=name />
                <div class="field">
                    <label for="create-country">{t!(i18n, desk.embassies.country)}</label>
                    <p class="hint" id="create-country-hint">{t!(i18n, desk.embassies.country_hint)}</p>
                    <FieldError refused=refused.clone() field="country" id="create-country" />
                    <select id="create-country" name="country" aria-required="true" aria-invalid=refused.invalid("country")
                        aria-describedby=refused.described_by("country", "create-country", Some("create-country-hint"))>
                        <option value="">{t!(i18n, common.choose)}</option>
                        {country_options(&free, &chosen)}
                    </select>
                </div>
                <NameFields prefix="create".into() refused=refused.clone() be=String::new() ru=String::new() en=String::new() zone=String::new() />
                <button type="submit" class="primary">{t!(i18n, desk.embassies.create_submit)}</button>
            </form>
        </section>
    }
}

/// One embassy: its names and zone (admins change them), its countries (admins route
/// them) and its queues.
#[component]
fn EmbassySection(embassy: EmbassyDto, admin: bool, free: Vec<String>, state: Option<FormState>) -> impl IntoView {
    let i18n = use_i18n();
    let id = embassy.id.clone();
    let prefix = format!("embassy-{}", embassy.code);
    let heading = format!("{prefix}-title");
    let queues_state = state.clone();
    // Only the form of the embassy that was posted shows what was refused.
    let refused_for = move |action: EmbassiesAction| {
        let refused = Refused::of(&state, action.as_str());
        if refused.value_or("embassy", "") == id {
            refused
        } else {
            Refused::default()
        }
    };
    let dom_id = |refused: &Refused, action: EmbassiesAction, own: String| if refused.is_some() { form_id(action.as_str()) } else { own };
    let change = admin.then(|| {
        let refused = refused_for(EmbassiesAction::Change);
        let form_dom = dom_id(&refused, EmbassiesAction::Change, format!("{prefix}-change-form"));
        let open = refused.is_some();
        view! {
            <details class="embassy-names" open=open>
                <summary>{t!(i18n, desk.embassies.names_title)}</summary>
                <form id=form_dom method="post" action="/desk/embassies" novalidate>
                    <input type="hidden" name="action" value=EmbassiesAction::Change.as_str() />
                    <input type="hidden" name="embassy" value=embassy.id.clone() />
                    <NameFields prefix=prefix.clone() refused be=embassy.name_be.clone() ru=embassy.name_ru.clone() en=embassy.name_en.clone()
                        zone=embassy.time_zone.clone() />
                    <button type="submit">{t!(i18n, desk.embassies.save)}</button>
                </form>
            </details>
        }
    });
    let countries = if embassy.is_default {
        view! { <p id=format!("{prefix}-countries")>{t!(i18n, desk.embassies.default_desk)}</p> }.into_any()
    } else {
        let refused = refused_for(EmbassiesAction::CountryAdd);
        let form_dom = dom_id(&refused, EmbassiesAction::CountryAdd, format!("{prefix}-route-form"));
        let select_id = format!("{prefix}-route");
        let chosen = refused.value_or("country", "");
        let listed = named_countries(&embassy.countries)
            .into_iter()
            .map(|(code, name)| {
                let remove = admin.then(|| {
                    view! {
                        <form method="post" action="/desk/embassies" class="inline-form">
                            <input type="hidden" name="action" value=EmbassiesAction::CountryRemove.as_str() />
                            <input type="hidden" name="embassy" value=embassy.id.clone() />
                            <input type="hidden" name="country" value=code.clone() />
                            <button type="submit" class="danger">{t!(i18n, desk.embassies.remove_country)}<span class="visually-hidden">": "{name}</span></button>
                        </form>
                    }
                });
                let label = format!("{name} ({code})");
                view! { <li data-country=code>{label}{remove}</li> }
            })
            .collect_view();
        let add = admin.then(|| {
            view! {
                <form id=form_dom method="post" action="/desk/embassies" class="inline-form" novalidate>
                    <input type="hidden" name="action" value=EmbassiesAction::CountryAdd.as_str() />
                    <input type="hidden" name="embassy" value=embassy.id.clone() />
                    <div class="field">
                        <label for=select_id.clone()>{t!(i18n, desk.embassies.add_country)}</label>
                        <FieldError refused=refused.clone() field="country" id=select_id.clone() />
                        <select id=select_id.clone() name="country" aria-invalid=refused.invalid("country")
                            aria-describedby=refused.described_by("country", &select_id, None)>
                            <option value="">{t!(i18n, common.choose)}</option>
                            {country_options(&free, &chosen)}
                        </select>
                    </div>
                    <button type="submit">{t!(i18n, desk.embassies.add_country_submit)}</button>
                </form>
            }
        });
        view! {
            <h3>{t!(i18n, desk.embassies.countries_title)}</h3>
            <p class="hint">{t!(i18n, desk.embassies.countries_hint)}</p>
            <ul class="countries" id=format!("{prefix}-countries")>{listed}</ul>
            {add}
        }
        .into_any()
    };
    let language = language();
    view! {
        <section aria-labelledby=heading.clone() class="embassy" id=prefix.clone()>
            <h2 id=heading.clone()>{embassy.name_in(language).to_owned()}</h2>
            <p class="embassy-zone">{t!(i18n, desk.embassies.zone)}": "<span id=format!("{prefix}-zone-now")>{embassy.time_zone.clone()}</span></p>
            {change}
            {countries}
            <Queues embassy_id=embassy.id.clone() prefix=prefix.clone() queues=embassy.queues.clone() state=queues_state />
        </section>
    }
}

/// The category a queue takes, or the general queue's role.
fn queue_role(i18n: leptos_i18n::I18nContext<crate::i18n::Locale>, queue: &EmbassyQueueDto) -> AnyView {
    match (&queue.category, queue.general) {
        (_, true) => t!(i18n, desk.embassies.general).into_any(),
        (Some(category), false) => choice_text(i18n, "categories", category).into_any(),
        (None, false) => t!(i18n, desk.embassies.no_category).into_any(),
    }
}

/// An embassy's queues: rename each, retire all but the general one (its cases moved to
/// another), add one.
#[component]
fn Queues(embassy_id: String, prefix: String, queues: Vec<EmbassyQueueDto>, state: Option<FormState>) -> impl IntoView {
    let i18n = use_i18n();
    let posted_queue = |action: EmbassiesAction| {
        let refused = Refused::of(&state, action.as_str());
        (refused.value_or("queue", ""), refused)
    };
    let (renamed, rename_refused) = posted_queue(EmbassiesAction::QueueRename);
    let (retired, retire_refused) = posted_queue(EmbassiesAction::QueueRetire);
    let rows = queues
        .iter()
        .map(|queue| {
            let qid = queue.id.clone();
            let rename_refused = if renamed == qid { rename_refused.clone() } else { Refused::default() };
            let retire_refused = if retired == qid { retire_refused.clone() } else { Refused::default() };
            let name_id = format!("queue-{qid}-name");
            let into_id = format!("queue-{qid}-into");
            let rename_form = if rename_refused.is_some() { form_id(EmbassiesAction::QueueRename.as_str()) } else { format!("queue-{qid}-rename-form") };
            let retire_form = if retire_refused.is_some() { form_id(EmbassiesAction::QueueRetire.as_str()) } else { format!("queue-{qid}-retire-form") };
            let chosen_into = retire_refused.value_or("into", "");
            let others = queues
                .iter()
                .filter(|o| o.id != qid)
                .map(|o| {
                    let selected = o.id == chosen_into;
                    view! { <option value=o.id.clone() selected=selected>{o.name.clone()}</option> }
                })
                .collect_view();
            let retire = (!queue.general).then(|| {
                view! {
                    <form id=retire_form method="post" action="/desk/embassies" class="inline-form" novalidate>
                        <input type="hidden" name="action" value=EmbassiesAction::QueueRetire.as_str() />
                        <input type="hidden" name="queue" value=qid.clone() />
                        <div class="field">
                            <label for=into_id.clone()>{t!(i18n, desk.embassies.retire_into)}</label>
                            <FieldError refused=retire_refused.clone() field="into" id=into_id.clone() />
                            <select id=into_id.clone() name="into" aria-invalid=retire_refused.invalid("into")
                                aria-describedby=retire_refused.described_by("into", &into_id, None)>
                                <option value="">{t!(i18n, common.choose)}</option>
                                {others}
                            </select>
                        </div>
                        <button type="submit" class="danger">{t!(i18n, desk.embassies.retire)}<span class="visually-hidden">": "{queue.name.clone()}</span></button>
                    </form>
                }
            });
            view! {
                <tr data-queue=qid.clone()>
                    <td>
                        <form id=rename_form method="post" action="/desk/embassies" class="inline-form" novalidate>
                            <input type="hidden" name="action" value=EmbassiesAction::QueueRename.as_str() />
                            <input type="hidden" name="queue" value=qid.clone() />
                            <div class="field">
                                <label for=name_id.clone() class="visually-hidden">{t!(i18n, desk.embassies.queue_name)}</label>
                                <FieldError refused=rename_refused.clone() field="name" id=name_id.clone() />
                                <input type="text" id=name_id.clone() name="name" maxlength="60" value=rename_refused.value_or("name", queue.name.clone())
                                    aria-invalid=rename_refused.invalid("name") aria-describedby=rename_refused.described_by("name", &name_id, None) />
                            </div>
                            <button type="submit">{t!(i18n, desk.embassies.rename)}<span class="visually-hidden">": "{queue.name.clone()}</span></button>
                        </form>
                    </td>
                    <td>{queue_role(i18n, queue)}</td>
                    <td class="number">{queue.cases}</td>
                    <td class="number">{queue.members}</td>
                    <td>{retire}</td>
                </tr>
            }
        })
        .collect_view();
    let add_refused = {
        let refused = Refused::of(&state, EmbassiesAction::QueueAdd.as_str());
        if refused.value_or("embassy", "") == embassy_id {
            refused
        } else {
            Refused::default()
        }
    };
    let add_form = if add_refused.is_some() { form_id(EmbassiesAction::QueueAdd.as_str()) } else { format!("{prefix}-queue-add-form") };
    let (add_name, add_category) = (format!("{prefix}-queue-name"), format!("{prefix}-queue-category"));
    let chosen_category = add_refused.value_or("category", "");
    let categories = crate::domain::Category::ALL
        .into_iter()
        .filter(|c| *c != crate::domain::Category::Other)
        .map(|c| {
            let selected = c.as_str() == chosen_category;
            view! { <option value=c.as_str() selected=selected>{choice_text(i18n, "categories", c.as_str())}</option> }
        })
        .collect_view();
    view! {
        <h3>{t!(i18n, desk.embassies.queues_title)}</h3>
        <table class="queues-table" id=format!("{prefix}-queues")>
            <thead>
                <tr>
                    <th scope="col">{t!(i18n, desk.embassies.queue_name)}</th>
                    <th scope="col">{t!(i18n, desk.embassies.col_category)}</th>
                    <th scope="col">{t!(i18n, desk.embassies.col_cases)}</th>
                    <th scope="col">{t!(i18n, desk.embassies.col_people)}</th>
                    <th scope="col">{t!(i18n, desk.embassies.col_retire)}</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
        <form id=add_form method="post" action="/desk/embassies" class="inline-form" novalidate>
            <input type="hidden" name="action" value=EmbassiesAction::QueueAdd.as_str() />
            <input type="hidden" name="embassy" value=embassy_id.clone() />
            <div class="field">
                <label for=add_name.clone()>{t!(i18n, desk.embassies.add_queue)}</label>
                <FieldError refused=add_refused.clone() field="name" id=add_name.clone() />
                <input type="text" id=add_name.clone() name="name" maxlength="60" value=add_refused.value_or("name", "")
                    aria-invalid=add_refused.invalid("name") aria-describedby=add_refused.described_by("name", &add_name, None) />
            </div>
            <div class="field">
                <label for=add_category.clone()>{t!(i18n, desk.embassies.add_queue_category)}</label>
                <FieldError refused=add_refused.clone() field="category" id=add_category.clone() />
                <select id=add_category.clone() name="category" aria-invalid=add_refused.invalid("category")
                    aria-describedby=add_refused.described_by("category", &add_category, None)>
                    <option value="">{t!(i18n, desk.embassies.no_category)}</option>
                    {categories}
                </select>
            </div>
            <button type="submit">{t!(i18n, desk.embassies.add_queue_submit)}</button>
        </form>
    }
}

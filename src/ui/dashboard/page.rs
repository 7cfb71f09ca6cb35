//! The leads' dashboard: a filter (embassy, queue, date range) in the address, the figures
//! at a glance, people who opened unusually many cases in the last hour, cases opened per
//! hour, open cases by queue and status, the weekly chart, workload per person and the
//! category mix. Every count links to the queue page filtered to match, and the same
//! figures download as CSV.

use crate::ui::components::desk_form::{FieldError, FormNotice, Refused};
use crate::ui::components::desk_page::DeskLoading;
use crate::ui::components::desk_page::LoadProblem;
use crate::ui::components::desk_text::age_text;
use crate::ui::dashboard::charts::{CategoryMix, IntakeChart, WeeklyChart};
use crate::ui::dashboard::signals::Insiders;
use crate::{
    api::dashboard::{load_dashboard, DashboardDto, DashboardFilter, MedianDto, QueueLoadDto, WorkloadDto},
    domain::{percent_encode, Date, Role},
    i18n::{t, use_i18n},
    ui::components::{
        desk_frame::DeskFrame,
        desk_table::DeskTable,
        inputs::options_of,
        messages::{date_text, desk_status_text, role_text},
    },
};
use leptos::prelude::*;
use leptos_router::{hooks::use_query_map, params::ParamsMap};

#[component]
pub fn DeskDashboardPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let page = Resource::new(move || query.with(filter_from_query), load_dashboard);
    view! {
        <Suspense fallback=|| view! { <DeskFrame><DeskLoading /></DeskFrame> }>
            {move || page.get().map(|r| match r {
                Ok(page) => view! { <DeskFrame me=page.me.clone()><DashboardView page /></DeskFrame> }.into_any(),
                Err(error) => view! { <DeskFrame><LoadProblem error>{t!(i18n, desk.dashboard.title)}</LoadProblem></DeskFrame> }.into_any(),
            })}
        </Suspense>
    }
}

fn filter_from_query(query: &ParamsMap) -> DashboardFilter {
    let text = |key: &str| query.get(key).filter(|v| !v.is_empty());
    DashboardFilter { embassy: text("embassy"), queue: text("queue"), from: text("from"), to: text("to") }
}

/// Where the counts are: the chosen embassy (admins) and queue, if any.
#[derive(Clone, Copy)]
struct Within<'a> {
    embassy: Option<&'a str>,
    queue: Option<&'a str>,
}

impl<'a> Within<'a> {
    fn of(filter: &'a DashboardFilter) -> Self {
        Within { embassy: filter.embassy.as_deref().filter(|e| !e.is_empty()), queue: filter.queue.as_deref().filter(|q| !q.is_empty()) }
    }
    fn queue(queue: &'a str) -> Self {
        Within { embassy: None, queue: Some(queue) }
    }
}

/// The queue page filtered by `parts` (`status=…`, `assignee=…`, …) within `within`.
fn queue_href(within: Within, parts: &[&str]) -> String {
    let mut all: Vec<String> = match (within.queue, within.embassy) {
        // A queue belongs to one embassy.
        (Some(q), _) => vec![format!("queue={}", percent_encode(q))],
        (None, Some(e)) => vec![format!("embassy={}", percent_encode(e))],
        (None, None) => Vec::new(),
    };
    all.extend(parts.iter().map(|p| (*p).to_owned()));
    if all.is_empty() {
        "/desk".to_owned()
    } else {
        format!("/desk?{}", all.join("&"))
    }
}

/// A count that links to the matching queue page.
#[component]
fn CountLink(n: i64, href: String) -> impl IntoView {
    view! { <a href=href rel="external" class="count">{n}</a> }
}

#[component]
fn DashboardView(page: DashboardDto) -> impl IntoView {
    let i18n = use_i18n();
    let effective = DashboardFilter { from: Some(page.from.clone()), to: Some(page.to.clone()), ..page.filter.clone() };
    let csv_href = format!("/desk/dashboard.csv?{}", effective.query());
    let admin = page.me.role == Role::Admin;
    view! {
        <h1>{t!(i18n, desk.dashboard.title)}</h1>
        <FormNotice state=page.form.clone() />
        <Filters page=page.clone() />
        <p class="export"><a href=csv_href rel="external" download="" id="export-csv">{t!(i18n, desk.dashboard.export)}</a></p>
        <Glance page=page.clone() />
        <Insiders people=page.insiders.clone() admin />
        <IntakeChart hours=page.intake.clone() />
        <QueueTable rows=page.by_queue.clone() />
        <WeeklyChart weeks=page.weeks.clone() />
        <Workload rows=page.workload.clone() admin filter=page.filter.clone() />
        <CategoryMix categories=page.categories.clone() />
    }
}

#[component]
fn Filters(page: DashboardDto) -> impl IntoView {
    let i18n = use_i18n();
    let refused = Refused::any(page.form.clone());
    let embassy_options = options_of(page.embassies.iter().map(|e| (e.id.clone(), e.name.clone())), page.filter.embassy.as_deref());
    let queue_options = options_of(page.queues.iter().map(|q| (q.id.clone(), q.name.clone())), page.filter.queue.as_deref());
    let from = refused.value_or("from", page.from.clone());
    let to = refused.value_or("to", page.to.clone());
    let all_embassies = (page.embassies.len() > 1).then(|| view! { <option value="">{t!(i18n, desk.dashboard.all_embassies)}</option> });
    view! {
        <form method="get" action="/desk/dashboard" class="filters" id="dashboard-form" aria-labelledby="dash-filter-title" novalidate>
            <h2 id="dash-filter-title">{t!(i18n, desk.queue.filter_title)}</h2>
            <div class="filter-fields">
                <div class="field">
                    <label for="d-embassy">{t!(i18n, desk.dashboard.f_embassy)}</label>
                    <select id="d-embassy" name="embassy">{all_embassies}{embassy_options}</select>
                </div>
                <div class="field">
                    <label for="d-queue">{t!(i18n, desk.queue.f_queue)}</label>
                    <select id="d-queue" name="queue">
                        <option value="">{t!(i18n, desk.dashboard.all_queues)}</option>
                        {queue_options}
                    </select>
                </div>
                <div class="field">
                    <label for="d-from">{t!(i18n, desk.dashboard.f_from)}</label>
                    <FieldError refused=refused.clone() field="from" id="d-from" />
                    <input type="date" id="d-from" name="from" value=from aria-invalid=refused.invalid("from")
                        aria-describedby=refused.described_by("from", "d-from", None) />
                </div>
                <div class="field">
                    <label for="d-to">{t!(i18n, desk.dashboard.f_to)}</label>
                    <FieldError refused=refused.clone() field="to" id="d-to" />
                    <input type="date" id="d-to" name="to" value=to aria-invalid=refused.invalid("to")
                        aria-describedby=refused.described_by("to", "d-to", None) />
                </div>
            </div>
            <button type="submit">{t!(i18n, desk.dashboard.apply)}</button>
        </form>
    }
}

/// A duration in hours below two days, else in days, one decimal.
fn duration_view(seconds: i64) -> AnyView {
    let i18n = use_i18n();
    if seconds < 48 * 3600 {
        let value = format!("{:.1}", seconds as f64 / 3600.0);
        t!(i18n, desk.dashboard.hours, value = move || value.clone()).into_any()
    } else {
        let value = format!("{:.1}", seconds as f64 / 86400.0);
        t!(i18n, desk.dashboard.days, value = move || value.clone()).into_any()
    }
}

#[component]
fn MedianCell(median: MedianDto) -> impl IntoView {
    let i18n = use_i18n();
    let cases = u32::try_from(median.cases).unwrap_or(u32::MAX);
    match median.seconds {
        Some(s) => view! { {duration_view(s)}" "<span class="muted">"("{t!(i18n, desk.dashboard.of_cases, count = move || cases)}")"</span> }.into_any(),
        None => view! { <span class="muted">{t!(i18n, desk.dashboard.no_data)}</span> }.into_any(),
    }
}

#[component]
fn Glance(page: DashboardDto) -> impl IntoView {
    let i18n = use_i18n();
    let queue = Within::of(&page.filter);
    let oldest = page.oldest_unassigned_days.map(|d| view! { " "<span class="muted">"("{t!(i18n, desk.dashboard.oldest)}" "{age_text(i18n, d)}")"</span> });
    let medians = |m: &[MedianDto]| m.iter().cloned().map(|m| view! { <td><MedianCell median=m /></td> }).collect_view();
    view! {
        <section aria-labelledby="glance-title">
            <h2 id="glance-title">{t!(i18n, desk.dashboard.glance_title)}</h2>
            <dl class="glance">
                <div><dt>{t!(i18n, desk.dashboard.open)}</dt><dd><CountLink n=page.open href=queue_href(queue, &[]) /></dd></div>
                <div><dt>{t!(i18n, desk.dashboard.unassigned)}</dt>
                    <dd id="unassigned-total"><CountLink n=page.unassigned href=queue_href(queue, &["assignee=unassigned"]) />{oldest}</dd></div>
                <div><dt>{t!(i18n, desk.dashboard.overdue)}</dt>
                    <dd id="overdue-total"><CountLink n=page.overdue href=queue_href(queue, &["overdue=1"]) /></dd></div>
                <div><dt>{t!(i18n, desk.dashboard.deadlines_soon)}</dt>
                    <dd id="deadlines-total"><CountLink n=page.deadlines_soon href=format!("{}#deadlines-title", queue_href(queue, &[])) /></dd></div>
            </dl>
            <DeskTable caption_id="medians-caption" class="medians" caption=t!(i18n, desk.dashboard.medians_caption).into_any()
                head=view! {
                    <td></td>
                    <th scope="col">{t!(i18n, desk.dashboard.last_30)}</th>
                    <th scope="col">{t!(i18n, desk.dashboard.last_90)}</th>
                }.into_any()>
                <tr><th scope="row">{t!(i18n, desk.dashboard.first_response)}</th>{medians(&page.first_response)}</tr>
                <tr><th scope="row">{t!(i18n, desk.dashboard.resolution)}</th>{medians(&page.resolution)}</tr>
            </DeskTable>
        </section>
    }
}

#[component]
fn QueueTable(rows: Vec<QueueLoadDto>) -> impl IntoView {
    let i18n = use_i18n();
    let statuses: Vec<_> = rows.first().map(|r| r.by_status.iter().map(|(s, _)| *s).collect()).unwrap_or_default();
    let heads = statuses.iter().map(|s| view! { <th scope="col">{desk_status_text(i18n, *s)}</th> }).collect_view();
    let body = rows
        .into_iter()
        .map(|row| {
            let q = Within::queue(&row.id);
            let cells = row
                .by_status
                .iter()
                .map(|(status, n)| view! { <td><CountLink n=*n href=queue_href(q, &[&format!("status={}", status.as_str())]) /></td> })
                .collect_view();
            let oldest = row.oldest_unassigned_days.map(|d| age_text(i18n, d));
            view! {
                <tr>
                    <th scope="row">{row.name.clone()}" "<span class="muted">"("{row.embassy.clone()}")"</span></th>
                    {cells}
                    <td><CountLink n=row.open href=queue_href(q, &[]) /></td>
                    <td><CountLink n=row.unassigned href=queue_href(q, &["assignee=unassigned"]) /></td>
                    <td>{oldest}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="dash-part">
            <DeskTable caption_id="by-queue-caption" class="by-queue" caption=t!(i18n, desk.dashboard.by_queue_caption).into_any()
                head=view! {
                    <th scope="col">{t!(i18n, desk.queue.f_queue)}</th>
                    {heads}
                    <th scope="col">{t!(i18n, desk.dashboard.open)}</th>
                    <th scope="col">{t!(i18n, desk.dashboard.unassigned)}</th>
                    <th scope="col">{t!(i18n, desk.dashboard.oldest_unassigned)}</th>
                }.into_any()>
                {body}
            </DeskTable>
        </section>
    }
}

fn day_of(at: Option<i64>) -> Option<String> {
    at.map(|t| Date::from_unix(t).to_string())
}

#[component]
fn Workload(rows: Vec<WorkloadDto>, admin: bool, filter: DashboardFilter) -> impl IntoView {
    let i18n = use_i18n();
    let within = Within::of(&filter);
    let body = rows
        .into_iter()
        .map(|w| {
            let last_activity = day_of(w.last_activity_at).map(|d| view! { <time datetime=d.clone()>{date_text(i18n, &d)}</time> });
            let last_login = day_of(w.last_login_at).map(|d| view! { <time datetime=d.clone()>{date_text(i18n, &d)}</time> });
            let threshold = u32::try_from(w.threshold).unwrap_or(u32::MAX);
            let mine = format!("assignee={}", percent_encode(&w.id));
            let flag = w.overloaded.then(|| view! { <span class="badge overloaded">{t!(i18n, desk.dashboard.overloaded, count = move || threshold)}</span> });
            view! {
                <tr class:overloaded=w.overloaded>
                    <th scope="row">{w.login}</th>
                    <td>{role_text(i18n, w.role)}</td>
                    {admin.then(|| view! { <td>{w.embassy}</td> })}
                    <td><CountLink n=w.open href=queue_href(within, &[&mine]) />" "{flag}</td>
                    <td><CountLink n=w.overdue href=queue_href(within, &[&mine, "overdue=1"]) /></td>
                    <td>{last_activity}</td>
                    <td>{last_login}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="dash-part">
            <DeskTable caption_id="workload-caption" class="workload" caption=t!(i18n, desk.dashboard.workload_caption).into_any()
                head=view! {
                    <th scope="col">{t!(i18n, desk.team.col_login)}</th>
                    <th scope="col">{t!(i18n, desk.team.col_role)}</th>
                    {admin.then(|| view! { <th scope="col">{t!(i18n, desk.dashboard.f_embassy)}</th> })}
                    <th scope="col">{t!(i18n, desk.dashboard.open_assigned)}</th>
                    <th scope="col">{t!(i18n, desk.dashboard.overdue)}</th>
                    <th scope="col">{t!(i18n, desk.dashboard.last_activity)}</th>
                    <th scope="col">{t!(i18n, desk.team.col_last_login)}</th>
                }.into_any()>
                {body}
            </DeskTable>
        </section>
    }
}

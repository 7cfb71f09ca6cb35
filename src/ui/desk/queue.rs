//! The desk's start page: "take the next case", the queues with their counts, a filter, one
//! page of cases and the deadlines of the coming week. The filter lives in the address, so
//! it survives reloads and can be bookmarked; it is sent as a plain GET form.

use crate::ui::components::desk_form::{form_id, FormNotice};
use crate::ui::components::desk_page::DeskLoading;
use crate::ui::components::desk_page::LoadProblem;
use crate::ui::components::desk_text::{age_string, deadline_kind_text, notice_text};
use crate::ui::desk::badges::{due_text, priority_badge};
use crate::{
    api::{
        dashboard::ChoiceDto,
        desk::{load_queue_page, Assignee, CaseFilter, CaseRowDto, DeadlineDto, PersonOption, QueueDto, QueuePageDto},
    },
    domain::{opened_within, percent_encode, NoticeCode, Priority, QueueAction, Status, OPENED_WITHIN_HOURS},
    i18n::{t_string, td_string, use_i18n, Locale},
    ui::components::{
        desk_frame::DeskFrame,
        desk_table::DeskTable,
        inputs::options_of,
        messages::{category_short_string, date_text, desk_status_string, priority_string},
    },
};
use leptos::{either::Either, prelude::*};
use leptos_router::{hooks::use_query_map, params::ParamsMap};

#[component]
pub fn DeskQueuePage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let page = Resource::new(move || query.with(filter_from_query), load_queue_page);
    view! {
        <Suspense fallback=|| view! { <DeskFrame><DeskLoading /></DeskFrame> }>
            {move || page.get().map(|r| match r {
                Ok(page) => view! { <DeskFrame me=page.me.clone()><div class="queue-page"><QueueView page /></div></DeskFrame> }.into_any(),
                Err(error) => view! { <DeskFrame><LoadProblem error>{t_string!(i18n, desk.queue.title)}</LoadProblem></DeskFrame> }.into_any(),
            })}
        </Suspense>
    }
}

/// The filter as the address gives it; unknown values count as "any".
fn filter_from_query(query: &ParamsMap) -> CaseFilter {
    let text = |key: &str| query.get(key).filter(|v| !v.is_empty());
    // `assignee` is "anyone", "me", "unassigned", or a person's id.
    let assignee = text("assignee");
    CaseFilter {
        embassy: text("embassy"),
        queue: text("queue"),
        status: text("status").as_deref().and_then(Status::parse),
        priority: text("priority").as_deref().and_then(Priority::parse),
        assignee: assignee.as_deref().and_then(Assignee::parse).unwrap_or_default(),
        person: assignee.filter(|a| Assignee::parse(a).is_none()),
        overdue: query.get("overdue").is_some_and(|v| v == "1"),
        opened_within: text("opened").as_deref().and_then(opened_within),
        after: text("after"),
    }
}

/// The address of the page after this one: the same filter, from the cursor `after`.
fn next_page_href(filter: &CaseFilter, after: &str) -> String {
    let mut parts = filter_parts(filter);
    parts.push(format!("after={}", percent_encode(after)));
    format!("/desk?{}", parts.join("&"))
}

/// The filter (without its cursor) as the parts of a query string.
fn filter_parts(filter: &CaseFilter) -> Vec<String> {
    let mut parts = Vec::new();
    if let Some(embassy) = &filter.embassy {
        parts.push(format!("embassy={}", percent_encode(embassy)));
    }
    if let Some(queue) = &filter.queue {
        parts.push(format!("queue={}", percent_encode(queue)));
    }
    if let Some(status) = filter.status {
        parts.push(format!("status={}", status.as_str()));
    }
    if let Some(priority) = filter.priority {
        parts.push(format!("priority={}", priority.as_str()));
    }
    if let Some(person) = &filter.person {
        parts.push(format!("assignee={}", percent_encode(person)));
    } else if filter.assignee != Assignee::Anyone {
        parts.push(format!("assignee={}", filter.assignee.as_str()));
    }
    if filter.overdue {
        parts.push("overdue=1".to_owned());
    }
    if let Some(hours) = filter.opened_within {
        parts.push(format!("opened={hours}"));
    }
    parts
}

#[component]
fn QueueView(page: QueuePageDto) -> impl IntoView {
    let i18n = use_i18n();
    let next = page.next.as_deref().map(|after| next_page_href(&page.filter, after));
    let filter = page.filter.clone();
    view! {
        <h1>{t_string!(i18n, desk.queue.title)}</h1>
        {page.nothing_to_take.then(|| view! { <p class="notice" role="status" id="nothing-to-take">{notice_text(i18n, NoticeCode::NothingToTake)}</p> })}
        <form method="post" action="/desk" class="take-next">
            <input type="hidden" name="action" value=QueueAction::TakeNext.as_str() />
            <button type="submit" class="primary big">{t_string!(i18n, desk.queue.take_next)}</button>
            <p class="hint">{t_string!(i18n, desk.queue.take_next_hint)}</p>
        </form>
        <div class="desk-columns">
            <div class="desk-main">
                <FilterForm filter=page.filter.clone() queues=page.queues.clone() embassies=page.embassies.clone() people=page.people.clone() />
                <SpamDone />
                <FormNotice state=page.spam_form.clone() />
                {if page.can_mark_spam && !page.cases.is_empty() {
                    let back = filter_parts(&CaseFilter { after: None, ..filter.clone() }).join("&");
                    let chosen: Vec<String> =
                        page.spam_form.as_ref().map(|f| f.values.iter().filter(|(k, _)| k == "cases").map(|(_, v)| v.clone()).collect()).unwrap_or_default();
                    Either::Left(view! { <SpamForm cases=page.cases back chosen /> })
                } else {
                    Either::Right(view! { <CaseTable cases=page.cases filtered=filter != CaseFilter::default() chosen=None /> })
                }}
                {next.map(|href| view! {
                    <p class="pager"><a href=href rel="external">{t_string!(i18n, desk.queue.next_page)}</a></p>
                })}
            </div>
            <div class="desk-side">
                <QueueList queues=page.queues current=page.filter.queue />
                <DeadlinesSoon deadlines=page.deadlines_soon />
            </div>
        </div>
    }
}

#[component]
fn QueueList(queues: Vec<QueueDto>, current: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let all_current = current.is_none().then_some("page");
    let items = queues
        .into_iter()
        .map(|queue| {
            let href = format!("/desk?queue={}", percent_encode(&queue.id));
            let here = (current.as_deref() == Some(queue.id.as_str())).then_some("page");
            let open = u32::try_from(queue.open).unwrap_or(u32::MAX);
            let unassigned = u32::try_from(queue.unassigned).unwrap_or(u32::MAX);
            let by_status = queue
                .by_status
                .into_iter()
                .filter(|(_, n)| *n > 0)
                .map(|(status, n)| view! { <li>{desk_status_string(i18n, status)}": "{n}</li> })
                .collect_view();
            view! {
                <li>
                    <a href=href rel="external" aria-current=here>{queue.name}</a>
                    " "<span class="muted">"("{queue.embassy}")"</span>
                    <p class="queue-counts">
                        {t_string!(i18n, desk.queue.open_count, count = open).to_string()}
                        " · "
                        {t_string!(i18n, desk.queue.unassigned_count, count = unassigned).to_string()}
                    </p>
                    <ul class="by-status">{by_status}</ul>
                </li>
            }
        })
        .collect_view();
    view! {
        <section aria-labelledby="queues-title" class="queue-list">
            <h2 id="queues-title">{t_string!(i18n, desk.queue.queues_title)}</h2>
            <ul>
                <li><a href="/desk" rel="external" aria-current=all_current>{t_string!(i18n, desk.queue.all_queues)}</a></li>
                {items}
            </ul>
        </section>
    }
}

#[component]
fn FilterForm(filter: CaseFilter, queues: Vec<QueueDto>, embassies: Vec<ChoiceDto>, people: Vec<PersonOption>) -> impl IntoView {
    let i18n = use_i18n();
    let embassy_field = (!embassies.is_empty()).then(|| {
        let options = options_of(embassies.into_iter().map(|e| (e.id, e.name)), filter.embassy.as_deref());
        view! {
            <div class="field">
                <label for="f-embassy">{t_string!(i18n, desk.dashboard.f_embassy)}</label>
                <select id="f-embassy" name="embassy">
                    <option value="">{t_string!(i18n, desk.dashboard.all_embassies)}</option>
                    {options}
                </select>
            </div>
        }
    });
    let people_options = (!people.is_empty()).then(|| {
        let options = options_of(people.into_iter().map(|p| (p.id, p.login)), filter.person.as_deref());
        view! { <optgroup label=t_string!(i18n, desk.queue.assignee_people)>{options}</optgroup> }
    });
    let queue_options = options_of(queues.into_iter().map(|q| (q.id, format!("{} ({})", q.name, q.embassy))), filter.queue.as_deref());
    let status_options = Status::ALL
        .into_iter()
        .map(|s| view! { <option value=s.as_str() selected=filter.status == Some(s)>{desk_status_string(i18n, s)}</option> })
        .collect_view();
    let priority_options = Priority::ALL
        .into_iter()
        .map(|p| view! { <option value=p.as_str() selected=filter.priority == Some(p)>{priority_string(i18n, p)}</option> })
        .collect_view();
    let opened_options = OPENED_WITHIN_HOURS
        .into_iter()
        .map(|h| {
            let count = u32::try_from(h).unwrap_or(u32::MAX);
            view! { <option value=h.to_string() selected=filter.opened_within == Some(h)>{t_string!(i18n, desk.queue.opened_within, count = count).to_string()}</option> }
        })
        .collect_view();
    let assignee_options = [Assignee::Anyone, Assignee::Me, Assignee::Unassigned]
        .into_iter()
        .map(|a| {
            let text = match a {
                Assignee::Anyone => t_string!(i18n, desk.queue.assignee_anyone),
                Assignee::Me => t_string!(i18n, desk.queue.assignee_me),
                Assignee::Unassigned => t_string!(i18n, desk.queue.assignee_unassigned),
            };
            view! { <option value=a.as_str() selected=filter.person.is_none() && filter.assignee == a>{text}</option> }
        })
        .collect_view();
    view! {
        <form method="get" action="/desk" class="filters" aria-labelledby="filter-title">
            <h2 id="filter-title">{t_string!(i18n, desk.queue.filter_title)}</h2>
            <div class="filter-fields">
                {embassy_field}
                <div class="field">
                    <label for="f-queue">{t_string!(i18n, desk.queue.f_queue)}</label>
                    <select id="f-queue" name="queue">
                        <option value="">{t_string!(i18n, desk.queue.all_queues)}</option>
                        {queue_options}
                    </select>
                </div>
                <div class="field">
                    <label for="f-status">{t_string!(i18n, desk.queue.f_status)}</label>
                    <select id="f-status" name="status">
                        <option value="">{t_string!(i18n, desk.queue.open_statuses)}</option>
                        {status_options}
                    </select>
                </div>
                <div class="field">
                    <label for="f-priority">{t_string!(i18n, desk.queue.f_priority)}</label>
                    <select id="f-priority" name="priority">
                        <option value="">{t_string!(i18n, desk.queue.any_priority)}</option>
                        {priority_options}
                    </select>
                </div>
                <div class="field">
                    <label for="f-assignee">{t_string!(i18n, desk.queue.f_assignee)}</label>
                    <select id="f-assignee" name="assignee">{assignee_options}{people_options}</select>
                </div>
                <div class="field">
                    <label for="f-opened">{t_string!(i18n, desk.queue.f_opened)}</label>
                    <select id="f-opened" name="opened">
                        <option value="">{t_string!(i18n, desk.queue.opened_any)}</option>
                        {opened_options}
                    </select>
                </div>
                <div class="choice">
                    <input type="checkbox" id="f-overdue" name="overdue" value="1" checked=filter.overdue />
                    <label for="f-overdue">{t_string!(i18n, desk.queue.overdue_only)}</label>
                </div>
            </div>
            <button type="submit">{t_string!(i18n, desk.queue.apply)}</button>
        </form>
    }
}

/// "N cases marked as spam and closed", after `?spam=N`.
#[component]
fn SpamDone() -> impl IntoView {
    let i18n = use_i18n();
    let closed = use_query_map().with_untracked(|q| q.get("spam").and_then(|n| n.parse::<u32>().ok()));
    closed.map(|count| view! { <p class="notice success" role="status" id="spam-done">{t_string!(i18n, desk.queue.spam_done, count = count).to_string()}</p> })
}

/// Leads and admins: the list inside a plain form, a box to choose each case, and one button
/// that marks the chosen cases as spam and closes them (at most a page at once).
#[component]
fn SpamForm(cases: Vec<CaseRowDto>, back: String, chosen: Vec<String>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <form method="post" action="/desk" id=form_id(QueueAction::Spam.as_str()) class="spam" aria-describedby="spam-hint">
            <input type="hidden" name="action" value=QueueAction::Spam.as_str() />
            <input type="hidden" name="back" value=back />
            <CaseTable cases filtered=true chosen=Some(chosen) />
            <p class="hint" id="spam-hint">{t_string!(i18n, desk.queue.spam_hint)}</p>
            <button type="submit" class="danger" id="mark-spam">{t_string!(i18n, desk.queue.spam_submit)}</button>
        </form>
    }
}

/// The page's cases; with `chosen` (the cases chosen in a refused spam form), a box to choose
/// each one.
#[component]
fn CaseTable(cases: Vec<CaseRowDto>, filtered: bool, chosen: Option<Vec<String>>) -> impl IntoView {
    let i18n = use_i18n();
    if cases.is_empty() {
        return view! {
            <p class="empty" id="no-cases">{if filtered {
                t_string!(i18n, desk.queue.no_cases_filtered)
            } else {
                t_string!(i18n, desk.queue.no_cases)
            }}</p>
        }
        .into_any();
    }
    let choose_head = chosen.is_some().then(|| view! { <th scope="col">{t_string!(i18n, desk.queue.col_choose)}</th> });
    let head = view! {
        {choose_head}
        <th scope="col">{t_string!(i18n, desk.queue.col_reference)}</th>
        <th scope="col">{t_string!(i18n, desk.queue.col_name)}</th>
        <th scope="col">{t_string!(i18n, desk.queue.col_categories)}</th>
        <th scope="col">{t_string!(i18n, desk.queue.col_priority)}</th>
        <th scope="col">{t_string!(i18n, desk.queue.col_status)}</th>
        <th scope="col">{t_string!(i18n, desk.queue.col_age)}</th>
        <th scope="col">{t_string!(i18n, desk.queue.col_due)}</th>
        <th scope="col">{t_string!(i18n, desk.queue.col_assignee)}</th>
    }
    .into_any();
    let caption = t_string!(i18n, desk.queue.cases_caption).into_any();
    // The language is read once for the fifty rows.
    let locale = i18n.get_locale_untracked();
    let rows = cases.iter().map(|row| case_row(locale, row, chosen.as_ref().map(|c| c.contains(&row.id)))).collect_view();
    view! { <DeskTable caption_id="cases-caption" class="cases" caption head>{rows}</DeskTable> }.into_any()
}

/// One case of the list, with a box to choose it when `chosen` says whether it is. A page
/// holds fifty of them, each rendered once per load (the language is chosen before
/// rendering), so its text is plain strings in `locale` and its branches `Either`: nothing
/// in a row is reactive or boxed.
fn case_row(locale: Locale, row: &CaseRowDto, chosen: Option<bool>) -> impl IntoView {
    let href = format!("/desk/cases/{}", row.id);
    let categories = row.categories.iter().map(|c| category_short_string(locale, *c)).collect::<Vec<_>>().join(", ");
    let name = if row.requester_name.is_empty() {
        Either::Left(view! { <span class="muted">{td_string!(locale, desk.queue.name_deleted).to_string()}</span> })
    } else {
        Either::Right(row.requester_name.clone())
    };
    let assignee = match row.assignee.clone() {
        Some(login) => Either::Left(login),
        None => Either::Right(view! { <span class="muted">{td_string!(locale, desk.queue.unassigned).to_string()}</span> }),
    };
    // Named for assistive technology only: the row's text stays the case's.
    let choose = chosen.map(|checked| {
        let label = td_string!(locale, desk.queue.choose_case, reference = row.reference.clone()).to_string();
        view! { <td><input type="checkbox" name="cases" value=row.id.clone() id=format!("choose-{}", row.id) checked=checked aria-label=label /></td> }
    });
    view! {
        <tr class:overdue=row.overdue>
            {choose}
            <th scope="row"><a href=href rel="external" class="reference">{row.reference.clone()}</a></th>
            <td>{name}</td>
            <td>{categories}</td>
            <td>{priority_badge(locale, row.priority)}</td>
            <td>{desk_status_string(locale, row.status)}</td>
            <td>{age_string(locale, row.age_days)}</td>
            <td>{due_text(locale, row.due_at, row.overdue)}</td>
            <td>{assignee}</td>
        </tr>
    }
}

#[component]
fn DeadlinesSoon(deadlines: Vec<DeadlineDto>) -> impl IntoView {
    let i18n = use_i18n();
    let list = if deadlines.is_empty() {
        view! { <p class="empty">{t_string!(i18n, desk.queue.no_deadlines)}</p> }.into_any()
    } else {
        let items = deadlines
            .into_iter()
            .map(|d| {
                let href = format!("/desk/cases/{}", d.case_id);
                view! {
                    <li>
                        <time datetime=d.due_on.clone()>{date_text(i18n, &d.due_on)}</time>
                        " — "{deadline_kind_text(i18n, d.kind)}" — "
                        <a href=href rel="external">{d.reference}</a>
                    </li>
                }
            })
            .collect_view();
        view! { <ul class="deadlines">{items}</ul> }.into_any()
    };
    view! {
        <section aria-labelledby="deadlines-title">
            <h2 id="deadlines-title">{t_string!(i18n, desk.queue.deadlines_title)}</h2>
            {list}
        </section>
    }
}

//! One case as the desk sees it: its facts, what the requester wrote, the timeline of
//! messages, notes and changes, the forms that change it, and (for leads) who accessed it.

use crate::ui::components::desk_form::{FormNotice, SavedNotice};
use crate::ui::components::desk_page::DeskLoading;
use crate::ui::components::desk_page::LoadProblem;
use crate::ui::components::desk_text::{answer_label, deadline_kind_text};
use crate::ui::desk::badges::{DueText, PriorityBadge};
use crate::ui::desk::case_forms::{AssignForm, CaseActions, DeadlinesSection, PriorityForm, RouteForm, StatusForm, TextForm, TextKind};
use crate::{
    api::desk::{load_case_page, AccessDto, AnswerDto, CasePageDto, DuplicateDto, LinkedDto, TimelineEntry, TimelineKind},
    domain::CaseAction,
    i18n::{t, use_i18n},
    ui::components::{
        desk_frame::DeskFrame,
        desk_table::DeskTable,
        documents::DocumentTable,
        messages::{category_short_text, choice_text, date_text, date_time_text, desk_status_text, priority_text},
    },
};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn DeskCasePage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let page = Resource::new(move || params.with(|p| p.get("id").unwrap_or_default()), load_case_page);
    view! {
        <Suspense fallback=|| view! { <DeskFrame><DeskLoading /></DeskFrame> }>
            {move || page.get().map(|r| match r {
                Ok(page) => view! { <DeskFrame me=page.me.clone()><CaseView page /></DeskFrame> }.into_any(),
                Err(error) => view! { <DeskFrame><LoadProblem error>{t!(i18n, desk.case.title_plain)}</LoadProblem></DeskFrame> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn CaseView(page: CasePageDto) -> impl IntoView {
    let i18n = use_i18n();
    let categories = page.categories.iter().enumerate().map(|(i, c)| view! { {(i > 0).then_some(", ")}{category_short_text(i18n, *c)} }).collect_view();
    let created = page.created_at;
    let first_response = page.first_response_at;
    let status = page.status;
    let id = page.id.clone();
    let form = page.form.clone();
    let assignee = match (&page.assignee, page.assigned_to_me) {
        (Some(_), true) => view! { <strong>{t!(i18n, desk.case.assigned_to_you)}</strong> }.into_any(),
        (Some(person), false) => person.login.clone().into_any(),
        (None, _) => view! { <span class="muted">{t!(i18n, desk.queue.unassigned)}</span> }.into_any(),
    };
    view! {
        <h1>{t!(i18n, desk.case.title)}" "<span class="reference">{page.reference.clone()}</span></h1>
        <FormNotice state=page.form.clone() />
        <SavedNotice />
        {page.deleted.then(|| view! { <p class="notice" role="status">{t!(i18n, desk.case.deleted)}</p> })}
        <dl class="case-header">
            <div><dt>{t!(i18n, desk.case.status)}</dt><dd>{desk_status_text(i18n, status)}</dd></div>
            <div><dt>{t!(i18n, desk.case.priority)}</dt><dd><PriorityBadge priority=page.priority /></dd></div>
            <div><dt>{t!(i18n, desk.case.queue)}</dt><dd>{page.queue.clone()}</dd></div>
            <div><dt>{t!(i18n, desk.case.categories)}</dt><dd>{categories}</dd></div>
            <div><dt>{t!(i18n, desk.case.assignee)}</dt><dd>{assignee}</dd></div>
            <div><dt>{t!(i18n, desk.case.language)}</dt><dd>{choice_text(i18n, "language", &page.language)}</dd></div>
            <div><dt>{t!(i18n, desk.case.created)}</dt><dd><time>{move || date_time_text(i18n, created)}</time></dd></div>
            <div><dt>{t!(i18n, desk.case.due)}</dt><dd><DueText due_at=page.due_at overdue=page.overdue /></dd></div>
            <div>
                <dt>{t!(i18n, desk.case.first_response)}</dt>
                <dd>{match first_response {
                    Some(at) => view! { <time>{move || date_time_text(i18n, at)}</time> }.into_any(),
                    None => view! { <span class="muted">{t!(i18n, desk.case.no_response_yet)}</span> }.into_any(),
                }}</dd>
            </div>
        </dl>
        <CaseActions case_id=id.clone() can_take=page.can_take can_hand_back=page.can_hand_back />
        <Answers answers=page.answers deleted=page.deleted />
        <Duplicates case_id=id.clone() duplicates=page.duplicates linked=page.linked may_link=page.may_link />
        <section id="case-documents" aria-labelledby="documents-title">
            <h2 id="documents-title">{t!(i18n, documents.list_title)}</h2>
            <DocumentTable documents=page.documents requester_view=false />
        </section>
        <Timeline entries=page.timeline />
        <TextForm kind=TextKind::Note case_id=id.clone() state=form.clone() />
        // The requester deleted the request: nobody is left to read a reply.
        {(!page.deleted).then(|| view! { <TextForm kind=TextKind::Reply case_id=id.clone() state=form.clone() upload=(page.reply_upload_token.clone(), page.reply_upload.clone()) canned=page.canned.clone() /> })}
        <section aria-labelledby="change-title">
            <h2 id="change-title">{t!(i18n, desk.case.change_title)}</h2>
            <StatusForm case_id=id.clone() next=page.next_statuses state=form.clone() />
            <PriorityForm case_id=id.clone() current=page.priority state=form.clone() />
            <RouteForm case_id=id.clone() queue_id=page.queue_id queues=page.queues categories=page.categories.clone() state=form.clone() />
            {page.can_assign.then(|| view! {
                <AssignForm case_id=id.clone() people=page.assignable.clone() assignee=page.assignee.clone() state=form.clone() />
            })}
        </section>
        <DeadlinesSection case_id=id.clone() deadlines=page.deadlines state=form.clone() />
        {page.access.map(|access| view! { <AccessHistory access /> })}
    }
}

#[component]
fn Answers(answers: Vec<AnswerDto>, deleted: bool) -> impl IntoView {
    let i18n = use_i18n();
    let body = if answers.is_empty() {
        view! { <p class="empty">{move || if deleted {
            t!(i18n, desk.case.answers_deleted).into_any()
        } else {
            t!(i18n, desk.case.no_answers).into_any()
        }}</p> }
        .into_any()
    } else {
        let items = answers
            .into_iter()
            .map(|a| {
                // Per-category answers come as JSON text: shown as written, never as markup.
                let value = if a.key == "answers" {
                    view! { <pre class="answers-json">{a.value}</pre> }.into_any()
                } else {
                    view! { <span class="answer-text">{a.value}</span> }.into_any()
                };
                view! {
                    <div>
                        <dt>{answer_label(i18n, &a.key)}</dt>
                        <dd>{value}</dd>
                    </div>
                }
            })
            .collect_view();
        view! { <dl class="answers">{items}</dl> }.into_any()
    };
    view! {
        <section aria-labelledby="answers-title">
            <h2 id="answers-title">{t!(i18n, desk.case.answers_title)}</h2>
            {body}
        </section>
    }
}

#[component]
fn Timeline(entries: Vec<TimelineEntry>) -> impl IntoView {
    let i18n = use_i18n();
    let body = if entries.is_empty() {
        view! { <p class="empty">{t!(i18n, desk.case.no_timeline)}</p> }.into_any()
    } else {
        let items = entries.into_iter().map(|entry| view! { <TimelineItem entry /> }).collect_view();
        view! { <ol class="timeline">{items}</ol> }.into_any()
    };
    view! {
        <section aria-labelledby="timeline-title">
            <h2 id="timeline-title">{t!(i18n, desk.case.timeline_title)}</h2>
            {body}
        </section>
    }
}

#[component]
fn TimelineItem(entry: TimelineEntry) -> impl IntoView {
    let i18n = use_i18n();
    let at = entry.at;
    let from_requester = matches!(entry.kind, TimelineKind::Opened | TimelineKind::Message { from_requester: true, .. });
    let by = match entry.by {
        Some(login) => login.into_any(),
        None if from_requester => t!(i18n, desk.tl.by_requester).into_any(),
        None => t!(i18n, desk.tl.by_system).into_any(),
    };
    let (class, body) = match entry.kind {
        TimelineKind::Opened => ("event", t!(i18n, desk.tl.opened).into_any()),
        TimelineKind::Status { from, to } => {
            ("event", view! { {t!(i18n, desk.tl.status)}": "{desk_status_text(i18n, from)}" → "{desk_status_text(i18n, to)} }.into_any())
        }
        TimelineKind::Priority { from, to } => {
            ("event", view! { {t!(i18n, desk.tl.priority)}": "{priority_text(i18n, from)}" → "{priority_text(i18n, to)} }.into_any())
        }
        TimelineKind::Queue { from, to } => ("event", view! { {t!(i18n, desk.tl.queue)}": "{from}" → "{to} }.into_any()),
        TimelineKind::Categories { to } => {
            let list = to.into_iter().enumerate().map(|(i, c)| view! { {(i > 0).then_some(", ")}{category_short_text(i18n, c)} }).collect_view();
            ("event", view! { {t!(i18n, desk.tl.categories)}": "{list} }.into_any())
        }
        TimelineKind::Assigned { to: Some(login) } => ("event", view! { {t!(i18n, desk.tl.assigned)}" "{login} }.into_any()),
        TimelineKind::Assigned { to: None } => ("event", t!(i18n, desk.tl.unassigned).into_any()),
        TimelineKind::Deadline { kind, due_on } => {
            ("event", view! { {t!(i18n, desk.tl.deadline)}": "{deadline_kind_text(i18n, kind)}", "{date_text(i18n, &due_on)} }.into_any())
        }
        TimelineKind::DeadlineDone { kind, due_on } => {
            ("event", view! { {t!(i18n, desk.tl.deadline_done)}": "{deadline_kind_text(i18n, kind)}", "{date_text(i18n, &due_on)} }.into_any())
        }
        TimelineKind::Spam { from } => ("event", view! { {t!(i18n, desk.tl.spam)}" ("{desk_status_text(i18n, from)}")" }.into_any()),
        TimelineKind::Linked { reference: Some(reference), id: Some(other) } => {
            ("event", view! { {t!(i18n, desk.tl.linked)}" "<a href=format!("/desk/cases/{other}") rel="external">{reference}</a> }.into_any())
        }
        TimelineKind::Linked { .. } => ("event", view! { {t!(i18n, desk.tl.linked)}" "{t!(i18n, desk.tl.linked_other)} }.into_any()),
        TimelineKind::Note { body } => (
            "note",
            view! {
                <p class="internal-marker"><strong>{t!(i18n, desk.tl.note_marker)}</strong></p>
                <p class="entry-body">{body}</p>
            }
            .into_any(),
        ),
        TimelineKind::Message { from_requester, information, automatic, body } => {
            let label = match (from_requester, information) {
                (true, true) => t!(i18n, desk.tl.information_from_requester).into_any(),
                (true, false) => t!(i18n, desk.tl.message_from_requester).into_any(),
                (false, _) if automatic => t!(i18n, desk.tl.acknowledgement).into_any(),
                (false, _) => t!(i18n, desk.tl.message_to_requester).into_any(),
            };
            let class = if from_requester { "message from-requester" } else { "message to-requester" };
            (class, view! { <p class="entry-label"><strong>{label}</strong></p><p class="entry-body">{body}</p> }.into_any())
        }
    };
    // Events are one line; notes and messages carry their own paragraphs.
    let body = if class == "event" { view! { <p class="entry-event">{body}</p> }.into_any() } else { body };
    view! {
        <li class=format!("entry {class}")>
            <p class="entry-meta"><time>{move || date_time_text(i18n, at)}</time>" · "{by}</p>
            {body}
        </li>
    }
}

#[component]
fn AccessHistory(access: Vec<AccessDto>) -> impl IntoView {
    let i18n = use_i18n();
    let body = if access.is_empty() {
        view! { <p class="empty">{t!(i18n, desk.case.no_access)}</p> }.into_any()
    } else {
        let rows = access
            .into_iter()
            .map(|a| {
                let at = a.at;
                view! {
                    <tr>
                        <td><time>{move || date_time_text(i18n, at)}</time></td>
                        <td>{a.actor}</td>
                        <td><code>{a.action}</code></td>
                        <td>{a.outcome}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <DeskTable caption_id="access-caption" caption=t!(i18n, desk.case.access_caption).into_any()
                head=view! {
                    <th scope="col">{t!(i18n, desk.case.col_at)}</th>
                    <th scope="col">{t!(i18n, desk.case.col_actor)}</th>
                    <th scope="col">{t!(i18n, desk.case.col_action)}</th>
                    <th scope="col">{t!(i18n, desk.case.col_outcome)}</th>
                }.into_any()>
                {rows}
            </DeskTable>
        }
        .into_any()
    };
    view! {
        <section aria-labelledby="access-title" id="access-history">
            <h2 id="access-title">{t!(i18n, desk.case.access_title)}</h2>
            {body}
        </section>
    }
}

/// Other requests with the same contact or document number, in the reader's scope, and the
/// cases linked with this one; leads and admins link a possible duplicate as the same
/// person's (nothing merges).
#[component]
fn Duplicates(case_id: String, duplicates: Vec<DuplicateDto>, linked: Vec<LinkedDto>, may_link: bool) -> impl IntoView {
    let i18n = use_i18n();
    let items = duplicates
        .into_iter()
        .map(|d| {
            let created = d.created_at;
            let matched = match (d.contact, d.document) {
                (true, true) => view! { {t!(i18n, desk.case.same_contact)}", "{t!(i18n, desk.case.same_document)} }.into_any(),
                (true, false) => t!(i18n, desk.case.same_contact).into_any(),
                _ => t!(i18n, desk.case.same_document).into_any(),
            };
            let action = if d.linked {
                Some(view! { " · "<strong>{t!(i18n, desk.case.linked_mark)}</strong> }.into_any())
            } else {
                may_link.then(|| {
                    view! {
                        <form method="post" action=format!("/desk/cases/{case_id}") class="inline-form">
                            <input type="hidden" name="action" value=CaseAction::Link.as_str() />
                            <input type="hidden" name="other" value=d.id.clone() />
                            <button type="submit">{t!(i18n, desk.case.link)}<span class="visually-hidden">": "{d.reference.clone()}</span></button>
                        </form>
                        <form method="post" action=format!("/desk/cases/{case_id}") class="inline-form">
                            <input type="hidden" name="action" value=CaseAction::NotDuplicate.as_str() />
                            <input type="hidden" name="other" value=d.id.clone() />
                            <button type="submit">{t!(i18n, desk.case.not_duplicate)}<span class="visually-hidden">": "{d.reference.clone()}</span></button>
                        </form>
                    }
                    .into_any()
                })
            };
            view! {
                <li data-case=d.id.clone()>
                    <a href=format!("/desk/cases/{}", d.id) rel="external">{d.reference.clone()}</a>
                    " · "{desk_status_text(i18n, d.status)}" · "<time>{move || date_time_text(i18n, created)}</time>" · "{matched}
                    {action}
                </li>
            }
        })
        .collect_view();
    let linked_list = (!linked.is_empty()).then(|| {
        let items = linked.into_iter().map(|l| view! { <li><a href=format!("/desk/cases/{}", l.id) rel="external">{l.reference}</a></li> }).collect_view();
        view! {
            <h3>{t!(i18n, desk.case.linked_title)}</h3>
            <ul id="linked-cases">{items}</ul>
        }
    });
    let empty = items.is_empty();
    view! {
        <section id="duplicates" aria-labelledby="duplicates-title">
            <h2 id="duplicates-title">{t!(i18n, desk.case.duplicates_title)}</h2>
            <p class="hint">{t!(i18n, desk.case.duplicates_hint)}</p>
            {if empty {
                view! { <p class="empty">{t!(i18n, desk.case.no_duplicates)}</p> }.into_any()
            } else {
                view! { <ul id="possible-duplicates">{items}</ul> }.into_any()
            }}
            {linked_list}
        </section>
    }
}

//! The forms of the case page. Each posts to `/desk/cases/{id}/…`; a refused post comes back
//! with the page, its values and the rule each field broke, shown next to the field.

use crate::domain::CaseAction;
use crate::domain::DeadlineKind;
use crate::ui::components::desk_form::{form_id, FieldError, Refused};
use crate::ui::components::desk_text::deadline_kind_text;
use crate::ui::components::documents::{KeptFiles, LimitsHint, ACCEPT};
use crate::{
    api::{
        desk::{DeadlineDto, PersonOption, QueueOption},
        documents::UploadDto,
        form::FormState,
        replies::CannedOption,
    },
    domain::{Category, Priority, Status},
    i18n::{t, use_i18n},
    ui::components::messages::{category_text, date_text, desk_status_text, priority_text},
};
use leptos::prelude::*;

/// Every change of a case is posted to the case page itself, naming its action, so that a
/// refused post is answered at the page's own address.
fn action(case_id: &str) -> String {
    format!("/desk/cases/{case_id}")
}

/// Taking the case or handing it back, when the caller may.
#[component]
pub fn CaseActions(case_id: String, can_take: bool, can_hand_back: bool) -> impl IntoView {
    let i18n = use_i18n();
    (can_take || can_hand_back).then(|| {
        view! {
                    <div class="case-actions">
                        {can_take.then(|| view! {
                            <form method="post" action=action(&case_id)>
        <input type="hidden" name="action" value=CaseAction::Take.as_str() />
                                <button type="submit" class="primary">{t!(i18n, desk.case.take)}</button>
                            </form>
                        })}
                        {can_hand_back.then(|| view! {
                            <form method="post" action=action(&case_id)>
        <input type="hidden" name="action" value=CaseAction::HandBack.as_str() />
                                <button type="submit">{t!(i18n, desk.case.hand_back)}</button>
                            </form>
                        })}
                    </div>
                }
    })
}

/// Which text a case's text form writes.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum TextKind {
    /// An internal note, for the desk only.
    Note,
    /// A message the requester reads on their follow-up page.
    Reply,
}

/// A reply's file field: its limits, its error, the files a refused reply already
/// delivered, and the picker.
#[component]
fn ReplyDocuments(upload: UploadDto, refused: Refused) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="field documents">
            <label for="documents">{t!(i18n, desk.case.reply_documents)}</label>
            <LimitsHint upload=upload.clone() />
            <FieldError refused=refused.clone() field="documents" id="documents" />
            <KeptFiles staged=upload.staged />
            <input type="file" id="documents" name="documents" multiple accept=ACCEPT aria-invalid=refused.invalid("documents")
                aria-describedby=refused.described_by("documents", "documents", Some("documents-hint")) />
        </div>
    }
}

/// A reply's choice of canned replies: the button posts the whole reply form to the case's
/// `canned` address, which answers with the page and the chosen text in the reply box.
#[component]
fn CannedChoice(case_id: String, canned: Vec<CannedOption>, refused: Refused) -> impl IntoView {
    let i18n = use_i18n();
    let chosen = refused.value_or("canned", "");
    let options = canned
        .into_iter()
        .map(|c| {
            let selected = c.id == chosen;
            view! { <option value=c.id selected=selected>{c.title}</option> }
        })
        .collect_view();
    view! {
        <div class="field canned-choice">
            <label for="canned">{t!(i18n, desk.case.canned_label)}</label>
            <p class="hint" id="canned-hint">{t!(i18n, desk.case.canned_hint)}</p>
            <FieldError refused=refused.clone() field="canned" id="canned" />
            <div class="inline-form">
                <select id="canned" name="canned" aria-invalid=refused.invalid("canned") aria-describedby=refused.described_by("canned", "canned", Some("canned-hint"))>
                    {options}
                </select>
                <button type="submit" id="canned-insert" formaction=format!("{}/canned", action(&case_id)) formnovalidate>{t!(i18n, desk.case.canned_insert)}</button>
            </div>
        </div>
    }
}

/// A note or a reply; what was typed comes back when the post is refused. A reply takes
/// documents too when `upload` (its token and file field) is given, and offers `canned`
/// replies to start from.
#[component]
pub fn TextForm(
    kind: TextKind,
    case_id: String,
    state: Option<FormState>,
    #[prop(optional)] upload: Option<(String, UploadDto)>,
    #[prop(optional)] canned: Vec<CannedOption>,
) -> impl IntoView {
    let i18n = use_i18n();
    let name = match kind {
        TextKind::Note => CaseAction::Note,
        TextKind::Reply => CaseAction::Reply,
    }
    .as_str();
    let refused = Refused::of(&state, name);
    let field_id = format!("{name}-body");
    let hint_id = format!("{name}-hint");
    let (title, label, hint, submit) = match kind {
        TextKind::Note => (
            t!(i18n, desk.case.note_title).into_any(),
            t!(i18n, desk.case.note_label).into_any(),
            t!(i18n, desk.case.note_hint).into_any(),
            t!(i18n, desk.case.note_submit).into_any(),
        ),
        TextKind::Reply => (
            t!(i18n, desk.case.reply_title).into_any(),
            t!(i18n, desk.case.reply_label).into_any(),
            t!(i18n, desk.case.reply_hint).into_any(),
            t!(i18n, desk.case.reply_submit).into_any(),
        ),
    };
    let enctype = upload.is_some().then_some("multipart/form-data");
    let token = upload.as_ref().map(|(token, _)| token.clone());
    view! {
            <section aria-labelledby=format!("{name}-title") class=format!("text-form {name}-form")>
                <h2 id=format!("{name}-title")>{title}</h2>
                <form id=form_id(name) method="post" action=action(&case_id) enctype=enctype novalidate>
    <input type="hidden" name="action" value=name />
                    {token.map(|token| view! { <input type="hidden" name="upload" value=token /> })}
                    {(!canned.is_empty()).then(|| view! { <CannedChoice case_id=case_id.clone() canned refused=refused.clone() /> })}
                    <div class="field">
                        <label for=field_id.clone()>{label}</label>
                        <p class="hint" id=hint_id.clone()>{hint}</p>
                        <FieldError refused=refused.clone() field="body" id=field_id.clone() />
                        <textarea id=field_id.clone() name="body" rows="5" aria-required="true" aria-invalid=refused.invalid("body")
                            aria-describedby=refused.described_by("body", &field_id, Some(&hint_id))>{refused.value_or("body", "")}</textarea>
                    </div>
                    {upload.map(|(_, upload)| view! { <ReplyDocuments upload refused=refused.clone() /> })}
                    <button type="submit" class="primary">{submit}</button>
                </form>
            </section>
        }
}

/// Moving the case to one of the statuses it may take now.
#[component]
pub fn StatusForm(case_id: String, next: Vec<Status>, state: Option<FormState>) -> impl IntoView {
    let i18n = use_i18n();
    let refused = Refused::of(&state, CaseAction::Status.as_str());
    let chosen = refused.value_or("status", "");
    let body = if next.is_empty() {
        view! { <p class="empty">{t!(i18n, desk.case.no_next_status)}</p> }.into_any()
    } else {
        let options =
            next.into_iter().map(|s| view! { <option value=s.as_str() selected=chosen == s.as_str()>{desk_status_text(i18n, s)}</option> }).collect_view();
        view! {
                    <form id=form_id("status") method="post" action=action(&case_id) class="inline-form">
        <input type="hidden" name="action" value=CaseAction::Status.as_str() />
                        <div class="field">
                            <label for="new-status">{t!(i18n, desk.case.status_label)}</label>
                            <FieldError refused=refused.clone() field="status" id="new-status" />
                            <select id="new-status" name="status" aria-invalid=refused.invalid("status")
                                aria-describedby=refused.described_by("status", "new-status", None)>{options}</select>
                        </div>
                        <button type="submit">{t!(i18n, desk.case.status_submit)}</button>
                    </form>
                }
        .into_any()
    };
    view! {
        <div class="change">
            <h3>{t!(i18n, desk.case.status_title)}</h3>
            {body}
        </div>
    }
}

/// Changing how urgent the case is.
#[component]
pub fn PriorityForm(case_id: String, current: Priority, state: Option<FormState>) -> impl IntoView {
    let i18n = use_i18n();
    let refused = Refused::of(&state, CaseAction::Priority.as_str());
    let chosen = refused.value_or("priority", current.as_str());
    let options =
        Priority::ALL.into_iter().map(|p| view! { <option value=p.as_str() selected=chosen == p.as_str()>{priority_text(i18n, p)}</option> }).collect_view();
    view! {
            <div class="change">
                <h3>{t!(i18n, desk.case.priority_title)}</h3>
                <form id=form_id("priority") method="post" action=action(&case_id) class="inline-form">
    <input type="hidden" name="action" value=CaseAction::Priority.as_str() />
                    <div class="field">
                        <label for="new-priority">{t!(i18n, desk.case.priority_label)}</label>
                        <FieldError refused=refused.clone() field="priority" id="new-priority" />
                        <select id="new-priority" name="priority" aria-invalid=refused.invalid("priority")
                            aria-describedby=refused.described_by("priority", "new-priority", None)>{options}</select>
                    </div>
                    <button type="submit">{t!(i18n, desk.case.priority_submit)}</button>
                </form>
            </div>
        }
}

/// Moving the case to another queue and correcting its kinds of help.
#[component]
pub fn RouteForm(case_id: String, queue_id: String, queues: Vec<QueueOption>, categories: Vec<Category>, state: Option<FormState>) -> impl IntoView {
    let i18n = use_i18n();
    let refused = Refused::of(&state, CaseAction::Route.as_str());
    let chosen_queue = refused.value_or("queue", queue_id);
    let chosen: Vec<String> = refused.values("categories").unwrap_or_else(|| categories.iter().map(|c| c.as_str().to_owned()).collect());
    let queue_options = queues
        .into_iter()
        .map(|q| {
            let selected = q.id == chosen_queue;
            view! { <option value=q.id selected=selected>{q.name}</option> }
        })
        .collect_view();
    let boxes = Category::ALL
        .into_iter()
        .map(|c| {
            let id = format!("route-category-{}", c.as_str());
            let checked = chosen.iter().any(|v| v == c.as_str());
            view! {
                <div class="choice">
                    <input type="checkbox" id=id.clone() name="categories" value=c.as_str() checked=checked />
                    <label for=id>{category_text(i18n, c)}</label>
                </div>
            }
        })
        .collect_view();
    view! {
            <div class="change">
                <h3>{t!(i18n, desk.case.route_title)}</h3>
                <form id=form_id("route") method="post" action=action(&case_id) novalidate>
    <input type="hidden" name="action" value=CaseAction::Route.as_str() />
                    <div class="field">
                        <label for="route-queue">{t!(i18n, desk.case.route_queue)}</label>
                        <FieldError refused=refused.clone() field="queue" id="route-queue" />
                        <select id="route-queue" name="queue" aria-invalid=refused.invalid("queue")
                            aria-describedby=refused.described_by("queue", "route-queue", None)>{queue_options}</select>
                    </div>
                    <fieldset class="group" id="route-categories" aria-describedby=refused.described_by("categories", "route-categories", None)>
                        <legend>{t!(i18n, desk.case.route_categories)}</legend>
                        <FieldError refused=refused.clone() field="categories" id="route-categories" />
                        {boxes}
                    </fieldset>
                    <button type="submit">{t!(i18n, desk.case.route_submit)}</button>
                </form>
            </div>
        }
}

/// Assigning the case to someone of the embassy, or to nobody (leads and admins).
#[component]
pub fn AssignForm(case_id: String, people: Vec<PersonOption>, assignee: Option<PersonOption>, state: Option<FormState>) -> impl IntoView {
    let i18n = use_i18n();
    let refused = Refused::of(&state, CaseAction::Assign.as_str());
    let chosen = refused.value_or("person", assignee.map(|p| p.id).unwrap_or_default());
    let options = people
        .into_iter()
        .map(|p| {
            let selected = p.id == chosen;
            view! { <option value=p.id selected=selected>{p.login}</option> }
        })
        .collect_view();
    view! {
            <div class="change">
                <h3>{t!(i18n, desk.case.assign_title)}</h3>
                <form id=form_id("assign") method="post" action=action(&case_id) class="inline-form">
    <input type="hidden" name="action" value=CaseAction::Assign.as_str() />
                    <div class="field">
                        <label for="assign-person">{t!(i18n, desk.case.assign_person)}</label>
                        <FieldError refused=refused.clone() field="person" id="assign-person" />
                        <select id="assign-person" name="person" aria-invalid=refused.invalid("person")
                            aria-describedby=refused.described_by("person", "assign-person", None)>
                            <option value="" selected=chosen.is_empty()>{t!(i18n, desk.case.assign_nobody)}</option>
                            {options}
                        </select>
                    </div>
                    <button type="submit">{t!(i18n, desk.case.assign_submit)}</button>
                </form>
            </div>
        }
}

/// The case's deadlines, each with a "done" button, and a form to add one.
#[component]
pub fn DeadlinesSection(case_id: String, deadlines: Vec<DeadlineDto>, state: Option<FormState>) -> impl IntoView {
    let i18n = use_i18n();
    let refused = Refused::of(&state, CaseAction::Deadline.as_str());
    let list = if deadlines.is_empty() {
        view! { <p class="empty">{t!(i18n, desk.case.no_deadlines)}</p> }.into_any()
    } else {
        let items = deadlines
            .into_iter()
            .map(|d| {
                let status = if d.done {
                    view! { <span class="badge done">{t!(i18n, desk.case.deadline_is_done)}</span> }.into_any()
                } else {
                    let done_action = action(&case_id);
                    let deadline_id = d.id.clone();
                    let kind = d.kind;
                    let due_on = d.due_on.clone();
                    view! {
                        <form method="post" action=done_action class="inline-form">
                            <input type="hidden" name="action" value=CaseAction::DeadlineDone.as_str() />
                            <input type="hidden" name="deadline" value=deadline_id />
                            <button type="submit">
                                {t!(i18n, desk.case.deadline_done)}
                                <span class="visually-hidden">": "{deadline_kind_text(i18n, kind)}", "{date_text(i18n, &due_on)}</span>
                            </button>
                        </form>
                    }
                    .into_any()
                };
                view! {
                    <li class:done=d.done>
                        <span class="deadline-text">
                            <time datetime=d.due_on.clone()>{date_text(i18n, &d.due_on)}</time>" — "{deadline_kind_text(i18n, d.kind)}
                        </span>
                        {status}
                    </li>
                }
            })
            .collect_view();
        view! { <ul class="deadlines">{items}</ul> }.into_any()
    };
    let chosen_kind = refused.value_or("kind", "");
    let kinds = DeadlineKind::ALL
        .iter()
        .map(|&k| view! { <option value=k.as_str() selected=chosen_kind == k.as_str()>{deadline_kind_text(i18n, k)}</option> })
        .collect_view();
    view! {
            <section aria-labelledby="deadlines-title">
                <h2 id="deadlines-title">{t!(i18n, desk.case.deadlines_title)}</h2>
                {list}
                <h3>{t!(i18n, desk.case.deadline_add_title)}</h3>
                <form id=form_id("deadline") method="post" action=action(&case_id) class="inline-form" novalidate>
    <input type="hidden" name="action" value=CaseAction::Deadline.as_str() />
                    <div class="field">
                        <label for="deadline-kind">{t!(i18n, desk.case.deadline_kind)}</label>
                        <FieldError refused=refused.clone() field="kind" id="deadline-kind" />
                        <select id="deadline-kind" name="kind" aria-required="true" aria-invalid=refused.invalid("kind")
                            aria-describedby=refused.described_by("kind", "deadline-kind", None)>
                            <option value="" selected=chosen_kind.is_empty()>{t!(i18n, common.choose)}</option>
                            {kinds}
                        </select>
                    </div>
                    <div class="field">
                        <label for="deadline-due-on">{t!(i18n, desk.case.deadline_due_on)}</label>
                        <FieldError refused=refused.clone() field="due_on" id="deadline-due-on" />
                        <input type="date" id="deadline-due-on" name="due_on" value=refused.value_or("due_on", "") aria-required="true"
                            aria-invalid=refused.invalid("due_on") aria-describedby=refused.described_by("due_on", "deadline-due-on", None) />
                    </div>
                    <button type="submit">{t!(i18n, desk.case.deadline_add)}</button>
                </form>
            </section>
        }
}

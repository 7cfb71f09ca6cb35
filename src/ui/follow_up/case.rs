//! Inside a requester session: the status of the request in their language, the messages
//! from the embassy and their own, a reply form, "add information", "delete my request" and
//! log-out; and when the desk opened the request, by role and embassy. Nothing they
//! submitted at intake is shown back.

use crate::{
    api::{
        documents::{DocumentDto, UploadDto},
        follow_up::{load_thread, DraftKind, MessageDto, OpenedBy, OpeningDto, ThreadView},
        AppError,
    },
    domain::intake::{Field, FieldError},
    i18n::{t, t_string, use_i18n},
    ui::components::{
        documents::{DocumentTable, DocumentsField, RemovedNotice},
        field::{described_by, invalid, FieldErrorText},
        lang_switch::LangSwitch,
        messages::{choice_text, date_time_text, role_string, status_text},
        page_frame::PageFrame,
    },
};
use leptos::prelude::*;
use leptos_i18n::Locale as _;
use leptos_router::hooks::use_query_map;

#[component]
pub fn FollowUpCasePage() -> impl IntoView {
    let i18n = use_i18n();
    let view = Resource::new(|| (), |_| load_thread());
    view! {
        <PageFrame>
            <LangSwitch />
            <Suspense fallback=move || view! { <p>{t!(i18n, common.loading)}</p> }>
                {move || view.get().map(|result| match result {
                    Ok(thread) => view! { <Thread thread /> }.into_any(),
                    Err(AppError::Unauthorized) => view! {
                        <h1>{t!(i18n, follow_up.case_title)}</h1>
                        <p class="notice" role="alert">{t!(i18n, follow_up.session_ended)}</p>
                        <p><a href="/follow-up" rel="external">{t!(i18n, follow_up.login_again)}</a></p>
                    }.into_any(),
                    Err(_) => view! { <p class="notice" role="alert">{t!(i18n, common.failure)}</p> }.into_any(),
                })}
            </Suspense>
        </PageFrame>
    }
}

#[component]
fn Thread(thread: ThreadView) -> impl IntoView {
    let i18n = use_i18n();
    provide_context(crate::ui::components::messages::ShownZone(thread.zone.clone()));
    let sent = use_query_map().with_untracked(|q| q.get("sent").is_some());
    let count = thread.messages.len() as u32;
    let status = thread.status;
    let opened = thread.opened_at;
    let messages = thread.messages.into_iter().map(|m| view! { <Message message=m /> }).collect_view();
    let openings = thread.openings;
    let draft = thread.draft;
    let draft_for = move |kind: DraftKind| draft.clone().filter(|d| d.kind == kind);
    let documents = thread.documents;
    let (upload_token, upload, document_errors) = (thread.upload_token, thread.upload, thread.document_errors);
    let notify = thread.notify;
    view! {
        <h1>{t!(i18n, follow_up.case_title)}</h1>
        {sent.then(|| view! { <p class="notice success" role="status">{t!(i18n, follow_up.sent)}</p> })}
        <dl class="case-facts">
            <dt>{t!(i18n, follow_up.status)}</dt>
            <dd id="case-status">{move || status_text(i18n, status)}</dd>
            <dt>{t!(i18n, follow_up.opened)}</dt>
            <dd>{move || date_time_text(i18n, opened)}</dd>
        </dl>
        <section aria-labelledby="thread-title">
            <h2 id="thread-title">{t!(i18n, follow_up.thread_title)}" "<span class="count">"("{t!(i18n, follow_up.message_count, count = move || count)}")"</span></h2>
            {if count == 0 {
                view! { <p id="thread-empty">{t!(i18n, follow_up.no_messages)}</p> }.into_any()
            } else {
                view! { <ol class="thread" id="thread">{messages}</ol> }.into_any()
            }}
        </section>
        <Openings openings />
        <Documents documents upload_token upload errors=document_errors />
        <MessageForm kind=DraftKind::Reply draft=draft_for(DraftKind::Reply) />
        <MessageForm kind=DraftKind::Information draft=draft_for(DraftKind::Information) />
        {notify.map(|on| view! { <NotifyChoice on /> })}
        <section class="danger-zone" aria-labelledby="delete-title">
            <h2 id="delete-title">{t!(i18n, follow_up.delete_title)}</h2>
            <p>{t!(i18n, follow_up.delete_lead)}</p>
            <p><a href="/follow-up/delete" class="danger">{t!(i18n, follow_up.delete_link)}</a></p>
        </section>
        <form method="post" action="/follow-up/logout" class="logout">
            <button type="submit">{t!(i18n, follow_up.logout)}</button>
        </form>
    }
}

/// "Tell me by e-mail when there is a new message" (the e-mail holds no content), for a
/// requester whose contact is an e-mail address: a plain form that switches it.
#[component]
fn NotifyChoice(on: bool) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section id="notify-choice" aria-labelledby="notify-title">
            <h2 id="notify-title">{t!(i18n, follow_up.notify_title)}</h2>
            <p id="notify-state">{if on { t!(i18n, follow_up.notify_on).into_any() } else { t!(i18n, follow_up.notify_off).into_any() }}</p>
            <p class="hint">{t!(i18n, follow_up.notify_hint)}</p>
            <form method="post" action="/follow-up/notify">
                <input type="hidden" name="notify" value=if on { "off" } else { "on" } />
                <button type="submit" id="notify-switch">
                    {if on { t!(i18n, follow_up.notify_stop).into_any() } else { t!(i18n, follow_up.notify_start).into_any() }}
                </button>
            </form>
        </section>
    }
}

/// The case's documents, and the form that sends more (plain multipart, no script).
#[component]
fn Documents(documents: Vec<DocumentDto>, upload_token: String, upload: UploadDto, errors: Vec<FieldError>) -> impl IntoView {
    let i18n = use_i18n();
    let (sent, removed) = use_query_map().with_untracked(|q| {
        let removed = q.get("removed").map(|r| r.split(',').filter(|c| !c.is_empty()).map(str::to_owned).collect::<Vec<_>>()).unwrap_or_default();
        (q.get("documents").is_some(), removed)
    });
    let errors = RwSignal::new(errors);
    view! {
        <section id="case-documents" aria-labelledby="documents-title">
            <h2 id="documents-title">{t!(i18n, documents.list_title)}</h2>
            {sent.then(|| view! { <p class="notice success" role="status">{t!(i18n, documents.sent)}</p> })}
            <RemovedNotice removed />
            <DocumentTable documents requester_view=true />
            <h3 id="send-documents-title">{t!(i18n, documents.send_title)}</h3>
            <form method="post" action="/follow-up/documents" enctype="multipart/form-data" novalidate aria-labelledby="send-documents-title">
                <input type="hidden" name="upload" value=upload_token />
                <input type="hidden" name="ui_lang" value=move || i18n.get_locale().as_str() />
                <DocumentsField upload errors />
                <button type="submit">{t!(i18n, documents.send)}</button>
            </form>
        </section>
    }
}

#[component]
fn Message(message: MessageDto) -> impl IntoView {
    let i18n = use_i18n();
    let at = message.at;
    let from_embassy = message.from_embassy;
    let information = message.information;
    view! {
        <li class=if from_embassy { "message from-embassy" } else { "message from-requester" }>
            <p class="message-meta">
                <span class="author">{move || if from_embassy {
                    t!(i18n, follow_up.from_embassy).into_any()
                } else if information {
                    t!(i18n, follow_up.from_you_information).into_any()
                } else {
                    t!(i18n, follow_up.from_you).into_any()
                }}</span>
                " · "
                <time>{move || date_time_text(i18n, at)}</time>
            </p>
            // Text, never markup: whatever anyone wrote is shown as written.
            <p class="message-body">{message.body}</p>
        </li>
    }
}

/// When the desk opened the request, newest first: a role of an embassy, never a person.
#[component]
fn Openings(openings: Vec<OpeningDto>) -> impl IntoView {
    let i18n = use_i18n();
    let list = (!openings.is_empty()).then(|| {
        let items = openings
            .into_iter()
            .map(|o| {
                let at = o.at;
                let who = move || {
                    let role = role_string(i18n, o.role);
                    match &o.by {
                        OpenedBy::Embassy(code) => {
                            let country = choice_text(i18n, "country", code);
                            t_string!(i18n, follow_up.opened_by_embassy, role, country).to_string()
                        }
                        OpenedBy::InternationalDesk => t_string!(i18n, follow_up.opened_by_international, role).to_string(),
                        OpenedBy::Administration => t_string!(i18n, follow_up.opened_by_administration, role).to_string(),
                    }
                };
                view! { <li><time>{move || date_time_text(i18n, at)}</time>" · "{who}</li> }
            })
            .collect_view();
        view! { <ol class="openings">{items}</ol> }
    });
    view! {
        <section id="openings" aria-labelledby="openings-title">
            <h2 id="openings-title">{t!(i18n, follow_up.openings_title)}</h2>
            <p>{t!(i18n, follow_up.openings_lead)}</p>
            {match list {
                Some(list) => list.into_any(),
                None => view! { <p id="openings-none">{t!(i18n, follow_up.openings_none)}</p> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn MessageForm(kind: DraftKind, draft: Option<crate::api::follow_up::Draft>) -> impl IntoView {
    let i18n = use_i18n();
    let (id, kind_value) = match kind {
        DraftKind::Reply => ("reply", "reply"),
        DraftKind::Information => ("information", "information"),
    };
    let errors = RwSignal::new(draft.as_ref().map(|d| vec![FieldError { field: Field::Message, rule: d.error }]).unwrap_or_default());
    let text = draft.map(|d| d.text).unwrap_or_default();
    let field_id = format!("message-{id}");
    let error_attr = invalid(errors, Field::Message);
    let describe = described_by(errors, Field::Message, None);
    view! {
        <section aria-labelledby=format!("{id}-title")>
            <h2 id=format!("{id}-title")>{match kind {
                DraftKind::Reply => t!(i18n, follow_up.reply_title).into_any(),
                DraftKind::Information => t!(i18n, follow_up.information_title).into_any(),
            }}</h2>
            <form method="post" action="/follow-up/case" novalidate>
                <input type="hidden" name="kind" value=kind_value />
                <input type="hidden" name="ui_lang" value=move || i18n.get_locale().as_str() />
                <div class="field">
                    <label for=field_id.clone()>{match kind {
                        DraftKind::Reply => t!(i18n, follow_up.reply_label).into_any(),
                        DraftKind::Information => t!(i18n, follow_up.information_label).into_any(),
                    }}</label>
                    <FieldErrorText field=Field::Message errors />
                    <textarea id=field_id name="message" rows="5" aria-required="true" aria-invalid=error_attr aria-describedby=describe>{text}</textarea>
                </div>
                <button type="submit">{match kind {
                    DraftKind::Reply => t!(i18n, follow_up.reply_send).into_any(),
                    DraftKind::Information => t!(i18n, follow_up.information_send).into_any(),
                }}</button>
            </form>
        </section>
    }
}

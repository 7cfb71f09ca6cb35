//! The canned replies page: an embassy's standard texts in each requester language (add,
//! change, remove) and its automatic acknowledgement (on or off, a text per language).
//! Admins choose the embassy; leads keep their own.

use crate::domain::{
    intake::{acknowledgement_field as ack_field, LANGUAGES},
    RepliesAction,
};
use crate::ui::components::desk_form::{form_id, FieldError, FormNotice, Refused, SavedNotice};
use crate::ui::components::desk_page::{DeskLoading, LoadProblem};
use crate::{
    api::{
        form::FormState,
        replies::{load_replies_page, CannedDto, RepliesPageDto},
    },
    i18n::{t, use_i18n},
    ui::components::{desk_frame::DeskFrame, messages::choice_text},
};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn DeskRepliesPage() -> impl IntoView {
    let i18n = use_i18n();
    let embassy = use_query_map().with_untracked(|q| q.get("embassy"));
    let page = Resource::new(move || embassy.clone(), load_replies_page);
    view! {
        <Suspense fallback=|| view! { <DeskFrame><DeskLoading /></DeskFrame> }>
            {move || page.get().map(|r| match r {
                Ok(page) => view! { <DeskFrame me=page.me.clone()><RepliesView page /></DeskFrame> }.into_any(),
                Err(error) => view! { <DeskFrame><LoadProblem error>{t!(i18n, desk.replies.title)}</LoadProblem></DeskFrame> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn RepliesView(page: RepliesPageDto) -> impl IntoView {
    let i18n = use_i18n();
    let embassy = page.embassy_id.clone();
    view! {
        <h1>{t!(i18n, desk.replies.title)}": "{page.embassy_name.clone()}</h1>
        <FormNotice state=page.form.clone() />
        <SavedNotice />
        <p class="lead">{t!(i18n, desk.replies.lead)}</p>
        <EmbassyChoice embassies=page.embassies.clone() chosen=embassy.clone() />
        <Acknowledgement embassy=embassy.clone() on=page.acknowledge texts=page.acknowledgements.clone() state=page.form.clone() />
        <CannedList embassy=embassy.clone() replies=page.replies.clone() state=page.form.clone() />
        <AddCanned embassy state=page.form.clone() />
    }
}

/// Admins: which embassy's texts the page shows (a plain GET form).
#[component]
fn EmbassyChoice(embassies: Vec<(String, String)>, chosen: String) -> impl IntoView {
    let i18n = use_i18n();
    (!embassies.is_empty()).then(|| {
        let options = embassies
            .into_iter()
            .map(|(id, name)| {
                let selected = id == chosen;
                view! { <option value=id selected=selected>{name}</option> }
            })
            .collect_view();
        view! {
            <form method="get" action="/desk/replies" class="inline-form" id="embassy-choice">
                <div class="field">
                    <label for="replies-embassy">{t!(i18n, desk.replies.embassy)}</label>
                    <select id="replies-embassy" name="embassy">{options}</select>
                </div>
                <button type="submit">{t!(i18n, desk.replies.show)}</button>
            </form>
        }
    })
}

/// The languages a canned reply may be written in, the chosen one selected.
fn language_options(i18n: leptos_i18n::I18nContext<crate::i18n::Locale>, chosen: &str) -> impl IntoView {
    LANGUAGES
        .iter()
        .map(|l| {
            let selected = *l == chosen;
            view! { <option value=*l selected=selected>{choice_text(i18n, "language", l)}</option> }
        })
        .collect_view()
}

/// The automatic acknowledgement: on or off, and its text in each language.
#[component]
fn Acknowledgement(embassy: String, on: bool, texts: Vec<(String, String)>, state: Option<FormState>) -> impl IntoView {
    let i18n = use_i18n();
    let name = RepliesAction::Acknowledgement.as_str();
    let refused = Refused::of(&state, name);
    let checked = if refused.is_some() { refused.value_or("acknowledge", "") == "on" } else { on };
    let fields = LANGUAGES
        .iter()
        .map(|language| {
            let field = ack_field(language).expect("every language has its field");
            let current = texts.iter().find(|(l, _)| l == language).map(|(_, text)| text.clone()).unwrap_or_default();
            let id = format!("ack-{language}");
            view! {
                <div class="field">
                    <label for=id.clone()>{choice_text(i18n, "language", language)}</label>
                    <FieldError refused=refused.clone() field=field id=id.clone() />
                    <textarea id=id.clone() name=field rows="3" aria-invalid=refused.invalid(field)
                        aria-describedby=refused.described_by(field, &id, Some("ack-hint"))>{refused.value_or(field, current)}</textarea>
                </div>
            }
        })
        .collect_view();
    view! {
        <section aria-labelledby="ack-title">
            <h2 id="ack-title">{t!(i18n, desk.replies.ack_title)}</h2>
            <form id=form_id(name) method="post" action="/desk/replies" novalidate>
                <input type="hidden" name="action" value=name />
                <input type="hidden" name="embassy" value=embassy />
                <p class="hint" id="ack-hint">{t!(i18n, desk.replies.ack_hint)}</p>
                <div class="field checkbox">
                    <FieldError refused=refused.clone() field="acknowledge" id="ack-on" />
                    <input type="checkbox" id="ack-on" name="acknowledge" value="on" checked=checked
                        aria-invalid=refused.invalid("acknowledge") aria-describedby=refused.described_by("acknowledge", "ack-on", None) />
                    <label for="ack-on">{t!(i18n, desk.replies.ack_on)}</label>
                </div>
                {fields}
                <button type="submit" class="primary">{t!(i18n, desk.replies.ack_submit)}</button>
            </form>
        </section>
    }
}

/// The embassy's canned replies, each with its own form to change or remove it.
#[component]
fn CannedList(embassy: String, replies: Vec<CannedDto>, state: Option<FormState>) -> impl IntoView {
    let i18n = use_i18n();
    if replies.is_empty() {
        return view! {
            <section aria-labelledby="canned-title">
                <h2 id="canned-title">{t!(i18n, desk.replies.list_title)}</h2>
                <p class="empty" id="no-canned">{t!(i18n, desk.replies.none)}</p>
            </section>
        }
        .into_any();
    }
    let items = replies
        .into_iter()
        .map(|reply| {
            // Only the form of the reply that was posted shows what was refused.
            let refused = Refused::of(&state, RepliesAction::Change.as_str());
            let refused = if refused.value_or("canned", "") == reply.id { refused } else { Refused::default() };
            let prefix = format!("canned-{}", reply.id);
            let (language_id, title_id, body_id, heading_id) =
                (format!("{prefix}-language"), format!("{prefix}-title"), format!("{prefix}-body"), format!("{prefix}-heading"));
            let form_dom_id = if refused.is_some() { form_id(RepliesAction::Change.as_str()) } else { format!("{prefix}-form") };
            let chosen = refused.value_or("language", reply.language.clone());
            view! {
                <li class="change canned">
                    <h3 id=heading_id.clone()>{reply.title.clone()}" ("{choice_text(i18n, "language", &reply.language)}")"</h3>
                    <form id=form_dom_id method="post" action="/desk/replies" aria-labelledby=heading_id.clone() novalidate>
                        <input type="hidden" name="action" value=RepliesAction::Change.as_str() />
                        <input type="hidden" name="embassy" value=embassy.clone() />
                        <input type="hidden" name="canned" value=reply.id.clone() />
                        <div class="field">
                            <label for=language_id.clone()>{t!(i18n, desk.replies.language)}</label>
                            <FieldError refused=refused.clone() field="language" id=language_id.clone() />
                            <select id=language_id.clone() name="language" aria-invalid=refused.invalid("language")>{language_options(i18n, &chosen)}</select>
                        </div>
                        <div class="field">
                            <label for=title_id.clone()>{t!(i18n, desk.replies.title_label)}</label>
                            <FieldError refused=refused.clone() field="title" id=title_id.clone() />
                            <input type="text" id=title_id.clone() name="title" maxlength="100" value=refused.value_or("title", reply.title.clone())
                                aria-invalid=refused.invalid("title") aria-describedby=refused.described_by("title", &title_id, None) />
                        </div>
                        <div class="field">
                            <label for=body_id.clone()>{t!(i18n, desk.replies.body_label)}</label>
                            <FieldError refused=refused.clone() field="body" id=body_id.clone() />
                            <textarea id=body_id.clone() name="body" rows="5" aria-invalid=refused.invalid("body")
                                aria-describedby=refused.described_by("body", &body_id, None)>{refused.value_or("body", reply.body.clone())}</textarea>
                        </div>
                        <button type="submit">{t!(i18n, desk.replies.save)}<span class="visually-hidden">": "{reply.title.clone()}</span></button>
                    </form>
                    <form method="post" action="/desk/replies" class="inline-form">
                        <input type="hidden" name="action" value=RepliesAction::Remove.as_str() />
                        <input type="hidden" name="embassy" value=embassy.clone() />
                        <input type="hidden" name="canned" value=reply.id.clone() />
                        <button type="submit" class="danger">{t!(i18n, desk.replies.remove)}<span class="visually-hidden">": "{reply.title.clone()}</span></button>
                    </form>
                </li>
            }
        })
        .collect_view();
    view! {
        <section aria-labelledby="canned-title">
            <h2 id="canned-title">{t!(i18n, desk.replies.list_title)}</h2>
            <ul class="changes" id="canned-list">{items}</ul>
        </section>
    }
    .into_any()
}

/// A new canned reply: its language, a title volunteers choose it by, and its text.
#[component]
fn AddCanned(embassy: String, state: Option<FormState>) -> impl IntoView {
    let i18n = use_i18n();
    let name = RepliesAction::Add.as_str();
    let refused = Refused::of(&state, name);
    let chosen = refused.value_or("language", "");
    view! {
        <section aria-labelledby="add-canned-title">
            <h2 id="add-canned-title">{t!(i18n, desk.replies.add_title)}</h2>
            <form id=form_id(name) method="post" action="/desk/replies" novalidate>
                <input type="hidden" name="action" value=name />
                <input type="hidden" name="embassy" value=embassy />
                <div class="field">
                    <label for="add-language">{t!(i18n, desk.replies.language)}</label>
                    <FieldError refused=refused.clone() field="language" id="add-language" />
                    <select id="add-language" name="language" aria-required="true" aria-invalid=refused.invalid("language")
                        aria-describedby=refused.described_by("language", "add-language", None)>
                        <option value="">{t!(i18n, common.choose)}</option>
                        {language_options(i18n, &chosen)}
                    </select>
                </div>
                <div class="field">
                    <label for="add-title">{t!(i18n, desk.replies.title_label)}</label>
                    <p class="hint" id="add-title-hint">{t!(i18n, desk.replies.title_hint)}</p>
                    <FieldError refused=refused.clone() field="title" id="add-title" />
                    <input type="text" id="add-title" name="title" maxlength="100" aria-required="true" value=refused.value_or("title", "")
                        aria-invalid=refused.invalid("title") aria-describedby=refused.described_by("title", "add-title", Some("add-title-hint")) />
                </div>
                <div class="field">
                    <label for="add-body">{t!(i18n, desk.replies.body_label)}</label>
                    <FieldError refused=refused.clone() field="body" id="add-body" />
                    <textarea id="add-body" name="body" rows="6" aria-required="true" aria-invalid=refused.invalid("body")
                        aria-describedby=refused.described_by("body", "add-body", None)>{refused.value_or("body", "")}</textarea>
                </div>
                <button type="submit" class="primary">{t!(i18n, desk.replies.add_submit)}</button>
            </form>
        </section>
    }
}

//! The notifications page: a person's own e-mail address (shown masked once stored), the
//! language of their e-mails, and for each kind of news whether they hear of it at once, in
//! the daily digest, or not at all; a test e-mail, and removing the address.

use crate::domain::{NotifyAction, NotifyKind, NotifyMode};
use crate::ui::components::desk_form::{form_id, FieldError, FormNotice, Refused, SavedNotice};
use crate::ui::components::desk_page::{DeskLoading, LoadProblem};
use crate::{
    api::notify::{load_notify_page, NotifyPageDto},
    i18n::{t, t_string, use_i18n},
    ui::components::desk_frame::DeskFrame,
};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn DeskNotifyPage() -> impl IntoView {
    let i18n = use_i18n();
    let page = Resource::new(|| (), |_| load_notify_page());
    view! {
        <Suspense fallback=|| view! { <DeskFrame><DeskLoading /></DeskFrame> }>
            {move || page.get().map(|r| match r {
                Ok(page) => view! { <DeskFrame me=page.me.clone()><NotifyView page /></DeskFrame> }.into_any(),
                Err(error) => view! { <DeskFrame><LoadProblem error>{t!(i18n, desk.notify.title)}</LoadProblem></DeskFrame> }.into_any(),
            })}
        </Suspense>
    }
}

fn kind_label(i18n: leptos_i18n::I18nContext<crate::i18n::Locale>, kind: NotifyKind) -> String {
    match kind {
        NotifyKind::NewCase => t_string!(i18n, desk.notify.kind_new_case).to_string(),
        NotifyKind::Answered => t_string!(i18n, desk.notify.kind_answered).to_string(),
        NotifyKind::Assigned => t_string!(i18n, desk.notify.kind_assigned).to_string(),
        NotifyKind::DeadlineNear => t_string!(i18n, desk.notify.kind_deadline_near).to_string(),
        NotifyKind::Overdue => t_string!(i18n, desk.notify.kind_overdue).to_string(),
    }
}

fn mode_label(i18n: leptos_i18n::I18nContext<crate::i18n::Locale>, mode: NotifyMode) -> String {
    match mode {
        NotifyMode::Now => t_string!(i18n, desk.notify.mode_now).to_string(),
        NotifyMode::Digest => t_string!(i18n, desk.notify.mode_digest).to_string(),
        NotifyMode::Off => t_string!(i18n, desk.notify.mode_off).to_string(),
    }
}

#[component]
fn NotifyView(page: NotifyPageDto) -> impl IntoView {
    let i18n = use_i18n();
    let save = NotifyAction::Save.as_str();
    let refused = Refused::of(&page.form, save);
    let test_sent = use_query_map().with_untracked(|q| q.get("saved").as_deref() == Some(NotifyAction::Test.as_str()));
    let language = refused.value_or("email_language", page.language.clone());
    let languages = [("be", "Беларуская"), ("ru", "Русский"), ("en", "English")]
        .into_iter()
        .map(|(code, name)| {
            let selected = code == language;
            view! { <option value=code selected=selected>{name}</option> }
        })
        .collect_view();
    let kinds = page
        .modes
        .iter()
        .map(|(kind, mode)| {
            let field = kind.mode_field();
            let chosen = refused.value_or(field, mode.as_str());
            let id = format!("notify-{field}");
            let options = NotifyMode::ALL
                .iter()
                .map(|m| {
                    let selected = m.as_str() == chosen;
                    view! { <option value=m.as_str() selected=selected>{mode_label(i18n, *m)}</option> }
                })
                .collect_view();
            view! {
                <div class="field">
                    <label for=id.clone()>{kind_label(i18n, *kind)}</label>
                    <FieldError refused=refused.clone() field=field id=id.clone() />
                    <select id=id.clone() name=field aria-invalid=refused.invalid(field)>{options}</select>
                </div>
            }
        })
        .collect_view();
    let has_email = page.email_hint.is_some();
    let email_hint_id = "notify-email-hint";
    view! {
        <h1>{t!(i18n, desk.notify.title)}</h1>
        <FormNotice state=page.form.clone() />
        {if test_sent {
            view! { <p class="notice success" role="status" id="notify-test-sent">{t!(i18n, desk.notify.test_queued)}</p> }.into_any()
        } else {
            view! { <SavedNotice /> }.into_any()
        }}
        <p class="lead">{t!(i18n, desk.notify.lead)}</p>
        {(!page.sends).then(|| view! { <p class="notice" id="notify-off" role="status">{t!(i18n, desk.notify.no_smtp)}</p> })}
        <section aria-labelledby="notify-settings-title">
            <h2 id="notify-settings-title">{t!(i18n, desk.notify.settings_title)}</h2>
            <form id=form_id(save) method="post" action="/desk/notifications" novalidate>
                <input type="hidden" name="action" value=save />
                <div class="field">
                    <label for="notify-email">{t!(i18n, desk.notify.email)}</label>
                    <p class="hint" id=email_hint_id>
                        {match page.email_hint.clone() {
                            Some(hint) => view! { <span id="notify-current">{t!(i18n, desk.notify.email_current, address = hint)}</span> }.into_any(),
                            None => t!(i18n, desk.notify.email_hint).into_any(),
                        }}
                    </p>
                    <FieldError refused=refused.clone() field="email" id="notify-email" />
                    <input type="email" id="notify-email" name="email" maxlength="254" autocomplete="email" value=refused.value_or("email", "")
                        aria-required=(!has_email).to_string() aria-invalid=refused.invalid("email")
                        aria-describedby=refused.described_by("email", "notify-email", Some(email_hint_id)) />
                </div>
                <div class="field">
                    <label for="notify-language">{t!(i18n, desk.notify.language)}</label>
                    <FieldError refused=refused.clone() field="email_language" id="notify-language" />
                    <select id="notify-language" name="email_language" aria-invalid=refused.invalid("email_language")>{languages}</select>
                </div>
                <fieldset>
                    <legend>{t!(i18n, desk.notify.kinds)}</legend>
                    <p class="hint">{t!(i18n, desk.notify.kinds_hint)}</p>
                    {kinds}
                </fieldset>
                <button type="submit" class="primary">{t!(i18n, desk.notify.save)}</button>
            </form>
        </section>
        {has_email.then(|| view! {
            <section aria-labelledby="notify-more-title">
                <h2 id="notify-more-title">{t!(i18n, desk.notify.more_title)}</h2>
                <p id="notify-waiting">{t!(i18n, desk.notify.waiting, count = move || u32::try_from(page.waiting).unwrap_or(u32::MAX))}</p>
                <form method="post" action="/desk/notifications" class="inline-form" id=form_id(NotifyAction::Test.as_str())>
                    <input type="hidden" name="action" value=NotifyAction::Test.as_str() />
                    <button type="submit">{t!(i18n, desk.notify.test)}</button>
                </form>
                <form method="post" action="/desk/notifications" class="inline-form" id=form_id(NotifyAction::Remove.as_str())>
                    <input type="hidden" name="action" value=NotifyAction::Remove.as_str() />
                    <button type="submit" class="danger">{t!(i18n, desk.notify.remove)}</button>
                </form>
            </section>
        })}
    }
}

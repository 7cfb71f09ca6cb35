//! The security page: a person's own second factors — whether their authenticator app is
//! set up, their passkeys (each with a way to remove it while another factor remains), and
//! adding a passkey (with JavaScript; the page says so without it).

use crate::domain::SecurityAction;
use crate::ui::components::desk_form::{FormNotice, Refused, SavedNotice};
use crate::ui::components::desk_page::{DeskLoading, LoadProblem};
use crate::ui::staff::passkey::{PasskeyForm, PasskeyName};
use crate::{
    api::{
        form::FormState,
        security::{load_security_page, PasskeyDto, SecurityPageDto},
    },
    i18n::{t, use_i18n},
    ui::components::{desk_frame::DeskFrame, desk_table::DeskTable, island_scripts::IslandScripts, messages::date_time_text},
};
use leptos::prelude::*;

#[component]
pub fn DeskSecurityPage() -> impl IntoView {
    let i18n = use_i18n();
    let page = Resource::new(|| (), |_| load_security_page());
    view! {
        <Suspense fallback=|| view! { <DeskFrame><DeskLoading /></DeskFrame> }>
            {move || page.get().map(|r| match r {
                Ok(page) => view! { <DeskFrame me=page.me.clone()><SecurityView page /></DeskFrame> }.into_any(),
                Err(error) => view! { <DeskFrame><LoadProblem error>{t!(i18n, desk.security.title)}</LoadProblem></DeskFrame> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn SecurityView(page: SecurityPageDto) -> impl IntoView {
    let i18n = use_i18n();
    let form = page.form.clone();
    view! {
        <h1>{t!(i18n, desk.security.title)}</h1>
        <FormNotice state=page.form.clone() />
        <SavedNotice />
        <p class="lead">{t!(i18n, desk.security.lead)}</p>
        <p id="totp-state">{if page.has_totp { t!(i18n, desk.security.totp_on).into_any() } else { t!(i18n, desk.security.totp_off).into_any() }}</p>
        <Passkeys passkeys=page.passkeys />
        <AddPasskey options=page.register_options state=form />
    }
}

#[component]
fn Passkeys(passkeys: Vec<PasskeyDto>) -> impl IntoView {
    let i18n = use_i18n();
    if passkeys.is_empty() {
        return view! {
            <section aria-labelledby="passkeys-title">
                <h2 id="passkeys-title">{t!(i18n, desk.security.passkeys_title)}</h2>
                <p id="no-passkeys">{t!(i18n, desk.security.none)}</p>
            </section>
        }
        .into_any();
    }
    let rows = passkeys
        .into_iter()
        .map(|passkey| {
            let name = passkey.name.clone();
            let (added, used) = (passkey.created_at, passkey.last_used_at);
            view! {
                <tr>
                    <th scope="row">{passkey.name}</th>
                    <td><time>{move || date_time_text(i18n, added)}</time></td>
                    <td>{match used {
                        Some(at) => view! { <time>{move || date_time_text(i18n, at)}</time> }.into_any(),
                        None => view! { <span class="muted">{t!(i18n, desk.security.never)}</span> }.into_any(),
                    }}</td>
                    <td>
                        <form method="post" action="/desk/security" class="inline-form">
                            <input type="hidden" name="action" value=SecurityAction::PasskeyRemove.as_str() />
                            <input type="hidden" name="passkey" value=passkey.id />
                            <button type="submit" class="danger">
                                {t!(i18n, desk.security.remove)}<span class="visually-hidden">": "{name}</span>
                            </button>
                        </form>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section aria-labelledby="passkeys-title">
            <h2 id="passkeys-title">{t!(i18n, desk.security.passkeys_title)}</h2>
            <DeskTable caption_id="passkeys-caption" caption=t!(i18n, desk.security.passkeys_caption).into_any()
                head=view! {
                    <th scope="col">{t!(i18n, desk.security.col_name)}</th>
                    <th scope="col">{t!(i18n, desk.security.col_added)}</th>
                    <th scope="col">{t!(i18n, desk.security.col_used)}</th>
                    <th scope="col">{t!(i18n, desk.security.col_actions)}</th>
                }.into_any()>
                {rows}
            </DeskTable>
        </section>
    }
    .into_any()
}

/// Adding a passkey: its name and the button that asks the authenticator. Where the desk's
/// address allows no passkeys, a note instead.
#[component]
fn AddPasskey(options: Option<String>, state: Option<FormState>) -> impl IntoView {
    let i18n = use_i18n();
    let form = match options {
        Some(options) => {
            let fields = view! {
                <input type="hidden" name="action" value=SecurityAction::PasskeyAdd.as_str() />
                <PasskeyName refused=Refused::of(&state, "passkey-add") />
            }
            .into_any();
            view! {
                <PasskeyForm id="passkey-add-form" action="/desk/security" options create=true fields label=t!(i18n, desk.security.add_button).into_any() />
                <IslandScripts />
            }
            .into_any()
        }
        None => view! { <p class="hint" id="passkeys-unavailable">{t!(i18n, desk.security.unavailable)}</p> }.into_any(),
    };
    view! {
        <section aria-labelledby="add-passkey-title">
            <h2 id="add-passkey-title">{t!(i18n, desk.security.add_title)}</h2>
            <p>{t!(i18n, desk.security.add_lead)}</p>
            {form}
        </section>
    }
}

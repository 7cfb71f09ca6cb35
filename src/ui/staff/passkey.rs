//! A passkey form: the island around a server-rendered form that asks the authenticator
//! (through [`webauthn`]) when it is sent, and posts its answer in a hidden field. The page
//! renders everything in its language; the island holds only the behaviour. Without
//! JavaScript, or in a browser without WebAuthn, its button stays disabled and a note says
//! why; the authenticator app (TOTP) works as before.

use crate::{
    i18n::{t, use_i18n},
    ui::{
        components::desk_form::{FieldError, Refused},
        webauthn,
    },
};
use leptos::{ev::SubmitEvent, prelude::*};

/// The `<form>` element: asks the authenticator with `options` (JSON: `create` for a new
/// passkey, else a sign-in) instead of sending the form as it is.
#[island]
pub fn PasskeyFormIsland(id: String, action: String, options: String, create: bool, children: Children) -> impl IntoView {
    let form = id.clone();
    Effect::new(move |_| webauthn::ready(&form));
    let form = id.clone();
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        webauthn::ask_and_post(form.clone(), options.clone(), create);
    };
    view! {
        <form id=id method="post" action=action on:submit=on_submit>
            {children()}
        </form>
    }
}

/// A passkey form as the page shows it: `fields` (a name for a new passkey), the hidden
/// field for the answer, a note for browsers that cannot use passkeys, the message for an
/// authenticator that gave no answer, and the button (`label`), enabled by the island.
#[component]
pub fn PasskeyForm(
    #[prop(into)] id: String,
    #[prop(into)] action: String,
    options: String,
    create: bool,
    label: AnyView,
    #[prop(optional)] fields: Option<AnyView>,
) -> impl IntoView {
    let i18n = use_i18n();
    let (credential, needs_script, failed, button) =
        (webauthn::credential_id(&id), webauthn::needs_script_id(&id), webauthn::failed_id(&id), webauthn::button_id(&id));
    view! {
        <PasskeyFormIsland id action options create>
            {fields}
            <input type="hidden" name="credential" id=credential value="" />
            <p class="hint" id=needs_script>{t!(i18n, desk.passkey.needs_script)}</p>
            <p class="notice" role="alert" id=failed hidden>{t!(i18n, desk.passkey.failed)}</p>
            <button type="submit" class="primary" id=button disabled>{label}</button>
        </PasskeyFormIsland>
    }
}

/// The name of a new passkey, with the rule it broke when the server refused it.
#[component]
pub fn PasskeyName(refused: Refused) -> impl IntoView {
    let i18n = use_i18n();
    let described = ["passkey-name-hint".to_owned()].into_iter().chain(refused.described_by("name", "passkey-name", None)).collect::<Vec<_>>().join(" ");
    view! {
        <div class="field">
            <label for="passkey-name">{t!(i18n, desk.passkey.name)}</label>
            <p class="hint" id="passkey-name-hint">{t!(i18n, desk.passkey.name_hint)}</p>
            <FieldError refused=refused.clone() field="name" id="passkey-name" />
            <input type="text" id="passkey-name" name="name" value=refused.value_or("name", "") required maxlength="64"
                autocomplete="off" aria-invalid=refused.invalid("name") aria-describedby=described />
        </div>
    }
}

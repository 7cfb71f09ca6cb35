//! The second step of signing in: a code from the authenticator app or a passkey, or, the
//! first time, enrolling the app by QR code or by typing its secret, or a first passkey.

use super::passkey::{PasskeyForm, PasskeyName};
use crate::ui::components::desk_form::{FieldError, FormNotice, Refused};
use crate::ui::components::desk_page::LoadProblem;
use crate::{
    api::staff::{load_second_factor, EnrolmentDto, PasskeyStepDto, SecondFactorDto},
    i18n::{t, use_i18n},
    ui::components::{desk_frame::DeskFrame, island_scripts::IslandScripts},
};
use leptos::prelude::*;

#[component]
pub fn DeskSecondFactorPage() -> impl IntoView {
    let i18n = use_i18n();
    let page = Resource::new(|| (), |_| load_second_factor());
    view! {
        <DeskFrame>
            <Suspense fallback=|| view! { <crate::ui::components::desk_page::DeskLoading /> }>
                {move || page.get().map(|r| match r {
                    Ok(page) => view! { <SecondFactor page /> }.into_any(),
                    Err(error) => view! { <LoadProblem error>{t!(i18n, desk.second_factor.title)}</LoadProblem> }.into_any(),
                })}
            </Suspense>
        </DeskFrame>
    }
}

/// The secret in groups of four, as authenticator apps show it.
fn grouped(secret: &str) -> String {
    let chars: Vec<char> = secret.chars().filter(|c| !c.is_whitespace()).collect();
    chars.chunks(4).map(|group| group.iter().collect::<String>()).collect::<Vec<_>>().join(" ")
}

#[component]
fn SecondFactor(page: SecondFactorDto) -> impl IntoView {
    let i18n = use_i18n();
    let refused = Refused::of(&page.form, "code");
    let (passkey, asks_code, form, enrolling) = (page.passkey, page.asks_code, page.form.clone(), page.enrolment.is_some());
    view! {
        <h1>{t!(i18n, desk.second_factor.title)}</h1>
        <FormNotice state=page.form />
        {match page.enrolment {
            Some(enrolment) => view! { <Enrolment enrolment /> }.into_any(),
            None if asks_code => view! { <p class="lead">{t!(i18n, desk.second_factor.lead)}</p> }.into_any(),
            None => ().into_any(),
        }}
        {asks_code.then(|| view! { <CodeForm refused enrolling /> })}
        {passkey.map(|step| view! { <PasskeyStep step form=Refused::of(&form, "passkey") /> <IslandScripts /> })}
        <p><a href="/desk/login" rel="external">{t!(i18n, desk.second_factor.start_over)}</a></p>
    }
}

/// The code from the authenticator app.
#[component]
fn CodeForm(refused: Refused, enrolling: bool) -> impl IntoView {
    let i18n = use_i18n();
    let notice = refused.notice_id();
    let described: Vec<String> = ["code-hint".to_owned()].into_iter().chain(refused.described_by("code", "code", None)).chain(notice).collect();
    view! {
        <form id="code-form" method="post" action="/desk/second-factor" novalidate>
            <div class="field">
                <label for="code">{t!(i18n, desk.second_factor.code)}</label>
                <p class="hint" id="code-hint">{t!(i18n, desk.second_factor.code_hint)}</p>
                <FieldError refused=refused.clone() field="code" id="code" />
                <input type="text" id="code" name="code" value="" inputmode="numeric" autocomplete="one-time-code"
                    class="short" maxlength="10" spellcheck="false" aria-required="true"
                    aria-invalid=refused.invalid("code") aria-describedby=described.join(" ") />
            </div>
            <button type="submit" class="primary">{move || if enrolling {
                t!(i18n, desk.second_factor.submit_enrol).into_any()
            } else {
                t!(i18n, desk.second_factor.submit).into_any()
            }}</button>
        </form>
    }
}

/// A passkey instead of the code: signing in with one the person has, or (enrolling)
/// creating a first one, named.
#[component]
fn PasskeyStep(step: PasskeyStepDto, form: Refused) -> impl IntoView {
    let i18n = use_i18n();
    let action = "/desk/second-factor/passkey";
    if !step.create {
        return view! {
            <section class="passkey" aria-labelledby="passkey-title">
                <h2 id="passkey-title">{t!(i18n, desk.passkey.sign_in_title)}</h2>
                <p>{t!(i18n, desk.passkey.sign_in_lead)}</p>
                <PasskeyForm id="passkey-form" action options=step.options create=false label=t!(i18n, desk.passkey.sign_in_button).into_any() />
            </section>
        }
        .into_any();
    }
    let fields = view! { <PasskeyName refused=form /> }.into_any();
    view! {
        <section class="passkey" aria-labelledby="passkey-title">
            <h2 id="passkey-title">{t!(i18n, desk.passkey.enrol_title)}</h2>
            <p>{t!(i18n, desk.passkey.enrol_lead)}</p>
            <PasskeyForm id="passkey-form" action options=step.options create=true fields label=t!(i18n, desk.passkey.enrol_button).into_any() />
        </section>
    }
    .into_any()
}

#[component]
fn Enrolment(enrolment: EnrolmentDto) -> impl IntoView {
    let i18n = use_i18n();
    let secret = grouped(&enrolment.secret_base32);
    view! {
        <p class="lead">{t!(i18n, desk.second_factor.enrol_lead)}</p>
        <ol class="steps">
            <li>{t!(i18n, desk.second_factor.enrol_step_app)}</li>
            <li>{t!(i18n, desk.second_factor.enrol_step_scan)}</li>
            <li>{t!(i18n, desk.second_factor.enrol_step_code)}</li>
        </ol>
        <figure class="qr">
            // The server draws the QR code; it is the secret as a picture, nothing else.
            <div class="qr-code" role="img" aria-labelledby="qr-caption" inner_html=enrolment.qr_svg></div>
            <figcaption id="qr-caption">{t!(i18n, desk.second_factor.qr_caption)}</figcaption>
        </figure>
        <p>{t!(i18n, desk.second_factor.secret_label)}" "<code class="secret" id="totp-secret">{secret}</code></p>
        <p class="hint">{t!(i18n, desk.second_factor.secret_hint)}</p>
    }
}

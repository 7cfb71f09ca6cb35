//! The second step of signing in: a code from the authenticator app, or, the first time,
//! enrolling the app by QR code or by typing its secret.

use crate::ui::components::desk_form::{FieldError, FormNotice, Refused};
use crate::ui::components::desk_page::LoadProblem;
use crate::{
    api::staff::{load_second_factor, EnrolmentDto, SecondFactorDto},
    i18n::{t, use_i18n},
    ui::components::desk_frame::DeskFrame,
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
    let refused = Refused::any(page.form.clone());
    let enrolling = page.enrolment.is_some();
    let notice = refused.notice_id();
    let described: Vec<String> = ["code-hint".to_owned()].into_iter().chain(refused.described_by("code", "code", None)).chain(notice).collect();
    view! {
        <h1>{t!(i18n, desk.second_factor.title)}</h1>
        <FormNotice state=page.form />
        {match page.enrolment {
            Some(enrolment) => view! { <Enrolment enrolment /> }.into_any(),
            None => view! { <p class="lead">{t!(i18n, desk.second_factor.lead)}</p> }.into_any(),
        }}
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
        <p><a href="/desk/login" rel="external">{t!(i18n, desk.second_factor.start_over)}</a></p>
    }
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

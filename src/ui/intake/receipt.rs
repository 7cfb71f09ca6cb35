//! Shown once, right after the request is sent: the reference and the secret code, with
//! advice on keeping them. The code is never shown again, anywhere: a form sent twice is
//! answered with a short page saying so.

use crate::{
    api::intake::ReceiptDto,
    i18n::{t, use_i18n},
    ui::components::documents::RemovedNotice,
};
use leptos::prelude::*;

#[component]
pub fn Receipt(receipt: ReceiptDto) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="receipt" aria-labelledby="receipt-title">
            <h1 id="receipt-title" tabindex="-1">{t!(i18n, receipt.title)}</h1>
            <p>{t!(i18n, receipt.lead)}</p>
            <dl class="receipt-codes">
                <dt>{t!(i18n, receipt.reference)}</dt>
                <dd><code id="receipt-reference">{receipt.reference}</code></dd>
                <dt>{t!(i18n, receipt.code)}</dt>
                <dd><code id="receipt-code">{receipt.code}</code></dd>
            </dl>
            <RemovedNotice removed=receipt.documents.removed />
            <h2>{t!(i18n, receipt.advice_title)}</h2>
            <ul>
                <li>{t!(i18n, receipt.advice_write)}</li>
                <li>{t!(i18n, receipt.advice_no_photo)}</li>
                <li>{t!(i18n, receipt.advice_once)}</li>
                <li>{t!(i18n, receipt.advice_lost)}</li>
            </ul>
            <p><a href="/follow-up" rel="external">{t!(i18n, receipt.follow_up_link)}</a></p>
        </section>
    }
}

/// The answer to a form that was already sent: no second request, no form to send again,
/// just where to go next. A replayed post is answered with this short page, so a flood of
/// replays costs little.
#[component]
pub fn AlreadySent() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section aria-labelledby="already-sent-title">
            <h1 id="already-sent-title" tabindex="-1">{t!(i18n, intake.already_sent_title)}</h1>
            <p class="notice" role="alert">{t!(i18n, intake.already_sent)}</p>
            <p><a href="/follow-up" rel="external">{t!(i18n, intake.already_sent_link)}</a></p>
            <p><a href="/" rel="external">{t!(i18n, intake.already_sent_new)}</a></p>
        </section>
    }
}

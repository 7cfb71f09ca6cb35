//! Shown once, right after the request is sent: the reference and the secret code, with
//! advice on keeping them. The code is never shown again, anywhere.

use crate::{
    api::intake::ReceiptDto,
    i18n::{t, use_i18n},
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

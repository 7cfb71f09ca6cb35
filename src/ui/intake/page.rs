//! The start page: the intake form, or — in the answer to a successful submission — the
//! receipt with the reference and secret code.

use crate::{
    api::intake::{load_intake, IntakeNotice},
    i18n::{t, use_i18n},
    ui::{
        components::{island_scripts::IslandScripts, page_frame::PageFrame},
        intake::{
            form::IntakeFormView,
            receipt::{AlreadySent, Receipt},
        },
    },
};
use leptos::prelude::*;

#[component]
pub fn IntakePage() -> impl IntoView {
    let i18n = use_i18n();
    let view = Resource::new(|| (), |_| load_intake());
    view! {
        <PageFrame>
            <Suspense fallback=move || view! { <p>{t!(i18n, common.loading)}</p> }>
                {move || view.get().map(|result| match result {
                    Ok(v) => match v.receipt.clone() {
                        Some(receipt) => view! { <Receipt receipt /> }.into_any(),
                        None if v.notice == Some(IntakeNotice::AlreadySent) => view! { <AlreadySent /> }.into_any(),
                        None => view! {
                            <IntakeFormView form=v.form errors=v.errors token=v.token notice=v.notice upload=v.upload countries=v.countries />
                            <IslandScripts />
                        }.into_any(),
                    },
                    Err(_) => view! { <p class="notice" role="alert">{t!(i18n, common.failure)}</p> }.into_any(),
                })}
            </Suspense>
        </PageFrame>
    }
}

//! "Delete my request": a confirmation, then the end. Deletion destroys the case's key, so
//! nothing of it can be read again, by anyone.

use crate::{
    i18n::{t, use_i18n},
    ui::components::{lang_switch::LangSwitch, page_frame::PageFrame},
};
use leptos::prelude::*;

#[component]
pub fn FollowUpDeletePage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <PageFrame>
            <LangSwitch />
            <h1>{t!(i18n, delete.title)}</h1>
            <p>{t!(i18n, delete.lead)}</p>
            <ul>
                <li>{t!(i18n, delete.what_goes)}</li>
                <li>{t!(i18n, delete.cannot_undo)}</li>
            </ul>
            <form method="post" action="/follow-up/delete">
                <input type="hidden" name="confirm" value="yes" />
                <button type="submit" class="danger">{t!(i18n, delete.confirm)}</button>
            </form>
            <p><a href="/follow-up/case">{t!(i18n, delete.cancel)}</a></p>
        </PageFrame>
    }
}

#[component]
pub fn FollowUpDeletedPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <PageFrame>
            <LangSwitch />
            <h1>{t!(i18n, delete.done_title)}</h1>
            <p role="status">{t!(i18n, delete.done_lead)}</p>
            <p><a href="/" rel="external">{t!(i18n, follow_up.new_request)}</a></p>
        </PageFrame>
    }
}

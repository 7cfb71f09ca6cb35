//! The audit viewer: whether the chain verifies (and a way to check it now), a filter in the
//! address (person, action, case reference, dates), and the log newest first, one keyset
//! page at a time.

use crate::domain::AuditPageAction;
use crate::ui::components::desk_form::{FieldError, FormNotice, Refused};
use crate::ui::components::desk_page::DeskLoading;
use crate::ui::components::desk_page::LoadProblem;
use crate::{
    api::audit::{load_audit_page, AuditAction, AuditPageDto, AuditQuery, AuditRowDto, ChainDto},
    domain::percent_encode,
    i18n::{t, use_i18n},
    ui::components::{desk_frame::DeskFrame, desk_table::DeskTable, messages::date_time_text},
};
use leptos::prelude::*;
use leptos_router::{hooks::use_query_map, params::ParamsMap};

#[component]
pub fn DeskAuditPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let page = Resource::new(move || query.with(query_from), load_audit_page);
    view! {
        <Suspense fallback=|| view! { <DeskFrame><DeskLoading /></DeskFrame> }>
            {move || page.get().map(|r| match r {
                Ok(page) => view! { <DeskFrame me=page.me.clone()><AuditView page /></DeskFrame> }.into_any(),
                Err(error) => view! { <DeskFrame><LoadProblem error>{t!(i18n, desk.audit.title)}</LoadProblem></DeskFrame> }.into_any(),
            })}
        </Suspense>
    }
}

fn query_from(query: &ParamsMap) -> AuditQuery {
    let text = |key: &str| query.get(key).filter(|v| !v.is_empty());
    AuditQuery { login: text("login"), action: text("action"), reference: text("reference"), from: text("from"), to: text("to"), before: text("before") }
}

/// The address of the next (older) page: the same filter, before `cursor`.
fn next_href(query: &AuditQuery, cursor: &str) -> String {
    let parts: Vec<String> = [("login", &query.login), ("action", &query.action), ("reference", &query.reference), ("from", &query.from), ("to", &query.to)]
        .into_iter()
        .filter_map(|(k, v)| v.as_deref().map(|v| format!("{k}={}", percent_encode(v))))
        .chain(std::iter::once(format!("before={}", percent_encode(cursor))))
        .collect();
    format!("/desk/audit?{}", parts.join("&"))
}

#[component]
fn AuditView(page: AuditPageDto) -> impl IntoView {
    let i18n = use_i18n();
    let next = page.next.as_deref().map(|cursor| next_href(&page.query, cursor));
    view! {
        <h1>{t!(i18n, desk.audit.title)}</h1>
        <FormNotice state=page.form.clone() />
        <Chain chain=page.chain />
        <Filter query=page.query.clone() form=page.form.clone() />
        <Rows rows=page.rows />
        {next.map(|href| view! { <p class="pager"><a href=href rel="external" id="audit-next">{t!(i18n, desk.audit.older)}</a></p> })}
    }
}

#[component]
fn Chain(chain: ChainDto) -> impl IntoView {
    let i18n = use_i18n();
    let checked =
        chain.checked_at.map(|at| view! { " "<span class="muted">"("{t!(i18n, desk.audit.checked_at)}" "{move || date_time_text(i18n, at)}")"</span> });
    let status = match (chain.intact_rows, chain.broken_at) {
        (_, Some(row)) => {
            let row = u32::try_from(row).unwrap_or(u32::MAX);
            view! { <p class="notice" role="alert" id="chain-status">{t!(i18n, desk.audit.broken, row = move || row)}{checked}</p> }.into_any()
        }
        (Some(rows), None) => {
            let rows = u32::try_from(rows).unwrap_or(u32::MAX);
            view! { <p class="notice success" id="chain-status">{t!(i18n, desk.audit.intact, count = move || rows)}{checked}</p> }.into_any()
        }
        (None, None) => view! { <p class="notice" id="chain-status">{t!(i18n, desk.audit.checking)}</p> }.into_any(),
    };
    view! {
        <section aria-labelledby="chain-title">
            <h2 id="chain-title">{t!(i18n, desk.audit.chain_title)}</h2>
            {status}
            {chain.running.then(|| view! { <p class="muted">{t!(i18n, desk.audit.running)}</p> })}
            <form method="post" action="/desk/audit" class="inline-form">
                <input type="hidden" name="action" value=AuditPageAction::Check.as_str() />
                <button type="submit">{t!(i18n, desk.audit.check_now)}</button>
            </form>
        </section>
    }
}

#[component]
fn Filter(query: AuditQuery, form: Option<crate::api::form::FormState>) -> impl IntoView {
    let i18n = use_i18n();
    let refused = Refused::any(form);
    let chosen = refused.value_or("action", query.action.clone().unwrap_or_default());
    let options = AuditAction::ALL.iter().map(|a| a.as_str()).map(|a| view! { <option value=a selected=chosen == a>{a}</option> }).collect_view();
    let value = |key: &str, current: &Option<String>| refused.value_or(key, current.clone().unwrap_or_default());
    view! {
        <form method="get" action="/desk/audit" class="filters" id="audit-form" aria-labelledby="audit-filter-title" novalidate>
            <h2 id="audit-filter-title">{t!(i18n, desk.queue.filter_title)}</h2>
            <div class="filter-fields">
                <div class="field">
                    <label for="a-login">{t!(i18n, desk.audit.f_login)}</label>
                    <input type="text" id="a-login" name="login" value=value("login", &query.login) autocomplete="off" spellcheck="false" />
                </div>
                <div class="field">
                    <label for="a-action">{t!(i18n, desk.audit.f_action)}</label>
                    <FieldError refused=refused.clone() field="action" id="a-action" />
                    <select id="a-action" name="action" aria-invalid=refused.invalid("action") aria-describedby=refused.described_by("action", "a-action", None)>
                        <option value="">{t!(i18n, desk.audit.any_action)}</option>
                        {options}
                    </select>
                </div>
                <div class="field">
                    <label for="a-reference">{t!(i18n, desk.audit.f_reference)}</label>
                    <input type="text" id="a-reference" name="reference" value=value("reference", &query.reference) autocomplete="off"
                        autocapitalize="characters" spellcheck="false" />
                </div>
                <div class="field">
                    <label for="a-from">{t!(i18n, desk.dashboard.f_from)}</label>
                    <FieldError refused=refused.clone() field="from" id="a-from" />
                    <input type="date" id="a-from" name="from" value=value("from", &query.from) aria-invalid=refused.invalid("from")
                        aria-describedby=refused.described_by("from", "a-from", None) />
                </div>
                <div class="field">
                    <label for="a-to">{t!(i18n, desk.dashboard.f_to)}</label>
                    <FieldError refused=refused.clone() field="to" id="a-to" />
                    <input type="date" id="a-to" name="to" value=value("to", &query.to) aria-invalid=refused.invalid("to")
                        aria-describedby=refused.described_by("to", "a-to", None) />
                </div>
            </div>
            <button type="submit">{t!(i18n, desk.audit.apply)}</button>
        </form>
    }
}

#[component]
fn Rows(rows: Vec<AuditRowDto>) -> impl IntoView {
    let i18n = use_i18n();
    if rows.is_empty() {
        return view! { <p class="empty" id="no-audit-rows">{t!(i18n, desk.audit.none)}</p> }.into_any();
    }
    let body = rows
        .into_iter()
        .map(|r| {
            let at = r.at;
            view! {
                <tr>
                    <td>{r.seq}</td>
                    <td><time>{move || date_time_text(i18n, at)}</time></td>
                    <td>{r.actor}</td>
                    <td><code>{r.action}</code></td>
                    <td>{r.object.unwrap_or_default()}</td>
                    <td>{r.outcome}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DeskTable caption_id="audit-caption" class="audit" id="audit-rows" caption=t!(i18n, desk.audit.caption).into_any()
            head=view! {
                <th scope="col">{t!(i18n, desk.audit.col_seq)}</th>
                <th scope="col">{t!(i18n, desk.audit.col_at)}</th>
                <th scope="col">{t!(i18n, desk.audit.col_actor)}</th>
                <th scope="col">{t!(i18n, desk.audit.col_action)}</th>
                <th scope="col">{t!(i18n, desk.audit.col_object)}</th>
                <th scope="col">{t!(i18n, desk.audit.col_outcome)}</th>
            }.into_any()>
            {body}
        </DeskTable>
    }
    .into_any()
}

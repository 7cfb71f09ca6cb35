//! The insider signal on the dashboard: the people who opened more distinct cases in the
//! last hour than their embassy allows, each with the count and a link to their openings
//! in the audit log.

use crate::{
    api::dashboard::InsiderDto,
    i18n::{t, use_i18n},
    ui::components::{desk_table::DeskTable, messages::role_text},
};
use leptos::prelude::*;

#[component]
pub fn Insiders(people: Vec<InsiderDto>, admin: bool) -> impl IntoView {
    let i18n = use_i18n();
    let body = if people.is_empty() {
        view! { <p class="empty" id="no-insiders">{t!(i18n, desk.dashboard.insiders_none)}</p> }.into_any()
    } else {
        let rows = people
            .into_iter()
            .map(|p| {
                let threshold = u32::try_from(p.threshold).unwrap_or(u32::MAX);
                let login = p.login.clone();
                view! {
                    <tr class="insider">
                        <th scope="row">{p.login}</th>
                        <td>{role_text(i18n, p.role)}</td>
                        {admin.then(|| view! { <td>{p.embassy}</td> })}
                        <td>{p.opened}" "<span class="badge overloaded">{t!(i18n, desk.dashboard.overloaded, count = move || threshold)}</span></td>
                        <td>
                            <a href=p.audit_href rel="external" class="insider-audit">
                                {t!(i18n, desk.dashboard.insider_audit)}<span class="visually-hidden">": "{login}</span>
                            </a>
                        </td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <DeskTable caption_id="insiders-caption" class="insiders" id="insiders-table" caption=t!(i18n, desk.dashboard.insiders_caption).into_any()
                head=view! {
                    <th scope="col">{t!(i18n, desk.team.col_login)}</th>
                    <th scope="col">{t!(i18n, desk.team.col_role)}</th>
                    {admin.then(|| view! { <th scope="col">{t!(i18n, desk.dashboard.f_embassy)}</th> })}
                    <th scope="col">{t!(i18n, desk.dashboard.insider_opened)}</th>
                    <th scope="col">{t!(i18n, desk.dashboard.insider_audit)}</th>
                }.into_any()>
                {rows}
            </DeskTable>
        }
        .into_any()
    };
    view! {
        <section aria-labelledby="insiders-title" class="dash-part" id="insiders">
            <h2 id="insiders-title">{t!(i18n, desk.dashboard.insiders_title)}</h2>
            <p class="hint">{t!(i18n, desk.dashboard.insiders_hint)}</p>
            {body}
        </section>
    }
}

//! A desk table: a captioned table in a region that scrolls sideways on narrow screens and
//! can be scrolled by keyboard (the region takes the focus and is named by the caption).

use leptos::{either::Either, prelude::*};

/// `caption` names the table and its region; `head` is the header row's cells; the rows
/// are the children, or `rows_html` when they were rendered to HTML beforehand (see
/// [`rows_html`]).
#[component]
pub fn DeskTable(
    caption_id: &'static str,
    caption: AnyView,
    head: AnyView,
    #[prop(optional)] class: &'static str,
    #[prop(optional)] id: Option<&'static str>,
    #[prop(optional)] rows_html: Option<String>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let body = match rows_html {
        Some(html) => Either::Left(view! { <tbody inner_html=html></tbody> }),
        None => Either::Right(view! { <tbody>{children.map(|rows| rows())}</tbody> }),
    };
    view! {
        <div class="table-scroll" role="region" tabindex="0" aria-labelledby=caption_id>
            <table class=format!("desk-table {class}").trim_end().to_owned() id=id>
                <caption id=caption_id>{caption}</caption>
                <thead>
                    <tr>{head}</tr>
                </thead>
                {body}
            </table>
        </div>
    }
}

/// The HTML of many plain rows, rendered at once. A row that is rendered once and never
/// changes (no signal, no handler) need not be a view of its own inside the page: the queue
/// page's fifty rows, each a future to resolve and a state to move, cost its renderer more
/// than the rest of the page. The text and attributes are escaped as in any view; only
/// views belong here, never text of one's own. Server only: the browser's renderer builds
/// views and does not write HTML.
#[cfg(feature = "ssr")]
pub fn rows_html<V: RenderHtml>(rows: impl IntoIterator<Item = V>) -> String {
    rows.into_iter().map(RenderHtml::to_html).collect()
}

//! A desk table: a captioned table in a region that scrolls sideways on narrow screens and
//! can be scrolled by keyboard (the region takes the focus and is named by the caption).

use leptos::prelude::*;

/// `caption` names the table and its region; `head` is the header row's cells; the rows
/// are the children.
#[component]
pub fn DeskTable(
    caption_id: &'static str,
    caption: AnyView,
    head: AnyView,
    #[prop(optional)] class: &'static str,
    #[prop(optional)] id: Option<&'static str>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <div class="table-scroll" role="region" tabindex="0" aria-labelledby=caption_id>
            <table class=format!("desk-table {class}").trim_end().to_owned() id=id>
                <caption id=caption_id>{caption}</caption>
                <thead>
                    <tr>{head}</tr>
                </thead>
                <tbody>{children.map(|rows| rows())}</tbody>
            </table>
        </div>
    }
}

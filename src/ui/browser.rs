//! What only a browser running the WASM bundle can do: read a form being submitted, know
//! today's date, move focus. Without JavaScript none of this runs and the server's checks
//! (the same rules) answer instead.

use crate::domain::{intake::IntakeForm, Date};
use leptos::ev::SubmitEvent;

/// Whether the form is being sent by a language-switch button (no checks then).
pub fn is_language_switch(ev: &SubmitEvent) -> bool {
    imp::submitter_name(ev).as_deref() == Some("switch_lang")
}

/// The intake form as the browser is about to send it.
pub fn read_intake(ev: &SubmitEvent) -> Option<IntakeForm> {
    let get = imp::form_reader(ev)?;
    let one = |name: &str| get(name).into_iter().next().unwrap_or_default();
    Some(IntakeForm {
        categories: get("categories"),
        country: one("country"),
        other_country: one("other_country"),
        city: one("city"),
        legal_status: one("legal_status"),
        permit_expiry: one("permit_expiry"),
        legal_deadline: one("legal_deadline"),
        document_kind: one("document_kind"),
        document_expiry: one("document_expiry"),
        household_size: one("household_size"),
        children: one("children_count"),
        housing_until: one("housing_until"),
        work_permit: one("work_permit"),
        work_field: one("work_field"),
        medical_kind: one("medical_kind"),
        urgency: get("urgency"),
        description: one("description"),
        name: one("name"),
        language: one("language"),
        contact_channel: one("contact_channel"),
        contact_handle: one("contact_handle"),
        consent: !one("consent").is_empty(),
    })
}

/// One text field of the form being submitted.
pub fn read_field(ev: &SubmitEvent, name: &str) -> Option<String> {
    imp::form_reader(ev).map(|get| get(name).into_iter().next().unwrap_or_default())
}

/// The values of the form with this id as the page holds them now: what was typed or chosen
/// before the page came alive included. `None` on the server.
pub fn form_values(id: &str) -> Option<impl Fn(&str) -> Vec<String>> {
    imp::form_by_id(id)
}

/// Today (UTC) by the browser's clock.
pub fn today() -> Option<Date> {
    imp::now_unix().map(Date::from_unix)
}

/// Moves keyboard and screen-reader focus to the element with this id (once it is shown).
pub fn focus(id: &str) {
    imp::focus(id)
}

#[cfg(feature = "hydrate")]
mod imp {
    use leptos::ev::SubmitEvent;
    use wasm_bindgen::JsCast;

    pub fn submitter_name(ev: &SubmitEvent) -> Option<String> {
        ev.submitter().and_then(|s| s.get_attribute("name"))
    }

    pub fn form_reader(ev: &SubmitEvent) -> Option<impl Fn(&str) -> Vec<String>> {
        reader(&ev.target()?.dyn_into().ok()?)
    }

    pub fn form_by_id(id: &str) -> Option<impl Fn(&str) -> Vec<String>> {
        reader(&leptos::prelude::document().get_element_by_id(id)?.dyn_into().ok()?)
    }

    fn reader(form: &web_sys::HtmlFormElement) -> Option<impl Fn(&str) -> Vec<String>> {
        let data = web_sys::FormData::new_with_form(form).ok()?;
        Some(move |name: &str| data.get_all(name).iter().filter_map(|v| v.as_string()).collect())
    }

    pub fn now_unix() -> Option<i64> {
        Some((js_sys::Date::now() / 1000.0) as i64)
    }

    /// After the next frame: the element may only appear with this change.
    pub fn focus(id: &str) {
        let id = id.to_owned();
        leptos::prelude::request_animation_frame(move || {
            let element = leptos::prelude::document().get_element_by_id(&id).and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
            if let Some(element) = element {
                let _ = element.focus();
            }
        });
    }
}

#[cfg(not(feature = "hydrate"))]
mod imp {
    use leptos::ev::SubmitEvent;

    pub fn submitter_name(_: &SubmitEvent) -> Option<String> {
        None
    }

    pub fn form_reader(_: &SubmitEvent) -> Option<fn(&str) -> Vec<String>> {
        None
    }

    pub fn form_by_id(_: &str) -> Option<fn(&str) -> Vec<String>> {
        None
    }

    pub fn now_unix() -> Option<i64> {
        None
    }

    pub fn focus(_: &str) {}
}

//! What only a browser running the WASM bundle can do: read a form being submitted, know
//! today's date, show and hide parts of the server-rendered intake form, write the errors
//! its checks find, move focus. Without JavaScript none of this runs and the server's checks
//! (the same rules) answer instead.

use crate::{
    domain::{
        intake::{FieldError, IntakeForm, CATEGORY_NAMES, OTHER_COUNTRY},
        Date,
    },
    ui::intake::form::ErrorTexts,
};
use leptos::ev::SubmitEvent;

/// Id of the "another country" question's group, shown only when that country is chosen.
pub const OTHER_COUNTRY_GROUP: &str = "other_country-group";
/// Id of the contact handle's group, shown only for a channel that needs one.
pub const CONTACT_HANDLE_GROUP: &str = "contact_handle-group";

/// Id of a category's section of questions.
pub fn section_id(category: &str) -> String {
    format!("section-{category}")
}

/// Id of the note in a section that says it applies only to its category (shown when the
/// page runs no script, which shows every section).
pub fn section_note_id(category: &str) -> String {
    format!("section-{category}-note")
}

/// Whether the form is being sent by a language-switch button (no checks then).
pub fn is_language_switch(ev: &SubmitEvent) -> bool {
    imp::submitter_name(ev).as_deref() == Some("switch_lang")
}

/// The intake form as the browser is about to send it.
pub fn read_intake(ev: &SubmitEvent) -> Option<IntakeForm> {
    imp::form_reader(ev).map(intake_from)
}

fn intake_from(get: impl Fn(&str) -> Vec<String>) -> IntakeForm {
    let one = |name: &str| get(name).into_iter().next().unwrap_or_default();
    IntakeForm {
        categories: get("categories"),
        country: one("country"),
        other_country: one("other_country"),
        city: one("city"),
        legal_status: one("legal_status"),
        permit_expiry: one("permit_expiry"),
        legal_deadline: one("legal_deadline"),
        document_kind: one("document_kind"),
        document_expiry: one("document_expiry"),
        document_number: one("document_number"),
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
    }
}

/// Shows the parts of the intake form (the form with this id) that apply to what it holds
/// now, and hides the rest: the sections of categories not ticked (and every section's note,
/// which only a page without script needs), the "another country" question unless that is
/// chosen, the contact handle unless a channel that needs one is chosen.
pub fn show_what_applies(form_id: &str) {
    let Some(get) = imp::form_by_id(form_id) else {
        return;
    };
    let form = intake_from(get);
    for category in CATEGORY_NAMES {
        imp::set_hidden(&section_id(category), !form.categories.iter().any(|c| c == category));
        imp::set_hidden(&section_note_id(category), true);
    }
    imp::set_hidden(OTHER_COUNTRY_GROUP, form.country != OTHER_COUNTRY);
    imp::set_hidden(CONTACT_HANDLE_GROUP, form.contact_channel.is_empty() || form.contact_channel == "site");
}

/// Writes `errors` into the intake form (the form with this id) as the server would have:
/// each message next to its field, which is marked invalid, and the summary above the form,
/// which takes the focus. Earlier errors, the server's among them, are taken away first.
pub fn show_errors(form_id: &str, errors: &[FieldError], texts: &ErrorTexts) {
    imp::show_errors(form_id, errors, texts)
}

/// Today (UTC) by the browser's clock.
pub fn today() -> Option<Date> {
    imp::now_unix().map(Date::from_unix)
}

#[cfg(feature = "hydrate")]
mod imp {
    use crate::{
        domain::intake::{error_for, Field, FieldError},
        ui::intake::form::ErrorTexts,
    };
    use leptos::{ev::SubmitEvent, prelude::document};
    use wasm_bindgen::JsCast;
    use web_sys::Element;

    pub fn submitter_name(ev: &SubmitEvent) -> Option<String> {
        ev.submitter().and_then(|s| s.get_attribute("name"))
    }

    pub fn form_reader(ev: &SubmitEvent) -> Option<impl Fn(&str) -> Vec<String>> {
        reader(&ev.target()?.dyn_into().ok()?)
    }

    pub fn form_by_id(id: &str) -> Option<impl Fn(&str) -> Vec<String>> {
        reader(&document().get_element_by_id(id)?.dyn_into().ok()?)
    }

    fn reader(form: &web_sys::HtmlFormElement) -> Option<impl Fn(&str) -> Vec<String>> {
        let data = web_sys::FormData::new_with_form(form).ok()?;
        Some(move |name: &str| data.get_all(name).iter().filter_map(|v| v.as_string()).collect())
    }

    pub fn now_unix() -> Option<i64> {
        Some((js_sys::Date::now() / 1000.0) as i64)
    }

    pub fn set_hidden(id: &str, hidden: bool) {
        if let Some(element) = document().get_element_by_id(id) {
            let _ = element.toggle_attribute_with_force("hidden", hidden);
        }
    }

    /// A new element: its tag, then `(attribute, value)` pairs, then its text.
    fn element(tag: &str, attributes: &[(&str, &str)], text: &str) -> Option<Element> {
        let element = document().create_element(tag).ok()?;
        for (name, value) in attributes {
            element.set_attribute(name, value).ok()?;
        }
        if !text.is_empty() {
            element.set_text_content(Some(text));
        }
        Some(element)
    }

    pub fn show_errors(form_id: &str, errors: &[FieldError], texts: &ErrorTexts) {
        let page = document();
        for field in Field::INTAKE {
            let name = field.name();
            let Some(control) = page.get_element_by_id(name) else {
                continue;
            };
            let error_id = format!("{name}-error");
            if let Some(old) = page.get_element_by_id(&error_id) {
                old.remove();
            }
            let described = control.get_attribute("aria-describedby").unwrap_or_default();
            let mut ids: Vec<&str> = described.split_whitespace().filter(|id| *id != error_id).collect();
            let rule = error_for(errors, field);
            if let Some(rule) = rule {
                let Some(message) = element("p", &[("class", "field-error"), ("id", &error_id)], "") else {
                    continue;
                };
                if let Some(prefix) = element("span", &[("class", "visually-hidden")], &format!("{} ", texts.prefix)) {
                    let _ = message.append_child(&prefix);
                }
                let _ = message.append_with_str_1(texts.rule(rule));
                // Where the server writes it: after a group's legend, before a box's own
                // line (label beside it), else before the control (after its label and hint).
                let in_choice = control.parent_element().filter(|p| p.class_name().split_whitespace().any(|c| c == "choice"));
                let _ = match (control.tag_name().as_str(), control.first_element_child(), in_choice) {
                    ("FIELDSET", Some(legend), _) => legend.insert_adjacent_element("afterend", &message),
                    (_, _, Some(choice)) => choice.insert_adjacent_element("beforebegin", &message),
                    _ => control.insert_adjacent_element("beforebegin", &message),
                };
                ids.push(&error_id);
            }
            // A group of boxes is described by its error, not marked invalid itself.
            if control.tag_name() != "FIELDSET" {
                let _ = match rule {
                    Some(_) => control.set_attribute("aria-invalid", "true"),
                    None => control.remove_attribute("aria-invalid"),
                };
            }
            let _ = if ids.is_empty() { control.remove_attribute("aria-describedby") } else { control.set_attribute("aria-describedby", &ids.join(" ")) };
        }

        if let Some(old) = page.get_element_by_id("error-summary") {
            old.remove();
        }
        if errors.is_empty() {
            return;
        }
        let summary = element(
            "div",
            &[("class", "error-summary"), ("id", "error-summary"), ("role", "alert"), ("tabindex", "-1"), ("aria-labelledby", "error-summary-title")],
            "",
        );
        let title = element("h2", &[("id", "error-summary-title")], &texts.title);
        let list = element("ul", &[], "");
        let (Some(summary), Some(title), Some(list)) = (summary, title, list) else {
            return;
        };
        for error in errors {
            let name = error.field.name();
            let link = element("a", &[("href", &format!("#{name}"))], &format!("{}: {}", texts.label(error.field), texts.rule(error.rule)));
            if let (Some(item), Some(link)) = (element("li", &[], ""), link) {
                let _ = item.append_child(&link);
                let _ = list.append_child(&item);
            }
        }
        let _ = summary.append_child(&title);
        let _ = summary.append_child(&list);
        // Above the form's fields, where the server writes it: before the form's token.
        let token = page.get_element_by_id(form_id).and_then(|form| form.query_selector("input[name=form_token]").ok().flatten());
        if let Some(token) = token {
            let _ = token.insert_adjacent_element("beforebegin", &summary);
            if let Ok(summary) = summary.dyn_into::<web_sys::HtmlElement>() {
                let _ = summary.focus();
            }
        }
    }
}

#[cfg(not(feature = "hydrate"))]
mod imp {
    use crate::{domain::intake::FieldError, ui::intake::form::ErrorTexts};
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

    pub fn set_hidden(_: &str, _: bool) {}

    pub fn show_errors(_: &str, _: &[FieldError], _: &ErrorTexts) {}
}
